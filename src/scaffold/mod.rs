//! `guidepost new DIR`: a small site that builds without a warning.

use crate::diag::Diagnostic;
use std::path::Path;

const FILES: &[(&str, &str)] = &[
    ("site.toml", include_str!("site.toml")),
    ("content/_index.md", include_str!("home.md")),
    (
        "content/getting-started/_index.md",
        include_str!("section.md"),
    ),
    (
        "content/getting-started/write-a-guide.md",
        include_str!("guide.md"),
    ),
    (
        "content/getting-started/screenshots/editor.svg",
        include_str!("editor.svg"),
    ),
];

pub fn create(dir: &Path) -> Result<(), Diagnostic> {
    let refuse = |m: String| Diagnostic::error("new", dir, m);
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| refuse(format!("cannot read the folder: {e}")))?
            .next()
            .is_none();
        if !empty {
            return Err(
                refuse("the folder exists and is not empty".into()).help("pick a new folder name")
            );
        }
    }
    for (path, text) in FILES {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| refuse(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(&target, text)
            .map_err(|e| refuse(format!("cannot write {}: {e}", target.display())))?;
    }
    Ok(())
}
