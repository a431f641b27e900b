//! Rendered pages kept between builds. A page's key is the hash of everything its
//! HTML is made from: the theme's templates (`Theme::templates_hash`), the template's
//! name and the page's whole template context, value by value; for a guide page that
//! is spliced (`render::splice`), the context with placeholders and the parts spliced
//! in (`Renderer::guide_key_parts`). A page whose key is known is
//! not rendered: its HTML is the kept file with the recorded hash (checked against
//! that hash before it is used), hard-linked into the output.

use super::CacheDir;
use std::collections::HashMap;
#[cfg(test)]
use std::path::Path;
use std::path::PathBuf;
use std::sync::Mutex;

/// The cache entry's name.
const ENTRY: &str = "pages";

/// Page key → hash of the page's HTML, as stored.
type Index = Vec<([u8; 16], [u8; 32])>;

/// A page's key: the XXH3-128 hash of everything its HTML is made from. Not BLAKE3:
/// the key is found for every page of every build with a cache, over the page's
/// whole context (its content among it), and BLAKE3 was a tenth of a warm build's
/// CPU. 128 bits keep accidental collisions out of reach; a key is nothing an
/// attacker gains from (the content behind both keys is the site's own), and the
/// HTML a key leads to is checked against its BLAKE3 hash before it is used.
pub type PageKey = u128;

/// The kept pages of one build.
pub struct PageStore<'a> {
    cache: &'a CacheDir,
    /// The hash of the theme's templates (`Theme::templates_hash`).
    templates: blake3::Hash,
    /// What earlier builds recorded.
    known: HashMap<PageKey, blake3::Hash>,
    /// What this build used or made: the next build's index.
    used: Mutex<HashMap<PageKey, blake3::Hash>>,
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
            .map(|(k, h)| (PageKey::from_le_bytes(k), blake3::Hash::from_bytes(h)))
            .collect();
        PageStore {
            cache,
            templates,
            known,
            used: Mutex::new(HashMap::new()),
            changed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The key of a page rendered by `template` from `context`, and spliced with
    /// `parts` when it is (`Renderer::guide_key_parts`).
    pub fn key(
        &self,
        template: &str,
        context: &serde_json::Value,
        parts: Option<&[u8]>,
    ) -> PageKey {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(b"guidepost page\0");
        h.update(self.templates.as_bytes());
        h.update(template.as_bytes());
        h.update(b"\0");
        // The context's values are written into one buffer, then hashed in one go:
        // much faster than hashing the many small pieces. Not as JSON: escaping every
        // string (the page's whole content among them) was most of the key's cost.
        let mut buf = Vec::with_capacity(16 * 1024);
        encode_value(&mut buf, context);
        h.update(&(buf.len() as u64).to_le_bytes());
        h.update(&buf);
        if let Some(parts) = parts {
            h.update(b"\0spliced\0");
            h.update(&(parts.len() as u64).to_le_bytes());
            h.update(parts);
        }
        h.digest128()
    }

    /// What is kept for the page with `key`; `want_file`: whether the caller needs the
    /// HTML's file (a build writing its output), not just its hash.
    pub fn lookup(&self, key: &PageKey, want_file: bool) -> Kept {
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
        key: PageKey,
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

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PageKey, blake3::Hash>> {
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
            .map(|(k, h)| (k.to_le_bytes(), *h.as_bytes()))
            .collect();
        // Sorted, so the same pages give the same file.
        index.sort_unstable();
        self.cache.write(ENTRY, &index);
    }
}

/// Strings from this length on go into a page key by their hash, not copied.
const HASHED_FROM: usize = 4096;

/// Writes `value` into `buf` so that two values give the same bytes only when they are
/// equal: every value starts with a tag, every string and list with its length. Long
/// strings are written as their XXH3-128 hash, tagged apart from short ones.
fn encode_value(buf: &mut Vec<u8>, value: &serde_json::Value) {
    use serde_json::Value;
    let len = |buf: &mut Vec<u8>, n: usize| buf.extend_from_slice(&(n as u64).to_le_bytes());
    let string = |buf: &mut Vec<u8>, s: &str| {
        if s.len() >= HASHED_FROM {
            buf.push(b'H');
            buf.extend_from_slice(&xxhash_rust::xxh3::xxh3_128(s.as_bytes()).to_le_bytes());
        } else {
            buf.push(b's');
            len(buf, s.len());
            buf.extend_from_slice(s.as_bytes());
        }
    };
    match value {
        Value::Null => buf.push(b'n'),
        Value::Bool(b) => buf.push(if *b { b't' } else { b'f' }),
        Value::Number(n) => {
            // Its JSON text: the number as the template reads it.
            let text = n.to_string();
            buf.push(b'#');
            len(buf, text.len());
            buf.extend_from_slice(text.as_bytes());
        }
        Value::String(s) => string(buf, s),
        Value::Array(items) => {
            buf.push(b'a');
            len(buf, items.len());
            for item in items {
                encode_value(buf, item);
            }
        }
        Value::Object(map) => {
            buf.push(b'o');
            len(buf, map.len());
            for (k, v) in map {
                string(buf, k);
                encode_value(buf, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Values that differ, however slightly (in type, in where a string ends, in a long
    /// string's last byte), give different page keys; equal ones the same.
    #[test]
    fn page_keys_tell_every_context_apart() {
        let dir = std::env::temp_dir().join("guidepost-page-keys");
        let cache = CacheDir::new(&dir, Path::new("/site"), blake3::hash(b"inputs"));
        let store = PageStore::open(&cache, blake3::hash(b"templates"));
        let long = "x".repeat(HASHED_FROM + 10);
        let mut long2 = long.clone();
        long2.push('y');
        let values = [
            json!(null),
            json!(false),
            json!(true),
            json!(1),
            json!(1.5),
            json!("1"),
            json!(""),
            json!([]),
            json!({}),
            json!(["a", "b"]),
            json!(["ab"]),
            json!(["a", ["b"]]),
            json!({"a": "b"}),
            json!({"ab": ""}),
            json!({"a": "b", "c": null}),
            json!({"a": {"b": 1}}),
            json!({"content": long}),
            json!({"content": long2}),
            json!({"content": "x".repeat(HASHED_FROM - 1)}),
        ];
        let keys: std::collections::HashSet<PageKey> = values
            .iter()
            .map(|v| store.key("guide.html", v, None))
            .collect();
        assert_eq!(keys.len(), values.len());
        for v in &values {
            assert_eq!(
                store.key("guide.html", v, None),
                store.key("guide.html", &v.clone(), None)
            );
            assert_ne!(
                store.key("guide.html", v, None),
                store.key("section.html", v, None)
            );
        }
        // The parts spliced into a page count, and are told apart from none.
        let v = json!({"a": 1});
        let spliced = |parts: Option<&[u8]>| store.key("guide.html", &v, parts);
        assert_ne!(spliced(None), spliced(Some(b"")));
        assert_ne!(spliced(Some(b"a")), spliced(Some(b"b")));
    }
}
