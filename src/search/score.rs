//! BM25F over whole guides: what one query word is worth to each guide.
//!
//! A guide is one document with four fields: its title, its summary, its headings and
//! its body (the text of every passage, caveats and variant panels included). A word's
//! count in each field is scaled by the field's weight and length and summed before
//! saturation, so that a word in the title counts as several in the body without a
//! title of one word beating every page that discusses it (Robertson & Zaragoza,
//! "The Probabilistic Relevance Framework: BM25 and Beyond", 2009, §3.5).
//!
//! The score of a word for a guide depends on that word and guide only, so it is
//! computed here and the browser adds the scores of the query's words.

use super::text;
use super::SearchPage;
use rustc_hash::FxHashMap;

/// The fields of a guide, in the order of `WEIGHTS` and `LENGTH_NORMS`.
pub const TITLE: usize = 0;
pub const SUMMARY: usize = 1;
pub const HEADINGS: usize = 2;
pub const BODY: usize = 3;
const FIELDS: usize = 4;

/// How much one occurrence in each field counts, against one in the body. A title is
/// what a guide is about: its words count like twenty mentions in the text.
const WEIGHTS: [f64; FIELDS] = [20.0, 4.0, 5.0, 1.0];
/// BM25's `b` per field: how much a field's length dilutes its words. Titles vary
/// little in length, bodies a lot.
const LENGTH_NORMS: [f64; FIELDS] = [0.3, 0.5, 0.5, 0.75];
/// Saturation: with field weights this large, a `k1` above the usual 1.2 keeps a
/// title match from saturating at once, so that the text still counts beside it.
/// Weights and `k1` were chosen on judged queries (BENCHMARKS.md, issue 20): from
/// (6, 2, 2.5, 1) with k1 1.2 to these, ranking improved on queries whose words are
/// common in the text, and held elsewhere.
const K1: f64 = 3.0;

/// Scores are sent as whole numbers from 1 to this.
pub const SCORE_LEVELS: f64 = 1000.0;
/// Bits below the score in a posting's value.
pub const IN_TITLE: u32 = 1;
pub const IN_HEADING: u32 = 2;
const FLAG_BITS: u32 = 2;

/// The terms of one guide (as numbers into the vocabulary) with their count per field.
pub struct GuideTerms {
    terms: Vec<(u32, [u32; FIELDS])>,
    len: [u32; FIELDS],
}

/// Every term of every guide. Guides are read in parallel; each thread remembers, for
/// every word it has met, its term's number in one shared vocabulary (taking the lock
/// only for a new word), so a word costs one hash lookup.
/// Given up (guides left empty) as soon as `stop` says so: the caller asks `stop`
/// again and throws the result away.
pub fn guide_terms_unless(
    pages: &[SearchPage],
    stop: &(dyn Fn() -> bool + Sync),
) -> (Vec<String>, Vec<GuideTerms>) {
    use rayon::prelude::*;
    use std::sync::Mutex;
    let shared: Mutex<(FxHashMap<String, u32>, Vec<String>)> = Mutex::new(Default::default());
    let guides: Vec<GuideTerms> = pages
        .par_iter()
        .map_init(Default::default, |(words, tally), page| {
            let words: &mut FxHashMap<String, Option<u32>> = words;
            if stop() {
                return GuideTerms {
                    terms: Vec::new(),
                    len: [0; FIELDS],
                };
            }
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
            count_fields(page, &mut id_of, tally)
        })
        .collect();
    let (_, vocabulary) = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    (vocabulary, guides)
}

/// One guide's count per field of each term, by term number: a table reused from
/// guide to guide (only the entries a guide touched are read and cleared), where a
/// hash map per guide cost a second lookup for every word.
#[derive(Default)]
struct Tally {
    counts: Vec<[u32; FIELDS]>,
    touched: Vec<u32>,
}

impl Tally {
    fn add(&mut self, term: u32, field: usize) {
        let i = term as usize;
        if i >= self.counts.len() {
            self.counts.resize(i + 1, [0; FIELDS]);
        }
        let count = &mut self.counts[i];
        if *count == [0; FIELDS] {
            self.touched.push(term);
        }
        count[field] += 1;
    }

    /// The terms counted, in the order of their numbers, leaving the table empty.
    fn take(&mut self) -> Vec<(u32, [u32; FIELDS])> {
        self.touched.sort_unstable();
        let terms = self
            .touched
            .iter()
            .map(|&t| (t, std::mem::take(&mut self.counts[t as usize])))
            .collect();
        self.touched.clear();
        terms
    }
}

/// Counts the terms of one guide per field. A heading shared by several passages
/// (a heading whose text is split by variant panels or caveats) counts once.
fn count_fields(
    page: &SearchPage,
    id_of: &mut impl FnMut(&str) -> Option<u32>,
    tally: &mut Tally,
) -> GuideTerms {
    let mut len = [0u32; FIELDS];
    let mut add = |text: &str, field: usize| {
        text::for_each_word(text, |w| {
            if let Some(t) = id_of(w) {
                tally.add(t, field);
                len[field] += 1;
            }
        });
    };
    add(page.title, TITLE);
    add(page.summary, SUMMARY);
    let mut last_heading: Option<&str> = None;
    for passage in page.passages {
        if let Some((id, heading)) = &passage.heading {
            if last_heading != Some(id.as_str()) {
                add(heading, HEADINGS);
                last_heading = Some(id);
            }
        }
        add(&passage.text, BODY);
    }
    GuideTerms {
        terms: tally.take(),
        len,
    }
}

/// The terms of each guide with their counts, by the terms' text: what the persistent
/// cache keeps of a guide (`super::GuidePart`). Each term ends with a newline. Like
/// `guide_terms`, each thread keeps what it found of every word it met across guides,
/// so the allocations are those of `guide_terms` (kept parts interleaved with
/// per-guide maps would fragment the heap: 2.5 GB resident for 10,000 guides).
pub fn guide_terms_as_text(
    pages: &[&SearchPage],
) -> Vec<(String, Vec<[u32; FIELDS]>, [u32; FIELDS])> {
    use rayon::prelude::*;
    #[derive(Default)]
    struct Seen {
        words: FxHashMap<String, Option<u32>>,
        terms: FxHashMap<String, u32>,
        vocabulary: Vec<String>,
        tally: Tally,
    }
    pages
        .par_iter()
        .map_init(Seen::default, |seen, page| {
            let Seen {
                words,
                terms,
                vocabulary,
                tally,
            } = seen;
            let mut id_of = |word: &str| -> Option<u32> {
                if let Some(&id) = words.get(word) {
                    return id;
                }
                let id = text::term_of(word).map(|term| {
                    let next = vocabulary.len() as u32;
                    *terms.entry(term).or_insert_with_key(|t| {
                        vocabulary.push(t.clone());
                        next
                    })
                });
                words.insert(word.to_string(), id);
                id
            };
            let g = count_fields(page, &mut id_of, tally);
            let mut text = String::with_capacity(g.terms.len() * 8);
            let mut counts = Vec::with_capacity(g.terms.len());
            for (t, c) in &g.terms {
                text.push_str(&vocabulary[*t as usize]);
                text.push('\n');
                counts.push(*c);
            }
            text.shrink_to_fit();
            (text, counts, g.len)
        })
        .collect()
}

/// A guide's terms as a `GuidePart` holds them.
#[derive(Debug, Clone)]
pub enum PartTerms {
    /// Made by this build: each term ended by a newline (`guide_terms_as_text`).
    Text(String),
    /// Read from the persistent cache: numbers into the vocabulary of the cache file
    /// the part was kept in, which all the parts of that file share.
    Numbered {
        vocabulary: std::sync::Arc<Vec<String>>,
        ids: Vec<u32>,
    },
}

impl PartTerms {
    /// Calls `f` with each term, in order.
    pub fn for_each<'a>(&'a self, mut f: impl FnMut(&'a str)) {
        match self {
            PartTerms::Text(text) => text.split_terminator('\n').for_each(f),
            PartTerms::Numbered { vocabulary, ids } => {
                for id in ids {
                    if let Some(term) = vocabulary.get(*id as usize) {
                        f(term);
                    }
                }
            }
        }
    }
}

/// `guide_terms` from the kept parts of guides: (terms, count per field of each, words
/// per field). A kept vocabulary is numbered once into the index's, whole (it may
/// hold terms of guides not in this index, which `postings` leaves out), so a kept
/// guide costs no hash lookup; terms made by this build are looked up as in
/// `guide_terms_unless` (each thread remembers the number of every term it met and
/// takes the shared vocabulary's lock only for a term new to it). The numbers depend
/// on the threads' order, which nothing downstream sees: `postings` lists each term's
/// guides in guide order and sorts the lists by term.
pub fn guide_terms_from_parts<'a>(
    parts: &'a [std::sync::Arc<super::GuidePart>],
) -> (Vec<String>, Vec<GuideTerms>) {
    use rayon::prelude::*;
    use std::sync::{Arc, Mutex};
    let shared: Mutex<(FxHashMap<&'a str, u32>, Vec<String>)> = Mutex::new(Default::default());
    let intern = |known: &mut FxHashMap<&'a str, u32>, term: &'a str| -> u32 {
        *known.entry(term).or_insert_with(|| {
            let mut guard = shared.lock().unwrap_or_else(|e| e.into_inner());
            let (ids, vocabulary) = &mut *guard;
            let next = vocabulary.len() as u32;
            *ids.entry(term).or_insert_with(|| {
                vocabulary.push(term.to_string());
                next
            })
        })
    };
    let mut kept: Vec<&'a Arc<Vec<String>>> = Vec::new();
    // By the address of each vocabulary: the parts of one file share it.
    let mut kept_index: FxHashMap<usize, usize> = FxHashMap::default();
    for part in parts {
        if let PartTerms::Numbered { vocabulary, .. } = &part.terms {
            kept_index
                .entry(Arc::as_ptr(vocabulary) as usize)
                .or_insert_with(|| {
                    kept.push(vocabulary);
                    kept.len() - 1
                });
        }
    }
    let numbering: Vec<Vec<u32>> = kept
        .par_iter()
        .map_init(FxHashMap::default, |known, vocabulary| {
            vocabulary.iter().map(|t| intern(known, t)).collect()
        })
        .collect();
    let guides = parts
        .par_iter()
        .map_init(FxHashMap::default, |known, part| {
            let (counts, len) = (&part.counts, part.len);
            let list: Vec<(u32, [u32; FIELDS])> = match &part.terms {
                PartTerms::Text(text) => text
                    .split_terminator('\n')
                    .zip(counts.iter())
                    .map(|(term, c)| (intern(known, term), *c))
                    .collect(),
                PartTerms::Numbered { vocabulary, ids } => {
                    let numbers = kept_index
                        .get(&(Arc::as_ptr(vocabulary) as usize))
                        .and_then(|&i| numbering.get(i))
                        .map_or(&[][..], Vec::as_slice);
                    ids.iter()
                        .zip(counts.iter())
                        .filter_map(|(id, c)| Some((*numbers.get(*id as usize)?, *c)))
                        .collect()
                }
            };
            // Not sorted: `postings` reads a guide's terms in any order.
            GuideTerms { terms: list, len }
        })
        .collect();
    let (_, vocabulary) = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    (vocabulary, guides)
}

/// The postings of one term: how many guides hold it, and the best `max_postings` of
/// them as (guide, value), in guide order; value = score << 2 | IN_TITLE | IN_HEADING.
pub struct TermPostings {
    pub term: String,
    pub guides_with_term: u32,
    pub postings: Vec<(u32, u32)>,
}

/// BM25F scores of every term for every guide that holds it, sorted by term.
pub fn postings(
    vocabulary: Vec<String>,
    guides: &[GuideTerms],
    max_postings: usize,
) -> Vec<TermPostings> {
    use rayon::prelude::*;
    let n = guides.len().max(1) as f64;
    let mut avg_len = [0f64; FIELDS];
    for g in guides {
        for (f, l) in g.len.iter().enumerate() {
            avg_len[f] += f64::from(*l) / n;
        }
    }
    let mut df = vec![0u32; vocabulary.len()];
    for g in guides {
        for (t, _) in &g.terms {
            df[*t as usize] += 1;
        }
    }
    let idf: Vec<f64> = df
        .iter()
        .map(|&d| (1.0 + (n - f64::from(d) + 0.5) / (f64::from(d) + 0.5)).ln())
        .collect();
    // f32 is plenty for a score that ends up in ten bits, and halves the memory.
    let mut raw: Vec<Vec<(u32, f32, u8)>> =
        df.iter().map(|&d| Vec::with_capacity(d as usize)).collect();
    let mut max_score: f64 = 0.0;
    for (id, g) in guides.iter().enumerate() {
        let norms: [f64; FIELDS] = std::array::from_fn(|f| {
            1.0 - LENGTH_NORMS[f] + LENGTH_NORMS[f] * f64::from(g.len[f]) / avg_len[f].max(1.0)
        });
        for (t, counts) in &g.terms {
            let weighted: f64 = (0..FIELDS)
                .map(|f| WEIGHTS[f] * f64::from(counts[f]) / norms[f])
                .sum();
            let s = idf[*t as usize] * weighted * (K1 + 1.0) / (weighted + K1);
            max_score = max_score.max(s);
            let flags = (if counts[TITLE] > 0 { IN_TITLE } else { 0 })
                | (if counts[HEADINGS] > 0 { IN_HEADING } else { 0 });
            raw[*t as usize].push((id as u32, s as f32, flags as u8));
        }
    }
    let max_score = max_score.max(f64::MIN_POSITIVE);
    // A vocabulary may hold terms that no guide has: `guide_terms_from_parts` numbers
    // whole kept vocabularies, which can hold another version's terms.
    let mut lists: Vec<TermPostings> = raw
        .into_par_iter()
        .zip(vocabulary.into_par_iter())
        .filter(|(list, _)| !list.is_empty())
        .map(|(mut list, term)| {
            let guides_with_term = list.len() as u32;
            if list.len() > max_postings {
                // The best `max_postings` by score, ties to the lower guide. The order
                // is total (a guide is once in a list), so selecting them without
                // sorting the whole list keeps the same ones.
                if let Some(last) = max_postings.checked_sub(1) {
                    list.select_nth_unstable_by(last, |a, b| {
                        b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
                    });
                }
                list.truncate(max_postings);
                list.sort_unstable_by_key(|(id, _, _)| *id);
            }
            let postings = list
                .into_iter()
                .map(|(id, s, flags)| {
                    let level = ((f64::from(s) / max_score) * SCORE_LEVELS)
                        .round()
                        .clamp(1.0, SCORE_LEVELS) as u32;
                    (id, level << FLAG_BITS | u32::from(flags))
                })
                .collect();
            TermPostings {
                term,
                guides_with_term,
                postings,
            }
        })
        .collect();
    lists.sort_unstable_by(|a, b| a.term.cmp(&b.term));
    lists
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Passage;

    fn passage(heading: Option<&str>, text: &str) -> Passage {
        Passage {
            heading: heading.map(|h| (crate::markdown::slug::slugify(h), h.to_string())),
            text: text.into(),
            ..Passage::default()
        }
    }

    fn page<'a>(title: &'a str, passages: &'a [Passage]) -> SearchPage<'a> {
        SearchPage::new(String::new(), title, "", passages)
    }

    fn scores(pages: &[SearchPage], term: &str) -> Vec<(u32, u32)> {
        let (vocabulary, guides) = guide_terms_unless(pages, &|| false);
        postings(vocabulary, &guides, 1000)
            .into_iter()
            .find(|p| p.term == term)
            .map(|p| p.postings)
            .unwrap_or_default()
    }

    /// One table counts guide after guide on a thread: each guide's counts are its
    /// own, in the order of the terms' numbers.
    #[test]
    fn a_tally_starts_empty_for_each_guide() {
        let mut tally = Tally::default();
        let words = ["open", "close", "open"];
        let mut id_of = |w: &str| Some(words.iter().position(|x| *x == w).unwrap_or(9) as u32);
        let first = [passage(Some("Close"), "open close open")];
        let second = [passage(None, "open")];
        let a = count_fields(&page("Open", &first), &mut id_of, &mut tally);
        assert_eq!(a.terms, vec![(0, [1, 0, 0, 2]), (1, [0, 0, 1, 1])]);
        assert_eq!(a.len, [1, 0, 1, 3]);
        let b = count_fields(&page("", &second), &mut id_of, &mut tally);
        assert_eq!(b.terms, vec![(0, [0, 0, 0, 1])]);
    }

    #[test]
    fn a_title_outweighs_a_heading_which_outweighs_the_body() {
        let body = [passage(
            None,
            "Somewhere the word rotation appears in a long text about other things entirely.",
        )];
        let heading = [passage(Some("Rotation"), "Pick one.")];
        let title = [passage(None, "Nothing relevant here.")];
        let other = [passage(None, "Nothing at all.")];
        let pages = [
            page("Body", &body),
            page("Heading", &heading),
            page("Rotation", &title),
            page("Other", &other),
        ];
        let hits = scores(&pages, "rotation");
        let by_guide: FxHashMap<u32, u32> = hits.iter().copied().collect();
        let score = |g: u32| by_guide[&g] >> FLAG_BITS;
        assert!(score(2) > score(1), "{hits:?}");
        assert!(score(1) > score(0), "{hits:?}");
        assert_eq!(by_guide[&2] & IN_TITLE, IN_TITLE);
        assert_eq!(by_guide[&1] & IN_HEADING, IN_HEADING);
        assert_eq!(by_guide[&0] & (IN_TITLE | IN_HEADING), 0);
        assert!(!by_guide.contains_key(&3));
    }

    #[test]
    fn words_spread_over_passages_count_for_the_guide() {
        // One guide says "quota" in three sections, the other once: the guide as a
        // whole decides, not its best passage.
        let many = [
            passage(Some("One"), "The quota applies."),
            passage(Some("Two"), "Raise the quota."),
            passage(Some("Three"), "Check the quota."),
        ];
        let once = [passage(Some("One"), "The quota applies.")];
        let pages = [page("A", &many), page("B", &once)];
        let hits = scores(&pages, "quota");
        assert!(hits[0].1 > hits[1].1, "{hits:?}");
    }

    #[test]
    fn long_lists_keep_their_best_postings_and_say_how_many_there_were() {
        let texts: Vec<Vec<Passage>> = (0..20)
            .map(|i| {
                vec![passage(
                    None,
                    &"filler ".repeat(i + 1).replace("filler", "word"),
                )]
            })
            .collect();
        let pages: Vec<SearchPage> = texts.iter().map(|p| page("T", p)).collect();
        let (vocabulary, guides) = guide_terms_unless(&pages, &|| false);
        let lists = postings(vocabulary, &guides, 5);
        let word = lists.iter().find(|p| p.term == "word").unwrap();
        assert_eq!(word.guides_with_term, 20);
        assert_eq!(word.postings.len(), 5);
        // Kept in guide order, and they are the guides that say it most.
        let ids: Vec<u32> = word.postings.iter().map(|p| p.0).collect();
        assert_eq!(ids, vec![15, 16, 17, 18, 19]);
    }

    #[test]
    fn equal_scores_keep_the_first_guides() {
        // Guides 0-9 say "word" once, 10-19 twice, in texts of one length: the ten
        // that say it twice tie for the best scores, and of them the first four stay.
        let texts: Vec<Vec<Passage>> = (0..20)
            .map(|i| {
                let text = if i < 10 { "word other" } else { "word word" };
                vec![passage(None, text)]
            })
            .collect();
        let pages: Vec<SearchPage> = texts.iter().map(|p| page("T", p)).collect();
        let (vocabulary, guides) = guide_terms_unless(&pages, &|| false);
        let lists = postings(vocabulary.clone(), &guides, 4);
        let word = lists.iter().find(|p| p.term == "word").unwrap();
        let ids: Vec<u32> = word.postings.iter().map(|p| p.0).collect();
        assert_eq!(ids, vec![10, 11, 12, 13]);
        // None kept at all: still how many guides hold it.
        let lists = postings(vocabulary, &guides, 0);
        let word = lists.iter().find(|p| p.term == "word").unwrap();
        assert_eq!((word.guides_with_term, word.postings.len()), (20, 0));
    }
}
