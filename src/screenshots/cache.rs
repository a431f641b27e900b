//! Images made from screenshots (redacted copies, smaller widths), kept between
//! builds in `.guidepost-cache/images/` at the site root, outside the output.
//!
//! An entry is `<key>.<ext>` (the image) and `<key>.<ext>.b3` (the BLAKE3 hash of
//! the image, written last). The key is the hash of everything the image is made
//! from (`product_key`). An entry is used only when the image's hash equals the one
//! recorded: a half-written or damaged entry is made again, never trusted.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The cache folder, relative to the site root. `build` refuses it as an output
/// folder, `serve` does not watch it (its name starts with a dot).
pub const CACHE_DIR: &str = ".guidepost-cache";

/// Changes whenever the way images are made changes (filters, encoders, settings),
/// so that entries made the old way are not used.
const RECIPE: &str =
    "guidepost images 1: fill black, CatmullRom, png default, jpeg 90, webp lossless";

/// A made image in the cache: its file and the hash of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    pub hash: blake3::Hash,
}

pub struct DiskCache {
    dir: PathBuf,
    /// Images encoded (not found in the cache) since this cache was opened.
    made: AtomicU64,
}

impl DiskCache {
    /// The cache of the site at `root`; the folder is made when the first entry is.
    pub fn new(root: &Path) -> DiskCache {
        DiskCache::in_folder(root.join(CACHE_DIR).join("images"))
    }

    /// A cache in `dir` (`build --cache DIR` keeps images in `DIR/images/`).
    pub fn in_folder(dir: PathBuf) -> DiskCache {
        DiskCache {
            dir,
            made: AtomicU64::new(0),
        }
    }

    /// The entry for `key` with extension `ext`, when it is there and intact.
    pub fn get(&self, key: &blake3::Hash, ext: &str) -> Option<Entry> {
        let path = self.dir.join(format!("{}.{ext}", key.to_hex()));
        let recorded = std::fs::read_to_string(b3_path(&path)).ok()?;
        let recorded = blake3::Hash::from_hex(recorded.trim()).ok()?;
        let file = std::fs::File::open(&path).ok()?;
        let actual = blake3::Hasher::new().update_reader(file).ok()?.finalize();
        (actual == recorded).then_some(Entry { path, hash: actual })
    }

    /// Stores `bytes` as the entry for `key`: written to temporary files and renamed
    /// into place, the hash last, so a reader never takes a half-written image.
    pub fn put(&self, key: &blake3::Hash, ext: &str, bytes: &[u8]) -> std::io::Result<Entry> {
        self.made.fetch_add(1, Ordering::Relaxed);
        std::fs::create_dir_all(&self.dir)?;
        let path = self.dir.join(format!("{}.{ext}", key.to_hex()));
        let hash = blake3::hash(bytes);
        write_then_rename(&path, bytes)?;
        write_then_rename(&b3_path(&path), hash.to_hex().as_bytes())?;
        Ok(Entry { path, hash })
    }

    /// Images encoded since the cache was opened (the rest came from the cache).
    pub fn made(&self) -> u64 {
        self.made.load(Ordering::Relaxed)
    }
}

/// The key of an image made from the file with content hash `source`: `recipe` says
/// what was done to it (regions filled, width, format).
pub fn product_key(source: &blake3::Hash, recipe: &str) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(RECIPE.as_bytes());
    h.update(&[0]);
    h.update(source.as_bytes());
    h.update(recipe.as_bytes());
    h.finalize()
}

fn b3_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".b3");
    PathBuf::from(name)
}

fn write_then_rename(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temp = crate::tempdirs::temp_path(path);
    let result = (|| {
        let mut f = std::fs::File::create(&temp)?;
        f.write_all(bytes)?;
        f.sync_data()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_damaged_ones_are_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path());
        let key = product_key(&blake3::hash(b"source"), "w480 webp");
        assert_eq!(cache.get(&key, "webp"), None);
        let put = cache.put(&key, "webp", b"image bytes").unwrap();
        assert_eq!(cache.get(&key, "webp"), Some(put.clone()));
        assert_eq!(cache.made(), 1);
        // Damaged: the bytes no longer match the recorded hash.
        std::fs::write(&put.path, b"image byte").unwrap();
        assert_eq!(cache.get(&key, "webp"), None);
        // A missing hash file: not trusted either.
        cache.put(&key, "webp", b"image bytes").unwrap();
        std::fs::remove_file(b3_path(&put.path)).unwrap();
        assert_eq!(cache.get(&key, "webp"), None);
        assert_ne!(key, product_key(&blake3::hash(b"source"), "w800 webp"));
    }
}
