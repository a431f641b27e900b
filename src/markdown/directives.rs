//! The directive pre-pass: finds `::: name args` … `:::` blocks outside code fences and
//! cuts the body into a tree of markdown runs and directives, each with its line.
//! Syntax of other tools is found here too (`foreign_blocks`, with `foreign`'s
//! recognisers): each construct gets its warning, and the text the markdown stage
//! reads has it replaced by its guidepost equivalent where that is safe (so
//! `Doc::text` is the body as rendered, with the same lines as the file).

mod foreign_blocks;

use super::foreign::{self, Callout};
use crate::diag::Diagnostic;
use std::ops::Range;
use std::path::Path;

/// A parsed body: the text the blocks' ranges index, and its blocks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Doc {
    /// The body with foreign markers replaced; same lines as the file.
    pub text: String,
    /// Columns to add to columns in `text` for the file: the indentation removed from
    /// the body of an MkDocs admonition or tab.
    pub indent: usize,
    pub blocks: Vec<Block>,
    /// What the body's MDX statements import (`import Name from './_part.mdx'`):
    /// (name, module), for the warning of each `<Name />`.
    pub mdx_imports: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A run of plain markdown: a byte range of the doc's text and the line it starts on.
    Markdown {
        range: Range<usize>,
        line: usize,
    },
    Directive(Directive),
    /// An MkDocs admonition or row of content tabs, with its own (dedented) text.
    Foreign(ForeignBlock),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: String,
    pub args: String,
    /// 1-based line and column of the opening `:::` in the file.
    pub line: usize,
    pub column: usize,
    pub body: Vec<Block>,
    /// Set for a Docusaurus admonition (`:::tip` … `:::`), shown as a callout.
    pub callout: Option<Callout>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignBlock {
    pub line: usize,
    pub column: usize,
    pub body: ForeignBody,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForeignBody {
    /// An MkDocs admonition: a callout with its indented text.
    Callout { callout: Callout, doc: Doc },
    /// MkDocs content tabs in a row: each label with its indented text.
    Tabs(Vec<(String, Doc)>),
}

/// How deep `::: name` blocks may nest. Real pages nest two or three (a caveat inside a
/// variant panel); the limit keeps the tree, its rendering and its dropping, which all
/// recurse once per level, far from the end of a thread's stack. The markers of blocks
/// beyond it stay in the page as text, with one error at the first of them. MkDocs
/// admonitions and tabs count as levels too.
pub const MAX_DIRECTIVE_DEPTH: usize = 32;

/// A fenced code block being skipped: its fence character and length, and the
/// indentation of its opening line.
pub(super) struct Fence {
    ch: char,
    len: usize,
    indent: usize,
}

/// `first_line` is 1-based and is the file line on which `body` starts.
pub fn parse(body: &str, first_line: usize, file: &Path, diags: &mut Vec<Diagnostic>) -> Doc {
    let mut parser = Parser {
        file,
        diags,
        depth: 0,
        mdx_imports: Vec::new(),
    };
    let mut doc = parser.parse(body, first_line, 0);
    doc.mdx_imports = parser.mdx_imports;
    doc
}

struct Parser<'p> {
    file: &'p Path,
    diags: &'p mut Vec<Diagnostic>,
    /// Levels of MkDocs blocks around the text being parsed.
    depth: usize,
    /// MDX names imported so far (`Doc::mdx_imports`).
    mdx_imports: Vec<(String, String)>,
}

/// The lines of a text: (byte offset, line with its line ending).
fn lines_of(text: &str) -> Vec<(usize, &str)> {
    // Line feeds found by the `memchr` crate's vector search: `split_inclusive`
    // searches a word at a time, 0.6% of a cold build's instructions.
    let mut lines = Vec::new();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        lines.push((start, &text[start..=end]));
        start = end + 1;
    }
    if start < text.len() {
        lines.push((start, &text[start..]));
    }
    lines
}

impl Parser<'_> {
    fn parse(&mut self, body: &str, first_line: usize, indent: usize) -> Doc {
        let lines = lines_of(body);
        // Foreign constructs inside code spans and indented code are code, not syntax.
        // Finding them is a whole markdown parse of the body: made on the first line
        // that could hold a construct, which most guides never have.
        let code = std::cell::OnceCell::new();
        let in_code = |offset: usize| {
            let code = code.get_or_init(|| {
                if foreign::may_contain(body) {
                    code_ranges(body)
                } else {
                    Vec::new()
                }
            });
            let i = code.partition_point(|r| r.end <= offset);
            code.get(i).is_some_and(|r| r.contains(&offset))
        };
        let mut out = String::with_capacity(body.len());
        // The stack holds the directives being filled; the bottom entry is the document.
        let mut stack: Vec<(Option<Directive>, Vec<Block>)> = vec![(None, Vec::new())];
        let mut run_start = 0;
        let mut run_line = first_line;
        let mut fence: Option<Fence> = None;
        // Blocks opened beyond MAX_DIRECTIVE_DEPTH and not closed yet: their markers are text.
        let mut too_deep = 0usize;
        // Docusaurus admonitions indented too deep to be blocks: their closers are dropped.
        let mut nested_foreign = 0usize;
        // Inside an MDX statement block (up to its blank line): its lines are left out.
        let mut in_mdx_statement = false;
        let mut i = 0;

        while i < lines.len() {
            let (start, raw) = lines[i];
            let line_no = first_line + i;
            let line = raw.trim_end_matches(['\n', '\r']);
            let eol = &raw[line.len()..];
            let out_start = out.len();
            let after_blank = i == 0 || lines[i - 1].1.trim().is_empty();
            i += 1;

            // MDX `import`/`export` statements: at the margin of the page's own text,
            // starting a block; MDX reads them as code up to the next blank line.
            if in_mdx_statement && !line.trim().is_empty() {
                if let Some(statement) = foreign::mdx_statement(line) {
                    self.mdx_statement(&statement, line_no);
                }
                out.push_str(eol);
                continue;
            }
            in_mdx_statement = false;
            if fence.is_none() && indent == 0 && self.depth == 0 && after_blank {
                if let Some(statement) = foreign::mdx_statement(line).filter(|_| !in_code(start)) {
                    self.mdx_statement(&statement, line_no);
                    in_mdx_statement = true;
                    out.push_str(eol);
                    continue;
                }
            }

            if let Some(f) = &fence {
                if closes_fence(line, f) {
                    fence = None;
                }
                out.push_str(raw);
                continue;
            }
            if let Some(f) = opens_fence(line) {
                fence = Some(f);
                out.push_str(raw);
                continue;
            }
            let spaces = line.len() - line.trim_start_matches(' ').len();
            let rest = &line[spaces..];
            let column = indent + spaces + 1;
            let levels = self.depth + stack.len();
            // The block constructs below (MkDocs `!!!`, `???`, `===`, Docusaurus `:::`)
            // start with one of these: other lines need not be looked up in the code.
            let may_open = matches!(
                line.trim_start().as_bytes().first(),
                Some(b'!' | b'?' | b'=' | b':')
            );
            // Asked only once a line looks like a construct: finding the code parses
            // the whole body, and guidepost's own `::: name` lines never need it.
            let code_line = || may_open && in_code(start + spaces);
            // What `mkdocs_admonition` and `mkdocs_tab` start with (not an image's `![`).
            let mkdocs_like = ["!!!", "???", "==="].iter().any(|m| rest.starts_with(m));

            // MkDocs admonitions and tabs: their indented bodies are theirs.
            if mkdocs_like && spaces <= 3 && levels <= MAX_DIRECTIVE_DEPTH && !code_line() {
                let opened = self.mkdocs_block(&lines, i - 1, first_line, indent, spaces);
                if let Some((block, end)) = opened {
                    if let Some((_, blocks)) = stack.last_mut() {
                        push_run(blocks, &out, run_start..out_start, run_line);
                        blocks.push(Block::Foreign(block));
                    }
                    for (_, raw) in &lines[i - 1..end] {
                        out.push_str(raw);
                    }
                    i = end;
                    run_start = out.len();
                    run_line = first_line + end;
                    continue;
                }
            }
            if mkdocs_like && spaces > 3 && !code_line() {
                if let Some(a) = foreign::mkdocs_admonition(rest) {
                    self.diags.push(foreign::admonition_warning(
                        self.file, &a, true, line_no, column,
                    ));
                } else if let Some(label) = foreign::mkdocs_tab(rest) {
                    self.diags.push(foreign::tabs_warning(
                        self.file, &label, true, line_no, column,
                    ));
                }
            }
            // Docusaurus admonitions: `:::tip` … `:::`.
            let docusaurus = foreign::docusaurus_admonition(rest).filter(|_| !code_line());
            if let Some((name, callout)) = docusaurus {
                // Written at the margin, as Docusaurus pages do at their top level; an
                // indented one sits in a list item, which a block would cut in two.
                if spaces == 0 && levels <= MAX_DIRECTIVE_DEPTH && too_deep == 0 {
                    self.diags.push(foreign::docusaurus_warning(
                        self.file, &name, &callout, false, line_no, column,
                    ));
                    if let Some((_, blocks)) = stack.last_mut() {
                        push_run(blocks, &out, run_start..out_start, run_line);
                    }
                    stack.push((
                        Some(Directive {
                            name,
                            args: String::new(),
                            line: line_no,
                            column,
                            body: Vec::new(),
                            callout: Some(callout),
                        }),
                        Vec::new(),
                    ));
                } else {
                    self.diags.push(foreign::docusaurus_warning(
                        self.file, &name, &callout, true, line_no, column,
                    ));
                    nested_foreign += 1;
                    out.push_str(eol);
                    continue;
                }
                out.push_str(raw);
                run_start = out.len();
                run_line = line_no + 1;
                continue;
            }
            let closes_foreign = matches!(stack.last(), Some((Some(d), _)) if d.callout.is_some());
            if is_colon_line(line)
                && (nested_foreign > 0 || (closes_foreign && spaces == 0))
                && !code_line()
            {
                if nested_foreign > 0 {
                    nested_foreign -= 1;
                    out.push_str(eol);
                    continue;
                }
                if closes_foreign && spaces == 0 {
                    if let Some((_, blocks)) = stack.last_mut() {
                        push_run(blocks, &out, run_start..out_start, run_line);
                    }
                    close_top(&mut stack);
                    out.push_str(raw);
                    run_start = out.len();
                    run_line = line_no + 1;
                    continue;
                }
            }
            // Line constructs: warned about, and replaced where the page shows their
            // equivalent instead.
            let line = self.foreign_line(line, start, &in_code, line_no, indent);
            let Some((marker_indent, marker)) = directive_marker(&line) else {
                out.push_str(&line);
                out.push_str(eol);
                continue;
            };
            let closes = marker.trim().is_empty();
            if too_deep > 0 || (!closes && levels > MAX_DIRECTIVE_DEPTH) {
                if too_deep == 0 {
                    self.diags.push(
                        Diagnostic::error(
                            "directive",
                            self.file,
                            format!(
                                "directives nest deeper than {MAX_DIRECTIVE_DEPTH} levels; this block and the ones inside it are left as text"
                            ),
                        )
                        .at(line_no, indent + marker_indent + 1)
                        .help("close the blocks around it first; blocks rarely need more than two or three levels"),
                    );
                }
                if closes {
                    too_deep -= 1;
                } else {
                    too_deep += 1;
                }
                out.push_str(&line);
                out.push_str(eol);
                continue;
            }
            // The markdown run before this marker ends here.
            if let Some((_, blocks)) = stack.last_mut() {
                push_run(blocks, &out, run_start..out_start, run_line);
            }
            let marker = marker.trim().to_string();
            out.push_str(&line);
            out.push_str(eol);
            run_start = out.len();
            run_line = line_no + 1;

            if closes {
                // A closing marker.
                if stack.len() == 1 {
                    self.diags.push(
                        Diagnostic::error(
                            "directive",
                            self.file,
                            "stray `:::` closes no directive",
                        )
                        .at(line_no, indent + marker_indent + 1)
                        .help("remove it, or open a block above with `::: name`"),
                    );
                    continue;
                }
                close_top(&mut stack);
            } else {
                let (name, args) = marker
                    .split_once(char::is_whitespace)
                    .unwrap_or((&marker, ""));
                let directive = Directive {
                    name: name.to_string(),
                    args: args.trim().to_string(),
                    line: line_no,
                    column: indent + marker_indent + 1,
                    body: Vec::new(),
                    callout: None,
                };
                stack.push((Some(directive), Vec::new()));
            }
        }
        if let Some((_, blocks)) = stack.last_mut() {
            push_run(blocks, &out, run_start..out.len(), run_line);
        }
        // Close whatever is still open, reporting each directive at its opening line
        // (a Docusaurus admonition has its warning already: it ends with its text).
        while stack.len() > 1 {
            if let Some((Some(d), _)) = stack.last() {
                if d.callout.is_none() {
                    self.diags.push(
                        Diagnostic::error(
                            "directive",
                            self.file,
                            format!("the `::: {}` block is never closed", d.name),
                        )
                        .at(d.line, d.column)
                        .help("end the block with a line holding only `:::`"),
                    );
                }
            }
            close_top(&mut stack);
        }
        Doc {
            blocks: stack.pop().map(|(_, b)| b).unwrap_or_default(),
            text: out,
            indent,
            mdx_imports: Vec::new(),
        }
    }
}

/// A line of three or more colons and nothing else.
fn is_colon_line(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3 && t.chars().all(|c| c == ':')
}

/// Pops the innermost open directive into its parent.
fn close_top(stack: &mut Vec<(Option<Directive>, Vec<Block>)>) {
    if let Some((Some(mut d), blocks)) = stack.pop() {
        d.body = blocks;
        if let Some((_, parent)) = stack.last_mut() {
            parent.push(Block::Directive(d));
        }
    }
}

/// Byte ranges of a text that markdown reads as code (code blocks and code spans),
/// in order.
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut ranges: Vec<Range<usize>> = Parser::new_ext(text, super::options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => Some(range),
            _ => None,
        })
        .collect();
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// What the pre-pass would read in `body` as markup of its own, for text that must not
/// hold any (imported markdown): the 0-based lines it takes for directive markers, and
/// the line of a code fence that `body` leaves open (which would hide what follows).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Markup {
    pub marker_lines: Vec<usize>,
    pub unclosed_fence: Option<usize>,
}

pub fn markup_lines(body: &str) -> Markup {
    let mut found = Markup::default();
    let mut fence: Option<(Fence, usize)> = None;
    for (i, raw) in body.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        if let Some((f, _)) = &fence {
            if closes_fence(line, f) {
                fence = None;
            }
            continue;
        }
        if let Some(f) = opens_fence(line) {
            fence = Some((f, i));
            continue;
        }
        if directive_marker(line).is_some() {
            found.marker_lines.push(i);
        }
    }
    found.unclosed_fence = fence.map(|(_, line)| line);
    found
}

fn push_run(blocks: &mut Vec<Block>, text: &str, range: Range<usize>, line: usize) {
    if !text[range.clone()].trim().is_empty() {
        blocks.push(Block::Markdown { range, line });
    }
}

/// `::: …` indented by at most three spaces: returns (indent, text after the colons).
pub(super) fn directive_marker(line: &str) -> Option<(usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = line[indent..].strip_prefix(":::")?;
    // `::::` or `:::x` glued to the colons is not a directive marker.
    if rest.starts_with(':') || !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some((indent, rest))
}

pub(super) fn opens_fence(line: &str) -> Option<Fence> {
    let t = line.trim_start();
    let ch = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = t.chars().take_while(|c| *c == ch).count();
    let indent = line.len() - t.len();
    // A backtick fence's info string cannot hold a backtick.
    (len >= 3 && !(ch == '`' && t[len..].contains('`'))).then_some(Fence { ch, len, indent })
}

/// Whether `line` closes the fence `f`. A closing fence is indented at most three
/// columns more than its container's text, which starts at or before the opening
/// fence: a fence line indented deeper is code inside the block (documentation of
/// nested fences, as in MkDocs' own pages), not its end.
pub(super) fn closes_fence(line: &str, f: &Fence) -> bool {
    let t = line.trim();
    let indent = line.len() - line.trim_start().len();
    indent <= f.indent + 3 && t.len() >= f.len && t.chars().all(|c| c == f.ch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &str) -> (Vec<Block>, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let b = parse(body, 10, Path::new("a.md"), &mut d);
        (b.blocks, d)
    }

    #[test]
    fn lines_with_their_offsets_and_endings() {
        for text in ["", "\n", "one", "one\n", "one\r\ntwo\n\nfour", "é\nß\n末"] {
            let mut offset = 0;
            let expected: Vec<(usize, &str)> = text
                .split_inclusive('\n')
                .map(|line| {
                    offset += line.len();
                    (offset - line.len(), line)
                })
                .collect();
            assert_eq!(lines_of(text), expected, "{text:?}");
        }
    }

    #[test]
    fn nested_directives_with_lines() {
        let (blocks, d) = run("intro\n::: outer x\na\n::: inner\nb\n:::\n:::\nend\n");
        assert!(d.is_empty());
        assert_eq!(blocks.len(), 3);
        let Block::Directive(outer) = &blocks[1] else {
            panic!()
        };
        assert_eq!(
            (outer.name.as_str(), outer.args.as_str(), outer.line),
            ("outer", "x", 11)
        );
        let Block::Directive(inner) = &outer.body[1] else {
            panic!()
        };
        assert_eq!(inner.line, 13);
        assert!(matches!(blocks[2], Block::Markdown { line: 17, .. }));
    }

    /// Lines that start like another tool's block but begin inside a code span that
    /// the line before opened: code, so neither a block nor a warning (the pre-pass
    /// asks where the code is for these lines only).
    #[test]
    fn foreign_openers_inside_a_code_span_are_code() {
        for body in [
            "Type `first\n!!! note \"Title\"\n    body` and go on.\n",
            "Type `first\n:::tip\nmore` and go on.\n",
        ] {
            let (blocks, d) = run(body);
            assert!(d.is_empty(), "{body}: {d:?}");
            assert!(
                blocks.iter().all(|b| matches!(b, Block::Markdown { .. })),
                "{body}: {blocks:?}"
            );
        }
        // The same lines outside code are blocks, with their warnings.
        let (blocks, d) = run("!!! note \"Title\"\n    body\n");
        assert!(matches!(blocks[0], Block::Foreign(_)), "{blocks:?}");
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn markers_inside_code_fences_are_text() {
        let (blocks, d) = run("```\n:::\n::: x\n```\n~~~~\n:::\n~~~~\n");
        assert!(d.is_empty());
        assert_eq!(blocks.len(), 1);
    }

    #[test]
    fn a_fence_line_indented_deeper_than_the_opener_is_code() {
        // A page that shows nested fences (MkDocs' own docs do): the indented ``` is
        // text of the outer block; it neither closes it nor, with the outer closer,
        // opens a fence that would hide the rest of the page from the pre-pass.
        let (blocks, d) = run("```\n    ```\n    x\n    ```\n```\n::: variant a\ny\n:::\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(blocks.len(), 2, "{blocks:?}");
        assert!(matches!(&blocks[1], Block::Directive(v) if v.line == 15));
        let (_, d) = run("```\n    ```\n```\n\n!!! note\n\n    body\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].code, d[0].line), (foreign::CODE, 14));
        // Up to three columns deeper it still closes, as in CommonMark.
        let (blocks, _) = run("```\nx\n   ```\n::: variant a\ny\n:::\n");
        assert_eq!(blocks.len(), 2, "{blocks:?}");
    }

    #[test]
    fn stray_and_unclosed() {
        let (_, d) = run(":::\n::: open\ntext\n");
        assert_eq!(d.len(), 2);
        assert!(d[0].message.contains("stray"));
        assert_eq!(d[0].line, 10);
        assert!(d[1].message.contains("never closed"));
        assert_eq!(d[1].line, 11);
    }

    fn depth(blocks: &[Block]) -> usize {
        let mut deepest = 0;
        let mut level: Vec<&[Block]> = vec![blocks];
        while !level.is_empty() {
            deepest += 1;
            level = level
                .iter()
                .flat_map(|bs| bs.iter())
                .filter_map(|b| match b {
                    Block::Directive(d) => Some(d.body.as_slice()),
                    Block::Markdown { .. } | Block::Foreign(_) => None,
                })
                .collect();
        }
        deepest - 1
    }

    #[test]
    fn nesting_beyond_the_limit_is_text_with_one_error() {
        let n = 3000;
        let body = format!("{}deep\n{}", "::: caveat\n".repeat(n), ":::\n".repeat(n));
        let (blocks, d) = run(&body);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, 10 + MAX_DIRECTIVE_DEPTH);
        assert!(d[0].message.contains("nest deeper"), "{}", d[0].message);
        assert_eq!(depth(&blocks), MAX_DIRECTIVE_DEPTH);
        // Blocks after the deep ones are read as usual.
        let (blocks, d) = run(&format!("{body}::: variant a\nx\n:::\n"));
        assert_eq!(d.len(), 1);
        assert_eq!(blocks.len(), 2);
    }

    #[test]
    fn nesting_up_to_the_limit_is_fine() {
        let n = MAX_DIRECTIVE_DEPTH;
        let body = format!("{}deep\n{}", "::: caveat\n".repeat(n), ":::\n".repeat(n));
        let (blocks, d) = run(&body);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(depth(&blocks), n);
    }

    #[test]
    fn markup_lines_are_what_the_pre_pass_reads() {
        let m = markup_lines("::: a\ntext\n```\n::: in code\n```\n   :::\n    ::: not\n~~~\nopen");
        assert_eq!(m.marker_lines, vec![0, 5]);
        assert_eq!(m.unclosed_fence, Some(7));
    }

    #[test]
    fn four_spaces_is_not_a_marker() {
        let (blocks, d) = run("    :::\n");
        assert!(d.is_empty());
        assert_eq!(blocks.len(), 1);
    }
}
