//! SPEC §5, the build side: the index files of each version.

use crate::harness::{Run, SiteTest};
use serde_json::Value;

fn json(run: &Run, path: &str) -> Value {
    serde_json::from_str(&run.file(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A gzip-compressed index file (`.jsonz`) as JSON.
fn packed(run: &Run, path: &str) -> Value {
    let bytes = std::fs::read(run.out_dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let text = guidepost::search::unpack(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The postings of `term` as (guide, score, flags), found the way the browser finds
/// them, and how many guides hold it.
pub(crate) fn lookup(run: &Run, version: &str, term: &str) -> (u64, Vec<(u64, u64, u64)>) {
    let meta = json(run, &format!("{version}search/index.json"));
    let chunks = meta["chunks"].as_array().unwrap();
    let i = chunks.partition_point(|c| c.as_str().unwrap() <= term);
    assert!(i > 0, "{term} sorts before every chunk");
    let dir = meta["terms"].as_str().unwrap();
    let chunk = packed(run, &format!("{version}search/{dir}/{}.jsonz", i - 1));
    let list: Vec<u64> = chunk[term]
        .as_array()
        .map(|l| l.iter().map(|v| v.as_u64().unwrap()).collect())
        .unwrap_or_default();
    let Some((&df, postings)) = list.split_first() else {
        return (0, Vec::new());
    };
    let mut guide = 0;
    let postings = postings
        .chunks(2)
        .map(|c| {
            guide += c[0];
            (guide, c[1] >> 2, c[1] & 3)
        })
        .collect();
    (df, postings)
}

/// The fragment of a guide: url, title, summary, passages
/// ([heading, anchor, variants, caveat, text]).
pub(crate) fn fragment(run: &Run, version: &str, guide: u64) -> Value {
    let meta = json(run, &format!("{version}search/index.json"));
    let dir = meta["fragments"].as_str().unwrap();
    packed(run, &format!("{version}search/{dir}/{guide}.jsonz"))
}

fn url_of(run: &Run, version: &str, guide: u64) -> String {
    fragment(run, version, guide)["url"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn guides_and_their_passages_are_indexed() {
    let site = SiteTest::from_fixture("caveats/basic");
    let run = site.build(&[]);
    run.expect_status(0);
    // "syndicator" is only in the danger caveat: one guide holds it.
    let (df, hits) = lookup(&run, "", "syndicator");
    assert_eq!((df, hits.len()), (1, 1));
    let guide = fragment(&run, "", hits[0].0);
    // Relative to the version's base: search.js puts the base in front.
    assert_eq!(guide["url"], "guides/por/");
    assert_eq!(guide["title"], "Partner of record");
    // The caveat is a passage of its own, linking to the caveat.
    let caveat = guide["passages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p[4].as_str().unwrap().contains("syndicator"))
        .unwrap();
    assert_eq!(
        caveat.as_array().unwrap()[..4],
        ["Partner information", "caveat-4", "", "caveat-4"]
    );
    assert!(caveat[4]
        .as_str()
        .unwrap()
        .contains("Tenants created through a syndicator"));
    // Text in a variant panel is a passage with that variant, under its heading.
    let (_, hits) = lookup(&run, "", "enterpris"); // "enterprise", stemmed
    let variants: Vec<String> = hits
        .iter()
        .flat_map(|h| {
            fragment(&run, "", h.0)["passages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p[2].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(variants.contains(&"ent".to_string()), "{variants:?}");
    // Stemmed: "subscriptions" and "subscription" are one term.
    assert!(!lookup(&run, "", "subscription").1.is_empty());
    assert!(lookup(&run, "", "subscriptions").1.is_empty());
    // Stopwords are left out.
    assert!(lookup(&run, "", "the").1.is_empty());
}

#[test]
fn index_files_are_compressed_and_guides_keep_their_summary() {
    let site = SiteTest::from_fixture("search/basic");
    let run = site.build(&[]);
    run.ok();
    let meta = json(&run, "search/index.json");
    assert_eq!(meta["format"], 2);
    assert_eq!(meta["guides"], 2);
    for dir in ["terms", "fragments", "vocabulary"] {
        let dir = meta[dir].as_str().unwrap();
        let folder = run.out_dir.join("search").join(dir);
        let files: Vec<_> = std::fs::read_dir(&folder).unwrap().collect();
        assert!(!files.is_empty(), "{dir}");
        for f in files {
            let path = f.unwrap().path();
            assert_eq!(path.extension().unwrap(), "jsonz", "{}", path.display());
            assert_eq!(&std::fs::read(&path).unwrap()[..2], &[0x1f, 0x8b]);
        }
    }
    // The guide's summary is in its fragment, for results that match the title only.
    let (_, hits) = lookup(&run, "", "certificat");
    let first = hits
        .iter()
        .map(|h| fragment(&run, "", h.0))
        .find(|f| f["url"] == "guides/first/")
        .unwrap();
    assert_eq!(
        first["summary"],
        "Replace the certificate before it expires."
    );
}

#[test]
fn title_matches_outrank_heading_and_body_matches() {
    let site = SiteTest::from_files(&[
        ("content/a.md", "---\ntitle: Rotate the certificate\n---\n\nIntro.\n"),
        ("content/b.md", "---\ntitle: Other\n---\n\nWhile you wait you could rotate a certificate, among many other long things to do today.\n"),
        ("content/c.md", "---\ntitle: Third\n---\n\n## Rotate it\n\nNow.\n"),
    ]);
    let run = site.build(&[]);
    run.ok();
    let (df, mut hits) = lookup(&run, "", "rotat");
    assert_eq!(df, 3);
    hits.sort_by_key(|h| std::cmp::Reverse(h.1));
    let found: Vec<(String, u64)> = hits.iter().map(|h| (url_of(&run, "", h.0), h.2)).collect();
    // Title (flag 1), then heading (flag 2), then body.
    assert_eq!(
        found,
        vec![
            ("a/".to_string(), 1),
            ("c/".to_string(), 2),
            ("b/".to_string(), 0)
        ]
    );
}

#[test]
fn each_version_has_its_own_index() {
    let site = SiteTest::from_fixture("versions/basic");
    let run = site.build(&[]);
    run.ok();
    assert!(run.exists("search/index.json"));
    assert!(run.exists("2013/search/index.json"));
    let (_, old) = lookup(&run, "2013/", "old");
    assert!(!old.is_empty());
    // Each index holds its own version's guides (URLs relative to the version base).
    let urls = |prefix: &str, word: &str| -> Vec<String> {
        lookup(&run, prefix, word)
            .1
            .iter()
            .map(|h| url_of(&run, prefix, h.0))
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
