//! SPEC §3.2: only an image alone on its line of a paragraph is a screenshot (a
//! figure); an image in a sentence, a table cell, a heading or a link is an inline
//! `<img>`, in place, checked, hashed and copied the same way. Tested on a page
//! written the way DocFX docs are (icons in sentences and tables, the lightbox idiom).

use crate::harness::{text_of, SiteTest};
use scraper::ElementRef;

fn parent(e: ElementRef) -> ElementRef {
    e.parent()
        .and_then(ElementRef::wrap)
        .expect("a parent element")
}

#[test]
fn images_in_sentences_tables_headings_and_links_stay_inline() {
    let site = SiteTest::from_fixture("images/docfx");
    let run = site.build(&["--strict"]);
    run.ok();
    let page = run.page("hub-sites/");

    // No figure sits where a figure cannot be (a figure in a <p> splits it).
    assert!(page
        .select("p figure, h2 figure, td figure, a figure, li > p > figure")
        .is_empty());

    // In a sentence: the paragraph stays one paragraph, the icon in place with its size.
    let icon = page.one(".content > p > img.inline-image[alt=\"The app launcher icon\"]");
    assert_eq!(
        text_of(parent(icon)),
        "Select the app launcher icon in the top-left corner, then SharePoint."
    );
    assert_eq!(icon.value().attr("width"), Some("24"));
    assert_eq!(icon.value().attr("height"), Some("24"));
    let src = icon.value().attr("src").unwrap();
    assert!(
        src.starts_with("/assets/img/") && src.ends_with(".png"),
        "{src}"
    );
    assert!(run.exists(&src[1..]), "{src} is copied");
    assert!(
        page.select("figure img[alt=\"The app launcher icon\"]")
            .is_empty(),
        "no figure, no lightbox"
    );

    // In a table cell.
    let cell = page.one("td > img.inline-image");
    assert_eq!(cell.value().attr("alt"), Some("Deploy"));
    assert_eq!(cell.value().attr("width"), Some("33"));

    // In a heading: the id and the contents list come from the heading's own text.
    let heading = page.one("h2#introduction");
    assert_eq!(text_of(heading), "Introduction");
    let img = page.one("h2#introduction > img.inline-image");
    assert_eq!(img.value().attr("title"), Some("A map"));
    assert!(!page.texts("figcaption").contains(&"A map".to_string()));
    assert_eq!(page.texts(".toc a")[0], "Introduction");

    // In a link (the DocFX lightbox idiom): the link is kept, well nested, and its
    // target, a local image, is copied under its own name.
    let link = parent(page.one("a > img[alt=\"Poster of the hub plan\"]"));
    let href = link.value().attr("href").unwrap();
    assert!(
        href.starts_with("/assets/files/") && href.ends_with("/poster.png#lightbox"),
        "{href}"
    );
    assert!(run.exists(&href[1..href.len() - "#lightbox".len()]));
    assert_eq!(parent(link).value().name(), "p");

    // Alone on its line (also after a step's text, in a tight or a loose list item):
    // a screenshot, with a link to the full image.
    let figures: Vec<String> = page.attrs("figure > a > img", "alt");
    assert_eq!(
        figures,
        vec!["The Sites page of the admin center", "The hub site"]
    );
    let figure = parent(parent(page.one("figure > a > img[alt=\"The hub site\"]")));
    assert_eq!(
        figure
            .select(&scraper::Selector::parse("figcaption").unwrap())
            .map(text_of)
            .collect::<Vec<_>>(),
        vec!["The new hub"]
    );
}

#[test]
fn an_inline_image_that_does_not_resolve_is_an_error_and_shows_its_alt_text() {
    let site = SiteTest::from_files(&[(
        "content/a.md",
        "---\ntitle: A\n---\n\nClick the gear ![Settings](media/gear.png) icon.\n",
    )]);
    let run = site.build(&[]);
    run.expect_status(1);
    let d = run.diag("media/gear.png");
    assert_eq!(
        (
            d.severity.as_str(),
            d.code.as_str(),
            d.file.as_str(),
            d.line,
            d.column
        ),
        ("error", "image", "content/a.md", 5, 16)
    );
}

#[test]
fn remote_images_are_warnings_and_left_as_written() {
    let site = SiteTest::from_files(&[(
        "content/a.md",
        "---\ntitle: A\n---\n\nÉtape: the logo ![Logo](https://cdn.example.com/logo.png) here.\n\n![Shot](https://cdn.example.com/shot.png)\n\n<img src=\"//cdn.example.com/raw.png\" alt=\"Raw\">\n\n![Inline data](data:image/gif;base64,R0lGODlhAQABAAAAACw=)\n",
    )]);
    let run = site.build(&[]);
    run.expect_status(0);
    let remote: Vec<(u64, u64)> = run
        .diags()
        .iter()
        .filter(|d| d.code == "remote-image")
        .map(|d| (d.line, d.column))
        .collect();
    // Columns count characters (`É` is two bytes).
    // In raw HTML, the place of the attribute value.
    assert_eq!(remote, vec![(5, 17), (7, 1), (9, 11)]);
    assert_eq!(run.diags().len(), 3, "{:?}", run.diags());
    let page = run.page("a/");
    assert_eq!(
        page.attr("img[alt=Logo]", "src"),
        "https://cdn.example.com/logo.png"
    );
    assert_eq!(
        page.attr("figure > a > img[alt=Shot]", "src"),
        "https://cdn.example.com/shot.png"
    );
    assert_eq!(
        page.attr("img[alt=Raw]", "src"),
        "//cdn.example.com/raw.png"
    );
}
