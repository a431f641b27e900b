//! The sidebar: the version's sections and guides, opened along the way to the page.
//!
//! A section with many guides (a knowledge base of a thousand articles) would make
//! the sidebar most of every page's weight if it listed them all. So an open section
//! lists all its guides only up to `ALL_GUIDES_UP_TO`; a bigger one lists a window of
//! `WINDOW` guides (around the page being read, else its first ones) and then a link
//! to the section's page, which lists every guide. Every guide stays reachable
//! without JavaScript, and a page's sidebar stays under about 60 links per level.

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
}
