//! `guidepost import wordpress` (SPEC §9) on fixture exports written from the WXR
//! format (tests/fixtures/import/wordpress/blog.xml and its uploads) and on the
//! sample export of samples/wordpress/: the imported tree is checked file by file
//! (front matter through the project's parser, the build's diagnostics, the built
//! pages) and by a snapshot.

use crate::harness::{Run, SiteTest};
use guidepost::source::frontmatter::{self, FrontMatter};
use serde_json::Value;
use std::path::{Path, PathBuf};

const SITE_TOML: &str = r#"title = "Partner Help"
base_url = "https://help.example.com/"

[[variants]]
id = "small-business"
label = "Small Business admin console"

[[variants]]
id = "enterprise"
label = "Midsized Business and Enterprise admin console"
default = true
"#;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/wordpress")
        .join(name)
        .display()
        .to_string()
}

fn site() -> SiteTest {
    let t = SiteTest::from_files(&[("content/_index.md", "---\ntitle: Home\n---\n")]);
    t.write("site.toml", SITE_TOML);
    t
}

fn import(t: &SiteTest, export: &str, more: &[&str]) -> Run {
    let uploads = fixture("uploads");
    let mut args = vec!["import", "wordpress", export, "--uploads", &uploads];
    args.extend_from_slice(more);
    t.run(&args)
}

/// The front matter of an imported guide, read by the project's parser.
fn front_matter(t: &SiteTest, path: &str) -> FrontMatter {
    let text = t.read(path);
    let split = frontmatter::split(&text).unwrap();
    let mut diags = Vec::new();
    let fm = frontmatter::parse(
        split.yaml.unwrap(),
        split.yaml_line,
        Path::new(path),
        &mut diags,
    );
    assert!(diags.is_empty(), "{diags:?}");
    fm.unwrap()
}

fn json_report(run: &Run) -> Value {
    let line = run
        .stdout
        .lines()
        .next()
        .unwrap_or_else(|| panic!("no report: {}", run.stderr));
    serde_json::from_str(line).unwrap_or_else(|e| panic!("report {line}: {e}"))
}

/// The JSON diagnostics of a failed import.
fn diagnostics(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn wordpress_import_writes_each_published_post_and_page_as_a_guide() {
    let t = site();
    let run = import(&t, &fixture("blog.xml"), &[]);
    run.expect_status(0);
    assert!(run.stdout.contains("Imported 3 guides"), "{}", run.stdout);

    let post = front_matter(&t, "content/imported/set-up-partner-id/index.md");
    assert_eq!(
        post.title.as_deref(),
        Some("Set up the partner ID – naïve edition")
    );
    assert_eq!(
        post.summary.as_deref(),
        Some("Partners often ask how to set the partner ID on a customer’s subscription.")
    );
    assert_eq!(post.updated.as_deref(), Some("2020-01-15"));
    assert_eq!(
        post.tags,
        vec!["Licensing", "Partner ID"],
        "Uncategorized and repeats left out"
    );
    assert_eq!(post.caveats.len(), 2);
    assert!(post
        .caveats
        .iter()
        .all(|c| c.status.as_deref() == Some("candidate")));
    let first = &post.caveats[0];
    assert!(
        first.text.contains("\n\nReply from admin: Confirmed"),
        "{}",
        first.text
    );
    assert!(
        !first.text.contains("Thanks!"),
        "a thanks-only reply adds nothing"
    );
    let source = first.source.as_ref().unwrap();
    assert_eq!(source.kind.as_deref(), Some("comment"));
    assert_eq!(source.author.as_deref(), Some("Zoë & Co"));
    assert_eq!(source.date.as_deref(), Some("2020-01-16"));
    assert_eq!(
        source.url.as_deref(),
        Some("https://blog.example.com/2020/01/set-up-partner-id/#comment-1")
    );
    assert_eq!(post.caveats[1].severity.as_deref(), Some("danger"));
    let text = t.read("content/imported/set-up-partner-id/index.md");
    assert_eq!(text.matches("\n  status: candidate\n").count(), 2);
    assert!(text.contains("::: variant small-business\n1. In the Small Business admin console, select **Manage licenses**.\n\n   ![Small Business console](screenshots/sb-console.png)\n:::"), "{text}");
    assert!(
        text.contains("::: variant enterprise\n1. In the Enterprise admin console"),
        "{text}"
    );
    assert!(
        text.contains("\n2. Open an active subscription (any will do).\n"),
        "{text}"
    );
    assert!(
        text.contains("![The partner box on the subscription page](screenshots/partner-box.png \"The partner box on the subscription page\")"),
        "the [caption] is the screenshot's caption and alt text: {text}"
    );
    assert!(
        text.contains(
            "![Subscription list](https://blog.example.com/wp-content/uploads/2020/01/gone.png)"
        ),
        "a missing upload keeps its URL: {text}"
    );
    for f in [
        "partner-box.png",
        "sb-console.png",
        "enterprise-console.png",
        "naïve-shot.png",
    ] {
        let path = t
            .root()
            .join("content/imported/set-up-partner-id/screenshots")
            .join(f);
        assert!(path.is_file(), "{f}");
    }
    assert!(
        !t.root()
            .join("content/imported/set-up-partner-id/screenshots/enterprise-console-300x169.png")
            .exists(),
        "the full-size file is taken, not the resized one"
    );

    let page = front_matter(&t, "content/imported/about-consoles/index.md");
    assert_eq!(
        page.summary.as_deref(),
        Some("Which admin console you have, and how to tell.")
    );
    assert_eq!(
        page.caveats[0].step.as_deref(),
        Some("which-console-do-i-have")
    );
    assert_eq!(
        page.caveats[1].step, None,
        "a thread matching nothing gets no step"
    );
    let text = t.read("content/imported/about-consoles/index.md");
    assert!(
        text.contains("\n1a) Click the blue button.\n\n1b) Or press Enter.\n\n2. Wait"),
        "{text}"
    );
    assert!(
        text.contains("| Small Business | Manage licenses |"),
        "{text}"
    );
    assert!(
        text.contains("```\nGet-MsolPartnerInformation\n\n# two lines\n```"),
        "{text}"
    );

    let unicode = front_matter(&t, "content/imported/café-notes/index.md");
    assert_eq!(unicode.title.as_deref(), Some("Café notes"));

    for not in [
        "unfinished-thoughts",
        "internal-only",
        "home",
        "enterprise-console",
    ] {
        assert!(
            !t.root().join("content/imported").join(not).exists(),
            "{not}"
        );
    }
}

#[test]
fn wordpress_imported_site_builds_without_errors() {
    let t = site();
    import(&t, &fixture("blog.xml"), &[]).expect_status(0);
    let run = t.build(&[]);
    run.expect_status(0);
    let codes: Vec<(String, String)> = run.diags().into_iter().map(|d| (d.code, d.file)).collect();
    let guide = "content/imported/set-up-partner-id/index.md".to_string();
    assert_eq!(
        codes,
        vec![
            // `gone.png` is not among the uploads: it stays on the blog's host.
            ("remote-image".to_string(), guide.clone()),
            ("image-alt".to_string(), guide),
        ],
        "only the upload left on the blog and the screenshot without alt text or caption are warned about"
    );
    let page = run.page("imported/set-up-partner-id/");
    assert_eq!(page.select("[data-variant-group]").len(), 1);
    assert_eq!(
        page.attrs("[data-variant-group] button[role=tab]", "data-variant"),
        vec!["small-business", "enterprise"]
    );
    assert_eq!(
        page.texts("figure figcaption"),
        vec!["The partner box on the subscription page"]
    );
    let about = run.page("imported/about-consoles/");
    assert_eq!(about.select("main table").len(), 1);
}

#[test]
fn wordpress_hostile_html_never_reaches_the_guide() {
    let t = site();
    let run = import(&t, &fixture("blog.xml"), &[]);
    run.expect_status(0);
    let text = t.read("content/imported/set-up-partner-id/index.md");
    for bad in [
        "<script",
        "<iframe",
        "javascript:",
        "onclick",
        "onmouseover",
        "steal()",
        "alert(\"x\")",
    ] {
        assert!(!text.contains(bad), "{bad} in {text}");
    }
    assert!(
        text.contains("\n\\::: include ../../../secret.md"),
        "directive escaped: {text}"
    );
    assert!(
        text.contains("\\<img src=x onerror=alert(1)> is shown as text."),
        "{text}"
    );
    assert!(
        run.stdout
            .contains("removed a link with an unsafe URL (javascript:)"),
        "{}",
        run.stdout
    );

    let built = t.build(&[]);
    built.expect_status(0);
    let page = built.page("imported/set-up-partner-id/");
    assert!(page
        .select("main script, main iframe, main img[onerror]")
        .is_empty());
    for href in page.attrs("main a[href]", "href") {
        assert!(!href.to_lowercase().contains("javascript"), "{href}");
    }
    for el in page.select("main *") {
        assert!(
            el.value().attrs().all(|(name, _)| !name.starts_with("on")),
            "{:?}",
            el.value()
        );
    }
    assert!(page
        .text("main")
        .contains("<img src=x onerror=alert(1)> is shown as text."));
}

#[test]
fn wordpress_report_in_json_names_candidates_steps_and_skips() {
    let t = site();
    let run = import(&t, &fixture("blog.xml"), &["--format", "json"]);
    run.expect_status(0);
    let report = json_report(&run);
    let guides = report["guides"].as_array().unwrap();
    assert_eq!(guides.len(), 3);
    let post = &guides[0];
    assert_eq!(post["guide"], "content/imported/set-up-partner-id/index.md");
    assert_eq!(
        post["steps"]["variant_groups"][0]["variants"],
        serde_json::json!(["small-business", "enterprise"])
    );
    assert_eq!(post["screenshots_copied"].as_array().unwrap().len(), 4);
    assert_eq!(
        post["screenshots_missing"][0]["url"],
        "https://blog.example.com/wp-content/uploads/2020/01/gone.png"
    );
    assert_eq!(
        post["without_alt"],
        serde_json::json!(["screenshots/naïve-shot.png"])
    );
    let skipped: Vec<(String, String)> = post["comments_skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["comment"].as_str().unwrap().into(),
                s["reason"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        ("3", "a reply with only thanks"),
        ("6", "a pingback"),
        ("7", "a trackback"),
        ("8", "spam"),
        ("9", "in the trash"),
        ("10", "not approved"),
        ("11", "only thanks"),
    ];
    assert_eq!(
        skipped,
        expected.map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let page = &guides[1];
    assert_eq!(page["post_type"], "page");
    assert_eq!(
        page["candidates"][0]["step"]["id"],
        "which-console-do-i-have"
    );
    assert_eq!(page["candidates"][1]["step"], Value::Null);
    assert_eq!(
        page["steps"]["kept_as_written"][0]["reason"],
        "1a) names no console of site.toml"
    );
    let not_imported: Vec<&str> = report["not_imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["reason"].as_str().unwrap())
        .collect();
    assert_eq!(not_imported, vec!["a draft", "private"]);
    assert_eq!(report["other_items"]["attachment"], 2);
}

#[test]
fn wordpress_dry_run_writes_nothing() {
    let t = site();
    let run = import(&t, &fixture("blog.xml"), &["--dry-run"]);
    run.expect_status(0);
    assert!(
        run.stdout
            .contains("would write content/imported/set-up-partner-id/index.md"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("(dry run: nothing written)"),
        "{}",
        run.stdout
    );
    assert!(!t.root().join("content/imported").exists());
}

#[test]
fn wordpress_never_overwrites_a_guide() {
    let t = site();
    t.write(
        "content/imported/about-consoles/index.md",
        "---\ntitle: Mine\n---\nMine.\n",
    );
    t.write(
        "content/imported/café-notes.md",
        "---\ntitle: Same URL\n---\n",
    );
    let run = import(&t, &fixture("blog.xml"), &["--format", "json"]);
    run.expect_status(2);
    let diags = diagnostics(&run);
    let files: Vec<&str> = diags.iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        vec![
            "content/imported/about-consoles",
            "content/imported/café-notes.md"
        ]
    );
    assert!(diags
        .iter()
        .all(|d| d["code"] == "import" && d["severity"] == "error"));
    assert_eq!(
        t.read("content/imported/about-consoles/index.md"),
        "---\ntitle: Mine\n---\nMine.\n"
    );
    assert!(
        !t.root().join("content/imported/set-up-partner-id").exists(),
        "nothing is written"
    );
    assert!(!t.root().join("content/imported/café-notes").exists());
}

#[test]
fn wordpress_truncated_export_is_an_error_at_its_end_and_writes_nothing() {
    let t = site();
    let full = std::fs::read_to_string(fixture("blog.xml")).unwrap();
    let cut_at = full.find("<title>About the consoles").unwrap() + 20;
    t.write("cut.xml", &full[..cut_at]);
    let run = import(&t, "cut.xml", &["--format", "json"]);
    run.expect_status(2);
    let diags = diagnostics(&run);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["code"], "wxr");
    assert_eq!(d["file"], "cut.xml");
    let (line, column) = {
        let before = &full[..cut_at];
        let line = before.matches('\n').count() + 1;
        let column = before[before.rfind('\n').unwrap() + 1..].chars().count() + 1;
        (line as u64, column as u64)
    };
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(line), Some(column)),
        "{d}"
    );
    assert!(d["message"].as_str().unwrap().contains("cut short"), "{d}");
    assert!(!t.root().join("content/imported").exists());

    t.write(
        "bad.xml",
        &full.replacen("</wp:comment_author>", "</wp:comment_autor>", 1),
    );
    let run = import(&t, "bad.xml", &["--format", "json"]);
    run.expect_status(2);
    let d = &diagnostics(&run)[0];
    let expected_line = full[..full.find("</wp:comment_author>").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert_eq!(d["line"].as_u64(), Some(expected_line as u64), "{d}");
    assert!(!t.root().join("content/imported").exists());
}

#[test]
fn wordpress_only_and_section_choose_what_goes_where() {
    let t = site();
    let run = import(
        &t,
        &fixture("blog.xml"),
        &[
            "--only",
            "about-consoles,café-notes",
            "--section",
            "blog/2020",
        ],
    );
    run.expect_status(0);
    assert!(t
        .root()
        .join("content/blog/2020/about-consoles/index.md")
        .is_file());
    assert!(t
        .root()
        .join("content/blog/2020/café-notes/index.md")
        .is_file());
    assert!(!t
        .root()
        .join("content/blog/2020/set-up-partner-id")
        .exists());

    let run = import(
        &t,
        &fixture("blog.xml"),
        &["--only", "nope,unfinished-thoughts", "--format", "json"],
    );
    run.expect_status(2);
    let messages: Vec<String> = diagnostics(&run)
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        messages,
        vec![
            "--only: the export has no post or page with the slug `nope`",
            "--only: the post `unfinished-thoughts` is not published (a draft)",
        ]
    );
    let run = import(&t, &fixture("blog.xml"), &["--section", "../outside"]);
    run.expect_status(2);
    assert!(
        run.stderr.contains("--section `../outside`"),
        "{}",
        run.stderr
    );
}

#[test]
fn wordpress_sample_export_imports_into_the_sample_site() {
    let t = SiteTest::from_sample_site();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let export = repo.join("samples/wordpress/partner-of-record.xml");
    let uploads = repo.join("samples/wordpress/uploads");
    let run = t.run(&[
        "import",
        "wordpress",
        &export.display().to_string(),
        "--uploads",
        &uploads.display().to_string(),
    ]);
    run.expect_status(0);
    let fm = front_matter(&t, "content/imported/partner-of-record/index.md");
    assert_eq!(fm.caveats.len(), 3);
    let built = t.build(&[]);
    built.ok();
    let page = built.page("imported/partner-of-record/");
    assert_eq!(
        page.select("article .content ol > li").len(),
        5,
        "step 1 per console, then 2, 3, 4"
    );
    assert_eq!(page.select("article .content figure").len(), 5);
}

/// The imported tree, file by file, and the report: a change to either shows as a diff.
#[test]
fn wordpress_import_snapshot() {
    let t = site();
    let export = fixture("blog.xml");
    let run = import(&t, &export, &[]);
    run.expect_status(0);
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(t.root().join("content/imported"))
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let mut tree = String::new();
    for file in files {
        let rel = file.strip_prefix(t.root()).unwrap().display().to_string();
        if rel.ends_with(".md") {
            tree.push_str(&format!(
                "=== {rel}\n{}\n",
                std::fs::read_to_string(&file).unwrap()
            ));
        } else {
            tree.push_str(&format!(
                "=== {rel} ({} bytes)\n",
                std::fs::metadata(&file).unwrap().len()
            ));
        }
    }
    insta::assert_snapshot!("wordpress_imported_tree", tree);
    let report = run.stdout.replace(&export, "blog.xml");
    insta::assert_snapshot!("wordpress_report", report);
}
