//! When `serve` gives freed memory back to the system.
//!
//! The allocator is mimalloc (src/main.rs). By itself it returns freed pages to the
//! system a second after they were freed. An author saves every few seconds, so each
//! save freed what it used, the pages were returned, and the next save faulted them
//! in again: about 10 ms more per save on the 10,000-guide corpus (46 ms median
//! instead of 33 ms, and saves over 100 ms). So `serve` keeps freed pages for the
//! next saves, and gives them back itself after the builds that free hundreds of MiB
//! (the first, whole-site and theme rebuilds): without that, a session would stay at
//! its first build's peak and the next whole-site rebuild could grow on top of it.

use std::os::raw::c_int;

/// mimalloc's `mi_option_purge_delay` (mimalloc.h, v3), which libmimalloc-sys does
/// not name: how long freed pages are kept before they are given back, in ms.
const PURGE_DELAY: c_int = 15;

/// How long `serve` keeps freed pages: longer than a pause between saves.
const SERVE_PURGE_DELAY_MS: std::os::raw::c_long = 60_000;

/// From now on, freed pages are kept for the next saves rather than given back after
/// a second (see the module comment).
pub fn keep_freed_memory_for_saves() {
    // SAFETY: setting an option only stores a number the allocator reads later; it
    // takes no pointer and may be called from any thread at any time.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, SERVE_PURGE_DELAY_MS);
    }
}

/// Returns the allocator's freed memory to the system now. Takes a few milliseconds
/// on a large heap: call it after the browsers were told to reload, not before.
pub fn release_freed_memory() {
    // SAFETY: mi_collect only walks the allocator's own pages; it takes no pointer
    // and may be called from any thread at any time. In a process whose global
    // allocator is not mimalloc (the library's tests), it has nothing to give back.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Option 15 is the purge delay: mimalloc v3 documents its default as 1,000 ms.
    /// Of the other options only the guarded-page sample rate (option 32) defaults
    /// to that too, so a mimalloc that numbers its options otherwise almost surely
    /// fails here instead of silently tuning something else.
    #[test]
    fn option_15_is_the_purge_delay() {
        // SAFETY: reading an option takes no pointer.
        let delay = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(delay, 1000);
    }
}
