//! A build is a function from the site's files to output files plus diagnostics:
//! read each version, render its markdown in parallel, check links across pages,
//! render every page with the theme, and hand all files to an output `Sink`.

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::markdown::highlight::HighlightCache;
use crate::model::{Version, VersionIndex};
use crate::output::Sink;
use crate::persist::pages::PageStore;
use crate::persist::search::SearchParts;
use crate::persist::CacheDir;
use crate::render::Theme;
use crate::screenshots::Screenshots;
use crate::source;
use rayon::prelude::*;
use read::{read_version, MarkdownJob};
use std::path::PathBuf;
use std::sync::Arc;
use timings::Timings;
use write::{write_site, Out};

pub mod cache;
pub mod change;
mod checks;
pub mod incremental;
pub mod live;
mod pages;
mod read;
pub mod served;
mod state;
mod timings;
mod write;

pub use cache::{CachedPage, MarkdownCache, Shared};
pub use change::{classify, Change};
pub use live::{ChangedPages, LiveSite, Rebuild, Rebuilt};
pub use pages::{page_index, render_one, PageRef};
pub use state::{SiteState, VersionState};
pub use write::{PageMode, WRITE_ERROR};

/// Search index files by the fingerprint of what they index.
pub type SearchCache = Shared<Vec<(String, Vec<u8>)>>;

/// How to build: what the command line and the environment said.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Canonical path of the folder holding site.toml.
    pub root: PathBuf,
    /// Build drafts too (serve).
    pub include_drafts: bool,
    /// Add the live-reload script to pages (serve only).
    pub live_reload: bool,
    /// Show `status: candidate` caveats, marked as such (serve only); a build leaves
    /// them out and counts them.
    pub show_candidates: bool,
    /// The build's date (`YYYY-MM-DD`), when it has one: from `SOURCE_DATE_EPOCH`, so
    /// that built pages do not change from one day to the next.
    pub today: Option<String>,
    /// What the build does with its pages: write them (the default), or only render
    /// and hash them, or skip them (`serve`, which renders pages on request).
    pub pages: PageMode,
    /// The persistent cache folder (`--cache`; `serve`'s first build:
    /// `.guidepost-cache/`): renderings and pages are read from it and written to it,
    /// and screenshot copies are kept in it (else in `.guidepost-cache/images/`).
    pub cache_dir: Option<PathBuf>,
    /// Let go of each source's markdown text once it is rendered: nothing after the
    /// markdown reads it, but a rebuild does (`serve`). `build` and `check` set it.
    pub forget_source_text: bool,
}

impl BuildOptions {
    /// What `serve` builds with: drafts included, pages with the live-reload script,
    /// the persistent cache in `.guidepost-cache/` for its first build.
    pub fn for_serve(root: PathBuf) -> BuildOptions {
        BuildOptions {
            cache_dir: Some(root.join(crate::screenshots::cache::CACHE_DIR)),
            root,
            include_drafts: true,
            live_reload: true,
            show_candidates: true,
            today: None,
            pages: PageMode::Write,
            forget_source_text: false,
        }
    }
}

/// What a build made, for the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildSummary {
    pub pages: usize,
    pub versions: usize,
    pub screenshots: usize,
    /// Markdown files read but not published: partials, and drafts (left out by
    /// `build`), summed over the versions.
    pub partials: usize,
    pub drafts: usize,
    /// Candidate caveats left out of the pages, waiting for review.
    pub candidates: usize,
    /// How long each phase took, and what the caches saved (for GUIDEPOST_TIMINGS).
    pub timings: Vec<String>,
    /// With `PageMode::Hash`: each page's output path and content hash (a path
    /// rendered twice appears twice, the one kept last).
    pub page_hashes: Vec<(String, blake3::Hash)>,
}

/// Builds the whole site into `sink`. Never stops at the first problem: every
/// diagnostic of the build is returned.
///
/// For a process that ends soon after (`guidepost build` and `check`): the sources'
/// text goes once rendered (`forget_source_text`), and the site's state and the
/// caches are left to the system to take back at exit, not freed one allocation at
/// a time. Freeing them was a single-threaded tail of about 0.2 s on
/// 10,000 guides, the end of every build.
pub fn build(
    config: &Config,
    opts: &BuildOptions,
    sink: &dyn Sink,
) -> (BuildSummary, Vec<Diagnostic>) {
    let cache = BuildCache::default();
    let opts = BuildOptions {
        forget_source_text: true,
        ..opts.clone()
    };
    let (summary, diags, state) = build_site(config, &opts, sink, &cache);
    std::mem::forget(state);
    std::mem::forget(cache);
    (summary, diags)
}

/// What builds can reuse from earlier ones (`serve` keeps one between rebuilds; a
/// single build uses one to share work between versions).
#[derive(Default)]
pub struct BuildCache {
    pub markdown: MarkdownCache,
    /// Front matter and leading H1 of markdown files, by the hash of their text.
    pub fronts: source::ParsedTextCache,
    /// Search index files by the fingerprint of what they index.
    pub search: SearchCache,
    /// Highlighted code blocks by syntax and code.
    pub highlights: HighlightCache,
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
    let out = Out {
        sink,
        diags: &write_diags,
    };
    let (summary, state) = build_into(config, opts, cache, &read_diags, out);
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

fn build_into(
    config: &Config,
    opts: &BuildOptions,
    cache: &BuildCache,
    read_diags: &Diagnostics,
    out: Out,
) -> (BuildSummary, Option<SiteState>) {
    let timings = Timings::start();
    let root = &opts.root;
    let prefix = config.url_prefix();
    let theme = match Theme::load(root, &config.theme, &prefix) {
        Ok(t) => {
            out.diags.extend(t.warnings.iter().cloned());
            t
        }
        Err(ds) => {
            out.diags.extend(ds);
            return (BuildSummary::default(), None);
        }
    };
    let persist = opts
        .cache_dir
        .as_ref()
        .map(|dir| CacheDir::new(dir, root, inputs_key(config, opts)));
    let mut assets = Screenshots::new(root.clone(), &prefix);
    let mut loaded = Vec::new();
    // The cache is read while the sources are: the two are independent, and each
    // leaves the other's core idle part of the time (decoding vs. opening files).
    let (kept, versions) = rayon::join(
        || {
            let p = persist.as_ref()?;
            let renderings = match cache.markdown.is_empty() {
                true => Some(crate::persist::renderings::read(p)),
                false => None,
            };
            let facts = p.read::<crate::screenshots::facts::Stored>(SCREENSHOT_FACTS);
            Some((renderings, facts, SearchParts::open(p)))
        },
        || {
            // Front matter parsed by an earlier build, before the sources are read.
            let kept_fronts = match (&persist, cache.markdown.is_empty()) {
                (Some(p), true) => Some(crate::persist::fronts::load(p, &cache.fronts)),
                _ => None,
            };
            // Versions are independent until they link to each other: each is read
            // and its markdown rendered in parallel with the others (rayon nests with
            // the per-page work), through the cache, so a file that two versions share
            // is rendered once.
            let versions = config
                .version_specs()
                .into_par_iter()
                .map(|spec| {
                    read_version(root, spec, opts.include_drafts, &cache.fronts, read_diags)
                })
                .collect::<Vec<(Version, Vec<source::SourceFile>)>>();
            (kept_fronts, versions)
        },
    );
    let (kept_fronts, versions) = versions;
    let mut parts = None;
    if let (Some(p), Some((renderings, facts, search))) = (&persist, kept) {
        parts = Some(search);
        assets = assets.with_image_cache(p.images_dir()).with_facts(
            crate::screenshots::facts::Facts::new(facts.unwrap_or_default()),
        );
        if let Some(read) = renderings {
            loaded = read.per_shard;
            cache.markdown.load(read.pages);
        }
    }
    timings.lap("read sources (and the cache)");
    // The switcher of each page needs every version's paths, known once all are read.
    let indexes: Vec<VersionIndex> = versions.iter().map(|(v, _)| VersionIndex::of(v)).collect();
    let models: Vec<&Version> = versions.iter().map(|(v, _)| v).collect();
    let site_paths = read::site_paths(&prefix, &models, &theme);
    let job = MarkdownJob::new(
        root,
        config,
        &assets,
        cache,
        &site_paths,
        opts.show_candidates,
    );
    // One version after the other (each renders its pages in parallel): a file that
    // an earlier version rendered is then reused at once. Versions side by side
    // made the later one's thread wait for the rendering under way, at a cost of
    // thread switches and idle cores.
    let versions: Vec<VersionState> = versions
        .into_iter()
        .map(|(version, rejected)| {
            let mut state = job.render_version(version, &rejected);
            if opts.forget_source_text {
                state.forget_source_text();
            }
            state
        })
        .collect();
    crate::markdown::highlight::forget_lines();
    timings.lap("render markdown");
    let (hits, misses) = cache.markdown.stats();
    timings.note(format!(
        "markdown cache: {hits} renderings reused, {misses} made"
    ));
    timings.note(rendering_sizes(&versions));
    let mut state = SiteState {
        config: config.clone(),
        theme,
        assets,
        prefix,
        base_url: config.base_url(),
        today: opts.today.clone(),
        versions,
        indexes,
        site_paths,
        search_keys: Vec::new(),
        read_diags: Vec::new(), // both set by build_site once every stage has reported
        write_diags: Vec::new(),
    };
    let kept = persist
        .as_ref()
        .map(|p| PageStore::open(p, state.theme.templates_hash));
    let written = write_site(
        &state,
        opts.live_reload,
        &cache.search,
        out,
        &timings,
        opts.pages,
        match (&kept, &parts, &persist) {
            (Some(pages), Some(search), Some(dir)) => Some(write::Persisted { pages, search, dir }),
            _ => None,
        },
    );
    state.search_keys = written.search_keys;
    let mut summary = BuildSummary {
        page_hashes: written.page_hashes,
        ..written.summary
    };
    if let Some(p) = &persist {
        let forget_unused = opts.pages == PageMode::Write && out.sink.file_of("").is_some();
        let kept = KeptEntries {
            pages: kept,
            parts,
            fronts: kept_fronts,
            renderings_per_shard: loaded,
        };
        save_cache(p, &state, cache, kept, forget_unused);
        out.diags.extend(p.take_warning());
        timings.lap("write the cache");
    }
    let (loads, seconds, encoded) = state.assets.load_stats();
    timings.note(format!(
        "screenshots: {loads} files read, measured, hashed and processed in {seconds:.3} s of CPU (all threads), {encoded} images encoded, {} distinct copies",
        summary.screenshots
    ));
    summary.timings = timings.into_lines();
    (summary, Some(state))
}

/// What a build read from the persistent cache and writes back when it changed.
struct KeptEntries<'a> {
    pages: Option<PageStore<'a>>,
    parts: Option<SearchParts>,
    fronts: Option<crate::persist::fronts::KeptFronts>,
    /// How many renderings each file of renderings held when read.
    renderings_per_shard: Vec<usize>,
}

/// Writes the entries of the persistent cache that this build changed, side by side
/// (each is a file of its own): one after the other they were a tail of a warm build
/// where one core was idle. With `forget_unused`, the kept files this build did not
/// use are removed.
fn save_cache(
    p: &CacheDir,
    state: &SiteState,
    cache: &BuildCache,
    kept: KeptEntries<'_>,
    forget_unused: bool,
) {
    let KeptEntries {
        pages,
        parts,
        fronts,
        renderings_per_shard,
    } = kept;
    rayon::scope(|s| {
        s.spawn(|_| {
            if let Some(pages) = pages {
                pages.save();
            }
            if forget_unused {
                p.forget_unused_blobs();
            }
        });
        s.spawn(|_| {
            if let Some(parts) = parts {
                parts.save(p);
            }
        });
        s.spawn(|_| save_renderings(p, &state.versions, &renderings_per_shard));
        s.spawn(|_| {
            if let Some(fronts) = fronts {
                let hashes = state
                    .versions
                    .iter()
                    .flat_map(|vs| vs.version.sources.iter().map(|s| s.hash));
                fronts.save(p, &cache.fronts, hashes);
            }
            if let Some(facts) = state.assets.facts_to_keep() {
                p.write(SCREENSHOT_FACTS, &facts);
            }
        });
    });
}

/// The cache entry of what was measured of screenshot files.
const SCREENSHOT_FACTS: &str = "screenshots";

/// A hash of everything a cache entry depends on besides its own content, the site
/// folder and guidepost: site.toml as loaded, and the build's options.
fn inputs_key(config: &Config, opts: &BuildOptions) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(format!("{config:?}").as_bytes());
    h.update(
        format!(
            "{:?}",
            (
                opts.include_drafts,
                opts.live_reload,
                opts.show_candidates,
                &opts.today
            )
        )
        .as_bytes(),
    );
    h.finalize()
}

/// Keeps the renderings the versions use (once each) for the next build; `loaded`:
/// how many each shard of the cache held (`persist::renderings::save` writes only the
/// shards that changed).
fn save_renderings(p: &CacheDir, versions: &[VersionState], loaded: &[usize]) {
    let mut seen = std::collections::HashSet::new();
    let used: Vec<&CachedPage> = versions
        .iter()
        .flat_map(|vs| vs.pages.iter())
        .filter(|page| seen.insert(Arc::as_ptr(page)))
        .map(|page| page.as_ref())
        .collect();
    crate::persist::renderings::save(p, &used, loaded);
}

/// What the renderings of the versions hold, in MiB (for GUIDEPOST_TIMINGS): HTML,
/// search text, and the sources they were made from.
fn rendering_sizes(versions: &[VersionState]) -> String {
    let mib = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
    let mut seen = std::collections::HashSet::new();
    let (mut html, mut text, mut sources) = (0, 0, 0);
    for vs in versions {
        for page in vs.pages.iter().filter(|p| seen.insert(Arc::as_ptr(p))) {
            html += page.body.html.packed_len();
            text += page
                .body
                .passages
                .iter()
                .map(|p| p.text.len())
                .sum::<usize>();
        }
        sources += vs
            .version
            .sources
            .iter()
            .map(|s| s.body.len())
            .sum::<usize>();
    }
    format!(
        "renderings: {:.0} MiB of HTML (compressed), {:.0} MiB of search text; sources: {:.0} MiB",
        mib(html),
        mib(text),
        mib(sources)
    )
}

/// Renders and writes the whole site again from `state` after a template, theme or
/// `static/` change: the theme is loaded again, nothing is read or parsed again.
/// Also returns the theme it replaced (None when the theme could not be loaded).
pub fn rerender(
    state: &mut SiteState,
    opts: &BuildOptions,
    sink: &dyn Sink,
    cache: &BuildCache,
) -> (BuildSummary, Vec<Diagnostic>, Option<Theme>) {
    match Theme::load(&opts.root, &state.config.theme, &state.prefix) {
        Ok(theme) => {
            let previous = std::mem::replace(&mut state.theme, theme);
            let (summary, diags) = rerender_with_theme(state, opts, sink, cache);
            (summary, diags, Some(previous))
        }
        Err(ds) => {
            state.write_diags = ds;
            (BuildSummary::default(), state.diagnostics(), None)
        }
    }
}

/// Renders and writes the whole site again from `state` with the theme it holds.
pub fn rerender_with_theme(
    state: &mut SiteState,
    opts: &BuildOptions,
    sink: &dyn Sink,
    cache: &BuildCache,
) -> (BuildSummary, Vec<Diagnostic>) {
    let diags = Diagnostics::new();
    diags.extend(state.theme.warnings.iter().cloned());
    state.today = opts.today.clone();
    let timings = Timings::start();
    let out = Out {
        sink,
        diags: &diags,
    };
    let written = write_site(
        state,
        opts.live_reload,
        &cache.search,
        out,
        &timings,
        opts.pages,
        None,
    );
    let mut summary = BuildSummary {
        page_hashes: written.page_hashes,
        ..written.summary
    };
    summary.timings = timings.into_lines();
    state.search_keys = written.search_keys;
    state.write_diags = diags.into_sorted();
    (summary, state.diagnostics())
}
