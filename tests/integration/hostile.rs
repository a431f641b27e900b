//! Hostile input (issue 14): deep nesting, YAML bombs, unsafe URLs in front matter,
//! invalid UTF-8 and broken front matter. No input may abort the process: each test
//! runs the real binary and checks its exit status and diagnostics.

use crate::harness::{http_get, Page, ServeProcess, SiteTest};
use std::time::{Duration, Instant};

const FRONT: &str = "---\ntitle: A\n---\n";
/// The first body line of a file that starts with `FRONT`.
const BODY_LINE: u64 = 4;
/// `markdown::directives::MAX_DIRECTIVE_DEPTH`, `source::MAX_SECTION_DEPTH`.
const MAX_DIRECTIVE_DEPTH: u64 = 32;
const MAX_SECTION_DEPTH: usize = 16;

const VARIANTS: &str = "title = \"T\"\nbase_url = \"https://t.example/\"\n[[variants]]\nid = \"cloud\"\nlabel = \"Cloud\"\n";

fn nested(open: &str, n: usize, inner: &str) -> String {
    format!(
        "{FRONT}{}{inner}\n{}",
        format!("{open}\n").repeat(n),
        ":::\n".repeat(n)
    )
}

#[test]
fn thousands_of_nested_caveats_are_an_error_at_the_line_past_the_limit() {
    let site = SiteTest::from_files(&[("content/a.md", &nested("::: caveat", 3000, "deep"))]);
    let run = site.build(&[]);
    run.expect_status(1);
    let d = run.diag("nest deeper than 32 levels");
    assert_eq!(
        (d.code.as_str(), d.file.as_str(), d.line, d.column),
        (
            "directive",
            "content/a.md",
            BODY_LINE + MAX_DIRECTIVE_DEPTH,
            1
        )
    );
}

#[test]
fn thousands_of_nested_variants_are_an_error_not_a_crash() {
    let site = SiteTest::from_files(&[("content/a.md", &nested("::: variant cloud", 2000, "x"))]);
    site.write("site.toml", VARIANTS);
    let run = site.build(&[]);
    run.expect_status(1);
    let d = run.diag("nest deeper than 32 levels");
    assert_eq!(d.line, BODY_LINE + MAX_DIRECTIVE_DEPTH);
}

#[test]
fn serve_survives_a_save_of_deeply_nested_blocks() {
    let site = SiteTest::from_files(&[("content/a.md", "---\ntitle: A\n---\nfine\n")]);
    let mut server = ServeProcess::start(site.root(), &[]);
    site.write("content/a.md", &nested("::: caveat", 3000, "deep"));
    let started = Instant::now();
    while !server.stderr().contains("nest deeper") && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(server.is_running(), "{}", server.stderr());
    assert!(
        server.stderr().contains("nest deeper"),
        "{}",
        server.stderr()
    );
    assert_eq!(http_get(&server.addr, "/a/").status, 200);
}

#[test]
fn directives_nested_up_to_the_limit_build() {
    let site = SiteTest::from_files(&[(
        "content/a.md",
        &nested("::: caveat", MAX_DIRECTIVE_DEPTH as usize, "deep"),
    )]);
    let run = site.build(&[]);
    run.ok();
    assert_eq!(
        run.page("a/").select("aside.caveat").len(),
        MAX_DIRECTIVE_DEPTH as usize
    );
}

#[test]
fn deeply_nested_section_folders_are_left_out_with_an_error() {
    let deep = vec!["s"; 1000].join("/");
    let site = SiteTest::from_files(&[
        ("content/top.md", "---\ntitle: Top\n---\n"),
        (&format!("content/{deep}/a.md"), FRONT),
    ]);
    let run = site.build(&[]);
    run.expect_status(1);
    let d = run.diag("folders nest deeper than 16 levels");
    let first_too_deep = format!("content/{}", vec!["s"; MAX_SECTION_DEPTH + 1].join("/"));
    assert_eq!(
        (d.code.as_str(), d.file.as_str()),
        ("section-depth", first_too_deep.as_str())
    );

    // Up to the limit, the page is built, with the sidebar opened down to it.
    let ok = vec!["s"; MAX_SECTION_DEPTH].join("/");
    let site = SiteTest::from_files(&[(&format!("content/{ok}/a.md"), FRONT)]);
    let run = site.build(&[]);
    run.ok();
    let page = run.page(&format!("{ok}/a/"));
    assert_eq!(
        page.attrs("[aria-current=page]", "href"),
        vec![format!("/{ok}/a/")]
    );
}

#[test]
fn deeply_nested_markdown_builds() {
    let inputs = [
        format!("{FRONT}{} quote\n", ">".repeat(100_000)),
        format!("{FRONT}{}x{}\n", "[".repeat(50_000), "](y)".repeat(50_000)),
        format!("{FRONT}{}x{}\n", "*".repeat(50_000), "*".repeat(50_000)),
        format!("{FRONT}{}x{}\n", "![".repeat(20_000), "](y)".repeat(20_000)),
        format!(
            "{FRONT}{}",
            (0..1000)
                .map(|i| format!("{}- item\n", "  ".repeat(i)))
                .collect::<String>()
        ),
    ];
    for body in &inputs {
        let site = SiteTest::from_files(&[("content/a.md", body)]);
        let run = site.build(&[]);
        assert!(
            run.status == 0 || run.status == 1,
            "exit {} for {}…: {}",
            run.status,
            &body[..40],
            run.stderr
        );
    }
}

/// Front matter whose aliases of aliases stand for 10^9 values.
fn billion_laughs() -> String {
    let mut yaml =
        String::from("---\ntitle: A\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..9 {
        let refs = vec![format!("*l{}", i - 1); 10].join(", ");
        yaml.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    yaml.push_str("tags: *l8\n---\n# Body\n");
    yaml
}

#[test]
fn billion_laughs_are_an_error_at_the_alias_past_the_limit() {
    let site = SiteTest::from_files(&[("content/a.md", &billion_laughs())]);
    let started = Instant::now();
    let run = site.build(&[]);
    let took = started.elapsed();
    run.expect_status(1);
    let d = run.diag("aliases expand to more than");
    // l1 to l4 expand to 456,740; the second alias to l4 (411,111 each), on l5's line
    // (file line 8), passes the limit.
    assert_eq!((d.code.as_str(), d.line, d.column), ("front-matter", 8, 15));
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn one_long_string_aliased_many_times_is_an_error() {
    let long = "x".repeat(200_000);
    let refs = vec!["*t"; 5000].join(", ");
    let text = format!("---\ntitle: A\nsummary: &t {long}\ntags: [{refs}]\n---\n");
    let site = SiteTest::from_files(&[("content/a.md", &text)]);
    let run = site.build(&[]);
    run.expect_status(1);
    assert_eq!(run.diag("aliases expand").line, 4);
}

#[test]
fn deeply_nested_yaml_is_an_error_found_fast() {
    for value in [
        format!("{}{}", "[".repeat(40_000), "]".repeat(40_000)),
        format!("{}1{}", "{a: ".repeat(40_000), "}".repeat(40_000)),
    ] {
        let site =
            SiteTest::from_files(&[("content/a.md", &format!("---\ntitle: A\nx: {value}\n---\n"))]);
        let started = Instant::now();
        let run = site.build(&[]);
        let took = started.elapsed();
        run.expect_status(1);
        let d = run.diag("values nest deeper than 64 levels");
        assert_eq!((d.code.as_str(), d.line), ("front-matter", 3));
        assert!(took < Duration::from_secs(5), "took {took:?}");
    }
}

/// Every URL an element of the page links or loads.
fn urls(page: &Page) -> Vec<String> {
    let mut all = page.attrs("[href]", "href");
    all.extend(page.attrs("[src]", "src"));
    all
}

#[test]
fn front_matter_links_keep_only_safe_schemes() {
    let text = r#"---
title: A
caveats:
  - text: "[plain](javascript:alert(1))"
  - text: "[mixed](JaVaScRiPt:alert(2))"
  - text: "[tab](<java\tscript:alert(3)>)"
  - text: "[entity](&#106;avascript:alert(4))"
  - text: "[spaced](<  javascript:alert(5)>)"
  - text: "<javascript:alert(6)> and ![img](data:image/png;base64,AAAA)"
  - text: "[vb](vbscript:x) [file](file:///etc/passwd) [ref][r]\n\n[r]: javascript:alert(7)"
  - text: "[fine](https://example.com/help) [mail](mailto:a@example.com) [page](b.md)"
---
# Body
"#;
    let site = SiteTest::from_files(&[
        ("content/a.md", text),
        ("content/b.md", "---\ntitle: B\n---\n"),
    ]);
    let run = site.build(&[]);
    run.expect_status(0);
    let warnings: Vec<_> = run
        .diags()
        .into_iter()
        .filter(|d| d.code == "unsafe-url")
        .collect();
    let lines: Vec<u64> = warnings.iter().map(|d| d.line).collect();
    assert_eq!(
        lines,
        vec![4, 5, 6, 7, 8, 9, 9, 10, 10, 10],
        "{warnings:#?}"
    );
    assert!(warnings.iter().all(|d| d.severity == "warning"));

    for path in ["a/", "caveats/"] {
        let page = run.page(path);
        let urls = urls(&page);
        for url in &urls {
            let squeezed: String = url
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            for scheme in ["javascript:", "vbscript:", "data:", "file:"] {
                assert!(!squeezed.contains(scheme), "{path}: {url}");
            }
        }
        assert!(
            urls.contains(&"https://example.com/help".to_string()),
            "{path}: {urls:?}"
        );
        assert!(urls.contains(&"mailto:a@example.com".to_string()));
        assert!(urls.contains(&"/b/".to_string()), "{path}: {urls:?}");
        // The text of the dropped links stays.
        let text = page.text("main");
        for word in [
            "plain", "mixed", "tab", "entity", "spaced", "img", "vb", "file", "ref",
        ] {
            assert!(text.contains(word), "{path}: {word} missing from {text}");
        }
    }
}

#[test]
fn raw_html_in_front_matter_stays_text() {
    let text = "---\ntitle: A\ncaveats:\n  - text: \"<img src=x onerror=alert(1)> <a href='javascript:x'>y</a>\"\n---\n";
    let site = SiteTest::from_files(&[("content/a.md", text)]);
    let run = site.build(&[]);
    run.ok();
    for path in ["a/", "caveats/"] {
        let page = run.page(path);
        assert!(page.select("img[onerror]").is_empty());
        assert!(page.select(".caveat-body a").is_empty());
        assert!(page
            .text(".caveat-body")
            .contains("<img src=x onerror=alert(1)>"));
    }
}

#[test]
fn invalid_utf8_is_reported_at_its_line_and_column() {
    let site = SiteTest::from_files(&[]);
    // The bad byte is the fourth character of line 5 (after `é` and `ü`, two bytes each).
    site.write_bytes(
        "content/a.md",
        b"---\ntitle: A\n---\nfine\n\xc3\xa9\xc3\xbcx\xffy\n",
    );
    let run = site.build(&[]);
    run.expect_status(1);
    let d = run.diag("not valid UTF-8");
    assert_eq!(
        (d.code.as_str(), d.file.as_str(), d.line, d.column),
        ("encoding", "content/a.md", 5, 4)
    );
}

#[test]
fn a_front_matter_error_does_not_hide_the_body_s_problems() {
    let bad_yaml = "---\ntitle: A\ntags: [a, b\n---\n# Heading\n\nSee [gone](gone.md) and [here](#heading) and [b](b.md#nope).\n\n::: nosuch\n";
    let untitled = "---\nsummary: no title\n---\n::: caveat\ntext\n\n![](missing.png)\n";
    let site = SiteTest::from_files(&[
        ("content/a.md", bad_yaml),
        ("content/u.md", untitled),
        ("content/b.md", "---\ntitle: B\n---\n# B\n"),
    ]);
    let run = site.build(&[]);
    run.expect_status(1);
    let found = |file: &str, code: &str| {
        run.diags()
            .into_iter()
            .filter(|d| d.file == file && d.code == code)
            .map(|d| d.line)
            .collect::<Vec<_>>()
    };
    assert_eq!(found("content/a.md", "front-matter"), vec![4]);
    assert_eq!(found("content/a.md", "broken-link"), vec![7]);
    assert_eq!(found("content/a.md", "missing-anchor"), vec![7]);
    assert_eq!(found("content/a.md", "directive"), vec![9, 9]);
    assert_eq!(found("content/u.md", "front-matter"), vec![1]);
    assert_eq!(found("content/u.md", "directive"), vec![4]);
    assert_eq!(found("content/u.md", "image"), vec![7]);
    assert_eq!(found("content/u.md", "image-alt"), vec![7]);
}

#[test]
fn front_matter_that_is_not_a_map_says_so_in_plain_words() {
    for yaml in ["- a\n- b\n", "just a sentence\n"] {
        let site = SiteTest::from_files(&[("content/a.md", &format!("---\n{yaml}---\n"))]);
        let run = site.build(&[]);
        run.expect_status(1);
        let d = run.diag("front matter must be a map of keys like `title: …`");
        assert_eq!((d.line, d.column), (2, 1));
        assert!(!d.message.contains("struct"), "{}", d.message);
    }
}

#[test]
fn columns_count_characters() {
    let text = format!("{FRONT}Über größe: [x](gone.md)\n");
    let site = SiteTest::from_files(&[("content/a.md", &text)]);
    let run = site.build(&[]);
    let d = run.diag("gone.md");
    assert_eq!((d.line, d.column), (BODY_LINE, 13));
}
