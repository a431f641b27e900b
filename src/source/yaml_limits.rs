//! Checks of front matter YAML before serde_yaml reads it, on the YAML's events
//! (saphyr-parser): how deep collections nest and how much aliases expand to.
//!
//! serde_yaml builds values from the whole event list: a small text can stand for a
//! huge value through aliases of aliases ("billion laughs"), and libyaml slows down
//! with the square of the flow nesting depth. The scan stops at the first event past a
//! limit, so it takes time linear in the text whatever the text holds.

use saphyr_parser::{Event, Parser, Span};
use std::collections::HashMap;

/// How deep sequences and mappings may nest. Front matter needs three or four levels
/// (`caveats:` → item → `source:` → field).
pub const MAX_YAML_DEPTH: usize = 64;

/// How much all aliases of a front matter may expand to, in nodes plus bytes of
/// scalar text: an alias costs what the node it names costs, aliases inside it
/// included. Front matter that reuses a source or a list a few times stays far below.
pub const MAX_ALIAS_EXPANSION: u64 = 1_000_000;

/// A problem found by the scan, at a 1-based line and column (in characters) of the
/// YAML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub message: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The text is not YAML (the parser's message).
    Syntax,
    /// The text is YAML past one of the limits above.
    Limit,
    /// The top-level value is not a mapping.
    NotAMap,
}

/// A collection being read: the anchor it defines and what it has cost so far.
struct Open {
    anchor: usize,
    cost: u64,
}

/// Scans `yaml` against the limits; Ok when serde_yaml may read it.
pub fn check(yaml: &str) -> Result<(), Problem> {
    let mut parser = Parser::new_from_str(yaml);
    let mut open: Vec<Open> = Vec::new();
    // The cost of each anchored node once it is complete; anchors of collections still
    // open are absent, so an alias inside the node it names is caught.
    let mut anchors: HashMap<usize, u64> = HashMap::new();
    let mut open_anchors: Vec<usize> = Vec::new();
    let mut expanded: u64 = 0;
    let mut root_seen = false;
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| scan_error(&e))?;
        let is_root = open.is_empty() && !root_seen;
        match event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if is_root && !matches!(event, Event::MappingStart(..)) {
                    return Err(not_a_map(&span));
                }
                root_seen = true;
                if open.len() >= MAX_YAML_DEPTH {
                    return Err(limit(&span, depth_message()));
                }
                if anchor != 0 {
                    open_anchors.push(anchor);
                }
                open.push(Open { anchor, cost: 1 });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(done) = open.pop() {
                    if done.anchor != 0 {
                        open_anchors.retain(|a| *a != done.anchor);
                        anchors.insert(done.anchor, done.cost);
                    }
                    add_cost(&mut open, done.cost);
                }
            }
            Event::Scalar(text, _, anchor, _) => {
                if is_root {
                    return Err(not_a_map(&span));
                }
                let cost = 1 + text.len() as u64;
                if anchor != 0 {
                    anchors.insert(anchor, cost);
                }
                add_cost(&mut open, cost);
            }
            Event::Alias(anchor) => {
                if is_root {
                    return Err(not_a_map(&span));
                }
                if open_anchors.contains(&anchor) {
                    return Err(limit(
                        &span,
                        "this alias stands for a value that contains it".to_string(),
                    ));
                }
                let cost = anchors.get(&anchor).copied().unwrap_or(1);
                expanded = expanded.saturating_add(cost);
                if expanded > MAX_ALIAS_EXPANSION {
                    return Err(limit(
                        &span,
                        format!(
                            "aliases expand to more than {MAX_ALIAS_EXPANSION} values and characters"
                        ),
                    ));
                }
                add_cost(&mut open, cost);
            }
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => {}
        }
    }
    Ok(())
}

/// The parser's error; its own nesting limit (255 flow levels, reached while it looks
/// ahead for keys) is reported as ours.
fn scan_error(e: &saphyr_parser::ScanError) -> Problem {
    let (kind, message) = if e.info() == "recursion limit exceeded" {
        (ProblemKind::Limit, depth_message())
    } else {
        (ProblemKind::Syntax, e.info().to_string())
    };
    Problem {
        kind,
        message,
        line: e.marker().line(),
        column: e.marker().col() + 1,
    }
}

fn depth_message() -> String {
    format!("values nest deeper than {MAX_YAML_DEPTH} levels")
}

fn add_cost(open: &mut [Open], cost: u64) {
    if let Some(parent) = open.last_mut() {
        parent.cost = parent.cost.saturating_add(cost);
    }
}

fn limit(span: &Span, message: String) -> Problem {
    Problem {
        kind: ProblemKind::Limit,
        message,
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

fn not_a_map(span: &Span) -> Problem {
    Problem {
        kind: ProblemKind::NotAMap,
        message: "front matter must be a map of keys like `title: …`".to_string(),
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laughs(levels: usize) -> String {
        let mut yaml = String::from("title: A\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..levels {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            yaml.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        yaml
    }

    #[test]
    fn ordinary_front_matter_passes() {
        let yaml = "title: A\ntags: [a, b]\ncaveats:\n  - text: x\n    source: &s {kind: comment}\n  - text: y\n    source: *s\n";
        assert_eq!(check(yaml), Ok(()));
        assert_eq!(check(&laughs(4)), Ok(()));
    }

    #[test]
    fn billion_laughs_stop_at_the_alias_past_the_limit() {
        let p = check(&laughs(10)).unwrap_err();
        assert_eq!(p.kind, ProblemKind::Limit);
        assert!(p.message.contains("aliases expand"), "{}", p.message);
        // a1 to a4 expand to 234,540; a4 costs 211,111: the fourth alias to it, on
        // a5's line, passes the limit.
        assert_eq!((p.line, p.column), (7, 25));
    }

    #[test]
    fn one_long_string_aliased_many_times() {
        let long = "x".repeat(100_000);
        let yaml = format!("title: &t {long}\ntags: [{}]\n", vec!["*t"; 20].join(", "));
        let p = check(&yaml).unwrap_err();
        assert_eq!((p.kind, p.line), (ProblemKind::Limit, 2));
    }

    #[test]
    fn deep_nesting_stops_at_the_limit() {
        let deep = format!(
            "title: A\ntags: {}{}\n",
            "[".repeat(40_000),
            "]".repeat(40_000)
        );
        let p = check(&deep).unwrap_err();
        assert_eq!((p.kind, p.line), (ProblemKind::Limit, 2), "{p:?}");
        assert!(p.message.contains("nest deeper"), "{}", p.message);
        let maps = format!("x: {}1{}\n", "{a: ".repeat(40_000), "}".repeat(40_000));
        let p = check(&maps).unwrap_err();
        assert_eq!((p.kind, p.line), (ProblemKind::Limit, 1), "{p:?}");
        let block = format!("x:\n{}a\n", "- ".repeat(40_000));
        let p = check(&block).unwrap_err();
        assert_eq!(
            (p.kind, p.line, p.column),
            (ProblemKind::Limit, 2, 2 * MAX_YAML_DEPTH - 1),
            "{p:?}"
        );
        let ok = format!("x: {}1{}\n", "[".repeat(60), "]".repeat(60));
        assert_eq!(check(&ok), Ok(()));
    }

    #[test]
    fn recursive_alias() {
        let p = check("a: &a [x, *a]\n").unwrap_err();
        assert_eq!((p.kind, p.line, p.column), (ProblemKind::Limit, 1, 11));
    }

    #[test]
    fn root_must_be_a_map() {
        for yaml in ["- a\n- b\n", "just text\n", "[a]\n"] {
            let p = check(yaml).unwrap_err();
            assert_eq!((p.kind, p.line), (ProblemKind::NotAMap, 1), "{yaml}");
        }
    }

    #[test]
    fn syntax_errors_are_located() {
        let p = check("title: A\nweight: [1\n").unwrap_err();
        assert_eq!((p.kind, p.line), (ProblemKind::Syntax, 3));
    }
}
