//! Screenshots: where a reference points, how big the picture is, and the one
//! content-hashed copy of each distinct file that the output gets.

use crate::paths::normalize;
use crate::url::percent_decode;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// What a page needs to show a screenshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageInfo {
    /// URL of the hashed copy, with the site prefix.
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

/// Where linked files are copied in the output: `assets/files/<hash>/<name>`.
pub const FILES_DIR: &str = "assets/files/";

/// What a page needs to link a local file that is not markdown (a script, a PDF, a
/// full-size image): the URL of its copy, `assets/files/<hash>/<its name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// URL of the copy, with the site prefix, percent-encoded.
    pub url: String,
    /// The copy's path in the output (not encoded).
    pub path: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageError {
    NotFound(String),
    OutsideSite(String),
    Unreadable(String),
}

impl std::fmt::Display for ImageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageError::NotFound(p) => write!(f, "screenshot `{p}` does not exist"),
            ImageError::OutsideSite(p) => write!(f, "screenshot `{p}` is outside the site folder"),
            ImageError::Unreadable(m) => write!(f, "{m}"),
        }
    }
}

/// The screenshots of one build, shared by every page rendered in parallel.
pub struct Screenshots {
    root: PathBuf,
    url_prefix: String,
    by_path: Mutex<HashMap<PathBuf, Result<Arc<ImageInfo>, ImageError>>>,
    /// Linked files by path, like `by_path`.
    files_by_path: Mutex<HashMap<PathBuf, Result<Arc<FileInfo>, ImageError>>>,
    /// Folder → the same folder with symlinks resolved.
    real_dirs: Mutex<HashMap<PathBuf, PathBuf>>,
    /// Output path → source file, one entry per distinct content.
    copies: Mutex<BTreeMap<String, PathBuf>>,
    /// Files read and nanoseconds spent reading, measuring and hashing them (summed
    /// over threads), for the build's timings.
    loads: AtomicU64,
    load_nanos: AtomicU64,
}

impl Screenshots {
    /// `root` must be canonical; `url_prefix` is the site's path prefix (`/docs/`).
    pub fn new(root: PathBuf, url_prefix: &str) -> Self {
        Screenshots {
            root,
            url_prefix: url_prefix.to_string(),
            by_path: Mutex::new(HashMap::new()),
            files_by_path: Mutex::new(HashMap::new()),
            real_dirs: Mutex::new(HashMap::new()),
            copies: Mutex::new(BTreeMap::new()),
            loads: AtomicU64::new(0),
            load_nanos: AtomicU64::new(0),
        }
    }

    /// The site root (canonical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where `src` as written in a page points: relative to `page_dir` (a folder below
    /// the site root), or, when it starts with `/`, relative to `static/`.
    fn lexical_path(&self, page_dir: &Path, src: &str) -> Result<PathBuf, ImageError> {
        let decoded = percent_decode(src);
        let joined = match decoded.strip_prefix('/') {
            Some(abs) => self.root.join("static").join(abs),
            None => self.root.join(page_dir).join(&decoded),
        };
        let lexical = normalize(&joined).ok_or_else(|| ImageError::OutsideSite(src.into()))?;
        if !lexical.starts_with(&self.root) {
            return Err(ImageError::OutsideSite(src.into()));
        }
        Ok(lexical)
    }

    /// A local file that a page links (SPEC §3.1), resolved like a screenshot and
    /// copied once, keeping its name: `assets/files/<hash>/<name>`.
    pub fn file(&self, page_dir: &Path, src: &str) -> Result<Arc<FileInfo>, ImageError> {
        let lexical = self.lexical_path(page_dir, src)?;
        let lock = || self.files_by_path.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = lock().get(&lexical) {
            return hit.clone();
        }
        let started = Instant::now();
        let result = self.load_file(&lexical, src).map(Arc::new);
        self.loads.fetch_add(1, Ordering::Relaxed);
        self.load_nanos
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        lock().insert(lexical, result.clone());
        result
    }

    fn load_file(&self, path: &Path, src: &str) -> Result<FileInfo, ImageError> {
        let real = self
            .real_path(path)
            .ok_or_else(|| ImageError::NotFound(src.into()))?;
        if !real.starts_with(&self.root) {
            return Err(ImageError::OutsideSite(src.into()));
        }
        let unreadable =
            |e: std::io::Error| ImageError::Unreadable(format!("cannot read `{src}`: {e}"));
        let meta = std::fs::metadata(&real).map_err(unreadable)?;
        if meta.is_dir() {
            return Err(ImageError::Unreadable(format!(
                "`{src}` is a folder, not a file"
            )));
        }
        // The name as the link wrote it (its case as on disk, since it was found).
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| !n.chars().any(|c| c.is_control() || c == '\\'))
            .ok_or_else(|| {
                ImageError::Unreadable(format!(
                    "`{src}` cannot be published: its name holds a control character, a backslash or bytes that are not UTF-8"
                ))
            })?;
        let hash = hash_file(&real).map_err(unreadable)?.to_hex();
        let out_path = format!("{FILES_DIR}{}/{name}", &hash[..16]);
        let url = format!("{}{}", self.url_prefix, crate::url::encode_path(&out_path));
        self.copies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(out_path.clone())
            .or_insert(real);
        Ok(FileInfo {
            url,
            path: out_path,
            bytes: meta.len(),
        })
    }

    /// Resolves `src` as written in a page: relative to `page_dir` (a folder below the
    /// site root), or, when it starts with `/`, relative to `static/`.
    pub fn image(&self, page_dir: &Path, src: &str) -> Result<Arc<ImageInfo>, ImageError> {
        let lexical = self.lexical_path(page_dir, src)?;
        if let Some(hit) = self.lock_cache().get(&lexical) {
            return hit.clone();
        }
        let started = Instant::now();
        let result = self.load(&lexical, src).map(Arc::new);
        self.loads.fetch_add(1, Ordering::Relaxed);
        self.load_nanos
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        self.lock_cache().insert(lexical, result.clone());
        result
    }

    fn lock_cache(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Result<Arc<ImageInfo>, ImageError>>> {
        self.by_path.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn load(&self, path: &Path, src: &str) -> Result<ImageInfo, ImageError> {
        // A symlink may lead out of the site even when the written path does not.
        let real = self
            .real_path(path)
            .ok_or_else(|| ImageError::NotFound(src.into()))?;
        if !real.starts_with(&self.root) {
            return Err(ImageError::OutsideSite(src.into()));
        }
        // Screenshots can be large: the size comes from the file system, the
        // dimensions from the header, and the hash from a streamed read, so memory
        // stays small whatever the file holds.
        let unreadable = |e: std::io::Error| {
            ImageError::Unreadable(format!("cannot read screenshot `{src}`: {e}"))
        };
        let bytes = std::fs::metadata(&real).map_err(unreadable)?.len();
        let ext = real
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let (width, height) = file_dimensions(&real, &ext).ok_or_else(|| {
            ImageError::Unreadable(if ext == "svg" {
                format!(
                    "screenshot `{src}` has no `<svg>` tag with a width and height or a viewBox in its first {} KB",
                    SVG_HEAD_BYTES / 1024
                )
            } else {
                format!("screenshot `{src}` is not a readable png, jpg, gif, webp or svg image")
            })
        })?;
        let hash = hash_file(&real).map_err(unreadable)?.to_hex();
        let out_path = format!("assets/img/{}.{ext}", &hash[..16]);
        let url = format!("{}{out_path}", self.url_prefix);
        self.copies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(out_path)
            .or_insert(real);
        Ok(ImageInfo {
            url,
            width,
            height,
            bytes,
        })
    }

    /// `path` with every symlink resolved, None when it does not exist. Folders hold
    /// many screenshots: each folder is resolved once, then only the file itself is
    /// checked for being a symlink (one `lstat` instead of one per path component).
    fn real_path(&self, path: &Path) -> Option<PathBuf> {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return path.canonicalize().ok();
        };
        let meta = std::fs::symlink_metadata(path).ok()?;
        if meta.file_type().is_symlink() {
            return path.canonicalize().ok();
        }
        let real_dir = {
            let mut dirs = self.real_dirs.lock().unwrap_or_else(|e| e.into_inner());
            match dirs.get(dir) {
                Some(real) => real.clone(),
                None => {
                    let real = dir.canonicalize().ok()?;
                    dirs.insert(dir.to_path_buf(), real.clone());
                    real
                }
            }
        };
        Some(real_dir.join(name))
    }

    /// The site's URL prefix, which starts every screenshot URL.
    pub fn url_prefix(&self) -> &str {
        &self.url_prefix
    }

    /// The distinct files to copy into the output: (output path, source file).
    pub fn copies(&self) -> Vec<(String, PathBuf)> {
        let copies = self.copies.lock().unwrap_or_else(|e| e.into_inner());
        copies.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// (screenshot references read from disk, seconds spent on them summed over threads)
    pub fn load_stats(&self) -> (u64, f64) {
        (
            self.loads.load(Ordering::Relaxed),
            self.load_nanos.load(Ordering::Relaxed) as f64 / 1e9,
        )
    }
}

/// How much of an svg file is read to find its `<svg …>` tag: the XML declaration,
/// comments and a doctype come before it, never megabytes of them.
const SVG_HEAD_BYTES: u64 = 256 * 1024;

/// Width and height from the file's header (svg: its width/height or viewBox), reading
/// only the start of the file.
pub fn file_dimensions(path: &Path, ext: &str) -> Option<(u32, u32)> {
    if ext == "svg" {
        let mut head = Vec::new();
        std::fs::File::open(path)
            .ok()?
            .take(SVG_HEAD_BYTES)
            .read_to_end(&mut head)
            .ok()?;
        // The limit may cut a character in two: keep the valid part.
        let text = match std::str::from_utf8(&head) {
            Ok(t) => t,
            Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
        };
        return svg_dimensions(text);
    }
    if !matches!(ext, "png" | "jpg" | "jpeg" | "gif" | "webp") {
        return None;
    }
    let size = imagesize::size(path).ok()?;
    let (w, h) = (
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    );
    (w > 0 && h > 0).then_some((w, h))
}

/// The BLAKE3 hash of a file, read in small pieces.
fn hash_file(path: &Path) -> std::io::Result<blake3::Hash> {
    let file = std::fs::File::open(path)?;
    Ok(blake3::Hasher::new().update_reader(file)?.finalize())
}

fn svg_dimensions(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let end = start + text[start..].find('>')?;
    let tag = &text[start..end];
    let attr = |name: &str| -> Option<&str> {
        let needle = format!(" {name}=");
        let i = tag.find(&needle)? + needle.len();
        let quote = tag[i..].chars().next()?;
        let rest = &tag[i + 1..];
        Some(&rest[..rest.find(quote)?])
    };
    let number = |s: &str| -> Option<f64> {
        let s = s.trim().trim_end_matches("px");
        s.parse::<f64>().ok().filter(|v| *v > 0.0)
    };
    if let (Some(w), Some(h)) = (
        attr("width").and_then(number),
        attr("height").and_then(number),
    ) {
        return Some((w.round() as u32, h.round() as u32));
    }
    let vb: Vec<f64> = attr("viewBox")?
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match vb.as_slice() {
        [_, _, w, h] if *w > 0.0 && *h > 0.0 => Some((w.round() as u32, h.round() as u32)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_sizes() {
        assert_eq!(
            svg_dimensions(r#"<svg xmlns="x" width="640" height="400">"#),
            Some((640, 400))
        );
        assert_eq!(
            svg_dimensions(r#"<svg viewBox="0 0 800 450" xmlns="x">"#),
            Some((800, 450))
        );
        assert_eq!(
            svg_dimensions(r#"<svg width="100%" viewBox="0,0,10,20">"#),
            Some((10, 20))
        );
        assert_eq!(svg_dimensions("<svg>"), None);
    }
}
