//! How the directive pre-pass meets other tools' syntax: MkDocs admonitions and
//! content tabs with their indented bodies, MDX statements, and the constructs found
//! in a line, each warned about and replaced by its guidepost equivalent where that is
//! safe.

use super::super::foreign;
use super::{Doc, ForeignBlock, ForeignBody, Parser};
use std::ops::Range;

impl Parser<'_> {
    /// An MkDocs admonition or a row of content tabs opening at line `i`: the block
    /// and the index of the first line after it.
    pub(super) fn mkdocs_block(
        &mut self,
        lines: &[(usize, &str)],
        i: usize,
        first_line: usize,
        indent: usize,
        spaces: usize,
    ) -> Option<(ForeignBlock, usize)> {
        let rest_of = |k: usize| {
            let line = lines[k].1.trim_end_matches(['\n', '\r']);
            line.get(spaces..).filter(|_| indent_width(line) == spaces)
        };
        let line_no = first_line + i;
        let column = indent + spaces + 1;
        let body_indent = spaces + 4;
        let rest = rest_of(i)?;
        if let Some(a) = foreign::mkdocs_admonition(rest) {
            self.diags.push(foreign::admonition_warning(
                self.file, &a, false, line_no, column,
            ));
            self.title_icons(lines[i].1, line_no, indent);
            let end = indented_end(lines, i + 1, body_indent);
            let doc = self.body_doc(lines, i + 1..end, first_line, body_indent, indent);
            let body = ForeignBody::Callout {
                callout: a.callout,
                doc,
            };
            return Some((
                ForeignBlock {
                    line: line_no,
                    column,
                    body,
                },
                end,
            ));
        }
        let label = foreign::mkdocs_tab(rest)?;
        self.diags.push(foreign::tabs_warning(
            self.file, &label, false, line_no, column,
        ));
        self.title_icons(lines[i].1, line_no, indent);
        let mut tabs = Vec::new();
        let mut at = i;
        let mut label = Some(label);
        while let Some(l) = label.take() {
            let end = indented_end(lines, at + 1, body_indent);
            let doc = self.body_doc(lines, at + 1..end, first_line, body_indent, indent);
            tabs.push((l, doc));
            // The next tab of the row may follow after blank lines.
            let next = (end..lines.len())
                .find(|&k| !lines[k].1.trim().is_empty())
                .unwrap_or(lines.len());
            at = end;
            if let Some(l) = (next < lines.len())
                .then(|| rest_of(next))
                .flatten()
                .and_then(foreign::mkdocs_tab)
            {
                self.title_icons(lines[next].1, first_line + next, indent);
                label = Some(l);
                at = next;
            }
        }
        Some((
            ForeignBlock {
                line: line_no,
                column,
                body: ForeignBody::Tabs(tabs),
            },
            at,
        ))
    }

    /// The warnings of the MkDocs icons in an admonition's title or a tab's label
    /// (line `line_no`, whose text lacks `indent` columns), which are shown as text;
    /// an icon in a code span of the title is code.
    fn title_icons(&mut self, line: &str, line_no: usize, indent: usize) {
        for f in foreign::mkdocs_icons(line) {
            let before = &line[..f.at];
            if before.matches('`').count() % 2 == 1 {
                continue;
            }
            let column = indent + before.chars().count() + 1;
            self.diags
                .push(foreign::found_warning(self.file, &f, line_no, column));
        }
    }

    /// The text of lines `range`, without their first `cols` columns of indentation,
    /// parsed as a body of its own (`indent`: the columns this doc's text lacks).
    fn body_doc(
        &mut self,
        lines: &[(usize, &str)],
        range: Range<usize>,
        first_line: usize,
        cols: usize,
        indent: usize,
    ) -> Doc {
        let text: String = lines[range.clone()]
            .iter()
            .map(|(_, raw)| dedent(raw, cols))
            .collect();
        self.depth += 1;
        let doc = self.parse(&text, first_line + range.start, indent + cols);
        self.depth -= 1;
        doc
    }

    /// The warning of an MDX statement at the start of line `line_no`; the names it
    /// imports are remembered for their elements' warnings.
    pub(super) fn mdx_statement(&mut self, statement: &foreign::MdxStatement, line_no: usize) {
        self.diags.push(foreign::mdx_statement_warning(
            self.file, statement, line_no, 1,
        ));
        if let foreign::MdxStatement::Import { names, from } = statement {
            for name in names {
                self.mdx_imports.push((name.clone(), from.clone()));
            }
        }
    }

    /// The line with its foreign constructs warned about and replaced.
    pub(super) fn foreign_line<'l>(
        &mut self,
        line: &'l str,
        start: usize,
        in_code: &dyn Fn(usize) -> bool,
        line_no: usize,
        indent: usize,
    ) -> std::borrow::Cow<'l, str> {
        let found: Vec<foreign::Found> = foreign::scan_line(line)
            .into_iter()
            .filter(|f| !in_code(start + f.at))
            .collect();
        if found.is_empty() {
            return line.into();
        }
        let mut out = String::with_capacity(line.len());
        let mut pos = 0;
        for f in &found {
            let column = indent + line[..f.at].chars().count() + 1;
            if !f.silent {
                self.diags
                    .push(foreign::found_warning(self.file, f, line_no, column));
            }
            if let Some(replacement) = &f.replacement {
                out.push_str(&line[pos..f.at]);
                out.push_str(replacement);
                pos = f.at + f.len;
            }
        }
        out.push_str(&line[pos..]);
        // A line that held only a marker is blank now, as a blank line.
        if out.trim().is_empty() {
            out.clear();
        }
        out.into()
    }
}

/// The width of a line's indentation, a tab counting to the next multiple of 4.
fn indent_width(line: &str) -> usize {
    let mut width = 0;
    for c in line.chars() {
        match c {
            ' ' => width += 1,
            '\t' => width = (width / 4 + 1) * 4,
            _ => break,
        }
    }
    width
}

/// `raw` without its first `cols` columns of indentation.
fn dedent(raw: &str, cols: usize) -> &str {
    let mut width = 0;
    for (i, c) in raw.char_indices() {
        if width >= cols {
            return &raw[i..];
        }
        match c {
            ' ' => width += 1,
            '\t' => width = (width / 4 + 1) * 4,
            _ => return &raw[i..],
        }
    }
    &raw[raw.len()..]
}

/// The end of an indented body starting at line `from`: the lines indented at least
/// `min` columns, and blank lines between them (not after them).
fn indented_end(lines: &[(usize, &str)], from: usize, min: usize) -> usize {
    let mut end = from;
    for (k, (_, raw)) in lines.iter().enumerate().skip(from) {
        if raw.trim().is_empty() {
            continue;
        }
        if indent_width(raw) < min {
            break;
        }
        end = k + 1;
    }
    end
}
