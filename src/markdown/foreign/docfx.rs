//! DocFX's constructs (SPEC §3): colon blocks (`:::image …:::`, `:::zone`), the
//! whole-line markers (`[!INCLUDE …]`, `[!div …]`, `[!VIDEO …]`) and tab headings
//! (`# [Label](#tab/…)`). `scan_line` (in `foreign`) calls in here for each line.

use super::{bracket_end, Found};
use crate::html::escape;

/// Names of DocFX's colon blocks (`:::image …:::`, `:::zone pivot="…"`, `:::row:::`).
pub(super) fn docfx_name(name: &str) -> bool {
    matches!(
        name,
        "image" | "code" | "zone" | "moniker" | "row" | "column" | "video" | "no"
    )
}

/// A DocFX colon-block marker at the start of `rest`: (name, whole marker text).
/// `::: zone` and `::: moniker` are accepted with a space too, as DocFX does.
pub(super) fn docfx_marker(rest: &str) -> Option<String> {
    let after = rest.strip_prefix(":::")?;
    let glued = after.trim_start_matches(' ');
    let name: String = glued
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let base = name.strip_suffix("-end").unwrap_or(&name);
    let spaced_ok = matches!(base, "zone" | "moniker");
    if !docfx_name(base) || (glued.len() != after.len() && !spaced_ok) {
        return None;
    }
    Some(name)
}

/// DocFX markers that take a whole line: `:::image …:::`, `:::image-end:::`,
/// `:::zone …`, `[!div …]`, `[!VIDEO …]`.
pub(super) fn docfx_line(rest: &str, at: usize) -> Option<Found> {
    if let Some(name) = docfx_marker(rest) {
        let whole = rest.trim_end();
        if name == "image" {
            return Some(docfx_image(rest, at, true));
        }
        let base = name.strip_suffix("-end").unwrap_or(&name).to_string();
        let help = if matches!(base.as_str(), "zone" | "moniker") {
            "for content that differs by admin console write `::: variant ID` blocks; the marker line is left out of the page"
        } else {
            "the marker line is left out of the page; the content around it is kept"
        };
        return Some(Found {
            at,
            len: whole.len(),
            replacement: Some(String::new()),
            silent: name.ends_with("-end"),
            message: format!("`:::{name}` is DocFX syntax, which guidepost does not know"),
            help: help.into(),
        });
    }
    let lower = rest.to_ascii_lowercase();
    if lower.starts_with("[!div") {
        let len = bracket_end(rest).unwrap_or(rest.trim_end().len());
        return Some(Found {
            at,
            len,
            replacement: Some(String::new()),
            silent: false,
            message: "`[!div …]` is DocFX syntax: write a plain link or paragraph".into(),
            help: "the marker is left out of the page; the quote's content is kept".into(),
        });
    }
    if lower.starts_with("[!video") {
        return Some(Found {
            at,
            len: bracket_end(rest).unwrap_or(rest.trim_end().len()),
            replacement: None,
            silent: false,
            message: "`[!VIDEO …]` is DocFX syntax: write a link to the video".into(),
            help: "for example `[Watch the video](https://…)`".into(),
        });
    }
    None
}

/// `:::image type="content" source="media/x.png" alt-text="…":::` → the markdown
/// image it names (an icon: an inline `<img>`).
/// `text` starts with the marker; `alone`: nothing but indentation before it, so an
/// icon must not become a markdown image (which, alone on its line, is a screenshot).
pub(super) fn docfx_image(text: &str, at: usize, alone: bool) -> Found {
    // The marker ends at the `:::` after its attributes (or with the line).
    let body_end = text[3..].find(":::").map(|i| i + 3);
    let whole = match body_end {
        Some(end) => &text[..end + 3],
        None => text.trim_end(),
    };
    let attrs = attributes(&whole[3..body_end.unwrap_or(whole.len())]);
    let get = |name: &str| {
        attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let alt = get("alt-text").unwrap_or("");
    let replacement = get("source").map(|src| {
        if get("type") == Some("icon") && alone {
            format!("<img src=\"{}\" alt=\"{}\">", escape(src), escape(alt))
        } else {
            format!(
                "![{}](<{}>)",
                markdown_text(alt),
                src.replace(['<', '>'], "")
            )
        }
    });
    let help = if replacement.is_some() {
        "guidepost shows the image it names; a `type=\"complex\"` description stays as text"
    } else {
        "it names no `source`, so it is left as text"
    };
    Found {
        at,
        len: whole.len(),
        replacement,
        silent: false,
        message:
            "`:::image` is DocFX syntax: write a markdown image `![alt text](media/image.png)`"
                .into(),
        help: help.into(),
    }
}

/// Alt text as markdown text: characters with a meaning in link text escaped.
fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`' | '<' | '!') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `name="value"` pairs (also single quotes) of a DocFX marker.
fn attributes(text: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    let mut rest = text;
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq]
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("")
            .to_string();
        let after = &rest[eq + 1..];
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            rest = after;
            continue;
        };
        let Some(end) = after[1..].find(quote) else {
            break;
        };
        attrs.push((name, after[1..1 + end].to_string()));
        rest = &after[end + 2..];
    }
    attrs
}

/// `# [Windows](#tab/windows)`: a DocFX tab heading.
pub(super) fn docfx_tab_heading(rest: &str, at: usize) -> Option<Found> {
    let text = rest.trim_start_matches('#');
    if text.len() == rest.len() || !text.starts_with(' ') || !text.contains("](#tab/") {
        return None;
    }
    Some(Found {
        at,
        len: rest.trim_end().len(),
        replacement: None,
            silent: false,
        message: "`# [Label](#tab/…)` is DocFX tab syntax: write `::: variant ID` blocks when the tabs are admin consoles".into(),
        help: "otherwise write each tab as an ordinary heading".into(),
    })
}
