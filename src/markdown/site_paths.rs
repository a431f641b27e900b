//! What a root-relative link (`/licensing/partner-id/`) may lead to (SPEC §3.1): the
//! site's own pages, aliases and files, below the site's URL prefix. Built once per
//! build from every version (a link may name a page of another version), read by
//! every page's rendering.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SitePaths {
    /// The site's URL prefix (`/`, `/docs/`).
    prefix: String,
    /// Paths below the prefix: pages and aliases end with `/` (`licensing/por/`,
    /// `2013/`), files do not (`files/setup.ps1`, `sitemap.xml`).
    paths: HashSet<String>,
    /// Page paths below the prefix (`licensing/por/`) → the page's version folder
    /// (`content`) and its version-relative `.md` file: what a link's `#anchor` is
    /// checked against.
    pages: HashMap<String, (PathBuf, String)>,
}

impl SitePaths {
    pub fn new(prefix: &str, paths: impl IntoIterator<Item = String>) -> SitePaths {
        SitePaths {
            prefix: prefix.to_string(),
            paths: paths.into_iter().collect(),
            pages: HashMap::new(),
        }
    }

    /// The same, knowing the `.md` file of each page: (page path below the prefix,
    /// version folder, version-relative `.md` path).
    pub fn with_pages(
        mut self,
        pages: impl IntoIterator<Item = (String, PathBuf, String)>,
    ) -> SitePaths {
        self.pages = pages
            .into_iter()
            .map(|(path, dir, md)| (path, (dir, md)))
            .collect();
        self
    }

    /// The version-relative `.md` file of the page of the version in `version_dir`
    /// that `link_path` (decoded, like `contains`) names; None for a file, an alias, a
    /// page of another version or nothing.
    pub fn page_in(&self, link_path: &str, version_dir: &Path) -> Option<&str> {
        let local = match link_path.strip_prefix(self.prefix.as_str()) {
            Some(local) => local,
            None if format!("{link_path}/") == self.prefix => "",
            None => return None,
        };
        let local = local.strip_suffix("index.html").unwrap_or(local);
        let key = if local.is_empty() || local.ends_with('/') {
            local.to_string()
        } else {
            format!("{local}/")
        };
        self.pages
            .get(&key)
            .filter(|(dir, _)| dir == version_dir)
            .map(|(_, md)| md.as_str())
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Whether the site has something at `link_path` (decoded, without query or
    /// fragment, starting with `/`). A page may be named with or without its final
    /// `/`, or as its `index.html`.
    pub fn contains(&self, link_path: &str) -> bool {
        let local = match link_path.strip_prefix(self.prefix.as_str()) {
            Some(local) => local,
            // `/docs` for the prefix `/docs/`: the home page.
            None => return format!("{link_path}/") == self.prefix,
        };
        let local = local.strip_suffix("index.html").unwrap_or(local);
        local.is_empty()
            || self.paths.contains(local)
            || (!local.ends_with('/') && self.paths.contains(&format!("{local}/")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_files_and_the_prefix() {
        let site = SitePaths::new(
            "/docs/",
            ["licensing/por/".to_string(), "files/a.pdf".to_string()],
        );
        assert!(site.contains("/docs/licensing/por/"));
        assert!(site.contains("/docs/licensing/por"));
        assert!(site.contains("/docs/licensing/por/index.html"));
        assert!(site.contains("/docs/files/a.pdf"));
        assert!(site.contains("/docs/"));
        assert!(site.contains("/docs"));
        assert!(!site.contains("/licensing/por/"));
        assert!(!site.contains("/docs/files/a.pdf/"));
        assert!(!site.contains("/docs/licensing/"));
    }

    #[test]
    fn the_page_of_a_path_in_its_version_only() {
        let site = SitePaths::new("/docs/", ["a/b/".to_string(), "2013/a/".to_string()])
            .with_pages([
                ("a/b/".to_string(), "content".into(), "a/b.md".to_string()),
                ("".to_string(), "content".into(), "index.md".to_string()),
                (
                    "2013/a/".to_string(),
                    "versions/2013".into(),
                    "a.md".to_string(),
                ),
            ]);
        let content = Path::new("content");
        assert_eq!(site.page_in("/docs/a/b", content), Some("a/b.md"));
        assert_eq!(
            site.page_in("/docs/a/b/index.html", content),
            Some("a/b.md")
        );
        assert_eq!(site.page_in("/docs/", content), Some("index.md"));
        assert_eq!(site.page_in("/docs", content), Some("index.md"));
        assert_eq!(site.page_in("/docs/2013/a/", content), None);
        assert_eq!(
            site.page_in("/docs/2013/a/", Path::new("versions/2013")),
            Some("a.md")
        );
        assert_eq!(site.page_in("/a/b/", content), None);
    }
}
