//! Process-wide vector counters, reported in `INFO MODULES` (`ai_vectors`).
//! Redis-free: plain relaxed atomics, bumped where the events happen.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// AI_VECSET values alive in memory: keys, plus any a running search or a
/// compaction still holds after a DEL or overwrite.
pub static SETS: AtomicI64 = AtomicI64::new(0);
/// AI.VSIM searches run on the pool.
pub static SEARCHES_THREADED: AtomicU64 = AtomicU64::new(0);
/// AI.VSIM searches run on the main thread (NOTHREAD, MULTI, Lua, a full
/// backlog).
pub static SEARCHES_INLINE: AtomicU64 = AtomicU64::new(0);
/// Background rebuilds started.
pub static COMPACTIONS_STARTED: AtomicU64 = AtomicU64::new(0);
/// Rebuilds the compaction thread installed itself.
pub static COMPACTIONS_INSTALLED: AtomicU64 = AtomicU64::new(0);
/// Rebuilds a later write adopted (searches held the set at install time).
pub static COMPACTIONS_ADOPTED: AtomicU64 = AtomicU64::new(0);
/// Rebuilds given up: overtaken by writes too often, the key deleted, no
/// longer needed (adds reused the slots), or stale when a write came to
/// adopt them.
pub static COMPACTIONS_ABANDONED: AtomicU64 = AtomicU64::new(0);

/// Adds one to a counter.
pub fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Reads a counter.
pub fn get(counter: &AtomicU64) -> u64 {
    counter.load(Ordering::Relaxed)
}

/// Vector writes that found searches on their set and were deferred (their
/// client blocked) instead of making the main thread wait.
pub static WRITES_DEFERRED: AtomicU64 = AtomicU64::new(0);
/// Vector writes that had to wait for searches on the main thread: inside
/// MULTI/EXEC or a script, where a client cannot be blocked.
pub static WRITES_WAITED: AtomicU64 = AtomicU64::new(0);
