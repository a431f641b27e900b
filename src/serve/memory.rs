//! Giving memory back to the system between rebuilds.
//!
//! A whole-site build allocates hundreds of MiB that are freed when it ends (the
//! renderings being made, search parts, page hashes, the persistent cache being
//! written). glibc's allocator keeps most of that for the process, so without this a
//! `serve` session stays at its first build's peak and the next whole-site rebuild
//! (a template added, site.toml saved) grows on top of it. On the 10,000-guide corpus
//! this returns about 175 MiB after the first build (issue 22, BENCHMARKS.md).

/// Returns the allocator's free memory to the system, where the allocator can
/// (glibc); elsewhere nothing. Takes a few milliseconds on a large heap: call it
/// after the browsers were told to reload, not before.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it takes no
    // pointer and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
