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
    let first = text.char_indices().map(|(i, _)| i).find(|&i| starts(i))?;
    let mut html = String::new();
    let mut pos = 0;
    let mut i = first;
    while i < text.len() {
        if !starts(i) {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let len = text[i..]
            .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
            .unwrap_or(text.len() - i);
        // Trailing punctuation belongs to the sentence, not to the URL.
        let url = text[i..i + len].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'']);
        if url.len() <= "https://".len() {
            i += len.max(1);
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
        i += url.len();
        pos = i;
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
    }
}
