//! Importers: content from elsewhere brought into a site's sources. `reports` turns
//! readers' reports into candidate caveats at their step; `wordpress` turns a blog
//! export into guides with candidate caveats; `frontmatter` writes the front matter of
//! the guides an importer creates (`source::edit` edits that of existing ones).

pub mod frontmatter;
pub mod reports;
pub mod wordpress;
