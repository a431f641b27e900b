//! Diagnostics are values: every stage pushes them into a `Diagnostics` collector and
//! keeps going, and the CLI prints them once, sorted, in the format the user asked for.

use serde::Serialize;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in the input, located at a file, line and column (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable, greppable identifier such as `broken-link` or `yaml`.
    pub code: &'static str,
    /// Path relative to the site root where possible.
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
    /// When `file` was included into a page (`::: include`): the file and line of
    /// each include that led here, innermost first, ending at the page. Printed as
    /// `help: included from FILE:LINE` lines after the help.
    pub included_from: IncludedFrom,
}

/// The includes that led to a diagnostic's file: the including file and line of each,
/// innermost first. Most diagnostics have none; a thin pointer keeps `Diagnostic`,
/// which is passed by value everywhere, as small as it was without it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
#[allow(clippy::box_collection)] // the box is what makes the pointer thin
pub struct IncludedFrom(Option<Box<Vec<(PathBuf, usize)>>>);

impl std::ops::Deref for IncludedFrom {
    type Target = [(PathBuf, usize)];
    fn deref(&self) -> &Self::Target {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl FromIterator<(PathBuf, usize)> for IncludedFrom {
    fn from_iter<I: IntoIterator<Item = (PathBuf, usize)>>(iter: I) -> Self {
        let chain: Vec<_> = iter.into_iter().collect();
        IncludedFrom((!chain.is_empty()).then(|| Box::new(chain)))
    }
}

impl From<Vec<(PathBuf, usize)>> for IncludedFrom {
    fn from(chain: Vec<(PathBuf, usize)>) -> Self {
        chain.into_iter().collect()
    }
}

/// A diagnostic as JSON shows it: the help holds the "included from" lines too.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    code: &'static str,
    #[serde(serialize_with = "lossy_path")]
    file: &'a Path,
    line: usize,
    column: usize,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<String>,
}

impl Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        JsonDiagnostic {
            severity: self.severity,
            code: self.code,
            file: &self.file,
            line: self.line,
            column: self.column,
            message: &self.message,
            help: self.full_help(),
        }
        .serialize(serializer)
    }
}

/// A path as text, with U+FFFD for bytes that are not UTF-8: serde would refuse such a
/// path, and the diagnostic about that very file name would be lost.
fn lossy_path<S: serde::Serializer>(path: &Path, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&path.to_string_lossy())
}

impl Diagnostic {
    pub fn error(code: &'static str, file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.into(),
            line: 1,
            column: 1,
            message: message.into(),
            help: None,
            included_from: IncludedFrom::default(),
        }
    }

    pub fn warning(
        code: &'static str,
        file: impl Into<PathBuf>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, message)
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line.max(1);
        self.column = column.max(1);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The lines that say where the diagnostic's file was included from.
    pub fn included_from_lines(&self) -> impl Iterator<Item = String> + '_ {
        self.included_from
            .iter()
            .map(|(file, line)| format!("included from {}:{line}", file.display()))
    }

    /// The help and the "included from" lines, one per line; None when there are none.
    pub fn full_help(&self) -> Option<String> {
        let lines: Vec<String> = self
            .help
            .iter()
            .cloned()
            .chain(self.included_from_lines())
            .collect();
        (!lines.is_empty()).then(|| lines.join("\n"))
    }

    /// The same diagnostic with every path below `from` moved below `to` (a rendering
    /// made for one version's folder, reused for another's).
    pub fn relocated(&self, from: &Path, to: &Path) -> Diagnostic {
        let moved = |p: &Path| match p.strip_prefix(from) {
            Ok(rest) => to.join(rest),
            Err(_) => p.to_path_buf(),
        };
        Diagnostic {
            file: moved(&self.file),
            included_from: self
                .included_from
                .iter()
                .map(|(f, l)| (moved(f), *l))
                .collect(),
            ..self.clone()
        }
    }

    fn sort_key(&self) -> (&Path, usize, usize, Severity, &str, &IncludedFrom) {
        (
            &self.file,
            self.line,
            self.column,
            self.severity,
            &self.message,
            &self.included_from,
        )
    }
}

/// A thread-safe collector, so that pages rendered in parallel can report.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Mutex<Vec<Diagnostic>>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&self, d: Diagnostic) {
        // A poisoned lock only means another thread panicked mid-push; the data is fine.
        let mut items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        items.push(d);
    }

    pub fn extend(&self, ds: impl IntoIterator<Item = Diagnostic>) {
        let mut items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        items.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        let items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All diagnostics, sorted by place, without duplicates.
    pub fn into_sorted(self) -> Vec<Diagnostic> {
        let mut items = self.items.into_inner().unwrap_or_else(|e| e.into_inner());
        items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        items.dedup();
        items
    }
}

/// Turns warnings into errors (`--strict`).
pub fn apply_strict(diags: &mut [Diagnostic]) {
    for d in diags {
        d.severity = Severity::Error;
    }
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// rustc-style text on stderr.
    #[default]
    Human,
    /// One JSON object per line on stdout.
    Json,
}

/// Prints diagnostics: human text on stderr, or JSON lines on stdout; plus GitHub
/// annotations on stdout when running in GitHub Actions.
pub struct Printer {
    pub format: Format,
    /// Also print `::error file=…` workflow commands (GITHUB_ACTIONS=true).
    pub github: bool,
}

impl Printer {
    pub fn print(&self, diags: &[Diagnostic]) {
        let stdout = std::io::stdout();
        let stderr = std::io::stderr();
        let mut out = stdout.lock();
        let mut err = stderr.lock();
        for d in diags {
            let _ = match self.format {
                Format::Human => write!(err, "{}", to_human(d)),
                Format::Json => writeln!(out, "{}", to_json(d)),
            };
            if self.github {
                let _ = writeln!(out, "{}", to_github(d));
            }
        }
    }

    /// A summary line: on stdout, unless stdout holds JSON diagnostics.
    pub fn summary(&self, line: &str) {
        match self.format {
            Format::Human => println!("{line}"),
            Format::Json => eprintln!("{line}"),
        }
    }
}

/// Renders one diagnostic the way rustc does: a headline, the location, an optional help.
pub fn to_human(d: &Diagnostic) -> String {
    let mut s = format!(
        "{}[{}]: {}\n  --> {}:{}:{}\n",
        d.severity.as_str(),
        d.code,
        d.message,
        d.file.display(),
        d.line,
        d.column
    );
    if let Some(help) = &d.help {
        let _ = writeln!(s, "   = help: {help}");
    }
    for line in d.included_from_lines() {
        let _ = writeln!(s, "   = help: {line}");
    }
    s
}

pub fn to_json(d: &Diagnostic) -> String {
    serde_json::to_string(d).unwrap_or_default()
}

/// A GitHub Actions workflow command, so that CI shows the diagnostic on the diff.
pub fn to_github(d: &Diagnostic) -> String {
    let escape = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| escape(s).replace(':', "%3A").replace(',', "%2C");
    // The file that included this one is not on the annotated line: say it.
    let message: Vec<String> = std::iter::once(d.message.clone())
        .chain(d.included_from_lines())
        .collect();
    format!(
        "::{} file={},line={},col={}::{}",
        d.severity.as_str(),
        prop(&d.file.display().to_string()),
        d.line,
        d.column,
        escape(&message.join("\n"))
    )
}

/// Maps byte offsets of a text to 1-based line and column numbers.
pub struct LineIndex<'t> {
    text: &'t str,
    /// Made when first asked for (with `memchr`): a text that is never asked for a
    /// line number does not pay for them.
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        LineIndex {
            text,
            line_starts: std::cell::OnceCell::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&s| s <= offset);
        let start = line_starts[line.saturating_sub(1)];
        let before = self
            .text
            .get(start..offset)
            .map_or(offset.saturating_sub(start), |s| s.chars().count());
        (line.max(1), before + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_locates_offsets() {
        let idx = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(idx.locate(0), (1, 1));
        assert_eq!(idx.locate(1), (1, 2));
        assert_eq!(idx.locate(3), (2, 1));
        assert_eq!(idx.locate(6), (3, 1));
        assert_eq!(idx.locate(8), (4, 2));
        // Columns count characters, not bytes.
        let idx = LineIndex::new("é\nxéü[y");
        assert_eq!(idx.locate(3), (2, 1));
        assert_eq!(idx.locate(8), (2, 4));
    }

    #[cfg(unix)]
    #[test]
    fn json_keeps_a_file_name_that_is_not_utf8() {
        use std::os::unix::ffi::OsStrExt;
        let file = Path::new(std::ffi::OsStr::from_bytes(b"content/bad\xff.md"));
        let json = to_json(&Diagnostic::warning("x", file, "m"));
        assert!(
            json.contains("\"file\":\"content/bad\u{FFFD}.md\""),
            "{json}"
        );
    }

    #[test]
    fn github_annotation_escapes() {
        let d = Diagnostic::error("x", "a,b.md", "bad: 100%\nnext").at(3, 4);
        assert_eq!(
            to_github(&d),
            "::error file=a%2Cb.md,line=3,col=4::bad: 100%25%0Anext"
        );
    }

    #[test]
    fn included_from_in_every_format() {
        let mut d = Diagnostic::warning("broken-link", "content/_b.md", "link to `x.md`")
            .at(3, 5)
            .help("check the file name");
        d.included_from = vec![
            ("content/_a.md".into(), 2),
            ("content/guides/por.md".into(), 12),
        ]
        .into();
        let human = to_human(&d);
        assert!(
            human.ends_with(
                "  --> content/_b.md:3:5\n   = help: check the file name\n   = help: included from content/_a.md:2\n   = help: included from content/guides/por.md:12\n"
            ),
            "{human}"
        );
        let json: serde_json::Value = serde_json::from_str(&to_json(&d)).unwrap();
        assert_eq!(
            json["help"],
            "check the file name\nincluded from content/_a.md:2\nincluded from content/guides/por.md:12"
        );
        assert_eq!(json["file"], "content/_b.md");
        assert_eq!(
            to_github(&d),
            "::warning file=content/_b.md,line=3,col=5::link to `x.md`%0Aincluded from content/_a.md:2%0Aincluded from content/guides/por.md:12"
        );
        // Without a help of its own, the "included from" lines are the help.
        d.help = None;
        let json: serde_json::Value = serde_json::from_str(&to_json(&d)).unwrap();
        assert_eq!(
            json["help"],
            "included from content/_a.md:2\nincluded from content/guides/por.md:12"
        );
    }

    #[test]
    fn relocated_moves_every_path_of_the_version() {
        let mut d = Diagnostic::error("x", "content/_b.md", "m");
        d.included_from = vec![("content/a.md".into(), 4)].into();
        let moved = d.relocated(Path::new("content"), Path::new("versions/2013"));
        assert_eq!(moved.file, Path::new("versions/2013/_b.md"));
        assert_eq!(
            *moved.included_from,
            [(PathBuf::from("versions/2013/a.md"), 4)]
        );
    }

    #[test]
    fn sorted_and_deduplicated() {
        let ds = Diagnostics::new();
        ds.push(Diagnostic::error("x", "b.md", "m").at(1, 1));
        ds.push(Diagnostic::error("x", "a.md", "m").at(5, 1));
        ds.push(Diagnostic::error("x", "a.md", "m").at(2, 1));
        ds.push(Diagnostic::error("x", "a.md", "m").at(2, 1));
        let out = ds.into_sorted();
        let places: Vec<_> = out
            .iter()
            .map(|d| (d.file.display().to_string(), d.line))
            .collect();
        assert_eq!(
            places,
            vec![("a.md".into(), 2), ("a.md".into(), 5), ("b.md".into(), 1)]
        );
    }
}
