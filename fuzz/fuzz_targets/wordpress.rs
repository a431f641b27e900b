//! The WordPress importer's reading and converting, on any bytes: the export reader
//! (as a WXR file) and the HTML converter (as a post body and as the body of each
//! item found). Besides not panicking, the markdown that comes out must hold no raw
//! HTML and no link or image with an unsafe URL, and no `:::` line but the variant
//! groups the converter writes itself.
#![no_main]

use guidepost::import::wordpress::{body_markdown, comment_texts, wxr};
use guidepost::markdown::{directives, safe_url};
use libfuzzer_sys::fuzz_target;
use pulldown_cmark::{Event, Parser, Tag};

fn variants() -> Vec<(String, String)> {
    vec![
        ("small-business".into(), "Small Business admin console".into()),
        ("enterprise".into(), "Midsized Business and Enterprise admin console".into()),
    ]
}

fn check(markdown: &str) {
    for event in Parser::new_ext(markdown, guidepost::markdown::options()) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML {h:?} in {markdown:?}"),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                assert!(safe_url(&dest_url), "unsafe URL {dest_url:?} in {markdown:?}")
            }
            _ => {}
        }
    }
    let lines: Vec<&str> = markdown.split('\n').collect();
    for i in directives::markup_lines(markdown).marker_lines {
        let line = lines[i].trim();
        assert!(
            line == ":::" || line.starts_with("::: variant "),
            "directive line {line:?} in {markdown:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let variants = variants();
    if let Ok(export) = wxr::parse(data) {
        for item in export.items.iter().take(8) {
            check(&body_markdown(&item.content, &variants));
            for text in comment_texts(item) {
                check(&text);
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        check(&body_markdown(text, &variants));
    }
});
