//! Compaction of a vector set after many removals. Redis-free.
//!
//! usearch keeps a removed element's slot as a tombstone that later adds
//! reuse, so the index never grows past its peak, and searches stay
//! accurate (tombstones are still walked, never returned). Memory is only
//! given back by building a new index from the live vectors. usearch's own
//! `compact()` was tried and is not used: on 100,000 GloVe vectors with
//! 80% removed it took recall@10 from 0.996 to 0.465.
//!
//! Building takes seconds for a large set, so it runs on its own thread
//! from a snapshot taken under the read lock (searches go on). The thread
//! then installs the result itself, inside the caller's `Exclusive` (the
//! Redis side holds the module GIL there, so no command and no fork runs
//! meanwhile) and only if the set's lock is free at once: the swap is O(1),
//! and the old graph is freed after both locks are released. It installs
//! only if nothing changed the index since the snapshot; a build overtaken
//! by writes is dropped and retried from a new snapshot, up to 8 times with
//! a growing pause, and after that a later removal starts again. If
//! searches keep the set locked for a whole second, the result waits in
//! the set and the next write adopts it. A write never waits for a
//! rebuild. Under a constant stream of writes to one set the rebuild may
//! never land: the set then keeps its (accurate) tombstones.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use super::set::{SetData, VecSet, COMPACT_AFTER};
use super::stats::{self, COMPACTIONS_ABANDONED, COMPACTIONS_ADOPTED, COMPACTIONS_INSTALLED};
use super::VecIndex;

/// Snapshots tried before giving up while writes keep coming.
const TRIES: u32 = 8;
/// Attempts to find the set unlocked, 5 ms apart, before leaving the
/// result to the next write.
const INSTALL_TRIES: u32 = 200;

/// Runs a closure while no command and no fork can run at the same time:
/// the Redis side holds the module GIL around it. Where nothing else writes
/// the set (unit tests), `|f| f()`.
pub type Exclusive = fn(&mut dyn FnMut());

impl SetData {
    /// Whether enough slots are tombstones to rebuild: more than 1,024 and
    /// more than the live elements.
    pub fn wants_compaction(&self) -> bool {
        self.free_slots > COMPACT_AFTER
            && self.free_slots > self.len()
            && !self.compacting.load(Ordering::Acquire)
    }

    /// Swaps in a finished rebuild if it was built from the current index.
    pub(super) fn adopt_rebuilt(&mut self) {
        let done = self
            .rebuilt
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some((generation, index)) = done {
            if generation == self.generation {
                self.install(index);
                stats::bump(&COMPACTIONS_ADOPTED);
            } else {
                stats::bump(&COMPACTIONS_ABANDONED);
            }
            self.compacting.store(false, Ordering::Release);
        }
    }

    /// Puts a rebuilt index in place; returns the old one.
    fn install(&mut self, index: VecIndex) -> VecIndex {
        self.free_slots = 0;
        std::mem::replace(&mut self.index, index)
    }

    /// The live vectors in stored form, and the generation they are from.
    fn snapshot(&self) -> (u64, Vec<(u64, Vec<u8>)>) {
        let items = self
            .elements()
            .filter_map(|(id, _)| self.index.raw(id).map(|raw| (id, raw)))
            .collect();
        (self.generation, items)
    }
}

/// Starts rebuilding `set` on a thread of its own if it wants compaction.
/// Returns whether a rebuild started.
pub fn compact_in_background(set: &Arc<VecSet>, exclusive: Exclusive) -> bool {
    {
        let d = set.read();
        if !d.wants_compaction() {
            return false;
        }
        d.compacting.store(true, Ordering::Release);
    }
    let job = Arc::clone(set);
    let spawned = std::thread::Builder::new()
        .name("ai-vcompact".to_string())
        .spawn(move || {
            crate::engine::pool::background_thread_started();
            // A panic (logged by the hook) must not leave the set marked as
            // compacting for ever: a later removal may then start again.
            let done = catch_unwind(AssertUnwindSafe(|| rebuild(&job, exclusive)));
            if done.is_err() {
                stats::bump(&COMPACTIONS_ABANDONED);
                job.read_shared().compacting.store(false, Ordering::Release);
            }
        });
    if spawned.is_err() {
        set.read().compacting.store(false, Ordering::Release);
        return false;
    }
    stats::bump(&stats::COMPACTIONS_STARTED);
    true
}

/// Rebuilds until a snapshot survives unchanged to the end of its build
/// (writes in the meantime discard it), a few tries at most.
fn rebuild(set: &Arc<VecSet>, exclusive: Exclusive) {
    for attempt in 0..TRIES {
        let (generation, spec, items) = {
            let d = set.read_shared();
            if d.free_slots <= COMPACT_AFTER || d.free_slots <= d.len() {
                break;
            }
            let (g, items) = d.snapshot();
            (g, d.spec(), items)
        };
        // A write overtook the snapshot, or the key is gone (this thread
        // holds the last reference): stop early.
        let changed = || Arc::strong_count(set) == 1 || set.read_shared().generation != generation;
        let built = VecIndex::new(spec).and_then(|mut index| {
            for (n, (id, raw)) in items.iter().enumerate() {
                // Overtaken by a write: stop early and take a new snapshot.
                if n % 1024 == 1023 && changed() {
                    return Ok(None);
                }
                index.add_raw(*id, raw, 0)?;
            }
            Ok(Some(index))
        });
        let index = match built {
            Ok(Some(index)) => index,
            Ok(None) if Arc::strong_count(set) == 1 => {
                stats::bump(&COMPACTIONS_ABANDONED);
                return;
            }
            Ok(None) => {
                std::thread::sleep(std::time::Duration::from_millis(20 << attempt.min(6)));
                continue;
            }
            Err(_) => break,
        };
        match install(set, generation, index, exclusive) {
            Installed::Yes => {
                stats::bump(&COMPACTIONS_INSTALLED);
                return;
            }
            Installed::Later(index) => {
                let d = set.read_shared();
                if d.generation == generation {
                    *d.rebuilt.lock().unwrap_or_else(PoisonError::into_inner) =
                        Some((generation, index));
                    return;
                }
            }
            Installed::Overtaken => {}
        }
        std::thread::sleep(std::time::Duration::from_millis(20 << attempt.min(6)));
    }
    // Nothing to adopt: let a later removal start again.
    stats::bump(&COMPACTIONS_ABANDONED);
    set.read_shared().compacting.store(false, Ordering::Release);
}

/// What became of a finished rebuild.
enum Installed {
    Yes,
    /// A write changed the index since the snapshot.
    Overtaken,
    /// Searches kept the set locked; the next write may adopt it.
    Later(VecIndex),
}

/// Installs `index` (built from `generation`) when the set is unlocked,
/// inside `exclusive`. The old graph is freed outside both locks.
fn install(set: &VecSet, generation: u64, index: VecIndex, exclusive: Exclusive) -> Installed {
    let mut new = Some(index);
    let mut old = None;
    let mut overtaken = false;
    for _ in 0..INSTALL_TRIES {
        exclusive(&mut || {
            let Some(mut d) = set.try_write() else {
                return;
            };
            if d.generation != generation {
                overtaken = true;
            } else if let Some(index) = new.take() {
                old = Some(d.install(index));
                d.compacting.store(false, Ordering::Release);
            }
        });
        if overtaken {
            return Installed::Overtaken;
        }
        if old.is_some() {
            drop(old);
            return Installed::Yes;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    match new {
        Some(index) => Installed::Later(index),
        None => Installed::Yes,
    }
}
