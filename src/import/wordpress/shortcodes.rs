//! WordPress shortcodes in a body: `[caption]` becomes a `<figure>` with a
//! `<figcaption>` (so the caption becomes the screenshot's caption); the others are
//! kept as written and named in the report, since only WordPress knows what they show.

use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)\[caption((?:\s[^\]]*)?)\](.*?)\[/caption\]").expect("valid regex")
});
static CAPTION_ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)\bcaption\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("valid regex")
});
/// `[name attr=…]` or `[name]…[/name]`: the shapes of a shortcode. A bare `[word]` with
/// no closing tag (`[sic]`, `[1]`) is ordinary text.
static SHORTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[([a-zA-Z][\w-]*)(\s[^\[\]]*=[^\[\]]*)?\]").expect("valid regex")
});

/// `[caption …]<a><img></a> Text[/caption]` → `<figure><a><img></a><figcaption>Text</figcaption></figure>`.
/// The old form with a `caption="…"` attribute works too.
pub fn captions_to_figures(html: &str) -> String {
    CAPTION
        .replace_all(html, |c: &regex::Captures| {
            let (image, text) = split_image(&c[2]);
            let text = if text.trim().is_empty() {
                CAPTION_ATTRIBUTE
                    .captures(&c[1])
                    .and_then(|a| a.get(1).or_else(|| a.get(2)))
                    .map(|m| m.as_str().to_string())
                    .unwrap_or_default()
            } else {
                text.to_string()
            };
            format!(
                "<figure>{image}<figcaption>{}</figcaption></figure>",
                text.trim()
            )
        })
        .into_owned()
}

/// The image part at the start of a caption's inside (`<img …>` or `<a …><img …></a>`)
/// and the caption text after it.
fn split_image(inner: &str) -> (&str, &str) {
    let trimmed = inner.trim_start();
    let lower = trimmed.to_ascii_lowercase();
    let end = if lower.starts_with("<a") {
        lower.find("</a>").map(|i| i + "</a>".len())
    } else if lower.starts_with("<img") {
        lower.find('>').map(|i| i + 1)
    } else {
        None
    };
    match end {
        Some(end) => (&trimmed[..end], &trimmed[end..]),
        None => ("", inner),
    }
}

/// The names of the shortcodes left in a body (`gallery`, `embed`, …), sorted.
pub fn remaining(html: &str) -> Vec<String> {
    let mut names = BTreeSet::new();
    for c in SHORTCODE.captures_iter(html) {
        let name = &c[1];
        let has_attributes = c.get(2).is_some();
        if has_attributes || html.contains(&format!("[/{name}]")) {
            names.insert(name.to_string());
        }
    }
    names.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caption_with_linked_image() {
        let html = r#"<p>x</p>[caption id="attachment_5" align="alignnone" width="300"]<a href="https://b/full.png"><img src="https://b/full-300x200.png" alt="" /></a> The <em>Licensing</em> link[/caption]"#;
        assert_eq!(
            captions_to_figures(html),
            r#"<p>x</p><figure><a href="https://b/full.png"><img src="https://b/full-300x200.png" alt="" /></a><figcaption>The <em>Licensing</em> link</figcaption></figure>"#
        );
    }

    #[test]
    fn old_caption_attribute() {
        let html = r#"[caption id="" caption="Partner box"]<img src="a.png">[/caption]"#;
        assert_eq!(
            captions_to_figures(html),
            r#"<figure><img src="a.png"><figcaption>Partner box</figcaption></figure>"#
        );
    }

    #[test]
    fn other_shortcodes_are_listed_not_text_in_brackets() {
        let html = r#"[gallery ids="1,2"] see [1] and [sic] [embed]https://v/x[/embed]"#;
        assert_eq!(remaining(html), vec!["embed", "gallery"]);
    }
}
