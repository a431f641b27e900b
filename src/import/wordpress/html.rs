//! A post's HTML → markdown blocks, with what WordPress adds to HTML: paragraphs
//! missing from classic posts (`autop`), `[caption]` shortcodes, block and `<!--more-->`
//! comments (dropped with every other comment), `&nbsp;` runs and empty paragraphs.
//!
//! The HTML is untrusted: it is converted, never passed through. `<script>`, `<style>`,
//! `<iframe>`, forms, embedded objects and their content are dropped, event handler
//! attributes go with the elements they sit on (htmd writes no HTML), and a link or
//! image with an unsafe URL keeps only its text. `sanitize` checks the result again.
//!
//! Images are not written as markdown here: each becomes a placeholder and an
//! `ImageRef`, since where its file ends up is decided later (`images`).

use super::autop;
use super::sanitize::safe_url;
use super::shortcodes;
use htmd::element_handler::{HandlerResult, Handlers};
use htmd::{Element, HtmlToMarkdown};
use markup5ever_rcdom::{Node, NodeData};
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

/// Brackets an image's number in converted markdown until `images` places it. It is a
/// private-use character, removed from the input first, so no post can forge one.
pub const IMAGE_MARK: char = '\u{F8FF}';
/// Brackets a caption's text between the `<figcaption>` handler and its `<figure>`.
const CAPTION_MARK: char = '\u{F8FE}';

/// Elements whose content is never shown as text: dropped whole.
const DROPPED: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
    "template", "form", "input", "button", "select", "textarea", "svg", "math", "canvas", "head",
    "title", "meta", "link", "base", "audio", "video", "source", "track", "dialog",
];

/// Containers whose children are blocks of the body (block-editor groups and columns).
const WRAPPERS: &[&str] = &[
    "div", "section", "article", "main", "header", "footer", "center", "body", "html",
];

/// One image of a post, as its HTML gave it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageRef {
    pub src: String,
    /// The link around it, usually to the full-size file.
    pub link: Option<String>,
    pub alt: String,
    /// From `[caption]` or `<figcaption>` (plain text).
    pub caption: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    Heading,
    /// A paragraph holding one image and nothing else: a screenshot.
    Image,
    /// Lists, tables, code, quotes, rules.
    Other,
}

/// A top-level block of the converted body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub markdown: String,
}

#[derive(Debug, Default)]
pub struct Converted {
    pub blocks: Vec<Block>,
    pub images: Vec<ImageRef>,
    /// What was removed or left as written, for the report.
    pub notes: BTreeSet<String>,
}

/// What a body is converted for: a guide keeps images (as placeholders); a comment,
/// which becomes caveat text, shows an image as a link to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Guide,
    Comment,
}

#[derive(Default)]
struct Collected {
    images: Vec<ImageRef>,
    notes: BTreeSet<String>,
}

type Shared = Arc<Mutex<Collected>>;

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, Collected> {
    // A poisoned lock only means a handler panicked; what was collected is still fine.
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// Converts WordPress HTML (a post's `content:encoded`, or a comment) to markdown blocks.
pub fn convert(html: &str, purpose: Purpose) -> Converted {
    let html = prepare(html);
    let shared: Shared = Arc::default();
    let converter = converter(&shared, purpose);
    let mut blocks = Vec::new();
    match converter.html_to_tree(&html) {
        Ok(tree) => collect_blocks(&converter, &tree, &mut blocks),
        Err(e) => {
            lock(&shared)
                .notes
                .insert(format!("the HTML could not be read: {e}"));
        }
    }
    let mut collected = std::mem::take(&mut *lock(&shared));
    for name in shortcodes::remaining(&html) {
        collected
            .notes
            .insert(format!("shortcode [{name}] kept as text"));
    }
    Converted {
        blocks,
        images: collected.images,
        notes: collected.notes,
    }
}

/// The text form of a piece of HTML (a title, an excerpt, an author's name): tags
/// dropped, entities decoded, spaces folded.
pub fn plain_text(html: &str) -> String {
    let converter = HtmlToMarkdown::builder().build();
    let text = match converter.html_to_tree(&html.replace(IMAGE_MARK, "")) {
        Ok(tree) => node_text(&tree),
        Err(_) => html_escape::decode_html_entities(html).into_owned(),
    };
    crate::whitespace::collapse(&text)
}

/// The HTML as the parser should see it: private marks removed, captions as figures,
/// paragraphs added where WordPress would add them.
fn prepare(html: &str) -> String {
    let html: String = html
        .chars()
        .filter(|c| *c != IMAGE_MARK && *c != CAPTION_MARK)
        .collect();
    let html = shortcodes::captions_to_figures(&html);
    if autop::needs_paragraphs(&html) {
        autop::add_paragraphs(&html)
    } else {
        html
    }
}

fn converter(shared: &Shared, purpose: Purpose) -> HtmlToMarkdown {
    let on_image = shared.clone();
    let on_link = shared.clone();
    let on_figure = shared.clone();
    let on_dropped = shared.clone();
    HtmlToMarkdown::builder()
        .add_handler(DROPPED.to_vec(), move |_: &dyn Handlers, el: Element| {
            // The parser adds a <head> to every document; only an author's is news.
            if el.tag != "head" || !el.node.children.borrow().is_empty() {
                lock(&on_dropped)
                    .notes
                    .insert(format!("removed <{}>", el.tag));
            }
            None
        })
        .add_handler(vec!["img"], move |_: &dyn Handlers, el: Element| {
            image(&on_image, &el, purpose)
        })
        .add_handler(vec!["a"], move |h: &dyn Handlers, el: Element| {
            link(&on_link, h, &el)
        })
        .add_handler(vec!["figcaption"], |_: &dyn Handlers, el: Element| {
            let text = node_text(el.node);
            let text = crate::whitespace::collapse(&text);
            Some(format!("{CAPTION_MARK}{text}{CAPTION_MARK}").into())
        })
        .add_handler(vec!["figure"], move |h: &dyn Handlers, el: Element| {
            figure(&on_figure, h, &el)
        })
        .build()
}

fn attribute(el: &Element, name: &str) -> Option<String> {
    el.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| a.value.to_string())
}

fn image(shared: &Shared, el: &Element, purpose: Purpose) -> Option<HandlerResult> {
    let src = attribute(el, "src").unwrap_or_default();
    let alt = crate::whitespace::collapse(&attribute(el, "alt").unwrap_or_default());
    if src.trim().is_empty() {
        return None;
    }
    let mut collected = lock(shared);
    if !safe_url(&src) {
        collected.notes.insert(format!(
            "removed an image with an unsafe URL ({})",
            scheme_of(&src)
        ));
        return (!alt.is_empty()).then(|| escape_text(&alt).into());
    }
    match purpose {
        Purpose::Comment => {
            let text = if alt.is_empty() {
                "image".to_string()
            } else {
                alt
            };
            Some(format!("[{}]({})", escape_text(&text), destination(&src)).into())
        }
        Purpose::Guide => {
            collected.images.push(ImageRef {
                src,
                link: None,
                alt,
                // Not the `title` attribute: WordPress fills it with the file's name.
                caption: String::new(),
            });
            let n = collected.images.len() - 1;
            Some(format!("{IMAGE_MARK}{n}{IMAGE_MARK}").into())
        }
    }
}

fn link(shared: &Shared, handlers: &dyn Handlers, el: &Element) -> Option<HandlerResult> {
    let content = handlers.walk_children(el.node).content;
    let Some(href) = attribute(el, "href").filter(|h| !h.trim().is_empty()) else {
        return Some(content.into());
    };
    let mut collected = lock(shared);
    if !safe_url(&href) {
        collected.notes.insert(format!(
            "removed a link with an unsafe URL ({})",
            scheme_of(&href)
        ));
        return Some(content.into());
    }
    if let Some(n) = only_image(&content) {
        // A linked image: the link usually opens the full-size file, which the
        // screenshot's lightbox does by itself; `images` decides.
        if let Some(image) = collected.images.get_mut(n) {
            image.link = Some(href);
        }
        return Some(content.into());
    }
    let text = content.trim();
    if text.is_empty() {
        return Some(String::new().into());
    }
    Some(format!("[{text}]({})", destination(&href)).into())
}

fn figure(shared: &Shared, handlers: &dyn Handlers, el: &Element) -> Option<HandlerResult> {
    let content = handlers.walk_children(el.node).content;
    let (body, caption) = take_caption(&content);
    if let Some(n) = only_image(&body) {
        if let (Some(image), Some(caption)) = (lock(shared).images.get_mut(n), caption.as_ref()) {
            image.caption = caption.clone();
        }
        return Some(format!("\n\n{}\n\n", body.trim()).into());
    }
    let caption = caption.map(|c| escape_text(&c)).unwrap_or_default();
    Some(format!("\n\n{}\n\n{caption}\n\n", body.trim()).into())
}

/// The figure's content without its caption, and the caption's text.
fn take_caption(content: &str) -> (String, Option<String>) {
    let mut parts = content.splitn(3, CAPTION_MARK);
    let before = parts.next().unwrap_or("");
    match (parts.next(), parts.next()) {
        (Some(caption), Some(after)) => (format!("{before}{after}"), Some(caption.to_string())),
        _ => (content.to_string(), None),
    }
}

/// The number of the image placeholder that is all of `markdown`, if it is one.
pub fn only_image(markdown: &str) -> Option<usize> {
    let inner = markdown
        .trim()
        .strip_prefix(IMAGE_MARK)?
        .strip_suffix(IMAGE_MARK)?;
    inner.parse().ok()
}

/// A URL as a markdown link destination: in `<…>` when it holds spaces or parentheses.
pub fn destination(url: &str) -> String {
    let url = url.trim();
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_string()
    }
}

/// Text that must read as itself in markdown (an alt text, a caption, a name).
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '#'
                | '!'
                | '|'
                | '~'
                | '&'
                | '{'
                | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The scheme of a URL for the report (`javascript:`), never the whole URL.
fn scheme_of(url: &str) -> String {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    match cleaned.split_once(':') {
        Some((scheme, _)) if scheme.len() <= 20 => format!("{}:", scheme.to_ascii_lowercase()),
        _ => "unsafe".into(),
    }
}

/// The text inside a node, entities decoded, without the text of dropped elements.
fn node_text(node: &Rc<Node>) -> String {
    let mut out = String::new();
    push_text(node, &mut out);
    out
}

fn push_text(node: &Rc<Node>, out: &mut String) {
    match &node.data {
        NodeData::Text { contents } => out.push_str(&contents.borrow()),
        NodeData::Element { name, .. } if DROPPED.contains(&&*name.local) => {}
        NodeData::Element { name, .. } if &*name.local == "br" => out.push(' '),
        _ => {
            for child in node.children.borrow().iter() {
                push_text(child, out);
            }
        }
    }
}

fn tag_of(node: &Rc<Node>) -> Option<String> {
    match &node.data {
        NodeData::Element { name, .. } => Some(name.local.to_string()),
        _ => None,
    }
}

/// The blocks of the body, in order: the children of `<body>`, looking into wrappers.
fn collect_blocks(converter: &HtmlToMarkdown, node: &Rc<Node>, blocks: &mut Vec<Block>) {
    for child in node.children.borrow().iter() {
        let tag = tag_of(child);
        let kind = match (&child.data, tag.as_deref()) {
            (NodeData::Document, _) => {
                collect_blocks(converter, child, blocks);
                continue;
            }
            (NodeData::Text { contents }, _) if contents.borrow().trim().is_empty() => continue,
            (NodeData::Text { .. }, _) => BlockKind::Paragraph,
            (_, Some(t)) if WRAPPERS.contains(&t) => {
                collect_blocks(converter, child, blocks);
                continue;
            }
            (_, Some("p")) => BlockKind::Paragraph,
            (_, Some("h1" | "h2" | "h3" | "h4" | "h5" | "h6")) => BlockKind::Heading,
            (_, Some("figure")) => BlockKind::Paragraph,
            (_, Some(_)) => BlockKind::Other,
            _ => continue,
        };
        let markdown = tidy(&converter.tree_to_markdown(child));
        push_blocks(blocks, kind, &markdown);
    }
}

/// `&nbsp;` runs folded to one space, spaces at line ends dropped (a hard break's two
/// kept), blank lines at the ends dropped.
fn tidy(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.split('\n') {
        let line = fold_nbsp(line);
        let trimmed = line.trim_end_matches([' ', '\t']);
        out.push_str(trimmed);
        if line.ends_with("  ") && !trimmed.trim().is_empty() {
            out.push_str("  ");
        }
        out.push('\n');
    }
    out.trim_matches('\n').to_string()
}

fn fold_nbsp(line: &str) -> String {
    if !line.contains('\u{a0}') {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    let mut in_run = false;
    for c in line.chars() {
        if c == '\u{a0}' || (in_run && c == ' ') {
            if !in_run {
                out.push(' ');
            }
            in_run = true;
        } else {
            in_run = false;
            out.push(c);
        }
    }
    out
}

/// Adds a converted block, split where a line break starts a screenshot or a numbered
/// step (classic posts put both on the next line of the same paragraph).
fn push_blocks(blocks: &mut Vec<Block>, kind: BlockKind, markdown: &str) {
    if markdown.trim().is_empty() {
        return;
    }
    if kind != BlockKind::Paragraph {
        blocks.push(Block {
            kind,
            markdown: markdown.to_string(),
        });
        return;
    }
    for part in split_at_breaks(markdown) {
        let kind = if only_image(&part).is_some() {
            BlockKind::Image
        } else {
            BlockKind::Paragraph
        };
        blocks.push(Block {
            kind,
            markdown: part,
        });
    }
}

/// A paragraph's markdown cut into parts: at blank lines, and at hard breaks followed
/// by a screenshot, a numbered step, or preceded by an empty line.
fn split_at_breaks(markdown: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let lines: Vec<&str> = markdown.split('\n').collect();
    let bare = |line: &str| line.trim_end_matches([' ', '\\']).trim().to_string();
    for (i, line) in lines.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| lines[p]);
        let previous_breaks = previous.is_some_and(|p| p.ends_with("  ") || p.ends_with('\\'));
        let starts_new = line.trim().is_empty()
            || previous.is_some_and(|p| bare(p).is_empty())
            || (previous_breaks
                && (only_image(line).is_some()
                    || super::steps::marker(line.trim()).is_some()
                    || previous.is_some_and(|p| only_image(&bare(p)).is_some())));
        if starts_new && !current.trim().is_empty() {
            parts.push(end_part(&current));
            current.clear();
        }
        if line.trim().is_empty() {
            continue;
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(line);
    }
    if !current.trim().is_empty() {
        parts.push(end_part(&current));
    }
    parts
}

/// A part cut at a hard break loses the break.
fn end_part(part: &str) -> String {
    part.trim_end_matches(['\n', ' ', '\\'])
        .trim_start()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(html: &str) -> Vec<(BlockKind, String)> {
        convert(html, Purpose::Guide)
            .blocks
            .into_iter()
            .map(|b| (b.kind, b.markdown))
            .collect()
    }

    #[test]
    fn classic_post_gets_paragraphs_and_screenshots_of_their_own() {
        let html = "Intro &amp; more\n\n1) Select <b>Licensing</b>:\n<a href=\"https://b/wp-content/uploads/l.png\"><img src=\"https://b/wp-content/uploads/l-300x100.png\" alt=\"Licensing\" /></a>\n\n2) Next";
        let c = convert(html, Purpose::Guide);
        let got: Vec<_> = c
            .blocks
            .iter()
            .map(|b| (b.kind, b.markdown.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (BlockKind::Paragraph, "Intro & more"),
                (BlockKind::Paragraph, "1) Select **Licensing**:"),
                (BlockKind::Image, "\u{F8FF}0\u{F8FF}"),
                (BlockKind::Paragraph, "2) Next"),
            ]
        );
        assert_eq!(
            c.images[0].link.as_deref(),
            Some("https://b/wp-content/uploads/l.png")
        );
        assert_eq!(c.images[0].alt, "Licensing");
    }

    #[test]
    fn block_editor_post_keeps_its_structure_and_drops_comments() {
        let html = "<!-- wp:heading --><h2>Find it</h2><!-- /wp:heading -->\n<!-- wp:paragraph --><p>Text<!--more--> more</p><!-- /wp:paragraph -->\n<!-- wp:group --><div class=\"wp-block-group\"><p>Inner</p></div><!-- /wp:group -->";
        assert_eq!(
            blocks(html),
            vec![
                (BlockKind::Heading, "## Find it".into()),
                (BlockKind::Paragraph, "Text more".into()),
                (BlockKind::Paragraph, "Inner".into()),
            ]
        );
    }

    #[test]
    fn caption_becomes_the_image_caption() {
        let html = r#"[caption id="attachment_9" width="300"]<img src="https://b/x.png" alt="" /> The <em>partner</em> box[/caption]"#;
        let c = convert(html, Purpose::Guide);
        assert_eq!(c.blocks.len(), 1);
        assert_eq!(c.blocks[0].kind, BlockKind::Image);
        assert_eq!(c.images[0].caption, "The partner box");
    }

    #[test]
    fn empty_paragraphs_and_nbsp_runs_go() {
        let html = "<p>&nbsp;</p><p>a&nbsp;&nbsp; &nbsp;b</p><p></p><p> </p>";
        assert_eq!(blocks(html), vec![(BlockKind::Paragraph, "a b".into())]);
    }

    #[test]
    fn hostile_html_is_converted_not_passed_through() {
        let html = r#"<p onclick="x()">Hi <a href="javascript:alert(1)">click</a> <a href=" JaVa&#x09;script:alert(2)">two</a></p><script>alert(3)</script><style>p{}</style><iframe src="https://evil/"></iframe><p><img src="x" onerror="alert(4)"> &lt;script&gt;alert(5)&lt;/script&gt;</p><svg><script>alert(6)</script></svg>"#;
        let c = convert(html, Purpose::Guide);
        let all: String = c.blocks.iter().map(|b| b.markdown.clone() + "\n").collect();
        assert!(!all.contains("javascript"), "{all}");
        assert!(
            !all.contains("alert(3)") && !all.contains("alert(6)"),
            "{all}"
        );
        assert!(
            !all.contains("onerror") && !all.contains("onclick"),
            "{all}"
        );
        assert!(all.contains("\\<script>alert(5)"), "{all}");
        assert!(c.notes.contains("removed <script>"), "{:?}", c.notes);
        assert!(
            c.notes
                .contains("removed a link with an unsafe URL (javascript:)"),
            "{:?}",
            c.notes
        );
    }

    #[test]
    fn comment_images_are_links() {
        let c = convert(
            "See <img src=\"https://b/x.png\" alt=\"this\">",
            Purpose::Comment,
        );
        assert_eq!(c.blocks[0].markdown, "See [this](https://b/x.png)");
        assert!(c.images.is_empty());
    }

    #[test]
    fn plain_text_of_titles() {
        assert_eq!(
            plain_text("Caf&eacute; &amp; <b>more</b>\n x"),
            "Café & more x"
        );
    }
}
