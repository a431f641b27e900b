//! Paragraphs for bodies written without them. WordPress keeps a classic-editor post
//! (and every comment) as text with blank lines between paragraphs and single line
//! breaks inside them, and adds `<p>` and `<br />` only when it shows the post
//! (`wpautop`). This does the same before the HTML is parsed, so that the paragraphs
//! the author saw become paragraphs here.
//!
//! Posts of the block editor (with `<!-- wp:… -->` comments) carry their own `<p>`
//! tags, and WordPress does not run `wpautop` on them; neither does the importer.

use regex::Regex;
use std::sync::LazyLock;

/// Elements that are blocks of their own: never wrapped in a paragraph.
const BLOCK_TAGS: &str = "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|math|style|script|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary|iframe|object|video|audio";

static OPENING_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)(<(?:{BLOCK_TAGS})[\s/>])")).expect("valid regex"));
static CLOSING_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)(</(?:{BLOCK_TAGS})>)")).expect("valid regex"));
static STARTS_WITH_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)^</?(?:{BLOCK_TAGS})[\s/>]")).expect("valid regex"));
static PRE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<pre[\s>].*?</pre>").expect("valid regex"));
static BLANK_LINES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\n\s*\n").expect("valid regex"));

/// Stands for a line break inside `<pre>` while paragraphs are cut at blank lines.
const PRE_NEWLINE: char = '\u{F8FD}';

/// Whether WordPress would add paragraphs to this body when showing it.
pub fn needs_paragraphs(html: &str) -> bool {
    !html.contains("<!-- wp:")
}

/// The body with `<p>` around each run of text between blank lines and `<br />` for
/// the single line breaks inside it. Block elements stay as they are, and so does the
/// inside of `<pre>`.
pub fn add_paragraphs(html: &str) -> String {
    let text = html.replace("\r\n", "\n").replace('\r', "\n");
    let text = PRE.replace_all(&text, |c: &regex::Captures| {
        c[0].replace('\n', &PRE_NEWLINE.to_string())
    });
    let text = OPENING_BLOCK.replace_all(&text, "\n\n$1");
    let text = CLOSING_BLOCK.replace_all(&text, "$1\n\n");
    let mut out = String::with_capacity(text.len() + 64);
    for chunk in BLANK_LINES.split(&text) {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        if STARTS_WITH_BLOCK.is_match(chunk) {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.replace('\n', "<br />"));
            out.push_str("</p>");
        }
        out.push('\n');
    }
    out.replace(PRE_NEWLINE, "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_make_paragraphs_and_single_breaks_br() {
        let html = "First line\nsecond line\n\n\nNext paragraph\r\n\r\n<h2>Head</h2>\nAfter";
        assert_eq!(
            add_paragraphs(html),
            "<p>First line<br />second line</p>\n<p>Next paragraph</p>\n<h2>Head</h2>\n<p>After</p>\n"
        );
    }

    #[test]
    fn pre_keeps_its_blank_lines() {
        let html = "Intro\n<pre>a\n\n  b</pre>\nOutro";
        assert_eq!(
            add_paragraphs(html),
            "<p>Intro</p>\n<pre>a\n\n  b</pre>\n<p>Outro</p>\n"
        );
    }

    #[test]
    fn lists_are_not_wrapped() {
        let out = add_paragraphs("<ul>\n<li>a</li>\n<li>b</li>\n</ul>");
        assert!(!out.contains("<p>"), "{out}");
    }

    #[test]
    fn block_editor_posts_keep_their_paragraphs() {
        assert!(!needs_paragraphs(
            "<!-- wp:paragraph --><p>x</p><!-- /wp:paragraph -->"
        ));
        assert!(needs_paragraphs("x\n\ny"));
    }
}
