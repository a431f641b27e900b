//! The parts of search indexes kept between builds: each guide's terms and packed
//! fragment (`search::GuidePart`), by the hash of what the index reads of the guide.
//! A build after a one-guide change reads again that guide only; the scores, which
//! depend on every guide, are computed again.

use super::CacheDir;
use crate::search::{GuidePart, PartStore};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// How many files the parts are kept in, by the first byte of their key: read in
/// parallel, and a one-guide change rewrites one of them (under 1 MB for 10,000
/// guides) instead of all 55 MB.
const SHARDS: usize = 64;

/// The cache entry of shard `n`.
fn entry(n: usize) -> String {
    format!("search-{n:02}")
}

fn shard_of(key: &blake3::Hash) -> usize {
    usize::from(key.as_bytes()[0]) % SHARDS
}

type Stored = Vec<([u8; 32], Arc<GuidePart>)>;

pub struct SearchParts {
    known: HashMap<blake3::Hash, Arc<GuidePart>>,
    /// How many parts each shard held when read.
    per_shard: Vec<usize>,
    /// What this build's indexes used: the next build's entry.
    used: Mutex<HashMap<blake3::Hash, Arc<GuidePart>>>,
    made: AtomicBool,
}

impl SearchParts {
    pub fn open(cache: &CacheDir) -> SearchParts {
        use rayon::prelude::*;
        let shards: Vec<Stored> = (0..SHARDS)
            .into_par_iter()
            .map(|n| cache.read::<Stored>(&entry(n)).unwrap_or_default())
            .collect();
        let per_shard = shards.iter().map(Vec::len).collect();
        SearchParts {
            known: shards
                .into_iter()
                .flatten()
                .map(|(k, part)| (blake3::Hash::from_bytes(k), part))
                .collect(),
            per_shard,
            used: Mutex::new(HashMap::new()),
            made: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<blake3::Hash, Arc<GuidePart>>> {
        self.used.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the parts used by this build, unless they are the ones read: only the
    /// shards that hold a part this build made, or fewer parts than they held.
    pub fn save(self, cache: &CacheDir) {
        use rayon::prelude::*;
        let used = self.used.into_inner().unwrap_or_else(|e| e.into_inner());
        // No index was made (all came from memory): keep what is there.
        if used.is_empty() {
            return;
        }
        if !self.made.load(Ordering::Relaxed) && used.len() == self.known.len() {
            return;
        }
        let mut shards: Vec<Vec<(blake3::Hash, Arc<GuidePart>)>> = vec![Vec::new(); SHARDS];
        for (key, part) in used {
            shards[shard_of(&key)].push((key, part));
        }
        let known = &self.known;
        let per_shard = &self.per_shard;
        shards.into_par_iter().enumerate().for_each(|(n, parts)| {
            let read = per_shard.get(n).copied().unwrap_or(0);
            let changed = parts.len() != read || parts.iter().any(|(k, _)| !known.contains_key(k));
            if changed {
                let mut stored: Stored =
                    parts.into_iter().map(|(k, p)| (*k.as_bytes(), p)).collect();
                stored.sort_unstable_by_key(|entry| entry.0);
                cache.write(&entry(n), &stored);
            }
        });
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
