//! The files that `::: include` reads (SPEC §3.5): each read once per build, however
//! many pages include it, with its front matter cut off. What the markdown stage does
//! with the text is in `markdown::includes`.

use super::frontmatter;
use crate::diag::Diagnostic;
use crate::memo::Shared;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What reading a file to include gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncludedFile {
    /// A markdown file: its body (the text after any front matter) and the file line
    /// the body starts on.
    Text {
        body: String,
        body_line: usize,
        /// The file has front matter (which is not part of the included text).
        front_matter: bool,
        /// Hash of the whole file.
        hash: blake3::Hash,
    },
    Missing,
    Folder,
    /// A symlink that leads out of the site folder, to this target.
    Outside(PathBuf),
    /// A file that cannot be read as text: the diagnostic is located in the file
    /// itself (the first byte that is not UTF-8, a front matter that never ends).
    Unreadable {
        problem: Diagnostic,
        hash: Option<blake3::Hash>,
    },
}

impl IncludedFile {
    /// Changes whenever what an include of the file gives could change: the content's
    /// hash for a file, else which kind of failure it is. A rendering records it for
    /// every file it included (`markdown::RenderDep::Include`).
    pub fn fingerprint(&self) -> blake3::Hash {
        match self {
            IncludedFile::Text { hash, .. } => *hash,
            IncludedFile::Unreadable {
                hash: Some(hash), ..
            } => *hash,
            IncludedFile::Unreadable { hash: None, .. } => blake3::hash(b"\0unreadable"),
            IncludedFile::Missing => blake3::hash(b"\0missing"),
            IncludedFile::Folder => blake3::hash(b"\0folder"),
            IncludedFile::Outside(target) => {
                let mut h = blake3::Hasher::new();
                h.update(b"\0outside");
                h.update(target.as_os_str().as_encoded_bytes());
                h.finalize()
            }
        }
    }
}

/// The files of one build that pages include, read on first use and then shared.
/// A build (or one `serve` rebuild) makes a new one, so that every build sees the
/// files as they are on disk now.
pub struct IncludeFiles {
    /// The site folder, canonical.
    root: PathBuf,
    files: Shared<IncludedFile>,
}

impl IncludeFiles {
    pub fn new(root: PathBuf) -> IncludeFiles {
        IncludeFiles {
            root,
            files: Shared::default(),
        }
    }

    /// The file at `site_path` (relative to the site root).
    pub fn read(&self, site_path: &Path) -> Arc<IncludedFile> {
        let key = blake3::hash(site_path.as_os_str().as_encoded_bytes());
        self.files
            .get_or_make(key, || read_included(&self.root, site_path))
    }
}

fn read_included(root: &Path, site_path: &Path) -> IncludedFile {
    let path = root.join(site_path);
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return IncludedFile::Missing;
    };
    if meta.file_type().is_symlink() {
        match path.canonicalize() {
            Ok(target) if !target.starts_with(root) => return IncludedFile::Outside(target),
            Ok(_) => {}
            Err(_) => return IncludedFile::Missing, // a dangling link
        }
    }
    if path.is_dir() {
        return IncludedFile::Folder;
    }
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            return IncludedFile::Unreadable {
                problem: Diagnostic::error("io", site_path, format!("cannot read: {e}")),
                hash: None,
            }
        }
    };
    let hash = blake3::hash(&bytes);
    let text = match super::text_of(bytes, site_path) {
        Ok(t) => t,
        Err(problem) => {
            return IncludedFile::Unreadable {
                problem,
                hash: Some(hash),
            }
        }
    };
    match frontmatter::split(&text) {
        Ok(split) => IncludedFile::Text {
            body: split.body.to_string(),
            body_line: split.body_line,
            front_matter: split.yaml.is_some(),
            hash,
        },
        Err(message) => IncludedFile::Unreadable {
            problem: Diagnostic::error("front-matter", site_path, message)
                .help("end the front matter with a line holding only `---`"),
            hash: Some(hash),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_once_and_cuts_front_matter() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content/sub")).unwrap();
        std::fs::write(root.join("content/_a.md"), "---\nx: 1\n---\nBody\n").unwrap();
        std::fs::write(root.join("content/bad.md"), b"ok\n\xff\n").unwrap();
        let files = IncludeFiles::new(root.clone());
        let a = files.read(Path::new("content/_a.md"));
        let IncludedFile::Text {
            body,
            body_line,
            front_matter,
            ..
        } = &*a
        else {
            panic!("{a:?}")
        };
        assert_eq!(
            (body.as_str(), *body_line, *front_matter),
            ("Body\n", 4, true)
        );
        // Read once per build: a change on disk is seen by the next build only.
        std::fs::write(root.join("content/_a.md"), "Changed\n").unwrap();
        assert_eq!(files.read(Path::new("content/_a.md")), a);
        let fresh = IncludeFiles::new(root.clone()).read(Path::new("content/_a.md"));
        assert_ne!(fresh.fingerprint(), a.fingerprint());

        assert_eq!(
            *files.read(Path::new("content/missing.md")),
            IncludedFile::Missing
        );
        assert_eq!(*files.read(Path::new("content/sub")), IncludedFile::Folder);
        let IncludedFile::Unreadable { problem, .. } = &*files.read(Path::new("content/bad.md"))
        else {
            panic!()
        };
        assert_eq!(
            (problem.code, problem.line, problem.column),
            ("encoding", 2, 1)
        );
    }
}
