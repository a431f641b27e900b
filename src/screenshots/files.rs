//! Local files that pages link (SPEC §3.1): a script, a PDF, a full-size image. Each
//! distinct file is copied once, keeping its name, as `assets/files/<hash>/<name>`.
//! A screenshot with a sidecar is linked as it is published (redacted), never as the
//! original: a link must not leak what a redaction covers.

use super::{exists, hash_file, sidecar_of, twin_of, ImageError, Screenshots};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

/// Where linked files are copied in the output: `assets/files/<hash>/<name>`.
pub const FILES_DIR: &str = "assets/files/";

/// What a page needs to link a local file that is not markdown: the URL of its copy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileInfo {
    /// URL of the copy, with the site prefix, percent-encoded.
    pub url: String,
    /// The copy's path in the output (not encoded).
    pub path: String,
    pub bytes: u64,
}

impl Screenshots {
    /// A local file that a page links, resolved like a screenshot and copied once.
    pub fn file(&self, page_dir: &Path, src: &str) -> Result<Arc<FileInfo>, ImageError> {
        let lexical = self.lexical_path(page_dir, src)?;
        if exists(&sidecar_of(&lexical)) {
            return self.published_screenshot(page_dir, src);
        }
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

    /// A linked screenshot that has a sidecar: its full-size published file.
    /// The files (relative to the site root) that decide what a page linking `src`
    /// publishes: the file, and the sidecar and dark twin that make a linked image a
    /// published screenshot. Empty when `src` leads nowhere in the site.
    pub fn linked_file_parts(&self, page_dir: &Path, src: &str) -> Vec<PathBuf> {
        let Ok(lexical) = self.lexical_path(page_dir, src) else {
            return Vec::new();
        };
        [sidecar_of(&lexical), twin_of(&lexical), lexical]
            .iter()
            .map(|p| crate::paths::rel_to(self.root(), p))
            .collect()
    }

    fn published_screenshot(
        &self,
        page_dir: &Path,
        src: &str,
    ) -> Result<Arc<FileInfo>, ImageError> {
        let img = self.image(page_dir, src)?;
        let path = img
            .url
            .strip_prefix(self.url_prefix())
            .unwrap_or(&img.url)
            .to_string();
        Ok(Arc::new(FileInfo {
            url: img.url.clone(),
            path,
            bytes: img.bytes,
        }))
    }

    fn load_file(&self, path: &Path, src: &str) -> Result<FileInfo, ImageError> {
        let real = self
            .real_path(path)
            .ok_or_else(|| ImageError::NotFound(src.into()))?;
        if !real.starts_with(self.root()) {
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
        let url = format!(
            "{}{}",
            self.url_prefix(),
            crate::url::encode_path(&out_path)
        );
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
}
