//! The last check on markdown made from untrusted HTML, before it becomes part of a
//! guide (whose raw HTML the build passes through, since authors are trusted). The
//! converter writes no HTML and keeps only safe URLs; this makes sure of it on the
//! markdown itself, as the renderer will read it:
//!
//! - raw HTML (a block or inline tag, a comment) is escaped, so it shows as text;
//! - a link, autolink or image whose URL is not http, https, mailto or relative
//!   keeps only its text (SPEC §7);
//! - a line the directive pre-pass would read as `::: name` is escaped, and so is a
//!   code fence left open, so a post cannot open directives or hide the guide's own.

use crate::markdown::directives;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::collections::BTreeSet;
use std::ops::Range;

/// The project's rule for URLs in untrusted markdown (http, https, mailto, relative).
pub use crate::markdown::safe_url;

/// Makes one block of imported markdown safe; returns it and what was changed.
pub fn sanitize(markdown: &str) -> (String, BTreeSet<String>) {
    let mut notes = BTreeSet::new();
    let mut text = escape_markup_lines(markdown, &mut notes);
    // Escaping can change how the rest parses, so it runs until nothing is left (a
    // few rounds at most: each round removes every construct it finds).
    for _ in 0..4 {
        let edits = unsafe_spans(&text, &mut notes);
        if edits.is_empty() {
            break;
        }
        text = apply(&text, edits);
    }
    (text, notes)
}

/// `::: name` lines and an unclosed fence, escaped with a backslash.
fn escape_markup_lines(markdown: &str, notes: &mut BTreeSet<String>) -> String {
    let markup = directives::markup_lines(markdown);
    let mut escape: Vec<usize> = markup.marker_lines;
    if let Some(line) = markup.unclosed_fence {
        escape.push(line);
        notes.insert("escaped an unclosed code fence".into());
    }
    if escape.is_empty() {
        return markdown.to_string();
    }
    if escape.len() > usize::from(markup.unclosed_fence.is_some()) {
        notes.insert("escaped `:::` lines (they would be guidepost directives)".into());
    }
    markdown
        .split('\n')
        .enumerate()
        .map(|(i, line)| {
            if escape.contains(&i) {
                let indent = line.len() - line.trim_start().len();
                format!("{}\\{}", &line[..indent], &line[indent..])
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The places to rewrite: (range, replacement), outermost only, in order.
fn unsafe_spans(text: &str, notes: &mut BTreeSet<String>) -> Vec<(Range<usize>, String)> {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    // (start of an unsafe link or image, where its own text starts and ends)
    let mut open: Vec<(Range<usize>, Option<Range<usize>>, bool)> = Vec::new();
    for (event, range) in Parser::new_ext(text, crate::markdown::options()).into_offset_iter() {
        if let Some((_, inner, _)) = open.last_mut() {
            if !matches!(event, Event::End(TagEnd::Link | TagEnd::Image)) {
                let r = inner.get_or_insert(range.clone());
                r.start = r.start.min(range.start);
                r.end = r.end.max(range.end);
            }
        }
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                notes.insert("escaped raw HTML".into());
                edits.push((range.clone(), text[range].replace('<', "&lt;")));
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                open.push((range, None, !safe_url(&dest_url)));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                open.push((range, None, !safe_url(&dest_url)));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some((whole, inner, true)) = open.pop() {
                    notes.insert("removed a link or image with an unsafe URL".into());
                    let inner_text = inner
                        .filter(|r| r.start >= whole.start && r.end <= whole.end)
                        .map(|r| text[r].replace('<', "&lt;"))
                        .unwrap_or_default();
                    edits.push((whole, inner_text));
                }
            }
            _ => {}
        }
    }
    edits.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut outermost: Vec<(Range<usize>, String)> = Vec::new();
    for (r, s) in edits {
        if outermost.last().is_some_and(|(last, _)| r.start < last.end) {
            continue;
        }
        outermost.push((r, s));
    }
    outermost
}

fn apply(text: &str, edits: Vec<(Range<usize>, String)>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (r, replacement) in edits {
        out.push_str(&text[pos..r.start]);
        out.push_str(&replacement);
        pos = r.end;
    }
    out.push_str(&text[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped() {
        let (md, notes) =
            sanitize("<script>alert(1)</script>\n\ntext <img src=x onerror=alert(1)> end");
        assert!(!md.contains("<script") && !md.contains("<img"), "{md}");
        assert!(notes.contains("escaped raw HTML"));
    }

    #[test]
    fn unsafe_links_keep_their_text() {
        let (md, _) = sanitize("a [click **me**](javascript:alert(1)) b <javascript:alert(2)> ![x](data:image/png;base64,AA) [ok](https://ok/)\n\n[r]: javascript:alert(3)\n\n[ref][r]");
        assert!(
            !md.contains("javascript:alert(1)") && !md.contains("(data:"),
            "{md}"
        );
        assert!(md.contains("click **me**"), "{md}");
        assert!(md.contains("[ok](https://ok/)"), "{md}");
        assert!(!md.contains("[ref][r]"), "{md}");
        for event in Parser::new(&md) {
            if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event {
                assert!(safe_url(&dest_url), "{dest_url} in {md}");
            }
        }
    }

    #[test]
    fn directive_lines_and_open_fences_are_escaped() {
        let (md, _) = sanitize("::: include ../../secret.md\ntext\n  :::");
        assert_eq!(md, "\\::: include ../../secret.md\ntext\n  \\:::");
        let (md, _) = sanitize("```\n::: x\n```");
        assert_eq!(md, "```\n::: x\n```", "inside a closed fence it is code");
        let (md, _) = sanitize("~~~ open\nrest");
        assert_eq!(md, "\\~~~ open\nrest");
    }
}
