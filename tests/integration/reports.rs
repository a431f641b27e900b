//! SPEC §3.6: `guidepost import reports FILE.json` turns readers' reports into
//! candidate caveats, keeping every other byte of the guides.

use crate::harness::SiteTest;

/// Runs `guidepost import reports reports.json ARGS --format json` in the site.
fn import(
    site: &SiteTest,
    reports: &str,
    args: &[&str],
) -> (Vec<serde_json::Value>, std::process::Output) {
    site.write("reports.json", reports);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_guidepost"))
        .args(["import", "reports", "reports.json", "--format", "json"])
        .args(args)
        .current_dir(site.root())
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (lines, out)
}

const ISSUES: &str = r#"[
 {"number": 21, "title": "Problem with: Flow: caveats in brackets, Pick",
  "body": "Page: https://help.example.com/docs/guides/flow/#pick\nGuide: content/guides/flow.md\nVersion: current\nStep: pick\nConsole: enterprise\n\nThe Licensing link moved under Billing.\n",
  "author": {"login": "reader1"}, "createdAt": "2026-11-30T09:00:00Z", "url": "https://github.com/acme/help/issues/21"},
 {"number": 1, "title": "Problem with: Flow", "body": "Page: https://help.example.com/docs/guides/flow/#pick\n\nKnown.",
  "author": {"login": "x"}, "createdAt": "2026-01-01T00:00:00Z", "url": "https://github.com/acme/help/issues/1"},
 {"number": 22, "title": "Problem with: Block caveats",
  "body": "Page: https://help.example.com/docs/guides/block/#partner-information\nConsole: not given\n\nThe form needs a *tenant* ID: \"contoso\" # here.\n",
  "author": {"login": "reader2"}, "createdAt": "2026-11-29T10:00:00Z", "url": "https://github.com/acme/help/issues/22"},
 {"number": 23, "title": "t", "body": "Page: https://help.example.com/docs/guides/none/\n\nNo step named, whole guide.",
  "author": {"login": "reader3"}, "createdAt": "2026-11-28T10:00:00Z", "url": "https://github.com/acme/help/issues/23"},
 {"number": 24, "title": "t", "body": "Page: https://help.example.com/docs/guides/gone/#x\n\nA guide that is not there.",
  "author": {"login": "r"}, "createdAt": "2026-11-28T10:00:00Z", "url": "https://github.com/acme/help/issues/24"},
 {"number": 25, "title": "t", "body": "Page: https://help.example.com/docs/guides/none/#no-such-step\n\nA step that is not there.",
  "author": {"login": "r"}, "createdAt": "2026-11-28T10:00:00Z", "url": "https://github.com/acme/help/issues/25"},
 {"number": 26, "title": "t", "body": "Page: https://help.example.com/docs/guides/none/\nConsole: Datacenter\n\nAn unknown console.",
  "author": {"login": "r"}, "createdAt": "2026-11-28T10:00:00Z", "url": "https://github.com/acme/help/issues/26"}
]"#;

fn outcomes(lines: &[serde_json::Value]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l["outcome"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn reports_become_candidates_and_nothing_else_changes() {
    let site = SiteTest::from_fixture("reports/comments");
    let before: Vec<String> = ["flow", "block", "none"]
        .iter()
        .map(|g| site.read(&format!("content/guides/{g}.md")))
        .collect();

    // --dry-run writes nothing.
    let (lines, out) = import(&site, ISSUES, &["--dry-run"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        outcomes(&lines),
        [
            "added",
            "already-imported",
            "added",
            "added",
            "unresolved",
            "unresolved",
            "unresolved"
        ]
    );
    for (g, text) in ["flow", "block", "none"].iter().zip(&before) {
        assert_eq!(&site.read(&format!("content/guides/{g}.md")), text);
    }

    let (lines, out) = import(&site, ISSUES, &[]);
    assert!(out.status.success());
    assert_eq!(lines[0]["step"], "pick");
    assert_eq!(lines[0]["variants"][0], "enterprise");
    assert!(
        lines[4]["reason"].as_str().unwrap().contains("no guide"),
        "{:?}",
        lines[4]
    );
    assert!(lines[5]["reason"]
        .as_str()
        .unwrap()
        .contains("no-such-step"));
    assert!(lines[6]["reason"].as_str().unwrap().contains("Datacenter"));

    // Every byte of each file is kept; only the new item is added, where the list is.
    let flow = site.read("content/guides/flow.md");
    let (head, tail) = before[0].split_once("}]  # one").unwrap();
    assert!(
        flow.starts_with(head) && flow.ends_with(&format!("}}]  # one{tail}")),
        "{flow}"
    );
    assert!(
        flow.contains(r#""text":"The Licensing link moved under Billing.""#),
        "{flow}"
    );
    let block = site.read("content/guides/block.md");
    assert!(block.starts_with("---\ntitle: Block caveats\ncaveats:\n    # an indented list, with a comment first\n    - text: Older note.\n      severity: note\n    - text:"), "{block}");
    assert!(block.ends_with("# the list ends here\nsummary: A guide.\n---\n\nIntro.\n\n## Partner information\n\nFill in the form.\n"), "{block}");
    let none = site.read("content/guides/none.md");
    assert!(none.starts_with("---\ntitle: No caveats yet   # nothing here\ncaveats:\n  - text: No step named, whole guide."), "{none}");

    // The site builds, the candidates are left out and counted; serve would show them.
    let run = site.build(&["--strict"]);
    run.ok();
    assert!(
        run.stderr.contains("3 caveat candidates to review"),
        "{}",
        run.stderr
    );
    let (listed, _) = {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_guidepost"))
            .args(["caveats", "--status", "candidate", "--format", "json"])
            .current_dir(site.root())
            .output()
            .unwrap();
        let l: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (l, out)
    };
    let mut sources: Vec<String> = listed
        .iter()
        .map(|c| c["source_url"].as_str().unwrap().to_string())
        .collect();
    sources.sort();
    assert_eq!(
        sources,
        [
            "https://github.com/acme/help/issues/21",
            "https://github.com/acme/help/issues/22",
            "https://github.com/acme/help/issues/23"
        ]
    );
    let block_caveat = listed
        .iter()
        .find(|c| c["file"] == "content/guides/block.md")
        .unwrap();
    assert_eq!(block_caveat["step"], "partner-information");
    assert_eq!(
        block_caveat["text"],
        "The form needs a tenant ID: \"contoso\" # here."
    );
    assert_eq!(
        block_caveat["source"],
        "Field report by reader2, 2026-11-29"
    );

    // Importing again adds nothing.
    let after: Vec<String> = ["flow", "block", "none"]
        .iter()
        .map(|g| site.read(&format!("content/guides/{g}.md")))
        .collect();
    let (lines, _) = import(&site, ISSUES, &[]);
    assert_eq!(
        outcomes(&lines),
        [
            "already-imported",
            "already-imported",
            "already-imported",
            "already-imported",
            "unresolved",
            "unresolved",
            "unresolved"
        ]
    );
    for (g, text) in ["flow", "block", "none"].iter().zip(&after) {
        assert_eq!(&site.read(&format!("content/guides/{g}.md")), text);
    }
}

#[test]
fn the_plain_form_and_bad_files() {
    let site = SiteTest::from_fixture("reports/comments");
    let plain = r#"[{"page": "https://help.example.com/docs/guides/block/", "step": "partner-information",
        "variant": "small-business", "author": "Pat", "date": "2026-10-01", "url": "https://support.example.com/case/9",
        "text": "Partner ID field is greyed out for syndicated tenants."}]"#;
    let (lines, out) = import(&site, plain, &[]);
    assert!(out.status.success());
    assert_eq!(outcomes(&lines), ["added"]);
    assert_eq!(lines[0]["variants"][0], "small-business");
    site.build(&["--strict"]).ok();

    // A malformed file: exit 2, the place of the problem, nothing changed.
    let before = site.read("content/guides/block.md");
    let (_, out) = import(&site, "[\n  {\"page\": \"x\",\n  \"text\": }\n]", &[]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let d: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(
        (d["code"].as_str(), d["line"].as_u64()),
        (Some("reports"), Some(3))
    );
    assert_eq!(site.read("content/guides/block.md"), before);
    let (_, out) = import(&site, "{\"not\": \"an array\"}", &[]);
    assert_eq!(out.status.code(), Some(2));
}
