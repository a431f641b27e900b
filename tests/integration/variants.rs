//! SPEC §3.3: console variants, as markup (the browser behaviour is in browser.rs).

use crate::harness::{text_of, SiteTest};
use scraper::Selector;

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

#[test]
fn adjacent_blocks_form_one_group_of_tabs_and_panels() {
    let site = SiteTest::from_fixture("variants/basic");
    let run = site.build(&[]);
    // The last group lacks two consoles: one warning, nothing else.
    run.expect_status(0);
    let page = run.page("docs/steps/");
    let groups = page.select("[data-variant-group]");
    assert_eq!(groups.len(), 3);

    let first = groups[0];
    let tabs: Vec<(String, String)> = first
        .select(&sel("button[role=tab]"))
        .map(|b| {
            (
                b.value().attr("data-variant").unwrap().to_string(),
                text_of(b),
            )
        })
        .collect();
    assert_eq!(
        tabs,
        vec![
            ("sb".into(), "Small Business console".into()),
            ("ent".into(), "Enterprise console".into()),
            ("edu".into(), "Education console".into())
        ]
    );
    let panels: Vec<String> = first
        .select(&sel("[role=tabpanel]"))
        .map(|p| p.value().attr("data-variant").unwrap().to_string())
        .collect();
    assert_eq!(panels, vec!["sb", "ent edu"]);
    // ARIA: tabs control panels, panels are labelled by a tab, all ids unique.
    for tab in first.select(&sel("[role=tab]")) {
        let controls = tab.value().attr("aria-controls").unwrap();
        assert_eq!(page.select(&format!("#{controls}[role=tabpanel]")).len(), 1);
    }
    for panel in first.select(&sel("[role=tabpanel]")) {
        let by = panel.value().attr("aria-labelledby").unwrap();
        assert_eq!(page.select(&format!("#{by}[role=tab]")).len(), 1);
    }
    let mut ids: Vec<String> = page.attrs("[id]", "id");
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "ids are unique");
    // Labels for readers without JavaScript.
    assert_eq!(
        first
            .select(&sel(".variant-label"))
            .map(text_of)
            .collect::<Vec<_>>(),
        vec![
            "Small Business console",
            "Enterprise console, Education console"
        ]
    );
    // Markdown inside: lists, screenshots, code, alerts.
    assert_eq!(
        first
            .select(&sel("[data-variant=sb] ol figure img"))
            .count(),
        1
    );
    assert_eq!(
        first
            .select(&sel("[data-variant='ent edu'] pre[data-lang=bash]"))
            .count(),
        1
    );
    assert_eq!(
        first
            .select(&sel(
                "[data-variant='ent edu'] aside.callout[data-kind=note]"
            ))
            .count(),
        1
    );
    // The list after the group continues the numbering.
    assert_eq!(page.attr(".content > ol[start]", "start"), "2");
}

#[test]
fn headings_in_variant_blocks_keep_unique_ids_and_toc_entries() {
    let site = SiteTest::from_fixture("variants/basic");
    let run = site.build(&[]);
    let page = run.page("docs/steps/");
    assert_eq!(
        page.attrs(".content h3", "id"),
        vec!["where-it-is", "where-it-is-1", "where-it-is-2"]
    );
    let toc: Vec<(String, Option<String>)> = page
        .select(".toc li")
        .iter()
        .map(|li| {
            let a = li.select(&sel("a")).next().unwrap();
            (
                a.value().attr("href").unwrap().to_string(),
                li.value().attr("data-variant").map(String::from),
            )
        })
        .collect();
    assert_eq!(
        toc,
        vec![
            ("#open-the-page".into(), None),
            ("#details".into(), None),
            ("#where-it-is".into(), Some("sb".into())),
            ("#where-it-is-1".into(), Some("ent".into())),
            ("#where-it-is-2".into(), Some("edu".into())),
        ]
    );
    // Every TOC link points at a heading of the page.
    for href in page.attrs(".toc a", "href") {
        assert_eq!(page.select(&href).len(), 1, "{href}");
    }
}

#[test]
fn picker_badges_and_preference_script() {
    let site = SiteTest::from_fixture("variants/basic");
    let run = site.build(&[]);
    let page = run.page("docs/limited/");
    let options: Vec<(String, String)> = page
        .select("header select[name=variant] option")
        .iter()
        .map(|o| (o.value().attr("value").unwrap().to_string(), text_of(*o)))
        .collect();
    assert_eq!(options.len(), 3);
    assert_eq!(options[1], ("ent".into(), "Enterprise console".into()));
    assert_eq!(
        page.attr("select[name=variant] option[selected]", "value"),
        "ent"
    );
    assert_eq!(
        page.texts(".applies-to .badge"),
        vec!["Enterprise console", "Education console"]
    );
    // The head script names the default; a style rule per variant hides the others.
    let head_script = page.text("head script:not([src])");
    assert!(
        head_script.contains("\"sb\", \"ent\", \"edu\""),
        "{head_script}"
    );
    assert!(head_script.contains("v = \"ent\""), "{head_script}");
    let style = page.one("head style").text().collect::<String>();
    for id in ["sb", "ent", "edu"] {
        assert!(
            style.contains(&format!(
                "html[data-variant=\"{id}\"] .for-variant:not([data-variant~=\"{id}\"])"
            )),
            "{style}"
        );
    }
    // The section list shows which consoles each guide covers.
    let section = run.page("docs/");
    let limited = section
        .select(".guide-list > li")
        .into_iter()
        .find(|li| text_of(*li).contains("Limited guide"))
        .unwrap();
    assert_eq!(
        limited
            .select(&sel(".badge"))
            .map(text_of)
            .collect::<Vec<_>>(),
        vec!["Enterprise console", "Education console"]
    );
}

#[test]
fn a_group_missing_a_console_warns_and_fails_under_strict() {
    let site = SiteTest::from_fixture("variants/basic");
    let run = site.build(&[]);
    run.expect_status(0);
    let d = run.diag("has nothing for `ent`, `edu`");
    assert_eq!(
        (d.severity.as_str(), d.file.as_str(), d.line),
        ("warning", "content/docs/steps.md", 45)
    );
    assert_eq!(
        run.diags().len(),
        1,
        "the limited guide needs no sb block: {:?}",
        run.diags()
    );
    site.build(&["--strict", "--out", "strict"])
        .expect_status(1);
}

#[test]
fn variant_errors_are_at_their_lines() {
    let site = SiteTest::from_fixture("variants/basic");
    site.write(
        "content/docs/bad.md",
        "---\ntitle: Bad\nvariants: [ent, nope]\n---\n\n::: variant ent mystery\nA\n:::\n\n::: variant\nB\n:::\n\n::: variant sb\nC\n:::\n",
    );
    let run = site.build(&[]);
    run.expect_status(1);
    let d = run.diag("front matter: unknown variant `nope`");
    assert_eq!((d.file.as_str(), d.line), ("content/docs/bad.md", 3));
    assert_eq!(run.diag("unknown variant `mystery`").line, 6);
    assert_eq!(run.diag("needs at least one variant id").line, 10);
    assert_eq!(run.diag("`sb` is not one of this guide's").line, 14);
}

#[test]
fn nested_variant_blocks_are_an_error() {
    let site = SiteTest::from_fixture("variants/basic");
    site.write(
        "content/docs/nested.md",
        "---\ntitle: Nested\n---\n\n::: variant sb ent edu\n::: variant sb\nX\n:::\n:::\n",
    );
    let run = site.build(&[]);
    run.expect_status(1);
    assert_eq!(run.diag("cannot sit inside another").line, 6);
}

#[test]
fn a_site_without_variants_has_no_picker_and_refuses_variant_blocks() {
    let site = SiteTest::from_files(&[(
        "content/a.md",
        "---\ntitle: A\n---\n\n::: variant sb\nx\n:::\n",
    )]);
    let run = site.build(&[]);
    run.expect_status(1);
    assert!(run.diag("unknown variant `sb`").line == 5);
    site.write("content/a.md", "---\ntitle: A\n---\n\nPlain.\n");
    let run = site.build(&[]);
    run.ok();
    let page = run.page("a/");
    assert!(page.select("select[name=variant]").is_empty());
    assert!(page.select("head style").is_empty());
}
