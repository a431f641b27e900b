//! What an import did (or, with `--dry-run`, would do), per post: the guide, its
//! screenshots copied and missing, the steps and variant groups made, the candidate
//! caveats with their suggested steps, the comments skipped and why. Printed as text
//! for a person or as one JSON object (`--format json`).

use super::comments::Skipped;
use super::images::{Copy, Missing};
use super::steps::StepsOutcome;
use super::suggest::{Severity, StepSuggestion};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub export: String,
    pub dry_run: bool,
    /// The folder the guides went to, relative to the site root.
    pub section: String,
    pub guides: Vec<GuideReport>,
    /// Posts and pages that were not imported, and why.
    pub not_imported: Vec<NotImported>,
    /// Items of other kinds in the export (attachments, menu items, …), counted.
    pub other_items: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GuideReport {
    pub title: String,
    pub slug: String,
    pub post_type: String,
    /// The post's address on the blog.
    pub source: String,
    /// The guide's file, relative to the site root.
    pub guide: String,
    pub steps: StepsOutcome,
    pub screenshots_copied: Vec<Copy>,
    pub screenshots_missing: Vec<Missing>,
    /// Screenshots without alt text or caption (the build warns about each).
    pub without_alt: Vec<String>,
    pub candidates: Vec<CandidateReport>,
    pub comments_skipped: Vec<Skipped>,
    /// What the conversion removed or left as written.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CandidateReport {
    pub comment: String,
    pub author: String,
    pub replies: usize,
    /// None: nothing in the guide matches the thread well; the caveat sits at the top.
    pub step: Option<StepSuggestion>,
    pub severity: Severity,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotImported {
    pub title: String,
    pub slug: String,
    pub post_type: String,
    pub reason: String,
}

impl Report {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn to_human(&self) -> String {
        let mut s = String::new();
        for guide in &self.guides {
            guide.write_human(&mut s, self.dry_run);
        }
        if !self.not_imported.is_empty() {
            let _ = writeln!(s, "Not imported:");
            for n in &self.not_imported {
                let _ = writeln!(
                    s,
                    "  {} `{}` \"{}\": {}",
                    n.post_type, n.slug, n.title, n.reason
                );
            }
            s.push('\n');
        }
        let others: Vec<String> = self
            .other_items
            .iter()
            .map(|(kind, n)| format!("{kind} × {n}"))
            .collect();
        if !others.is_empty() {
            let _ = writeln!(
                s,
                "Other items of the export, not imported: {}\n",
                others.join(", ")
            );
        }
        let verb = if self.dry_run {
            "Would import"
        } else {
            "Imported"
        };
        let candidates: usize = self.guides.iter().map(|g| g.candidates.len()).sum();
        let copied: usize = self.guides.iter().map(|g| g.screenshots_copied.len()).sum();
        let missing: usize = self
            .guides
            .iter()
            .map(|g| g.screenshots_missing.len())
            .sum();
        let _ = write!(
            s,
            "{verb} {} from {} into {}/: {}, {}, {} missing",
            plural(self.guides.len(), "guide"),
            self.export,
            self.section,
            plural(candidates, "candidate caveat"),
            plural(copied, "screenshot"),
            missing
        );
        if self.dry_run {
            s.push_str(" (dry run: nothing written)");
        }
        s.push('\n');
        s
    }
}

impl GuideReport {
    fn write_human(&self, s: &mut String, dry_run: bool) {
        let verb = if dry_run { "would write" } else { "wrote" };
        let _ = writeln!(
            s,
            "{} \"{}\" → {verb} {}",
            self.post_type, self.title, self.guide
        );
        if !self.source.is_empty() {
            let _ = writeln!(s, "  from {}", self.source);
        }
        if self.steps.steps > 0 {
            let _ = writeln!(
                s,
                "  steps: {} made from numbered paragraphs (a variant group counts once)",
                self.steps.steps
            );
        }
        for g in &self.steps.variant_groups {
            let _ = writeln!(
                s,
                "  variant group at step {}: {}",
                g.step,
                g.variants.join(", ")
            );
        }
        for k in &self.steps.kept_as_written {
            let _ = writeln!(
                s,
                "  alternatives of step {} kept as written: {}",
                k.step, k.reason
            );
        }
        section(s, "screenshots copied", &self.screenshots_copied, |c| {
            format!("{} ← {}", c.to, c.url)
        });
        section(s, "screenshots missing", &self.screenshots_missing, |m| {
            format!("{} ({})", m.url, m.reason)
        });
        section(
            s,
            "without alt text or caption (the build warns)",
            &self.without_alt,
            |w| w.clone(),
        );
        section(s, "candidate caveats", &self.candidates, |c| {
            let step = match &c.step {
                Some(step) => format!(
                    "step `{}` \"{}\" (shares: {})",
                    step.id,
                    step.label,
                    step.shared.join(", ")
                ),
                None => "no step (nothing in the guide matches well)".into(),
            };
            let because = match &c.severity.because {
                Some(b) => format!(" (\"{b}\")"),
                None => " (the default)".into(),
            };
            let replies = match c.replies {
                0 => String::new(),
                n => format!(" + {}", plural(n, "reply")),
            };
            format!(
                "comment {} by {}{replies}: {}{because}, {step}",
                c.comment, c.author, c.severity.level
            )
        });
        section(s, "comments skipped", &self.comments_skipped, |k| {
            format!("comment {} by {}: {}", k.comment, k.author, k.reason)
        });
        section(s, "notes", &self.notes, |n| n.clone());
        s.push('\n');
    }
}

fn section<T>(s: &mut String, title: &str, items: &[T], line: impl Fn(&T) -> String) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(s, "  {title} ({}):", items.len());
    for item in items {
        let _ = writeln!(s, "    {}", line(item));
    }
}

fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("1 {word}"),
        (_, "reply") => format!("{n} replies"),
        _ => format!("{n} {word}s"),
    }
}
