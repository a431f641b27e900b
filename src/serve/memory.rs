//! Giving memory back to the system between rebuilds.
//!
//! A whole-site build allocates hundreds of MiB that are freed when it ends (the
//! renderings being made, search parts, page hashes, the persistent cache being
//! written). The allocator (mimalloc, see src/main.rs) keeps freed pages for a while
//! before it returns them, so without this a `serve` session would stay near its
//! first build's peak until the allocator gets round to it, and the next whole-site
//! rebuild (a template added, site.toml saved) could grow on top of it.

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
