//! Runs a check of untrusted bytes in a forked child, so that a backend
//! that crashes on them (an abort or a segfault inside a C++ runtime, which
//! no `catch_unwind` or try/catch can stop) costs a child process and an
//! error reply, not the server.
//!
//! The child is a fork of redis-server: it has only the calling thread, uses
//! only memory it copies on write, and leaves with `_exit` (no destructors,
//! no atexit handlers, no Redis API). It reports its result as one byte on a
//! pipe, not through its exit status: while Redis has a fork of its own
//! (BGSAVE, AOF rewrite) it reaps *every* child with `waitpid(-1)`, so the
//! status may never reach us, but the pipe does. End of file without the
//! byte means the child died. The parent waits with a deadline; a child that
//! hangs (for example on a lock another thread held at the fork) is killed,
//! and the check counts as failed.

use std::time::{Duration, Instant};

/// How a sandboxed check ended, if not with a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The child died before reporting (killed by this signal, when its
    /// status could still be read; 0 when Redis reaped it first).
    Crashed(i32),
    /// The child did not finish in time and was killed.
    TimedOut,
    /// pipe() or fork() failed.
    Unknown(String),
}

fn os_error(what: &str) -> Failure {
    Failure::Unknown(format!("{what}: {}", std::io::Error::last_os_error()))
}

/// Runs `check` in a forked child and returns its result (0–255).
pub fn run(deadline: Duration, check: impl FnOnce() -> u8) -> Result<u8, Failure> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(os_error("pipe"));
    }
    let [read_fd, write_fd] = fds;
    // SAFETY: the child runs `check` on its one thread, writes one byte and
    // leaves through `_exit`, so no state shared with the parent's other
    // threads is unwound or flushed.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        // SAFETY: our own descriptors, closed once.
        unsafe {
            libc::close(read_fd);
            libc::close(write_fd);
        }
        return Err(os_error("fork"));
    }
    if pid == 0 {
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(check)).unwrap_or(255);
        // SAFETY: writes one byte from a live buffer, then ends the child
        // at once, as fork's contract requires.
        unsafe {
            libc::write(write_fd, (&code as *const u8).cast(), 1);
            libc::_exit(0)
        }
    }
    // SAFETY: the parent keeps only the read end.
    unsafe { libc::close(write_fd) };
    let result = wait_for_byte(read_fd, deadline);
    // SAFETY: our descriptor, closed once.
    unsafe { libc::close(read_fd) };
    let mut status: libc::c_int = 0;
    match result {
        Some(Ok(code)) => {
            // Reap it, unless Redis already has (then this fails: fine).
            // SAFETY: waits for our own child, which has reported and exits.
            unsafe { libc::waitpid(pid, &mut status, 0) };
            Ok(code)
        }
        Some(Err(())) => {
            // SAFETY: as above; the child has closed the pipe by dying.
            let r = unsafe { libc::waitpid(pid, &mut status, 0) };
            let sig = if r == pid && libc::WIFSIGNALED(status) {
                libc::WTERMSIG(status)
            } else {
                0
            };
            Err(Failure::Crashed(sig))
        }
        None => {
            // SAFETY: the child is ours; if Redis reaped it meanwhile, kill
            // and waitpid fail harmlessly (the pid is not reused before it
            // is reaped, and Redis reaps only exited children).
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            Err(Failure::TimedOut)
        }
    }
}

/// The child's byte (`Ok`), end of file without it (`Err`), or `None` when
/// the deadline passes first.
fn wait_for_byte(fd: libc::c_int, deadline: Duration) -> Option<Result<u8, ()>> {
    let start = Instant::now();
    loop {
        let left = deadline.checked_sub(start.elapsed())?;
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = left.as_millis().clamp(1, i32::MAX as u128) as libc::c_int;
        // SAFETY: one live pollfd.
        let n = unsafe { libc::poll(&mut p, 1, ms) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Some(Err(()));
        }
        if n == 0 {
            continue;
        }
        let mut b = 0u8;
        // SAFETY: reads at most one byte into `b`.
        let r = unsafe { libc::read(fd, (&mut b as *mut u8).cast(), 1) };
        return Some(if r == 1 { Ok(b) } else { Err(()) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reaper test's thread would reap the other test's children.
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn results_crashes_and_deadlines() {
        let _serial = SERIAL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let t = Duration::from_secs(10);
        assert_eq!(run(t, || 0), Ok(0));
        assert_eq!(run(t, || 7), Ok(7));
        assert_eq!(
            run(t, || {
                // SAFETY: the test's child aborts, as a C++ runtime would.
                unsafe { libc::abort() }
            }),
            Err(Failure::Crashed(libc::SIGABRT))
        );
        assert_eq!(
            run(Duration::from_millis(50), || {
                std::thread::sleep(Duration::from_secs(5));
                0
            }),
            Err(Failure::TimedOut)
        );
    }

    /// Redis, while its own fork runs, reaps every child with waitpid(-1):
    /// the result still arrives through the pipe.
    #[test]
    fn a_child_reaped_by_someone_else_still_reports() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let _serial = SERIAL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let stop = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let mut st = 0;
                    // SAFETY: reaps any exited child, as Redis does.
                    unsafe { libc::waitpid(-1, &mut st, libc::WNOHANG) };
                    std::thread::sleep(Duration::from_micros(200));
                }
            });
            for _ in 0..20 {
                assert_eq!(run(Duration::from_secs(10), || 3), Ok(3));
            }
            let crashed = run(Duration::from_secs(10), || {
                // SAFETY: the test's child aborts.
                unsafe { libc::abort() }
            });
            assert!(matches!(crashed, Err(Failure::Crashed(_))), "{crashed:?}");
            stop.store(true, Ordering::Relaxed);
        });
    }
}
