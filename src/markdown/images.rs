//! Images in markdown (SPEC §3.2): a screenshot (an image alone on its line of a
//! paragraph) is a `<figure>` with a link to the full image; any other image (in a
//! sentence, a table cell, a heading, a link) is an inline `<img>` in place. Both are
//! measured, hashed and copied once (see `screenshots`); raw HTML `<img>` resolves
//! through the same `resolve_image`.

use super::links::has_scheme;
use super::{PageState, RenderDep};
use crate::diag::Diagnostic;
use crate::html::escape;
use crate::screenshots::{html, ImageError, ImageInfo};
use std::sync::Arc;

/// What an image reference resolved to.
pub(super) enum ImageRef {
    /// A file of the site, copied: its URL and size.
    Local(Arc<ImageInfo>),
    /// Another host's image, or a `data:` URL: written as it is.
    AsWritten,
    /// Nothing usable; the error is reported.
    Missing,
}

impl PageState<'_> {
    /// A screenshot: `figure > a[href=full image] > img` (in a `picture` with a dark
    /// twin), its marks and legend, then the title as caption.
    pub(super) fn figure(
        &mut self,
        src: &str,
        title: &str,
        alt: &str,
        line: usize,
        col: usize,
    ) -> String {
        self.check_alt(src, alt, "screenshot", line, col);
        match self.resolve_image(src, line, col) {
            ImageRef::Local(img) => {
                let legend_id = (!img.marks.is_empty()).then(|| {
                    self.legends += 1;
                    format!("marks-{}", self.legends)
                });
                html::figure(&img, alt, title, legend_id.as_deref())
            }
            ImageRef::AsWritten => html::remote_figure(src, alt, title),
            ImageRef::Missing => String::new(),
        }
    }

    /// An image in a sentence, a table cell, a heading or a link: `<img>` in place,
    /// no figure and no lightbox. One that does not resolve shows its alt text.
    pub(super) fn inline_image(
        &mut self,
        src: &str,
        title: &str,
        alt: &str,
        line: usize,
        col: usize,
    ) -> String {
        self.check_alt(src, alt, "image", line, col);
        let (url, size) = match self.resolve_image(src, line, col) {
            ImageRef::Local(img) => (img.url.clone(), dimensions(&img)),
            ImageRef::AsWritten => (src.to_string(), String::new()),
            ImageRef::Missing => return escape(alt),
        };
        let title = if title.is_empty() {
            String::new()
        } else {
            format!(" title=\"{}\"", escape(title))
        };
        format!(
            "<img class=\"inline-image\" src=\"{}\" alt=\"{}\"{size}{title} loading=\"lazy\" decoding=\"async\">",
            escape(&url),
            escape(alt),
        )
    }

    fn check_alt(&mut self, src: &str, alt: &str, what: &str, line: usize, col: usize) {
        if alt.trim().is_empty() {
            self.out.diags.push(
                Diagnostic::warning(
                    "image-alt",
                    self.page.site_path,
                    format!("{what} `{src}` has no alt text"),
                )
                .at(line, col)
                .help("describe what the image shows: ![Licensing page](…)"),
            );
        }
    }

    /// Resolves an image reference of the page (markdown or raw HTML): a local file
    /// is measured, hashed and copied; another host's is a `remote-image` warning;
    /// a missing or unreadable file is an error, with what was probably meant.
    pub(super) fn resolve_image(&mut self, src: &str, line: usize, col: usize) -> ImageRef {
        let file = self.page.site_path;
        if is_remote(src) {
            self.out.diags.push(
                Diagnostic::warning(
                    "remote-image",
                    file,
                    format!("image `{src}` is on another host: the page shows it only while that host serves it"),
                )
                .at(line, col)
                .help("save the image beside the markdown file and link it by its relative path"),
            );
            return ImageRef::AsWritten;
        }
        if has_scheme(src) {
            return ImageRef::AsWritten; // data: and the like carry the image themselves
        }
        // Relative to the file it is written in (an included file's own folder).
        let from = self.file_at(line).to_string();
        let result = self
            .env
            .assets
            .image(&super::page_dir(self.env, &from), src);
        self.out.deps.push(RenderDep::Image {
            from,
            src: src.to_string(),
            result: result.clone(),
        });
        match result {
            Ok(img) => {
                let max = self.env.max_screenshot_kb;
                if img.bytes > max * 1024 {
                    self.out.diags.push(
                        Diagnostic::warning(
                            "image-size",
                            file,
                            format!(
                                "screenshot `{src}` is {} KB, over max_screenshot_kb = {max}",
                                img.bytes.div_ceil(1024)
                            ),
                        )
                        .at(line, col)
                        .help("crop or compress it, or raise [build] max_screenshot_kb"),
                    );
                }
                ImageRef::Local(img)
            }
            // Reported at the sidecar or twin, once however many pages show it.
            Err(ImageError::Data { .. }) => ImageRef::Missing,
            Err(e) => {
                let help = match e {
                    ImageError::NotFound(_) => self.did_you_mean(src, line).unwrap_or_else(|| {
                        "the path is relative to the markdown file; a path starting with `/` is relative to static/".into()
                    }),
                    ImageError::OutsideSite(_) => "screenshots must be inside the site folder".into(),
                    ImageError::Unreadable(_) => "re-export the image as png, jpg, gif, webp or svg".into(),
                    ImageError::Data { .. } => String::new(),
                };
                self.out.diags.push(
                    Diagnostic::error("image", file, e.to_string())
                        .at(line, col)
                        .help(help),
                );
                ImageRef::Missing
            }
        }
    }

    /// "did you mean …" for a local reference (image, file or `.md` link) written at
    /// expanded line `line` that does not resolve, recorded as a dependency of the
    /// rendering.
    pub(super) fn did_you_mean(&mut self, written: &str, line: usize) -> Option<String> {
        self.suggestions_left = self.suggestions_left.checked_sub(1)?;
        let decoded = crate::url::percent_decode(written);
        let from = super::page_dir(self.env, self.file_at(line));
        let (base, rel) = super::suggest::base_for(&from, &decoded);
        let found = super::suggest::suggest(self.env.assets.root(), &base, &rel);
        let help = found.as_ref().map(|s| {
            let mut help = s.help();
            if decoded.starts_with('/') {
                help = help.replacen("did you mean `", "did you mean `/", 1);
            }
            help
        });
        self.out.deps.push(RenderDep::Suggestion {
            base,
            written: rel,
            found,
        });
        help
    }
}

/// `https://…`, `http://…` or `//host/…`: an image on another host.
pub(super) fn is_remote(src: &str) -> bool {
    let lower = src.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

fn dimensions(img: &ImageInfo) -> String {
    format!(" width=\"{}\" height=\"{}\"", img.width, img.height)
}
