//! Where report links go (SPEC §3.6, §8 `a[data-report]`): the markdown stage marks
//! the place of each step's and each `##`/`###` heading's report link, and the
//! renderer, which knows `feedback_url`, the guide's title, its version and its URL,
//! fills the marks (`caveats::report_links`) or removes them. So a rendering does not
//! depend on `feedback_url` or on where the page is published, and the build cache
//! keeps sharing identical files between versions.
//!
//! A mark is `VERSION_BASE` (U+0000, which never reaches the HTML from the input),
//! U+0001, a kind letter, the step's or heading's id (which holds no U+0000 either)
//! and U+0000 again. A page link's `VERSION_BASE` is followed by its percent-encoded
//! path, which never starts with U+0001, so the two never mix.

use super::VERSION_BASE;
use std::borrow::Cow;

/// What starts a mark.
const START: &str = "\0\u{1}";
const LINK: char = 'L';
const HEADING_LABEL: char = 'A';

/// One marked place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportPlace<'h> {
    /// The report link of the step or heading with this id: at the start of the
    /// step's `<li>` (after its self-link), at the end of the heading's text.
    Link(&'h str),
    /// Inside the start tag of the heading with this id: its `aria-label`, so that the
    /// heading's accessible name stays its own text and not the link's too.
    HeadingLabel(&'h str),
}

/// The mark of the report link of step or heading `id`.
pub fn link_mark(id: &str) -> String {
    format!("{START}{LINK}{id}{VERSION_BASE}")
}

/// The mark of the `aria-label` of heading `id` (in its start tag).
pub fn heading_label_mark(id: &str) -> String {
    format!("{START}{HEADING_LABEL}{id}{VERSION_BASE}")
}

/// `html` with each mark replaced by what `fill` makes of its place (`""` removes it).
pub fn fill_report_marks<'h>(
    html: &'h str,
    mut fill: impl FnMut(ReportPlace<'_>) -> String,
) -> Cow<'h, str> {
    if !html.contains(START) {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + html.len() / 4);
    let mut rest = html;
    while let Some(at) = rest.find(START) {
        out.push_str(&rest[..at]);
        let after = &rest[at + START.len()..];
        let mut chars = after.chars();
        let kind = chars.next();
        let tail = chars.as_str();
        let Some(end) = tail.find(VERSION_BASE) else {
            // Not a mark the markdown stage wrote: keep it as it is.
            out.push_str(&rest[at..]);
            return Cow::Owned(out);
        };
        let id = &tail[..end];
        match kind {
            Some(LINK) => out.push_str(&fill(ReportPlace::Link(id))),
            Some(HEADING_LABEL) => out.push_str(&fill(ReportPlace::HeadingLabel(id))),
            _ => {}
        }
        rest = &tail[end + VERSION_BASE.len_utf8()..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `html` without its marks (a section page's text: no report links there).
pub fn without_report_marks(html: &str) -> Cow<'_, str> {
    fill_report_marks(html, |_| String::new())
}

/// `fill_report_marks` then `with_version_base(…, base)`, in one pass over `html`
/// into one new string: each mark replaced by what `fill` makes of it, each other
/// `VERSION_BASE` by `base`. Pages call this for every guide; two passes (a substring
/// search for marks, then a replace) and their copies cost more than the rest of the
/// page's own work.
pub fn fill_marks_and_base(
    html: &str,
    base: &str,
    fill: impl FnMut(ReportPlace<'_>) -> String,
) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    fill_marks_and_base_into(&mut out, html, base, fill);
    out
}

/// `fill_marks_and_base`, appended to `out`: a page's content is written straight
/// into the page (`render::splice`), with no string of its own in between.
pub fn fill_marks_and_base_into(
    out: &mut String,
    html: &str,
    base: &str,
    mut fill: impl FnMut(ReportPlace<'_>) -> String,
) {
    let mut rest = html;
    while let Some(at) = find_base(rest) {
        out.push_str(&rest[..at]);
        let after = &rest[at + VERSION_BASE.len_utf8()..];
        let Some(mark) = after.strip_prefix(&START[VERSION_BASE.len_utf8()..]) else {
            // A page link's base.
            out.push_str(base);
            rest = after;
            continue;
        };
        let mut chars = mark.chars();
        let kind = chars.next();
        let tail = chars.as_str();
        let Some(end) = find_base(tail) else {
            // Not a mark the markdown stage wrote: kept as it is, bases filled.
            out.push_str(&super::with_version_base(&rest[at..], base));
            return;
        };
        let id = &tail[..end];
        let filled = match kind {
            Some(LINK) => fill(ReportPlace::Link(id)),
            Some(HEADING_LABEL) => fill(ReportPlace::HeadingLabel(id)),
            _ => String::new(),
        };
        out.push_str(&super::with_version_base(&filled, base));
        rest = &tail[end + VERSION_BASE.len_utf8()..];
    }
    out.push_str(rest);
}

/// Where the first `VERSION_BASE` in `html` is: with the `memchr` crate's vector
/// search, as `str::find` of a character searches a word at a time (the rendered HTML
/// of every page is searched, 1% of a cold build's instructions).
fn find_base(html: &str) -> Option<usize> {
    const BASE: u8 = {
        assert!(VERSION_BASE.is_ascii());
        VERSION_BASE as u8
    };
    memchr::memchr(BASE, html.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_filled_in_order_and_leave_page_links_alone() {
        let html = format!(
            "<h2 id=\"a\"{}>A{}</h2><a href=\"\0b/\">b</a><li id=\"step-1\">{}x</li>",
            heading_label_mark("a"),
            link_mark("a"),
            link_mark("step-1")
        );
        let filled = fill_report_marks(&html, |place| match place {
            ReportPlace::Link(id) => format!("[{id}]"),
            ReportPlace::HeadingLabel(id) => format!(" aria-label=\"{id}\""),
        });
        assert_eq!(
            filled,
            "<h2 id=\"a\" aria-label=\"a\">A[a]</h2><a href=\"\0b/\">b</a><li id=\"step-1\">[step-1]x</li>"
        );
        assert_eq!(
            without_report_marks(&html),
            "<h2 id=\"a\">A</h2><a href=\"\0b/\">b</a><li id=\"step-1\">x</li>"
        );
        assert!(matches!(without_report_marks("<p>x</p>"), Cow::Borrowed(_)));
    }

    #[test]
    fn ids_with_any_characters_round_trip() {
        let html = link_mark("é \u{1}\"<x>");
        let filled = fill_report_marks(&html, |place| format!("{place:?}"));
        assert_eq!(filled, "Link(\"é \\u{1}\\\"<x>\")");
    }

    /// The one-pass fill gives what the two passes give, marks, bases and broken
    /// marks alike.
    #[test]
    fn one_pass_equals_marks_then_bases() {
        let fill = |place: ReportPlace<'_>| match place {
            ReportPlace::Link(id) => format!("<a href=\"\0r/{id}\">r</a>"),
            ReportPlace::HeadingLabel(id) => format!(" aria-label=\"{id}\""),
        };
        let pages = [
            String::new(),
            "<p>no marks, no links</p>".to_string(),
            "\0a/\0\0b/".to_string(),
            format!(
                "<h2 id=\"a\"{}>A{}</h2><a href=\"\0b/\">b</a><li>{}x</li>\0",
                heading_label_mark("a"),
                link_mark("a"),
                link_mark("step-1")
            ),
            format!("{}<a href=\"\0c/\">", link_mark("s")),
            "x\0\u{1}Lunterminated <a href=\"y\">".to_string(),
            "x\0\u{1}".to_string(),
            format!("{}\0\u{1}Zid\0tail\0", link_mark("é")),
        ];
        for html in &pages {
            let two = crate::markdown::with_version_base(&fill_report_marks(html, fill), "/v2/")
                .into_owned();
            assert_eq!(fill_marks_and_base(html, "/v2/", fill), two, "{html:?}");
            // Appended, as a page's content is written into the page.
            let mut page = String::from("<main>");
            fill_marks_and_base_into(&mut page, html, "/v2/", fill);
            assert_eq!(page, format!("<main>{two}"), "{html:?}");
        }
    }
}
