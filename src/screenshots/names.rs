//! The files that belong to a screenshot, by name: its sidecar (`NAME.EXT.yaml`)
//! and its dark twin (`NAME.dark.EXT`); and which files of `static/` are published
//! as they are, never a redacted screenshot's original.

use super::exists;
use crate::source::sidecar;
use std::path::{Path, PathBuf};

/// `NAME.EXT.yaml` beside `NAME.EXT`.
pub fn sidecar_of(image: &Path) -> PathBuf {
    let mut name = image.as_os_str().to_os_string();
    name.push(".yaml");
    PathBuf::from(name)
}

/// `NAME.dark.EXT` beside `NAME.EXT`.
pub fn twin_of(image: &Path) -> PathBuf {
    let stem = image
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match image.extension() {
        Some(ext) => image.with_file_name(format!("{stem}.dark.{}", ext.to_string_lossy())),
        None => image.with_file_name(format!("{stem}.dark")),
    }
}

/// The image a sidecar (`NAME.EXT.yaml`) or a dark twin (`NAME.dark.EXT`) belongs
/// to, by name alone: None for any other file.
pub fn screenshot_of_part(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    if let Some(image) = name.strip_suffix(".yaml") {
        let ext = Path::new(image).extension()?.to_str()?.to_ascii_lowercase();
        return IMAGE_EXTS
            .contains(&ext.as_str())
            .then(|| path.with_file_name(image));
    }
    let ext = Path::new(name).extension()?.to_str()?;
    if !IMAGE_EXTS.contains(&ext.to_ascii_lowercase().as_str()) {
        return None;
    }
    let stem = name
        .strip_suffix(ext)?
        .strip_suffix('.')?
        .strip_suffix(".dark")?;
    (!stem.is_empty()).then(|| path.with_file_name(format!("{stem}.{ext}")))
}

/// Whether a file of `static/` is copied to the output as it is. Not a sidecar beside
/// its screenshot (it is data), nor a screenshot or dark twin whose sidecar redacts
/// it (or cannot be read, so might): those reach the output only as screenshots,
/// redacted, never as the original file.
pub fn static_file_published_as_is(path: &Path) -> bool {
    let is_sidecar = path.to_string_lossy().ends_with(".yaml");
    if let Some(image) = screenshot_of_part(path) {
        if is_sidecar {
            return !image.exists();
        }
        if redacts(&sidecar_of(&image)) {
            return false; // a dark twin of a redacted screenshot
        }
    }
    let is_image = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTS.contains(&e.to_ascii_lowercase().as_str()));
    !(is_image && redacts(&sidecar_of(path)))
}

/// Whether the sidecar at `path` exists and redacts (or cannot be read).
fn redacts(sidecar_path: &Path) -> bool {
    if !exists(sidecar_path) {
        return false;
    }
    match std::fs::read_to_string(sidecar_path) {
        Ok(text) => sidecar::parse(&text, sidecar_path).map_or(true, |s| !s.redact.is_empty()),
        Err(_) => true,
    }
}

/// The extensions of screenshots.
pub const IMAGE_EXTS: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "svg"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_a_screenshot_by_name() {
        let p = Path::new;
        assert_eq!(sidecar_of(p("s/a.png")), p("s/a.png.yaml"));
        assert_eq!(twin_of(p("s/a.png")), p("s/a.dark.png"));
        assert_eq!(twin_of(p("s/a.b.svg")), p("s/a.b.dark.svg"));
        let table: &[(&str, Option<&str>)] = &[
            ("s/a.png.yaml", Some("s/a.png")),
            ("s/a.PNG.yaml", Some("s/a.PNG")),
            ("s/a.dark.png", Some("s/a.png")),
            ("s/a.b.dark.svg", Some("s/a.b.svg")),
            ("s/a.dark.png.yaml", Some("s/a.dark.png")),
            ("s/a.png", None),
            ("s/.dark.png", None),
            ("s/a.yaml", None),
            ("s/a.txt.yaml", None),
            ("s/a.dark.txt", None),
        ];
        for (path, image) in table {
            assert_eq!(
                screenshot_of_part(p(path)).as_deref(),
                image.map(p),
                "{path}"
            );
        }
    }
}
