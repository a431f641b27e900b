//! The careful front-matter editor: adds caveats to a markdown file's `caveats:`
//! list and keeps every other byte of the file as it was (comments, key order,
//! quoting, the body). Importers write into a site's sources only through here.
//!
//! The YAML is edited as text, where the list is, and the result is parsed again: an
//! edit that would not read back as the old caveats plus the new ones is refused, so
//! a file is never left changed in a way its author did not write.

use super::frontmatter::{self, CaveatSpec};
use serde::Serialize;
use std::path::Path;

/// `text` with `caveats` appended to its front matter's `caveats:` list (created,
/// with the front matter, when missing). `Err` says why the file cannot be edited.
pub fn append_caveats<T: Serialize>(text: &str, caveats: &[T]) -> Result<String, String> {
    if caveats.is_empty() {
        return Ok(text.to_string());
    }
    let (bom, rest) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let split = frontmatter::split(rest)?;
    let edited = match split.yaml {
        None => {
            let list = block_items(caveats, 2)?;
            format!("{bom}---\ncaveats:\n{list}---\n{rest}")
        }
        Some(yaml) => {
            let start = yaml.as_ptr() as usize - rest.as_ptr() as usize;
            let new_yaml = append_to_yaml(yaml, caveats)?;
            format!(
                "{bom}{}{new_yaml}{}",
                &rest[..start],
                &rest[start + yaml.len()..]
            )
        }
    };
    check_reads_back(text, &edited, caveats.len())?;
    Ok(edited)
}

/// The front matter text with the caveats added where its `caveats:` list is.
fn append_to_yaml<T: Serialize>(yaml: &str, caveats: &[T]) -> Result<String, String> {
    let lines: Vec<&str> = yaml.split_inclusive('\n').collect();
    let Some(key) = lines.iter().position(|l| is_top_level_key(l, "caveats")) else {
        let mut out = yaml.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("caveats:\n");
        out.push_str(&block_items(caveats, 2)?);
        return Ok(out);
    };
    let value = lines[key]
        .split_once(':')
        .map_or("", |(_, v)| strip_comment(v).trim());
    if value.starts_with('[') {
        return append_to_flow_list(yaml, &lines, key, caveats);
    }
    if !value.is_empty() {
        return Err(format!(
            "its `caveats:` is `{value}`, not a list this importer can add to"
        ));
    }
    // A block list: its items are the indented (or `-`) lines after the key.
    let mut last = key;
    let mut indent = None;
    for (i, line) in lines.iter().enumerate().skip(key + 1) {
        let trimmed = line.trim_start();
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let this_indent = line.len() - trimmed.len();
        if this_indent == 0 && !trimmed.starts_with('-') {
            break; // the next top-level key
        }
        if trimmed.starts_with('-') && indent.is_none() {
            indent = Some(this_indent);
        }
        last = i;
    }
    let list = block_items(caveats, indent.unwrap_or(2))?;
    let mut out: String = lines[..=last].concat();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&list);
    out.push_str(&lines[last + 1..].concat());
    Ok(out)
}

/// Adds the caveats inside the brackets of `caveats: [ … ]` (on one or more lines),
/// as flow mappings.
fn append_to_flow_list<T: Serialize>(
    yaml: &str,
    lines: &[&str],
    key: usize,
    caveats: &[T],
) -> Result<String, String> {
    let start: usize = lines[..key].iter().map(|l| l.len()).sum();
    let open = start + lines[key].find('[').ok_or("no `[` after `caveats:`")?;
    let close = matching_bracket(yaml, open).ok_or("its `caveats: [` list is never closed")?;
    let inside = yaml[open + 1..close].trim();
    let items: Vec<String> = caveats
        .iter()
        .map(|c| serde_json::to_string(c).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    // JSON objects are YAML flow mappings, with every string quoted.
    let joined = items.join(", ");
    let insert = if inside.is_empty() {
        joined
    } else {
        format!(", {joined}")
    };
    // Insert right after the last item, before any spaces or newline before `]`.
    let at = open + 1 + yaml[open + 1..close].trim_end().len();
    Ok(format!("{}{insert}{}", &yaml[..at], &yaml[at..]))
}

/// The index of the `]` that closes the `[` at `open`, skipping quoted strings.
fn matching_bracket(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut chars = text[open..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The caveats as block list items (`- text: …`), indented by `indent` spaces.
fn block_items<T: Serialize>(caveats: &[T], indent: usize) -> Result<String, String> {
    let yaml = serde_yaml::to_string(caveats).map_err(|e| e.to_string())?;
    let pad = " ".repeat(indent);
    Ok(yaml
        .lines()
        .map(|l| format!("{pad}{l}\n"))
        .collect::<String>())
}

fn is_top_level_key(line: &str, key: &str) -> bool {
    !line.starts_with([' ', '\t', '#', '-'])
        && line
            .split_once(':')
            .is_some_and(|(k, _)| k.trim().trim_matches(['"', '\'']) == key)
}

/// A value without a trailing ` # comment` (outside quotes it is a comment in YAML).
fn strip_comment(value: &str) -> &str {
    match value.find(" #") {
        Some(i) if !value[..i].contains(['"', '\'']) => &value[..i],
        _ => value,
    }
}

/// Refuses an edit that does not read back as the old caveats plus `added` new ones,
/// with the rest of the front matter unchanged.
fn check_reads_back(old: &str, new: &str, added: usize) -> Result<(), String> {
    let read = |text: &str| -> Result<(Vec<CaveatSpec>, String), String> {
        let split = frontmatter::split(text.strip_prefix('\u{feff}').unwrap_or(text))?;
        let mut diags = Vec::new();
        let front = match split.yaml {
            Some(yaml) => frontmatter::parse(yaml, split.yaml_line, Path::new("edit"), &mut diags),
            None => Some(Default::default()),
        };
        let front = front.ok_or_else(|| {
            diags
                .first()
                .map_or("its front matter cannot be read".to_string(), |d| {
                    format!("its front matter cannot be read: {}", d.message)
                })
        })?;
        Ok((front.caveats, split.body.to_string()))
    };
    let (old_caveats, old_body) = read(old)?;
    let (new_caveats, new_body) =
        read(new).map_err(|e| format!("the edited file would not read back ({e})"))?;
    let kept = new_caveats.len() == old_caveats.len() + added
        && new_caveats[..old_caveats.len()] == old_caveats[..];
    if !kept || old_body != new_body {
        return Err("the edit would change more than the caveats list".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct New<'a> {
        text: &'a str,
        step: &'a str,
        status: &'a str,
    }

    fn one() -> Vec<New<'static>> {
        vec![New {
            text: "Syndicated: \"tenants\" # cannot change",
            step: "step-2",
            status: "candidate",
        }]
    }

    fn caveats_of(text: &str) -> Vec<CaveatSpec> {
        let split = frontmatter::split(text).unwrap();
        let mut d = Vec::new();
        frontmatter::parse(split.yaml.unwrap(), 2, Path::new("t"), &mut d)
            .unwrap()
            .caveats
    }

    #[test]
    fn appends_to_a_block_list_keeping_every_other_byte() {
        let text = "---\n# the guide\ntitle: T   # its title\ncaveats:\n    - text: Old one.\n      step: a\n    # trailing comment\ntags: [x]\n---\nBody.\n";
        let out = append_caveats(text, &one()).unwrap();
        assert_eq!(
            out,
            "---\n# the guide\ntitle: T   # its title\ncaveats:\n    - text: Old one.\n      step: a\n    - text: 'Syndicated: \"tenants\" # cannot change'\n      step: step-2\n      status: candidate\n    # trailing comment\ntags: [x]\n---\nBody.\n"
        );
        let caveats = caveats_of(&out);
        assert_eq!(caveats.len(), 2);
        assert_eq!(caveats[1].text, "Syndicated: \"tenants\" # cannot change");
    }

    #[test]
    fn appends_to_a_flow_list_and_creates_missing_lists() {
        let text = "---\ntitle: T\ncaveats: [{text: Old}]  # flow\n---\nBody.\n";
        let out = append_caveats(text, &one()).unwrap();
        assert!(
            out.starts_with("---\ntitle: T\ncaveats: [{text: Old}, {\"text\":"),
            "{out}"
        );
        assert!(out.ends_with("}]  # flow\n---\nBody.\n"), "{out}");
        assert_eq!(caveats_of(&out).len(), 2);

        let out = append_caveats("---\ntitle: T\ncaveats: []\n---\nB\n", &one()).unwrap();
        assert_eq!(caveats_of(&out).len(), 1);

        let out = append_caveats("---\ntitle: T\n---\nBody.\n", &one()).unwrap();
        assert!(
            out.starts_with("---\ntitle: T\ncaveats:\n  - text:"),
            "{out}"
        );
        assert!(out.ends_with("---\nBody.\n"));

        let out = append_caveats("# Title\n\nBody.\n", &one()).unwrap();
        assert!(out.starts_with("---\ncaveats:\n  - text:"), "{out}");
        assert!(out.ends_with("---\n# Title\n\nBody.\n"), "{out}");
    }

    #[test]
    fn refuses_what_it_cannot_edit_safely() {
        assert!(append_caveats("---\ncaveats: nope\n---\n", &one()).is_err());
        assert!(append_caveats("---\ntitle: [unclosed\n---\n", &one()).is_err());
        assert!(append_caveats("---\ncaveats: [{text: a}\n---\n", &one()).is_err());
    }
}
