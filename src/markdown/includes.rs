//! `::: include PATH` (SPEC §3.5): the files a page includes are put into its text
//! before anything else reads it, so that their headings, steps, variant blocks,
//! caveats and passages are the page's own. The expanded text comes with a
//! `SourceMap` from its lines back to the file and line each was written on, through
//! which the renderer resolves paths relative to the file that wrote them and every
//! diagnostic names that file, with the includes that led to it.
//!
//! The expanded text numbers its lines from the page's `body_line` on, as the page's
//! own body does; lines before it (front matter) are the page's own.

use super::directives::{closes_fence, directive_marker, opens_fence, Fence};
use super::links::resolve_relative;
use super::{PageInput, RenderDep, RenderEnv};
use crate::diag::Diagnostic;
use crate::source::include_files::IncludedFile;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// How deep includes may nest (a page is level 0, a file it includes level 1). Real
/// sites nest one or two; the limit keeps a mistake from reading the same few files
/// over and over.
pub const MAX_INCLUDE_DEPTH: usize = 8;

/// How many includes one page may expand, nested ones counted. Each include copies a
/// file's text into the page, so a file that includes another many times, which
/// includes another many times, would otherwise multiply the page's size with every
/// level.
pub const MAX_INCLUDES_PER_PAGE: usize = 256;

/// A file that lines of the expanded text come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Path within the version (`guides/por.md`, `_sign-in.md`).
    pub rel_path: String,
    /// Path relative to the site root (`content/_sign-in.md`).
    pub site_path: PathBuf,
    /// The includes that led to this file, innermost first: the version-relative
    /// path of the including file and the line of its `::: include`. Empty for the page.
    pub included_from: Vec<(String, usize)>,
}

/// Where something written in an included file is: that file and the includes that
/// led to it (see `Origin`). Kept version-relative, since one rendering can serve the
/// same page in several versions.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WrittenIn {
    pub file: String,
    pub included_from: Vec<(String, usize)>,
}

impl WrittenIn {
    /// The file and the "included from" chain, relative to the site root, for a
    /// diagnostic in the version whose folder is `version_dir`.
    pub fn place(&self, version_dir: &Path) -> (PathBuf, crate::diag::IncludedFrom) {
        (
            version_dir.join(&self.file),
            self.included_from
                .iter()
                .map(|(f, l)| (version_dir.join(f), *l))
                .collect(),
        )
    }
}

/// A stretch of consecutive lines of the expanded text from one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stretch {
    /// Expanded line of the stretch's first line.
    start: usize,
    origin: usize,
    /// File line of the stretch's first line.
    line: usize,
}

/// From the lines of an expanded page to the files and lines they were written on.
#[derive(Debug, Clone)]
pub struct SourceMap {
    /// The expanded line of the body's first line (the page's `body_line`).
    first_line: usize,
    stretches: Vec<Stretch>,
    /// The files of the expanded text; the page itself is the first.
    origins: Vec<Origin>,
}

impl SourceMap {
    fn new(page: &PageInput) -> SourceMap {
        SourceMap {
            first_line: page.body_line,
            stretches: vec![Stretch {
                start: page.body_line,
                origin: 0,
                line: page.body_line,
            }],
            origins: vec![Origin {
                rel_path: page.rel_path.to_string(),
                site_path: page.site_path.to_path_buf(),
                included_from: Vec::new(),
            }],
        }
    }

    /// Whether any line comes from another file than the page.
    pub fn has_includes(&self) -> bool {
        self.origins.len() > 1
    }

    /// (origin index, file line) of expanded line `line`.
    pub fn locate(&self, line: usize) -> (usize, usize) {
        if line < self.first_line {
            return (0, line);
        }
        let i = self.stretches.partition_point(|s| s.start <= line);
        match i.checked_sub(1).and_then(|i| self.stretches.get(i)) {
            Some(s) => (s.origin, s.line + (line - s.start)),
            None => (0, line),
        }
    }

    pub fn origin(&self, i: usize) -> &Origin {
        &self.origins[i.min(self.origins.len() - 1)]
    }

    /// The origin of expanded line `line`.
    pub fn origin_at(&self, line: usize) -> &Origin {
        self.origin(self.locate(line).0)
    }

    /// Where expanded line `line` was written, when not in the page itself:
    /// (the file and its includes, the file line).
    pub fn written_in(&self, line: usize) -> Option<(WrittenIn, usize)> {
        let (o, file_line) = self.locate(line);
        (o != 0).then(|| {
            let origin = self.origin(o);
            (
                WrittenIn {
                    file: origin.rel_path.clone(),
                    included_from: origin.included_from.clone(),
                },
                file_line,
            )
        })
    }

    /// Moves a diagnostic raised at an expanded line of the page into the file and
    /// line it was written on, with the includes that led there.
    pub fn locate_diagnostic(&self, d: &mut Diagnostic, version_dir: &Path) {
        if d.file != self.origins[0].site_path || !d.included_from.is_empty() {
            return;
        }
        let (o, line) = self.locate(d.line);
        let origin = self.origin(o);
        d.file = origin.site_path.clone();
        d.line = line;
        d.included_from = origin
            .included_from
            .iter()
            .map(|(f, l)| (version_dir.join(f), *l))
            .collect();
    }

    fn add_origin(&mut self, origin: Origin) -> usize {
        self.origins.push(origin);
        self.origins.len() - 1
    }

    /// Lines from expanded line `start` on come from `origin`, from its `line` on.
    fn resume(&mut self, start: usize, origin: usize, line: usize) {
        let stretch = Stretch {
            start,
            origin,
            line,
        };
        match self.stretches.last_mut() {
            // A stretch that got no line (an empty file) gives way.
            Some(last) if last.start == start => *last = stretch,
            _ => self.stretches.push(stretch),
        }
    }
}

/// A page's body with its includes expanded.
pub struct Expanded<'p> {
    pub text: Cow<'p, str>,
    pub map: SourceMap,
    /// The problems of the includes, located where they are (not in expanded lines).
    pub diags: Vec<Diagnostic>,
    /// One `RenderDep::Include` per file read.
    pub deps: Vec<RenderDep>,
}

/// The body of `page` with every `::: include` line (outside code fences) replaced by
/// the text of the file it names, recursively.
pub fn expand<'p>(env: &RenderEnv, page: &'p PageInput) -> Expanded<'p> {
    let mut expander = Expander {
        env,
        out: String::new(),
        map: SourceMap::new(page),
        diags: Vec::new(),
        deps: Vec::new(),
        stack: vec![0],
        expanded: 0,
        next_line: page.body_line,
    };
    if !might_include(page.body) {
        return Expanded {
            text: Cow::Borrowed(page.body),
            map: expander.map,
            diags: Vec::new(),
            deps: Vec::new(),
        };
    }
    expander.out.reserve(page.body.len());
    expander.expand_text(0, page.body, page.body_line);
    Expanded {
        text: Cow::Owned(expander.out),
        map: expander.map,
        diags: expander.diags,
        deps: expander.deps,
    }
}

/// A quick look for pages that have no include at all, which most have.
fn might_include(body: &str) -> bool {
    body.contains("include") && body.contains(":::")
}

/// `::: include ARGS` (a directive marker): (indent, ARGS).
fn include_marker(line: &str) -> Option<(usize, &str)> {
    let (indent, rest) = directive_marker(line)?;
    let rest = rest.trim();
    let args = rest.strip_prefix("include")?;
    (args.is_empty() || args.starts_with(char::is_whitespace)).then_some((indent, args.trim()))
}

struct Expander<'e> {
    env: &'e RenderEnv<'e>,
    out: String,
    map: SourceMap,
    diags: Vec<Diagnostic>,
    deps: Vec<RenderDep>,
    /// The files being expanded, outermost (the page) first, by origin index.
    stack: Vec<usize>,
    /// Includes expanded so far.
    expanded: usize,
    /// The expanded line that the next line written gets.
    next_line: usize,
}

/// Why an include is refused: the message and the help.
type Refusal = (String, String);

impl Expander<'_> {
    /// Writes `text` (of origin `origin`, starting at its line `first_line`) with its
    /// includes expanded.
    fn expand_text(&mut self, origin: usize, text: &str, first_line: usize) {
        self.map.resume(self.next_line, origin, first_line);
        let mut fence: Option<Fence> = None;
        for (i, raw) in text.split_inclusive('\n').enumerate() {
            let line_no = first_line + i;
            let line = raw.trim_end_matches(['\n', '\r']);
            let marker = match &fence {
                Some(f) => {
                    if closes_fence(line, f) {
                        fence = None;
                    }
                    None
                }
                None => {
                    fence = opens_fence(line);
                    fence.is_none().then(|| include_marker(line)).flatten()
                }
            };
            match marker {
                Some((indent, path)) if self.include(origin, line_no, indent + 1, path) => {
                    self.map.resume(self.next_line, origin, line_no + 1);
                }
                // A refused include leaves a blank line, so that the lines after it
                // keep their numbers.
                Some(_) => self.push_line("\n"),
                None => self.push_line(raw),
            }
        }
    }

    fn push_line(&mut self, raw: &str) {
        self.out.push_str(raw);
        if !raw.ends_with('\n') {
            self.out.push('\n');
        }
        self.next_line += 1;
    }

    /// Expands the include written in origin `from` at `line`, `column`; false when
    /// it is refused (with an error at that place).
    fn include(&mut self, from: usize, line: usize, column: usize, written: &str) -> bool {
        let result = self
            .target(from, written)
            .and_then(|rel| self.enter(rel, from, line));
        match result {
            Ok(()) => true,
            Err((message, help)) => {
                let d = self
                    .error_in(from, "include", message)
                    .at(line, column)
                    .help(help);
                self.diags.push(d);
                false
            }
        }
    }

    /// The version-relative path that `written`, in origin `from`, names.
    fn target(&self, from: usize, written: &str) -> Result<String, Refusal> {
        let written = written
            .strip_prefix('"')
            .and_then(|w| w.strip_suffix('"'))
            .unwrap_or(written);
        if written.is_empty() {
            return Err((
                "`::: include` needs the path of a markdown file".into(),
                "write `::: include _shared-step.md` (relative to this file)".into(),
            ));
        }
        if written.contains('\\') {
            return Err((
                format!("the include path `{written}` has a backslash"),
                format!(
                    "separate folders with `/`: `{}`",
                    written.replace('\\', "/")
                ),
            ));
        }
        if !written.ends_with(".md") {
            return Err((
                format!("`{written}` is not a markdown file: only `.md` files can be included"),
                "include a markdown file; link other files, or show pictures as screenshots".into(),
            ));
        }
        let from_rel = &self.map.origin(from).rel_path;
        resolve_relative(from_rel, written).ok_or_else(|| {
            (
                format!("the include path `{written}` leaves the version's folder"),
                format!(
                    "include files of this version only ({}/); the path is relative to this file",
                    self.env.version_dir.display()
                ),
            )
        })
    }

    /// Reads the file at `rel` and writes its text, included at `line` of `from`.
    fn enter(&mut self, rel: String, from: usize, line: usize) -> Result<(), Refusal> {
        let site_path = self.env.version_dir.join(&rel);
        if let Some(pos) = self
            .stack
            .iter()
            .position(|o| self.map.origin(*o).rel_path == rel)
        {
            let chain: Vec<String> = self.stack[pos..]
                .iter()
                .map(|o| self.map.origin(*o).site_path.display().to_string())
                .chain(std::iter::once(site_path.display().to_string()))
                .collect();
            return Err((
                format!("this include makes a cycle: {}", chain.join(" → ")),
                "a file cannot include itself, directly or through the files it includes".into(),
            ));
        }
        if self.stack.len() > MAX_INCLUDE_DEPTH {
            return Err((
                format!("includes nest deeper than {MAX_INCLUDE_DEPTH} levels here"),
                "include the files side by side in the page instead of one inside the other".into(),
            ));
        }
        if self.expanded >= MAX_INCLUDES_PER_PAGE {
            return Err((
                format!("this page expands more than {MAX_INCLUDES_PER_PAGE} includes"),
                "a page includes each shared part once or a few times; check for files that include others many times".into(),
            ));
        }
        let file = self.env.includes.read(&site_path);
        self.deps.push(RenderDep::Include {
            path: rel.clone(),
            fingerprint: file.fingerprint(),
        });
        let shown = site_path.display().to_string();
        match &*file {
            IncludedFile::Text {
                body, body_line, ..
            } => {
                let mut included_from = vec![(self.map.origin(from).rel_path.clone(), line)];
                included_from.extend(self.map.origin(from).included_from.iter().cloned());
                let origin = self.map.add_origin(Origin {
                    rel_path: rel,
                    site_path,
                    included_from,
                });
                self.expanded += 1;
                self.stack.push(origin);
                self.expand_text(origin, body, *body_line);
                self.stack.pop();
                Ok(())
            }
            IncludedFile::Missing => Err((
                format!("the included file `{shown}` does not exist"),
                "the path is relative to this file; check the file name".into(),
            )),
            IncludedFile::Folder => Err((
                format!("`{shown}` is a folder, not a markdown file"),
                "include one markdown file of it".into(),
            )),
            IncludedFile::Outside(target) => Err((
                format!(
                    "`{shown}` is a symlink to {}, outside the site folder",
                    target.display()
                ),
                "copy the file into the site".into(),
            )),
            IncludedFile::Unreadable { problem, .. } => {
                // The problem is in the included file: say so there, and where from.
                let mut d = problem.clone();
                d.included_from = std::iter::once((self.map.origin(from).site_path.clone(), line))
                    .chain(self.chain_of(from))
                    .collect();
                self.diags.push(d);
                Err((
                    format!("`{shown}` cannot be included: it cannot be read as markdown"),
                    "see the error in that file".into(),
                ))
            }
        }
    }

    /// The "included from" chain of origin `o`, relative to the site root.
    fn chain_of(&self, o: usize) -> Vec<(PathBuf, usize)> {
        self.map
            .origin(o)
            .included_from
            .iter()
            .map(|(f, l)| (self.env.version_dir.join(f), *l))
            .collect()
    }

    /// An error located in origin `o` (its line is set by the caller).
    fn error_in(&self, o: usize, code: &'static str, message: String) -> Diagnostic {
        let mut d = Diagnostic::error(code, &self.map.origin(o).site_path, message);
        d.included_from = self.chain_of(o).into();
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_of(page_line: usize, stretches: &[(usize, usize, usize)]) -> SourceMap {
        let page = PageInput {
            rel_path: "a.md",
            site_path: Path::new("content/a.md"),
            body: "",
            body_line: page_line,
            variants: None,
            caveats: None,
            caveat_lines: &[],
            title_at: None,
        };
        let mut map = SourceMap::new(&page);
        map.add_origin(Origin {
            rel_path: "_b.md".into(),
            site_path: "content/_b.md".into(),
            included_from: vec![("a.md".into(), 6)],
        });
        for &(start, origin, line) in stretches {
            map.resume(start, origin, line);
        }
        map
    }

    #[test]
    fn lines_map_back_to_their_files() {
        // Page body from line 5; line 6 includes _b.md (body from its line 3, two
        // lines); the page goes on at line 7.
        let map = map_of(5, &[(6, 1, 3), (8, 0, 7)]);
        assert_eq!(map.locate(2), (0, 2), "front matter lines are the page's");
        assert_eq!(map.locate(5), (0, 5));
        assert_eq!(map.locate(6), (1, 3));
        assert_eq!(map.locate(7), (1, 4));
        assert_eq!(map.locate(8), (0, 7));
        assert_eq!(map.locate(20), (0, 19));
        let mut d = Diagnostic::warning("x", "content/a.md", "m").at(7, 2);
        map.locate_diagnostic(&mut d, Path::new("content"));
        assert_eq!(
            (d.file.as_path(), d.line, d.column),
            (Path::new("content/_b.md"), 4, 2)
        );
        assert_eq!(*d.included_from, [(PathBuf::from("content/a.md"), 6)]);
    }

    #[test]
    fn an_empty_include_gives_way_to_what_follows() {
        let map = map_of(1, &[(3, 1, 1), (3, 0, 3)]);
        assert_eq!(map.locate(3), (0, 3));
        assert_eq!(map.stretches.len(), 2);
    }

    /// Expands `body` as the page `content/a.md` of a site whose files are `files`.
    fn expand_in(files: &[(&str, &str)], body: &str) -> (String, SourceMap, Vec<Diagnostic>) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for (path, text) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let targets = std::collections::HashMap::new();
        let assets = crate::screenshots::Screenshots::new(root.clone(), "/");
        let includes = crate::source::include_files::IncludeFiles::new(root);
        let env = RenderEnv {
            targets: &targets,
            assets: &assets,
            highlights: &super::super::highlight::HighlightCache::default(),
            version_dir: Path::new("content"),
            max_screenshot_kb: 500,
            variants: &[],
            other_version_dirs: Vec::new(),
            site: &crate::markdown::SitePaths::default(),
            show_candidates: false,
            includes: &includes,
        };
        let page = PageInput {
            rel_path: "a.md",
            site_path: Path::new("content/a.md"),
            body,
            body_line: 4,
            variants: None,
            caveats: None,
            caveat_lines: &[],
            title_at: None,
        };
        let e = expand(&env, &page);
        (e.text.into_owned(), e.map, e.diags)
    }

    #[test]
    fn text_is_put_in_place_of_the_line_as_written() {
        let (text, map, diags) = expand_in(
            &[
                // No newline at the end; CRLF lines; a marker in a code block.
                (
                    "content/_b.md",
                    "b1\r\n```\r\n::: include _nope.md\r\n```\r\nb5",
                ),
                ("content/_empty.md", ""),
            ],
            "p4\n::: include _b.md\n::: include _empty.md\np7",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            text,
            "p4\nb1\r\n```\r\n::: include _nope.md\r\n```\r\nb5\np7\n"
        );
        // Expanded lines 4..=10: p4, b1..b5, p7.
        let places: Vec<(usize, usize)> = (4..=10).map(|l| map.locate(l)).collect();
        assert_eq!(
            places,
            [(0, 4), (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (0, 7)]
        );
    }

    #[test]
    fn a_refused_include_leaves_a_blank_line() {
        let (text, map, diags) = expand_in(&[], "p4\n::: include _nope.md\np6\n");
        assert_eq!(text, "p4\n\np6\n");
        assert!(!map.has_includes());
        assert_eq!(diags.len(), 1);
        assert_eq!((diags[0].line, diags[0].column), (5, 1));
    }

    #[test]
    fn include_markers() {
        assert_eq!(include_marker("::: include _a.md"), Some((0, "_a.md")));
        assert_eq!(
            include_marker("  :::   include   x y.md  "),
            Some((2, "x y.md"))
        );
        assert_eq!(include_marker("::: include"), Some((0, "")));
        assert_eq!(include_marker("::: includes x"), None);
        assert_eq!(include_marker("::: variant a"), None);
        assert_eq!(include_marker("    ::: include a.md"), None);
    }
}
