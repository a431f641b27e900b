//! MDX in Docusaurus pages (SPEC §3, foreign syntax): ESM `import`/`export`
//! statements and JSX components, which MDX reads as JavaScript and markdown does not.

use super::CODE;
use crate::diag::Diagnostic;
use std::path::Path;

/// An MDX ESM statement that starts a line at the margin (`import X from '…'`,
/// `import '…'`, `export const …`): MDX reads the block it starts, up to the next
/// blank line, as JavaScript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MdxStatement {
    /// `import X from './_partial.mdx'`, `import {A, B} from '@site/…'`, `import '…'`:
    /// the names it binds (its default import first) and the module.
    Import {
        names: Vec<String>,
        from: String,
    },
    /// `import {` … on the lines after: names and module are not on this line.
    ImportOpen,
    Export,
}

/// The MDX statement `line` holds, if it holds exactly one in the shape of a JS
/// statement: prose that starts with the word "import" is not one.
pub fn mdx_statement(line: &str) -> Option<MdxStatement> {
    let line = line.trim_end();
    if let Some(rest) = line.strip_prefix("export") {
        let rest_trimmed = rest.trim_start();
        let keyword = rest_trimmed
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or("");
        let spaced = rest.starts_with([' ', '\t']);
        let declares = spaced
            && matches!(
                keyword,
                "const" | "let" | "var" | "function" | "async" | "default" | "class"
            );
        return (declares || rest_trimmed.starts_with(['{', '*'])).then_some(MdxStatement::Export);
    }
    let rest = line.strip_prefix("import")?;
    if !rest.starts_with([' ', '\t', '{', '\'', '"']) {
        return None;
    }
    let rest = rest.trim().trim_end_matches(';').trim_end();
    // `import '…'`: a module run for its effects.
    if let Some(from) = quoted_whole(rest) {
        return Some(MdxStatement::Import {
            names: Vec::new(),
            from: from.to_string(),
        });
    }
    // `import {` (a list of names continued on the next lines).
    if rest.contains('{') && !rest.contains('}') && !rest.contains(" from ") {
        let names_only = rest
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '{' | ',' | ' ' | '\t'));
        return names_only.then_some(MdxStatement::ImportOpen);
    }
    let (bindings, from) = rest.rsplit_once(" from ")?;
    let from = quoted_whole(from.trim())?;
    let names = import_names(bindings.trim())?;
    Some(MdxStatement::Import {
        names,
        from: from.to_string(),
    })
}

/// The text of `'…'` or `"…"` when that is all of `s`.
fn quoted_whole(s: &str) -> Option<&str> {
    let q = s.chars().next().filter(|c| matches!(c, '\'' | '"'))?;
    let inner = s[1..].strip_suffix(q)?;
    (!inner.is_empty() && !inner.contains(q)).then_some(inner)
}

/// The names an import binds (`X`, `X, {A, B as C}`, `* as NS`); None when the text is
/// not in that shape (then the line is prose).
fn import_names(bindings: &str) -> Option<Vec<String>> {
    let is_name = |w: &str| {
        !w.is_empty()
            && !w.starts_with(|c: char| c.is_ascii_digit())
            && w.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$'))
    };
    let mut names = Vec::new();
    let bindings = bindings.strip_prefix("type ").unwrap_or(bindings);
    for part in bindings.split([',', '{', '}']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        // `A as B` binds B; `* as NS` binds NS.
        let words: Vec<&str> = part.split_whitespace().collect();
        let name = match words.as_slice() {
            [n] => *n,
            [_, "as", n] => *n,
            _ => return None,
        };
        if !is_name(name) {
            return None;
        }
        names.push(name.to_string());
    }
    (!names.is_empty()).then_some(names)
}

/// Whether a module an MDX page imports is a markdown file (a partial, shown where
/// its component is written).
pub fn is_markdown_module(from: &str) -> bool {
    let lower = from.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".mdx")
}

/// The warning of an MDX statement line; the line is left out of the page (and of
/// its search text).
pub fn mdx_statement_warning(
    file: &Path,
    statement: &MdxStatement,
    line: usize,
    column: usize,
) -> Diagnostic {
    let (message, help) = match statement {
        MdxStatement::Import { names, from } if is_markdown_module(from) => (
            format!(
                "`import {} from '{from}'` is MDX syntax: write `::: include {}` where the partial's text belongs",
                names.join(", "),
                include_equivalent(from)
            ),
            match names.first() {
                Some(name) => format!(
                    "on a line of its own where `<{name} />` is, naming a partial whose file name starts with `_`; the import line is left out of the page"
                ),
                None => "the import line is left out of the page".to_string(),
            },
        ),
        MdxStatement::Import { names, from } => (
            if names.is_empty() {
                format!("`import '{from}'` is MDX syntax: guidepost pages have no code")
            } else {
                format!(
                    "`import {} from '{from}'` is MDX syntax: guidepost pages have no components",
                    names.join(", ")
                )
            },
            "the import line is left out of the page; each element of the component gets its own warning".to_string(),
        ),
        MdxStatement::ImportOpen => (
            "`import {` is MDX syntax: guidepost pages have no components".to_string(),
            "the statement (up to the next blank line) is left out of the page".to_string(),
        ),
        MdxStatement::Export => (
            "`export …` is MDX syntax: guidepost pages hold no code".to_string(),
            "the statement (up to the next blank line) is left out of the page; write what it says as text or front matter".to_string(),
        ),
    };
    Diagnostic::warning(CODE, file, message)
        .at(line, column)
        .help(help)
}

/// The `::: include` argument for an MDX partial (`./_notice.mdx` → `_notice.md`,
/// `../common/note.md` → `../common/_note.md`): its path with guidepost's partial name.
fn include_equivalent(from: &str) -> String {
    // `\_` in a module path is an escape some pages write (`@site/docs/\_help.mdx`).
    let from = from.replace('\\', "");
    let (dir, file) = match from.rsplit_once('/') {
        // `@site/docs/…` is Docusaurus' alias of its site folder, no path from the
        // page: the file name alone says which partial.
        Some((dir, file)) if dir != "." && !dir.starts_with('@') => (format!("{dir}/"), file),
        Some((_, file)) => (String::new(), file),
        None => (String::new(), from.as_str()),
    };
    let stem = file
        .rsplit_once('.')
        .map_or(file, |(stem, _)| stem)
        .trim_start_matches('_');
    format!("{dir}_{stem}.md")
}

/// Whether a tag name as written (`Screenshot`, `TabItem`) is a JSX component: it
/// starts with a capital letter and is no HTML element (old HTML writes `<BR>`).
pub fn is_jsx_component(written: &str) -> bool {
    written.starts_with(|c: char| c.is_ascii_uppercase())
        && !HTML_ELEMENTS.contains(&written.to_ascii_lowercase().as_str())
}

/// HTML's element names, current and obsolete (for `is_jsx_component`).
const HTML_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "bdi",
    "bdo",
    "big",
    "blink",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "link",
    "main",
    "map",
    "mark",
    "marquee",
    "menu",
    "meta",
    "meter",
    "nav",
    "nobr",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "pre",
    "progress",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "slot",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
    "math",
];

/// A JSX component element found in raw HTML (`<Screenshot url="…"/>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsxElement {
    /// The name as written.
    pub name: String,
    /// Its `url`, `src`, `href` or `to` attribute, when it has one.
    pub target: Option<String>,
}

impl JsxElement {
    /// Whether it shows an image (by its name: `Screenshot`, `Image`, `Img`, `Figure`).
    pub fn is_image(&self) -> bool {
        let lower = self.name.to_ascii_lowercase();
        [
            "screenshot",
            "image",
            "img",
            "figure",
            "picture",
            "thumbnail",
        ]
        .iter()
        .any(|w| lower.contains(w))
    }
}

/// The warning of a JSX element; `partial`: the markdown module the page imported
/// it from, if it did.
///
/// `as_text`: markdown did not read the tag as HTML (attributes holding JavaScript,
/// `values={[ … ]}`), so the page shows it as text.
pub fn jsx_warning(
    file: &Path,
    element: &JsxElement,
    partial: Option<&str>,
    as_text: bool,
    line: usize,
    column: usize,
) -> Diagnostic {
    let name = &element.name;
    let equivalent = if let Some(from) = partial {
        format!(
            "`::: include {}` (it stands for `{from}`)",
            include_equivalent(from)
        )
    } else if element.is_image() {
        "a markdown image `![alt text](image.png)`".to_string()
    } else if element.target.is_some() {
        "a markdown link `[text](page.md)`".to_string()
    } else {
        "plain markdown (guidepost has no components)".to_string()
    };
    Diagnostic::warning(
        CODE,
        file,
        format!("`<{name}>` is an MDX (JSX) component: write {equivalent}"),
    )
    .at(line, column)
    .help(if as_text {
        "its attributes hold JavaScript, which is no HTML: the page shows the tag as text"
    } else {
        "a browser shows nothing of an element it does not know (its text, if any, stays); the page is missing what the component would show"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mdx_statements_have_the_shape_of_javascript() {
        let import = |names: &[&str], from: &str| {
            Some(MdxStatement::Import {
                names: names.iter().map(|n| n.to_string()).collect(),
                from: from.into(),
            })
        };
        assert_eq!(
            mdx_statement("import Tabs from '@theme/Tabs';"),
            import(&["Tabs"], "@theme/Tabs")
        );
        assert_eq!(
            mdx_statement("import Note, { A as B } from \"./_note.mdx\""),
            import(&["Note", "B"], "./_note.mdx")
        );
        assert_eq!(mdx_statement("import * as X from 'x'"), import(&["X"], "x"));
        assert_eq!(
            mdx_statement("import './styles.css';"),
            import(&[], "./styles.css")
        );
        assert_eq!(mdx_statement("import {"), Some(MdxStatement::ImportOpen));
        assert_eq!(mdx_statement("import { A,"), Some(MdxStatement::ImportOpen));
        assert_eq!(
            mdx_statement("export const toc = [];"),
            Some(MdxStatement::Export)
        );
        assert_eq!(
            mdx_statement("export default function X() {"),
            Some(MdxStatement::Export)
        );
        assert_eq!(
            mdx_statement("export { a } from 'b'"),
            Some(MdxStatement::Export)
        );
        for prose in [
            "import the certificate from the store.",
            "import your data from 'Excel' first.",
            "import data from the old tool, as said.",
            "import, export and sync",
            "import the data,",
            "important: read this",
            "export the report as a PDF",
            "exports are listed below",
            "Import X from 'y'",
            " import X from 'y'",
        ] {
            assert_eq!(mdx_statement(prose), None, "{prose}");
        }
    }

    #[test]
    fn jsx_components_and_partial_names() {
        assert!(is_jsx_component("Screenshot"));
        assert!(is_jsx_component("X"));
        assert!(is_jsx_component("Tabs.Item"));
        for html in ["BR", "Kbd", "DIV", "details", "kbd", "img"] {
            assert!(!is_jsx_component(html), "{html}");
        }
        assert_eq!(include_equivalent("./_notice.mdx"), "_notice.md");
        assert_eq!(
            include_equivalent("../common/note.md"),
            "../common/_note.md"
        );
        assert_eq!(include_equivalent("note.mdx"), "_note.md");
        assert_eq!(include_equivalent("@site/docs/\\_help.mdx"), "_help.md");
    }
}
