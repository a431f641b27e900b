//! SPEC §5, the build side: the index files of each version.

use crate::harness::{Run, SiteTest};
use serde_json::Value;

fn json(run: &Run, path: &str) -> Value {
    serde_json::from_str(&run.file(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The postings of `term` as (passage id, score), found the way the browser finds them.
pub(crate) fn lookup(run: &Run, version: &str, term: &str) -> Vec<(u64, u64)> {
    let meta = json(run, &format!("{version}search/index.json"));
    let chunks = meta["chunks"].as_array().unwrap();
    let i = chunks.partition_point(|c| c[0].as_str().unwrap() <= term);
    assert!(i > 0, "{term} sorts before every chunk");
    let file = chunks[i - 1][1].as_str().unwrap();
    let chunk = json(run, &format!("{version}search/{file}"));
    let list = chunk[term]
        .as_array()
        .map(|l| l.to_vec())
        .unwrap_or_default();
    let mut id = 0;
    list.chunks(2)
        .map(|c| {
            id += c[0].as_u64().unwrap();
            (id, c[1].as_u64().unwrap())
        })
        .collect()
}

/// [heading, anchor, variants, caveat, text] of a passage id.
pub(crate) fn passage(run: &Run, version: &str, id: u64) -> (Value, Vec<String>) {
    let meta = json(run, &format!("{version}search/index.json"));
    let per_page = meta["per_page"].as_u64().unwrap();
    let per_file = meta["pages_per_fragment"].as_u64().unwrap();
    let page = id / per_page;
    let dir = meta["fragments"].as_str().unwrap();
    let group = json(
        run,
        &format!("{version}search/{dir}/{}.json", page / per_file),
    );
    let fragment = group[(page % per_file) as usize].clone();
    let p = fragment["passages"][(id % per_page) as usize]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    (fragment, p)
}

#[test]
fn passages_by_heading_variant_and_caveat_are_indexed() {
    let site = SiteTest::from_fixture("caveats/basic");
    let run = site.build(&[]);
    run.expect_status(0);
    // "syndicator" is only in the danger caveat: its passage is that caveat.
    let hits = lookup(&run, "", "syndicator");
    assert_eq!(hits.len(), 1);
    let (fragment, p) = passage(&run, "", hits[0].0);
    // Relative to the version's base: search.js puts the base in front.
    assert_eq!(fragment["url"], "guides/por/");
    assert_eq!(fragment["title"], "Partner of record");
    assert_eq!(
        &p[..4],
        &["Partner information", "caveat-4", "", "caveat-4"]
    );
    assert!(p[4].contains("Tenants created through a syndicator"));
    // Text in a variant panel is a passage with that variant, under its heading.
    let hits = lookup(&run, "", "enterpris"); // "enterprise", stemmed
    let variants: Vec<String> = hits
        .iter()
        .map(|h| passage(&run, "", h.0).1[2].clone())
        .collect();
    assert!(variants.contains(&"ent".to_string()), "{variants:?}");
    // Stemmed: "subscriptions" and "subscription" are one term.
    assert!(!lookup(&run, "", "subscription").is_empty());
    assert!(lookup(&run, "", "subscriptions").is_empty());
    // Stopwords are left out.
    assert!(lookup(&run, "", "the").is_empty());
}

#[test]
fn title_matches_outrank_body_matches() {
    let site = SiteTest::from_files(&[
        ("content/a.md", "---\ntitle: Rotate the certificate\n---\n\nIntro.\n"),
        ("content/b.md", "---\ntitle: Other\n---\n\nWhile you wait you could rotate a certificate, among many other long things to do today.\n"),
        ("content/c.md", "---\ntitle: Third\n---\n\n## Rotate it\n\nNow.\n"),
    ]);
    let run = site.build(&[]);
    run.ok();
    let mut hits = lookup(&run, "", "rotat");
    hits.sort_by_key(|h| std::cmp::Reverse(h.1));
    let urls: Vec<String> = hits
        .iter()
        .map(|h| {
            passage(&run, "", h.0).0["url"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        urls,
        vec!["a/", "c/", "b/"],
        "title, then heading, then body"
    );
}

#[test]
fn each_version_has_its_own_index() {
    let site = SiteTest::from_fixture("versions/basic");
    let run = site.build(&[]);
    run.ok();
    assert!(run.exists("search/index.json"));
    assert!(run.exists("2013/search/index.json"));
    let old = lookup(&run, "2013/", "old");
    assert!(!old.is_empty());
    // Each index holds its own version's pages (URLs relative to the version base).
    let urls = |prefix: &str, word: &str| -> Vec<String> {
        lookup(&run, prefix, word)
            .iter()
            .map(|(id, _)| {
                passage(&run, prefix, *id).0["url"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let old_urls = urls("2013/", "only");
    assert!(
        old_urls.contains(&"guides/only-2013/".to_string()),
        "{old_urls:?}"
    );
    for url in &old_urls {
        assert!(run.exists(&format!("2013/{url}index.html")), "{url}");
    }
    let now_urls = urls("", "only");
    assert!(
        !now_urls.contains(&"guides/only-2013/".to_string()),
        "{now_urls:?}"
    );
    for url in &now_urls {
        assert!(run.exists(&format!("{url}index.html")), "{url}");
    }
}
