//! The HTML of a screenshot (SPEC §3.2, the hooks of §8):
//!
//! ```html
//! <figure>
//!   <a href="FULL" data-dark-href="DARK FULL">          <!-- the lightbox target -->
//!     <picture>                                          <!-- only with a dark twin -->
//!       <source media="(prefers-color-scheme: dark)" srcset="…" sizes="…">
//!       <img src="FULL" srcset="…" sizes="…" alt width height loading decoding
//!            aria-describedby="marks-1">
//!     </picture>
//!     <svg data-marks viewBox="0 0 W H">…</svg>          <!-- only with marks -->
//!   </a>
//!   <ol class="marks-legend" id="marks-1"><li>…</li></ol>
//!   <figcaption>…</figcaption>
//! </figure>
//! ```
//!
//! The overlay is drawn in the image's own pixels (its viewBox is the image's size)
//! and stretched over the image by the theme's CSS, so it lines up at every width.
//! The legend is the marks' text alternative: the image is described by it.

use super::process::SIZES;
use super::{ImageInfo, Mark, Picture};
use crate::html::escape;

/// A screenshot that resolved to `img`. `legend_id`: a page-unique id for the legend,
/// needed when the screenshot has marks.
pub fn figure(img: &ImageInfo, alt: &str, title: &str, legend_id: Option<&str>) -> String {
    let legend_id = legend_id.filter(|_| !img.marks.is_empty());
    let url = escape(&img.url);
    let light = Picture {
        url: img.url.clone(),
        width: img.width,
        height: img.height,
        srcset: img.srcset.clone(),
    };
    let mut html = format!("<figure><a href=\"{url}\"");
    if let Some(dark) = &img.dark {
        html.push_str(&format!(" data-dark-href=\"{}\"", escape(&dark.url)));
    }
    html.push('>');
    if let Some(dark) = &img.dark {
        html.push_str("<picture><source media=\"(prefers-color-scheme: dark)\"");
        html.push_str(&srcset_attrs(dark, true));
        if (dark.width, dark.height) != (img.width, img.height) {
            html.push_str(&format!(
                " width=\"{}\" height=\"{}\"",
                dark.width, dark.height
            ));
        }
        html.push('>');
    }
    html.push_str(&format!(
        "<img src=\"{url}\"{}",
        srcset_attrs(&light, false)
    ));
    html.push_str(&format!(
        " alt=\"{}\" width=\"{}\" height=\"{}\" loading=\"lazy\" decoding=\"async\"",
        escape(alt),
        img.width,
        img.height
    ));
    if let Some(id) = legend_id {
        html.push_str(&format!(" aria-describedby=\"{}\"", escape(id)));
    }
    html.push('>');
    if img.dark.is_some() {
        html.push_str("</picture>");
    }
    if legend_id.is_some() {
        html.push_str(&overlay(img.width, img.height, &img.marks));
    }
    html.push_str("</a>");
    if let Some(id) = legend_id {
        html.push_str(&legend(id, &img.marks));
    }
    html.push_str(&caption(title));
    html.push_str("</figure>\n");
    html
}

/// A screenshot on another host: shown as written, not measured.
pub fn remote_figure(src: &str, alt: &str, title: &str) -> String {
    format!(
        "<figure><a href=\"{0}\"><img src=\"{0}\" alt=\"{1}\" loading=\"lazy\" decoding=\"async\"></a>{2}</figure>\n",
        escape(src),
        escape(alt),
        caption(title)
    )
}

/// ` srcset="…" sizes="…"` for a picture with smaller widths; for a picture without
/// them, nothing (`always`: the full-size file alone, as a `<source>` needs).
fn srcset_attrs(p: &Picture, always: bool) -> String {
    if p.srcset.is_empty() {
        return if always {
            format!(" srcset=\"{}\"", escape(&srcset_url(&p.url)))
        } else {
            String::new()
        };
    }
    let candidates: Vec<String> = p
        .srcset
        .iter()
        .map(|(url, w)| format!("{} {w}w", srcset_url(url)))
        .chain(std::iter::once(format!(
            "{} {}w",
            srcset_url(&p.url),
            p.width
        )))
        .collect();
    format!(
        " srcset=\"{}\" sizes=\"{SIZES}\"",
        escape(&candidates.join(", "))
    )
}

/// A URL as a srcset candidate: a comma would end it early.
fn srcset_url(url: &str) -> String {
    url.replace(',', "%2C")
}

/// The radius of a mark's number badge, in the image's pixels: about 1/60 of the
/// image's longer side, so it looks the same size whatever the screenshot's size
/// (23 CSS px across for a 1600 px wide screenshot in the 736 px column).
fn badge_radius(width: u32, height: u32) -> u32 {
    (width.max(height) as f64 / 60.0).round().clamp(10.0, 64.0) as u32
}

/// The numbered boxes, in the image's own coordinates.
fn overlay(width: u32, height: u32, marks: &[Mark]) -> String {
    let r = badge_radius(width, height);
    let mut svg = format!(
        "<svg data-marks class=\"marks\" viewBox=\"0 0 {width} {height}\" preserveAspectRatio=\"none\" aria-hidden=\"true\" focusable=\"false\">"
    );
    for (i, m) in marks.iter().enumerate() {
        let b = m.rect;
        let clamp = |v: u32, max: u32| v.clamp(r.min(max / 2), max.saturating_sub(r).max(max / 2));
        let (cx, cy) = (clamp(b.x, width), clamp(b.y, height));
        svg.push_str(&format!(
            "<g class=\"mark\" data-mark=\"{n}\">\
<rect class=\"mark-halo\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"none\" stroke=\"#fff\" stroke-width=\"6\" vector-effect=\"non-scaling-stroke\"/>\
<rect class=\"mark-box\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"none\" stroke=\"#b3124e\" stroke-width=\"3\" vector-effect=\"non-scaling-stroke\"/>\
<g class=\"mark-badge\"><circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"#b3124e\" stroke=\"#fff\" stroke-width=\"2\" vector-effect=\"non-scaling-stroke\"/>\
<text x=\"{cx}\" y=\"{cy}\" fill=\"#fff\" font-size=\"{fs}\" font-weight=\"700\" text-anchor=\"middle\" dominant-baseline=\"central\">{n}</text></g></g>",
            n = i + 1,
            x = b.x,
            y = b.y,
            w = b.w,
            h = b.h,
            fs = r * 6 / 5,
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The legend: the marks' texts, numbered as the boxes are.
fn legend(id: &str, marks: &[Mark]) -> String {
    let mut html = format!("<ol class=\"marks-legend\" id=\"{}\">", escape(id));
    for m in marks {
        html.push_str(&format!("<li>{}</li>", escape(&m.text)));
    }
    html.push_str("</ol>");
    html
}

fn caption(title: &str) -> String {
    if title.is_empty() {
        String::new()
    } else {
        format!("<figcaption>{}</figcaption>", escape(title))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::sidecar::Rect;

    fn info() -> ImageInfo {
        ImageInfo {
            url: "/assets/img/a.png".into(),
            width: 1600,
            height: 1000,
            bytes: 1,
            srcset: vec![("/assets/img/b.webp".into(), 480)],
            dark: None,
            marks: Vec::new(),
            files: Vec::new(),
            notes: Vec::new(),
        }
    }

    #[test]
    fn plain_screenshots_keep_their_markup() {
        let mut img = info();
        img.srcset.clear();
        assert_eq!(
            figure(&img, "A <b>", "Cap", Some("marks-1")),
            "<figure><a href=\"/assets/img/a.png\"><img src=\"/assets/img/a.png\" alt=\"A &lt;b&gt;\" width=\"1600\" height=\"1000\" loading=\"lazy\" decoding=\"async\"></a><figcaption>Cap</figcaption></figure>\n"
        );
    }

    #[test]
    fn widths_twin_and_marks() {
        let mut img = info();
        img.dark = Some(Picture {
            url: "/assets/img/d.png".into(),
            width: 1600,
            height: 1000,
            srcset: Vec::new(),
        });
        img.marks = vec![Mark {
            rect: Rect {
                x: 0,
                y: 990,
                w: 10,
                h: 10,
            },
            text: "Licensing".into(),
        }];
        let html = figure(&img, "A", "", Some("marks-2"));
        assert!(
            html.contains("srcset=\"/assets/img/b.webp 480w, /assets/img/a.png 1600w\""),
            "{html}"
        );
        assert!(
            html.contains(
                "<source media=\"(prefers-color-scheme: dark)\" srcset=\"/assets/img/d.png\">"
            ),
            "{html}"
        );
        assert!(
            html.contains("data-dark-href=\"/assets/img/d.png\""),
            "{html}"
        );
        assert!(html.contains("viewBox=\"0 0 1600 1000\""), "{html}");
        // The badge stays inside the image: radius 27, so its centre is at least 27 in.
        assert!(html.contains("cx=\"27\" cy=\"973\""), "{html}");
        assert!(html.contains("aria-describedby=\"marks-2\""), "{html}");
        assert!(
            html.ends_with(
                "<ol class=\"marks-legend\" id=\"marks-2\"><li>Licensing</li></ol></figure>\n"
            ),
            "{html}"
        );
    }
}
