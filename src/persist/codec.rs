//! How entries of the persistent cache are written: one file per entry, a header that
//! says what made it and for which site, then a bincode payload and its XXH3-128 hash.
//! A file is read whole (bounded by `MAX_FILE`) and used only when every part of the
//! header matches and the payload hashes to what the header says; serde helpers for
//! the types that have no serde form of their own (diagnostics, hashes).

use crate::diag::{Diagnostic, IncludedFrom, Severity};
use bincode::Options;
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::path::PathBuf;
use xxhash_rust::xxh3::{xxh3_128, Xxh3};

/// The first bytes of every cache file.
const MAGIC: &[u8; 16] = b"guidepost cache\n";

/// Changes whenever what an entry holds changes shape (a field added to a rendering,
/// say), together with guidepost's version: entries of another format are not read.
pub const FORMAT: u32 = 4;

/// The largest cache file read: a rendering cache of 10,000 guides is about 150 MB.
/// A larger file is not a cache guidepost wrote for a site it can build.
pub const MAX_FILE: u64 = 2 << 30;

/// What a cache file was made by and for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// The site folder (its canonical path).
    pub site: blake3::Hash,
    /// Everything else every entry depends on: site.toml as loaded, the build's
    /// options. Another value is a stale cache, not a foreign one.
    pub inputs: blake3::Hash,
}

/// Why a cache file was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Written by another guidepost version or format: said in a warning.
    OtherVersion(String),
    /// Written for another site folder: said in a warning.
    OtherSite,
    /// Written for this site with other settings: silently made again.
    Stale,
    /// Not a whole cache file, or its payload does not match its hash.
    Damaged(String),
}

/// The version string in headers: the crate's version and the entry format.
fn version() -> String {
    format!("{} format {FORMAT}", env!("CARGO_PKG_VERSION"))
}

/// Writes a cache file holding `value` as an entry of `kind` into `w`: the header,
/// the bincode payload, then its length and hash (a trailer, so that the payload is
/// streamed, never held whole in memory).
pub fn write_entry<T: Serialize>(
    w: &mut impl std::io::Write,
    kind: &str,
    stamp: Stamp,
    value: &T,
) -> std::io::Result<()> {
    write_entry_as(w, &version(), kind, stamp, value)
}

fn write_entry_as<T: Serialize>(
    w: &mut impl std::io::Write,
    version: &str,
    kind: &str,
    stamp: Stamp,
    value: &T,
) -> std::io::Result<()> {
    w.write_all(MAGIC)?;
    for text in [version, kind] {
        w.write_all(&(text.len() as u16).to_le_bytes())?;
        w.write_all(text.as_bytes())?;
    }
    w.write_all(stamp.site.as_bytes())?;
    w.write_all(stamp.inputs.as_bytes())?;
    let mut hashed = HashingWriter {
        inner: &mut *w,
        hasher: Xxh3::new(),
        len: 0,
    };
    {
        // bincode writes field by field: hash and write in large pieces.
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut hashed);
        bincode::DefaultOptions::new()
            .serialize_into(&mut buffered, value)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        buffered.flush()?;
    }
    let (len, hash) = (hashed.len, hashed.hasher.digest128());
    w.write_all(&len.to_le_bytes())?;
    w.write_all(&hash.to_le_bytes())
}

/// Hashes what it passes on.
struct HashingWriter<W> {
    inner: W,
    hasher: Xxh3,
    len: u64,
}

impl<W: std::io::Write> std::io::Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The length and hash that end every cache file. The hash guards against damage (a
/// file cut short, a disk error), not against someone who can write the cache folder:
/// no unkeyed hash could, so the fastest good one serves (XXH3, 128 bits).
const TRAILER: usize = 8 + 16;

/// The payload of a cache file of `kind` made for `stamp`, or why it is refused.
pub fn decode<'a>(kind: &str, stamp: Stamp, file: &'a [u8]) -> Result<&'a [u8], Refused> {
    let mut r = Reader(file);
    let damaged = |what: &str| Refused::Damaged(what.to_string());
    if r.take(MAGIC.len()) != Some(MAGIC.as_slice()) {
        return Err(damaged("not a guidepost cache file"));
    }
    let written_by = r.text().ok_or_else(|| damaged("cut short"))?;
    if written_by != version() {
        return Err(Refused::OtherVersion(written_by.to_string()));
    }
    if r.text() != Some(kind) {
        return Err(damaged("holds another kind of entry"));
    }
    let site = r.hash().ok_or_else(|| damaged("cut short"))?;
    let inputs = r.hash().ok_or_else(|| damaged("cut short"))?;
    if site != stamp.site {
        return Err(Refused::OtherSite);
    }
    let rest = r.0;
    if rest.len() < TRAILER {
        return Err(damaged("cut short"));
    }
    let (payload, trailer) = rest.split_at(rest.len() - TRAILER);
    let mut t = Reader(trailer);
    let len = t
        .take(8)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_le_bytes);
    let hash = t
        .take(16)
        .and_then(|b| b.try_into().ok())
        .map(u128::from_le_bytes);
    if len != Some(payload.len() as u64) {
        return Err(damaged("cut short or too long"));
    }
    if hash != Some(xxh3_128(payload)) {
        return Err(damaged("its contents do not match their hash"));
    }
    if inputs != stamp.inputs {
        return Err(Refused::Stale);
    }
    Ok(payload)
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn text(&mut self) -> Option<&'a str> {
        let len = self.take(2)?;
        let len = u16::from_le_bytes([len[0], len[1]]) as usize;
        std::str::from_utf8(self.take(len)?).ok()
    }

    fn hash(&mut self) -> Option<blake3::Hash> {
        let bytes: [u8; 32] = self.take(32)?.try_into().ok()?;
        Some(blake3::Hash::from_bytes(bytes))
    }
}

/// bincode as the cache uses it: allocations bounded by the payload's own size, so
/// that a crafted length cannot ask for more memory than the file holds.
fn options(limit: u64) -> impl Options {
    bincode::DefaultOptions::new()
        .with_limit(limit)
        .allow_trailing_bytes()
}

pub fn to_bytes<T: Serialize>(value: &T) -> Result<Vec<u8>, String> {
    bincode::DefaultOptions::new()
        .serialize(value)
        .map_err(|e| e.to_string())
}

pub fn from_bytes<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    // Decoded values are never larger than a few times their encoding.
    options(bytes.len() as u64 * 8 + 4096)
        .deserialize(bytes)
        .map_err(|e| e.to_string())
}

/// Bytes that serde writes as one byte string (bincode would otherwise go byte by
/// byte through a `Vec<u8>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
        }
        deserializer.deserialize_byte_buf(Visitor)
    }
}

/// serde for `blake3::Hash`: its 32 bytes.
pub mod hash {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(h: &blake3::Hash, s: S) -> Result<S::Ok, S::Error> {
        h.as_bytes().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<blake3::Hash, D::Error> {
        Ok(blake3::Hash::from_bytes(<[u8; 32]>::deserialize(d)?))
    }
}

/// A diagnostic as the cache keeps it (`Diagnostic` serializes to its JSON form).
#[derive(Serialize, Deserialize)]
struct StoredDiagnostic {
    error: bool,
    code: String,
    file: PathBuf,
    line: usize,
    column: usize,
    message: String,
    help: Option<String>,
    included_from: Vec<(PathBuf, usize)>,
}

impl From<&Diagnostic> for StoredDiagnostic {
    fn from(d: &Diagnostic) -> Self {
        StoredDiagnostic {
            error: d.severity == Severity::Error,
            code: d.code.to_string(),
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            message: d.message.clone(),
            help: d.help.clone(),
            included_from: d.included_from.to_vec(),
        }
    }
}

impl From<StoredDiagnostic> for Diagnostic {
    fn from(d: StoredDiagnostic) -> Self {
        Diagnostic {
            severity: if d.error {
                Severity::Error
            } else {
                Severity::Warning
            },
            code: intern(d.code),
            file: d.file,
            line: d.line,
            column: d.column,
            message: d.message,
            help: d.help,
            included_from: IncludedFrom::from(d.included_from),
        }
    }
}

/// A diagnostic code read from the cache as the `&'static str` diagnostics hold: each
/// distinct code is kept once for the life of the process (there are a few dozen, and
/// a cache file's size bounds how many a damaged one could name).
fn intern(code: String) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static CODES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut codes = CODES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(known) = codes.get(code.as_str()) {
        return known;
    }
    let leaked: &'static str = Box::leak(code.into_boxed_str());
    codes.insert(leaked);
    leaked
}

/// serde for `Vec<Diagnostic>` fields of cached values.
pub mod diags {
    use super::StoredDiagnostic;
    use crate::diag::Diagnostic;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(ds: &[Diagnostic], s: S) -> Result<S::Ok, S::Error> {
        let stored: Vec<StoredDiagnostic> = ds.iter().map(StoredDiagnostic::from).collect();
        stored.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Diagnostic>, D::Error> {
        let stored = Vec::<StoredDiagnostic>::deserialize(d)?;
        Ok(stored.into_iter().map(Diagnostic::from).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(site: &str, inputs: &str) -> Stamp {
        Stamp {
            site: blake3::hash(site.as_bytes()),
            inputs: blake3::hash(inputs.as_bytes()),
        }
    }

    #[test]
    fn files_are_read_back_only_when_whole_and_made_for_this_site() {
        let s = stamp("site", "inputs");
        let encode = |version: &str, s: Stamp| {
            let mut file = Vec::new();
            write_entry_as(&mut file, version, "renderings", s, &"payload".to_string()).unwrap();
            file
        };
        let file = encode(&version(), s);
        let payload = decode("renderings", s, &file).unwrap();
        assert_eq!(from_bytes::<String>(payload).unwrap(), "payload");
        assert!(matches!(
            decode("pages", s, &file),
            Err(Refused::Damaged(_))
        ));
        assert_eq!(
            decode("renderings", stamp("other", "inputs"), &file),
            Err(Refused::OtherSite)
        );
        assert_eq!(
            decode("renderings", stamp("site", "changed"), &file),
            Err(Refused::Stale)
        );
        for cut in [0, 10, 40, 100, file.len() - 1] {
            assert!(matches!(
                decode("renderings", s, &file[..cut]),
                Err(Refused::Damaged(_))
            ));
        }
        // A changed byte anywhere after the header: in the payload or in the trailer.
        let header = MAGIC.len() + 2 * 2 + version().len() + "renderings".len() + 64;
        for at in [header, header + 3, file.len() - TRAILER, file.len() - 1] {
            let mut flipped = file.clone();
            flipped[at] ^= 1;
            assert!(
                matches!(decode("renderings", s, &flipped), Err(Refused::Damaged(_))),
                "byte {at}"
            );
        }
        let older = encode("0.0.1 format 1", s);
        assert_eq!(
            decode("renderings", s, &older),
            Err(Refused::OtherVersion("0.0.1 format 1".into()))
        );
    }

    #[test]
    fn diagnostics_round_trip() {
        let d = Diagnostic::warning("broken-link", "content/a.md", "no page")
            .at(3, 4)
            .help("did you mean b.md?");
        let bytes = to_bytes(&StoredDiagnostic::from(&d)).unwrap();
        let back: Diagnostic = from_bytes::<StoredDiagnostic>(&bytes).unwrap().into();
        assert_eq!(back, d);
        assert!(from_bytes::<Vec<StoredDiagnostic>>(&[0xff; 20]).is_err());
    }
}
