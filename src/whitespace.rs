//! Text made one line: every run of whitespace one space, none at either end.

/// `text` with each run of whitespace (Unicode's, as `char::is_whitespace` says)
/// made one space and none at either end: what
/// `text.split_whitespace().collect::<Vec<_>>().join(" ")` gives, in one pass. A
/// build runs this over the search text of every passage of every guide (62 MiB on
/// the 10,000-guide corpus), where the vector and the join took 3.6% of its CPU.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let end_word = |out: &mut String, start: usize, end: usize| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&text[start..end]);
    };
    let mut word_start = None;
    let mut at = 0;
    while let Some((len, space)) = char_at(text, at) {
        match (space, word_start) {
            (true, Some(start)) => {
                end_word(&mut out, start, at);
                word_start = None;
            }
            (false, None) => word_start = Some(at),
            _ => {}
        }
        at += len;
    }
    if let Some(start) = word_start {
        end_word(&mut out, start, text.len());
    }
    out
}

/// The length of the character at byte `at` of `text`, and whether it is whitespace;
/// ASCII without decoding. `at` must be on a character boundary.
fn char_at(text: &str, at: usize) -> Option<(usize, bool)> {
    let byte = *text.as_bytes().get(at)?;
    if byte.is_ascii() {
        // The ASCII characters that are White_Space: tab, line feed, vertical tab, form
        // feed, carriage return, space (`u8::is_ascii_whitespace` leaves out the
        // vertical tab).
        return Some((
            1,
            matches!(byte, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' '),
        ));
    }
    let c = text.get(at..)?.chars().next()?;
    Some((c.len_utf8(), c.is_whitespace()))
}

#[cfg(test)]
mod tests {
    use super::collapse;

    fn by_words(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn same_as_joining_the_words() {
        let texts = [
            "",
            " ",
            "one",
            "  two  words  ",
            "a\tb\nc\x0Bd\x0Ce\rf g",
            "\u{85}next\u{a0}line\u{2028}and\u{3000}ideographic\u{200b}zero-width",
            "Grüße,\n  Ünïcödé   wörds\t",
            "ends with a word",
            "\u{1c}\u{1f} not White_Space",
        ];
        for text in texts {
            assert_eq!(collapse(text), by_words(text), "{text:?}");
        }
        // Every character up to U+3100 between two words, alone and doubled.
        for c in (0..0x3100).filter_map(char::from_u32) {
            for text in [format!("a{c}b"), format!("{c}a{c}{c}b{c}")] {
                assert_eq!(collapse(&text), by_words(&text), "{:?}", c as u32);
            }
        }
    }
}
