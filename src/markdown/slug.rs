//! Heading ids: GitHub-style slugs, de-duplicated within a page.

use rustc_hash::FxHashSet;

/// Lowercase letters and digits kept, spaces and dashes become `-`, the rest dropped.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' {
            slug.extend(c.to_lowercase());
        } else if (c == ' ' || c == '-') && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        "section".into()
    } else {
        slug.to_string()
    }
}

/// Hands out unique ids for one page: a repeated slug gets `-1`, `-2`, ….
#[derive(Debug, Default)]
pub struct Slugger {
    used: FxHashSet<String>,
}

impl Slugger {
    /// Reserves an id chosen by the author (`{#id}`); returns false if it was taken.
    pub fn reserve(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
    }

    pub fn unique(&mut self, text: &str) -> String {
        self.unique_id(&slugify(text))
    }

    /// `id` itself when the page does not have it yet, else `id-1`, `id-2`, ….
    pub fn unique_id(&mut self, id: &str) -> String {
        if !self.used.contains(id) {
            self.used.insert(id.to_string());
            return id.to_string();
        }
        (1..)
            .map(|n| format!("{id}-{n}"))
            .find(|candidate| self.used.insert(candidate.clone()))
            .unwrap_or_else(|| id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Verify the Partner of Record"),
            "verify-the-partner-of-record"
        );
        assert_eq!(
            slugify("Step 2: choose a subscription!"),
            "step-2-choose-a-subscription"
        );
        assert_eq!(slugify("  --  "), "section");
        assert_eq!(slugify("Über café"), "über-café");
    }

    #[test]
    fn duplicates_are_numbered() {
        let mut s = Slugger::default();
        assert_eq!(s.unique("Steps"), "steps");
        assert_eq!(s.unique("Steps"), "steps-1");
        assert!(s.reserve("custom"));
        assert_eq!(s.unique("Custom"), "custom-1");
    }
}
