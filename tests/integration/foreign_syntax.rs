//! SPEC §3: syntax of other documentation tools is never passed through silently.
//! Each construct outside code gets one `foreign-syntax` warning at its line (columns
//! in characters) naming what to write instead; admonitions, tabs and DocFX images
//! are shown as their guidepost equivalents. One fixture page per tool, each written
//! the way that tool's docs are.

use crate::harness::{Run, SiteTest};

/// (line, column, start of the message) of the foreign-syntax warnings of one file.
fn warnings(run: &Run, file: &str) -> Vec<(u64, u64, String)> {
    run.diags()
        .iter()
        .filter(|d| d.file == file)
        .inspect(|d| {
            assert_eq!(
                (d.severity.as_str(), d.code.as_str()),
                ("warning", "foreign-syntax"),
                "{d:?}"
            )
        })
        .map(|d| {
            let what = d.message.split(" is ").next().unwrap_or("").to_string();
            (d.line, d.column, what)
        })
        .collect()
}

/// The fixture built (the site is returned too: its folder holds the output).
fn built() -> (SiteTest, Run) {
    let site = SiteTest::from_fixture("foreign/tools");
    let run = site.build(&[]);
    run.expect_status(0);
    assert!(
        run.diags().iter().all(|d| d.code == "foreign-syntax"),
        "{:?}",
        run.diags()
    );
    (site, run)
}

#[test]
fn mkdocs_admonitions_tabs_and_snippets() {
    let (_site, run) = built();
    assert_eq!(
        warnings(&run, "content/mkdocs-style.md"),
        vec![
            (7, 1, "`!!! note`".into()),
            (12, 1, "`??? tip`".into()),
            // One warning for the row of tabs, none for the code blocks and spans.
            (15, 1, "`=== \"Unix, Powershell\"`".into()),
            (25, 1, "`--8<--`".into()),
            (27, 1, "`{!file!}`".into()),
        ]
    );
    let message = run.diag("`!!! note`").message;
    assert!(message.ends_with("write `> [!NOTE]`"), "{message}");
    let page = run.page("mkdocs-style/");
    // The admonition's indented body is markdown in a callout, not a code block.
    let callouts = page.select("aside.callout");
    assert_eq!(callouts.len(), 2);
    assert_eq!(callouts[0].value().attr("data-kind"), Some("note"));
    assert_eq!(
        page.texts("aside.callout > .callout-title"),
        vec!["Before you start", "Tip"]
    );
    assert_eq!(
        page.texts("aside.callout[data-kind=note] > p:not(.callout-title)")
            .len(),
        2
    );
    assert!(page.select("aside.callout pre").is_empty());
    // Each tab's content under its label; a code block in a tab stays one.
    assert_eq!(
        page.texts(".foreign-tab-label"),
        vec!["Unix, Powershell", "Windows (cmd)"]
    );
    assert_eq!(page.texts(".foreign-tab pre code"), vec!["mkdocs new ."]);
}

#[test]
fn docusaurus_admonitions_close_with_their_own_colons() {
    let (_site, run) = built();
    // The closing `:::` lines are part of their admonitions: no stray-directive error.
    assert_eq!(
        warnings(&run, "content/docusaurus-style.md"),
        vec![
            (5, 1, "`:::tip`".into()),
            (11, 4, "`:::info`".into()),
            (17, 1, "`:::danger`".into()),
        ]
    );
    let page = run.page("docusaurus-style/");
    let kinds = page.attrs("aside.callout", "data-kind");
    assert_eq!(kinds, vec!["tip", "caution"]);
    assert_eq!(
        page.texts("aside.callout > .callout-title"),
        vec!["Before you start", "Careful"]
    );
    // Indented in a list item: its markers go, its text stays in the step, and the
    // list stays one list.
    assert_eq!(page.attrs("ol > li", "id"), vec!["step-1", "step-2"]);
    assert_eq!(
        page.texts("li#step-1 > p"),
        vec!["Open the app.", "Nested in a list item."]
    );
    assert!(!page.html.html().contains(":::"));
}

#[test]
fn docfx_images_includes_and_divs() {
    let (_site, run) = built();
    assert_eq!(
        warnings(&run, "content/docfx-style.md"),
        vec![
            (5, 1, "`:::image`".into()),
            (9, 5, "`:::image`".into()),
            // In a sentence: an inline image.
            (11, 19, "`:::image`".into()),
            (13, 1, "`[!INCLUDE …]`".into()),
            (15, 3, "`[!div …]`".into()),
            (18, 1, "`:::zone`".into()),
            // `:::zone-end` and `:::image-end:::` end constructs already warned about.
            (22, 1, "`:::image`".into()),
        ]
    );
    assert!(run
        .diag("[!INCLUDE")
        .message
        .ends_with("write `::: include _file.md`"));
    let page = run.page("docfx-style/");
    // `:::image` shows the image it names: a screenshot, or an icon inline.
    assert_eq!(
        page.attrs("figure > a > img", "alt"),
        vec!["The hub site", "Poster of the plan"]
    );
    let icon = page.attr("li#step-1 img[alt=Settings]", "src");
    assert!(icon.starts_with("/assets/img/"), "{icon}");
    assert_eq!(
        page.attr("li#step-2 img.inline-image[alt=\"Hub icon\"]", "src"),
        icon
    );
    // Markers that would show as junk are left out; what they held is kept.
    let html = page.html.html();
    for junk in ["[!INCLUDE", "[!div", ":::zone", ":::image"] {
        assert!(!html.contains(junk), "{junk} in the page");
    }
    assert_eq!(page.attr("blockquote a", "href"), "/hugo-style/");
    assert!(page
        .texts("p")
        .contains(&"A long description of the poster.".to_string()));
}

#[test]
fn hugo_shortcodes_once_each_not_their_closing_tags() {
    let (_site, run) = built();
    assert_eq!(
        warnings(&run, "content/hugo-style.md"),
        vec![
            (5, 1, "`{{< tabpane …`".into()),
            (6, 1, "`{{< tab …`".into()),
            // `Café: ` is six characters (seven bytes).
            (11, 7, "`{{% param …`".into()),
            (13, 1, "`{{% alert …`".into()),
        ]
    );
    assert!(run
        .diag("tabpane")
        .message
        .ends_with("write `::: variant ID` blocks when the tabs are admin consoles"));
}

#[test]
fn mdx_statements_and_components_are_named_and_kept_out_of_the_page() {
    let site = SiteTest::from_fixture("foreign/mdx");
    let run = site.build(&[]);
    run.expect_status(0);
    let file = "content/account/delete-account.md";
    let at: Vec<(String, u64, u64)> = run
        .diags()
        .iter()
        .inspect(|d| assert_eq!(d.file, file, "{d:?}"))
        .map(|d| (d.code.clone(), d.line, d.column))
        .collect();
    let foreign = |line, column| ("foreign-syntax".to_string(), line, column);
    assert_eq!(
        at,
        vec![
            // One per statement; the lines that continue the export are its own.
            foreign(5, 1),
            foreign(6, 1),
            foreign(7, 1),
            foreign(9, 1),
            // One per element, at its `<`: not `</ContentRef>`, not lowercase HTML
            // (`<kbd>`, `<details>`), not `<BR>`/`<Kbd>` (HTML in capitals), not code,
            // not the word "import" in a sentence.
            foreign(18, 1),
            foreign(22, 4),
            ("remote-image".to_string(), 22, 4),
            foreign(24, 33),
            // `<Head>` is HTML's name too, but the page imports it: a component.
            foreign(49, 1),
            foreign(51, 1),
            // Not HTML to markdown (JavaScript in its attributes): shown as text,
            // warned about once; not the escaped `\<Tabs>` and `&lt;Tabs>`.
            foreign(55, 1),
        ],
        "{:#?}",
        run.diags()
    );
    let message = |line: u64| {
        run.diags()
            .into_iter()
            .find(|d| d.line == line && d.code == "foreign-syntax")
            .unwrap()
            .message
    };
    assert!(
        message(6)
            .ends_with("write `::: include _removal-notice.md` where the partial's text belongs"),
        "{}",
        message(6)
    );
    assert!(
        message(18).contains("`::: include _removal-notice.md`"),
        "{}",
        message(18)
    );
    assert!(message(22).ends_with("write a markdown image `![alt text](image.png)`"));
    assert!(message(24).ends_with("write a markdown link `[text](page.md)`"));
    assert!(message(9).starts_with("`export …` is MDX syntax"));
    let tabs = run.diag("`<Tabs>`");
    assert!(tabs.help.unwrap().contains("shows the tag as text"));

    // The statements reach neither the page nor its search text; the H1 after them
    // is the page's one heading.
    let page = run.page("account/delete-account/");
    assert_eq!(page.select("h1").len(), 1);
    assert_eq!(page.text("article.guide h1"), "Delete Account");
    let content = page.text(".content");
    for statement in ["@site", "import Screenshot", "export const", "'billing'"] {
        assert!(!content.contains(statement), "{statement} in {content}");
    }
    assert!(content.contains("import your reports first"));
    assert!(crate::search::lookup(&run, "", "zephyrlabel").1.is_empty());
    assert!(crate::search::lookup(&run, "", "bill").1.is_empty());
    assert!(!crate::search::lookup(&run, "", "final").1.is_empty());
}

#[test]
fn mkdocs_icons_and_markdown_attributes_are_named() {
    let site = SiteTest::from_fixture("foreign/mkdocs-inline");
    let run = site.build(&[]);
    run.expect_status(0);
    assert_eq!(
        warnings(&run, "content/browser-support.md"),
        vec![
            // One per icon, in table cells and sentences; not `:smile:`, not a time,
            // not in code.
            (7, 13, "`:material-check:`".into()),
            (8, 13, "`:material-close:`".into()),
            (8, 30, "`:octicons-alert-16:`".into()),
            (10, 14, "`:fontawesome-brands-mastodon:`".into()),
            // One per element with the attribute; not `<figcaption>`, not `<details>`.
            (12, 1, "`<figure markdown>`".into()),
            (17, 1, "`<div markdown>`".into()),
            // In an admonition's title and a tab's label, shown as text too; not in
            // a code span of the label.
            (31, 1, "`!!! tip`".into()),
            (31, 10, "`:material-lightbulb:`".into()),
            (
                35,
                1,
                "`=== \":octicons-file-code-16: `docs/page.md`\"`".into()
            ),
            (35, 6, "`:octicons-file-code-16:`".into()),
        ]
    );
    assert!(run
        .diag(":material-check:")
        .message
        .ends_with("write an inline image `![check](icons/check.svg)`"));
    // Shown as written.
    let page = run.page("browser-support/");
    assert!(page.texts("td").contains(&":material-check:".to_string()));
}
