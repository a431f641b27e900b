//! Steps (SPEC §3, §8): each item of an ordered list that is not nested in another
//! list gets a page-unique id (`step-N`, or `<heading id>-step-N` under a heading; N
//! as displayed) and a small link to itself, so that a reader, a caveat or a report
//! can name one step. The page's steps are returned with it (`Step`).

use super::report_marks::link_mark;
use super::rewrite::{item_text, Rewriter};
use super::{PageState, Step};
use crate::html::escape;

impl PageState<'_> {
    /// Opens the `<li>` of step `number`, whose item starts at event `i`.
    pub(super) fn open_step(
        &mut self,
        events: &super::rewrite::Events,
        i: usize,
        number: u64,
        rw: &mut Rewriter,
    ) {
        let base = match &self.current_heading {
            Some((heading, _)) => format!("{heading}-step-{number}"),
            None => format!("step-{number}"),
        };
        let id = self.slugger.unique_id(&base);
        rw.html(format!(
            "<li id=\"{id}\"><a class=\"step-link\" href=\"#{id}\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">Link to step {number}</span></a>{report}",
            id = escape(&id),
            // Where the renderer puts the step's report link (SPEC §3.6).
            report = link_mark(&id),
        ));
        self.out.anchors.push(id.clone());
        // What the page's caveat summary calls the step.
        let title = match &self.current_heading {
            Some((_, heading)) => format!("{heading}, step {number}"),
            None => format!("Step {number}"),
        };
        self.out.steps.push(Step {
            id: id.clone(),
            number,
            heading: self.current_heading.clone(),
            variants: self.variant_scope.clone(),
            text: item_text(events, i),
        });
        rw.open_items.push(Some((id, title)));
    }

    /// The front matter caveats whose `step` names this step, for the end of its `<li>`.
    pub(super) fn close_step(&mut self, id: &str, title: &str) -> String {
        self.caveats_after_heading(id, title)
    }
}
