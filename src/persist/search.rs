//! The parts of search indexes kept between builds: each guide's terms and packed
//! fragment (`search::GuidePart`), by the hash of what the index reads of the guide.
//! A build after a one-guide change reads again that guide only; the scores, which
//! depend on every guide, are computed again.

use super::CacheDir;
use crate::search::{GuidePart, PartStore};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const ENTRY: &str = "search";

type Stored = Vec<([u8; 32], Arc<GuidePart>)>;

pub struct SearchParts {
    known: HashMap<blake3::Hash, Arc<GuidePart>>,
    /// What this build's indexes used: the next build's entry.
    used: Mutex<HashMap<blake3::Hash, Arc<GuidePart>>>,
    made: AtomicBool,
}

impl SearchParts {
    pub fn open(cache: &CacheDir) -> SearchParts {
        let stored: Stored = cache.read(ENTRY).unwrap_or_default();
        SearchParts {
            known: stored
                .into_iter()
                .map(|(k, part)| (blake3::Hash::from_bytes(k), part))
                .collect(),
            used: Mutex::new(HashMap::new()),
            made: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<blake3::Hash, Arc<GuidePart>>> {
        self.used.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the parts used by this build, unless they are the ones read.
    pub fn save(self, cache: &CacheDir) {
        let used = self.used.into_inner().unwrap_or_else(|e| e.into_inner());
        // No index was made (all came from memory): keep what is there.
        if used.is_empty() {
            return;
        }
        if !self.made.load(Ordering::Relaxed) && used.len() == self.known.len() {
            return;
        }
        let mut stored: Stored = used.into_iter().map(|(k, p)| (*k.as_bytes(), p)).collect();
        stored.sort_unstable_by_key(|entry| entry.0);
        cache.write(ENTRY, &stored);
    }
}

impl PartStore for SearchParts {
    fn get(&self, key: &blake3::Hash) -> Option<Arc<GuidePart>> {
        let part = self.known.get(key)?.clone();
        self.lock().insert(*key, part.clone());
        Some(part)
    }

    fn put(&self, key: blake3::Hash, part: Arc<GuidePart>) {
        self.made.store(true, Ordering::Relaxed);
        self.lock().insert(key, part);
    }
}
