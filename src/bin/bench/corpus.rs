//! The benchmark corpus: a synthetic help site of N step-by-step guides, the same for
//! a seed, written for guidepost (site.toml + content/) or for Hugo (the peer the build
//! benchmark compares against).
//!
//! The site: a home, product areas of up to 8 leaf sections, leaf sections of 40-60
//! guides. A guide has front matter (title, summary, weight, tags), an intro with a
//! link to another guide, sometimes an alert, prerequisites, 3-8 H2/H3 headings with
//! numbered steps (some with an indented code block or a screenshot), code blocks in
//! PowerShell, bash, JSON or YAML, at most one settings table, and "Next steps" links
//! (60% to its own section); 600-1500 words. Screenshots are a few distinct small PNGs
//! written as real copies beside the guides.
//!
//! Determinism: the model comes from one `fastrand::Rng` seeded with the seed; each
//! guide's body from its own generator forked from that one in guide order, so bodies
//! can be made and written in parallel and still be the same bytes.

use crate::screenshots;
use crate::snippets::code_block;
use crate::text::{
    between, capitalize, fill, fill_any, index, paragraph, pick, sentence, slug, topic,
    ALERT_KINDS, HEADINGS, PREREQUISITES, PRODUCTS, RUN_COMMAND_STEP, SETTING_VALUES, STEPS, TAGS,
    TITLES,
};
use fastrand::Rng;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Layout {
    Guidepost,
    Hugo,
}

impl Layout {
    pub fn parse(name: &str) -> Option<Layout> {
        match name {
            "guidepost" => Some(Layout::Guidepost),
            "hugo" => Some(Layout::Hugo),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Layout::Guidepost => "guidepost",
            Layout::Hugo => "hugo",
        }
    }
}

/// A section page: the home (path ""), an area ("harbor-mail") or a leaf
/// ("harbor-mail/certificates"), whose guides are `guides`.
struct Section {
    path: String,
    title: String,
    summary: String,
    weight: usize,
    intro: String,
    guides: std::ops::Range<usize>,
}

/// One guide. Its body is made later, from its own generator.
struct Guide {
    /// Index of its leaf section.
    section: usize,
    slug: String,
    title: String,
    summary: String,
    weight: usize,
    tags: Vec<&'static str>,
}

/// A piece of a guide's markdown: text as is, or a reference that each layout writes
/// its own way.
enum Piece {
    Text(String),
    /// A link to the guide with this index, with its title as the text.
    Link(usize),
    /// `![alt](file)`, `file` being a screenshot beside the guide.
    Screenshot {
        alt: String,
        file: String,
    },
}

struct Body {
    pieces: Vec<Piece>,
    /// (file name, which picture) of each screenshot the body shows.
    screenshots: Vec<(String, usize)>,
    words: usize,
}

pub struct Corpus {
    sections: Vec<Section>,
    guides: Vec<Guide>,
    bodies: Vec<Body>,
}

/// What was written, for the terminal.
pub struct Summary {
    pub guides: usize,
    pub sections: usize,
    pub screenshots: usize,
    pub words: usize,
}

impl Corpus {
    /// The corpus of `guides` guides (at least one) for `seed`.
    pub fn generate(guides: usize, seed: u64) -> Corpus {
        let mut rng = Rng::with_seed(seed);
        let mut sections = Vec::new();
        let mut heads = Vec::new();
        sections.push(Section {
            path: String::new(),
            title: "Synthetic Help Center".into(),
            summary: "Step-by-step guides for a fictional cloud console.".into(),
            weight: 1,
            intro: format!(
                "{}\n\n{}\n",
                paragraph(&mut rng, 3, 5),
                paragraph(&mut rng, 2, 4)
            ),
            guides: 0..0,
        });
        for (leaf_no, size) in leaf_sizes(&mut rng, guides.max(1)).into_iter().enumerate() {
            if leaf_no % 8 == 0 {
                sections.push(area(&mut rng, leaf_no / 8));
            }
            let area_path = area_path_of(&sections);
            let leaf = leaf(
                &mut rng,
                &sections,
                &area_path,
                heads.len()..heads.len() + size,
            );
            let leaf_index = sections.len();
            sections.push(leaf);
            add_guides(&mut rng, &mut heads, leaf_index, size);
        }
        // One generator per guide, forked in guide order: the bodies can then be made
        // in parallel.
        let rngs: Vec<Rng> = heads.iter().map(|_| rng.fork()).collect();
        let bodies = rngs
            .into_par_iter()
            .enumerate()
            .map(|(i, mut rng)| guide_body(&mut rng, i, &heads, &sections))
            .collect();
        Corpus {
            sections,
            guides: heads,
            bodies,
        }
    }

    pub fn summary(&self) -> Summary {
        Summary {
            guides: self.guides.len(),
            sections: self.sections.len(),
            screenshots: self.bodies.iter().map(|b| b.screenshots.len()).sum(),
            words: self.bodies.iter().map(|b| b.words).sum(),
        }
    }

    /// Writes the site in `layout` into `out`, which must be missing or empty.
    pub fn write(&self, layout: Layout, out: &Path) -> Result<(), String> {
        if out.exists()
            && std::fs::read_dir(out)
                .map_err(|e| format!("cannot read {}: {e}", out.display()))?
                .next()
                .is_some()
        {
            return Err(format!("{} exists and is not empty", out.display()));
        }
        let pictures =
            screenshots::pictures().map_err(|e| format!("cannot draw the screenshots: {e}"))?;
        let writer = Writer { layout, out };
        writer.site_files()?;
        for section in &self.sections {
            writer.section(self, section)?;
        }
        self.guides
            .par_iter()
            .zip(self.bodies.par_iter())
            .try_for_each(|(guide, body)| writer.guide(self, guide, body, &pictures))
    }

    fn guide_path(&self, guide: &Guide) -> String {
        format!("{}/{}", self.sections[guide.section].path, guide.slug)
    }
}

/// Sizes of the leaf sections: 40-60 guides each, the last one what is left.
fn leaf_sizes(rng: &mut Rng, mut left: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    while left > 0 {
        let size = between(rng, 40, 60).min(left);
        sizes.push(size);
        left -= size;
    }
    sizes
}

/// The `number`th product area: products in turn, numbered from the second round on.
fn area(rng: &mut Rng, number: usize) -> Section {
    let product = PRODUCTS[number % PRODUCTS.len()];
    let round = number / PRODUCTS.len();
    let title = if round == 0 {
        product.to_string()
    } else {
        format!("{product} {}", round + 1)
    };
    Section {
        path: slug(&title),
        summary: format!("Guides for {title}."),
        title,
        weight: number + 1,
        intro: format!("{}\n", paragraph(rng, 2, 4)),
        guides: 0..0,
    }
}

/// The path of the last area in `sections`.
fn area_path_of(sections: &[Section]) -> String {
    sections
        .iter()
        .rev()
        .find(|s| !s.path.is_empty() && !s.path.contains('/'))
        .map(|s| s.path.clone())
        .unwrap_or_default()
}

/// A leaf section of the area at `area_path`, with a slug not yet used in that area.
fn leaf(
    rng: &mut Rng,
    sections: &[Section],
    area_path: &str,
    guides: std::ops::Range<usize>,
) -> Section {
    let siblings: Vec<&str> = sections
        .iter()
        .filter_map(|s| s.path.strip_prefix(area_path)?.strip_prefix('/'))
        .collect();
    let title = topic(rng);
    let mut leaf_slug = slug(&title);
    let mut n = 2;
    while siblings.contains(&leaf_slug.as_str()) {
        leaf_slug = format!("{}-{n}", slug(&title));
        n += 1;
    }
    Section {
        path: format!("{area_path}/{leaf_slug}"),
        summary: format!("How-to guides about {}.", title.to_lowercase()),
        title,
        weight: siblings.len() + 1,
        intro: format!("{}\n", paragraph(rng, 2, 3)),
        guides,
    }
}

fn add_guides(rng: &mut Rng, heads: &mut Vec<Guide>, section: usize, size: usize) {
    let mut used = HashSet::new();
    for k in 0..size {
        let title = capitalize(&fill_any(rng, TITLES));
        let mut tags: Vec<&'static str> = Vec::new();
        while tags.len() < between(rng, 2, 5) {
            let tag = pick(rng, TAGS);
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        tags.sort_unstable();
        let base = short_slug(&title);
        let mut guide_slug = base.clone();
        let mut n = 2;
        while !used.insert(guide_slug.clone()) {
            guide_slug = format!("{base}-{n}");
            n += 1;
        }
        heads.push(Guide {
            section,
            slug: guide_slug,
            // Lists and search results show the summary as plain text.
            summary: sentence(rng).replace(['*', '`'], ""),
            title,
            weight: k + 1,
            tags,
        });
    }
}

/// A title's slug cut at a word boundary to at most 60 characters.
fn short_slug(title: &str) -> String {
    let full = slug(title);
    if full.len() <= 60 {
        return full;
    }
    let cut = full[..60].rfind('-').unwrap_or(60);
    full[..cut].to_string()
}

/// Builds a body piece by piece, counting words.
struct BodyMaker {
    pieces: Vec<Piece>,
    screenshots: Vec<(String, usize)>,
    words: usize,
}

impl BodyMaker {
    fn text(&mut self, text: &str) {
        self.words += text.split_whitespace().count();
        match self.pieces.last_mut() {
            Some(Piece::Text(last)) => last.push_str(text),
            _ => self.pieces.push(Piece::Text(text.to_string())),
        }
    }

    /// A block (paragraph, list, fence…) after a blank line.
    fn block(&mut self, text: &str) {
        if !self.pieces.is_empty() {
            self.text("\n\n");
        }
        self.text(text);
    }

    fn link(&mut self, target: usize, heads: &[Guide]) {
        self.words += heads[target].title.split_whitespace().count();
        self.pieces.push(Piece::Link(target));
    }

    fn screenshot(&mut self, alt: String, file: String, picture: usize) {
        self.words += alt.split_whitespace().count();
        self.screenshots.push((file.clone(), picture));
        self.pieces.push(Piece::Screenshot { alt, file });
    }
}

/// Another guide to link to from guide `me`: 60% from its own section.
fn link_target(rng: &mut Rng, me: usize, heads: &[Guide], sections: &[Section]) -> usize {
    let own = &sections[heads[me].section].guides;
    let target = if rng.f64() < 0.6 && own.len() > 1 {
        own.start + index(rng, own.len())
    } else {
        index(rng, heads.len())
    };
    if target == me {
        (me + 1) % heads.len()
    } else {
        target
    }
}

/// `code` as a fenced block, each line after `indent` (for a block inside a step).
fn fence(language: &str, code: &str, indent: &str) -> String {
    let mut out = format!("{indent}```{language}\n");
    for line in code.lines() {
        if !line.is_empty() {
            out.push_str(indent);
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str("```");
    out
}

fn alert(rng: &mut Rng, sentences: usize) -> String {
    let mut out = format!("> [!{}]", pick(rng, ALERT_KINDS));
    for _ in 0..sentences {
        out.push_str("\n> ");
        out.push_str(&sentence(rng));
    }
    out
}

fn guide_body(rng: &mut Rng, me: usize, heads: &[Guide], sections: &[Section]) -> Body {
    let target_words = between(rng, 600, 1500);
    let mut body = BodyMaker {
        pieces: Vec::new(),
        screenshots: Vec::new(),
        words: 0,
    };
    intro(rng, me, heads, sections, &mut body);
    let headings = between(rng, 3, 8);
    let mut table_written = false;
    for h in 0..headings {
        let level = if h == 0 || rng.f64() < 0.6 {
            "##"
        } else {
            "###"
        };
        body.block(&format!("{level} {}", fill_any(rng, HEADINGS)));
        body.block(&paragraph(rng, 2, 6));
        let roll = rng.f64();
        if roll < 0.55 {
            steps(rng, me, heads, &mut body);
        } else if roll < 0.8 {
            let (language, code) = code_block(rng);
            body.block(&format!("{}:", sentence(rng).trim_end_matches('.')));
            body.block(&fence(language, &code, ""));
        } else if !table_written {
            table_written = true;
            body.block(&sentence(rng));
            body.block(&settings_table(rng));
        } else {
            body.block(&alert(rng, 2));
        }
        // Text up to this heading's share of the guide's length.
        while body.words < target_words * (h + 1) / headings {
            body.block(&paragraph(rng, 2, 6));
        }
    }
    body.block("## Next steps\n");
    for _ in 0..between(rng, 2, 4) {
        body.text("\n- ");
        let target = link_target(rng, me, heads, sections);
        body.link(target, heads);
    }
    body.text("\n");
    Body {
        pieces: body.pieces,
        screenshots: body.screenshots,
        words: body.words,
    }
}

fn intro(rng: &mut Rng, me: usize, heads: &[Guide], sections: &[Section], body: &mut BodyMaker) {
    body.text(&paragraph(rng, 2, 4));
    body.text(" For background, see ");
    let target = link_target(rng, me, heads, sections);
    body.link(target, heads);
    body.text(".");
    if rng.bool() {
        body.block(&alert(rng, 1));
    }
    body.block("## Prerequisites\n");
    for _ in 0..between(rng, 2, 4) {
        body.text("\n- ");
        body.text(&fill_any(rng, PREREQUISITES));
        if rng.f64() < 0.25 {
            body.text(" See ");
            let target = link_target(rng, me, heads, sections);
            body.link(target, heads);
            body.text(".");
        }
    }
}

/// A numbered list of 3-7 steps; a step may hold a code block, a screenshot or a
/// second sentence, indented under it.
fn steps(rng: &mut Rng, me: usize, heads: &[Guide], body: &mut BodyMaker) {
    let count = between(rng, 3, 7);
    // Steps with something under them make a loose list (blank lines between steps).
    body.text("\n");
    for n in 1..=count {
        body.text(&format!("\n{n}. "));
        if rng.f64() < 0.1 {
            body.text(&fill(rng, RUN_COMMAND_STEP));
            let (language, code) = code_block(rng);
            body.text("\n\n");
            body.text(&fence(language, &code, "   "));
            body.text("\n");
        } else {
            body.text(&fill_any(rng, STEPS));
            if rng.f64() < 0.2 {
                let number = body.screenshots.len() + 1;
                let file = format!("{}-{number}.png", heads[me].slug);
                let alt = format!("Step {n} of {}", heads[me].title.to_lowercase());
                body.text("\n\n   ");
                body.screenshot(alt, file, index(rng, screenshots::DISTINCT));
                body.text("\n");
            } else if rng.f64() < 0.25 {
                body.text("\n\n   ");
                body.text(&sentence(rng));
                body.text("\n");
            }
        }
    }
}

fn settings_table(rng: &mut Rng) -> String {
    let mut rows = vec![
        "| Setting | Default | Description |".to_string(),
        "| --- | --- | --- |".to_string(),
    ];
    for _ in 0..between(rng, 3, 7) {
        let setting = fill(rng, "{adj}_{noun}").replace(['-', ' '], "_");
        rows.push(format!(
            "| `{setting}` | {} | {} |",
            pick(rng, SETTING_VALUES),
            sentence(rng)
        ));
    }
    rows.join("\n")
}

/// A relative path from the folder `from` to `to` (both `/`-separated, relative to
/// the same root).
fn relative(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

/// A string in double quotes, valid in YAML (and TOML).
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

const GUIDEPOST_SITE: &str = "title = \"Synthetic Help Center\"
base_url = \"https://example.org/\"
language = \"en\"
";

const HUGO_CONFIG: &str = "baseURL = \"http://localhost/\"
languageCode = \"en-us\"
title = \"Synthetic Help Center\"
# Like guidepost: no tag pages and no feeds; the sitemap stays.
disableKinds = [\"taxonomy\", \"term\", \"RSS\"]

[markup.highlight]
codeFences = true
guessSyntax = false
noClasses = true
";

const HUGO_BASEOF: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ .Title }} · {{ .Site.Title }}</title>
<meta name="description" content="{{ .Description }}">
</head>
<body>
<nav><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a>{{ with .Parent }} › <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"#;

const HUGO_SINGLE: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>
<p>{{ .Description }}</p>
{{ .Content }}{{ end }}
"#;

const HUGO_LIST: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>
<p>{{ .Description }}</p>
{{ .Content }}
<ul>{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
{{ range .RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"#;

struct Writer<'a> {
    layout: Layout,
    out: &'a Path,
}

impl Writer<'_> {
    /// Writes a file into a folder made before (folders are made once, by `dir`).
    fn file(&self, path: &Path, bytes: &[u8]) -> Result<(), String> {
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    fn dir(&self, path: &Path) -> Result<(), String> {
        std::fs::create_dir_all(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
    }

    /// Where the screenshots of a section's guides go: beside them (guidepost) or
    /// under static/ (Hugo), at the same URL in both sites.
    fn images(&self, section: &str) -> PathBuf {
        match self.layout {
            Layout::Guidepost => self.content().join(section).join("images"),
            Layout::Hugo => self.out.join("static").join(section).join("images"),
        }
    }

    fn content(&self) -> PathBuf {
        self.out.join("content")
    }

    /// site.toml, or Hugo's configuration and templates.
    fn site_files(&self) -> Result<(), String> {
        match self.layout {
            Layout::Guidepost => {
                self.dir(self.out)?;
                self.file(&self.out.join("site.toml"), GUIDEPOST_SITE.as_bytes())
            }
            Layout::Hugo => {
                let layouts = self.out.join("layouts/_default");
                self.dir(&layouts)?;
                self.file(&self.out.join("hugo.toml"), HUGO_CONFIG.as_bytes())?;
                self.file(&layouts.join("baseof.html"), HUGO_BASEOF.as_bytes())?;
                self.file(&layouts.join("single.html"), HUGO_SINGLE.as_bytes())?;
                self.file(&layouts.join("list.html"), HUGO_LIST.as_bytes())
            }
        }
    }

    /// The summary's key in front matter.
    fn summary_key(&self) -> &'static str {
        match self.layout {
            Layout::Guidepost => "summary",
            Layout::Hugo => "description",
        }
    }

    fn front_matter(&self, title: &str, summary: &str, weight: usize, tags: &[&str]) -> String {
        let mut out = format!(
            "---\ntitle: {}\n{}: {}\nweight: {weight}\n",
            quoted(title),
            self.summary_key(),
            quoted(summary)
        );
        if !tags.is_empty() {
            out.push_str(&format!("tags: [{}]\n", tags.join(", ")));
        }
        out.push_str("---\n\n");
        out
    }

    /// The section's folders and its `_index.md`.
    fn section(&self, corpus: &Corpus, section: &Section) -> Result<(), String> {
        let dir = self.content().join(&section.path);
        self.dir(&dir)?;
        if corpus.bodies[section.guides.clone()]
            .iter()
            .any(|b| !b.screenshots.is_empty())
        {
            self.dir(&self.images(&section.path))?;
        }
        let text = self.front_matter(&section.title, &section.summary, section.weight, &[])
            + &section.intro;
        self.file(&dir.join("_index.md"), text.as_bytes())
    }

    fn guide(
        &self,
        corpus: &Corpus,
        guide: &Guide,
        body: &Body,
        pictures: &[Vec<u8>],
    ) -> Result<(), String> {
        let section = &corpus.sections[guide.section].path;
        let here = corpus.guide_path(guide);
        let mut text = self.front_matter(&guide.title, &guide.summary, guide.weight, &guide.tags);
        for piece in &body.pieces {
            match piece {
                Piece::Text(t) => text.push_str(t),
                Piece::Link(target) => {
                    let target = &corpus.guides[*target];
                    let href = match self.layout {
                        // The markdown file, relative to this guide's folder.
                        Layout::Guidepost => {
                            relative(section, &format!("{}.md", corpus.guide_path(target)))
                        }
                        // Hugo's pretty URL, relative to this page's URL.
                        Layout::Hugo => relative(&here, &corpus.guide_path(target)) + "/",
                    };
                    text.push_str(&format!("[{}]({href})", target.title));
                }
                Piece::Screenshot { alt, file } => {
                    let src = match self.layout {
                        Layout::Guidepost => format!("images/{file}"),
                        Layout::Hugo => format!("../images/{file}"),
                    };
                    text.push_str(&format!("![{alt}]({src})"));
                }
            }
        }
        self.file(&self.content().join(format!("{here}.md")), text.as_bytes())?;
        let images = self.images(section);
        for (file, picture) in &body.screenshots {
            self.file(&images.join(file), &pictures[*picture])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_between_folders() {
        assert_eq!(relative("a/l", "a/l/g.md"), "g.md");
        assert_eq!(relative("a/l", "a/m/g.md"), "../m/g.md");
        assert_eq!(relative("a/l", "b/m/g.md"), "../../b/m/g.md");
        assert_eq!(relative("a/l/g", "a/l/h"), "../h");
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let slug = short_slug(&"word ".repeat(30));
        assert!(slug.len() <= 60 && slug.ends_with("word"), "{slug}");
    }

    #[test]
    fn sections_group_leaves_of_40_to_60_guides_into_areas_of_8() {
        let corpus = Corpus::generate(1000, 5);
        assert_eq!(corpus.guides.len(), 1000);
        let leaves: Vec<&Section> = corpus
            .sections
            .iter()
            .filter(|s| s.path.contains('/'))
            .collect();
        let areas = corpus.sections.len() - 1 - leaves.len();
        assert_eq!(areas, leaves.len().div_ceil(8));
        for leaf in &leaves[..leaves.len() - 1] {
            assert!(
                (40..=60).contains(&leaf.guides.len()),
                "{}",
                leaf.guides.len()
            );
        }
        let words: Vec<usize> = corpus.bodies.iter().map(|b| b.words).collect();
        let mean = words.iter().sum::<usize>() / words.len();
        assert!((700..=1400).contains(&mean), "{mean} words per guide");
        assert!(words.iter().all(|w| (550..=2000).contains(w)), "{words:?}");
    }
}
