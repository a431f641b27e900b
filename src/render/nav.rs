//! The sidebar: the version's sections and guides, opened along the way to the page.
//!
//! A section with many guides (a knowledge base of a thousand articles) would make
//! the sidebar most of every page's weight if it listed them all. So an open section
//! lists all its guides only up to `ALL_GUIDES_UP_TO`; a bigger one lists a window of
//! `WINDOW` guides (around the page being read, else its first ones) and then a link
//! to the section's page, which lists every guide. Every guide stays reachable
//! without JavaScript, and a page's sidebar stays under about 60 links per level.

use crate::html::escape_into;
use crate::model::Version;
use crate::url::encode_path;
use serde::Serialize;

/// An open section with at most this many guides lists all of them.
pub const ALL_GUIDES_UP_TO: usize = 30;
/// How many guides a bigger section lists: the page being read and ten either side.
pub const WINDOW: usize = 21;

/// One entry of the section navigation; `open` entries show their children.
#[derive(Serialize, Clone)]
pub struct NavItem {
    pub title: String,
    pub url: String,
    pub open: bool,
    pub children: Vec<NavItem>,
    /// Set on the link that ends a section's shortened list of guides: the number of
    /// guides of the section (`title` and `url` are the section's).
    pub all_guides: Option<usize>,
}

/// The sidebar for a page in section `current` (the guide `guide`, when the page is
/// one): top-level sections, with the sections on the way to `current` opened to show
/// their subsections and guides.
pub fn nav_for(
    version: &Version,
    prefix: &str,
    current: usize,
    guide: Option<usize>,
) -> Vec<NavItem> {
    let open: Vec<usize> = version.ancestors(current);
    nav_children(version, prefix, 0, &open, guide)
}

/// Whether the sidebar of a guide in section `s` depends on which guide it is (else
/// one sidebar serves every page of the section).
pub fn depends_on_guide(version: &Version, s: usize) -> bool {
    version.sections[s].guides.len() > ALL_GUIDES_UP_TO
}

fn nav_children(
    version: &Version,
    prefix: &str,
    s: usize,
    open: &[usize],
    guide: Option<usize>,
) -> Vec<NavItem> {
    let sec = &version.sections[s];
    let shown = guide_window(&sec.guides, guide);
    let mut items: Vec<NavItem> = sec.guides[shown.clone()]
        .iter()
        .map(|&g| NavItem {
            title: version.guide_title(g).to_string(),
            url: format!("{prefix}{}", encode_path(&version.guides[g].path)),
            open: false,
            children: Vec::new(),
            all_guides: None,
        })
        .collect();
    if shown.len() < sec.guides.len() {
        items.push(NavItem {
            title: if s == 0 {
                String::new()
            } else {
                sec.title.clone()
            },
            url: format!("{prefix}{}", encode_path(&sec.path)),
            open: false,
            children: Vec::new(),
            all_guides: Some(sec.guides.len()),
        });
    }
    for &c in &sec.sections {
        let child = &version.sections[c];
        let is_open = open.contains(&c);
        items.push(NavItem {
            title: child.title.clone(),
            url: format!("{prefix}{}", encode_path(&child.path)),
            open: is_open,
            children: if is_open {
                nav_children(version, prefix, c, open, guide)
            } else {
                Vec::new()
            },
            all_guides: None,
        });
    }
    items
}

/// Which of a section's `guides` its list shows: all of them up to
/// `ALL_GUIDES_UP_TO`, else `WINDOW` of them centred on `current` when it is one of
/// them (moved inwards at either end), else the first ones.
fn guide_window(guides: &[usize], current: Option<usize>) -> std::ops::Range<usize> {
    if guides.len() <= ALL_GUIDES_UP_TO {
        return 0..guides.len();
    }
    let at = current
        .and_then(|c| guides.iter().position(|&g| g == c))
        .unwrap_or(0);
    let start = at
        .saturating_sub(WINDOW / 2)
        .min(guides.len().saturating_sub(WINDOW));
    start..(start + WINDOW).min(guides.len())
}

/// The default theme's `macros::nav_list(items, current)`, written here instead of
/// by tera: the same bytes, in a fraction of the time (a tera macro call per entry
/// was about a quarter of a page's rendering). Used only while the theme's
/// `macros.html` is the default one (`Theme::default_nav`); the `nav` items stay in
/// every page's context for templates that make their own sidebar.
pub fn write_nav_list(out: &mut String, items: &[NavItem], current: &str) {
    out.push_str("\n<ul>\n");
    for item in items {
        out.push_str("\n  ");
        match item.all_guides {
            Some(count) if count != 0 => {
                out.push_str("<li class=\"nav-all\"><a href=\"");
                escape_into(out, &item.url);
                out.push_str("\">All ");
                out.push_str(&count.to_string());
                out.push_str(" guides");
                if !item.title.is_empty() {
                    out.push_str(" in ");
                    escape_into(out, &item.title);
                }
                out.push_str("</a>");
            }
            _ => {
                out.push_str(if item.open {
                    "<li class=\"open\">"
                } else {
                    "<li>"
                });
                out.push_str("<a href=\"");
                escape_into(out, &item.url);
                out.push('"');
                if item.url == current {
                    out.push_str(" aria-current=\"page\"");
                }
                out.push('>');
                escape_into(out, &item.title);
                out.push_str("</a>");
            }
        }
        out.push_str("\n  ");
        if !item.children.is_empty() {
            write_nav_list(out, &item.children, current);
        }
        out.push_str("\n  </li>\n");
    }
    out.push_str("\n</ul>\n");
}

/// `write_nav_list(nav_for(version, prefix, current, guide), current_url)`, written
/// from the model without making the items: the sidebar of a page whose theme
/// needs only the written list (`Theme::default_templates`). `links`: the version's
/// written links, shared by its pages.
pub fn write_nav(
    out: &mut String,
    links: &NavLinks,
    current: usize,
    guide: Option<usize>,
    current_url: &str,
) {
    let open: Vec<usize> = links.version.ancestors(current);
    let page = NavPage {
        links,
        open: &open,
        guide,
        current_url,
    };
    page.write_children(out, 0);
}

/// A sidebar link as every page of a version writes it: a guide's or a section's
/// URL (encoded, then escaped) and title (escaped). Every page's sidebar holds about
/// 60 of them, most of them the same as its neighbours' (the top sections, the
/// guides around it), so each is written once per version, when first needed.
struct NavLink {
    /// The page's path, percent-encoded, as the current page's URL is compared.
    encoded: Box<str>,
    /// The prefix and `encoded`, escaped for the `href`.
    href: Box<str>,
    title: Box<str>,
}

/// The written sidebar links of one version's guides and sections.
pub struct NavLinks<'a> {
    version: &'a Version,
    prefix: &'a str,
    guides: Vec<std::sync::OnceLock<NavLink>>,
    sections: Vec<std::sync::OnceLock<NavLink>>,
}

impl<'a> NavLinks<'a> {
    /// The links of `version`'s pages, under the site prefix `prefix` (none written
    /// yet).
    pub fn new(version: &'a Version, prefix: &'a str) -> Self {
        let slots = |n: usize| (0..n).map(|_| std::sync::OnceLock::new()).collect();
        NavLinks {
            version,
            prefix,
            guides: slots(version.guides.len()),
            sections: slots(version.sections.len()),
        }
    }

    fn guide(&self, g: usize) -> &NavLink {
        self.guides[g]
            .get_or_init(|| self.link(&self.version.guides[g].path, self.version.guide_title(g)))
    }

    fn section(&self, s: usize) -> &NavLink {
        self.sections[s].get_or_init(|| {
            let sec = &self.version.sections[s];
            self.link(&sec.path, &sec.title)
        })
    }

    fn link(&self, path: &str, title: &str) -> NavLink {
        let encoded = encode_path(path);
        let mut href = String::new();
        escape_into(&mut href, self.prefix);
        escape_into(&mut href, &encoded);
        let mut escaped_title = String::new();
        escape_into(&mut escaped_title, title);
        NavLink {
            encoded: encoded.into(),
            href: href.into(),
            title: escaped_title.into(),
        }
    }
}

/// What writing one page's sidebar needs.
struct NavPage<'a> {
    links: &'a NavLinks<'a>,
    /// The sections on the way to the page, opened.
    open: &'a [usize],
    guide: Option<usize>,
    /// The URL the current page's link has (`aria-current`).
    current_url: &'a str,
}

impl NavPage<'_> {
    /// `nav_children(…, s, …)` as `write_nav_list` writes it.
    fn write_children(&self, out: &mut String, s: usize) {
        let version = self.links.version;
        let sec = &version.sections[s];
        let shown = guide_window(&sec.guides, self.guide);
        out.push_str("\n<ul>\n");
        for &g in &sec.guides[shown.clone()] {
            self.write_link(out, false, self.links.guide(g));
            out.push_str("\n  \n  </li>\n");
        }
        if shown.len() < sec.guides.len() {
            out.push_str("\n  <li class=\"nav-all\"><a href=\"");
            out.push_str(&self.links.section(s).href);
            out.push_str("\">All ");
            out.push_str(&sec.guides.len().to_string());
            out.push_str(" guides");
            if s != 0 && !sec.title.is_empty() {
                out.push_str(" in ");
                out.push_str(&self.links.section(s).title);
            }
            out.push_str("</a>\n  \n  </li>\n");
        }
        for &c in &sec.sections {
            let child = &version.sections[c];
            let is_open = self.open.contains(&c);
            self.write_link(out, is_open, self.links.section(c));
            out.push_str("\n  ");
            // An open section lists something unless it has neither guides nor
            // sections (`write_nav_list` writes no list for no children).
            if is_open && !(child.guides.is_empty() && child.sections.is_empty()) {
                self.write_children(out, c);
            }
            out.push_str("\n  </li>\n");
        }
        out.push_str("\n</ul>\n");
    }

    /// An entry's `<li>` and link, marked when it is the current page's.
    fn write_link(&self, out: &mut String, open: bool, link: &NavLink) {
        out.push_str(if open {
            "\n  <li class=\"open\"><a href=\""
        } else {
            "\n  <li><a href=\""
        });
        out.push_str(&link.href);
        out.push('"');
        if self.current_url.strip_prefix(self.links.prefix) == Some(&*link.encoded) {
            out.push_str(" aria-current=\"page\"");
        }
        out.push('>');
        out.push_str(&link.title);
        out.push_str("</a>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sections_list_every_guide() {
        let guides: Vec<usize> = (0..ALL_GUIDES_UP_TO).collect();
        assert_eq!(guide_window(&guides, Some(3)), 0..ALL_GUIDES_UP_TO);
    }

    #[test]
    fn big_sections_list_a_window_around_the_page() {
        let guides: Vec<usize> = (100..1100).collect();
        assert_eq!(guide_window(&guides, Some(600)), 490..511);
        assert_eq!(guide_window(&guides, Some(100)), 0..WINDOW);
        assert_eq!(guide_window(&guides, Some(103)), 0..WINDOW);
        assert_eq!(guide_window(&guides, Some(1099)), 979..1000);
        assert_eq!(guide_window(&guides, None), 0..WINDOW);
        assert_eq!(guide_window(&guides, Some(5)), 0..WINDOW, "not in it");
    }

    fn item(title: &str, url: &str, open: bool, children: Vec<NavItem>) -> NavItem {
        NavItem {
            title: title.into(),
            url: url.into(),
            open,
            children,
            all_guides: None,
        }
    }

    /// What the default theme's `nav_list` macro gives for `items` and `current`.
    fn by_tera(items: &[NavItem], current: &str) -> String {
        let mut tera = tera::Tera::default();
        tera.set_escape_fn(crate::html::escape);
        tera.add_raw_templates(vec![
            (
                "macros.html",
                include_str!("../../themes/default/templates/macros.html"),
            ),
            // As the default theme calls it: from a block of a template extending
            // another (tera finds a macro's own namespace only that way).
            (
                "parent.html",
                "{% import \"macros.html\" as macros %}{% block nav %}{% endblock nav %}",
            ),
            (
                "nav.html",
                "{% extends \"parent.html\" %}{% import \"macros.html\" as macros %}{% block nav %}{{ macros::nav_list(items=nav, current=current) }}{% endblock nav %}",
            ),
        ])
        .unwrap();
        let mut context = tera::Context::new();
        context.insert("nav", items);
        context.insert("current", current);
        tera.render("nav.html", &context).unwrap()
    }

    #[test]
    fn the_written_sidebar_is_the_default_macros_byte_for_byte() {
        let mut shortened = item("Big <&> \"one\"", "/docs/v2/big/", false, Vec::new());
        shortened.all_guides = Some(42);
        let mut unnamed = item("", "/docs/", false, Vec::new());
        unnamed.all_guides = Some(31);
        let mut zero = item("Zero 'all'", "/docs/z/", false, Vec::new());
        zero.all_guides = Some(0);
        let items = vec![
            item("First & best", "/docs/a/", false, Vec::new()),
            unnamed,
            item(
                "Open",
                "/docs/o/",
                true,
                vec![
                    item("Inner", "/docs/o/i/", false, Vec::new()),
                    shortened,
                    item(
                        "Deep",
                        "/docs/o/d/",
                        true,
                        vec![item("Leaf\0", "/docs/o/d/l/", false, Vec::new())],
                    ),
                ],
            ),
            zero,
            item("Same URL", "/docs/o/i/", false, Vec::new()),
        ];
        for current in [
            "",
            "/docs/o/i/",
            "/docs/v2/big/",
            "/docs/z/",
            "/docs/o/d/l/",
            "/docs/",
        ] {
            let mut written = String::new();
            write_nav_list(&mut written, &items, current);
            assert_eq!(written, by_tera(&items, current), "current = {current:?}");
        }
        let mut empty = String::new();
        write_nav_list(&mut empty, &[], "");
        assert_eq!(empty, by_tera(&[], ""));
    }
}
