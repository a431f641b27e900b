//! The persistent cache: what a build can reuse from earlier builds of the same site
//! with the same guidepost, kept in one folder (`build --cache DIR`, `check --cache
//! DIR`; `serve` uses `.guidepost-cache/` at the site root when it starts).
//!
//! ```text
//! DIR/renderings-NN.bin  rendered markdown with what each rendering looked up
//!                      (`pipeline::cache`), in 64 files by key (`renderings`)
//! DIR/pages.bin        page key → hash of the page's HTML (`pages`)
//! DIR/search-NN.bin    each guide's part of the search index, in 64 files by key,
//!                      each with the vocabulary its parts' terms are numbered in
//! DIR/search-files.bin packed term chunks and vocabulary files by their JSON (`search`)
//! DIR/fronts.bin       front matter and leading H1 by the hash of the file (`fronts`)
//! DIR/files/<hash>     output files (pages, search files) by the hash of their bytes,
//!                      hard-linked into outputs
//! DIR/stamps.bin       hash → stamp of each kept file whose content was checked
//!                      (`stamp`): such a file is not read again while it keeps it
//! DIR/screenshots.bin  what was measured of each screenshot file, by its stamp
//! DIR/images/          screenshot copies and widths (`screenshots::cache`)
//! ```
//!
//! Every entry is keyed by content (BLAKE3 of what it was made from) and stamped with
//! guidepost's version, the entry format, the site folder and the site's settings
//! (`codec`). The cache is untrusted input: a file that is damaged, cut short, made by
//! another guidepost or for another site is not used, and the build says so once, as
//! a `cache` warning, and goes on as if there were no cache; a file whose content does
//! not hash to its name is not linked into an output. Files are written to a temporary
//! name and renamed, so a build killed while writing leaves no half entry.

pub mod codec;
pub mod fronts;
pub mod pages;
pub mod renderings;
pub mod search;
pub mod stamp;

use crate::diag::Diagnostic;
use codec::{Refused, Stamp};
use stamp::FileStamp;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The code of the warning about a cache that was not used.
pub const CACHE_WARNING: &str = "cache";

/// The cache folder of one build.
pub struct CacheDir {
    dir: PathBuf,
    stamp: Stamp,
    /// The first problem met, reported once at the end of the build.
    problem: Mutex<Option<Diagnostic>>,
    /// The kept files this build used or made (the others are removed at its end).
    blobs_used: Mutex<std::collections::HashSet<blake3::Hash>>,
    /// The stamps of kept files recorded by earlier builds, read when first needed.
    stamps: std::sync::OnceLock<HashMap<blake3::Hash, FileStamp>>,
    /// The kept files this build found or made with the content their name says, with
    /// their stamp at that moment: the next build's stamps, where they still hold.
    verified: Mutex<HashMap<blake3::Hash, FileStamp>>,
}

/// The cache entry of the stamps of kept files.
const STAMPS: &str = "stamps";

type StoredStamps = Vec<([u8; 32], FileStamp)>;

impl CacheDir {
    /// The cache in `dir` for the site at `root` (canonical), whose settings and build
    /// options hash to `inputs`. Nothing is read or made yet.
    pub fn new(dir: &Path, root: &Path, inputs: blake3::Hash) -> CacheDir {
        let mut site = blake3::Hasher::new();
        site.update(b"guidepost site folder\0");
        site.update(root.as_os_str().as_encoded_bytes());
        CacheDir {
            dir: dir.to_path_buf(),
            stamp: Stamp {
                site: site.finalize(),
                inputs,
            },
            problem: Mutex::new(None),
            blobs_used: Mutex::new(Default::default()),
            stamps: std::sync::OnceLock::new(),
            verified: Mutex::new(HashMap::new()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where screenshot copies are kept (`screenshots::cache::DiskCache`).
    pub fn images_dir(&self) -> PathBuf {
        self.dir.join("images")
    }

    /// The entry `name`, when there is one this build can use. A missing or stale one
    /// is None without a word; any other refusal is the build's `cache` warning.
    pub fn read<T: serde::de::DeserializeOwned>(&self, name: &str) -> Option<T> {
        let path = self.dir.join(format!("{name}.bin"));
        let bytes = match read_bounded(&path) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return None,
            Err(e) => {
                self.refuse(&path, &e);
                return None;
            }
        };
        match codec::decode(name, self.stamp, &bytes) {
            Ok(payload) => match codec::from_bytes(payload) {
                Ok(value) => Some(value),
                Err(e) => {
                    self.refuse(&path, &format!("it cannot be read ({e})"));
                    None
                }
            },
            Err(Refused::Stale) => None,
            Err(Refused::OtherSite) => {
                self.refuse(&path, "it was made for another site folder");
                None
            }
            Err(Refused::OtherVersion(v)) => {
                self.refuse(&path, &format!("it was made by guidepost {v}"));
                None
            }
            Err(Refused::Damaged(why)) => {
                self.refuse(&path, &format!("it is damaged: {why}"));
                None
            }
        }
    }

    /// Stores `value` as the entry `name`, replacing the old one whole.
    pub fn write<T: serde::Serialize>(&self, name: &str, value: &T) {
        let path = self.dir.join(format!("{name}.bin"));
        let result = std::fs::create_dir_all(&self.dir).and_then(|()| {
            write_with_rename(&path, |file| {
                let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
                codec::write_entry(&mut w, name, self.stamp, value)?;
                w.flush()
            })
        });
        if let Err(e) = result {
            self.cannot_write(&path, &e);
        }
    }

    /// The folder of the files kept by the hash of their content: pages and search
    /// index files.
    fn blobs(&self) -> PathBuf {
        self.dir.join("files")
    }

    fn blob_path(&self, hash: &blake3::Hash) -> PathBuf {
        self.blobs().join(hash.to_hex().as_str())
    }

    /// The kept file whose content hashes to `hash`: None when there is none, or when
    /// it no longer holds that content (someone changed it; then a warning). A file
    /// with the stamp recorded when its content was last checked is not read again.
    pub fn verified_blob(&self, hash: &blake3::Hash) -> Option<PathBuf> {
        let path = self.blob_path(hash);
        if self.unchanged(hash, &path) {
            return Some(path);
        }
        let file = std::fs::File::open(&path).ok()?;
        let meta = file.metadata().ok()?;
        if meta.len() > codec::MAX_FILE {
            self.refuse(&path, "it is larger than any page");
            return None;
        }
        let mut hasher = blake3::Hasher::new();
        if let Err(e) = hasher.update_reader(file) {
            self.refuse(&path, &format!("it cannot be read ({e})"));
            return None;
        }
        if hasher.finalize() != *hash {
            self.not_as_kept(&path);
            return None;
        }
        self.used_blob(hash);
        // Stamped before it was read: a change while it was read moves the stamp.
        self.verified_as(hash, FileStamp::of(&meta));
        Some(path)
    }

    /// The kept file holding exactly `bytes` (whose hash is `hash`), when there is one.
    pub fn blob_holding(&self, hash: &blake3::Hash, bytes: &[u8]) -> Option<PathBuf> {
        let path = self.blob_path(hash);
        if self.unchanged(hash, &path) {
            return Some(path);
        }
        let mut file = std::fs::File::open(&path).ok()?;
        let meta = file.metadata().ok()?;
        let mut kept = Vec::with_capacity(bytes.len());
        let same = meta.len() == bytes.len() as u64
            && file.read_to_end(&mut kept).is_ok()
            && kept == bytes;
        if !same {
            self.not_as_kept(&path);
            return None;
        }
        self.used_blob(hash);
        self.verified_as(hash, FileStamp::of(&meta));
        Some(path)
    }

    /// Whether the kept file at `path` has the stamp recorded when it last held the
    /// content that hashes to `hash` (see `stamp` for what that trusts); if so it is
    /// used by this build.
    fn unchanged(&self, hash: &blake3::Hash, path: &Path) -> bool {
        let stamps = self.stamps.get_or_init(|| {
            self.read::<StoredStamps>(STAMPS)
                .unwrap_or_default()
                .into_iter()
                .map(|(h, s)| (blake3::Hash::from_bytes(h), s))
                .collect()
        });
        let Some(known) = stamps.get(hash) else {
            return false;
        };
        let now = std::fs::symlink_metadata(path)
            .ok()
            .and_then(|m| FileStamp::of(&m));
        if now != Some(*known) {
            return false;
        }
        self.used_blob(hash);
        self.verified_as(hash, Some(*known));
        true
    }

    /// Notes that the kept file of `hash` held its content when it had `stamp`.
    fn verified_as(&self, hash: &blake3::Hash, stamp: Option<FileStamp>) {
        if let Some(stamp) = stamp {
            self.verified
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(*hash, stamp);
        }
    }

    /// A kept file that no longer holds what its name says: a warning, and it is
    /// removed (only this name: an output holding the same file keeps it), so that
    /// the file made again is kept in its place.
    fn not_as_kept(&self, path: &Path) {
        self.refuse(path, "its contents do not match their hash");
        let _ = std::fs::remove_file(path);
    }

    fn used_blob(&self, hash: &blake3::Hash) {
        self.blobs_used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(*hash);
    }

    /// Keeps `bytes` (whose hash is `hash`) unless a file with that content is kept
    /// already: `written`, the same bytes as written into the output, is hard-linked
    /// when it can be (a file name instead of a copy), else the bytes are written.
    /// Either way through a temporary name, renamed into place.
    pub fn keep_blob(&self, hash: &blake3::Hash, written: Option<&Path>, bytes: &[u8]) {
        self.used_blob(hash);
        let path = self.blob_path(hash);
        if path.exists() {
            return;
        }
        let result = std::fs::create_dir_all(self.blobs()).and_then(|()| {
            let linked = written.is_some_and(|w| {
                let temp = unique_temp(&path);
                std::fs::hard_link(w, &temp).is_ok()
                    && (std::fs::rename(&temp, &path).is_ok() || {
                        let _ = std::fs::remove_file(&temp);
                        false
                    })
            });
            if linked {
                Ok(())
            } else {
                write_then_rename(&path, bytes)
            }
        });
        match result {
            Ok(()) => {
                // Just made with these bytes.
                let stamp = std::fs::symlink_metadata(&path)
                    .ok()
                    .and_then(|m| FileStamp::of(&m));
                self.verified_as(hash, stamp);
            }
            Err(e) => self.cannot_write(&path, &e),
        }
    }

    /// Removes the kept files this build did not use, and records the stamps of those
    /// whose content it checked or made (call only after a build that wrote its
    /// output: `check` uses none).
    pub fn forget_unused_blobs(&self) {
        {
            let keep = self.blobs_used.lock().unwrap_or_else(|e| e.into_inner());
            let Ok(entries) = std::fs::read_dir(self.blobs()) else {
                return;
            };
            for entry in entries.filter_map(Result::ok) {
                let name = entry.file_name();
                let kept = name
                    .to_str()
                    .and_then(|n| blake3::Hash::from_hex(n).ok())
                    .is_some_and(|h| keep.contains(&h));
                if !kept {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        self.save_stamps();
    }

    /// Writes the stamps of the kept files checked or made by this build that still
    /// have the stamp they had then, and whose modification time is before now in
    /// the cache's file system (a file made after this moment, of a marker file, gets
    /// a later time, however coarse its clock).
    fn save_stamps(&self) {
        let Some(now) = self.file_system_now() else {
            return;
        };
        let verified = self.verified.lock().unwrap_or_else(|e| e.into_inner());
        // Not looked at again: a file changed since it was stamped has another stamp
        // now (a settled time is before any later change's), so the next build reads
        // it again whatever is kept here. Asking 20,000 files again was a tenth of a
        // warm build, at its end.
        let mut stored: StoredStamps = verified
            .iter()
            .filter(|(_, stamp)| stamp.settled(now))
            .map(|(hash, stamp)| (*hash.as_bytes(), *stamp))
            .collect();
        stored.sort_unstable_by_key(|entry| entry.0);
        self.write(STAMPS, &stored);
    }

    /// The modification time a file made now in `files/` gets.
    fn file_system_now(&self) -> Option<(i64, i64)> {
        let marker = unique_temp(&self.blobs().join("now"));
        let made = std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&marker)
            .and_then(|f| f.metadata());
        let _ = std::fs::remove_file(&marker);
        stamp::mtime_of(&made.ok()?)
    }

    fn refuse(&self, path: &Path, why: &str) {
        self.note(
            Diagnostic::warning(
                CACHE_WARNING,
                path,
                format!("the cache file is not used: {why}"),
            )
            .help("the build goes on without it and writes the cache again"),
        );
    }

    fn cannot_write(&self, path: &Path, e: &std::io::Error) {
        self.note(Diagnostic::warning(
            CACHE_WARNING,
            path,
            format!("cannot write to the cache: {e}"),
        ));
    }

    fn note(&self, d: Diagnostic) {
        let mut problem = self.problem.lock().unwrap_or_else(|e| e.into_inner());
        problem.get_or_insert(d);
    }

    /// The build's one warning about its cache, if anything was wrong with it.
    pub fn take_warning(&self) -> Option<Diagnostic> {
        self.problem
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }
}

/// The whole file at `path`: None when there is none; an error when it cannot be read
/// or is larger than any cache file guidepost writes.
fn read_bounded(path: &Path) -> Result<Option<Vec<u8>>, String> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("it cannot be read ({e})")),
    };
    let len = file
        .metadata()
        .map_err(|e| format!("it cannot be read ({e})"))?
        .len();
    if len > codec::MAX_FILE {
        return Err(format!("it is larger than {} bytes", codec::MAX_FILE));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(codec::MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("it cannot be read ({e})"))?;
    Ok(Some(bytes))
}

/// A new name beside `path` for a file about to be renamed to it: one of its own for
/// every call, so that two threads keeping the same content never write through each
/// other's file (which may be a hard link to a published page).
fn unique_temp(path: &Path) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut temp = crate::tempdirs::temp_path(path).into_os_string();
    temp.push(format!(".{n}"));
    PathBuf::from(temp)
}

/// Writes `bytes` to `path` through a new temporary file renamed into place.
pub fn write_then_rename(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_with_rename(path, |file| file.write_all(bytes))
}

/// Writes `path` with `write` through a new temporary file renamed into place: a
/// reader finds the old file or the whole new one, never part of it.
fn write_with_rename(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let temp = unique_temp(path);
    let result = (|| {
        let mut f = std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        write(&mut f)?;
        drop(f);
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

    /// A kept file is taken on its stamp while it keeps it; changed in place with the
    /// same length, it is read again and refused.
    #[test]
    fn a_kept_file_is_trusted_by_its_stamp_only_while_it_keeps_it() {
        let dir = std::env::temp_dir().join(format!("guidepost-stamps-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let open = || CacheDir::new(&dir, Path::new("/site"), blake3::hash(b"inputs"));
        let bytes = b"<html>a page</html>";
        let hash = blake3::hash(bytes);
        let first = open();
        first.keep_blob(&hash, None, bytes);
        // A later tick of the file system's clock than the file's (see `save_stamps`).
        std::thread::sleep(std::time::Duration::from_millis(50));
        first.forget_unused_blobs();
        assert!(first.take_warning().is_none());

        let second = open();
        let path = second.blob_path(&hash);
        assert!(second.unchanged(&hash, &path), "trusted on its stamp");
        assert_eq!(second.verified_blob(&hash), Some(path.clone()));
        second.forget_unused_blobs();

        std::thread::sleep(std::time::Duration::from_millis(50));
        std::fs::write(&path, b"<html>A PAGE</html>").unwrap();
        let third = open();
        assert!(!third.unchanged(&hash, &path), "its time moved");
        assert_eq!(third.verified_blob(&hash), None);
        assert!(third.take_warning().is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
