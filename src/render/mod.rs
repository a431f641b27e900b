//! Pages from the model with tera: the theme's templates (embedded default, overridable
//! file by file), template contexts as borrowed views, one function per page kind.

mod context;
mod guide;
mod nav;
mod shape;
mod splice;
mod switcher;
pub mod theme;
mod toc;

/// What the part of a default template from `start` to the end of the first `end`
/// after it renders to with `context`, by tera with guidepost's escaping: what a
/// writer that replaces that part must give byte for byte (tests of `toc`, `switcher`).
#[cfg(test)]
fn default_template_part(template: &str, start: &str, end: &str, context: &Context) -> String {
    let from = template
        .find(start)
        .expect("the part's start is in the template");
    let to = from
        + template[from..]
            .find(end)
            .expect("the part's end is in the template")
        + end.len();
    let mut tera = Tera::default();
    tera.set_escape_fn(crate::html::escape);
    tera.add_raw_template("part.html", &template[from..to])
        .expect("the part is a template");
    tera.render("part.html", context).expect("the part renders")
}

pub use context::{SiteCtx, VariantCtx};
pub use theme::Theme;

use crate::config::Config;
use crate::dates::is_over_a_year_before;
use crate::diag::Diagnostic;
use crate::markdown::report_marks::fill_marks_and_base;
use crate::model::{PageBody, Version, VersionIndex};
use crate::url::encode_path;
use context::*;
use nav::{depends_on_guide, nav_for, NavItem};
use std::borrow::Cow;
use std::sync::Arc;
use tera::{Context, Tera};

/// How many guides a home or section page lists under each subsection.
const GUIDES_PER_SUBSECTION: usize = 6;

/// A page before tera renders it: its template and the context the template sees
/// (a persistent cache may know the HTML it gives: `persist::pages`).
pub struct PageContext {
    pub template: &'static str,
    pub context: Context,
}

impl PageContext {
    fn new(template: &'static str, context: Context) -> PageContext {
        PageContext { template, context }
    }
}

/// What the renderers of every version of a site share.
pub struct SiteRender<'a> {
    pub tera: &'a Tera,
    /// What every template sees as `site`.
    pub site: SiteCtx<'a>,
    pub config: &'a Config,
    /// Every version of the site, for the switcher and the old-version banner.
    pub versions: &'a [VersionIndex],
    /// The build's date when it has one, for marking stale caveats.
    pub today: Option<&'a str>,
    /// Whether the theme's sidebar list is the default one (`Theme::default_nav`):
    /// pages then get it written as `nav_html` too.
    pub default_nav: bool,
    /// Whether every template is the default one (`Theme::default_templates`): pages
    /// then get only `nav_html`, and `nav` empty.
    pub default_templates: bool,
    /// The shapes of guide pages `check` found to render (`shape`), in any version.
    pub checked_shapes: shape::CheckedShapes,
}

/// Renders the pages of one version.
pub struct Renderer<'a> {
    pub tera: &'a Tera,
    pub site: &'a SiteCtx<'a>,
    pub config: &'a Config,
    pub version: &'a Version,
    /// Rendered markdown per source file of the version.
    pub bodies: &'a [Arc<PageBody>],
    /// What links to pages of the version start with (`markdown::VERSION_BASE`).
    version_base: String,
    /// The navigation tree for a page in each section, computed once per section when
    /// first needed (a one-page rebuild needs one).
    nav: Vec<std::sync::OnceLock<Vec<NavItem>>>,
    /// The sidebar's links, written once each for every page of the version.
    nav_links: nav::NavLinks<'a>,
    has_caveats: bool,
    default_nav: bool,
    default_templates: bool,
    checked_shapes: &'a shape::CheckedShapes,
    today: Option<&'a str>,
    versions: &'a [VersionIndex],
    /// The site's consoles (id, label), for report links.
    variant_labels: Vec<(String, String)>,
}

impl<'a> Renderer<'a> {
    /// The renderer of `version`, whose sources rendered to `bodies`.
    pub fn new(
        shared: &'a SiteRender<'a>,
        version: &'a Version,
        bodies: &'a [Arc<PageBody>],
    ) -> Self {
        let nav = (0..version.sections.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        Renderer {
            tera: shared.tera,
            site: &shared.site,
            config: shared.config,
            version,
            bodies,
            version_base: format!("{}{}", shared.site.prefix, version.spec.url_prefix),
            nav,
            nav_links: nav::NavLinks::new(version, shared.site.prefix),
            has_caveats: bodies.iter().any(|b| !b.caveats.is_empty()),
            default_nav: shared.default_nav,
            default_templates: shared.default_templates,
            checked_shapes: &shared.checked_shapes,
            today: shared.today,
            versions: shared.versions,
            variant_labels: shared.config.variant_labels(),
        }
    }

    /// Rendered markdown with its links completed for this version.
    fn linked(&self, html: &'a str) -> Cow<'a, str> {
        crate::markdown::with_version_base(html, &self.version_base)
    }

    /// A section page's rendered markdown, unpacked: no report links there, links
    /// completed.
    fn section_content(&self, source: usize) -> String {
        let html = self.bodies[source].html.unpack();
        fill_marks_and_base(&html, &self.version_base, |_| String::new())
    }

    /// The navigation tree for a page in section `s`.
    fn nav(&self, s: usize) -> &Vec<NavItem> {
        self.nav[s].get_or_init(|| nav_for(self.version, self.site.prefix, s, None))
    }

    /// The navigation tree for the page of guide `g`: its section's, unless the
    /// section is so big that the sidebar lists only the guides around `g`.
    fn guide_nav(&self, g: usize) -> Cow<'_, [NavItem]> {
        let s = self.version.guides[g].section;
        if depends_on_guide(self.version, s) {
            Cow::Owned(nav_for(self.version, self.site.prefix, s, Some(g)))
        } else {
            Cow::Borrowed(self.nav(s).as_slice())
        }
    }

    /// Puts the sidebar of a page in section `s` (the page of guide `guide`, when it
    /// is one) whose URL is `current` into `context`: as `nav` items for the
    /// templates, and written as the default theme's list (`nav_html`) while the
    /// theme's `macros.html` is the default one. The default templates read only
    /// `nav_html`: with no template of the site's own, `nav` is left empty.
    fn insert_nav(&self, context: &mut Context, s: usize, guide: Option<usize>, current: &str) {
        if self.default_templates {
            context.insert("nav", &[] as &[NavItem]);
            if self.has_sidebar() {
                let mut html = String::with_capacity(8 * 1024);
                self.write_default_nav(&mut html, s, guide, current);
                context.insert("nav_html", &html);
            }
            return;
        }
        let items = match guide {
            Some(g) => self.guide_nav(g),
            None => Cow::Borrowed(self.nav(s).as_slice()),
        };
        context.insert("nav", items.as_ref());
        if self.default_nav && !items.is_empty() {
            let mut html = String::with_capacity(8 * 1024);
            nav::write_nav_list(&mut html, &items, current);
            context.insert("nav_html", &html);
        }
    }

    /// Whether pages have a sidebar (with every template the default one).
    fn has_sidebar(&self) -> bool {
        let home = &self.version.sections[0];
        !(home.guides.is_empty() && home.sections.is_empty())
    }

    /// The sidebar `insert_nav` writes as `nav_html` with every template the default
    /// one, appended to `out`.
    fn write_default_nav(&self, out: &mut String, s: usize, guide: Option<usize>, current: &str) {
        let guide = guide.filter(|_| depends_on_guide(self.version, s));
        nav::write_nav(out, &self.nav_links, s, guide, current);
    }

    /// A page path without this version's prefix (`2013/a/b/` → `a/b/`).
    fn local<'p>(&self, path: &'p str) -> &'p str {
        path.strip_prefix(self.version.spec.url_prefix.as_str())
            .unwrap_or(path)
    }

    /// The canonical URL of a page: itself, or for a frozen version the same page in
    /// the current version (its home if the page is gone there).
    fn canonical_for(&self, path: &str, aliases: &[String]) -> String {
        match self.versions.iter().find(|v| v.current) {
            Some(current) if !self.version.spec.current => {
                let target = current.counterpart(self.local(path), aliases);
                self.canonical(&format!("{}{target}", current.url_prefix))
            }
            _ => self.canonical(path),
        }
    }

    /// The context every page shares, plus the version switcher for the page at `path`.
    fn page_context(&self, path: &str, aliases: &[String]) -> Context {
        self.page_context_with(path, aliases, None)
    }

    /// `page_context`; with `spliced`, the switcher's links are put there instead of
    /// into the context, which gets a placeholder for them (`switcher::write_links`).
    fn page_context_with(
        &self,
        path: &str,
        aliases: &[String],
        spliced: Option<&mut Vec<VersionLinkCtx<'a>>>,
    ) -> Context {
        let mut context = self.base_context();
        if self.versions.len() > 1 || self.config.versions.len() > 1 {
            let local = self.local(path);
            let links: Vec<VersionLinkCtx> = self
                .versions
                .iter()
                .map(|v| VersionLinkCtx {
                    id: &v.id,
                    label: &v.label,
                    url: self.url(&format!(
                        "{}{}",
                        v.url_prefix,
                        v.counterpart(local, aliases)
                    )),
                    active: v.id == self.version.spec.id,
                    current: v.current,
                })
                .collect();
            if !self.version.spec.current {
                if let Some(current) = links.iter().find(|l| l.current) {
                    context.insert(
                        "old_version",
                        &OldVersionCtx {
                            label: &self.version.spec.label,
                            current_label: current.label,
                            current_url: current.url.clone(),
                        },
                    );
                }
            }
            context.insert("version_label", &self.version.spec.label);
            match spliced {
                Some(kept) => {
                    // The default `base.html` only tests `version_links`.
                    context.insert("version_links", &!links.is_empty());
                    if !links.is_empty() {
                        context.insert("version_links_html", splice::VERSION_LINKS);
                    }
                    *kept = links;
                }
                None => context.insert("version_links", &links),
            }
        }
        context
    }

    /// The URL of the page at `path` (below the site prefix; raw names, encoded here).
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.site.prefix, encode_path(path))
    }

    fn canonical(&self, path: &str) -> String {
        format!("{}{}", self.site.base_url, encode_path(path))
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
        Some(template.replace("{path}", &encode_path(&path)))
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
            title: src.title.as_deref().unwrap_or(""),
            url: self.url(&self.version.guides[g].path),
            summary: src.front.summary.as_deref(),
            applies_to: self.variants_of(src.front.variants.as_ref()),
        }
    }

    pub fn section(&self, s: usize) -> Result<String, tera::Error> {
        self.render(self.section_context(s))
    }

    /// What `section` renders.
    pub fn section_context(&self, s: usize) -> PageContext {
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
        let title = if s == 0 { self.site.title } else { &sec.title };
        let source = sec.source.map(|i| &self.version.sources[i]);
        let ctx = SectionCtx {
            title,
            heading: source
                .and_then(|src| src.heading.as_ref())
                .map_or(title, |h| h.text.as_str()),
            heading_id: sec.source.and_then(|i| self.bodies[i].title_id.as_deref()),
            summary: sec.summary.as_deref(),
            url: self.url(&sec.path),
            canonical: self.canonical_for(&sec.path, &[]),
            content: sec
                .source
                .map(|i| Cow::Owned(self.section_content(i)))
                .unwrap_or_default(),
            breadcrumbs: if s == 0 {
                Vec::new()
            } else {
                self.breadcrumbs(s)
            },
            sections: subsections,
            guides: sec.guides.iter().map(|&g| self.list_entry(g)).collect(),
            edit_url: sec.source.and_then(|i| self.edit_url(i)),
        };
        let mut context = self.page_context(&sec.path, &[]);
        context.insert("page", &ctx);
        self.insert_nav(&mut context, s, None, &ctx.url);
        let template = if s == 0 { "home.html" } else { "section.html" };
        PageContext::new(template, context)
    }

    fn caveat_ctx(&self, c: &'a crate::markdown::Caveat) -> CaveatCtx<'a> {
        CaveatCtx {
            id: &c.id,
            severity: &c.severity,
            summary: summary_of(&c.text, 110),
            html: self.linked(&c.html),
            footer: crate::markdown::caveats::caveat_footer(c),
            variants: c.variants.as_ref().map(|v| v.join(" ")),
            verified: c.verified.as_deref(),
            stale: self.today.is_some_and(|today| {
                c.verified
                    .as_deref()
                    .is_some_and(|v| is_over_a_year_before(v, today))
            }),
            step_id: c.step.as_ref().map(|(id, _)| id.as_str()),
            step_title: c.step.as_ref().map(|(_, t)| t.as_str()),
        }
    }

    /// Whether any page of the version has a caveat (the navigation links the page).
    pub fn has_caveats(&self) -> bool {
        self.bodies.iter().any(|b| !b.caveats.is_empty())
    }

    /// The version's `/caveats/` page: every caveat, by guide in reading order.
    pub fn caveats_page(&self) -> Result<String, tera::Error> {
        self.render(self.caveats_context())
    }

    /// What `caveats_page` renders.
    pub fn caveats_context(&self) -> PageContext {
        let v = self.version;
        let guides: Vec<CaveatGuideCtx> = v
            .reading_order
            .iter()
            .filter_map(|&g| {
                let body = &self.bodies[v.guides[g].source];
                (!body.caveats.is_empty()).then(|| CaveatGuideCtx {
                    title: v.guide_title(g),
                    url: self.url(&v.guides[g].path),
                    caveats: body.caveats.iter().map(|c| self.caveat_ctx(c)).collect(),
                })
            })
            .collect();
        let path = format!("{}caveats/", v.spec.url_prefix);
        let mut context = self.page_context(&path, &[]);
        context.insert("guides", &guides);
        context.insert(
            "count",
            &guides.iter().map(|g| g.caveats.len()).sum::<usize>(),
        );
        let url = self.url(&path);
        context.insert(
            "page",
            &serde_json::json!({ "url": url, "canonical": self.canonical_for(&path, &[]) }),
        );
        self.insert_nav(&mut context, 0, None, &url);
        PageContext::new("caveats.html", context)
    }

    pub fn not_found(&self) -> Result<String, tera::Error> {
        self.render(self.not_found_context())
    }

    /// What `not_found` renders.
    pub fn not_found_context(&self) -> PageContext {
        let mut context = self.page_context(&self.version.spec.url_prefix, &[]);
        // No `page`: the macro's `current` is "".
        self.insert_nav(&mut context, 0, None, "");
        context.insert("home_url", &self.url(&self.version.sections[0].path));
        PageContext::new("404.html", context)
    }

    /// A page at an old URL (`aliases`) that sends the reader to `target_path`.
    pub fn redirect(&self, target_path: &str) -> Result<String, tera::Error> {
        self.render(self.redirect_context(target_path))
    }

    /// What `redirect` renders.
    pub fn redirect_context(&self, target_path: &str) -> PageContext {
        let mut context = self.base_context();
        context.insert("target", &self.url(target_path));
        context.insert("canonical", &self.canonical(target_path));
        PageContext::new("redirect.html", context)
    }

    /// The HTML of a page.
    pub fn render(&self, page: PageContext) -> Result<String, tera::Error> {
        self.tera.render(page.template, &page.context)
    }

    fn base_context(&self) -> Context {
        let mut context = Context::new();
        context.insert("site", self.site);
        if self.has_caveats {
            let path = format!("{}caveats/", self.version.spec.url_prefix);
            context.insert("caveats_url", &self.url(&path));
        }
        // Each version searches its own index.
        let index = format!("{}search/index.json", self.version.spec.url_prefix);
        context.insert("search_index", &self.url(&index));
        let home = self
            .version
            .sections
            .first()
            .map_or("", |s| s.path.as_str());
        context.insert("home_url", &self.url(home));
        context
    }
}

/// The first sentence of `text`, cut at a word near `max` characters.
fn summary_of(text: &str, max: usize) -> String {
    let sentence = match text.find(". ") {
        Some(i) => &text[..=i],
        None => text,
    };
    if sentence.chars().count() <= max {
        return sentence.to_string();
    }
    // Cut at the last space that fits, keeping a word that ends exactly at `max`.
    let cut: String = sentence.chars().take(max + 1).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", cut[..i].trim_end()),
        None => format!("{}…", cut.chars().take(max).collect::<String>()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries() {
        assert_eq!(summary_of("One. Two.", 50), "One.");
        assert_eq!(summary_of("a b c d e f", 5), "a b c…");
    }
}
