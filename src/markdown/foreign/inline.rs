//! Constructs of other tools that may sit anywhere in a line: DocFX's `[!INCLUDE …]`
//! and inline `:::image`, MkDocs snippets and markdown-include's `{!file!}`, MkDocs
//! Material icons, Hugo shortcodes. `scan_line` (in `mod.rs`) gathers them with the
//! whole-line markers.

use super::{bracket_end, docfx_image, Found};

/// Constructs that may sit anywhere in a line: `[!INCLUDE …]`, snippets, Hugo
/// shortcodes, MkDocs icons. Each search is made only when the line holds the construct's first two
/// characters: most lines that get here hold a link, and a lowercase copy and six
/// searches for each were 1% of a cold build.
pub(super) fn inline_constructs(line: &str) -> Vec<Found> {
    let mut found = Vec::new();
    // `:::image …:::` in a sentence (DocFX icons); one at the start of the line is
    // `docfx_line`'s, and the same match there wins.
    if line.contains("::") {
        for (at, _) in line.match_indices(":::image ") {
            if at > 0 {
                found.push(docfx_image(&line[at..], at, false));
            }
        }
    }
    if line.contains("[!") {
        include_markers(line, &mut found);
    }
    if line.contains("8<") {
        snippet_marker(line, &mut found);
    }
    if line.contains("{!") {
        markdown_includes(line, &mut found);
    }
    if line.contains(':') {
        found.extend(mkdocs_icons(line));
    }
    if line.contains("{{") {
        for open in ["{{<", "{{%"] {
            for (at, _) in line.match_indices(open) {
                if let Some(f) = hugo_shortcode(line, at, open) {
                    found.push(f);
                }
            }
        }
    }
    found
}

/// DocFX's `[!INCLUDE …]`, in any case.
fn include_markers(line: &str, found: &mut Vec<Found>) {
    let lower = line.to_ascii_lowercase();
    for (at, _) in lower.match_indices("[!include") {
        let len = bracket_end(&line[at..]).unwrap_or(line.len() - at);
        found.push(Found {
            at,
            len,
            replacement: Some(String::new()),
            silent: false,
            message: "`[!INCLUDE …]` is DocFX syntax: write `::: include _file.md`".into(),
            help: "on a line of its own, naming a partial whose file name starts with `_`; the marker is left out of the page".into(),
        });
    }
}

/// MkDocs' snippet marker `--8<--`.
fn snippet_marker(line: &str, found: &mut Vec<Found>) {
    if let Some(at) = line.find("--8<--") {
        found.push(Found {
            at,
            len: line.len() - at,
            replacement: None,
            silent: false,
            message: "`--8<--` is MkDocs snippet syntax: write `::: include _file.md`".into(),
            help: "on a line of its own, naming a partial whose file name starts with `_`".into(),
        });
    }
}

/// markdown-include's `{!file!}`.
fn markdown_includes(line: &str, found: &mut Vec<Found>) {
    for (at, _) in line.match_indices("{!") {
        if let Some(end) = line[at..].find("!}").filter(|e| *e > 2) {
            found.push(Found {
                at,
                len: end + 2,
                replacement: None,
                silent: false,
                message:
                    "`{!file!}` is markdown-include syntax (MkDocs): write `::: include _file.md`"
                        .into(),
                help: "on a line of its own, naming a partial whose file name starts with `_`"
                    .into(),
            });
        }
    }
}

/// The icon sets of MkDocs Material's icon shortcodes (`:material-check:`).
const MKDOCS_ICON_SETS: [&str; 4] = ["material-", "octicons-", "fontawesome-", "simple-"];

/// MkDocs Material icon shortcodes (`:material-check:`, `:octicons-file-code-16:`,
/// `:fontawesome-brands-github:`): one warning each. Only those icon sets: emoji
/// shortcodes (`:smile:`) and times (`10:30:00`) are left alone.
pub fn mkdocs_icons(line: &str) -> Vec<Found> {
    let mut found = Vec::new();
    for (at, _) in line.match_indices(':') {
        let rest = &line[at + 1..];
        let Some(set) = MKDOCS_ICON_SETS.iter().find(|s| rest.starts_with(*s)) else {
            continue;
        };
        let name_len = rest[set.len()..]
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
            .unwrap_or(rest.len() - set.len());
        let name = &rest[..set.len() + name_len];
        let closed = rest[name.len()..].starts_with(':');
        if name_len == 0 || !closed || name.ends_with('-') {
            continue;
        }
        found.push(Found {
            at,
            len: name.len() + 2,
            replacement: None,
            silent: false,
            message: format!(
                "`:{name}:` is an MkDocs Material icon: write an inline image `![{}](icons/{}.svg)`",
                name[set.len()..].replace('-', " "),
                &name[set.len()..]
            ),
            help: "with the icon's file saved beside the page; guidepost shows the shortcode as text".into(),
        });
    }
    found
}

/// `{{< name … >}}` / `{{% name … %}}`: one warning per shortcode, none for its
/// closing tag (`{{< /name >}}`).
fn hugo_shortcode(line: &str, at: usize, open: &str) -> Option<Found> {
    let inner = line[at + open.len()..].trim_start();
    let inner = inner.strip_prefix("/*").unwrap_or(inner); // `{{</* x */>}}` shows code
    if inner.starts_with('/') {
        return None;
    }
    let name: String = inner
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/'))
        .collect();
    if name.is_empty() {
        return None;
    }
    let close = if open == "{{<" { ">}}" } else { "%}}" };
    let len = line[at..]
        .find(close)
        .map_or(line.len() - at, |e| e + close.len());
    let equivalent = match name.as_str() {
        "alert" | "note" | "notice" | "warning" | "callout" | "pageinfo" | "hint" => {
            "a callout `> [!NOTE]`"
        }
        "tabpane" | "tab" | "tabs" => "`::: variant ID` blocks when the tabs are admin consoles",
        "readfile" | "include" => "`::: include _file.md`",
        "figure" | "imgproc" | "img" | "image" => "a markdown image `![alt text](image.png)`",
        "ref" | "relref" => "a relative link to the guide's `.md` file",
        "highlight" | "code" => "a fenced code block",
        "youtube" | "vimeo" | "video" => "a link to the video",
        _ => "plain markdown (guidepost has no shortcodes)",
    };
    Some(Found {
        at,
        len,
        replacement: None,
        silent: false,
        message: format!("`{open} {name} …` is a Hugo shortcode: write {equivalent}"),
        help: "guidepost shows the shortcode as text".into(),
    })
}
