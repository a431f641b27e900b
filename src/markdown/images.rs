//! Screenshots in markdown: a `<figure>` with the image measured, hashed and copied
//! once (see `screenshots`), or the diagnostics of a reference that does not resolve.

use super::links::has_scheme;
use super::{PageState, RenderDep};
use crate::diag::Diagnostic;
use crate::screenshots::{html, ImageError};

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
            return html::remote_figure(src, alt, title);
        }
        let page_dir = self.page_dir();
        let result = self.env.assets.image(&page_dir, src);
        self.out.deps.push(RenderDep::Image {
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
                let legend_id = (!img.marks.is_empty()).then(|| {
                    self.legends += 1;
                    format!("marks-{}", self.legends)
                });
                html::figure(&img, alt, title, legend_id.as_deref())
            }
            // Reported at the sidecar or twin, once however many pages show it.
            Err(ImageError::Data { .. }) => String::new(),
            Err(e) => {
                let help = match e {
                    ImageError::NotFound(_) => "the path is relative to the markdown file; a path starting with `/` is relative to static/",
                    ImageError::OutsideSite(_) => "screenshots must be inside the site folder",
                    ImageError::Unreadable(_) => "re-export the image as png, jpg, gif, webp or svg",
                    ImageError::Data { .. } => "",
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
