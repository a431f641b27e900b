//! GitHub's autolinks: bare `https://…`, `http://…` and `www.…` in text become links.

use crate::html::escape;

/// Bare `https://…`, `http://…` and `www.…` in text become links (GitHub's autolinks).
pub(super) fn autolink(text: &str) -> Option<String> {
    let starts = |i: usize| {
        let rest = &text[i..];
        let at_boundary = i == 0 || !text[..i].ends_with(|c: char| c.is_alphanumeric());
        at_boundary
            && (rest.starts_with("https://")
                || rest.starts_with("http://")
                || rest.starts_with("www."))
    };
    // Every link starts with `h` or `w` (ASCII, so `+ 1` stays on a character's edge):
    // only those places are looked at.
    let candidate = |from: usize| {
        text.get(from..)
            .and_then(|rest| rest.find(['h', 'w']))
            .map(|k| from + k)
    };
    let mut next = candidate(0);
    let first = loop {
        let i = next?;
        if starts(i) {
            break i;
        }
        next = candidate(i + 1);
    };
    let mut html = String::new();
    let mut pos = 0;
    let mut next = Some(first);
    while let Some(i) = next {
        if !starts(i) {
            next = candidate(i + 1);
            continue;
        }
        let len = text[i..]
            .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
            .unwrap_or(text.len() - i);
        // Trailing punctuation belongs to the sentence, not to the URL.
        let url = text[i..i + len].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'']);
        if url.len() <= "https://".len() {
            next = candidate(i + len.max(1));
            continue;
        }
        html.push_str(&escape(&text[pos..i]));
        let href = if url.starts_with("www.") {
            format!("https://{url}")
        } else {
            url.to_string()
        };
        html.push_str(&format!(
            "<a href=\"{}\">{}</a>",
            escape(&href),
            escape(url)
        ));
        pos = i + url.len();
        next = candidate(pos);
    }
    html.push_str(&escape(&text[pos..]));
    Some(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autolinks() {
        assert_eq!(
            autolink("see https://example.com/a. Done").as_deref(),
            Some("see <a href=\"https://example.com/a\">https://example.com/a</a>. Done")
        );
        assert_eq!(
            autolink("www.example.com").as_deref(),
            Some("<a href=\"https://www.example.com\">www.example.com</a>")
        );
        assert_eq!(autolink("no links here"), None);
        // Only at a word's start, after a too-short one, and twice in one text.
        assert_eq!(
            autolink("awww.x.org shows http:// then").as_deref(),
            Some("awww.x.org shows http:// then")
        );
        assert_eq!(
            autolink("é http://a.b/c and www.d.example, é").as_deref(),
            Some("é <a href=\"http://a.b/c\">http://a.b/c</a> and <a href=\"https://www.d.example\">www.d.example</a>, é")
        );
    }
}
