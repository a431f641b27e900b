//! URLs as guidepost writes them into pages, the sitemap, the search index and edit
//! links: paths percent-encoded, so that a file named `50% off #2?.md` or `Größe.md`
//! gets a link that leads to it. Output files on disk keep the raw names; a static
//! server (and `serve`) decodes the URL back to that name.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
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
        assert_eq!(crate::assets::percent_decode(&encoded), raw);
    }
}
