//! Reading a version's sources and rendering their markdown, in parallel and through
//! the cache.

use super::cache::CachedPage;
use super::checks::{
    anchor_diagnostics, anchor_exists, guide_variant_diagnostics, missing_anchor,
    partial_diagnostics,
};
use super::state::{ShownImage, VersionState};
use super::BuildCache;
use crate::config::{Config, VersionSpec};
use crate::diag::{Diagnostic, Diagnostics};
use crate::markdown::{PageInput, RenderEnv, SitePaths};
use crate::model::Version;
use crate::screenshots::Screenshots;
use crate::source;
use crate::source::include_files::IncludeFiles;
use crate::url::encode_path;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Reads the version folder of `spec` into the model of the version; also returns
/// the files left out of it for errors in their front matter.
pub(super) fn read_version(
    root: &Path,
    spec: VersionSpec,
    include_drafts: bool,
    fronts: &source::ParsedTextCache,
    diags: &Diagnostics,
) -> (Version, Vec<source::SourceFile>) {
    let (tree, rejected, ds) = source::read_tree(root, &spec.dir, include_drafts, fronts);
    diags.extend(ds);
    let mut model_diags = Vec::new();
    let version = Version::build(spec, tree, &mut model_diags);
    diags.extend(model_diags);
    (version, rejected)
}

/// What rendering the markdown of any version of a site needs.
pub(super) struct MarkdownJob<'a> {
    pub config: &'a Config,
    pub assets: &'a Screenshots,
    /// Every version's folder, relative to the site root.
    pub version_dirs: Vec<PathBuf>,
    pub cache: &'a BuildCache,
    /// The site's console variants: (id, label).
    pub variants: Vec<(String, String)>,
    /// What root-relative links may lead to.
    pub site: &'a SitePaths,
    /// Show candidate caveats (`BuildOptions::show_candidates`).
    pub show_candidates: bool,
    /// The files pages include, each read once by this job (so a job sees the files
    /// as they are when it runs: every build and `serve` rebuild makes its own).
    pub includes: IncludeFiles,
}

impl<'a> MarkdownJob<'a> {
    /// `root`: the site folder, canonical.
    pub(super) fn new(
        root: &Path,
        config: &'a Config,
        assets: &'a Screenshots,
        cache: &'a BuildCache,
        site: &'a SitePaths,
        show_candidates: bool,
    ) -> Self {
        MarkdownJob {
            config,
            site,
            assets,
            version_dirs: config.version_specs().into_iter().map(|v| v.dir).collect(),
            cache,
            variants: config.variant_labels(),
            show_candidates,
            includes: IncludeFiles::new(root.to_path_buf()),
        }
    }

    /// Markdown of every page of a version, in parallel and through the cache; then
    /// the `#anchor` checks, which need the headings of every page; then the checks
    /// of the bodies of `rejected` files (left out for errors in their front matter).
    pub(super) fn render_version(
        &self,
        version: Version,
        rejected: &[source::SourceFile],
    ) -> VersionState {
        let local_targets = local_targets(&version);
        let env = self.env(&version, &local_targets);
        let rendered: Vec<Rendered> = version
            .sources
            .par_iter()
            .map(|src| self.render_source(&env, src))
            .collect();
        let mut pages = Vec::with_capacity(rendered.len());
        let mut page_diags = Vec::with_capacity(rendered.len());
        let mut images = Vec::with_capacity(rendered.len());
        for r in rendered {
            pages.push(r.page);
            page_diags.push(r.diags);
            images.push(r.images);
        }
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
            images,
            anchor_diags: Vec::new(),
            by_rel_path,
            rejected_diags: Vec::new(),
            rejected_includes: Vec::new(),
            partial_diags: Vec::new(),
        };
        state.anchor_diags = anchor_diagnostics(&state);
        (state.rejected_diags, state.rejected_includes) = self.check_rejected(&state, rejected);
        state.partial_diags = partial_diagnostics(&state, &self.includes);
        state
    }

    /// The diagnostics of the bodies of files left out for errors in their front
    /// matter, rendered like pages (links, directives, screenshots, anchors) but not
    /// published; and the files they include (which are not unused).
    fn check_rejected(
        &self,
        state: &VersionState,
        rejected: &[source::SourceFile],
    ) -> (Vec<Diagnostic>, Vec<String>) {
        let env = self.env(&state.version, &state.local_targets);
        let version_dir = &state.version.spec.dir;
        let checked: Vec<(Vec<Diagnostic>, Vec<String>)> = rejected
            .par_iter()
            .map(|src| {
                let page = crate::markdown::render_page(&env, &page_input(src));
                let anchors: Vec<Diagnostic> = page
                    .anchor_checks
                    .iter()
                    .filter(|check| {
                        // The page is no page of the version: links within it are
                        // checked against its own headings.
                        let own = check.target == src.rel_path
                            && (page.headings.iter().any(|h| h.id == check.anchor)
                                || page.anchors.contains(&check.anchor));
                        !own && !anchor_exists(state, check)
                    })
                    .map(|check| missing_anchor(src, version_dir, check))
                    .collect();
                let includes = page
                    .deps
                    .iter()
                    .filter_map(|d| match d {
                        crate::markdown::RenderDep::Include { path, .. } => Some(path.clone()),
                        _ => None,
                    })
                    .collect();
                (page.diags.into_iter().chain(anchors).collect(), includes)
            })
            .collect();
        let (diags, includes): (Vec<_>, Vec<_>) = checked.into_iter().unzip();
        (
            diags.into_iter().flatten().collect(),
            includes.into_iter().flatten().collect(),
        )
    }

    /// What every page of `version` shares while rendering.
    pub(super) fn env<'v>(
        &'v self,
        version: &'v Version,
        local_targets: &'v HashMap<String, String>,
    ) -> RenderEnv<'v> {
        RenderEnv {
            targets: local_targets,
            assets: self.assets,
            highlights: &self.cache.highlights,
            version_dir: &version.spec.dir,
            max_screenshot_kb: self.config.build.max_screenshot_kb,
            variants: &self.variants,
            other_version_dirs: self
                .version_dirs
                .iter()
                .filter(|d| **d != version.spec.dir)
                .map(PathBuf::as_path)
                .collect(),
            site: self.site,
            show_candidates: self.show_candidates,
            includes: &self.includes,
        }
    }

    /// One source's rendering (cached or new), its diagnostics and its screenshots.
    pub(super) fn render_source(&self, env: &RenderEnv, src: &source::SourceFile) -> Rendered {
        let page = self.cache.markdown.render(env, &page_input(src), &src.hash);
        let mut diags = page.diags_in(env.version_dir);
        diags.extend(guide_variant_diagnostics(&self.variants, src));
        // The rendering may come from another version's file with the same text: the
        // screenshots are looked up again here (a hit in `Screenshots`), so that their
        // files and diagnostics are this version's.
        let page_dir = crate::markdown::page_dir(env, &src.rel_path);
        let images = page
            .image_srcs()
            .map(|src| env.assets.image(&page_dir, src))
            .collect();
        Rendered {
            page,
            diags,
            images,
        }
    }
}

/// One source rendered for one version.
pub(super) struct Rendered {
    pub page: Arc<CachedPage>,
    pub diags: Vec<Diagnostic>,
    /// What each screenshot of the page resolved to in this version.
    pub images: Vec<ShownImage>,
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
        title_at: src.heading.as_ref().map(|h| h.start),
    }
}

/// Version-relative `.md` path → the page's path within the version (`a/b/`),
/// percent-encoded, as links in the markdown write it.
fn local_targets(version: &Version) -> HashMap<String, String> {
    let vprefix = version.spec.url_prefix.as_str();
    version
        .targets
        .iter()
        .map(|(k, v)| {
            let local = v.strip_prefix(vprefix).unwrap_or(v);
            (k.clone(), encode_path(local).into_owned())
        })
        .collect()
}

/// Everything a root-relative link may name (`markdown::SitePaths`): the pages,
/// sections and aliases of every version, the caveats pages, the site's static files,
/// the theme's files and the files guidepost writes at the root.
pub(super) fn site_paths(
    prefix: &str,
    versions: &[&Version],
    theme: &crate::render::Theme,
) -> SitePaths {
    let mut paths: Vec<String> = Vec::new();
    for v in versions {
        let vprefix = &v.spec.url_prefix;
        paths.extend(v.guides.iter().map(|g| g.path.clone()));
        paths.extend(v.sections.iter().map(|s| s.path.clone()));
        paths.push(format!("{vprefix}caveats/"));
        for g in &v.guides {
            for alias in &v.sources[g.source].front.aliases {
                if let Some(a) = crate::model::local_alias(alias) {
                    paths.push(format!("{vprefix}{a}"));
                }
            }
        }
    }
    paths.extend(theme.site_static.iter().map(|(p, _)| p.clone()));
    paths.extend(theme.assets.iter().map(|(p, _)| p.clone()));
    paths.extend(
        ["sitemap.xml", "robots.txt", "versions.json", "404.html"]
            .iter()
            .map(|p| p.to_string()),
    );
    let pages = versions.iter().flat_map(|v| {
        v.targets
            .iter()
            .map(|(md, path)| (path.clone(), v.spec.dir.clone(), md.clone()))
    });
    SitePaths::new(prefix, paths).with_pages(pages)
}
