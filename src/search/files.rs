//! The index as files: term chunks, one fragment per guide, the typo vocabulary, all
//! gzip-compressed JSON (`.jsonz`), and the small plain `index.json` that names them.
//!
//! Compressed because the budget is bytes on the wire and a static host cannot be
//! relied on to compress files it does not know; search.js inflates them with the
//! browser's `DecompressionStream` (and reads them as they are when a host has
//! already decoded them).

use super::score::TermPostings;
use super::SearchPage;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{Read, Write};

/// Roughly how many bytes of (uncompressed) JSON go into one term chunk.
const CHUNK_BYTES: usize = 24_000;
/// Characters of one passage's text kept in its guide's fragment: enough for snippets
/// and for finding the query's words near each other in a long section.
const PASSAGE_TEXT: usize = 2_000;
/// Characters of text kept per guide; later passages keep only their start.
const GUIDE_TEXT: usize = 24_000;
/// What a passage past the guide's budget keeps, for its snippet.
const PASSAGE_TEXT_PAST_BUDGET: usize = 200;
/// The extension of compressed files. Not `.gz`, which some hosts serve with
/// `Content-Encoding: gzip`.
pub const PACKED: &str = "jsonz";

/// The gzip header `pack` writes: deflate, no flags, no time, no extra flags, unknown
/// system (what `flate2::write::GzEncoder` writes by default).
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
/// The compression level of packed files.
const PACK_LEVEL: u32 = 6;

thread_local! {
    /// One deflate stream per thread, reset for each file: a new one allocates and
    /// clears some 300 KB of tables, for fragments that are a few KB each. The same
    /// writer as `GzEncoder`'s inside, fed alike, so the bytes are the same.
    static DEFLATE: std::cell::RefCell<flate2::write::DeflateEncoder<Vec<u8>>> =
        std::cell::RefCell::new(flate2::write::DeflateEncoder::new(
            Vec::new(),
            flate2::Compression::new(PACK_LEVEL),
        ));
}

/// gzip-compresses `json` (deterministically: no name, no time).
pub fn pack(json: &str) -> Vec<u8> {
    let input = json.as_bytes();
    let mut out = Vec::with_capacity(GZIP_HEADER.len() + input.len() / 3 + 64);
    out.extend_from_slice(&GZIP_HEADER);
    // Writing into a Vec cannot fail.
    let deflated = DEFLATE.with(|deflate| {
        let mut deflate = deflate.borrow_mut();
        deflate.reset(out).ok()?;
        deflate.write_all(input).ok()?;
        deflate.try_finish().ok()?;
        // Taken out, not reset: a reset clears the stream's tables (some 130 KB),
        // which the next file's `reset` does anyway.
        Some(std::mem::take(deflate.get_mut()))
    });
    let mut out = deflated.unwrap_or_default();
    let mut crc = flate2::Crc::new();
    crc.update(input);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&crc.amount().to_le_bytes());
    out
}

/// The JSON of a file written by `pack` (or of a plain one).
pub fn unpack(bytes: &[u8]) -> std::io::Result<String> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return String::from_utf8(bytes.to_vec())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e));
    }
    let mut json = String::new();
    flate2::read::GzDecoder::new(bytes).read_to_string(&mut json)?;
    Ok(json)
}

pub fn short_hash(parts: impl IntoIterator<Item = impl AsRef<[u8]>>) -> String {
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        hasher.update(part.as_ref());
    }
    hasher.finalize().to_hex()[..10].to_string()
}

/// Term chunks in term order: (first term, JSON). Each chunk maps its terms to
/// `[guides with the term, guide delta, value, guide delta, value, …]`.
pub fn term_chunks(lists: &[TermPostings]) -> Vec<(String, String)> {
    let mut chunks = Vec::new();
    let mut current: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    let mut size = 0;
    let mut flush = |current: &mut BTreeMap<&str, Vec<u32>>| {
        if let Some(first) = current.keys().next() {
            let first = first.to_string();
            chunks.push((first, serde_json::to_string(&*current).unwrap_or_default()));
            current.clear();
        }
    };
    for list in lists {
        let entry = list.term.len() + list.postings.len() * 8 + 12;
        if size + entry > CHUNK_BYTES && !current.is_empty() {
            flush(&mut current);
            size = 0;
        }
        let mut encoded = Vec::with_capacity(1 + list.postings.len() * 2);
        encoded.push(list.guides_with_term);
        let mut previous = 0;
        for &(guide, value) in &list.postings {
            encoded.push(guide - previous);
            encoded.push(value);
            previous = guide;
        }
        current.insert(&list.term, encoded);
        size += entry;
    }
    flush(&mut current);
    chunks
}

#[derive(Serialize)]
struct Fragment<'a> {
    url: &'a str,
    title: &'a str,
    summary: &'a str,
    /// [heading, anchor, variants, caveat id, text]
    passages: Vec<(&'a str, &'a str, String, &'a str, String)>,
}

/// What the browser needs of a guide to rank its passages and show it: URL, title,
/// summary and its passages' text, cut to `PASSAGE_TEXT` each and `GUIDE_TEXT` in all.
pub fn fragment_json(page: &SearchPage) -> String {
    let mut budget = GUIDE_TEXT;
    let passages = page
        .passages
        .iter()
        .map(|p| {
            let (heading_id, heading) = p
                .heading
                .as_ref()
                .map(|(a, h)| (a.as_str(), h.as_str()))
                .unwrap_or(("", ""));
            let anchor = p.anchor.as_deref().unwrap_or(heading_id);
            let keep = PASSAGE_TEXT.min(budget).max(PASSAGE_TEXT_PAST_BUDGET);
            let text = cut(&p.text, keep);
            budget = budget.saturating_sub(text.chars().count());
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
        summary: page.summary,
        passages,
    })
    .unwrap_or_default()
}

/// The first `max` characters of `text`, ended at a word boundary when cut.
fn cut(text: &str, max: usize) -> String {
    // No longer in bytes than `max`, so not in characters either: most passages, which
    // are then not walked character by character (2.5% of a cold build's CPU).
    if text.len() <= max {
        return text.to_string();
    }
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => {
            let head = &text[..end];
            head.rfind(' ')
                .map_or(head, |space| &head[..space])
                .to_string()
        }
    }
}

/// Words that a typo can be one letter away from (4+ letters, no digits: ids and
/// numbers are typed exactly), by first letter: (letter, JSON list).
pub fn vocabulary<'a>(terms: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    let mut by_letter: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for term in terms.filter(|t| t.chars().count() >= 4 && t.chars().all(char::is_alphabetic)) {
        if let Some(c) = term.chars().next() {
            by_letter.entry(c.to_string()).or_default().push(term);
        }
    }
    by_letter
        .into_iter()
        .map(|(letter, words)| {
            let json = serde_json::to_string(&words).unwrap_or_default();
            (letter, json)
        })
        .collect()
}

/// A file name for a first letter: ASCII letters and digits as they are, others as hex.
pub fn letter_file(letter: &str) -> String {
    if letter.chars().all(|c| c.is_ascii_alphanumeric()) {
        letter.to_string()
    } else {
        letter.chars().map(|c| format!("u{:x}", c as u32)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_files_are_gzip_and_read_back() {
        let json = r#"{"a":[1,2,3]}"#;
        let packed = pack(json);
        assert_eq!(&packed[..2], &[0x1f, 0x8b]);
        assert_eq!(pack(json), packed, "the same bytes every time");
        // Byte for byte what flate2's encoder writes, for small and many-block inputs.
        let long: String = (0..40_000)
            .map(|i| format!("{{\"t{}\":{}}}", i % 977, i))
            .collect();
        for text in [json, "", long.as_str()] {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(PACK_LEVEL));
            encoder.write_all(text.as_bytes()).unwrap();
            assert_eq!(pack(text), encoder.finish().unwrap(), "{}", text.len());
        }
        assert_eq!(unpack(&packed).unwrap(), json);
        // A host that decoded the file already hands over the JSON itself.
        assert_eq!(unpack(json.as_bytes()).unwrap(), json);
    }

    #[test]
    fn cutting_text_stops_at_a_word() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("one two three", 9), "one two");
        assert_eq!(cut("ééé ééé", 5), "ééé");
        // As many characters as allowed but more bytes: not cut.
        assert_eq!(cut("ééé ééé", 7), "ééé ééé");
        assert_eq!(cut("ééé ééé", 6), "ééé");
    }

    #[test]
    fn chunks_are_in_term_order_and_delta_encoded() {
        let lists: Vec<TermPostings> = (0..3000)
            .map(|i| TermPostings {
                term: format!("term{i:05}"),
                guides_with_term: 2,
                postings: vec![(i, 4), (i + 3, 9)],
            })
            .collect();
        let chunks = term_chunks(&lists);
        assert!(chunks.len() > 1);
        assert!(chunks.windows(2).all(|w| w[0].0 < w[1].0));
        let first: serde_json::Value = serde_json::from_str(&chunks[0].1).unwrap();
        assert_eq!(first["term00001"], serde_json::json!([2, 1, 4, 3, 9]));
    }
}
