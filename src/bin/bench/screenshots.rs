//! The corpus' screenshots: a few small PNG pictures of a made-up console window (title
//! bar, sidebar, text lines, a button), drawn once and written as real copies wherever
//! a guide shows one, so the build reads and hashes every file as it would in a site.

/// How many distinct pictures there are.
pub const DISTINCT: usize = 6;

/// (width, height, accent colour) of each picture.
const PICTURES: [(u32, u32, [u8; 3]); DISTINCT] = [
    (96, 60, [37, 99, 235]),
    (120, 72, [220, 38, 38]),
    (80, 80, [22, 163, 74]),
    (128, 72, [217, 119, 6]),
    (104, 64, [124, 58, 237]),
    (112, 84, [15, 23, 42]),
];

/// The PNG files' bytes, in a fixed order.
pub fn pictures() -> Result<Vec<Vec<u8>>, png::EncodingError> {
    PICTURES
        .iter()
        .map(|&(w, h, accent)| encode(w, h, &draw(w, h, accent)))
        .collect()
}

/// RGB pixels of a console window `w`×`h` with `accent` for its title bar and button.
fn draw(w: u32, h: u32, accent: [u8; 3]) -> Vec<u8> {
    const PAGE: [u8; 3] = [248, 250, 252];
    const SIDEBAR: [u8; 3] = [226, 232, 240];
    const TEXT: [u8; 3] = [100, 116, 139];
    let bar = h / 8;
    let sidebar = w / 4;
    let mut pixels = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let colour = if y < bar {
                accent
            } else if x < sidebar {
                // Sidebar entries: a short line every 8 pixels.
                if (y - bar) % 8 == 4 && x > 3 && x < sidebar - 4 {
                    TEXT
                } else {
                    SIDEBAR
                }
            } else if y >= h - bar * 2 && y < h - bar && x >= w - w / 4 && x < w - 4 {
                accent
            } else {
                // Text lines of different lengths, one every 6 pixels.
                let line = (y - bar) / 6;
                let end = sidebar + 8 + (w - sidebar - 16) * (3 + line % 5) / 8;
                if (y - bar) % 6 == 3 && x > sidebar + 6 && x < end {
                    TEXT
                } else {
                    PAGE
                }
            };
            pixels.extend_from_slice(&colour);
        }
    }
    pixels
}

fn encode(w: u32, h: u32, pixels: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(pixels)?;
    writer.finish()?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn pictures_are_distinct_pngs_with_their_size() {
        let pictures = super::pictures().unwrap();
        for (bytes, &(w, h, _)) in pictures.iter().zip(super::PICTURES.iter()) {
            let size = imagesize::blob_size(bytes).unwrap();
            assert_eq!((size.width, size.height), (w as usize, h as usize));
            assert!(bytes.len() < 2000, "{} bytes", bytes.len());
        }
        let mut unique = pictures.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), pictures.len());
    }
}
