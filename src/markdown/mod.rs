//! Markdown → HTML for one page: the directive pre-pass, then pulldown-cmark events
//! rewritten for heading ids, callouts, highlighted code, screenshots and links.
//!
//! Links to other pages are rewritten here from a map of known pages; whether an
//! `#anchor` exists on the target is only known once every page is rendered, so those
//! checks are returned to the caller (`AnchorCheck`).

pub mod caveats;
pub mod directives;
pub mod highlight;
pub mod slug;
pub mod untrusted;
mod variants;

pub use caveats::Caveat;
pub use untrusted::safe_url;

use crate::assets::{Assets, ImageError};
use crate::diag::{Diagnostic, LineIndex};
use crate::html::escape;
use directives::Block;
use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
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
    pub assets: &'a Assets,
    /// The version's folder, relative to the site root (`content`).
    pub version_dir: &'a Path,
    pub max_screenshot_kb: u64,
    /// The site's console variants (id, label), in display order.
    pub variants: &'a [(String, String)],
    /// The folders of the site's other versions (relative to the site root).
    pub other_version_dirs: Vec<&'a Path>,
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
    /// The variants of the block the heading sits in; None outside variant blocks.
    pub variants: Option<Vec<String>>,
}

/// A link to `target#anchor` whose anchor must exist on the target page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorCheck {
    pub target: String,
    pub anchor: String,
    pub line: usize,
    pub column: usize,
}

/// A searchable piece of a page: the text under one heading (split where variant
/// panels start and end), or one caveat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Passage {
    /// The heading it sits under: (id, text); None before the first heading.
    pub heading: Option<(String, String)>,
    pub variants: Option<Vec<String>>,
    /// The caveat's id, when the passage is a caveat.
    pub caveat: Option<String>,
    pub text: String,
}

/// One thing outside the markdown file that its rendering looked at. A cached
/// rendering is reused for a file with the same content only where every dependency
/// still gives the same answer (`build::cache`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderDep {
    /// A link to the version-relative `target`, which led to this path (None: no page).
    Link {
        target: String,
        found: Option<String>,
    },
    /// A relative link matching no page: whether it leads into another version's folder.
    Crossing { link_path: String, crosses: bool },
    /// A screenshot as written in the page and what it resolved to.
    Image {
        src: String,
        result: Result<std::sync::Arc<crate::assets::ImageInfo>, ImageError>,
    },
}

#[derive(Debug, Default)]
pub struct RenderedMarkdown {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Every caveat of the page, in page order.
    pub caveats: Vec<Caveat>,
    /// The page's text cut into passages for search, in page order.
    pub passages: Vec<Passage>,
    pub anchor_checks: Vec<AnchorCheck>,
    pub diags: Vec<Diagnostic>,
    pub deps: Vec<RenderDep>,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

pub fn render_page(env: &RenderEnv, page: &PageInput) -> RenderedMarkdown {
    let mut state = PageState {
        env,
        page,
        slugger: Slugger::default(),
        out: RenderedMarkdown::default(),
        variant_scope: None,
        groups: 0,
        pending: Vec::new(),
        untrusted: false,
        current_heading: None,
        in_caveat: false,
    };
    state.out.passages.push(Passage::default());
    state.take_front_matter_caveats();
    state.out.html = state.caveats_for_top();
    let blocks = directives::parse(
        page.body,
        page.body_line,
        page.site_path,
        &mut state.out.diags,
    );
    state.render_blocks(&blocks);
    let unplaced = state.unplaced_caveats();
    state.out.html.push_str(&unplaced);
    state.out.passages.retain(|p| !p.text.trim().is_empty());
    for p in &mut state.out.passages {
        p.text = p.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    state.out
}

struct PageState<'a> {
    env: &'a RenderEnv<'a>,
    page: &'a PageInput<'a>,
    slugger: Slugger,
    out: RenderedMarkdown,
    /// The variants of the variant block being rendered, if any.
    variant_scope: Option<Vec<String>>,
    /// Variant groups rendered so far, for unique element ids.
    groups: usize,
    /// Front matter caveats not placed yet (they follow the heading their step names).
    pending: Vec<caveats::PendingCaveat>,
    /// Set while rendering markdown from front matter (`untrusted`): raw HTML is
    /// escaped as text, and links and images keep only safe URLs.
    untrusted: bool,
    /// The heading the text being rendered sits under.
    current_heading: Option<(String, String)>,
    /// Set while rendering a caveat, whose text becomes a passage of its own.
    in_caveat: bool,
}

impl PageState<'_> {
    fn render_blocks(&mut self, blocks: &[Block]) {
        let mut i = 0;
        while i < blocks.len() {
            match &blocks[i] {
                Block::Markdown { range, line } => {
                    let text = &self.page.body[range.clone()];
                    self.render_markdown(text, *line);
                }
                Block::Directive(d) if d.name == "variant" => {
                    // Variant blocks with nothing but blank lines between them form a group.
                    let run = blocks[i..]
                        .iter()
                        .take_while(|b| matches!(b, Block::Directive(d) if d.name == "variant"))
                        .count();
                    self.render_variant_group(&blocks[i..i + run]);
                    i += run;
                    continue;
                }
                Block::Directive(d) if d.name == "caveat" => self.render_inline_caveat(d),
                Block::Directive(d) => {
                    self.out.diags.push(
                        Diagnostic::error(
                            "directive",
                            self.page.site_path,
                            format!("unknown directive `::: {}`", d.name),
                        )
                        .at(d.line, d.column)
                        .help("the directives are `::: variant ID…` and `::: caveat`; check the spelling"),
                    );
                    self.render_blocks(&d.body);
                }
            }
            i += 1;
        }
    }

    /// Renders one run of markdown that starts at file line `first_line`.
    fn render_markdown(&mut self, text: &str, first_line: usize) {
        // CommonMark replaces U+0000 for safety; pulldown-cmark leaves it in text, and
        // here it would be taken for the link marker (VERSION_BASE).
        let text: std::borrow::Cow<str> = if text.contains(VERSION_BASE) {
            text.replace(VERSION_BASE, "\u{FFFD}").into()
        } else {
            text.into()
        };
        let text = text.as_ref();
        let lines = LineIndex::new(text);
        let events: Vec<(Event, Range<usize>)> = Parser::new_ext(text, options())
            .into_offset_iter()
            .collect();
        let locate = |offset: usize| {
            let (l, c) = lines.locate(offset);
            (first_line + l - 1, c)
        };
        let mut rewriter = Rewriter::default();
        let mut i = 0;
        while i < events.len() {
            i = self.rewrite_event(&events, i, &locate, &mut rewriter);
        }
        pulldown_cmark::html::push_html(&mut self.out.html, rewriter.events.into_iter());
    }

    /// Handles the event at `i`, pushing the rewritten events; returns the next index.
    fn rewrite_event<'e>(
        &mut self,
        events: &[(Event<'e>, Range<usize>)],
        i: usize,
        locate: &dyn Fn(usize) -> (usize, usize),
        rw: &mut Rewriter<'e>,
    ) -> usize {
        let (event, range) = &events[i];
        if rw.open_headings.is_empty() {
            self.capture_text(event);
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let end = find_end(events, i);
                let text = plain_text(&events[i + 1..end]);
                let id = match id {
                    Some(custom) => {
                        if !self.slugger.reserve(custom) {
                            let (l, c) = locate(range.start);
                            self.out.diags.push(
                                Diagnostic::warning(
                                    "duplicate-id",
                                    self.page.site_path,
                                    format!("the heading id `{custom}` is used twice on this page"),
                                )
                                .at(l, c),
                            );
                        }
                        custom.to_string()
                    }
                    None => self.slugger.unique(&text),
                };
                let level = *level as u8;
                rw.html(format!("<h{level} id=\"{}\">", escape(&id)));
                rw.open_headings.push((id.clone(), text.clone()));
                if !self.in_caveat {
                    self.current_heading = Some((id.clone(), text.clone()));
                    self.start_passage();
                }
                self.out.headings.push(Heading {
                    level,
                    id,
                    text,
                    variants: self.variant_scope.clone(),
                });
                rw.closers.push(format!("</h{level}>\n"));
            }
            Event::End(TagEnd::Heading(_)) => {
                rw.close();
                if let Some((id, text)) = rw.open_headings.pop() {
                    let caveats = self.caveats_after_heading(&id, &text);
                    if !caveats.is_empty() {
                        rw.html(caveats);
                    }
                }
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (kind, label) = callout_kind(*kind);
                rw.html(format!(
                    "<aside class=\"callout\" role=\"note\" data-kind=\"{kind}\"><p class=\"callout-title\">{label}</p>\n"
                ));
                rw.closers.push("</aside>\n".into());
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => rw.close(),
            Event::Start(Tag::CodeBlock(kind)) => {
                let end = find_end(events, i);
                let code: String = events[i + 1..end]
                    .iter()
                    .filter_map(|(e, _)| match e {
                        Event::Text(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split([' ', ',', '{']).next().unwrap_or(""),
                    CodeBlockKind::Indented => "",
                };
                let lang_attr = if lang.is_empty() {
                    String::new()
                } else {
                    format!(" data-lang=\"{}\"", escape(lang))
                };
                // tabindex: a code block that scrolls sideways (on a phone, say) must be
                // reachable by keyboard to be scrolled (axe: scrollable-region-focusable).
                rw.html(format!(
                    "<pre class=\"code\" tabindex=\"0\"{lang_attr}><code>{}</code></pre>\n",
                    highlight::highlight(&code, lang)
                ));
                self.push_passage_text(&code);
                return end + 1;
            }
            Event::Start(Tag::Table(_)) => {
                rw.html("<div class=\"table-wrap\">".into());
                rw.events.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                rw.events.push(event.clone());
                rw.html("</div>\n".into());
            }
            Event::TaskListMarker(done) => {
                let checked = if *done { " checked" } else { "" };
                let label = if *done { "done" } else { "not done" };
                rw.html(format!(
                    "<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> "
                ));
            }
            Event::Start(Tag::Paragraph) => {
                let end = find_end(events, i);
                let has_image = events[i + 1..end]
                    .iter()
                    .any(|(e, _)| matches!(e, Event::Start(Tag::Image { .. })));
                if has_image {
                    // A <figure> cannot sit inside a <p>: the paragraph is opened lazily
                    // around the text runs and closed before each figure.
                    rw.split_paragraph = true;
                } else {
                    rw.events.push(event.clone());
                }
            }
            Event::End(TagEnd::Paragraph) if rw.split_paragraph => {
                rw.split_paragraph = false;
                if rw.paragraph_open {
                    rw.html("</p>\n".into());
                    rw.paragraph_open = false;
                }
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let end = find_end(events, i);
                let alt = plain_text(&events[i + 1..end]);
                if self.untrusted && !safe_url(dest_url) {
                    let (l, c) = locate(range.start);
                    self.unsafe_url(dest_url, l, c);
                    rw.inline(Event::Text(alt.into()));
                    return end + 1;
                }
                if rw.paragraph_open {
                    rw.html("</p>\n".into());
                    rw.paragraph_open = false;
                }
                let (l, c) = locate(range.start);
                let figure = self.figure(dest_url, title, &alt, l, c);
                rw.html(figure);
                return end + 1;
            }
            Event::Start(Tag::Link { dest_url, .. }) if self.untrusted && !safe_url(dest_url) => {
                let (l, c) = locate(range.start);
                self.unsafe_url(dest_url, l, c);
                // The link's text stays, as text.
                rw.links_kept.push(false);
                rw.link_depth += 1;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                rw.links_kept.push(true);
                let (l, c) = locate(range.start);
                match self.resolve_link(dest_url, l, c) {
                    LinkDest::Page(local) => {
                        rw.inline(Event::InlineHtml(page_link_start(&local, title).into()))
                    }
                    LinkDest::AsWritten(dest) => rw.inline(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: dest.into(),
                        title: title.clone(),
                        id: id.clone(),
                    })),
                }
                rw.link_depth += 1;
            }
            Event::End(TagEnd::Link) => {
                rw.link_depth = rw.link_depth.saturating_sub(1);
                if rw.links_kept.pop().unwrap_or(true) {
                    rw.inline(event.clone());
                }
            }
            Event::Text(t) if rw.link_depth == 0 => {
                if rw.split_paragraph && !rw.paragraph_open && t.trim().is_empty() {
                    return i + 1;
                }
                match autolink(t) {
                    Some(html) => rw.inline(Event::InlineHtml(html.into())),
                    None => rw.inline(event.clone()),
                }
            }
            Event::Html(h) | Event::InlineHtml(h) if self.untrusted => {
                rw.inline(Event::Text(h.clone()));
            }
            Event::SoftBreak | Event::HardBreak if rw.split_paragraph && !rw.paragraph_open => {}
            _ => rw.inline(event.clone()),
        }
        i + 1
    }

    fn figure(&mut self, src: &str, title: &str, alt: &str, line: usize, col: usize) -> String {
        let file = self.page.site_path;
        if alt.trim().is_empty() {
            self.out.diags.push(
                Diagnostic::warning(
                    "image-alt",
                    file,
                    format!("screenshot `{src}` has no alt text"),
                )
                .at(line, col)
                .help("describe what the screenshot shows: ![Licensing page](…)"),
            );
        }
        if has_scheme(src) {
            return format!(
                "<figure><a href=\"{0}\"><img src=\"{0}\" alt=\"{1}\" loading=\"lazy\" decoding=\"async\"></a>{2}</figure>\n",
                escape(src),
                escape(alt),
                caption(title)
            );
        }
        let page_dir = self.page_dir();
        let result = self.env.assets.image(&page_dir, src);
        self.out.deps.push(RenderDep::Image {
            src: src.to_string(),
            result: result.clone(),
        });
        match result {
            Ok(img) => {
                let max = self.env.max_screenshot_kb;
                if img.bytes > max * 1024 {
                    self.out.diags.push(
                        Diagnostic::warning(
                            "image-size",
                            file,
                            format!(
                                "screenshot `{src}` is {} KB, over max_screenshot_kb = {max}",
                                img.bytes.div_ceil(1024)
                            ),
                        )
                        .at(line, col)
                        .help("crop or compress it, or raise [build] max_screenshot_kb"),
                    );
                }
                format!(
                    "<figure><a href=\"{url}\"><img src=\"{url}\" alt=\"{alt}\" width=\"{w}\" height=\"{h}\" loading=\"lazy\" decoding=\"async\"></a>{cap}</figure>\n",
                    url = escape(&img.url),
                    alt = escape(alt),
                    w = img.width,
                    h = img.height,
                    cap = caption(title)
                )
            }
            Err(e) => {
                let help = match e {
                    ImageError::NotFound(_) => "the path is relative to the markdown file; a path starting with `/` is relative to static/",
                    ImageError::OutsideSite(_) => "screenshots must be inside the site folder",
                    ImageError::Unreadable(_) => "re-export the image as png, jpg, gif, webp or svg",
                };
                self.out.diags.push(
                    Diagnostic::error("image", file, e.to_string())
                        .at(line, col)
                        .help(help),
                );
                String::new()
            }
        }
    }

    /// The warning for a link or image in untrusted markdown whose URL is dropped.
    fn unsafe_url(&mut self, url: &str, line: usize, column: usize) {
        self.out.diags.push(
            Diagnostic::warning(
                "unsafe-url",
                self.page.site_path,
                format!("the link to `{url}` in front matter is shown as text: only http, https, mailto and relative URLs are linked there"),
            )
            .at(line, column)
            .help("link a full https:// address or a path relative to the page"),
        );
    }

    /// Rewrites a relative `.md` link to the target page's URL; reports missing pages.
    fn resolve_link(&mut self, dest: &str, line: usize, column: usize) -> LinkDest {
        let as_written = || LinkDest::AsWritten(dest.to_string());
        if has_scheme(dest) || dest.starts_with("//") {
            return as_written();
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        if path.is_empty() {
            if let Some(f) = fragment {
                self.out.anchor_checks.push(AnchorCheck {
                    target: self.page.rel_path.to_string(),
                    anchor: percent_decode_fragment(f),
                    line,
                    column,
                });
            }
            return as_written();
        }
        let path = path.split('?').next().unwrap_or(path);
        if !path.to_ascii_lowercase().ends_with(".md") {
            return as_written();
        }
        let target = resolve_relative(self.page.rel_path, &crate::assets::percent_decode(path));
        let found = target.as_ref().and_then(|t| self.env.targets.get(t));
        if let Some(t) = &target {
            self.out.deps.push(RenderDep::Link {
                target: t.clone(),
                found: found.cloned(),
            });
        }
        match (target, found.cloned()) {
            (Some(target), Some(url)) => {
                if let Some(f) = fragment {
                    self.out.anchor_checks.push(AnchorCheck {
                        target,
                        anchor: percent_decode_fragment(f),
                        line,
                        column,
                    });
                    LinkDest::Page(format!("{url}#{f}"))
                } else {
                    LinkDest::Page(url)
                }
            }
            _ if self.crosses_versions(path) => {
                self.out.diags.push(
                    Diagnostic::error(
                        "cross-version-link",
                        self.page.site_path,
                        format!("link to `{dest}` leads into another version's folder"),
                    )
                    .at(line, column)
                    .help("links between guides stay within their version; to point at another version, link its URL explicitly, e.g. `/2013/section/guide/`"),
                );
                as_written()
            }
            _ => {
                self.out.diags.push(
                    Diagnostic::warning(
                        "broken-link",
                        self.page.site_path,
                        format!("link to `{dest}`, which is not a page of this version"),
                    )
                    .at(line, column)
                    .help("the path is relative to this markdown file; check the file name"),
                );
                as_written()
            }
        }
    }
}

/// Where a link in a page leads.
enum LinkDest {
    /// A page of the version: its path within the version, with any `#fragment`.
    Page(String),
    /// Anything else, kept as written.
    AsWritten(String),
}

/// The opening tag of a link to a page of the version, written with the
/// `VERSION_BASE` marker that the renderer replaces (pulldown-cmark would
/// percent-encode the marker, so this tag is written here).
fn page_link_start(local: &str, title: &str) -> String {
    let mut href = String::new();
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_href(&mut href, local);
    let title = if title.is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", escape(title))
    };
    format!("<a href=\"{VERSION_BASE}{href}\"{title}>")
}

impl PageState<'_> {
    /// Starts a new passage under the current heading and variant scope.
    fn start_passage(&mut self) {
        self.out.passages.push(Passage {
            heading: self.current_heading.clone(),
            variants: self.variant_scope.clone(),
            caveat: None,
            text: String::new(),
        });
    }

    fn push_passage_text(&mut self, text: &str) {
        if self.in_caveat {
            return;
        }
        if let Some(p) = self.out.passages.last_mut() {
            p.text.push_str(text);
            p.text.push(' ');
        }
    }

    /// Adds the words of a rendered event to the current passage.
    fn capture_text(&mut self, event: &Event) {
        match event {
            Event::Text(t) | Event::Code(t) => {
                if let Some(p) = self.out.passages.last_mut().filter(|_| !self.in_caveat) {
                    p.text.push_str(t);
                }
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::Heading(_),
            ) => {
                self.push_passage_text("");
            }
            _ => {}
        }
    }

    /// A caveat becomes a passage of its own; the text after it starts a new one.
    fn add_caveat_passage(&mut self, caveat: &Caveat) {
        self.out.passages.push(Passage {
            heading: caveat.step.clone(),
            variants: caveat.variants.clone(),
            caveat: Some(caveat.id.clone()),
            text: caveat.text.clone(),
        });
        self.start_passage();
    }

    /// The folder of the page's markdown file, relative to the site root.
    fn page_dir(&self) -> std::path::PathBuf {
        page_dir(self.env, self.page.rel_path)
    }

    /// Whether a relative link path, followed from this page on disk, ends in the
    /// folder of another version.
    fn crosses_versions(&mut self, link_path: &str) -> bool {
        let crosses = link_crosses_versions(self.env, &self.page_dir(), link_path);
        self.out.deps.push(RenderDep::Crossing {
            link_path: link_path.to_string(),
            crosses,
        });
        crosses
    }
}

/// The folder of a page's markdown file, relative to the site root.
pub fn page_dir(env: &RenderEnv, rel_path: &str) -> std::path::PathBuf {
    env.version_dir
        .join(rel_path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Whether a relative link path, followed from `page_dir` on disk, ends in the folder
/// of another version.
pub fn link_crosses_versions(env: &RenderEnv, page_dir: &Path, link_path: &str) -> bool {
    if link_path.starts_with('/') {
        return false;
    }
    let Some(target) = crate::assets::normalize(&Path::new("/").join(page_dir).join(link_path))
    else {
        return false;
    };
    env.other_version_dirs
        .iter()
        .any(|d| target.starts_with(Path::new("/").join(d)))
}

/// Collects the rewritten events of one markdown run.
#[derive(Default)]
struct Rewriter<'e> {
    events: Vec<Event<'e>>,
    /// Closing tags for the headings and callouts opened as raw HTML.
    closers: Vec<String>,
    /// (id, text) of the heading being written.
    open_headings: Vec<(String, String)>,
    link_depth: usize,
    /// For each link open: whether its tags are written (false: an unsafe URL in
    /// untrusted markdown, whose text alone is kept).
    links_kept: Vec<bool>,
    split_paragraph: bool,
    paragraph_open: bool,
}

impl<'e> Rewriter<'e> {
    fn html(&mut self, html: String) {
        self.events.push(Event::Html(CowStr::from(html)));
    }

    fn close(&mut self) {
        if let Some(c) = self.closers.pop() {
            self.html(c);
        }
    }

    /// An inline event: inside a split paragraph it reopens the `<p>` first.
    fn inline(&mut self, e: Event<'e>) {
        if self.split_paragraph && !self.paragraph_open {
            self.html("<p>".into());
            self.paragraph_open = true;
        }
        self.events.push(e);
    }
}

/// Index of the event that ends the element started at `start`.
fn find_end(events: &[(Event, Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

fn plain_text(events: &[(Event, Range<usize>)]) -> String {
    events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            Event::SoftBreak | Event::HardBreak => Some(" "),
            _ => None,
        })
        .collect()
}

fn caption(title: &str) -> String {
    if title.is_empty() {
        String::new()
    } else {
        format!("<figcaption>{}</figcaption>", escape(title))
    }
}

fn callout_kind(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// `scheme:` at the start (http:, mailto:, …).
fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) if i > 0 => dest[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')),
        _ => false,
    }
}

fn percent_decode_fragment(f: &str) -> String {
    crate::assets::percent_decode(f)
}

/// Joins a link path to the folder of `from` (both version-relative); a path starting
/// with `/` is from the version's root. None if it climbs out of the version.
pub fn resolve_relative(from: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = if link.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = from.split('/').collect();
        p.pop();
        p
    };
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Bare `https://…`, `http://…` and `www.…` in text become links (GitHub's autolinks).
fn autolink(text: &str) -> Option<String> {
    let starts = |i: usize| {
        let rest = &text[i..];
        let at_boundary = i == 0 || !text[..i].ends_with(|c: char| c.is_alphanumeric());
        at_boundary
            && (rest.starts_with("https://")
                || rest.starts_with("http://")
                || rest.starts_with("www."))
    };
    let first = text.char_indices().map(|(i, _)| i).find(|&i| starts(i))?;
    let mut html = String::new();
    let mut pos = 0;
    let mut i = first;
    while i < text.len() {
        if !starts(i) {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let len = text[i..]
            .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
            .unwrap_or(text.len() - i);
        // Trailing punctuation belongs to the sentence, not to the URL.
        let url = text[i..i + len].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'']);
        if url.len() <= "https://".len() {
            i += len.max(1);
            continue;
        }
        html.push_str(&escape(&text[pos..i]));
        let href = if url.starts_with("www.") {
            format!("https://{url}")
        } else {
            url.to_string()
        };
        html.push_str(&format!(
            "<a href=\"{}\">{}</a>",
            escape(&href),
            escape(url)
        ));
        i += url.len();
        pos = i;
    }
    html.push_str(&escape(&text[pos..]));
    Some(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            resolve_relative("a/b.md", "../c/d.md").as_deref(),
            Some("c/d.md")
        );
        assert_eq!(
            resolve_relative("a/b.md", "./e.md").as_deref(),
            Some("a/e.md")
        );
        assert_eq!(resolve_relative("a/b.md", "/x.md").as_deref(), Some("x.md"));
        assert_eq!(resolve_relative("b.md", "../../x.md"), None);
    }

    #[test]
    fn autolinks() {
        assert_eq!(
            autolink("see https://example.com/a. Done").as_deref(),
            Some("see <a href=\"https://example.com/a\">https://example.com/a</a>. Done")
        );
        assert_eq!(
            autolink("www.example.com").as_deref(),
            Some("<a href=\"https://www.example.com\">www.example.com</a>")
        );
        assert_eq!(autolink("no links here"), None);
    }

    fn render_in(dir: &str, body: &str) -> RenderedMarkdown {
        let targets: HashMap<String, String> = [("b.md".to_string(), "b/".to_string())]
            .into_iter()
            .collect();
        let assets = Assets::new(std::path::PathBuf::from("/nonexistent"), "/");
        let env = RenderEnv {
            targets: &targets,
            assets: &assets,
            version_dir: Path::new(dir),
            max_screenshot_kb: 500,
            variants: &[],
            other_version_dirs: Vec::new(),
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
}
