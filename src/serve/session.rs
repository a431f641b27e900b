//! The site as `serve` holds it: built into memory, rebuilt after each batch of
//! changes with as little work as the changes allow, and served from the last build
//! that had no errors.
//!
//! No HTTP and no watcher here, so that tests can drive a session with changes of
//! their choosing and compare what it serves with a full build.

use super::watch::{classify, Change};
use crate::build::incremental::{self, rebuild_page};
use crate::build::{self, BuildCache, BuildOptions, SiteState};
use crate::config::Config;
use crate::diag::{Diagnostic, Severity};
use crate::output::MemorySink;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

pub type Bytes = axum::body::Bytes;

/// The files being served: output path (`a/b/index.html`) → content. Shared with the
/// HTTP server, which only reads it.
#[derive(Default)]
pub struct SiteFiles {
    files: RwLock<HashMap<String, Bytes>>,
    /// The site's URL prefix (`/`, `/docs/`): every page is served below it.
    prefix: RwLock<String>,
}

impl SiteFiles {
    pub fn get(&self, path: &str) -> Option<Bytes> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        files.get(path).cloned()
    }

    /// The URL prefix; `/` until the site has built once.
    pub fn prefix(&self) -> String {
        let prefix = self.prefix.read().unwrap_or_else(|e| e.into_inner());
        if prefix.is_empty() {
            "/".to_string()
        } else {
            prefix.clone()
        }
    }

    /// A copy of every file, sorted by path (for tests and comparisons).
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        files.iter().map(|(k, v)| (k.clone(), v.to_vec())).collect()
    }

    pub fn len(&self) -> usize {
        self.files.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn replace_all(&self, files: HashMap<String, Bytes>, prefix: String) {
        *self.files.write().unwrap_or_else(|e| e.into_inner()) = files;
        *self.prefix.write().unwrap_or_else(|e| e.into_inner()) = prefix;
    }

    /// Writes `new` (replacing files of the same path).
    fn write(&self, new: BTreeMap<String, Vec<u8>>) {
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        files.extend(new.into_iter().map(|(k, v)| (k, Bytes::from(v))));
    }

    /// Removes the paths for which `remove` is true and writes `new`, in one step for
    /// readers.
    fn replace_where(&self, remove: impl Fn(&str) -> bool, new: BTreeMap<String, Vec<u8>>) {
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        files.retain(|k, _| !remove(k));
        files.extend(new.into_iter().map(|(k, v)| (k, Bytes::from(v))));
    }
}

/// A whole-site build before it is served.
struct WholeSite {
    /// What was rebuilt, for the terminal line.
    rebuilt: String,
    sink: MemorySink,
    diagnostics: Vec<Diagnostic>,
    /// Stylesheet name → URL before the build, for stylesheet swaps.
    old_css: BTreeMap<String, String>,
}

/// What the browser should do after a rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Pages that changed (URL paths such as `/docs/a/b/`); open tabs showing one reload.
    Reload {
        pages: Vec<String>,
    },
    /// Only stylesheets changed: (old URL, new URL) of each, swapped without a reload.
    Css {
        swaps: Vec<(String, String)>,
    },
    /// The build has errors: shown as an overlay, the last good build stays served.
    Failed {
        errors: Vec<Diagnostic>,
    },
    Unchanged,
}

/// One rebuild, for the terminal line and the browsers.
#[derive(Debug, Clone)]
pub struct Report {
    /// What changed, in a few words (`content/a.md`, `3 files`).
    pub changed: String,
    /// What was rebuilt (`2 pages`, `the site (123 pages)`).
    pub rebuilt: String,
    pub elapsed: Duration,
    pub outcome: Outcome,
    /// Every diagnostic of the site as it now stands.
    pub diagnostics: Vec<Diagnostic>,
    /// Versions whose search index is still to be rebuilt (`Session::finish_search`),
    /// which a page rebuild leaves until the browsers have been told to reload.
    pub search_pending: Vec<usize>,
}

pub struct Session {
    opts: BuildOptions,
    config: Option<Config>,
    cache: BuildCache,
    state: Option<SiteState>,
    files: Arc<SiteFiles>,
    /// Whether `files` is the output of the current sources (false after a failed build
    /// until a good one: then only a full build can catch up).
    served_is_current: bool,
    /// Counts stylesheet swaps, for the query that makes a browser fetch one again.
    css_generation: u64,
}

impl Session {
    /// Builds the site at `root` (canonical) into memory. The first build may fail;
    /// the session then serves nothing but the error overlay until a good save.
    pub fn start(root: PathBuf) -> (Session, Report) {
        let mut session = Session {
            opts: BuildOptions {
                root,
                include_drafts: true,
                live_reload: true,
            },
            config: None,
            cache: BuildCache::default(),
            state: None,
            files: Arc::new(SiteFiles::default()),
            served_is_current: false,
            css_generation: 0,
        };
        let report = session.apply(&[Change::Config]);
        (session, report)
    }

    pub fn files(&self) -> Arc<SiteFiles> {
        self.files.clone()
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    pub fn config(&self) -> Option<&Config> {
        self.config.as_ref()
    }

    /// Rebuilds after the files at `paths` (absolute, or relative to the root) changed.
    pub fn apply_paths(&mut self, paths: &[PathBuf]) -> Option<Report> {
        let changes: Vec<Change> = paths
            .iter()
            .filter_map(|p| classify(&self.opts.root, self.config.as_ref(), p))
            .collect();
        (!changes.is_empty()).then(|| self.apply(&changes))
    }

    pub fn apply(&mut self, changes: &[Change]) -> Report {
        let started = Instant::now();
        let changed = describe(changes);
        let config_changed = self.config.is_none() || changes.contains(&Change::Config);
        if config_changed {
            match load_config(&self.opts.root) {
                Ok(config) => {
                    // Renderings depend on site.toml (variants, prefix): start afresh.
                    self.cache = BuildCache::default();
                    self.config = Some(config);
                }
                Err(errors) => {
                    self.config = None;
                    self.served_is_current = false;
                    return report(&changed, "nothing", started, failed(errors.clone()), errors);
                }
            }
        }
        if !config_changed && self.served_is_current {
            if let Some(report) = self.try_page_rebuilds(changes, &changed, started) {
                return report;
            }
            if changes.iter().all(is_theme_change) {
                return self.whole_site(changes, changed, started, true);
            }
        }
        self.whole_site(changes, changed, started, false)
    }

    /// Rebuilds page by page when every change is a markdown body edit.
    fn try_page_rebuilds(
        &mut self,
        changes: &[Change],
        changed: &str,
        started: Instant,
    ) -> Option<Report> {
        let files: Vec<&Path> = changes
            .iter()
            .map(|c| match c {
                Change::Markdown(p) => Some(p.as_path()),
                _ => None,
            })
            .collect::<Option<_>>()?;
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
        let diagnostics = state.diagnostics();
        let errors = errors_of(&diagnostics);
        if !errors.is_empty() {
            self.served_is_current = false;
            return Some(report(
                changed,
                "nothing",
                started,
                failed(errors),
                diagnostics,
            ));
        }
        let screenshots = screenshots_changed.then(|| incremental::screenshots(state));
        let new = sink.into_files();
        let urls = self.changed_pages(&new, false);
        self.files.write(new);
        if let Some(screenshots) = screenshots {
            self.sync_screenshots(&screenshots);
        }
        versions.sort_unstable();
        versions.dedup();
        let rebuilt = format!(
            "{} page{}",
            pages.len(),
            if pages.len() == 1 { "" } else { "s" }
        );
        let outcome = if urls.is_empty() {
            Outcome::Unchanged
        } else {
            Outcome::Reload { pages: urls }
        };
        let mut report = report(changed, &rebuilt, started, outcome, diagnostics);
        report.search_pending = versions;
        Some(report)
    }

    /// Rebuilds the search index of version `v` after a page rebuild, once the
    /// browsers have been told to reload.
    pub fn finish_search(&mut self, v: usize) {
        let Some(state) = &mut self.state else { return };
        let sink = MemorySink::default();
        incremental::write_version_search(state, v, &sink, &self.cache);
        let dir = format!("{}search/", state.versions[v].version.spec.url_prefix);
        self.files.replace_where(
            |path| path.starts_with(&dir) && path.ends_with(".json"),
            sink.into_files(),
        );
    }

    /// A whole-site build (or, after a template or theme change, the pages rendered
    /// again from memory), served when it has no errors.
    fn whole_site(
        &mut self,
        changes: &[Change],
        changed: String,
        started: Instant,
        theme_only: bool,
    ) -> Report {
        let old_css = self.css_urls();
        let sink = MemorySink::default();
        let (rebuilt, diagnostics) = match (&mut self.state, &self.config) {
            (Some(state), _) if theme_only => {
                let (summary, diagnostics) = build::rerender(state, &self.opts, &sink, &self.cache);
                (format!("the pages ({})", summary.pages), diagnostics)
            }
            (_, Some(config)) => {
                let (summary, diagnostics, state) =
                    build::build_site(config, &self.opts, &sink, &self.cache);
                if let Some(state) = &state {
                    self.cache.forget_unused_search(state);
                }
                self.state = state;
                (format!("the site ({} pages)", summary.pages), diagnostics)
            }
            (_, None) => {
                return report(&changed, "nothing", started, Outcome::Unchanged, Vec::new())
            }
        };
        let built = WholeSite {
            rebuilt,
            sink,
            diagnostics,
            old_css,
        };
        self.serve_build(changes, &changed, started, built)
    }

    /// Serves the output of a whole-site build when it has no errors, and says what
    /// the browsers should do.
    fn serve_build(
        &mut self,
        changes: &[Change],
        changed: &str,
        started: Instant,
        built: WholeSite,
    ) -> Report {
        let WholeSite {
            rebuilt,
            sink,
            diagnostics,
            old_css,
        } = built;
        let rebuilt = rebuilt.as_str();
        let errors = errors_of(&diagnostics);
        if !errors.is_empty() {
            self.served_is_current = false;
            return report(changed, rebuilt, started, failed(errors), diagnostics);
        }
        let new = sink.into_files();
        let urls = self.changed_pages(&new, true);
        let was_current = self.served_is_current;
        let prefix = self
            .config
            .as_ref()
            .map(Config::url_prefix)
            .unwrap_or_default();
        self.files.replace_all(
            new.into_iter().map(|(k, v)| (k, Bytes::from(v))).collect(),
            prefix,
        );
        self.served_is_current = true;
        let css_only = changes.iter().all(|c| matches!(c, Change::Stylesheet(_)));
        let outcome = if css_only && was_current {
            let new_css = self.css_urls();
            let mut swaps: Vec<(String, String)> = old_css
                .into_iter()
                .filter_map(|(name, old)| {
                    let new = new_css.get(&name)?;
                    (*new != old).then(|| (old, new.clone()))
                })
                .collect();
            swaps.extend(self.plain_stylesheet_swaps(changes, &new_css));
            if swaps.is_empty() {
                Outcome::Unchanged
            } else {
                Outcome::Css { swaps }
            }
        } else if urls.is_empty() {
            Outcome::Unchanged
        } else {
            Outcome::Reload { pages: urls }
        };
        report(changed, rebuilt, started, outcome, diagnostics)
    }

    /// Swaps for changed stylesheets of `static/` that are copied under their own name
    /// (not theme files, which get a new hashed name): the same URL with a new query,
    /// so that the browser fetches it again.
    fn plain_stylesheet_swaps(
        &mut self,
        changes: &[Change],
        theme_css: &BTreeMap<String, String>,
    ) -> Vec<(String, String)> {
        self.css_generation += 1;
        let prefix = self.files.prefix();
        changes
            .iter()
            .filter_map(|c| match c {
                Change::Stylesheet(p) => p.strip_prefix("static").ok(),
                _ => None,
            })
            .map(crate::source::slash_path)
            .filter(|name| !theme_css.contains_key(name))
            .map(|name| {
                let url = format!("{prefix}{name}");
                let fresh = format!("{url}?v={}", self.css_generation);
                (url, fresh)
            })
            .collect()
    }

    /// Stylesheet name → URL in the current theme.
    fn css_urls(&self) -> BTreeMap<String, String> {
        self.state
            .as_ref()
            .map(|s| {
                s.theme
                    .asset_urls
                    .iter()
                    .filter(|(name, _)| name.ends_with(".css"))
                    .map(|(n, u)| (n.clone(), u.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// URL paths of the pages in `new` that differ from what is served, and when
    /// `new` is the whole site, of the pages it no longer has.
    fn changed_pages(&self, new: &BTreeMap<String, Vec<u8>>, whole_site: bool) -> Vec<String> {
        let prefix = self.files.prefix();
        let mut changed: Vec<String> = new
            .iter()
            .filter(|(path, bytes)| {
                path.ends_with(".html")
                    && self
                        .files
                        .get(path)
                        .is_none_or(|old| old.as_ref() != bytes.as_slice())
            })
            .map(|(path, _)| page_url(&prefix, path))
            .collect();
        if whole_site {
            let files = self.files.files.read().unwrap_or_else(|e| e.into_inner());
            changed.extend(
                files
                    .keys()
                    .filter(|p| p.ends_with(".html") && !new.contains_key(*p))
                    .map(|p| page_url(&prefix, p)),
            );
        }
        changed
    }

    /// Makes the served screenshot copies exactly `copies`.
    fn sync_screenshots(&self, copies: &[(String, PathBuf)]) {
        let mut new = BTreeMap::new();
        for (path, src) in copies {
            if self.files.get(path).is_none() {
                if let Ok(bytes) = std::fs::read(src) {
                    new.insert(path.clone(), bytes);
                }
            }
        }
        let keep: std::collections::HashSet<&str> =
            copies.iter().map(|(p, _)| p.as_str()).collect();
        self.files.replace_where(
            |path| path.starts_with("assets/img/") && !keep.contains(path),
            new,
        );
    }
}

fn report(
    changed: &str,
    rebuilt: &str,
    started: Instant,
    outcome: Outcome,
    diagnostics: Vec<Diagnostic>,
) -> Report {
    Report {
        changed: changed.to_string(),
        rebuilt: rebuilt.to_string(),
        elapsed: started.elapsed(),
        outcome,
        diagnostics,
        search_pending: Vec::new(),
    }
}

fn load_config(root: &Path) -> Result<Config, Vec<Diagnostic>> {
    let config = Config::load(root)?;
    let problems = build::check_config_against_disk(root, &config);
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems)
    }
}

fn errors_of(diags: &[Diagnostic]) -> Vec<Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect()
}

fn failed(errors: Vec<Diagnostic>) -> Outcome {
    Outcome::Failed { errors }
}

/// `a/b/index.html` → `/prefix/a/b/`; `404.html` → `/prefix/404.html`; percent-encoded
/// as the pages' links are, so that the browser's `location.pathname` matches.
fn page_url(prefix: &str, path: &str) -> String {
    let path = path.strip_suffix("index.html").unwrap_or(path);
    format!("{prefix}{}", crate::url::encode_path(path))
}

/// Whether a change only touches what the theme is made of (templates, theme files,
/// stylesheets), so the pages can be rendered again without reading any source.
/// Other files of `static/` may be screenshots (`/…` paths): those need a full build.
fn is_theme_change(change: &Change) -> bool {
    match change {
        Change::Stylesheet(_) => true,
        Change::Other(p) => p.starts_with("templates") || p.starts_with("themes"),
        Change::Config | Change::Markdown(_) => false,
    }
}

/// A few words for the terminal: the one file, or how many.
fn describe(changes: &[Change]) -> String {
    match changes {
        [] => "nothing".into(),
        [one] => one.to_string(),
        _ => format!("{} files", changes.len()),
    }
}
