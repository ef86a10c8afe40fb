//! A single timer thread that fires callbacks at deadlines: how a running
//! ONNX session is stopped after MODEL_EXECUTION_TIMEOUT. Dropping the
//! [`Armed`] guard disarms it. The thread is started on first use and
//! sleeps until the nearest deadline.

use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

type Fire = Box<dyn FnOnce() + Send>;

struct Timers {
    next_id: u64,
    armed: Vec<(u64, Instant, Fire)>,
}

struct Watchdog {
    timers: Mutex<Timers>,
    wake: Condvar,
}

static WATCHDOG: OnceLock<Option<&'static Watchdog>> = OnceLock::new();

fn watchdog() -> Option<&'static Watchdog> {
    *WATCHDOG.get_or_init(|| {
        let w: &'static Watchdog = Box::leak(Box::new(Watchdog {
            timers: Mutex::new(Timers {
                next_id: 0,
                armed: Vec::new(),
            }),
            wake: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("ai-watchdog".into())
            .spawn(move || run(w))
            .ok()
            .map(|_| w)
    })
}

fn run(w: &Watchdog) {
    let mut timers = w.timers.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        let now = Instant::now();
        let (due, rest): (Vec<_>, Vec<_>) = timers.armed.drain(..).partition(|t| t.1 <= now);
        timers.armed = rest;
        for (_, _, fire) in due {
            fire();
        }
        let wait = timers
            .armed
            .iter()
            .map(|t| t.1.saturating_duration_since(now))
            .min()
            .unwrap_or(Duration::from_secs(3600));
        timers = w
            .wake
            .wait_timeout(timers, wait)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
}

/// An armed timer; dropping it disarms it.
pub struct Armed(Option<u64>);

/// Calls `fire` at `deadline` unless the returned guard is dropped first.
pub fn arm(deadline: Instant, fire: Fire) -> Armed {
    let Some(w) = watchdog() else {
        return Armed(None);
    };
    let mut timers = w.timers.lock().unwrap_or_else(PoisonError::into_inner);
    let id = timers.next_id;
    timers.next_id += 1;
    timers.armed.push((id, deadline, fire));
    w.wake.notify_one();
    Armed(Some(id))
}

impl Drop for Armed {
    fn drop(&mut self) {
        if let (Some(id), Some(w)) = (self.0, watchdog()) {
            let mut timers = w.timers.lock().unwrap_or_else(PoisonError::into_inner);
            timers.armed.retain(|t| t.0 != id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    #[test]
    fn fires_at_the_deadline_unless_disarmed() {
        let fired = Arc::new(AtomicBool::new(false));
        let f = Arc::clone(&fired);
        let _a = arm(
            Instant::now() + Duration::from_millis(20),
            Box::new(move || f.store(true, Ordering::SeqCst)),
        );
        let disarmed = Arc::new(AtomicBool::new(false));
        let d = Arc::clone(&disarmed);
        drop(arm(
            Instant::now() + Duration::from_millis(20),
            Box::new(move || d.store(true, Ordering::SeqCst)),
        ));
        std::thread::sleep(Duration::from_millis(200));
        assert!(fired.load(Ordering::SeqCst));
        assert!(!disarmed.load(Ordering::SeqCst));
    }
}
