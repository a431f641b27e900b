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
    assert_eq!(at("step `nowhere` names no heading or step"), 4);
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
