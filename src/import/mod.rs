//! Importers: content from elsewhere brought into a site's sources. `wordpress` turns
//! a blog export into guides with candidate caveats; `frontmatter` writes the front
//! matter of the guides an importer creates.

pub mod frontmatter;
pub mod wordpress;
