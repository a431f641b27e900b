//! Rendered markdown kept by content, so that no file is rendered twice when its
//! rendering could not differ: the same file in two versions of a site, or every
//! unchanged file when `serve` rebuilds after a save.
//!
//! A rendering depends on the file (front matter and body, by hash), its path within
//! the version (links are relative to it), and on what it looked at outside the file:
//! which pages its links found, whether a broken link leads into another version, and
//! what each screenshot resolved to. Those are recorded as `RenderDep`s while it is
//! rendered; a cached rendering is reused only when each of them gives the same answer
//! again. Links to pages are written relative to the version (`VERSION_BASE`), so
//! the HTML is the same in every version.
//!
//! Everything else a rendering depends on (the variants, max_screenshot_kb, the URL
//! prefix) comes from site.toml: a cache belongs to one `Config`.

use crate::diag::Diagnostic;
use crate::markdown::{self, AnchorCheck, PageInput, RenderDep, RenderEnv};
use crate::model::PageBody;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub use crate::memo::Shared;

/// One rendering of a markdown file, as the cache keeps it.
#[derive(Debug)]
pub struct CachedPage {
    pub body: Arc<PageBody>,
    pub anchor_checks: Vec<AnchorCheck>,
    /// Diagnostics, located in the file the rendering was made for.
    pub diags: Vec<Diagnostic>,
    deps: Vec<RenderDep>,
}

impl CachedPage {
    /// The output paths of the copies (screenshots and linked files) the rendering
    /// shows or links, given the site's URL prefix.
    pub fn asset_paths<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a str> {
        self.deps.iter().filter_map(move |d| match d {
            RenderDep::Image {
                result: Ok(img), ..
            } => img.url.strip_prefix(prefix),
            RenderDep::File {
                result: Ok(file), ..
            } => Some(file.path.as_str()),
            _ => None,
        })
    }

    /// The rendering's diagnostics, located in `site_path` (the same content may sit
    /// in another version's folder).
    pub fn diags_for(&self, site_path: &Path) -> Vec<Diagnostic> {
        self.diags
            .iter()
            .map(|d| Diagnostic {
                file: site_path.to_path_buf(),
                ..d.clone()
            })
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
        file_hash: &blake3::Hash,
    ) -> Arc<CachedPage> {
        let slot = self.slot(file_hash, page.rel_path);
        // Holding the slot while rendering makes a second version with the same file
        // wait for this rendering instead of doing it again.
        let mut renderings = slot.lock().unwrap_or_else(|e| e.into_inner());
        let page_dir = markdown::page_dir(env, page.rel_path);
        if let Some(hit) = renderings
            .iter()
            .find(|c| c.deps.iter().all(|d| dep_holds(env, &page_dir, d)))
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
            }),
            anchor_checks: r.anchor_checks,
            diags: r.diags,
            deps: r.deps,
        });
        renderings.push(cached.clone());
        cached
    }

    fn slot(&self, file_hash: &blake3::Hash, rel_path: &str) -> Arc<Slot> {
        let mut key = blake3::Hasher::new();
        key.update(file_hash.as_bytes());
        key.update(rel_path.as_bytes());
        let key = key.finalize();
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.entry(key).or_default().clone()
    }

    /// (renderings reused, renderings made) since the cache was created.
    pub fn stats(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

/// Whether a dependency recorded for a rendering gives the same answer in `env`.
fn dep_holds(env: &RenderEnv, page_dir: &Path, dep: &RenderDep) -> bool {
    match dep {
        RenderDep::Link { target, found } => env.targets.get(target) == found.as_ref(),
        RenderDep::Crossing { link_path, crosses } => {
            markdown::link_crosses_versions(env, page_dir, link_path) == *crosses
        }
        RenderDep::Image { src, result } => env.assets.image(page_dir, src) == *result,
        RenderDep::File { src, result } => env.assets.file(page_dir, src) == *result,
        RenderDep::SitePath { path, found } => env.site.contains(path) == *found,
        RenderDep::Suggestion {
            base,
            written,
            found,
        } => markdown::suggest::suggest(env.assets.root(), base, written) == *found,
    }
}
