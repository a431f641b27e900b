//! Browser checks in a real headless Chromium (Debian's), driven by node scripts in
//! tests/browser/. When the tools are missing, build.rs sets `cfg(no_browser)` (and
//! `cfg(no_node)` without node) and these tests are ignored, which cargo's summary
//! shows; under CI=true it does not, and a missing browser fails them.

use crate::harness::{generate_corpus, serve_dir, SiteTest};
use std::path::{Path, PathBuf};
use std::process::Command;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Why node cannot run here, if it cannot.
fn missing_node() -> Option<String> {
    match Command::new("node").arg("--version").output() {
        Ok(_) => None,
        Err(e) => Some(format!("node not found ({e})")),
    }
}

/// Why browser tests cannot run here, if they cannot. The same checks as build.rs.
fn missing_tools() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!(
            "{chromium} not found (apt-get install chromium chromium-driver)"
        ));
    }
    if let Some(why) = missing_node() {
        return Some(why);
    }
    if !browser_dir()
        .join("node_modules/playwright-core/package.json")
        .is_file()
    {
        return Some("tests/browser/node_modules missing (npm ci --prefix tests/browser)".into());
    }
    None
}

/// Fails the test when the browser tools are missing. Without them build.rs has the
/// test ignored, except under CI=true: then it runs and fails here, saying why.
pub fn require_browser(test: &str) {
    if let Some(why) = missing_tools() {
        panic!("{test}: browser test cannot run: {why}");
    }
}

/// Like `require_browser`, for a test that needs node only.
fn require_node(test: &str) {
    if let Some(why) = missing_node() {
        panic!("{test}: test cannot run: {why}");
    }
}

/// Runs `node tests/browser/<script> args…` and fails the test with its output.
pub fn run_script(script: &str, args: &[&str]) {
    let out = Command::new("node")
        .arg(browser_dir().join(script))
        .args(args)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}");
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{stderr}");
}

#[test]
#[cfg_attr(
    no_browser,
    ignore = "no browser here: needs Chromium, node and tests/browser/node_modules (see DEVELOPERS.md)"
)]
fn sample_site_loads_cleanly_and_passes_axe() {
    require_browser("sample_site_loads_cleanly_and_passes_axe");
    // The sample site of the repository, built into a temporary folder.
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_guidepost"))
        .args([
            "build",
            "--strict",
            "--base-url",
            "http://127.0.0.1/",
            "--out",
        ])
        .arg(out.path().join("public"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success());
    let server = serve_dir(&out.path().join("public"));
    run_script(
        "smoke.mjs",
        &[
            &server.base_url(),
            "",
            "partner-of-record/",
            "partner-of-record/verify-partner-of-record/",
            "customers/ask-customer-to-name-you/",
            "partner-id/partner-id-not-recognized/",
            "partner-id/find-your-partner-id/",
            "caveats/",
            "2013/partner-of-record/verify-partner-of-record/",
            "404.html",
        ],
    );
}

/// Builds a fixture site for 127.0.0.1, serves it and runs a browser script on it;
/// the script gets the base URL and then `paths`.
fn check_fixture_in_browser(test: &str, fixture: &str, script: &str, paths: &[&str]) {
    require_browser(test);
    let site = SiteTest::from_fixture(fixture);
    site.build(&["--base-url", "http://127.0.0.1/"])
        .expect_status(0);
    let server = serve_dir(&site.root().join("public"));
    let base = server.base_url();
    let args: Vec<&str> = std::iter::once(base.as_str())
        .chain(paths.iter().copied())
        .collect();
    run_script(script, &args);
}

#[test]
#[cfg_attr(
    no_browser,
    ignore = "no browser here: needs Chromium, node and tests/browser/node_modules (see DEVELOPERS.md)"
)]
fn fixture_guide_with_every_markdown_feature_passes_axe() {
    check_fixture_in_browser(
        "fixture_guide_with_every_markdown_feature_passes_axe",
        "core/basic",
        "smoke.mjs",
        &["guides/first/", "guides/bundle/"],
    );
}

#[test]
#[cfg_attr(
    no_browser,
    ignore = "no browser here: needs Chromium, node and tests/browser/node_modules (see DEVELOPERS.md)"
)]
fn inline_images_steps_and_foreign_callouts_pass_axe() {
    for (fixture, paths) in [
        ("images/docfx", &["hub-sites/"][..]),
        ("steps/basic", &["change-partner/"][..]),
        (
            "foreign/tools",
            &["mkdocs-style/", "docusaurus-style/", "docfx-style/"][..],
        ),
    ] {
        check_fixture_in_browser(
            "inline_images_steps_and_foreign_callouts_pass_axe",
            fixture,
            "smoke.mjs",
            paths,
        );
    }
}

#[test]
#[cfg_attr(
    no_browser,
    ignore = "no browser here: needs Chromium, node and tests/browser/node_modules (see DEVELOPERS.md)"
)]
fn screenshot_lightbox_opens_closes_and_returns_focus() {
    check_fixture_in_browser(
        "screenshot_lightbox_opens_closes_and_returns_focus",
        "core/basic",
        "lightbox.mjs",
        &["guides/bundle/"],
    );
}

#[test]
#[cfg_attr(
    no_browser,
    ignore = "no browser here: needs Chromium, node and tests/browser/node_modules (see DEVELOPERS.md)"
)]
fn variant_tabs_follow_one_site_wide_choice() {
    check_fixture_in_browser(
        "variant_tabs_follow_one_site_wide_choice",
        "variants/basic",
        "variants.mjs",
        &[],
    );
}

#[test]
#[cfg_attr(
    no_browser,
    ignore = "no browser here: needs Chromium, node and tests/browser/node_modules (see DEVELOPERS.md)"
)]
fn caveat_links_scroll_and_caveats_follow_the_variant() {
    check_fixture_in_browser(
        "caveat_links_scroll_and_caveats_follow_the_variant",
        "caveats/basic",
        "caveats.mjs",
        &[],
    );
}

#[test]
#[cfg_attr(
    no_browser,
    ignore = "no browser here: needs Chromium, node and tests/browser/node_modules (see DEVELOPERS.md)"
)]
fn version_switcher_and_banner_lead_between_versions() {
    check_fixture_in_browser(
        "version_switcher_and_banner_lead_between_versions",
        "versions/basic",
        "versions.mjs",
        &[],
    );
}

#[test]
#[cfg_attr(
    no_browser,
    ignore = "no browser here: needs Chromium, node and tests/browser/node_modules (see DEVELOPERS.md)"
)]
fn search_finds_steps_caveats_and_typos_in_its_own_version() {
    check_fixture_in_browser(
        "search_finds_steps_caveats_and_typos_in_its_own_version",
        "search/basic",
        "search.mjs",
        &[],
    );
}

/// SPEC §5, ranking: the judged queries of tests/search-eval/sample.json on the
/// repository's sample site, typed into the search box of a real browser. Every query's
/// guide comes first (MRR@5 = 1), and no guide is shown twice.
#[test]
#[cfg_attr(
    no_browser,
    ignore = "no browser here: needs Chromium, node and tests/browser/node_modules (see DEVELOPERS.md)"
)]
fn sample_site_judged_queries_find_their_guide_first() {
    require_browser("sample_site_judged_queries_find_their_guide_first");
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_guidepost"))
        .args(["build", "--base-url", "http://127.0.0.1/", "--out"])
        .arg(out.path().join("public"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let judged = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search-eval/sample.json");
    let queries =
        serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&judged).unwrap())
            .unwrap()["queries"]
            .as_array()
            .unwrap()
            .len();
    run_script(
        "search-eval.mjs",
        &[
            judged.to_str().unwrap(),
            "--site",
            out.path().join("public").to_str().unwrap(),
            "--work",
            out.path().join("eval").to_str().unwrap(),
            "--details",
            "--expect-mrr",
            "1",
            "--expect-top1",
            &queries.to_string(),
            "--expect-no-repeats",
        ],
    );
}

/// Evaluates `expression` in node with `s` bound to the theme's search.js, and parses
/// what it prints as JSON.
fn eval_search_js<T: serde::de::DeserializeOwned>(expression: &str) -> T {
    let script = format!(
        "const s = require({:?}); console.log(JSON.stringify({expression}))",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/static/search.js"
        )
    );
    let out = Command::new("node").args(["-e", &script]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The browser's tokenizer, stemmer and typo matcher (search.js) must agree with the index.
#[test]
#[cfg_attr(no_node, ignore = "node is not installed")]
fn javascript_stemmer_matches_the_index() {
    require_node("javascript_stemmer_matches_the_index");
    let words = guidepost::search::text::STEM_SAMPLES;
    let js: Vec<Option<String>> = eval_search_js(&format!(
        "{}.map(w => s.termOf(w))",
        serde_json::to_string(words).unwrap()
    ));
    let rust: Vec<Option<String>> = words
        .iter()
        .map(|w| guidepost::search::text::term_of(w))
        .collect();
    assert_eq!(js, rust);

    let tokens = "Partner-of-Record (POR): ID 1234567, Café, naïve ÉTÉ";
    let js: Vec<String> = eval_search_js(&format!("s.tokenize({tokens:?})"));
    assert_eq!(js, guidepost::search::text::tokenize(tokens));

    // Typo matching: one letter wrong, missing, extra or two swapped; not two.
    let cases = [
        ("certificate", "certficate", true),
        ("certificate", "certificatte", true),
        ("certificate", "certifiacte", true),
        ("certificate", "certifixate", true),
        ("certificate", "certificate", true),
        ("certificate", "cretificat", false),
        ("partner", "patner", true),
        ("partner", "partenr", true),
        ("partner", "painter", false),
    ];
    let pairs: Vec<[&str; 2]> = cases.iter().map(|(a, b, _)| [*a, *b]).collect();
    let js: Vec<bool> = eval_search_js(&format!(
        "{}.map(([a, b]) => s.withinOne(a, b))",
        serde_json::to_string(&pairs).unwrap()
    ));
    let expected: Vec<bool> = cases.iter().map(|c| c.2).collect();
    assert_eq!(js, expected, "{cases:?}");
}

/// SPEC §5: the first query downloads at most 150 KB of scripts and index data, and
/// nothing is downloaded for search before the box is used. On a generated corpus
/// (2,000 guides, to keep the suite quick; BENCHMARKS.md has the 10,000-guide figures).
#[test]
#[cfg_attr(
    no_browser,
    ignore = "no browser here: needs Chromium, node and tests/browser/node_modules (see DEVELOPERS.md)"
)]
fn first_query_downloads_at_most_150_kb_on_a_generated_corpus() {
    require_browser("first_query_downloads_at_most_150_kb_on_a_generated_corpus");
    let work = tempfile::tempdir().unwrap();
    let corpus = work.path().join("corpus");
    generate_corpus(2000, 1, "guidepost", &corpus);
    let out = work.path().join("public");
    let status = Command::new(env!("CARGO_BIN_EXE_guidepost"))
        .args(["build", "--base-url", "http://127.0.0.1/", "--root"])
        .arg(&corpus)
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    // Any guide page will do: take the first one in the output.
    let page = walkdir::WalkDir::new(&out)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.depth() == 3 && e.file_name() == "index.html")
        .map(|e| {
            e.path()
                .parent()
                .unwrap()
                .strip_prefix(&out)
                .unwrap()
                .display()
                .to_string()
                + "/"
        })
        .unwrap();
    let server = serve_dir(&out);
    for query in ["certificate", "rotate key", "encrpytion"] {
        run_script(
            "search-bytes.mjs",
            &[&server.base_url(), &page, query, "150000"],
        );
    }
}

#[test]
#[cfg_attr(
    no_browser,
    ignore = "no browser here: needs Chromium, node and tests/browser/node_modules (see DEVELOPERS.md)"
)]
fn serve_reloads_the_open_page_swaps_css_and_shows_errors() {
    require_browser("serve_reloads_the_open_page_swaps_css_and_shows_errors");
    let site = SiteTest::from_sample_site();
    // The site's own copy of the theme's stylesheet, for the stylesheet-only change.
    let theme_css = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css");
    site.write(
        "static/style.css",
        &std::fs::read_to_string(theme_css).unwrap(),
    );
    let server = crate::harness::ServeProcess::start(site.root(), &[]);
    let base = format!("http://{}/", server.addr);
    run_script("livereload.mjs", &[&base, site.root().to_str().unwrap()]);
    eprintln!("{}", server.stderr());
}

#[test]
#[cfg_attr(
    no_browser,
    ignore = "no browser here: needs Chromium, node and tests/browser/node_modules (see DEVELOPERS.md)"
)]
fn screenshot_marks_line_up_and_the_dark_twin_loads() {
    require_browser("screenshot_marks_line_up_and_the_dark_twin_loads");
    // The sample site: svg mock-ups with marks, and a png with marks, a redacted
    // region, a dark twin and smaller widths.
    let site = SiteTest::from_sample_site();
    site.build(&["--strict", "--base-url", "http://127.0.0.1/"])
        .expect_status(0);
    let server = serve_dir(&site.root().join("public"));
    run_script(
        "marks.mjs",
        &[
            &server.base_url(),
            "partner-of-record/verify-partner-of-record/",
        ],
    );
}
