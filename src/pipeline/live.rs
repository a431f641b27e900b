//! A site kept in memory between builds, rebuilt after each batch of changes with as
//! little work as they allow (`change::plan`): what `serve` runs. No watching, no
//! serving here, so that tests can drive it with changes of their choosing.

use super::change::{plan, Change, Plan};
use super::incremental::{self, rebuild_page};
use super::{build_site, rerender, BuildCache, BuildOptions, SiteState};
use crate::config::{self, Config};
use crate::diag::{Diagnostic, Severity};
use crate::output::MemorySink;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a rebuild redid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuilt {
    /// Nothing: site.toml could not be loaded.
    Nothing,
    /// These pages alone (output paths), after edits to markdown bodies.
    Pages(Vec<String>),
    /// Every page rendered again from memory, after a template or theme change.
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

/// One rebuild's result, for whoever serves it.
#[derive(Debug)]
pub struct Rebuild {
    pub rebuilt: Rebuilt,
    /// The files written: the whole site, unless `rebuilt` is `Pages`.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Every diagnostic of the site as it now stands.
    pub diagnostics: Vec<Diagnostic>,
    /// After a page rebuild that changed which screenshots pages show: every
    /// screenshot copy the site shows now (output path, source file).
    pub screenshots: Option<Vec<(String, PathBuf)>>,
    /// Versions whose search index is still to be rebuilt (`finish_search`): a page
    /// rebuild leaves it until the browsers have been told to reload.
    pub search_pending: Vec<usize>,
}

impl Rebuild {
    pub fn errors(&self) -> Vec<Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect()
    }

    fn whole(rebuilt: Rebuilt, sink: MemorySink, diagnostics: Vec<Diagnostic>) -> Rebuild {
        Rebuild {
            rebuilt,
            files: sink.into_files(),
            diagnostics,
            screenshots: None,
            search_pending: Vec::new(),
        }
    }
}

pub struct LiveSite {
    opts: BuildOptions,
    config: Option<Config>,
    cache: BuildCache,
    state: Option<SiteState>,
    /// Whether the last rebuild had no errors, so `state` is what was served.
    current: bool,
}

impl LiveSite {
    /// A site at `opts.root`, not built yet (the first `rebuild` builds it).
    pub fn new(opts: BuildOptions) -> LiveSite {
        LiveSite {
            opts,
            config: None,
            cache: BuildCache::default(),
            state: None,
            current: false,
        }
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    pub fn config(&self) -> Option<&Config> {
        self.config.as_ref()
    }

    pub fn state(&self) -> Option<&SiteState> {
        self.state.as_ref()
    }

    /// Whether the last rebuild had no errors.
    pub fn is_current(&self) -> bool {
        self.current
    }

    /// Rebuilds what `changes` affect.
    pub fn rebuild(&mut self, changes: &[Change]) -> Rebuild {
        let result = match plan(changes, self.config.is_some(), self.current) {
            Plan::Config => match self.load_config() {
                Ok(()) => self.whole_site(),
                Err(errors) => Rebuild::whole(Rebuilt::Nothing, MemorySink::default(), errors),
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
    /// the version's index files (`2013/search/`) and the new files.
    pub fn finish_search(&mut self, v: usize) -> Option<(String, BTreeMap<String, Vec<u8>>)> {
        let state = self.state.as_mut()?;
        let sink = MemorySink::default();
        incremental::write_version_search(state, v, &sink, &self.cache);
        let dir = format!("{}search/", state.versions.get(v)?.version.spec.url_prefix);
        Some((dir, sink.into_files()))
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

    fn whole_site(&mut self) -> Rebuild {
        let sink = MemorySink::default();
        let Some(config) = &self.config else {
            return Rebuild::whole(Rebuilt::Nothing, sink, Vec::new());
        };
        let (summary, diagnostics, state) = build_site(config, &self.opts, &sink, &self.cache);
        if let Some(state) = &state {
            self.cache.forget_unused_search(state);
        }
        self.state = state;
        let pages = summary.pages;
        Rebuild::whole(Rebuilt::Site { pages }, sink, diagnostics)
    }

    fn theme(&mut self) -> Rebuild {
        let Some(state) = &mut self.state else {
            return self.whole_site();
        };
        let sink = MemorySink::default();
        let (summary, diagnostics) = rerender(state, &self.opts, &sink, &self.cache);
        let pages = summary.pages;
        Rebuild::whole(Rebuilt::Theme { pages }, sink, diagnostics)
    }

    /// Re-renders the pages showing a screenshot made of any of `files` (after a
    /// sidecar or dark twin was saved); None when the state cannot tell.
    fn screenshot_pages(&mut self, files: &[PathBuf]) -> Option<Rebuild> {
        let state = self.state.as_mut()?;
        let sink = MemorySink::default();
        let pages =
            incremental::rebuild_screenshot_pages(state, &self.opts, &self.cache, files, &sink)?;
        Some(Rebuild {
            rebuilt: Rebuilt::Pages(pages),
            files: sink.into_files(),
            diagnostics: state.diagnostics(),
            screenshots: Some(incremental::screenshots(state)),
            // Sidecars and twins add nothing to the search text.
            search_pending: Vec::new(),
        })
    }

    /// Re-renders the pages of body-edited markdown files; None when one of them
    /// needs a full build.
    fn pages(&mut self, files: &[PathBuf]) -> Option<Rebuild> {
        let state = self.state.as_mut()?;
        let sink = MemorySink::default();
        let mut pages = Vec::new();
        let mut versions = Vec::new();
        let mut screenshots_changed = false;
        for file in files {
            // On None the state may hold some of the new sources: the full build
            // that follows reads them all again anyway.
            let rebuilt = rebuild_page(state, &self.opts, &self.cache, file, &sink)?;
            pages.extend(rebuilt.pages);
            versions.push(rebuilt.version);
            screenshots_changed |= rebuilt.screenshots_changed;
        }
        versions.sort_unstable();
        versions.dedup();
        Some(Rebuild {
            rebuilt: Rebuilt::Pages(pages),
            files: sink.into_files(),
            diagnostics: state.diagnostics(),
            screenshots: screenshots_changed.then(|| incremental::screenshots(state)),
            search_pending: versions,
        })
    }
}
