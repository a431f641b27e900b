//! Rebuilding one page after a save, for `serve`, without a full build.
//!
//! A save that changes only the body of a markdown file changes nothing that other
//! pages show of it: titles, order, summaries, badges, aliases and drafts all come from
//! the front matter (unchanged, by hash), and headings matter to other pages only for
//! the `#anchor` checks, which are re-run. So only the page itself, the version's
//! caveats page and its search index change. Everything else (a new, deleted or
//! renamed file, a front matter edit, a caveat count going from or to zero) needs a
//! full build, which is what `rebuild_page` answers with `None`. A test compares the
//! result of a series of saves with a full build.

use super::checks::anchor_diagnostics_of;
use super::read::MarkdownJob;
use super::write::{
    screenshot_copies, section_template, write_caveats_page, write_search_index, Out,
};
use super::{BuildCache, BuildOptions, SiteState};
use crate::diag::Diagnostics;
use crate::output::Sink;
use crate::source;
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

/// Re-renders the page of the markdown file `file` (relative to the site root) into
/// `sink` and updates `state`; None when the change needs a full build.
pub fn rebuild_page(
    state: &mut SiteState,
    opts: &BuildOptions,
    cache: &BuildCache,
    file: &Path,
    sink: &dyn Sink,
) -> Option<PageRebuild> {
    let (v, s) = find_source(state, file)?;
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
    let new = new.filter(|n| !n.rejected && n.front_hash == old.front_hash)?;
    let had_caveats = has_caveats(state, v);

    let job = MarkdownJob::new(
        &state.config,
        &state.assets,
        cache,
        &state.site_paths,
        opts.show_candidates,
    );
    let vs = &state.versions[v];
    let env = job.env(&vs.version, &vs.local_targets);
    let (page, page_diags) = job.render_source(&env, &new);
    let prefix = state.assets.url_prefix();
    let screenshots_changed = !page.asset_paths(prefix).eq(vs.pages[s].asset_paths(prefix));
    let vs = &mut state.versions[v];
    vs.version.sources[s] = new;
    vs.pages[s] = page;
    vs.page_diags[s] = page_diags;
    // The anchor checks that can change: this page's links, and links to this page.
    let rel = vs.version.sources[s].rel_path.clone();
    for i in 0..vs.pages.len() {
        if i == s || vs.pages[i].anchor_checks.iter().any(|c| c.target == rel) {
            vs.anchor_diags[i] = anchor_diagnostics_of(vs, i);
        }
    }
    if has_caveats(state, v) != had_caveats {
        return None; // every page's sidebar links the caveats page, or stops linking it
    }

    let diags = Diagnostics::new();
    let out = Out {
        sink,
        diags: &diags,
    };
    let shared = state.site_render(opts.live_reload);
    let vs = &state.versions[v];
    let bodies = vs.bodies();
    let renderer = state.renderer(&shared, v, &bodies);
    let mut pages = Vec::new();
    let version = &vs.version;
    if let Some(g) = version.guides.iter().position(|g| g.source == s) {
        let path = format!("{}index.html", version.guides[g].path);
        out.page(&path, "guide.html", renderer.guide(g));
        pages.push(path);
    } else if let Some(sec) = version.sections.iter().position(|x| x.source == Some(s)) {
        let path = format!("{}index.html", version.sections[sec].path);
        out.page(&path, section_template(sec), renderer.section(sec));
        pages.push(path);
    }
    pages.push(write_caveats_page(&renderer, out));
    // A template that failed here failed in the full build too; let that one report it.
    if diags.has_errors() {
        return None;
    }
    Some(PageRebuild {
        pages,
        version: v,
        screenshots_changed,
    })
}

/// (version, source) of the markdown file `file` (relative to the site root).
fn find_source(state: &SiteState, file: &Path) -> Option<(usize, usize)> {
    state.versions.iter().enumerate().find_map(|(v, vs)| {
        let rel = file.strip_prefix(&vs.version.spec.dir).ok()?;
        let rel = source::slash_path(rel);
        let s = vs
            .version
            .sources
            .iter()
            .position(|src| src.rel_path == rel)?;
        Some((v, s))
    })
}

fn has_caveats(state: &SiteState, v: usize) -> bool {
    state.versions[v]
        .pages
        .iter()
        .any(|p| !p.body.caveats.is_empty())
}

/// Writes the search index of version `v` into `sink` (see
/// `write::write_search_index`); returns its key, for `SiteState::search_keys`.
pub fn write_version_search(
    state: &SiteState,
    v: usize,
    sink: &dyn Sink,
    cache: &BuildCache,
) -> blake3::Hash {
    let vs = &state.versions[v];
    let diags = Diagnostics::new();
    let out = Out {
        sink,
        diags: &diags,
    };
    write_search_index(&cache.search, &state.config, &vs.version, &vs.bodies(), out)
}

/// The output paths of the pages a body edit of `file` (relative to the site root)
/// can change: its own page and its version's caveats page.
pub fn affected_pages(state: &SiteState, file: &Path) -> Vec<String> {
    let Some((v, s)) = find_source(state, file) else {
        return Vec::new();
    };
    let version = &state.versions[v].version;
    let own = version
        .guides
        .iter()
        .filter(|g| g.source == s)
        .map(|g| g.path.clone())
        .chain(
            version
                .sections
                .iter()
                .filter(|x| x.source == Some(s))
                .map(|x| x.path.clone()),
        )
        .map(|path| format!("{path}index.html"));
    own.chain(std::iter::once(super::pages::caveats_path(version)))
        .collect()
}

/// The screenshot copies the site's pages show now: (output path, source file).
pub fn screenshots(state: &SiteState) -> Vec<(String, PathBuf)> {
    screenshot_copies(&state.assets, &state.versions)
}
