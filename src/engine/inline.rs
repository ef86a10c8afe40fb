//! Whether a fast model may run on the main thread (AI.MODELEXECUTE's and a
//! DAG's inline runs) under the present load. Redis-free.
//!
//! An inline run saves the hand-off to a worker (15–18 µs in BENCHMARKS.md),
//! which is what one client at a time feels. Under many concurrent clients,
//! though, inline runs keep the whole load on the main thread while a
//! spare core idles: BENCHMARKS.md measured 29% more DAG throughput at 16
//! connections with every run queued. So, over windows of 20 ms, this
//! counts the run time the inline-eligible requests ask for (each model's
//! recent average) and whether more than one client sent them. When they
//! came from several clients and would take more than a third of the
//! window, the next window's requests go to their queues, where the
//! workers take them on the other cores. With a single CPU in the process's
//! affinity mask (the workers would only compete with the main thread), or
//! with one client (nothing to overlap), inline runs stay on.
//!
//! The count does not depend on where the runs happened, so the verdict
//! holds steady while the load lasts. Only the main thread calls in.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::OnceLock;
use std::time::Instant;

/// The window over which the demand is measured.
pub const WINDOW_US: u64 = 20_000;
/// Above this share of the window (per mille), from several clients, runs
/// are queued.
pub const MAX_SHARE_PERMILLE: u64 = 333;

/// The load seen so far.
#[derive(Default)]
pub struct Governor {
    start_us: AtomicU64,
    demand_us: AtomicU64,
    last_client: AtomicU64,
    many_clients: AtomicBool,
    busy: AtomicBool,
}

impl Governor {
    /// Records an inline-eligible request from `client` at `now_us`, whose
    /// model runs in about `avg_us`; tells whether it may run inline on a
    /// process that may use `cpus` CPUs.
    pub fn admit(&self, now_us: u64, client: u64, avg_us: u64, cpus: usize) -> bool {
        let start = self.start_us.load(Relaxed);
        let span = now_us.saturating_sub(start);
        if span >= WINDOW_US {
            let demand = self.demand_us.load(Relaxed);
            let busy = self.many_clients.load(Relaxed)
                && demand.saturating_mul(1000) > span.saturating_mul(MAX_SHARE_PERMILLE);
            self.busy.store(busy, Relaxed);
            self.start_us.store(now_us, Relaxed);
            self.demand_us.store(0, Relaxed);
            self.many_clients.store(false, Relaxed);
        }
        self.demand_us.fetch_add(avg_us, Relaxed);
        let last = self.last_client.swap(client, Relaxed);
        if last != client {
            self.many_clients.store(true, Relaxed);
        }
        cpus <= 1 || !self.busy.load(Relaxed)
    }
}

fn governor() -> &'static Governor {
    static G: OnceLock<Governor> = OnceLock::new();
    G.get_or_init(Governor::default)
}

fn now_us() -> u64 {
    static T0: OnceLock<Instant> = OnceLock::new();
    T0.get_or_init(Instant::now).elapsed().as_micros() as u64
}

/// CPUs in this process's affinity mask (read once).
fn cpus() -> usize {
    static N: OnceLock<usize> = OnceLock::new();
    *N.get_or_init(|| {
        // SAFETY: a zeroed cpu_set_t filled by sched_getaffinity for this
        // process (pid 0); CPU_COUNT only reads it.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0 {
                libc::CPU_COUNT(&set).max(1) as usize
            } else {
                1
            }
        }
    })
}

/// [`Governor::admit`] on the process's governor, now.
pub fn admit(client: u64, avg_us: u64) -> bool {
    governor().admit(now_us(), client, avg_us, cpus())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` requests of `avg` µs from `clients` clients in turn, spread
    /// evenly over `windows` windows; the verdicts of the last window.
    fn drive(
        g: &Governor,
        t0: u64,
        n: u64,
        avg: u64,
        clients: u64,
        windows: u64,
        cpus: usize,
    ) -> Vec<bool> {
        let step = windows * WINDOW_US / n;
        (0..n)
            .map(|i| g.admit(t0 + i * step, 1 + i % clients, avg, cpus))
            .skip((n - n / windows) as usize)
            .collect()
    }

    #[test]
    fn one_client_stays_inline_at_any_rate() {
        let g = Governor::default();
        // 50% of the main thread, one client.
        assert!(drive(&g, 0, 2000, 20, 1, 4, 2).iter().all(|&ok| ok));
    }

    #[test]
    fn several_busy_clients_go_to_the_queues_while_the_load_lasts() {
        let g = Governor::default();
        // 16 clients asking for 50% of the main thread.
        assert!(drive(&g, 0, 2000, 20, 16, 4, 2).iter().all(|&ok| !ok));
        // Still busy in the next windows (the demand does not depend on
        // where the runs happened).
        assert!(drive(&g, 80_000, 2000, 20, 16, 4, 2).iter().all(|&ok| !ok));
        // The load ends: a lone request after a quiet spell runs inline
        // once the window rolls over.
        assert!(g.admit(1_000_000, 1, 20, 2));
    }

    #[test]
    fn light_or_single_cpu_load_stays_inline() {
        let g = Governor::default();
        // 16 clients, 10% of the main thread.
        assert!(drive(&g, 0, 400, 20, 16, 4, 2).iter().all(|&ok| ok));
        let g = Governor::default();
        // Heavy, but only one CPU: the workers would compete with the main
        // thread.
        assert!(drive(&g, 0, 2000, 20, 16, 4, 1).iter().all(|&ok| ok));
    }
}
