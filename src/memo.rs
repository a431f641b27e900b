//! Values made once per key and shared: for work that identical inputs have in
//! common (the front matter of a file that two versions share, the search index of
//! versions with the same guides).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Values made once per key, for work that identical inputs share (the search index
/// of versions with the same guides). A second caller with the same key waits for
/// the first one's value instead of making it again.
pub struct Shared<T> {
    slots: Mutex<HashMap<blake3::Hash, Arc<std::sync::OnceLock<Arc<T>>>>>,
}

impl<T> Default for Shared<T> {
    fn default() -> Self {
        Shared {
            slots: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> Shared<T> {
    pub fn get_or_make(&self, key: blake3::Hash, make: impl FnOnce() -> T) -> Arc<T> {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.entry(key).or_default().clone()
        };
        slot.get_or_init(|| Arc::new(make())).clone()
    }

    /// Keeps the values whose key `keep` accepts.
    pub fn retain(&self, keep: impl Fn(&blake3::Hash) -> bool) {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.retain(|k, _| keep(k));
    }
}
