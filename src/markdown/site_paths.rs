//! What a root-relative link (`/licensing/partner-id/`) may lead to (SPEC §3.1): the
//! site's own pages, aliases and files, below the site's URL prefix. Built once per
//! build from every version (a link may name a page of another version), read by
//! every page's rendering.

use std::collections::HashSet;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SitePaths {
    /// The site's URL prefix (`/`, `/docs/`).
    prefix: String,
    /// Paths below the prefix: pages and aliases end with `/` (`licensing/por/`,
    /// `2013/`), files do not (`files/setup.ps1`, `sitemap.xml`).
    paths: HashSet<String>,
}

impl SitePaths {
    pub fn new(prefix: &str, paths: impl IntoIterator<Item = String>) -> SitePaths {
        SitePaths {
            prefix: prefix.to_string(),
            paths: paths.into_iter().collect(),
        }
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
}
