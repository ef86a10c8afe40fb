//! Runs a check of untrusted bytes in a forked child, so that a backend
//! that crashes on them (an abort or a segfault inside a C++ runtime, which
//! no `catch_unwind` or try/catch can stop) costs a child process and an
//! error reply, not the server.
//!
//! The child is a fork of redis-server: it has only the calling thread, uses
//! only memory it copies on write, and leaves with `_exit` (no destructors,
//! no atexit handlers, no Redis API). The parent waits for it with a
//! deadline; a child that hangs (for example on a lock that another thread
//! held at the fork) is killed, and the check counts as failed.

use std::time::{Duration, Instant};

/// How a sandboxed check ended, if not with an exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The child was killed by this signal (the bytes crash the backend).
    Crashed(i32),
    /// The child did not finish in time and was killed.
    TimedOut,
    /// fork() failed, or the child was reaped by someone else (Redis reaps
    /// every child while one of its own forks runs).
    Unknown(String),
}

/// Runs `check` in a forked child and returns its exit code (`check`'s
/// return value).
pub fn run(deadline: Duration, check: impl FnOnce() -> i32) -> Result<i32, Failure> {
    // SAFETY: the child runs `check` on its one thread and leaves through
    // `_exit`, so no state shared with the parent's other threads is
    // unwound or flushed; the parent only waits for the pid.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(Failure::Unknown(format!(
            "fork failed: {}",
            std::io::Error::last_os_error()
        )));
    }
    if pid == 0 {
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(check)).unwrap_or(3);
        // SAFETY: ends the child at once, as fork's contract requires.
        unsafe { libc::_exit(code) }
    }
    let start = Instant::now();
    let mut status: libc::c_int = 0;
    loop {
        // SAFETY: waits for our own child, without blocking.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == pid {
            break;
        }
        if r < 0 {
            return Err(Failure::Unknown(format!(
                "waitpid: {}",
                std::io::Error::last_os_error()
            )));
        }
        if start.elapsed() > deadline {
            // SAFETY: the child is ours and not yet reaped.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            return Err(Failure::TimedOut);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    if libc::WIFSIGNALED(status) {
        return Err(Failure::Crashed(libc::WTERMSIG(status)));
    }
    Ok(libc::WEXITSTATUS(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_crashes_and_deadlines() {
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
}
