//! The compile thread: AI.MODELSTORE and AI.MODELSET compile models here,
//! off Redis's main thread, so a large model does not freeze the server
//! while the backend reads it. Redis-free.
//!
//! One thread (`ai-compile`), started by the first store, takes jobs in
//! the order they were sent. So stores finish in the order they arrived:
//! a small model stored after a big one is not written before it, and the
//! keyspace, replicas and the AOF see the stores in arrival order. It is
//! not a device queue: a compile never waits behind model runs, and runs
//! never wait behind a compile.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, Sender};
use std::sync::OnceLock;

/// A compile and what to do with its result.
pub type Job = Box<dyn FnOnce() + Send>;

static QUEUE: OnceLock<Option<Sender<Job>>> = OnceLock::new();

fn start() -> Option<Sender<Job>> {
    let (tx, rx) = channel::<Job>();
    std::thread::Builder::new()
        .name("ai-compile".to_string())
        .spawn(move || {
            // At a lower CPU priority, like the other background threads:
            // where a compile and Redis's main thread share a core, the
            // main thread goes first.
            crate::engine::pool::background_thread_started();
            for job in rx {
                // A panicking job drops what it holds (a blocked client's
                // handle answers its client then); the thread goes on.
                let _ = catch_unwind(AssertUnwindSafe(job));
            }
        })
        .ok()?;
    Some(tx)
}

/// Queues `job` on the compile thread. If that thread cannot be started,
/// the job comes back, for the caller to run inline.
pub fn submit(job: Job) -> Result<(), Job> {
    let Some(queue) = QUEUE.get_or_init(start) else {
        return Err(job);
    };
    queue.send(job).map_err(|e| e.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn jobs_run_in_order_off_the_calling_thread() {
        let (tx, rx) = mpsc::channel();
        let caller = std::thread::current().id();
        for i in 0..20 {
            let tx = tx.clone();
            let submitted = submit(Box::new(move || {
                let _ = tx.send((i, std::thread::current().id()));
            }));
            assert!(submitted.is_ok());
        }
        let got: Vec<_> = (0..20).filter_map(|_| rx.recv().ok()).collect();
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            (0..20).collect::<Vec<_>>()
        );
        assert!(got.iter().all(|g| g.1 != caller));
    }

    #[test]
    fn a_panicking_job_does_not_stop_the_thread() {
        assert!(submit(Box::new(|| panic!("boom"))).is_ok());
        let (tx, rx) = mpsc::channel();
        assert!(submit(Box::new(move || {
            let _ = tx.send(1);
        }))
        .is_ok());
        assert_eq!(rx.recv().ok(), Some(1));
    }
}
