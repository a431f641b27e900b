//! Code lines already highlighted, shared by all the threads of the process:
//! (syntax, line, the state it was highlighted in) → its HTML and the state after.
//! Documentation repeats lines a lot (shebangs, common commands, config keys), and a
//! line highlighted in the same state always gives the same HTML, so this is exact.
//! The state is syntect's parse state and the stack of scopes open at the line's
//! start: the parse state gives the line's scope operations, and the operations
//! applied to the open scopes give its spans.
//! Shared rather than one per thread: each distinct line is parsed once, not once
//! per thread (parsing was about 8% of a cold build's CPU with one cache per thread
//! on 2 cores), and its spans are written once (another 4%).
//! States are shared (`Arc`): a line found gives the very state its entry holds, so
//! the next line's entry is usually found by address, not by comparing two parse
//! states, and no state is copied (a copy is several allocations: about 2% of a cold
//! build's CPU went to copying and comparing them).

use rustc_hash::{FxHashMap, FxHasher};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use syntect::parsing::{ParseState, ScopeStack};

/// Bounds the cache's memory: lines (a few hundred bytes each, with their HTML) held
/// by all shards together; a shard is emptied when it holds its share. A site's code
/// has fewer distinct lines than one might think (16,000 in 207,000 for the
/// 10,000-guide benchmark corpus); a bound below that emptied the cache over and
/// over, and most lines were parsed again.
const LINE_CACHE_LINES: usize = 100_000;
/// Shards, each behind its own lock, so that threads seldom wait for each other.
const SHARDS: usize = 16;

/// Where a line is highlighted from: syntect's parse state and the scopes open.
#[derive(Clone, PartialEq)]
pub struct LineState {
    pub parse: ParseState,
    pub scopes: ScopeStack,
}

/// A state as the cache and the highlighting loop hold it.
pub type SharedState = Arc<LineState>;

/// `state`, to be shared. An `Arc` of a state that is neither `Send` nor `Sync`:
/// the states cross threads only inside a shard, for the reason `SendShard` gives.
#[allow(clippy::arc_with_non_send_sync)]
pub fn share(state: LineState) -> SharedState {
    Arc::new(state)
}

/// One line highlighted in one state.
struct Highlighted {
    syntax: usize,
    line: Box<str>,
    before: SharedState,
    html: Box<str>,
    /// Spans the line's HTML opens, less those it closes.
    delta: isize,
    after: SharedState,
}

impl Highlighted {
    fn is(&self, syntax: usize, line: &str, before: &SharedState) -> bool {
        self.syntax == syntax
            && &*self.line == line
            && (Arc::ptr_eq(&self.before, before) || *self.before == **before)
    }
}

/// Entries by the hash of (syntax, line).
#[derive(Default)]
struct Shard {
    entries: FxHashMap<u64, Vec<Highlighted>>,
    lines: usize,
}

/// A shard that may move between threads. syntect's `ParseState` is not `Send` only
/// because a state can hold an Oniguruma `Region` (the captures of a context's
/// start, for back-references): a pair of C arrays of integers from `malloc`, owned
/// by the region and freed on drop, which no thread keeps a pointer into. The shard
/// is only ever reached through its `Mutex`, one thread at a time. A state it holds
/// may also be held by a thread highlighting a block, which only reads it (compares
/// it, copies it); the last holder frees it, on whichever thread.
struct SendShard(Shard);

// SAFETY: see `SendShard`: the regions' memory belongs to no thread, and the mutex
// gives one thread at a time access to it.
unsafe impl Send for SendShard {}

fn shards() -> &'static [Mutex<SendShard>] {
    static SET: OnceLock<Vec<Mutex<SendShard>>> = OnceLock::new();
    SET.get_or_init(|| {
        (0..SHARDS)
            .map(|_| Mutex::new(SendShard(Shard::default())))
            .collect()
    })
}

/// A line's key: the hash of the syntax (told apart by its address in the one
/// process-wide set) and the line.
pub fn key(syntax: usize, line: &str) -> u64 {
    let mut h = FxHasher::default();
    syntax.hash(&mut h);
    line.hash(&mut h);
    h.finish()
}

fn shard(key: u64) -> MutexGuard<'static, SendShard> {
    // The high bits: FxHasher's low bits are its weakest.
    let i = (key >> 56) as usize % SHARDS;
    shards()[i].lock().unwrap_or_else(|e| e.into_inner())
}

/// When a thread has highlighted `line` in `before`: appends its HTML to `html` and
/// gives the state after it and its open spans' delta.
pub fn lookup(
    key: u64,
    syntax: usize,
    line: &str,
    before: &SharedState,
    html: &mut String,
) -> Option<(SharedState, isize)> {
    let guard = shard(key);
    let found = guard
        .0
        .entries
        .get(&key)?
        .iter()
        .find(|h| h.is(syntax, line, before))?;
    html.push_str(&found.html);
    Some((Arc::clone(&found.after), found.delta))
}

/// Keeps what highlighting `line` in `before` gave: its HTML, the open spans' delta
/// and the state after.
pub fn remember(
    key: u64,
    syntax: usize,
    line: &str,
    before: SharedState,
    (html, delta): (&str, isize),
    after: SharedState,
) {
    let mut guard = shard(key);
    let shard = &mut guard.0;
    if shard.lines >= LINE_CACHE_LINES / SHARDS {
        shard.entries.clear();
        shard.lines = 0;
    }
    let seen = shard.entries.entry(key).or_default();
    // Another thread may have highlighted the same line in the same state meanwhile.
    if seen.iter().any(|h| h.is(syntax, line, &before)) {
        return;
    }
    seen.push(Highlighted {
        syntax,
        line: line.into(),
        before,
        html: html.into(),
        delta,
        after,
    });
    shard.lines += 1;
}

/// Empties the cache, giving its memory back for what comes after the markdown.
pub fn clear() {
    for shard in shards() {
        let mut guard = shard.lock().unwrap_or_else(|e| e.into_inner());
        guard.0 = Shard::default();
    }
}
