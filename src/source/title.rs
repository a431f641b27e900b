//! The heading a body starts with (SPEC §3): a page whose markdown starts with an H1
//! shows that H1 as its heading, and takes it as its title when the front matter has
//! none. Only the first block of the body is parsed here; the markdown stage leaves
//! that H1 out of the content (`PageInput::title_at`).

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// The H1 a body starts with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LeadingH1 {
    /// Its text, as plain text (inline markup dropped, code spans kept as text).
    pub text: String,
    /// Byte offset in the body where the heading starts.
    pub start: usize,
}

/// The H1 (`# Title`, or setext `Title` + `===`) that `body` starts with, if it
/// starts with one: only blank lines and HTML comments may come before it. An H1
/// without text is no title.
pub fn leading_h1(body: &str) -> Option<LeadingH1> {
    let start = first_block_start(body)?;
    let rest = &body[start..];
    // The first block ends at the first blank line at the latest; parsing only that
    // much keeps this cheap for long pages.
    let end = block_end(rest);
    let mut events = Parser::new_ext(&rest[..end], crate::markdown::options()).into_offset_iter();
    let (first, range) = events.next()?;
    if !matches!(
        first,
        Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            ..
        })
    ) {
        return None;
    }
    let mut text = String::new();
    for (event, _) in events {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    let text = crate::whitespace::collapse(&text);
    (!text.is_empty()).then(|| LeadingH1 {
        text,
        start: start + range.start,
    })
}

/// Byte offset of the first line that is neither blank nor part of an HTML comment
/// or of an MDX `import`/`export` block (left out of the page, `markdown::foreign`);
/// None when there is none.
fn first_block_start(body: &str) -> Option<usize> {
    let mut pos = 0;
    while pos < body.len() {
        let line_end = body[pos..].find('\n').map_or(body.len(), |i| pos + i + 1);
        let line = &body[pos..line_end];
        let indent = line.len() - line.trim_start_matches(' ').len();
        if line.trim().is_empty() {
            pos = line_end;
        } else if crate::markdown::mdx_statement(line).is_some() {
            // The statement's block goes on up to the next blank line.
            pos = line_end + block_end(&body[line_end..]);
        } else if indent <= 3 && line[indent..].starts_with("<!--") {
            // A comment is an HTML block up to the end of the line that closes it.
            let close = body[pos + indent + 4..].find("-->")? + pos + indent + 4;
            pos = body[close..]
                .find('\n')
                .map_or(body.len(), |i| close + i + 1);
        } else {
            return Some(pos);
        }
    }
    None
}

/// The length of `text` up to its first blank line (or all of it).
fn block_end(text: &str) -> usize {
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            break;
        }
        pos += line.len();
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(body: &str) -> Option<(String, usize)> {
        leading_h1(body).map(|h| (h.text, h.start))
    }

    #[test]
    fn atx_and_setext_h1() {
        assert_eq!(title("# Title\n\nText"), Some(("Title".into(), 0)));
        assert_eq!(title("# Title #\nText"), Some(("Title".into(), 0)));
        assert_eq!(
            title("Two line\ntitle\n=====\n\nText"),
            Some(("Two line title".into(), 0))
        );
        assert_eq!(
            title("# Use `guidepost` *now* {#custom}\n"),
            Some(("Use guidepost now".into(), 0))
        );
    }

    #[test]
    fn blank_lines_and_comments_may_come_first() {
        assert_eq!(title("\n\n# Title\n"), Some(("Title".into(), 2)));
        let body = "<!-- a\nmultiline comment -->\n\n<!-- b --> \n# Title\n";
        assert_eq!(title(body), Some(("Title".into(), body.find('#').unwrap())));
    }

    #[test]
    fn mdx_imports_and_exports_may_come_first() {
        let body = "import Shot from '@site/src/components/Shot';\nimport Intro from './_intro.mdx';\n\nexport const meta = {\n  a: 1,\n};\n\n# Title\n";
        assert_eq!(title(body), Some(("Title".into(), body.find('#').unwrap())));
        // Prose that starts with the word is no statement.
        assert_eq!(title("import the file first.\n\n# Title\n"), None);
    }

    #[test]
    fn anything_else_first_means_no_title() {
        for body in [
            "Text\n\n# Title\n",
            "## Second level\n",
            "Setext two\n---\n",
            "```\n# code\n```\n",
            "    # indented code\n",
            "<a name=\"x\"></a>\n# Title\n",
            "::: variant a\n# Title\n:::\n",
            "#\n\nText\n",
            "<!-- never closed\n# Title\n",
            "",
            "\n\n",
        ] {
            assert_eq!(title(body), None, "{body:?}");
        }
    }
}
