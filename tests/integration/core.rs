//! The core of SPEC §1, §2, §3 (without variants and caveats), §3.1 and §7.

use crate::harness::{text_of, SiteTest};

#[test]
fn basic_site_pages_and_urls() {
    let site = SiteTest::from_fixture("core/basic");
    let run = site.build(&[]);
    run.ok();
    assert!(run.stdout.is_empty() || run.diags().is_empty());
    assert!(
        run.stderr
            .contains("Built 7 pages, 1 version, 1 screenshot"),
        "{}",
        run.stderr
    );

    for path in [
        "index.html",
        "guides/index.html",
        "guides/first/index.html",
        "guides/second/index.html",
        "guides/bundle/index.html",
        "top-level/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "versions.json",
        "old/first/index.html",
        "older-first/index.html",
    ] {
        assert!(run.exists(path), "{path} missing");
    }
    assert!(
        !run.exists("guides/draft/index.html"),
        "drafts are not built"
    );
    assert!(
        !run.exists("empty-images/index.html"),
        "a folder of images is not a section"
    );
}

#[test]
fn guide_page_has_everything_of_spec_7() {
    let site = SiteTest::from_fixture("core/basic");
    let run = site.build(&[]);
    run.ok();
    let page = run.page("guides/first/");
    assert_eq!(
        page.text("title"),
        "First <script>alert('x')</script> & \"quoted\" · Fixture <Help> & \"Co\""
    );
    assert!(
        page.select("body script").is_empty()
            && !page.text("head script:not([src])").contains("alert"),
        "front matter must be escaped"
    );
    assert_eq!(
        page.attr("meta[name=description]", "content"),
        "Summary with <b>html</b> & 'quotes'"
    );
    assert_eq!(
        page.attr("link[rel=canonical]", "href"),
        "https://docs.example.org/help/guides/first/"
    );
    assert_eq!(
        page.attrs(".breadcrumbs a", "href"),
        vec!["/help/", "/help/guides/"]
    );
    assert_eq!(
        page.texts(".breadcrumbs a"),
        vec!["Fixture <Help> & \"Co\"", "Guides section"]
    );
    // Section navigation in weight order, unweighted last; the current page is marked.
    let nav = page.texts(".site-nav li.open > ul > li > a");
    assert_eq!(
        nav,
        vec![
            "First <script>alert('x')</script> & \"quoted\"",
            "Second guide",
            "Bundle guide",
            "A third guide"
        ]
    );
    assert_eq!(
        page.attr(".site-nav a[aria-current=page]", "href"),
        "/help/guides/first/"
    );
    // Table of contents with de-duplicated ids and the custom id.
    assert_eq!(
        page.attrs(".toc a", "href"),
        vec!["#steps", "#steps-1", "#my-id"]
    );
    assert_eq!(
        page.attrs(".content h2", "id"),
        vec!["steps", "steps-1", "my-id"]
    );
    // Previous/next follow the reading order.
    // The home's own guides come first in reading order.
    assert_eq!(page.attr(".pager a[rel=prev]", "href"), "/help/top-level/");
    assert_eq!(
        page.attr(".pager a[rel=next]", "href"),
        "/help/guides/second/"
    );
    assert_eq!(page.texts(".applies-to .badge"), vec!["Alpha console"]);
    assert_eq!(page.attr("time", "datetime"), "2024-02-01");
    assert_eq!(
        page.attr(".edit a", "href"),
        "https://example.org/edit/content/guides/first.md"
    );
    let second = run.page("guides/second/");
    assert_eq!(
        second.attr(".pager a[rel=prev]", "href"),
        "/help/guides/first/"
    );
}

#[test]
fn markdown_extensions_render() {
    let site = SiteTest::from_fixture("core/basic");
    let run = site.build(&[]);
    run.ok();
    let page = run.page("guides/first/");
    // Links to .md files become page URLs, anchors kept.
    let hrefs = page.attrs(".content a", "href");
    for expected in [
        "/help/guides/second/",
        "/help/guides/second/#deep-heading",
        "/help/guides/bundle/#bundle-step",
        "#steps",
        "https://example.com/page",
        "https://www.example.org",
    ] {
        assert!(
            hrefs.iter().any(|h| h == expected),
            "{expected} not in {hrefs:?}"
        );
    }
    assert_eq!(page.select(".content table").len(), 1);
    assert_eq!(page.select(".content del").len(), 1);
    assert_eq!(
        page.select(".content input[type=checkbox][disabled]").len(),
        2
    );
    assert_eq!(
        page.select(".content input[type=checkbox][checked]").len(),
        1
    );
    assert!(!page
        .select(".content .footnote-definition, .content sup")
        .is_empty());
    assert_eq!(
        page.attrs("aside.callout", "data-kind"),
        vec!["warning", "tip"]
    );
    assert_eq!(
        page.text("aside.callout[data-kind=warning] > p:last-child"),
        "Be careful."
    );
    // Highlighted with classes, no inline styles; an unlabelled block stays plain.
    let code = page.one("pre[data-lang=bash] code");
    assert!(!code
        .select(&scraper::Selector::parse("span[class^=hl-]").unwrap())
        .collect::<Vec<_>>()
        .is_empty());
    assert!(code
        .select(&scraper::Selector::parse("[style]").unwrap())
        .next()
        .is_none());
    assert_eq!(page.text("pre:not([data-lang]) code"), "plain <code>");
    assert_eq!(page.text(".content div.raw-html"), "raw");
}

#[test]
fn screenshots_are_figures_copied_once() {
    let site = SiteTest::from_fixture("core/basic");
    let run = site.build(&[]);
    run.ok();
    let bundle = run.page("guides/bundle/");
    let img = bundle.one("figure > a > img");
    let src = img.value().attr("src").unwrap().to_string();
    assert!(
        src.starts_with("/help/assets/img/") && src.ends_with(".svg"),
        "{src}"
    );
    assert_eq!(img.value().attr("width"), Some("320"));
    assert_eq!(img.value().attr("height"), Some("200"));
    assert_eq!(img.value().attr("loading"), Some("lazy"));
    assert_eq!(img.value().attr("decoding"), Some("async"));
    assert_eq!(bundle.attr("figure > a", "href"), src);
    assert_eq!(bundle.text("figure > figcaption"), "The caption");
    // The same picture under another name is the same single copy.
    let top = run.page("top-level/");
    assert_eq!(top.attr("figure img", "src"), src);
    let copies = std::fs::read_dir(run.out_dir.join("assets/img"))
        .unwrap()
        .count();
    assert_eq!(copies, 1);
    // A figure never sits inside a paragraph.
    assert!(top.select("p figure").is_empty());
}

#[test]
fn section_home_404_sitemap_robots_aliases() {
    let site = SiteTest::from_fixture("core/basic");
    let run = site.build(&[]);
    run.ok();
    let home = run.page("");
    assert_eq!(home.text("h1"), "Fixture <Help> & \"Co\"");
    assert!(home.text(".content").contains("Welcome to the fixture."));
    assert_eq!(
        home.attr("link[rel=canonical]", "href"),
        "https://docs.example.org/help/"
    );
    let section = run.page("guides/");
    assert_eq!(section.text("h1"), "Guides section");
    assert_eq!(
        section.attr("meta[name=description]", "content"),
        "Section summary."
    );
    assert_eq!(section.select(".guide-list > li").len(), 4);
    let not_found = run.page("404.html");
    assert_eq!(not_found.text("h1"), "Page not found");

    let sitemap = run.file("sitemap.xml");
    let doc = scraper::Html::parse_fragment(&sitemap);
    let locs: Vec<String> = doc
        .select(&scraper::Selector::parse("loc").unwrap())
        .map(text_of)
        .collect();
    assert!(locs.contains(&"https://docs.example.org/help/guides/first/".to_string()));
    assert!(!locs.iter().any(|l| l.contains("draft")));
    assert!(run
        .file("robots.txt")
        .contains("Sitemap: https://docs.example.org/help/sitemap.xml"));

    let redirect = run.page("old/first/");
    assert_eq!(
        redirect.attr("link[rel=canonical]", "href"),
        "https://docs.example.org/help/guides/first/"
    );
    assert_eq!(
        redirect.attr("meta[http-equiv=refresh]", "content"),
        "0; url=/help/guides/first/"
    );
    assert_eq!(redirect.attr("main a", "href"), "/help/guides/first/");
}

#[test]
fn theme_assets_have_content_hashed_names() {
    let site = SiteTest::from_fixture("core/basic");
    let run = site.build(&[]);
    run.ok();
    let page = run.page("guides/first/");
    let css = page.attrs("link[rel=stylesheet]", "href");
    assert_eq!(css.len(), 2);
    for href in &css {
        let name = href.rsplit('/').next().unwrap();
        let parts: Vec<&str> = name.split('.').collect();
        assert_eq!(parts.len(), 3, "{name}");
        assert_eq!(parts[1].len(), 10, "{name}");
        assert!(run.exists(href.trim_start_matches("/help/")), "{href}");
    }
    // Overriding the stylesheet gives it a new hashed name.
    site.write("static/style.css", "body { color: red }");
    let run2 = site.build(&[]);
    run2.ok();
    let css2 = run2
        .page("guides/first/")
        .attrs("link[rel=stylesheet]", "href");
    assert_ne!(css[0], css2[0]);
    assert_eq!(
        std::fs::read_to_string(run2.out_dir.join(css2[0].trim_start_matches("/help/"))).unwrap(),
        "body { color: red }"
    );
}

/// A static file that is a symlink out of the site is not published, with a warning;
/// one that stays inside the site is copied.
#[test]
fn static_symlinks_out_of_the_site_are_not_copied() {
    let site = SiteTest::from_files(&[
        ("content/a.md", "---\ntitle: A\n---\nText.\n"),
        ("content/inside.txt", "INSIDE"),
    ]);
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), "SECRET").unwrap();
    std::fs::create_dir_all(site.root().join("static")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.root().join("static/leak.txt")).unwrap();
    std::os::unix::fs::symlink(
        site.root().join("content/inside.txt"),
        site.root().join("static/inside.txt"),
    )
    .unwrap();
    let run = site.build(&[]);
    run.expect_status(0);
    let d = run.diag("symlink");
    assert_eq!(d.code, "static-symlink");
    assert_eq!(d.severity, "warning");
    assert_eq!(d.file, "static/leak.txt");
    assert!(!run.exists("leak.txt"));
    assert_eq!(run.file("inside.txt"), "INSIDE");
}

#[test]
fn site_templates_override_the_theme() {
    let site = SiteTest::from_fixture("core/basic");
    site.write(
        "templates/404.html",
        "<!DOCTYPE html><html lang=en><title>x</title><h1 id=custom>Lost: {{ site.title }}</h1></html>",
    );
    let run = site.build(&[]);
    run.ok();
    assert_eq!(
        run.page("404.html").text("h1#custom"),
        "Lost: Fixture <Help> & \"Co\""
    );
}

#[test]
fn output_is_byte_identical_between_builds() {
    let site = SiteTest::from_fixture("core/basic");
    let first = site.build(&["--out", "one"]);
    first.ok();
    site.build(&["--out", "two"]).ok();
    let list = |dir: &str| {
        let base = site.root().join(dir);
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&base)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(&base).unwrap().display().to_string(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let one = list("one");
    assert!(one.len() > 10);
    assert_eq!(one, list("two"));
}

#[test]
fn base_url_flag_changes_prefix() {
    let site = SiteTest::from_fixture("core/basic");
    let run = site.build(&["--base-url", "https://other.example/x/"]);
    run.ok();
    let page = run.page("guides/first/");
    assert_eq!(
        page.attr("link[rel=canonical]", "href"),
        "https://other.example/x/guides/first/"
    );
    assert_eq!(page.attr(".pager a[rel=next]", "href"), "/x/guides/second/");
    site.build(&["--base-url", "not a url"]).expect_status(2);
}

#[test]
fn every_content_error_is_reported_at_its_line() {
    let site = SiteTest::from_fixture("core/errors");
    let run = site.build(&[]);
    run.expect_status(1);
    let d = run.diag("front matter: did not find expected");
    assert_eq!(
        (d.file.as_str(), d.line, d.severity.as_str()),
        ("content/sec/bad-yaml.md", 4, "error")
    );
    assert_eq!(run.diag("unknown directive `::: open`").line, 14);
    let d = run.diag("weight");
    assert_eq!((d.file.as_str(), d.line), ("content/sec/wrong-type.md", 3));
    let d = run.diag("unknown directive `::: nosuch`");
    assert_eq!(
        (d.file.as_str(), d.line, d.column),
        ("content/sec/directives.md", 7, 1)
    );
    let d = run.diag("stray");
    assert_eq!(d.line, 12);
    let d = run.diag("never closed");
    assert_eq!(d.line, 14);
    let d = run.diag("nope.md");
    assert_eq!(
        (d.severity.as_str(), d.code.as_str(), d.line, d.column),
        ("warning", "broken-link", 5, 5)
    );
    let d = run.diag("#nowhere");
    assert_eq!(
        (d.severity.as_str(), d.code.as_str(), d.line, d.column),
        ("warning", "missing-anchor", 6, 1)
    );
    let d = run.diag("unknown key `colour`");
    assert_eq!(
        (d.severity.as_str(), d.file.as_str(), d.line),
        ("warning", "content/sec/ok.md", 3)
    );
    assert_eq!(run.diags().len(), 9, "{:#?}", run.diags());
    assert!(!run.exists("index.html"), "a failed build writes no output");
}

#[test]
fn warnings_pass_but_fail_under_strict() {
    let files = [("content/a.md", "---\ntitle: A\n---\n\n[x](missing.md)\n")];
    let site = SiteTest::from_files(&files);
    let run = site.build(&[]);
    run.expect_status(0);
    assert_eq!(run.diags()[0].severity, "warning");
    assert!(run.exists("a/index.html"));
    let strict = site.build(&["--strict", "--out", "strict-out"]);
    strict.expect_status(1);
    assert_eq!(strict.diags()[0].severity, "error");
    assert!(!site.root().join("strict-out").exists());
    // [build] strict in site.toml does the same.
    site.write(
        "site.toml",
        "title='T'\nbase_url='https://t/'\n[build]\nstrict=true\n",
    );
    site.build(&["--out", "strict2"]).expect_status(1);
}

#[test]
fn human_format_and_github_annotations() {
    let site = SiteTest::from_files(&[("content/a.md", "---\ntitle: A\n---\n\n::: what\n:::\n")]);
    let run = site.run(&["build"]);
    run.expect_status(1);
    assert!(
        run.stderr
            .contains("error[directive]: unknown directive `::: what`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> content/a.md:5:1"),
        "{}",
        run.stderr
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_guidepost"))
        .arg("build")
        .current_dir(site.root())
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("::error file=content/a.md,line=5,col=1::unknown directive")),
        "{stdout}"
    );
}

#[test]
fn config_errors_exit_2_and_name_the_key() {
    let cases: &[(&str, &str, u64)] = &[
        ("title='T'\nbase_url='https://t/'\nbogus = 1\n", "bogus", 3),
        ("title='T'\nbase_url=5\n", "base_url", 2),
        ("title='T'\nbase_url='https://t/'\n[build]\nmax_screenshot_kb='big'\n", "invalid type", 4),
        ("title='T'\nbase_url='https://t/'\n[[variants]]\nid='a'\nlabel='A'\n[[variants]]\nid='a'\nlabel='B'\n", "duplicate variant id", 7),
        ("title='T'\nbase_url='https://t/'\n[[versions]]\nid='a'\nlabel='A'\ncurrent=true\n[[versions]]\nid='b'\nlabel='B'\ncurrent=true\n", "exactly one version", 8),
        ("title='T'\nbase_url='https://t/'\n[[versions]]\nid='now'\nlabel='Now'\ncurrent=true\n[[versions]]\nid='old'\nlabel='Old'\n", "versions/old does not exist", 8),
        ("title='T'\nbase_url='https://t/'\ntheme='nope'\n", "theme `nope` not found", 3),
    ];
    for (toml, needle, line) in cases {
        let site = SiteTest::from_files(&[("content/a.md", "---\ntitle: A\n---\n")]);
        site.write("site.toml", toml);
        let run = site.build(&[]);
        run.expect_status(2);
        let d = run.diag(needle);
        assert_eq!(
            (d.file.as_str(), d.line),
            ("site.toml", *line),
            "{needle}: {d:?}"
        );
        assert!(!run.exists("."), "nothing written for {needle}");
    }
}

#[test]
fn version_id_equal_to_a_section_is_a_config_error() {
    let site = SiteTest::from_files(&[
        ("content/old/a.md", "---\ntitle: A\n---\n"),
        ("versions/old/a.md", "---\ntitle: A\n---\n"),
    ]);
    site.write(
        "site.toml",
        "title='T'\nbase_url='https://t/'\n[[versions]]\nid='now'\nlabel='Now'\ncurrent=true\n[[versions]]\nid='old'\nlabel='Old'\n",
    );
    let run = site.build(&[]);
    run.expect_status(2);
    assert_eq!(run.diag("top-level section").line, 8);
}

#[test]
fn refused_output_folders() {
    for out in [
        ".",
        "..",
        "content",
        "content/public",
        "static",
        "templates",
        "themes",
        "versions",
    ] {
        let site = SiteTest::from_files(&[("content/a.md", "---\ntitle: A\n---\n")]);
        for dir in ["static", "templates", "themes", "versions"] {
            std::fs::create_dir_all(site.root().join(dir)).unwrap();
        }
        let before: usize = walkdir::WalkDir::new(site.root()).into_iter().count();
        let run = site.build(&["--out", out]);
        run.expect_status(2);
        assert!(
            run.diags()[0].message.contains("refusing"),
            "{out}: {:?}",
            run.diags()
        );
        let after: usize = walkdir::WalkDir::new(site.root()).into_iter().count();
        assert_eq!(before, after, "{out}: nothing may be written or deleted");
    }
    // The same through output_dir in site.toml.
    let site = SiteTest::from_files(&[("content/a.md", "---\ntitle: A\n---\n")]);
    site.write(
        "site.toml",
        "title='T'\nbase_url='https://t/'\noutput_dir='content'\n",
    );
    site.build(&[]).expect_status(2);
    assert!(site.root().join("content/a.md").exists());
}

#[test]
fn a_failing_build_keeps_the_previous_output() {
    let site = SiteTest::from_files(&[("content/a.md", "---\ntitle: Good\n---\n\nGood text.\n")]);
    site.build(&[]).ok();
    std::fs::write(site.root().join("public/keep-me.txt"), "stale").unwrap();
    site.write("content/a.md", "---\ntitle: [broken\n---\n");
    let run = site.build(&[]);
    run.expect_status(1);
    assert_eq!(run.page("a/").text("h1"), "Good");
    assert!(run.exists("keep-me.txt"));
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("guidepost-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A good build replaces the folder completely.
    site.write("content/a.md", "---\ntitle: Better\n---\n");
    let run = site.build(&[]);
    run.ok();
    assert_eq!(run.page("a/").text("h1"), "Better");
    assert!(!run.exists("keep-me.txt"));
}

#[test]
fn check_validates_without_writing() {
    let site = SiteTest::from_fixture("core/errors");
    let run = site.run(&["check", "--format", "json"]);
    run.expect_status(1);
    assert_eq!(run.diags().len(), 9);
    let good = SiteTest::from_files(&[("content/a.md", "---\ntitle: A\n---\n")]);
    let run = good.run(&["check"]);
    run.expect_status(0);
    assert!(run.stdout.contains("Checked 2 pages"), "{}", run.stdout);
    assert!(!good.root().join("public").exists());
}

#[test]
fn new_scaffolds_a_site_that_builds_without_warnings() {
    let parent = tempfile::tempdir().unwrap();
    let site_dir = parent.path().join("mysite");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_guidepost"))
        .args(["new"])
        .arg(&site_dir)
        .status()
        .unwrap();
    assert!(status.success());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_guidepost"))
        .args(["build", "--strict", "--format", "json"])
        .current_dir(&site_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.is_empty(),
        "no diagnostics: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(site_dir
        .join("public/getting-started/write-a-guide/index.html")
        .exists());
    // A folder that is not empty is refused.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_guidepost"))
        .args(["new"])
        .arg(&site_dir)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn guides_need_a_title_and_valid_dates() {
    let site = SiteTest::from_files(&[
        ("content/no-title.md", "No front matter at all.\n"),
        (
            "content/bad-date.md",
            "---\ntitle: D\nupdated: May 2nd\n---\n",
        ),
        ("content/unclosed.md", "---\ntitle: U\n"),
    ]);
    let run = site.build(&[]);
    run.expect_status(1);
    assert_eq!(run.diag("needs a title").file, "content/no-title.md");
    assert_eq!(run.diag("`updated` must be a date").line, 3);
    assert_eq!(run.diag("never closed").file, "content/unclosed.md");
}

#[test]
fn url_conflicts_and_bad_aliases_are_errors() {
    let site = SiteTest::from_files(&[
        ("content/a.md", "---\ntitle: A\n---\n"),
        ("content/a/index.md", "---\ntitle: A folder\n---\n"),
        ("content/b.md", "---\ntitle: B\naliases: [/c/]\n---\n"),
        ("content/c.md", "---\ntitle: C\n\naliases: [/../x/]\n---\n"),
    ]);
    let run = site.build(&[]);
    run.expect_status(1);
    assert!(
        run.diags().iter().any(|d| d.code == "url-conflict"),
        "{:?}",
        run.diags()
    );
    let d = run.diag("alias `/c/` is already");
    assert_eq!((d.file.as_str(), d.line), ("content/b.md", 3));
    assert_eq!(run.diag("`/../x/` is not a valid path").line, 4);
}

#[test]
fn missing_corrupt_and_escaping_screenshots_are_errors() {
    let site = SiteTest::from_files(&[(
        "content/a.md",
        "---\ntitle: A\n---\n\n![Missing](nope.png)\n\n![Corrupt](bad.png)\n\n![Out](../../etc/passwd.png)\n\n![](ok.svg)\n",
    )]);
    site.write_bytes("content/bad.png", b"\x89PNG\r\n\x1a\nnot really");
    site.write(
        "content/ok.svg",
        "<svg xmlns='http://www.w3.org/2000/svg' width='2' height='3'></svg>",
    );
    let run = site.build(&[]);
    run.expect_status(1);
    assert_eq!(run.diag("`nope.png` does not exist").line, 5);
    let corrupt = run.diag("bad.png");
    assert_eq!((corrupt.line, corrupt.severity.as_str()), (7, "error"));
    assert_eq!(run.diag("outside the site").line, 9);
    let alt = run.diag("has no alt text");
    assert_eq!((alt.line, alt.severity.as_str()), (11, "warning"));
}
