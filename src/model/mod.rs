//! The `Site` as plain data: versions → sections → guides, with URLs, navigation order,
//! breadcrumbs and link targets. Built from `SourceTree`s; no I/O and no rendering here.

use crate::config::{VersionSpec, ROOT_OUTPUT_NAMES};
use crate::diag::Diagnostic;
use crate::markdown::Heading;
use crate::source::{SourceFile, SourceKind, SourceTree, Unpublished};
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Section {
    /// Folder relative to the version root ("" for the home).
    pub dir: String,
    /// URL path relative to the site prefix (`licensing/`, "" for the home).
    pub path: String,
    pub title: String,
    pub summary: Option<String>,
    pub weight: Option<i64>,
    pub parent: Option<usize>,
    /// Child sections and guides, in navigation order.
    pub sections: Vec<usize>,
    pub guides: Vec<usize>,
    /// Index into `Version::sources` of its `_index.md`, if it has one.
    pub source: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Guide {
    /// URL path relative to the site prefix (`licensing/partner-of-record/`).
    pub path: String,
    pub section: usize,
    pub source: usize,
    pub prev: Option<usize>,
    pub next: Option<usize>,
}

/// One version of the docs as the renderer sees it.
#[derive(Debug)]
pub struct Version {
    pub spec: VersionSpec,
    pub sources: Vec<SourceFile>,
    pub sections: Vec<Section>,
    pub guides: Vec<Guide>,
    /// Guides in reading order (sidebar order, depth first).
    pub reading_order: Vec<usize>,
    /// Version-relative `.md` path → URL path relative to the site prefix.
    pub targets: HashMap<String, String>,
    /// The partials and drafts of the version folder, which make no page.
    pub unpublished: Unpublished,
}

/// Rendered markdown that later stages attach to sources by index.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct PageBody {
    /// With links to other pages relative to the version (`markdown::VERSION_BASE`);
    /// kept compressed (`packed`): a build holds every page's.
    pub html: crate::packed::PackedText,
    pub headings: Vec<Heading>,
    /// The id of the H1 the body starts with, which the page's heading carries.
    pub title_id: Option<String>,
    /// The steps of the page (SPEC §3), in page order.
    pub steps: Vec<crate::markdown::Step>,
    /// Every other id a link may name: steps, caveats, raw HTML `id`s and `<a name>`s
    /// (`RenderedMarkdown::anchors`).
    pub ids: Vec<String>,
    pub caveats: Vec<crate::markdown::Caveat>,
    pub passages: Vec<crate::markdown::Passage>,
    /// Candidate caveats that a build leaves out, for the summary line.
    pub hidden_candidates: usize,
    /// `search::passages_key` of `passages`, made when first asked for: versions that
    /// share the rendering share it too.
    #[serde(skip)]
    pub passages_key: std::sync::OnceLock<crate::search::PassagesKey>,
}

impl PageBody {
    /// The key of the page's passages in the search index (`search::passages_key`).
    pub fn passages_key(&self) -> crate::search::PassagesKey {
        *self
            .passages_key
            .get_or_init(|| crate::search::passages_key(&self.passages))
    }

    /// Every id a `#fragment` link to the page can name: headings, steps, caveats and
    /// the ids written in raw HTML.
    pub fn anchors(&self) -> impl Iterator<Item = &str> {
        self.headings
            .iter()
            .map(|h| h.id.as_str())
            .chain(self.ids.iter().map(String::as_str))
    }
}

impl Version {
    pub fn build(spec: VersionSpec, tree: SourceTree, diags: &mut Vec<Diagnostic>) -> Version {
        let SourceTree {
            files: sources,
            section_dirs,
            unpublished,
        } = tree;
        let vprefix = spec.url_prefix.clone();
        let mut sections: Vec<Section> = Vec::new();
        let mut by_dir: HashMap<String, usize> = HashMap::new();
        for dir in &section_dirs {
            let parent = parent_dir(dir).and_then(|p| by_dir.get(p).copied());
            let idx = sections.len();
            sections.push(Section {
                dir: dir.clone(),
                path: if dir.is_empty() {
                    vprefix.clone()
                } else {
                    format!("{vprefix}{dir}/")
                },
                title: title_from_dir(dir),
                summary: None,
                weight: None,
                parent,
                sections: Vec::new(),
                guides: Vec::new(),
                source: None,
            });
            by_dir.insert(dir.clone(), idx);
            if let Some(p) = parent {
                sections[p].sections.push(idx);
            }
        }

        let mut guides = Vec::new();
        let mut targets = HashMap::new();
        let mut owner_of_path: HashMap<String, String> = HashMap::new();
        for (i, src) in sources.iter().enumerate() {
            let dir = parent_dir(&src.rel_path).unwrap_or("");
            match src.kind {
                SourceKind::SectionIndex => {
                    let Some(&s) = by_dir.get(dir) else { continue };
                    let sec = &mut sections[s];
                    sec.source = Some(i);
                    if let Some(t) = src.title.clone() {
                        sec.title = t;
                    }
                    sec.summary = src.front.summary.clone();
                    sec.weight = src.front.weight;
                    targets.insert(src.rel_path.clone(), sec.path.clone());
                    if let Some(name) = reserved_name(&vprefix, &sec.path) {
                        diags.push(reserved_error(&src.site_path, "section", &sec.path, name));
                    }
                }
                SourceKind::Guide => {
                    let path = guide_path(&vprefix, &src.rel_path);
                    if let Some(name) = reserved_name(&vprefix, &path) {
                        diags.push(reserved_error(&src.site_path, "guide", &path, name));
                        continue;
                    }
                    if let Some(other) = owner_of_path.insert(path.clone(), src.rel_path.clone()) {
                        diags.push(
                            Diagnostic::error(
                                "url-conflict",
                                &src.site_path,
                                format!("this guide and `{other}` would both be served at /{path}"),
                            )
                            .help("rename one of them"),
                        );
                        continue;
                    }
                    // Guides in a guide folder's parent section; a folder is found by walking up.
                    let section = section_of(dir, &src.rel_path, &by_dir);
                    targets.insert(src.rel_path.clone(), path.clone());
                    let g = guides.len();
                    guides.push(Guide {
                        path,
                        section,
                        source: i,
                        prev: None,
                        next: None,
                    });
                    sections[section].guides.push(g);
                }
            }
        }
        // `caveats/` is the version's caveats page.
        let caveats_path = format!("{vprefix}caveats/");
        let reserved = owner_of_path.get(&caveats_path).cloned().or_else(|| {
            sections
                .iter()
                .find(|s| s.path == caveats_path)
                .map(|s| format!("{}/", s.dir))
        });
        if let Some(owner) = reserved {
            diags.push(
                Diagnostic::error(
                    "url-conflict",
                    spec.dir.join(&owner),
                    format!(
                        "/{caveats_path} is the version's list of caveats; `{owner}` cannot use it"
                    ),
                )
                .help("rename the guide or folder"),
            );
        }
        // A section whose URL is also a guide's would overwrite one of them.
        for sec in &sections {
            if let Some(rel) = owner_of_path.get(&sec.path) {
                let site_path = sources
                    .iter()
                    .find(|s| &s.rel_path == rel)
                    .map(|s| s.site_path.clone())
                    .unwrap_or_else(|| PathBuf::from(rel));
                diags.push(
                    Diagnostic::error(
                        "url-conflict",
                        site_path,
                        format!(
                            "this guide has the same URL (/{}) as the folder `{}`",
                            sec.path, sec.dir
                        ),
                    )
                    .help("rename the guide or the folder"),
                );
            }
        }

        let mut version = Version {
            spec,
            sources,
            sections,
            guides,
            reading_order: Vec::new(),
            targets,
            unpublished,
        };
        version.sort();
        version.link_reading_order();
        version
    }

    fn sort(&mut self) {
        let sources = &self.sources;
        let guides = &self.guides;
        let key_of_guide = |g: &usize| {
            let src = &sources[guides[*g].source];
            (
                src.front.weight.unwrap_or(i64::MAX),
                src.title.clone().unwrap_or_default().to_lowercase(),
            )
        };
        let section_keys: Vec<(i64, String)> = self
            .sections
            .iter()
            .map(|s| (s.weight.unwrap_or(i64::MAX), s.title.to_lowercase()))
            .collect();
        for sec in &mut self.sections {
            sec.guides.sort_by_cached_key(key_of_guide);
            sec.sections
                .sort_by(|a, b| section_keys[*a].cmp(&section_keys[*b]));
        }
    }

    /// Depth first: a section's own guides, then its subsections'.
    fn link_reading_order(&mut self) {
        let mut order = Vec::with_capacity(self.guides.len());
        let mut stack = vec![0usize];
        if self.sections.is_empty() {
            return;
        }
        while let Some(s) = stack.pop() {
            order.extend(self.sections[s].guides.iter().copied());
            stack.extend(self.sections[s].sections.iter().rev().copied());
        }
        for (i, &g) in order.iter().enumerate() {
            self.guides[g].prev = i.checked_sub(1).map(|p| order[p]);
            self.guides[g].next = order.get(i + 1).copied();
        }
        self.reading_order = order;
    }

    /// Sections from the home down to `s`, inclusive.
    pub fn ancestors(&self, s: usize) -> Vec<usize> {
        let mut chain = vec![s];
        let mut cur = s;
        while let Some(p) = self.sections[cur].parent {
            chain.push(p);
            cur = p;
        }
        chain.reverse();
        chain
    }

    /// The URL path (below the site prefix) of the page made from source `s`: its
    /// guide, or the section it is the index of.
    pub fn page_path(&self, s: usize) -> Option<String> {
        self.guides
            .iter()
            .find(|g| g.source == s)
            .map(|g| g.path.clone())
            .or_else(|| {
                self.sections
                    .iter()
                    .find(|sec| sec.source == Some(s))
                    .map(|sec| sec.path.clone())
            })
    }

    pub fn guide_title(&self, g: usize) -> &str {
        self.sources[self.guides[g].source]
            .title
            .as_deref()
            .unwrap_or("")
    }
}

/// The name that guidepost writes itself and that a page or alias at `path` (below the
/// site prefix, in the version whose prefix is `version_prefix`) would collide with or
/// be inside, if any: each version's `search/`, and at the root the other names of
/// `ROOT_OUTPUT_NAMES`. (`caveats/` is each version's caveats page, checked apart.)
/// Names are compared without regard to case, as some file systems compare them.
pub fn reserved_name(version_prefix: &str, path: &str) -> Option<&'static str> {
    let local = path.strip_prefix(version_prefix)?;
    let first = local.split('/').next().filter(|f| !f.is_empty())?;
    if first.eq_ignore_ascii_case("search") {
        return Some("search");
    }
    if !version_prefix.is_empty() {
        return None;
    }
    ROOT_OUTPUT_NAMES
        .iter()
        .copied()
        .filter(|n| *n != "caveats")
        .find(|n| n.eq_ignore_ascii_case(first))
}

fn reserved_error(site_path: &std::path::Path, what: &str, path: &str, name: &str) -> Diagnostic {
    Diagnostic::error(
        "url-conflict",
        site_path,
        format!("this {what} would be served at /{path}, but guidepost writes `{name}` there itself"),
    )
    .help(format!(
        "rename the file or its folder; reserved at the top of the site: {} (and `search` in every version)",
        ROOT_OUTPUT_NAMES
            .iter()
            .filter(|n| !n.starts_with(['.', '_']))
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// `a/b.md` → `a/b/`; `a/b/index.md` → `a/b/` (both below the version prefix).
fn guide_path(vprefix: &str, rel: &str) -> String {
    let stem = rel
        .strip_suffix("/index.md")
        .or_else(|| rel.strip_suffix(".md"))
        .unwrap_or(rel);
    format!("{vprefix}{stem}/")
}

fn parent_dir(rel: &str) -> Option<&str> {
    if rel.is_empty() {
        return None;
    }
    Some(rel.rfind('/').map(|i| &rel[..i]).unwrap_or(""))
}

fn section_of(dir: &str, rel: &str, by_dir: &HashMap<String, usize>) -> usize {
    // A guide folder (`a/b/index.md`) belongs to the section above its folder.
    let mut d = if rel.ends_with("/index.md") {
        parent_dir(dir).unwrap_or("")
    } else {
        dir
    };
    loop {
        if let Some(&s) = by_dir.get(d) {
            return s;
        }
        match parent_dir(d) {
            Some(p) => d = p,
            None => return 0,
        }
    }
}

/// `partner-center` → `Partner center`, for sections without an `_index.md`.
fn title_from_dir(dir: &str) -> String {
    let name = dir
        .rsplit('/')
        .next()
        .unwrap_or(dir)
        .replace(['-', '_'], " ");
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::from("Home"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_paths() {
        assert_eq!(guide_path("", "a/b.md"), "a/b/");
        assert_eq!(guide_path("2013/", "a/b/index.md"), "2013/a/b/");
        assert_eq!(guide_path("", "top.md"), "top/");
    }

    #[test]
    fn reserved_names() {
        for (prefix, path, name) in [
            ("", "sitemap.xml/", Some("sitemap.xml")),
            ("", "Robots.TXT/", Some("robots.txt")),
            ("", "versions.json/", Some("versions.json")),
            ("", "404.html/", Some("404.html")),
            ("", "index.html/", Some("index.html")),
            ("", "assets/img/", Some("assets")),
            ("", "search/", Some("search")),
            ("", "search/x/", Some("search")),
            ("2013/", "2013/search/x/", Some("search")),
            ("2013/", "2013/assets/x/", None),
            ("2013/", "2013/sitemap.xml/", None),
            ("", "caveats/", None),
            ("", "searching/", None),
            ("", "a/sitemap.xml/", None),
            ("", "", None),
        ] {
            assert_eq!(reserved_name(prefix, path), name, "{prefix}{path}");
        }
    }

    #[test]
    fn dir_titles() {
        assert_eq!(title_from_dir("x/partner-center"), "Partner center");
        assert_eq!(title_from_dir(""), "Home");
    }
}

/// What other versions need to know of a version to link into it: its pages and aliases,
/// by their path below the version's prefix.
#[derive(Debug, Clone)]
pub struct VersionIndex {
    pub id: String,
    pub label: String,
    pub current: bool,
    /// URL path of the version below the site prefix ("" or "2013/").
    pub url_prefix: String,
    pages: std::collections::HashSet<String>,
    /// Alias path → page path, both below the version's prefix.
    aliases: HashMap<String, String>,
}

impl VersionIndex {
    pub fn of(version: &Version) -> VersionIndex {
        let prefix = &version.spec.url_prefix;
        let local = |p: &str| p.strip_prefix(prefix.as_str()).unwrap_or(p).to_string();
        let mut aliases = HashMap::new();
        for g in &version.guides {
            for alias in &version.sources[g.source].front.aliases {
                if let Some(a) = local_alias(alias) {
                    aliases.insert(a, local(&g.path));
                }
            }
        }
        VersionIndex {
            id: version.spec.id.clone(),
            label: version.spec.label.clone(),
            current: version.spec.current,
            url_prefix: prefix.clone(),
            pages: version
                .guides
                .iter()
                .map(|g| local(&g.path))
                .chain(version.sections.iter().map(|s| local(&s.path)))
                .collect(),
            aliases,
        }
    }

    /// The path in this version (below its prefix) of the page at `local` in another
    /// version, whose own aliases are `aliases`: the same path, a page that names it as
    /// an alias, or a page at one of its aliases; else the version's home ("").
    pub fn counterpart(&self, local: &str, aliases: &[String]) -> String {
        if self.pages.contains(local) {
            return local.to_string();
        }
        if let Some(target) = self.aliases.get(local) {
            return target.clone();
        }
        aliases
            .iter()
            .filter_map(|a| local_alias(a))
            .find(|a| self.pages.contains(a))
            .unwrap_or_default()
    }
}

/// `/old/path` → `old/path/`, as aliases are written in front matter.
pub fn local_alias(alias: &str) -> Option<String> {
    let segments: Vec<&str> = alias.trim().split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty()
        || segments
            .iter()
            .any(|s| *s == ".." || *s == "." || s.contains(['\\', '?', '#']))
    {
        return None;
    }
    Some(format!("{}/", segments.join("/")))
}
