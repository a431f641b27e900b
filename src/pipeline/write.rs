//! Writing a built site: pages, redirects, the caveats page, search indexes,
//! screenshots, theme files, sitemap.xml, robots.txt and versions.json.

use super::checks::alias_pages;
use super::state::{SiteState, VersionState};
use super::timings::Timings;
use super::{BuildSummary, SearchCache};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{self, PageBody, Version};
use crate::output::{self, Sink};
use crate::render::{self, Renderer};
use crate::screenshots::Screenshots;
use crate::search;
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

/// Renders the pages of a site whose markdown is rendered, and writes everything the
/// output holds; returns the summary and the search index key of each version.
pub(super) fn write_site(
    state: &SiteState,
    live_reload: bool,
    searches: &SearchCache,
    out: Out,
    timings: &Timings,
) -> (BuildSummary, Vec<blake3::Hash>) {
    let shared = state.site_render(live_reload);
    let written: Vec<(usize, blake3::Hash)> = state
        .versions
        .par_iter()
        .enumerate()
        .map(|(v, vs)| {
            let bodies = vs.bodies();
            let renderer = state.renderer(&shared, v, &bodies);
            // The search index is built while the pages are written.
            let (pages, key) = rayon::join(
                || write_pages(&renderer, out),
                || {
                    let started = std::time::Instant::now();
                    let key =
                        write_search_index(searches, &state.config, &vs.version, &bodies, out);
                    timings.note(format!(
                        "search index of {}: {:.3} s",
                        vs.version.spec.id,
                        started.elapsed().as_secs_f64()
                    ));
                    key
                },
            );
            write_redirects(&renderer, out);
            write_caveats_page(&renderer, out);
            (pages, key)
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
        pages: written.iter().map(|(p, _)| p).sum(),
        versions: written.len(),
        screenshots: copies.len(),
        candidates: state
            .versions
            .iter()
            .flat_map(|v| v.pages.iter())
            .map(|p| p.body.hidden_candidates)
            .sum(),
        timings: Vec::new(),
    };
    (summary, written.into_iter().map(|(_, k)| k).collect())
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

/// The screenshot files the pages show: (output path, a source file with that content).
/// Taken from the renderings, so a screenshot no page shows any more is not copied.
pub(super) fn screenshot_copies(
    assets: &Screenshots,
    versions: &[VersionState],
) -> Vec<(String, PathBuf)> {
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

/// Every guide and section page of a version, rendered in parallel; returns how many.
fn write_pages(r: &Renderer, out: Out) -> usize {
    let v = r.version;
    let guides = (0..v.guides.len())
        .into_par_iter()
        .map(|g| (v.guides[g].path.clone(), "guide.html", r.guide(g)));
    // A section at a name guidepost writes itself is an error at its markdown
    // (`model::reserved_name`); its page is not written over that file.
    let sections = (0..v.sections.len())
        .into_par_iter()
        .filter(|&s| model::reserved_name(&v.spec.url_prefix, &v.sections[s].path).is_none())
        .map(|s| {
            (
                v.sections[s].path.clone(),
                section_template(s),
                r.section(s),
            )
        });
    let count = guides
        .chain(sections)
        .map(|(path, template, html)| out.page(&format!("{path}index.html"), template, html))
        .filter(|ok| *ok)
        .count();
    if v.spec.current {
        out.page("404.html", "404.html", r.not_found());
    }
    count
}

/// The template of section `s` of a version: the home page, or a section page.
pub(super) fn section_template(s: usize) -> &'static str {
    if s == 0 {
        "home.html"
    } else {
        "section.html"
    }
}

/// The version's `/caveats/` page; returns its output path.
pub(super) fn write_caveats_page(r: &Renderer, out: Out) -> String {
    let path = format!("{}caveats/index.html", r.version.spec.url_prefix);
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
) -> blake3::Hash {
    // URLs in the index are relative to the version's base (search.js completes
    // them), so versions with the same guides have the same index, made once.
    let vprefix = version.spec.url_prefix.as_str();
    let pages: Vec<search::SearchPage> = version
        .guides
        .iter()
        .map(|g| search::SearchPage {
            url: encode_path(g.path.strip_prefix(vprefix).unwrap_or(&g.path)).into_owned(),
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
        out.write(&format!("{vprefix}{path}"), json.as_bytes());
    });
    key
}

/// Pages at the `aliases` of each guide that send readers to the guide.
fn write_redirects(r: &Renderer, out: Out) {
    let (pages, problems) = alias_pages(r.version);
    out.diags.extend(problems);
    for (path, guide) in pages {
        let target = &r.version.guides[guide].path;
        out.page(
            &format!("{path}index.html"),
            "redirect.html",
            r.redirect(target),
        );
    }
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
