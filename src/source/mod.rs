//! Walks one version's folder and reads every markdown file into a `SourceFile`: its
//! place in the tree, its front matter and its body. No markdown is parsed here.

pub mod edit;
pub mod frontmatter;
pub mod include_files;
pub mod yaml_limits;

use crate::diag::Diagnostic;
pub use crate::paths::{is_ignored_name, rel_to, slash_path};
use frontmatter::FrontMatter;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// `_index.md` of a folder (the folder is a section; at the top, the home page).
    SectionIndex,
    /// Any other `.md` file, or the `index.md` of a guide folder.
    Guide,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub kind: SourceKind,
    /// Path relative to the version folder, with `/` separators (`licensing/por.md`).
    pub rel_path: String,
    /// Path relative to the site root, for diagnostics (`content/licensing/por.md`).
    pub site_path: PathBuf,
    pub front: FrontMatter,
    pub body: String,
    /// 1-based line of the body's first line in the file.
    pub body_line: usize,
    /// Hash of the whole file, for caches keyed by content.
    pub hash: blake3::Hash,
    /// Hash of the front matter as written and of where the body starts: when it is
    /// unchanged after a save, nothing but the page's own body changed.
    pub front_hash: blake3::Hash,
    /// Its front matter has errors: the page is left out of the site, but its body is
    /// still checked, so that one build reports everything wrong with the file.
    pub rejected: bool,
}

/// Everything read from one version folder that makes pages (see `read_tree` for the
/// files left out).
#[derive(Debug, Default)]
pub struct SourceTree {
    pub files: Vec<SourceFile>,
    /// Folders (relative, `/`-separated, "" for the root) that are sections.
    pub section_dirs: Vec<String>,
    /// Partials (`_name.md`, not `_index.md`): text for `::: include`, never a page
    /// (SPEC §2, §3.5). Version-relative paths.
    pub partials: Vec<String>,
}

/// How deep section folders may nest below the version folder. Each level is one more
/// nested list in the sidebar, which templates render by recursion; real sites nest two
/// to four levels. Deeper folders are left out, with an error at the first of them.
pub const MAX_SECTION_DEPTH: usize = 16;

/// Reads the version folder `dir` (relative to `root`): the tree of pages, the files
/// left out for errors in their front matter (`SourceFile::rejected`), whose bodies are
/// still to be checked, and the diagnostics.
pub fn read_tree(
    root: &Path,
    dir: &Path,
    include_drafts: bool,
    fronts: &FrontMatterCache,
) -> (SourceTree, Vec<SourceFile>, Vec<Diagnostic>) {
    let base = root.join(dir);
    let mut md_files = Vec::new();
    let mut section_dirs = Vec::new();
    let mut partials = Vec::new();
    let mut diags = Vec::new();
    let mut walker = WalkDir::new(&base)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    let mut bundle_dirs: Vec<PathBuf> = Vec::new();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(|p| p.to_path_buf())
                    .unwrap_or_else(|| base.clone());
                diags.push(Diagnostic::error(
                    "io",
                    rel_to(root, &p),
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        let path = entry.path();
        if bundle_dirs.iter().any(|b| path.starts_with(b) && path != b) {
            continue; // files inside a guide folder belong to that guide
        }
        // Folder symlinks are never followed (walkdir's default), here as in `serve`'s
        // watcher; a link to a file is read like a file (`read_file` checks where it leads).
        if entry.path_is_symlink() && path.is_dir() {
            diags.extend(folder_symlink_warning(root, path));
            continue;
        }
        let mut add_markdown = |file: PathBuf, kind: SourceKind| {
            let rel = file.strip_prefix(&base).unwrap_or(&file);
            match unservable_name(rel) {
                Some(why) => diags.push(
                    Diagnostic::warning(
                        "unservable-name",
                        rel_to(root, &file),
                        format!(
                            "this file is not published: its path {why}, which no URL can carry"
                        ),
                    )
                    .help("rename the file (or its folder)"),
                ),
                None => md_files.push((file, kind)),
            }
        };
        if entry.file_type().is_dir() {
            if entry.depth() > MAX_SECTION_DEPTH {
                diags.push(too_deep(root, path));
                walker.skip_current_dir();
                continue;
            }
            if path.join("index.md").is_file() && entry.depth() > 0 {
                bundle_dirs.push(path.to_path_buf());
                add_markdown(path.join("index.md"), SourceKind::Guide);
            } else {
                section_dirs.push(slash_path(
                    path.strip_prefix(&base).unwrap_or(Path::new("")),
                ));
            }
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let kind = if entry.file_name() == "_index.md" {
            SourceKind::SectionIndex
        } else if entry.file_name().to_string_lossy().starts_with('_') {
            partials.push(slash_path(path.strip_prefix(&base).unwrap_or(path)));
            continue;
        } else {
            SourceKind::Guide
        };
        add_markdown(path.to_path_buf(), kind);
    }

    // A folder is a section only if markdown lives in it or below it (not a folder
    // that only holds screenshots).
    let md_dirs: Vec<String> = md_files
        .iter()
        .map(|(p, _)| {
            slash_path(
                p.parent()
                    .unwrap_or(&base)
                    .strip_prefix(&base)
                    .unwrap_or(Path::new("")),
            )
        })
        .collect();
    section_dirs.retain(|d| {
        d.is_empty()
            || md_dirs
                .iter()
                .any(|m| m == d || m.starts_with(&format!("{d}/")))
    });

    let results: Vec<(Option<SourceFile>, Vec<Diagnostic>)> = md_files
        .par_iter()
        .map(|(path, kind)| read_file(root, &base, path, *kind, fronts))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut rejected = Vec::new();
    for (file, ds) in results {
        diags.extend(ds);
        match file {
            Some(f) if !include_drafts && f.front.draft => {}
            Some(f) if f.rejected => rejected.push(f),
            Some(f) => files.push(f),
            None => {}
        }
    }
    (
        SourceTree {
            files,
            section_dirs,
            partials,
        },
        rejected,
        diags,
    )
}

/// Why a path below a version folder cannot be part of a URL, if it cannot: a name
/// that is not UTF-8, or that holds a control character (a line break, a tab) or a
/// backslash (which `serve` refuses in URLs, and Windows takes for a separator).
fn unservable_name(rel: &Path) -> Option<String> {
    let Some(text) = rel.to_str() else {
        return Some("is not valid UTF-8".into());
    };
    let bad = text.chars().find(|c| c.is_control() || *c == '\\')?;
    Some(match bad {
        '\n' | '\r' => "holds a line break".into(),
        '\\' => "holds a backslash".into(),
        c => format!("holds the control character U+{:04X}", c as u32),
    })
}

/// The warning for a symlink to a folder, which is not followed: one that leads out of
/// the site always gets one (so that nobody wonders why its files are missing); one
/// inside the site only when markdown lies below its target, which is then not
/// published from here.
fn folder_symlink_warning(root: &Path, link: &Path) -> Option<Diagnostic> {
    let site_path = rel_to(root, link);
    let target = link.canonicalize().ok()?;
    if !target.starts_with(root) {
        return Some(
            Diagnostic::warning(
                "symlink-outside",
                site_path,
                format!(
                    "this folder symlink leads out of the site (to {}): it is neither read nor watched",
                    target.display()
                ),
            )
            .help("move or copy the folder into the site"),
        );
    }
    let holds_markdown = WalkDir::new(&target)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .any(|e| e.path().extension().is_some_and(|x| x == "md"));
    let shown = match rel_to(root, &target) {
        t if t.as_os_str().is_empty() => "the site folder".to_string(),
        t => format!("{}/", t.display()),
    };
    holds_markdown.then(|| {
        Diagnostic::warning(
            "symlink-folder",
            site_path,
            format!(
                "folder symlinks are not followed: the markdown below {shown} is not published from here"
            ),
        )
        .help("move the folder here, or use `::: include` for text that several guides share")
    })
}

/// A warning when `path` is a symlink that leads out of the site folder `root`
/// (canonical): such a file is not published.
fn outside_symlink_warning(root: &Path, path: &Path, site_path: &Path) -> Option<Diagnostic> {
    if !std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return None;
    }
    let target = path.canonicalize().ok()?;
    (!target.starts_with(root)).then(|| {
        Diagnostic::warning(
            "symlink-outside",
            site_path,
            format!(
                "this markdown file is a symlink to {}, outside the site folder: it is not published",
                target.display()
            ),
        )
        .help("copy the file into the site")
    })
}

/// The error for a folder nested deeper than `MAX_SECTION_DEPTH` below its version.
fn too_deep(root: &Path, dir: &Path) -> Diagnostic {
    Diagnostic::error(
        "section-depth",
        rel_to(root, dir),
        format!(
            "folders nest deeper than {MAX_SECTION_DEPTH} levels here; this folder and everything in it is left out"
        ),
    )
    .help("move its guides up into a shallower section")
}

/// Parsed front matter by the hash of its text and first line, so that a file that
/// several versions share is parsed once.
pub type FrontMatterCache = crate::memo::Shared<(Option<FrontMatter>, Vec<Diagnostic>)>;

/// The front matter `yaml` (starting at file line `line`) parsed, or taken from the
/// cache; its diagnostics located in `site_path`.
fn parsed_front_matter(
    fronts: &FrontMatterCache,
    yaml: &str,
    line: usize,
    site_path: &Path,
) -> (Option<FrontMatter>, Vec<Diagnostic>) {
    let mut key = blake3::Hasher::new();
    key.update(yaml.as_bytes());
    key.update(&line.to_le_bytes());
    let parsed = fronts.get_or_make(key.finalize(), || {
        let mut diags = Vec::new();
        let front = frontmatter::parse(yaml, line, site_path, &mut diags);
        (front, diags)
    });
    let diags = parsed
        .1
        .iter()
        .map(|d| Diagnostic {
            file: site_path.to_path_buf(),
            ..d.clone()
        })
        .collect();
    (parsed.0.clone(), diags)
}

/// Reads one markdown file of the version folder `base`; None when it cannot be read
/// or its front matter never ends, and a `rejected` file when its front matter has
/// errors (the diagnostics say why).
pub fn read_file(
    root: &Path,
    base: &Path,
    path: &Path,
    kind: SourceKind,
    fronts: &FrontMatterCache,
) -> (Option<SourceFile>, Vec<Diagnostic>) {
    let site_path = rel_to(root, path);
    if let Some(d) = outside_symlink_warning(root, path, &site_path) {
        return (None, vec![d]);
    }
    let mut diags = Vec::new();
    let text = match read_text(path, &site_path) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    let rel_path = slash_path(path.strip_prefix(base).unwrap_or(path));
    let split = match frontmatter::split(&text) {
        Ok(s) => s,
        Err(msg) => {
            diags.push(
                Diagnostic::error("front-matter", site_path, msg)
                    .help("end the front matter with a line holding only `---`"),
            );
            return (None, diags);
        }
    };
    let (front, mut rejected) = match split.yaml {
        Some(yaml) => {
            let (front, ds) = parsed_front_matter(fronts, yaml, split.yaml_line, &site_path);
            diags.extend(ds);
            match front {
                Some(front) => (front, false),
                None => (FrontMatter::default(), true),
            }
        }
        None => (FrontMatter::default(), false),
    };
    let untitled = front.title.as_deref().is_none_or(|t| t.trim().is_empty());
    if kind == SourceKind::Guide && !rejected && untitled {
        diags.push(
            Diagnostic::error(
                "front-matter",
                &site_path,
                "a guide needs a `title` in its front matter",
            )
            .help("start the file with:\n---\ntitle: What this guide helps to do\n---"),
        );
        rejected = true;
    }
    let mut front_hash = blake3::Hasher::new();
    front_hash.update(split.yaml.unwrap_or("").as_bytes());
    front_hash.update(&split.body_line.to_le_bytes());
    let file = SourceFile {
        kind,
        rel_path,
        hash: blake3::hash(text.as_bytes()),
        front_hash: front_hash.finalize(),
        body: split.body.to_string(),
        body_line: split.body_line,
        front,
        site_path,
        rejected,
    };
    (Some(file), diags)
}

/// The file's text; an error for a file that cannot be read or is not UTF-8 (at the
/// line and column of the first byte that is not), located in `site_path`.
fn read_text(path: &Path, site_path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error("io", site_path, format!("cannot read: {e}")))?;
    text_of(bytes, site_path)
}

/// `bytes` as text; an error at the first byte that is not UTF-8, located in `site_path`.
fn text_of(bytes: Vec<u8>, site_path: &Path) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // Everything before the bad byte is valid UTF-8.
        let before = std::str::from_utf8(valid).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Diagnostic::error("encoding", site_path, "the file is not valid UTF-8 text")
            .at(line, column)
            .help("save the file as UTF-8 in your editor")
    })
}
