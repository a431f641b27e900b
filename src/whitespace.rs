//! Text made one line: every run of whitespace one space, none at either end.

/// `text` with each run of whitespace (Unicode's, as `char::is_whitespace` says)
/// made one space and none at either end: what
/// `text.split_whitespace().collect::<Vec<_>>().join(" ")` gives, in one pass. A
/// build runs this over the search text of every passage of every guide (62 MiB on
/// the 10,000-guide corpus), where the vector and the join took 3.6% of its CPU.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = skip(text, 0, true);
    while at < text.len() {
        let end = skip(text, at, false);
        if end == at {
            break; // cannot happen (`at` starts a word); never loop forever
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&text[at..end]);
        at = skip(text, end, true);
    }
    out
}

/// Where the run of whitespace (`space`) or of other characters that starts at byte
/// `at` of `text` ends. ASCII is told apart by a table, a byte at a time in a tight
/// loop; only other characters are decoded. A loop that decoded and classified every
/// character took 4% of a cold build's CPU.
fn skip(text: &str, mut at: usize, space: bool) -> usize {
    let bytes = text.as_bytes();
    if !space {
        at = skip_plain(bytes, at);
    }
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii() {
            if ASCII_SPACE[byte as usize] != space {
                return at;
            }
            at += 1;
            continue;
        }
        match text.get(at..).and_then(|rest| rest.chars().next()) {
            Some(c) if c.is_whitespace() == space => at += c.len_utf8(),
            _ => return at,
        }
    }
    at
}

/// Skips from `at` the bytes that cannot be whitespace, eight at a time: printable
/// ASCII (0x21 to 0x7F). Stops at the first eight with a byte outside it.
fn skip_plain(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    while let Some(eight) = bytes.get(at..at + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(eight);
        let x = u64::from_ne_bytes(word);
        // A high bit per byte below 0x21 (the borrow test, exact for bytes below
        // 0x80, and those are the ones it is asked about) or at or above 0x80.
        let special = ((x.wrapping_sub(ONES * 0x21) & !x) | x) & HIGH;
        if special != 0 {
            break;
        }
        at += 8;
    }
    at
}

/// The ASCII characters that are White_Space: tab, line feed, vertical tab, form feed,
/// carriage return, space (`u8::is_ascii_whitespace` leaves out the vertical tab).
const ASCII_SPACE: [bool; 128] = {
    let mut table = [false; 128];
    let mut i = 0;
    while i < 128 {
        table[i] = matches!(i as u8, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
        i += 1;
    }
    table
};

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
            // Long words too: they are skipped eight bytes at a time.
            let long = format!("{c}partnership{c}of-record-{c}{c}subscriptions12345{c}x");
            for text in [format!("a{c}b"), format!("{c}a{c}{c}b{c}"), long] {
                assert_eq!(collapse(&text), by_words(&text), "{:?}", c as u32);
            }
        }
    }
}
