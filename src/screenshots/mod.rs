//! Screenshots: where a reference points, how big the picture is, what is published
//! of it, and the one content-hashed copy of each distinct file that the output gets.
//!
//! A screenshot is made of up to three files beside each other (SPEC §3.2): the
//! image `NAME.EXT`, its sidecar `NAME.EXT.yaml` (marks and redactions, parsed in
//! `source::sidecar`) and its dark twin `NAME.dark.EXT`. What the output gets of it
//! is a `Picture` per theme: the full-size file (the image itself, or its redacted
//! copy) and, for a raster wider than the content column, smaller widths in WebP
//! (`process`), made once per distinct file and kept between builds (`cache`).
//! `html` writes the figure.

pub mod cache;
pub mod facts;
mod files;
mod folders;
pub mod html;
mod measure;
mod names;
pub mod process;
mod publish;

pub use files::{FileInfo, FILES_DIR};
pub use measure::file_dimensions;
use measure::{hash_file, read_image, SVG_HEAD_BYTES};
pub use names::{screenshot_of_part, sidecar_of, static_file_published_as_is, twin_of, IMAGE_EXTS};

use crate::diag::Diagnostic;
use crate::memo::Shared;
use crate::paths::{normalize, rel_to};
use crate::source::sidecar::{self, Rect, Sidecar};
use crate::url::percent_decode;
use cache::DiskCache;
// FxHash: see screenshots/facts.rs.
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One published form of a screenshot: the full-size file and its smaller widths.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Picture {
    /// URL of the full-size file, with the site prefix.
    pub url: String,
    pub width: u32,
    pub height: u32,
    /// Smaller widths, narrowest first: (URL, width in pixels). Empty for a picture
    /// no wider than the content column, an svg or a gif.
    pub srcset: Vec<(String, u32)>,
}

/// A numbered box over the screenshot, in its own pixels, with its legend text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mark {
    pub rect: Rect,
    pub text: String,
}

/// What a page needs to show a screenshot.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImageInfo {
    /// URL of the full-size published file, with the site prefix (`light.url`).
    pub url: String,
    pub width: u32,
    pub height: u32,
    /// Size of the image file as the author saved it.
    pub bytes: u64,
    /// Smaller widths of the full-size file (`Picture::srcset`).
    pub srcset: Vec<(String, u32)>,
    /// The dark twin as published, when there is one.
    pub dark: Option<Picture>,
    pub marks: Vec<Mark>,
    /// The files the screenshot is made of, relative to the site root: the image,
    /// then its sidecar and its dark twin when they exist. None of them is a
    /// screenshot of its own.
    pub files: Vec<PathBuf>,
    /// Warnings about the sidecar and the twin, at their own files.
    #[serde(with = "crate::persist::codec::diags")]
    pub notes: Vec<Diagnostic>,
}

impl ImageInfo {
    /// Whether `other` gives the same HTML (everything but where it was found).
    pub fn renders_like(&self, other: &ImageInfo) -> bool {
        (
            &self.url,
            self.width,
            self.height,
            self.bytes,
            &self.srcset,
            &self.dark,
            &self.marks,
        ) == (
            &other.url,
            other.width,
            other.height,
            other.bytes,
            &other.srcset,
            &other.dark,
            &other.marks,
        )
    }

    /// Every URL of a file published for this screenshot.
    pub fn urls(&self) -> impl Iterator<Item = &str> {
        let light =
            std::iter::once(self.url.as_str()).chain(self.srcset.iter().map(|(u, _)| u.as_str()));
        let dark = self.dark.iter().flat_map(|d| {
            std::iter::once(d.url.as_str()).chain(d.srcset.iter().map(|(u, _)| u.as_str()))
        });
        light.chain(dark)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ImageError {
    NotFound(String),
    OutsideSite(String),
    Unreadable(String),
    /// The sidecar or the dark twin has errors, reported at those files: the
    /// screenshot is not published (a redaction not understood must not leave the
    /// original pixels in the output).
    Data {
        files: Vec<PathBuf>,
        #[serde(with = "crate::persist::codec::diags")]
        diags: Vec<Diagnostic>,
    },
}

impl std::fmt::Display for ImageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageError::NotFound(p) => write!(f, "screenshot `{p}` does not exist"),
            ImageError::OutsideSite(p) => write!(f, "screenshot `{p}` is outside the site folder"),
            ImageError::Unreadable(m) => write!(f, "{m}"),
            ImageError::Data { files, .. } => write!(
                f,
                "screenshot `{}` is left out: its sidecar or dark twin has errors",
                files
                    .first()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            ),
        }
    }
}

/// An image file as found on disk: where, what, how big, which content.
struct Source {
    real: PathBuf,
    /// The extension, lowercase.
    ext: String,
    width: u32,
    height: u32,
    bytes: u64,
    hash: blake3::Hash,
}

impl Source {
    /// The file at `real` with what was measured of it (as `measure::read_image`
    /// gives it): (bytes, (width, height), hash).
    fn new(real: PathBuf, ext: String, measured: (u64, (u32, u32), blake3::Hash)) -> Source {
        let (bytes, (width, height), hash) = measured;
        Source {
            real,
            ext,
            width,
            height,
            bytes,
            hash,
        }
    }
}

/// The screenshots of one build, shared by every page rendered in parallel.
pub struct Screenshots {
    root: PathBuf,
    url_prefix: String,
    by_path: Mutex<HashMap<PathBuf, Result<Arc<ImageInfo>, ImageError>>>,
    /// Linked files by path, like `by_path` (`files`).
    files_by_path: Mutex<HashMap<PathBuf, Result<Arc<FileInfo>, ImageError>>>,
    /// Folder → the same folder with symlinks resolved.
    real_dirs: Mutex<HashMap<PathBuf, PathBuf>>,
    /// Which folders may hold sidecars and dark twins.
    folders: folders::Folders,
    /// Output path → source file, one entry per distinct content.
    copies: Mutex<BTreeMap<String, PathBuf>>,
    /// Pictures made from a file, by its content and its redactions: made once per
    /// build however many paths and pages show the same file.
    pictures: Shared<Result<Picture, String>>,
    cache: DiskCache,
    /// What earlier builds measured of the files (`persist`); empty without a cache.
    facts: facts::Facts,
    /// Files read and nanoseconds spent reading, measuring, hashing and processing
    /// them (summed over threads), for the build's timings.
    loads: AtomicU64,
    load_nanos: AtomicU64,
}

impl Screenshots {
    /// `root` must be canonical; `url_prefix` is the site's path prefix (`/docs/`).
    pub fn new(root: PathBuf, url_prefix: &str) -> Self {
        Screenshots {
            cache: DiskCache::new(&root),
            facts: facts::Facts::default(),
            root,
            url_prefix: url_prefix.to_string(),
            by_path: Mutex::new(HashMap::default()),
            files_by_path: Mutex::new(HashMap::default()),
            real_dirs: Mutex::new(HashMap::default()),
            folders: folders::Folders::default(),
            copies: Mutex::new(BTreeMap::new()),
            pictures: Shared::default(),
            loads: AtomicU64::new(0),
            load_nanos: AtomicU64::new(0),
        }
    }

    /// The same, with images made from screenshots kept in `dir` (the persistent
    /// cache's `images/`) instead of `.guidepost-cache/images/`.
    pub fn with_image_cache(mut self, dir: PathBuf) -> Self {
        self.cache = DiskCache::in_folder(dir);
        self
    }

    /// The same, with what earlier builds measured of the files (`facts`).
    pub fn with_facts(mut self, facts: facts::Facts) -> Self {
        self.facts = facts;
        self
    }

    /// What this build measured or used of the files, when it differs from what it was
    /// given (`with_facts`).
    pub fn facts_to_keep(&self) -> Option<facts::Stored> {
        self.facts.to_keep()
    }

    /// The site root (canonical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where `src` as written in a page points: relative to `page_dir` (a folder below
    /// the site root), or, when it starts with `/`, relative to `static/`.
    fn lexical_path(&self, page_dir: &Path, src: &str) -> Result<PathBuf, ImageError> {
        let decoded = percent_decode(src);
        if is_plain_relative(&decoded) && page_dir.components().all(is_normal) {
            // Nothing to resolve: the path is what normalising it would give. Most
            // screenshots are written so (`images/step-1.png`); normalising a path
            // and comparing its components with the root's was about 2% of a build.
            return Ok(self.root.join(page_dir).join(decoded));
        }
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

    /// Resolves `src` as written in a page (`lexical_path`) as a screenshot.
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

    /// Forgets what was found for the screenshots made of any of `files` (relative to
    /// the site root: an image, a sidecar, a twin), so the next `image` reads them again.
    pub fn forget(&self, files: &[PathBuf]) {
        let absolute: Vec<PathBuf> = files.iter().map(|f| self.root.join(f)).collect();
        self.folders.forget(absolute.iter().map(PathBuf::as_path));
        self.lock_cache().retain(|_, result| {
            let made_of = match result {
                Ok(info) => &info.files,
                Err(ImageError::Data { files, .. }) => files,
                Err(_) => return true,
            };
            !made_of.iter().any(|f| files.contains(f))
        });
    }

    fn lock_cache(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Result<Arc<ImageInfo>, ImageError>>> {
        self.by_path.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The screenshot at `path` (lexical, below the root) with its sidecar and twin.
    fn load(&self, path: &Path, src: &str) -> Result<ImageInfo, ImageError> {
        let main = self.measure(path, src)?;
        let rel = |p: &Path| rel_to(&self.root, p);
        let mut files = vec![rel(path)];
        let mut errors = Vec::new();
        let mut notes = Vec::new();

        let parts = match path.parent() {
            Some(dir) => self.folders.parts(dir),
            None => folders::Parts {
                sidecars: true,
                twins: true,
            },
        };
        let sidecar_path = sidecar_of(path);
        let sidecar = if parts.sidecars && exists(&sidecar_path) {
            files.push(rel(&sidecar_path));
            match self.read_sidecar(&sidecar_path, &main) {
                Ok(s) => Some(s),
                Err(ds) => {
                    errors.extend(ds);
                    None
                }
            }
        } else {
            None
        };

        let twin_path = twin_of(path);
        let twin = if parts.twins && exists(&twin_path) {
            let twin_rel = rel(&twin_path);
            files.push(twin_rel.clone());
            match self.measure(&twin_path, &twin_rel.display().to_string()) {
                Ok(twin) => {
                    if (twin.width, twin.height) != (main.width, main.height) {
                        notes.push(size_mismatch(&twin_rel, &twin, &main));
                    }
                    Some(twin)
                }
                Err(e) => {
                    errors.push(Diagnostic::error(
                        "image",
                        &twin_rel,
                        format!("dark twin: {e}"),
                    ));
                    None
                }
            }
        } else {
            None
        };
        if !errors.is_empty() {
            return Err(ImageError::Data {
                files,
                diags: errors,
            });
        }

        let sidecar = sidecar.unwrap_or_default();
        let regions: Vec<Rect> = sidecar.redact.iter().map(|r| r.rect).collect();
        let light = self.publish(&main, &regions).map_err(|e| {
            ImageError::Unreadable(format!("cannot publish screenshot `{src}`: {e}"))
        })?;
        let dark = match &twin {
            Some(twin) => {
                let scaled: Vec<Rect> = regions
                    .iter()
                    .map(|r| {
                        process::scale_rect(
                            *r,
                            (main.width, main.height),
                            (twin.width, twin.height),
                        )
                    })
                    .collect();
                match self.publish(twin, &scaled) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        return Err(ImageError::Data {
                            diags: vec![Diagnostic::error(
                                "image",
                                rel(&twin_path),
                                format!("cannot publish this dark twin: {e}"),
                            )],
                            files,
                        })
                    }
                }
            }
            None => None,
        };
        Ok(ImageInfo {
            url: light.url,
            width: main.width,
            height: main.height,
            bytes: main.bytes,
            srcset: light.srcset,
            dark,
            marks: sidecar
                .marks
                .into_iter()
                .map(|m| Mark {
                    rect: m.rect,
                    text: m.text,
                })
                .collect(),
            files,
            notes,
        })
    }

    /// Reads and checks the sidecar at `path` for the image `main`.
    fn read_sidecar(&self, path: &Path, main: &Source) -> Result<Sidecar, Vec<Diagnostic>> {
        let rel = rel_to(&self.root, path);
        let fail = |m: String| vec![Diagnostic::error(sidecar::CODE, &rel, m)];
        let real = self
            .real_path(path)
            .ok_or_else(|| fail("cannot read this sidecar".into()))?;
        if !real.starts_with(&self.root) {
            return Err(fail(
                "this sidecar is a link to a file outside the site folder".into(),
            ));
        }
        let len = std::fs::metadata(&real)
            .map_err(|e| fail(format!("cannot read this sidecar: {e}")))?
            .len();
        if len > sidecar::MAX_BYTES {
            return Err(fail(format!(
                "this sidecar is {} KB; a sidecar may be at most {} KB",
                len.div_ceil(1024),
                sidecar::MAX_BYTES / 1024
            )));
        }
        let text = std::fs::read_to_string(&real)
            .map_err(|e| fail(format!("cannot read this sidecar: {e}")))?;
        let parsed = sidecar::parse(&text, &rel)?;
        let mut problems = parsed.check(&rel, main.width, main.height, main.ext == "svg");
        if !parsed.redact.is_empty() && main.ext == "gif" {
            let (line, column) = parsed.redact_place;
            problems.push(
                Diagnostic::error(sidecar::CODE, &rel, "sidecar: a gif cannot be redacted")
                    .at(line, column)
                    .help("export the screenshot as png, jpg or webp"),
            );
        }
        if problems.is_empty() {
            Ok(parsed)
        } else {
            Err(problems)
        }
    }

    /// Finds, measures and hashes the image file at `path` (lexical), or takes what
    /// an earlier build measured of it when the file has the same stamp (`facts`).
    fn measure(&self, path: &Path, src: &str) -> Result<Source, ImageError> {
        // Without kept facts nothing asks for the file's stamp: a file that is no
        // symlink is opened and read at once, one lookup of its path instead of two.
        if !self.facts.keeping() {
            if let Some(source) = self.measure_unlinked(path) {
                return Ok(source);
            }
        }
        // A symlink may lead out of the site even when the written path does not.
        let (real, meta) = self
            .real_path_meta(path)
            .ok_or_else(|| ImageError::NotFound(src.into()))?;
        if !real.starts_with(&self.root) {
            return Err(ImageError::OutsideSite(src.into()));
        }
        let ext = lowercase_ext(&real);
        // Of a symlink, the file it leads to.
        let meta = match meta {
            Some(meta) => Some(meta),
            None => std::fs::metadata(&real).ok(),
        };
        if let Some(fact) = meta.as_ref().and_then(|m| self.facts.get(&real, m)) {
            let measured = (fact.bytes, (fact.width, fact.height), fact.hash);
            return Ok(Source::new(real, ext, measured));
        }
        let source = self.measure_file(real, ext, meta.as_ref().map(|m| m.len()), src)?;
        if let Some(meta) = &meta {
            let fact = facts::Fact {
                width: source.width,
                height: source.height,
                bytes: source.bytes,
                hash: source.hash,
            };
            self.facts.note(&source.real, meta, fact);
        }
        Ok(source)
    }

    /// Measures and hashes the image file at `real`, `len` bytes long when the
    /// caller knows.
    fn measure_file(
        &self,
        real: PathBuf,
        ext: String,
        len: Option<u64>,
        src: &str,
    ) -> Result<Source, ImageError> {
        // Screenshots can be large: the size comes from the file system, the
        // dimensions from the header, and the hash from a streamed read, so memory
        // stays small whatever the file holds.
        let unreadable = |e: std::io::Error| {
            ImageError::Unreadable(format!("cannot read screenshot `{src}`: {e}"))
        };
        if let Some(read) = read_image(&real, &ext, len) {
            return Ok(Source::new(real, ext, read));
        }
        let bytes = std::fs::metadata(&real).map_err(unreadable)?.len();
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
        let hash = hash_file(&real).map_err(unreadable)?;
        Ok(Source::new(real, ext, (bytes, (width, height), hash)))
    }

    /// `path` with every symlink resolved, None when it does not exist. Folders hold
    /// many screenshots: each folder is resolved once, then only the file itself is
    /// checked for being a symlink (one `lstat` instead of one per path component).
    fn real_path(&self, path: &Path) -> Option<PathBuf> {
        self.real_path_meta(path).map(|(real, _)| real)
    }

    /// `real_path`, with the file's metadata when it was read on the way (the file is
    /// no symlink).
    fn real_path_meta(&self, path: &Path) -> Option<(PathBuf, Option<std::fs::Metadata>)> {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return Some((path.canonicalize().ok()?, None));
        };
        let meta = std::fs::symlink_metadata(path).ok()?;
        if meta.file_type().is_symlink() {
            return Some((path.canonicalize().ok()?, None));
        }
        Some((self.real_dir(dir)?.join(name), Some(meta)))
    }

    /// Folder `dir` with every symlink resolved (each folder resolved once).
    fn real_dir(&self, dir: &Path) -> Option<PathBuf> {
        let mut dirs = self.real_dirs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(real) = dirs.get(dir) {
            return Some(real.clone());
        }
        let real = dir.canonicalize().ok()?;
        dirs.insert(dir.to_path_buf(), real.clone());
        Some(real)
    }

    /// What `measure` finds of the image at `path` when it is a readable file inside
    /// the site and no symlink (`measure::read_unlinked`); None for anything else,
    /// which `measure` then looks into step by step for the same diagnostics as ever.
    fn measure_unlinked(&self, path: &Path) -> Option<Source> {
        let real = self.real_dir(path.parent()?)?.join(path.file_name()?);
        if !real.starts_with(&self.root) {
            return None;
        }
        let ext = lowercase_ext(&real);
        let read = measure::read_unlinked(path, &ext)?;
        Some(Source::new(real, ext, read))
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

    /// (screenshot references read from disk, seconds spent on them summed over
    /// threads, images encoded rather than found in the cache)
    pub fn load_stats(&self) -> (u64, f64, u64) {
        (
            self.loads.load(Ordering::Relaxed),
            self.load_nanos.load(Ordering::Relaxed) as f64 / 1e9,
            self.cache.made(),
        )
    }
}

/// The extension of `path`, lowercase ("" when it has none).
fn lowercase_ext(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Whether a file (not a folder) is at `path`.
fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_dir())
}

fn size_mismatch(twin_rel: &Path, twin: &Source, main: &Source) -> Diagnostic {
    Diagnostic::warning(
        "image-twin",
        twin_rel,
        format!(
            "this dark twin is {} × {} pixels, its screenshot {} × {}: marks and redactions are scaled to it",
            twin.width, twin.height, main.width, main.height
        ),
    )
    .help("export both at the same size, so the page does not change shape with the theme")
}

/// A relative path of plain names only: no `.` or `..`, no empty name (`a//b`, a
/// trailing `/`), not absolute.
fn is_plain_relative(path: &str) -> bool {
    !path.is_empty()
        && path
            .split('/')
            .all(|name| !name.is_empty() && name != "." && name != "..")
}

fn is_normal(c: std::path::Component) -> bool {
    matches!(c, std::path::Component::Normal(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain `src` is joined as it is; the result is what normalising gives, and
    /// every other `src` is normalised and kept inside the site.
    #[test]
    fn a_screenshot_path_is_the_normalised_join() {
        let shots = Screenshots::new(PathBuf::from("/site"), "/");
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "content/a",
                "images/x.png",
                Some("/site/content/a/images/x.png"),
            ),
            ("", "x.png", Some("/site/x.png")),
            (
                "content/a",
                "im%20ages/x.png",
                Some("/site/content/a/im ages/x.png"),
            ),
            ("content/a", "./x.png", Some("/site/content/a/x.png")),
            ("content/a", "../b/x.png", Some("/site/content/b/x.png")),
            (
                "content/a",
                "images//x.png",
                Some("/site/content/a/images/x.png"),
            ),
            ("content/a", "/img/x.png", Some("/site/static/img/x.png")),
            ("content/a", "../../../x.png", None),
            ("content/../../a", "x.png", None),
        ];
        for (dir, src, want) in cases {
            let got = shots.lexical_path(Path::new(dir), src).ok();
            assert_eq!(got.as_deref(), want.map(Path::new), "{dir} + {src}");
            if let Some(got) = got {
                assert_eq!(Some(got.clone()), normalize(&got), "{dir} + {src}");
                assert_eq!(got.as_os_str(), Path::new(want.unwrap_or("")).as_os_str());
            }
        }
    }
}
