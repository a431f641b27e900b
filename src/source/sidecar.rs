//! Screenshot sidecars: `NAME.EXT.yaml` beside a screenshot holds the marks drawn over
//! it and the regions redacted from its published copy (SPEC §3.2):
//!
//! ```yaml
//! marks:
//!   - box: [24, 310, 180, 40]   # x, y, width, height in the image's own pixels
//!     text: Licensing
//! redact:
//!   - [600, 20, 180, 30]
//! ```
//!
//! The YAML is read as front matter is (serde_yaml, whose messages and places the
//! reader already knows from front matter); what serde cannot check (a box's four
//! numbers, sizes, the image's bounds, unknown top-level keys) is checked here, at the
//! place in the sidecar that the YAML's events give (saphyr-parser spans).

use super::frontmatter::serde_message;
use super::yaml_limits::{self, ProblemKind};
use crate::diag::Diagnostic;
use saphyr_parser::{Event, Parser, Span};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// The diagnostic code of every problem in a sidecar.
pub const CODE: &str = "sidecar";

/// The top-level keys a sidecar may have.
const KEYS: &[&str] = &["marks", "redact"];

/// How deep a sidecar's values may nest: it needs three levels (`marks` → item →
/// `box`). `yaml_limits` stops deeper nesting first (at 64); this bounds the scan of
/// places on its own.
const MAX_DEPTH: usize = 64;

/// How long a sidecar may be. A sidecar with a thousand marks is a few tens of KB.
pub const MAX_BYTES: u64 = 256 * 1024;

/// A rectangle in the image's own pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

/// A place in the sidecar, 1-based line and column (in characters).
pub type Place = (usize, usize);

/// A numbered box drawn over the image, with its legend text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub rect: Rect,
    pub text: String,
    /// Where its `box` is written.
    pub place: Place,
}

/// A region filled in the published copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub rect: Rect,
    pub place: Place,
}

/// A parsed sidecar; `check` tells whether it fits its image.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sidecar {
    pub marks: Vec<Mark>,
    pub redact: Vec<Region>,
    /// Where `redact:` is written (for "an svg cannot be redacted").
    pub redact_place: Place,
}

#[derive(Deserialize)]
#[serde(expecting = "a map with `marks:` and `redact:`")]
struct RawSidecar {
    #[serde(default)]
    marks: Vec<RawMark>,
    #[serde(default)]
    redact: Vec<Vec<i64>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mark: a map with `box: [x, y, width, height]` and `text:`"
)]
struct RawMark {
    #[serde(rename = "box")]
    rect: Vec<i64>,
    text: String,
}

/// Parses the sidecar `text` of the file `file` (for diagnostics). Every problem is
/// an error at its line: a sidecar that is not understood must not be half applied
/// (a redaction left out would publish what it was meant to hide).
pub fn parse(text: &str, file: &Path) -> Result<Sidecar, Vec<Diagnostic>> {
    let error = |message: String, (line, column): Place| {
        Diagnostic::error(CODE, file, format!("sidecar: {message}")).at(line, column)
    };
    if text.trim().is_empty() {
        return Ok(Sidecar::default());
    }
    // The same limits as front matter (nesting, aliases that expand too far) before
    // serde_yaml builds anything.
    if let Err(problem) = yaml_limits::check(text) {
        let message = match problem.kind {
            ProblemKind::NotAMap => "a sidecar must be a map with `marks:` and `redact:`".into(),
            ProblemKind::Syntax | ProblemKind::Limit => problem.message,
        };
        return Err(vec![error(message, (problem.line, problem.column))]);
    }
    let places = Places::scan(text).map_err(|(m, p)| vec![error(m, p)])?;
    if !places.values.contains_key("") {
        return Ok(Sidecar::default()); // comments only
    }
    let raw: RawSidecar = serde_yaml::from_str(text).map_err(|e| {
        let (message, place) = serde_message(&e);
        vec![error(message, place)]
    })?;
    let mut diags: Vec<Diagnostic> = places
        .top_keys
        .iter()
        .filter(|(key, _)| !KEYS.contains(&key.as_str()))
        .map(|(key, place)| {
            error(format!("unknown key `{key}`"), *place)
                .help("a sidecar has `marks:` and `redact:`")
        })
        .collect();
    let mut sidecar = Sidecar {
        redact_place: places.at("redact"),
        ..Sidecar::default()
    };
    for (i, m) in raw.marks.into_iter().enumerate() {
        let path = format!("marks[{i}].box");
        let rect = rect(&m.rect, &path, &places).map_err(|(msg, p)| error(msg, p));
        if m.text.trim().is_empty() {
            diags.push(
                error(
                    "a mark needs a `text:` for its legend line".into(),
                    places.at(&format!("marks[{i}]")),
                )
                .help("the text is what screen readers and the legend say for the mark"),
            );
        }
        match rect {
            Ok(rect) => sidecar.marks.push(Mark {
                rect,
                text: m.text.trim().to_string(),
                place: places.at(&path),
            }),
            Err(d) => diags.push(d),
        }
    }
    for (i, r) in raw.redact.iter().enumerate() {
        let path = format!("redact[{i}]");
        match rect(r, &path, &places) {
            Ok(rect) => sidecar.redact.push(Region {
                rect,
                place: places.at(&path),
            }),
            Err((msg, p)) => diags.push(error(msg, p)),
        }
    }
    if diags.is_empty() {
        Ok(sidecar)
    } else {
        Err(diags)
    }
}

impl Sidecar {
    /// The problems of applying this sidecar to an image of `width` × `height`
    /// (`svg`: an svg, which cannot be redacted); `file` is the sidecar, for the
    /// diagnostics.
    pub fn check(&self, file: &Path, width: u32, height: u32, svg: bool) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let outside = |what: &str, r: &Rect, (line, column): Place| {
            Diagnostic::error(
                CODE,
                file,
                format!(
                    "sidecar: this {what} [{}, {}, {}, {}] reaches past the image, which is {width} × {height} pixels",
                    r.x, r.y, r.w, r.h
                ),
            )
            .at(line, column)
            .help("x + width must be at most the image's width, y + height at most its height")
        };
        let fits = |r: &Rect| {
            u64::from(r.x) + u64::from(r.w) <= u64::from(width)
                && u64::from(r.y) + u64::from(r.h) <= u64::from(height)
        };
        for m in &self.marks {
            if !fits(&m.rect) {
                diags.push(outside("box", &m.rect, m.place));
            }
        }
        if svg && !self.redact.is_empty() {
            let (line, column) = self.redact_place;
            diags.push(
                Diagnostic::error(
                    CODE,
                    file,
                    "sidecar: an svg cannot be redacted: its text stays in the file under any cover",
                )
                .at(line, column)
                .help("export the screenshot as png, or remove the text from the svg itself"),
            );
        }
        for r in &self.redact {
            if !fits(&r.rect) {
                diags.push(outside("region", &r.rect, r.place));
            }
        }
        diags
    }
}

/// A box or region from its four numbers, or the problem and where it is.
fn rect(numbers: &[i64], path: &str, places: &Places) -> Result<Rect, (String, Place)> {
    let [x, y, w, h] = numbers else {
        return Err((
            format!(
                "a box is four numbers [x, y, width, height], not {}",
                numbers.len()
            ),
            places.at(path),
        ));
    };
    let at = |k: usize| places.at(&format!("{path}[{k}]"));
    let pixel = |v: i64, k: usize, what: &str| -> Result<u32, (String, Place)> {
        u32::try_from(v).map_err(|_| {
            (
                format!("{what} must be a whole number of pixels from 0 up, not {v}"),
                at(k),
            )
        })
    };
    let size = |v: i64, k: usize, what: &str| -> Result<u32, (String, Place)> {
        match u32::try_from(v) {
            Ok(n) if n > 0 => Ok(n),
            _ => Err((
                format!("the {what} must be a whole number of pixels above 0, not {v}"),
                at(k),
            )),
        }
    };
    Ok(Rect {
        x: pixel(*x, 0, "x")?,
        y: pixel(*y, 1, "y")?,
        w: size(*w, 2, "width")?,
        h: size(*h, 3, "height")?,
    })
}

/// Where each value and each top-level key of the YAML is written, by path
/// (`marks[1].box[2]`), from the parser's events.
struct Places {
    values: HashMap<String, Place>,
    top_keys: Vec<(String, Place)>,
}

/// A collection being read while scanning: its path, and for a mapping the key whose
/// value comes next (None: a key comes next).
enum Open {
    Seq { path: String, next: usize },
    Map { path: String, key: Option<String> },
}

impl Places {
    /// The place of the value at `path`, else of the nearest enclosing value that has
    /// one (a value missing from the YAML is reported at its parent).
    fn at(&self, path: &str) -> Place {
        let mut p = path;
        loop {
            if let Some(place) = self.values.get(p) {
                return *place;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return self.values.get("").copied().unwrap_or((1, 1)),
            }
        }
    }

    fn scan(yaml: &str) -> Result<Places, (String, Place)> {
        let mut places = Places {
            values: HashMap::new(),
            top_keys: Vec::new(),
        };
        let mut open: Vec<Open> = Vec::new();
        let mut parser = Parser::new_from_str(yaml);
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|e| {
                // The parser's own limit on flow nesting, in the words of ours.
                let message = match e.info() {
                    "recursion limit exceeded" => depth_message(),
                    info => info.to_string(),
                };
                (message, (e.marker().line(), e.marker().col() + 1))
            })?;
            let place = place_of(&span);
            match event {
                Event::Scalar(text, ..) => {
                    if let Some(Open::Map {
                        key: key @ None,
                        path,
                    }) = open.last_mut()
                    {
                        if path.is_empty() {
                            places.top_keys.push((text.to_string(), place));
                        }
                        *key = Some(text.into_owned());
                        continue;
                    }
                    let path = child_path(&mut open);
                    places.values.insert(path, place);
                }
                Event::Alias(_) => {
                    let path = child_path(&mut open);
                    places.values.insert(path, place);
                }
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    if open.len() >= MAX_DEPTH {
                        return Err((depth_message(), place));
                    }
                    if let Some(Open::Map { key: None, .. }) = open.last() {
                        return Err(("a key must be a plain name".into(), place));
                    }
                    let path = child_path(&mut open);
                    places.values.insert(path.clone(), place);
                    open.push(if matches!(event, Event::SequenceStart(..)) {
                        Open::Seq { path, next: 0 }
                    } else {
                        Open::Map { path, key: None }
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    open.pop();
                }
                _ => {}
            }
        }
        Ok(places)
    }
}

/// The path of the value starting now, inside the innermost open collection (which
/// moves on to its next item or key).
fn child_path(open: &mut [Open]) -> String {
    match open.last_mut() {
        None => String::new(),
        Some(Open::Seq { path, next }) => {
            *next += 1;
            format!("{path}[{}]", *next - 1)
        }
        Some(Open::Map { path, key }) => {
            let key = key.take().unwrap_or_default();
            if path.is_empty() {
                key
            } else {
                format!("{path}.{key}")
            }
        }
    }
}

fn depth_message() -> String {
    format!("values nest deeper than {MAX_DEPTH} levels")
}

fn place_of(span: &Span) -> Place {
    (span.start.line(), span.start.col() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(yaml: &str) -> Vec<(String, usize, usize)> {
        parse(yaml, Path::new("s.png.yaml"))
            .unwrap_err()
            .into_iter()
            .map(|d| (d.message, d.line, d.column))
            .collect()
    }

    #[test]
    fn a_sidecar_with_marks_and_redactions() {
        let s = parse(
            "marks:\n  - box: [24, 310, 180, 40]\n    text: Licensing\n  - text: Partner\n    box: [620, 500, 140, 32]\nredact:\n  - [600, 20, 180, 30]\n",
            Path::new("s.png.yaml"),
        )
        .unwrap();
        assert_eq!(s.marks.len(), 2);
        assert_eq!(
            s.marks[1].rect,
            Rect {
                x: 620,
                y: 500,
                w: 140,
                h: 32
            }
        );
        assert_eq!(s.marks[0].place, (2, 10));
        assert_eq!(s.marks[1].place, (5, 10));
        assert_eq!(s.redact[0].place, (7, 5));
        assert_eq!(s.redact_place, (7, 3));
        assert!(s.check(Path::new("s"), 800, 600, false).is_empty());
    }

    #[test]
    fn flow_style_is_located_too() {
        let s = parse(
            "marks: [{box: [1, 2, 3, 4], text: a}, {text: b, box: [5, 6, 7, 8]}]\n",
            Path::new("s.png.yaml"),
        )
        .unwrap();
        assert_eq!(s.marks[1].place, (1, 54));
    }

    #[test]
    fn problems_are_at_their_line_and_column() {
        let cases: &[(&str, &str, usize, usize)] = &[
            (
                "colour: red\nmarks: []\n",
                "sidecar: unknown key `colour`",
                1,
                1,
            ),
            (
                "marks:\n  - box: [1, 2, 3, 4]\n    txt: a\n",
                "unknown key `txt`",
                3,
                5,
            ),
            (
                "marks:\n  - box: [1, x, 3, 4]\n    text: a\n",
                "expected a whole number",
                2,
                14,
            ),
            (
                "redact:\n  - [1, 2, 3, 4.5]\n",
                "expected a whole number",
                2,
                15,
            ),
            (
                "redact:\n  - [1, 2, 3, 4]\n  - [1, 2, -3, 4]\n",
                "the width must be a whole number of pixels above 0, not -3",
                3,
                12,
            ),
            (
                "marks:\n  - box: [1, 2, 3]\n    text: a\n",
                "a box is four numbers [x, y, width, height], not 3",
                2,
                10,
            ),
            (
                "marks:\n  - box: [-1, 2, 3, 4]\n    text: a\n",
                "x must be a whole number of pixels from 0 up, not -1",
                2,
                11,
            ),
            (
                "marks:\n  - box: [1, 2, 3, 4]\n    text: ''\n",
                "a mark needs a `text:`",
                2,
                5,
            ),
            ("marks: [\n", "", 2, 1),
        ];
        for (yaml, words, line, column) in cases {
            let e = errors(yaml);
            assert_eq!(e.len(), 1, "{yaml:?}: {e:?}");
            assert!(e[0].0.contains(words), "{yaml:?}: {}", e[0].0);
            assert_eq!((e[0].1, e[0].2), (*line, *column), "{yaml:?}: {}", e[0].0);
        }
    }

    #[test]
    fn boxes_outside_the_image_and_redacted_svgs() {
        let s = parse(
            "marks:\n  - box: [700, 10, 101, 5]\n    text: a\nredact:\n  - [0, 0, 10, 601]\n",
            Path::new("s.svg.yaml"),
        )
        .unwrap();
        let d = s.check(Path::new("s.svg.yaml"), 800, 600, true);
        let got: Vec<(usize, usize, bool)> = d
            .iter()
            .map(|d| (d.line, d.column, d.message.contains("svg")))
            .collect();
        assert_eq!(got, vec![(2, 10, false), (5, 3, true), (5, 5, false)]);
        assert!(d[0].message.contains("800 × 600"), "{}", d[0].message);
    }

    #[test]
    fn deep_nesting_is_refused_before_serde() {
        let deep = format!("marks: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        let e = errors(&deep);
        assert!(e[0].0.contains("nest deeper"), "{e:?}");
    }

    #[test]
    fn aliases_that_expand_too_far_and_lists_are_refused() {
        let mut yaml = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            yaml.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let e = errors(&yaml);
        assert!(e[0].0.contains("aliases expand"), "{e:?}");
        let e = errors("- [1, 2, 3, 4]\n");
        assert_eq!(
            e[0].0,
            "sidecar: a sidecar must be a map with `marks:` and `redact:`"
        );
    }

    #[test]
    fn empty_sidecar_is_no_marks() {
        assert_eq!(
            parse("# nothing yet\n", Path::new("s")).unwrap(),
            Sidecar::default()
        );
    }
}
