//! Walks one version's folder and reads every markdown file into a `SourceFile`: its
//! place in the tree, its front matter and its body. No markdown is parsed here, but
//! for the body's first block: an H1 there is the page's heading (`title`).

pub mod edit;
pub mod frontmatter;
pub mod include_files;
pub mod layout;
pub mod sidecar;
pub mod title;
mod unknown_keys;
pub mod yaml_limits;

use crate::diag::Diagnostic;
pub use crate::paths::{is_ignored_name, rel_to, slash_path};
use frontmatter::FrontMatter;
use layout::Role;
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
    /// The title for `<title>`, navigation, lists and search: the front matter's
    /// `title`, else the H1 the body starts with; None when there is neither.
    pub title: Option<String>,
    /// The H1 the body starts with: the page shows it as its heading (whatever the
    /// title), and the markdown stage leaves it out of the content.
    pub heading: Option<title::LeadingH1>,
    pub body: String,
    /// 1-based line of the body's first line in the file.
    pub body_line: usize,
    /// Hash of the whole file, for caches keyed by content.
    pub hash: TextHash,
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
    /// Markdown files that are read but not published, by path within the version.
    pub unpublished: Unpublished,
}

/// The markdown files of a version that are not pages and need no diagnostic: they
/// are counted in the build's summary line, so that every file is accounted for.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Unpublished {
    /// Partials (`_*.md`): text for `::: include`, never a page (SPEC §2, §3.5).
    pub partials: Vec<String>,
    /// Drafts (`draft: true`) of a build that leaves them out.
    pub drafts: Vec<String>,
}

/// A warning for a screenshot sidecar (`NAME.EXT.yaml`) with no `NAME.EXT` beside
/// it: its marks and redactions apply to nothing.
fn orphan_sidecar(root: &Path, path: &Path) -> Option<Diagnostic> {
    let image = crate::screenshots::screenshot_of_part(path)?;
    if !path.to_string_lossy().ends_with(".yaml") || image.exists() {
        return None;
    }
    let name = image.file_name()?.to_string_lossy().into_owned();
    Some(
        Diagnostic::warning(
            sidecar::CODE,
            rel_to(root, path),
            format!("this sidecar belongs to `{name}`, which is not beside it: its marks and redactions apply to nothing"),
        )
        .help("rename it after its screenshot (`NAME.png.yaml` beside `NAME.png`), or delete it"),
    )
}

/// How deep section folders may nest below the version folder. Each level is one more
/// nested list in the sidebar, which templates render by recursion; real sites nest two
/// to four levels. Deeper folders are left out, with an error at the first of them.
pub const MAX_SECTION_DEPTH: usize = 16;

/// Reads the version folder `dir` (relative to `root`): the tree of pages, the files
/// left out for errors in their front matter (`SourceFile::rejected`), whose bodies are
/// still to be checked, and the diagnostics.
///
/// Every `.md` file below the folder ends up as a page, a partial or a draft
/// (`SourceTree::unpublished`), or with a diagnostic naming it. Only hidden files and
/// folders and editors' temporary files (`paths::is_ignored_name`) are passed over.
pub fn read_tree(
    root: &Path,
    dir: &Path,
    include_drafts: bool,
    fronts: &ParsedTextCache,
) -> (SourceTree, Vec<SourceFile>, Vec<Diagnostic>) {
    let base = root.join(dir);
    let mut diags = Vec::new();
    let walked = walk(root, &base, &mut diags);
    let rel_paths: Vec<String> = walked.markdown.iter().map(|(_, rel)| rel.clone()).collect();
    let (roles, sections) = layout::roles(&rel_paths);

    let mut unpublished = Unpublished::default();
    let mut to_read = Vec::new();
    for ((path, rel), role) in walked.markdown.iter().zip(roles) {
        match role {
            Role::SectionIndex => to_read.push((path, SourceKind::SectionIndex)),
            Role::Guide => to_read.push((path, SourceKind::Guide)),
            Role::Partial => unpublished.partials.push(rel.clone()),
            Role::SecondIndex => diags.push(second_index_error(root, path)),
        }
    }
    let section_dirs = walked
        .dirs
        .into_iter()
        .filter(|d| sections.contains(d))
        .collect();

    let results: Vec<(Option<SourceFile>, Vec<Diagnostic>)> = to_read
        .par_iter()
        .map(|(path, kind)| read_file(root, &base, path, *kind, fronts))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut rejected = Vec::new();
    for (file, ds) in results {
        diags.extend(ds);
        match file {
            Some(f) if !include_drafts && f.front.draft => unpublished.drafts.push(f.rel_path),
            Some(f) if f.rejected => rejected.push(f),
            Some(f) => files.push(f),
            None => {}
        }
    }
    (
        SourceTree {
            files,
            section_dirs,
            unpublished,
        },
        rejected,
        diags,
    )
}

/// The folders and markdown files below a version folder, in walk order.
struct Walked {
    /// Folders, relative and `/`-separated ("" for the version folder itself).
    dirs: Vec<String>,
    /// `.md` files: (path, relative `/`-separated path).
    markdown: Vec<(PathBuf, String)>,
}

/// Walks the version folder `base` (sorted by name, so the same tree always gives the
/// same order): folders and `.md` files, with a diagnostic for each one left out.
fn walk(root: &Path, base: &Path, diags: &mut Vec<Diagnostic>) -> Walked {
    let mut walked = Walked {
        dirs: Vec::new(),
        markdown: Vec::new(),
    };
    let mut walker = WalkDir::new(base)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map_or_else(|| base.to_path_buf(), Path::to_path_buf);
                diags.push(Diagnostic::error(
                    "io",
                    rel_to(root, &p),
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        let path = entry.path();
        let rel = path.strip_prefix(base).unwrap_or(path);
        diags.extend(orphan_sidecar(root, path));
        // Folder symlinks are never followed (walkdir's default), here as in `serve`'s
        // watcher; a link to a file is read like a file (`read_file` checks where it leads).
        if entry.path_is_symlink() && path.is_dir() {
            diags.extend(folder_symlink_warning(root, path));
            continue;
        }
        if entry.file_type().is_dir() {
            if entry.depth() > MAX_SECTION_DEPTH {
                diags.push(too_deep(root, path));
                walker.skip_current_dir();
                continue;
            }
            walked.dirs.push(slash_path(rel));
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            diags.extend(unread_markdown_warning(root, path, &name));
            continue;
        }
        match unservable_name(rel) {
            Some(why) => diags.push(
                Diagnostic::warning(
                    "unservable-name",
                    rel_to(root, path),
                    format!("this file is not published: its path {why}, which no URL can carry"),
                )
                .help("rename the file (or its folder)"),
            ),
            None => walked.markdown.push((path.to_path_buf(), slash_path(rel))),
        }
    }
    walked
}

/// A warning for a file that looks like markdown meant to be published but is not
/// read, since only names ending in `.md` are (`Guide.MD`, `notes.markdown`). MDX
/// (`.mdx`) is another language, not markdown: those files are passed over.
fn unread_markdown_warning(root: &Path, path: &Path, name: &str) -> Option<Diagnostic> {
    let (stem, ext) = name.rsplit_once('.')?;
    let markdown = ext.eq_ignore_ascii_case("md")
        || ["markdown", "mdown", "mkd", "mkdn"]
            .iter()
            .any(|m| ext.eq_ignore_ascii_case(m));
    if !markdown || stem.is_empty() {
        return None;
    }
    Some(
        Diagnostic::warning(
            "not-read",
            rel_to(root, path),
            format!(
                "this file is not read: guidepost reads markdown files named `*.md`, not `*.{ext}`"
            ),
        )
        .help(format!("rename it to `{stem}.md`")),
    )
}

/// The error for an `index.md` in a folder that has an `_index.md` too.
fn second_index_error(root: &Path, index_md: &Path) -> Diagnostic {
    Diagnostic::error(
        "section-index",
        rel_to(root, index_md),
        "this folder has both `index.md` and `_index.md`, and each would be its section page; `_index.md` is used and this file is not published",
    )
    .help("keep one: move what this file says into `_index.md` and delete it (or delete `_index.md`)")
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

/// What is read from a file's text besides its body, by the hash of the whole text,
/// so that a file several versions share (frozen versions are copies) is parsed
/// once: its front matter parsed, with its diagnostics (None without front
/// matter), and the H1 its body starts with.
pub type ParsedTextCache = crate::memo::Shared<ParsedText, TextHash>;

/// The hash of a source file's text: XXH3-128, the key of what is made from the text
/// (its front matter parsed, its rendering) in this build and in the persistent cache.
/// Every source of every build is hashed, and BLAKE3 was 4% of a warm build's work;
/// 128 bits keep accidental collisions out of reach, and what two texts with one hash
/// could swap is the site's own content.
pub type TextHash = u128;

pub fn text_hash(text: &str) -> TextHash {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

/// What a markdown file's text gives besides its body; the same for the same text.
pub struct ParsedText {
    /// None when the file has no front matter.
    pub(crate) front: Option<ParsedFront>,
    pub(crate) heading: Option<title::LeadingH1>,
}

/// Front matter parsed (None when it has errors), with its diagnostics.
pub(crate) type ParsedFront = (Option<FrontMatter>, Vec<Diagnostic>);

/// The front matter and leading H1 of `text` (split as `split`), or taken from the
/// cache; diagnostics located in `site_path`.
fn parsed_text(
    fronts: &ParsedTextCache,
    text_hash: TextHash,
    split: &frontmatter::Split,
    site_path: &Path,
) -> ParsedText {
    let parsed = fronts.get_or_make(text_hash, || ParsedText {
        front: split.yaml.map(|yaml| {
            let mut diags = Vec::new();
            let front = frontmatter::parse(yaml, split.yaml_line, site_path, &mut diags);
            (front, diags)
        }),
        heading: title::leading_h1(split.body),
    });
    let front = parsed.front.as_ref().map(|(front, diags)| {
        let diags = diags
            .iter()
            .map(|d| Diagnostic {
                file: site_path.to_path_buf(),
                ..d.clone()
            })
            .collect();
        (front.clone(), diags)
    });
    ParsedText {
        front,
        heading: parsed.heading.clone(),
    }
}

/// Reads one markdown file of the version folder `base`; None when it cannot be read
/// or its front matter never ends, and a `rejected` file when its front matter has
/// errors (the diagnostics say why).
pub fn read_file(
    root: &Path,
    base: &Path,
    path: &Path,
    kind: SourceKind,
    fronts: &ParsedTextCache,
) -> (Option<SourceFile>, Vec<Diagnostic>) {
    let site_path = rel_to(root, path);
    // A file that is no symlink is read as soon as it is open; any other is looked
    // at first.
    let unlinked = crate::files::open_unlinked(path);
    if unlinked.is_none() {
        if let Some(d) = outside_symlink_warning(root, path, &site_path) {
            return (None, vec![d]);
        }
    }
    let mut diags = Vec::new();
    let text = match read_text(path, unlinked, &site_path) {
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
    let hash = text_hash(&text);
    let ParsedText { front, heading } = parsed_text(fronts, hash, &split, &site_path);
    let (front, mut rejected) = match front {
        Some((front, ds)) => {
            diags.extend(ds);
            match front {
                Some(front) => (front, false),
                None => (FrontMatter::default(), true),
            }
        }
        None => (FrontMatter::default(), false),
    };
    let title = front
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| heading.as_ref().map(|h| h.text.clone()));
    if kind == SourceKind::Guide && !rejected && title.is_none() {
        diags.push(
            Diagnostic::error(
                "front-matter",
                &site_path,
                "a guide needs a title: a `title` in its front matter, or a `# Title` line at the top of its text",
            )
            .help("start the file with:\n---\ntitle: What this guide helps to do\n---\nor with the line\n# What this guide helps to do\nIf the file is text that other pages include, name it `_NAME.md` (a partial, never a page)"),
        );
        rejected = true;
    }
    // What other pages show of this one comes from the front matter and the title;
    // when both are unchanged after a save, only the page itself changed.
    let mut front_hash = blake3::Hasher::new();
    front_hash.update(split.yaml.unwrap_or("").as_bytes());
    front_hash.update(&split.body_line.to_le_bytes());
    front_hash.update(title.as_deref().unwrap_or("").as_bytes());
    let file = SourceFile {
        kind,
        rel_path,
        hash,
        front_hash: front_hash.finalize(),
        body: split.body.to_string(),
        body_line: split.body_line,
        front,
        title,
        heading,
        site_path,
        rejected,
    };
    (Some(file), diags)
}

/// The text of the file at `path` (already `opened` when it is no symlink); an error
/// for a file that cannot be read or is not UTF-8 (at the
/// line and column of the first byte that is not), located in `site_path`.
fn read_text(
    path: &Path,
    opened: Option<(std::fs::File, u64)>,
    site_path: &Path,
) -> Result<String, Diagnostic> {
    let bytes = match opened {
        Some((file, len)) => crate::files::read_up_to(file, len, u64::MAX),
        None => std::fs::read(path),
    }
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
