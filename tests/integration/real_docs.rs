//! Content written for other documentation tools, taken as it is (issue 16, SPEC §2,
//! §3): every markdown file accounted for, one title per page, a nested contents
//! list, light pages in big sections, diagnostics that count characters and end with
//! a count, one front matter warning per file.

use crate::harness::{text_of, SiteTest};
use scraper::Selector;
use std::collections::BTreeMap;
use std::path::Path;

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

// ---- No silent loss (SPEC §2) ----

#[test]
fn mkdocs_index_files_are_section_pages_and_the_top_one_is_home() {
    let site = SiteTest::from_fixture("layout/mkdocs");
    let run = site.build(&[]);
    run.expect_status(0);
    assert!(
        run.diags().iter().all(|d| d.severity == "warning"),
        "{:#?}",
        run.diags()
    );
    // Every page of the tree is written; nothing at /index/.
    for path in [
        "",
        "getting-started/",
        "setup/",
        "setup/changing-the-colors/",
        "setup/changing-the-fonts/",
        "setup/extensions/",
        "setup/extensions/python-markdown/",
        "reference/",
        "reference/admonitions/",
        "blog/",
        "blog/posts/first-post/",
        "tutorial/",
    ] {
        assert!(run.exists(&format!("{path}index.html")), "{path}");
    }
    assert!(!run.exists("index/index.html"));
    assert!(!run.exists("snippets/index.html"), "a folder of partials");
    assert!(
        run.stderr.contains("not published: 1 partial"),
        "{}",
        run.stderr
    );

    // The home page is the top index.md: its H1 is the page's heading, its text the
    // home's content, and links in it work.
    let home = run.page("");
    assert_eq!(home.text("h1"), "Material-style documentation");
    assert!(home.text(".content").contains("this home page is the top"));
    assert_eq!(
        home.attrs(".content a", "href"),
        vec!["/getting-started/", "/setup/"]
    );

    // setup/index.md is the section page of setup/: its text, its guides, its
    // subsection (an index.md with a setext H1 and a page beside it).
    let setup = run.page("setup/");
    assert_eq!(setup.text("h1"), "Setup");
    assert!(setup.text(".content").contains("one page per topic"));
    assert_eq!(
        setup.texts(".guide-list a"),
        vec![
            "Changing the colors",
            "Changing the fonts",
            "Python Markdown"
        ]
    );
    assert_eq!(run.page("setup/extensions/").text("h1"), "Extensions");
    // A comment before the H1 is allowed.
    assert_eq!(run.page("reference/").text("h1"), "Reference");

    // A folder with an index.md and only a screenshot stays a guide folder.
    let tutorial = run.page("tutorial/");
    assert_eq!(tutorial.text("h1"), "A tutorial in a folder");
    assert_eq!(tutorial.select("article.guide").len(), 1);
    assert_eq!(tutorial.select(".content figure img").len(), 1);

    // The sidebar names sections by their H1.
    let colors = run.page("setup/changing-the-colors/");
    let nav = colors.texts(".site-nav a");
    for title in [
        "Getting started",
        "Setup",
        "Extensions",
        "Reference",
        "Blog",
    ] {
        assert!(nav.iter().any(|t| t == title), "{title} in {nav:?}");
    }
}

#[test]
fn index_md_beside_underscore_index_md_is_an_error_at_index_md() {
    let site = SiteTest::from_files(&[
        ("content/a/_index.md", "---\ntitle: Section A\n---\nKept.\n"),
        ("content/a/index.md", "# Also section A\n\nDropped.\n"),
        ("content/a/page.md", "# Page\n"),
        ("content/index.md", "# Home\n"),
        ("content/_index.md", "---\ntitle: Home too\n---\n"),
    ]);
    let run = site.build(&[]);
    run.expect_status(1);
    let errors: Vec<_> = run
        .diags()
        .into_iter()
        .filter(|d| d.code == "section-index")
        .collect();
    let places: Vec<(&str, u64, u64)> = errors
        .iter()
        .map(|d| (d.file.as_str(), d.line, d.column))
        .collect();
    assert_eq!(
        places,
        vec![("content/a/index.md", 1, 1), ("content/index.md", 1, 1)]
    );
    assert!(
        errors[0].message.contains("`_index.md` is used"),
        "{}",
        errors[0].message
    );
    let check = site.run(&["check"]);
    assert!(
        check
            .stderr
            .contains("help: keep one: move what this file says into `_index.md`"),
        "{}",
        check.stderr
    );
}

#[test]
fn partials_are_never_pages() {
    let site = SiteTest::from_files(&[
        (
            "content/guide.md",
            "# Guide\n\n::: include _shared-steps.md\n",
        ),
        (
            "content/_shared-steps.md",
            "## Shared steps\n\n1. Sign in.\n",
        ),
        ("content/includes/_note.md", "A note.\n"),
        (
            "content/bundle/index.md",
            "# Bundle\n\n::: include _part.md\n",
        ),
        ("content/bundle/_part.md", "Part.\n"),
    ]);
    let run = site.build(&[]);
    run.expect_status(0);
    assert!(run.exists("guide/index.html"));
    assert!(run.exists("bundle/index.html"), "a partial beside index.md");
    assert!(!run.exists("_shared-steps/index.html"));
    assert!(!run.exists("includes/index.html"));
    assert!(
        run.stderr.contains("not published: 3 partials"),
        "{}",
        run.stderr
    );
    // The one no page includes is a warning (issue 17), the others are silent.
    let warned: Vec<(String, String)> = run.diags().into_iter().map(|d| (d.code, d.file)).collect();
    assert_eq!(
        warned,
        [(
            "unused-partial".to_string(),
            "content/includes/_note.md".to_string()
        )]
    );
}

#[test]
fn markdown_files_with_other_extensions_get_a_warning() {
    let site = SiteTest::from_files(&[
        ("content/ok.md", "# OK\n"),
        ("content/Upper.MD", "# Upper\n"),
        ("content/notes.markdown", "# Notes\n"),
        (
            "content/_partial.mdx",
            "MDX is another language: passed over.\n",
        ),
    ]);
    let run = site.build(&[]);
    let warned: Vec<(String, String)> = run.diags().into_iter().map(|d| (d.code, d.file)).collect();
    assert_eq!(
        warned,
        vec![
            ("not-read".to_string(), "content/Upper.MD".to_string()),
            ("not-read".to_string(), "content/notes.markdown".to_string()),
        ]
    );
}

/// One generated file of the accounting test.
struct Generated {
    path: String,
    text: String,
}

/// A tree of the shapes real documentation comes in: MkDocs folders (index.md with
/// pages beside and below), Docusaurus nesting (no index files, `_category_.json`),
/// Hugo sections (`_index.md`), guide folders with screenshots, partials, drafts,
/// odd names, and files with errors. Each body holds a unique marker.
fn mixed_tree() -> Vec<Generated> {
    let mut files = Vec::new();
    let mut n = 0;
    let mut add = |path: &str, front: &str, body: &str| {
        n += 1;
        let marker = format!("marker-{n:04}-end");
        let text = if front.is_empty() {
            format!("{body}\n\nText {marker}.\n")
        } else {
            format!("---\n{front}\n---\n{body}\n\nText {marker}.\n")
        };
        files.push(Generated {
            path: format!("content/{path}"),
            text,
        });
    };
    // The home page, MkDocs style.
    add("index.md", "", "# Home");
    // MkDocs: index.md with pages beside and below, three levels.
    for (i, area) in ["setup", "reference", "plugins"].iter().enumerate() {
        add(&format!("{area}/index.md"), "", &format!("# {area}"));
        for j in 0..4 {
            add(
                &format!("{area}/page-{j}.md"),
                "",
                &format!("# {area} page {j}"),
            );
        }
        add(
            &format!("{area}/deeper/more/leaf-{i}.md"),
            "",
            &format!("Leaf {i}\n======"),
        );
        add(&format!("{area}/deeper/index.md"), "", "# Deeper");
    }
    // Docusaurus: nested folders without index files.
    for i in 0..6 {
        add(
            &format!("workflows/group-{}/sub-{}/doc-{i}.md", i % 2, i % 3),
            &format!("title: Workflow {i}\nsidebar_position: {i}\ndescription: Does {i}."),
            "Body.",
        );
    }
    // Hugo: `_index.md` sections.
    add("docs/_index.md", "title: Docs\nlinkTitle: Docs", "Intro.");
    add("docs/content/_index.md", "title: Content", "");
    add(
        "docs/content/adding.md",
        "title: Adding content\nweight: 2",
        "Body.",
    );
    // Guide folders: index.md with screenshots (and a partial) beside it.
    add(
        "guides/bundle/index.md",
        "title: A bundle",
        "![Shot](shot.svg)",
    );
    add("guides/bundle/_note.md", "", "A partial in a bundle.");
    add("guides/plain.md", "", "# Plain guide");
    // Partials and drafts.
    add("_shared.md", "", "# Shared");
    add("includes/_sign-in.md", "", "1. Sign in.");
    add("guides/draft.md", "title: Draft\ndraft: true", "Not yet.");
    add("setup/draft-too.md", "draft: true", "# A draft with an H1");
    // Odd names.
    add("guides/My Page.md", "", "# A name with a space");
    add("guides/café.md", "", "# Café");
    add("guides/README.md", "", "# Read me");
    add("guides/a.b.c.md", "title: Dots", "Body.");
    // Files that cannot be pages, each for a reason a diagnostic gives.
    add("conflict/_index.md", "title: Conflict", "");
    add("conflict/index.md", "", "# Second section page");
    add("guides/untitled.md", "", "No title anywhere.");
    add("guides/bad-yaml.md", "title: [unclosed", "Body.");
    add("same.md", "title: Same", "");
    add("same/index.md", "title: Same folder", "");
    add("search.md", "title: Reserved", "");
    files.push(Generated {
        path: "content/guides/unclosed.md".into(),
        text: "---\ntitle: Never closed\nmarker-9999-end\n".into(),
    });
    files
}

#[test]
fn every_markdown_file_is_accounted_for() {
    let site = SiteTest::from_files(&[]);
    let generated = mixed_tree();
    for f in &generated {
        site.write(&f.path, &f.text);
    }
    site.write(
        "content/guides/bundle/shot.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\"/>",
    );
    site.write(
        "content/workflows/_category_.json",
        "{\"label\": \"Workflows\"}",
    );
    site.write(
        "content/.hidden/secret.md",
        "# Hidden folders are not read\n",
    );
    // Files with errors are named by a diagnostic and cannot be pages; without them
    // the build writes its output, where every other file must be.
    let check = site.run(&["check", "--format", "json"]);
    check.expect_status(1);
    let diagnosed: Vec<String> = check.diags().into_iter().map(|d| d.file).collect();
    for d in check.diags().iter().filter(|d| d.severity == "error") {
        if site.root().join(&d.file).exists() {
            site.remove(&d.file);
        }
    }
    let run = site.build(&[]);
    run.expect_status(0);

    // Which marker each written page shows.
    let mut shown: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&run.out_dir) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            for (at, _) in html.match_indices("marker-") {
                let marker = html[at..at + "marker-0000-end".len()].to_string();
                shown
                    .entry(marker)
                    .or_default()
                    .push(entry.path().display().to_string());
            }
        }
    }
    let (mut pages, mut partials, mut drafts, mut diagnostics) = (0, 0, 0, 0);
    for f in &generated {
        let name = Path::new(&f.path).file_name().unwrap().to_string_lossy();
        let marker = &f.text[f.text.find("marker-").unwrap()..][.."marker-0000-end".len()];
        let on_pages = shown.get(marker).map_or(0, Vec::len);
        let is_partial = name.starts_with('_') && name != "_index.md";
        let is_draft = f.text.contains("\ndraft: true\n");
        let has_diagnostic = diagnosed.contains(&f.path);
        assert!(on_pages <= 1, "{} is shown on {:?}", f.path, shown[marker]);
        assert!(
            on_pages == 1 || is_partial || is_draft || has_diagnostic,
            "{} is neither a page, a partial, a draft nor named by a diagnostic",
            f.path
        );
        if on_pages == 1 {
            pages += 1;
        } else if is_partial {
            partials += 1;
        } else if is_draft {
            drafts += 1;
        } else {
            diagnostics += 1;
        }
    }
    assert!(
        run.stderr.contains(&format!(
            "not published: {partials} partials, {drafts} drafts"
        )),
        "{}",
        run.stderr
    );
    // The shapes above: what each file became.
    assert_eq!((partials, drafts, diagnostics), (3, 2, 6));
    assert_eq!(pages, generated.len() - 11);
    // The folder sections of each style are there.
    for section in [
        "setup/",
        "setup/deeper/",
        "setup/deeper/more/",
        "workflows/group-1/sub-2/",
        "docs/content/",
    ] {
        assert!(run.exists(&format!("{section}index.html")), "{section}");
    }
    assert_eq!(run.page("setup/").text("h1"), "setup");
    assert_eq!(run.page("guides/bundle/").text("h1"), "A bundle");
    assert!(run.exists("guides/My%20Page/index.html") || run.exists("guides/My Page/index.html"));
}

// ---- One title (SPEC §3) ----

#[test]
fn a_docfx_page_shows_its_h1_once_and_keeps_its_front_matter_title() {
    let site = SiteTest::from_fixture("titles/docfx");
    let run = site.build(&[]);
    run.expect_status(0);
    let page = run.page("create-hub-site/");
    // One <h1>: the body's, with its id; none in the content.
    assert_eq!(page.select("h1").len(), 1);
    assert_eq!(
        page.text("article.guide h1"),
        "Create a hub site in the SharePoint admin center"
    );
    assert_eq!(
        page.attr("article.guide h1", "id"),
        "create-a-hub-site-in-the-sharepoint-admin-center"
    );
    assert!(page.select(".content h1").is_empty());
    assert!(!page.text(".content").contains("admin center\n"));
    // The front matter title serves <title>, the sidebar and the other pages' lists.
    assert_eq!(
        page.text("title"),
        "Create a hub site in SharePoint · DocFX-style docs"
    );
    assert_eq!(
        page.text(".site-nav a[aria-current=page]"),
        "Create a hub site in SharePoint"
    );
    assert!(run
        .page("")
        .texts(".guide-list a")
        .contains(&"Create a hub site in SharePoint".to_string()));
    // `description` is the summary.
    assert_eq!(
        page.attr("meta[name=description]", "content"),
        "Learn how to turn a site into a hub site in the SharePoint admin center."
    );
    // The H1 is not in the contents list.
    assert!(!page
        .attrs(".toc a", "href")
        .contains(&"#create-a-hub-site-in-the-sharepoint-admin-center".to_string()));

    // A setext H1 after a comment; a link to the other page's H1 finds its anchor.
    let plan = run.page("plan-hub-sites/");
    assert_eq!(plan.select("h1").len(), 1);
    assert_eq!(plan.text("article.guide h1"), "Planning your hub sites");
    assert_eq!(plan.text("title"), "Planning hub sites · DocFX-style docs");
    assert!(
        run.diags().iter().all(|d| d.code == "front-matter"),
        "{:#?}",
        run.diags()
    );
    // Search knows the page by its front matter title.
    let index_has_title = walkdir::WalkDir::new(run.out_dir.join("search"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .any(|e| {
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            let text = match e.path().extension().and_then(|x| x.to_str()) {
                Some("jsonz") => guidepost::search::unpack(&bytes).unwrap_or_default(),
                _ => String::from_utf8(bytes).unwrap_or_default(),
            };
            text.contains("Create a hub site in SharePoint")
        });
    assert!(index_has_title);
}

#[test]
fn an_mkdocs_page_takes_its_h1_as_title() {
    let site = SiteTest::from_fixture("layout/mkdocs");
    let run = site.build(&[]);
    let page = run.page("setup/changing-the-colors/");
    assert_eq!(page.select("h1").len(), 1);
    assert_eq!(page.text("article.guide h1"), "Changing the colors");
    assert_eq!(page.attr("article.guide h1", "id"), "changing-the-colors");
    assert_eq!(
        page.text("title"),
        "Changing the colors · MkDocs-style docs"
    );
    assert_eq!(
        page.text(".site-nav a[aria-current=page]"),
        "Changing the colors"
    );
    assert!(page.select(".content h1").is_empty());
    // Front matter without a title, and an H1: the H1 is the title.
    let fonts = run.page("setup/changing-the-fonts/");
    assert_eq!(
        fonts.text("title"),
        "Changing the fonts · MkDocs-style docs"
    );
}

#[test]
fn a_guide_with_neither_title_nor_h1_is_an_error() {
    let site = SiteTest::from_files(&[
        ("content/text-first.md", "Some text.\n\n# Too late\n"),
        ("content/h2.md", "## Only an H2\n"),
    ]);
    let run = site.build(&[]);
    run.expect_status(1);
    let files: Vec<String> = run
        .diags()
        .into_iter()
        .filter(|d| d.message.contains("needs a title"))
        .map(|d| d.file)
        .collect();
    assert_eq!(files, vec!["content/h2.md", "content/text-first.md"]);
}

#[test]
fn a_caveat_may_name_the_leading_h1() {
    let site = SiteTest::from_files(&[(
        "content/a.md",
        "---\ntitle: A\ncaveats:\n  - text: Careful from the start.\n    step: the-page-heading\n---\n# The page heading\n\n## Later\n\nText.\n",
    )]);
    let run = site.build(&[]);
    run.ok();
    let page = run.page("a/");
    assert_eq!(page.attr("article.guide h1", "id"), "the-page-heading");
    // The caveat is at the top of the content, before the first `##`.
    let content = page.one(".content").html();
    let caveat = content.find("Careful from the start.").unwrap();
    assert!(caveat < content.find("<h2").unwrap(), "{content}");
}

// ---- A nested contents list (SPEC §3) ----

#[test]
fn contents_list_nests_h3_under_h2_and_numbers_only_the_top() {
    let site = SiteTest::from_fixture("titles/docfx");
    let run = site.build(&[]);
    let page = run.page("create-hub-site/");
    let top = page.select(".toc > ol > li");
    let shape: Vec<(String, Vec<String>)> = top
        .iter()
        .map(|li| {
            let own = text_of(li.select(&sel(":scope > a")).next().unwrap());
            let nested = li
                .select(&sel(":scope > ul > li > a"))
                .map(text_of)
                .collect();
            (own, nested)
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            (
                "Create a hub site".to_string(),
                vec!["In PowerShell".to_string()]
            ),
            (
                "Change a hub site's settings".to_string(),
                vec!["Images".to_string(), "Permissions".to_string()]
            ),
            ("Related topics".to_string(), vec![]),
        ]
    );
    // Only the top level is an ordered (numbered) list.
    assert_eq!(page.select(".toc ol").len(), 1);
    assert_eq!(page.select(".toc ol ol").len(), 0);
    // Every entry links to a heading of the page.
    for href in page.attrs(".toc a", "href") {
        assert_eq!(page.select(&href).len(), 1, "{href}");
    }
}

// ---- Big sections stay light ----

#[test]
fn a_section_of_a_thousand_guides_keeps_every_page_light() {
    let site =
        SiteTest::from_files(&[("content/kb/_index.md", "---\ntitle: Knowledge base\n---\n")]);
    for i in 0..1000 {
        site.write(
            &format!("content/kb/article-{i:04}.md"),
            &format!(
                "---\ntitle: Article {i:04} about a common administration task\nsummary: What to do when the admin console shows error {i} while you change a setting.\n---\n\nSome text.\n\n## Steps\n\n1. Do this.\n2. Then that.\n"
            ),
        );
    }
    let run = site.build(&[]);
    run.ok();
    for i in 0..1000 {
        let path = run.out_dir.join(format!("kb/article-{i:04}/index.html"));
        let size = std::fs::metadata(&path).unwrap().len();
        assert!(size < 60_000, "{} is {size} bytes", path.display());
    }
    // The section page links every guide.
    let section = run.page("kb/");
    let listed: Vec<String> = section.attrs(".guide-list a", "href");
    assert_eq!(listed.len(), 1000);
    for i in 0..1000 {
        assert!(listed.contains(&format!("/kb/article-{i:04}/")), "{i}");
    }
    // A guide's sidebar: the guides around it and a link to all of them.
    let page = run.page("kb/article-0500/");
    let nav: Vec<String> = page.attrs(".site-nav li.open > ul > li > a", "href");
    assert_eq!(nav.len(), 22, "{nav:?}");
    assert_eq!(nav[0], "/kb/article-0490/");
    assert_eq!(nav[10], "/kb/article-0500/");
    assert_eq!(nav[20], "/kb/article-0510/");
    assert_eq!(page.attr(".site-nav li.nav-all a", "href"), "/kb/");
    assert_eq!(
        page.text(".site-nav li.nav-all a"),
        "All 1000 guides in Knowledge base"
    );
    // Near the ends the window keeps its size.
    let first = run.page("kb/article-0000/");
    assert_eq!(first.select(".site-nav li.open > ul > li").len(), 22);
}

// ---- Diagnostics that help ----

#[test]
fn front_matter_columns_count_characters() {
    let site = SiteTest::from_files(&[("content/a.md", "---\ntitle: Café\nweight: é: 2\n---\n")]);
    let run = site.build(&[]);
    run.expect_status(1);
    let d = run.diag("mapping values are not allowed");
    assert_eq!((d.file.as_str(), d.line, d.column), ("content/a.md", 3, 10));
}

#[test]
fn check_ends_with_a_count_even_when_it_fails() {
    let site = SiteTest::from_files(&[
        (
            "content/a.md",
            "---\ntitle: A\ncolour: red\n---\n[x](missing.md)\n",
        ),
        ("content/b.md", "No title.\n"),
    ]);
    let human = site.run(&["check"]);
    human.expect_status(1);
    let last = human.stdout.lines().last().unwrap_or_default();
    assert!(last.starts_with("Checked 2 pages, 1 version"), "{last}");
    assert!(
        last.ends_with("; 1 error (1 front-matter), 2 warnings (1 broken-link, 1 front-matter)"),
        "{last}"
    );
    // JSON: stdout holds only the diagnostics; the summary goes to stderr.
    let json = site.run(&["check", "--format", "json"]);
    assert!(
        json.stdout.lines().all(|l| l.starts_with('{')),
        "{}",
        json.stdout
    );
    assert!(
        json.stderr.contains("1 error (1 front-matter)"),
        "{}",
        json.stderr
    );
    let strict = site.run(&["check", "--strict"]);
    assert!(
        strict
            .stdout
            .contains("2 warnings (1 broken-link, 1 front-matter) made errors by --strict"),
        "{}",
        strict.stdout
    );
    let build = site.build(&[]);
    assert!(
        build
            .stderr
            .contains("Build failed (1 error (1 front-matter), 2 warnings"),
        "{}",
        build.stderr
    );
}

#[test]
fn foreign_front_matter_keys_make_one_warning_per_file() {
    let site = SiteTest::from_fixture("titles/docfx");
    let run = site.build(&[]);
    let warnings: Vec<(String, u64, String)> = run
        .diags()
        .into_iter()
        .map(|d| (d.file, d.line, d.message))
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert_eq!(warnings[0].0, "content/create-hub-site.md");
    assert_eq!(warnings[0].1, 3);
    assert!(
        warnings[0]
            .2
            .starts_with("front matter: 12 keys of DocFX / Microsoft Learn that guidepost does not use: `ms.reviewer`, `ms.author`"),
        "{}",
        warnings[0].2
    );
    assert_eq!(
        (warnings[1].0.as_str(), warnings[1].1),
        ("content/plan-hub-sites.md", 3)
    );
}

// ---- Found on the real trees after the second wave (FINDINGS-after-merge) ----

#[test]
fn email_autolinks_and_query_links_name_no_file() {
    // SharePoint writes `<first.last@fabrikam.com>`; MkDocs links its search as
    // `[word][q=word]` with `[q=word]: ?q=word`.
    let site = SiteTest::from_files(&[(
        "content/a.md",
        "---\ntitle: A\n---\nMail <first.last@fabrikam.com> or [search](?q=支持).\n",
    )]);
    let run = site.build(&[]);
    run.ok();
    let hrefs = run.page("a/").attrs(".content a", "href");
    assert_eq!(hrefs.len(), 2, "{hrefs:?}");
    assert_eq!(hrefs[0], "mailto:first.last@fabrikam.com");
    assert!(hrefs[1].starts_with("?q="), "{hrefs:?}");
}

#[test]
fn attribute_list_ids_name_their_headings() {
    // MkDocs' changelog: `### 9.7.6 <small>…</small> { id="9.7.6" }`.
    let site = SiteTest::from_files(&[
        (
            "content/changelog.md",
            "---\ntitle: Changelog\n---\n### 9.7.6 <small>March 19</small> { id=\"9.7.6\" }\n\n### Navigation path { id=navigation-path }\n\n### Kept {#kept data-toc-label=\"x\"}\n",
        ),
        (
            "content/a.md",
            "---\ntitle: A\n---\n[9.7.6](changelog.md#9.7.6) [path](changelog.md#navigation-path) [kept](changelog.md#kept)\n",
        ),
    ]);
    let run = site.build(&[]);
    run.ok();
    assert_eq!(
        run.page("changelog/").attrs(".content h3", "id"),
        vec!["9.7.6", "navigation-path", "kept"]
    );
}

#[test]
fn reference_definitions_reach_across_admonitions_tabs_and_variant_blocks() {
    // A MkDocs page keeps its definitions at the bottom, below its admonitions and
    // tabs; every reference above them must still be a link (or an image).
    let site = SiteTest::from_files(&[
        ("content/b.md", "---\ntitle: B\n---\nB.\n"),
        (
            "content/a.md",
            "---\ntitle: A\n---\nAfter you've [installed] it:\n\n!!! tip \"Recommended\"\n\n    See [the guide][b] and [installed].\n\n=== \"Unix\"\n\n    Run [installed].\n\n[![Shot]][Shot]\n\n::: variant one\nIn one: [installed].\n:::\n\n  [installed]: b.md\n  [B]: b.md \"Guide B\"\n  [Shot]: shot.png\n",
        ),
    ]);
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://t.example/\"\n[[variants]]\nid = \"one\"\nlabel = \"One\"\n",
    );
    site.write_bytes(
        "content/shot.png",
        &crate::screenshot_data::noise_png(40, 20, 1),
    );
    let run = site.build(&[]);
    let codes: Vec<String> = run.diags().into_iter().map(|d| d.code).collect();
    assert!(
        codes.iter().all(|c| c == "foreign-syntax"),
        "{:#?}",
        run.diags()
    );
    let page = run.page("a/");
    let links = page.attrs(".content a[href='/b/']", "href");
    assert_eq!(links.len(), 5, "{}", page.text(".content"));
    assert!(
        !page.text(".content").contains('['),
        "{}",
        page.text(".content")
    );
    assert_eq!(page.select(".content img").len(), 1);
}

#[test]
fn an_image_url_fragment_or_query_is_not_part_of_its_file_name() {
    // GitHub's and MkDocs' light/dark markers: `shot.png#gh-dark-mode-only`.
    let site = SiteTest::from_files(&[(
        "content/a.md",
        "---\ntitle: A\n---\n![Light](shot.png#gh-light-mode-only)\n\nAn icon ![Icon](shot.png?v=2) inline.\n",
    )]);
    site.write_bytes(
        "content/shot.png",
        &crate::screenshot_data::noise_png(40, 20, 1),
    );
    let run = site.build(&[]);
    run.ok();
    let page = run.page("a/");
    assert_eq!(page.select(".content figure img").len(), 1);
    assert_eq!(page.select(".content img.inline-image").len(), 1);
}

#[test]
fn a_jpeg_saved_as_png_is_published_like_browsers_show_it() {
    // Three SharePoint screenshots are JPEGs named `.png`; wide ones are resized, so
    // their pixels are decoded.
    let img = image::DynamicImage::ImageRgb8(image::ImageBuffer::from_pixel(
        1000,
        50,
        image::Rgb([10, 120, 200]),
    ));
    let mut jpeg = std::io::Cursor::new(Vec::new());
    img.write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    let site = SiteTest::from_files(&[("content/a.md", "---\ntitle: A\n---\n![Wide](wide.png)\n")]);
    site.write_bytes("content/wide.png", &jpeg.into_inner());
    let run = site.build(&[]);
    run.ok();
    let page = run.page("a/");
    assert_eq!(page.attr(".content figure img", "width"), "1000");
    assert!(!page.attr(".content figure img", "srcset").is_empty());
}

// ---- MkDocs code-block attributes (SPEC §3) ----

#[test]
fn mkdocs_code_block_attributes_are_no_language() {
    let page = "---\ntitle: Code\n---\n\n\
``` title=\"Content\"\nplain text\n```\n\n\
``` { .yaml title=\"mkdocs.yml\" }\ntheme:\n  name: material\n```\n\n\
```py title=\"hello.py\" linenums=\"1\"\nprint(\"hi\")\n```\n\n\
```{.json .annotate}\n{\"x\": 1}\n```\n\n\
```rust,ignore\nfn main() {}\n```\n";
    let site = SiteTest::from_files(&[("content/code.md", page)]);
    let run = site.build(&[]);
    run.ok();
    let page = run.page("code/");
    assert_eq!(
        page.attrs("pre.code", "data-lang"),
        vec!["yaml", "py", "json", "rust"],
        "the attribute-only block has no language"
    );
    assert!(page.select("pre.code:not([data-lang])").len() == 1);
    // Highlighted: the yaml, py, json and rust blocks have classed spans.
    let pres = page.select("pre.code");
    assert!(pres[0].select(&sel("span")).next().is_none());
    for pre in &pres[1..] {
        assert!(
            pre.select(&sel("span[class^=hl-]")).next().is_some(),
            "{}",
            pre.html()
        );
    }
    // Titles are shown above their blocks, once; nothing of the attributes is lost
    // into the code or mangled into an attribute.
    assert_eq!(
        page.texts("p.code-title"),
        vec!["Content", "mkdocs.yml", "hello.py"]
    );
    assert_eq!(page.select("p.code-title + pre.code").len(), 3);
    let html = page.html.html();
    assert!(
        !html.contains("linenums") && !html.contains("title=\"Content"),
        "{html}"
    );
}
