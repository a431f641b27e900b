//! Link reference definitions (`[label]: url "title"`) for the whole page.
//!
//! CommonMark lets `[text][label]` and `[label]` name a definition anywhere in the
//! document. The directive pre-pass cuts a page into runs that are parsed one by one
//! (the text around a `::: variant` block, an MkDocs admonition or a row of tabs), so
//! a run would only see its own definitions: a MkDocs page, which keeps its
//! definitions at the bottom below its admonitions and tabs, lost most of its links
//! (shown as literal `[text]`). Each run therefore looks up what it lacks here.

use super::directives::{Block, Doc, ForeignBody};
use pulldown_cmark::{BrokenLink, CowStr, Parser};
use std::collections::HashMap;

/// The definitions of a page by normalized label: (destination, title).
#[derive(Debug, Default)]
pub(super) struct PageRefs(HashMap<String, (String, String)>);

impl PageRefs {
    /// The definitions of every run of `doc`, when it has more than one run (a single
    /// run resolves its own); the first definition of a label wins, as in CommonMark.
    pub(super) fn of(doc: &Doc) -> PageRefs {
        let mut refs = PageRefs::default();
        let one_run = matches!(doc.blocks.as_slice(), [] | [Block::Markdown { .. }]);
        if !one_run {
            refs.collect(&doc.blocks, doc);
        }
        refs
    }

    fn collect(&mut self, blocks: &[Block], doc: &Doc) {
        for block in blocks {
            match block {
                Block::Markdown { range, .. } => self.collect_run(&doc.text[range.clone()]),
                Block::Directive(d) => self.collect(&d.body, doc),
                Block::Foreign(f) => match &f.body {
                    ForeignBody::Callout { doc, .. } => self.collect(&doc.blocks, doc),
                    ForeignBody::Tabs(tabs) => {
                        for (_, doc) in tabs {
                            self.collect(&doc.blocks, doc);
                        }
                    }
                },
            }
        }
    }

    fn collect_run(&mut self, text: &str) {
        if !text.contains("]:") {
            return; // no definition can be there; skip the parse
        }
        let parser = Parser::new_ext(text, super::options());
        // Sorted, so that which of two spellings of one label wins does not depend
        // on the map's order.
        let mut defs: Vec<_> = parser.reference_definitions().iter().collect();
        defs.sort_by_key(|(_, def)| def.span.start);
        for (label, def) in defs {
            let title = def.title.as_deref().unwrap_or_default().to_string();
            self.0
                .entry(normalized(label))
                .or_insert_with(|| (def.dest.to_string(), title));
        }
    }

    /// What a reference that its own run does not define resolves to, if the page
    /// defines it elsewhere (pulldown-cmark's broken-link callback).
    pub(super) fn resolve<'a>(&self, link: BrokenLink<'_>) -> Option<(CowStr<'a>, CowStr<'a>)> {
        let (dest, title) = self.0.get(&normalized(&link.reference))?;
        Some((dest.clone().into(), title.clone().into()))
    }
}

/// A label as CommonMark matches it: case-insensitive, inner whitespace collapsed.
fn normalized(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn refs(body: &str) -> PageRefs {
        let mut diags = Vec::new();
        let doc = super::super::directives::parse(body, 1, Path::new("a.md"), &mut diags);
        PageRefs::of(&doc)
    }

    fn lookup(refs: &PageRefs, label: &str) -> Option<(String, String)> {
        let link = BrokenLink {
            span: 0..0,
            link_type: pulldown_cmark::LinkType::Shortcut,
            reference: label.into(),
        };
        refs.resolve(link)
            .map(|(d, t)| (d.to_string(), t.to_string()))
    }

    #[test]
    fn definitions_of_every_run_inside_blocks_too() {
        let r = refs(
            "[a] and [b]\n\n!!! note\n\n    body [c]\n\n    [c]: c.md\n\n  [A]: a.md \"Title\"\n  [Second  Label]: b.md\n  [a]: later.md\n",
        );
        assert_eq!(lookup(&r, "a"), Some(("a.md".into(), "Title".into())));
        assert_eq!(
            lookup(&r, "SECOND label"),
            Some(("b.md".into(), String::new()))
        );
        assert_eq!(lookup(&r, "c"), Some(("c.md".into(), String::new())));
        assert_eq!(lookup(&r, "missing"), None);
    }

    #[test]
    fn a_page_of_one_run_needs_none() {
        assert_eq!(lookup(&refs("[a]\n\n[a]: a.md\n"), "a"), None);
    }
}
