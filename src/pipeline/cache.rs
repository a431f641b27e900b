//! Rendered markdown kept by content, so that no file is rendered twice when its
//! rendering could not differ: the same file in two versions of a site, or every
//! unchanged file when `serve` rebuilds after a save.
//!
//! A rendering depends on the file (front matter and body, by hash), its path within
//! the version (links are relative to it), and on what it looked at outside the file:
//! the files it includes (by content hash, nested ones too), which pages its links
//! found, whether a broken link leads into another version, and what each screenshot
//! resolved to. Those are recorded as `RenderDep`s while it is rendered; a cached
//! rendering is reused only when each of them gives the same answer again. Links to
//! pages are written relative to the version (`VERSION_BASE`), so the HTML is the same
//! in every version.
//!
//! Everything else a rendering depends on (the variants, max_screenshot_kb, the URL
//! prefix) comes from site.toml: a cache belongs to one `Config`.

use crate::diag::Diagnostic;
use crate::markdown::{self, AnchorCheck, PageInput, RenderDep, RenderEnv};
use crate::model::PageBody;
use crate::screenshots::{ImageError, ImageInfo};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub use crate::memo::Shared;

/// One rendering of a markdown file, as the cache keeps it (and the persistent cache:
/// `persist`, through serde).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct CachedPage {
    pub body: Arc<PageBody>,
    pub anchor_checks: Vec<AnchorCheck>,
    /// Diagnostics, located in the files of the version folder the rendering was
    /// made for (`version_dir`).
    #[serde(with = "crate::persist::codec::diags")]
    pub diags: Vec<Diagnostic>,
    version_dir: PathBuf,
    deps: Vec<RenderDep>,
    /// The key of its slot: the file's content hash and its path in the version.
    #[serde(with = "crate::persist::codec::hash")]
    key: blake3::Hash,
    /// `body.passages_key()`, kept with it: a warm build would otherwise hash every
    /// page's search text again to find the search index's kept parts.
    passages_key: crate::search::PassagesKey,
    /// Whether it came from the persistent cache (`MarkdownCache::load`).
    #[serde(skip)]
    loaded: bool,
}

impl CachedPage {
    /// The key of its slot (the file's content hash and its path in the version).
    pub fn key(&self) -> &blake3::Hash {
        &self.key
    }

    /// Whether it was read from the persistent cache rather than made by this build.
    pub fn was_loaded(&self) -> bool {
        self.loaded
    }

    /// The output paths of the copies (every published file of its screenshots, and
    /// the files it links), given the site's URL prefix.
    pub fn asset_paths<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a str> {
        let images = self
            .images()
            .flat_map(|img| img.urls())
            .filter_map(move |url| url.strip_prefix(prefix));
        let files = self.deps.iter().filter_map(|d| match d {
            RenderDep::File {
                result: Ok(file), ..
            } => Some(file.path.as_str()),
            _ => None,
        });
        images.chain(files)
    }

    /// The screenshots the rendering shows.
    pub fn images(&self) -> impl Iterator<Item = &ImageInfo> {
        self.deps.iter().filter_map(|d| match d {
            RenderDep::Image {
                result: Ok(img), ..
            } => Some(img.as_ref()),
            _ => None,
        })
    }

    /// The screenshot references of the rendering, as written.
    pub fn image_srcs(&self) -> impl Iterator<Item = &str> {
        self.deps.iter().filter_map(|d| match d {
            RenderDep::Image { src, .. } => Some(src.as_str()),
            _ => None,
        })
    }

    /// The local files the rendering links, as (file written in, reference as
    /// written).
    pub fn file_srcs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.deps.iter().filter_map(|d| match d {
            RenderDep::File { from, src, .. } => Some((from.as_str(), src.as_str())),
            _ => None,
        })
    }

    /// The files the rendering included (`::: include`, nested ones too), by
    /// version-relative path.
    pub fn includes(&self) -> impl Iterator<Item = &str> {
        self.deps.iter().filter_map(|d| match d {
            RenderDep::Include { path, .. } => Some(path.as_str()),
            _ => None,
        })
    }

    /// The rendering's diagnostics, located in the version folder `version_dir` (the
    /// same content may sit in another version's folder).
    pub fn diags_in(&self, version_dir: &Path) -> Vec<Diagnostic> {
        if version_dir == self.version_dir {
            return self.diags.clone();
        }
        self.diags
            .iter()
            .map(|d| d.relocated(&self.version_dir, version_dir))
            .collect()
    }
}

/// Renderings of one key: usually one, more when the same content renders
/// differently in two versions (a link that finds its page in one only).
type Slot = Mutex<Vec<Arc<CachedPage>>>;

#[derive(Default)]
pub struct MarkdownCache {
    slots: Mutex<HashMap<blake3::Hash, Arc<Slot>>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl MarkdownCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// The rendering of `page`, whose file has the content hash `file_hash`: a cached
    /// one whose dependencies still hold, else a new one.
    pub fn render(
        &self,
        env: &RenderEnv,
        page: &PageInput,
        file_hash: &crate::source::TextHash,
    ) -> Arc<CachedPage> {
        let key = slot_key(file_hash, page.rel_path);
        let slot = self.slot(key);
        // Holding the slot while rendering makes a second version with the same file
        // wait for this rendering instead of doing it again.
        let mut renderings = slot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = renderings
            .iter()
            .find(|c| c.deps.iter().all(|d| dep_holds(env, d)))
        {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return hit.clone();
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let mut r = markdown::render_page(env, page);
        // Kept for the whole build (and a whole `serve`): no spare capacity.
        for p in &mut r.passages {
            p.text.shrink_to_fit();
        }
        // Made now, on this thread: every version's search index asks for it, and
        // several at once would wait for each other.
        let passages_key = crate::search::passages_key(&r.passages);
        let cached = Arc::new(CachedPage {
            body: Arc::new(PageBody {
                html: crate::packed::PackedText::pack(&r.html),
                headings: r.headings,
                title_id: r.title_id,
                steps: r.steps,
                ids: r.anchors,
                caveats: r.caveats,
                passages: r.passages,
                hidden_candidates: r.hidden_candidates,
                passages_key: passages_key.into(),
            }),
            anchor_checks: r.anchor_checks,
            diags: r.diags,
            version_dir: env.version_dir.to_path_buf(),
            deps: r.deps,
            key,
            passages_key,
            loaded: false,
        });
        renderings.push(cached.clone());
        cached
    }

    fn slot(&self, key: blake3::Hash) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.entry(key).or_default().clone()
    }

    /// Whether the cache holds no rendering at all (nothing rendered or loaded yet).
    pub fn is_empty(&self) -> bool {
        self.slots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    /// Adds renderings that an earlier build kept (`persist`): each is used only where
    /// its dependencies hold, like any other.
    pub fn load(&self, pages: Vec<CachedPage>) {
        for mut page in pages {
            page.loaded = true;
            if let Some(body) = Arc::get_mut(&mut page.body) {
                body.passages_key = page.passages_key.into();
            }
            let slot = self.slot(page.key);
            slot.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(Arc::new(page));
        }
    }

    /// (renderings reused, renderings made) since the cache was created.
    pub fn stats(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

/// The slot of a file with content hash `file_hash` at `rel_path` in its version.
fn slot_key(file_hash: &crate::source::TextHash, rel_path: &str) -> blake3::Hash {
    let mut key = blake3::Hasher::new();
    key.update(&file_hash.to_le_bytes());
    key.update(rel_path.as_bytes());
    key.finalize()
}

/// Whether a dependency recorded for a rendering gives the same answer in `env`.
fn dep_holds(env: &RenderEnv, dep: &RenderDep) -> bool {
    match dep {
        RenderDep::Link { target, found } => env.targets.get(target) == found.as_ref(),
        RenderDep::Crossing {
            from,
            link_path,
            crosses,
        } => {
            let dir = markdown::page_dir(env, from);
            markdown::link_crosses_versions(env, &dir, link_path) == *crosses
        }
        RenderDep::Image { from, src, result } => renders_alike(
            &env.assets.image(&markdown::page_dir(env, from), src),
            result,
        ),
        RenderDep::File { from, src, result } => {
            env.assets.file(&markdown::page_dir(env, from), src) == *result
        }
        RenderDep::Include { path, fingerprint } => {
            env.includes.read(&env.version_dir.join(path)).fingerprint() == *fingerprint
        }
        RenderDep::SitePath { path, found, page } => {
            env.site.contains(path) == *found
                && env.site.page_in(path, env.version_dir) == page.as_deref()
        }
        RenderDep::Suggestion {
            base,
            written,
            found,
        } => markdown::suggest::suggest(env.assets.root(), base, written) == *found,
    }
}

/// Whether two results of a screenshot give the same HTML. Which files a screenshot is
/// made of, and their diagnostics, differ between versions of one file and are not
/// part of the HTML (`VersionState::images` keeps them per version).
fn renders_alike(
    a: &Result<Arc<ImageInfo>, ImageError>,
    b: &Result<Arc<ImageInfo>, ImageError>,
) -> bool {
    match (a, b) {
        (Ok(a), Ok(b)) => a.renders_like(b),
        (Err(ImageError::Data { .. }), Err(ImageError::Data { .. })) => true,
        _ => a == b,
    }
}
