//! YAML front matter between `---` lines: splitting it off the markdown and parsing it.
//! serde_yaml is used only here, so that it can be swapped without touching other stages.

use super::unknown_keys::{unknown_keys_warning, KNOWN_KEYS};
use super::yaml_limits::{self, ProblemKind};
use crate::diag::Diagnostic;
use serde::Deserialize;
use std::path::Path;

/// The fields of SPEC §2. Unknown keys are reported as warnings by `parse`.
/// `Serialize` and the derived `Deserialize` also keep it in the persistent cache
/// (`persist::fronts`), which holds the skipped fields beside it.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(expecting = "a map of keys like `title: …`")]
pub struct FrontMatter {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    /// What MkDocs, Docusaurus, Hugo and DocFX call the summary: taken as `summary`
    /// when there is none (`parse` moves it there).
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub variants: Option<Vec<String>>,
    #[serde(default)]
    pub updated: Option<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub caveats: Vec<CaveatSpec>,
    /// Line in the markdown file of each top-level key, for later diagnostics.
    #[serde(skip)]
    pub key_lines: Vec<(String, usize)>,
    /// Line in the markdown file where each item of `caveats:` starts.
    #[serde(skip)]
    pub caveat_lines: Vec<usize>,
}

impl FrontMatter {
    /// The file line of a top-level key, or 1 when it is not there.
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, l)| *l)
            .unwrap_or(1)
    }
}

/// A caveat declared in front matter (SPEC §3.4).
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(
    deny_unknown_fields,
    expecting = "a caveat: a map with `text:` and optionally `step:`, `severity:`, `variants:`, `verified:`, `status:`, `source:`"
)]
pub struct CaveatSpec {
    pub text: String,
    #[serde(default)]
    pub step: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub variants: Option<Vec<String>>,
    #[serde(default)]
    pub verified: Option<String>,
    /// `candidate` (nobody has reviewed it yet: shown by `serve` only) or `accepted`
    /// (the default).
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub source: Option<CaveatSource>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(
    deny_unknown_fields,
    expecting = "a source: a map with `kind:`, `author:`, `date:` or `url:`"
)]
pub struct CaveatSource {
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// A markdown file cut into its front matter text and body, with the lines they start at.
pub struct Split<'a> {
    pub yaml: Option<&'a str>,
    /// 1-based line of the first YAML line.
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

/// Splits `---\n yaml \n---\n body`. An opening `---` without a closing one is an error.
pub fn split(text: &str) -> Result<Split<'_>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        return Ok(Split {
            yaml: None,
            yaml_line: 1,
            body: text,
            body_line: 1,
        });
    }
    let mut offset = first_line_end;
    for (i, line) in text[first_line_end..].split_inclusive('\n').enumerate() {
        let line_no = i + 2;
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Split {
                yaml: Some(&text[first_line_end..offset]),
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err("the front matter opened by `---` on line 1 is never closed".into())
}

/// Parses front matter YAML; `line` is where it starts in the markdown file, so that
/// errors point into the markdown file, not into the YAML fragment.
pub fn parse(
    yaml: &str,
    line: usize,
    file: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<FrontMatter> {
    if yaml.trim().is_empty() {
        return Some(FrontMatter::default());
    }
    if let Err(problem) = yaml_limits::check(yaml) {
        let place = (problem.line, problem.column);
        let (message, (l, c)) = match problem.kind {
            // The scan's parser found no YAML there: serde_yaml's message is the one
            // readers of libyaml's know; the scan's stands when serde_yaml disagrees.
            // Read as `IgnoredAny`, nothing is built and aliases are not followed.
            ProblemKind::Syntax => match serde_yaml::from_str::<serde::de::IgnoredAny>(yaml) {
                Err(e) => serde_message(&e),
                Ok(_) => (problem.message, place),
            },
            ProblemKind::Limit | ProblemKind::NotAMap => (problem.message, place),
        };
        // "front matter must be a map …" says where it is already.
        let message = match problem.kind {
            ProblemKind::NotAMap => message,
            _ => format!("front matter: {message}"),
        };
        diags.push(Diagnostic::error("front-matter", file, message).at(line + l - 1, c));
        return None;
    }
    let mut fm: FrontMatter = match serde_yaml::from_str(yaml) {
        Ok(fm) => fm,
        Err(e) => {
            let (message, (l, c)) = serde_message(&e);
            diags.push(
                Diagnostic::error("front-matter", file, format!("front matter: {message}"))
                    .at(line + l - 1, c),
            );
            return None;
        }
    };
    let keys = top_level_keys(yaml);
    let unknown: Vec<(&str, usize)> = keys
        .iter()
        .filter(|(key, _)| !KNOWN_KEYS.contains(key))
        .copied()
        .collect();
    if let Some(d) = unknown_keys_warning(&unknown, file) {
        diags.push(d.at(line + unknown[0].1 - 1, 1));
    }
    take_description(&mut fm, &keys, line, file, diags);
    fm.key_lines = keys
        .into_iter()
        .map(|(k, l)| (k.to_string(), line + l - 1))
        .collect();
    fm.caveat_lines = list_item_lines(yaml, "caveats")
        .into_iter()
        .map(|l| line + l - 1)
        .collect();
    check_dates(&fm, file, diags);
    Some(fm)
}

/// `description` (other tools' name for the summary) becomes the summary when there
/// is none; beside a `summary` it is ignored, with a warning.
fn take_description(
    fm: &mut FrontMatter,
    keys: &[(&str, usize)],
    line: usize,
    file: &Path,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(description) = fm.description.take() else {
        return;
    };
    if fm.summary.is_none() {
        fm.summary = Some(description);
        return;
    }
    let at = keys
        .iter()
        .find(|(k, _)| *k == "description")
        .map_or(1, |(_, l)| *l);
    diags.push(
        Diagnostic::warning(
            "front-matter",
            file,
            "front matter: both `summary` and `description`; `summary` is used",
        )
        .at(line + at - 1, 1)
        .help("`description` is another name for `summary`: keep one"),
    );
}

/// serde_yaml's message without its place in the fragment (the reader sees the
/// markdown file or the sidecar, so the caller places it), in the words of the front
/// matter rather than Rust's; and the place, 1-based in the fragment.
pub(super) fn serde_message(e: &serde_yaml::Error) -> (String, (usize, usize)) {
    let place = e
        .location()
        .map(|loc| (loc.line(), loc.column()))
        .unwrap_or((1, 1));
    let message = e.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message);
    (plain_type_names(message), place)
}

/// Rust type names that serde puts in messages, as a writer of front matter says them.
fn plain_type_names(message: &str) -> String {
    const NAMES: &[(&str, &str)] = &[
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected unit", "expected nothing"),
        ("unit value", "an empty value"),
        (" as u128", ""),
        (" as i128", ""),
        ("expected field identifier", "expected a key name"),
        ("unknown field", "unknown key"),
        ("missing field", "missing key"),
        ("duplicate field", "duplicate key"),
    ];
    NAMES.iter().fold(message.to_string(), |m, (rust, plain)| {
        m.replace(rust, plain)
    })
}

fn check_dates(fm: &FrontMatter, file: &Path, diags: &mut Vec<Diagnostic>) {
    if let Some(updated) = &fm.updated {
        if !is_iso_date(updated) {
            diags.push(
                Diagnostic::error(
                    "front-matter",
                    file,
                    format!(
                        "front matter: `updated` must be a date like 2024-02-01, not `{updated}`"
                    ),
                )
                .at(fm.line_of("updated"), 1),
            );
        }
    }
}

/// YAML text of a value, for front matter that guidepost writes itself (the
/// importers): quoting and block scalars are serde_yaml's, so what is written reads
/// back as the same strings.
pub fn to_yaml<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| e.to_string())
}

/// Top-level mapping keys with their 1-based lines. Indented lines, list items and
/// comments are not top-level keys, which is all that is needed to place a warning.
/// A key ends at the first `:` followed by a space or the end of the line, so
/// `cSpell:ignore: x` has the key `cSpell:ignore`.
fn top_level_keys(yaml: &str) -> Vec<(&str, usize)> {
    yaml.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with([' ', '\t', '-', '#']) && !l.trim().is_empty())
        .filter_map(|(i, l)| {
            let end = l
                .match_indices(':')
                .map(|(at, _)| at)
                .find(|&at| l[at + 1..].starts_with([' ', '\t']) || at + 1 == l.trim_end().len())?;
            let key = l[..end].trim().trim_matches(['"', '\'']);
            (!key.is_empty()).then_some((key, i + 1))
        })
        .collect()
}

/// 1-based lines of the items of a top-level block list (`key:` then `- …` lines).
fn list_item_lines(yaml: &str, key: &str) -> Vec<usize> {
    let mut lines = yaml.lines().enumerate();
    let in_key = lines.by_ref().find(|(_, l)| {
        l.split(':').next().is_some_and(|k| k.trim() == key) && !l.starts_with([' ', '\t'])
    });
    if in_key.is_none() {
        return Vec::new();
    }
    let mut item_indent = None;
    let mut out = Vec::new();
    for (i, l) in lines {
        let trimmed = l.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = l.len() - trimmed.len();
        if indent == 0 && !trimmed.starts_with('-') {
            break; // the next top-level key
        }
        let is_item = trimmed.starts_with("- ") || trimmed == "-";
        if is_item && *item_indent.get_or_insert(indent) == indent {
            out.push(i + 1);
        }
    }
    out
}

/// `YYYY-MM-DD` with a plausible month and day.
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    matches!((num(0..4), num(5..7), num(8..10)), (Some(_), Some(m), Some(d)) if (1..=12).contains(&m) && (1..=31).contains(&d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_front_matter() {
        let s = split("---\ntitle: A\n---\n# Body\n").unwrap();
        assert_eq!(s.yaml, Some("title: A\n"));
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 4);
        let s = split("# No front matter\n").unwrap();
        assert!(s.yaml.is_none());
        assert!(split("---\ntitle: A\n").is_err());
    }

    #[test]
    fn yaml_error_is_at_the_markdown_line() {
        let mut d = Vec::new();
        let fm = parse("title: A\nweight: [1\n", 2, Path::new("a.md"), &mut d);
        assert!(fm.is_none());
        assert_eq!(d.len(), 1);
        assert!(d[0].line >= 3, "line {}", d[0].line);
    }

    #[test]
    fn wrong_type_is_an_error_at_its_line() {
        let mut d = Vec::new();
        let fm = parse("title: A\nweight: heavy\n", 2, Path::new("a.md"), &mut d);
        assert!(fm.is_none());
        assert_eq!(d[0].line, 3);
        assert!(d[0].message.contains("weight"), "{}", d[0].message);
    }

    #[test]
    fn unknown_key_is_a_warning() {
        let mut d = Vec::new();
        let fm = parse("title: A\ncolour: red\n", 2, Path::new("a.md"), &mut d);
        assert!(fm.is_some());
        assert_eq!(d[0].severity, crate::diag::Severity::Warning);
        assert_eq!(d[0].line, 3);
    }

    #[test]
    fn unknown_keys_make_one_warning_per_file_naming_the_tool() {
        let mut d = Vec::new();
        let yaml =
            "title: A\nms.date: 10/24/2024\nauthor: x\nms.topic: article\nsearch.appverid: [a]\n";
        assert!(parse(yaml, 2, Path::new("a.md"), &mut d).is_some());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].line, d[0].column), (3, 1));
        assert_eq!(
            d[0].message,
            "front matter: 4 keys of DocFX / Microsoft Learn that guidepost does not use: `ms.date`, `author`, `ms.topic`, `search.appverid`"
        );
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("`ms.date` is `updated` here"),
            "{:?}",
            d[0].help
        );

        let mut d = Vec::new();
        let yaml = "title: A\nsidebar_position: 3\nslug: /x\n";
        parse(yaml, 2, Path::new("a.md"), &mut d).unwrap();
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.contains("2 keys of Docusaurus"),
            "{}",
            d[0].message
        );

        let mut d = Vec::new();
        parse(
            "title: A\ncSpell:ignore: foo\ncolour: red\n",
            2,
            Path::new("a.md"),
            &mut d,
        )
        .unwrap();
        assert_eq!(
            d[0].message,
            "front matter: unknown keys `cSpell:ignore`, `colour`"
        );
    }

    #[test]
    fn description_is_the_summary_of_other_tools() {
        let mut d = Vec::new();
        let fm = parse(
            "title: A\ndescription: Says what.\n",
            2,
            Path::new("a.md"),
            &mut d,
        )
        .unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(fm.summary.as_deref(), Some("Says what."));
        let fm = parse(
            "title: A\nsummary: Ours.\ndescription: Theirs.\n",
            2,
            Path::new("a.md"),
            &mut d,
        )
        .unwrap();
        assert_eq!(fm.summary.as_deref(), Some("Ours."));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 4);
        assert!(d[0].message.contains("both `summary` and `description`"));
    }

    #[test]
    fn columns_count_characters() {
        // serde_yaml's place: the second `:` is the 10th character, the 11th byte.
        let d = error_of("weight: é: b\n");
        assert_eq!((d.line, d.column), (2, 10), "{}", d.message);
        // The scan's place (saphyr-parser): the 65th `[` after two `é`.
        let deep = format!("x: [éé, {}{}]\n", "[".repeat(70), "]".repeat(70));
        let d = error_of(&deep);
        assert!(d.message.contains("nest deeper"), "{}", d.message);
        assert!(d.column > 8, "{}", d.column);
        let ascii = error_of(&deep.replace('é', "e"));
        assert_eq!((d.line, d.column), (ascii.line, ascii.column));
    }

    #[test]
    fn caveat_item_lines() {
        let yaml = "title: A\ncaveats:\n  - text: one\n    step: x\n  - text: two\n    variants:\n      - a\ntags: [b]\n";
        let mut d = Vec::new();
        let fm = parse(yaml, 2, Path::new("a.md"), &mut d).unwrap();
        assert_eq!(fm.caveat_lines, vec![4, 6]);
        assert_eq!(fm.caveats.len(), 2);
    }

    fn error_of(yaml: &str) -> Diagnostic {
        let mut d = Vec::new();
        let fm = parse(yaml, 2, Path::new("a.md"), &mut d);
        assert!(fm.is_none(), "{yaml:?} was accepted");
        assert_eq!(d.len(), 1, "{d:?}");
        d.remove(0)
    }

    #[test]
    fn front_matter_that_is_not_a_map() {
        for yaml in ["- a\n- b\n", "just a sentence\n", "~\n"] {
            let d = error_of(yaml);
            assert_eq!(
                d.message, "front matter must be a map of keys like `title: …`",
                "{yaml:?}"
            );
            assert_eq!(d.line, 2);
        }
    }

    #[test]
    fn messages_name_no_rust_types() {
        for (yaml, words, line) in [
            ("weight: heavy\n", "expected a whole number", 2),
            (
                "weight: 99999999999999999999\n",
                "expected a whole number",
                2,
            ),
            ("caveats: [a]\n", "expected a caveat: a map with `text:`", 2),
            (
                "caveats:\n  - text: x\n    source: y\n",
                "expected a source: a map",
                4,
            ),
            ("caveats:\n  - text: x\n    by: me\n", "unknown key `by`", 4),
            ("caveats:\n  - step: x\n", "missing key `text`", 3),
            ("tags: ~\n", "an empty value, expected a sequence", 2),
        ] {
            let d = error_of(yaml);
            assert!(d.message.contains(words), "{yaml:?}: {}", d.message);
            assert_eq!(d.line, line, "{yaml:?}");
            for rust in ["struct", "i64", "u128", "unit", "field"] {
                assert!(!d.message.contains(rust), "{yaml:?}: {}", d.message);
            }
        }
    }

    #[test]
    fn aliases_that_expand_too_far_are_an_error_at_their_line() {
        let mut yaml =
            String::from("title: A\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..9 {
            let refs = vec![format!("*l{}", i - 1); 9].join(", ");
            yaml.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
        }
        yaml.push_str("tags: *l8\n");
        let started = std::time::Instant::now();
        let d = error_of(&yaml);
        assert!(d.message.contains("aliases expand"), "{}", d.message);
        assert_eq!(d.line, 2 + 6, "{}", d.message);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn deep_nesting_is_an_error_found_fast() {
        let deep = format!(
            "title: A\ntags: {}{}\n",
            "[".repeat(40_000),
            "]".repeat(40_000)
        );
        let started = std::time::Instant::now();
        let d = error_of(&deep);
        assert!(d.message.contains("nest deeper than 64"), "{}", d.message);
        assert_eq!(d.line, 3);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn dates() {
        assert!(is_iso_date("2013-05-02"));
        assert!(!is_iso_date("2013-13-02"));
        assert!(!is_iso_date("May 2"));
    }
}
