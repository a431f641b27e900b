//! Raw HTML in markdown (SPEC §3.1): its `id`s and `<a name>`s are anchors of the
//! page, and its references (`<img src>`, `<a href>`, `<source src>`, `<video src>`,
//! `<audio src>`, `<video poster>`) are resolved, checked, copied and rewritten
//! exactly like markdown's. The fragment is read with html5gum, a WHATWG tokenizer
//! (entities decoded, comments and script text skipped), and only the values of
//! those attributes are replaced: everything else stays byte for byte.

use super::foreign::{self, JsxElement};
use super::images::ImageRef;
use super::links::LinkDest;
use super::rewrite::Locate;
use super::{PageState, VERSION_BASE};
use crate::html::escape;
use html5gum::{DefaultEmitter, Token, Tokenizer};
use std::ops::Range;

/// One piece of a raw HTML fragment and where it starts in the markdown run (an HTML
/// block comes as one piece per line).
pub(super) struct Piece<'a> {
    pub text: &'a str,
    pub start: usize,
}

/// What an attribute holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefKind {
    Image,
    Link,
    /// A media file: copied like a linked file.
    Media,
}

/// A reference found in the fragment.
#[derive(Debug)]
struct Reference {
    kind: RefKind,
    /// The value as the browser reads it (entities decoded).
    value: String,
    /// Where the value is written in the fragment (without its quotes).
    range: Range<usize>,
    quoted: bool,
}

/// What a fragment holds that matters to the page.
#[derive(Debug, Default)]
struct Scan {
    /// `id` attributes, and `name` attributes of `<a>`.
    ids: Vec<String>,
    names: Vec<String>,
    references: Vec<Reference>,
    /// JSX components (`<Screenshot url="…"/>`, SPEC §3's foreign syntax) and where
    /// their tags start.
    components: Vec<(usize, JsxElement)>,
    /// Elements with MkDocs' `markdown` attribute (md_in_html): tag start, tag name.
    markdown_attributes: Vec<(usize, String)>,
}

fn ref_kind(tag: &str, attr: &str) -> Option<RefKind> {
    match (tag, attr) {
        ("img", "src") => Some(RefKind::Image),
        ("a", "href") => Some(RefKind::Link),
        ("source" | "video" | "audio", "src") | ("video", "poster") => Some(RefKind::Media),
        _ => None,
    }
}

/// `imported`: names the page's MDX statements import (components even when they are
/// also HTML's names, like `<Head>`).
fn scan(html: &str, imported: &[(String, String)]) -> Scan {
    let mut out = Scan::default();
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    // Text of `<script>`, `<style>` and `<textarea>` is not markup.
    emitter.naively_switch_states(true);
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        let Token::StartTag(tag) = token else {
            continue;
        };
        let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
        if let Some(component) = jsx_component(html, &tag, imported) {
            out.components.push((tag.span.start, component));
            continue;
        }
        if tag.attributes.contains_key(b"markdown".as_slice()) {
            out.markdown_attributes.push((tag.span.start, name.clone()));
        }
        for (attr, value) in &tag.attributes {
            let attr = String::from_utf8_lossy(attr).to_ascii_lowercase();
            let text = String::from_utf8_lossy(&value.value).into_owned();
            if attr == "id" && !text.is_empty() {
                out.ids.push(text.clone());
            } else if attr == "name" && name == "a" && !text.is_empty() {
                out.names.push(text.clone());
            }
            let Some(kind) = ref_kind(&name, &attr) else {
                continue;
            };
            if let Some((range, quoted)) = value_range(html, value.span.start) {
                out.references.push(Reference {
                    kind,
                    value: text,
                    range,
                    quoted,
                });
            }
        }
    }
    out
}

/// The JSX component a start tag is, if it is one: its name as written (html5gum
/// gives it in lowercase) starts with a capital and is no HTML element.
fn jsx_component(
    html: &str,
    tag: &html5gum::StartTag<usize>,
    imported: &[(String, String)],
) -> Option<JsxElement> {
    let written = html.get(tag.span.start + 1..)?;
    let name: String = written
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .collect();
    let is_imported = || {
        name.starts_with(|c: char| c.is_ascii_uppercase())
            && imported.iter().any(|(n, _)| *n == name)
    };
    if !foreign::is_jsx_component(&name) && !is_imported() {
        return None;
    }
    let target = ["url", "src", "href", "to"].iter().find_map(|attr| {
        tag.attributes
            .get(attr.as_bytes())
            .map(|v| String::from_utf8_lossy(&v.value).trim().to_string())
            .filter(|v| !v.is_empty())
    });
    Some(JsxElement { name, target })
}

/// The written value of the attribute that starts at `start` (`name = "value"`):
/// its range without quotes, and whether it is quoted.
fn value_range(html: &str, start: usize) -> Option<(Range<usize>, bool)> {
    let rest = html.get(start..)?;
    let eq = rest.find('=')?;
    let after = &rest[eq + 1..];
    let value_at = after.len() - after.trim_start().len();
    let value = &after[value_at..];
    let begin = start + eq + 1 + value_at;
    match value.chars().next()? {
        q @ ('"' | '\'') => {
            let end = value[1..].find(q)?;
            Some((begin + 1..begin + 1 + end, true))
        }
        _ => {
            let end = value
                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                .unwrap_or(value.len());
            Some((begin..begin + end, false))
        }
    }
}

impl PageState<'_> {
    /// A raw HTML fragment with its references resolved and rewritten; its ids become
    /// anchors of the page. `after_word`: the fragment follows a letter or digit
    /// (`Array<String>`), so a tag at its start is no JSX component.
    pub(super) fn raw_html(
        &mut self,
        pieces: &[Piece],
        locate: Locate,
        after_word: bool,
    ) -> String {
        let html: String = pieces.iter().map(|p| p.text).collect();
        let found = scan(&html, &self.mdx_imports);
        for id in &found.ids {
            // Headings and steps written later get other ids.
            self.slugger.reserve(id);
            self.out.anchors.push(id.clone());
        }
        self.out.anchors.extend(found.names);
        for (at, component) in &found.components {
            if after_word && *at == 0 {
                continue;
            }
            let (line, column) = locate(source_offset(pieces, *at));
            self.jsx_component(component, line, column);
        }
        for (at, tag) in &found.markdown_attributes {
            let (line, column) = locate(source_offset(pieces, *at));
            self.out.diags.push(foreign::markdown_attribute_warning(
                self.page.site_path,
                tag,
                line,
                column,
            ));
        }
        if found.references.is_empty() {
            return html;
        }
        let mut out = String::with_capacity(html.len() + 32);
        let mut pos = 0;
        for r in &found.references {
            if r.range.start < pos {
                continue;
            }
            let (line, column) = locate(source_offset(pieces, r.range.start));
            let Some(value) = self.raw_reference(r, line, column) else {
                continue;
            };
            out.push_str(&html[pos..r.range.start]);
            if r.quoted {
                out.push_str(&value);
            } else {
                out.push('"');
                out.push_str(&value);
                out.push('"');
            }
            pos = r.range.end;
        }
        out.push_str(&html[pos..]);
        out
    }

    /// The warning of a JSX component at `line`:`column`; an image component showing
    /// another host's image gets the `remote-image` warning too.
    fn jsx_component(&mut self, component: &JsxElement, line: usize, column: usize) {
        let partial = self
            .mdx_imports
            .iter()
            .find(|(name, from)| *name == component.name && foreign::is_markdown_module(from))
            .map(|(_, from)| from.as_str());
        self.out.diags.push(foreign::jsx_warning(
            self.page.site_path,
            component,
            partial,
            false,
            line,
            column,
        ));
        if let Some(target) = component.target.as_deref() {
            if component.is_image() && super::images::is_remote(target) {
                self.resolve_image(target, line, column);
            }
        }
    }

    /// JSX components in a text event (`range` of the run `text`): a tag that markdown
    /// did not take for HTML (`<Tabs values={[ … ]}>` over several lines) and shows
    /// as text. One warning per tag; `\<Tabs`, `&lt;Tabs`, `Array<String>` and a
    /// heredoc's `<<EOF` are none.
    pub(super) fn jsx_tags_in_text(&mut self, text: &str, range: Range<usize>, locate: Locate) {
        let Some(slice) = text.get(range.clone()) else {
            return;
        };
        for (p, _) in slice.match_indices('<') {
            let at = range.start + p;
            let before = text[..at].chars().next_back();
            // `Array<String>`, `\<Tabs>`, a shell heredoc `<<EOL`.
            if before.is_some_and(|c| c.is_alphanumeric() || c == '\\' || c == '<') {
                continue;
            }
            let rest = &text[at + 1..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
                .collect();
            let after = rest[name.len()..].chars().next();
            if !after.is_none_or(|c| c.is_whitespace() || c == '/' || c == '>') {
                continue;
            }
            let imported = name.starts_with(|c: char| c.is_ascii_uppercase())
                && self.mdx_imports.iter().any(|(n, _)| *n == name);
            // In text, a component's name is written in PascalCase: `<EOF` in a shell
            // line is none.
            let pascal = name.chars().any(|c| c.is_lowercase());
            let is_component = imported || (pascal && foreign::is_jsx_component(&name));
            if !is_component {
                continue;
            }
            let (line, column) = locate(at);
            let component = JsxElement { name, target: None };
            self.out.diags.push(foreign::jsx_warning(
                self.page.site_path,
                &component,
                None,
                true,
                line,
                column,
            ));
        }
    }

    /// The new value of a reference (escaped for a quoted attribute), or None to
    /// leave it as written.
    fn raw_reference(&mut self, r: &Reference, line: usize, column: usize) -> Option<String> {
        let value = r.value.trim();
        if value.is_empty() {
            return None;
        }
        match r.kind {
            RefKind::Image => match self.resolve_image(value, line, column) {
                ImageRef::Local(img) => Some(escape(&img.url)),
                ImageRef::AsWritten | ImageRef::Missing => None,
            },
            RefKind::Link => match self.resolve_link(value, line, column) {
                LinkDest::Page(local) => {
                    let mut href = String::new();
                    // Writing into a String cannot fail.
                    let _ = pulldown_cmark_escape::escape_href(&mut href, &local);
                    Some(format!("{VERSION_BASE}{}", escape(&href)))
                }
                LinkDest::File(url) => Some(escape(&url)),
                LinkDest::AsWritten(_) => None,
            },
            RefKind::Media => {
                if super::links::has_scheme(value) || value.starts_with("//") {
                    return None;
                }
                match self.resolve_link(value, line, column) {
                    LinkDest::File(url) => Some(escape(&url)),
                    LinkDest::Page(_) | LinkDest::AsWritten(_) => None,
                }
            }
        }
    }
}

/// The offset in the markdown run of an offset in the joined pieces.
fn source_offset(pieces: &[Piece], offset: usize) -> usize {
    let mut joined = 0;
    for p in pieces {
        if offset < joined + p.text.len() {
            return p.start + (offset - joined);
        }
        joined += p.text.len();
    }
    pieces.last().map_or(0, |p| p.start + p.text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_anchors_and_references() {
        let html = "<a name=\"BKMK_x\"></a><p id='intro'>x</p><img alt=x src=media/a&amp;b.png>\n<!-- <img src=\"c.png\"> --><script>'<img src=d.png>'</script><video poster = \"p.png\"><source src=\"v.mp4\"></video><a href=\"x.md#y\">";
        let s = scan(html, &[]);
        assert_eq!(s.ids, vec!["intro"]);
        assert_eq!(s.names, vec!["BKMK_x"]);
        let refs: Vec<(&str, &str, bool)> = s
            .references
            .iter()
            .map(|r| (r.value.as_str(), &html[r.range.clone()], r.quoted))
            .collect();
        assert_eq!(
            refs,
            vec![
                ("media/a&b.png", "media/a&amp;b.png", false),
                ("p.png", "p.png", true),
                ("v.mp4", "v.mp4", true),
                ("x.md#y", "x.md#y", true),
            ]
        );
    }

    #[test]
    fn offsets_map_back_to_pieces() {
        let pieces = [
            Piece {
                text: "<p>\n",
                start: 10,
            },
            Piece {
                text: "<img>\n",
                start: 30,
            },
        ];
        assert_eq!(source_offset(&pieces, 0), 10);
        assert_eq!(source_offset(&pieces, 5), 31);
    }
}
