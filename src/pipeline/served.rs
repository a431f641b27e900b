//! The pages `serve` shows, rendered when a browser first asks for one and kept until
//! a change, instead of all of them at every rebuild: a site of 10,000 guides holds
//! its sources and renderings, not a second copy of its 10,000 pages, and a template
//! save renders nothing before the browsers reload.
//!
//! A page rendered here is exactly the page a full build writes: the same function
//! renders it (`pages::render`) from the same state. The state is behind a lock so
//! that the HTTP threads render from it while the rebuilding thread replaces it; a
//! page is rendered and kept under the read lock, and a rebuild changes the state and
//! drops or replaces the kept pages under the write lock, so no page rendered from an
//! older state is kept after a newer one is in place.

use super::pages::{page_index, render_one, PageRef};
use super::state::SiteState;
use crate::diag::Diagnostic;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// The content of a served page.
pub type PageBytes = Arc<[u8]>;

/// The served site's state and the pages rendered from it so far.
#[derive(Default)]
pub struct ServedPages {
    inner: RwLock<Served>,
}

#[derive(Default)]
pub(super) struct Served {
    /// The state of the last good build (see `LiveSite`).
    pub state: Option<SiteState>,
    pub live_reload: bool,
    /// Every page of `state`: output path → (version, page).
    pub index: HashMap<String, (usize, PageRef)>,
    /// Pages rendered since the last change, by output path.
    pub rendered: Mutex<HashMap<String, PageBytes>>,
    /// The content hash of each page as last rendered in full, to tell which pages a
    /// rebuild changed; a page without one counts as changed.
    pub hashes: HashMap<String, blake3::Hash>,
}

impl Served {
    /// The page at `path`: kept, or rendered now and kept. None when the site has no
    /// such page; a template error as its diagnostic.
    pub fn page(&self, path: &str) -> Option<Result<PageBytes, Diagnostic>> {
        if let Some(page) = self.lock_rendered().get(path) {
            return Some(Ok(page.clone()));
        }
        let (v, page) = *self.index.get(path)?;
        let state = self.state.as_ref()?;
        Some(render_one(state, self.live_reload, v, page).map(|html| {
            let bytes: PageBytes = Arc::from(html.into_bytes());
            // Two requests for one page may both render it: the same bytes.
            self.lock_rendered().insert(path.to_string(), bytes.clone());
            bytes
        }))
    }

    pub fn lock_rendered(&self) -> std::sync::MutexGuard<'_, HashMap<String, PageBytes>> {
        self.rendered.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Puts `state` in place of the served one: its page index, nothing rendered yet,
    /// and `hashes` as the pages' hashes.
    pub fn replace(&mut self, state: SiteState, hashes: HashMap<String, blake3::Hash>) {
        self.index = page_index(&state);
        self.state = Some(state);
        self.lock_rendered().clear();
        self.hashes = hashes;
    }

    /// Output paths of the pages whose hash in `new` differs from the served one, and
    /// of served pages `new` does not have.
    pub fn changed(&self, new: &HashMap<String, blake3::Hash>) -> Vec<String> {
        let mut changed: Vec<String> = new
            .iter()
            .filter(|(path, hash)| self.hashes.get(*path) != Some(hash))
            .map(|(path, _)| path.clone())
            .collect();
        changed.extend(
            self.index
                .keys()
                .filter(|path| !new.contains_key(*path))
                .cloned(),
        );
        changed.sort();
        changed
    }
}

impl ServedPages {
    /// The page at `path` (see `Served::page`).
    pub fn page(&self, path: &str) -> Option<Result<PageBytes, Diagnostic>> {
        self.read().page(path)
    }

    /// Whether the site has a page at `path` (without rendering it).
    pub fn contains(&self, path: &str) -> bool {
        self.read().index.contains_key(path)
    }

    /// The output path of every page, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.read().index.keys().cloned().collect();
        paths.sort();
        paths
    }

    /// How many pages are kept rendered now.
    pub fn rendered_count(&self) -> usize {
        self.read().lock_rendered().len()
    }

    pub(super) fn read(&self) -> RwLockReadGuard<'_, Served> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn write(&self) -> RwLockWriteGuard<'_, Served> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }
}
