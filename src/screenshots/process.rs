//! Pixels: decoding a screenshot, filling its redacted regions, making its smaller
//! widths, and encoding the results. Every step is deterministic (the same input
//! gives the same bytes), so the output stays byte-identical from build to build.

use crate::source::sidecar::Rect;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageBuffer, ImageEncoder, Pixel, Primitive};
use std::path::Path;

/// The width of the default theme's content column in CSS pixels: `main` is at most
/// `--column: 46rem` = 736 px wide (style.css). A raster screenshot wider than this
/// is shown smaller than it is, so smaller widths are worth publishing.
pub const COLUMN_PX: u32 = 736;

/// The widths a wide screenshot is also published in: a phone (390 CSS px at 1× to
/// 3×), the column at 1× (736) and 2× (1472), a wide lightbox. Only those smaller
/// than the screenshot itself are made.
pub const WIDTHS: &[u32] = &[480, 800, 1200, 1600];

/// The part of `sizes` that says how wide a screenshot is shown: the column, or the
/// whole viewport less the page's padding when the sidebar folds away (style.css,
/// `@media (max-width: 50rem)`).
pub const SIZES: &str = "(max-width: 50rem) calc(100vw - 2.5rem), 46rem";

/// Formats whose pixels guidepost decodes, redacts and re-encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    Webp,
}

impl Format {
    /// The raster format of a file extension (lowercase); None for svg and gif, which
    /// are published as they are (gif: resizing would stop an animation).
    pub fn of_ext(ext: &str) -> Option<Format> {
        match ext {
            "png" => Some(Format::Png),
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "webp" => Some(Format::Webp),
            _ => None,
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::Webp => "webp",
        }
    }

    fn image_format(self) -> image::ImageFormat {
        match self {
            Format::Png => image::ImageFormat::Png,
            Format::Jpeg => image::ImageFormat::Jpeg,
            Format::Webp => image::ImageFormat::WebP,
        }
    }
}

/// The smaller widths a screenshot `width` pixels wide is published in.
pub fn smaller_widths(width: u32) -> Vec<u32> {
    if width <= COLUMN_PX {
        return Vec::new();
    }
    WIDTHS.iter().copied().filter(|w| *w < width).collect()
}

/// Decodes the file at `path`, written in `format` (the image crate's default limits
/// refuse pictures too large to hold in memory).
pub fn decode(path: &Path, format: Format) -> Result<DynamicImage, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut reader = image::ImageReader::new(std::io::BufReader::new(file));
    reader.set_format(format.image_format());
    reader.decode().map_err(|e| e.to_string())
}

/// Fills `regions` with opaque black. Pixels outside the image are ignored (regions
/// are checked against the image before).
pub fn redact(img: &mut DynamicImage, regions: &[Rect]) {
    match img {
        DynamicImage::ImageLuma8(b) => fill(b, regions),
        DynamicImage::ImageLumaA8(b) => fill(b, regions),
        DynamicImage::ImageRgb8(b) => fill(b, regions),
        DynamicImage::ImageRgba8(b) => fill(b, regions),
        DynamicImage::ImageLuma16(b) => fill(b, regions),
        DynamicImage::ImageLumaA16(b) => fill(b, regions),
        DynamicImage::ImageRgb16(b) => fill(b, regions),
        DynamicImage::ImageRgba16(b) => fill(b, regions),
        other => {
            // Float pixels come from none of the decoders used; convert to be sure.
            let mut rgba = other.to_rgba8();
            fill(&mut rgba, regions);
            *other = DynamicImage::ImageRgba8(rgba);
        }
    }
}

fn fill<P: Pixel>(buf: &mut ImageBuffer<P, Vec<P::Subpixel>>, regions: &[Rect]) {
    let (w, h) = buf.dimensions();
    let Some(first) = buf.pixels().next().copied() else {
        return;
    };
    let black = first.map_with_alpha(
        |_| <P::Subpixel as Primitive>::DEFAULT_MIN_VALUE,
        |_| <P::Subpixel as Primitive>::DEFAULT_MAX_VALUE,
    );
    for r in regions {
        for y in r.y.min(h)..r.y.saturating_add(r.h).min(h) {
            for x in r.x.min(w)..r.x.saturating_add(r.w).min(w) {
                buf.put_pixel(x, y, black);
            }
        }
    }
}

/// `img` scaled to `width` pixels wide, keeping its aspect ratio, with a CatmullRom
/// filter (sharp text, no ringing to speak of).
///
/// fast_image_resize does it in fixed-point integers, several times faster than the
/// image crate's float convolution. It is told to use no SIMD extension: its SIMD
/// paths are faster still, but the same bytes on every machine matter more (the
/// file's hash is its name).
pub fn resize(img: &DynamicImage, width: u32) -> DynamicImage {
    use fast_image_resize::{CpuExtensions, FilterType, ResizeAlg, ResizeOptions, Resizer};
    let height = scaled(img.height(), width, img.width()).max(1);
    let mut resized = DynamicImage::new(width, height, img.color());
    let mut resizer = Resizer::new();
    // SAFETY: `set_cpu_extensions` is unsafe because an extension the CPU lacks would
    // crash; `None` is plain Rust, supported everywhere.
    unsafe { resizer.set_cpu_extensions(CpuExtensions::None) };
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom));
    match resizer.resize(img, &mut resized, &options) {
        Ok(()) => resized,
        // A pixel type fast_image_resize lacks: the image crate's filter, slower.
        Err(_) => img.resize_exact(width, height, image::imageops::FilterType::CatmullRom),
    }
}

/// `value` × `num` / `den`, rounded.
fn scaled(value: u32, num: u32, den: u32) -> u32 {
    if den == 0 {
        return value;
    }
    ((u64::from(value) * u64::from(num) + u64::from(den) / 2) / u64::from(den)) as u32
}

/// A region of an image `from` (w, h) placed on an image `to` of another size (a dark
/// twin of another size): scaled, rounded outwards so that it never covers less.
pub fn scale_rect(r: Rect, from: (u32, u32), to: (u32, u32)) -> Rect {
    if from == to {
        return r;
    }
    let floor =
        |v: u32, num: u32, den: u32| (u64::from(v) * u64::from(num) / u64::from(den.max(1))) as u32;
    let ceil = |v: u32, num: u32, den: u32| {
        (u64::from(v) * u64::from(num)).div_ceil(u64::from(den.max(1))) as u32
    };
    let x = floor(r.x, to.0, from.0);
    let y = floor(r.y, to.1, from.1);
    let right = ceil(r.x.saturating_add(r.w), to.0, from.0).min(to.0);
    let bottom = ceil(r.y.saturating_add(r.h), to.1, from.1).min(to.1);
    Rect {
        x,
        y,
        w: right.saturating_sub(x),
        h: bottom.saturating_sub(y),
    }
}

/// Encodes `img` in `format`: png with default compression, jpeg at quality 90, webp
/// lossless (the image crate's webp encoder; screenshots are flat colours and text,
/// which lossless webp keeps sharp and small).
pub fn encode(img: &DynamicImage, format: Format) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let result = match format {
        Format::Png => {
            PngEncoder::new_with_quality(&mut out, CompressionType::Default, PngFilter::Adaptive)
                .write_image(
                    img.as_bytes(),
                    img.width(),
                    img.height(),
                    img.color().into(),
                )
        }
        Format::Jpeg => {
            let rgb = img.to_rgb8();
            JpegEncoder::new_with_quality(&mut out, 90).write_image(
                rgb.as_raw(),
                rgb.width(),
                rgb.height(),
                image::ExtendedColorType::Rgb8,
            )
        }
        Format::Webp => {
            // The webp encoder takes 8-bit luma or rgb(a) only.
            let eight = match img {
                DynamicImage::ImageLuma8(_)
                | DynamicImage::ImageLumaA8(_)
                | DynamicImage::ImageRgb8(_)
                | DynamicImage::ImageRgba8(_) => None,
                other if other.color().has_alpha() => {
                    Some(DynamicImage::ImageRgba8(other.to_rgba8()))
                }
                other => Some(DynamicImage::ImageRgb8(other.to_rgb8())),
            };
            let img = eight.as_ref().unwrap_or(img);
            WebPEncoder::new_lossless(&mut out).write_image(
                img.as_bytes(),
                img.width(),
                img.height(),
                img.color().into(),
            )
        }
    };
    result.map(|()| out).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_only_below_the_image_and_past_the_column() {
        assert!(smaller_widths(736).is_empty());
        assert_eq!(smaller_widths(737), vec![480]);
        assert_eq!(smaller_widths(1600), vec![480, 800, 1200]);
        assert_eq!(smaller_widths(2560), vec![480, 800, 1200, 1600]);
    }

    #[test]
    fn regions_scale_outwards() {
        let r = Rect {
            x: 10,
            y: 10,
            w: 5,
            h: 5,
        };
        assert_eq!(scale_rect(r, (100, 100), (100, 100)), r);
        assert_eq!(
            scale_rect(r, (100, 100), (200, 200)),
            Rect {
                x: 20,
                y: 20,
                w: 10,
                h: 10
            }
        );
        // 10 × 0.33 = 3.3 → 3; 15 × 0.33 = 4.95 → 5: never less than the region.
        assert_eq!(
            scale_rect(r, (300, 300), (100, 100)),
            Rect {
                x: 3,
                y: 3,
                w: 2,
                h: 2
            }
        );
    }

    #[test]
    fn redaction_fills_only_its_region_and_encoding_is_deterministic() {
        let mut img =
            DynamicImage::ImageRgb8(ImageBuffer::from_pixel(20, 10, image::Rgb([200, 210, 220])));
        redact(
            &mut img,
            &[Rect {
                x: 2,
                y: 3,
                w: 4,
                h: 5,
            }],
        );
        let rgb = img.to_rgb8();
        assert_eq!(rgb.get_pixel(2, 3).0, [0, 0, 0]);
        assert_eq!(rgb.get_pixel(5, 7).0, [0, 0, 0]);
        assert_eq!(rgb.get_pixel(6, 7).0, [200, 210, 220]);
        assert_eq!(rgb.get_pixel(5, 8).0, [200, 210, 220]);
        for format in [Format::Png, Format::Jpeg, Format::Webp] {
            let a = encode(&img, format).unwrap();
            assert_eq!(a, encode(&img, format).unwrap(), "{format:?}");
            let back = image::load_from_memory(&a).unwrap();
            assert_eq!((back.width(), back.height()), (20, 10));
        }
        let small = resize(&img, 10);
        assert_eq!((small.width(), small.height()), (10, 5));
    }

    #[test]
    fn sixteen_bit_alpha_images_redact_opaque() {
        let mut img = DynamicImage::ImageRgba16(ImageBuffer::from_pixel(
            4,
            4,
            image::Rgba([1000, 2000, 3000, 0]),
        ));
        redact(
            &mut img,
            &[Rect {
                x: 0,
                y: 0,
                w: 2,
                h: 2,
            }],
        );
        let DynamicImage::ImageRgba16(b) = &img else {
            panic!("kept its pixel type")
        };
        assert_eq!(b.get_pixel(1, 1).0, [0, 0, 0, u16::MAX]);
        assert_eq!(b.get_pixel(2, 2).0, [1000, 2000, 3000, 0]);
        let webp = encode(&img, Format::Webp).unwrap();
        assert!(image::load_from_memory(&webp).is_ok());
    }
}
