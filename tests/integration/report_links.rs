//! SPEC §3.6 and §8: report links on every step and `##`/`###` heading of a guide,
//! built from `feedback_url`; and the loop they close: a link followed, its issue
//! exported with `gh issue list --json …`, imported as a candidate caveat at exactly
//! that step and console.

use crate::harness::{Page, SiteTest};
use guidepost::caveats::report_links::{CONSOLE_NOT_GIVEN, VARIANT_NOT_GIVEN};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::collections::HashMap;

/// What JavaScript's `encodeURIComponent` keeps as it is.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// The href of a report link after the reader followed it with console `id` (label
/// `label`) chosen: what the theme's script does (the browser test runs the script
/// itself).
fn followed_with_console(href: &str, id: &str, label: &str) -> String {
    let named = format!("{label} ({id})");
    href.replace(
        CONSOLE_NOT_GIVEN,
        &utf8_percent_encode(&named, URI_COMPONENT).to_string(),
    )
    .replace(
        VARIANT_NOT_GIVEN,
        &utf8_percent_encode(id, URI_COMPONENT).to_string(),
    )
}

/// The decoded query fields of a URL (`?a=1&b=2`).
fn query(href: &str) -> HashMap<String, String> {
    let q = href.split_once('?').map_or("", |(_, q)| q);
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), guidepost::url::percent_decode(v)))
        .collect()
}

/// The one report link of the step or heading `id`: directly in its `li` or heading.
fn report_href(page: &Page, id: &str) -> String {
    page.attr(&format!("#{id} > a[data-report=\"{id}\"]"), "href")
}

#[test]
fn every_step_and_second_or_third_level_heading_has_a_report_link() {
    let site = SiteTest::from_fixture("reports/links");
    let run = site.build(&["--strict"]);
    run.ok();
    let page = run.page("licensing/verify/");
    let reported: Vec<String> = page.attrs(".content a[data-report]", "data-report");
    assert_eq!(
        reported,
        [
            "sign-in",
            "sign-in-step-1",
            "sign-in-step-1-1",
            "choose-a-subscription",
            "choose-a-subscription-step-1",
            "choose-a-subscription-step-2",
            "missing"
        ]
    );
    // One per step and `##`/`###` heading, inside it (SPEC §8); none for `####`, none
    // inside the caveat, none for raw HTML anchors.
    let steps = page.attrs(".content li[id^=\"step-\"], .content ol > li[id]", "id");
    let headings = page.attrs(".content h2[id], .content h3[id]", "id");
    assert_eq!(reported.len(), steps.len() + headings.len());
    for id in steps.iter().chain(&headings) {
        page.one(&format!("#{id} > a[data-report=\"{id}\"]"));
    }
    assert!(page.select("h4 a[data-report]").is_empty());

    // Accessible: the link says what it reports on; a heading keeps its own name.
    let link = page.one("#choose-a-subscription-step-2 > a[data-report]");
    assert_eq!(
        crate::harness::text_of(link),
        "Report a problem with this step"
    );
    assert_eq!(
        crate::harness::text_of(page.one("#missing > a[data-report]")),
        "Report a problem with this section"
    );
    assert_eq!(
        page.attr("h2#choose-a-subscription", "aria-label"),
        "Choose a subscription"
    );
    assert_eq!(
        page.attr("h3#missing", "aria-label"),
        "When the field is missing"
    );

    // The fields: title, body lines, each URL-encoded; the console is the reader's.
    let href = report_href(&page, "choose-a-subscription-step-2");
    assert!(href.starts_with("https://github.com/acme/help/issues/new?title=Problem%20with%3A%20Verify%20the%20partner%20of%20record%2C%20step%202&body=Page%3A%20https%3A%2F%2Fhelp.example.com%2Fdocs%2Flicensing%2Fverify%2F%23choose-a-subscription-step-2%0AGuide%3A%20"), "{href}");
    let fields = query(&href);
    assert_eq!(
        fields["title"],
        "Problem with: Verify the partner of record, step 2"
    );
    assert_eq!(
        fields["body"],
        "Page: https://help.example.com/docs/licensing/verify/#choose-a-subscription-step-2\n\
         Guide: content/licensing/verify.md\n\
         Version: current\n\
         Step: choose-a-subscription-step-2\n\
         Console: not given\n\n"
    );
    assert_eq!(fields["labels"], "reader-report,console:not given");
    assert_eq!(
        query(&report_href(&page, "missing"))["title"],
        "Problem with: Verify the partner of record, section \"When the field is missing\""
    );
    // A step in the panel of one console names that console, without JavaScript too.
    let fields = query(&report_href(&page, "sign-in-step-1"));
    assert!(
        fields["body"].ends_with("Console: Small Business admin console (small-business)\n\n"),
        "{}",
        fields["body"]
    );
    assert_eq!(fields["labels"], "reader-report,console:small-business");
    // So does every step of a guide for one console.
    let page = run.page("licensing/small-business-only/");
    let fields = query(&report_href(&page, "step-2"));
    assert!(fields["body"].contains("Console: Small Business admin console (small-business)\n"));

    // A frozen version's page names its version and its own URL.
    let page = run.page("2013/licensing/verify/");
    let fields = query(&report_href(&page, "steps-step-1"));
    assert!(
        fields["body"].starts_with("Page: https://help.example.com/docs/2013/licensing/verify/#steps-step-1\nGuide: versions/2013/licensing/verify.md\nVersion: 2013\n"),
        "{}",
        fields["body"]
    );

    // Section pages, the caveats page and the search index have none of it.
    for path in ["", "licensing/", "caveats/"] {
        assert!(run.page(path).select("a[data-report]").is_empty(), "{path}");
    }
    let pages = all_output_text(&run.out_dir, "html");
    assert!(
        !pages.contains('\u{1}') && !pages.contains('\0'),
        "no mark is left in the pages"
    );
    let index = search_text(&run.out_dir);
    assert!(!index.to_lowercase().contains("report"), "{index}");
}

/// Every file of an output folder whose name ends with `ext` ("": every file), as text
/// (lossy), in path order.
fn all_output_text(dir: &std::path::Path, ext: &str) -> String {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().to_string_lossy().ends_with(ext))
        .map(|e| String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned())
        .collect()
}

/// The search index files of every version, unpacked.
fn search_text(out: &std::path::Path) -> String {
    walkdir::WalkDir::new(out)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file() && e.path().components().any(|c| c.as_os_str() == "search")
        })
        .map(|e| guidepost::search::unpack(&std::fs::read(e.path()).unwrap()).unwrap())
        .collect()
}

#[test]
fn without_feedback_url_there_is_no_report_link_and_nothing_else_changes() {
    let with = SiteTest::from_fixture("reports/links");
    let without = SiteTest::from_fixture("reports/links");
    let toml = without.read("site.toml");
    let feedback_line = toml
        .lines()
        .find(|l| l.starts_with("feedback_url"))
        .unwrap();
    without.write(
        "site.toml",
        &toml.replace(&format!("{feedback_line}\n"), ""),
    );
    let run = without.build(&["--strict"]);
    run.ok();
    let page = run.page("licensing/verify/");
    assert!(page.select("a[data-report]").is_empty());
    assert!(page
        .select("[aria-label=\"Choose a subscription\"]")
        .is_empty());
    let plain = run.file("licensing/verify/index.html");
    assert!(!plain.contains('\u{1}') && !plain.contains('\0'));

    // The same page with report links is this one plus the links and heading labels.
    let linked = with
        .build(&["--strict"])
        .file("licensing/verify/index.html");
    let without_links = regex::Regex::new(r#" ?<a class="report-link"[^>]*>Report<span class="report-more"> a problem</span><span class="visually-hidden">[^<]*</span></a>"#)
        .unwrap()
        .replace_all(&linked, "");
    let without_labels = regex::Regex::new(r#"(<h[23] id="[^"]*") aria-label="[^"]*""#)
        .unwrap()
        .replace_all(&without_links, "$1");
    assert_eq!(without_labels, plain);
}

#[test]
fn a_mailto_template_gets_a_mail_with_crlf_lines() {
    let site = SiteTest::from_fixture("reports/links");
    let toml = site.read("site.toml");
    let feedback_line = toml
        .lines()
        .find(|l| l.starts_with("feedback_url"))
        .unwrap();
    site.write(
        "site.toml",
        &toml.replace(
            feedback_line,
            "feedback_url = \"mailto:help@example.com?subject={title}&body={body}\"",
        ),
    );
    let run = site.build(&["--strict"]);
    run.ok();
    let page = run.page("licensing/verify/");
    let href = report_href(&page, "choose-a-subscription-step-1");
    assert!(href.starts_with("mailto:help@example.com?subject=Problem%20with%3A%20Verify%20the%20partner%20of%20record%2C%20step%201&body=Page%3A%20"), "{href}");
    // RFC 6068: spaces as %20 (a `+` would stay a plus), line breaks as %0D%0A.
    assert!(!href.contains('+') && !href.contains(' '), "{href}");
    assert!(
        href.contains(
            "%0D%0AGuide%3A%20content%2Flicensing%2Fverify.md%0D%0AVersion%3A%20current%0D%0A"
        ),
        "{href}"
    );
    assert_eq!(
        query(&href)["body"],
        "Page: https://help.example.com/docs/licensing/verify/#choose-a-subscription-step-1\r\nGuide: content/licensing/verify.md\r\nVersion: current\r\nStep: choose-a-subscription-step-1\r\nConsole: not given\r\n\r\n"
    );
}

#[test]
fn report_links_are_the_same_in_every_build() {
    let site = SiteTest::from_fixture("reports/links");
    let first = site.build(&["--out", "first"]);
    first.expect_status(0);
    let second = site.build(&["--out", "second"]);
    second.expect_status(0);
    let a = all_output_text(&site.root().join("first"), "");
    let b = all_output_text(&site.root().join("second"), "");
    assert!(a.contains("data-report="));
    assert!(a == b, "two builds of the same site differ");
}

#[test]
fn a_feedback_url_that_cannot_work_is_a_configuration_error_at_its_line() {
    let site = SiteTest::from_fixture("reports/links");
    let toml = site.read("site.toml");
    let feedback_line = toml
        .lines()
        .find(|l| l.starts_with("feedback_url"))
        .unwrap();
    site.write(
        "site.toml",
        &toml.replace(
            feedback_line,
            "feedback_url = \"https://github.com/acme/help/issues/new?title={titel}\"",
        ),
    );
    let run = site.build(&[]);
    run.expect_status(2);
    let d = run.diag("feedback_url");
    assert_eq!((d.file.as_str(), d.line, d.column), ("site.toml", 4, 16));
    assert!(
        d.message.contains("unknown field `{titel}`"),
        "{}",
        d.message
    );
    assert!(d
        .message
        .contains("{title} {body} {url} {step} {version} {variant}"));
}

/// Writes `issues` as the JSON of `gh issue list --json number,title,body,author,createdAt,url`
/// and runs `guidepost import reports` on it; returns the JSON lines and stdout of a
/// human run.
fn import_issues(site: &SiteTest, issues: &serde_json::Value, format: &str) -> String {
    site.write(
        "issues.json",
        &serde_json::to_string_pretty(issues).unwrap(),
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_guidepost"))
        .args(["import", "reports", "issues.json", "--format", format])
        .current_dir(site.root())
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// An issue as GitHub makes it of a report link: the link's title and body, with the
/// reader's words typed below the fields.
fn issue_of(number: u64, href: &str, words: &str) -> serde_json::Value {
    let fields = query(href);
    serde_json::json!({
        "number": number,
        "title": fields["title"],
        "body": format!("{}{words}\n", fields["body"]),
        "author": {"login": "reader7", "name": "Reader Seven"},
        "createdAt": "2026-02-03T10:20:30Z",
        "url": format!("https://github.com/example/partner-help-center/issues/{number}"),
    })
}

/// The text that `after` has and `before` has not, when `after` is `before` with
/// one piece inserted (every other byte kept).
fn inserted(before: &str, after: &str) -> String {
    let prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = before[prefix..]
        .bytes()
        .rev()
        .zip(after[prefix..].bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    assert_eq!(
        prefix + suffix,
        before.len(),
        "only an insertion:\n{before}\n---\n{after}"
    );
    after[prefix..after.len() - suffix].to_string()
}

/// The loop on the repository's sample site: the report link of step 2 of "Find your
/// partner ID", followed by a reader of the Small Business console, becomes an issue;
/// its export imported lands as a candidate at exactly that guide, step and console.
#[test]
fn a_followed_report_link_comes_back_as_a_candidate_at_its_step_and_console() {
    let site = SiteTest::from_sample_site();
    let run = site.build(&["--strict"]);
    run.expect_status(0);
    let page = run.page("partner-id/find-your-partner-id/");
    let built = report_href(&page, "look-it-up-step-2");
    assert!(built.contains(CONSOLE_NOT_GIVEN), "{built}");
    let followed = followed_with_console(&built, "small-business", "Small Business admin console");
    assert!(query(&followed)["body"]
        .contains("Console: Small Business admin console (small-business)\n"));

    let guide = "content/partner-id/find-your-partner-id.md";
    let before = site.read(guide);
    let issues = serde_json::json!([issue_of(
        42,
        &followed,
        "The account icon is a gear icon now, under Settings."
    )]);
    let json = import_issues(&site, &issues, "json");
    let line: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(line["outcome"], "added");
    assert_eq!(line["file"], guide);
    assert_eq!(line["step"], "look-it-up-step-2");
    assert_eq!(line["variants"], serde_json::json!(["small-business"]));

    // Every other byte of the guide is kept; the front matter gains the candidate.
    let after = site.read(guide);
    assert_eq!(
        inserted(&before, &after),
        "caveats:\n  - text: The account icon is a gear icon now, under Settings.\n    step: look-it-up-step-2\n    variants:\n    - small-business\n    status: candidate\n    source:\n      kind: field-report\n      author: reader7\n      date: 2026-02-03\n      url: https://github.com/example/partner-help-center/issues/42\n"
    );

    // `guidepost caveats` lists it as a candidate at that step, for that console.
    let out = site.run(&["caveats", "--status", "candidate", "--format", "json"]);
    let listed: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ours = listed
        .iter()
        .find(|c| c["source_url"] == "https://github.com/example/partner-help-center/issues/42")
        .unwrap_or_else(|| panic!("{listed:?}"));
    assert_eq!(ours["file"], guide);
    assert_eq!(ours["step"], "look-it-up-step-2");
    assert_eq!(ours["variants"], serde_json::json!(["small-business"]));
    assert_eq!(ours["status"], "candidate");

    // The build leaves it out of the page and counts it; importing again adds nothing.
    let run = site.build(&["--strict"]);
    run.expect_status(0);
    assert!(
        run.stderr.contains("2 caveat candidates to review"),
        "{}",
        run.stderr
    );
    assert!(!run
        .file("partner-id/find-your-partner-id/index.html")
        .contains("gear icon"));
    let again = import_issues(&site, &issues, "json");
    assert!(
        again.contains("\"outcome\":\"already-imported\""),
        "{again}"
    );
    assert_eq!(site.read(guide), after);
}

/// The loop on a frozen version, and reports naming what a caveat cannot belong to.
#[test]
fn reports_land_in_their_version_and_name_only_steps_and_headings() {
    let site = SiteTest::from_fixture("reports/links");
    let run = site.build(&[]);
    run.expect_status(0);
    let old = run.page("2013/licensing/verify/");
    let current = run.page("licensing/verify/");
    let old_href = followed_with_console(
        &report_href(&old, "steps-step-2"),
        "enterprise",
        "Midsized Business and Enterprise admin console",
    );
    let section_href = followed_with_console(
        &report_href(&current, "missing"),
        "enterprise",
        "Midsized Business and Enterprise admin console",
    );
    let mut caveat_named = issue_of(
        52,
        &report_href(&current, "choose-a-subscription-step-1"),
        "Names a caveat.",
    );
    caveat_named["body"] = caveat_named["body"]
        .as_str()
        .unwrap()
        .replace("Step: choose-a-subscription-step-1", "Step: caveat-1")
        .into();
    let mut anchor_named = issue_of(
        53,
        &report_href(&current, "choose-a-subscription-step-1"),
        "Names an anchor.",
    );
    anchor_named["body"] = anchor_named["body"]
        .as_str()
        .unwrap()
        .replace("Step: choose-a-subscription-step-1", "Step: old-anchor")
        .into();
    let mut renumbered = issue_of(
        54,
        &report_href(&current, "choose-a-subscription-step-1"),
        "A step that moved.",
    );
    renumbered["body"] = renumbered["body"]
        .as_str()
        .unwrap()
        .replace(
            "Step: choose-a-subscription-step-1",
            "Step: choose-a-subscription-step-3",
        )
        .into();
    let issues = serde_json::json!([
        issue_of(50, &old_href, "The 2013 portal calls it Subscriptions."),
        issue_of(51, &section_href, "The field is there, but greyed out."),
        caveat_named,
        anchor_named,
        renumbered,
    ]);
    let before = site.read("content/licensing/verify.md");
    let json = import_issues(&site, &issues, "json");
    let lines: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["outcome"], "added");
    assert_eq!(lines[0]["file"], "versions/2013/licensing/verify.md");
    assert_eq!(lines[0]["step"], "steps-step-2");
    assert_eq!(lines[0]["variants"], serde_json::json!(["enterprise"]));
    assert_eq!(lines[1]["file"], "content/licensing/verify.md");
    assert_eq!(lines[1]["step"], "missing");
    assert_eq!(lines[2]["outcome"], "unresolved");
    assert!(
        lines[2]["reason"].as_str().unwrap().contains(
            "`caveat-1` on `content/licensing/verify.md` is neither a step nor a heading"
        ),
        "{}",
        lines[2]
    );
    assert!(
        lines[3]["reason"].as_str().unwrap().contains(
            "`old-anchor` on `content/licensing/verify.md` is neither a step nor a heading"
        ),
        "{}",
        lines[3]
    );
    assert_eq!(
        lines[4]["reason"],
        "`content/licensing/verify.md` has no step or heading `choose-a-subscription-step-3`; did you mean `choose-a-subscription-step-1`?"
    );
    let after = site.read("content/licensing/verify.md");
    assert!(inserted(&before, &after).contains("step: missing\n"));
    assert!(site
        .read("versions/2013/licensing/verify.md")
        .contains("  - text: The 2013 portal calls it Subscriptions.\n    step: steps-step-2\n"));
    // The site still builds without a warning: the candidates are where they may be.
    site.build(&["--strict"]).ok();

    // The human form says the same.
    let human = import_issues(&site, &issues, "human");
    assert!(human.contains("https://github.com/example/partner-help-center/issues/54: not imported: `content/licensing/verify.md` has no step or heading `choose-a-subscription-step-3`; did you mean `choose-a-subscription-step-1`?"), "{human}");
}
