//! Writing a built site: pages, redirects, the caveats page, search indexes,
//! screenshots, theme files, sitemap.xml, robots.txt and versions.json.

use super::pages::{self, PageRef};
use super::state::{SiteState, VersionState};
use super::timings::Timings;
use super::{BuildSummary, SearchCache};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{PageBody, Version};
use crate::output::{self, Sink};
use crate::persist::pages::{Kept, PageStore};
use crate::persist::CacheDir;
use crate::render::{self, PageContext, Renderer};
use crate::screenshots::Screenshots;
use crate::search::{self, PartStore};
use crate::url::encode_path;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The code of a failure to write an output file: the environment's fault (a full
/// disk, a read-only folder), not the content's, so `build` exits with status 2.
pub const WRITE_ERROR: &str = "output-write";

/// Where a build's files go, and where problems writing them are reported.
#[derive(Clone, Copy)]
pub struct Out<'a> {
    pub sink: &'a dyn Sink,
    pub diags: &'a Diagnostics,
}

impl Out<'_> {
    pub fn write(&self, path: &str, bytes: &[u8]) {
        self.report_io(path, self.sink.write(path, bytes));
    }

    pub fn copy(&self, path: &str, source: &Path) {
        self.report_io(path, self.sink.copy(path, source));
    }

    /// Writes `bytes` at `path` through the persistent cache: a kept file with the
    /// same bytes is linked (no new file to allocate), else the file written is kept.
    pub fn write_kept(&self, cache_dir: &CacheDir, path: &str, bytes: &[u8]) {
        let Some(file) = self.sink.file_of(path) else {
            return self.write(path, bytes);
        };
        let hash = blake3::hash(bytes);
        match cache_dir.blob_holding(&hash, bytes) {
            Some(kept) => self.link(path, &kept),
            None => {
                self.write(path, bytes);
                cache_dir.keep_blob(&hash, Some(&file), bytes);
            }
        }
    }

    /// Puts a file of the persistent cache at `path` (see `Sink::link`).
    pub fn link(&self, path: &str, source: &Path) {
        self.report_io(path, self.sink.link(path, source));
    }

    /// Writes a rendered page, or reports its template error; true when written.
    pub fn page(&self, path: &str, template: &str, html: Result<String, tera::Error>) -> bool {
        match html {
            Ok(html) => {
                self.write(path, html.as_bytes());
                true
            }
            Err(e) => {
                self.diags.push(render::template_error(template, &e));
                false
            }
        }
    }

    fn report_io(&self, path: &str, result: std::io::Result<()>) {
        if let Err(e) = result {
            self.diags.push(Diagnostic::error(
                WRITE_ERROR,
                path,
                format!("cannot write the output file: {e}"),
            ));
        }
    }
}

/// What a build reuses from and keeps in the persistent cache (`persist`).
#[derive(Clone, Copy)]
pub(super) struct Persisted<'a> {
    pub pages: &'a PageStore<'a>,
    pub search: &'a dyn PartStore,
    pub dir: &'a CacheDir,
}

/// What a build does with its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageMode {
    /// Render and write them (`build`, `check`).
    #[default]
    Write,
    /// Render them, to report template errors and know each page's content hash, but
    /// keep nothing (`serve`, which renders a page again when a browser asks for it).
    Hash,
    /// Do not render them (`serve` after a template change; `LiveSite::check_pages`
    /// renders them afterwards).
    Skip,
}

/// Output paths of pages and the hashes of their contents.
type PageHashes = Vec<(String, blake3::Hash)>;

/// What `write_site` made besides the files.
pub(super) struct Written {
    pub summary: BuildSummary,
    /// The search index key of each version.
    pub search_keys: Vec<blake3::Hash>,
    /// With `PageMode::Hash`: each page's output path and the hash of its content.
    pub page_hashes: Vec<(String, blake3::Hash)>,
}

/// Renders the pages of a site whose markdown is rendered, and writes everything the
/// output holds (the pages as `mode` says).
pub(super) fn write_site(
    state: &SiteState,
    live_reload: bool,
    searches: &SearchCache,
    out: Out,
    timings: &Timings,
    mode: PageMode,
    persisted: Option<Persisted>,
) -> Written {
    let kept = persisted.map(|p| p.pages);
    let parts = persisted.map(|p| p.search);
    let cache_dir = persisted.map(|p| p.dir);
    let shared = state.site_render(live_reload);
    let written: Vec<(usize, blake3::Hash, PageHashes)> = state
        .versions
        .par_iter()
        .enumerate()
        .map(|(v, vs)| {
            let bodies = vs.bodies();
            let renderer = state.renderer(&shared, v, &bodies);
            // The search index is built while the pages are written.
            let ((pages, hashes), key) = rayon::join(
                || write_pages(&renderer, out, mode, kept),
                || {
                    let started = std::time::Instant::now();
                    let key = write_search_index(
                        searches,
                        &state.config,
                        &vs.version,
                        &bodies,
                        out,
                        parts,
                        cache_dir,
                    );
                    timings.note(format!(
                        "search index of {}: {:.3} s",
                        vs.version.spec.id,
                        started.elapsed().as_secs_f64()
                    ));
                    key
                },
            );
            (pages, key, hashes)
        })
        .collect();
    timings.lap("render and write pages");
    write_site_files(state, out);
    for (path, bytes) in &state.theme.assets {
        out.write(path, bytes);
    }
    for (path, src) in &state.theme.site_static {
        out.copy(path, src);
    }
    let copies = screenshot_copies(&state.assets, &state.versions);
    copies
        .par_iter()
        .for_each(|(path, src)| out.copy(path, src));
    timings.lap("write assets");
    let summary = BuildSummary {
        pages: written.iter().map(|(p, _, _)| p).sum(),
        versions: written.len(),
        // Linked files are copies too, but not screenshots.
        screenshots: copies
            .iter()
            .filter(|(path, _)| !path.starts_with(crate::screenshots::FILES_DIR))
            .count(),
        partials: state
            .versions
            .iter()
            .map(|vs| vs.version.unpublished.partials.len())
            .sum(),
        drafts: state
            .versions
            .iter()
            .map(|vs| vs.version.unpublished.drafts.len())
            .sum(),
        candidates: state
            .versions
            .iter()
            .flat_map(|v| v.pages.iter())
            .map(|p| p.body.hidden_candidates)
            .sum(),
        timings: Vec::new(),
        page_hashes: Vec::new(),
    };
    let mut search_keys = Vec::new();
    let mut page_hashes = Vec::new();
    for (_, key, hashes) in written {
        search_keys.push(key);
        page_hashes.extend(hashes);
    }
    Written {
        summary,
        search_keys,
        page_hashes,
    }
}

/// sitemap.xml (the current version's pages), robots.txt and versions.json.
fn write_site_files(state: &SiteState, out: Out) {
    let sitemap_urls = state
        .versions
        .iter()
        .find(|v| v.version.spec.current)
        .map(|v| sitemap_entries(&v.version, &state.base_url))
        .unwrap_or_default();
    out.write("sitemap.xml", output::sitemap(&sitemap_urls).as_bytes());
    out.write("robots.txt", output::robots(&state.base_url).as_bytes());
    out.write(
        "versions.json",
        versions_json(&state.config, &state.prefix).as_bytes(),
    );
}

/// The screenshots the pages show and the files they link: (output path, a source
/// file with that content). Taken from the renderings, so a file no page shows or
/// links any more is not copied.
pub(super) fn screenshot_copies(
    assets: &Screenshots,
    versions: &[VersionState],
) -> Vec<(String, PathBuf)> {
    let shown: HashSet<&str> = versions
        .iter()
        .flat_map(|v| v.pages.iter())
        .flat_map(|p| p.asset_paths(assets.url_prefix()))
        .collect();
    assets
        .copies()
        .into_iter()
        .filter(|(path, _)| shown.contains(path.as_str()))
        .collect()
}

/// Every page of a version, rendered in parallel and written or hashed as `mode`
/// says; returns how many guide and section pages rendered, and the hashes.
fn write_pages(
    r: &Renderer,
    out: Out,
    mode: PageMode,
    kept: Option<&PageStore>,
) -> (usize, Vec<(String, blake3::Hash)>) {
    let (pages, problems) = pages::version_pages(r.version);
    out.diags.extend(problems);
    if mode == PageMode::Skip {
        let counted = pages.iter().filter(|(_, p)| is_counted(*p)).count();
        return (counted, Vec::new());
    }
    // Of two pages at one path (an alias or a section where the caveats page goes,
    // say) the later one is kept: those are rendered in order, after the others,
    // which are rendered and written in parallel.
    let mut seen = HashSet::new();
    let shared: HashSet<&str> = pages
        .iter()
        .filter(|(path, _)| !seen.insert(path.as_str()))
        .map(|(path, _)| path.as_str())
        .collect();
    let emit = |path: &str, page: PageRef| -> Option<(bool, Option<(String, blake3::Hash)>)> {
        let hash = match kept {
            Some(kept) => emit_through(r, kept, out, mode, path, page)?,
            None => emit_rendered(r, out, mode, path, page)?,
        };
        Some((is_counted(page), hash.map(|h| (path.to_string(), h))))
    };
    let mut done: Vec<(bool, Option<(String, blake3::Hash)>)> = pages
        .par_iter()
        .filter(|(path, _)| !shared.contains(path.as_str()))
        .filter_map(|(path, page)| emit(path, *page))
        .collect();
    done.extend(
        pages
            .iter()
            .filter(|(path, _)| shared.contains(path.as_str()))
            .filter_map(|(path, page)| emit(path, *page)),
    );
    let counted = done.iter().filter(|(counted, _)| *counted).count();
    // A path rendered twice appears twice, the later last: whoever reads the
    // hashes into a map keeps the later one, as the output does.
    let hashes = done.into_iter().filter_map(|(_, hash)| hash).collect();
    (counted, hashes)
}

/// Renders `page` and writes it (`PageMode::Write`) or hashes it: Some(the hash, in
/// `Hash` mode), or None after reporting its template error.
fn emit_rendered(
    r: &Renderer,
    out: Out,
    mode: PageMode,
    path: &str,
    page: PageRef,
) -> Option<Option<blake3::Hash>> {
    if mode == PageMode::Write && out.sink.discards() {
        if let Err(e) = pages::check(r, page) {
            out.diags
                .push(render::template_error(pages::template_of(page), &e));
            return None;
        }
        return Some(None);
    }
    let html = match pages::render(r, page) {
        Ok(html) => html,
        Err(e) => {
            out.diags
                .push(render::template_error(pages::template_of(page), &e));
            return None;
        }
    };
    Some(match mode {
        PageMode::Write => {
            out.write(path, html.as_bytes());
            None
        }
        PageMode::Hash | PageMode::Skip => Some(blake3::hash(html.as_bytes())),
    })
}

/// Like `emit_rendered`, through the persistent cache: a page whose template context
/// and templates are those of a kept page is not rendered; in the output it is the
/// kept file (hard-linked), else it is rendered and kept.
fn emit_through(
    r: &Renderer,
    kept: &PageStore,
    out: Out,
    mode: PageMode,
    path: &str,
    page: PageRef,
) -> Option<Option<blake3::Hash>> {
    let (PageContext { template, context }, spliced) = pages::key_context(r, page);
    let json = context.into_json();
    let key = kept.key(template, &json, spliced.as_deref());
    let writes = mode == PageMode::Write && !out.sink.discards();
    if let Kept::Html(hash, file) = kept.lookup(&key, writes) {
        if let Some(file) = file {
            out.link(path, &file);
        }
        return Some((mode != PageMode::Write).then_some(hash));
    }
    let html = match spliced {
        Some(_) => pages::render(r, page),
        None => tera::Context::from_value(json)
            .and_then(|context| r.render(PageContext { template, context })),
    };
    let html = match html {
        Ok(html) => html,
        Err(e) => {
            out.diags.push(render::template_error(template, &e));
            return None;
        }
    };
    if mode == PageMode::Write {
        out.write(path, html.as_bytes());
    }
    let file = writes.then(|| out.sink.file_of(path)).flatten();
    let hash = kept.record(key, html.as_bytes(), file.as_deref(), writes);
    Some((mode != PageMode::Write).then_some(hash))
}

/// Whether the summary counts `page` (guides and sections, as it always has).
fn is_counted(page: PageRef) -> bool {
    matches!(page, PageRef::Guide(_) | PageRef::Section(_))
}

/// The template of section `s` of a version: the home page, or a section page.
pub(super) fn section_template(s: usize) -> &'static str {
    pages::template_of(PageRef::Section(s))
}

/// The version's `/caveats/` page; returns its output path.
pub(super) fn write_caveats_page(r: &Renderer, out: Out) -> String {
    let path = pages::caveats_path(r.version);
    out.page(&path, "caveats.html", r.caveats_page());
    path
}

/// The version's search index (see `search`), from the passages of its guides.
pub(super) fn write_search_index(
    searches: &SearchCache,
    config: &Config,
    version: &Version,
    bodies: &[Arc<PageBody>],
    out: Out,
    parts: Option<&dyn PartStore>,
    cache_dir: Option<&CacheDir>,
) -> blake3::Hash {
    let pages = search_pages(version, bodies);
    let variants = config.variant_labels();
    let key = search::fingerprint(&pages, &variants);
    let files = searches.get_or_make(key, || match parts {
        Some(parts) => search::build_index_from_parts(&pages, &variants, parts),
        None => search::build_index(&pages, &variants),
    });
    write_search_files(&files, version, out, cache_dir);
    key
}

/// What the search index reads of each guide of `version`. URLs in the index are
/// relative to the version's base (search.js completes them), so versions with the
/// same guides have the same index, made once.
pub(super) fn search_pages<'a>(
    version: &'a Version,
    bodies: &'a [Arc<PageBody>],
) -> Vec<search::SearchPage<'a>> {
    let vprefix = version.spec.url_prefix.as_str();
    version
        .guides
        .iter()
        .map(|g| search::SearchPage {
            url: encode_path(g.path.strip_prefix(vprefix).unwrap_or(&g.path)).into_owned(),
            title: version.sources[g.source].title.as_deref().unwrap_or(""),
            summary: version.sources[g.source]
                .front
                .summary
                .as_deref()
                .unwrap_or(""),
            passages: &bodies[g.source].passages,
            passages_key: bodies[g.source].passages_key(),
        })
        .collect()
}

/// Writes a version's search index files into its folder.
pub(super) fn write_search_files(
    files: &[(String, Vec<u8>)],
    version: &Version,
    out: Out,
    cache_dir: Option<&CacheDir>,
) {
    let vprefix = version.spec.url_prefix.as_str();
    files.par_iter().for_each(|(path, bytes)| {
        let path = format!("{vprefix}{path}");
        match cache_dir {
            Some(cache_dir) => out.write_kept(cache_dir, &path, bytes),
            None => out.write(&path, bytes),
        }
    });
}

fn sitemap_entries(version: &Version, base_url: &str) -> Vec<(String, Option<String>)> {
    let mut urls: Vec<(String, Option<String>)> = version
        .sections
        .iter()
        .map(|s| (format!("{base_url}{}", encode_path(&s.path)), None))
        .chain(version.guides.iter().map(|g| {
            let updated = version.sources[g.source].front.updated.clone();
            (format!("{base_url}{}", encode_path(&g.path)), updated)
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
