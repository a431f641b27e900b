//! What a build made that later stages and rebuilds use: the site's state after a
//! build, one `VersionState` per version.

use super::cache::CachedPage;
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{PageBody, Version, VersionIndex};
use crate::render::{Renderer, SiteCtx, SiteRender, Theme, VariantCtx};
use crate::screenshots::Screenshots;
use crate::screenshots::{ImageError, ImageInfo};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What one build made that a rebuild after a save can reuse.
pub struct SiteState {
    pub config: Config,
    pub theme: Theme,
    pub assets: Screenshots,
    pub prefix: String,
    pub base_url: String,
    /// The build's date (`YYYY-MM-DD`) when it has one (`BuildOptions::today`).
    pub today: Option<String>,
    pub versions: Vec<VersionState>,
    pub indexes: Vec<VersionIndex>,
    /// What root-relative links may lead to, for rendering markdown again.
    pub site_paths: crate::markdown::SitePaths,
    /// The search index fingerprint of each version (`BuildCache::search`).
    pub search_keys: Vec<blake3::Hash>,
    /// Diagnostics of reading the sources and the configuration against them.
    pub read_diags: Vec<Diagnostic>,
    /// Diagnostics of the theme, the templates and writing the output.
    /// (Markdown and anchor diagnostics are kept per version.)
    pub write_diags: Vec<Diagnostic>,
}

/// A screenshot as a page found it.
pub type ShownImage = Result<Arc<ImageInfo>, ImageError>;

/// One version as built: its sources and the rendering of each.
pub struct VersionState {
    pub version: Version,
    /// Version-relative `.md` path → path within the version, for `RenderEnv`.
    pub local_targets: HashMap<String, String>,
    /// The rendering of each source, by index.
    pub pages: Vec<Arc<CachedPage>>,
    /// The markdown diagnostics of each source, by index.
    pub page_diags: Vec<Vec<Diagnostic>>,
    /// The screenshots each source shows (or tries to), by index, as found in this
    /// version's folder (a rendering may be shared with another version).
    pub images: Vec<Vec<ShownImage>>,
    /// The missing-anchor warnings of each source's links, by index.
    pub anchor_diags: Vec<Vec<Diagnostic>>,
    /// Version-relative `.md` path → source index.
    pub by_rel_path: HashMap<String, usize>,
    /// The markdown diagnostics of the files left out for errors in their front matter.
    pub rejected_diags: Vec<Diagnostic>,
    /// The files that those left-out files include (version-relative paths).
    pub rejected_includes: Vec<String>,
    /// The warnings of the version's partials: one that no page includes, one with
    /// front matter (which is not included).
    pub partial_diags: Vec<Diagnostic>,
}

impl VersionState {
    /// Lets go of the markdown text of the version's sources (see
    /// `BuildOptions::forget_source_text`): a sixth of a cold build's peak memory.
    pub fn forget_source_text(&mut self) {
        for source in &mut self.version.sources {
            source.body = String::new();
        }
    }

    /// Whether source `s` shows (or tries to show) a screenshot made of any of
    /// `files` (images, sidecars, twins; relative to the site root).
    pub fn shows_any(&self, s: usize, files: &[PathBuf]) -> bool {
        self.images[s].iter().any(|shown| {
            let made_of = match shown {
                Ok(img) => &img.files,
                Err(ImageError::Data { files, .. }) => files,
                Err(_) => return false,
            };
            made_of.iter().any(|f| files.contains(f))
        })
    }

    /// Whether source `s` links (without showing it) a file made of any of `files`:
    /// a linked image is published redacted by its sidecar, so a sidecar save
    /// changes the link's target.
    pub fn links_any(&self, s: usize, files: &[PathBuf], assets: &Screenshots) -> bool {
        self.pages[s].file_srcs().any(|(from, src)| {
            let written_in = self.version.spec.dir.join(from);
            let dir = written_in.parent().unwrap_or(Path::new(""));
            assets
                .linked_file_parts(dir, src)
                .iter()
                .any(|part| files.contains(part))
        })
    }

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
            all.extend(v.partial_diags.iter().cloned());
        }
        all.extend(self.screenshot_diagnostics());
        all.into_sorted()
    }

    /// The diagnostics of the sidecars and dark twins of the screenshots that pages
    /// show, once per screenshot however many pages show it.
    fn screenshot_diagnostics(&self) -> Vec<Diagnostic> {
        let mut seen: HashSet<&[PathBuf]> = HashSet::new();
        let mut diags = Vec::new();
        for shown in self.versions.iter().flat_map(|v| v.images.iter().flatten()) {
            let (files, ds) = match shown {
                Ok(img) => (&img.files, &img.notes),
                Err(ImageError::Data { files, diags }) => (files, diags),
                Err(_) => continue,
            };
            if !ds.is_empty() && seen.insert(files.as_slice()) {
                diags.extend(ds.iter().cloned());
            }
        }
        diags
    }

    /// What the renderers of every version share.
    pub fn site_render(&self, live_reload: bool) -> SiteRender<'_> {
        SiteRender {
            tera: &self.theme.tera,
            site: self.site_ctx(live_reload),
            config: &self.config,
            versions: &self.indexes,
            today: self.today.as_deref(),
            default_nav: self.theme.default_nav,
            default_templates: self.theme.default_templates,
            checked_shapes: Default::default(),
        }
    }

    /// What every template sees as `site`.
    fn site_ctx(&self, live_reload: bool) -> SiteCtx<'_> {
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
    pub(super) fn renderer<'a>(
        &'a self,
        shared: &'a SiteRender<'a>,
        v: usize,
        bodies: &'a [Arc<PageBody>],
    ) -> Renderer<'a> {
        Renderer::new(shared, &self.versions[v].version, bodies)
    }
}
