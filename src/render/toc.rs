//! A guide's contents list: its entries from the page's headings (`toc`), and the
//! list the default `guide.html` writes for them (`write_toc`), which a page spliced
//! by `splice` gets written by guidepost instead of by a tera loop (a tera lookup per
//! field of each entry).

use super::context::TocEntry;
use crate::html::escape_into;

/// The contents list of a page with `headings`: each `##` with the `###` headings
/// that follow it nested under it. A `###` goes under the entry just before it when
/// that is a `##` shown to the same readers (the same variant block, or none for the
/// `##`); else, like a `###` before any `##`, it is an entry of its own, so that the
/// entries keep the page's order.
pub(super) fn toc(headings: &[crate::markdown::Heading]) -> Vec<TocEntry<'_>> {
    let mut entries: Vec<TocEntry> = Vec::new();
    for h in headings.iter().filter(|h| (2..=3).contains(&h.level)) {
        let entry = TocEntry {
            level: h.level,
            id: &h.id,
            text: &h.text,
            variants: h.variants.as_ref().map(|v| v.join(" ")),
            children: Vec::new(),
        };
        let parent = entries.last_mut().filter(|p| {
            h.level == 3 && p.level == 2 && (p.variants.is_none() || p.variants == entry.variants)
        });
        match parent {
            Some(p) => p.children.push(entry),
            None => entries.push(entry),
        }
    }
    entries
}

/// What the default `guide.html`'s loop over `page.toc` writes for `entries`,
/// appended to `out`.
pub(super) fn write_toc(out: &mut String, entries: &[TocEntry]) {
    for h in entries {
        write_entry_start(out, h);
        if !h.children.is_empty() {
            out.push_str("<ul>");
            for c in &h.children {
                write_entry_start(out, c);
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        out.push_str("</li>");
    }
}

/// An entry's `<li>` start tag and link.
fn write_entry_start(out: &mut String, h: &TocEntry) {
    // Tera tests a string's truth by its being empty.
    let variants = h.variants.as_deref().filter(|v| !v.is_empty());
    out.push_str("<li class=\"toc-h");
    out.push_str(&h.level.to_string());
    if variants.is_some() {
        out.push_str(" for-variant");
    }
    out.push('"');
    if let Some(v) = variants {
        out.push_str(" data-variant=\"");
        escape_into(out, v);
        out.push('"');
    }
    out.push_str("><a href=\"#");
    escape_into(out, h.id);
    out.push_str("\">");
    escape_into(out, h.text);
    out.push_str("</a>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(level: u8, id: &str, variants: Option<&str>) -> crate::markdown::Heading {
        crate::markdown::Heading {
            level,
            id: id.into(),
            text: id.to_uppercase(),
            variants: variants.map(|v| vec![v.to_string()]),
        }
    }

    #[test]
    fn contents_list_nests_third_level_headings() {
        let headings = [
            heading(1, "title", None),
            heading(3, "orphan", None),
            heading(2, "a", None),
            heading(3, "a1", None),
            heading(4, "deep", None),
            heading(3, "a2", Some("sb")),
            heading(2, "b", Some("sb")),
            heading(3, "b1", Some("ent")),
            heading(3, "b2", Some("sb")),
            heading(2, "c", Some("sb")),
            heading(3, "c1", Some("sb")),
        ];
        let toc = toc(&headings);
        let shape: Vec<(&str, Vec<&str>)> = toc
            .iter()
            .map(|e| (e.id, e.children.iter().map(|c| c.id).collect()))
            .collect();
        assert_eq!(
            shape,
            vec![
                ("orphan", vec![]),
                ("a", vec!["a1", "a2"]),
                ("b", vec![]),
                ("b1", vec![]),
                // Entries keep the page's order: after `b1`, `b2` has no `##` above it.
                ("b2", vec![]),
                ("c", vec!["c1"]),
            ]
        );
        assert_eq!(toc[1].children[1].variants.as_deref(), Some("sb"));
    }

    /// What the default `guide.html`'s loop writes for `entries`, by tera.
    fn by_tera(entries: &[TocEntry]) -> String {
        let mut context = tera::Context::new();
        context.insert("page", &serde_json::json!({ "toc": entries }));
        super::super::default_template_part(
            include_str!("../../themes/default/templates/guide.html"),
            "{% for h in page.toc %}",
            "{% endif %}</li>{% endfor %}",
            &context,
        )
    }

    #[test]
    fn the_written_contents_list_is_the_default_templates_byte_for_byte() {
        let mut headings = vec![
            heading(3, "orphan", None),
            heading(2, "a&b", None),
            heading(3, "a1", None),
            heading(3, "a2", Some("sb")),
            heading(2, "b", Some("sb")),
            heading(3, "b1", Some("ent")),
            heading(2, "c", Some("")),
            heading(3, "c1", Some("")),
        ];
        headings[1].text = "<Tom & \"Jerry's\">".into();
        headings[4].variants = Some(vec!["sb".into(), "a<b".into()]);
        let entries = toc(&headings);
        let mut written = String::new();
        write_toc(&mut written, &entries);
        assert_eq!(written, by_tera(&entries));
        assert!(written.contains("data-variant=\"sb a&lt;b\""), "{written}");
        let mut empty = String::new();
        write_toc(&mut empty, &[]);
        assert_eq!(empty, by_tera(&[]));
    }
}
