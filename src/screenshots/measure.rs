//! What is read of an image file: its width and height from the header (an svg's from
//! its `<svg>` tag in the first `SVG_HEAD_BYTES`), and its content hash, streamed, so
//! memory stays small whatever the file holds.

use std::io::Read;
use std::path::Path;

/// How much of an svg file is read to find its `<svg …>` tag: the XML declaration,
/// comments and a doctype come before it, never megabytes of them.
pub(super) const SVG_HEAD_BYTES: u64 = 256 * 1024;

/// Width and height from the file's header (svg: its width/height or viewBox), reading
/// only the start of the file.
pub fn file_dimensions(path: &Path, ext: &str) -> Option<(u32, u32)> {
    if ext == "svg" {
        let mut head = Vec::new();
        std::fs::File::open(path)
            .ok()?
            .take(SVG_HEAD_BYTES)
            .read_to_end(&mut head)
            .ok()?;
        return svg_text_dimensions(&head);
    }
    raster_dimensions(ext, || imagesize::size(path).ok())
}

/// An svg's dimensions from the start of its file (`head`).
fn svg_text_dimensions(head: &[u8]) -> Option<(u32, u32)> {
    // The limit may cut a character in two: keep the valid part.
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
    };
    svg_dimensions(text)
}

/// A raster's dimensions as `size` reads them from its header, for the formats
/// screenshots may have.
fn raster_dimensions(
    ext: &str,
    size: impl FnOnce() -> Option<imagesize::ImageSize>,
) -> Option<(u32, u32)> {
    if !matches!(ext, "png" | "jpg" | "jpeg" | "gif" | "webp") {
        return None;
    }
    let size = size()?;
    let (w, h) = (
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    );
    (w > 0 && h > 0).then_some((w, h))
}

/// Files up to this size are read whole by `read_image` (screenshots usually are).
const READ_WHOLE_UP_TO: u64 = 256 * 1024;

/// What `measure` needs of an image file, from one opening of it: its size in bytes,
/// its width and height (`file_dimensions`) and its content hash (`hash_file`). A
/// version's screenshots are thousands of small files, and each opening of one costs
/// more than reading it. None when anything fails: the caller then asks the three
/// questions one by one, for the same diagnostics as ever.
///
/// `len` is the size the caller found when it looked the file up (None: not known).
/// The file is read to its end without asking its size again: `File::read_to_end`
/// would ask the file system for its size and position first (`fstat` and `lseek`),
/// two of the seven system calls that one screenshot cost.
pub(super) fn read_image(
    path: &Path,
    ext: &str,
    len: Option<u64>,
) -> Option<(u64, (u32, u32), blake3::Hash)> {
    if len.is_some_and(|len| len > READ_WHOLE_UP_TO) {
        return None;
    }
    measure_open(std::fs::File::open(path).ok()?, ext, len)
}

/// `read_image` of the file at `path` when it is no symlink
/// (`files::open_unlinked`), so that the caller need not look at the path first to
/// know. None for a symlink, as for any other failure.
pub(super) fn read_unlinked(path: &Path, ext: &str) -> Option<(u64, (u32, u32), blake3::Hash)> {
    let (file, len) = crate::files::open_unlinked(path)?;
    if len > READ_WHOLE_UP_TO {
        // Left to the caller's streamed reads now, not after reading it.
        return None;
    }
    measure_open(file, ext, Some(len))
}

/// `read_image` of the opened `file`, `len` bytes long when the caller knows.
fn measure_open(
    file: std::fs::File,
    ext: &str,
    len: Option<u64>,
) -> Option<(u64, (u32, u32), blake3::Hash)> {
    let content = crate::files::read_up_to(file, len.unwrap_or(8 * 1024), READ_WHOLE_UP_TO).ok()?;
    let bytes = content.len() as u64;
    if bytes > READ_WHOLE_UP_TO {
        return None;
    }
    let dimensions = if ext == "svg" {
        let head = &content[..content.len().min(SVG_HEAD_BYTES as usize)];
        svg_text_dimensions(head)?
    } else {
        raster_dimensions(ext, || imagesize::blob_size(&content).ok())?
    };
    Some((bytes, dimensions, blake3::hash(&content)))
}

/// The BLAKE3 hash of a file, read in small pieces.
pub(super) fn hash_file(path: &Path) -> std::io::Result<blake3::Hash> {
    let file = std::fs::File::open(path)?;
    Ok(blake3::Hasher::new().update_reader(file)?.finalize())
}

fn svg_dimensions(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let end = start + text[start..].find('>')?;
    let tag = &text[start..end];
    let attr = |name: &str| -> Option<&str> {
        let needle = format!(" {name}=");
        let i = tag.find(&needle)? + needle.len();
        let quote = tag[i..].chars().next()?;
        let rest = &tag[i + 1..];
        Some(&rest[..rest.find(quote)?])
    };
    let number = |s: &str| -> Option<f64> {
        let s = s.trim().trim_end_matches("px");
        s.parse::<f64>().ok().filter(|v| *v > 0.0)
    };
    if let (Some(w), Some(h)) = (
        attr("width").and_then(number),
        attr("height").and_then(number),
    ) {
        return Some((w.round() as u32, h.round() as u32));
    }
    let vb: Vec<f64> = attr("viewBox")?
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match vb.as_slice() {
        [_, _, w, h] if *w > 0.0 && *h > 0.0 => Some((w.round() as u32, h.round() as u32)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One opening gives what the three separate reads give, for every image of the
    /// test fixtures (every format, broken ones too).
    #[test]
    fn reading_an_image_once_equals_measuring_and_hashing_it() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut seen = 0;
        for entry in walkdir::WalkDir::new(fixtures) {
            let path = entry.unwrap().into_path();
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            if !matches!(
                ext.as_str(),
                "png" | "jpg" | "jpeg" | "gif" | "webp" | "svg"
            ) {
                continue;
            }
            seen += 1;
            let apart = file_dimensions(&path, &ext).map(|dims| {
                let bytes = std::fs::metadata(&path).unwrap().len();
                (bytes, dims, hash_file(&path).unwrap())
            });
            let len = std::fs::metadata(&path).unwrap().len();
            assert_eq!(read_image(&path, &ext, None), apart, "{}", path.display());
            assert_eq!(read_unlinked(&path, &ext), apart, "{}", path.display());
            assert_eq!(
                read_image(&path, &ext, Some(len)),
                apart,
                "{}",
                path.display()
            );
        }
        assert!(seen > 30, "{seen} images");
    }

    #[test]
    fn svg_sizes() {
        assert_eq!(
            svg_dimensions(r#"<svg xmlns="x" width="640" height="400">"#),
            Some((640, 400))
        );
        assert_eq!(
            svg_dimensions(r#"<svg viewBox="0 0 800 450" xmlns="x">"#),
            Some((800, 450))
        );
        assert_eq!(
            svg_dimensions(r#"<svg width="100%" viewBox="0,0,10,20">"#),
            Some((10, 20))
        );
        assert_eq!(svg_dimensions("<svg>"), None);
    }
}
