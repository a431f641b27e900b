//! What a change to the site's files is, and what a rebuild has to do about it. This
//! is the one place that decides; `serve` only watches, serves and reports.

use crate::config::Config;
use crate::paths::is_ignored_name;
use std::path::{Component, Path, PathBuf};

/// One changed input, by what it can affect (paths relative to the site root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// site.toml: everything may change.
    Config,
    /// A markdown file in a version's folder (a page; it may be included by others).
    Markdown(PathBuf),
    /// A partial (`_name.md`, not `_index.md`) in a version's folder: text that pages
    /// include, never a page itself.
    Partial(PathBuf),
    /// A stylesheet of `static/` or of a theme.
    Stylesheet(PathBuf),
    /// A template, or another file of a theme.
    Template(PathBuf),
    /// Another file of `static/` (it may be a screenshot that pages show).
    Static(PathBuf),
    /// A screenshot's sidecar (`NAME.EXT.yaml`) or dark twin (`NAME.dark.EXT`) in a
    /// version's folder, whose screenshot `NAME.EXT` (the second path) exists: only
    /// the pages showing that screenshot change.
    ScreenshotPart(PathBuf, PathBuf),
    /// Another file in a version's folder (a screenshot), or a folder appearing or
    /// going; without a configuration, any file of the version folders.
    Content(PathBuf),
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Config => f.write_str(crate::config::CONFIG_FILE),
            Change::Markdown(p)
            | Change::Partial(p)
            | Change::Stylesheet(p)
            | Change::Template(p)
            | Change::Static(p)
            | Change::ScreenshotPart(p, _)
            | Change::Content(p) => write!(f, "{}", p.display()),
        }
    }
}

/// What a change at `path` (absolute, or relative to `root`) is; None when the build
/// does not read it (editors' temporary files, the output folder, anything else).
pub fn classify(root: &Path, config: Option<&Config>, path: &Path) -> Option<Change> {
    let rel = if path.is_absolute() {
        path.strip_prefix(root).ok()?
    } else {
        path
    };
    let names: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    if names.is_empty() || names.iter().any(|n| is_ignored_name(n)) {
        return None;
    }
    if rel == Path::new(crate::config::CONFIG_FILE) {
        return Some(Change::Config);
    }
    let owned = rel.to_path_buf();
    let is_css = rel.extension().is_some_and(|e| e == "css");
    let in_theme = names[0] == "themes";
    let in_static =
        names[0] == "static" || (in_theme && names.get(2).is_some_and(|n| n == "static"));
    if in_static && is_css {
        return Some(Change::Stylesheet(owned));
    }
    if names[0] == "templates" || in_theme {
        return Some(Change::Template(owned));
    }
    if names[0] == "static" {
        return Some(Change::Static(owned));
    }
    let version_dirs: Vec<PathBuf> = match config {
        Some(c) => c.version_specs().into_iter().map(|v| v.dir).collect(),
        None => vec![PathBuf::from("content"), PathBuf::from("versions")],
    };
    if !version_dirs.iter().any(|d| rel.starts_with(d)) {
        return None;
    }
    if config.is_none() {
        return Some(Change::Content(owned));
    }
    if rel.extension().is_some_and(|e| e == "md") {
        let name = names.last().map(String::as_str).unwrap_or("");
        return Some(if name.starts_with('_') && name != "_index.md" {
            Change::Partial(owned)
        } else {
            Change::Markdown(owned)
        });
    }
    // A part of a screenshot that is there: an orphan sidecar, or a twin without its
    // screenshot, changes what a full build reports (or shows), so it is content.
    match crate::screenshots::screenshot_of_part(rel) {
        Some(image) if root.join(&image).is_file() => Some(Change::ScreenshotPart(owned, image)),
        _ => Some(Change::Content(owned)),
    }
}

/// How much a batch of changes makes a rebuild redo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Load site.toml again and build everything with a new cache.
    Config,
    /// Markdown files only (pages and partials): re-render the pages of body-edited
    /// files and every page that includes a changed file, directly or through another
    /// (`incremental`); else build the site through the cache.
    Pages(Vec<PathBuf>),
    /// Templates, theme files and stylesheets only: render the pages again from
    /// memory, reading no source.
    Theme,
    /// Sidecars and dark twins only: render again the pages that show a screenshot
    /// made of these files (the changed files and their screenshots).
    Screenshots(Vec<PathBuf>),
    /// Build the site through the cache (unchanged files are not rendered again).
    Site,
}

/// The plan for `changes`. `served_is_current`: the last build succeeded, so the
/// state in memory matches what is served (else only a full build can catch up).
pub fn plan(changes: &[Change], have_config: bool, served_is_current: bool) -> Plan {
    if !have_config || changes.contains(&Change::Config) {
        return Plan::Config;
    }
    if !served_is_current {
        return Plan::Site;
    }
    let markdown: Option<Vec<PathBuf>> = changes
        .iter()
        .map(|c| match c {
            Change::Markdown(p) | Change::Partial(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    let parts: Option<Vec<PathBuf>> = changes
        .iter()
        .map(|c| match c {
            Change::ScreenshotPart(part, image) => Some([part.clone(), image.clone()]),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
        .map(|pairs| pairs.into_iter().flatten().collect());
    match (markdown, parts) {
        (Some(files), _) if !files.is_empty() => Plan::Pages(files),
        (_, Some(mut files)) if !files.is_empty() => {
            files.sort();
            files.dedup();
            Plan::Screenshots(files)
        }
        _ if !changes.is_empty() && changes.iter().all(is_theme_change) => Plan::Theme,
        _ => Plan::Site,
    }
}

/// Whether a change only touches what the theme is made of (templates, theme files,
/// stylesheets), so the pages can be rendered again without reading any source.
/// Other files of `static/` may be screenshots (`/…` paths): those need a full build.
fn is_theme_change(change: &Change) -> bool {
    matches!(change, Change::Stylesheet(_) | Change::Template(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_changes() {
        let root = Path::new("/site");
        let c = |p: &str| classify(root, None, Path::new(p));
        let table: &[(&str, Option<Change>)] = &[
            ("/site/site.toml", Some(Change::Config)),
            (
                "/site/static/style.css",
                Some(Change::Stylesheet("static/style.css".into())),
            ),
            (
                "themes/t/static/a.css",
                Some(Change::Stylesheet("themes/t/static/a.css".into())),
            ),
            (
                "templates/base.html",
                Some(Change::Template("templates/base.html".into())),
            ),
            (
                "themes/t/templates/guide.html",
                Some(Change::Template("themes/t/templates/guide.html".into())),
            ),
            (
                "static/logo.png",
                Some(Change::Static("static/logo.png".into())),
            ),
            // Without a config every content change is a full rebuild.
            ("content/a.md", Some(Change::Content("content/a.md".into()))),
            (
                "content/shots/a.png",
                Some(Change::Content("content/shots/a.png".into())),
            ),
            ("content/.a.md.swp", None),
            ("content/a.md~", None),
            ("content/#a.md#", None),
            ("content/4913", None),
            ("content/x.tmp", None),
            ("content/a.md___jb_tmp___", None),
            ("public/index.html", None),
            ("/elsewhere/a.md", None),
            ("README.md", None),
        ];
        for (path, expected) in table {
            assert_eq!(&c(path), expected, "{path}");
        }
        let config = Config::parse(
            "title = \"T\"\nbase_url = \"https://t.example/\"\n",
            Path::new("site.toml"),
        )
        .unwrap();
        let with_config: &[(&str, Option<Change>)] = &[
            (
                "content/a.md",
                Some(Change::Markdown("content/a.md".into())),
            ),
            (
                "content/_index.md",
                Some(Change::Markdown("content/_index.md".into())),
            ),
            (
                "content/_sign-in.md",
                Some(Change::Partial("content/_sign-in.md".into())),
            ),
            (
                "content/shared/_step.md",
                Some(Change::Partial("content/shared/_step.md".into())),
            ),
            // A folder named with `_` holds pages, not partials.
            (
                "content/_drafts/a.md",
                Some(Change::Markdown("content/_drafts/a.md".into())),
            ),
            (
                "content/_shot.png",
                Some(Change::Content("content/_shot.png".into())),
            ),
        ];
        for (path, expected) in with_config {
            assert_eq!(
                &classify(root, Some(&config), Path::new(path)),
                expected,
                "{path}"
            );
        }
    }

    #[test]
    fn classifies_parts_of_screenshots_that_exist() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/shots")).unwrap();
        std::fs::write(root.join("content/shots/a.png"), b"png").unwrap();
        let config = Config::parse(
            "title = \"T\"\nbase_url = \"https://t.example/\"\n",
            Path::new("site.toml"),
        )
        .unwrap();
        let c = |p: &str| classify(root, Some(&config), Path::new(p));
        let part = |p: &str| {
            Some(Change::ScreenshotPart(
                p.into(),
                "content/shots/a.png".into(),
            ))
        };
        let content = |p: &str| Some(Change::Content(PathBuf::from(p)));
        let table: &[(&str, Option<Change>)] = &[
            ("content/shots/a.png.yaml", part("content/shots/a.png.yaml")),
            ("content/shots/a.dark.png", part("content/shots/a.dark.png")),
            ("content/shots/a.png", content("content/shots/a.png")),
            // No screenshot beside it: an orphan (a warning of the full build).
            (
                "content/shots/b.png.yaml",
                content("content/shots/b.png.yaml"),
            ),
            (
                "content/shots/b.dark.png",
                content("content/shots/b.dark.png"),
            ),
            (
                "content/shots/a.txt.yaml",
                content("content/shots/a.txt.yaml"),
            ),
            (
                "content/shots/a.dark.txt",
                content("content/shots/a.dark.txt"),
            ),
            // static/ is copied as it is, minus redacted screenshots: a full build.
            (
                "static/a.png.yaml",
                Some(Change::Static("static/a.png.yaml".into())),
            ),
        ];
        for (path, expected) in table {
            assert_eq!(&c(path), expected, "{path}");
        }
    }

    #[test]
    fn plans_what_changes_rebuild() {
        let md = |p: &str| Change::Markdown(p.into());
        let part = |p: &str, image: &str| Change::ScreenshotPart(p.into(), image.into());
        let partial = |p: &str| Change::Partial(p.into());
        let table: Vec<(Vec<Change>, bool, bool, Plan)> = vec![
            (vec![md("content/a.md")], false, true, Plan::Config),
            (
                vec![md("content/a.md"), Change::Config],
                true,
                true,
                Plan::Config,
            ),
            (vec![md("content/a.md")], true, false, Plan::Site),
            (
                vec![md("content/a.md"), md("content/b.md")],
                true,
                true,
                Plan::Pages(vec!["content/a.md".into(), "content/b.md".into()]),
            ),
            (
                vec![Change::Template("templates/guide.html".into())],
                true,
                true,
                Plan::Theme,
            ),
            (
                vec![
                    Change::Stylesheet("static/style.css".into()),
                    Change::Template("themes/t/templates/base.html".into()),
                ],
                true,
                true,
                Plan::Theme,
            ),
            (
                vec![Change::Static("static/shot.png".into())],
                true,
                true,
                Plan::Site,
            ),
            (
                vec![md("content/a.md"), Change::Content("content/a.png".into())],
                true,
                true,
                Plan::Site,
            ),
            // A partial re-renders the pages that include it (found by `incremental`).
            (
                vec![partial("content/_step.md")],
                true,
                true,
                Plan::Pages(vec!["content/_step.md".into()]),
            ),
            (
                vec![partial("content/_step.md"), md("content/a.md")],
                true,
                true,
                Plan::Pages(vec!["content/_step.md".into(), "content/a.md".into()]),
            ),
            (vec![partial("content/_step.md")], true, false, Plan::Site),
            (
                vec![
                    partial("content/_step.md"),
                    Change::Content("content/a.png".into()),
                ],
                true,
                true,
                Plan::Site,
            ),
            (
                vec![partial("content/_step.md"), Change::Config],
                true,
                true,
                Plan::Config,
            ),
            (
                vec![
                    Change::Template("templates/guide.html".into()),
                    md("content/a.md"),
                ],
                true,
                true,
                Plan::Site,
            ),
            (
                vec![
                    part("s/b.png.yaml", "s/b.png"),
                    part("s/a.dark.png", "s/a.png"),
                ],
                true,
                true,
                Plan::Screenshots(vec![
                    "s/a.dark.png".into(),
                    "s/a.png".into(),
                    "s/b.png".into(),
                    "s/b.png.yaml".into(),
                ]),
            ),
            (
                vec![part("s/a.png.yaml", "s/a.png")],
                true,
                false,
                Plan::Site,
            ),
            (
                vec![part("s/a.png.yaml", "s/a.png"), md("content/a.md")],
                true,
                true,
                Plan::Site,
            ),
            (
                vec![
                    part("s/a.png.yaml", "s/a.png"),
                    Change::Content("s/a.png".into()),
                ],
                true,
                true,
                Plan::Site,
            ),
        ];
        for (changes, have_config, current, expected) in table {
            assert_eq!(
                plan(&changes, have_config, current),
                expected,
                "{changes:?}"
            );
        }
    }
}
