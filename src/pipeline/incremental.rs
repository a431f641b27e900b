//! Rebuilding one page after a save, for `serve`, without a full build (and the pages
//! that include its file, or the pages that include a partial that was saved).
//!
//! A save that changes only the body of a markdown file changes nothing that other
//! pages show of it: titles, order, summaries, badges, aliases and drafts all come from
//! the front matter (unchanged, by hash), and headings matter to other pages only for
//! the `#anchor` checks, which are re-run. So only the page itself, the version's
//! caveats page and its search index change. Everything else (a new, deleted or
//! renamed file, a front matter edit, a caveat count going from or to zero) needs a
//! full build, which is what `rebuild_page` answers with `None`. A test compares the
//! result of a series of saves with a full build.
//!
//! A file that pages include (a partial, or a page included by others) changes those
//! pages' bodies alone, in the same way: each rendering recorded the files it included
//! (`RenderDep::Include`), so the pages to render again are found from those, and the
//! rendering cache renders exactly them again, since the file's hash changed.

use super::checks::{anchor_diagnostics_of, partial_diagnostics};
use super::read::MarkdownJob;
use super::write::{
    screenshot_copies, search_pages, section_template, write_caveats_page, write_search_files, Out,
};
use super::{BuildCache, BuildOptions, SiteState, VersionState};
use crate::diag::Diagnostics;
use crate::output::Sink;
use crate::source;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// What a one-page rebuild wrote.
#[derive(Debug, Default)]
pub struct PageRebuild {
    /// Output paths of the pages written (`a/b/index.html`).
    pub pages: Vec<String>,
    /// The version the page belongs to, by index.
    pub version: usize,
    /// Whether the page shows other screenshots than before.
    pub screenshots_changed: bool,
}

/// Re-renders after a save of the markdown file `file` (relative to the site root):
/// its own page, when it is one, and every page that includes it (directly or through
/// another file). Writes them into `sink` and updates `state`; None when the change
/// needs a full build.
pub fn rebuild_page(
    state: &mut SiteState,
    opts: &BuildOptions,
    cache: &BuildCache,
    file: &Path,
    sink: &dyn Sink,
) -> Option<PageRebuild> {
    let (v, rel) = version_of(state, file)?;
    let vs = &state.versions[v];
    let own = vs.by_rel_path.get(&rel).copied();
    // A file the last build did not know as a page or a partial (new, deleted, a
    // draft or a page left out for its front matter) changes what the site holds.
    let known_partial =
        vs.version.unpublished.partials.contains(&rel) && opts.root.join(file).is_file();
    if own.is_none() && !known_partial {
        return None;
    }
    // The files left out for their front matter are checked, not kept: a full build
    // checks them again.
    if vs.rejected_includes.contains(&rel) {
        return None;
    }
    let job = MarkdownJob::new(
        &opts.root,
        &state.config,
        &state.assets,
        cache,
        &state.site_paths,
        opts.show_candidates,
    );
    // The saved page's new source, then every page that includes the file.
    let edited = match own {
        Some(s) => Some((s, read_body_edit(state, opts, cache, v, s, file)?)),
        None => None,
    };
    let includers = includers_of(&state.versions[v], &rel, own);
    let had_caveats = has_caveats(state, v);
    let prefix = state.assets.url_prefix();
    let screenshots_changed = render_again(
        &mut state.versions[v],
        &job,
        prefix,
        edited.as_ref(),
        &includers,
    );
    let mut indexes = includers;
    if let Some((s, new)) = edited {
        state.versions[v].version.sources[s] = new;
        indexes.insert(0, s);
    }
    let vs = &mut state.versions[v];
    recheck_anchors(vs, &indexes);
    vs.partial_diags = partial_diagnostics(vs, &job.includes);
    if has_caveats(state, v) != had_caveats {
        return None; // every page's sidebar links the caveats page, or stops linking it
    }
    let pages = write_pages_of(state, opts, v, &indexes, sink)?;
    Some(PageRebuild {
        pages,
        version: v,
        screenshots_changed,
    })
}

/// The pages of `vs` whose rendering included the file `rel` (directly or through
/// another file), but `own` (the file's own page).
fn includers_of(vs: &VersionState, rel: &str, own: Option<usize>) -> Vec<usize> {
    (0..vs.pages.len())
        .filter(|i| Some(*i) != own && vs.pages[*i].includes().any(|inc| inc == rel))
        .collect()
}

/// Renders page `edited.0` from its new source `edited.1`, and the pages `others` from
/// their sources as they are (in parallel: a partial may be included by thousands),
/// keeping the renderings and diagnostics in `vs`. Returns whether the pages show
/// or link other files than before (`prefix`: the site's URL prefix).
fn render_again(
    vs: &mut VersionState,
    job: &MarkdownJob,
    prefix: &str,
    edited: Option<&(usize, source::SourceFile)>,
    others: &[usize],
) -> bool {
    let env = job.env(&vs.version, &vs.local_targets);
    let sources: Vec<(usize, &source::SourceFile)> = edited
        .map(|(s, new)| (*s, new))
        .into_iter()
        .chain(others.iter().map(|&i| (i, &vs.version.sources[i])))
        .collect();
    let rendered: Vec<_> = sources
        .par_iter()
        .map(|(s, src)| (*s, job.render_source(&env, src)))
        .collect();
    let mut screenshots_changed = false;
    for (s, rendered) in rendered {
        screenshots_changed |= !rendered
            .page
            .asset_paths(prefix)
            .eq(vs.pages[s].asset_paths(prefix));
        vs.pages[s] = rendered.page;
        vs.page_diags[s] = rendered.diags;
        vs.images[s] = rendered.images;
    }
    screenshots_changed
}

/// The new source of page `s` of version `v` after a save of its file `file`; None
/// when more than its body changed (or it cannot be read), which needs a full build.
fn read_body_edit(
    state: &SiteState,
    opts: &BuildOptions,
    cache: &BuildCache,
    v: usize,
    s: usize,
    file: &Path,
) -> Option<source::SourceFile> {
    let version_dir = opts.root.join(&state.versions[v].version.spec.dir);
    let old = &state.versions[v].version.sources[s];
    let (new, _) = source::read_file(
        &opts.root,
        &version_dir,
        &opts.root.join(file),
        old.kind,
        &cache.fronts,
    );
    // Same front matter text: the file's own front matter diagnostics are unchanged too.
    new.filter(|n| !n.rejected && n.front_hash == old.front_hash)
}

/// Runs again the anchor checks that can change when the pages `changed` were
/// rendered again: their own links, and links to them.
fn recheck_anchors(vs: &mut VersionState, changed: &[usize]) {
    let rels: Vec<String> = changed
        .iter()
        .map(|s| vs.version.sources[*s].rel_path.clone())
        .collect();
    for i in 0..vs.pages.len() {
        if changed.contains(&i)
            || vs.pages[i]
                .anchor_checks
                .iter()
                .any(|c| rels.contains(&c.target))
        {
            vs.anchor_diags[i] = anchor_diagnostics_of(vs, i);
        }
    }
}

/// Writes the pages of the sources `changed` of version `v` and the version's caveats
/// page; returns their output paths, or None when a template failed (the full build
/// that follows reports it).
fn write_pages_of(
    state: &SiteState,
    opts: &BuildOptions,
    v: usize,
    changed: &[usize],
    sink: &dyn Sink,
) -> Option<Vec<String>> {
    let diags = Diagnostics::new();
    let out = Out {
        sink,
        diags: &diags,
    };
    let shared = state.site_render(opts.live_reload);
    let vs = &state.versions[v];
    let bodies = vs.bodies();
    let renderer = state.renderer(&shared, v, &bodies);
    let version = &vs.version;
    // In parallel, like a full build: a partial may be included by thousands of pages.
    let mut pages: Vec<String> = changed
        .par_iter()
        .filter_map(|&s| {
            if let Some(g) = version.guides.iter().position(|g| g.source == s) {
                let path = format!("{}index.html", version.guides[g].path);
                out.page(&path, "guide.html", renderer.guide(g));
                Some(path)
            } else {
                let sec = version.sections.iter().position(|x| x.source == Some(s))?;
                let path = format!("{}index.html", version.sections[sec].path);
                out.page(&path, section_template(sec), renderer.section(sec));
                Some(path)
            }
        })
        .collect();
    pages.push(write_caveats_page(&renderer, out));
    (!diags.has_errors()).then_some(pages)
}

/// Re-renders, into `sink`, the pages that show or link a screenshot made of any of `files`
/// (relative to the site root: images, sidecars, dark twins) and the caveats pages of
/// their versions, and updates `state`; returns the output paths written. Nothing
/// else changes: titles, headings, search text and anchors come from the markdown.
pub fn rebuild_screenshot_pages(
    state: &mut SiteState,
    opts: &BuildOptions,
    cache: &BuildCache,
    files: &[PathBuf],
    sink: &dyn Sink,
) -> Option<Vec<String>> {
    state.assets.forget(files);
    let job = MarkdownJob::new(
        &opts.root,
        &state.config,
        &state.assets,
        cache,
        &state.site_paths,
        opts.show_candidates,
    );
    let prefix = state.assets.url_prefix();
    let mut affected = Vec::new();
    for (v, vs) in state.versions.iter_mut().enumerate() {
        let showing: Vec<usize> = (0..vs.pages.len())
            .filter(|&s| vs.shows_any(s, files) || vs.links_any(s, files, &state.assets))
            .collect();
        if !showing.is_empty() {
            render_again(vs, &job, prefix, None, &showing);
            affected.push((v, showing));
        }
    }
    let mut written = Vec::new();
    for (v, sources) in &affected {
        // A caveat's text may show a screenshot too: `write_pages_of` writes the
        // caveats page as well.
        written.extend(write_pages_of(state, opts, *v, sources, sink)?);
    }
    Some(written)
}

/// (version, path within it) of the markdown file `file` (relative to the site root).
fn version_of(state: &SiteState, file: &Path) -> Option<(usize, String)> {
    state.versions.iter().enumerate().find_map(|(v, vs)| {
        let rel = file.strip_prefix(&vs.version.spec.dir).ok()?;
        Some((v, source::slash_path(rel)))
    })
}

fn has_caveats(state: &SiteState, v: usize) -> bool {
    state.versions[v]
        .pages
        .iter()
        .any(|p| !p.body.caveats.is_empty())
}

/// Writes the search index of version `v` into `sink` (as `write::write_search_index`
/// does in a build) and returns its key, for `SiteState::search_keys`; None, with
/// nothing written, when `stop` says so before it is made. An index made earlier for
/// the same guides is taken as it is.
pub fn write_version_search_unless(
    state: &SiteState,
    v: usize,
    sink: &dyn Sink,
    cache: &BuildCache,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<blake3::Hash> {
    let vs = state.versions.get(v)?;
    let bodies = vs.bodies();
    let pages = search_pages(&vs.version, &bodies);
    let variants = state.config.variant_labels();
    let key = crate::search::fingerprint(&pages, &variants);
    let files = match cache.search.get(&key) {
        Some(files) => files,
        None => {
            let made = crate::search::build_index_unless(&pages, &variants, stop)?;
            cache.search.get_or_make(key, || made)
        }
    };
    let diags = Diagnostics::new();
    let out = Out {
        sink,
        diags: &diags,
    };
    write_search_files(&files, &vs.version, out, None);
    Some(key)
}

/// The screenshot copies the site's pages show now: (output path, source file).
pub fn screenshots(state: &SiteState) -> Vec<(String, PathBuf)> {
    screenshot_copies(&state.assets, &state.versions)
}
