//! `guidepost version cut ID`: freezes the current docs as version ID. The current
//! version's folder is copied to `versions/ID/` (through a temporary folder, so a failed
//! copy leaves nothing), then site.toml is edited as a document, keeping its comments
//! and order, and replaced in one rename.
//!
//! Symlinks are not copied as links: a link to a file inside the site is copied as
//! that file (the frozen version must not change when the current one does); a link to
//! a file outside the site, and any link to a folder (the build follows none), is left
//! out with a warning, so that no file from elsewhere on the machine is copied in.

use crate::config::{is_valid_id, unusable_version_id, Config, CONFIG_FILE};
use crate::diag::Diagnostic;
use std::path::{Path, PathBuf};
use toml_edit::{value, ArrayOfTables, DocumentMut, Item, Table};

/// What a successful cut did, for the message.
pub struct Cut {
    pub id: String,
    pub folder: PathBuf,
    pub added_current: bool,
    /// Symlinks that were not copied, as warnings.
    pub skipped: Vec<Diagnostic>,
}

pub fn cut(root: &Path, id: &str, label: Option<&str>) -> Result<Cut, Diagnostic> {
    let refuse = |m: String| Diagnostic::error("version-cut", CONFIG_FILE, m);
    let root = root
        .canonicalize()
        .map_err(|e| refuse(format!("cannot open the site folder: {e}")))?;
    let root = root.as_path();
    let config = Config::load(root).map_err(|ds| {
        ds.into_iter()
            .next()
            .unwrap_or_else(|| refuse("site.toml is not valid".into()))
    })?;
    if !is_valid_id(id) {
        return Err(refuse(format!("`{id}` is not a valid version id"))
            .help("use lowercase letters, digits, `-`, `_` and `.`, such as 2013 or v2"));
    }
    if let Some(why) = unusable_version_id(id) {
        return Err(refuse(format!("`{id}` cannot be a version id: {why}"))
            .help("pick another id, such as 2013 or v2"));
    }
    // Leftovers of a cut that was killed (its process is gone).
    crate::tempdirs::remove_stale(&root.join("versions"), None);
    crate::tempdirs::remove_stale(root, Some(CONFIG_FILE));
    let specs = config.version_specs();
    let current = specs
        .iter()
        .find(|v| v.current)
        .ok_or_else(|| refuse("site.toml has no current version".into()))?;
    let unversioned = config.versions.is_empty();
    if specs.iter().any(|v| v.id == id) && !unversioned || (unversioned && id == "current") {
        return Err(refuse(format!("version `{id}` already exists"))
            .help("pick another id; `guidepost version cut` never replaces a version"));
    }
    let target = root.join("versions").join(id);
    if target.exists() {
        return Err(refuse(format!("the folder versions/{id}/ already exists"))
            .help("remove it or pick another id"));
    }
    let source = root.join(&current.dir);
    if source.join(id).is_dir() {
        return Err(refuse(format!(
            "`{id}` is also a top-level section of {}: both would be served at /{id}/",
            current.dir.display()
        )));
    }

    let text = std::fs::read_to_string(root.join(CONFIG_FILE))
        .map_err(|e| refuse(format!("cannot read site.toml: {e}")))?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| refuse(format!("cannot edit site.toml: {e}")))?;
    add_versions(&mut doc, id, label.unwrap_or(id), unversioned);

    let skipped = copy_folder(root, &source, &target).map_err(|e| {
        refuse(format!(
            "cannot copy {} to versions/{id}/: {e}",
            source.display()
        ))
    })?;
    if let Err(e) = replace_file(&root.join(CONFIG_FILE), &doc.to_string()) {
        let _ = std::fs::remove_dir_all(&target);
        return Err(refuse(format!("cannot write site.toml: {e}")));
    }
    Ok(Cut {
        id: id.to_string(),
        folder: target,
        added_current: unversioned,
        skipped,
    })
}

/// Appends `[[versions]]` for the new id (and, on an unversioned site, first the
/// current version, which until now was implicit).
fn add_versions(doc: &mut DocumentMut, id: &str, label: &str, unversioned: bool) {
    if !matches!(doc.get("versions"), Some(Item::ArrayOfTables(_))) {
        doc.insert("versions", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    if let Some(Item::ArrayOfTables(list)) = doc.get_mut("versions") {
        if unversioned {
            let mut current = Table::new();
            current.insert("id", value("current"));
            current.insert("label", value("Current"));
            current.insert("current", value(true));
            list.push(current);
        }
        let mut frozen = Table::new();
        frozen.insert("id", value(id));
        frozen.insert("label", value(label));
        list.push(frozen);
    }
}

/// Copies `from` into a temporary folder beside `to`, then renames it to `to`; returns
/// a warning for each symlink it left out (see the module's comment).
fn copy_folder(root: &Path, from: &Path, to: &Path) -> std::io::Result<Vec<Diagnostic>> {
    let parent = to.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let staging = crate::tempdirs::temp_path(to);
    let mut skipped = Vec::new();
    let result = (|| {
        for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
            let entry = entry.map_err(std::io::Error::other)?;
            let rel = entry.path().strip_prefix(from).unwrap_or(entry.path());
            if rel
                .components()
                .any(|c| crate::source::is_ignored_name(&c.as_os_str().to_string_lossy()))
            {
                continue;
            }
            let dest = staging.join(rel);
            if entry.path_is_symlink() {
                if let Some(warning) = symlink_left_out(root, entry.path()) {
                    skipped.push(warning);
                    continue;
                }
            }
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest)?;
            } else {
                std::fs::copy(entry.path(), &dest)?;
            }
        }
        std::fs::rename(&staging, to)
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result.map(|()| skipped)
}

/// The warning for a symlink that a cut does not copy, or None for a link to a file
/// inside the site (`root`, canonical), which is copied as that file.
fn symlink_left_out(root: &Path, link: &Path) -> Option<Diagnostic> {
    let site_path = crate::source::rel_to(root, link);
    let warning =
        |code: &'static str, message: String| Some(Diagnostic::warning(code, &site_path, message));
    let Ok(target) = link.canonicalize() else {
        return warning(
            "symlink-broken",
            "this symlink leads nowhere: it is not copied into the new version".into(),
        );
    };
    if !target.starts_with(root) {
        return warning(
            "symlink-outside",
            format!(
                "this symlink leads out of the site (to {}): it is not copied into the new version",
                target.display()
            ),
        );
    }
    if target.is_dir() {
        return warning(
            "symlink-folder",
            "folder symlinks are not followed by the build: this one is not copied into the new version".into(),
        );
    }
    None
}

/// Writes `text` beside `path` and renames it over `path`.
fn replace_file(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = crate::tempdirs::temp_path(path);
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_versions_keeping_comments() {
        let mut doc: DocumentMut =
            "# top comment\ntitle = \"T\" # inline\n\n[build]\nstrict = false\n"
                .parse()
                .unwrap();
        add_versions(&mut doc, "2013", "Office 365 (2013)", true);
        let out = doc.to_string();
        assert!(
            out.starts_with("# top comment\ntitle = \"T\" # inline\n"),
            "{out}"
        );
        assert!(
            out.contains("[[versions]]\nid = \"current\"\nlabel = \"Current\"\ncurrent = true\n"),
            "{out}"
        );
        assert!(
            out.contains("[[versions]]\nid = \"2013\"\nlabel = \"Office 365 (2013)\"\n"),
            "{out}"
        );
        let config = Config::parse(
            &out.replace("title = \"T\"", "title = \"T\"\nbase_url = \"https://x/\""),
            Path::new("site.toml"),
        );
        assert!(config.is_ok());
    }
}
