//! SPEC §3.4: caveats from front matter and inline blocks.

use crate::harness::{text_of, SiteTest};
use scraper::Selector;

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

#[test]
fn caveats_render_at_their_step_with_their_source() {
    let site = SiteTest::from_fixture("caveats/basic");
    let run = site.build(&["--strict"]);
    run.ok();
    let page = run.page("guides/por/");
    let caveats = page.select("aside.caveat");
    assert_eq!(caveats.len(), 5);
    let ids: Vec<&str> = caveats
        .iter()
        .map(|c| c.value().attr("id").unwrap())
        .collect();
    assert_eq!(
        ids,
        vec!["caveat-1", "caveat-2", "caveat-3", "caveat-4", "caveat-5"]
    );
    let severities: Vec<&str> = caveats
        .iter()
        .map(|c| c.value().attr("data-severity").unwrap())
        .collect();
    assert_eq!(
        severities,
        vec!["note", "warning", "warning", "danger", "note"]
    );

    // The one without a step is at the top, before any heading.
    let content = page.one(".content");
    let first_child = content
        .children()
        .filter_map(scraper::ElementRef::wrap)
        .next()
        .unwrap();
    assert_eq!(first_child.value().attr("id"), Some("caveat-1"));
    // Front matter ones with a step follow their heading, in order.
    let after_heading: Vec<String> = page
        .select("#choose-a-subscription ~ aside.caveat")
        .iter()
        .take(2)
        .map(|c| c.value().attr("id").unwrap().to_string())
        .collect();
    assert_eq!(after_heading, vec!["caveat-2", "caveat-3"]);
    let html = page.html.html();
    let heading_at = html.find("id=\"choose-a-subscription\"").unwrap();
    let pick_at = html.find("Pick one.").unwrap();
    let caveat_at = html.find("id=\"caveat-2\"").unwrap();
    assert!(
        heading_at < caveat_at && caveat_at < pick_at,
        "right after the heading"
    );

    // Sources in a cite, with link and date; verified dates.
    let c2 = page.one("#caveat-2");
    assert_eq!(
        text_of(c2.select(&sel("cite")).next().unwrap()),
        "Reader comment by David W., 2013-06-14"
    );
    assert_eq!(
        c2.select(&sel("cite a"))
            .next()
            .unwrap()
            .value()
            .attr("href"),
        Some("https://example.com/post#comment-1")
    );
    assert_eq!(c2.value().attr("data-verified"), Some("2024-02-01"));
    assert_eq!(
        c2.select(&sel("time"))
            .next()
            .unwrap()
            .value()
            .attr("datetime"),
        Some("2024-02-01")
    );
    assert_eq!(text_of(page.one("#caveat-3 cite")), "Support case");
    assert_eq!(
        text_of(page.one("#caveat-4 cite")),
        "Reader comment, 2013-06-20"
    );
    assert!(
        page.select("#caveat-5 cite").is_empty(),
        "no source, no cite"
    );
    // Markdown renders; links resolve; HTML from front matter is escaped.
    assert_eq!(
        text_of(c2.select(&sel("strong")).next().unwrap()),
        "license subscription"
    );
    assert_eq!(
        c2.select(&sel(".caveat-body a"))
            .next()
            .unwrap()
            .value()
            .attr("href"),
        Some("/guides/other/#tenants")
    );
    let c1 = page.one("#caveat-1");
    assert!(c1.select(&sel("script")).next().is_none());
    assert!(
        text_of(c1).contains("<script>alert('x')</script> & code"),
        "{}",
        text_of(c1)
    );
    assert_eq!(page.select("#caveat-4 .caveat-body strong").len(), 1);
}

#[test]
fn variant_limited_caveats_carry_their_variants() {
    let site = SiteTest::from_fixture("caveats/basic");
    let run = site.build(&[]);
    let page = run.page("guides/por/");
    let c2 = page.one("#caveat-2");
    assert_eq!(c2.value().attr("data-variant"), Some("ent"));
    assert!(c2.value().classes().any(|c| c == "for-variant"));
    assert_eq!(
        text_of(c2.select(&sel(".caveat-applies")).next().unwrap()),
        "Applies to: Enterprise console"
    );
    // An inline caveat in a variant block takes the block's variant.
    assert_eq!(
        page.one("#caveat-5").value().attr("data-variant"),
        Some("sb")
    );
    assert!(page.one("#caveat-1").value().attr("data-variant").is_none());
}

#[test]
fn known_caveats_summary_links_every_caveat() {
    let site = SiteTest::from_fixture("caveats/basic");
    let run = site.build(&[]);
    let page = run.page("guides/por/");
    assert_eq!(page.text("nav#known-caveats h2"), "Known caveats (5)");
    assert_eq!(
        page.attrs("nav#known-caveats a", "href"),
        vec![
            "#caveat-1",
            "#caveat-2",
            "#caveat-3",
            "#caveat-4",
            "#caveat-5"
        ]
    );
    let first = page.texts("nav#known-caveats li");
    assert!(
        first[1].starts_with("Warning You are partner of record on each license subscription, not"),
        "{}",
        first[1]
    );
    assert_eq!(
        page.attrs("nav#known-caveats li[data-variant]", "data-variant"),
        vec!["ent", "sb"]
    );
    assert!(run
        .page("guides/none/")
        .select("nav#known-caveats")
        .is_empty());
}

#[test]
fn the_caveats_page_lists_every_caveat_by_guide_and_step() {
    let site = SiteTest::from_fixture("caveats/basic");
    let run = site.build(&[]);
    let page = run.page("caveats/");
    assert_eq!(
        page.texts(".caveats-guide > h2"),
        vec!["Partner of record", "Other guide"]
    );
    assert_eq!(
        page.texts(".caveats-guide:first-of-type .caveats-step"),
        vec![
            "Whole guide",
            "Choose a subscription",
            "Partner information"
        ]
    );
    assert_eq!(page.select(".caveat-entry").len(), 6);
    assert_eq!(
        page.attrs(".caveat-entry .caveat-title a", "href")[1],
        "/guides/por/#caveat-2"
    );
    assert!(page
        .texts(".caveat-entry cite")
        .contains(&"Reader comment by David W., 2013-06-14".to_string()));
    assert_eq!(
        page.attrs(".caveat-entry[data-verified]", "data-verified"),
        vec!["2024-02-01", "2013-07-01"]
    );
    // Linked from the site navigation of every page.
    assert_eq!(
        run.page("guides/none/").attr(".nav-caveats a", "href"),
        "/caveats/"
    );
    // Without SOURCE_DATE_EPOCH the build marks nothing (the browser does).
    assert!(page.select(".caveat-stale").is_empty());
}

#[test]
fn stale_caveats_are_marked_when_the_build_date_is_given() {
    let site = SiteTest::from_fixture("caveats/basic");
    // 2024-06-01: the 2013 one is stale, the 2024-02-01 one is not.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_guidepost"))
        .args(["build", "--format", "json"])
        .current_dir(site.root())
        .env("SOURCE_DATE_EPOCH", "1717200000")
        .output()
        .unwrap();
    assert!(out.status.success());
    let html = std::fs::read_to_string(site.root().join("public/caveats/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let stale: Vec<String> = doc
        .select(&sel(".caveat-entry"))
        .filter(|e| e.select(&sel(".caveat-stale")).next().is_some())
        .map(|e| e.value().attr("data-verified").unwrap_or("").to_string())
        .collect();
    assert_eq!(stale, vec!["2013-07-01"]);
}

#[test]
fn caveat_errors_are_at_their_lines() {
    let site = SiteTest::from_fixture("caveats/basic");
    site.write(
        "content/guides/bad.md",
        r#"---
title: Bad
caveats:
  - text: Names a missing step.
    step: nowhere
  - text: Odd severity.
    severity: catastrophic
  - text: Odd console.
    variants: [mainframe]
  - text: ""
  - text: Bad date.
    verified: last week
---

## Real heading

::: caveat warning from=Reader
x
:::

::: caveat
:::

::: caveat apocalyptic
y
:::
"#,
    );
    let run = site.build(&[]);
    run.expect_status(1);
    let at = |needle: &str| {
        let d = run.diag(needle);
        assert_eq!(d.file, "content/guides/bad.md");
        d.line
    };
    assert_eq!(at("step `nowhere` names no heading"), 4);
    assert_eq!(at("unknown severity `catastrophic`"), 6);
    assert_eq!(at("unknown variant `mainframe`"), 8);
    assert_eq!(at("`text` is empty"), 10);
    assert_eq!(at("`verified` must be a date"), 11);
    assert_eq!(at("`from=` needs a value in double quotes"), 17);
    assert_eq!(at("the block is empty"), 21);
    assert_eq!(at("unknown severity `apocalyptic`"), 24);
}

#[test]
fn a_section_named_caveats_conflicts_with_the_caveats_page() {
    let site = SiteTest::from_files(&[("content/caveats/a.md", "---\ntitle: A\n---\n")]);
    let run = site.build(&[]);
    run.expect_status(1);
    assert!(
        run.diags()[0].message.contains("list of caveats"),
        "{:?}",
        run.diags()
    );
}

const CANDIDATE_GUIDE: &str = "---
title: Verify the partner
caveats:
  - text: Checked by support in 2024.
    step: choose
  - text: A ZANZIBAR tenant made by a syndicator cannot change it.
    step: choose
    severity: danger
    status: candidate
    source:
      kind: field-report
      author: Reader R.
      date: 2024-03-01
      url: https://example.com/issues/7
---

## Choose {#choose}

1. Select a subscription.
";

/// SPEC §3.4: a `status: candidate` caveat is left out of everything `build` writes
/// (page, summary, /caveats/, search) and counted in its summary line; `serve`
/// shows it at its step, marked, with its source.
#[test]
fn candidates_show_in_serve_only() {
    let site = SiteTest::from_files(&[("content/guides/por.md", CANDIDATE_GUIDE)]);
    let run = site.build(&["--strict"]);
    run.ok();
    assert!(
        run.stderr.contains("1 caveat candidate to review"),
        "{}",
        run.stderr
    );
    let page = run.page("guides/por/");
    assert_eq!(page.select("aside.caveat").len(), 1);
    assert!(page.select("[data-status=candidate]").is_empty());
    assert_eq!(page.select("#known-caveats a").len(), 1);
    for entry in walkdir::WalkDir::new(&run.out_dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains("ZANZIBAR"),
                "{} holds the candidate",
                entry.path().display()
            );
        }
    }

    let root = site.root().canonicalize().unwrap();
    let (session, _) = guidepost::serve::session::Session::start(
        guidepost::pipeline::BuildOptions::for_serve(root),
    );
    let html = session.files().get("guides/por/index.html").unwrap();
    let page = scraper::Html::parse_document(&String::from_utf8_lossy(&html));
    let candidates: Vec<_> = page
        .select(&sel("aside.caveat[data-status=candidate]"))
        .collect();
    assert_eq!(candidates.len(), 1);
    let candidate = candidates[0];
    assert!(text_of(candidate).contains("Candidate"));
    assert!(text_of(candidate).contains("ZANZIBAR"));
    let cite = candidate.select(&sel("cite")).next().unwrap();
    assert!(text_of(cite).contains("Reader R."), "{}", text_of(cite));
    // At its step: right after the heading, with the accepted one.
    assert_eq!(page.select(&sel("#choose ~ aside.caveat")).count(), 2);
}

#[test]
fn an_unknown_status_is_an_error_at_its_line() {
    let guide =
        "---\ntitle: T\ncaveats:\n  - text: One.\n  - text: Two.\n    status: maybe\n---\nBody.\n";
    let site = SiteTest::from_files(&[("content/t.md", guide)]);
    let run = site.build(&[]);
    run.expect_status(1);
    let d = run.diag("unknown status `maybe`");
    assert_eq!(
        (d.code.as_str(), d.file.as_str(), d.line),
        ("caveat", "content/t.md", 5)
    );
}

const DATED_GUIDE: &str = "---
title: Dated
updated: 2020-01-01
caveats:
  - text: Verified lately.
    step: one
    verified: 2024-05-01
  - text: Only a source date.
    source:
      kind: comment
      author: Ann
      date: 2022-01-10
  - text: Dated by the guide.
    step: one
  - text: Not reviewed.
    status: candidate
    step: one
---

## One {#one}

Text.
";

/// The caveats of `site` as `guidepost caveats ARGS --format json` lists them, and
/// the run (diagnostics and exit status). Today is 2024-06-01 (SOURCE_DATE_EPOCH).
fn caveats_json(
    site: &SiteTest,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Vec<serde_json::Value>, std::process::Output) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_guidepost"));
    cmd.arg("caveats")
        .args(args)
        .args(["--format", "json"])
        .current_dir(site.root())
        .env_remove("GITHUB_ACTIONS")
        .env("SOURCE_DATE_EPOCH", "1717200000");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let listed = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v.get("guide").is_some())
        .collect();
    (listed, out)
}

/// SPEC §3.4: `guidepost caveats` lists accepted caveats by default, filters by
/// status, and `--stale-after DAYS` lists the accepted ones whose verified date (else
/// source date, else the guide's `updated`) is older, each a warning at its line.
#[test]
fn caveats_command_lists_and_finds_stale_ones() {
    let site = SiteTest::from_files(&[("content/d.md", DATED_GUIDE)]);
    let texts = |listed: &[serde_json::Value]| -> Vec<String> {
        listed
            .iter()
            .map(|v| v["text"].as_str().unwrap().to_string())
            .collect()
    };
    let (listed, out) = caveats_json(&site, &[], &[]);
    assert!(out.status.success());
    // In page order: the one without a step is at the top.
    assert_eq!(
        texts(&listed),
        [
            "Only a source date.",
            "Verified lately.",
            "Dated by the guide."
        ]
    );
    assert_eq!(listed[1]["step"], "one");
    assert_eq!(listed[1]["line"], 5);
    assert_eq!(listed[0]["source"], "Reader comment by Ann, 2022-01-10");
    let (listed, _) = caveats_json(&site, &["--status", "candidate"], &[]);
    assert_eq!(texts(&listed), ["Not reviewed."]);
    assert_eq!(listed[0]["status"], "candidate");
    let (listed, _) = caveats_json(&site, &["--status", "all"], &[]);
    assert_eq!(listed.len(), 4);

    // 2024-06-01: over 365 days are the source date of 2022 and the guide's 2020.
    let (listed, out) = caveats_json(&site, &["--stale-after", "365"], &[]);
    assert!(
        out.status.success(),
        "warnings do not fail without --strict"
    );
    assert_eq!(
        texts(&listed),
        ["Only a source date.", "Dated by the guide."]
    );
    assert_eq!(listed[0]["dated_by"], "source date");
    assert_eq!(listed[1]["age_days"], 1613);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let warnings: Vec<serde_json::Value> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v.get("code").is_some())
        .collect();
    let places: Vec<(String, u64)> = warnings
        .iter()
        .map(|w| {
            assert_eq!(w["severity"], "warning");
            assert_eq!(w["code"], "stale-caveat");
            (
                w["file"].as_str().unwrap().to_string(),
                w["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [("content/d.md".into(), 8), ("content/d.md".into(), 13)]
    );

    let (_, out) = caveats_json(&site, &["--stale-after", "365", "--strict"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let (_, out) = caveats_json(&site, &["--stale-after", "5000", "--strict"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let (_, out) = caveats_json(
        &site,
        &["--stale-after", "365"],
        &[("GITHUB_ACTIONS", "true")],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("::warning file=content/d.md,line=13,col=1::"),
        "{stdout}"
    );
}
