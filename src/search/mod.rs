//! The search index of one version, built from the passages of its rendered guides and
//! split so that a query downloads only what it needs (the Pagefind design):
//!
//! - `search/index.json` (fixed name, small): the chunk ranges and folder names.
//! - `search/c-<hash>.json`: terms in sorted order, cut into chunks of about
//!   `CHUNK_BYTES`; each term maps to its postings `[passage delta, score, …]`.
//! - `search/f-<hash>/<page>.json`: one fragment per guide: its URL (relative to the version base), title and
//!   passages (heading, anchor, variants, caveat id, text), fetched for results only.
//! - `search/v-<hash>/<first letter>.json`: the vocabulary by first letter, fetched only
//!   to correct a typo when nothing matched.
//!
//! Scores are BM25 over passages, with a guide's title words counted three times (in
//! its first passage) and heading words twice, computed here and quantized to 1..=255
//! so the browser only adds them up.

pub mod text;

use crate::markdown::Passage;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::BTreeMap;

/// Roughly how many bytes of JSON go into one term chunk.
const CHUNK_BYTES: usize = 40_000;
/// Postings kept per term: the best-scoring ones. Very common words would otherwise
/// make their chunk larger than a whole query's budget.
const MAX_POSTINGS: usize = 2_000;
/// Passages per guide that get their own id; further ones are merged into the last.
pub const PASSAGES_PER_PAGE: usize = 128;
/// Characters of passage text kept in fragments, for snippets.
const FRAGMENT_TEXT: usize = 240;
/// Guides per fragment file: fewer files to write, little more to fetch per result.
pub const PAGES_PER_FRAGMENT: usize = 2;
const K1: f64 = 1.2;
const B: f64 = 0.75;
const TITLE_WEIGHT: usize = 3;
const HEADING_WEIGHT: usize = 2;

/// A guide as search sees it.
pub struct SearchPage<'a> {
    /// The page's path relative to its version's base (`a/b/`); search.js puts the
    /// base (the folder above `search/`) in front.
    pub url: String,
    pub title: &'a str,
    pub passages: &'a [Passage],
}

#[derive(Serialize)]
struct Meta<'a> {
    version: u32,
    passages: usize,
    per_page: usize,
    pages_per_fragment: usize,
    /// [first term, file] per chunk, in term order.
    chunks: Vec<(String, String)>,
    fragments: String,
    vocabulary: String,
    letters: Vec<String>,
    variants: &'a [(String, String)],
}

#[derive(Serialize)]
struct Fragment<'a> {
    url: &'a str,
    title: &'a str,
    /// [heading, anchor, variants, caveat id, text]
    passages: Vec<(&'a str, &'a str, String, &'a str, String)>,
}

/// The index files of one version: (path below the version's folder, contents).
/// A hash of everything `build_index` reads: equal fingerprints, equal indexes.
pub fn fingerprint(pages: &[SearchPage], variants: &[(String, String)]) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    let mut field = |s: &str| {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    for (id, label) in variants {
        field(id);
        field(label);
    }
    for page in pages {
        field(&page.url);
        field(page.title);
        for p in page.passages {
            let (id, text) = p.heading.as_ref().map_or(("", ""), |(i, t)| (i, t));
            field(id);
            field(text);
            field(
                &p.variants
                    .as_ref()
                    .map_or("\u{1}all".into(), |v| v.join(" ")),
            );
            field(p.caveat.as_deref().unwrap_or("\u{1}none"));
            field(&p.text);
        }
        field("\u{1}end of page");
    }
    h.finalize()
}

pub fn build_index(pages: &[SearchPage], variants: &[(String, String)]) -> Vec<(String, String)> {
    use rayon::prelude::*;
    let t0 = std::time::Instant::now();
    let (vocabulary, docs) = passage_terms(pages);
    let t1 = std::time::Instant::now();
    let postings = score(&vocabulary, &docs);
    let t2 = std::time::Instant::now();
    if std::env::var_os("GUIDEPOST_TIMINGS").is_some() {
        eprintln!(
            "  search: terms {:.3} s, scores {:.3} s",
            (t1 - t0).as_secs_f64(),
            (t2 - t1).as_secs_f64()
        );
    }
    let mut files = Vec::new();

    // Term chunks.
    let mut chunks: Vec<(String, String)> = Vec::new();
    let mut current: BTreeMap<&str, &Vec<u32>> = BTreeMap::new();
    let mut size = 0;
    let mut first: Option<&str> = None;
    let flush = |current: &mut BTreeMap<&str, &Vec<u32>>,
                 first: &mut Option<&str>,
                 files: &mut Vec<(String, String)>,
                 chunks: &mut Vec<(String, String)>| {
        if let Some(f) = first.take() {
            let json = serde_json::to_string(&*current).unwrap_or_default();
            let name = format!("c-{}.json", short_hash(&json));
            chunks.push((f.to_string(), name.clone()));
            files.push((format!("search/{name}"), json));
            current.clear();
        }
    };
    for (term, list) in &postings {
        let entry = term.len() + list.len() * 7 + 6;
        if size + entry > CHUNK_BYTES && !current.is_empty() {
            flush(&mut current, &mut first, &mut files, &mut chunks);
            size = 0;
        }
        first.get_or_insert(term.as_str());
        current.insert(term, list);
        size += entry;
    }
    flush(&mut current, &mut first, &mut files, &mut chunks);

    // Fragments, a few guides per file, in a folder named after all of them.
    let fragments: Vec<String> = pages
        .par_chunks(PAGES_PER_FRAGMENT)
        .map(|group| {
            format!(
                "[{}]",
                group
                    .iter()
                    .map(fragment_json)
                    .collect::<Vec<_>>()
                    .join(",")
            )
        })
        .collect();
    let mut hasher = blake3::Hasher::new();
    for f in &fragments {
        hasher.update(f.as_bytes());
    }
    let fragment_dir = format!("f-{}", &hasher.finalize().to_hex()[..10]);
    for (i, json) in fragments.into_iter().enumerate() {
        files.push((format!("search/{fragment_dir}/{i}.json"), json));
    }

    // Vocabulary by first letter, for typo correction. Only words that a typo can be
    // one letter away from (4+ letters, no digits: ids and numbers are typed exactly).
    let mut by_letter: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for term in postings
        .keys()
        .filter(|t| t.chars().count() >= 4 && t.chars().all(char::is_alphabetic))
    {
        if let Some(c) = term.chars().next() {
            by_letter.entry(c.to_string()).or_default().push(term);
        }
    }
    let vocab: Vec<(String, String)> = by_letter
        .iter()
        .map(|(letter, terms)| {
            (
                letter.clone(),
                serde_json::to_string(terms).unwrap_or_default(),
            )
        })
        .collect();
    let vocab_dir = format!(
        "v-{}",
        short_hash(&vocab.iter().map(|(_, j)| j.as_str()).collect::<String>())
    );
    let letters: Vec<String> = by_letter.keys().cloned().collect();
    for (letter, json) in vocab {
        files.push((
            format!("search/{vocab_dir}/{}.json", letter_file(&letter)),
            json,
        ));
    }

    let meta = Meta {
        version: 1,
        passages: docs.len(),
        per_page: PASSAGES_PER_PAGE,
        pages_per_fragment: PAGES_PER_FRAGMENT,
        chunks,
        fragments: fragment_dir,
        vocabulary: vocab_dir,
        letters,
        variants,
    };
    files.push((
        "search/index.json".into(),
        serde_json::to_string(&meta).unwrap_or_default(),
    ));
    files
}

/// A file name for a first letter: ASCII letters and digits as they are, others as hex.
pub fn letter_file(letter: &str) -> String {
    if letter.chars().all(|c| c.is_ascii_alphanumeric()) {
        letter.to_string()
    } else {
        letter.chars().map(|c| format!("u{:x}", c as u32)).collect()
    }
}

fn short_hash(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex()[..10].to_string()
}

/// One indexed passage: its id and its terms (as ids into the vocabulary), each with
/// its field-weighted count.
struct Doc {
    id: u32,
    tf: Vec<(u32, u32)>,
    len: u32,
}

/// The terms of every passage. Pages are read in parallel; each thread remembers, for
/// every word it has met, its term's number in one shared vocabulary (taking the lock
/// only for a new word), so a word costs one hash lookup.
fn passage_terms(pages: &[SearchPage]) -> (Vec<String>, Vec<Doc>) {
    use rayon::prelude::*;
    use std::sync::Mutex;
    let shared: Mutex<(FxHashMap<String, u32>, Vec<String>)> = Mutex::new(Default::default());
    let docs: Vec<Doc> = pages
        .par_iter()
        .enumerate()
        .map_init(
            FxHashMap::<String, Option<u32>>::default,
            |words, (page, p)| {
                let mut id_of = |word: &str| -> Option<u32> {
                    if let Some(&id) = words.get(word) {
                        return id;
                    }
                    let id = text::term_of(word).map(|term| {
                        let mut guard = shared.lock().unwrap_or_else(|e| e.into_inner());
                        let (ids, vocabulary) = &mut *guard;
                        let next = vocabulary.len() as u32;
                        *ids.entry(term).or_insert_with_key(|t| {
                            vocabulary.push(t.clone());
                            next
                        })
                    });
                    words.insert(word.to_string(), id);
                    id
                };
                let mut docs: Vec<Doc> = Vec::new();
                for (local, passage) in p.passages.iter().enumerate() {
                    let local = local.min(PASSAGES_PER_PAGE - 1);
                    let id = (page * PASSAGES_PER_PAGE + local) as u32;
                    if docs.last().is_none_or(|d| d.id != id) {
                        docs.push(Doc {
                            id,
                            tf: Vec::new(),
                            len: 0,
                        });
                    }
                    let Some(doc) = docs.last_mut() else { continue };
                    let mut counts: FxHashMap<u32, u32> = doc.tf.iter().copied().collect();
                    let mut add = |text: &str, weight: u32| {
                        text::for_each_word(text, |w| {
                            if let Some(t) = id_of(w) {
                                *counts.entry(t).or_default() += weight;
                                doc.len += 1;
                            }
                        });
                    };
                    add(&passage.text, 1);
                    if let Some((_, heading)) = &passage.heading {
                        add(heading, HEADING_WEIGHT as u32);
                    }
                    if local == 0 {
                        add(p.title, TITLE_WEIGHT as u32);
                    }
                    doc.tf = counts.into_iter().collect();
                }
                docs
            },
        )
        .flatten()
        .collect();
    let (_, vocabulary) = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    (vocabulary, docs)
}

/// term → [passage id delta, quantized score, …], sorted by term.
fn score(vocabulary: &[String], docs: &[Doc]) -> BTreeMap<String, Vec<u32>> {
    let n = docs.len().max(1) as f64;
    let avg_len = docs.iter().map(|d| d.len as f64).sum::<f64>() / n;
    let mut df = vec![0u32; vocabulary.len()];
    for d in docs {
        for (t, _) in &d.tf {
            df[*t as usize] += 1;
        }
    }
    let idf: Vec<f64> = df
        .iter()
        .map(|&d| (1.0 + (n - d as f64 + 0.5) / (d as f64 + 0.5)).ln())
        .collect();
    // f32 is plenty for a score that ends up in 8 bits, and halves the memory.
    let mut raw: Vec<Vec<(u32, f32)>> =
        df.iter().map(|&d| Vec::with_capacity(d as usize)).collect();
    let mut max_score: f64 = 0.0;
    for d in docs {
        let norm = K1 * (1.0 - B + B * d.len as f64 / avg_len.max(1.0));
        for &(t, tf) in &d.tf {
            let tf = tf as f64;
            let s = idf[t as usize] * tf * (K1 + 1.0) / (tf + norm);
            max_score = max_score.max(s);
            raw[t as usize].push((d.id, s as f32));
        }
    }
    let max_score = max_score.max(f64::MIN_POSITIVE);
    use rayon::prelude::*;
    raw.into_par_iter()
        .enumerate()
        .map(|(t, mut list)| {
            if list.len() > MAX_POSTINGS {
                list.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                list.truncate(MAX_POSTINGS);
            }
            // Docs come in id order, so only truncated lists need sorting back.
            list.sort_unstable_by_key(|(id, _)| *id);
            let mut encoded = Vec::with_capacity(list.len() * 2);
            let mut prev = 0;
            for (id, s) in list {
                encoded.push(id - prev);
                encoded.push(
                    ((f64::from(s) / max_score) * 255.0)
                        .round()
                        .clamp(1.0, 255.0) as u32,
                );
                prev = id;
            }
            (vocabulary[t].clone(), encoded)
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

fn fragment_json(page: &SearchPage) -> String {
    let passages = page
        .passages
        .iter()
        .take(PASSAGES_PER_PAGE)
        .map(|p| {
            let (anchor, heading) = p
                .heading
                .as_ref()
                .map(|(a, h)| (a.as_str(), h.as_str()))
                .unwrap_or(("", ""));
            let anchor = p.caveat.as_deref().unwrap_or(anchor);
            let text: String = p.text.chars().take(FRAGMENT_TEXT).collect();
            (
                heading,
                anchor,
                p.variants.as_ref().map(|v| v.join(" ")).unwrap_or_default(),
                p.caveat.as_deref().unwrap_or(""),
                text,
            )
        })
        .collect();
    serde_json::to_string(&Fragment {
        url: &page.url,
        title: page.title,
        passages,
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(heading: Option<&str>, text: &str) -> Passage {
        Passage {
            heading: heading.map(|h| (crate::markdown::slug::slugify(h), h.to_string())),
            variants: None,
            caveat: None,
            text: text.into(),
        }
    }

    fn decode(list: &[u32]) -> Vec<(u32, u32)> {
        let mut id = 0;
        list.chunks(2)
            .map(|c| {
                id += c[0];
                (id, c[1])
            })
            .collect()
    }

    #[test]
    fn title_and_heading_matches_rank_first() {
        let a = [
            passage(None, "Intro about tenants."),
            passage(Some("Choose a subscription"), "Pick one."),
        ];
        let b = [passage(
            None,
            "Somewhere the word subscription appears in a long text about other things entirely.",
        )];
        let c = [passage(None, "Nothing relevant.")];
        let pages = [
            SearchPage {
                url: "/a/".into(),
                title: "Tenants",
                passages: &a,
            },
            SearchPage {
                url: "/b/".into(),
                title: "Other",
                passages: &b,
            },
            SearchPage {
                url: "/c/".into(),
                title: "Subscription basics",
                passages: &c,
            },
        ];
        let (vocabulary, docs) = passage_terms(&pages);
        let postings = score(&vocabulary, &docs);
        let mut hits = decode(&postings["subscription"]);
        hits.sort_by_key(|h| std::cmp::Reverse(h.1));
        let order: Vec<u32> = hits.iter().map(|h| h.0).collect();
        // The title match (page 2, passage 0) and the heading match (page 0, passage 1)
        // beat the body match (page 1, passage 0).
        assert_eq!(order.last(), Some(&(PASSAGES_PER_PAGE as u32)));
        assert_eq!(order.len(), 3);
    }

    #[test]
    fn files_and_chunk_lookup() {
        let texts: Vec<Vec<Passage>> = (0..300)
            .map(|i| {
                vec![passage(
                    Some("Step"),
                    &format!("word{i} common shared text number{i}"),
                )]
            })
            .collect();
        let pages: Vec<SearchPage> = texts
            .iter()
            .enumerate()
            .map(|(i, p)| SearchPage {
                url: format!("/p{i}/"),
                title: "Guide",
                passages: p,
            })
            .collect();
        let files = build_index(&pages, &[]);
        let meta: serde_json::Value =
            serde_json::from_str(&files.iter().find(|f| f.0 == "search/index.json").unwrap().1)
                .unwrap();
        let chunks = meta["chunks"].as_array().unwrap();
        assert!(!chunks.is_empty());
        // Chunk ranges are sorted, and a term is in the chunk whose range holds it.
        let firsts: Vec<&str> = chunks.iter().map(|c| c[0].as_str().unwrap()).collect();
        assert!(firsts.windows(2).all(|w| w[0] < w[1]));
        let term = "word150";
        let i = firsts.partition_point(|f| *f <= term) - 1;
        let file = chunks[i][1].as_str().unwrap();
        let chunk: serde_json::Value = serde_json::from_str(
            &files
                .iter()
                .find(|f| f.0 == format!("search/{file}"))
                .unwrap()
                .1,
        )
        .unwrap();
        let list: Vec<u32> = serde_json::from_value(chunk[term].clone()).unwrap();
        assert_eq!(decode(&list)[0].0, 150 * PASSAGES_PER_PAGE as u32);
        // A fragment file per PAGES_PER_FRAGMENT pages, and vocabulary by letter.
        assert_eq!(
            files.iter().filter(|f| f.0.contains("/f-")).count(),
            300 / PAGES_PER_FRAGMENT
        );
        // Typo vocabulary: words, not ids with digits.
        let c = files.iter().find(|f| f.0.ends_with("/c.json")).unwrap();
        assert_eq!(c.1, "[\"common\"]");
        assert!(
            !files.iter().any(|f| f.0.ends_with("/w.json")),
            "word150 has digits"
        );
    }

    #[test]
    fn fingerprints_follow_everything_the_index_reads() {
        let variants = [("e".to_string(), "Enterprise".to_string())];
        let print = |url: &str, title: &str, passages: &[Passage]| {
            fingerprint(
                &[SearchPage {
                    url: url.into(),
                    title,
                    passages,
                }],
                &variants,
            )
        };
        let a = [passage(Some("Step"), "Do it.")];
        let base = print("a/", "A", &a);
        assert_eq!(base, print("a/", "A", &[passage(Some("Step"), "Do it.")]));
        assert_ne!(base, print("b/", "A", &a));
        assert_ne!(base, print("a/", "B", &a));
        assert_ne!(
            base,
            print("a/", "A", &[passage(Some("Step"), "Do it now.")])
        );
        assert_ne!(base, print("a/", "A", &[passage(Some("Other"), "Do it.")]));
        let mut limited = passage(Some("Step"), "Do it.");
        limited.variants = Some(vec![]);
        assert_ne!(base, print("a/", "A", &[limited]));
        assert_ne!(
            base,
            fingerprint(
                &[SearchPage {
                    url: "a/".into(),
                    title: "A",
                    passages: &a
                }],
                &[]
            )
        );
    }
}
