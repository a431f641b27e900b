//! Small HTML helpers shared by the markdown and render stages.

/// Escapes text for use in HTML element content and double-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

pub fn escape_into(out: &mut String, s: &str) {
    // Every character escaped is ASCII: copy the runs between them whole (pages
    // escape every title and URL of their sidebar, so this is hot).
    let mut start = 0;
    for (i, byte) in s.bytes().enumerate() {
        let replacement = match byte {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            // U+0000 marks link bases in rendered markdown (markdown::VERSION_BASE).
            0 => "\u{FFFD}",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(replacement);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            super::escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(super::escape("é\0ü<"), "é\u{FFFD}ü&lt;");
        assert_eq!(super::escape("plain"), "plain");
    }
}
