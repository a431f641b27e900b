//! Search passages: the text of a page cut at its headings, variant panels and
//! caveats, gathered while the page is rendered.

use super::{Caveat, PageState, Passage};
use pulldown_cmark::{Event, TagEnd};

/// Bytes reserved for the text of a passage as it is captured.
const PASSAGE_TEXT_ROOM: usize = 512;

impl PageState<'_> {
    /// Starts a new passage under the current heading and variant scope.
    pub(super) fn start_passage(&mut self) {
        self.out.passages.push(Passage {
            heading: self.current_heading.clone(),
            anchor: None,
            variants: self.variant_scope.clone(),
            caveat: None,
            // Room for a typical passage's text (about 500 bytes on the benchmark
            // corpus): grown from nothing it was reallocated and copied six times or
            // so. `collapse` makes the text that is kept, at its own size.
            text: String::with_capacity(PASSAGE_TEXT_ROOM),
        });
    }

    pub(super) fn push_passage_text(&mut self, text: &str) {
        if self.in_caveat {
            return;
        }
        if let Some(p) = self.out.passages.last_mut() {
            p.text.push_str(text);
            p.text.push(' ');
        }
    }

    /// Adds the words of a rendered event to the current passage.
    pub(super) fn capture_text(&mut self, event: &Event) {
        match event {
            Event::Text(t) | Event::Code(t) => {
                if let Some(p) = self.out.passages.last_mut().filter(|_| !self.in_caveat) {
                    p.text.push_str(t);
                }
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::Heading(_),
            ) => {
                self.push_passage_text("");
            }
            _ => {}
        }
    }

    /// A caveat becomes a passage of its own; the text after it starts a new one.
    pub(super) fn add_caveat_passage(&mut self, caveat: &Caveat) {
        self.out.passages.push(Passage {
            heading: caveat.step.clone(),
            anchor: Some(caveat.id.clone()),
            variants: caveat.variants.clone(),
            caveat: Some(caveat.id.clone()),
            text: caveat.text.clone(),
        });
        self.start_passage();
    }
}
