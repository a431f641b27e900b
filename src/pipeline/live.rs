//! A site kept in memory between builds, rebuilt after each batch of changes with as
//! little work as they allow (`change::plan`): what `serve` runs. No watching, no
//! serving here, so that tests can drive it with changes of their choosing.

use super::change::{plan, Change, Plan};
use super::incremental::{self, rebuild_page};
use super::pages;
use super::served::{Served, ServedPages};
use super::{
    build_site, rerender, rerender_with_theme, BuildCache, BuildOptions, PageMode, SiteState,
};
use crate::config::{self, Config};
use crate::diag::{Diagnostic, Severity};
use crate::output::MemorySink;
use crate::render::Theme;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a rebuild redid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuilt {
    /// Nothing: site.toml could not be loaded.
    Nothing,
    /// These pages alone (output paths), after edits to markdown bodies.
    Pages(Vec<String>),
    /// The theme loaded again after a template or theme change; every page is
    /// rendered again from memory when asked for.
    Theme { pages: usize },
    /// The whole site, through the cache.
    Site { pages: usize },
}

impl std::fmt::Display for Rebuilt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rebuilt::Nothing => f.write_str("nothing"),
            Rebuilt::Pages(pages) => write!(
                f,
                "{} page{}",
                pages.len(),
                if pages.len() == 1 { "" } else { "s" }
            ),
            Rebuilt::Theme { pages } => write!(f, "the pages ({pages})"),
            Rebuilt::Site { pages } => write!(f, "the site ({pages} pages)"),
        }
    }
}

/// Which pages a rebuild changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangedPages {
    /// These (output paths): new, changed or removed pages.
    Some(Vec<String>),
    /// Possibly any: the pages were not rendered (a template change).
    All,
}

/// One rebuild's result, for whoever serves it. The pages themselves are served by
/// `LiveSite::pages` (`ServedPages`), which a good rebuild has brought up to date.
#[derive(Debug)]
pub struct Rebuild {
    pub rebuilt: Rebuilt,
    /// The files other than pages, of the whole site; None after a page rebuild.
    pub files: Option<BTreeMap<String, Vec<u8>>>,
    /// The pages that changed (nothing when the rebuild has errors).
    pub changed: ChangedPages,
    /// Every diagnostic of the site as it now stands.
    pub diagnostics: Vec<Diagnostic>,
    /// After a page rebuild that changed which screenshots pages show: every
    /// screenshot copy the site shows now (output path, source file).
    pub screenshots: Option<Vec<(String, PathBuf)>>,
    /// Versions whose search index is still to be rebuilt (`finish_search`): a page
    /// rebuild leaves it until the browsers have been told to reload.
    pub search_pending: Vec<usize>,
    /// Whether the pages still have to be rendered once to find template errors
    /// (`check_pages`): a template change leaves it until the browsers reload.
    pub check_pending: bool,
}

impl Rebuild {
    pub fn errors(&self) -> Vec<Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect()
    }

    fn failed(diagnostics: Vec<Diagnostic>) -> Rebuild {
        Rebuild {
            rebuilt: Rebuilt::Nothing,
            files: None,
            changed: ChangedPages::Some(Vec::new()),
            diagnostics,
            screenshots: None,
            search_pending: Vec::new(),
            check_pending: false,
        }
    }
}

pub struct LiveSite {
    opts: BuildOptions,
    config: Option<Config>,
    cache: BuildCache,
    /// The state of the last good build and the pages rendered from it. A build with
    /// errors is not put in place (the last good one stays served); a page rebuild
    /// changes the served state in place, its pages kept as they were if it fails.
    served: Arc<ServedPages>,
    /// Whether the last rebuild had no errors, so what is served is the site as it is.
    current: bool,
    /// After a template change whose pages are not checked yet: the theme before it,
    /// served again if the check finds template errors.
    unchecked: Option<Theme>,
}

impl LiveSite {
    /// A site at `opts.root`, not built yet (the first `rebuild` builds it).
    pub fn new(opts: BuildOptions) -> LiveSite {
        let served = Arc::new(ServedPages::default());
        served.write().live_reload = opts.live_reload;
        LiveSite {
            opts,
            config: None,
            cache: BuildCache::default(),
            served,
            current: false,
            unchecked: None,
        }
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    pub fn config(&self) -> Option<&Config> {
        self.config.as_ref()
    }

    /// The served pages, for the HTTP side.
    pub fn served(&self) -> Arc<ServedPages> {
        self.served.clone()
    }

    /// Reads the served state (None before the first good build).
    pub fn with_state<R>(&self, f: impl FnOnce(Option<&SiteState>) -> R) -> R {
        f(self.served.read().state.as_ref())
    }

    /// Whether the last rebuild had no errors.
    pub fn is_current(&self) -> bool {
        self.current
    }

    /// Whether a template change waits for `check_pages`.
    pub fn check_pending(&self) -> bool {
        self.unchecked.is_some()
    }

    /// Rebuilds what `changes` affect.
    pub fn rebuild(&mut self, changes: &[Change]) -> Rebuild {
        let result = match plan(changes, self.config.is_some(), self.current) {
            Plan::Config => match self.load_config() {
                Ok(()) => self.whole_site(),
                Err(errors) => Rebuild::failed(errors),
            },
            Plan::Pages(files) => self.pages(&files).unwrap_or_else(|| self.whole_site()),
            Plan::Theme => self.theme(),
            Plan::Screenshots(files) => self
                .screenshot_pages(&files)
                .unwrap_or_else(|| self.whole_site()),
            Plan::Site => self.whole_site(),
        };
        self.current = result.errors().is_empty() && result.rebuilt != Rebuilt::Nothing;
        result
    }

    /// Builds the search index of version `v` after a page rebuild: the folder of
    /// the version's index files (`2013/search/`) and the new files. The index is made
    /// under the read lock, so pages are served meanwhile.
    pub fn finish_search(&mut self, v: usize) -> Option<(String, BTreeMap<String, Vec<u8>>)> {
        self.finish_search_unless(v, &|| false)
    }

    /// `finish_search`, given up (None, nothing changed) as soon as `stop` says so.
    pub fn finish_search_unless(
        &mut self,
        v: usize,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<(String, BTreeMap<String, Vec<u8>>)> {
        let sink = MemorySink::default();
        let (dir, key) = {
            let served = self.served.read();
            let state = served.state.as_ref()?;
            let key = incremental::write_version_search_unless(state, v, &sink, &self.cache, stop)?;
            let dir = format!("{}search/", state.versions.get(v)?.version.spec.url_prefix);
            (dir, key)
        };
        let mut served = self.served.write();
        if let Some(state) = served.state.as_mut() {
            if let Some(k) = state.search_keys.get_mut(v) {
                *k = key;
            }
            self.cache.forget_unused_search(state);
        }
        Some((dir, sink.into_files()))
    }

    /// After a template change: renders every page once to find template errors
    /// (and the pages' hashes). Gives up, leaving the check pending, as soon as `stop`
    /// says another change is waiting. When pages fail, the theme before the change is
    /// served again and the failure is returned like a rebuild's.
    pub fn check_pages(&mut self, stop: &(dyn Fn() -> bool + Sync)) -> Option<Rebuild> {
        self.unchecked.as_ref()?;
        let outcome = {
            let served = self.served.read();
            let state = served.state.as_ref()?;
            pages::check_all(state, self.opts.live_reload, &served.index, stop)?
        };
        let previous = self.unchecked.take()?;
        match outcome {
            Ok(hashes) => {
                self.served.write().hashes = hashes;
                None
            }
            Err(errors) => {
                let mut served = self.served.write();
                let state = served.state.as_mut()?;
                state.theme = previous;
                let sink = MemorySink::default();
                let opts = self.skip_pages();
                let (_, diagnostics) = rerender_with_theme(state, &opts, &sink, &self.cache);
                let all = crate::diag::Diagnostics::new();
                all.extend(diagnostics);
                all.extend(errors);
                served.lock_rendered().clear();
                served.hashes.clear();
                self.current = false;
                Some(Rebuild {
                    rebuilt: Rebuilt::Theme { pages: 0 },
                    files: Some(sink.into_files()),
                    changed: ChangedPages::All,
                    diagnostics: all.into_sorted(),
                    screenshots: None,
                    search_pending: Vec::new(),
                    check_pending: false,
                })
            }
        }
    }

    fn skip_pages(&self) -> BuildOptions {
        BuildOptions {
            pages: PageMode::Skip,
            ..self.opts.clone()
        }
    }

    fn load_config(&mut self) -> Result<(), Vec<Diagnostic>> {
        let root = &self.opts.root;
        let loaded = Config::load(root).and_then(|config| {
            let problems = config::check_against_disk(root, &config);
            if problems.is_empty() {
                Ok(config)
            } else {
                Err(problems)
            }
        });
        match loaded {
            Ok(config) => {
                // Renderings depend on site.toml (variants, prefix): start afresh.
                self.cache = BuildCache::default();
                self.config = Some(config);
                Ok(())
            }
            Err(errors) => {
                self.config = None;
                Err(errors)
            }
        }
    }

    /// Builds the whole site through the cache, rendering every page once to find
    /// template errors and which pages changed, but keeping none; put in place when
    /// it has no errors.
    fn whole_site(&mut self) -> Rebuild {
        let sink = MemorySink::default();
        let Some(config) = &self.config else {
            return Rebuild::failed(Vec::new());
        };
        let opts = BuildOptions {
            pages: PageMode::Hash,
            ..self.opts.clone()
        };
        let (summary, diagnostics, state) = build_site(config, &opts, &sink, &self.cache);
        // The persistent cache serves the first build only: later ones have the
        // in-memory cache, and writing the whole cache on a save would be slow.
        self.opts.cache_dir = None;
        let good = !diagnostics.iter().any(|d| d.severity == Severity::Error);
        let mut changed = Vec::new();
        if let Some(state) = state.filter(|_| good) {
            self.cache.forget_unused_search(&state);
            let hashes: HashMap<String, blake3::Hash> = summary.page_hashes.into_iter().collect();
            let mut served = self.served.write();
            changed = served.changed(&hashes);
            served.replace(state, hashes);
            self.unchecked = None;
        }
        Rebuild {
            rebuilt: Rebuilt::Site {
                pages: summary.pages,
            },
            files: Some(sink.into_files()),
            changed: ChangedPages::Some(changed),
            diagnostics,
            screenshots: None,
            search_pending: Vec::new(),
            check_pending: false,
        }
    }

    /// Loads the theme again and makes the files other than pages; the pages are
    /// rendered again when asked for, and checked by `check_pages`.
    fn theme(&mut self) -> Rebuild {
        let opts = self.skip_pages();
        let mut served = self.served.write();
        let Some(state) = served.state.as_mut() else {
            drop(served);
            return self.whole_site();
        };
        let sink = MemorySink::default();
        let (summary, diagnostics, previous) = rerender(state, &opts, &sink, &self.cache);
        let good = !diagnostics.iter().any(|d| d.severity == Severity::Error);
        if !good {
            if let Some(previous) = previous {
                state.theme = previous;
            }
            return Rebuild::failed(diagnostics);
        }
        served.lock_rendered().clear();
        served.hashes.clear();
        // The theme to go back to is the last one whose pages were checked.
        if self.unchecked.is_none() {
            self.unchecked = previous;
        }
        Rebuild {
            rebuilt: Rebuilt::Theme {
                pages: summary.pages,
            },
            files: Some(sink.into_files()),
            changed: ChangedPages::All,
            diagnostics,
            screenshots: None,
            search_pending: Vec::new(),
            check_pending: true,
        }
    }

    /// Re-renders the pages showing a screenshot made of any of `files` (after a
    /// sidecar or dark twin was saved); None when the state cannot tell.
    fn screenshot_pages(&mut self, files: &[PathBuf]) -> Option<Rebuild> {
        let mut served = self.served.write();
        let state = served.state.as_mut()?;
        let checkpoint = Checkpoint::of(state, files);
        let sink = MemorySink::default();
        let pages =
            incremental::rebuild_screenshot_pages(state, &self.opts, &self.cache, files, &sink)?;
        let outcome = PageOutcome {
            pages,
            // Sidecars and twins add nothing to the search text.
            versions: Vec::new(),
            screenshots_changed: true,
        };
        Some(page_rebuild(
            &mut served,
            (&self.opts, &self.cache),
            checkpoint,
            sink,
            outcome,
        ))
    }

    /// Re-renders the pages of body-edited markdown files; None when one of them
    /// needs a full build.
    fn pages(&mut self, files: &[PathBuf]) -> Option<Rebuild> {
        let mut served = self.served.write();
        let state = served.state.as_mut()?;
        let checkpoint = Checkpoint::of(state, files);
        let sink = MemorySink::default();
        let mut outcome = PageOutcome::default();
        for file in files {
            // On None the state may hold some of the new sources: the full build
            // that follows reads them all again anyway.
            let rebuilt = rebuild_page(state, &self.opts, &self.cache, file, &sink)?;
            outcome.pages.extend(rebuilt.pages);
            outcome.versions.push(rebuilt.version);
            outcome.screenshots_changed |= rebuilt.screenshots_changed;
        }
        outcome.versions.sort_unstable();
        outcome.versions.dedup();
        Some(page_rebuild(
            &mut served,
            (&self.opts, &self.cache),
            checkpoint,
            sink,
            outcome,
        ))
    }
}

/// What a page rebuild did to the state.
#[derive(Default)]
struct PageOutcome {
    /// Output paths of the pages written.
    pages: Vec<String>,
    /// Versions whose search index is to be rebuilt.
    versions: Vec<usize>,
    screenshots_changed: bool,
}

/// The result of a page rebuild that wrote its pages into `sink`: when it has no
/// errors, its pages are served from now on (which of them changed is told); else the
/// state goes back to `checkpoint`, so that every page is served as it was.
fn page_rebuild(
    served: &mut Served,
    (opts, cache): (&BuildOptions, &BuildCache),
    checkpoint: Checkpoint,
    sink: MemorySink,
    outcome: PageOutcome,
) -> Rebuild {
    let Some(state) = served.state.as_mut() else {
        return Rebuild::failed(Vec::new());
    };
    let diagnostics = state.diagnostics();
    let good = !diagnostics.iter().any(|d| d.severity == Severity::Error);
    if !good {
        checkpoint.restore(state, opts, cache);
        return Rebuild {
            rebuilt: Rebuilt::Pages(outcome.pages),
            ..Rebuild::failed(diagnostics)
        };
    }
    let screenshots = outcome
        .screenshots_changed
        .then(|| incremental::screenshots(state));
    let mut changed = Vec::new();
    let mut hashes = Vec::new();
    {
        let mut rendered = served.lock_rendered();
        for (path, bytes) in sink.into_files() {
            let hash = blake3::hash(&bytes);
            let known = rendered
                .get(&path)
                .map(|old| blake3::hash(old))
                .or_else(|| served.hashes.get(&path).copied());
            if known != Some(hash) {
                changed.push(path.clone());
            }
            rendered.insert(path.clone(), Arc::from(bytes));
            hashes.push((path, hash));
        }
    }
    served.hashes.extend(hashes);
    Rebuild {
        rebuilt: Rebuilt::Pages(outcome.pages),
        files: None,
        changed: ChangedPages::Some(changed),
        diagnostics,
        screenshots,
        search_pending: outcome.versions,
        check_pending: false,
    }
}

/// What a page rebuild may change in the state, as it was before: so that a rebuild
/// with errors leaves the served state (and so every page served) as it was. Cheap
/// to take (a save must stay fast: copying every source's diagnostics and screenshots
/// took 5-8 ms on 10,000 guides): the renderings are shared pointers, and what
/// derives from a rendering is made again from it only when the rebuild failed.
struct Checkpoint {
    /// Per version: the renderings, missing-anchor warnings and partial warnings.
    versions: Vec<VersionCheckpoint>,
    /// The sources of the saved files: (version, index, source).
    sources: Vec<(usize, usize, crate::source::SourceFile)>,
}

/// A version's renderings, missing-anchor warnings and partial warnings.
type VersionCheckpoint = (
    Vec<Arc<super::CachedPage>>,
    Vec<Vec<Diagnostic>>,
    Vec<Diagnostic>,
);

impl Checkpoint {
    fn of(state: &SiteState, files: &[PathBuf]) -> Checkpoint {
        let versions = state
            .versions
            .iter()
            .map(|vs| {
                (
                    vs.pages.clone(),
                    vs.anchor_diags.clone(),
                    vs.partial_diags.clone(),
                )
            })
            .collect();
        let sources = files
            .iter()
            .filter_map(|file| {
                state.versions.iter().enumerate().find_map(|(v, vs)| {
                    let rel = file.strip_prefix(&vs.version.spec.dir).ok()?;
                    let s = *vs.by_rel_path.get(&crate::source::slash_path(rel))?;
                    Some((v, s, vs.version.sources[s].clone()))
                })
            })
            .collect();
        Checkpoint { versions, sources }
    }

    /// Puts the state back: the saved sources and every rendering the rebuild
    /// replaced, with their diagnostics and screenshots found again from them (the
    /// renderings are still in the cache, so nothing is rendered).
    fn restore(self, state: &mut SiteState, opts: &BuildOptions, cache: &BuildCache) {
        for (v, s, source) in self.sources {
            state.versions[v].version.sources[s] = source;
        }
        let SiteState {
            versions,
            config,
            assets,
            site_paths,
            ..
        } = state;
        let job = super::read::MarkdownJob::new(
            &opts.root,
            config,
            assets,
            cache,
            site_paths,
            opts.show_candidates,
        );
        for (vs, (pages, anchor_diags, partial_diags)) in versions.iter_mut().zip(self.versions) {
            let replaced: Vec<usize> = (0..pages.len())
                .filter(|&i| !Arc::ptr_eq(&pages[i], &vs.pages[i]))
                .collect();
            vs.pages = pages;
            let env = job.env(&vs.version, &vs.local_targets);
            let again: Vec<_> = replaced
                .iter()
                .map(|&i| (i, job.render_source(&env, &vs.version.sources[i])))
                .collect();
            drop(env);
            for (i, rendered) in again {
                vs.page_diags[i] = rendered.diags;
                vs.images[i] = rendered.images;
            }
            vs.anchor_diags = anchor_diags;
            vs.partial_diags = partial_diags;
        }
    }
}
