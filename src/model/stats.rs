//! Run statistics (AI.INFO). They live in the stored model object, so they
//! are keyed by the key itself: the same name in two databases never
//! collides, and RENAME or MOVE carry them along (Decision 4). A freshly
//! stored model starts at zero; statistics are not persisted.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};

#[derive(Debug, Default)]
pub struct Stats {
    duration_us: AtomicU64,
    samples: AtomicI64,
    calls: AtomicU64,
    errors: AtomicU64,
}

/// The counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    pub duration_us: u64,
    pub samples: i64,
    pub calls: u64,
    pub errors: u64,
}

impl Stats {
    /// A successful run: its (batch's) duration and this request's samples.
    pub fn record_ok(&self, duration_us: u64, samples: i64) {
        self.duration_us.fetch_add(duration_us, Relaxed);
        self.samples.fetch_add(samples, Relaxed);
        self.calls.fetch_add(1, Relaxed);
    }

    pub fn record_error(&self) {
        self.calls.fetch_add(1, Relaxed);
        self.errors.fetch_add(1, Relaxed);
    }

    pub fn reset(&self) {
        self.duration_us.store(0, Relaxed);
        self.samples.store(0, Relaxed);
        self.calls.store(0, Relaxed);
        self.errors.store(0, Relaxed);
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            duration_us: self.duration_us.load(Relaxed),
            samples: self.samples.load(Relaxed),
            calls: self.calls.load(Relaxed),
            errors: self.errors.load(Relaxed),
        }
    }
}
