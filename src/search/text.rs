//! Words for the search index. The browser runs the same steps on the query
//! (themes/default/static/search.js: `tokenize`, `stem`); a test keeps the two in step.

/// Words too common to help find a guide; left out of the index and of queries. Articles,
/// prepositions and conjunctions, and the pronouns, question words and auxiliaries of
/// questions ("how do I …", "can you …"). Words that can carry a task's meaning
/// ("not", "off", "only", "all", "after", "new") are kept.
pub const STOPWORDS: &[&str] = &[
    "a", "am", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did",
    "do", "does", "for", "from", "has", "have", "he", "her", "his", "how", "i", "if", "in", "into",
    "is", "it", "its", "me", "my", "of", "on", "or", "our", "she", "should", "so", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "was", "we",
    "were", "what", "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
];

/// Lowercase words: runs of letters and digits; other characters separate words.
pub fn tokenize(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Plain English suffix stripping: plurals, -ing, -ed, -ly, -ment, -ness, -ation, and
/// a final -e, so that "license", "licenses", "licensed" and "licensing" meet.
/// Deliberately small and predictable, so that the JavaScript twin stays identical.
pub fn stem(word: &str) -> String {
    if word.len() <= 3 || !word.is_ascii() {
        return word.to_string();
    }
    let stripped = strip_suffix(word);
    let undoubled = undouble(&stripped);
    match undoubled.strip_suffix('e') {
        Some(s) if s.len() >= 4 => s.to_string(),
        _ => undoubled,
    }
}

/// (suffix, shortest stem left, replacement), tried in order; the first that fits wins.
const SUFFIX_RULES: &[(&str, usize, &str)] = &[
    ("ations", 4, ""),
    ("ation", 4, ""),
    ("nesses", 3, ""),
    ("ness", 3, ""),
    ("ments", 3, ""),
    ("ment", 3, ""),
    ("ies", 2, "y"),
    ("ing", 3, ""),
    ("edly", 3, ""),
    ("ed", 3, ""),
    ("ly", 3, ""),
    ("sses", 2, "ss"),
    ("xes", 1, "x"),
    ("ches", 1, "ch"),
    ("shes", 1, "sh"),
];

fn strip_suffix(w: &str) -> String {
    for (suffix, min, add) in SUFFIX_RULES {
        if let Some(stem) = w.strip_suffix(suffix) {
            if stem.len() >= *min {
                return format!("{stem}{add}");
            }
        }
    }
    if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

/// `runn` → `run`, `stopp` → `stop` (after -ing / -ed), but keep `ll`, `ss`, `zz`.
fn undouble(s: &str) -> String {
    let b = s.as_bytes();
    let n = b.len();
    if n >= 3
        && b[n - 1] == b[n - 2]
        && !matches!(b[n - 1], b'l' | b's' | b'z')
        && b[n - 1].is_ascii_alphabetic()
    {
        return s[..n - 1].to_string();
    }
    s.to_string()
}

/// The index terms of a text: tokenized, stopwords dropped, stemmed.
pub fn terms(text: &str) -> Vec<String> {
    tokenize(text)
        .into_iter()
        .filter_map(|w| term_of(&w))
        .collect()
}

/// The index term of one lowercase word: None for a stopword.
pub fn term_of(word: &str) -> Option<String> {
    (!STOPWORDS.contains(&word)).then(|| stem(word))
}

/// Calls `f` with each word of `text` in lowercase, like `tokenize`, without allocating
/// for words that are lowercase already. Stretches of ASCII (most of any guide) are
/// cut into words by bit masks, 64 bytes at a time (`ascii_words`); only the words
/// around other characters are found character by character. A loop that looked at
/// every byte for every word took 4% of a cold build.
pub fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut lower = String::new();
    let mut emit = |word: &str, has_capital: bool| {
        if !has_capital {
            return f(word);
        }
        lower.clear();
        if word.is_ascii() {
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(word.chars().flat_map(char::to_lowercase));
        }
        f(&lower);
    };
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let Some(other) = first_non_ascii(&bytes[at..]).map(|p| at + p) else {
            ascii_words(&text[at..], &mut emit);
            return;
        };
        // The ASCII before it, up to the start of the word that `other` may belong to.
        let mut stop = other;
        while stop > at && ASCII_CLASS[bytes[stop - 1] as usize] & WORD != 0 {
            stop -= 1;
        }
        ascii_words(&text[at..stop], &mut emit);
        // Then character by character, until a word starts past `other`.
        at = word_run(text, stop, false).0;
        while at <= other && at < bytes.len() {
            let (end, has_capital) = word_run(text, at, true);
            if end == at {
                return; // cannot happen (`at` starts a word); never loop forever
            }
            emit(&text[at..end], has_capital);
            at = word_run(text, end, false).0;
        }
    }
}

/// The words of an all-ASCII `text`, each with whether it holds a capital. Each 64
/// bytes become a mask of word bytes and one of capitals; words start where a word
/// byte follows another byte and end where another byte follows a word byte, found
/// by counting trailing zeros: no branch per byte.
fn ascii_words(text: &str, emit: &mut impl FnMut(&str, bool)) {
    // A word that goes on from an earlier block: its start and whether it had a capital.
    let mut open: Option<(usize, bool)> = None;
    let mut last_was_word = 0u64;
    for (k, block) in text.as_bytes().chunks(64).enumerate() {
        let base = k * 64;
        let mut padded = [0u8; 64]; // NUL is no word byte
        padded[..block.len()].copy_from_slice(block);
        let (words, capitals) = word_masks(&padded);
        let before = words << 1 | last_was_word;
        let mut starts = words & !before;
        let mut ends = !words & before;
        last_was_word = words >> 63;
        // The bit where the open word's part in this block starts.
        let mut from = 0;
        loop {
            let (start, capital) = match open.take() {
                Some(word) => word,
                None if starts == 0 => break,
                None => {
                    from = starts.trailing_zeros();
                    starts &= starts - 1;
                    (base + from as usize, false)
                }
            };
            if ends == 0 {
                open = Some((start, capital || capitals >> from != 0));
                break;
            }
            let to = ends.trailing_zeros();
            ends &= ends - 1;
            let capital = capital || (capitals & ((1u64 << to) - 1)) >> from != 0;
            emit(&text[start..base + to as usize], capital);
        }
    }
    if let Some((start, capital)) = open {
        emit(&text[start..], capital);
    }
}

/// Bit i of the first mask: byte i is an ASCII letter or digit; of the second: a
/// capital. Classified a byte per lane (which the compiler does 16 or more at a
/// time), then gathered eight bytes at a time.
fn word_masks(block: &[u8; 64]) -> (u64, u64) {
    let mut flags = [0u8; 64];
    for (flag, &byte) in flags.iter_mut().zip(block) {
        let upper = (byte.wrapping_sub(b'A') < 26) as u8;
        let lower = (byte.wrapping_sub(b'a') < 26) as u8;
        let digit = (byte.wrapping_sub(b'0') < 10) as u8;
        *flag = (upper | lower | digit) | upper << 1;
    }
    const LOW_BITS: u64 = 0x0101_0101_0101_0101;
    let (mut words, mut capitals) = (0u64, 0u64);
    for (i, eight) in flags.chunks_exact(8).enumerate() {
        let mut lanes = [0; 8];
        lanes.copy_from_slice(eight);
        let x = u64::from_le_bytes(lanes);
        words |= gather(x & LOW_BITS) << (8 * i);
        capitals |= gather(x >> 1 & LOW_BITS) << (8 * i);
    }
    (words, capitals)
}

/// Eight bytes that are each 0 or 1 as eight bits, byte i at bit i: the multiplication
/// adds each byte's bit into the top byte at its own place, with no carries.
fn gather(x: u64) -> u64 {
    x.wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Where the first byte that is not ASCII is, looked for 32 bytes at a time.
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    let mut base = 0;
    for chunk in bytes.chunks(32) {
        if !chunk.is_ascii() {
            return chunk.iter().position(|b| !b.is_ascii()).map(|p| base + p);
        }
        base += chunk.len();
    }
    None
}

/// Where the run of word characters (`word`: letters and digits) or of other
/// characters that starts at byte `at` of `text` ends, and whether it holds a capital.
/// ASCII is classified by a table in a tight loop; only other characters are decoded.
fn word_run(text: &str, mut at: usize, word: bool) -> (usize, bool) {
    let bytes = text.as_bytes();
    let mut capital = false;
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii() {
            let class = ASCII_CLASS[byte as usize];
            if (class & WORD != 0) != word {
                break;
            }
            capital |= class & CAPITAL != 0;
            at += 1;
            continue;
        }
        match text.get(at..).and_then(|rest| rest.chars().next()) {
            Some(c) if c.is_alphanumeric() == word => {
                capital |= c.is_uppercase();
                at += c.len_utf8();
            }
            _ => break,
        }
    }
    (at, capital)
}

const WORD: u8 = 1;
const CAPITAL: u8 = 2;
/// `WORD` for ASCII letters and digits, and `CAPITAL` for capitals.
const ASCII_CLASS: [u8; 128] = {
    let mut table = [0; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        if b.is_ascii_alphanumeric() {
            table[i] = WORD;
        }
        if b.is_ascii_uppercase() {
            table[i] |= CAPITAL;
        }
        i += 1;
    }
    table
};

#[cfg(test)]
pub const STEM_CASES: &[(&str, &str)] = &[
    ("partners", "partner"),
    ("partner", "partner"),
    ("subscriptions", "subscription"),
    ("license", "licens"),
    ("licenses", "licens"),
    ("licensing", "licens"),
    ("licensed", "licens"),
    ("policies", "policy"),
    ("running", "run"),
    ("stopped", "stop"),
    ("configure", "configur"),
    ("configured", "configur"),
    ("configuring", "configur"),
    ("configuration", "configur"),
    ("boxes", "box"),
    ("classes", "class"),
    ("status", "status"),
    ("analysis", "analysis"),
    ("quickly", "quick"),
    ("management", "manag"),
    ("manage", "manag"),
    ("id", "id"),
    ("tls", "tls"),
    ("calling", "call"),
    ("café", "café"),
    ("recognised", "recognis"),
    ("recognized", "recogniz"),
];

/// Words whose terms the browser must compute exactly as the index does (checked
/// against search.js by the integration tests).
pub const STEM_SAMPLES: &[&str] = &[
    "partners",
    "partner",
    "subscriptions",
    "license",
    "licenses",
    "licensing",
    "licensed",
    "policies",
    "running",
    "stopped",
    "configure",
    "configured",
    "configuring",
    "configuration",
    "boxes",
    "classes",
    "status",
    "analysis",
    "quickly",
    "management",
    "manage",
    "id",
    "tls",
    "calling",
    "café",
    "recognised",
    "recognized",
    "the",
    "and",
    "how",
    "your",
    "certificates",
    "renewal",
    "syndicator",
    "addresses",
    "watches",
    "dishes",
    "access",
    "fizz",
    "all",
    "1234567",
    "stories",
    "ties",
    "agreed",
    "bed",
    "nesses",
    "sadness",
    "mainframe",
    "x86",
    "naïve",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizing() {
        assert_eq!(
            tokenize("Partner-of-Record (POR): ID 1234567, café!"),
            vec!["partner", "of", "record", "por", "id", "1234567", "café"]
        );
        assert_eq!(
            terms("The partners of the tenant"),
            vec!["partner", "tenant"]
        );
    }

    /// What `for_each_word` gave before its one-pass scan: `str::split`, then
    /// lowercase when any character is a capital.
    fn words_by_split(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| match w.chars().any(char::is_uppercase) {
                true => w.chars().flat_map(char::to_lowercase).collect(),
                false => w.to_string(),
            })
            .collect()
    }

    /// `for_each_word` gives the words it gave before, in ASCII and out of it:
    /// capitals anywhere in a word, letters of other scripts, characters that
    /// lowercase to two, separators that are not ASCII, and a word at the very end.
    /// A title-case letter (`ǅ`) is not a capital, so its word is kept as it is,
    /// where `tokenize` lowercases it.
    #[test]
    fn each_word_is_as_before() {
        for text in [
            "Partner-of-Record (POR): ID 1234567, café!",
            "ÉCOLE Straße İstanbul ΣΟΦΊΑ ǅemal x2Y 3D\u{a0}non\u{2014}breaking",
            "mIxEd",
            "",
            "  --  ",
            "末尾の単語",
        ] {
            let mut words = Vec::new();
            for_each_word(text, |w| words.push(w.to_string()));
            assert_eq!(words, words_by_split(text), "{text:?}");
        }
    }

    /// Long texts go through the 64-byte masks: words and capitals across every
    /// block boundary, and characters that are not ASCII at every place.
    #[test]
    fn each_word_is_as_before_across_blocks() {
        let sentence = "Select Billing, then Payouts: x2Y 3D OK. A partner-of-record ID 42 ";
        let long = sentence.repeat(5);
        let mut texts = vec![long.clone(), long.trim_end().to_string()];
        for other in ["é", "É", "\u{a0}", "—", "ǅ", "末"] {
            for at in (0..long.len()).step_by(7) {
                texts.push(format!("{}{other}{}", &long[..at], &long[at..]));
            }
        }
        for width in 60..70 {
            texts.push("Ab".repeat(width));
            texts.push(format!("{} Z", "a".repeat(width)));
            texts.push(format!("A{} b", "b".repeat(width)));
            texts.push(format!("ab {}C", "b".repeat(width)));
            texts.push(format!("A{} b", "b".repeat(2 * width))); // over three blocks
        }
        for text in texts {
            let mut words = Vec::new();
            for_each_word(&text, |w| words.push(w.to_string()));
            assert_eq!(words, words_by_split(&text), "{text:?}");
        }
    }

    #[test]
    fn gathers_the_low_bit_of_each_byte() {
        for bits in 0..256u64 {
            let bytes = (0..8).fold(0u64, |x, i| x | (bits >> i & 1) << (8 * i));
            assert_eq!(gather(bytes), bits, "{bits:#b}");
        }
    }

    #[test]
    fn stemming() {
        for (word, expected) in STEM_CASES {
            assert_eq!(stem(word), *expected, "{word}");
        }
    }
}
