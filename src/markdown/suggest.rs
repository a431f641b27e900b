//! "Did you mean": what a reference that does not resolve probably meant (SPEC §3): a
//! path written with backslashes, a name that differs only in case (`media/hub.png`
//! for `Hub.png`: found on Windows and macOS, a 404 on a web server), a guide linked
//! without its `.md`, or the nearest name in the folder when it is close.
//!
//! The answer depends on the folders' listings, so a rendering records it
//! (`RenderDep::Suggestion`) and the cache asks again before reusing it.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Suggestion {
    /// The reference as it should be written (`/`-separated, like the original).
    pub path: String,
    pub reason: Reason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Reason {
    Backslash,
    Case,
    /// A guide linked by its name without `.md`.
    Markdown,
    Near,
}

impl Suggestion {
    /// The `help` of the diagnostic.
    pub fn help(&self) -> String {
        let why = match self.reason {
            Reason::Backslash => "paths in markdown use `/`, not `\\`",
            Reason::Case => {
                "file names are case-sensitive on web servers, though not on Windows or macOS"
            }
            Reason::Markdown => {
                "link the guide's markdown file; guidepost turns it into the page's URL"
            }
            Reason::Near => "it is the nearest name in that folder",
        };
        format!("did you mean `{}`? ({why})", self.path)
    }
}

/// Folders with more entries than this are not searched for a near name (a case-only
/// twin is still found in folders up to `MAX_LISTING`).
const MAX_NEAR_SEARCH: usize = 1_000;
/// Folders with more entries than this are not listed at all.
const MAX_LISTING: usize = 20_000;

/// What `written` (a decoded, relative path, `/`- or `\`-separated) probably meant,
/// read from `base` (a folder below `root`); None when it exists as written or
/// nothing close does. Never leaves `root`.
pub fn suggest(root: &Path, base: &Path, written: &str) -> Option<Suggestion> {
    let mut reason = None;
    let mut path = written.to_string();
    if path.contains('\\') {
        path = path.replace('\\', "/");
        reason = Some(Reason::Backslash);
    }
    let trailing_slash = path.ends_with('/') && path.len() > 1;
    let trimmed = path.trim_end_matches('/');
    let parts: Vec<&str> = trimmed.split('/').collect();
    let mut dir = root.join(base);
    let mut out: Vec<String> = Vec::new();
    for (k, part) in parts.iter().enumerate() {
        let last = k + 1 == parts.len();
        match *part {
            "" | "." => out.push(part.to_string()),
            ".." => {
                if !dir.pop() || !dir.starts_with(root) {
                    return None;
                }
                out.push("..".into());
            }
            name => {
                let (found, why) = find_entry(&dir, name, last)?;
                if let Some(why) = why {
                    reason = reason.or(Some(why));
                }
                dir.push(&found);
                out.push(found);
            }
        }
    }
    let reason = reason?;
    let mut path = out.join("/");
    if trailing_slash && reason != Reason::Markdown && dir.is_dir() {
        path.push('/');
    }
    Some(Suggestion { path, reason })
}

/// The entry of `dir` that `name` means: itself, or another name with why.
fn find_entry(dir: &Path, name: &str, last: bool) -> Option<(String, Option<Reason>)> {
    if std::fs::symlink_metadata(dir.join(name)).is_ok() {
        return Some((name.to_string(), None));
    }
    if last && Path::new(name).extension().is_none() {
        let md = format!("{name}.md");
        if dir.join(&md).is_file() {
            return Some((md, Some(Reason::Markdown)));
        }
    }
    let entries = listing(dir)?;
    let lower = name.to_lowercase();
    let same_case: Vec<&(String, bool)> = entries
        .iter()
        .filter(|(n, _)| n.to_lowercase() == lower)
        .collect();
    if let [(n, _)] = same_case.as_slice() {
        return Some((n.clone(), Some(Reason::Case)));
    }
    // The nearest name (folders only on the way), when it is clearly the one.
    if entries.len() > MAX_NEAR_SEARCH {
        return None;
    }
    let length = lower.chars().count();
    let limit = (length / 6).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    let mut tie = false;
    for (n, is_dir) in &entries {
        if !last && !is_dir {
            continue;
        }
        let candidate = n.to_lowercase();
        // Names whose lengths differ by more than the limit are farther than it.
        if candidate.chars().count().abs_diff(length) > limit {
            continue;
        }
        let d = strsim::osa_distance(&lower, &candidate);
        if d > limit {
            continue;
        }
        match best {
            Some((b, _)) if d > b => {}
            Some((b, _)) if d == b => tie = true,
            _ => {
                best = Some((d, n));
                tie = false;
            }
        }
    }
    match best {
        Some((_, n)) if !tie => Some((n.to_string(), Some(Reason::Near))),
        _ => None,
    }
}

/// The names in a folder (with whether each is a folder), hidden ones left out.
fn listing(dir: &Path) -> Option<Vec<(String, bool)>> {
    let entries: Vec<(String, bool)> = std::fs::read_dir(dir)
        .ok()?
        .take(MAX_LISTING + 1)
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let is_dir = e.file_type().ok()?.is_dir();
            (!name.starts_with('.')).then_some((name, is_dir))
        })
        .collect();
    (entries.len() <= MAX_LISTING).then_some(entries)
}

/// The folder a reference is read from, for `suggest`: below the site root.
pub fn base_for(page_dir: &Path, written: &str) -> (PathBuf, String) {
    match written.strip_prefix('/') {
        Some(abs) => (PathBuf::from("static"), abs.to_string()),
        None => (page_dir.to_path_buf(), written.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let media = dir.path().join("content/media");
        std::fs::create_dir_all(&media).unwrap();
        for name in [
            "Hub.png",
            "shot.png",
            "intelligent-intranet-overview.md",
            "a1.png",
            "a2.png",
        ] {
            std::fs::write(media.join(name), "x").unwrap();
        }
        std::fs::write(dir.path().join("content/notifications.md"), "x").unwrap();
        dir
    }

    #[test]
    fn case_backslash_markdown_and_near() {
        let t = tree();
        let s = |w: &str| suggest(t.path(), Path::new("content"), w);
        assert_eq!(
            s("media/hub.png"),
            Some(Suggestion {
                path: "media/Hub.png".into(),
                reason: Reason::Case
            })
        );
        assert_eq!(
            s("media\\shot.png"),
            Some(Suggestion {
                path: "media/shot.png".into(),
                reason: Reason::Backslash
            })
        );
        assert_eq!(
            s("Media/shot.png"),
            Some(Suggestion {
                path: "media/shot.png".into(),
                reason: Reason::Case
            })
        );
        assert_eq!(
            s("./notifications"),
            Some(Suggestion {
                path: "./notifications.md".into(),
                reason: Reason::Markdown
            })
        );
        assert_eq!(
            s("media/intelligent-internet-overview.md").map(|x| x.path),
            Some("media/intelligent-intranet-overview.md".into())
        );
        // Exists as written, too far from anything, or two names equally near.
        assert_eq!(s("media/shot.png"), None);
        assert_eq!(s("media/screenshot.png"), None);
        assert_eq!(s("media/a3.png"), None);
        assert_eq!(s("../../../x.png"), None);
    }
}
