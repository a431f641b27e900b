//! The directive pre-pass: finds `::: name args` … `:::` blocks outside code fences and
//! cuts the body into a tree of markdown runs and directives, each with its line.

use crate::diag::Diagnostic;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A run of plain markdown: a byte range of the body and the line it starts on.
    Markdown {
        range: std::ops::Range<usize>,
        line: usize,
    },
    Directive(Directive),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: String,
    pub args: String,
    /// 1-based line and column of the opening `:::` in the file.
    pub line: usize,
    pub column: usize,
    pub body: Vec<Block>,
}

/// How deep `::: name` blocks may nest. Real pages nest two or three (a caveat inside a
/// variant panel); the limit keeps the tree, its rendering and its dropping, which all
/// recurse once per level, far from the end of a thread's stack. The markers of blocks
/// beyond it stay in the page as text, with one error at the first of them.
pub const MAX_DIRECTIVE_DEPTH: usize = 32;

/// A fenced code block being skipped: its fence character and length.
pub(super) struct Fence {
    ch: char,
    len: usize,
}

/// `line` is 1-based and is the file line on which `body` starts.
pub fn parse(
    body: &str,
    first_line: usize,
    file: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Block> {
    // The stack holds the directives being filled; the bottom entry is the document.
    let mut stack: Vec<(Option<Directive>, Vec<Block>)> = vec![(None, Vec::new())];
    let mut run_start = 0;
    let mut run_line = first_line;
    let mut fence: Option<Fence> = None;
    let mut offset = 0;
    // Blocks opened beyond MAX_DIRECTIVE_DEPTH and not closed yet: their markers are text.
    let mut too_deep = 0usize;

    for (i, raw) in body.split_inclusive('\n').enumerate() {
        let line_no = first_line + i;
        let line = raw.trim_end_matches(['\n', '\r']);
        let start = offset;
        offset += raw.len();

        if let Some(f) = &fence {
            if closes_fence(line, f) {
                fence = None;
            }
            continue;
        }
        if let Some(f) = opens_fence(line) {
            fence = Some(f);
            continue;
        }
        let Some((indent, rest)) = directive_marker(line) else {
            continue;
        };
        let closes = rest.trim().is_empty();
        if too_deep > 0 || (!closes && stack.len() > MAX_DIRECTIVE_DEPTH) {
            if too_deep == 0 {
                diags.push(
                    Diagnostic::error(
                        "directive",
                        file,
                        format!(
                            "directives nest deeper than {MAX_DIRECTIVE_DEPTH} levels; this block and the ones inside it are left as text"
                        ),
                    )
                    .at(line_no, indent + 1)
                    .help("close the blocks around it first; blocks rarely need more than two or three levels"),
                );
            }
            if closes {
                too_deep -= 1;
            } else {
                too_deep += 1;
            }
            continue;
        }
        // The markdown run before this marker ends here.
        let top = stack.last_mut().map(|(_, blocks)| blocks);
        if let Some(blocks) = top {
            push_run(blocks, body, run_start..start, run_line);
        }
        run_start = offset;
        run_line = line_no + 1;

        let rest = rest.trim();
        if closes {
            // A closing marker.
            if stack.len() == 1 {
                diags.push(
                    Diagnostic::error("directive", file, "stray `:::` closes no directive")
                        .at(line_no, indent + 1)
                        .help("remove it, or open a block above with `::: name`"),
                );
                continue;
            }
            if let Some((Some(mut d), blocks)) = stack.pop() {
                d.body = blocks;
                if let Some((_, parent)) = stack.last_mut() {
                    parent.push(Block::Directive(d));
                }
            }
        } else {
            let (name, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let directive = Directive {
                name: name.to_string(),
                args: args.trim().to_string(),
                line: line_no,
                column: indent + 1,
                body: Vec::new(),
            };
            stack.push((Some(directive), Vec::new()));
        }
    }
    if let Some((_, blocks)) = stack.last_mut() {
        push_run(blocks, body, run_start..body.len(), run_line);
    }
    // Close whatever is still open, reporting each at its opening line.
    while stack.len() > 1 {
        if let Some((Some(mut d), blocks)) = stack.pop() {
            diags.push(
                Diagnostic::error(
                    "directive",
                    file,
                    format!("the `::: {}` block is never closed", d.name),
                )
                .at(d.line, d.column)
                .help("end the block with a line holding only `:::`"),
            );
            d.body = blocks;
            if let Some((_, parent)) = stack.last_mut() {
                parent.push(Block::Directive(d));
            }
        }
    }
    stack.pop().map(|(_, b)| b).unwrap_or_default()
}

fn push_run(blocks: &mut Vec<Block>, body: &str, range: std::ops::Range<usize>, line: usize) {
    if !body[range.clone()].trim().is_empty() {
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
    // A backtick fence's info string cannot hold a backtick.
    (len >= 3 && !(ch == '`' && t[len..].contains('`'))).then_some(Fence { ch, len })
}

pub(super) fn closes_fence(line: &str, f: &Fence) -> bool {
    let t = line.trim();
    t.len() >= f.len && t.chars().all(|c| c == f.ch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &str) -> (Vec<Block>, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let b = parse(body, 10, Path::new("a.md"), &mut d);
        (b, d)
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

    #[test]
    fn markers_inside_code_fences_are_text() {
        let (blocks, d) = run("```\n:::\n::: x\n```\n~~~~\n:::\n~~~~\n");
        assert!(d.is_empty());
        assert_eq!(blocks.len(), 1);
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
                    Block::Markdown { .. } => None,
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
    fn four_spaces_is_not_a_marker() {
        let (blocks, d) = run("    :::\n");
        assert!(d.is_empty());
        assert_eq!(blocks.len(), 1);
    }
}
