//! The persistent cache (`build --cache DIR`): a build that reuses it gives exactly
//! the output of a build without it, byte for byte, after a change or not; a cache
//! that cannot be trusted is ignored with one `cache` warning.

use crate::harness::{Diag, Run, SiteTest};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Every file below `dir` by relative path, with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Asserts that two output folders hold the same files with the same bytes.
fn assert_same_tree(warm: &Path, cold: &Path) {
    let (warm, cold) = (tree(warm), tree(cold));
    assert_eq!(
        warm.keys().collect::<Vec<_>>(),
        cold.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &cold {
        assert!(
            warm[path] == *bytes,
            "{path} differs between the warm and the cold build"
        );
    }
    assert!(cold.len() > 20, "a real site: {} files", cold.len());
}

/// The sample site (two versions, includes, screenshots, caveats) plus a guide with
/// two warnings, one from its markdown and one from its front matter (a key of
/// another tool), so that diagnostics kept in the cache are compared too.
fn site() -> SiteTest {
    let t = SiteTest::from_sample_site();
    t.write(
        "content/partner-id/remote.md",
        "---\ntitle: Remote picture\nsidebar_position: 2\n---\n\n1. Look: ![a chart](https://example.com/chart.png)\n",
    );
    t
}

/// A build into `out` (relative to the site), with `--cache cache` when `cached`.
fn build(t: &SiteTest, out: &str, cached: bool) -> Run {
    let mut args = vec!["--out", out];
    if cached {
        args.extend(["--cache", "cache"]);
    }
    let run = t.build(&args);
    Run {
        out_dir: t.root().join(out),
        ..run
    }
}

/// The largest of the files the renderings are kept in (`renderings-NN.bin`).
fn renderings_file(cache: &Path) -> std::path::PathBuf {
    std::fs::read_dir(cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("renderings-") && n.ends_with(".bin"))
        })
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .expect("a renderings file")
}

fn sorted(mut diags: Vec<Diag>) -> Vec<String> {
    let mut lines: Vec<String> = diags
        .drain(..)
        .map(|d| {
            format!(
                "{} {} {}:{}:{} {}",
                d.severity, d.code, d.file, d.line, d.column, d.message
            )
        })
        .collect();
    lines.sort();
    lines
}

/// A warm build and a cold one of the site as it is now: same status, diagnostics
/// and files. Returns the warm run.
fn warm_equals_cold(t: &SiteTest, name: &str) -> Run {
    let warm = build(t, &format!("warm-{name}"), true);
    let cold = build(t, &format!("cold-{name}"), false);
    warm.expect_status(cold.status);
    assert_eq!(
        sorted(warm.diags()),
        sorted(cold.diags()),
        "{name}: diagnostics"
    );
    assert_same_tree(&warm.out_dir, &cold.out_dir);
    warm
}

/// Whether the output file `path` of `run` is the very file (hard links to one file
/// of the cache) of `earlier`'s output: taken from the cache, not rendered again.
fn same_file(run: &Run, earlier: &Run, path: &str) -> bool {
    let ino = |r: &Run| std::fs::metadata(r.out_dir.join(path)).unwrap().ino();
    ino(run) == ino(earlier)
}

#[test]
fn a_warm_build_after_a_one_guide_change_equals_a_cold_one() {
    one_guide_changes_keep_warm_equal_to_cold(&site());
}

/// Without report links a guide page is keyed by its spliced parts, its content by
/// the packed rendering (`Renderer::guide_key_parts`): the same changes, and a
/// heading (the contents list), must still give the cold build's bytes.
#[test]
fn spliced_page_keys_follow_every_change() {
    let t = site();
    let config = t.read("site.toml");
    let without: String = config
        .lines()
        .filter(|l| !l.starts_with("feedback_url"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(without, config, "the sample site has report links");
    t.write("site.toml", &without);
    let fill = one_guide_changes_keep_warm_equal_to_cold(&t);
    let guide = "content/partner-id/partner-id-not-recognized.md";
    let text = t.read(guide);
    t.write(guide, &format!("{text}\n## A heading added\n\nText.\n"));
    let warm = warm_equals_cold(&t, "heading");
    let page = "partner-id/partner-id-not-recognized/index.html";
    assert!(warm.file(page).contains("A heading added"));
    assert!(!same_file(&warm, &fill, page), "rendered again");
}

/// Fills the cache of `t`, then changes a guide's text, its title, removes a guide
/// and changes a screenshot's pixels: after each, a warm build equals a cold one.
/// Returns the build that filled the cache.
fn one_guide_changes_keep_warm_equal_to_cold(t: &SiteTest) -> Run {
    let fill = build(t, "fill", true);
    fill.expect_status(0);
    assert!(
        fill.diags().iter().any(|d| d.code == "remote-image"),
        "the site has a warning: {:?}",
        fill.diags()
    );
    let front = fill.diag("sidebar_position");
    assert_eq!(
        (front.file.as_str(), front.line),
        ("content/partner-id/remote.md", 3),
        "the front matter's warning: {front:?}"
    );
    let unchanged = warm_equals_cold(t, "unchanged");
    let page = "partner-id/find-your-partner-id/index.html";
    assert!(same_file(&unchanged, &fill, page), "taken from the cache");

    // A line added to one guide: its page changes, no other.
    let guide = "content/partner-id/find-your-partner-id.md";
    let text = t.read(guide);
    t.write(
        guide,
        &format!("{text}\nA line added after the cache was filled.\n"),
    );
    let warm = warm_equals_cold(t, "line");
    assert!(warm.file(page).contains("A line added after"));
    assert!(!same_file(&warm, &fill, page), "rendered again");
    assert!(
        same_file(&warm, &fill, "index.html"),
        "taken from the cache"
    );

    // A new title: every page whose navigation lists the guide changes.
    t.write(guide, &text.replacen("title:", "title: Renamed,", 1));
    warm_equals_cold(t, "title");

    // A guide removed.
    t.remove("content/partner-id/remote.md");
    warm_equals_cold(t, "removed");

    // A screenshot's pixels changed under a guide that did not change: its copy has
    // a new name, so the page changes.
    let shots = "content/partner-of-record/verify-partner-of-record/screenshots";
    for name in ["partner-updated.png", "partner-updated.dark.png"] {
        let path = t.root().join(shots).join(name);
        image::RgbImage::from_pixel(1200, 700, image::Rgb([20, 90, 160]))
            .save(&path)
            .unwrap();
    }
    let warm = warm_equals_cold(t, "screenshot");
    let shown = "partner-of-record/verify-partner-of-record/index.html";
    assert!(!same_file(&warm, &fill, shown), "rendered again");
    fill
}

#[test]
fn a_template_change_renders_the_pages_again() {
    let t = site();
    let fill = build(&t, "fill", true);
    fill.expect_status(0);
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .unwrap();
    assert!(base.contains("</body>"));
    t.write(
        "templates/base.html",
        &base.replace("</body>", "<!-- changed template --></body>"),
    );
    let warm = warm_equals_cold(&t, "template");
    for page in [
        "index.html",
        "partner-id/find-your-partner-id/index.html",
        "2013/index.html",
    ] {
        assert!(
            warm.file(page).contains("<!-- changed template -->"),
            "{page}"
        );
        assert!(!same_file(&warm, &fill, page), "{page} rendered again");
    }
}

/// Builds with a filled cache damaged by `damage`: one `cache` warning, the output
/// of a cold build; and the cache is good again afterwards.
fn damaged_cache_is_ignored(damage: impl Fn(&Path), expect: &str) {
    let t = site();
    let fill = build(&t, "fill", true);
    fill.expect_status(0);
    damage(&t.root().join("cache"));
    let warm = warm_equals_cold_but_one_warning(&t);
    let warning = warm.diag("the cache file is not used");
    assert_eq!(
        (warning.severity.as_str(), warning.code.as_str()),
        ("warning", "cache")
    );
    assert!(
        warning.message.contains(expect),
        "{expect}: {}",
        warning.message
    );
    // The build wrote the cache again: the next one has nothing to say about it.
    let again = build(&t, "again", true);
    assert!(
        again.diags().iter().all(|d| d.code != "cache"),
        "{:?}",
        again.diags()
    );
    let warm = build(&t, "warm-again", true);
    assert!(same_file(
        &warm,
        &again,
        "partner-id/find-your-partner-id/index.html"
    ));
    drop(fill);
}

/// Like `warm_equals_cold`, with one more diagnostic on the warm side: its warning
/// about the cache.
fn warm_equals_cold_but_one_warning(t: &SiteTest) -> Run {
    let warm = build(t, "warm", true);
    let cold = build(t, "cold", false);
    warm.expect_status(cold.status);
    let cache_warnings = warm.diags().iter().filter(|d| d.code == "cache").count();
    assert_eq!(cache_warnings, 1, "{:#?}", warm.diags());
    let others: Vec<Diag> = warm
        .diags()
        .into_iter()
        .filter(|d| d.code != "cache")
        .collect();
    assert_eq!(sorted(others), sorted(cold.diags()));
    assert_same_tree(&warm.out_dir, &cold.out_dir);
    warm
}

#[test]
fn a_cut_short_cache_file_is_ignored() {
    damaged_cache_is_ignored(
        |cache| {
            let file = renderings_file(cache);
            let bytes = std::fs::read(&file).unwrap();
            std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
        },
        "damaged",
    );
}

#[test]
fn a_cache_file_of_garbage_is_ignored() {
    damaged_cache_is_ignored(
        |cache| std::fs::write(renderings_file(cache), vec![0xa5; 5000]).unwrap(),
        "not a guidepost cache file",
    );
}

#[test]
fn a_cache_file_with_a_changed_byte_is_ignored() {
    damaged_cache_is_ignored(
        |cache| {
            let file = cache.join("pages.bin");
            let mut bytes = std::fs::read(&file).unwrap();
            let last = bytes.len() - 1;
            bytes[last] ^= 0x40;
            std::fs::write(&file, bytes).unwrap();
        },
        "do not match their hash",
    );
}

#[test]
fn a_kept_page_changed_in_place_is_not_published() {
    damaged_cache_is_ignored(
        |cache| {
            let page = std::fs::read_dir(cache.join("files"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| std::fs::read_to_string(p).is_ok_and(|text| text.contains("<h1")))
                .unwrap();
            // Written through: the same file as a page of the filling build's output,
            // which a careless post-processing step could do.
            let text = std::fs::read_to_string(&page).unwrap();
            std::fs::write(&page, text.replace("<h1", "<h1 data-edited")).unwrap();
        },
        "do not match their hash",
    );
}

#[test]
fn a_cache_from_another_site_is_ignored() {
    let other = site();
    build(&other, "out", true).expect_status(0);
    damaged_cache_is_ignored(
        |cache| {
            // The same content: the same file names.
            let file = renderings_file(cache);
            let name = file.file_name().unwrap();
            std::fs::copy(other.root().join("cache").join(name), &file).unwrap();
        },
        "another site folder",
    );
}

#[test]
fn a_cache_from_another_guidepost_version_is_ignored() {
    damaged_cache_is_ignored(
        |cache| {
            let file = renderings_file(cache);
            let mut bytes = std::fs::read(&file).unwrap();
            let version = env!("CARGO_PKG_VERSION").as_bytes();
            let at = bytes
                .windows(version.len())
                .position(|w| w == version)
                .unwrap();
            // Another version of the same length, so the header stays well formed.
            for b in &mut bytes[at..at + version.len()] {
                if b.is_ascii_digit() {
                    *b = b'9';
                }
            }
            std::fs::write(&file, bytes).unwrap();
        },
        "made by guidepost 9",
    );
}

#[test]
fn a_kept_search_file_changed_in_place_is_not_published() {
    damaged_cache_is_ignored(
        |cache| {
            // The search files are gzip: not UTF-8, unlike the pages.
            let file = std::fs::read_dir(cache.join("files"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| std::fs::read_to_string(p).is_err())
                .unwrap();
            let mut bytes = std::fs::read(&file).unwrap();
            bytes[0] ^= 0xff;
            std::fs::write(&file, bytes).unwrap();
        },
        "do not match their hash",
    );
}

#[test]
fn check_reuses_the_cache_and_reports_the_same_diagnostics() {
    let t = site();
    let cold = t.run(&["check", "--format", "json"]);
    let fill = t.run(&["check", "--format", "json", "--cache", "cache"]);
    let warm = t.run(&["check", "--format", "json", "--cache", "cache"]);
    for run in [&fill, &warm] {
        run.expect_status(cold.status);
        assert_eq!(sorted(run.diags()), sorted(cold.diags()));
    }
    assert!(renderings_file(&t.root().join("cache")).is_file());
    // A page `check` knows is not written as a file: `build` renders it.
    warm_equals_cold(&t, "after-check");
}

#[test]
fn the_cache_folder_cannot_be_the_output_folder() {
    let t = site();
    let run = t.build(&["--out", "public", "--cache", "public/cache"]);
    run.expect_status(2);
    assert!(run
        .diag("as the cache folder")
        .message
        .contains("replaced by every build"));
}

/// A one-guide change rewrites only the files of renderings that held or hold the
/// guide's rendering.
#[test]
fn a_one_guide_change_rewrites_one_file_of_renderings() {
    let t = site();
    build(&t, "fill", true).expect_status(0);
    let cache = t.root().join("cache");
    let inodes = || -> BTreeMap<String, u64> {
        std::fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.file_name().to_string_lossy().starts_with("renderings-"))
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.metadata().unwrap().ino(),
                )
            })
            .collect()
    };
    let before = inodes();
    assert!(before.len() > 5, "{before:?}");
    let guide = "content/partner-id/find-your-partner-id.md";
    t.write(
        guide,
        &format!(
            "{}
One more line.
",
            t.read(guide)
        ),
    );
    warm_equals_cold(&t, "line");
    let after = inodes();
    let rewritten: Vec<&String> = after
        .iter()
        .filter(|(name, ino)| before.get(*name) != Some(ino))
        .map(|(name, _)| name)
        .collect();
    // The file that held its old rendering, and the one that holds the new one (the
    // same file or not, by their keys).
    assert!((1..=2).contains(&rewritten.len()), "{rewritten:?}");
}

/// What was measured of a screenshot is kept by the file's stamp: a screenshot changed
/// in place (same path, same length, other dimensions) is measured again.
#[test]
fn a_screenshot_changed_in_place_is_measured_again() {
    let t = site();
    // Stamps are kept only for files a few seconds old (a change within the same
    // tick of a coarse clock would keep its times).
    std::thread::sleep(std::time::Duration::from_millis(3500));
    let fill = build(&t, "fill", true);
    fill.expect_status(0);
    let facts = std::fs::read(t.root().join("cache/screenshots.bin")).unwrap();
    let icon = "content/partner-id/screenshots/account-icon.svg";
    assert!(
        facts.windows(16).any(|w| w == b"account-icon.svg"),
        "the icon's facts are kept"
    );
    let text = t.read(icon);
    let wider = text.replacen(r#"width="20" height="20""#, r#"width="40" height="10""#, 1);
    assert_eq!(wider.len(), text.len());
    assert_ne!(wider, text);
    std::fs::write(t.root().join(icon), wider).unwrap();
    let warm = warm_equals_cold(&t, "icon");
    let pages = tree(&warm.out_dir);
    assert!(
        pages
            .iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .any(|(_, bytes)| String::from_utf8_lossy(bytes).contains(r#"width="40" height="10""#)),
        "the new dimensions are shown"
    );
}
