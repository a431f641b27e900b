//! Text made one line: every run of whitespace one space, none at either end.

/// `text` with each run of whitespace (Unicode's, as `char::is_whitespace` says)
/// made one space and none at either end: what
/// `text.split_whitespace().collect::<Vec<_>>().join(" ")` gives, in one pass. A
/// build runs this over the search text of every passage of every guide (62 MiB on
/// the 10,000-guide corpus), where the vector and the join took 3.6% of its CPU, and
/// a copy word by word still 3.6%: text is copied in runs that go on through single
/// spaces between words, so most of a sentence is one copy.
pub fn collapse(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut space_owed = false;
    let mut at = 0;
    while at < bytes.len() {
        let end = copyable_run(bytes, at);
        // `at` and `end` are character boundaries: runs stop only before ASCII or
        // before a leading byte (`SPECIAL` holds no continuation byte).
        let (piece, is_space) = match text.get(at..end) {
            Some(run) if end > at => (run, false),
            _ => match text.get(at..).and_then(|rest| rest.chars().next()) {
                Some(c) => (&text[at..at + c.len_utf8()], c.is_whitespace()),
                None => break, // cannot happen (`at` is inside the text)
            },
        };
        at += piece.len();
        if is_space {
            space_owed = true;
            continue;
        }
        if space_owed && !out.is_empty() {
            out.push(' ');
        }
        space_owed = false;
        out.push_str(piece);
    }
    out
}

/// Where the run of bytes that `collapse` copies as they are, from `at`, ends: bytes
/// that cannot start whitespace, and single spaces between two such bytes. Empty
/// when `at` is itself at a space or at a byte that may start Unicode whitespace.
fn copyable_run(bytes: &[u8], at: usize) -> usize {
    let mut i = at;
    loop {
        // Eight bytes at a time through words and single spaces, back to it after
        // each byte that had to be looked at alone. (Never from a space at `at`: a
        // run starts with no space.)
        if i > at || bytes.get(at) != Some(&b' ') {
            while let Some(eight) = bytes.get(i..i + 8) {
                let mut word = [0; 8];
                word.copy_from_slice(eight);
                if !plain_eight(u64::from_le_bytes(word)) {
                    break;
                }
                i += 8;
            }
        }
        match bytes.get(i) {
            Some(&byte) if !SPECIAL[byte as usize] => i += 1,
            Some(b' ') if i > at && bytes.get(i + 1).is_some_and(|&n| !SPECIAL[n as usize]) => {
                i += 2
            }
            _ => return i,
        }
    }
}

/// Whether eight bytes (the first in the lowest bits) can all be copied: ASCII from
/// 0x20 up, no two spaces side by side and no space last (the byte after it is not
/// looked at). Prose is mostly this; the few false alarms of the borrow tests (bytes
/// above a match may be flagged) only send the bytes to the loop a byte at a time.
fn plain_eight(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    let xor_space = x ^ (ONES * 0x20);
    let spaces = xor_space.wrapping_sub(ONES) & !xor_space & HIGH;
    x & HIGH == 0 && below_space == 0 && spaces & (spaces >> 8) == 0 && x >> 56 != 0x20
}

/// The bytes that may start whitespace: the ASCII White_Space characters (tab, line
/// feed, vertical tab, form feed, carriage return, space; `u8::is_ascii_whitespace`
/// leaves out the vertical tab) and the leading bytes of the others in UTF-8:
/// 0xC2 (U+0085, U+00A0), 0xE1 (U+1680), 0xE2 (U+2000 to U+205F), 0xE3 (U+3000).
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = matches!(
            i as u8,
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3
        );
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::{collapse, SPECIAL};

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
        // Every character up to U+3100 between words, alone, doubled and beside the
        // single spaces that a run of copied text goes on through.
        for c in (0..0x3100).filter_map(char::from_u32) {
            let sentence = "Open the partner centre, then go to Billing and Payouts.";
            let mut texts = vec![
                format!("a{c}b"),
                format!("{c}a{c}{c}b{c}"),
                format!("a {c} b {c}{c} c{c} d {c}"),
                format!(" {c}partnership of-record{c} {c}subscriptions 12345{c}x "),
            ];
            // And at every place of a sentence that is copied eight bytes at a time.
            for at in (0..sentence.len()).step_by(5) {
                texts.push(format!("{}{c}{}", &sentence[..at], &sentence[at..]));
                texts.push(format!("{} {c}{}", &sentence[..at], &sentence[at..]));
            }
            for text in texts {
                assert_eq!(collapse(&text), by_words(&text), "{:?}", c as u32);
            }
        }
    }

    /// `SPECIAL` holds the first byte of every whitespace character, and no byte
    /// that continues a character (a run must stop only at character boundaries).
    #[test]
    fn special_bytes_start_every_whitespace_character() {
        let mut utf8 = [0; 4];
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let first = c.encode_utf8(&mut utf8).as_bytes()[0];
            assert!(
                !c.is_whitespace() || SPECIAL[first as usize],
                "{:?}",
                c as u32
            );
        }
        assert!((0x80..0xC0).all(|b| !SPECIAL[b]));
    }
}
