//! What was measured of screenshot files (size, dimensions, content hash), kept by the
//! persistent cache (`persist`) with each file's stamp (`persist::stamp::SourceStamp`:
//! length, modification and change times, inode, device). A file whose stamp is the
//! recorded one is not opened again; any other is measured as ever. Reading and hashing
//! the thousands of small screenshot files a site shows is most of what checking a
//! kept rendering again costs.

use crate::persist::stamp::SourceStamp;
// Keyed by path with FxHash: hashing screenshots' paths was about 4% of a warm build's
// CPU, std's SipHash about 1.3% of it (issue 22). The paths are the site's own files.
use rustc_hash::FxHashMap as HashMap;
use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// What is measured of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fact {
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    #[serde(with = "crate::persist::codec::hash")]
    pub hash: blake3::Hash,
}

/// The facts as the cache keeps them: (real path, stamp, fact), sorted by path.
pub type Stored = Vec<(PathBuf, SourceStamp, Fact)>;

/// The facts of one build: those read from the cache, and those it used or measured.
#[derive(Default)]
pub struct Facts {
    known: HashMap<PathBuf, (SourceStamp, Fact)>,
    used: Mutex<HashMap<PathBuf, (SourceStamp, Fact)>>,
    measured: AtomicBool,
    /// Whether facts are kept at all: not without a persistent cache, where nothing
    /// would read them (and a cold build's memory stays as it was).
    keeping: bool,
}

impl Facts {
    pub fn new(stored: Stored) -> Facts {
        Facts {
            known: stored.into_iter().map(|(p, s, f)| (p, (s, f))).collect(),
            keeping: true,
            ..Facts::default()
        }
    }

    /// Whether facts are kept (a build with a persistent cache): else nothing asks
    /// for a file's stamp.
    pub fn keeping(&self) -> bool {
        self.keeping
    }

    /// The fact of the file at `real` (canonical), whose metadata is `meta`, when it
    /// has the stamp recorded with it.
    pub fn get(&self, real: &Path, meta: &Metadata) -> Option<Fact> {
        let (stamp, fact) = self.known.get(real)?;
        if SourceStamp::of(meta) != Some(*stamp) {
            return None;
        }
        self.lock().insert(real.to_path_buf(), (*stamp, *fact));
        Some(*fact)
    }

    /// Records `fact`, measured of the file at `real` whose metadata before it was read
    /// was `meta` (nothing when its times are too recent to tell a later change).
    pub fn note(&self, real: &Path, meta: &Metadata, fact: Fact) {
        if !self.keeping {
            return;
        }
        self.measured.store(true, Ordering::Relaxed);
        if let Some(stamp) = SourceStamp::settled_of(meta) {
            self.lock().insert(real.to_path_buf(), (stamp, fact));
        }
    }

    /// The facts to keep for the next build, when they differ from those read.
    pub fn to_keep(&self) -> Option<Stored> {
        if !self.keeping {
            return None;
        }
        let used = self.lock();
        if !self.measured.load(Ordering::Relaxed) && used.len() == self.known.len() {
            return None;
        }
        let mut stored: Stored = used.iter().map(|(p, (s, f))| (p.clone(), *s, *f)).collect();
        stored.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Some(stored)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, (SourceStamp, Fact)>> {
        self.used.lock().unwrap_or_else(|e| e.into_inner())
    }
}
