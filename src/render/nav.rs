//! The sidebar: the version's sections and guides, opened along the way to the page.

use crate::model::Version;
use crate::url::encode_path;
use serde::Serialize;

/// One entry of the section navigation; `open` entries show their children.
#[derive(Serialize, Clone)]
pub struct NavItem {
    pub title: String,
    pub url: String,
    pub open: bool,
    pub children: Vec<NavItem>,
}

/// The sidebar for a page in section `current`: top-level sections, with the sections
/// on the way to `current` opened to show their subsections and guides.
pub fn nav_for(version: &Version, prefix: &str, current: usize) -> Vec<NavItem> {
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
            url: format!("{prefix}{}", encode_path(&version.guides[g].path)),
            open: false,
            children: Vec::new(),
        })
        .collect();
    for &c in &sec.sections {
        let child = &version.sections[c];
        let is_open = open.contains(&c);
        items.push(NavItem {
            title: child.title.clone(),
            url: format!("{prefix}{}", encode_path(&child.path)),
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
