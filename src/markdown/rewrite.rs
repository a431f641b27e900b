//! pulldown-cmark events of one markdown run, rewritten: heading ids, callouts,
//! highlighted code, tables in a scrolling wrapper, screenshots and inline images,
//! steps, page links and the references of raw HTML.

use super::autolink::autolink;
use super::links::{page_link_start, LinkDest};
use super::raw_html::Piece;
use super::report_marks::{heading_label_mark, link_mark};
use super::{highlight, safe_url, Heading, PageState};
use crate::diag::Diagnostic;
use crate::html::escape;
use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd,
};
use std::ops::Range;

/// Events with their byte ranges in the markdown run.
pub(super) type Events<'e> = [(Event<'e>, Range<usize>)];

/// Maps a byte offset of the run to its (line, column) in the file.
pub(super) type Locate<'l> = &'l dyn Fn(usize) -> (usize, usize);

/// Collects the rewritten events of one markdown run.
pub(super) struct Rewriter<'e> {
    pub events: Vec<Event<'e>>,
    /// Closing tags for the headings and callouts opened as raw HTML.
    closers: Vec<String>,
    /// (id, text) of the heading being written.
    open_headings: Vec<(String, String)>,
    link_depth: usize,
    /// For each link open: whether its tags are written (false: an unsafe URL in
    /// untrusted markdown, whose text alone is kept).
    links_kept: Vec<bool>,
    /// In a paragraph that holds a screenshot: its `<p>` is opened lazily around the
    /// text runs and closed before each figure (a `<figure>` cannot sit in a `<p>`).
    split_paragraph: bool,
    paragraph_open: bool,
    /// Byte offset of the H1 that is the page's heading (`PageInput::title_at`).
    title_at: Option<usize>,
    /// By event index: whether the image that starts there is a screenshot.
    screenshots: Vec<bool>,
    /// The lists open, outermost first: for a list of steps, the next item's number.
    lists: Vec<Option<u64>>,
    /// The items open: for a step, its id and what the caveats summary calls it.
    pub open_items: Vec<Option<(String, String)>>,
    /// Footnote definitions open (their lists are no steps).
    footnotes: usize,
    /// The markdown the events come from.
    text: &'e str,
}

impl<'e> Rewriter<'e> {
    /// `title_at`: byte offset of the H1 that is the page's heading (`PageInput::title_at`).
    pub fn new(events: &Events<'e>, text: &'e str, title_at: Option<usize>) -> Self {
        Rewriter {
            events: Vec::with_capacity(events.len()),
            closers: Vec::new(),
            open_headings: Vec::new(),
            link_depth: 0,
            links_kept: Vec::new(),
            split_paragraph: false,
            paragraph_open: false,
            screenshots: screenshot_images(events),
            lists: Vec::new(),
            open_items: Vec::new(),
            footnotes: 0,
            title_at,
            text,
        }
    }

    pub(super) fn html(&mut self, html: String) {
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

    fn close_open_paragraph(&mut self) {
        if self.paragraph_open {
            self.html("</p>\n".into());
            self.paragraph_open = false;
        }
    }
}

impl PageState<'_> {
    /// Handles the event at `i`, pushing the rewritten events; returns the next index.
    pub(super) fn rewrite_event<'e>(
        &mut self,
        events: &Events<'e>,
        i: usize,
        locate: Locate,
        rw: &mut Rewriter<'e>,
    ) -> usize {
        let (event, range) = &events[i];
        if rw.open_headings.is_empty() {
            self.capture_text(event);
        }
        if matches!(event, Event::Text(_)) && !self.untrusted {
            self.jsx_tags_in_text(rw.text, range.clone(), locate);
        }
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                id,
                attrs,
                ..
            }) if rw.title_at == Some(range.start) => {
                return self.title_heading(events, i, declared_id(id, attrs), rw);
            }
            Event::Start(Tag::Heading {
                level, id, attrs, ..
            }) => {
                let at = locate(range.start);
                self.open_heading(events, i, *level, declared_id(id, attrs), at, rw);
            }
            Event::End(TagEnd::Heading(_)) => self.close_heading(rw),
            Event::Start(Tag::BlockQuote(Some(kind))) => open_callout(*kind, rw),
            Event::End(TagEnd::BlockQuote(Some(_))) => rw.close(),
            Event::Start(Tag::CodeBlock(kind)) => return self.code_block(events, i, kind, rw),
            Event::Start(Tag::Table(_)) => {
                rw.html("<div class=\"table-wrap\">".into());
                rw.events.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                rw.events.push(event.clone());
                rw.html("</div>\n".into());
            }
            Event::TaskListMarker(done) => task_marker(*done, rw),
            Event::Start(Tag::Paragraph) => open_paragraph(events, i, rw),
            Event::End(TagEnd::Paragraph) if rw.split_paragraph => {
                rw.split_paragraph = false;
                rw.close_open_paragraph();
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
                let (l, c) = locate(range.start);
                if rw.screenshots.get(i).copied().unwrap_or(false) {
                    rw.close_open_paragraph();
                    let figure = self.figure(dest_url, title, &alt, l, c);
                    rw.html(figure);
                } else {
                    let img = self.inline_image(dest_url, title, &alt, l, c);
                    rw.inline(Event::InlineHtml(img.into()));
                }
                return end + 1;
            }
            Event::Start(Tag::List(start)) => {
                // Items of an ordered list that sits in no other list are steps.
                let steps = start.filter(|_| {
                    rw.lists.is_empty() && rw.footnotes == 0 && !self.in_caveat && !self.untrusted
                });
                rw.lists.push(steps);
                rw.events.push(event.clone());
            }
            Event::End(TagEnd::List(_)) => {
                rw.lists.pop();
                rw.events.push(event.clone());
            }
            Event::Start(Tag::Item) => match rw.lists.last_mut() {
                Some(Some(next)) => {
                    let number = *next;
                    *next = next.saturating_add(1);
                    self.open_step(events, i, number, rw);
                }
                _ => {
                    rw.open_items.push(None);
                    rw.events.push(event.clone());
                }
            },
            Event::End(TagEnd::Item) => {
                if let Some(Some((id, title))) = rw.open_items.pop() {
                    let caveats = self.close_step(&id, &title);
                    if !caveats.is_empty() {
                        rw.html(caveats);
                    }
                }
                rw.events.push(event.clone());
            }
            Event::Start(Tag::FootnoteDefinition(_)) => {
                rw.footnotes += 1;
                rw.events.push(event.clone());
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                rw.footnotes = rw.footnotes.saturating_sub(1);
                rw.events.push(event.clone());
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
                // `<name@example.com>`: pulldown-cmark writes the `mailto:` itself.
                let dest = if *link_type == LinkType::Email {
                    LinkDest::AsWritten(dest_url.to_string())
                } else {
                    self.resolve_link(dest_url, l, c)
                };
                match dest {
                    LinkDest::Page(local) => {
                        rw.inline(Event::InlineHtml(page_link_start(&local, title).into()))
                    }
                    LinkDest::File(dest) | LinkDest::AsWritten(dest) => {
                        rw.inline(Event::Start(Tag::Link {
                            link_type: *link_type,
                            dest_url: dest.into(),
                            title: title.clone(),
                            id: id.clone(),
                        }))
                    }
                }
                rw.link_depth += 1;
            }
            Event::End(TagEnd::Link) => {
                rw.link_depth = rw.link_depth.saturating_sub(1);
                if rw.links_kept.pop().unwrap_or(true) {
                    rw.inline(event.clone());
                }
            }
            Event::Text(t) if rw.link_depth == 0 => text(t, event, rw),
            Event::Html(h) | Event::InlineHtml(h) if self.untrusted => {
                rw.inline(Event::Text(h.clone()));
            }
            Event::Start(Tag::HtmlBlock) => {
                // The block's lines come as one event each: read them as one fragment.
                let end = find_end(events, i);
                let pieces: Vec<Piece> = events[i + 1..end]
                    .iter()
                    .filter_map(|(e, r)| match e {
                        Event::Html(h) => Some(Piece {
                            text: h.as_ref(),
                            start: r.start,
                        }),
                        _ => None,
                    })
                    .collect();
                let html = self.raw_html(&pieces, locate, false);
                rw.events.push(Event::Html(html.into()));
                return end + 1;
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                // `Array<String>`: a tag glued to a word is a type in code written
                // as text, not a component.
                let after_word = rw
                    .text
                    .get(..range.start)
                    .and_then(|t| t.chars().next_back())
                    .is_some_and(char::is_alphanumeric);
                let html = self.raw_html(
                    &[Piece {
                        text: h.as_ref(),
                        start: range.start,
                    }],
                    locate,
                    after_word,
                );
                match event {
                    Event::Html(_) => rw.events.push(Event::Html(html.into())),
                    _ => rw.inline(Event::InlineHtml(html.into())),
                }
            }
            Event::SoftBreak | Event::HardBreak if rw.split_paragraph && !rw.paragraph_open => {}
            _ => rw.inline(event.clone()),
        }
        i + 1
    }

    /// `<hN id>`: the written `{#id}` (a warning when the page has it already), else
    /// a slug of the text, unique on the page.
    fn open_heading(
        &mut self,
        events: &Events,
        i: usize,
        level: HeadingLevel,
        custom_id: Option<&str>,
        at: (usize, usize),
        rw: &mut Rewriter,
    ) {
        let end = find_end(events, i);
        let text = heading_text(&events[i + 1..end]);
        let id = match custom_id {
            Some(custom) => {
                if !self.slugger.reserve(custom) {
                    self.out.diags.push(
                        Diagnostic::warning(
                            "duplicate-id",
                            self.page.site_path,
                            format!("the heading id `{custom}` is used twice on this page"),
                        )
                        .at(at.0, at.1),
                    );
                }
                custom.to_string()
            }
            None => self.slugger.unique(&text),
        };
        let level = level as u8;
        // A `##` or `###` of the page's own text gets a report link (SPEC §3.6), which
        // the renderer fills in when the site has `feedback_url`.
        let reportable = (2..=3).contains(&level) && !self.in_caveat && !self.untrusted;
        let (label, link) = if reportable {
            (heading_label_mark(&id), link_mark(&id))
        } else {
            (String::new(), String::new())
        };
        rw.html(format!("<h{level} id=\"{}\"{label}>", escape(&id)));
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
        rw.closers.push(format!("{link}</h{level}>\n"));
    }

    /// The H1 the page starts with: the template shows it, so only its id is kept
    /// (an anchor like any heading's; no entry in the contents list, no passage of
    /// its own); returns the index after it.
    fn title_heading(
        &mut self,
        events: &Events,
        i: usize,
        custom_id: Option<&str>,
        rw: &mut Rewriter,
    ) -> usize {
        let end = find_end(events, i);
        let text = plain_text(&events[i + 1..end]);
        let id = match custom_id {
            Some(custom) if self.slugger.reserve(custom) => custom.to_string(),
            _ => self.slugger.unique(&text),
        };
        self.out.headings.push(Heading {
            level: 1,
            id: id.clone(),
            text: text.clone(),
            variants: None,
        });
        let caveats = self.caveats_after_heading(&id, &text);
        if !caveats.is_empty() {
            rw.html(caveats);
        }
        self.out.title_id = Some(id);
        end + 1
    }

    /// Closes a heading; the front matter caveats whose `step` names it follow it.
    fn close_heading(&mut self, rw: &mut Rewriter) {
        rw.close();
        if let Some((id, text)) = rw.open_headings.pop() {
            let caveats = self.caveats_after_heading(&id, &text);
            if !caveats.is_empty() {
                rw.html(caveats);
            }
        }
    }

    /// A fenced or indented code block, highlighted; returns the index after it.
    fn code_block(
        &mut self,
        events: &Events,
        i: usize,
        kind: &CodeBlockKind,
        rw: &mut Rewriter,
    ) -> usize {
        let end = find_end(events, i);
        let code: String = events[i + 1..end]
            .iter()
            .filter_map(|(e, _)| match e {
                Event::Text(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let info = match kind {
            CodeBlockKind::Fenced(info) => super::code_info::parse(info),
            CodeBlockKind::Indented => Default::default(),
        };
        let lang = info.lang;
        let lang_attr = if lang.is_empty() {
            String::new()
        } else {
            format!(" data-lang=\"{}\"", escape(lang))
        };
        // MkDocs' `title="a.py"`: shown above the block, as that tool does.
        if let Some(title) = info.title {
            rw.html(format!("<p class=\"code-title\">{}</p>\n", escape(title)));
        }
        // tabindex: a code block that scrolls sideways (on a phone, say) must be
        // reachable by keyboard to be scrolled (axe: scrollable-region-focusable).
        rw.html(format!(
            "<pre class=\"code\" tabindex=\"0\"{lang_attr}><code>{}</code></pre>\n",
            highlight::highlight(&code, lang, self.env.highlights)
        ));
        self.push_passage_text(&code);
        end + 1
    }
}

/// A GitHub alert (`> [!NOTE]`) as a callout.
fn open_callout(kind: BlockQuoteKind, rw: &mut Rewriter) {
    let (kind, label) = callout_kind(kind);
    rw.html(format!(
        "<aside class=\"callout\" role=\"note\" data-kind=\"{kind}\"><p class=\"callout-title\">{label}</p>\n"
    ));
    rw.closers.push("</aside>\n".into());
}

fn task_marker(done: bool, rw: &mut Rewriter) {
    let checked = if done { " checked" } else { "" };
    let label = if done { "done" } else { "not done" };
    rw.html(format!(
        "<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> "
    ));
}

/// A paragraph with a screenshot is split around its figures (see `Rewriter`).
fn open_paragraph<'e>(events: &Events<'e>, i: usize, rw: &mut Rewriter<'e>) {
    let end = find_end(events, i);
    let has_screenshot = (i + 1..end).any(|j| rw.screenshots.get(j).copied().unwrap_or(false));
    if has_screenshot {
        rw.split_paragraph = true;
    } else {
        rw.events.push(events[i].0.clone());
    }
}

/// Text outside links: bare URLs become links; blank text between figures is dropped.
fn text<'e>(t: &CowStr<'e>, event: &Event<'e>, rw: &mut Rewriter<'e>) {
    if rw.split_paragraph && !rw.paragraph_open && t.trim().is_empty() {
        return;
    }
    match autolink(t) {
        Some(html) => rw.inline(Event::InlineHtml(html.into())),
        None => rw.inline(event.clone()),
    }
}

/// Index of the event that ends the element started at `start`.
fn find_end(events: &Events, start: usize) -> usize {
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

/// Which images of a run are screenshots (SPEC §3.2): by event index, true for an
/// image that is the direct content of a paragraph (or of a tight list item) and
/// alone on its line there. The others (in a sentence, a table cell, a heading, a
/// link, emphasis) are inline images.
fn screenshot_images(events: &Events) -> Vec<bool> {
    let mut screenshots = vec![false; events.len()];
    // Index of each open element's start event.
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(Tag::Image { .. }) => {
                let end = find_end(events, i);
                let in_block = open.last().is_some_and(|&p| {
                    matches!(events[p].0, Event::Start(Tag::Paragraph | Tag::Item))
                });
                screenshots[i] = in_block && alone_on_line(events, i, end);
                i = end + 1;
                continue;
            }
            Event::Start(_) => open.push(i),
            Event::End(_) => {
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    screenshots
}

/// Whether nothing but blank text stands between the image at `start..=end` and the
/// line breaks (or the edges of its paragraph) around it.
fn alone_on_line(events: &Events, start: usize, end: usize) -> bool {
    let edge = |e: &Event| match e {
        Event::SoftBreak | Event::HardBreak => Some(true),
        Event::Text(t) if t.trim().is_empty() => None,
        Event::Start(Tag::Paragraph | Tag::Item) | Event::End(TagEnd::Paragraph | TagEnd::Item) => {
            Some(true)
        }
        // A tight item's text ends where a block inside it starts.
        Event::Start(
            Tag::List(_) | Tag::CodeBlock(_) | Tag::BlockQuote(_) | Tag::HtmlBlock | Tag::Table(_),
        )
        | Event::End(
            TagEnd::List(_)
            | TagEnd::CodeBlock
            | TagEnd::BlockQuote(_)
            | TagEnd::HtmlBlock
            | TagEnd::Table,
        ) => Some(true),
        _ => Some(false),
    };
    let before = events[..start]
        .iter()
        .rev()
        .find_map(|(e, _)| edge(e))
        .unwrap_or(true);
    let after = events[end + 1..]
        .iter()
        .find_map(|(e, _)| edge(e))
        .unwrap_or(true);
    before && after
}

/// A heading's text without the alt text of its images (so an icon in a heading does
/// not change its id); the alt text when the heading has nothing else.
fn heading_text(events: &Events) -> String {
    let mut text = String::new();
    let mut in_image = 0usize;
    for (e, _) in events {
        match e {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_image == 0 => text.push_str(t),
            Event::SoftBreak | Event::HardBreak if in_image == 0 => text.push(' '),
            _ => {}
        }
    }
    if text.trim().is_empty() {
        plain_text(events)
    } else {
        text.trim().to_string()
    }
}

/// The plain text of the list item that starts at event `i`, without the alt text of
/// its images, spaces folded.
pub(super) fn item_text(events: &Events, i: usize) -> String {
    let end = find_end(events, i);
    let mut text = String::new();
    let mut in_image = 0usize;
    for (e, _) in &events[i + 1..end] {
        match e {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_image == 0 => text.push_str(t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    crate::whitespace::collapse(&text)
}

/// The text of a run of events (a heading's, an image's alt text).
fn plain_text(events: &Events) -> String {
    events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            Event::SoftBreak | Event::HardBreak => Some(" "),
            _ => None,
        })
        .collect()
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

/// The id a heading declares: `{#id}`, or `{ id="id" }` (also unquoted), the form
/// MkDocs' attribute lists allow too, which pulldown-cmark hands over as a plain
/// attribute with its quotes.
fn declared_id<'a>(
    id: &'a Option<CowStr<'a>>,
    attrs: &'a [(CowStr<'a>, Option<CowStr<'a>>)],
) -> Option<&'a str> {
    id.as_deref().or_else(|| {
        attrs
            .iter()
            .find(|(key, _)| key.as_ref() == "id")
            .and_then(|(_, value)| value.as_deref())
            .map(|value| value.trim_matches(|c| c == '"' || c == '\''))
            .filter(|value| !value.is_empty())
    })
}
