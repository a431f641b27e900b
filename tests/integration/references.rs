//! SPEC §3.1 and §3: anchors written in raw HTML, references inside raw HTML, links to
//! local files that are not markdown, root-relative links, and "did you mean" for a
//! reference that does not resolve.

use crate::harness::SiteTest;
use guidepost::output::MemorySink;
use guidepost::pipeline::{build_site, BuildCache, BuildOptions};

#[test]
fn ids_and_names_written_in_raw_html_are_anchors() {
    let site = SiteTest::from_fixture("images/docfx");
    site.write(
        "content/broken-anchors.md",
        "---\ntitle: Broken anchors\n---\n\nSee [x](hub-sites.md#BKMK_Missing) and\n[y](#nowhere).\n",
    );
    let run = site.build(&[]);
    run.expect_status(0);
    let missing: Vec<(String, u64, u64)> = run
        .diags()
        .iter()
        .filter(|d| d.code == "missing-anchor")
        .map(|d| (d.file.clone(), d.line, d.column))
        .collect();
    // `#BKMK_Overview` (`<a name>`), `#BKMK_Table` (`<p id>`) and a step id resolve,
    // from the page itself and from another page, in markdown and in raw HTML.
    assert_eq!(
        missing,
        vec![
            ("content/broken-anchors.md".to_string(), 5, 5),
            ("content/broken-anchors.md".to_string(), 6, 1),
        ]
    );
    let page = run.page("hub-sites/");
    assert_eq!(page.select("a[name=BKMK_Overview]").len(), 1);
    assert_eq!(page.select("p#BKMK_Table").len(), 1);
}

#[test]
fn references_in_raw_html_are_resolved_like_markdown_ones() {
    let site = SiteTest::from_fixture("images/docfx");
    let run = site.build(&["--strict"]);
    run.ok();
    let page = run.page("hub-sites/");
    // `<img src>`: the same hashed copy as the markdown image of the same file.
    assert_eq!(
        page.attr("img[alt=\"Deploy, again\"]", "src"),
        page.attr("td > img[alt=Deploy]", "src")
    );
    // `<a href>` to a file: the same copy as the markdown link to it; one copy in all.
    let links = page.attrs("a[href$=\"setup.ps1\"]", "href");
    assert_eq!(links.len(), 2);
    let raw = links[0].clone();
    assert!(links.iter().all(|l| *l == raw));
    assert!(
        raw.starts_with("/assets/files/") && raw.ends_with("/setup.ps1"),
        "{raw}"
    );
    assert_eq!(
        run.file(&raw[1..]),
        "Write-Output \"Set up the hub site\"\n"
    );
    let other = run.page("associate-sites/");
    assert_eq!(
        other.attrs("a[href$=\"setup.ps1\"]", "href"),
        vec![raw.clone()]
    );
    let copies = walkdir::WalkDir::new(run.out_dir.join("assets/files"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "setup.ps1")
        .count();
    assert_eq!(copies, 1, "copied once");
    // `<a href>` to a guide's `.md`: the guide's URL.
    assert_eq!(
        other
            .attrs("a", "href")
            .iter()
            .filter(|h| *h == "/hub-sites/#BKMK_Table")
            .count(),
        2
    );
}

#[test]
fn local_files_media_and_folders_are_linked_and_checked() {
    let site = SiteTest::from_files(&[
        (
            "content/guides/a.md",
            "---\ntitle: A\n---\n\nGet the [report](files/report.pdf), the [missing one](files/none.pdf)\nand the [section](../other/). <video src=\"media/clip.mp4\" controls></video>\n\n<a href=\"media/\">the media folder</a>\n",
        ),
        ("content/guides/files/report.pdf", "%PDF-1.4 not really\n"),
        ("content/guides/media/clip.mp4", "not really a video\n"),
        ("content/other/_index.md", "---\ntitle: Other\n---\n"),
        ("content/other/b.md", "---\ntitle: B\n---\n"),
    ]);
    let run = site.build(&[]);
    run.expect_status(0);
    let warnings: Vec<(String, u64, u64)> = run
        .diags()
        .iter()
        .map(|d| (d.code.clone(), d.line, d.column))
        .collect();
    assert_eq!(
        warnings,
        vec![
            ("broken-link".to_string(), 5, 41),
            ("broken-link".to_string(), 8, 10)
        ]
    );
    assert!(run.diag("files/none.pdf").message.contains("no such file"));
    assert!(run.diag("media/").message.contains("folder"));
    let page = run.page("guides/a/");
    let report = page.attr("a[href$=\"report.pdf\"]", "href");
    assert!(report.starts_with("/assets/files/"), "{report}");
    assert!(run.exists(&report[1..]));
    assert_eq!(page.attr("a[href$=\"none.pdf\"]", "href"), "files/none.pdf");
    assert_eq!(page.attr(".content a[href=\"/other/\"]", "href"), "/other/");
    let video = page.attr("video", "src");
    assert!(
        video.starts_with("/assets/files/") && video.ends_with("/clip.mp4"),
        "{video}"
    );
    assert!(run.exists(&video[1..]));
}

#[test]
fn root_relative_links_are_checked_against_the_site() {
    let site = SiteTest::from_files(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://t.example/docs/\"\n",
        ),
        (
            "content/a.md",
            "---\ntitle: A\naliases: [/old-a/]\n---\n\n[page](/docs/b/) [no slash](/docs/b) [alias](/docs/old-a/)\n[static](/docs/files/guide.pdf) [home](/docs/) [sitemap](/docs/sitemap.xml)\n[outside the prefix](/b/) [nothing](/docs/nothing/)\n<a href=\"/docs/nope.html\">raw</a>\n",
        ),
        ("content/b.md", "---\ntitle: B\n---\n"),
        ("static/files/guide.pdf", "%PDF\n"),
    ]);
    let run = site.build(&[]);
    run.expect_status(0);
    let broken: Vec<(u64, u64)> = run
        .diags()
        .iter()
        .filter(|d| d.code == "broken-link")
        .map(|d| (d.line, d.column))
        .collect();
    assert_eq!(broken, vec![(8, 1), (8, 27), (9, 10)], "{:?}", run.diags());
    assert!(run.diag("`/b/`").message.contains("below `/docs/`"));
    // Left as written.
    let page = run.page("a/");
    assert_eq!(page.attrs("a[href=\"/b/\"]", "href").len(), 1);
}

#[test]
fn references_that_do_not_resolve_say_what_was_probably_meant() {
    let site = SiteTest::from_files(&[
        (
            "content/a.md",
            "---\ntitle: A\n---\n\n![Hub](media/hub.png)\n\n![Shot](media\\shot.png)\n\nSee [the overview](intelligent-internet-overview.md), [notifications](notifications)\nand the [script](files/Setup.PS1).\n",
        ),
        ("content/media/Hub.png", ""),
        ("content/media/shot.png", ""),
        ("content/intelligent-intranet-overview.md", "---\ntitle: O\n---\n"),
        ("content/notifications.md", "---\ntitle: N\n---\n"),
        ("content/files/setup.ps1", "x\n"),
    ]);
    let run = site.build(&[]);
    let help = |needle: &str| run.diag(needle).help.unwrap_or_default();
    assert!(
        help("media/hub.png")
            .starts_with("did you mean `media/Hub.png`? (file names are case-sensitive"),
        "{}",
        help("media/hub.png")
    );
    assert!(help("media\\shot.png")
        .starts_with("did you mean `media/shot.png`? (paths in markdown use `/`"));
    assert!(help("internet-overview")
        .starts_with("did you mean `intelligent-intranet-overview.md`? (it is the nearest name"));
    assert!(help("`notifications`").starts_with("did you mean `notifications.md`?"));
    assert!(help("Setup.PS1").starts_with("did you mean `files/setup.ps1`?"));
    let at: Vec<(u64, u64)> = run.diags().iter().map(|d| (d.line, d.column)).collect();
    assert_eq!(at, vec![(5, 1), (7, 1), (9, 5), (9, 55), (10, 9)]);
}

#[test]
fn cached_renderings_see_files_and_names_that_appear() {
    let site = SiteTest::from_files(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://t.example/docs/\"\n",
        ),
        (
            "content/a.md",
            "---\ntitle: A\n---\n\n[script](files/setup.ps1) [static](/docs/x.pdf) [md](helpp.md)\n",
        ),
    ]);
    let root = site.root().canonicalize().unwrap();
    let config = guidepost::config::Config::load(&root).unwrap();
    let opts = BuildOptions::for_serve(root.clone());
    let cache = BuildCache::default();
    let build = || {
        let sink = MemorySink::default();
        let (_, diags, _) = build_site(&config, &opts, &sink, &cache);
        (diags, sink.into_files())
    };
    let (first, _) = build();
    let codes: Vec<(&str, Option<&str>)> =
        first.iter().map(|d| (d.code, d.help.as_deref())).collect();
    assert_eq!(codes.len(), 3, "{first:?}");
    assert!(codes[2].1.is_some_and(|h| !h.starts_with("did you mean")));
    site.write("content/files/setup.ps1", "x\n");
    site.write("static/x.pdf", "%PDF\n");
    site.write("content/help.md", "---\ntitle: Help\n---\n"); // a near name appears
    let (second, files) = build();
    assert!(
        files
            .keys()
            .any(|k| k.starts_with("assets/files/") && k.ends_with("/setup.ps1")),
        "the file is copied once it exists"
    );
    let codes: Vec<(&str, Option<&str>)> =
        second.iter().map(|d| (d.code, d.help.as_deref())).collect();
    assert_eq!(codes.len(), 1, "{second:?}");
    assert!(
        codes[0]
            .1
            .is_some_and(|h| h.starts_with("did you mean `help.md`?")),
        "{second:?}"
    );
}

#[test]
fn anchors_of_root_relative_links_to_pages_are_checked() {
    // A Docusaurus habit: root-relative links with an anchor written as that tool
    // makes ids (`--` where `&` was), which guidepost's ids do not have.
    let site = SiteTest::from_fixture("references/root-relative-anchors");
    let run = site.build(&[]);
    run.expect_status(0);
    let at: Vec<(String, String, u64, u64)> = run
        .diags()
        .iter()
        .map(|d| (d.code.clone(), d.file.clone(), d.line, d.column))
        .collect();
    let publishing = "content/publishing.md".to_string();
    assert_eq!(
        at,
        vec![
            ("missing-anchor".into(), publishing.clone(), 5, 17),
            ("missing-anchor".into(), publishing.clone(), 11, 57),
            // Raw HTML: at the URL.
            ("missing-anchor".into(), publishing.clone(), 13, 10),
            ("broken-link".into(), publishing.clone(), 15, 68),
        ],
        "{:#?}",
        run.diags()
    );
    assert!(run
        .diag("#sign--package")
        .message
        .contains("`pipelines/mobile-stages.md` has no heading"));
    assert!(run
        .diag("#stage-list")
        .message
        .contains("pipelines/index.md"));
    // Under --strict a missing anchor fails the build (SPEC §3.1).
    site.build(&["--strict"]).expect_status(1);
}
