//! The benchmark corpus (`guidepost-bench corpus`, src/bin/bench/corpus.rs): the same
//! bytes for a seed, another site for another seed, a guidepost layout that builds
//! without a diagnostic, and a Hugo layout whose links and images all resolve.

use crate::harness::{generate_corpus, text_of, Page, Run};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every file below `root`: relative path → bytes.
fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(root).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_corpus_is_the_same_for_a_seed_and_differs_for_another() {
    let work = tempfile::tempdir().unwrap();
    for layout in ["guidepost", "hugo"] {
        let dir = |name: &str| work.path().join(format!("{layout}-{name}"));
        generate_corpus(300, 7, layout, &dir("a"));
        generate_corpus(300, 7, layout, &dir("b"));
        generate_corpus(300, 8, layout, &dir("c"));
        let (a, b, c) = (tree(&dir("a")), tree(&dir("b")), tree(&dir("c")));
        assert!(a.len() > 300, "{layout}: {} files", a.len());
        assert!(a == b, "{layout}: two runs with seed 7 differ");
        let same_guides = a
            .iter()
            .filter(|(path, bytes)| c.get(*path) == Some(bytes))
            .count();
        assert!(
            same_guides < a.len() / 10,
            "{layout}: seed 8 shares {same_guides} of {} files with seed 7",
            a.len()
        );
    }
}

#[test]
fn the_generated_site_builds_strictly_without_diagnostics() {
    let work = tempfile::tempdir().unwrap();
    let site = work.path().join("site");
    generate_corpus(500, 1, "guidepost", &site);
    let output = Command::new(env!("CARGO_BIN_EXE_guidepost"))
        .args(["build", "--strict", "--format", "json", "--root"])
        .arg(&site)
        .output()
        .unwrap();
    let run = Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        out_dir: site.join("public"),
    };
    run.ok();
    // 500 guides, the home, areas and leaf sections: one page each.
    let sources = walkdir::WalkDir::new(site.join("content"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count();
    let pages = walkdir::WalkDir::new(&run.out_dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| {
            e.file_name() == "index.html" && !e.path().starts_with(run.out_dir.join("caveats"))
        })
        .count();
    assert_eq!(pages, sources);
    // What the guides hold, over the first 40 guide pages.
    let guide_pages: Vec<Page> = walkdir::WalkDir::new(&run.out_dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.depth() == 4 && e.file_name() == "index.html")
        .take(40)
        .map(|e| Page::parse(&std::fs::read_to_string(e.path()).unwrap()))
        .collect();
    assert_eq!(guide_pages.len(), 40);
    let count = |css: &str| -> usize { guide_pages.iter().map(|p| p.select(css).len()).sum() };
    for (what, css) in [
        ("steps", ".content ol > li"),
        ("screenshots", ".content figure img[width][height]"),
        ("code blocks", ".content pre code"),
        ("callouts", ".content aside.callout"),
        ("settings tables", ".content table"),
        ("H3 headings", ".content h3[id]"),
        ("links between guides", ".content a[href^='/']"),
    ] {
        assert!(count(css) > 0, "no {what} ({css}) in 40 guides");
    }
    for page in &guide_pages {
        let headings = page.select(".content h2").len() + page.select(".content h3").len();
        // Prerequisites and next steps, and 3 to 8 headings of its own.
        assert!((5..=10).contains(&headings), "{headings} headings");
        let words = text_of(page.one(".content")).split_whitespace().count();
        assert!((500..=2200).contains(&words), "{words} words");
    }
}

/// Hugo is not installed here: check that its layout's links and images point at
/// files of the layout, as Hugo would serve them (pretty URLs, static/).
#[test]
fn the_hugo_layout_links_resolve() {
    use pulldown_cmark::{Event, Parser, Tag};
    let work = tempfile::tempdir().unwrap();
    let site = work.path().join("hugo");
    generate_corpus(500, 1, "hugo", &site);
    for file in [
        "hugo.toml",
        "layouts/_default/baseof.html",
        "layouts/_default/single.html",
        "layouts/_default/list.html",
    ] {
        assert!(site.join(file).is_file(), "{file}");
    }
    let content = site.join("content");
    let mut links = 0;
    let mut images = 0;
    for entry in walkdir::WalkDir::new(&content) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "md") || entry.file_name() == "_index.md" {
            continue;
        }
        // The page's URL path: content/a/b/guide.md is served at /a/b/guide/.
        let url = path.strip_prefix(&content).unwrap().with_extension("");
        let text = std::fs::read_to_string(path).unwrap();
        let body = text.splitn(3, "---\n").nth(2).unwrap();
        for event in Parser::new(body) {
            let (dest, is_image) = match event {
                Event::Start(Tag::Link { dest_url, .. }) => (dest_url, false),
                Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
                _ => continue,
            };
            let target = normalize(&url.join(dest.as_ref()));
            if is_image {
                images += 1;
                assert!(
                    site.join("static").join(&target).is_file(),
                    "{dest} in {}",
                    path.display()
                );
            } else {
                links += 1;
                assert!(dest.ends_with('/'), "{dest}");
                assert!(
                    content.join(&target).with_extension("md").is_file(),
                    "{dest} in {}",
                    path.display()
                );
            }
        }
    }
    assert!(
        links > 1000 && images > 500,
        "{links} links, {images} images"
    );
}

/// `a/b/../c` → `a/c`.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::Normal(p) => out.push(p),
            _ => {}
        }
    }
    out
}
