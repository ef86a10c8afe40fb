//! The runner: pipelined batches, findings, crash pinning, log checks.

use super::*;

/// Renders a command for a report: short printable arguments as they are,
/// long or binary ones summarized.
pub fn show(cmd: &[Vec<u8>]) -> String {
    cmd.iter()
        .map(|a| {
            let printable = a.iter().all(|&b| (0x20..0x7f).contains(&b));
            if printable && a.len() <= 48 {
                let s = String::from_utf8_lossy(a).into_owned();
                if s.is_empty() || s.contains(' ') {
                    format!("{s:?}")
                } else {
                    s
                }
            } else if printable {
                format!(
                    "{:?}…({} bytes)",
                    String::from_utf8_lossy(&a[..24]),
                    a.len()
                )
            } else {
                format!("<{} binary bytes>", a.len())
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks one reply; `Err` describes why it is wrong.
pub type Check<'a> = &'a dyn Fn(&[Vec<u8>], &Reply) -> Result<(), String>;

/// Replies every command may give: an error that is not a caught panic.
pub fn no_internal_error(_cmd: &[Vec<u8>], reply: &Reply) -> Result<(), String> {
    match reply {
        Reply::Error(e) if e.contains("internal error") => Err(format!("replied {e:?}")),
        _ => Ok(()),
    }
}

/// Drives one fuzzer against one server.
pub struct Runner {
    pub name: &'static str,
    pub budget: Budget,
    pub server: Server,
    conn: Conn,
    setup: Box<dyn Fn(&mut Conn)>,
    /// Commands sent, replies that were errors, replies that were not.
    pub sent: u64,
    pub errors: u64,
    pub oks: u64,
    /// Per command name: commands sent, and how many got an error reply.
    pub per_command: HashMap<String, (u64, u64)>,
    /// Error replies by command and text (`REDISAI_FUZZ_VERBOSE=1` prints
    /// the commonest: what keeps a fuzzer from going deeper).
    error_texts: HashMap<String, u64>,
    /// Findings by signature: (first example, how many times).
    findings: Vec<(String, String, u64)>,
    /// The server's stderr lines already looked at by `scan_logs`.
    stderr_seen: std::collections::HashSet<String>,
    crashes: u64,
    /// Replies that were not well-formed RESP (each also a finding).
    pub malformed: u64,
    started: Instant,
}

impl Runner {
    /// A runner on `server`; `setup` makes the fixtures, now and after every
    /// restart.
    pub fn new(
        name: &'static str,
        budget: Budget,
        server: Server,
        setup: impl Fn(&mut Conn) + 'static,
    ) -> Runner {
        say(&format!(
            "FUZZ {name}: seed {:#x} (REDISAI_FUZZ_SEED), {} of {} commands (REDISAI_FUZZ_COMMANDS)",
            budget.seed, budget.commands, budget.total
        ));
        let mut conn = server.conn();
        setup(&mut conn);
        Runner {
            name,
            budget,
            server,
            conn,
            setup: Box::new(setup),
            sent: 0,
            errors: 0,
            oks: 0,
            per_command: HashMap::new(),
            error_texts: HashMap::new(),
            findings: Vec::new(),
            stderr_seen: Default::default(),
            crashes: 0,
            malformed: 0,
            started: Instant::now(),
        }
    }

    /// The fuzz connection (for fixtures such as DUMPs).
    pub fn conn(&mut self) -> &mut Conn {
        &mut self.conn
    }

    /// Replaces the fuzz connection (the runner's own tests: a fake server
    /// that answers with bytes that are not RESP).
    pub fn set_conn(&mut self, conn: Conn) {
        self.conn = conn;
    }

    /// Whether the budget is spent.
    pub fn done(&self) -> bool {
        self.sent >= self.budget.commands
    }

    fn finding(&mut self, signature: String, example: String) {
        if let Some(f) = self.findings.iter_mut().find(|f| f.0 == signature) {
            f.2 += 1;
            return;
        }
        say(&format!("FUZZ {} FINDING: {example}", self.name));
        self.findings.push((signature, example, 1));
    }

    /// Sends `cmds` pipelined, reads every reply and checks it with `check`
    /// (and for internal errors). Then PING: a dead server is a finding, the
    /// batch is replayed on a fresh server to pin the command that kills it,
    /// and the run goes on with the fixtures made again.
    pub fn batch(&mut self, cmds: &[Cmd], check: Check) -> Vec<Option<Reply>> {
        let checks: [Check; 2] = [&no_internal_error, check];
        let mut replies = Vec::with_capacity(cmds.len());
        let sent = cmds.iter().try_for_each(|c| self.conn.send(c));
        let mut alive = sent.is_ok() && self.conn.flush().is_ok();
        let mut malformed = false;
        for cmd in cmds {
            self.sent += 1;
            let counts = self
                .per_command
                .entry(String::from_utf8_lossy(&cmd[0]).to_ascii_uppercase())
                .or_default();
            counts.0 += 1;
            if !alive {
                replies.push(None);
                continue;
            }
            match self.conn.read() {
                Ok(reply) => {
                    if reply.is_error() {
                        self.errors += 1;
                        if let Some(c) = self
                            .per_command
                            .get_mut(&String::from_utf8_lossy(&cmd[0]).to_ascii_uppercase())
                        {
                            c.1 += 1;
                        }
                        let text: String = reply.text().chars().take(70).collect();
                        *self
                            .error_texts
                            .entry(format!("{} {text}", String::from_utf8_lossy(&cmd[0])))
                            .or_default() += 1;
                    } else {
                        self.oks += 1;
                    }
                    for f in checks {
                        if let Err(why) = f(cmd, &reply) {
                            let sig = format!(
                                "{} {}",
                                String::from_utf8_lossy(&cmd[0]),
                                why.chars().take(80).collect::<String>()
                            );
                            self.finding(sig, format!("{why}: {}", show(cmd)));
                        }
                    }
                    replies.push(Some(reply));
                }
                Err(e) => {
                    if is_malformed(&e) {
                        // The stream is out of step from here on: the rest
                        // of the batch goes unread, on a new connection.
                        malformed = true;
                        self.malformed += 1;
                        let name = String::from_utf8_lossy(&cmd[0]).to_ascii_uppercase();
                        self.finding(
                            format!("malformed {name} {e}"),
                            format!("malformed reply ({e}) to: {}", show(cmd)),
                        );
                    }
                    alive = false;
                    replies.push(None);
                }
            }
        }
        if malformed {
            match Conn::connect(self.server.port, Duration::from_secs(60)) {
                Ok(c) => {
                    self.conn = c;
                    alive = true;
                }
                Err(_) => alive = false,
            }
        }
        let pong = alive && matches!(self.conn.cmd(&["PING"]), Ok(Reply::Status(s)) if s == "PONG");
        if !pong {
            self.crashed(cmds);
        }
        replies
    }

    /// The server stopped answering during `cmds`.
    fn crashed(&mut self, cmds: &[Cmd]) {
        self.crashes += 1;
        let excerpt = crash_excerpt(&self.server);
        self.restart();
        // Replay one by one on the fresh server to find the command.
        let mut culprit = None;
        for cmd in cmds {
            let ok = self.conn.cmd(cmd).is_ok()
                && matches!(self.conn.cmd(&["PING"]), Ok(Reply::Status(s)) if s == "PONG");
            if !ok {
                culprit = Some(cmd.clone());
                break;
            }
        }
        let (sig, example) = match &culprit {
            Some(cmd) => {
                let excerpt = crash_excerpt(&self.server);
                self.restart();
                (
                    format!(
                        "crash {} {} {}",
                        String::from_utf8_lossy(&cmd[0]),
                        first_line(&excerpt),
                        excerpt
                            .lines()
                            .find(|l| l.starts_with("frame: "))
                            .unwrap_or("")
                    ),
                    format!("server died on: {}\n{excerpt}", show(cmd)),
                )
            }
            None => (
                format!("crash (not reproduced alone) {}", first_line(&excerpt)),
                format!(
                    "server died in a batch of {} (replaying it alone did not crash); first: {}\n{excerpt}",
                    cmds.len(),
                    cmds.first().map(|c| show(c)).unwrap_or_default()
                ),
            ),
        };
        self.finding(sig, example);
        assert!(
            self.crashes <= 50,
            "{}: 50 crashes, giving up:\n{}",
            self.name,
            self.report()
        );
    }

    /// Starts the server again with fresh logs (a crashed server's log is
    /// in its finding already) and makes the fixtures again.
    fn restart(&mut self) {
        let _ = std::fs::remove_file(self.server.log_path());
        let _ = std::fs::remove_file(self.server.dir.join("stderr.log"));
        self.server.restart("NOSAVE");
        self.conn = self.server.conn();
        (self.setup)(&mut self.conn);
    }

    /// Panics in the server log (and Rust messages on its stderr) that no
    /// finding mentions yet.
    fn scan_logs(&mut self) {
        let log = self.server.log();
        for line in log.lines().filter(|l| l.contains("panic")) {
            let msg = line
                .split("panic")
                .nth(1)
                .unwrap_or(line)
                .trim()
                .to_string();
            if !self.findings.iter().any(|f| f.1.contains(&msg)) {
                self.finding(format!("log {msg}"), format!("server log: {}", line.trim()));
            }
        }
        // A Rust panic or stack overflow on stderr is a finding. TensorFlow
        // and LiteRT also log there (absl's `W0000 00:00:…` lines, LiteRT's
        // `ERROR: …`), among them the errors they detect and return, which
        // the client gets as an error reply (`ERROR: tflite/util.cc
        // BytesRequired number of bytes overflowed.` for a fuzzed shape):
        // those are shown, not counted.
        let stderr = self.server.stderr_log();
        for line in stderr.lines() {
            let bad = line.contains("panicked") || line.contains("overflow");
            if !bad || self.stderr_seen.contains(line) {
                continue;
            }
            self.stderr_seen.insert(line.to_string());
            if is_backend_log_line(line) && !line.contains("panicked") {
                say(&format!(
                    "FUZZ {} backend log (not a finding): {line}",
                    self.name
                ));
            } else if !self.findings.iter().any(|f| f.1.contains(line)) {
                self.finding(format!("stderr {line}"), format!("server stderr: {line}"));
            }
        }
    }

    /// The findings so far, one text each (the harness's own test).
    pub fn findings(&self) -> Vec<String> {
        self.findings.iter().map(|f| f.1.clone()).collect()
    }

    fn report(&self) -> String {
        self.findings
            .iter()
            .map(|(_, ex, n)| format!("- ({n}×) {ex}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Checks the log for panics the commands did not show, prints the
    /// counts, and fails the test if anything was found.
    pub fn finish(mut self) {
        self.scan_logs();
        let mut per: Vec<_> = self.per_command.iter().collect();
        per.sort();
        let secs = self.started.elapsed().as_secs_f64();
        say(&format!(
            "FUZZ {}: {} commands ({} errors, {} other replies) in {secs:.1}s ({:.0} commands/s), seed {:#x}; {}; {} crashes, {} malformed replies, {} findings",
            self.name,
            self.sent,
            self.errors,
            self.oks,
            self.sent as f64 / secs.max(1e-9),
            self.budget.seed,
            per.iter()
                .map(|(k, (n, e))| format!("{k} {n} ({e} err)"))
                .collect::<Vec<_>>()
                .join(", "),
            self.crashes,
            self.malformed,
            self.findings.len()
        ));
        if let Ok(only) = std::env::var("REDISAI_FUZZ_VERBOSE") {
            // `1`: every command; a command name: only its errors.
            let mut texts: Vec<_> = self
                .error_texts
                .iter()
                .filter(|(t, _)| only == "1" || t.starts_with(&format!("{only} ")))
                .collect();
            texts.sort_by(|a, b| b.1.cmp(a.1));
            for (t, n) in texts.iter().take(25) {
                say(&format!("FUZZ {} errors: {n:>7} {t}", self.name));
            }
        }
        if !self.findings.is_empty() {
            // The findings quote what matters; a fuzzed server's whole log
            // (printed by `Server`'s drop on a failure) would bury them.
            let _ = std::fs::remove_file(self.server.log_path());
        }
        assert!(
            self.findings.is_empty(),
            "{} (seed {:#x}) found {} problem(s):\n{}",
            self.name,
            self.budget.seed,
            self.findings.len(),
            self.report()
        );
    }
}

/// The first line of an excerpt without the log's `pid:role date time
/// level` prefix, so the same crash gives the same signature every time.
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("");
    let msg = match line.split_once(':') {
        Some((pid, rest)) if pid.bytes().all(|b| b.is_ascii_digit()) => {
            rest.splitn(6, ' ').nth(5).unwrap_or(rest)
        }
        _ => line,
    };
    msg.chars().take(100).collect()
}

/// The lines of a crashed server's log and stderr that say why.
fn crash_excerpt(s: &Server) -> String {
    let log = s.log();
    // Only this life of the server: after the last start banner.
    let life = log
        .rfind("Redis is starting")
        .map_or(log.as_str(), |i| &log[i..]);
    let mut lines: Vec<String> = life
        .lines()
        .filter(|l| {
            l.contains("panic")
                || l.contains("crashed by signal")
                || l.contains("Crashed running")
                || l.contains("argv[")
                || l.contains("ASSERTION FAILED")
                || l.contains("Out Of Memory")
                || l.contains("Failed opening")
        })
        .map(|l| l.trim().chars().take(200).collect())
        .take(8)
        .collect();
    // The innermost frames in the module tell two crashes of one command
    // apart (offsets are stable within a build).
    lines.extend(
        life.lines()
            .filter(|l| l.contains("libredisai.so("))
            .take(2)
            // `…/libredisai.so(+0x1d2f3)[0x7f…]`: the address after `)`
            // moves with ASLR, the offset does not.
            .map(|l| {
                let l = l.trim();
                let from = l.find("libredisai.so(").unwrap_or(0);
                let to = l[from..].find(')').map_or(l.len(), |i| from + i + 1);
                format!("frame: {}", &l[from..to])
            }),
    );
    let stderr = s.stderr_log();
    lines.extend(
        stderr
            .lines()
            .rev()
            .take(3)
            .map(|l| format!("stderr: {}", l.chars().take(200).collect::<String>())),
    );
    if lines.is_empty() {
        lines.push("(nothing in the log: killed, or a hang past the reply timeout)".into());
    }
    lines.join("\n")
}

/// Whether a stderr line is a log line of a backend runtime: absl/glog
/// (TensorFlow, LiteRT: a severity letter, `MMDD`, a space, `hh:mm:ss`) or
/// TFLite's error reporter (`ERROR: `, `WARNING: `, `INFO: `). Rust's own
/// messages (`thread '…' panicked`, `fatal runtime error: …`) are neither.
fn is_backend_log_line(line: &str) -> bool {
    if ["ERROR: ", "WARNING: ", "INFO: "]
        .iter()
        .any(|p| line.starts_with(p))
    {
        return true;
    }
    let b = line.as_bytes();
    b.len() > 13
        && matches!(b[0], b'I' | b'W' | b'E' | b'F')
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5] == b' '
        && b[6..8].iter().all(u8::is_ascii_digit)
        && b[8] == b':'
}
