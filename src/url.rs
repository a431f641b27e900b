//! URLs as guidepost writes them into pages, the sitemap, the search index and edit
//! links: paths percent-encoded, so that a file named `50% off #2?.md` or `Größe.md`
//! gets a link that leads to it. Output files on disk keep the raw names; a static
//! server (and `serve`) decodes the URL back to that name.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};
use std::borrow::Cow;

/// Bytes written as `%XX` in a path: controls, space, everything with a meaning in a
/// URL or an HTML attribute, and (always) every non-ASCII byte. `/` separates the
/// segments and stays; so do the sub-delimiters `!$&'()*+,;=`, `:` and `@`, which a
/// path may hold as they are (RFC 3986, `pchar`).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(0x7f);

/// Decodes `%20` and friends (in a link destination, a requested path); invalid
/// UTF-8 becomes U+FFFD and a `%` without two hex digits stays as it is.
pub fn percent_decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The bytes of `s` with `%XX` escapes decoded.
pub fn percent_decode_bytes(s: &str) -> Vec<u8> {
    percent_decode_str(s).collect()
}

/// A `/`-separated path of raw names, percent-encoded for use in a URL.
pub fn encode_path(path: &str) -> Cow<'_, str> {
    utf8_percent_encode(path, PATH).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_what_a_url_path_cannot_hold() {
        assert_eq!(
            encode_path("licensing/partner-of-record/"),
            "licensing/partner-of-record/"
        );
        assert_eq!(
            encode_path("a b/50% off #2?/"),
            "a%20b/50%25%20off%20%232%3F/"
        );
        assert_eq!(encode_path("größe/"), "gr%C3%B6%C3%9Fe/");
        assert_eq!(
            encode_path("it's (new) & more/"),
            "it's%20(new)%20&%20more/"
        );
        assert_eq!(encode_path("<x>\"y\"/"), "%3Cx%3E%22y%22/");
    }

    #[test]
    fn decoding_gives_the_name_back() {
        let raw = "a b/50% off #2?/größe [1]/";
        let encoded = encode_path(raw);
        assert_eq!(percent_decode(&encoded), raw);
    }

    #[test]
    fn decodes_percent() {
        assert_eq!(percent_decode("a%20b%2e%2E"), "a b..");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode_bytes("%ff%4"), vec![0xff, b'%', b'4']);
    }
}
