//! Screenshots in markdown: a `<figure>` with the image measured, hashed and copied
//! once (see `screenshots`), or the diagnostics of a reference that does not resolve.

use super::links::has_scheme;
use super::{PageState, RenderDep};
use crate::diag::Diagnostic;
use crate::html::escape;
use crate::screenshots::ImageError;

impl PageState<'_> {
    pub(super) fn figure(
        &mut self,
        src: &str,
        title: &str,
        alt: &str,
        line: usize,
        col: usize,
    ) -> String {
        let file = self.page.site_path;
        if alt.trim().is_empty() {
            self.out.diags.push(
                Diagnostic::warning(
                    "image-alt",
                    file,
                    format!("screenshot `{src}` has no alt text"),
                )
                .at(line, col)
                .help("describe what the screenshot shows: ![Licensing page](…)"),
            );
        }
        if has_scheme(src) {
            return format!(
                "<figure><a href=\"{0}\"><img src=\"{0}\" alt=\"{1}\" loading=\"lazy\" decoding=\"async\"></a>{2}</figure>\n",
                escape(src),
                escape(alt),
                caption(title)
            );
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
                format!(
                    "<figure><a href=\"{url}\"><img src=\"{url}\" alt=\"{alt}\" width=\"{w}\" height=\"{h}\" loading=\"lazy\" decoding=\"async\"></a>{cap}</figure>\n",
                    url = escape(&img.url),
                    alt = escape(alt),
                    w = img.width,
                    h = img.height,
                    cap = caption(title)
                )
            }
            Err(e) => {
                let help = match e {
                    ImageError::NotFound(_) => "the path is relative to the markdown file; a path starting with `/` is relative to static/",
                    ImageError::OutsideSite(_) => "screenshots must be inside the site folder",
                    ImageError::Unreadable(_) => "re-export the image as png, jpg, gif, webp or svg",
                };
                self.out.diags.push(
                    Diagnostic::error("image", file, e.to_string())
                        .at(line, col)
                        .help(help),
                );
                String::new()
            }
        }
    }
}

fn caption(title: &str) -> String {
    if title.is_empty() {
        String::new()
    } else {
        format!("<figcaption>{}</figcaption>", escape(title))
    }
}
