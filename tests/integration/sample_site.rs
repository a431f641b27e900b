//! Snapshots (insta) of the rendered content of every guide of the repository's sample
//! site, current (content/) and frozen (versions/): the HTML of the page's `.content`
//! element, which is what the markdown stage makes of the guide. Whole pages are not
//! snapshotted: their navigation, hashed asset names and dates change for reasons that
//! have nothing to do with a guide.
//!
//! The snapshots live in tests/integration/snapshots/. After an intended change of the
//! output, review and accept the new ones with `cargo insta review` (cargo-insta), or
//! run with `INSTA_UPDATE=always` and read the diff in git.

use crate::harness::SiteTest;
use std::path::Path;

/// The URL path (below the site's prefix) of a guide's source file in the sample site:
/// `content/a/b.md` → `a/b/`, `content/a/b/index.md` → `a/b/`, `versions/2013/a/b.md`
/// → `2013/a/b/`.
fn guide_url(source: &Path) -> String {
    let relative = source
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap()
        .to_str()
        .unwrap()
        .replace('\\', "/");
    let below_version = match relative.strip_prefix("content/") {
        Some(rest) => rest.to_string(),
        None => relative.strip_prefix("versions/").unwrap().to_string(),
    };
    let page = below_version.trim_end_matches(".md");
    let page = page.strip_suffix("/index").unwrap_or(page);
    format!("{page}/")
}

#[test]
fn guide_url_of_source_files() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(guide_url(&repo.join("content/a/b.md")), "a/b/");
    assert_eq!(guide_url(&repo.join("content/a/b/index.md")), "a/b/");
    assert_eq!(guide_url(&repo.join("versions/2013/a/b.md")), "2013/a/b/");
}

#[test]
fn rendered_content_of_each_sample_guide() {
    let site = SiteTest::from_sample_site();
    let run = site.build(&[]);
    run.expect_status(0);
    // Every markdown file but the section pages (`_index.md`).
    insta::glob!("../..", "{content,versions}/**/[!_]*.md", |source| {
        let page = run.page(&guide_url(source));
        insta::assert_snapshot!(page.one(".content").inner_html());
    });
}
