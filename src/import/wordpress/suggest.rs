//! Suggestions for a candidate caveat: the step or heading its thread is about, and
//! how severe it sounds. Both are only suggestions; the author reviews each candidate.
//!
//! **Step.** The guide is rendered by the project's own renderer, so the ids are the
//! ones the build will give: every heading (with the text under it), and every step
//! (`RenderedMarkdown::steps`: `step-N`, `<heading>-step-N`). The thread is scored
//! against each target with BM25 over the project's search terms (stemmed, common
//! words out), which favours a step that shares the thread's rarer words over a long
//! section that shares many common ones. A target needs at least `MIN_SHARED`
//! distinct shared terms; otherwise the caveat gets no step and sits at the top.
//!
//! **Severity** (first rule that matches, on whole words):
//! - `danger` when the thread speaks of loss or of what cannot be undone
//!   ("data loss", "deleted", "cannot be undone", "permanently", "locked out", …);
//! - `warning` when it speaks of a failure or a limit ("cannot", "can't", "unable",
//!   "error", "fails", "not recognized", "doesn't work", "missing", "not supported",
//!   "only", "must", …);
//! - `note` when it reads as a tip ("you can also", "alternatively", "tip", "faster",
//!   "shortcut", …);
//! - `warning` otherwise: SPEC §3.4's default, and what a reader's report of a
//!   surprise usually is ("the partner of record is per subscription, not the tenant").

use super::html::IMAGE_MARK;
use crate::markdown::RenderedMarkdown;
use crate::search::text::{terms, tokenize};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Distinct terms a thread must share with a target for it to be suggested.
const MIN_SHARED: usize = 2;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Words of conversation that say nothing about which step a thread is about.
const CHATTER: &[&str] = &[
    "i", "you", "my", "me", "we", "our", "your", "can", "if", "there", "what", "any", "do", "does",
    "did", "not", "but", "so", "just", "all", "also", "get", "would", "could", "should", "how",
    "why", "when", "they", "them", "their", "he", "she", "his", "her", "am", "been", "some", "no",
    "yes", "out", "up", "about", "than", "then", "here", "which", "who", "still", "very", "much",
    "more", "other", "same", "too", "don", "doesn", "isn", "ve", "ll", "re", "thanks", "thank",
    "hi", "hello", "reply", "help", "anyone", "one", "know", "tried", "try", "please", "need",
    "want", "have", "had", "make", "made", "see", "seem", "seems",
];

/// Something a caveat's `step` can name: a heading or a step of the rendered guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: String,
    /// What the report shows: the heading's text, or the step's first words.
    pub label: String,
    /// The words it is matched on.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepSuggestion {
    pub id: String,
    pub label: String,
    /// The thread's words the target shares (one per search term), for the reviewer.
    pub shared: Vec<String>,
}

/// The headings and steps of a rendered guide, in page order (headings first).
pub fn targets(rendered: &RenderedMarkdown) -> Vec<Target> {
    let mut targets: Vec<Target> = rendered
        .headings
        .iter()
        .map(|h| {
            let under: Vec<&str> = rendered
                .passages
                .iter()
                .filter(|p| {
                    p.caveat.is_none() && p.heading.as_ref().is_some_and(|(id, _)| *id == h.id)
                })
                .map(|p| p.text.as_str())
                .collect();
            Target {
                id: h.id.clone(),
                label: h.text.clone(),
                text: format!("{} {}", h.text, under.join(" ")),
            }
        })
        .collect();
    targets.extend(rendered.steps.iter().map(|step| {
        let text = step
            .text
            .replace(IMAGE_MARK, "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Target {
            id: step.id.clone(),
            label: first_words(&text, 8),
            text,
        }
    }));
    targets
}

fn first_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= n {
        words.join(" ")
    } else {
        format!("{} …", words[..n].join(" "))
    }
}

/// The search terms of a thread, less conversation, each with the first word of the
/// thread that gave it (what the report shows).
fn thread_terms(text: &str) -> BTreeMap<String, String> {
    let chatter: HashSet<String> = CHATTER.iter().flat_map(|w| terms(w)).collect();
    let mut found = BTreeMap::new();
    for word in tokenize(text)
        .into_iter()
        .filter(|w| !CHATTER.contains(&w.as_str()))
    {
        for term in terms(&word).into_iter().filter(|t| !chatter.contains(t)) {
            found.entry(term).or_insert_with(|| word.clone());
        }
    }
    found
}

/// The target a thread is most about, if one shares enough of its words.
pub fn suggest_step(thread: &str, targets: &[Target]) -> Option<StepSuggestion> {
    let query = thread_terms(thread);
    if query.is_empty() || targets.is_empty() {
        return None;
    }
    let docs: Vec<Vec<String>> = targets.iter().map(|t| terms(&t.text)).collect();
    let n = docs.len() as f64;
    let average = docs.iter().map(Vec::len).sum::<usize>() as f64 / n;
    let mut df: HashMap<&str, usize> = HashMap::new();
    for doc in &docs {
        for term in doc.iter().collect::<HashSet<_>>() {
            *df.entry(term.as_str()).or_default() += 1;
        }
    }
    let mut best: Option<(f64, usize, Vec<String>)> = None;
    for (i, doc) in docs.iter().enumerate() {
        let mut tf: HashMap<&str, usize> = HashMap::new();
        for term in doc {
            *tf.entry(term.as_str()).or_default() += 1;
        }
        let shared: Vec<String> = query
            .keys()
            .filter(|q| tf.contains_key(q.as_str()))
            .cloned()
            .collect();
        if shared.len() < MIN_SHARED {
            continue;
        }
        let length = doc.len() as f64 / average.max(1.0);
        let score: f64 = shared
            .iter()
            .map(|term| {
                let f = tf[term.as_str()] as f64;
                let d = df[term.as_str()] as f64;
                let idf = ((n - d + 0.5) / (d + 0.5) + 1.0).ln();
                idf * f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * length))
            })
            .sum();
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, i, shared));
        }
    }
    best.map(|(_, i, shared)| StepSuggestion {
        id: targets[i].id.clone(),
        label: targets[i].label.clone(),
        shared: shared
            .iter()
            .filter_map(|t| query.get(t).cloned())
            .collect(),
    })
}

const DANGER: &[&str] = &[
    "data loss",
    "lose data",
    "lost data",
    "lose all",
    "lost all",
    "deleted",
    "deletes",
    "wiped",
    "wipes",
    "cannot be undone",
    "can't be undone",
    "can not be undone",
    "irreversible",
    "permanently",
    "locked out",
    "outage",
    "security hole",
    "breach",
    "billed twice",
    "charged twice",
];
const WARNING: &[&str] = &[
    "cannot",
    "can't",
    "can not",
    "cant",
    "unable",
    "not able",
    "error",
    "errors",
    "fail",
    "fails",
    "failed",
    "failing",
    "failure",
    "not recognized",
    "not recognised",
    "doesn't work",
    "does not work",
    "not working",
    "won't",
    "will not",
    "missing",
    "not supported",
    "does not support",
    "do not support",
    "not possible",
    "impossible",
    "only",
    "must",
    "wrong",
    "problem",
    "problems",
    "issue",
    "broken",
];

const TIP: &[&str] = &[
    "you can also",
    "can also",
    "alternatively",
    "tip",
    "another way",
    "faster",
    "quicker",
    "shortcut",
    "easier",
    "by the way",
    "fyi",
    "handy",
];

/// The suggested severity and the words that decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Severity {
    pub level: &'static str,
    /// The phrase that decided it; None when no rule matched (the default).
    pub because: Option<String>,
}

pub fn severity(text: &str) -> Severity {
    // Lowercase words with their apostrophes (typographic ones made straight), so that
    // "can’t" matches "can't" and phrases match only whole words.
    let words: String = text
        .to_lowercase()
        .chars()
        .map(|c| match c {
            '’' | '‘' | '\'' => '\'',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    let padded = format!(" {} ", crate::whitespace::collapse(&words));
    let find = |list: &[&str]| {
        list.iter()
            .find(|phrase| padded.contains(&format!(" {phrase} ")))
            .map(|p| p.to_string())
    };
    if let Some(p) = find(DANGER) {
        return Severity {
            level: "danger",
            because: Some(p),
        };
    }
    if let Some(p) = find(WARNING) {
        return Severity {
            level: "warning",
            because: Some(p),
        };
    }
    if let Some(p) = find(TIP) {
        return Severity {
            level: "note",
            because: Some(p),
        };
    }
    Severity {
        level: "warning",
        because: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: &str, text: &str) -> Target {
        Target {
            id: id.into(),
            label: text.into(),
            text: text.into(),
        }
    }

    #[test]
    fn the_step_sharing_the_rarer_words_wins() {
        let targets = vec![
            t("step-1", "In the admin console, select Licensing"),
            t(
                "step-2",
                "On the Licenses page, select one of the active subscriptions",
            ),
            t(
                "step-3",
                "On the subscription details page, find the partner information box",
            ),
            t("step-4", "Enter your partner ID and select OK"),
        ];
        let s = suggest_step(
            "You are partner of record on each license subscription, not the tenant. I had two subscriptions.",
            &targets,
        )
        .unwrap();
        assert_eq!(s.id, "step-2", "{s:?}");
        let s = suggest_step(
            "The partner ID I enter is not recognized, what now?",
            &targets,
        )
        .unwrap();
        assert_eq!(s.id, "step-4", "{s:?}");
        assert_eq!(
            suggest_step("Is this still true in 2024? Asking for a friend", &targets),
            None
        );
    }

    #[test]
    fn steps_of_the_rendering_are_targets_after_its_headings() {
        let step = |id: &str, text: &str| crate::markdown::Step {
            id: id.into(),
            number: 1,
            heading: None,
            variants: None,
            text: text.into(),
        };
        let rendered = RenderedMarkdown {
            steps: vec![
                step("a-step-1", "First  one"),
                step("step-1", "one two three four five six seven eight nine"),
            ],
            ..Default::default()
        };
        let got: Vec<(String, String, String)> = targets(&rendered)
            .into_iter()
            .map(|t| (t.id, t.label, t.text))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a-step-1".into(), "First one".into(), "First one".into()),
                (
                    "step-1".into(),
                    "one two three four five six seven eight …".into(),
                    "one two three four five six seven eight nine".into()
                ),
            ]
        );
    }

    #[test]
    fn severities() {
        assert_eq!(
            severity("Tenants created by a syndicator cannot change it").level,
            "warning"
        );
        assert_eq!(
            severity("the ID isn’t recognized; can’t find it")
                .because
                .as_deref(),
            Some("can't")
        );
        assert_eq!(
            severity("Removing the partner deleted our settings").level,
            "danger"
        );
        assert_eq!(
            severity("You can also use PowerShell for this").level,
            "note"
        );
    }
}
