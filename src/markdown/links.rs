//! Links in markdown: `.md` links become the target page's URL in the same version
//! (written with `VERSION_BASE`), `#anchors` are checked once every page is known,
//! and a broken link says whether it crosses into another version's folder.

use super::{AnchorCheck, PageState, RenderDep, RenderEnv, VERSION_BASE};
use crate::diag::Diagnostic;
use crate::html::escape;
use std::path::Path;

impl PageState<'_> {
    /// Rewrites a relative `.md` link to the target page's URL; reports missing pages.
    pub(super) fn resolve_link(&mut self, dest: &str, line: usize, column: usize) -> LinkDest {
        let as_written = || LinkDest::AsWritten(dest.to_string());
        if has_scheme(dest) || dest.starts_with("//") {
            return as_written();
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        if path.is_empty() {
            if let Some(f) = fragment {
                // `#anchor` alone is on the page being rendered, even when an included
                // file writes it: included text is part of the page.
                self.out.anchor_checks.push(AnchorCheck {
                    target: self.page.rel_path.to_string(),
                    anchor: percent_decode_fragment(f),
                    line,
                    column,
                    written_in: None,
                });
            }
            return as_written();
        }
        let path = path.split('?').next().unwrap_or(path);
        if !path.to_ascii_lowercase().ends_with(".md") {
            return as_written();
        }
        // Relative to the file the link is written in (an included file's own folder).
        let written_in = self.map.origin_at(line).rel_path.as_str();
        let target = resolve_relative(written_in, &crate::url::percent_decode(path));
        let found = target.as_ref().and_then(|t| self.env.targets.get(t));
        if let Some(t) = &target {
            self.out.deps.push(RenderDep::Link {
                target: t.clone(),
                found: found.cloned(),
            });
        }
        match (target, found.cloned()) {
            (Some(target), Some(url)) => {
                if let Some(f) = fragment {
                    self.out.anchor_checks.push(AnchorCheck {
                        target,
                        anchor: percent_decode_fragment(f),
                        line,
                        column,
                        written_in: None,
                    });
                    LinkDest::Page(format!("{url}#{f}"))
                } else {
                    LinkDest::Page(url)
                }
            }
            _ if self.crosses_versions(path, line) => {
                self.out.diags.push(
                    Diagnostic::error(
                        "cross-version-link",
                        self.page.site_path,
                        format!("link to `{dest}` leads into another version's folder"),
                    )
                    .at(line, column)
                    .help("links between guides stay within their version; to point at another version, link its URL explicitly, e.g. `/2013/section/guide/`"),
                );
                as_written()
            }
            _ => {
                self.out.diags.push(
                    Diagnostic::warning(
                        "broken-link",
                        self.page.site_path,
                        format!("link to `{dest}`, which is not a page of this version"),
                    )
                    .at(line, column)
                    .help("the path is relative to this markdown file; check the file name"),
                );
                as_written()
            }
        }
    }

    /// The warning for a link or image in untrusted markdown whose URL is dropped.
    pub(super) fn unsafe_url(&mut self, url: &str, line: usize, column: usize) {
        self.out.diags.push(
            Diagnostic::warning(
                "unsafe-url",
                self.page.site_path,
                format!("the link to `{url}` in front matter is shown as text: only http, https, mailto and relative URLs are linked there"),
            )
            .at(line, column)
            .help("link a full https:// address or a path relative to the page"),
        );
    }

    /// The version-relative path of the file that expanded line `line` was written
    /// in: the page's, or an included file's.
    pub(super) fn file_at(&self, line: usize) -> &str {
        &self.map.origin_at(line).rel_path
    }

    /// Whether a relative link path, followed on disk from the folder of the file it
    /// is written in (at expanded line `line`), ends in the folder of another version.
    fn crosses_versions(&mut self, link_path: &str, line: usize) -> bool {
        let from = self.file_at(line).to_string();
        let crosses = link_crosses_versions(self.env, &page_dir(self.env, &from), link_path);
        self.out.deps.push(RenderDep::Crossing {
            from,
            link_path: link_path.to_string(),
            crosses,
        });
        crosses
    }
}

/// Where a link in a page leads.
pub(super) enum LinkDest {
    /// A page of the version: its path within the version, with any `#fragment`.
    Page(String),
    /// Anything else, kept as written.
    AsWritten(String),
}

/// The opening tag of a link to a page of the version, written with the
/// `VERSION_BASE` marker that the renderer replaces (pulldown-cmark would
/// percent-encode the marker, so this tag is written here).
pub(super) fn page_link_start(local: &str, title: &str) -> String {
    let mut href = String::new();
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_href(&mut href, local);
    let title = if title.is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", escape(title))
    };
    format!("<a href=\"{VERSION_BASE}{href}\"{title}>")
}

/// The folder of a markdown file of the version (a page or an included file),
/// relative to the site root.
pub fn page_dir(env: &RenderEnv, rel_path: &str) -> std::path::PathBuf {
    env.version_dir
        .join(rel_path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Whether a relative link path, followed from `page_dir` on disk, ends in the folder
/// of another version.
pub fn link_crosses_versions(env: &RenderEnv, page_dir: &Path, link_path: &str) -> bool {
    if link_path.starts_with('/') {
        return false;
    }
    let Some(target) = crate::paths::normalize(&Path::new("/").join(page_dir).join(link_path))
    else {
        return false;
    };
    env.other_version_dirs
        .iter()
        .any(|d| target.starts_with(Path::new("/").join(d)))
}

/// `scheme:` at the start (http:, mailto:, …).
pub(super) fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) if i > 0 => dest[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')),
        _ => false,
    }
}

fn percent_decode_fragment(f: &str) -> String {
    crate::url::percent_decode(f)
}

/// Joins a link path to the folder of `from` (both version-relative); a path starting
/// with `/` is from the version's root. None if it climbs out of the version.
pub fn resolve_relative(from: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = if link.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = from.split('/').collect();
        p.pop();
        p
    };
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            resolve_relative("a/b.md", "../c/d.md").as_deref(),
            Some("c/d.md")
        );
        assert_eq!(
            resolve_relative("a/b.md", "./e.md").as_deref(),
            Some("a/e.md")
        );
        assert_eq!(resolve_relative("a/b.md", "/x.md").as_deref(), Some("x.md"));
        assert_eq!(resolve_relative("b.md", "../../x.md"), None);
    }
}
