//! Front matter keys guidepost does not know (SPEC §2): one warning per file that
//! names the tool they most likely come from (DocFX, MkDocs, Docusaurus, Hugo…) and
//! the guidepost keys that mean the same.

use crate::diag::Diagnostic;
use std::path::Path;

/// The keys of SPEC §2.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "summary",
    "description",
    "weight",
    "tags",
    "variants",
    "updated",
    "draft",
    "aliases",
    "caveats",
];

/// Front matter keys of other documentation tools, by tool, so that the warning about
/// unknown keys can say where they come from. A name ending in `.` stands for every
/// key that starts with it. A key may belong to several tools.
const FOREIGN_KEYS: &[(&str, &[&str])] = &[
    (
        "DocFX / Microsoft Learn",
        &[
            "ms.",
            "author",
            "manager",
            "audience",
            "f1.keywords",
            "search.appverid",
            "recommendations",
            "ROBOTS",
            "uid",
            "titleSuffix",
            "monikerRange",
            "zone_pivot_groups",
            "appliesto",
            "no-loc",
        ],
    ),
    (
        "Docusaurus",
        &[
            "sidebar_position",
            "sidebar_label",
            "sidebar_class_name",
            "sidebar_custom_props",
            "displayed_sidebar",
            "slug",
            "id",
            "hide_title",
            "hide_table_of_contents",
            "pagination_label",
            "pagination_next",
            "pagination_prev",
            "custom_edit_url",
            "keywords",
            "image",
            "toc_min_heading_level",
            "toc_max_heading_level",
            "last_update",
            "unlisted",
        ],
    ),
    (
        "Hugo",
        &[
            "linkTitle",
            "date",
            "lastmod",
            "publishDate",
            "expiryDate",
            "slug",
            "url",
            "type",
            "layout",
            "menu",
            "categories",
            "keywords",
            "toc_hide",
            "hide_summary",
            "no_list",
            "simple_list",
            "cascade",
            "params",
            "outputs",
            "resources",
            "headless",
            "translationKey",
            "sitemap",
        ],
    ),
    (
        "MkDocs",
        &[
            "icon",
            "status",
            "hide",
            "search",
            "template",
            "subtitle",
            "authors",
            "date",
            "categories",
            "links",
            "readtime",
            "pin",
            "comments",
            "social",
        ],
    ),
    (
        "Jekyll",
        &[
            "layout",
            "permalink",
            "nav_order",
            "parent",
            "grand_parent",
            "has_children",
            "nav_exclude",
            "published",
            "redirect_from",
        ],
    ),
];

/// Keys of other tools that mean what a guidepost key means, for the warning's help.
const EQUIVALENT_KEYS: &[(&str, &str)] = &[
    ("sidebar_position", "weight"),
    ("nav_order", "weight"),
    ("order", "weight"),
    ("ms.date", "updated"),
    ("lastmod", "updated"),
    ("last_update", "updated"),
    ("redirect_from", "aliases"),
    ("keywords", "tags"),
];

/// One warning for all the keys of a file that guidepost does not know (SPEC §2):
/// real trees carry a dozen keys of the tool they were written for in every file,
/// and one warning per key would bury every other diagnostic. It names the tool the
/// keys most likely come from, and the guidepost keys that mean the same.
pub fn unknown_keys_warning(unknown: &[(&str, usize)], file: &Path) -> Option<Diagnostic> {
    if unknown.is_empty() {
        return None;
    }
    let names: Vec<String> = unknown.iter().map(|(k, _)| format!("`{k}`")).collect();
    let tools = tools_of(unknown.iter().map(|(k, _)| *k));
    let message = match (unknown.len(), tools.is_empty()) {
        (1, true) => format!("front matter: unknown key {}", names[0]),
        (1, false) => format!(
            "front matter: unknown key {} (a key of {})",
            names[0],
            tools.join(" or ")
        ),
        (_, true) => format!("front matter: unknown keys {}", names.join(", ")),
        (_, false) => format!(
            "front matter: {} keys of {} that guidepost does not use: {}",
            unknown.len(),
            tools.join(" or "),
            names.join(", ")
        ),
    };
    let equivalents: Vec<String> = unknown
        .iter()
        .filter_map(|(k, _)| EQUIVALENT_KEYS.iter().find(|(foreign, _)| foreign == k))
        .map(|(foreign, ours)| format!("`{foreign}` is `{ours}` here"))
        .collect();
    let mut help = format!(
        "guidepost ignores {}; its keys are {}",
        if unknown.len() == 1 { "it" } else { "them" },
        KNOWN_KEYS
            .iter()
            .filter(|k| **k != "description")
            .map(|k| if *k == "summary" {
                "summary (or description)"
            } else {
                k
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !equivalents.is_empty() {
        help.push_str(&format!(" ({})", equivalents.join(", ")));
    }
    Some(Diagnostic::warning("front-matter", file, message).help(help))
}

/// The tools whose front matter keys these are: the one that knows most of them (or
/// those that tie); none when no tool knows any.
fn tools_of<'k>(keys: impl Iterator<Item = &'k str> + Clone) -> Vec<&'static str> {
    let knows = |known: &[&str], key: &str| {
        known
            .iter()
            .any(|k| *k == key || (k.ends_with('.') && key.starts_with(k)))
    };
    let scores: Vec<(&'static str, usize)> = FOREIGN_KEYS
        .iter()
        .map(|(tool, known)| (*tool, keys.clone().filter(|k| knows(known, k)).count()))
        .collect();
    let best = scores.iter().map(|(_, n)| *n).max().unwrap_or(0);
    if best == 0 {
        return Vec::new();
    }
    scores
        .into_iter()
        .filter(|(_, n)| *n == best)
        .map(|(tool, _)| tool)
        .collect()
}
