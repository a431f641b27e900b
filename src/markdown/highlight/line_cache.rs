//! Parse results of code lines already seen, shared by all the threads of the
//! process: (syntax, line, the state it was parsed in) → the scope operations and the
//! state after. Documentation repeats lines a lot (shebangs, common commands, config
//! keys), and a line parsed in the same state always gives the same operations, so
//! this is exact. Shared rather than one per thread: each distinct line is parsed
//! once, not once per thread (parsing was about 8% of a cold build's CPU with one
//! cache per thread on 2 cores).

use rustc_hash::{FxHashMap, FxHasher};
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, MutexGuard, OnceLock};
use syntect::parsing::{ParseState, ScopeStackOp};

/// What a line's parse gives: syntect's scope operations at byte offsets.
pub type Ops = Vec<(usize, ScopeStackOp)>;

/// Bounds the cache's memory: lines (a few hundred bytes each) held by all shards
/// together; a shard is emptied when it holds its share. A site's code has fewer
/// distinct lines than one might think (16,000 in 207,000 for the 10,000-guide
/// benchmark corpus); a bound below that emptied the cache over and over, and most
/// lines were parsed again.
const LINE_CACHE_LINES: usize = 100_000;
/// Shards, each behind its own lock, so that threads seldom wait for each other.
const SHARDS: usize = 16;

/// One line parsed in one state.
struct Parsed {
    syntax: usize,
    line: Box<str>,
    before: ParseState,
    ops: Ops,
    after: ParseState,
}

/// Entries by the hash of (syntax, line).
#[derive(Default)]
struct Shard {
    entries: FxHashMap<u64, Vec<Parsed>>,
    lines: usize,
}

/// A shard that may move between threads. syntect's `ParseState` is not `Send` only
/// because a state can hold an Oniguruma `Region` (the captures of a context's
/// start, for back-references): a pair of C arrays of integers from `malloc`, owned
/// by the region and freed on drop, which no thread keeps a pointer into. The shard
/// is only ever reached through its `Mutex`, one thread at a time.
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

/// The operations and the state after `line` parsed in `before`, when a thread has
/// parsed it so before.
pub fn lookup(
    key: u64,
    syntax: usize,
    line: &str,
    before: &ParseState,
) -> Option<(Ops, ParseState)> {
    let guard = shard(key);
    guard
        .0
        .entries
        .get(&key)?
        .iter()
        .find(|p| p.syntax == syntax && &*p.line == line && p.before == *before)
        .map(|p| (p.ops.clone(), p.after.clone()))
}

/// Keeps what parsing `line` in `before` gave.
pub fn remember(
    key: u64,
    syntax: usize,
    line: &str,
    before: ParseState,
    ops: Ops,
    after: ParseState,
) {
    let mut guard = shard(key);
    let shard = &mut guard.0;
    if shard.lines >= LINE_CACHE_LINES / SHARDS {
        shard.entries.clear();
        shard.lines = 0;
    }
    let seen = shard.entries.entry(key).or_default();
    // Another thread may have parsed the same line in the same state meanwhile.
    if seen
        .iter()
        .any(|p| p.syntax == syntax && &*p.line == line && p.before == before)
    {
        return;
    }
    seen.push(Parsed {
        syntax,
        line: line.into(),
        before,
        ops,
        after,
    });
    shard.lines += 1;
}
