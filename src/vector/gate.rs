//! The gate between a set's background readers (searches on the pool, the
//! compaction snapshot) and its writers (commands on Redis's main thread).
//! Redis-free.
//!
//! The main thread must never wait for a search: one `TRUTH` search on a
//! large set takes tens of milliseconds, and a write that waited for it
//! would stall every client of the server. So a write only *tries* the
//! set's lock. When searches hold it, the write is deferred: the command's
//! client is blocked (only that client waits), the gate closes so that no
//! new background reader enters, and when the last reader in flight leaves,
//! the deferred writer is woken. The Redis side then runs the command
//! again on the main thread, where the lock is now free, and reopens the
//! gate. Readers that arrive while the gate is closed wait on their own
//! (pool) thread.
//!
//! Counting: a reader is counted *before* it looks at the gate and takes
//! the lock, and uncounted after it released the lock, so the count is
//! never below the number of lock holders. Both sides use sequentially
//! consistent atomics in the order "announce, then look at the other side",
//! so at least one of a reader and a writer arriving together sees the
//! other: either the reader backs off, or the writer waits for it.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

/// What wakes a deferred writer: called once, from the thread of the last
/// reader to leave (or from the writer's own thread if none was in).
pub type Waker = Box<dyn FnOnce() + Send>;

#[derive(Default)]
pub struct Gate {
    /// Background readers inside, or about to take the lock.
    readers: AtomicUsize,
    /// Deferred writes not yet run; the gate is closed while non-zero.
    pending: AtomicUsize,
    wakers: Mutex<Vec<Waker>>,
    reopened: Condvar,
    reopened_lock: Mutex<()>,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate")
            .field("readers", &self.readers.load(SeqCst))
            .field("pending", &self.pending.load(SeqCst))
            .finish()
    }
}

impl Gate {
    /// A background reader comes in; waits while deferred writes are
    /// pending. Pair with [`Gate::leave`].
    pub fn enter(&self) {
        loop {
            self.readers.fetch_add(1, SeqCst);
            if self.pending.load(SeqCst) == 0 {
                return;
            }
            self.leave();
            let mut g = self
                .reopened_lock
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            while self.pending.load(SeqCst) != 0 {
                // The timeout is a safety net only: `reopen` notifies.
                g = match self.reopened.wait_timeout(g, Duration::from_millis(50)) {
                    Ok((g, _)) => g,
                    Err(p) => p.into_inner().0,
                };
            }
        }
    }

    /// A background reader leaves (after releasing the lock); the last one
    /// out wakes the deferred writers.
    pub fn leave(&self) {
        if self.readers.fetch_sub(1, SeqCst) == 1 && self.pending.load(SeqCst) != 0 {
            self.wake();
        }
    }

    fn wake(&self) {
        let wakers =
            std::mem::take(&mut *self.wakers.lock().unwrap_or_else(PoisonError::into_inner));
        for w in wakers {
            w();
        }
    }

    /// Defers a write: closes the gate (until the matching [`Gate::reopen`])
    /// and calls `waker` once no background reader is inside.
    pub fn defer(&self, waker: Waker) {
        self.pending.fetch_add(1, SeqCst);
        self.wakers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(waker);
        if self.readers.load(SeqCst) == 0 {
            self.wake();
        }
    }

    /// A deferred write ran (or was given up): opens the gate again once no
    /// other deferred write is pending.
    pub fn reopen(&self) {
        if self.pending.fetch_sub(1, SeqCst) == 1 {
            let _g = self
                .reopened_lock
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            self.reopened.notify_all();
        }
    }

    /// Background readers inside now.
    pub fn readers(&self) -> usize {
        self.readers.load(SeqCst)
    }

    /// Deferred writes pending now.
    pub fn pending(&self) -> usize {
        self.pending.load(SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    #[test]
    fn a_writer_with_no_reader_is_woken_at_once() {
        let g = Gate::default();
        let woken = Arc::new(AtomicBool::new(false));
        let w = Arc::clone(&woken);
        g.defer(Box::new(move || w.store(true, SeqCst)));
        assert!(woken.load(SeqCst));
        assert_eq!(g.pending(), 1);
        g.reopen();
        assert_eq!(g.pending(), 0);
    }

    #[test]
    fn the_last_reader_out_wakes_the_writer_and_new_readers_wait() {
        let g = Arc::new(Gate::default());
        g.enter();
        g.enter();
        let woken = Arc::new(AtomicBool::new(false));
        let w = Arc::clone(&woken);
        g.defer(Box::new(move || w.store(true, SeqCst)));
        assert!(!woken.load(SeqCst));
        // A new reader waits while the write is pending.
        let entered = Arc::new(AtomicBool::new(false));
        let (g2, e2) = (Arc::clone(&g), Arc::clone(&entered));
        let t = std::thread::spawn(move || {
            g2.enter();
            e2.store(true, SeqCst);
            g2.leave();
        });
        std::thread::sleep(Duration::from_millis(30));
        assert!(!entered.load(SeqCst));
        g.leave();
        assert!(!woken.load(SeqCst));
        g.leave();
        assert!(woken.load(SeqCst));
        std::thread::sleep(Duration::from_millis(30));
        assert!(!entered.load(SeqCst), "the gate stays closed until reopen");
        g.reopen();
        t.join().expect("reader thread");
        assert!(entered.load(SeqCst));
        assert_eq!(g.readers(), 0);
    }

    #[test]
    fn racing_readers_and_writers_never_overlap() {
        // A writer's "critical section" runs from its wake to its reopen;
        // no reader may be inside then.
        let g = Arc::new(Gate::default());
        let inside = Arc::new(AtomicUsize::new(0));
        let writing = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        for _ in 0..4 {
            let (g, inside, writing) = (Arc::clone(&g), Arc::clone(&inside), Arc::clone(&writing));
            threads.push(std::thread::spawn(move || {
                for _ in 0..2000 {
                    g.enter();
                    inside.fetch_add(1, SeqCst);
                    assert!(!writing.load(SeqCst), "a reader entered during a write");
                    inside.fetch_sub(1, SeqCst);
                    g.leave();
                }
            }));
        }
        for _ in 0..300 {
            let (tx, rx) = std::sync::mpsc::channel();
            g.defer(Box::new(move || {
                let _ = tx.send(());
            }));
            rx.recv().expect("woken");
            writing.store(true, SeqCst);
            assert_eq!(inside.load(SeqCst), 0, "woken with a reader inside");
            writing.store(false, SeqCst);
            g.reopen();
        }
        for t in threads {
            t.join().expect("reader");
        }
    }
}
