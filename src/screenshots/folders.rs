//! Which folders can hold a screenshot's sidecar (`NAME.EXT.yaml`) or dark twin
//! (`NAME.dark.EXT`), from one listing of each folder.
//!
//! Most screenshots have neither, and asking the file system for both of a
//! screenshot's parts was two of its five system calls (each a path lookup that
//! fails). A folder whose listing has no name that could be a sidecar, or none that
//! could be a twin, cannot hold one, whatever the screenshot: its screenshots skip
//! that lookup. The test is on the lowercased name, so that a file system that
//! ignores case (which the lookup would match) is answered the same. A folder that
//! has such names, or cannot be listed, is asked file by file as before.

// FxHash: see screenshots/facts.rs.
use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a folder's listing says of the parts its screenshots may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Parts {
    /// A name ends in `.yaml`: it may be a sidecar.
    pub sidecars: bool,
    /// A name holds `.dark`: it may be a dark twin.
    pub twins: bool,
}

/// The parts of each folder listed so far.
#[derive(Default)]
pub(super) struct Folders {
    listed: Mutex<HashMap<PathBuf, Parts>>,
}

impl Folders {
    /// What folder `dir` may hold (listed on first use).
    pub fn parts(&self, dir: &Path) -> Parts {
        if let Some(parts) = self.lock().get(dir) {
            return *parts;
        }
        let parts = list(dir);
        self.lock().insert(dir.to_path_buf(), parts);
        parts
    }

    /// Forgets the listings of the folders of `files` (changed files, as paths like
    /// the folders': a sidecar or twin may have been added there).
    pub fn forget<'a>(&self, files: impl IntoIterator<Item = &'a Path>) {
        let mut listed = self.lock();
        for file in files {
            if let Some(dir) = file.parent() {
                listed.remove(dir);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Parts>> {
        self.listed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The parts folder `dir` may hold, from its listing: both when it cannot be listed.
fn list(dir: &Path) -> Parts {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Parts {
            sidecars: true,
            twins: true,
        };
    };
    let mut parts = Parts {
        sidecars: false,
        twins: false,
    };
    for entry in entries {
        let Ok(entry) = entry else {
            // A listing cut short may have missed a part.
            return Parts {
                sidecars: true,
                twins: true,
            };
        };
        let name = entry.file_name().as_encoded_bytes().to_ascii_lowercase();
        parts.sidecars |= name.ends_with(b".yaml");
        parts.twins |= name.windows(5).any(|w| w == b".dark");
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_lists_the_parts_it_may_hold_and_forgets_them_when_told() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().to_path_buf();
        std::fs::write(dir.join("a.png"), b"x").unwrap();
        let folders = Folders::default();
        let none = Parts {
            sidecars: false,
            twins: false,
        };
        assert_eq!(folders.parts(&dir), none);
        // Kept until forgotten: a file added unseen does not count yet.
        std::fs::write(dir.join("A.PNG.YAML"), b"x").unwrap();
        std::fs::write(dir.join("a.Dark.png"), b"x").unwrap();
        assert_eq!(folders.parts(&dir), none);
        folders.forget([Path::new("site/a.PNG.YAML")]);
        assert_eq!(folders.parts(&dir), none, "another folder's file");
        folders.forget([dir.join("A.PNG.YAML").as_path()]);
        let both = Parts {
            sidecars: true,
            twins: true,
        };
        assert_eq!(folders.parts(&dir), both, "lowercased names");
        assert_eq!(folders.parts(&dir.join("missing")), both);
    }
}
