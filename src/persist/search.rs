//! The parts of search indexes kept between builds: each guide's terms and packed
//! fragment (`search::GuidePart`), by the hash of what the index reads of the guide.
//! A build after a one-guide change reads again that guide only; the scores, which
//! depend on every guide, are computed again, and the term chunks and vocabulary
//! files are packed again only when their JSON changed (`PackedFiles`). A file of
//! parts numbers their terms into a vocabulary of its own, so that a kept guide's terms
//! are not looked up one by one again (`search::PartTerms::Numbered`).

use super::codec::Bytes;
use super::CacheDir;
use crate::search::{GuidePart, PartStore, PartTerms};
use rustc_hash::FxHashMap;
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

/// One file of parts: their terms' vocabulary and the parts by key.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Stored {
    vocabulary: Vec<String>,
    parts: Vec<([u8; 32], StoredPart)>,
}

/// A `GuidePart` in a file: its terms as numbers into the file's vocabulary. The
/// numbers and counts are little-endian `u32`s in one byte string each: bincode
/// decodes a `Vec<u32>` value by value through serde, which was a fifth of the
/// cost of a warm build's search index (15 million values for 10,000 guides).
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredPart {
    ids: Bytes,
    /// Four per term: title, summary, headings, body.
    counts: Bytes,
    len: [u32; 4],
    fragment: Bytes,
}

fn to_le_bytes(values: impl Iterator<Item = u32>) -> Bytes {
    Bytes(values.flat_map(u32::to_le_bytes).collect())
}

/// The `u32`s of `to_le_bytes`; None when the bytes are not a whole number of them.
fn from_le_bytes(bytes: &[u8]) -> Option<Vec<u32>> {
    let values = bytes.chunks_exact(4);
    if !values.remainder().is_empty() {
        return None;
    }
    Some(
        values
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
    )
}

impl StoredPart {
    /// The part, with `vocabulary` as its terms' numbering; None when its numbers
    /// do not fit it (which the file's hash makes all but impossible): the part is
    /// then made again.
    fn into_part(self, vocabulary: &Arc<Vec<String>>) -> Option<GuidePart> {
        let ids = from_le_bytes(&self.ids.0)?;
        let flat = from_le_bytes(&self.counts.0)?;
        let fits = |id: &u32| (*id as usize) < vocabulary.len();
        if flat.len() != ids.len() * 4 || !ids.iter().all(fits) {
            return None;
        }
        let counts = flat
            .chunks_exact(4)
            .map(|c| [c[0], c[1], c[2], c[3]])
            .collect();
        Some(GuidePart {
            terms: PartTerms::Numbered {
                vocabulary: vocabulary.clone(),
                ids,
            },
            counts,
            len: self.len,
            fragment: self.fragment,
        })
    }
}

impl Stored {
    /// The parts of the file.
    fn into_parts(self) -> Vec<(blake3::Hash, Arc<GuidePart>)> {
        let vocabulary = Arc::new(self.vocabulary);
        self.parts
            .into_iter()
            .filter_map(|(key, p)| {
                let part = p.into_part(&vocabulary)?;
                Some((blake3::Hash::from_bytes(key), Arc::new(part)))
            })
            .collect()
    }

    /// The file holding `parts` (sorted by key), numbered into one new vocabulary.
    fn of(mut parts: Vec<(blake3::Hash, Arc<GuidePart>)>) -> Stored {
        parts.sort_unstable_by_key(|(key, _)| *key.as_bytes());
        let mut numbers: FxHashMap<&str, u32> = FxHashMap::default();
        let mut vocabulary: Vec<String> = Vec::new();
        let mut stored = Vec::with_capacity(parts.len());
        for (key, part) in &parts {
            let mut ids = Vec::with_capacity(part.counts.len());
            part.terms.for_each(|term| {
                let next = vocabulary.len() as u32;
                ids.push(*numbers.entry(term).or_insert_with(|| {
                    vocabulary.push(term.to_string());
                    next
                }));
            });
            let part = StoredPart {
                ids: to_le_bytes(ids.into_iter()),
                counts: to_le_bytes(part.counts.iter().flatten().copied()),
                len: part.len,
                fragment: part.fragment.clone(),
            };
            stored.push((*key.as_bytes(), part));
        }
        Stored {
            vocabulary,
            parts: stored,
        }
    }
}

/// The cache entry of the packed index files.
const PACKED_FILES: &str = "search-files";

/// Packed index files (term chunks, vocabulary) by the hash of their JSON.
type StoredFiles = Vec<([u8; 32], Bytes)>;

/// The packed index files read from the cache, and those this build's indexes used.
#[derive(Default)]
struct PackedFiles {
    known: HashMap<blake3::Hash, Bytes>,
    used: Mutex<HashMap<blake3::Hash, Bytes>>,
    made: AtomicBool,
}

impl PackedFiles {
    fn open(cache: &CacheDir) -> PackedFiles {
        let stored: StoredFiles = cache.read(PACKED_FILES).unwrap_or_default();
        PackedFiles {
            known: stored
                .into_iter()
                .map(|(k, bytes)| (blake3::Hash::from_bytes(k), bytes))
                .collect(),
            ..PackedFiles::default()
        }
    }

    fn pack(&self, json: &str) -> Vec<u8> {
        let key = blake3::hash(json.as_bytes());
        let packed = match self.known.get(&key) {
            Some(kept) => kept.0.clone(),
            None => {
                self.made.store(true, Ordering::Relaxed);
                crate::search::files::pack(json)
            }
        };
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        used.insert(key, Bytes(packed.clone()));
        packed
    }

    /// Writes the files used by this build unless they are the ones read.
    fn save(self, cache: &CacheDir) {
        let used = self.used.into_inner().unwrap_or_else(|e| e.into_inner());
        let same = !self.made.load(Ordering::Relaxed) && used.len() == self.known.len();
        if used.is_empty() || same {
            return;
        }
        let mut stored: StoredFiles = used.into_iter().map(|(k, b)| (*k.as_bytes(), b)).collect();
        stored.sort_unstable_by_key(|entry| entry.0);
        cache.write(PACKED_FILES, &stored);
    }
}

pub struct SearchParts {
    known: HashMap<blake3::Hash, Arc<GuidePart>>,
    /// How many parts each shard held when read.
    per_shard: Vec<usize>,
    /// What this build's indexes used: the next build's entry.
    used: Mutex<HashMap<blake3::Hash, Arc<GuidePart>>>,
    made: AtomicBool,
    files: PackedFiles,
}

impl SearchParts {
    pub fn open(cache: &CacheDir) -> SearchParts {
        use rayon::prelude::*;
        let shards: Vec<Vec<(blake3::Hash, Arc<GuidePart>)>> = (0..SHARDS)
            .into_par_iter()
            .map(|n| {
                cache
                    .read::<Stored>(&entry(n))
                    .unwrap_or_default()
                    .into_parts()
            })
            .collect();
        let per_shard = shards.iter().map(Vec::len).collect();
        SearchParts {
            known: shards.into_iter().flatten().collect(),
            per_shard,
            used: Mutex::new(HashMap::new()),
            made: AtomicBool::new(false),
            files: PackedFiles::open(cache),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<blake3::Hash, Arc<GuidePart>>> {
        self.used.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the parts used by this build, unless they are the ones read: only the
    /// shards that hold a part this build made, or fewer parts than they held.
    pub fn save(self, cache: &CacheDir) {
        use rayon::prelude::*;
        self.files.save(cache);
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
                cache.write(&entry(n), &Stored::of(parts));
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

    fn pack(&self, json: &str) -> Vec<u8> {
        self.files.pack(json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Passage;
    use crate::search::{build_index, build_index_from_parts, SearchPage};
    use std::path::Path;

    fn passages(texts: &[&str]) -> Vec<Passage> {
        texts
            .iter()
            .map(|t| Passage {
                text: (*t).into(),
                ..Passage::default()
            })
            .collect()
    }

    /// Parts go through the cache's files (their terms numbered into each file's
    /// vocabulary) and come back as the same index: kept, mixed with parts made
    /// after a change, and kept again after that change was saved.
    #[test]
    fn an_index_from_parts_kept_in_files_is_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let open = || CacheDir::new(dir.path(), Path::new("/site"), blake3::hash(b"inputs"));
        let texts: Vec<Vec<Passage>> = (0..40)
            .map(|i| {
                passages(&[
                    &format!("install step{i} then restart"),
                    "shared words here",
                ])
            })
            .collect();
        let titles: Vec<String> = (0..40)
            .map(|i| format!("Guide {i} title{}", i % 7))
            .collect();
        fn guides<'a>(
            texts: &'a [Vec<Passage>],
            titles: &'a [String],
            changed: Option<&'a [Passage]>,
        ) -> Vec<SearchPage<'a>> {
            (0..texts.len())
                .map(|i| {
                    let passages = match (i, changed) {
                        (3, Some(c)) => c,
                        _ => texts[i].as_slice(),
                    };
                    SearchPage::new(format!("g{i}/"), &titles[i], "", passages)
                })
                .collect()
        }
        let pages = |changed| guides(&texts, &titles, changed);
        let variants = Vec::new();
        let plain = build_index(&pages(None), &variants);

        let first = open();
        let parts = SearchParts::open(&first);
        assert_eq!(
            build_index_from_parts(&pages(None), &variants, &parts),
            plain
        );
        parts.save(&first);

        let second = open();
        let parts = SearchParts::open(&second);
        assert_eq!(parts.known.len(), 40, "every part read back");
        assert!(parts
            .known
            .values()
            .all(|p| matches!(p.terms, PartTerms::Numbered { .. })));
        assert_eq!(
            build_index_from_parts(&pages(None), &variants, &parts),
            plain
        );
        assert!(
            !parts.files.made.load(Ordering::Relaxed),
            "every term chunk and vocabulary file taken from the cache, none packed"
        );
        let edited = passages(&["a new word: reinstall", "shared words here"]);
        let changed = build_index(&pages(Some(&edited)), &variants);
        assert_ne!(changed, plain);
        assert_eq!(
            build_index_from_parts(&pages(Some(&edited)), &variants, &parts),
            changed
        );
        parts.save(&second);

        let third = open();
        let parts = SearchParts::open(&third);
        assert_eq!(
            build_index_from_parts(&pages(Some(&edited)), &variants, &parts),
            changed
        );
        // Another version with some of the guides: its index has their terms only,
        // though the files' vocabularies hold the others' too.
        let some = &pages(Some(&edited))[..5];
        assert_eq!(
            build_index_from_parts(some, &variants, &parts),
            build_index(some, &variants)
        );
    }
}
