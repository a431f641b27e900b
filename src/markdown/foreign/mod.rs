//! Syntax of other documentation tools (SPEC §3): MkDocs admonitions, content tabs and
//! snippets, DocFX `:::image`, `[!INCLUDE]` and `[!div]`, Docusaurus admonitions and
//! Hugo shortcodes. None of them is passed through silently: each construct outside
//! code gets one `foreign-syntax` warning at its line, naming what to write instead.
//!
//! Where it is cheap and safe, the construct is also shown as its nearest guidepost
//! equivalent (see DEVELOPERS.md): admonitions become callouts (their indented bodies
//! are markdown, not code blocks), tabs become labelled blocks, `:::image` becomes the
//! image it names, and markers that would only show as junk (`[!INCLUDE …]`,
//! `[!div …]`, `:::image-end:::`, DocFX `:::zone` lines) are left out. Everything else
//! stays in the page as written. The directive pre-pass (`directives`) calls in here
//! for each line outside fenced code.

use crate::diag::Diagnostic;
use crate::html::escape;
use std::path::Path;

mod docfx;
mod inline;
mod mdx;
use docfx::{docfx_image, docfx_line, docfx_name, docfx_tab_heading};
use inline::inline_constructs;
pub use inline::mkdocs_icons;
pub use mdx::{
    is_jsx_component, is_markdown_module, jsx_warning, mdx_statement, mdx_statement_warning,
    JsxElement, MdxStatement,
};

pub const CODE: &str = "foreign-syntax";

/// The callout kinds of guidepost (GitHub alerts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalloutKind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

impl CalloutKind {
    /// The `data-kind` of the callout (SPEC §8).
    pub fn data_kind(self) -> &'static str {
        match self {
            CalloutKind::Note => "note",
            CalloutKind::Tip => "tip",
            CalloutKind::Important => "important",
            CalloutKind::Warning => "warning",
            CalloutKind::Caution => "caution",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CalloutKind::Note => "Note",
            CalloutKind::Tip => "Tip",
            CalloutKind::Important => "Important",
            CalloutKind::Warning => "Warning",
            CalloutKind::Caution => "Caution",
        }
    }

    /// The GitHub alert to write instead (`NOTE` for `> [!NOTE]`).
    pub fn alert(self) -> &'static str {
        match self {
            CalloutKind::Note => "NOTE",
            CalloutKind::Tip => "TIP",
            CalloutKind::Important => "IMPORTANT",
            CalloutKind::Warning => "WARNING",
            CalloutKind::Caution => "CAUTION",
        }
    }

    /// MkDocs Material's admonition types (and their aliases); others read as a note.
    fn from_mkdocs(kind: &str) -> CalloutKind {
        match kind.to_ascii_lowercase().as_str() {
            "tip" | "hint" | "success" | "check" | "done" => CalloutKind::Tip,
            "important" => CalloutKind::Important,
            "warning" | "caution" | "attention" => CalloutKind::Warning,
            "failure" | "fail" | "missing" | "danger" | "error" | "bug" => CalloutKind::Caution,
            _ => CalloutKind::Note,
        }
    }

    /// Docusaurus' admonition types; others read as a note.
    fn from_docusaurus(kind: &str) -> CalloutKind {
        match kind.to_ascii_lowercase().as_str() {
            "tip" | "success" => CalloutKind::Tip,
            "important" => CalloutKind::Important,
            "warning" | "caution" => CalloutKind::Warning,
            "danger" => CalloutKind::Caution,
            _ => CalloutKind::Note,
        }
    }
}

/// A callout written in another tool's syntax: its kind and its own title, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callout {
    pub kind: CalloutKind,
    pub title: Option<String>,
}

/// `!!! note "Title"`, `??? tip`, `???+ warning`: an MkDocs admonition opener (the
/// line without its indentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MkdocsAdmonition {
    /// `!!!`, `???` or `???+`.
    pub marker: String,
    pub kind: String,
    pub callout: Callout,
}

pub fn mkdocs_admonition(rest: &str) -> Option<MkdocsAdmonition> {
    let marker = ["???+", "???", "!!!"]
        .into_iter()
        .find(|m| rest.starts_with(m))?;
    let after = &rest[marker.len()..];
    if !after.starts_with([' ', '\t']) {
        return None;
    }
    let after = after.trim();
    let kind: String = after
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    if kind.is_empty() {
        return None;
    }
    let tail = after[kind.len()..].trim();
    // `"Title"` (possibly after extra classes such as `inline end`); `""` hides it.
    let title = match (tail.find('"'), tail.rfind('"')) {
        (Some(a), Some(b)) if b > a => Some(tail[a + 1..b].trim().to_string()),
        _ => None,
    };
    Some(MkdocsAdmonition {
        marker: marker.to_string(),
        callout: Callout {
            kind: CalloutKind::from_mkdocs(&kind),
            title: title.filter(|t| !t.is_empty()),
        },
        kind,
    })
}

/// `=== "Label"` (also `===! "…"`, `===+ "…"`): an MkDocs content tab; the label.
/// The quotes are required, so a setext underline (`===`) is never taken for one.
pub fn mkdocs_tab(rest: &str) -> Option<String> {
    let after = rest.strip_prefix("===")?;
    let after = after
        .strip_prefix('!')
        .or_else(|| after.strip_prefix('+'))
        .unwrap_or(after);
    let quoted = after.strip_prefix([' ', '\t'])?.trim();
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    Some(inner.to_string())
}

/// `:::note`, `:::tip Title`, `:::warning[Title]`: a Docusaurus admonition opener
/// (the colons glued to the name, which guidepost's `::: name` never is). DocFX's
/// `:::image`, `:::zone` and the like are not: see `docfx_marker`.
pub fn docusaurus_admonition(rest: &str) -> Option<(String, Callout)> {
    let colons = rest.chars().take_while(|c| *c == ':').count();
    if colons < 3 {
        return None;
    }
    let after = &rest[colons..];
    let name: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    if name.is_empty() || docfx_name(&name) {
        return None;
    }
    let tail = after[name.len()..].trim();
    // DocFX writes `:::name …:::` on one line; so does nobody's admonition.
    if tail.ends_with(":::") || tail.starts_with('-') {
        return None;
    }
    let title = tail
        .strip_prefix('[')
        .and_then(|t| t.split_once(']'))
        .map(|(t, _)| t)
        .unwrap_or(if tail.starts_with('{') { "" } else { tail })
        .trim();
    Some((
        name.clone(),
        Callout {
            kind: CalloutKind::from_docusaurus(&name),
            title: (!title.is_empty()).then(|| title.to_string()),
        },
    ))
}

/// A construct found on a line, with what the line shows instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte offset of the construct in the line.
    pub at: usize,
    /// Bytes of the line it takes.
    pub len: usize,
    /// What replaces it in the page (None: it stays as written).
    pub replacement: Option<String>,
    /// The end marker of a construct warned about at its start (`:::zone-end`).
    pub silent: bool,
    pub message: String,
    pub help: String,
}

/// The foreign constructs of one line (outside fenced code; the caller drops those
/// inside code spans or indented code), in line order.
pub fn scan_line(line: &str) -> Vec<Found> {
    // Every construct below holds a `:`, `[` or `{`, or is `--8<--`: most lines of
    // prose hold none, and are done without a search or a lowercase copy.
    if !line.bytes().any(|b| matches!(b, b':' | b'[' | b'{')) && !line.contains("8<") {
        return Vec::new();
    }
    let mut found = Vec::new();
    let indent = line.len() - line.trim_start().len();
    // Blockquote markers in front of a DocFX marker (`> [!div …]`, `> :::image …`).
    let quoted = line[indent..].trim_start_matches(['>', ' ', '\t']);
    let quoted_at = line.len() - quoted.len();
    if let Some(f) = docfx_line(quoted, quoted_at) {
        found.push(f);
    } else if let Some(f) = docfx_tab_heading(&line[indent..], indent) {
        found.push(f);
    }
    found.extend(inline_constructs(line));
    found.sort_by_key(|f| f.at);
    // Two matches for one construct (`[!INCLUDE` is also a `[!` marker): keep the first.
    let mut kept: Vec<Found> = Vec::new();
    for f in found {
        if kept.last().is_none_or(|k| f.at >= k.at + k.len) {
            kept.push(f);
        }
    }
    kept
}

/// Where the `[…]` that starts `s` ends (after its `]`), brackets nested.
fn bracket_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// The warning of an HTML element with MkDocs' `markdown` attribute (md_in_html):
/// guidepost reads markdown in HTML the CommonMark way, after a blank line.
pub fn markdown_attribute_warning(
    file: &Path,
    tag: &str,
    line: usize,
    column: usize,
) -> Diagnostic {
    Diagnostic::warning(
        CODE,
        file,
        format!("`<{tag} markdown>` is MkDocs syntax (md_in_html): guidepost ignores the attribute"),
    )
    .at(line, column)
    .help("markdown inside HTML is read as markdown when blank lines set it apart from the tags (a blank line after the opening tag and before the closing one); text on the tags' own lines stays as written")
}

/// What an MkDocs construct indented too deep to be read as a block (inside a list
/// item) gets as help instead.
const NESTED_HELP: &str =
    "indented this deep (inside a list item) it is not read as a block: it is shown as written";

/// The warning for an MkDocs admonition opener (`nested`: indented too deep to be
/// read as a block).
pub fn admonition_warning(
    file: &Path,
    a: &MkdocsAdmonition,
    nested: bool,
    line: usize,
    column: usize,
) -> Diagnostic {
    let collapsible = if a.marker.starts_with('?') {
        " (a collapsible admonition)"
    } else {
        ""
    };
    Diagnostic::warning(
        CODE,
        file,
        format!(
            "`{} {}` is MkDocs syntax{collapsible}: write `> [!{}]`",
            a.marker,
            a.kind,
            a.callout.kind.alert()
        ),
    )
    .at(line, column)
    .help(if nested {
        NESTED_HELP
    } else {
        "guidepost shows it as a callout with its indented text; a GitHub alert is `> [!NOTE]` on a line, then the text on lines starting with `> `"
    })
}

pub fn tabs_warning(
    file: &Path,
    label: &str,
    nested: bool,
    line: usize,
    column: usize,
) -> Diagnostic {
    Diagnostic::warning(
        CODE,
        file,
        format!("`=== \"{label}\"` is MkDocs content-tab syntax: write `::: variant ID` blocks when the tabs are admin consoles"),
    )
    .at(line, column)
    .help(if nested {
        NESTED_HELP
    } else {
        "otherwise write each tab as a heading; guidepost shows each tab's content under its label"
    })
}

/// The warning for a Docusaurus admonition; `nested`: indented too deep (inside a
/// list item) to be read as a block.
pub fn docusaurus_warning(
    file: &Path,
    name: &str,
    c: &Callout,
    nested: bool,
    line: usize,
    column: usize,
) -> Diagnostic {
    Diagnostic::warning(
        CODE,
        file,
        format!("`:::{name}` is Docusaurus syntax: write `> [!{}]`", c.kind.alert()),
    )
    .at(line, column)
    .help(if nested {
        "indented this deep (inside a list item) it is not read as a block: its marker lines are left out of the page, its text is kept"
    } else {
        "guidepost shows it as a callout, up to its closing `:::`"
    })
}

/// The warning of a construct found by `scan_line`.
pub fn found_warning(file: &Path, f: &Found, line: usize, column: usize) -> Diagnostic {
    Diagnostic::warning(CODE, file, f.message.clone())
        .at(line, column)
        .help(f.help.clone())
}

/// Whether `text` may hold a construct of another tool at all (a cheap test before
/// the markdown is parsed to find its code).
pub fn may_contain(text: &str) -> bool {
    [
        "!!!",
        "???",
        "===",
        "--8<--",
        "{!",
        ":::",
        "[!",
        "{{<",
        "{{%",
        "](#tab/",
        ":material-",
        ":octicons-",
        ":fontawesome-",
        ":simple-",
    ]
    .iter()
    .any(|t| text.contains(t))
}

impl super::PageState<'_> {
    /// An MkDocs admonition as a callout, a row of MkDocs tabs as labelled blocks.
    pub(super) fn render_foreign(&mut self, block: &super::directives::ForeignBlock) {
        use super::directives::ForeignBody;
        match &block.body {
            ForeignBody::Callout { callout, doc } => {
                self.render_callout(callout, |s| s.render_blocks(&doc.blocks, doc));
            }
            ForeignBody::Tabs(tabs) => {
                self.out.html.push_str("<div class=\"foreign-tabs\">\n");
                for (label, doc) in tabs {
                    self.out.html.push_str(&format!(
                        "<div class=\"foreign-tab\"><p class=\"foreign-tab-label\">{}</p>\n",
                        escape(label)
                    ));
                    self.render_blocks(&doc.blocks, doc);
                    self.out.html.push_str("</div>\n");
                }
                self.out.html.push_str("</div>\n");
            }
        }
    }

    /// A callout like those of GitHub alerts (SPEC §8), with its own title if it has one.
    pub(super) fn render_callout(&mut self, callout: &Callout, body: impl FnOnce(&mut Self)) {
        let title = callout.title.as_deref().unwrap_or(callout.kind.label());
        self.out.html.push_str(&format!(
            "<aside class=\"callout\" role=\"note\" data-kind=\"{}\"><p class=\"callout-title\">{}</p>\n",
            callout.kind.data_kind(),
            escape(title)
        ));
        body(self);
        self.out.html.push_str("</aside>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::docfx::docfx_marker;
    use super::*;

    #[test]
    fn mkdocs_openers() {
        let a = mkdocs_admonition("!!! warning \"Theme extension\"").unwrap();
        assert_eq!(a.callout.kind, CalloutKind::Warning);
        assert_eq!(a.callout.title.as_deref(), Some("Theme extension"));
        let a = mkdocs_admonition("???+ tip").unwrap();
        assert_eq!((a.marker.as_str(), a.callout.title), ("???+", None));
        assert!(mkdocs_admonition("!!!").is_none());
        assert!(mkdocs_admonition("!!!note").is_none());
        assert_eq!(
            mkdocs_tab("=== \"Unix, Powershell\"").as_deref(),
            Some("Unix, Powershell")
        );
        assert!(mkdocs_tab("===").is_none());
        assert!(mkdocs_tab("=== x").is_none());
    }

    #[test]
    fn docusaurus_and_docfx_markers() {
        let (n, c) = docusaurus_admonition(":::tip Before you start").unwrap();
        assert_eq!((n.as_str(), c.kind), ("tip", CalloutKind::Tip));
        assert_eq!(c.title.as_deref(), Some("Before you start"));
        let (_, c) = docusaurus_admonition(":::danger[Careful]").unwrap();
        assert_eq!(
            (c.kind, c.title.as_deref()),
            (CalloutKind::Caution, Some("Careful"))
        );
        assert!(docusaurus_admonition(":::image type=\"content\":::").is_none());
        assert!(docusaurus_admonition("::: variant a").is_none());
        assert!(docusaurus_admonition(":::").is_none());
        assert_eq!(
            docfx_marker(":::image-end:::").as_deref(),
            Some("image-end")
        );
        assert_eq!(
            docfx_marker("::: zone pivot=\"a\"").as_deref(),
            Some("zone")
        );
        assert_eq!(docfx_marker("::: image x"), None);
    }

    #[test]
    fn docfx_image_becomes_a_markdown_image() {
        let f = scan_line(
            "   :::image type=\"content\" source=\"media/a b.png\" alt-text=\"The [Save] button\":::",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].at, 3);
        assert_eq!(
            f[0].replacement.as_deref(),
            Some("![The \\[Save\\] button](<media/a b.png>)")
        );
        let f = scan_line(":::image type=\"icon\" source=\"media/i.svg\" alt-text=\"\":::");
        assert_eq!(
            f[0].replacement.as_deref(),
            Some("<img src=\"media/i.svg\" alt=\"\">")
        );
    }

    #[test]
    fn docfx_icons_in_sentences_become_inline_images() {
        let line =
            "Select :::image type=\"icon\" source=\"media/i.png\" border=\"false\"::: to open it.";
        let f = scan_line(line);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].at, f[0].len), (7, 59));
        assert_eq!(f[0].replacement.as_deref(), Some("![](<media/i.png>)"));
    }

    #[test]
    fn inline_constructs_are_found_once() {
        let f = scan_line("See [!INCLUDE [title](includes/x.md)] and more");
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].at, f[0].len), (4, 33));
        let f = scan_line("> [!div class=\"nextstepaction\"]");
        assert_eq!((f.len(), f[0].at), (1, 2));
        let f = scan_line("{{< tabpane >}} {{< /tabpane >}} {{% readfile \"x\" %}}");
        assert_eq!(f.len(), 2);
        assert!(f[0].message.contains("::: variant"), "{}", f[0].message);
        assert!(f[1].message.contains("::: include"), "{}", f[1].message);
        assert!(scan_line("plain text [!NOTE]").is_empty());
        let f = scan_line("# [Windows](#tab/windows)");
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn mkdocs_icons_not_emoji_or_times() {
        let f = scan_line(
            "Yes :material-check: and :octicons-file-code-16: or :fontawesome-brands-github:.",
        );
        let at: Vec<(usize, usize)> = f.iter().map(|f| (f.at, f.len)).collect();
        assert_eq!(at, vec![(4, 16), (25, 23), (52, 27)]);
        assert!(f[0]
            .message
            .starts_with("`:material-check:` is an MkDocs Material icon"));
        for plain in [
            "At 10:30:00 :smile: :man_raising_hand:",
            ":material: :material-: :material-Check: :octicons-x",
            "a:material-x",
        ] {
            assert!(scan_line(plain).is_empty(), "{plain}");
        }
    }
}
