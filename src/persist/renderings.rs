//! The renderings kept between builds (`pipeline::cache::CachedPage`), in `SHARDS`
//! files by their slot key, so that a build after a one-guide change writes one file
//! of a few megabytes instead of all of them, and reads them in parallel.

use super::CacheDir;
use crate::pipeline::cache::CachedPage;
use rayon::prelude::*;

/// How many files the renderings are kept in.
pub const SHARDS: usize = 64;

/// The cache entry of shard `n`.
fn entry(n: usize) -> String {
    format!("renderings-{n:02}")
}

/// What was read: every kept rendering, and how many each shard held.
pub struct Loaded {
    pub pages: Vec<CachedPage>,
    pub per_shard: Vec<usize>,
}

/// The renderings kept in `cache` (a damaged or foreign shard is left out, with the
/// build's `cache` warning, like any entry).
pub fn read(cache: &CacheDir) -> Loaded {
    let shards: Vec<Vec<CachedPage>> = (0..SHARDS)
        .into_par_iter()
        .map(|n| cache.read::<Vec<CachedPage>>(&entry(n)).unwrap_or_default())
        .collect();
    let per_shard = shards.iter().map(Vec::len).collect();
    Loaded {
        pages: shards.into_iter().flatten().collect(),
        per_shard,
    }
}

/// Keeps `used`, the renderings this build used (once each), writing only the shards
/// that differ from what was read (`per_shard`: the counts `read` gave, empty when
/// nothing was read): one holding a rendering this build made, or fewer than it held.
pub fn save(cache: &CacheDir, used: &[&CachedPage], per_shard: &[usize]) {
    let mut shards: Vec<Vec<&CachedPage>> = vec![Vec::new(); SHARDS];
    for page in used {
        shards[shard_of(page.key())].push(page);
    }
    shards.into_par_iter().enumerate().for_each(|(n, pages)| {
        let loaded = per_shard.get(n).copied().unwrap_or(0);
        let changed = pages.len() != loaded || pages.iter().any(|p| !p.was_loaded());
        if changed {
            cache.write(&entry(n), &pages);
        }
    });
}

fn shard_of(key: &blake3::Hash) -> usize {
    usize::from(key.as_bytes()[0]) % SHARDS
}
