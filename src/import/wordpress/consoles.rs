//! Which console of site.toml a piece of text names, by the words of the variants'
//! labels: "From the Small Business Office 365 Administrative console" names the
//! variant labelled "Small Business admin console".
//!
//! A label's telling words are its words less the generic ones ("admin", "console",
//! "and", …) and less those every label shares ("business" in "Small Business …" and
//! "Midsized Business and Enterprise …"). A text names the variant with the largest
//! share of its telling words present, when that variant is the only one with that share.

use crate::search::text::tokenize;
use std::collections::HashSet;

/// Words of a console's label that say nothing about which console it is.
const GENERIC: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "for",
    "to",
    "in",
    "on",
    "admin",
    "administrator",
    "administrative",
    "administration",
    "console",
    "center",
    "centre",
    "portal",
    "edition",
    "version",
    "plan",
    "site",
    "web",
    "app",
    "ui",
];

#[derive(Debug, Clone)]
pub struct Consoles {
    /// (variant id, its telling words)
    variants: Vec<(String, Vec<String>)>,
}

impl Consoles {
    /// From the site's variants as (id, label).
    pub fn new(variants: &[(String, String)]) -> Consoles {
        let words_of = |id: &str, label: &str| -> Vec<String> {
            let words: Vec<String> = tokenize(label)
                .into_iter()
                .filter(|w| !GENERIC.contains(&w.as_str()))
                .collect();
            if words.is_empty() {
                tokenize(id)
                    .into_iter()
                    .filter(|w| !GENERIC.contains(&w.as_str()))
                    .collect()
            } else {
                words
            }
        };
        let all: Vec<(String, Vec<String>)> = variants
            .iter()
            .map(|(id, label)| (id.clone(), dedup(words_of(id, label))))
            .collect();
        let shared: HashSet<&String> = match all.split_first() {
            Some((first, rest)) if !rest.is_empty() => first
                .1
                .iter()
                .filter(|w| rest.iter().all(|(_, ws)| ws.contains(w)))
                .collect(),
            _ => HashSet::new(),
        };
        let variants = all
            .iter()
            .map(|(id, words)| {
                let telling: Vec<String> = words
                    .iter()
                    .filter(|w| !shared.contains(w))
                    .cloned()
                    .collect();
                (
                    id.clone(),
                    if telling.is_empty() {
                        words.clone()
                    } else {
                        telling
                    },
                )
            })
            .collect();
        Consoles { variants }
    }

    pub fn is_empty(&self) -> bool {
        self.variants.is_empty()
    }

    /// The id of the one console `text` names, if it names exactly one.
    pub fn named_in(&self, text: &str) -> Option<&str> {
        let words: HashSet<String> = tokenize(text).into_iter().collect();
        let scores: Vec<(f64, &str)> = self
            .variants
            .iter()
            .filter(|(_, telling)| !telling.is_empty())
            .map(|(id, telling)| {
                let found = telling.iter().filter(|w| words.contains(*w)).count();
                (found as f64 / telling.len() as f64, id.as_str())
            })
            .collect();
        let best = scores.iter().map(|(s, _)| *s).fold(0.0, f64::max);
        if best <= 0.0 {
            return None;
        }
        let mut at_best = scores.iter().filter(|(s, _)| *s == best);
        match (at_best.next(), at_best.next()) {
            (Some((_, id)), None) => Some(id),
            _ => None,
        }
    }
}

fn dedup(words: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    words
        .into_iter()
        .filter(|w| seen.insert(w.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Consoles {
        Consoles::new(&[
            (
                "small-business".into(),
                "Small Business admin console".into(),
            ),
            (
                "enterprise".into(),
                "Midsized Business and Enterprise admin console".into(),
            ),
        ])
    }

    #[test]
    fn the_seed_post_names_both_consoles() {
        let c = sample();
        assert_eq!(
            c.named_in(
                "From the Small Business Office 365 Administrative console, select the link"
            ),
            Some("small-business")
        );
        assert_eq!(
            c.named_in(
                "From the Midsized Business or Enterprise Office 365 Administrative console"
            ),
            Some("enterprise")
        );
        assert_eq!(c.named_in("In the Enterprise console"), Some("enterprise"));
    }

    #[test]
    fn generic_or_shared_words_name_nothing() {
        let c = sample();
        assert_eq!(
            c.named_in("From the admin console, select Business settings"),
            None
        );
        assert_eq!(c.named_in("Open the portal"), None);
    }

    #[test]
    fn three_consoles_sharing_a_word() {
        let c = Consoles::new(&[
            ("sb".into(), "Small Business".into()),
            ("mb".into(), "Midsized Business".into()),
            ("ent".into(), "Enterprise".into()),
        ]);
        assert_eq!(c.named_in("the Small Business console"), Some("sb"));
        assert_eq!(
            c.named_in("a Business console"),
            None,
            "a tie names nothing"
        );
    }
}
