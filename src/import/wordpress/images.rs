//! Where each image of a post ends up: a file copied from `--uploads` into the guide's
//! `screenshots/`, or its URL kept (made absolute) when the file is not there.
//!
//! A post shows a resized copy (`licensing-300x200.png`) linked to the full-size file
//! (`licensing.png`), both under `/wp-content/uploads/`. The full size is preferred,
//! since the build makes the smaller widths itself and the lightbox shows the full
//! one: the file the image links to, then the name without its size suffix
//! (`-300x200`, `-scaled`), then the name as shown. The first that exists in the
//! uploads copy is used. A link to something other than an image stays around it.

use super::html::{destination, escape_text, ImageRef};
use super::sanitize::safe_url;
use regex::Regex;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// The formats the build measures and publishes as screenshots.
const SCREENSHOT_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "svg"];
const UPLOADS: &str = "/wp-content/uploads/";

static SIZE_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-(?:\d{1,5}x\d{1,5}|scaled|rotated)(\.[A-Za-z0-9]+)$").expect("valid regex")
});

/// The blog's `wp-content/uploads` copy (`--uploads`), canonical.
#[derive(Debug, Clone)]
pub struct Uploads {
    dir: PathBuf,
}

impl Uploads {
    pub fn open(dir: &Path) -> std::io::Result<Uploads> {
        let dir = dir.canonicalize()?;
        if !dir.is_dir() {
            return Err(std::io::Error::other("not a folder"));
        }
        Ok(Uploads { dir })
    }

    /// The file for an uploads-relative path, if it is a file inside the folder.
    fn file(&self, rel: &str) -> Option<PathBuf> {
        let safe = rel.split('/').all(|part| {
            !part.is_empty() && part != "." && part != ".." && !part.contains(['\\', '\0'])
        });
        if !safe {
            return None;
        }
        let path = self.dir.join(rel).canonicalize().ok()?;
        (path.starts_with(&self.dir) && path.is_file()).then_some(path)
    }
}

/// What the importer knows besides the post: the blog's addresses and attachments.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The blog's address, for root-relative URLs.
    pub base_url: String,
    /// Attachment page link → the attachment's file URL.
    pub attachments: HashMap<String, String>,
}

/// A file to copy into the guide's folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Copy {
    #[serde(skip)]
    pub from: PathBuf,
    /// `screenshots/NAME`
    pub to: String,
    /// The URL the post used.
    pub url: String,
}

/// An image whose file was not found, with what the guide shows instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub url: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// The markdown of image N, in the order of `ImageRef`s.
    pub markdown: Vec<String>,
    pub copies: Vec<Copy>,
    pub missing: Vec<Missing>,
    /// Images with neither alt text nor caption (the build warns about them).
    pub without_alt: Vec<String>,
}

pub fn place(images: &[ImageRef], uploads: Option<&Uploads>, context: &Context) -> Placement {
    let mut placement = Placement::default();
    let mut names: HashMap<PathBuf, String> = HashMap::new();
    for image in images {
        let full = image
            .link
            .as_deref()
            .map(|l| context.attachments.get(l).map(String::as_str).unwrap_or(l))
            .filter(|l| is_image_url(l));
        let other_link = image.link.as_deref().filter(|_| full.is_none());
        let found = uploads.and_then(|u| find_file(u, full, &image.src));
        let src = match found {
            Some(path) => {
                let to = name_for(&path, &mut names);
                if !placement.copies.iter().any(|c| c.to == to) {
                    placement.copies.push(Copy {
                        from: path,
                        to: to.clone(),
                        url: full.unwrap_or(&image.src).to_string(),
                    });
                }
                to
            }
            None => {
                let reason = if uploads.is_none() {
                    "no --uploads folder given"
                } else if uploads_part(&image.src).is_none() {
                    "not under /wp-content/uploads/"
                } else {
                    "not in the uploads folder"
                };
                match absolute(&image.src, &context.base_url) {
                    Some(url) => {
                        placement.missing.push(Missing {
                            url: url.clone(),
                            reason: format!("{reason}: the guide links to the blog's copy"),
                        });
                        url
                    }
                    None => {
                        placement.missing.push(Missing {
                            url: image.src.clone(),
                            reason: format!("{reason}, and the URL is not absolute: left out, its alt text kept"),
                        });
                        placement.markdown.push(escape_text(&alt_of(image)));
                        continue;
                    }
                }
            }
        };
        let alt = alt_of(image);
        if alt.is_empty() {
            placement.without_alt.push(src.clone());
        }
        let mut markdown = format!("![{}]({}", escape_text(&alt), destination(&src));
        if !image.caption.is_empty() {
            markdown.push_str(&format!(
                " \"{}\"",
                image.caption.replace('\\', "\\\\").replace('"', "\\\"")
            ));
        }
        markdown.push(')');
        if let Some(link) = other_link.filter(|l| safe_url(l)) {
            markdown = format!("[{markdown}]({})", destination(link));
        }
        placement.markdown.push(markdown);
    }
    placement
}

/// Alt text: the image's own, else its caption.
fn alt_of(image: &ImageRef) -> String {
    if image.alt.trim().is_empty() {
        image.caption.trim().to_string()
    } else {
        image.alt.trim().to_string()
    }
}

fn find_file(uploads: &Uploads, full: Option<&str>, src: &str) -> Option<PathBuf> {
    let mut candidates: Vec<String> = Vec::new();
    if let Some(rel) = full.and_then(uploads_part) {
        candidates.push(rel);
    }
    if let Some(rel) = uploads_part(src) {
        candidates.push(SIZE_SUFFIX.replace(&rel, "$1").into_owned());
        candidates.push(rel);
    }
    candidates
        .iter()
        .filter(|rel| has_screenshot_extension(rel))
        .find_map(|rel| uploads.file(rel))
}

/// The part of a URL after `/wp-content/uploads/`, percent-decoded, without query.
fn uploads_part(url: &str) -> Option<String> {
    let at = url.find(UPLOADS)? + UPLOADS.len();
    let rest = url[at..].split(['?', '#']).next().unwrap_or("");
    let decoded = crate::url::percent_decode(rest);
    (!decoded.is_empty()).then_some(decoded)
}

fn has_screenshot_extension(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| SCREENSHOT_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

fn is_image_url(url: &str) -> bool {
    has_screenshot_extension(url.split(['?', '#']).next().unwrap_or(""))
}

/// An http(s) URL for `src`: as it is, or joined to the blog's address.
fn absolute(src: &str, base: &str) -> Option<String> {
    let src = src.trim();
    let lower = src.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return Some(src.to_string());
    }
    let base = base.trim_end_matches('/');
    let base_lower = base.to_ascii_lowercase();
    if !(base_lower.starts_with("https://") || base_lower.starts_with("http://")) {
        return None;
    }
    if let Some(rest) = src.strip_prefix("//") {
        let scheme = base.split("://").next().unwrap_or("https");
        return Some(format!("{scheme}://{rest}"));
    }
    if src.starts_with('/') {
        let origin_end = base
            .find("://")
            .map(|i| i + 3)
            .and_then(|i| base[i..].find('/').map(|j| i + j));
        let origin = origin_end.map_or(base, |e| &base[..e]);
        return Some(format!("{origin}{src}"));
    }
    None
}

/// `screenshots/NAME` for a file, the same for the same file, unique in the guide.
fn name_for(path: &Path, names: &mut HashMap<PathBuf, String>) -> String {
    if let Some(name) = names.get(path) {
        return name.clone();
    }
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let clean: String = file
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let (stem, ext) = clean.rsplit_once('.').unwrap_or((&clean, ""));
    let stem = stem.trim_matches(['-', '.']);
    let stem = if stem.is_empty() { "image" } else { stem };
    let taken: Vec<&String> = names.values().collect();
    let name = (1..)
        .map(|n| {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!("-{n}")
            };
            format!("screenshots/{stem}{suffix}.{}", ext.to_ascii_lowercase())
        })
        .find(|candidate| !taken.contains(&candidate))
        .unwrap_or_default();
    names.insert(path.to_path_buf(), name.clone());
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uploads() -> (tempfile::TempDir, Uploads) {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "2013/05/licensing.png",
            "2013/05/only-300x200.png",
            "2014/01/licensing.png",
            "2013/05/doc.pdf",
        ] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, f).unwrap();
        }
        let u = Uploads::open(dir.path()).unwrap();
        (dir, u)
    }

    fn image(src: &str, link: Option<&str>, alt: &str, caption: &str) -> ImageRef {
        ImageRef {
            src: src.into(),
            link: link.map(String::from),
            alt: alt.into(),
            caption: caption.into(),
        }
    }

    const B: &str = "https://blog.example.com/wp-content/uploads/";

    #[test]
    fn the_full_size_file_is_preferred_and_names_stay_unique() {
        let (_d, u) = uploads();
        let images = vec![
            image(
                &format!("{B}2013/05/licensing-300x200.png"),
                Some(&format!("{B}2013/05/licensing.png")),
                "Licensing",
                "",
            ),
            image(
                &format!("{B}2013/05/licensing-1024x600.png"),
                None,
                "",
                "Caption \"x\"",
            ),
            image(&format!("{B}2013/05/only-300x200.png"), None, "", ""),
            image(
                &format!("{B}2014/01/licensing.png"),
                Some("https://other.example/"),
                "Other",
                "",
            ),
        ];
        let p = place(&images, Some(&u), &Context::default());
        assert_eq!(
            p.markdown,
            vec![
                "![Licensing](screenshots/licensing.png)".to_string(),
                "![Caption \"x\"](screenshots/licensing.png \"Caption \\\"x\\\"\")".to_string(),
                "![](screenshots/only-300x200.png)".to_string(),
                "[![Other](screenshots/licensing-2.png)](https://other.example/)".to_string(),
            ]
        );
        assert_eq!(p.copies.len(), 3);
        assert_eq!(p.without_alt, vec!["screenshots/only-300x200.png"]);
        assert!(p.missing.is_empty());
    }

    #[test]
    fn missing_files_keep_an_absolute_url() {
        let (_d, u) = uploads();
        let context = Context {
            base_url: "https://blog.example.com/blog/".into(),
            ..Context::default()
        };
        let images = vec![
            image("/wp-content/uploads/2020/01/gone.png", None, "Gone", ""),
            image("https://cdn.example.com/pic.png", None, "Remote", ""),
            image("relative/pic.png", None, "Rel", ""),
            image(&format!("{B}2013/05/doc.pdf"), None, "Pdf", ""),
            image(&format!("{B}../../../etc/passwd.png"), None, "Escape", ""),
        ];
        let p = place(&images, Some(&u), &context);
        assert_eq!(
            p.markdown[0],
            "![Gone](https://blog.example.com/wp-content/uploads/2020/01/gone.png)"
        );
        assert_eq!(p.markdown[1], "![Remote](https://cdn.example.com/pic.png)");
        assert_eq!(p.markdown[2], "Rel");
        assert!(p.copies.is_empty());
        assert_eq!(p.missing.len(), 5);
        assert!(p.missing[1]
            .reason
            .starts_with("not under /wp-content/uploads/"));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_uploads_is_not_followed() {
        let (d, u) = uploads();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.png"), "secret").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.png"),
            d.path().join("2013/05/link.png"),
        )
        .unwrap();
        let images = vec![image(&format!("{B}2013/05/link.png"), None, "L", "")];
        let p = place(&images, Some(&u), &Context::default());
        assert!(p.copies.is_empty());
        assert_eq!(p.missing.len(), 1);
    }

    #[test]
    fn attachment_pages_lead_to_their_file() {
        let (_d, u) = uploads();
        let context = Context {
            attachments: HashMap::from([(
                "https://blog.example.com/post/licensing/".to_string(),
                format!("{B}2014/01/licensing.png"),
            )]),
            ..Context::default()
        };
        let images = vec![image(
            &format!("{B}2014/01/licensing-150x150.png"),
            Some("https://blog.example.com/post/licensing/"),
            "L",
            "",
        )];
        let p = place(&images, Some(&u), &context);
        assert_eq!(p.markdown[0], "![L](screenshots/licensing.png)");
    }
}
