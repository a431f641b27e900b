//! Values made once per key and shared: for work that identical inputs have in
//! common (the front matter of a file that two versions share, the search index of
//! versions with the same guides).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Values made once per key, for work that identical inputs share (the search index
/// of versions with the same guides). A second caller with the same key waits for
/// the first one's value instead of making it again. Keyed by a BLAKE3 hash unless
/// `K` says otherwise (the front matter of a text, by `source::TextHash`).
pub struct Shared<T, K = blake3::Hash> {
    slots: Mutex<HashMap<K, Arc<std::sync::OnceLock<Arc<T>>>>>,
}

impl<T, K> Default for Shared<T, K> {
    fn default() -> Self {
        Shared {
            slots: Mutex::new(HashMap::new()),
        }
    }
}

impl<T, K: Eq + std::hash::Hash> Shared<T, K> {
    pub fn get_or_make(&self, key: K, make: impl FnOnce() -> T) -> Arc<T> {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.entry(key).or_default().clone()
        };
        slot.get_or_init(|| Arc::new(make())).clone()
    }

    /// The value made for `key`, if one was made (not one being made now).
    pub fn get(&self, key: &K) -> Option<Arc<T>> {
        let slot = {
            let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.get(key)?.clone()
        };
        slot.get().cloned()
    }

    /// Holds `value` for `key`, unless a value is made or being made for it.
    pub fn put(&self, key: K, value: Arc<T>) {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let _ = slots.entry(key).or_default().set(value);
    }

    /// Keeps the values whose key `keep` accepts.
    pub fn retain(&self, keep: impl Fn(&K) -> bool) {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.retain(|k, _| keep(k));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_value_is_made_once_per_key_and_retain_forgets() {
        let shared: Shared<String> = Shared::default();
        let made = AtomicUsize::new(0);
        let key = |s: &str| blake3::hash(s.as_bytes());
        let make = |v: &str| {
            made.fetch_add(1, Ordering::Relaxed);
            v.to_string()
        };
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| shared.get_or_make(key("a"), || make("a")));
            }
        });
        assert_eq!(made.load(Ordering::Relaxed), 1, "four threads, one value");
        assert!(shared.get(&key("b")).is_none(), "nothing made for b yet");
        shared.get_or_make(key("b"), || make("b"));
        assert_eq!(made.load(Ordering::Relaxed), 2);
        assert_eq!(
            shared.get(&key("b")).as_deref().map(String::as_str),
            Some("b")
        );
        shared.retain(|k| *k == key("b"));
        assert_eq!(*shared.get_or_make(key("b"), || make("b again")), "b");
        assert_eq!(*shared.get_or_make(key("a"), || make("a again")), "a again");
        assert_eq!(made.load(Ordering::Relaxed), 3);
    }
}
