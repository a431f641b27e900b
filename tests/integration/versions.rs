//! SPEC §4: versions, and `guidepost version cut`.

use crate::harness::{text_of, Page, SiteTest};

#[test]
fn each_version_is_built_from_its_folder_under_its_prefix() {
    let site = SiteTest::from_fixture("versions/basic");
    let run = site.build(&[]);
    run.ok();
    assert!(run
        .page("2013/guides/")
        .texts(".guide-list a")
        .contains(&"Only in 2013".to_string()));
    assert!(!run
        .page("guides/")
        .texts(".guide-list a")
        .contains(&"Only in 2013".to_string()));
    assert_eq!(
        run.page("2013/guides/same/").text("h1"),
        "Same in both (2013)"
    );
    assert!(run.exists("2013/guides/only-2013/index.html"));
    assert!(!run.exists("guides/only-2013/index.html"));
    // Links resolve inside their own version.
    assert_eq!(
        run.page("2013/guides/same/").attr(".content p > a", "href"),
        "/docs/2013/guides/old-name/#step-one"
    );
    assert_eq!(
        run.page("guides/same/").attr(".content p > a", "href"),
        "/docs/guides/renamed/"
    );
    // The screenshot shared by both versions is stored once.
    assert_eq!(
        run.page("guides/same/").attr("img", "src"),
        run.page("2013/guides/same/").attr("img", "src")
    );
    assert_eq!(
        std::fs::read_dir(run.out_dir.join("assets/img"))
            .unwrap()
            .count(),
        1
    );
    let versions: serde_json::Value = serde_json::from_str(&run.file("versions.json")).unwrap();
    assert_eq!(
        versions,
        serde_json::json!([
            {"id": "now", "label": "Today", "path": "/docs/", "current": true},
            {"id": "2013", "label": "Office 365 (2013)", "path": "/docs/2013/", "current": false}
        ])
    );
    let sitemap = run.file("sitemap.xml");
    assert!(sitemap.contains("https://v.example/docs/guides/same/"));
    assert!(
        !sitemap.contains("/2013/"),
        "the sitemap lists the current version only"
    );
}

#[test]
fn the_switcher_leads_to_the_same_guide_by_path_or_alias() {
    let site = SiteTest::from_fixture("versions/basic");
    let run = site.build(&[]);
    let links = |path: &str| -> Vec<(String, String)> {
        let page = run.page(path);
        page.select("nav.version-switcher a[data-version]")
            .iter()
            .map(|a| {
                (
                    a.value().attr("data-version").unwrap().to_string(),
                    a.value().attr("href").unwrap().to_string(),
                )
            })
            .collect()
    };
    let pair = |a: &str, b: &str| {
        vec![
            ("now".to_string(), a.to_string()),
            ("2013".to_string(), b.to_string()),
        ]
    };
    // Same path.
    assert_eq!(
        links("guides/same/"),
        pair("/docs/guides/same/", "/docs/2013/guides/same/")
    );
    // Renamed: the current guide names the old path as an alias, both ways.
    assert_eq!(
        links("guides/renamed/"),
        pair("/docs/guides/renamed/", "/docs/2013/guides/old-name/")
    );
    assert_eq!(
        links("2013/guides/old-name/"),
        pair("/docs/guides/renamed/", "/docs/2013/guides/old-name/")
    );
    // Missing in the other version: its home.
    assert_eq!(
        links("guides/only-now/"),
        pair("/docs/guides/only-now/", "/docs/2013/")
    );
    assert_eq!(
        links("2013/guides/only-2013/"),
        pair("/docs/", "/docs/2013/guides/only-2013/")
    );
    // Sections and homes too.
    assert_eq!(
        links("2013/guides/"),
        pair("/docs/guides/", "/docs/2013/guides/")
    );
    assert_eq!(links(""), pair("/docs/", "/docs/2013/"));
}

#[test]
fn old_version_pages_have_banner_canonical_and_noindex() {
    let site = SiteTest::from_fixture("versions/basic");
    let run = site.build(&[]);
    let old = run.page("2013/guides/old-name/");
    assert_eq!(
        old.attr("[data-old-version] a", "href"),
        "/docs/guides/renamed/"
    );
    assert_eq!(
        old.attr("link[rel=canonical]", "href"),
        "https://v.example/docs/guides/renamed/"
    );
    assert_eq!(old.attr("meta[name=robots]", "content"), "noindex");
    let gone = run.page("2013/guides/only-2013/");
    assert_eq!(gone.attr("[data-old-version] a", "href"), "/docs/");
    assert_eq!(
        gone.attr("link[rel=canonical]", "href"),
        "https://v.example/docs/"
    );
    let current = run.page("guides/renamed/");
    assert!(current.select("[data-old-version]").is_empty());
    assert!(current.select("meta[name=robots]").is_empty());
    assert_eq!(
        current.attr("link[rel=canonical]", "href"),
        "https://v.example/docs/guides/renamed/"
    );
    // Each version has its own caveats page and home links.
    assert_eq!(old.attr(".site-title", "href"), "/docs/2013/");
}

#[test]
fn a_link_into_another_versions_folder_is_an_error_that_explains() {
    let site = SiteTest::from_fixture("versions/basic");
    site.write(
        "versions/2013/guides/cross.md",
        "---\ntitle: Cross\n---\n\nSee [today](../../../content/guides/same.md).\n",
    );
    let run = site.build(&[]);
    run.expect_status(1);
    let d = run.diag("leads into another version's folder");
    assert_eq!(
        (d.file.as_str(), d.line, d.code.as_str()),
        ("versions/2013/guides/cross.md", 5, "cross-version-link")
    );
}

#[test]
fn version_config_errors() {
    let site = SiteTest::from_fixture("versions/basic");
    site.write(
        "site.toml",
        "title='T'\nbase_url='https://t/'\n[[versions]]\nid='a'\nlabel='A'\ndir='content'\n",
    );
    assert!(
        site.build(&[])
            .diag("exactly one version must be current")
            .line
            == 4
    );
    site.write("site.toml", "title='T'\nbase_url='https://t/'\n[[versions]]\nid='now'\nlabel='A'\ncurrent=true\n[[versions]]\nid='now'\nlabel='B'\ndir='versions/2013'\n");
    let run = site.build(&[]);
    run.expect_status(2);
    assert_eq!(run.diag("duplicate version id").line, 8);
    site.write("site.toml", "title='T'\nbase_url='https://t/'\n[[versions]]\nid='now'\nlabel='A'\ncurrent=true\n[[versions]]\nid='guides'\nlabel='B'\ndir='versions/2013'\n");
    let run = site.build(&[]);
    run.expect_status(2);
    assert_eq!(run.diag("also the name of a top-level section").line, 8);
}

#[test]
fn version_cut_copies_and_keeps_site_toml_comments() {
    let site = SiteTest::from_fixture("versions/basic");
    let before = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    let run = site.run(&["version", "cut", "v2", "--label", "Version two"]);
    run.expect_status(0);
    let after = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    assert!(
        after.starts_with(&before),
        "the old text is kept as it was:\n{after}"
    );
    assert!(
        after.ends_with("[[versions]]\nid = \"v2\"\nlabel = \"Version two\"\n"),
        "{after}"
    );
    assert_eq!(
        std::fs::read_to_string(site.root().join("versions/v2/guides/same.md")).unwrap(),
        std::fs::read_to_string(site.root().join("content/guides/same.md")).unwrap()
    );
    let run = site.build(&[]);
    run.ok();
    assert_eq!(run.page("v2/guides/renamed/").text("h1"), "Renamed guide");
    assert_eq!(
        run.page("guides/same/")
            .select("nav.version-switcher a")
            .len(),
        3
    );

    // An existing id, or an invalid one, is refused with exit 2 and changes nothing.
    let toml_now = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    for (id, needle) in [
        ("v2", "already exists"),
        ("2013", "already exists"),
        ("Not Valid", "not a valid"),
        ("guides", "top-level section"),
    ] {
        let run = site.run(&["version", "cut", id]);
        run.expect_status(2);
        assert!(run.stderr.contains(needle), "{id}: {}", run.stderr);
        assert_eq!(
            std::fs::read_to_string(site.root().join("site.toml")).unwrap(),
            toml_now
        );
    }
    let leftovers: Vec<String> = std::fs::read_dir(site.root().join("versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut leftovers = leftovers;
    leftovers.sort();
    assert_eq!(leftovers, vec!["2013", "v2"]);
}

#[test]
fn version_cut_on_an_unversioned_site_declares_the_current_version() {
    let site = SiteTest::from_files(&[("content/a.md", "---\ntitle: A\n---\n")]);
    site.write(
        "site.toml",
        "# keep me\ntitle = 'T'\nbase_url = 'https://t/'\n",
    );
    site.run(&["version", "cut", "2020"]).expect_status(0);
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    assert!(toml.starts_with("# keep me\n"), "{toml}");
    let run = site.build(&[]);
    run.ok();
    assert!(run.exists("2020/a/index.html"));
    let page = run.page("a/");
    assert_eq!(
        page.texts("nav.version-switcher a")
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>(),
        vec!["Current (current)", "2020"]
    );
    let _ = text_of;
}

#[test]
fn a_failed_cut_leaves_nothing_behind() {
    let site = SiteTest::from_fixture("versions/basic");
    // A path that fits in content/ but is too long under versions/ makes the copy fail
    // part-way, even for root.
    let root = site.root().canonicalize().unwrap();
    let deep = crate::safety::deep_path(&root.join("content/zz"), 4080);
    site.write(&format!("content/zz/{deep}.md"), "---\ntitle: Deep\n---\n");
    let toml_before = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    let run = site.run(&["version", "cut", "v9"]);
    run.expect_status(2);
    assert!(run.stderr.contains("cannot copy"), "{}", run.stderr);
    assert!(!site.root().join("versions/v9").exists());
    let names: Vec<String> = std::fs::read_dir(site.root().join("versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["2013"], "no temporary folder is left");
    assert_eq!(
        std::fs::read_to_string(site.root().join("site.toml")).unwrap(),
        toml_before
    );
}

/// Identical files of two versions are rendered once (the markdown cache); the same
/// file is rendered again only where something it depends on differs.
#[test]
fn identical_files_of_two_versions_are_rendered_once() {
    use guidepost::output::MemorySink;
    use guidepost::pipeline::{build_site, BuildCache, BuildOptions};
    let site = SiteTest::from_files(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://t.example/\"\n[[versions]]\nid = \"now\"\nlabel = \"Now\"\ncurrent = true\n[[versions]]\nid = \"old\"\nlabel = \"Old\"\n",
        ),
        ("content/a.md", "---\ntitle: A\ncolour: blue\n---\nSee [B](b.md) and ![shot](s.svg).\n"),
        ("content/b.md", "---\ntitle: B\n---\nSee [C](c.md).\n"),
        ("content/c.md", "---\ntitle: C\n---\nText.\n"),
        ("content/s.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"3\"/>"),
        ("versions/old/a.md", "---\ntitle: A\ncolour: blue\n---\nSee [B](b.md) and ![shot](s.svg).\n"),
        // Same text as content/b.md, but c.md is missing here: its link breaks.
        ("versions/old/b.md", "---\ntitle: B\n---\nSee [C](c.md).\n"),
        ("versions/old/s.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"3\"/>"),
    ]);
    let root = site.root().canonicalize().unwrap();
    let config = guidepost::config::Config::load(&root).unwrap();
    let opts = BuildOptions {
        root,
        ..Default::default()
    };
    let cache = BuildCache::default();
    let sink = MemorySink::default();
    let (_, diags, _) = build_site(&config, &opts, &sink, &cache);
    // a.md twice (identical, same links, same screenshot content): rendered once.
    // b.md: its link finds c.md in one version only, so two renderings. c.md once.
    assert_eq!(cache.markdown.stats(), (1, 4), "(reused, made)");
    let files = sink.into_files();
    // The text links of the guide's own content (not the screenshot's figure link):
    // the sidebar and the pager link every page too, so the whole page cannot tell.
    let content_links = |p: &str| {
        Page::parse(std::str::from_utf8(&files[p]).unwrap()).attrs(".content p > a", "href")
    };
    assert_eq!(content_links("a/index.html"), ["/b/"]);
    assert_eq!(content_links("old/a/index.html"), ["/old/b/"]);
    assert_eq!(content_links("b/index.html"), ["/c/"]);
    // c.md is missing in the old version: the link is kept as written.
    assert_eq!(content_links("old/b/index.html"), ["c.md"]);
    // The front matter of a.md is parsed once; its warning is reported in both files.
    let mut unknown: Vec<_> = diags
        .iter()
        .filter(|d| d.message.contains("colour"))
        .map(|d| (d.file.clone(), d.line))
        .collect();
    unknown.sort();
    assert_eq!(
        unknown,
        vec![("content/a.md".into(), 3), ("versions/old/a.md".into(), 3)]
    );
    // The broken link is reported in the old version's file only.
    let broken: Vec<_> = diags.iter().filter(|d| d.code == "broken-link").collect();
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!(broken[0].file, std::path::Path::new("versions/old/b.md"));

    // A changed screenshot in one version breaks the sharing of a.md.
    site.write(
        "versions/old/s.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"3\"/>",
    );
    let cache = BuildCache::default();
    build_site(&config, &opts, &MemorySink::default(), &cache);
    assert_eq!(cache.markdown.stats(), (0, 5), "(reused, made)");
}

/// A site of two identical versions whose sidebars have every kind of entry: a
/// section too big to list all its guides (a window and an "All … guides" link), a
/// nested open section, guides at the top, titles that need escaping.
fn sidebar_site() -> SiteTest {
    let mut files: Vec<(String, String)> = vec![
        (
            "content/top.md".into(),
            "---\ntitle: Top & <first>\n---\nText.\n".into(),
        ),
        (
            "content/big/_index.md".into(),
            "---\ntitle: Big \"one\"\n---\n".into(),
        ),
        (
            "content/small/_index.md".into(),
            "---\ntitle: Small\n---\n".into(),
        ),
        (
            "content/small/a.md".into(),
            "---\ntitle: A\n---\nText.\n".into(),
        ),
        (
            "content/small/deep/_index.md".into(),
            "---\ntitle: Deep\n---\n".into(),
        ),
        (
            "content/small/deep/leaf.md".into(),
            "---\ntitle: Leaf\n---\nText.\n".into(),
        ),
        (
            "content/empty/_index.md".into(),
            "---\ntitle: Empty\n---\n".into(),
        ),
    ];
    for i in 0..35 {
        files.push((
            format!("content/big/g{i:02}.md"),
            format!("---\ntitle: Guide {i:02}\n---\nText {i}.\n"),
        ));
    }
    let old: Vec<(String, String)> = files
        .iter()
        .map(|(path, text)| (path.replacen("content/", "versions/old/", 1), text.clone()))
        .collect();
    files.extend(old);
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = SiteTest::from_files(&borrowed);
    site.write(
        "site.toml",
        "title = \"Sidebars\"\nbase_url = \"https://n.example/docs/\"\n\n[[versions]]\nid = \"now\"\nlabel = \"Now\"\ncurrent = true\n\n[[versions]]\nid = \"old\"\nlabel = \"Old\"\n",
    );
    site
}

/// Every file below `dir`: relative path → bytes.
fn output_files(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The sidebar guidepost writes for the default theme (`nav_html`) is the one its
/// `nav_list` macro makes, on every page: built with the default templates, with a
/// `guide.html` of the site's own (the items and the written list), and with a
/// `macros.html` of the site's own (the macro itself), the outputs are identical.
#[test]
fn the_written_sidebar_equals_the_default_themes_macro() {
    let default_build = {
        let site = sidebar_site();
        site.build(&[]).ok();
        output_files(&site.root().join("public"))
    };
    let own_guide = include_str!("../../themes/default/templates/guide.html");
    let own_macros = include_str!("../../themes/default/templates/macros.html");
    for (name, text) in [("guide.html", own_guide), ("macros.html", own_macros)] {
        let site = sidebar_site();
        // A comment makes the template the site's own without changing its output.
        site.write(&format!("templates/{name}"), &format!("{text}{{# own #}}"));
        site.build(&[]).ok();
        let built = output_files(&site.root().join("public"));
        assert_eq!(
            built.keys().collect::<Vec<_>>(),
            default_build.keys().collect::<Vec<_>>()
        );
        for (path, bytes) in &built {
            assert!(
                *bytes == default_build[path],
                "{path} differs with templates/{name} of the site's own"
            );
        }
    }
}

/// In a frozen version, the sidebar's links lead to that version's pages and mark
/// the page being read, and only it.
#[test]
fn a_frozen_versions_sidebar_marks_its_own_page() {
    let site = sidebar_site();
    let run = site.build(&[]);
    run.ok();
    for (page, current) in [
        ("old/big/g20/", "/docs/old/big/g20/"),
        ("old/small/deep/leaf/", "/docs/old/small/deep/leaf/"),
        ("old/small/", "/docs/old/small/"),
        ("big/g03/", "/docs/big/g03/"),
    ] {
        let html = run.page(page);
        assert_eq!(
            html.attrs("nav.site-nav a[aria-current=page]", "href"),
            vec![current.to_string()],
            "{page}"
        );
        let frozen = page.starts_with("old/");
        for href in html.attrs("nav.site-nav ul a", "href") {
            assert_eq!(href.starts_with("/docs/old/"), frozen, "{page}: {href}");
        }
    }
    let guide = run.page("old/big/g20/");
    // The window of 21 guides around the page, then the link to all of them.
    let big: Vec<String> = guide.texts("nav.site-nav li.open > ul > li > a");
    assert_eq!(big.first().map(String::as_str), Some("Guide 10"));
    assert_eq!(big.get(20).map(String::as_str), Some("Guide 30"));
    assert_eq!(
        guide.text("nav.site-nav li.nav-all a"),
        "All 35 guides in Big \"one\""
    );
    assert_eq!(
        guide.texts("nav.site-nav > details > ul > li > a")[0],
        "Top & <first>"
    );
}
