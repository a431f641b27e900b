//! The search index of one version, built from the passages of its rendered guides and
//! split so that a query downloads only what it needs (the Pagefind design):
//!
//! - `search/index.json` (fixed name, small, plain JSON): the number of guides, the
//!   first term of each term chunk, and the folders below.
//! - `search/t-<hash>/<n>.jsonz`: the terms in sorted order, cut into chunks; each
//!   term maps to `[guides holding it, guide delta, value, …]` where value is the
//!   term's BM25F score for the guide (1..=1000) shifted left by two, and the low bits
//!   say whether the term is in the guide's title (1) and in one of its headings (2).
//!   Each term keeps its `MAX_POSTINGS` best guides.
//! - `search/f-<hash>/<guide>.jsonz`: one fragment per guide: its URL (relative to the
//!   version base), title, summary and passages (heading, anchor, variants, caveat
//!   id, text), fetched for the best candidates of a query only: the browser ranks
//!   their passages, measures how close the query's words stand, and shows snippets.
//! - `search/v-<hash>/<first letter>.jsonz`: the vocabulary by first letter, fetched
//!   only to correct a typo when nothing matched.
//!
//! `.jsonz` files are gzip-compressed JSON (see `files`); each folder is named after a
//! hash of its compressed files. Guides are numbered in the order of the version's
//! guides.

pub(crate) mod files;
mod score;
pub mod text;

pub use files::{letter_file, unpack, PACKED};
pub use score::{PartTerms, IN_HEADING, IN_TITLE};

use crate::markdown::Passage;
use serde::Serialize;

/// Guides kept per term: the best-scoring ones. The most common words would otherwise
/// make their chunk larger than a whole query's budget. The count of guides holding
/// the term is kept too, so that the browser knows a list was cut.
pub const MAX_POSTINGS: usize = 2_000;

/// A guide as search sees it.
pub struct SearchPage<'a> {
    /// The page's path relative to its version's base (`a/b/`); search.js puts the
    /// base (the folder above `search/`) in front.
    pub url: String,
    pub title: &'a str,
    pub summary: &'a str,
    pub passages: &'a [Passage],
    /// `passages_key(passages)`: a build takes it from the page's rendering, where
    /// it is made once however many versions share the rendering.
    pub passages_key: PassagesKey,
}

impl<'a> SearchPage<'a> {
    /// The page with its passages' key made here.
    pub fn new(url: String, title: &'a str, summary: &'a str, passages: &'a [Passage]) -> Self {
        SearchPage {
            url,
            title,
            summary,
            passages,
            passages_key: passages_key(passages),
        }
    }
}

#[derive(Serialize)]
struct Meta<'a> {
    format: u32,
    guides: usize,
    /// The folder of the term chunks, and the first term of each chunk, in order.
    terms: String,
    chunks: Vec<String>,
    fragments: String,
    vocabulary: String,
    letters: Vec<String>,
    variants: &'a [(String, String)],
}

/// A hash of everything `build_index` reads: equal fingerprints, equal indexes.
pub fn fingerprint(pages: &[SearchPage], variants: &[(String, String)]) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    for (id, label) in variants {
        for s in [id, label] {
            h.update(&(s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
    }
    for page in pages {
        hash_page(&mut h, page);
    }
    h.finalize()
}

/// A hash of what the index reads of one guide (the key of its `GuidePart`).
pub fn page_key(page: &SearchPage) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(b"guidepost search part\0");
    hash_page(&mut h, page);
    h.finalize()
}

fn hash_page(h: &mut blake3::Hasher, page: &SearchPage) {
    for s in [page.url.as_str(), page.title, page.summary] {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    }
    h.update(&page.passages_key.to_le_bytes());
}

/// The hash of everything the index reads of a page's passages: XXH3-128, like the
/// other keys of content (`source::TextHash`), over the whole search text of every
/// guide (62 MiB for 10,000 guides) in every cold build.
pub type PassagesKey = u128;

/// A hash of everything the index reads of a page's passages, fed field by field
/// (XXH3's streaming state gives the hash of the fields laid end to end; gathering
/// them first was for BLAKE3, which hashes a long input several chunks at a time).
pub fn passages_key(passages: &[Passage]) -> PassagesKey {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut field = |s: &str| {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    for p in passages {
        let (id, text) = p.heading.as_ref().map_or(("", ""), |(i, t)| (i, t));
        field(id);
        field(text);
        field(p.anchor.as_deref().unwrap_or("\u{1}heading"));
        field(
            &p.variants
                .as_ref()
                .map_or("\u{1}all".into(), |v| v.join(" ")),
        );
        field(p.caveat.as_deref().unwrap_or("\u{1}none"));
        field(&p.text);
    }
    h.digest128()
}

/// What an index needs of one guide, kept between builds by the persistent cache
/// (`persist`) under `page_key`: its terms with their count per field, and its packed
/// fragment file.
#[derive(Debug, Clone)]
pub struct GuidePart {
    pub(crate) terms: score::PartTerms,
    /// The count of each term per field (title, summary, headings, body).
    pub(crate) counts: Vec<[u32; 4]>,
    /// How many words each field has.
    pub(crate) len: [u32; 4],
    pub(crate) fragment: crate::persist::codec::Bytes,
}

/// Where `build_index_from_parts` finds the parts of guides an earlier build made,
/// and keeps the ones it makes.
pub trait PartStore: Sync {
    fn get(&self, key: &blake3::Hash) -> Option<std::sync::Arc<GuidePart>>;
    fn put(&self, key: blake3::Hash, part: std::sync::Arc<GuidePart>);
    /// `files::pack(json)`: a store may hand back what it packed for the same JSON in
    /// an earlier build. After a one-guide change most term chunks are what they were
    /// (461 of 496 for 10,000 guides), and compressing them is most of what is left of
    /// the index's work.
    fn pack(&self, json: &str) -> Vec<u8> {
        files::pack(json)
    }
}

/// `build_index` through kept parts of guides: the same files, without reading again
/// the guides whose part is kept.
pub fn build_index_from_parts(
    pages: &[SearchPage],
    variants: &[(String, String)],
    store: &dyn PartStore,
) -> Vec<(String, Vec<u8>)> {
    use rayon::prelude::*;
    use std::sync::Arc;
    let t0 = std::time::Instant::now();
    let keys: Vec<blake3::Hash> = pages.par_iter().map(page_key).collect();
    let kept: Vec<Option<Arc<GuidePart>>> = keys.iter().map(|k| store.get(k)).collect();
    // The guides not kept, made in the order `build_index` makes them: the terms of
    // all, then the fragments of all.
    let missing: Vec<&SearchPage> = pages
        .iter()
        .zip(&kept)
        .filter(|(_, k)| k.is_none())
        .map(|(p, _)| p)
        .collect();
    let terms = score::guide_terms_as_text(&missing);
    let fragments: Vec<Vec<u8>> = missing
        .par_iter()
        .map(|page| files::pack(&files::fragment_json(page)))
        .collect();
    let mut made = terms
        .into_iter()
        .zip(fragments)
        .map(|((terms, counts, len), fragment)| {
            Arc::new(GuidePart {
                terms: score::PartTerms::Text(terms),
                counts,
                len,
                fragment: crate::persist::codec::Bytes(fragment),
            })
        });
    let parts: Vec<Arc<GuidePart>> = kept
        .into_iter()
        .zip(keys)
        .filter_map(|(kept, key)| {
            kept.or_else(|| {
                let part = made.next()?;
                store.put(key, part.clone());
                Some(part)
            })
        })
        .collect();
    if parts.len() != pages.len() {
        // Cannot happen (one part made per guide not kept); were it to, the index
        // is made the plain way rather than with a guide missing.
        return build_index(pages, variants);
    }
    let t1 = std::time::Instant::now();
    let (vocabulary, guides) = score::guide_terms_from_parts(&parts);
    if std::env::var_os("GUIDEPOST_TIMINGS").is_some() {
        eprintln!(
            "  search: kept parts {:.3} s, terms {:.3} s",
            (t1 - t0).as_secs_f64(),
            t1.elapsed().as_secs_f64()
        );
    }
    index_files(
        pages,
        variants,
        vocabulary,
        guides,
        || parts.iter().map(|p| p.fragment.0.clone()).collect(),
        &|json| store.pack(json),
    )
}

/// The index files of one version: (path below the version's folder, contents).
pub fn build_index(pages: &[SearchPage], variants: &[(String, String)]) -> Vec<(String, Vec<u8>)> {
    build_index_unless(pages, variants, &|| false).unwrap_or_default()
}

/// `build_index`, given up (None) as soon as `stop` says so: `serve` makes a
/// version's index after each save, and a second save must not wait for it.
pub fn build_index_unless(
    pages: &[SearchPage],
    variants: &[(String, String)],
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<(String, Vec<u8>)>> {
    use rayon::prelude::*;
    let t0 = std::time::Instant::now();
    let (vocabulary, guides) = score::guide_terms_unless(pages, stop);
    if stop() {
        return None;
    }
    if std::env::var_os("GUIDEPOST_TIMINGS").is_some() {
        eprintln!("  search: terms {:.3} s", t0.elapsed().as_secs_f64());
    }
    // The fragments are made only once the terms are dropped: both at once would
    // raise the build's peak memory (they run beside the pages).
    let fragments = || {
        pages
            .par_iter()
            .map(|page| {
                if stop() {
                    return Vec::new();
                }
                files::pack(&files::fragment_json(page))
            })
            .collect()
    };
    let files = index_files(pages, variants, vocabulary, guides, fragments, &files::pack);
    (!stop()).then_some(files)
}

/// The index files from the guides' terms and their packed fragments, which
/// `fragments` makes (or hands over) after the terms are dropped; the other files are
/// packed by `pack`.
fn index_files(
    pages: &[SearchPage],
    variants: &[(String, String)],
    vocabulary: Vec<String>,
    guides: Vec<score::GuideTerms>,
    fragments: impl FnOnce() -> Vec<Vec<u8>>,
    pack: &(dyn Fn(&str) -> Vec<u8> + Sync),
) -> Vec<(String, Vec<u8>)> {
    use rayon::prelude::*;
    let t1 = std::time::Instant::now();
    let lists = score::postings(vocabulary, &guides, MAX_POSTINGS);
    drop(guides);
    let t2 = std::time::Instant::now();

    // Each file is compressed as soon as it is made, and its folder is named after the
    // compressed files (gzip output is deterministic).
    let chunks: Vec<(String, Vec<u8>)> = files::term_chunks(&lists)
        .into_par_iter()
        .map(|(first, json)| (first, pack(&json)))
        .collect();
    let terms_dir = format!("t-{}", files::short_hash(chunks.iter().map(|c| &c.1)));
    let t3 = std::time::Instant::now();
    let fragments = fragments();
    let fragments_dir = format!("f-{}", files::short_hash(&fragments));
    let t4 = std::time::Instant::now();
    let vocabulary: Vec<(String, Vec<u8>)> =
        files::vocabulary(lists.iter().map(|l| l.term.as_str()))
            .into_iter()
            .map(|(letter, json)| (letter, pack(&json)))
            .collect();
    let vocabulary_dir = format!("v-{}", files::short_hash(vocabulary.iter().map(|v| &v.1)));

    let meta = Meta {
        format: 2,
        guides: pages.len(),
        terms: terms_dir.clone(),
        chunks: chunks.iter().map(|c| c.0.clone()).collect(),
        fragments: fragments_dir.clone(),
        vocabulary: vocabulary_dir.clone(),
        letters: vocabulary.iter().map(|v| v.0.clone()).collect(),
        variants,
    };
    let mut files: Vec<(String, Vec<u8>)> =
        Vec::with_capacity(chunks.len() + fragments.len() + vocabulary.len() + 1);
    for (i, (_, packed)) in chunks.into_iter().enumerate() {
        files.push((format!("search/{terms_dir}/{i}.{PACKED}"), packed));
    }
    for (i, packed) in fragments.into_iter().enumerate() {
        files.push((format!("search/{fragments_dir}/{i}.{PACKED}"), packed));
    }
    for (letter, packed) in vocabulary {
        let name = letter_file(&letter);
        files.push((format!("search/{vocabulary_dir}/{name}.{PACKED}"), packed));
    }
    files.push((
        "search/index.json".into(),
        serde_json::to_vec(&meta).unwrap_or_default(),
    ));
    if std::env::var_os("GUIDEPOST_TIMINGS").is_some() {
        eprintln!(
            "  search: scores {:.3} s, chunks {:.3} s, fragments {:.3} s, rest {:.3} s",
            (t2 - t1).as_secs_f64(),
            (t3 - t2).as_secs_f64(),
            (t4 - t3).as_secs_f64(),
            t4.elapsed().as_secs_f64()
        );
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(heading: Option<&str>, text: &str) -> Passage {
        Passage {
            heading: heading.map(|h| (crate::markdown::slug::slugify(h), h.to_string())),
            text: text.into(),
            ..Passage::default()
        }
    }

    fn json(files: &[(String, Vec<u8>)], path: &str) -> serde_json::Value {
        let bytes = &files
            .iter()
            .find(|f| f.0 == path)
            .unwrap_or_else(|| panic!("{path} missing"))
            .1;
        serde_json::from_str(&unpack(bytes).unwrap()).unwrap()
    }

    /// `n` guides' passages: one "Step" passage each, with the text `text(i)`.
    fn numbered_texts(n: usize, text: impl Fn(usize) -> String) -> Vec<Vec<Passage>> {
        (0..n)
            .map(|i| vec![passage(Some("Step"), &text(i))])
            .collect()
    }

    /// Guides `p0/`, `p1/`, … titled "Guide", with `texts` as their passages.
    fn numbered_pages(texts: &[Vec<Passage>]) -> Vec<SearchPage<'_>> {
        texts
            .iter()
            .enumerate()
            .map(|(i, p)| SearchPage::new(format!("p{i}/"), "Guide", "", p))
            .collect()
    }

    /// `serve` gives up a version's index when a save arrives: asked to stop at once,
    /// or part-way through the guides, it gives nothing; never asked, what
    /// `build_index` gives.
    #[test]
    fn an_index_given_up_gives_nothing_and_one_made_whole_is_build_index_s() {
        let texts = numbered_texts(200, |i| format!("word{i} shared text"));
        let pages = numbered_pages(&texts);
        assert!(build_index_unless(&pages, &[], &|| true).is_none());
        let asked = std::sync::atomic::AtomicUsize::new(0);
        let part_way = || asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed) > 50;
        assert!(build_index_unless(&pages, &[], &part_way).is_none());
        assert_eq!(
            build_index_unless(&pages, &[], &|| false),
            Some(build_index(&pages, &[]))
        );
    }

    #[test]
    fn files_and_chunk_lookup() {
        let texts = numbered_texts(3000, |i| format!("word{i} common shared text number{i}"));
        let pages = numbered_pages(&texts);
        let files = build_index(&pages, &[]);
        let meta = json(&files, "search/index.json");
        assert_eq!(meta["guides"], 3000);
        let chunks: Vec<&str> = meta["chunks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert!(chunks.len() > 1);
        // Chunk ranges are sorted, and a term is in the chunk whose range holds it.
        assert!(chunks.windows(2).all(|w| w[0] < w[1]));
        let term = "word1500";
        let i = chunks.partition_point(|f| *f <= term) - 1;
        let dir = meta["terms"].as_str().unwrap();
        let chunk = json(&files, &format!("search/{dir}/{i}.jsonz"));
        assert_eq!(chunk[term][0], 1, "one guide holds it");
        assert_eq!(chunk[term][1], 1500, "guide 1500 (the first delta)");
        // A common word keeps its best guides and says how many hold it.
        let i = chunks.partition_point(|f| *f <= "common") - 1;
        let common = &json(&files, &format!("search/{dir}/{i}.jsonz"))["common"];
        assert_eq!(common[0], 3000);
        assert_eq!(common.as_array().unwrap().len(), 1 + 2 * MAX_POSTINGS);
        // One fragment per guide, and the vocabulary by letter.
        let fragments = meta["fragments"].as_str().unwrap();
        let fragment = json(&files, &format!("search/{fragments}/7.jsonz"));
        assert_eq!(fragment["url"], "p7/");
        assert_eq!(
            fragment["passages"][0],
            serde_json::json!(["Step", "step", "", "", "word7 common shared text number7"])
        );
        let vocabulary = meta["vocabulary"].as_str().unwrap();
        assert_eq!(
            json(&files, &format!("search/{vocabulary}/c.jsonz")),
            serde_json::json!(["common"])
        );
        assert!(
            !files.iter().any(|f| f.0.ends_with("/w.jsonz")),
            "word150 has digits: not in the typo vocabulary"
        );
    }

    #[test]
    fn a_passage_links_to_its_own_anchor_when_it_has_one() {
        let mut caveat = passage(Some("Step"), "Beware.");
        caveat.anchor = Some("caveat-1".into());
        caveat.caveat = Some("caveat-1".into());
        let passages = [passage(Some("Step"), "Do it."), caveat];
        let page = SearchPage::new("a/".into(), "A", "About A.", &passages);
        let fragment: serde_json::Value =
            serde_json::from_str(&files::fragment_json(&page)).unwrap();
        assert_eq!(fragment["summary"], "About A.");
        assert_eq!(fragment["passages"][0][1], "step");
        assert_eq!(fragment["passages"][1][1], "caveat-1");
    }

    #[derive(Default)]
    struct Store(
        std::sync::Mutex<std::collections::HashMap<blake3::Hash, std::sync::Arc<GuidePart>>>,
    );

    impl PartStore for Store {
        fn get(&self, key: &blake3::Hash) -> Option<std::sync::Arc<GuidePart>> {
            self.0.lock().unwrap().get(key).cloned()
        }
        fn put(&self, key: blake3::Hash, part: std::sync::Arc<GuidePart>) {
            self.0.lock().unwrap().insert(key, part);
        }
    }

    #[test]
    fn an_index_from_kept_parts_is_the_index() {
        let a = [
            passage(Some("Install"), "Run the installer twice"),
            passage(None, "Then restart"),
        ];
        let b = [passage(Some("Restart"), "Restart the server, then install")];
        let page = |url: &str, title: &'static str, passages: &'static [Passage]| {
            SearchPage::new(url.into(), title, "", passages)
        };
        let (a, b): (&'static [Passage], &'static [Passage]) =
            (Box::leak(Box::new(a)), Box::leak(Box::new(b)));
        let variants = vec![("sb".to_string(), "Small business".to_string())];
        let pages = [page("a/", "Install it", a), page("b/", "Restart", b)];
        let store = Store::default();
        let plain = build_index(&pages, &variants);
        assert_eq!(build_index_from_parts(&pages, &variants, &store), plain);
        assert_eq!(store.0.lock().unwrap().len(), 2);
        // From kept parts only, and with one guide changed.
        assert_eq!(build_index_from_parts(&pages, &variants, &store), plain);
        let changed = [page("a/", "Install it again", a), page("b/", "Restart", b)];
        assert_eq!(
            build_index_from_parts(&changed, &variants, &store),
            build_index(&changed, &variants)
        );
    }

    #[test]
    fn fingerprints_follow_everything_the_index_reads() {
        let variants = [("e".to_string(), "Enterprise".to_string())];
        let print = |url: &str, title: &str, summary: &str, passages: &[Passage]| {
            fingerprint(
                &[SearchPage::new(url.into(), title, summary, passages)],
                &variants,
            )
        };
        let a = [passage(Some("Step"), "Do it.")];
        let base = print("a/", "A", "", &a);
        assert_eq!(
            base,
            print("a/", "A", "", &[passage(Some("Step"), "Do it.")])
        );
        assert_ne!(base, print("b/", "A", "", &a));
        assert_ne!(base, print("a/", "B", "", &a));
        assert_ne!(base, print("a/", "A", "S", &a));
        assert_ne!(
            base,
            print("a/", "A", "", &[passage(Some("Step"), "Do it now.")])
        );
        assert_ne!(
            base,
            print("a/", "A", "", &[passage(Some("Other"), "Do it.")])
        );
        let mut limited = passage(Some("Step"), "Do it.");
        limited.variants = Some(vec![]);
        assert_ne!(base, print("a/", "A", "", &[limited]));
        let mut anchored = passage(Some("Step"), "Do it.");
        anchored.anchor = Some("step-1".into());
        assert_ne!(base, print("a/", "A", "", &[anchored]));
        assert_ne!(
            base,
            fingerprint(&[SearchPage::new("a/".into(), "A", "", &a)], &[])
        );
    }
}
