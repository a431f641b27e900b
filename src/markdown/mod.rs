//! Markdown → HTML for one page: the directive pre-pass, then pulldown-cmark events
//! rewritten for heading ids, callouts, highlighted code, screenshots and links.
//!
//! Links to other pages are rewritten here from a map of known pages; whether an
//! `#anchor` exists on the target is only known once every page is rendered, so those
//! checks are returned to the caller (`AnchorCheck`).

mod autolink;
pub mod caveats;
mod code_info;
pub mod directives;
mod foreign;
pub mod highlight;
mod images;
pub mod includes;
mod links;
mod passages;
mod raw_html;
mod refdefs;
pub mod report_marks;
mod rewrite;
pub mod site_paths;
pub mod slug;
mod steps;
pub mod suggest;
pub mod untrusted;
mod variants;

pub use links::{link_crosses_versions, page_dir, resolve_relative};

pub use caveats::Caveat;
pub use foreign::mdx_statement;
pub use includes::WrittenIn;
pub use site_paths::SitePaths;
pub use untrusted::safe_url;

use crate::diag::{Diagnostic, LineIndex};
use crate::screenshots::{ImageError, Screenshots};
use directives::{Block, Doc};
use pulldown_cmark::{Event, Options, Parser};
use rewrite::Rewriter;
use slug::Slugger;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

/// Links to other pages of the version are written as this character followed by
/// the page's path within the version; `with_version_base` puts the version's URL
/// base in its place. So rendered markdown does not depend on which version it is
/// in, and identical files of two versions are rendered once (see `build::cache`).
/// pulldown-cmark replaces U+0000 in the input (CommonMark §2.3) and `html::escape`
/// does too, so the character appears in rendered markdown only as this marker.
pub const VERSION_BASE: char = '\0';

/// Rendered markdown with its version's URL base (`/`, `/2013/`, `/docs/2013/`)
/// in place of each `VERSION_BASE` marker.
pub fn with_version_base<'h>(html: &'h str, base: &str) -> std::borrow::Cow<'h, str> {
    if html.contains(VERSION_BASE) {
        std::borrow::Cow::Owned(html.replace(VERSION_BASE, base))
    } else {
        std::borrow::Cow::Borrowed(html)
    }
}

/// What every page of one version shares while rendering.
pub struct RenderEnv<'a> {
    /// Version-relative `.md` path → the page's path within the version (`a/b/`).
    pub targets: &'a HashMap<String, String>,
    pub assets: &'a Screenshots,
    /// Code blocks already highlighted in this build (or serve session).
    pub highlights: &'a highlight::HighlightCache,
    /// The version's folder, relative to the site root (`content`).
    pub version_dir: &'a Path,
    pub max_screenshot_kb: u64,
    /// The site's console variants (id, label), in display order.
    pub variants: &'a [(String, String)],
    /// The folders of the site's other versions (relative to the site root).
    pub other_version_dirs: Vec<&'a Path>,
    /// What root-relative links may lead to: every page, alias and file of the site.
    pub site: &'a SitePaths,
    /// Show `status: candidate` caveats (serve), marked as candidates; a build leaves
    /// them out of the page.
    pub show_candidates: bool,
    /// The files that `::: include` reads, read once per build.
    pub includes: &'a crate::source::include_files::IncludeFiles,
}

/// One page to render.
pub struct PageInput<'a> {
    /// Version-relative path of the markdown file (`licensing/por.md`).
    pub rel_path: &'a str,
    /// Path for diagnostics (`content/licensing/por.md`).
    pub site_path: &'a Path,
    pub body: &'a str,
    pub body_line: usize,
    /// The variants the guide applies to (front matter `variants:`); None: all.
    pub variants: Option<&'a [String]>,
    /// Front matter caveats and the file line of each.
    pub caveats: Option<&'a [crate::source::frontmatter::CaveatSpec]>,
    pub caveat_lines: &'a [usize],
    /// Byte offset in `body` of the H1 the body starts with (`source::title`): the
    /// page template shows it as the page's heading, so it is left out of the HTML.
    pub title_at: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
    /// The variants of the block the heading sits in; None outside variant blocks.
    pub variants: Option<Vec<String>>,
}

/// A link to `target#anchor` whose anchor must exist on the target page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AnchorCheck {
    pub target: String,
    pub anchor: String,
    /// Line and column in the file the link is written in: the page, or the included
    /// file of `written_in`.
    pub line: usize,
    pub column: usize,
    pub written_in: Option<WrittenIn>,
}

/// A step (SPEC §3): an item of an ordered list that is not nested in another list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Step {
    /// Its id on the page (`step-2`, `choose-subscription-step-2`).
    pub id: String,
    /// The number the reader sees (the list's start number counted on).
    pub number: u64,
    /// The heading it sits under: (id, text); None before the first heading.
    pub heading: Option<(String, String)>,
    /// The variants of the block it sits in; None outside variant blocks.
    pub variants: Option<Vec<String>>,
    /// Its text, plain, without the text of images.
    pub text: String,
}

/// A searchable piece of a page: the text under one heading (split where variant
/// panels start and end), or one caveat.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Passage {
    /// The heading it sits under: (id, text); None before the first heading.
    pub heading: Option<(String, String)>,
    /// The id a search result links to when it is not the heading's (a caveat's id;
    /// a step's, once steps start passages of their own).
    pub anchor: Option<String>,
    pub variants: Option<Vec<String>>,
    /// The caveat's id, when the passage is a caveat.
    pub caveat: Option<String>,
    pub text: String,
}

/// One thing outside the markdown file that its rendering looked at. A cached
/// rendering is reused for a file with the same content only where every dependency
/// still gives the same answer (`build::cache`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RenderDep {
    /// A link to the version-relative `target`, which led to this path (None: no page).
    Link {
        target: String,
        found: Option<String>,
    },
    /// A relative link matching no page: whether it leads into another version's
    /// folder, followed from the folder of `from` (the version-relative path of the
    /// file it is written in: the page or an included file).
    Crossing {
        from: String,
        link_path: String,
        crosses: bool,
    },
    /// A screenshot as written in the file `from` (version-relative: the page or an
    /// included file) and what it resolved to.
    Image {
        from: String,
        src: String,
        result: Result<std::sync::Arc<crate::screenshots::ImageInfo>, ImageError>,
    },
    /// A linked local file (not markdown) as written in the file `from` (like `Image`)
    /// and what it resolved to.
    File {
        from: String,
        src: String,
        result: Result<std::sync::Arc<crate::screenshots::FileInfo>, ImageError>,
    },
    /// A root-relative link's path, whether the site has something there, and the
    /// `.md` file of this version's page there (whose ids its `#anchor` is checked
    /// against).
    SitePath {
        path: String,
        found: bool,
        page: Option<String>,
    },
    /// A reference that did not resolve (relative to `base`, a folder below the site
    /// root) and the "did you mean" it got.
    Suggestion {
        base: std::path::PathBuf,
        written: String,
        found: Option<suggest::Suggestion>,
    },
    /// A file included (`::: include`, directly or through another file), by
    /// version-relative path, and what reading it gave (`IncludedFile::fingerprint`).
    Include {
        path: String,
        #[serde(with = "crate::persist::codec::hash")]
        fingerprint: blake3::Hash,
    },
}

#[derive(Debug, Default)]
pub struct RenderedMarkdown {
    pub html: String,
    /// Every heading with its id, the leading H1 of `PageInput::title_at` included.
    pub headings: Vec<Heading>,
    /// The id of the leading H1, which the page template writes.
    pub title_id: Option<String>,
    /// Every step of the page, in page order.
    pub steps: Vec<Step>,
    /// Every id of the page that links may name besides the headings' ids: steps,
    /// caveats, and `id`/`name` attributes written in raw HTML.
    pub anchors: Vec<String>,
    /// Every caveat of the page, in page order.
    pub caveats: Vec<Caveat>,
    /// The page's text cut into passages for search, in page order.
    pub passages: Vec<Passage>,
    pub anchor_checks: Vec<AnchorCheck>,
    pub diags: Vec<Diagnostic>,
    pub deps: Vec<RenderDep>,
    /// Candidate caveats left out of the page (`RenderEnv::show_candidates` unset).
    pub hidden_candidates: usize,
}

/// A page gets at most this many "did you mean" searches (each may read a folder and
/// compare names), so a page of thousands of broken references stays quick; the
/// references after that get the plain help.
const MAX_SUGGESTIONS: usize = 64;

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

pub fn render_page(env: &RenderEnv, page: &PageInput) -> RenderedMarkdown {
    let expanded = includes::expand(env, page);
    let mut state = PageState {
        env,
        page,
        body: &expanded.text,
        map: &expanded.map,
        slugger: Slugger::default(),
        out: RenderedMarkdown::default(),
        variant_scope: None,
        groups: 0,
        legends: 0,
        pending: Vec::new(),
        untrusted: false,
        current_heading: None,
        in_caveat: false,
        suggestions_left: MAX_SUGGESTIONS,
        refs: refdefs::PageRefs::default(),
        mdx_imports: Vec::new(),
    };
    state.out.passages.push(Passage::default());
    state.take_front_matter_caveats();
    state.out.html = state.caveats_for_top();
    let doc = directives::parse(
        state.body,
        page.body_line,
        page.site_path,
        &mut state.out.diags,
    );
    state.refs = refdefs::PageRefs::of(&doc);
    state.mdx_imports = doc.mdx_imports.clone();
    state.render_blocks(&doc.blocks, &doc);
    let unplaced = state.unplaced_caveats();
    state.out.html.push_str(&unplaced);
    state.out.passages.retain(|p| !p.text.trim().is_empty());
    for p in &mut state.out.passages {
        p.text = crate::whitespace::collapse(&p.text);
    }
    let mut out = state.out;
    if expanded.map.has_includes() {
        locate_in_included_files(&mut out, &expanded.map, env.version_dir);
    }
    out.diags.extend(expanded.diags);
    out.deps.extend(expanded.deps);
    out
}

/// Moves what was located at lines of the expanded text (diagnostics, the links of
/// anchor checks, inline caveats) to the file and line it was written on.
fn locate_in_included_files(
    out: &mut RenderedMarkdown,
    map: &includes::SourceMap,
    version_dir: &Path,
) {
    for d in &mut out.diags {
        map.locate_diagnostic(d, version_dir);
    }
    for check in &mut out.anchor_checks {
        if let Some((written_in, line)) = map.written_in(check.line) {
            check.line = line;
            check.written_in = Some(written_in);
        } else {
            check.line = map.locate(check.line).1;
        }
    }
    for caveat in &mut out.caveats {
        if let Some((written_in, line)) = map.written_in(caveat.line) {
            caveat.line = line;
            caveat.written_in = Some(written_in);
        } else {
            caveat.line = map.locate(caveat.line).1;
        }
    }
}

struct PageState<'a> {
    env: &'a RenderEnv<'a>,
    page: &'a PageInput<'a>,
    /// The page's body with its includes expanded; its lines are numbered from
    /// `page.body_line` on, and `map` says which file and line each comes from.
    body: &'a str,
    map: &'a includes::SourceMap,
    slugger: Slugger,
    out: RenderedMarkdown,
    /// The variants of the variant block being rendered, if any.
    variant_scope: Option<Vec<String>>,
    /// Variant groups rendered so far, for unique element ids.
    groups: usize,
    /// Screenshot legends rendered so far, for unique element ids (`marks-N`).
    legends: usize,
    /// Front matter caveats not placed yet (they follow the heading their step names).
    pending: Vec<caveats::PendingCaveat>,
    /// Set while rendering markdown from front matter (`untrusted`): raw HTML is
    /// escaped as text, and links and images keep only safe URLs.
    untrusted: bool,
    /// The heading the text being rendered sits under.
    current_heading: Option<(String, String)>,
    /// Set while rendering a caveat, whose text becomes a passage of its own.
    in_caveat: bool,
    /// "Did you mean" searches this page may still make (`MAX_SUGGESTIONS`).
    suggestions_left: usize,
    /// The page's link reference definitions, for runs that use one defined in
    /// another run.
    refs: refdefs::PageRefs,
    /// What the page's MDX statements import: (component name, module).
    mdx_imports: Vec<(String, String)>,
}

impl PageState<'_> {
    /// Renders `blocks`, whose ranges index `doc.text`.
    fn render_blocks(&mut self, blocks: &[Block], doc: &Doc) {
        let mut i = 0;
        while i < blocks.len() {
            match &blocks[i] {
                Block::Markdown { range, line } => {
                    let text = &doc.text[range.clone()];
                    let title_at = self.title_in(doc, range);
                    self.render_markdown(text, *line, doc.indent, title_at);
                }
                Block::Foreign(block) => self.render_foreign(block),
                Block::Directive(d) if d.callout.is_some() => {
                    if let Some(callout) = &d.callout {
                        self.render_callout(callout, |s| s.render_blocks(&d.body, doc));
                    }
                }
                Block::Directive(d) if d.name == "variant" => {
                    // Variant blocks with nothing but blank lines between them form a group.
                    let run = blocks[i..]
                        .iter()
                        .take_while(|b| matches!(b, Block::Directive(d) if d.name == "variant"))
                        .count();
                    self.render_variant_group(&blocks[i..i + run], doc);
                    i += run;
                    continue;
                }
                Block::Directive(d) if d.name == "caveat" => self.render_inline_caveat(d, doc),
                Block::Directive(d) => {
                    self.out.diags.push(
                        Diagnostic::error(
                            "directive",
                            self.page.site_path,
                            format!("unknown directive `::: {}`", d.name),
                        )
                        .at(d.line, d.column)
                        .help("the directives are `::: variant ID…`, `::: caveat` and `::: include PATH`; check the spelling"),
                    );
                    self.render_blocks(&d.body, doc);
                }
            }
            i += 1;
        }
    }

    /// The page's leading H1 (`PageInput::title_at`) as an offset into the run
    /// `range` of `doc`, when the run holds it and `doc` is the page's own text with
    /// nothing before the H1 rewritten (offsets into the file hold there).
    fn title_in(&self, doc: &Doc, range: &std::ops::Range<usize>) -> Option<usize> {
        let at = self.page.title_at?;
        if doc.indent != 0 {
            return None;
        }
        // The pre-pass keeps the lines of the body but may empty some before the H1
        // (MDX import lines): find the H1's line in `doc.text` by its number.
        let body = self.page.body;
        let line_start = body.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
        let line_no = body[..line_start].matches('\n').count();
        let doc_line_start = nth_line_start(&doc.text, line_no)?;
        let doc_at = doc_line_start + (at - line_start);
        let same_line = line_at(body, line_start) == line_at(&doc.text, doc_line_start);
        (same_line && range.contains(&doc_at)).then(|| doc_at - range.start)
    }

    /// Renders one run of markdown that starts at file line `first_line`; its columns
    /// lack `indent` columns of the file's (the body of an MkDocs admonition); an H1 at
    /// byte `title_at` of the run is the page's heading, left to the template.
    fn render_markdown(
        &mut self,
        text: &str,
        first_line: usize,
        indent: usize,
        title_at: Option<usize>,
    ) {
        // CommonMark replaces U+0000 for safety; pulldown-cmark leaves it in text, and
        // here it would be taken for the link marker (VERSION_BASE).
        let text: std::borrow::Cow<str> = if text.contains(VERSION_BASE) {
            text.replace(VERSION_BASE, "\u{FFFD}").into()
        } else {
            text.into()
        };
        let text = text.as_ref();
        let lines = LineIndex::new(text);
        let refs = &self.refs;
        let page_refs = |link: pulldown_cmark::BrokenLink| refs.resolve(link);
        let events: Vec<(Event, Range<usize>)> =
            Parser::new_with_broken_link_callback(text, options(), Some(page_refs))
                .into_offset_iter()
                .collect();
        let locate = |offset: usize| {
            let (l, c) = lines.locate(offset);
            (first_line + l - 1, c + indent)
        };
        let mut rewriter = Rewriter::new(&events, text, title_at);
        let mut i = 0;
        while i < events.len() {
            i = self.rewrite_event(&events, i, &locate, &mut rewriter);
        }
        // A page's HTML runs to about three times its markdown (highlighted code is
        // mostly markup): room made at once, not by doubling and copying.
        self.out.html.reserve(text.len() * 3);
        pulldown_cmark::html::push_html(&mut self.out.html, rewriter.events.into_iter());
    }
}

/// The line of `text` that starts at byte `from`.
fn line_at(text: &str, from: usize) -> Option<&str> {
    text.get(from..).and_then(|t| t.lines().next())
}

/// Byte offset where the 0-based line `n` of `text` starts.
fn nth_line_start(text: &str, n: usize) -> Option<usize> {
    if n == 0 {
        return Some(0);
    }
    text.match_indices('\n').nth(n - 1).map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_in(dir: &str, body: &str) -> RenderedMarkdown {
        let targets: HashMap<String, String> = [("b.md".to_string(), "b/".to_string())]
            .into_iter()
            .collect();
        let assets = Screenshots::new(std::path::PathBuf::from("/nonexistent"), "/");
        let includes = crate::source::include_files::IncludeFiles::new(std::path::PathBuf::from(
            "/nonexistent",
        ));
        let env = RenderEnv {
            targets: &targets,
            assets: &assets,
            highlights: &highlight::HighlightCache::default(),
            version_dir: Path::new(dir),
            max_screenshot_kb: 500,
            variants: &[],
            other_version_dirs: Vec::new(),
            site: &SitePaths::default(),
            show_candidates: false,
            includes: &includes,
        };
        let site_path = Path::new(dir).join("a.md");
        render_page(
            &env,
            &PageInput {
                rel_path: "a.md",
                site_path: &site_path,
                body,
                body_line: 1,
                variants: None,
                caveats: None,
                caveat_lines: &[],
                title_at: None,
            },
        )
    }

    #[test]
    fn page_links_carry_the_version_marker_and_nothing_else_does() {
        let r = render_in(
            "content",
            "See [b](b.md#x \"T\") and [c](c.md).\n\nA \0 NUL, `\0`, ![\0](x\0.png)\n\n```\n\0\n```\n",
        );
        assert!(
            r.html.contains("<a href=\"\0b/#x\" title=\"T\">b</a>"),
            "{}",
            r.html
        );
        assert_eq!(r.html.matches(VERSION_BASE).count(), 1, "{}", r.html);
        assert_eq!(
            with_version_base(&r.html, "/docs/2013/")
                .matches("href=\"/docs/2013/b/#x\"")
                .count(),
            1
        );
        assert!(r.deps.contains(&RenderDep::Link {
            target: "b.md".into(),
            found: Some("b/".into())
        }));
        assert!(r.deps.contains(&RenderDep::Link {
            target: "c.md".into(),
            found: None
        }));
    }

    #[test]
    fn steps_are_recorded_with_their_heading_number_and_text() {
        let r = render_in(
            "content",
            "3. First ![icon](x.png) **bold**\n   - nested\n\n## Do it {#do}\n\n1. One\n\n<a name=\"old\"></a><span id=\"s\">x</span>\n",
        );
        let steps: Vec<(&str, u64, Option<&str>, &str)> = r
            .steps
            .iter()
            .map(|s| {
                (
                    s.id.as_str(),
                    s.number,
                    s.heading.as_ref().map(|h| h.0.as_str()),
                    s.text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            steps,
            vec![
                ("step-3", 3, None, "First bold nested"),
                ("do-step-1", 1, Some("do"), "One")
            ]
        );
        assert_eq!(r.anchors, vec!["step-3", "do-step-1", "old", "s"]);
    }

    #[test]
    fn an_mkdocs_admonition_body_keeps_its_columns() {
        let r = render_in("content", "!!! note\n    See [x](missing.md).\n");
        let d: Vec<(&str, usize, usize)> =
            r.diags.iter().map(|d| (d.code, d.line, d.column)).collect();
        assert_eq!(d, vec![("foreign-syntax", 1, 1), ("broken-link", 2, 9)]);
        assert!(r.html.contains("<aside class=\"callout\""), "{}", r.html);
    }
}
