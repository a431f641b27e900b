//! SPEC §3.2: screenshots resolved, measured, copied once under hashed names.

use crate::harness::SiteTest;

#[test]
fn sizes_of_every_format_are_read_from_the_file() {
    let site = SiteTest::from_fixture("screenshots/formats");
    let run = site.build(&[]);
    run.ok();
    let page = run.page("all-formats/");
    let sizes: Vec<(String, String, String)> = page
        .select("figure > a > img")
        .iter()
        .map(|img| {
            let a = |n| img.value().attr(n).unwrap_or("").to_string();
            (a("alt"), a("width"), a("height"))
        })
        .collect();
    let expected = [
        ("A red box", "37", "23"),
        ("A green box", "41", "29"),
        ("A blue box", "43", "31"),
        ("A violet box", "47", "19"),
        ("A grey box", "120", "80"),
        ("The logo", "53", "17"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, w, h)| (a.to_string(), w.to_string(), h.to_string()))
        .collect();
    assert_eq!(sizes, expected);
    // Every figure links to the same file it shows, which exists under a hashed name.
    for fig in page.select("figure") {
        let a = fig
            .select(&scraper::Selector::parse("a").unwrap())
            .next()
            .unwrap();
        let img = a
            .select(&scraper::Selector::parse("img").unwrap())
            .next()
            .unwrap();
        let href = a.value().attr("href").unwrap();
        assert_eq!(Some(href), img.value().attr("src"));
        let name = href.rsplit('/').next().unwrap();
        let (hash, _ext) = name.split_once('.').unwrap();
        assert_eq!(hash.len(), 16, "{name}");
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(run.exists(href.trim_start_matches('/')), "{href}");
    }
    assert_eq!(page.texts("figcaption"), vec!["Red"]);
    // Six distinct files, however many pages use them.
    let again = run.page("again/");
    let first_src = page.attrs("img", "src");
    assert_eq!(
        again.attrs("img", "src"),
        vec![first_src[0].clone(), first_src[5].clone()]
    );
    assert_eq!(
        std::fs::read_dir(run.out_dir.join("assets/img"))
            .unwrap()
            .count(),
        6
    );
}

#[test]
fn the_hashed_name_follows_the_content() {
    let site = SiteTest::from_fixture("screenshots/formats");
    let before = site.build(&["--out", "one"]);
    before.expect_status(0);
    let src = |dir: &str| {
        let html = std::fs::read_to_string(site.root().join(dir).join("again/index.html")).unwrap();
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse("img").unwrap();
        let v: Vec<String> = doc
            .select(&sel)
            .map(|e| e.value().attr("src").unwrap().to_string())
            .collect();
        v
    };
    let old = src("one");
    // Same name, new content: a new hashed name, so caches never serve the old picture.
    site.write_bytes(
        "content/shots/red.png",
        &std::fs::read(site.root().join("static/common/logo.png")).unwrap(),
    );
    site.build(&["--out", "two"]).expect_status(0);
    let new = src("two");
    assert_ne!(old[0], new[0]);
    // It is now the same content as the logo, so both are one file.
    assert_eq!(new[0], new[1]);
}

#[test]
fn oversized_screenshots_warn_and_fail_under_strict() {
    let site = SiteTest::from_fixture("screenshots/formats");
    site.write(
        "site.toml",
        "title='F'\nbase_url='https://f.example/'\n[build]\nmax_screenshot_kb = 0\n",
    );
    let run = site.build(&[]);
    run.expect_status(0);
    let d = run
        .diags()
        .into_iter()
        .find(|d| d.file == "content/again.md")
        .unwrap();
    assert_eq!(
        d.message,
        "screenshot `shots/red.png` is 1 KB, over max_screenshot_kb = 0"
    );
    assert_eq!((d.severity.as_str(), d.line, d.column), ("warning", 5, 1));
    assert_eq!(
        run.diags()
            .iter()
            .filter(|d| d.code == "image-size")
            .count(),
        8
    );
    site.build(&["--strict", "--out", "strict"])
        .expect_status(1);
}

#[test]
fn a_symlink_out_of_the_site_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.svg"),
        "<svg width='1' height='1'></svg>",
    )
    .unwrap();
    let site = SiteTest::from_files(&[(
        "content/a.md",
        "---\ntitle: A\n---\n\n![Linked file](link.svg)\n\n![Linked folder](dir/secret.svg)\n",
    )]);
    std::os::unix::fs::symlink(
        outside.path().join("secret.svg"),
        site.root().join("content/link.svg"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), site.root().join("content/dir")).unwrap();
    let run = site.build(&[]);
    run.expect_status(1);
    let lines: Vec<u64> = run
        .diags()
        .iter()
        .filter(|d| d.message.contains("outside the site folder"))
        .map(|d| d.line)
        .collect();
    assert_eq!(lines, vec![5, 7]);
    assert!(!run.exists("."), "nothing is written");
}

#[test]
fn a_symlink_inside_the_site_is_fine() {
    let site = SiteTest::from_files(&[(
        "content/a.md",
        "---\ntitle: A\n---\n\n![Inner link](link.svg)\n",
    )]);
    site.write(
        "content/real/pic.svg",
        "<svg xmlns='http://www.w3.org/2000/svg' width='4' height='5'></svg>",
    );
    std::os::unix::fs::symlink(
        site.root().join("content/real/pic.svg"),
        site.root().join("content/link.svg"),
    )
    .unwrap();
    let run = site.build(&[]);
    run.ok();
    assert_eq!(run.page("a/").attr("img", "width"), "4");
}

#[test]
fn traversal_with_dots_is_refused_even_when_the_file_exists() {
    let site = SiteTest::from_files(&[(
        "content/a.md",
        "---\ntitle: A\n---\n\n![Up and out](../../../../../../../../etc/hostname)\n\n![Up and back in](../content/pic.svg)\n",
    )]);
    site.write(
        "content/pic.svg",
        "<svg xmlns='http://www.w3.org/2000/svg' width='4' height='5'></svg>",
    );
    let run = site.build(&[]);
    run.expect_status(1);
    assert_eq!(run.diag("outside the site folder").line, 5);
    // `../content/pic.svg` leaves content/ but stays in the site: allowed.
    assert_eq!(run.diags().len(), 1);
}
