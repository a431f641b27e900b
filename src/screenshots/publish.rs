//! What the output gets of a screenshot's file: the file itself, or its redacted copy
//! and smaller widths made once (or found in the image cache), and the one
//! content-hashed copy of each distinct file (`Screenshots::register`).

use super::{cache, process, Picture, Screenshots, Source};
use crate::source::sidecar::Rect;
use process::Format;
use std::path::Path;

impl Screenshots {
    /// The published form of `source` with `regions` filled: the file itself when
    /// nothing is to be done, else images made (or found in the cache) once.
    pub(super) fn publish(&self, source: &Source, regions: &[Rect]) -> Result<Picture, String> {
        let format = Format::of_ext(&source.ext);
        let widths = match format {
            Some(_) => process::smaller_widths(source.width),
            None => Vec::new(),
        };
        if regions.is_empty() && widths.is_empty() {
            return Ok(Picture {
                url: self.register(&source.hash, &source.ext, &source.real),
                width: source.width,
                height: source.height,
                srcset: Vec::new(),
            });
        }
        let Some(format) = format else {
            return Err(format!("a {} cannot be redacted", source.ext));
        };
        let mut key = blake3::Hasher::new();
        key.update(source.hash.as_bytes());
        key.update(source.ext.as_bytes());
        key.update(regions_recipe(regions).as_bytes());
        let made = self.pictures.get_or_make(key.finalize(), || {
            self.make_picture(source, format, regions, &widths)
        });
        made.as_ref().clone()
    }

    /// The full-size file and the smaller widths of `source` with `regions` filled,
    /// each from the cache or encoded and put there.
    fn make_picture(
        &self,
        source: &Source,
        format: Format,
        regions: &[Rect],
        widths: &[u32],
    ) -> Result<Picture, String> {
        let mut pixels = Pixels {
            path: &source.real,
            format,
            regions,
            decoded: None,
        };
        let redacted = regions_recipe(regions);
        let (full_url, full_bytes) = if regions.is_empty() {
            (
                self.register(&source.hash, &source.ext, &source.real),
                source.bytes,
            )
        } else {
            let recipe = format!("full {} {redacted}", format.ext());
            let entry = self.made(&source.hash, &recipe, format.ext(), || {
                process::encode(pixels.get()?, format)
            })?;
            let bytes = std::fs::metadata(&entry.path).map(|m| m.len()).unwrap_or(0);
            (self.register(&entry.hash, format.ext(), &entry.path), bytes)
        };
        let mut srcset = Vec::new();
        for &w in widths {
            let recipe = format!("w{w} webp {redacted}");
            let entry = self.made(&source.hash, &recipe, "webp", || {
                process::encode(&process::resize(pixels.get()?, w), Format::Webp)
            })?;
            // A smaller width that is not a smaller file is of no use to anyone.
            let bytes = std::fs::metadata(&entry.path)
                .map(|m| m.len())
                .unwrap_or(u64::MAX);
            if bytes < full_bytes {
                srcset.push((self.register(&entry.hash, "webp", &entry.path), w));
            }
        }
        Ok(Picture {
            url: full_url,
            width: source.width,
            height: source.height,
            srcset,
        })
    }

    /// The cache entry made from `source` by `recipe`, made with `make` when absent.
    fn made(
        &self,
        source: &blake3::Hash,
        recipe: &str,
        ext: &str,
        make: impl FnOnce() -> Result<Vec<u8>, String>,
    ) -> Result<cache::Entry, String> {
        let key = cache::product_key(source, recipe);
        if let Some(entry) = self.cache.get(&key, ext) {
            return Ok(entry);
        }
        let bytes = make()?;
        self.cache
            .put(&key, ext, &bytes)
            .map_err(|e| format!("cannot write to the image cache {}/: {e}", cache::CACHE_DIR))
    }

    /// Records that the output gets the file `source` (content hash `hash`) and
    /// returns its URL.
    fn register(&self, hash: &blake3::Hash, ext: &str, source: &Path) -> String {
        let out_path = format!("assets/img/{}.{ext}", &hash.to_hex()[..16]);
        let url = format!("{}{out_path}", self.url_prefix);
        self.copies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(out_path)
            .or_insert_with(|| source.to_path_buf());
        url
    }
}

/// The decoded pixels of a file with its regions filled, decoded when first needed
/// (not at all when every image made from it is in the cache).
struct Pixels<'a> {
    path: &'a Path,
    format: Format,
    regions: &'a [Rect],
    decoded: Option<image::DynamicImage>,
}

impl Pixels<'_> {
    fn get(&mut self) -> Result<&image::DynamicImage, String> {
        if self.decoded.is_none() {
            let mut img = process::decode(self.path, self.format)?;
            process::redact(&mut img, self.regions);
            self.decoded = Some(img);
        }
        self.decoded.as_ref().ok_or_else(String::new)
    }
}

/// The regions as text, for cache keys.
fn regions_recipe(regions: &[Rect]) -> String {
    let mut s = String::from("redact");
    for r in regions {
        s.push_str(&format!(" {},{},{},{}", r.x, r.y, r.w, r.h));
    }
    s
}
