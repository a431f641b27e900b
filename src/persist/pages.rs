//! Rendered pages kept between builds. A page's key is the hash of everything its
//! HTML is made from: the theme's templates (`Theme::templates_hash`), the template's
//! name and the page's whole template context as JSON. A page whose key is known is
//! not rendered: its HTML is the kept file with the recorded hash (checked against
//! that hash before it is used), hard-linked into the output.

use super::CacheDir;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// The cache entry's name.
const ENTRY: &str = "pages";

/// Page key → hash of the page's HTML, as stored.
type Index = Vec<([u8; 32], [u8; 32])>;

/// The kept pages of one build.
pub struct PageStore<'a> {
    cache: &'a CacheDir,
    /// The hash of the theme's templates (`Theme::templates_hash`).
    templates: blake3::Hash,
    /// What earlier builds recorded.
    known: HashMap<blake3::Hash, blake3::Hash>,
    /// What this build used or made: the next build's index.
    used: Mutex<HashMap<blake3::Hash, blake3::Hash>>,
    changed: std::sync::atomic::AtomicBool,
}

/// What the store knows of a page.
pub enum Kept {
    /// Its HTML hashes to this, and a file with it is at the path (None: the build
    /// did not ask for the file, or it is gone).
    Html(blake3::Hash, Option<PathBuf>),
    /// Nothing: render it.
    Unknown,
}

impl<'a> PageStore<'a> {
    /// The pages kept in `cache`, for a build with templates that hash to `templates`.
    pub fn open(cache: &'a CacheDir, templates: blake3::Hash) -> PageStore<'a> {
        let index: Index = cache.read(ENTRY).unwrap_or_default();
        let known = index
            .into_iter()
            .map(|(k, h)| (blake3::Hash::from_bytes(k), blake3::Hash::from_bytes(h)))
            .collect();
        PageStore {
            cache,
            templates,
            known,
            used: Mutex::new(HashMap::new()),
            changed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The key of a page rendered by `template` from `context`.
    pub fn key(&self, template: &str, context: &serde_json::Value) -> blake3::Hash {
        let mut h = blake3::Hasher::new();
        h.update(b"guidepost page\0");
        h.update(self.templates.as_bytes());
        h.update(template.as_bytes());
        h.update(b"\0");
        // Serialized whole, then hashed in one go: much faster than hashing the many
        // small pieces the serializer writes. A Vec takes any JSON, so no error.
        let json = serde_json::to_vec(context).unwrap_or_default();
        h.update(&(json.len() as u64).to_le_bytes());
        h.update(&json);
        h.finalize()
    }

    /// What is kept for the page with `key`; `want_file`: whether the caller needs the
    /// HTML's file (a build writing its output), not just its hash.
    pub fn lookup(&self, key: &blake3::Hash, want_file: bool) -> Kept {
        let Some(hash) = self.known.get(key) else {
            return Kept::Unknown;
        };
        let file = if want_file {
            match self.cache.verified_blob(hash) {
                Some(path) => Some(path),
                None => return Kept::Unknown,
            }
        } else {
            None
        };
        self.lock().insert(*key, *hash);
        Kept::Html(*hash, file)
    }

    /// Records the page with `key`, just rendered to `html`; `written` is where its
    /// bytes were written, when they were, and `keep_file` says whether to keep them.
    pub fn record(
        &self,
        key: blake3::Hash,
        html: &[u8],
        written: Option<&std::path::Path>,
        keep_file: bool,
    ) -> blake3::Hash {
        let hash = blake3::hash(html);
        if keep_file {
            self.cache.keep_blob(&hash, written, html);
        }
        self.changed
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self.lock().insert(key, hash);
        hash
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<blake3::Hash, blake3::Hash>> {
        self.used.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the index of the pages this build used, when it differs from the one
    /// read.
    pub fn save(self) {
        let used = self.used.into_inner().unwrap_or_else(|e| e.into_inner());
        let changed = self.changed.load(std::sync::atomic::Ordering::Relaxed)
            || used.len() != self.known.len();
        if !changed {
            return;
        }
        let mut index: Index = used
            .iter()
            .map(|(k, h)| (*k.as_bytes(), *h.as_bytes()))
            .collect();
        // Sorted, so the same pages give the same file.
        index.sort_unstable();
        self.cache.write(ENTRY, &index);
    }
}
