//! A build is a function from the site's files to output files plus diagnostics:
//! read each version, render its markdown in parallel, check links across pages,
//! render every page with the theme, and hand all files to an output `Sink`.

use crate::assets::Assets;
use crate::config::{Config, VersionSpec};
use crate::diag::{Diagnostic, Diagnostics, LineIndex};
use crate::markdown::{AnchorCheck, PageInput, RenderEnv};
use crate::model::{PageBody, Version, VersionIndex};
use crate::output::{self, Sink};
use crate::render::{self, Renderer, SiteCtx, Theme, VariantCtx};
use crate::search;
use crate::source;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub mod cache;
pub mod incremental;

pub use cache::{CachedPage, MarkdownCache, Shared};

/// Search index files by the fingerprint of what they index.
pub type SearchCache = Shared<Vec<(String, String)>>;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Canonical path of the folder holding site.toml.
    pub root: PathBuf,
    /// Build drafts too (serve).
    pub include_drafts: bool,
    /// Add the live-reload script to pages (serve only).
    pub live_reload: bool,
}

/// What a build made, for the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildSummary {
    pub pages: usize,
    pub versions: usize,
    pub screenshots: usize,
}

/// Checks of the configuration that need the site's folders (exit status 2).
pub fn check_config_against_disk(root: &Path, config: &Config) -> Vec<Diagnostic> {
    let text = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    let lines = LineIndex::new(&text);
    let at = |id: &str| {
        config
            .version_span(id)
            .map(|s| lines.locate(s.start))
            .unwrap_or((1, 1))
    };
    let mut diags = Vec::new();
    if config.theme != "default" && !root.join("themes").join(&config.theme).is_dir() {
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with("theme"))
            .map_or(1, |i| i + 1);
        diags.push(
            Diagnostic::error(
                "config",
                crate::config::CONFIG_FILE,
                format!(
                    "theme `{}` not found: there is no folder themes/{}/",
                    config.theme, config.theme
                ),
            )
            .at(line, 1)
            .help("use theme = \"default\", or add the theme's folder"),
        );
    }
    let specs = config.version_specs();
    let current_dir = specs.iter().find(|v| v.current).map(|v| root.join(&v.dir));
    for v in &specs {
        let (line, col) = at(&v.id);
        if !root.join(&v.dir).is_dir() {
            diags.push(
                Diagnostic::error(
                    "config",
                    crate::config::CONFIG_FILE,
                    format!(
                        "version `{}`: its folder {} does not exist",
                        v.id,
                        v.dir.display()
                    ),
                )
                .at(line, col)
                .help("create the folder, or set `dir` on the version"),
            );
        }
        if !v.current && current_dir.as_ref().is_some_and(|d| d.join(&v.id).is_dir()) {
            diags.push(
                Diagnostic::error(
                    "config",
                    crate::config::CONFIG_FILE,
                    format!(
                        "version id `{}` is also the name of a top-level section: both would be served at /{}/",
                        v.id, v.id
                    ),
                )
                .at(line, col)
                .help("rename the version or the section"),
            );
        }
    }
    diags
}

/// Builds the whole site into `sink`. Never stops at the first problem: every
/// diagnostic of the build is returned.
pub fn build(
    config: &Config,
    opts: &BuildOptions,
    sink: &dyn Sink,
) -> (BuildSummary, Vec<Diagnostic>) {
    let (summary, diags, _) = build_site(config, opts, sink, &BuildCache::default());
    (summary, diags)
}

/// What builds can reuse from earlier ones (`serve` keeps one between rebuilds; a
/// single build uses one to share work between versions).
#[derive(Default)]
pub struct BuildCache {
    pub markdown: MarkdownCache,
    /// Front matter by the hash of its text.
    pub fronts: source::FrontMatterCache,
    /// Search index files by the fingerprint of what they index.
    pub search: SearchCache,
}

impl BuildCache {
    /// Drops search indexes that no version of `state` uses any more.
    pub fn forget_unused_search(&self, state: &SiteState) {
        self.search.retain(|key| state.search_keys.contains(key));
    }
}

/// Builds the whole site into `sink`, reusing and filling `cache`, and returns what a
/// rebuild needs (`incremental`) unless the theme could not be loaded.
pub fn build_site(
    config: &Config,
    opts: &BuildOptions,
    sink: &dyn Sink,
    cache: &BuildCache,
) -> (BuildSummary, Vec<Diagnostic>, Option<SiteState>) {
    let read_diags = Diagnostics::new();
    let write_diags = Diagnostics::new();
    let (summary, state) = build_into(config, opts, sink, cache, &read_diags, &write_diags);
    match state {
        Some(mut state) => {
            state.read_diags = read_diags.into_sorted();
            state.write_diags = write_diags.into_sorted();
            (summary, state.diagnostics(), Some(state))
        }
        None => {
            read_diags.extend(write_diags.into_sorted());
            (summary, read_diags.into_sorted(), None)
        }
    }
}

/// What one build made that a rebuild after a save can reuse.
pub struct SiteState {
    pub config: Config,
    pub theme: Theme,
    pub assets: Assets,
    pub prefix: String,
    pub base_url: String,
    pub versions: Vec<VersionState>,
    pub indexes: Vec<VersionIndex>,
    /// The search index fingerprint of each version (`BuildCache::search`).
    pub search_keys: Vec<blake3::Hash>,
    /// Diagnostics of reading the sources and the configuration against them.
    pub read_diags: Vec<Diagnostic>,
    /// Diagnostics of the theme, the templates and writing the output.
    /// (Markdown and anchor diagnostics are kept per version.)
    pub write_diags: Vec<Diagnostic>,
}

/// One version as built: its sources and the rendering of each.
pub struct VersionState {
    pub version: Version,
    /// Version-relative `.md` path → path within the version, for `RenderEnv`.
    pub local_targets: HashMap<String, String>,
    /// The rendering of each source, by index.
    pub pages: Vec<Arc<CachedPage>>,
    /// The markdown diagnostics of each source, by index.
    pub page_diags: Vec<Vec<Diagnostic>>,
    /// The missing-anchor warnings of each source's links, by index.
    pub anchor_diags: Vec<Vec<Diagnostic>>,
    /// Version-relative `.md` path → source index.
    pub by_rel_path: HashMap<String, usize>,
    /// The markdown diagnostics of the files left out for errors in their front matter.
    pub rejected_diags: Vec<Diagnostic>,
}

impl VersionState {
    pub fn bodies(&self) -> Vec<Arc<PageBody>> {
        self.pages.iter().map(|p| p.body.clone()).collect()
    }
}

impl SiteState {
    /// Every diagnostic of the site as it now stands, sorted.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let all = Diagnostics::new();
        all.extend(self.read_diags.iter().cloned());
        all.extend(self.write_diags.iter().cloned());
        for v in &self.versions {
            all.extend(v.page_diags.iter().flatten().cloned());
            all.extend(v.anchor_diags.iter().flatten().cloned());
            all.extend(v.rejected_diags.iter().cloned());
        }
        all.into_sorted()
    }

    /// What every template sees as `site`.
    pub fn site_ctx(&self, live_reload: bool) -> SiteCtx<'_> {
        SiteCtx {
            title: &self.config.title,
            language: &self.config.language,
            prefix: &self.prefix,
            base_url: &self.base_url,
            assets: &self.theme.asset_urls,
            live_reload,
            variants: self
                .config
                .variants
                .iter()
                .map(|v| VariantCtx {
                    id: v.id.get_ref(),
                    label: &v.label,
                    default: v.default,
                })
                .collect(),
            default_variant: self
                .config
                .variants
                .iter()
                .find(|v| v.default)
                .or(self.config.variants.first())
                .map(|v| v.id.get_ref().as_str()),
        }
    }

    /// The renderer of version `v`'s pages, with `bodies` = its `bodies()`.
    fn renderer<'a>(
        &'a self,
        site: &'a SiteCtx<'a>,
        v: usize,
        bodies: &'a [Arc<PageBody>],
    ) -> Renderer<'a> {
        Renderer::new(
            &self.theme.tera,
            site,
            &self.config,
            &self.versions[v].version,
            bodies,
            &self.indexes,
        )
    }
}

fn build_into(
    config: &Config,
    opts: &BuildOptions,
    sink: &dyn Sink,
    cache: &BuildCache,
    read_diags: &Diagnostics,
    write_diags: &Diagnostics,
) -> (BuildSummary, Option<SiteState>) {
    let root = &opts.root;
    let prefix = config.url_prefix();
    let base_url = config.base_url();
    let theme = match Theme::load(root, &config.theme, &prefix) {
        Ok(t) => {
            write_diags.extend(t.warnings.iter().cloned());
            t
        }
        Err(ds) => {
            write_diags.extend(ds);
            return (BuildSummary::default(), None);
        }
    };
    let assets = Assets::new(root.clone(), &prefix);
    let timings = Timings::from_env();
    // Versions are independent until they link to each other: each is read and its
    // markdown rendered in parallel with the others (rayon nests with the per-page
    // work), through the cache, so a file that two versions share is rendered once.
    let specs = config.version_specs();
    let version_dirs: Vec<PathBuf> = specs.iter().map(|v| v.dir.clone()).collect();
    let versions: Vec<(Version, Vec<source::SourceFile>)> = specs
        .into_par_iter()
        .map(|spec| read_version(root, spec, opts.include_drafts, &cache.fronts, read_diags))
        .collect();
    timings.lap("read sources");
    // The switcher of each page needs every version's paths, known once all are read.
    let indexes: Vec<VersionIndex> = versions.iter().map(|(v, _)| VersionIndex::of(v)).collect();
    let versions: Vec<VersionState> = versions
        .into_par_iter()
        .map(|(version, rejected)| {
            let mut state =
                render_markdown(config, version, &assets, &version_dirs, &cache.markdown);
            state.rejected_diags =
                check_rejected(config, &state, &rejected, &assets, &version_dirs);
            state
        })
        .collect();
    timings.lap("render markdown");
    let (hits, misses) = cache.markdown.stats();
    timings.note(&format!(
        "markdown cache: {hits} renderings reused, {misses} made"
    ));
    let mut state = SiteState {
        config: config.clone(),
        theme,
        assets,
        prefix,
        base_url,
        versions,
        indexes,
        search_keys: Vec::new(),
        read_diags: Vec::new(), // both set by build_site once every stage has reported
        write_diags: Vec::new(),
    };
    let (summary, keys) = write_site(&state, opts, sink, &cache.search, write_diags);
    state.search_keys = keys;
    let (loads, seconds) = state.assets.load_stats();
    timings.note(&format!(
        "screenshots: {loads} files read, measured and hashed in {seconds:.3} s of CPU (all threads), {} distinct copies",
        summary.screenshots
    ));
    (summary, Some(state))
}

/// Renders the pages of a site whose markdown is rendered, and writes everything the
/// output holds; returns the summary and the search index key of each version.
fn write_site(
    state: &SiteState,
    opts: &BuildOptions,
    sink: &dyn Sink,
    searches: &SearchCache,
    diags: &Diagnostics,
) -> (BuildSummary, Vec<blake3::Hash>) {
    let timings = Timings::from_env();
    let site = state.site_ctx(opts.live_reload);
    let written: Vec<(usize, blake3::Hash)> = state
        .versions
        .par_iter()
        .enumerate()
        .map(|(v, vs)| {
            let bodies = vs.bodies();
            let renderer = state.renderer(&site, v, &bodies);
            // The search index is built while the pages are written.
            let (pages, key) = rayon::join(
                || write_pages(&renderer, sink, diags),
                || {
                    let started = std::time::Instant::now();
                    let key = write_search_index(
                        searches,
                        &state.config,
                        &vs.version,
                        &bodies,
                        sink,
                        diags,
                    );
                    timings.note(&format!(
                        "search index of {}: {:.3} s",
                        vs.version.spec.id,
                        started.elapsed().as_secs_f64()
                    ));
                    key
                },
            );
            write_redirects(&renderer, sink, diags);
            write_caveats_page(&renderer, sink, diags);
            (pages, key)
        })
        .collect();
    timings.lap("render and write pages");
    let mut summary = BuildSummary {
        pages: written.iter().map(|(p, _)| p).sum(),
        versions: written.len(),
        screenshots: 0,
    };
    write_site_files(
        &state.config,
        &state.prefix,
        &state.base_url,
        &state.versions,
        sink,
        diags,
    );
    for (path, bytes) in &state.theme.assets {
        report_io(diags, path, sink.write(path, bytes));
    }
    for (path, src) in &state.theme.site_static {
        report_io(diags, path, sink.copy(path, src));
    }
    let copies = screenshot_copies(&state.assets, &state.versions);
    copies
        .par_iter()
        .for_each(|(path, src)| report_io(diags, path, sink.copy(path, src)));
    summary.screenshots = copies.len();
    timings.lap("write assets");
    (summary, written.into_iter().map(|(_, k)| k).collect())
}

/// Renders and writes the whole site again from `state` after a template, theme or
/// `static/` change: the theme is loaded again, nothing is read or parsed again.
pub fn rerender(
    state: &mut SiteState,
    opts: &BuildOptions,
    sink: &dyn Sink,
    cache: &BuildCache,
) -> (BuildSummary, Vec<Diagnostic>) {
    let diags = Diagnostics::new();
    match Theme::load(&opts.root, &state.config.theme, &state.prefix) {
        Ok(theme) => {
            diags.extend(theme.warnings.iter().cloned());
            state.theme = theme;
        }
        Err(ds) => {
            state.write_diags = ds;
            return (BuildSummary::default(), state.diagnostics());
        }
    }
    let (summary, keys) = write_site(state, opts, sink, &cache.search, &diags);
    state.search_keys = keys;
    state.write_diags = diags.into_sorted();
    (summary, state.diagnostics())
}

/// sitemap.xml (the current version's pages), robots.txt and versions.json.
fn write_site_files(
    config: &Config,
    prefix: &str,
    base_url: &str,
    versions: &[VersionState],
    sink: &dyn Sink,
    diags: &Diagnostics,
) {
    let sitemap_urls = versions
        .iter()
        .find(|v| v.version.spec.current)
        .map(|v| sitemap_entries(&v.version, base_url))
        .unwrap_or_default();
    write_files(sink, diags, &output::sitemap(&sitemap_urls), "sitemap.xml");
    write_files(sink, diags, &output::robots(base_url), "robots.txt");
    write_files(sink, diags, &versions_json(config, prefix), "versions.json");
}

/// The screenshot files the pages show: (output path, a source file with that content).
/// Taken from the renderings, so a screenshot no page shows any more is not copied.
fn screenshot_copies(assets: &Assets, versions: &[VersionState]) -> Vec<(String, PathBuf)> {
    let shown: HashSet<&str> = versions
        .iter()
        .flat_map(|v| v.pages.iter())
        .flat_map(|p| p.image_urls())
        .filter_map(|url| url.strip_prefix(assets.url_prefix()))
        .collect();
    assets
        .copies()
        .into_iter()
        .filter(|(path, _)| shown.contains(path.as_str()))
        .collect()
}

/// Phase durations on stderr when GUIDEPOST_TIMINGS is set, for profiling builds.
struct Timings {
    last: Option<std::sync::Mutex<std::time::Instant>>,
}

impl Timings {
    fn from_env() -> Self {
        Timings {
            last: std::env::var_os("GUIDEPOST_TIMINGS")
                .map(|_| std::sync::Mutex::new(std::time::Instant::now())),
        }
    }

    fn note(&self, text: &str) {
        if self.last.is_some() {
            eprintln!("{text}");
        }
    }

    fn lap(&self, phase: &str) {
        if let Some(last) = &self.last {
            let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
            let now = std::time::Instant::now();
            eprintln!("{phase}: {:.3} s", (now - *last).as_secs_f64());
            *last = now;
        }
    }
}

/// A version's model, and the files left out of it for errors in their front matter.
fn read_version(
    root: &Path,
    spec: VersionSpec,
    include_drafts: bool,
    fronts: &source::FrontMatterCache,
    diags: &Diagnostics,
) -> (Version, Vec<source::SourceFile>) {
    let (tree, rejected, ds) = source::read_tree(root, &spec.dir, include_drafts, fronts);
    diags.extend(ds);
    let mut model_diags = Vec::new();
    let version = Version::build(spec, tree, &mut model_diags);
    diags.extend(model_diags);
    (version, rejected)
}

/// The diagnostics of the bodies of files left out for errors in their front matter,
/// rendered like pages (links, directives, screenshots, anchors) but not published.
fn check_rejected(
    config: &Config,
    state: &VersionState,
    rejected: &[source::SourceFile],
    assets: &Assets,
    version_dirs: &[PathBuf],
) -> Vec<Diagnostic> {
    let variants = config.variant_labels();
    let env = render_env(
        config,
        &state.version,
        &state.local_targets,
        assets,
        &variants,
        version_dirs,
    );
    rejected
        .par_iter()
        .flat_map_iter(|src| {
            let page = crate::markdown::render_page(&env, &page_input(src));
            let anchors: Vec<Diagnostic> = page
                .anchor_checks
                .iter()
                .filter(|check| {
                    // The page is no page of the version: links within it are checked
                    // against its own headings.
                    let own = check.target == src.rel_path
                        && page.headings.iter().any(|h| h.id == check.anchor);
                    !own && !anchor_exists(state, check)
                })
                .map(|check| missing_anchor(src, check))
                .collect();
            page.diags.into_iter().chain(anchors)
        })
        .collect()
}

/// Markdown of every page of a version, in parallel and through the cache; then the
/// `#anchor` checks, which need the headings of every page.
fn render_markdown(
    config: &Config,
    version: Version,
    assets: &Assets,
    version_dirs: &[PathBuf],
    cache: &MarkdownCache,
) -> VersionState {
    let local_targets = local_targets(&version);
    let variants = config.variant_labels();
    let env = render_env(
        config,
        &version,
        &local_targets,
        assets,
        &variants,
        version_dirs,
    );
    let (pages, page_diags): (Vec<_>, Vec<_>) = version
        .sources
        .par_iter()
        .map(|src| render_source(&env, cache, &variants, src))
        .unzip();
    let by_rel_path = version
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.rel_path.clone(), i))
        .collect();
    let mut state = VersionState {
        version,
        local_targets,
        pages,
        page_diags,
        anchor_diags: Vec::new(),
        by_rel_path,
        rejected_diags: Vec::new(),
    };
    state.anchor_diags = anchor_diagnostics(&state);
    state
}

/// Version-relative `.md` path → the page's path within the version (`a/b/`).
fn local_targets(version: &Version) -> HashMap<String, String> {
    let vprefix = version.spec.url_prefix.as_str();
    version
        .targets
        .iter()
        .map(|(k, v)| (k.clone(), v.strip_prefix(vprefix).unwrap_or(v).to_string()))
        .collect()
}

fn render_env<'a>(
    config: &Config,
    version: &'a Version,
    local_targets: &'a HashMap<String, String>,
    assets: &'a Assets,
    variants: &'a [(String, String)],
    version_dirs: &'a [PathBuf],
) -> RenderEnv<'a> {
    RenderEnv {
        targets: local_targets,
        assets,
        version_dir: &version.spec.dir,
        max_screenshot_kb: config.build.max_screenshot_kb,
        variants,
        other_version_dirs: version_dirs
            .iter()
            .filter(|d| **d != version.spec.dir)
            .map(PathBuf::as_path)
            .collect(),
    }
}

/// One source's rendering (cached or new) and its diagnostics.
fn render_source(
    env: &RenderEnv,
    cache: &MarkdownCache,
    variants: &[(String, String)],
    src: &source::SourceFile,
) -> (Arc<CachedPage>, Vec<Diagnostic>) {
    let page = cache.render(env, &page_input(src), &src.hash);
    let mut diags = page.diags_for(&src.site_path);
    diags.extend(guide_variant_diagnostics(variants, src));
    (page, diags)
}

/// What the markdown stage needs of a source.
fn page_input(src: &source::SourceFile) -> PageInput<'_> {
    PageInput {
        rel_path: &src.rel_path,
        site_path: &src.site_path,
        body: &src.body,
        body_line: src.body_line,
        variants: src.front.variants.as_deref(),
        caveats: Some(&src.front.caveats),
        caveat_lines: &src.front.caveat_lines,
    }
}

/// The missing-anchor warnings of the links of source `i`: links to `page#anchor`
/// whose page has no heading with that id.
fn anchor_diagnostics_of(state: &VersionState, i: usize) -> Vec<Diagnostic> {
    let src = &state.version.sources[i];
    state.pages[i]
        .anchor_checks
        .iter()
        .filter(|check| !anchor_exists(state, check))
        .map(|check| missing_anchor(src, check))
        .collect()
}

fn missing_anchor(src: &source::SourceFile, check: &AnchorCheck) -> Diagnostic {
    Diagnostic::warning(
        "missing-anchor",
        &src.site_path,
        format!("`{}` has no heading with the id `#{}`", check.target, check.anchor),
    )
    .at(check.line, check.column)
    .help("link to one of the page's headings (ids are the heading text in lowercase, with `-` for spaces)")
}

/// The missing-anchor warnings of every source of the version, by source.
fn anchor_diagnostics(state: &VersionState) -> Vec<Vec<Diagnostic>> {
    (0..state.pages.len())
        .map(|i| anchor_diagnostics_of(state, i))
        .collect()
}

/// Every id of a guide's `variants:` must be declared in site.toml.
fn guide_variant_diagnostics(
    variants: &[(String, String)],
    src: &source::SourceFile,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for id in src.front.variants.iter().flatten() {
        if !variants.iter().any(|(v, _)| v == id) {
            let known: Vec<&str> = variants.iter().map(|(v, _)| v.as_str()).collect();
            diags.push(
                Diagnostic::error(
                    "variant",
                    &src.site_path,
                    format!("front matter: unknown variant `{id}`"),
                )
                .at(src.front.line_of("variants"), 1)
                .help(if known.is_empty() {
                    "declare the consoles as [[variants]] in site.toml".to_string()
                } else {
                    format!("the variants of site.toml are: {}", known.join(", "))
                }),
            );
        }
    }
    diags
}

fn anchor_exists(state: &VersionState, check: &AnchorCheck) -> bool {
    // Footnote references are anchors that pulldown-cmark makes, not headings.
    check.anchor.is_empty()
        || check.anchor == "top"
        || state.by_rel_path.get(&check.target).is_some_and(|&t| {
            state.pages[t]
                .body
                .headings
                .iter()
                .any(|h| h.id == check.anchor)
        })
}

/// Every guide and section page of a version, rendered in parallel; returns how many.
fn write_pages(r: &Renderer, sink: &dyn Sink, diags: &Diagnostics) -> usize {
    let v = r.version;
    let guides = (0..v.guides.len())
        .into_par_iter()
        .map(|g| (v.guides[g].path.clone(), "guide.html", r.guide(g)));
    let sections = (0..v.sections.len()).into_par_iter().map(|s| {
        let template = if s == 0 { "home.html" } else { "section.html" };
        (v.sections[s].path.clone(), template, r.section(s))
    });
    let count = guides
        .chain(sections)
        .map(|(path, template, html)| {
            write_page(sink, diags, &format!("{path}index.html"), template, html)
        })
        .filter(|ok| *ok)
        .count();
    if v.spec.current {
        write_page(sink, diags, "404.html", "404.html", r.not_found());
    }
    count
}

/// The version's `/caveats/` page.
fn write_caveats_page(r: &Renderer, sink: &dyn Sink, diags: &Diagnostics) {
    let path = format!("{}caveats/index.html", r.version.spec.url_prefix);
    write_page(sink, diags, &path, "caveats.html", r.caveats_page());
}

fn write_page(
    sink: &dyn Sink,
    diags: &Diagnostics,
    path: &str,
    template: &str,
    html: Result<String, tera::Error>,
) -> bool {
    match html {
        Ok(html) => {
            report_io(diags, path, sink.write(path, html.as_bytes()));
            true
        }
        Err(e) => {
            diags.push(render::template_error(template, &e));
            false
        }
    }
}

/// The version's search index (see `search`), from the passages of its guides.
fn write_search_index(
    searches: &SearchCache,
    config: &Config,
    version: &Version,
    bodies: &[Arc<PageBody>],
    sink: &dyn Sink,
    diags: &Diagnostics,
) -> blake3::Hash {
    // URLs in the index are relative to the version's base (search.js completes
    // them), so versions with the same guides have the same index, made once.
    let vprefix = version.spec.url_prefix.as_str();
    let pages: Vec<search::SearchPage> = version
        .guides
        .iter()
        .map(|g| search::SearchPage {
            url: g.path.strip_prefix(vprefix).unwrap_or(&g.path).to_string(),
            title: version.sources[g.source]
                .front
                .title
                .as_deref()
                .unwrap_or(""),
            passages: &bodies[g.source].passages,
        })
        .collect();
    let variants = config.variant_labels();
    let key = search::fingerprint(&pages, &variants);
    let files = searches.get_or_make(key, || search::build_index(&pages, &variants));
    files.par_iter().for_each(|(path, json)| {
        let path = format!("{vprefix}{path}");
        report_io(diags, &path, sink.write(&path, json.as_bytes()));
    });
    key
}

/// Pages at the `aliases` of each guide that send readers to the guide.
fn write_redirects(r: &Renderer, sink: &dyn Sink, diags: &Diagnostics) {
    let v = r.version;
    let mut taken: HashSet<String> = v.guides.iter().map(|g| g.path.clone()).collect();
    taken.extend(v.sections.iter().map(|s| s.path.clone()));
    for guide in &v.guides {
        let src = &v.sources[guide.source];
        for alias in &src.front.aliases {
            let line = src.front.line_of("aliases");
            let Some(path) = alias_path(&v.spec.url_prefix, alias) else {
                diags.push(
                    Diagnostic::error(
                        "alias",
                        &src.site_path,
                        format!("alias `{alias}` is not a valid path"),
                    )
                    .at(line, 1)
                    .help("write aliases as site paths such as /old/path/"),
                );
                continue;
            };
            if !taken.insert(path.clone()) {
                diags.push(
                    Diagnostic::error(
                        "alias",
                        &src.site_path,
                        format!("alias `{alias}` is already the URL of a page or of another alias"),
                    )
                    .at(line, 1),
                );
                continue;
            }
            let file = format!("{path}index.html");
            write_page(sink, diags, &file, "redirect.html", r.redirect(&guide.path));
        }
    }
}

/// `/old/path` → `old/path/` below the version's prefix; None for `..` or empty paths.
fn alias_path(version_prefix: &str, alias: &str) -> Option<String> {
    crate::model::local_alias(alias).map(|a| format!("{version_prefix}{a}"))
}

fn sitemap_entries(version: &Version, base_url: &str) -> Vec<(String, Option<String>)> {
    let mut urls: Vec<(String, Option<String>)> = version
        .sections
        .iter()
        .map(|s| (format!("{base_url}{}", s.path), None))
        .chain(version.guides.iter().map(|g| {
            let updated = version.sources[g.source].front.updated.clone();
            (format!("{base_url}{}", g.path), updated)
        }))
        .collect();
    urls.sort();
    urls
}

#[derive(Serialize)]
struct VersionEntry<'a> {
    id: &'a str,
    label: &'a str,
    path: String,
    current: bool,
}

fn versions_json(config: &Config, prefix: &str) -> String {
    let specs = config.version_specs();
    let entries: Vec<VersionEntry> = specs
        .iter()
        .map(|v| VersionEntry {
            id: &v.id,
            label: &v.label,
            path: format!("{prefix}{}", v.url_prefix),
            current: v.current,
        })
        .collect();
    serde_json::to_string_pretty(&entries).unwrap_or_default() + "\n"
}

fn write_files(sink: &dyn Sink, diags: &Diagnostics, text: &str, path: &str) {
    report_io(diags, path, sink.write(path, text.as_bytes()));
}

fn report_io(diags: &Diagnostics, path: &str, result: std::io::Result<()>) {
    if let Err(e) = result {
        diags.push(Diagnostic::error(
            "io",
            path,
            format!("cannot write the output file: {e}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths() {
        assert_eq!(alias_path("", "/old/path/").as_deref(), Some("old/path/"));
        assert_eq!(alias_path("2013/", "old").as_deref(), Some("2013/old/"));
        assert_eq!(alias_path("", "/../etc/"), None);
        assert_eq!(alias_path("", "/"), None);
    }
}
