//! Markdown that does not come from the site's own pages is untrusted: front matter
//! text today, imported reports and sidecars later. It is rendered with raw HTML
//! escaped as text, and its links and images keep only the URLs that `safe_url`
//! accepts; the others are rendered as their text alone, with a warning.

/// The schemes a link or image from untrusted markdown may use.
pub const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Whether a link or image URL (as pulldown-cmark gives it: character references and
/// backslash escapes already decoded) may be kept in untrusted markdown: an http,
/// https or mailto URL, or a relative one (no scheme).
///
/// The URL is read the way a browser reads it: spaces and control characters around
/// it are dropped and tabs and newlines inside it removed, so `  java\tscript:` is
/// `javascript:`. Anything with a `:` before its first `/`, `?` or `#` counts as
/// having a scheme, even where a browser would read a relative path: a URL that is
/// dropped wrongly costs a link, one kept wrongly runs code.
pub fn safe_url(url: &str) -> bool {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let first_part = cleaned.split(['/', '?', '#']).next().unwrap_or("");
    match first_part.split_once(':') {
        None => true,
        Some((scheme, _)) => SAFE_SCHEMES
            .iter()
            .any(|safe| scheme.eq_ignore_ascii_case(safe)),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_url;

    #[test]
    fn safe_urls() {
        for url in [
            "https://example.com/a?b#c",
            "HTTP://example.com",
            "mailto:help@example.com",
            "../other.md#step",
            "other.md",
            "/abs/path/",
            "#anchor",
            "//cdn.example.com/x",
            "?q=a:b",
            "a/b:c",
            "",
        ] {
            assert!(safe_url(url), "{url:?} should be kept");
        }
    }

    #[test]
    fn unsafe_urls() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "  javascript:alert(1)",
            "\u{1}\u{1f} javascript:alert(1)",
            "vbscript:msgbox",
            "data:text/html;base64,PHNjcmlwdD4=",
            "data:image/png;base64,AAAA",
            "file:///etc/passwd",
            "java script:alert(1)",
            "ftp://example.com",
            "x:",
        ] {
            assert!(!safe_url(url), "{url:?} should be dropped");
        }
    }
}
