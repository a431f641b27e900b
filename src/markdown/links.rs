//! Links in markdown and raw HTML: `.md` links become the target page's URL in the
//! same version (written with `VERSION_BASE`), `#anchors` are checked once every page
//! is known, local files are copied and linked, root-relative links are checked
//! against the site, and a broken link says what was probably meant, or whether it
//! crosses into another version's folder.

use super::{AnchorCheck, PageState, RenderDep, RenderEnv, VERSION_BASE};
use crate::diag::Diagnostic;
use crate::html::escape;
use crate::screenshots::ImageError;
use std::path::Path;

impl PageState<'_> {
    /// Where a link of the page leads (SPEC §3.1): a relative `.md` link becomes the
    /// target page's URL, a local file is copied and linked, a root-relative link is
    /// checked against the site; whatever does not resolve is reported.
    pub(super) fn resolve_link(&mut self, dest: &str, line: usize, column: usize) -> LinkDest {
        let as_written = || LinkDest::AsWritten(dest.to_string());
        // Another host, `mailto:` and the like; a Hugo shortcode (`{{< ref … >}}`),
        // which has its own warning.
        if has_scheme(dest) || dest.starts_with("//") || dest.contains("{{") {
            return as_written();
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        if path.is_empty() {
            // DocFX tabs (`#tab/…`) are foreign syntax, warned about as such.
            if let Some(f) = fragment.filter(|f| !f.starts_with("tab/")) {
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
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path, None),
        };
        if path.is_empty() {
            // `?q=word`: this very page with a query (MkDocs links to its search so);
            // no file to find.
            return as_written();
        }
        if path.to_ascii_lowercase().ends_with(".md") {
            return self.resolve_page_link(dest, path, fragment, line, column);
        }
        if path.starts_with('/') {
            self.check_site_path(dest, path, fragment, line, column);
            return as_written();
        }
        self.resolve_local_link(dest, path, query, fragment, line, column)
    }

    /// A link to a `.md` file: the page's URL in this version, or a warning.
    fn resolve_page_link(
        &mut self,
        dest: &str,
        path: &str,
        fragment: Option<&str>,
        line: usize,
        column: usize,
    ) -> LinkDest {
        let as_written = || LinkDest::AsWritten(dest.to_string());
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
                let help = self.did_you_mean(path, line).unwrap_or_else(|| {
                    "the path is relative to this markdown file; check the file name".into()
                });
                self.out.diags.push(
                    Diagnostic::warning(
                        "broken-link",
                        self.page.site_path,
                        format!("link to `{dest}`, which is not a page of this version"),
                    )
                    .at(line, column)
                    .help(help),
                );
                as_written()
            }
        }
    }

    /// A root-relative link (`/licensing/partner-id/`): checked against the site's
    /// pages, aliases and files, left as written. Its `#anchor`, when it names a page
    /// of this version, is checked like a relative `.md` link's.
    fn check_site_path(
        &mut self,
        dest: &str,
        path: &str,
        fragment: Option<&str>,
        line: usize,
        column: usize,
    ) {
        let decoded = crate::url::percent_decode(path);
        let found = self.env.site.contains(&decoded);
        let page = self
            .env
            .site
            .page_in(&decoded, self.env.version_dir)
            .map(str::to_string);
        if let (Some(target), Some(f)) = (&page, fragment) {
            self.out.anchor_checks.push(AnchorCheck {
                target: target.clone(),
                anchor: percent_decode_fragment(f),
                line,
                column,
                written_in: None,
            });
        }
        self.out.deps.push(RenderDep::SitePath {
            path: decoded,
            found,
            page,
        });
        if !found {
            self.out.diags.push(
                Diagnostic::warning(
                    "broken-link",
                    self.page.site_path,
                    format!(
                        "link to `{dest}`, which is no page or file of this site (its pages are below `{}`)",
                        self.env.site.prefix()
                    ),
                )
                .at(line, column)
                .help("link the guide's `.md` file by its path relative to this file, and guidepost writes its URL; for another site, write its full https:// address"),
            );
        }
    }

    /// A relative link that is not markdown: a folder with a section or guide page
    /// leads to that page; a file is copied into the output (`assets/files/<hash>/`)
    /// and linked there; anything else is a warning.
    fn resolve_local_link(
        &mut self,
        dest: &str,
        path: &str,
        query: Option<&str>,
        fragment: Option<&str>,
        line: usize,
        column: usize,
    ) -> LinkDest {
        let decoded = crate::url::percent_decode(path);
        // Relative to the file the link is written in (an included file's own folder).
        let from = self.file_at(line).to_string();
        if let Some(url) = self.folder_page(&from, &decoded) {
            return LinkDest::Page(with_suffix(url, query, fragment));
        }
        let result = self.env.assets.file(&page_dir(self.env, &from), path);
        self.out.deps.push(RenderDep::File {
            from,
            src: path.to_string(),
            result: result.clone(),
        });
        let (message, help) = match result {
            Ok(file) => return LinkDest::File(with_suffix(file.url.clone(), query, fragment)),
            Err(ImageError::NotFound(_)) => (
                format!("link to `{dest}`: there is no such file"),
                self.did_you_mean(path, line).unwrap_or_else(|| {
                    "the path is relative to this markdown file; check the file name".into()
                }),
            ),
            Err(ImageError::OutsideSite(_)) => (
                format!("link to `{dest}` leads out of the site folder"),
                "linked files must be inside the site folder, to be copied with it".into(),
            ),
            Err(ImageError::Unreadable(m)) => (
                format!("link to `{dest}`: {m}"),
                "link a file, or the `.md` file of a guide".into(),
            ),
            Err(e @ ImageError::Data { .. }) => (
                format!("link to `{dest}`: {e}"),
                "fix the errors reported at its sidecar or dark twin".into(),
            ),
        };
        self.out.diags.push(
            Diagnostic::warning("broken-link", self.page.site_path, message)
                .at(line, column)
                .help(help),
        );
        LinkDest::AsWritten(dest.to_string())
    }

    /// The page of a folder named by a relative link (`../licensing/`) written in the
    /// file `from` (version-relative): its `_index.md` or `index.md`, when it has one.
    fn folder_page(&mut self, from: &str, decoded: &str) -> Option<String> {
        let last = decoded
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("");
        if !decoded.ends_with('/') && last.contains('.') && last != ".." {
            return None;
        }
        let folder = resolve_relative(from, decoded)?;
        ["_index.md", "index.md"].into_iter().find_map(|index| {
            let target = if folder.is_empty() {
                index.to_string()
            } else {
                format!("{folder}/{index}")
            };
            let found = self.env.targets.get(&target).cloned();
            self.out.deps.push(RenderDep::Link {
                target,
                found: found.clone(),
            });
            found
        })
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
    /// A copied file: the URL of the copy, with any `?query` and `#fragment`.
    File(String),
    /// Anything else, kept as written.
    AsWritten(String),
}

/// A URL with the query and fragment that the link had.
fn with_suffix(mut url: String, query: Option<&str>, fragment: Option<&str>) -> String {
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    if let Some(f) = fragment {
        url.push('#');
        url.push_str(f);
    }
    url
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
