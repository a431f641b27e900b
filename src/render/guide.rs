//! A guide's page: its context, and its rendering, spliced while every template is
//! the default one (`splice`).

use super::context::{GuideCtx, VersionLinkCtx};
use super::nav::NavItem;
use super::toc::{self, toc};
use super::{shape, splice, switcher, PageContext, Renderer};
use crate::caveats::report_links::{GuideReports, ReportedGuide};
use crate::markdown::report_marks::fill_marks_and_base_into;
use crate::model::PageBody;
use std::borrow::Cow;

impl<'a> Renderer<'a> {
    /// A guide's rendered markdown, unpacked, its report links filled in (SPEC
    /// §3.6; none without `feedback_url`) and its links completed for this version.
    fn guide_content(&self, g: usize) -> String {
        let html = self.bodies[self.version.guides[g].source].html.unpack();
        let mut out = String::with_capacity(html.len() + html.len() / 8);
        self.write_guide_content(&mut out, g, &html);
        out
    }

    /// `guide_content` of guide `g`, whose rendered markdown unpacked is `html`,
    /// appended to `out`.
    fn write_guide_content(&self, out: &mut String, g: usize, html: &str) {
        let guide = &self.version.guides[g];
        let src = &self.version.sources[guide.source];
        let body: &PageBody = &self.bodies[guide.source];
        match &self.config.feedback_url {
            Some(template) => {
                let guide = ReportedGuide {
                    template: template.get_ref(),
                    title: src.title.as_deref().unwrap_or(""),
                    page_url: self.canonical(&guide.path),
                    file: crate::paths::slash_path(&src.site_path),
                    version: &self.version.spec.id,
                    site_variants: &self.variant_labels,
                    guide_variants: src.front.variants.as_deref(),
                };
                let reports = GuideReports::new(guide, &body.steps, &body.headings);
                fill_marks_and_base_into(out, html, &self.version_base, |place| reports.fill(place))
            }
            None => fill_marks_and_base_into(out, html, &self.version_base, |_| String::new()),
        }
    }

    pub fn guide(&self, g: usize) -> Result<String, tera::Error> {
        if self.default_templates {
            if let Some(html) = self.guide_spliced(g)? {
                return Ok(html);
            }
        }
        self.render(self.guide_context(g))
    }

    /// Whether guide `g`'s page renders without a template error, as `guide` would
    /// tell, for a build that throws the page away (`check`). With every template the
    /// default one, the parts spliced into the page are written by guidepost and
    /// cannot fail: only the template is rendered, and the parts are not written. And
    /// not even that when a page of the same shape rendered already (`shape`).
    pub fn check_guide(&self, g: usize) -> Result<(), tera::Error> {
        if self.default_templates {
            let mut links = Vec::new();
            let page = self.guide_page(g, Some(&mut links));
            let (shape, context) = shape::shape_of(page.context);
            if self.checked_shapes.contains(&shape) {
                return Ok(());
            }
            let page = PageContext::new(page.template, context);
            let holes = Holes::of(&page);
            let html = self.render(page)?;
            if !splice::fits(&html, &holes.placeholders()) {
                self.guide(g)?;
            }
            self.checked_shapes.insert(shape);
            return Ok(());
        }
        self.guide(g).map(drop)
    }

    /// The page of guide `g` with every template the default one: rendered with
    /// placeholders for its content, sidebar and contents list, which are then written into it
    /// (`splice`). None when the placeholders are not where they should be.
    fn guide_spliced(&self, g: usize) -> Result<Option<String>, tera::Error> {
        let mut links = Vec::new();
        let (html, holes) = self.guide_template(g, &mut links)?;
        let guide = &self.version.guides[g];
        let raw = self.bodies[guide.source].html.unpack();
        let url = self.url(&guide.path);
        let mut content = |out: &mut String| self.write_guide_content(out, g, &raw);
        let mut nav = |out: &mut String| self.write_default_nav(out, guide.section, Some(g), &url);
        let entries = toc(&self.bodies[guide.source].headings);
        let mut contents_list = |out: &mut String| toc::write_toc(out, &entries);
        let mut parts: Vec<splice::Part> = vec![(splice::CONTENT, &mut content)];
        if holes.nav {
            parts.push((splice::NAV, &mut nav));
        }
        if holes.toc {
            parts.push((splice::TOC, &mut contents_list));
        }
        let mut switcher = |out: &mut String| switcher::write_links(out, &links);
        if holes.links {
            parts.push((splice::VERSION_LINKS, &mut switcher));
        }
        // The content grows by its report links and version bases; a sidebar is
        // rarely over 32 KB.
        let extra = raw.len() + raw.len() / 8 + if holes.nav { 32 * 1024 } else { 0 };
        Ok(splice::splice(&html, extra, &mut parts))
    }

    /// Guide `g`'s page as tera renders it with placeholders (`guide_page`), and
    /// which placeholders besides the content's its context holds; `links`: the
    /// version switcher's links, for its placeholder.
    fn guide_template(
        &self,
        g: usize,
        links: &mut Vec<VersionLinkCtx<'a>>,
    ) -> Result<(String, Holes), tera::Error> {
        let page = self.guide_page(g, Some(links));
        let holes = Holes::of(&page);
        Ok((self.render(page)?, holes))
    }

    /// What guide `g`'s page is made of, for the persistent cache's page key
    /// (`persist::pages`): the context tera renders it with (placeholders, as in
    /// `guide_spliced`) and the parts spliced into it, its content as the packed
    /// rendering and the version base it is completed with. So a kept page is found
    /// without unpacking and writing every page's content. None unless every
    /// template is the default one and the site has no report links (whose content
    /// depends on more).
    pub fn guide_key_parts(&self, g: usize) -> Option<(PageContext, Vec<u8>)> {
        if !self.default_templates || self.config.feedback_url.is_some() {
            return None;
        }
        let mut links = Vec::new();
        let page = self.guide_page(g, Some(&mut links));
        let guide = &self.version.guides[g];
        let body = &self.bodies[guide.source];
        let mut parts = Vec::new();
        let mut part = |bytes: &[u8]| {
            parts.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            parts.extend_from_slice(bytes);
        };
        part(&body.html.packed_hash().to_le_bytes());
        part(self.version_base.as_bytes());
        let mut written = String::new();
        self.write_default_nav(&mut written, guide.section, Some(g), &self.url(&guide.path));
        part(written.as_bytes());
        written.clear();
        toc::write_toc(&mut written, &toc(&body.headings));
        part(written.as_bytes());
        written.clear();
        switcher::write_links(&mut written, &links);
        part(written.as_bytes());
        Some((page, parts))
    }

    /// What `guide` renders: the template and its context.
    pub fn guide_context(&self, g: usize) -> PageContext {
        self.guide_page(g, None)
    }

    /// The template and context of guide `g`'s page; with `spliced`, placeholders
    /// for its content and sidebar (see `guide_spliced`).
    fn guide_page(&self, g: usize, links: Option<&mut Vec<VersionLinkCtx<'a>>>) -> PageContext {
        let spliced = links.is_some();
        let guide = &self.version.guides[g];
        let src = &self.version.sources[guide.source];
        let body = &self.bodies[guide.source];
        let title = src.title.as_deref().unwrap_or("");
        let toc_size = body
            .headings
            .iter()
            .filter(|h| (2..=3).contains(&h.level))
            .count();
        let ctx = GuideCtx {
            title,
            heading: src.heading.as_ref().map_or(title, |h| h.text.as_str()),
            heading_id: body.title_id.as_deref(),
            summary: src.front.summary.as_deref(),
            url: self.url(&guide.path),
            canonical: self.canonical_for(&guide.path, &src.front.aliases),
            content: if spliced {
                Cow::Borrowed(splice::CONTENT)
            } else {
                Cow::Owned(self.guide_content(g))
            },
            // Spliced: written by `toc::write_toc` in place of `toc_html`.
            toc: if spliced {
                Vec::new()
            } else {
                toc(&body.headings)
            },
            toc_size,
            updated: src.front.updated.as_deref(),
            edit_url: self.edit_url(guide.source),
            tags: &src.front.tags,
            applies_to: self.variants_of(src.front.variants.as_ref()),
            breadcrumbs: self.breadcrumbs(guide.section),
            prev: guide.prev.map(|p| self.guide_link(p)),
            next: guide.next.map(|n| self.guide_link(n)),
            caveats: body.caveats.iter().map(|c| self.caveat_ctx(c)).collect(),
        };
        let mut context = match links {
            Some(links) => self.page_context_with(&guide.path, &src.front.aliases, Some(links)),
            None => self.page_context(&guide.path, &src.front.aliases),
        };
        context.insert("page", &ctx);
        if spliced {
            // What `insert_nav` gives with every template the default one.
            context.insert("nav", &[] as &[NavItem]);
            if self.has_sidebar() {
                context.insert("nav_html", splice::NAV);
            }
            // `guide.html` shows the list from two entries on.
            if toc_size > 1 {
                context.insert("toc_html", splice::TOC);
            }
        } else {
            self.insert_nav(&mut context, guide.section, Some(g), &ctx.url);
        }
        PageContext::new("guide.html", context)
    }
}

/// Which placeholders a guide page's context holds besides the content's.
struct Holes {
    nav: bool,
    toc: bool,
    links: bool,
}

impl Holes {
    /// The placeholders of `page`, rendered by `guide_page` with placeholders.
    fn of(page: &PageContext) -> Holes {
        Holes {
            nav: page.context.get("nav_html").is_some(),
            toc: page.context.get("toc_html").is_some(),
            links: page.context.get("version_links_html").is_some(),
        }
    }

    /// The placeholders the rendered page must hold, each once.
    fn placeholders(&self) -> Vec<&'static str> {
        let mut names = vec![splice::CONTENT];
        for (held, name) in [
            (self.nav, splice::NAV),
            (self.toc, splice::TOC),
            (self.links, splice::VERSION_LINKS),
        ] {
            if held {
                names.push(name);
            }
        }
        names
    }
}
