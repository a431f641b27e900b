//! Front matter and leading H1 of markdown files kept between builds, by the hash of
//! the file's text (`source::ParsedText`): a build after a one-guide change parses
//! the YAML of that guide only. What is kept depends on the text alone (the
//! diagnostics' file is set again where the text is used), so the key is exact.

use super::codec::diags;
use super::CacheDir;
use crate::diag::Diagnostic;
use crate::source::frontmatter::FrontMatter;
use crate::source::title::LeadingH1;
use crate::source::{ParsedText, ParsedTextCache, TextHash};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::Arc;

/// The cache entry.
const ENTRY: &str = "fronts";

/// One file's `ParsedText`, as read back.
#[derive(Deserialize)]
struct Kept {
    /// None: the file has no front matter.
    front: Option<KeptFront>,
    heading: Option<LeadingH1>,
}

#[derive(Deserialize)]
struct KeptFront {
    /// None: the front matter has errors (`diags` says which).
    fields: Option<KeptFields>,
    #[serde(with = "diags")]
    diags: Vec<Diagnostic>,
}

/// A `FrontMatter` with the fields its serde form skips (they come from the YAML's
/// lines, not from its values).
#[derive(Deserialize)]
struct KeptFields {
    front: FrontMatter,
    key_lines: Vec<(String, usize)>,
    caveat_lines: Vec<usize>,
}

/// `Kept` as written: borrowed from the `ParsedText`, field for field the same form.
#[derive(Serialize)]
struct KeptRef<'a> {
    front: Option<KeptFrontRef<'a>>,
    heading: &'a Option<LeadingH1>,
}

#[derive(Serialize)]
struct KeptFrontRef<'a> {
    fields: Option<KeptFieldsRef<'a>>,
    #[serde(serialize_with = "diags::serialize")]
    diags: &'a [Diagnostic],
}

#[derive(Serialize)]
struct KeptFieldsRef<'a> {
    front: &'a FrontMatter,
    key_lines: &'a [(String, usize)],
    caveat_lines: &'a [usize],
}

type Stored = Vec<([u8; 16], Kept)>;

/// The hashes of the texts whose parsing was read from the cache.
pub struct KeptFronts {
    read: HashSet<TextHash>,
}

/// Puts what the cache holds into `fronts`, before any source is read.
pub fn load(cache: &CacheDir, fronts: &ParsedTextCache) -> KeptFronts {
    let stored: Stored = cache.read(ENTRY).unwrap_or_default();
    let mut read = HashSet::with_capacity(stored.len());
    for (key, kept) in stored {
        let key = TextHash::from_le_bytes(key);
        read.insert(key);
        fronts.put(key, Arc::new(kept.into_parsed()));
    }
    KeptFronts { read }
}

impl KeptFronts {
    /// Writes the parsing of the texts `used` (their hashes) unless it is what was read.
    pub fn save(
        self,
        cache: &CacheDir,
        fronts: &ParsedTextCache,
        used: impl Iterator<Item = TextHash>,
    ) {
        let used: HashSet<TextHash> = used.collect();
        if used == self.read {
            return;
        }
        let parsed: Vec<([u8; 16], Arc<ParsedText>)> = used
            .into_iter()
            .filter_map(|key| Some((key.to_le_bytes(), fronts.get(&key)?)))
            .collect();
        let mut stored: Vec<([u8; 16], KeptRef)> = parsed
            .iter()
            .map(|(key, parsed)| (*key, KeptRef::of(parsed)))
            .collect();
        stored.sort_unstable_by_key(|entry| entry.0);
        cache.write(ENTRY, &stored);
    }
}

impl<'a> KeptRef<'a> {
    fn of(parsed: &'a ParsedText) -> KeptRef<'a> {
        KeptRef {
            front: parsed.front.as_ref().map(|(front, diags)| KeptFrontRef {
                fields: front.as_ref().map(|f| KeptFieldsRef {
                    front: f,
                    key_lines: &f.key_lines,
                    caveat_lines: &f.caveat_lines,
                }),
                diags,
            }),
            heading: &parsed.heading,
        }
    }
}

impl Kept {
    fn into_parsed(self) -> ParsedText {
        ParsedText {
            front: self.front.map(|kept| {
                let front = kept.fields.map(|f| FrontMatter {
                    key_lines: f.key_lines,
                    caveat_lines: f.caveat_lines,
                    ..f.front
                });
                (front, kept.diags)
            }),
            heading: self.heading,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::frontmatter;
    use std::path::Path;

    fn parsed(yaml: &str) -> ParsedText {
        let mut diags = Vec::new();
        let front = frontmatter::parse(yaml, 2, Path::new("content/a.md"), &mut diags);
        ParsedText {
            front: Some((front, diags)),
            heading: crate::source::title::leading_h1("# A title\n\nText."),
        }
    }

    /// Front matter read back from the cache is what parsing gave: its values, the
    /// lines of its keys and caveats, its diagnostics and the leading H1; so is a
    /// file whose front matter has errors, and one without front matter.
    #[test]
    fn parsed_front_matter_comes_back_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let cache = CacheDir::new(dir.path(), Path::new("/site"), blake3::hash(b"inputs"));
        let texts = [
            "title: A\ntags: [x, y]\nsidebar_position: 3\ncaveats:\n  - text: Careful\n    step: 2\n",
            "title: [unclosed",
        ];
        let fronts = ParsedTextCache::default();
        let mut keys = Vec::new();
        for (i, yaml) in texts.iter().enumerate() {
            let key = crate::source::text_hash(yaml);
            fronts.put(key, Arc::new(parsed(yaml)));
            keys.push((key, format!("{:?}", fronts.get(&key).unwrap().front)));
            assert_eq!(
                i == 1,
                fronts
                    .get(&key)
                    .unwrap()
                    .front
                    .as_ref()
                    .unwrap()
                    .0
                    .is_none()
            );
        }
        let bare = crate::source::text_hash("no front matter");
        fronts.put(
            bare,
            Arc::new(ParsedText {
                front: None,
                heading: None,
            }),
        );
        let first = load(&cache, &ParsedTextCache::default());
        first.save(&cache, &fronts, keys.iter().map(|k| k.0).chain([bare]));

        let again = ParsedTextCache::default();
        let read = load(&cache, &again);
        assert_eq!(read.read.len(), 3);
        for (key, front) in &keys {
            let back = again.get(key).unwrap();
            assert_eq!(&format!("{:?}", back.front), front);
            assert_eq!(back.heading.as_ref().unwrap().text, "A title");
        }
        let back = again.get(&bare).unwrap();
        assert!(back.front.is_none() && back.heading.is_none());
        let (front, diags) = again.get(&keys[0].0).unwrap().front.clone().unwrap();
        let front = front.unwrap();
        assert_eq!(front.line_of("caveats"), 5);
        assert_eq!(front.caveat_lines, vec![6]);
        assert!(diags.iter().any(|d| d.message.contains("sidebar_position")));
    }
}
