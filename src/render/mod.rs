//! Pages from the model with tera: the theme's templates (embedded default, overridable
//! file by file), template contexts as borrowed views, one function per page kind.

pub mod theme;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::{PageBody, Version};
use serde::Serialize;
use std::collections::BTreeMap;
use tera::{Context, Tera};
pub use theme::Theme;

/// Site-wide values every template sees as `site`.
#[derive(Serialize)]
pub struct SiteCtx<'a> {
    pub title: &'a str,
    pub language: &'a str,
    /// The URL prefix, e.g. `/docs/`.
    pub prefix: &'a str,
    pub base_url: &'a str,
    /// Theme asset name → hashed URL (`assets["style.css"]`).
    pub assets: &'a BTreeMap<String, String>,
    pub live_reload: bool,
    pub variants: Vec<VariantCtx<'a>>,
    /// The variant shown to a reader with no preference (the `default`, else the first).
    pub default_variant: Option<&'a str>,
}

#[derive(Serialize, Clone)]
pub struct VariantCtx<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub default: bool,
}

#[derive(Serialize)]
struct LinkCtx<'a> {
    title: &'a str,
    url: String,
}

/// One entry of the section navigation; `open` entries show their children.
#[derive(Serialize, Clone)]
pub struct NavItem {
    title: String,
    url: String,
    open: bool,
    children: Vec<NavItem>,
}

#[derive(Serialize)]
struct TocEntry<'a> {
    level: u8,
    id: &'a str,
    text: &'a str,
    /// Space-separated variants when the heading sits in a variant block.
    variants: Option<String>,
}

#[derive(Serialize)]
struct GuideCtx<'a> {
    title: &'a str,
    summary: Option<&'a str>,
    url: String,
    canonical: String,
    content: &'a str,
    toc: Vec<TocEntry<'a>>,
    updated: Option<&'a str>,
    edit_url: Option<String>,
    tags: &'a [String],
    applies_to: Vec<VariantCtx<'a>>,
    breadcrumbs: Vec<LinkCtx<'a>>,
    prev: Option<LinkCtx<'a>>,
    next: Option<LinkCtx<'a>>,
}

#[derive(Serialize)]
struct ListEntry<'a> {
    title: &'a str,
    url: String,
    summary: Option<&'a str>,
    applies_to: Vec<VariantCtx<'a>>,
}

#[derive(Serialize)]
struct SectionCtx<'a> {
    title: &'a str,
    summary: Option<&'a str>,
    url: String,
    canonical: String,
    content: &'a str,
    breadcrumbs: Vec<LinkCtx<'a>>,
    sections: Vec<SectionListCtx<'a>>,
    guides: Vec<ListEntry<'a>>,
    edit_url: Option<String>,
}

#[derive(Serialize)]
struct SectionListCtx<'a> {
    title: &'a str,
    url: String,
    summary: Option<&'a str>,
    guides: Vec<ListEntry<'a>>,
    guide_count: usize,
}

/// How many guides a home or section page lists under each subsection.
const GUIDES_PER_SUBSECTION: usize = 6;

/// Renders the pages of one version.
pub struct Renderer<'a> {
    pub tera: &'a Tera,
    pub site: &'a SiteCtx<'a>,
    pub config: &'a Config,
    pub version: &'a Version,
    /// Rendered markdown per source file of the version.
    pub bodies: &'a [PageBody],
    /// The navigation tree for a page in each section, computed once per section.
    pub nav: Vec<Vec<NavItem>>,
}

impl<'a> Renderer<'a> {
    pub fn new(
        tera: &'a Tera,
        site: &'a SiteCtx<'a>,
        config: &'a Config,
        version: &'a Version,
        bodies: &'a [PageBody],
    ) -> Self {
        let nav = (0..version.sections.len())
            .map(|s| nav_for(version, site.prefix, s))
            .collect();
        Renderer {
            tera,
            site,
            config,
            version,
            bodies,
            nav,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.site.prefix)
    }

    fn canonical(&self, path: &str) -> String {
        format!("{}{path}", self.site.base_url)
    }

    fn variants_of(&self, ids: Option<&'a Vec<String>>) -> Vec<VariantCtx<'a>> {
        let Some(ids) = ids else { return Vec::new() };
        self.site
            .variants
            .iter()
            .filter(|v| ids.iter().any(|id| id == v.id))
            .cloned()
            .collect()
    }

    fn edit_url(&self, source: usize) -> Option<String> {
        let template = self.config.edit_url.as_ref()?;
        let path = crate::source::slash_path(&self.version.sources[source].site_path);
        Some(template.replace("{path}", &path))
    }

    fn breadcrumbs(&self, section: usize) -> Vec<LinkCtx<'a>> {
        self.version
            .ancestors(section)
            .into_iter()
            .map(|s| {
                let sec = &self.version.sections[s];
                LinkCtx {
                    title: if s == 0 { self.site.title } else { &sec.title },
                    url: self.url(&sec.path),
                }
            })
            .collect()
    }

    fn guide_link(&self, g: usize) -> LinkCtx<'a> {
        LinkCtx {
            title: self.version.guide_title(g),
            url: self.url(&self.version.guides[g].path),
        }
    }

    fn list_entry(&self, g: usize) -> ListEntry<'a> {
        let src = &self.version.sources[self.version.guides[g].source];
        ListEntry {
            title: src.front.title.as_deref().unwrap_or(""),
            url: self.url(&self.version.guides[g].path),
            summary: src.front.summary.as_deref(),
            applies_to: self.variants_of(src.front.variants.as_ref()),
        }
    }

    pub fn guide(&self, g: usize) -> Result<String, tera::Error> {
        let guide = &self.version.guides[g];
        let src = &self.version.sources[guide.source];
        let body = &self.bodies[guide.source];
        let ctx = GuideCtx {
            title: src.front.title.as_deref().unwrap_or(""),
            summary: src.front.summary.as_deref(),
            url: self.url(&guide.path),
            canonical: self.canonical(&guide.path),
            content: &body.html,
            toc: body
                .headings
                .iter()
                .filter(|h| (2..=3).contains(&h.level))
                .map(|h| TocEntry {
                    level: h.level,
                    id: &h.id,
                    text: &h.text,
                    variants: h.variants.as_ref().map(|v| v.join(" ")),
                })
                .collect(),
            updated: src.front.updated.as_deref(),
            edit_url: self.edit_url(guide.source),
            tags: &src.front.tags,
            applies_to: self.variants_of(src.front.variants.as_ref()),
            breadcrumbs: self.breadcrumbs(guide.section),
            prev: guide.prev.map(|p| self.guide_link(p)),
            next: guide.next.map(|n| self.guide_link(n)),
        };
        let mut context = self.base_context();
        context.insert("page", &ctx);
        context.insert("nav", &self.nav[guide.section]);
        self.tera.render("guide.html", &context)
    }

    pub fn section(&self, s: usize) -> Result<String, tera::Error> {
        let sec = &self.version.sections[s];
        let subsections = sec
            .sections
            .iter()
            .map(|&c| {
                let child = &self.version.sections[c];
                SectionListCtx {
                    title: &child.title,
                    url: self.url(&child.path),
                    summary: child.summary.as_deref(),
                    guides: child
                        .guides
                        .iter()
                        .take(GUIDES_PER_SUBSECTION)
                        .map(|&g| self.list_entry(g))
                        .collect(),
                    guide_count: child.guides.len(),
                }
            })
            .collect();
        let ctx = SectionCtx {
            title: if s == 0 { self.site.title } else { &sec.title },
            summary: sec.summary.as_deref(),
            url: self.url(&sec.path),
            canonical: self.canonical(&sec.path),
            content: sec
                .source
                .map(|i| self.bodies[i].html.as_str())
                .unwrap_or(""),
            breadcrumbs: if s == 0 {
                Vec::new()
            } else {
                self.breadcrumbs(s)
            },
            sections: subsections,
            guides: sec.guides.iter().map(|&g| self.list_entry(g)).collect(),
            edit_url: sec.source.and_then(|i| self.edit_url(i)),
        };
        let mut context = self.base_context();
        context.insert("page", &ctx);
        context.insert("nav", &self.nav[s]);
        let template = if s == 0 { "home.html" } else { "section.html" };
        self.tera.render(template, &context)
    }

    pub fn not_found(&self) -> Result<String, tera::Error> {
        let mut context = self.base_context();
        context.insert("nav", &self.nav[0]);
        context.insert("home_url", &self.url(&self.version.sections[0].path));
        self.tera.render("404.html", &context)
    }

    /// A page at an old URL (`aliases`) that sends the reader to `target_path`.
    pub fn redirect(&self, target_path: &str) -> Result<String, tera::Error> {
        let mut context = self.base_context();
        context.insert("target", &self.url(target_path));
        context.insert("canonical", &self.canonical(target_path));
        self.tera.render("redirect.html", &context)
    }

    fn base_context(&self) -> Context {
        let mut context = Context::new();
        context.insert("site", self.site);
        let home = self
            .version
            .sections
            .first()
            .map_or("", |s| s.path.as_str());
        context.insert("home_url", &self.url(home));
        context
    }
}

/// The sidebar for a page in section `current`: top-level sections, with the sections
/// on the way to `current` opened to show their subsections and guides.
fn nav_for(version: &Version, prefix: &str, current: usize) -> Vec<NavItem> {
    let open: Vec<usize> = version.ancestors(current);
    nav_children(version, prefix, 0, &open)
}

fn nav_children(version: &Version, prefix: &str, s: usize, open: &[usize]) -> Vec<NavItem> {
    let sec = &version.sections[s];
    let mut items: Vec<NavItem> = sec
        .guides
        .iter()
        .map(|&g| NavItem {
            title: version.guide_title(g).to_string(),
            url: format!("{prefix}{}", version.guides[g].path),
            open: false,
            children: Vec::new(),
        })
        .collect();
    for &c in &sec.sections {
        let child = &version.sections[c];
        let is_open = open.contains(&c);
        items.push(NavItem {
            title: child.title.clone(),
            url: format!("{prefix}{}", child.path),
            open: is_open,
            children: if is_open {
                nav_children(version, prefix, c, open)
            } else {
                Vec::new()
            },
        });
    }
    items
}

/// A template error as a diagnostic on the template's file.
pub fn template_error(name: &str, err: &tera::Error) -> Diagnostic {
    use std::error::Error as _;
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Diagnostic::error("template", format!("templates/{name}"), message)
}
