//! The wire-test harness: a real `redis-server` per test, with the module
//! loaded, on a free port, in its own temporary directory, with a connect
//! deadline. It is killed on drop, and its log is printed when a test fails.
//! Tests never link the module crate (its Redis allocator aborts outside
//! Redis); they only talk to it over the wire.

#![allow(dead_code)]

pub mod crash;
pub mod fuzzgen;
pub mod rdb;
pub mod resp;
pub mod vec;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use resp::{Conn, Reply};

/// How long a server may take to answer its first PING.
const START_DEADLINE: Duration = Duration::from_secs(20);
/// How long any single reply may take before the test fails.
const REPLY_TIMEOUT: Duration = Duration::from_secs(60);

/// The module under test: `REDISAI_MODULE`, else the release build.
pub fn module_path() -> PathBuf {
    if let Some(p) = std::env::var_os("REDISAI_MODULE") {
        return PathBuf::from(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("release/libredisai.so")
}

/// Whether the module under test has `feature`: `torch`, `onnx` (backends
/// compiled in) or `fault-injection` (`AI._FAULT`). The module itself is
/// asked, once per test binary, through a probe server (see
/// [`Server::features`]), so a test can never believe the wrong build.
///
/// `REDISAI_FEATURES` (comma-separated, `none` for nothing), when set, is
/// what the runner expects: a module that reports anything else fails the
/// test, so a wrong `REDISAI_MODULE` cannot quietly turn tests into skips.
pub fn has_feature(name: &str) -> bool {
    build_features()
        .iter()
        .any(|f| f.eq_ignore_ascii_case(name))
}

/// The features the module under test reports (probed once per binary).
pub fn build_features() -> &'static [String] {
    static FEATURES: OnceLock<Vec<String>> = OnceLock::new();
    FEATURES.get_or_init(|| {
        let found = Server::start().features();
        if let Ok(want) = std::env::var("REDISAI_FEATURES") {
            let mut want: Vec<String> = want
                .split(',')
                .map(|f| f.trim().to_ascii_lowercase())
                .filter(|f| !f.is_empty() && f != "none")
                .collect();
            want.sort();
            assert_eq!(
                found,
                want,
                "REDISAI_FEATURES says the module under test ({}) has {want:?}, it reports {found:?}",
                module_path().display()
            );
        }
        found
    })
}

/// True when the build has every one of `features`; otherwise prints
/// `SKIPPED <test>: build has no <FEATURE> backend` to the real stderr (not
/// captured by the test harness, so it shows in every run) and returns
/// false. Use it through [`skip_unless!`](crate::skip_unless).
pub fn available(features: &[&str], test: &str) -> bool {
    let missing: Vec<String> = features
        .iter()
        .filter(|f| !has_feature(f))
        .map(|f| match *f {
            "torch" | "onnx" | "tf" | "tflite" => {
                format!("{} backend", f.to_ascii_uppercase())
            }
            other => format!("{other} feature"),
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    skipped(test, &format!("build has no {}", missing.join(" and no ")));
    false
}

/// Prints `SKIPPED <test>: <why>` where the test's output is never captured.
pub fn skipped(test: &str, why: &str) {
    say(&format!("SKIPPED {test}: {why}"));
}

/// One line on the process's stderr, past libtest's output capture (which
/// only takes `print!`/`eprint!`): skips, fuzz seeds and counts.
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The path of the function it is expanded in (`models::onnx_runs`).
#[macro_export]
macro_rules! test_name {
    () => {{
        fn f() {}
        fn name_of<T>(_: T) -> &'static str {
            std::any::type_name::<T>()
        }
        name_of(f).trim_end_matches("::f")
    }};
}

/// `skip_unless!("torch", "onnx");` at the top of a test: returns from it,
/// with a visible `SKIPPED` line, unless the module has those features.
#[macro_export]
macro_rules! skip_unless {
    ($($feature:expr),+ $(,)?) => {
        if !$crate::common::available(&[$($feature),+], $crate::test_name!()) {
            return;
        }
    };
}

/// A port no other process is listening on. Ports come from 20000..32000,
/// below Linux's ephemeral range (32768..60999), so an outgoing connection of
/// another test can never take one between this check and the server's bind;
/// each process starts at its own offset and walks forward.
fn free_port() -> u16 {
    const LOW: u32 = 20_000;
    const SPAN: u32 = 12_000;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let base = std::process::id().wrapping_mul(7919);
    for _ in 0..SPAN {
        let n = NEXT.fetch_add(1, Ordering::Relaxed) as u32;
        let port = (LOW + base.wrapping_add(n) % SPAN) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port in {LOW}..{}", LOW + SPAN)
}

fn temp_dir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "redisai-test-{}-{}-{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// A running redis-server with the module.
pub struct Server {
    child: Option<Child>,
    pub port: u16,
    pub dir: PathBuf,
    module_args: Vec<String>,
    extra: Vec<String>,
    /// A redis.conf given as the first argument (see [`Server::from_conf`]);
    /// it then holds the `loadmodule` line itself.
    conf: Option<PathBuf>,
}

impl Server {
    /// A server with the module and no module arguments.
    pub fn start() -> Server {
        Server::with(&[], &[])
    }

    /// A server with module arguments and extra server options
    /// (`["--appendonly", "yes"]`).
    pub fn with(module_args: &[&str], extra: &[&str]) -> Server {
        match Server::try_with(module_args, extra) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    /// Like [`Server::with`], but a server that does not come up is an `Err`
    /// carrying its log (module load failures are tested this way).
    pub fn try_with(module_args: &[&str], extra: &[&str]) -> Result<Server, String> {
        Server::unstarted(module_args, extra).start_on_free_port()
    }

    /// A server started as `redis-server <dir>/redis.conf`, the file holding
    /// `text` (which must load the module: `loadmodule {module_path()} …`).
    /// The file stays, so CONFIG REWRITE and [`Server::restart`] use it.
    pub fn from_conf(text: &str) -> Result<Server, String> {
        let mut s = Server::unstarted(&[], &[]);
        let conf = s.dir.join("redis.conf");
        std::fs::write(&conf, text).map_err(|e| format!("write {}: {e}", conf.display()))?;
        s.conf = Some(conf);
        s.start_on_free_port()
    }

    fn unstarted(module_args: &[&str], extra: &[&str]) -> Server {
        Server {
            child: None,
            port: free_port(),
            dir: temp_dir(),
            module_args: module_args.iter().map(|s| s.to_string()).collect(),
            extra: extra.iter().map(|s| s.to_string()).collect(),
            conf: None,
        }
    }

    fn start_on_free_port(self) -> Result<Server, String> {
        let mut s = self;
        // A port that was free when picked can still be taken before the
        // server binds it (another process scanning the same range): then,
        // and only then, try again on a new port.
        for _ in 0..5 {
            match s.launch() {
                Err(_) if s.lost_port_race() => {
                    let _ = std::fs::remove_file(s.log_path());
                    s.port = free_port();
                }
                other => return other.map(|()| s),
            }
        }
        s.launch().map(|()| s)
    }

    /// Whether the last launch failed only because its port was taken.
    fn lost_port_race(&self) -> bool {
        self.log().contains("Address already in use")
    }

    fn launch(&mut self) -> Result<(), String> {
        let module = module_path();
        assert!(module.exists(), "module not built: {}", module.display());
        let mut load = vec![module.to_string_lossy().into_owned()];
        load.extend(self.module_args.iter().cloned());
        let mut cmd = Command::new("redis-server");
        if let Some(conf) = &self.conf {
            cmd.arg(conf);
        }
        cmd.arg("--port")
            .arg(self.port.to_string())
            .arg("--bind")
            .arg("127.0.0.1")
            .arg("--dir")
            .arg(&self.dir)
            .arg("--logfile")
            .arg(self.log_path())
            .arg("--save")
            .arg("")
            .arg("--enable-debug-command")
            .arg("local")
            .arg("--enable-module-command")
            .arg("local")
            .args(self.conf.is_none().then_some("--loadmodule"))
            .args(if self.conf.is_none() { &load[..] } else { &[] })
            .args(&self.extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            // What bypasses the Redis log (a Rust abort message, a stack
            // overflow) lands here; see `stderr_log`.
            .stderr(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(self.dir.join("stderr.log"))
                    .map(Stdio::from)
                    .unwrap_or_else(|_| Stdio::null()),
            );
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start redis-server: {e}"))?;
        self.child = Some(child);
        let deadline = Instant::now() + START_DEADLINE;
        loop {
            // Up means: the process that answers on the port is our child
            // (not another server that happens to hold it).
            let pid = self.child.as_ref().map(|c| c.id().to_string());
            if let Ok(mut c) = Conn::connect(self.port, Duration::from_secs(5)) {
                let pong = matches!(c.cmd(&["PING"]), Ok(Reply::Status(s)) if s == "PONG");
                let ours = pong
                    && matches!(c.cmd(&["INFO", "server"]), Ok(r @ Reply::Bulk(_))
                    if r.text().lines().any(|l| {
                        l.trim().strip_prefix("process_id:") == pid.as_deref()
                    }));
                if ours {
                    return Ok(());
                }
            }
            let exited = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
                .is_some();
            if exited || Instant::now() > deadline {
                self.kill();
                return Err(format!(
                    "redis-server did not come up on port {}\n--- server log ---\n{}",
                    self.port,
                    self.log()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.join("redis.log")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// What the server wrote to its stderr (empty normally).
    pub fn stderr_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("stderr.log")).unwrap_or_default()
    }

    /// The features this module reports: its compiled-in backends from
    /// `ai_backends_compiled` in INFO MODULES (or, for builds before that
    /// field, from the `ai_Torch_version` / `ai_onnxruntime_version` lines),
    /// and `fault-injection` when it has `AI._FAULT`. Sorted, lower-case.
    pub fn features(&self) -> Vec<String> {
        let mut c = self.conn();
        let info = c.cmd(&["INFO", "MODULES"]).expect("INFO MODULES").text();
        let line = |name: &str| {
            info.lines()
                .find_map(|l| l.trim_end().strip_prefix(name).map(str::to_string))
        };
        let mut found: Vec<String> = match line("ai_backends_compiled:") {
            Some(list) => list
                .split(',')
                .map(|f| f.trim().to_ascii_lowercase())
                .filter(|f| !f.is_empty())
                .collect(),
            None => [
                ("torch", "ai_Torch_version:"),
                ("onnx", "ai_onnxruntime_version:"),
            ]
            .iter()
            .filter(|(_, l)| line(l).is_some())
            .map(|(f, _)| f.to_string())
            .collect(),
        };
        let fault = c
            .cmd(&["COMMAND", "INFO", "AI._FAULT"])
            .expect("COMMAND INFO");
        if matches!(&fault, Reply::Array(a) if a.first().is_some_and(|x| *x != Reply::Nil)) {
            found.push("fault-injection".into());
        }
        found.sort();
        found
    }

    /// A new connection (RESP2).
    pub fn conn(&self) -> Conn {
        Conn::connect(self.port, REPLY_TIMEOUT).expect("connect")
    }

    /// A new connection switched to RESP3.
    pub fn conn3(&self) -> Conn {
        let mut c = self.conn();
        let r = c.cmd(&["HELLO", "3"]).expect("HELLO 3");
        assert!(!r.is_error(), "{r:?}");
        c
    }

    /// Whether the server still answers.
    pub fn alive(&self) -> bool {
        Conn::connect(self.port, Duration::from_secs(10))
            .and_then(|mut c| c.cmd(&["PING"]))
            .map(|r| r == Reply::Status("PONG".into()))
            .unwrap_or(false)
    }

    /// Stops the server (SHUTDOWN with `mode`, e.g. "NOSAVE" or "SAVE") and
    /// starts it again on the same port and directory.
    pub fn restart(&mut self, mode: &str) {
        // A server that died already (a fuzz crash) is simply started again.
        if let Ok(mut c) = Conn::connect(self.port, Duration::from_secs(10)) {
            let _ = c.cmd(&["SHUTDOWN", mode]);
        }
        if let Some(mut c) = self.child.take() {
            let deadline = Instant::now() + Duration::from_secs(20);
            while c.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
        if let Err(e) = self.launch() {
            panic!("{e}");
        }
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// A field of `INFO <section>`.
    pub fn info_field(&self, section: &str, field: &str) -> Option<String> {
        let info = self.conn().cmd(&["INFO", section]).ok()?.text();
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")).map(str::to_string))
    }

    /// An integer field of `INFO MODULES` (e.g. "ai_vector_sets"); panics
    /// if it is missing.
    pub fn module_int(&self, field: &str) -> i64 {
        self.info_field("modules", field)
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("INFO MODULES lacks {field}"))
    }

    /// Makes this server a replica of `primary` and waits until the link is
    /// up (the full sync done).
    pub fn replicate_from(&self, primary: &Server) {
        let r = self
            .conn()
            .cmd(&["REPLICAOF", "127.0.0.1", &primary.port.to_string()])
            .expect("REPLICAOF reply");
        assert!(r.is_ok(), "REPLICAOF: {r:?}");
        self.wait_for("the replication link", 30, |s| {
            s.info_field("replication", "master_link_status").as_deref() == Some("up")
        });
    }

    /// Waits until `f` holds, or panics after `secs`.
    pub fn wait_for(&self, what: &str, secs: u64, mut f: impl FnMut(&Server) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !f(self) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            eprintln!(
                "--- redis-server log (port {}, {}) ---\n{}",
                self.port,
                self.dir.display(),
                self.log()
            );
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Byte-string arguments from a list of `&str`.
pub fn args(a: &[&str]) -> Vec<Vec<u8>> {
    a.iter().map(|s| s.as_bytes().to_vec()).collect()
}

/// A model file from `tests/fixtures/models` (made by scripts/gen-fixtures.py).
pub fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/models")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A command from a line of space-separated words.
pub fn line(c: &mut Conn, line: &str) -> Reply {
    let a: Vec<&str> = line.split(' ').collect();
    c.cmd(&a).expect("reply")
}

/// [`line`], which must reply OK.
pub fn ok_line(c: &mut Conn, text: &str) {
    let r = line(c, text);
    assert!(r.is_ok(), "{text} -> {r:?}");
}

/// [`line`], which must fail; its error text.
pub fn err_line(c: &mut Conn, text: &str) -> String {
    let r = line(c, text);
    assert!(r.is_error(), "{text} should fail: {r:?}");
    r.err().to_string()
}

/// `AI.TENSORSET key FLOAT n 2 VALUES …` of `v`.
pub fn set_floats(c: &mut Conn, key: &str, v: &[f32]) {
    let mut a = vec!["AI.TENSORSET".to_string(), key.into(), "FLOAT".into()];
    a.push((v.len() / 2).to_string());
    a.push("2".into());
    a.push("VALUES".into());
    a.extend(v.iter().map(|x| x.to_string()));
    let r = c.cmd(&a).expect("reply");
    assert!(r.is_ok(), "{r:?}");
}

/// A tensor's shape (TENSORGET META).
pub fn shape(c: &mut Conn, key: &str) -> Vec<i64> {
    let r = c.cmd(&["AI.TENSORGET", key, "META"]).expect("reply");
    r.array()[3].array().iter().map(Reply::int).collect()
}

/// `AI.MODELSTORE key backend device [extra…] BLOB <fixture>`.
pub fn store_model(c: &mut Conn, key: &str, backend: &str, file: &str, extra: &[&str]) -> Reply {
    let mut a = args(&["AI.MODELSTORE", key, backend, "CPU"]);
    a.extend(args(extra));
    a.push(b"BLOB".to_vec());
    a.push(fixture(file));
    c.cmd(&a).expect("reply")
}

/// The f32 values of a FLOAT tensor (TENSORGET … BLOB).
pub fn floats(c: &mut Conn, key: &str) -> Vec<f32> {
    let r = c.cmd(&["AI.TENSORGET", key, "BLOB"]).expect("reply");
    assert!(!r.is_error(), "{key}: {r:?}");
    r.bulk()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// Runs a command that must reply `+OK`.
pub fn ok(c: &mut Conn, a: &[&str]) {
    let r = c.cmd(a).expect("reply");
    assert!(r.is_ok(), "{a:?}: {r:?}");
}

/// Runs a command that must fail; returns the error text.
pub fn err(c: &mut Conn, a: &[&str]) -> String {
    let r = c.cmd(a).expect("reply");
    assert!(r.is_error(), "{a:?} should fail: {r:?}");
    r.err().to_string()
}

/// xorshift64*: deterministic, so a failure reproduces from its seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len() as u64) as usize]
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

impl Server {
    /// Runs BGREWRITEAOF, waits for it to succeed, and returns the new base
    /// file's bytes.
    pub fn rewrite_aof(&self) -> Vec<u8> {
        let r = self.conn().cmd(&["BGREWRITEAOF"]).expect("reply");
        assert!(!r.is_error(), "{r:?}");
        self.wait_for("the AOF rewrite", 60, |s| {
            s.info_field("persistence", "aof_rewrite_in_progress")
                .as_deref()
                == Some("0")
                && s.info_field("persistence", "aof_rewrite_scheduled")
                    .as_deref()
                    == Some("0")
        });
        assert_eq!(
            self.info_field("persistence", "aof_last_bgrewrite_status")
                .as_deref(),
            Some("ok")
        );
        let base = std::fs::read_dir(self.dir.join("appendonlydir"))
            .expect("aof dir")
            .flatten()
            .find(|e| e.file_name().to_string_lossy().contains(".base.aof"))
            .expect("base aof");
        std::fs::read(base.path()).expect("read base")
    }
}
