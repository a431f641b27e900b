//! The pages of a built site by what renders them: the list a build renders and
//! writes, and the index `serve` renders a page from when a browser asks for it.

use super::checks::alias_pages;
use super::state::SiteState;
use crate::diag::Diagnostic;
use crate::model::{self, Version};
use crate::render::Renderer;
use rayon::prelude::*;
use std::collections::HashMap;

/// A page of one version, by what renders it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageRef {
    Guide(usize),
    Section(usize),
    /// The version's `/caveats/` page.
    Caveats,
    /// `404.html` (the current version's).
    NotFound,
    /// The page at an alias of guide `.0` that sends readers to it.
    Redirect(usize),
}

/// Every page of `version` with its output path (`a/b/index.html`), in the order a
/// build writes them: a later page at the same path replaces an earlier one. Also the
/// errors of aliases that cannot have a page.
pub(super) fn version_pages(version: &Version) -> (Vec<(String, PageRef)>, Vec<Diagnostic>) {
    let mut pages: Vec<(String, PageRef)> = version
        .guides
        .iter()
        .enumerate()
        .map(|(g, guide)| (format!("{}index.html", guide.path), PageRef::Guide(g)))
        .collect();
    // A section at a name guidepost writes itself is an error at its markdown
    // (`model::reserved_name`); its page is not written over that file.
    pages.extend(
        version
            .sections
            .iter()
            .enumerate()
            .filter(|(_, sec)| model::reserved_name(&version.spec.url_prefix, &sec.path).is_none())
            .map(|(s, sec)| (format!("{}index.html", sec.path), PageRef::Section(s))),
    );
    if version.spec.current {
        pages.push(("404.html".to_string(), PageRef::NotFound));
    }
    let (redirects, problems) = alias_pages(version);
    pages.extend(
        redirects
            .into_iter()
            .map(|(path, g)| (format!("{path}index.html"), PageRef::Redirect(g))),
    );
    pages.push((caveats_path(version), PageRef::Caveats));
    (pages, problems)
}

/// The output path of the version's `/caveats/` page.
pub(super) fn caveats_path(version: &Version) -> String {
    format!("{}caveats/index.html", version.spec.url_prefix)
}

/// The template that renders `page`.
pub(super) fn template_of(page: PageRef) -> &'static str {
    match page {
        PageRef::Guide(_) => "guide.html",
        PageRef::Section(0) => "home.html",
        PageRef::Section(_) => "section.html",
        PageRef::Caveats => "caveats.html",
        PageRef::NotFound => "404.html",
        PageRef::Redirect(_) => "redirect.html",
    }
}

/// The template and context of `page` (see `render`).
pub(super) fn context(r: &Renderer, page: PageRef) -> crate::render::PageContext {
    match page {
        PageRef::Guide(g) => r.guide_context(g),
        PageRef::Section(s) => r.section_context(s),
        PageRef::Caveats => r.caveats_context(),
        PageRef::NotFound => r.not_found_context(),
        PageRef::Redirect(g) => r.redirect_context(&r.version.guides[g].path),
    }
}

/// What the persistent cache keys `page` by: its template and context, and for a
/// spliced guide page the parts spliced into it (`Renderer::guide_key_parts`, whose
/// context has placeholders: such a page is rendered by `render`, not from it).
pub(super) fn key_context(
    r: &Renderer,
    page: PageRef,
) -> (crate::render::PageContext, Option<Vec<u8>>) {
    if let PageRef::Guide(g) = page {
        if let Some((context, parts)) = r.guide_key_parts(g) {
            return (context, Some(parts));
        }
    }
    (context(r, page), None)
}

/// The HTML of `page`, rendered by `r` (the renderer of its version).
pub(super) fn render(r: &Renderer, page: PageRef) -> Result<String, tera::Error> {
    match page {
        PageRef::Guide(g) => r.guide(g),
        PageRef::Section(s) => r.section(s),
        PageRef::Caveats => r.caveats_page(),
        PageRef::NotFound => r.not_found(),
        PageRef::Redirect(g) => r.redirect(&r.version.guides[g].path),
    }
}

/// Whether `page` renders without a template error, as `render` would tell, for a
/// build that throws its pages away (`check`): a guide's page is not written whole
/// (`Renderer::check_guide`).
pub(super) fn check(r: &Renderer, page: PageRef) -> Result<(), tera::Error> {
    match page {
        PageRef::Guide(g) => r.check_guide(g),
        _ => render(r, page).map(drop),
    }
}

/// Every page of the site: output path → (version, page). Where two pages of the
/// site share a path, the one a build writes last is kept, as in the build's output.
pub fn page_index(state: &SiteState) -> HashMap<String, (usize, PageRef)> {
    let mut index = HashMap::new();
    for (v, vs) in state.versions.iter().enumerate() {
        for (path, page) in version_pages(&vs.version).0 {
            index.insert(path, (v, page));
        }
    }
    index
}

/// Renders one page of `state` (version `v`) as served or built with `live_reload`;
/// a template error as its diagnostic.
pub fn render_one(
    state: &SiteState,
    live_reload: bool,
    v: usize,
    page: PageRef,
) -> Result<String, Diagnostic> {
    let shared = state.site_render(live_reload);
    let bodies = state.versions[v].bodies();
    let renderer = state.renderer(&shared, v, &bodies);
    render(&renderer, page).map_err(|e| crate::render::template_error(template_of(page), &e))
}

/// Renders every page of `index` (as `page_index` gives it) in parallel and keeps
/// only each one's hash: Ok(the hashes), or Err(the template errors). None when
/// `stop` said to give up.
pub(super) fn check_all(
    state: &SiteState,
    live_reload: bool,
    index: &HashMap<String, (usize, PageRef)>,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Result<HashMap<String, blake3::Hash>, Vec<Diagnostic>>> {
    let shared = state.site_render(live_reload);
    let bodies: Vec<_> = state.versions.iter().map(|vs| vs.bodies()).collect();
    let renderers: Vec<Renderer> = bodies
        .iter()
        .enumerate()
        .map(|(v, b)| state.renderer(&shared, v, b))
        .collect();
    let results: Option<Vec<(&String, Result<blake3::Hash, Diagnostic>)>> = index
        .par_iter()
        .map(|(path, &(v, page))| {
            if stop() {
                return None;
            }
            let hash = render(&renderers[v], page)
                .map(|html| blake3::hash(html.as_bytes()))
                .map_err(|e| crate::render::template_error(template_of(page), &e));
            Some((path, hash))
        })
        .collect();
    let mut hashes = HashMap::new();
    let mut errors = Vec::new();
    for (path, result) in results? {
        match result {
            Ok(hash) => {
                hashes.insert(path.clone(), hash);
            }
            Err(e) => errors.push(e),
        }
    }
    Some(if errors.is_empty() {
        Ok(hashes)
    } else {
        Err(errors)
    })
}
