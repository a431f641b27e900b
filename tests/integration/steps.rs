//! SPEC §3 and §8: every item of an ordered list that is not nested in another list is
//! a step, with a page-unique id (`step-N`, `<heading id>-step-N`; N as displayed) and
//! a link to itself. Step ids are anchors, and a front matter caveat's `step` may
//! name one.

use crate::harness::{text_of, SiteTest};

#[test]
fn top_level_ordered_list_items_are_steps_with_ids_and_links() {
    let site = SiteTest::from_fixture("steps/basic");
    let run = site.build(&[]);
    run.expect_status(0);
    let page = run.page("change-partner/");
    let ids = page.attrs(".content li[id]", "id");
    assert_eq!(
        ids,
        vec![
            "step-1",
            "step-2",
            "open-licensing-step-1",
            "open-licensing-step-2",
            // The same step in the other variant panel: unique on the page.
            "open-licensing-step-1-1",
            "open-licensing-step-2-1",
            // N as displayed: the list starts at 3.
            "choose-step-3",
            "choose-step-4",
            // A list in a callout is in no other list.
            "choose-step-1",
        ]
    );
    // Items of nested lists are no steps.
    assert_eq!(page.select("li li[id]").len(), 0);
    assert_eq!(page.select("li ol > li").len(), 1);
    // Each step links to itself, with a name that says so; nothing else changes.
    for id in &ids {
        let link = page.one(&format!("li#{id} > a.step-link:first-child"));
        assert_eq!(link.value().attr("href"), Some(format!("#{id}").as_str()));
    }
    assert_eq!(
        text_of(page.one("li#choose-step-3 > a.step-link .visually-hidden")),
        "Link to step 3"
    );
    assert_eq!(page.attr("ol:has(> li#choose-step-3)", "start"), "3");
}

#[test]
fn step_ids_are_anchors_and_caveats_can_name_them() {
    let site = SiteTest::from_fixture("steps/basic");
    let run = site.build(&[]);
    // Links to steps, from the page and from another page, resolve; one does not.
    let missing: Vec<(String, u64, u64, String)> = run
        .diags()
        .iter()
        .map(|d| (d.file.clone(), d.line, d.column, d.code.clone()))
        .collect();
    assert_eq!(
        missing,
        vec![(
            "content/change-partner.md".to_string(),
            38,
            32,
            "missing-anchor".to_string()
        )]
    );
    // A front matter caveat whose `step` is a step id closes that step's item.
    let page = run.page("change-partner/");
    let last = page
        .one("li#open-licensing-step-2")
        .children()
        .filter_map(scraper::ElementRef::wrap)
        .last()
        .unwrap();
    assert_eq!(last.value().attr("id"), Some("caveat-1"));
    assert_eq!(
        page.select("li#choose-step-4 > aside.caveat#caveat-2")
            .len(),
        1
    );
    // The caveats page names the step.
    let caveats = run.page("caveats/");
    let steps: Vec<String> = caveats.texts("h3.caveats-step");
    assert_eq!(steps, vec!["Open licensing, step 2", "Choose, step 4"]);
    assert_eq!(
        caveats.attrs("h3.caveats-step a", "href"),
        vec![
            "/change-partner/#open-licensing-step-2",
            "/change-partner/#choose-step-4"
        ]
    );
}

#[test]
fn a_caveat_step_that_names_nothing_lists_the_steps() {
    let site = SiteTest::from_files(&[(
        "content/a.md",
        "---\ntitle: A\ncaveats:\n  - text: Careful.\n    step: step-9\n---\n\n1. One.\n2. Two.\n",
    )]);
    let run = site.build(&[]);
    run.expect_status(1);
    let d = run.diag("names no heading or step");
    assert_eq!((d.code.as_str(), d.line, d.column), ("caveat", 4, 1));
    assert_eq!(
        d.help.as_deref(),
        Some("its step ids are `step-1`, `step-2`")
    );
}
