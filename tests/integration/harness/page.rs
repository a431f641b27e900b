//! Checks on an output page, parsed as HTML with `scraper`.

use scraper::{ElementRef, Html, Selector};

pub struct Page {
    pub html: Html,
}

impl Page {
    /// A page from HTML text (a file of a `MemorySink`, say).
    pub fn parse(html: &str) -> Page {
        Page {
            html: Html::parse_document(html),
        }
    }

    pub fn select(&self, css: &str) -> Vec<ElementRef<'_>> {
        let sel = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"));
        self.html.select(&sel).collect()
    }

    pub fn one(&self, css: &str) -> ElementRef<'_> {
        let found = self.select(css);
        assert_eq!(
            found.len(),
            1,
            "expected one `{css}`, found {}",
            found.len()
        );
        found[0]
    }

    pub fn text(&self, css: &str) -> String {
        text_of(self.one(css))
    }

    pub fn attr(&self, css: &str, attr: &str) -> String {
        self.one(css)
            .value()
            .attr(attr)
            .unwrap_or_else(|| panic!("`{css}` has no {attr}"))
            .to_string()
    }

    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.select(css)
            .iter()
            .filter_map(|e| e.value().attr(attr).map(String::from))
            .collect()
    }

    pub fn texts(&self, css: &str) -> Vec<String> {
        self.select(css).into_iter().map(text_of).collect()
    }
}

/// The text of a step (`li`) as the reader reads it: without its `a.step-link`.
pub fn step_text(e: ElementRef) -> String {
    e.descendants()
        .filter(|n| {
            !n.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|el| el.name() == "a" && el.classes().any(|c| c == "step-link"))
            })
        })
        .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn text_of(e: ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
