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
    /// Runs since the last very slow run (or error), for inline runs.
    steady_runs: AtomicU64,
    /// Moving average of run time, µs (1/8 weight to the newest run).
    avg_us: AtomicU64,
    /// Recent peak run time, µs, decaying by 1/8 per run.
    peak_us: AtomicU64,
    /// The largest total input size since `steady_runs` restarted.
    seen_bytes: AtomicU64,
}

/// How many runs a model needs before it may run inline.
pub const INLINE_AFTER: u64 = 8;
/// A run this many times the inline threshold ends a model's inline runs.
pub const SLOW_FACTOR: u64 = 10;

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
        self.steady_runs.store(0, Relaxed);
    }

    /// Notes how long a run over `input_bytes` took, for the inline
    /// decision (`threshold_us` 0: inline runs are off). The updates are
    /// racy by design: they feed a heuristic, not a count.
    pub fn record_speed(&self, duration_us: u64, input_bytes: u64, threshold_us: u64) {
        if threshold_us == 0 {
            return;
        }
        let avg = self.avg_us.load(Relaxed);
        let avg = if self.steady_runs.load(Relaxed) == 0 {
            duration_us
        } else {
            avg - avg / 8 + duration_us / 8
        };
        self.avg_us.store(avg, Relaxed);
        let peak = self.peak_us.load(Relaxed);
        self.peak_us
            .store(duration_us.max(peak - peak / 8), Relaxed);
        if duration_us > threshold_us.saturating_mul(SLOW_FACTOR) {
            self.steady_runs.store(0, Relaxed);
            self.seen_bytes.store(0, Relaxed);
        } else {
            self.steady_runs.fetch_add(1, Relaxed);
            self.seen_bytes.fetch_max(input_bytes, Relaxed);
        }
    }

    /// Whether the model has been fast lately: at least [`INLINE_AFTER`]
    /// runs with no very slow one, an average within the threshold, a recent
    /// peak within [`SLOW_FACTOR`] times it, on inputs at least this large.
    pub fn runs_fast(&self, input_bytes: u64, threshold_us: u64) -> bool {
        threshold_us > 0
            && self.steady_runs.load(Relaxed) >= INLINE_AFTER
            && self.avg_us.load(Relaxed) <= threshold_us
            && self.peak_us.load(Relaxed) <= threshold_us.saturating_mul(SLOW_FACTOR)
            && input_bytes <= self.seen_bytes.load(Relaxed)
    }

    /// The moving average of recent run times, µs.
    pub fn avg_us(&self) -> u64 {
        self.avg_us.load(Relaxed)
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
