//! Text kept compressed in memory while a build (or a `serve` session) holds it: the
//! rendered markdown of every page, which is about three times the size of its
//! source (highlighted code is mostly markup) and is read once per page rendering.

/// A text compressed with LZ4; `unpack` gives it back byte for byte.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PackedText {
    bytes: Box<[u8]>,
}

impl PackedText {
    pub fn pack(text: &str) -> PackedText {
        PackedText {
            bytes: lz4_flex::block::compress_prepend_size(text.as_bytes()).into_boxed_slice(),
        }
    }

    /// The text. What `pack` made always unpacks; were the bytes ever damaged, the
    /// text would come back empty rather than take the process down.
    pub fn unpack(&self) -> String {
        lz4_flex::block::decompress_size_prepended(&self.bytes)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    }

    /// A hash of the packed bytes (XXH3-128, a part of a page's key: see
    /// `persist::pages::PageKey`): equal for equal texts (packing is deterministic),
    /// without unpacking them.
    pub fn packed_hash(&self) -> u128 {
        xxhash_rust::xxh3::xxh3_128(&self.bytes)
    }

    /// Bytes held.
    pub fn packed_len(&self) -> usize {
        self.bytes.len()
    }
}

/// Kept in the persistent cache (`persist`) as one byte string: a damaged one unpacks
/// to nothing rather than failing, and the cache file's own hash catches damage first.
impl serde::Serialize for PackedText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.bytes)
    }
}

impl<'de> serde::Deserialize<'de> for PackedText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = PackedText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("packed text bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<PackedText, E> {
                Ok(PackedText { bytes: v.into() })
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<PackedText, E> {
                Ok(PackedText {
                    bytes: v.into_boxed_slice(),
                })
            }
        }
        deserializer.deserialize_byte_buf(Bytes)
    }
}

impl std::fmt::Debug for PackedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PackedText({} bytes packed)", self.bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacks_what_it_packed() {
        for text in [
            "",
            "a",
            "<p>héllo</p>\n",
            &"<span class=\"hl-x\">y</span>".repeat(500),
        ] {
            let packed = PackedText::pack(text);
            assert_eq!(packed.unpack(), text);
        }
        let long = "<span class=\"hl-source hl-shell\">ls</span>\n".repeat(1000);
        assert!(PackedText::pack(&long).packed_len() < long.len() / 10);
    }
}
