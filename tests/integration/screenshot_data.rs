//! SPEC §3.2 "Screenshots as data": marks from sidecars, redaction, dark twins and
//! smaller widths.

use crate::harness::SiteTest;
use image::{DynamicImage, GenericImageView, ImageBuffer, Rgb};
use std::path::{Path, PathBuf};

/// A png of `w` × `h` pixels of deterministic noise (so its bytes are its own), with
/// `seed` choosing the noise.
pub fn noise_png(w: u32, h: u32, seed: u32) -> Vec<u8> {
    encode(&noise(w, h, seed), image::ImageFormat::Png)
}

fn noise(w: u32, h: u32, seed: u32) -> DynamicImage {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    DynamicImage::ImageRgb8(ImageBuffer::from_fn(w, h, |x, y| {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        // Flat blocks with a speck here and there, like a screenshot with text.
        let block = ((x / 40 + y / 24 * 7) % 5) as u8 * 30 + 90;
        let speck = if state >> 26 == 0 {
            (state >> 18) as u8
        } else {
            0
        };
        Rgb([block ^ speck, block.wrapping_add(20), 255 - block])
    }))
}

/// A png of pure noise, which no encoder makes small: its smaller widths are always
/// smaller files.
fn static_png(w: u32, h: u32) -> Vec<u8> {
    let mut state = 12_345u32;
    let img = DynamicImage::ImageRgb8(ImageBuffer::from_fn(w, h, |_, _| {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let [a, b, c, _] = state.to_le_bytes();
        Rgb([a, b, c])
    }));
    encode(&img, image::ImageFormat::Png)
}

fn encode(img: &DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// Every file under `dir`, relative, with its bytes.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Asserts that no file of `files` holds `original`, whole or a 64-byte piece of its
/// compressed pixels.
pub fn assert_absent(files: &[(String, Vec<u8>)], original: &[u8], what: &str) {
    let piece = &original[original.len() / 2..original.len() / 2 + 64];
    for (path, bytes) in files {
        assert_ne!(bytes.as_slice(), original, "{what}: {path} is the original");
        assert!(
            !bytes.windows(piece.len()).any(|w| w == piece),
            "{what}: {path} holds the original's bytes"
        );
    }
}

fn output_files(run: &crate::harness::Run) -> Vec<(String, Vec<u8>)> {
    files_under(&run.out_dir)
        .into_iter()
        .map(|(p, b)| (p.to_string_lossy().into_owned(), b))
        .collect()
}

#[test]
fn marks_are_drawn_over_the_image_with_a_numbered_legend() {
    let site = SiteTest::from_fixture("screenshot-data/marks");
    let run = site.build(&[]);
    run.ok();
    let page = run.page("licensing/");
    let figures = page.select("figure");
    assert_eq!(figures.len(), 3);
    let sel = |css: &str| scraper::Selector::parse(css).unwrap();
    // The contract of §8: figure > a > img, the overlay and legend inside the figure.
    let first = figures[0];
    let children: Vec<&str> = first
        .children()
        .filter_map(scraper::ElementRef::wrap)
        .map(|e| e.value().name())
        .collect();
    assert_eq!(children, vec!["a", "ol", "figcaption"]);
    let img = first.select(&sel("figure > a > img")).next().unwrap();
    let svg = first.select(&sel("a > svg[data-marks]")).next().unwrap();
    assert_eq!(svg.value().attr("viewBox"), Some("0 0 800 500"));
    assert_eq!(svg.value().attr("aria-hidden"), Some("true"));
    let boxes: Vec<[String; 4]> = first
        .select(&sel("svg[data-marks] rect.mark-box"))
        .map(|r| ["x", "y", "width", "height"].map(|a| r.value().attr(a).unwrap().to_string()))
        .collect();
    assert_eq!(
        boxes,
        vec![
            ["24", "310", "180", "40"].map(String::from),
            ["620", "450", "140", "32"].map(String::from)
        ]
    );
    let numbers: Vec<String> = first
        .select(&sel("svg[data-marks] text"))
        .map(crate::harness::text_of)
        .collect();
    assert_eq!(numbers, vec!["1", "2"]);
    let legend = first.select(&sel("ol.marks-legend")).next().unwrap();
    let items: Vec<String> = legend
        .select(&sel("li"))
        .map(crate::harness::text_of)
        .collect();
    assert_eq!(items, vec!["Licensing", "Partner information"]);
    // The legend is the image's extended description.
    assert_eq!(
        img.value().attr("aria-describedby"),
        legend.value().attr("id")
    );
    assert_eq!(legend.value().attr("id"), Some("marks-1"));
    // The second screenshot has its own legend id; text is escaped; the third has none.
    assert_eq!(
        page.attrs("ol.marks-legend", "id"),
        vec!["marks-1", "marks-2"]
    );
    assert_eq!(
        page.texts("ol.marks-legend")[1],
        "The whole list <of subscriptions>"
    );
    assert_eq!(figures[2].select(&sel("svg, ol")).count(), 0);
    assert_eq!(
        figures[2]
            .select(&sel("img"))
            .next()
            .unwrap()
            .value()
            .attr("aria-describedby"),
        None
    );
    // Sidecars are data: not published.
    assert!(!output_files(&run).iter().any(|(p, _)| p.ends_with(".yaml")));
}

#[test]
fn sidecar_errors_are_at_their_line_and_column() {
    let site = SiteTest::from_fixture("screenshot-data/sidecar-errors");
    let run = site.build(&[]);
    run.expect_status(1);
    let mut got: Vec<(String, String, u64, u64)> = run
        .diags()
        .into_iter()
        .map(|d| (d.severity, d.file, d.line, d.column))
        .collect();
    got.sort();
    let shots = "content/shots/";
    let expected: Vec<(String, String, u64, u64)> = [
        ("error", "bad.svg.yaml", 2, 15),
        ("error", "negative.svg.yaml", 2, 14),
        ("error", "outside.svg.yaml", 4, 10),
        ("error", "redacted.svg.yaml", 3, 3),
        ("error", "unknown.svg.yaml", 4, 1),
        ("warning", "orphan.png.yaml", 1, 1),
    ]
    .iter()
    .map(|(s, f, l, c)| (s.to_string(), format!("{shots}{f}"), *l, *c))
    .collect();
    assert_eq!(got, expected, "{:?}", run.diags());
    assert!(run.diag("unknown key `colour`").code == "sidecar");
    assert!(run
        .diag("reaches past the image")
        .message
        .contains("[250, 150, 60, 20]"));
    assert!(run
        .diag("an svg cannot be redacted")
        .file
        .ends_with("redacted.svg.yaml"));
    assert!(run.diag("not beside it").severity == "warning");
    assert!(!run.exists("."), "a failed build writes nothing");
}

/// A site with one screenshot `shots/a.EXT` of noise and a sidecar redacting it.
fn redacting_site(ext: &str, original: &[u8]) -> SiteTest {
    let site = SiteTest::from_files(&[
        (
            "content/a.md",
            &format!("---\ntitle: A\n---\n![The tenant page](shots/a.{ext})\n"),
        ),
        (
            &format!("content/shots/a.{ext}.yaml"),
            "redact:\n  - [10, 20, 50, 30]   # the tenant ID\nmarks:\n  - box: [0, 0, 40, 10]\n    text: Tenant\n",
        ),
    ]);
    site.write_bytes(&format!("content/shots/a.{ext}"), original);
    site
}

#[test]
fn redacted_regions_are_filled_and_the_original_never_published() {
    for (ext, format) in [
        ("png", image::ImageFormat::Png),
        ("jpg", image::ImageFormat::Jpeg),
        ("webp", image::ImageFormat::WebP),
    ] {
        let source = noise(200, 120, 7);
        let original = encode(&source, format);
        let site = redacting_site(ext, &original);
        let run = site.build(&[]);
        run.ok();
        let page = run.page("a/");
        let href = page.attr("figure > a", "href");
        assert_eq!(page.attr("figure > a > img", "src"), href);
        let published = std::fs::read(run.out_dir.join(href.trim_start_matches('/'))).unwrap();
        // The copy is named by its own hash.
        let name = href.rsplit('/').next().unwrap();
        assert_eq!(
            name,
            format!("{}.{ext}", &blake3::hash(&published).to_hex()[..16])
        );
        let img = image::load_from_memory(&published).unwrap();
        assert_eq!(img.dimensions(), (200, 120));
        // JPEG blurs the region's edges a little.
        let limit = if ext == "jpg" { 64 } else { 1 };
        let dark = |x, y| {
            let p = img.get_pixel(x, y).0;
            p[0] < limit && p[1] < limit && p[2] < limit
        };
        for (x, y) in [(10, 20), (59, 20), (10, 49), (59, 49), (30, 35)] {
            assert!(dark(x, y), "{ext}: ({x}, {y}) is redacted");
        }
        if ext != "jpg" {
            // Lossless: every pixel outside the region is the original's.
            for (x, y) in [(9, 20), (60, 20), (10, 19), (10, 50), (150, 100)] {
                assert_eq!(
                    img.get_pixel(x, y),
                    source.get_pixel(x, y),
                    "{ext}: ({x}, {y})"
                );
            }
        }
        assert_absent(&output_files(&run), &original, ext);
    }
}

#[test]
fn a_static_screenshot_with_redactions_is_not_copied_as_it_is() {
    let original = noise_png(120, 80, 3);
    let site = SiteTest::from_files(&[
        (
            "content/a.md",
            "---\ntitle: A\n---\n![Shared](/shots/s.png)\n",
        ),
        ("static/shots/s.png.yaml", "redact:\n  - [0, 0, 10, 10]\n"),
        ("static/notes.txt", "kept\n"),
    ]);
    site.write_bytes("static/shots/s.png", &original);
    site.write_bytes("static/shots/s.dark.png", &noise_png(120, 80, 4));
    let run = site.build(&[]);
    run.ok();
    assert!(run.exists("notes.txt"));
    for gone in ["shots/s.png", "shots/s.dark.png", "shots/s.png.yaml"] {
        assert!(
            !run.exists(gone),
            "{gone} is published only as a screenshot"
        );
    }
    assert_absent(&output_files(&run), &original, "static");
}

#[test]
fn images_are_made_once_and_kept_between_builds() {
    let site = redacting_site("png", &noise_png(1000, 600, 11));
    let first = site.build(&["--out", "cold"]);
    first.ok();
    let cache = site.root().join(".guidepost-cache/images");
    let entries = files_under(&cache);
    // The redacted full size and the smaller widths, each with its hash.
    assert!(
        entries.len() >= 4 && entries.len().is_multiple_of(2),
        "{:?}",
        entries.iter().map(|e| &e.0).collect::<Vec<_>>()
    );
    let mtimes = |dir: &Path| -> Vec<std::time::SystemTime> {
        files_under(dir)
            .iter()
            .map(|(p, _)| std::fs::metadata(dir.join(p)).unwrap().modified().unwrap())
            .collect()
    };
    let before = mtimes(&cache);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let warm = site.build(&["--out", "warm"]);
    warm.ok();
    assert_eq!(mtimes(&cache), before, "nothing encoded again");
    assert_eq!(
        files_under(&site.root().join("cold")),
        files_under(&site.root().join("warm")),
        "cold and warm builds give the same bytes"
    );
    // A damaged entry is made again, never published.
    let (damaged, _) = entries
        .iter()
        .find(|(p, _)| p.extension().is_some_and(|e| e == "png"))
        .unwrap();
    std::fs::write(cache.join(damaged), b"not a png").unwrap();
    let again = site.build(&["--out", "again"]);
    again.ok();
    assert_eq!(
        files_under(&site.root().join("cold")),
        files_under(&site.root().join("again"))
    );
    assert_eq!(files_under(&cache), entries);
    // The cache folder is never an output folder.
    let refused = site.build(&["--out", ".guidepost-cache"]);
    refused.expect_status(2);
    assert!(
        refused.stdout.contains(".guidepost-cache"),
        "{}",
        refused.stdout
    );
}

#[test]
fn wide_screenshots_get_smaller_widths_and_keep_their_size() {
    let site = SiteTest::from_files(&[(
        "content/a.md",
        "---\ntitle: A\n---\n![Wide](wide.png)\n\n![Narrow](narrow.png)\n",
    )]);
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://t.example/\"\n[build]\nmax_screenshot_kb = 10000\n",
    );
    site.write_bytes("content/wide.png", &static_png(1600, 1000));
    site.write_bytes("content/narrow.png", &noise_png(700, 300, 2));
    let run = site.build(&[]);
    run.ok();
    let page = run.page("a/");
    let imgs = page.select("figure > a > img");
    let wide = imgs[0].value();
    assert_eq!(
        (wide.attr("width"), wide.attr("height")),
        (Some("1600"), Some("1000"))
    );
    let href = page.attrs("figure > a", "href")[0].clone();
    assert_eq!(wide.attr("src"), Some(href.as_str()));
    assert!(href.ends_with(".png"));
    assert_eq!(
        wide.attr("sizes"),
        Some("(max-width: 50rem) calc(100vw - 2.5rem), 46rem")
    );
    let candidates: Vec<(String, String)> = wide
        .attr("srcset")
        .unwrap()
        .split(", ")
        .map(|c| {
            let (u, w) = c.split_once(' ').unwrap();
            (u.to_string(), w.to_string())
        })
        .collect();
    let descriptors: Vec<&str> = candidates.iter().map(|(_, w)| w.as_str()).collect();
    assert_eq!(descriptors, vec!["480w", "800w", "1200w", "1600w"]);
    assert_eq!(
        candidates[3].0, href,
        "the full-size file is the widest candidate"
    );
    for (url, w) in &candidates[..3] {
        assert!(url.ends_with(".webp"), "{url}");
        let bytes = std::fs::read(run.out_dir.join(url.trim_start_matches('/'))).unwrap();
        let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::WebP).unwrap();
        let width: u32 = w.trim_end_matches('w').parse().unwrap();
        assert_eq!(img.dimensions(), (width, width * 1000 / 1600));
    }
    // No wider than the column: no srcset.
    assert_eq!(imgs[1].value().attr("srcset"), None);
}

#[test]
fn a_dark_twin_is_shown_in_dark_mode_with_the_same_redactions() {
    let light = noise_png(200, 120, 21);
    let dark = noise_png(200, 120, 22);
    let site = redacting_site("png", &light);
    site.write_bytes("content/shots/a.dark.png", &dark);
    let run = site.build(&[]);
    run.ok();
    let page = run.page("a/");
    let source = page.one("figure > a > picture > source");
    assert_eq!(
        source.value().attr("media"),
        Some("(prefers-color-scheme: dark)")
    );
    let dark_url = source.value().attr("srcset").unwrap().to_string();
    assert_eq!(page.attr("figure > a", "data-dark-href"), dark_url);
    assert_eq!(page.select("figure > a > picture > img").len(), 1);
    assert_eq!(
        page.select("figure img").len(),
        1,
        "one img, two sources of pixels"
    );
    let published = std::fs::read(run.out_dir.join(dark_url.trim_start_matches('/'))).unwrap();
    let img = image::load_from_memory(&published).unwrap();
    assert_eq!(
        img.get_pixel(30, 35).0,
        [0, 0, 0, 255],
        "the twin is redacted too"
    );
    assert_absent(&output_files(&run), &dark, "dark twin");
    assert_absent(&output_files(&run), &light, "light");
    // The marks apply to both: one overlay over whichever loads.
    assert_eq!(page.select("figure svg[data-marks] rect.mark-box").len(), 1);

    // A twin of another size: a warning at the twin, redactions scaled to it.
    site.write_bytes("content/shots/a.dark.png", &noise_png(400, 240, 23));
    let run = site.build(&["--out", "mismatch"]);
    run.expect_status(0);
    let d = run.diag("this dark twin is 400 × 240 pixels");
    assert_eq!(
        (d.severity.as_str(), d.file.as_str()),
        ("warning", "content/shots/a.dark.png")
    );
    assert_eq!(run.diags().len(), 1, "{:?}", run.diags());
    let page = crate::harness::Page {
        html: scraper::Html::parse_document(&site.read("mismatch/a/index.html")),
    };
    let source = page.one("picture > source");
    assert_eq!(
        (source.value().attr("width"), source.value().attr("height")),
        (Some("400"), Some("240"))
    );
    let url = source.value().attr("srcset").unwrap();
    let file = site
        .root()
        .join("mismatch")
        .join(url.trim_start_matches('/'));
    let img = image::load_from_memory(&std::fs::read(file).unwrap()).unwrap();
    assert_eq!(img.get_pixel(20, 40).0, [0, 0, 0, 255]);
    assert_eq!(img.get_pixel(119, 99).0, [0, 0, 0, 255]);
    site.build(&["--strict", "--out", "strict"])
        .expect_status(1);
}
