//! A fenced code block's info string: its language, and the title MkDocs authors give
//! it (```` ```py title="a.py" linenums="1" ````, ```` ``` { .yaml title="x" } ````,
//! ```` ``` title="Content" ````). The title is shown above the block; the other
//! attributes (`linenums`, `hl_lines`, classes such as `.annotate`) are presentation
//! guidepost does not offer and are left out.

/// What an info string says.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CodeInfo<'a> {
    /// The language (`py`, `yaml`); empty for none.
    pub lang: &'a str,
    /// The `title="…"` attribute, when there is one.
    pub title: Option<&'a str>,
}

/// MkDocs classes of a code block that are no language.
const NOT_LANGUAGES: [&str; 4] = ["annotate", "no-copy", "copy", "select"];

pub fn parse(info: &str) -> CodeInfo<'_> {
    let info = info.trim();
    let first = info.split_whitespace().next().unwrap_or("");
    let lang = if first.starts_with('{') {
        // `{ .yaml title="x" }`: the first class is the language.
        attribute_words(info)
            .filter_map(|w| w.strip_prefix('.'))
            .find(|c| !c.is_empty() && !NOT_LANGUAGES.contains(c))
            .unwrap_or("")
    } else if first.contains('=') {
        // `title="Content"`: attributes only.
        ""
    } else {
        // `rust`, `rust,ignore`, `rust{1,3}` (other tools' suffixes).
        first.split([',', '{']).next().unwrap_or("")
    };
    CodeInfo {
        lang,
        title: attribute(info, "title"),
    }
}

/// The whitespace-separated words of an info string, braces dropped (values in
/// quotes may hold spaces, which does not matter for the classes looked at).
fn attribute_words(info: &str) -> impl Iterator<Item = &str> {
    info.split(|c: char| c.is_whitespace() || c == '{' || c == '}')
        .filter(|w| !w.is_empty())
}

/// The value of `name="…"`, `name='…'` or `name=word` in an info string; None when
/// it is not there (or its quote is never closed).
fn attribute<'a>(info: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = info;
    loop {
        let at = rest.find(name)?;
        let before = rest[..at].chars().next_back();
        let after = &rest[at + name.len()..];
        rest = after;
        // A whole word (not `subtitle=`), directly followed by `=`.
        if before.is_some_and(|c| !(c.is_whitespace() || c == '{')) {
            continue;
        }
        let Some(value) = after.strip_prefix('=') else {
            continue;
        };
        return match value.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let inner = &value[1..];
                inner.find(q).map(|end| &inner[..end])
            }
            _ => value
                .split(|c: char| c.is_whitespace() || c == '}')
                .next()
                .filter(|v| !v.is_empty()),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(lang: &'static str, title: Option<&'static str>) -> CodeInfo<'static> {
        CodeInfo { lang, title }
    }

    #[test]
    fn languages_and_titles() {
        assert_eq!(parse("rust"), info("rust", None));
        assert_eq!(parse("rust,ignore"), info("rust", None));
        assert_eq!(parse("rust{1,3}"), info("rust", None));
        assert_eq!(parse(""), info("", None));
        assert_eq!(parse("title=\"Content\""), info("", Some("Content")));
        assert_eq!(
            parse("py title=\"a b.py\" linenums=\"1\""),
            info("py", Some("a b.py"))
        );
        assert_eq!(
            parse("{ .yaml title=\"mkdocs.yml\" }"),
            info("yaml", Some("mkdocs.yml"))
        );
        assert_eq!(parse("{.yaml .annotate}"), info("yaml", None));
        assert_eq!(parse("{ .annotate .yaml }"), info("yaml", None));
        assert_eq!(parse("{ title='x' }"), info("", Some("x")));
        assert_eq!(
            parse("yaml title=config.yml"),
            info("yaml", Some("config.yml"))
        );
        assert_eq!(parse("yaml subtitle=\"no\""), info("yaml", None));
        assert_eq!(parse("yaml title=\"unclosed"), info("yaml", None));
        assert_eq!(parse("yaml title="), info("yaml", None));
    }
}
