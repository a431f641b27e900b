//! The site as `serve` holds it: built into memory, rebuilt after each batch of
//! changes with as little work as the changes allow, and served from the last build
//! that had no errors.
//!
//! No HTTP and no watcher here, so that tests can drive a session with changes of
//! their choosing and compare what it serves with a full build.

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::pipeline::served::ServedPages;
use crate::pipeline::{classify, BuildOptions, Change, ChangedPages, LiveSite, Rebuilt};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

pub type Bytes = axum::body::Bytes;

/// The files being served: the pages, rendered from the last good build when first
/// asked for (`ServedPages`), and every other file (output path → content). Shared
/// with the HTTP server, which only reads it.
#[derive(Default)]
pub struct SiteFiles {
    /// Files other than pages: theme files, screenshots, search index, sitemap.
    files: RwLock<HashMap<String, Bytes>>,
    pages: Arc<ServedPages>,
    /// The site's URL prefix (`/`, `/docs/`): every page is served below it.
    prefix: RwLock<String>,
}

impl SiteFiles {
    fn new(pages: Arc<ServedPages>) -> SiteFiles {
        SiteFiles {
            pages,
            ..SiteFiles::default()
        }
    }

    /// The file at `path`: a file of the output, or a page, rendered now if it was not
    /// yet. A page whose template fails is served as nothing: the failure is reported
    /// by the check of every page that follows a template change.
    pub fn get(&self, path: &str) -> Option<Bytes> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        if let Some(file) = files.get(path) {
            return Some(file.clone());
        }
        drop(files);
        self.pages.page(path)?.ok().map(Bytes::from_owner)
    }

    /// Whether the site has a file or a page at `path` (without rendering it).
    pub fn contains(&self, path: &str) -> bool {
        self.files
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(path)
            || self.pages.contains(path)
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

    /// A copy of every file, every page rendered, sorted by path (for tests and
    /// comparisons).
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let mut all: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for path in self.pages.paths() {
            if let Some(Ok(page)) = self.pages.page(&path) {
                all.insert(path, page.to_vec());
            }
        }
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        all.extend(files.iter().map(|(k, v)| (k.clone(), v.to_vec())));
        all
    }

    /// How many files and pages are served.
    pub fn len(&self) -> usize {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        files.len()
            + self
                .pages
                .paths()
                .iter()
                .filter(|p| !files.contains_key(*p))
                .count()
    }

    pub fn is_empty(&self) -> bool {
        self.files
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
            && self.pages.paths().is_empty()
    }

    /// How many pages are kept rendered now (they are rendered when first asked for).
    pub fn rendered_pages(&self) -> usize {
        self.pages.rendered_count()
    }

    fn replace_all(&self, files: HashMap<String, Bytes>, prefix: String) {
        *self.files.write().unwrap_or_else(|e| e.into_inner()) = files;
        *self.prefix.write().unwrap_or_else(|e| e.into_inner()) = prefix;
    }

    /// Removes the paths for which `remove` is true and writes `new`, in one step for
    /// readers.
    fn replace_where(&self, remove: impl Fn(&str) -> bool, new: BTreeMap<String, Vec<u8>>) {
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        files.retain(|k, _| !remove(k));
        files.extend(new.into_iter().map(|(k, v)| (k, Bytes::from(v))));
    }
}

/// What the browser should do after a rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Pages that changed (URL paths such as `/docs/a/b/`); open tabs showing one reload.
    Reload {
        pages: Vec<String>,
    },
    /// Any page may have changed (a template change): every open tab reloads.
    ReloadAll,
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
    /// What was rebuilt.
    pub rebuilt: Rebuilt,
    pub elapsed: Duration,
    pub outcome: Outcome,
    /// Every diagnostic of the site as it now stands.
    pub diagnostics: Vec<Diagnostic>,
    /// Versions whose search index is still to be rebuilt (`Session::finish_search`),
    /// which a page rebuild leaves until the browsers have been told to reload.
    pub search_pending: Vec<usize>,
    /// Whether every page is still to be rendered once to find template errors
    /// (`Session::check_pages`), which a template change leaves until the browsers
    /// have been told to reload.
    pub check_pending: bool,
}

pub struct Session {
    site: LiveSite,
    files: Arc<SiteFiles>,
    /// Counts stylesheet swaps, for the query that makes a browser fetch one again.
    css_generation: u64,
}

impl Session {
    /// Builds the site at `root` (canonical) into memory. The first build may fail;
    /// the session then serves nothing but the error overlay until a good save.
    pub fn start(opts: BuildOptions) -> (Session, Report) {
        let site = LiveSite::new(opts);
        let files = Arc::new(SiteFiles::new(site.served()));
        let mut session = Session {
            site,
            files,
            css_generation: 0,
        };
        let report = session.apply(&[Change::Config]);
        (session, report)
    }

    pub fn files(&self) -> Arc<SiteFiles> {
        self.files.clone()
    }

    pub fn root(&self) -> &Path {
        self.site.root()
    }

    pub fn config(&self) -> Option<&Config> {
        self.site.config()
    }

    /// Rebuilds after the files at `paths` (absolute, or relative to the root) changed.
    pub fn apply_paths(&mut self, paths: &[PathBuf]) -> Option<Report> {
        let changes: Vec<Change> = paths
            .iter()
            .filter_map(|p| classify(self.site.root(), self.site.config(), p))
            .collect();
        (!changes.is_empty()).then(|| self.apply(&changes))
    }

    /// Rebuilds what `changes` affect and serves the result when it has no errors.
    pub fn apply(&mut self, changes: &[Change]) -> Report {
        let started = Instant::now();
        let was_current = self.site.is_current();
        let old_css = self.css_urls();
        let rebuild = self.site.rebuild(changes);
        let errors = rebuild.errors();
        let outcome = if !errors.is_empty() || rebuild.rebuilt == Rebuilt::Nothing {
            failed(errors)
        } else {
            if let Some(files) = rebuild.files {
                self.serve_files(files);
            }
            if let Some(screenshots) = &rebuild.screenshots {
                self.sync_screenshots(screenshots);
            }
            let css_only = changes.iter().all(|c| matches!(c, Change::Stylesheet(_)));
            match (&rebuild.rebuilt, css_only && was_current) {
                (Rebuilt::Theme { .. } | Rebuilt::Site { .. }, true) => {
                    self.css_outcome(changes, old_css)
                }
                _ => self.reload(&rebuild.changed),
            }
        };
        let failed = matches!(outcome, Outcome::Failed { .. });
        Report {
            changed: describe(changes),
            rebuilt: rebuild.rebuilt,
            elapsed: started.elapsed(),
            outcome,
            diagnostics: rebuild.diagnostics,
            search_pending: if failed {
                Vec::new()
            } else {
                rebuild.search_pending
            },
            check_pending: rebuild.check_pending && !failed,
        }
    }

    /// After a template change: renders every page once to find template errors,
    /// unless `stop` says another change waits (the check is then left for later:
    /// `check_pending`). A report when pages failed: the theme before the change is
    /// served again.
    pub fn check_pages(&mut self, stop: &(dyn Fn() -> bool + Sync)) -> Option<Report> {
        let started = Instant::now();
        let rebuild = self.site.check_pages(stop)?;
        if let Some(files) = rebuild.files {
            self.serve_files(files);
        }
        Some(Report {
            changed: "the pages' check".into(),
            rebuilt: rebuild.rebuilt,
            elapsed: started.elapsed(),
            outcome: failed(
                rebuild
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == crate::diag::Severity::Error)
                    .cloned()
                    .collect(),
            ),
            diagnostics: rebuild.diagnostics,
            search_pending: Vec::new(),
            check_pending: false,
        })
    }

    /// Whether a template change still waits for its check of every page.
    pub fn check_pending(&self) -> bool {
        self.site.check_pending()
    }

    /// Rebuilds the search index of version `v` after a page rebuild, once the
    /// browsers have been told to reload.
    pub fn finish_search(&mut self, v: usize) {
        self.finish_search_unless(v, &|| false);
    }

    /// `finish_search`, given up as soon as `stop` says so (another save waits);
    /// whether the index was made. `serve` makes it while the watcher is idle.
    pub fn finish_search_unless(&mut self, v: usize, stop: &(dyn Fn() -> bool + Sync)) -> bool {
        let Some((dir, files)) = self.site.finish_search_unless(v, stop) else {
            return false;
        };
        // Every index file of the version: the entry (.json) and the compressed
        // files (.jsonz), whose folders are named after their contents.
        let packed = format!(".{}", crate::search::PACKED);
        self.files.replace_where(
            |path| path.starts_with(&dir) && (path.ends_with(".json") || path.ends_with(&packed)),
            files,
        );
        true
    }

    /// Serves `files` (every file of the site but its pages) in place of the others.
    fn serve_files(&mut self, files: BTreeMap<String, Vec<u8>>) {
        let prefix = self
            .site
            .config()
            .map(Config::url_prefix)
            .unwrap_or_default();
        self.files.replace_all(
            files
                .into_iter()
                .map(|(k, v)| (k, Bytes::from(v)))
                .collect(),
            prefix,
        );
    }

    /// What the browsers do about `changed` pages.
    fn reload(&self, changed: &ChangedPages) -> Outcome {
        let prefix = self.files.prefix();
        match changed {
            ChangedPages::All => Outcome::ReloadAll,
            ChangedPages::Some(paths) if paths.is_empty() => Outcome::Unchanged,
            ChangedPages::Some(paths) => Outcome::Reload {
                pages: paths.iter().map(|p| page_url(&prefix, p)).collect(),
            },
        }
    }

    /// After a stylesheet change: the stylesheets to swap (`old_css`: stylesheet name
    /// → URL before the build).
    fn css_outcome(&mut self, changes: &[Change], old_css: BTreeMap<String, String>) -> Outcome {
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
        self.site.with_state(|state| {
            state
                .map(|s| {
                    s.theme
                        .asset_urls
                        .iter()
                        .filter(|(name, _)| name.ends_with(".css"))
                        .map(|(n, u)| (n.clone(), u.clone()))
                        .collect()
                })
                .unwrap_or_default()
        })
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

fn failed(errors: Vec<Diagnostic>) -> Outcome {
    Outcome::Failed { errors }
}

/// `a/b/index.html` → `/prefix/a/b/`; `404.html` → `/prefix/404.html`; percent-encoded
/// as the pages' links are, so that the browser's `location.pathname` matches.
fn page_url(prefix: &str, path: &str) -> String {
    let path = path.strip_suffix("index.html").unwrap_or(path);
    format!("{prefix}{}", crate::url::encode_path(path))
}

/// A few words for the terminal: the one file, or how many.
fn describe(changes: &[Change]) -> String {
    match changes {
        [] => "nothing".into(),
        [one] => one.to_string(),
        _ => format!("{} files", changes.len()),
    }
}
