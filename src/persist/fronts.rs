//! Front matter and leading H1 of markdown files kept between builds, by the hash of
//! the file's text (`source::ParsedText`): a build after a one-guide change parses
//! the YAML of that guide only. What is kept depends on the text alone (the
//! diagnostics' file is set again where the text is used), so the key is exact.

use super::codec::diags;
use super::CacheDir;
use crate::diag::Diagnostic;
use crate::source::frontmatter::FrontMatter;
use crate::source::title::LeadingH1;
use crate::source::{ParsedText, ParsedTextCache};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::Arc;

/// The cache entry.
const ENTRY: &str = "fronts";

/// One file's `ParsedText`.
#[derive(Serialize, Deserialize)]
struct Kept {
    /// None: the file has no front matter.
    front: Option<KeptFront>,
    heading: Option<LeadingH1>,
}

#[derive(Serialize, Deserialize)]
struct KeptFront {
    /// None: the front matter has errors (`diags` says which).
    fields: Option<KeptFields>,
    #[serde(with = "diags")]
    diags: Vec<Diagnostic>,
}

/// A `FrontMatter` with the fields its serde form skips (they come from the YAML's
/// lines, not from its values).
#[derive(Serialize, Deserialize)]
struct KeptFields {
    front: FrontMatter,
    key_lines: Vec<(String, usize)>,
    caveat_lines: Vec<usize>,
}

type Stored = Vec<([u8; 32], Kept)>;

/// The hashes of the texts whose parsing was read from the cache.
pub struct KeptFronts {
    read: HashSet<blake3::Hash>,
}

/// Puts what the cache holds into `fronts`, before any source is read.
pub fn load(cache: &CacheDir, fronts: &ParsedTextCache) -> KeptFronts {
    let stored: Stored = cache.read(ENTRY).unwrap_or_default();
    let mut read = HashSet::with_capacity(stored.len());
    for (key, kept) in stored {
        let key = blake3::Hash::from_bytes(key);
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
        used: impl Iterator<Item = blake3::Hash>,
    ) {
        let used: HashSet<blake3::Hash> = used.collect();
        if used == self.read {
            return;
        }
        let mut stored: Stored = used
            .into_iter()
            .filter_map(|key| Some((*key.as_bytes(), Kept::of(&*fronts.get(&key)?))))
            .collect();
        stored.sort_unstable_by_key(|entry| entry.0);
        cache.write(ENTRY, &stored);
    }
}

impl Kept {
    fn of(parsed: &ParsedText) -> Kept {
        Kept {
            front: parsed.front.as_ref().map(|(front, diags)| KeptFront {
                fields: front.as_ref().map(|f| KeptFields {
                    front: f.clone(),
                    key_lines: f.key_lines.clone(),
                    caveat_lines: f.caveat_lines.clone(),
                }),
                diags: diags.clone(),
            }),
            heading: parsed.heading.clone(),
        }
    }

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
