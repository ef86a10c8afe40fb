//! Crashing a test server the hard way: SIGKILL of redis-server and of any
//! fork child it has (a BGSAVE or an AOF rewrite), as a power loss would,
//! then a start on the same port and directory (tests/crash_recovery.rs).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::Server;

impl Server {
    /// The redis-server's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    /// The pids of the server's fork children (a BGSAVE or AOF rewrite in
    /// progress), from /proc. Redis forks from its main thread, but every
    /// thread is read in case.
    pub fn fork_children(&self) -> Vec<u32> {
        let Some(pid) = self.pid() else {
            return Vec::new();
        };
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task"))
            .map(|d| d.flatten().map(|e| e.path()).collect::<Vec<PathBuf>>())
            .unwrap_or_default();
        let mut out: Vec<u32> = tasks
            .iter()
            .filter_map(|t| std::fs::read_to_string(t.join("children")).ok())
            .flat_map(|s| {
                s.split_whitespace()
                    .filter_map(|p| p.parse().ok())
                    .collect::<Vec<u32>>()
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// `kill -9` of the server and of its fork children (which would
    /// otherwise finish a BGSAVE after the parent died and rename it over
    /// dump.rdb). Waits until they are all gone. Returns how many fork
    /// children were killed with it.
    pub fn kill9(&mut self) -> usize {
        let children = self.fork_children();
        if let Some(mut c) = self.child.take() {
            let _ = c.kill(); // SIGKILL on Unix
            let _ = c.wait();
        }
        for p in &children {
            let _ = std::process::Command::new("kill")
                .args(["-9", &p.to_string()])
                .stderr(std::process::Stdio::null())
                .status();
        }
        // Reparented to init, which reaps them; wait for that.
        let deadline = Instant::now() + Duration::from_secs(10);
        for p in &children {
            while alive(*p) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        children.len()
    }

    /// Starts redis-server again on the same port and directory (after
    /// [`Server::kill9`]); a server that does not come up is an `Err` with
    /// the whole log.
    pub fn relaunch(&mut self) -> Result<(), String> {
        self.launch()
    }

    /// The log from byte `from` on (what the last start wrote).
    pub fn log_since(&self, from: usize) -> String {
        let log = self.log();
        log.get(from..).unwrap_or_default().to_string()
    }
}

/// Whether the process still runs (a zombie, dead but not yet reaped by
/// whoever adopted it, does not count).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .map(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X']))
        })
        .unwrap_or(false)
}
