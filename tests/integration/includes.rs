//! SPEC §3.5 and the partials of §2: `::: include`, its diagnostics, unused partials,
//! and what the rendering cache and `version cut` do with included files.

use crate::harness::{step_text, text_of, Diag, Run, SiteTest};
use crate::search::{fragment, lookup};
use guidepost::output::NullSink;
use guidepost::pipeline::{build_site, BuildCache, BuildOptions};

fn basic() -> (SiteTest, Run) {
    let site = SiteTest::from_fixture("includes/basic");
    let run = site.build(&["--strict"]);
    run.ok();
    (site, run)
}

#[test]
fn included_headings_get_page_unique_ids_and_toc_entries() {
    let (_site, run) = basic();
    let page = run.page("guides/por/");
    // The page's own "Sign in", the partial's `{#admin-sign-in}` and its second
    // "Sign in", which is de-duplicated against the page's.
    assert_eq!(
        page.attrs(".content h2", "id"),
        [
            "sign-in",
            "admin-sign-in",
            "sign-in-1",
            "steps",
            "per-console"
        ]
    );
    assert_eq!(
        page.attrs("nav.toc a", "href"),
        [
            "#sign-in",
            "#admin-sign-in",
            "#sign-in-1",
            "#steps",
            "#per-console"
        ]
    );
}

#[test]
fn step_numbering_continues_across_an_include() {
    let (_site, run) = basic();
    let page = run.page("guides/por/");
    // Steps 1 and 3 are the page's, step 2 the partial's: one list.
    let lists = page.select("#steps + ol");
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].value().attr("start"), None);
    let items: Vec<String> = lists[0]
        .select(&scraper::Selector::parse("li").unwrap())
        .map(step_text)
        .collect();
    assert_eq!(
        items,
        [
            "Open the admin console.",
            "Choose the active subscription.",
            "Select Save."
        ]
    );
}

#[test]
fn variant_blocks_inside_and_around_includes() {
    let (_site, run) = basic();
    let page = run.page("guides/por/");
    let groups = page.select("[data-variant-group]");
    assert_eq!(groups.len(), 2);
    // An include inside a variant block belongs to that variant, screenshot and all.
    let sb = page.one("#vg1 [role=tabpanel][data-variant=sb]");
    assert!(text_of(sb).contains("Manage and purchase licenses"));
    assert_eq!(
        sb.select(&scraper::Selector::parse("figure img").unwrap())
            .count(),
        1
    );
    // A group written in the included file is a group of the page.
    assert_eq!(
        page.attrs("#vg2 [role=tabpanel]", "data-variant"),
        ["sb", "ent"]
    );
    assert!(page
        .text("#vg2 [data-variant=ent][role=tabpanel]")
        .contains("form"));
}

#[test]
fn caveats_and_alerts_of_included_files_are_the_pages() {
    let (site, run) = basic();
    let page = run.page("guides/por/");
    // The front matter caveat whose step is a heading of the partial follows it.
    let html = page.html.html();
    let heading = html.find("id=\"admin-sign-in\"").unwrap();
    let caveat = html.find("id=\"caveat-1\"").unwrap();
    let text = html.find("Sign in at the admin center").unwrap();
    assert!(heading < caveat && caveat < text, "right after the heading");
    // The partial's inline caveat and alert.
    assert_eq!(page.attr("#caveat-2", "data-severity"), "danger");
    assert_eq!(
        page.attrs("nav#known-caveats a", "href"),
        ["#caveat-1", "#caveat-2"]
    );
    assert_eq!(page.attr("aside.callout", "data-kind"), "note");
    // `guidepost caveats` lists the inline one where it is written.
    let out = site.run(&["caveats", "--format", "json"]);
    out.expect_status(0);
    let listed: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let places: Vec<(String, u64)> = listed
        .iter()
        .map(|c| {
            (
                c["file"].as_str().unwrap().to_string(),
                c["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("content/guides/por.md".to_string(), 4),
            ("content/common/_sign-in.md".to_string(), 8)
        ]
    );
    // And search finds the partial's text on the page, under the partial's heading.
    let (_, hits) = lookup(&run, "", "syndicator");
    assert_eq!(hits.len(), 1);
    let guide = fragment(&run, "", hits[0].0);
    assert_eq!(guide["url"], "guides/por/");
    let p = passage_with(&guide, "syndicator");
    assert_eq!(&p[..2], ["Sign in", "caveat-2"]);
    let (_, hits) = lookup(&run, "", "wizard");
    let p = passage_with(&fragment(&run, "", hits[0].0), "wizard");
    assert_eq!(&p[..3], ["Per console", "per-console", "sb"]);
}

/// [heading, anchor, variants, caveat, text] of the first passage of a guide's search
/// fragment whose text holds `word`.
fn passage_with(guide: &serde_json::Value, word: &str) -> Vec<String> {
    let passage = guide["passages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p[4].as_str().unwrap().to_lowercase().contains(word))
        .unwrap_or_else(|| panic!("no passage holds {word}: {guide}"));
    passage
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn nested_includes_resolve_paths_relative_to_each_file() {
    let (_site, run) = basic();
    let page = run.page("guides/other/");
    assert_eq!(
        page.texts(".content p")[..3],
        [
            "Outer text before.",
            "Inner text, see the partner guide and the top.",
            "Outer text after."
        ]
    );
    // common/deeper/_inner.md links ../../guides/por.md and shows shots/inner.svg,
    // both relative to common/deeper/.
    assert_eq!(
        page.attrs(".content p a", "href")[..2],
        ["/guides/por/#admin-sign-in", "#top-heading"]
    );
    let srcs = page.attrs("figure img", "src");
    assert_eq!(srcs.len(), 2);
    assert!(run.exists(srcs[0].trim_start_matches('/')));
    // The screenshot of the partial that two pages include is one copy.
    let por = run.page("guides/por/");
    assert_eq!(srcs[1], por.attr("figure img", "src"));
    let copies = std::fs::read_dir(run.out_dir.join("assets/img"))
        .unwrap()
        .count();
    assert_eq!(copies, 2);
    // Partials are no pages.
    assert!(!run.exists("common/_outer/index.html"));
    assert!(!run.exists("common/index.html"));
}

/// The diagnostic at (file, line), which must be the only one there.
fn at(diags: &[Diag], file: &str, line: u64) -> Diag {
    let found: Vec<&Diag> = diags
        .iter()
        .filter(|d| d.file == file && d.line == line)
        .collect();
    assert_eq!(found.len(), 1, "at {file}:{line} in {diags:#?}");
    found[0].clone()
}

#[test]
fn include_errors_are_at_the_include_line_with_where_it_was_included_from() {
    let site = SiteTest::from_fixture("includes/errors");
    let run = site.build(&[]);
    run.expect_status(1);
    let diags = run.diags();
    let a = "content/guides/a.md";
    let cases: &[(u64, u64, &str)] = &[
        (5, 1, "`content/guides/_missing.md` does not exist"),
        (6, 1, "`../../outside.md` leaves the version's folder"),
        (7, 1, "`notes.txt` is not a markdown file"),
        (11, 1, "`content/guides/_latin1.md` cannot be included"),
        (12, 1, "`::: include` needs the path"),
        (13, 3, "`content/guides/dir.md` is a folder"),
        (14, 1, "has a backslash"),
    ];
    for (line, column, message) in cases {
        let d = at(&diags, a, *line);
        assert_eq!(
            (d.code.as_str(), d.severity.as_str(), d.column),
            ("include", "error", *column)
        );
        assert!(d.message.contains(message), "{d:?}");
        assert!(
            !d.help.unwrap().contains("included from"),
            "in the page itself"
        );
    }
    // A cycle: at the include that closes it, naming the chain.
    let d = at(&diags, "content/guides/_loop.md", 1);
    assert_eq!(d.code, "include");
    assert!(
        d.message.ends_with(
            "cycle: content/guides/a.md → content/guides/_loop.md → content/guides/a.md"
        ),
        "{d:?}"
    );
    assert!(d
        .help
        .unwrap()
        .ends_with("\nincluded from content/guides/a.md:8"));
    // Diagnostics inside an included file: that file and line, and where from.
    let d = at(&diags, "content/guides/_nested-bad.md", 3);
    assert_eq!((d.code.as_str(), d.column), ("broken-link", 5));
    assert_eq!(
        d.help.as_deref(),
        Some("the path is relative to this markdown file; check the file name\nincluded from content/guides/a.md:9")
    );
    let d = at(&diags, "content/guides/_nested-bad.md", 5);
    assert!(d
        .message
        .contains("`content/guides/_gone.md` does not exist"));
    // A file that is not UTF-8: at its first bad byte.
    let d = at(&diags, "content/guides/_latin1.md", 2);
    assert_eq!((d.code.as_str(), d.column), ("encoding", 4));
    assert!(d
        .help
        .unwrap()
        .ends_with("included from content/guides/a.md:11"));
    // Too deep: at the include of the ninth level, with the whole chain.
    let d = at(&diags, "content/guides/_deep8.md", 1);
    assert!(d.message.contains("deeper than 8 levels"), "{d:?}");
    let help = d.help.unwrap();
    let chain: Vec<&str> = help
        .lines()
        .filter_map(|l| l.strip_prefix("included from "))
        .collect();
    assert_eq!(chain.len(), 8);
    assert_eq!(chain[0], "content/guides/_deep7.md:1");
    assert_eq!(chain[7], "content/guides/a.md:10");
    // A marker inside a code block is text; and nothing else is reported.
    assert!(!diags.iter().any(|d| d.message.contains("in-code")));
    let unused: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == "unused-partial")
        .map(|d| d.file.as_str())
        .collect();
    // _deep9.md is never reached: the include before it is too deep.
    assert_eq!(
        unused,
        ["content/guides/_deep9.md", "content/guides/_unused.md"]
    );
    // The cycle, the two of _nested-bad.md, the bad byte, the depth, two unused.
    assert_eq!(diags.len(), cases.len() + 7);

    // Human output and GitHub annotations say where it was included from too.
    let human = site.run(&["build"]);
    assert!(
        human.stderr.contains(
            "warning[broken-link]: link to `nowhere.md`, which is not a page of this version\n  --> content/guides/_nested-bad.md:3:5\n   = help: the path is relative to this markdown file; check the file name\n   = help: included from content/guides/a.md:9\n"
        ),
        "{}",
        human.stderr
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_guidepost"))
        .arg("build")
        .current_dir(site.root())
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.lines().any(|l| l
            == "::warning file=content/guides/_nested-bad.md,line=3,col=5::link to `nowhere.md`, which is not a page of this version%0Aincluded from content/guides/a.md:9"),
        "{stdout}"
    );
}

#[test]
fn a_partial_that_no_page_includes_is_a_warning_and_an_error_when_strict() {
    let site = SiteTest::from_files(&[
        (
            "content/a.md",
            "---\ntitle: A\n---\n\n::: include _used.md\n",
        ),
        ("content/_used.md", "Used.\n\n::: include more/_nested.md\n"),
        ("content/more/_nested.md", "Nested.\n"),
        ("content/_unused.md", "Nobody includes me.\n"),
        // Included only by a partial that nobody includes: unused too.
        ("content/_orphan.md", "::: include _orphans-child.md\n"),
        ("content/_orphans-child.md", "Child.\n"),
        (
            "content/_with-front-matter.md",
            "---\ntitle: Not used\n---\nText.\n",
        ),
        (
            "content/b.md",
            "---\ntitle: B\n---\n\n::: include _with-front-matter.md\n",
        ),
    ]);
    let run = site.build(&[]);
    run.expect_status(0);
    let diags = run.diags();
    let unused: Vec<(&str, u64, &str)> = diags
        .iter()
        .map(|d| (d.file.as_str(), d.line, d.code.as_str()))
        .collect();
    assert_eq!(
        unused,
        [
            ("content/_orphan.md", 1, "unused-partial"),
            ("content/_orphans-child.md", 1, "unused-partial"),
            ("content/_unused.md", 1, "unused-partial"),
            ("content/_with-front-matter.md", 1, "partial-front-matter"),
        ]
    );
    assert!(diags.iter().all(|d| d.severity == "warning"));
    // The included front matter is left out of the text.
    assert_eq!(run.page("b/").texts(".content p"), ["Text."]);
    assert!(!run.exists("_unused/index.html"));
    let strict = site.build(&["--strict"]);
    strict.expect_status(1);
    assert!(strict.diags().iter().all(|d| d.severity == "error"));
}

#[test]
fn any_markdown_file_of_the_version_may_be_included() {
    let site = SiteTest::from_files(&[
        (
            "content/guides/a.md",
            "---\ntitle: A\n---\n\n## A's own\n\n::: include b.md\n",
        ),
        (
            "content/guides/b.md",
            "---\ntitle: B\nsummary: Its front matter stays its own.\n---\n\n## From B\n\n![Pic](pic.svg)\n",
        ),
        (
            "content/guides/pic.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"3\"/>",
        ),
    ]);
    let run = site.build(&["--strict"]);
    run.ok();
    let a = run.page("guides/a/");
    assert_eq!(a.attrs(".content h2", "id"), ["as-own", "from-b"]);
    assert_eq!(a.attr("img", "width"), "4");
    assert!(!a.html.html().contains("Its front matter"));
    assert_eq!(run.page("guides/b/").attrs(".content h2", "id"), ["from-b"]);
}

/// A build through `cache` of the site at `root`: the renderings (reused, made).
fn cached_build(root: &std::path::Path, cache: &BuildCache) -> (usize, usize) {
    let config = guidepost::config::Config::load(root).unwrap();
    let opts = BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let before = cache.markdown.stats();
    let (_, diags, _) = build_site(&config, &opts, &NullSink, cache);
    assert!(diags.is_empty(), "{diags:?}");
    let after = cache.markdown.stats();
    (after.0 - before.0, after.1 - before.1)
}

#[test]
fn the_rendering_cache_keys_a_page_by_the_content_of_its_includes() {
    let site = SiteTest::from_files(&[
        (
            "content/a.md",
            "---\ntitle: A\n---\n\n::: include _outer.md\n",
        ),
        (
            "content/b.md",
            "---\ntitle: B\n---\n\n::: include _inner.md\n",
        ),
        ("content/c.md", "---\ntitle: C\n---\n\nNo includes.\n"),
        ("content/_outer.md", "Outer.\n\n::: include _inner.md\n"),
        ("content/_inner.md", "Inner.\n"),
    ]);
    let root = site.root().canonicalize().unwrap();
    let cache = BuildCache::default();
    assert_eq!(cached_build(&root, &cache), (0, 3));
    assert_eq!(cached_build(&root, &cache), (3, 0));
    // The nested partial: both pages that include it, one through the other partial.
    site.write("content/_inner.md", "Inner, changed.\n");
    assert_eq!(cached_build(&root, &cache), (1, 2));
    site.write(
        "content/_outer.md",
        "Outer, changed.\n\n::: include _inner.md\n",
    );
    assert_eq!(cached_build(&root, &cache), (2, 1));
    // Back to an earlier content: that rendering is still kept.
    site.write("content/_inner.md", "Inner.\n");
    let (_, made) = cached_build(&root, &cache);
    assert_eq!(
        made, 1,
        "b's first rendering is reused; a's new outer is not"
    );
}

#[test]
fn a_frozen_version_includes_its_own_copies() {
    let site = SiteTest::from_files(&[
        (
            "content/guides/a.md",
            "---\ntitle: A\n---\n\n::: include ../_shared/_step.md\n",
        ),
        ("content/_shared/_step.md", "1. Click **Old button**.\n"),
    ]);
    site.run(&["version", "cut", "2013"]).expect_status(0);
    assert_eq!(
        site.read("versions/2013/_shared/_step.md"),
        "1. Click **Old button**.\n"
    );
    site.write("content/_shared/_step.md", "1. Click **New button**.\n");
    let run = site.build(&["--strict"]);
    run.ok();
    assert_eq!(
        step_text(run.page("guides/a/").one(".content li")),
        "Click New button."
    );
    assert_eq!(
        step_text(run.page("2013/guides/a/").one(".content li")),
        "Click Old button."
    );
    // A problem in the frozen copy is reported in that copy.
    site.write(
        "versions/2013/_shared/_step.md",
        "1. Click [here](gone.md).\n",
    );
    let run = site.build(&[]);
    let d = run.diag("gone.md");
    assert_eq!(
        (d.file.as_str(), d.line),
        ("versions/2013/_shared/_step.md", 1)
    );
    assert_eq!(
        d.help.unwrap().lines().last(),
        Some("included from versions/2013/guides/a.md:5")
    );
}
