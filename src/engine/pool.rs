//! A fixed pool of threads for short read-only jobs (vector searches), with
//! a bounded backlog. Redis-free. When the backlog is full, `try_run` hands
//! the job back and the caller runs it itself.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

type Job = Box<dyn FnOnce() + Send>;

/// Jobs waiting beyond this run on the caller's thread instead.
pub const SEARCH_BACKLOG: usize = 4096;

static SEARCH_POOL: OnceLock<Pool> = OnceLock::new();

/// What each background thread runs first (the Redis side lowers its CPU
/// priority, so a CPU-bound search never delays Redis's main thread). Set
/// once at load, before any background thread starts.
static BACKGROUND_INIT: OnceLock<fn()> = OnceLock::new();

pub fn set_background_init(init: fn()) {
    let _ = BACKGROUND_INIT.set(init);
}

/// Call first on every background thread (the pool's, compaction's).
pub fn background_thread_started() {
    if let Some(init) = BACKGROUND_INIT.get() {
        init();
    }
}

/// Starts the vector search pool (once, at load).
pub fn start_search_pool(threads: usize) -> Result<usize, String> {
    if let Some(p) = SEARCH_POOL.get() {
        return Ok(p.threads());
    }
    let pool = Pool::start("ai-vsim", threads, SEARCH_BACKLOG)?;
    let n = pool.threads();
    let _ = SEARCH_POOL.set(pool);
    Ok(n)
}

/// The vector search pool, if it started.
pub fn search_pool() -> Option<&'static Pool> {
    SEARCH_POOL.get()
}

pub struct Pool {
    tx: SyncSender<Job>,
    threads: usize,
    /// Jobs queued and not yet taken by a worker.
    queued: Arc<AtomicUsize>,
}

impl Pool {
    /// Starts `threads` workers named `{name}-{i}`, with room for `backlog`
    /// waiting jobs. Fails if no thread could be started.
    pub fn start(name: &str, threads: usize, backlog: usize) -> Result<Pool, String> {
        let (tx, rx) = sync_channel::<Job>(backlog);
        let rx = Arc::new(Mutex::new(rx));
        let queued = Arc::new(AtomicUsize::new(0));
        let mut started = 0;
        for i in 0..threads.max(1) {
            let rx = Arc::clone(&rx);
            let queued = Arc::clone(&queued);
            let spawned = std::thread::Builder::new()
                .name(format!("{name}-{i}"))
                .spawn(move || work(&rx, &queued));
            if spawned.is_ok() {
                started += 1;
            }
        }
        if started == 0 {
            return Err(format!("could not start any {name} thread"));
        }
        Ok(Pool {
            tx,
            threads: started,
            queued,
        })
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Jobs waiting for a worker now.
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }

    /// Queues `job`, or gives it back when the backlog is full.
    pub fn try_run(&self, job: Job) -> Result<(), Job> {
        // Counted before sending, so a worker never takes it below zero.
        self.queued.fetch_add(1, Ordering::Relaxed);
        match self.tx.try_send(job) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(j) | TrySendError::Disconnected(j)) => {
                self.queued.fetch_sub(1, Ordering::Relaxed);
                Err(j)
            }
        }
    }
}

fn work(rx: &Mutex<Receiver<Job>>, queued: &AtomicUsize) {
    background_thread_started();
    loop {
        let job = {
            let rx = rx.lock().unwrap_or_else(PoisonError::into_inner);
            rx.recv()
        };
        if job.is_ok() {
            queued.fetch_sub(1, Ordering::Relaxed);
        }
        match job {
            // A panic is logged by the hook; the worker keeps serving.
            Ok(job) => drop(catch_unwind(AssertUnwindSafe(job))),
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests;
