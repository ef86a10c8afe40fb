//! `redisai-bench soak`: many clients send a mixed load for a long time;
//! the tool counts every error reply, samples the server's RSS and
//! `used_memory`, and prints p50/p99 latency per interval, overall and per
//! op kind (tables in [`crate::soak_report`]).
//!
//! ```text
//! redisai-bench soak --port N [--seconds 600] [--clients 64] [--interval S]
//!     [--warmup S] [--sample S] [--max-rss-growth PCT] [--markdown FILE]
//! ```
//! Defaults for a run of T seconds: intervals of 60 s (T/10 below 300 s),
//! a warm-up of min(60 s, T/10), samples every 2 s (1 s below 120 s).
//! `scripts/soak` starts a server with the module and runs this.
//!
//! Every op kind is a pipelined batch of commands, and every reply is
//! checked. The one expected error is `ERR tensor key is empty or in a
//! different shard` in reply to the `expire` kind's AI.TENSORGET of a key
//! it set earlier with a TTL of 1–200 ms: the key may have expired. Any
//! other error reply, a reply of the wrong shape, a lost connection or a
//! read timeout is unexpected.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::resp::{self, Conn, Reply};
use crate::soak_report::{self, Sample, Settings, Stats};
use crate::{args, floats, Rng};

/// Vector dimension of the vector set and the FT index.
pub const DIM: usize = 32;
/// Vectors in the set and hashes in the index before the load starts.
const BASE: usize = 2000;
const VSET: &str = "soak:vset";
const IDX: &str = "soak:idx";
const SCRIPT: &str =
    "def add(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0] + tensors[1]\n";
/// The one expected error (see the module docs).
pub const EXPECTED: &str = "ERR tensor key is empty or in a different shard";

/// Op kinds and their weights (out of 100).
pub const KINDS: &[(&str, u32)] = &[
    ("infer_onnx", 12),
    ("infer_torch", 12),
    ("dag", 10),
    ("script", 10),
    ("vsim", 16),
    ("vadd_vrem", 4),
    ("ft_search", 14),
    ("ft_hset", 4),
    ("churn", 10),
    ("expire", 8),
];

/// What a reply must be.
enum Check {
    Ok,
    Int,
    /// A bulk string of exactly this many bytes.
    Blob(usize),
    /// AI.TENSORGET VALUES of these numbers.
    Values(Vec<f64>),
    /// An array whose first element is an integer (FT.SEARCH).
    Search,
    /// An array of names (AI.VSIM).
    Names,
    /// A DAG reply: this many elements, none an error.
    Dag(usize),
    /// A blob of this length, or the expected error.
    MaybeExpired(usize),
}

enum Verdict {
    Good,
    Expected,
    Bad(String),
}

fn judge(r: &Reply, c: &Check) -> Verdict {
    let good = match (c, r) {
        (Check::MaybeExpired(_), Reply::Error(e)) if e == EXPECTED => return Verdict::Expected,
        (_, Reply::Error(e)) => return Verdict::Bad(e.clone()),
        (Check::Ok, r) => r.is_ok(),
        (Check::Int, r) => matches!(r, Reply::Int(_) | Reply::Bool(_)),
        (Check::Blob(n) | Check::MaybeExpired(n), Reply::Bulk(b)) => b.len() == *n,
        (Check::Values(want), Reply::Array(a)) => {
            a.len() == want.len()
                && a.iter().zip(want).all(|(x, w)| match x {
                    Reply::Bulk(b) => std::str::from_utf8(b)
                        .ok()
                        .and_then(|s| s.parse::<f64>().ok())
                        .is_some_and(|v| (v - w).abs() < 1e-3),
                    Reply::Double(v) => (v - w).abs() < 1e-3,
                    _ => false,
                })
        }
        (Check::Search, Reply::Array(a)) => matches!(a.first(), Some(Reply::Int(_))),
        (Check::Names, Reply::Array(a)) => !a.is_empty() && a.len() <= 10,
        (Check::Dag(n), Reply::Array(a)) => a.len() == *n && !a.iter().any(Reply::is_error),
        _ => false,
    };
    if good {
        Verdict::Good
    } else {
        Verdict::Bad(format!("unexpected reply {}", short(r)))
    }
}

fn short(r: &Reply) -> String {
    let s = format!("{r:?}");
    s.chars().take(160).collect()
}

fn blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

type Batch = Vec<(Vec<Vec<u8>>, Check)>;

/// One client's state: its id, a counter and a generator.
struct Client {
    id: usize,
    n: u64,
    rng: Rng,
}

impl Client {
    fn key(&self, what: &str) -> String {
        format!("soak:{what}:{}", self.id)
    }

    fn vector(&mut self) -> Vec<u8> {
        blob(&self.rng.sphere(DIM))
    }

    fn infer(&mut self, model: &str) -> Batch {
        let (a, b, o) = (self.key("ia"), self.key("ib"), self.key("io"));
        let set = |k: &str, n: usize| {
            args(
                &format!("AI.TENSORSET {k} FLOAT 1 {n} BLOB $"),
                &[&floats(n)],
            )
        };
        vec![
            (set(&a, 30), Check::Ok),
            (set(&b, 256), Check::Ok),
            (
                args(
                    &format!("AI.MODELEXECUTE {model} INPUTS 2 {a} {b} OUTPUTS 1 {o}"),
                    &[],
                ),
                Check::Ok,
            ),
            (args(&format!("AI.TENSORGET {o} BLOB"), &[]), Check::Blob(8)),
        ]
    }

    /// `a = [id, n % 100]`, `b = [1, 2]`: the script's sum is known.
    fn script_values(&self) -> (String, String, Vec<f64>) {
        let (x, y) = (self.id as f64, (self.n % 100) as f64);
        (
            format!("VALUES {x} {y}"),
            "VALUES 1 2".to_string(),
            vec![x + 1.0, y + 2.0],
        )
    }

    fn script(&mut self) -> Batch {
        let (a, b, o) = (self.key("sa"), self.key("sb"), self.key("so"));
        let (va, vb, want) = self.script_values();
        vec![
            (
                args(&format!("AI.TENSORSET {a} FLOAT 2 {va}"), &[]),
                Check::Ok,
            ),
            (
                args(&format!("AI.TENSORSET {b} FLOAT 2 {vb}"), &[]),
                Check::Ok,
            ),
            (
                args(
                    &format!("AI.SCRIPTEXECUTE soak:script add INPUTS 2 {a} {b} OUTPUTS 1 {o}"),
                    &[],
                ),
                Check::Ok,
            ),
            (
                args(&format!("AI.TENSORGET {o} VALUES"), &[]),
                Check::Values(want),
            ),
        ]
    }

    /// Three DAG shapes in turn: a model (read-only), a script whose output
    /// is PERSISTed, and a vector search on a DAG tensor.
    fn dag(&mut self) -> Batch {
        let ops = if self.n % 3 == 2 { 3 } else { 4 };
        let text = match self.n % 3 {
            0 => args(
                &format!(
                    "AI.DAGEXECUTE_RO ROUTING {} |> AI.TENSORSET a FLOAT 1 30 BLOB $ \
                     |> AI.TENSORSET b FLOAT 1 256 BLOB $ \
                     |> AI.MODELEXECUTE soak:pt INPUTS 2 a b OUTPUTS 1 o |> AI.TENSORGET o BLOB",
                    self.key("dg")
                ),
                &[&floats(30), &floats(256)],
            ),
            1 => {
                let (va, vb, _) = self.script_values();
                let p = self.key("dp");
                args(
                    &format!(
                        "AI.DAGEXECUTE PERSIST 1 {p} |> AI.TENSORSET a FLOAT 2 {va} \
                         |> AI.TENSORSET b FLOAT 2 {vb} \
                         |> AI.SCRIPTEXECUTE soak:script add INPUTS 2 a b OUTPUTS 1 {p} \
                         |> AI.TENSORGET {p} VALUES"
                    ),
                    &[],
                )
            }
            _ => args(
                &format!(
                    "AI.DAGEXECUTE_RO ROUTING {VSET} |> AI.TENSORSET q FLOAT 1 {DIM} BLOB $ \
                     |> AI.VSIM {VSET} TENSOR q COUNT 5 OUTPUTS 2 ids sc |> AI.TENSORGET sc BLOB"
                ),
                &[&self.vector()],
            ),
        };
        vec![(text, Check::Dag(ops))]
    }

    fn vsim(&mut self) -> Batch {
        let q = self.vector();
        vec![(
            args(&format!("AI.VSIM {VSET} FP32 $ COUNT 10 EF 50"), &[&q]),
            Check::Names,
        )]
    }

    /// Adds one of this client's 64 names and removes the one 32 behind.
    fn vadd_vrem(&mut self) -> Batch {
        let (add, rem) = (self.n % 64, (self.n + 32) % 64);
        let v = self.vector();
        let id = self.id;
        vec![
            (
                args(&format!("AI.VADD {VSET} FP32 $ c{id}:{add}"), &[&v]),
                Check::Int,
            ),
            (
                args(&format!("AI.VREM {VSET} c{id}:{rem}"), &[]),
                Check::Int,
            ),
        ]
    }

    fn ft_search(&mut self) -> Batch {
        let q = self.vector();
        let mut a = args(
            &format!("FT.SEARCH {IDX} QUERY RETURN 1 d PARAMS 2 B $ DIALECT 2"),
            &[&q],
        );
        a[2] = b"*=>[KNN 10 @v $B AS d]".to_vec();
        vec![(a, Check::Search)]
    }

    /// HSETs one of this client's 64 hashes and deletes the one 32 behind.
    fn ft_hset(&mut self) -> Batch {
        let (set, del) = (self.n % 64, (self.n + 32) % 64);
        let v = self.vector();
        let id = self.id;
        vec![
            (
                args(
                    &format!("HSET soak:doc:c{id}:{set} v $ t {}", self.n % 4),
                    &[&v],
                ),
                Check::Int,
            ),
            (args(&format!("DEL soak:doc:c{id}:{del}"), &[]), Check::Int),
        ]
    }

    /// Sets 8 tensors of mixed sizes in a ring of 256 and deletes the 8
    /// that stand 128 behind.
    fn churn(&mut self) -> Batch {
        const SIZES: [usize; 4] = [16, 256, 1024, 4096];
        let base = (self.n * 8) % 256;
        let mut b = Batch::new();
        for j in 0..8 {
            let k = format!("soak:churn:{}:{}", self.id, base + j);
            let n = SIZES[(self.rng.next_u64() % 4) as usize];
            b.push((
                args(&format!("AI.TENSORSET {k} FLOAT {n} BLOB $"), &[&floats(n)]),
                Check::Ok,
            ));
        }
        for j in 0..8 {
            let k = format!("soak:churn:{}:{}", self.id, (base + 128 + j) % 256);
            b.push((args(&format!("DEL {k}"), &[]), Check::Int));
        }
        b
    }

    /// A tensor with a TTL of 1–200 ms and a read of the one set 4 ops
    /// ago (which may have expired: the expected error). Every 4th op also
    /// makes a small vector set with a TTL, and every 4th (other phase) an
    /// indexed hash with a TTL, so the expiry cycle frees those too.
    fn expire(&mut self) -> Batch {
        let (id, n) = (self.id, self.n);
        let ttl = 1 + self.rng.next_u64() % 200;
        let k = format!("soak:exp:{id}:{n}");
        let mut b: Batch = vec![
            (
                args(
                    &format!("AI.TENSORSET {k} FLOAT 1 64 BLOB $"),
                    &[&floats(64)],
                ),
                Check::Ok,
            ),
            (args(&format!("PEXPIRE {k} {ttl}"), &[]), Check::Int),
        ];
        if n >= 4 {
            let old = format!("soak:exp:{id}:{}", n - 4);
            b.push((
                args(&format!("AI.TENSORGET {old} BLOB"), &[]),
                Check::MaybeExpired(256),
            ));
        }
        if n % 4 == 1 {
            let vs = format!("soak:expvs:{id}:{n}");
            for e in 0..4 {
                let v = self.vector();
                b.push((
                    args(&format!("AI.VADD {vs} FP32 $ e{e}"), &[&v]),
                    Check::Int,
                ));
            }
            b.push((args(&format!("PEXPIRE {vs} {ttl}"), &[]), Check::Int));
        }
        if n % 4 == 3 {
            let h = format!("soak:doc:exp:{id}:{n}");
            let v = self.vector();
            b.push((args(&format!("HSET {h} v $ t x"), &[&v]), Check::Int));
            b.push((args(&format!("PEXPIRE {h} {ttl}"), &[]), Check::Int));
        }
        b
    }

    fn batch(&mut self, kind: usize) -> Batch {
        self.n += 1;
        match KINDS[kind].0 {
            "infer_onnx" => self.infer("soak:ox"),
            "infer_torch" => self.infer("soak:pt"),
            "dag" => self.dag(),
            "script" => self.script(),
            "vsim" => self.vsim(),
            "vadd_vrem" => self.vadd_vrem(),
            "ft_search" => self.ft_search(),
            "ft_hset" => self.ft_hset(),
            "churn" => self.churn(),
            _ => self.expire(),
        }
    }

    fn pick(&mut self) -> usize {
        let total: u32 = KINDS.iter().map(|k| k.1).sum();
        let mut r = (self.rng.next_u64() % total as u64) as u32;
        for (i, k) in KINDS.iter().enumerate() {
            if r < k.1 {
                return i;
            }
            r -= k.1;
        }
        KINDS.len() - 1
    }
}

/// Shared between the workers, the sampler and the main thread.
pub struct Shared {
    pub stop: AtomicBool,
    pub ops: AtomicU64,
    pub expected: AtomicU64,
    pub unexpected: AtomicU64,
    /// The first unexpected errors, with the command that got them.
    pub first: Mutex<Vec<String>>,
}

impl Shared {
    fn bad(&self, what: String) {
        self.unexpected.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut f) = self.first.lock() {
            if f.len() < 20 {
                f.push(what);
            }
        }
    }
}

fn name_of(cmd: &[Vec<u8>]) -> String {
    let s: Vec<String> = cmd
        .iter()
        .take(3)
        .map(|a| String::from_utf8_lossy(&a[..a.len().min(40)]).into_owned())
        .collect();
    s.join(" ")
}

/// One client: ops by weight until `stop`; latencies per interval and kind.
fn worker(port: u16, id: usize, st: &Settings, sh: &Shared, t0: Instant) -> Stats {
    let mut stats = Stats::new(st.intervals());
    let mut c = match Conn::connect(port, Duration::from_secs(30)) {
        Ok(c) => c,
        Err(e) => {
            sh.bad(format!("client {id}: connect: {e}"));
            return stats;
        }
    };
    let mut cl = Client {
        id,
        n: 0,
        rng: Rng(0x5eed ^ ((id as u64) << 20)),
    };
    let mut buf = Vec::new();
    while !sh.stop.load(Ordering::Relaxed) {
        let kind = cl.pick();
        let batch = cl.batch(kind);
        buf.clear();
        for (cmd, _) in &batch {
            resp::encode(cmd, &mut buf);
        }
        let t = Instant::now();
        if let Err(e) = c.send_raw(&buf).and_then(|_| c.flush()) {
            sh.bad(format!("client {id}: send: {e}"));
            return stats;
        }
        let mut errs = (0u64, 0u64);
        for (cmd, check) in &batch {
            let reply = match c.read() {
                Ok(r) => r,
                Err(e) => {
                    sh.bad(format!("client {id}: read ({}): {e}", name_of(cmd)));
                    return stats;
                }
            };
            match judge(&reply, check) {
                Verdict::Good => {}
                Verdict::Expected => errs.0 += 1,
                Verdict::Bad(e) => {
                    errs.1 += 1;
                    sh.bad(format!("{}: {e}", name_of(cmd)));
                }
            }
        }
        let us = t.elapsed().as_micros().min(u32::MAX as u128) as u32;
        let at = t.duration_since(t0).as_secs_f64();
        stats.record(st.interval_of(at), kind, us, errs);
        sh.ops.fetch_add(1, Ordering::Relaxed);
        sh.expected.fetch_add(errs.0, Ordering::Relaxed);
    }
    stats
}

fn ok(c: &mut Conn, a: Vec<Vec<u8>>) -> Result<Reply, String> {
    let what = name_of(&a);
    match c.cmd(&a).map_err(|e| format!("{what}: {e}"))? {
        Reply::Error(e) => Err(format!("{what}: {e}")),
        r => Ok(r),
    }
}

/// Models, the script, the vector set and the FT index with their data.
fn setup(c: &mut Conn, fixtures: &str) -> Result<(), String> {
    for (key, backend, file) in [
        ("soak:ox", "ONNX", "onnx-fraud.onnx"),
        ("soak:pt", "TORCH", "pt-fraud.pt"),
    ] {
        let b = std::fs::read(format!("{fixtures}/{file}")).map_err(|e| format!("{file}: {e}"))?;
        ok(
            c,
            args(&format!("AI.MODELSTORE {key} {backend} CPU BLOB $"), &[&b]),
        )?;
    }
    ok(
        c,
        args(
            "AI.SCRIPTSTORE soak:script CPU ENTRY_POINTS 1 add SOURCE $",
            &[SCRIPT.as_bytes()],
        ),
    )?;
    ok(
        c,
        args(
            &format!(
                "FT.CREATE {IDX} ON HASH PREFIX 1 soak:doc: SCHEMA v VECTOR HNSW 6 TYPE FLOAT32 \
                 DIM {DIM} DISTANCE_METRIC COSINE t TAG"
            ),
            &[],
        ),
    )?;
    let mut rng = Rng(42);
    let mut buf = Vec::new();
    for i in 0..BASE {
        let v = blob(&rng.sphere(DIM));
        resp::encode(
            &args(&format!("AI.VADD {VSET} FP32 $ b{i}"), &[&v]),
            &mut buf,
        );
        let h = format!("HSET soak:doc:b{i} v $ t {}", i % 4);
        resp::encode(&args(&h, &[&v]), &mut buf);
    }
    c.send_raw(&buf)
        .and_then(|_| c.flush())
        .map_err(|e| e.to_string())?;
    for _ in 0..2 * BASE {
        if let Reply::Error(e) = c.read().map_err(|e| e.to_string())? {
            return Err(format!("setup: {e}"));
        }
    }
    Ok(())
}

fn info_field(c: &mut Conn, section: &str, field: &str) -> Result<String, String> {
    let text = c
        .cmd(&["INFO", section])
        .map_err(|e| format!("INFO: {e}"))?
        .text();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .map(|v| v.trim().to_string())
        .ok_or(format!("INFO {section} lacks {field}"))
}

fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// Samples RSS and used_memory every `st.sample` seconds until `stop`;
/// prints a progress line each interval. A failed sample means the server
/// is gone: it stops the run.
fn sampler(port: u16, pid: u32, st: &Settings, sh: &Shared, t0: Instant) -> Vec<Sample> {
    let mut out = Vec::new();
    let mut c = match Conn::connect(port, Duration::from_secs(30)) {
        Ok(c) => c,
        Err(e) => {
            sh.bad(format!("sampler: connect: {e}"));
            sh.stop.store(true, Ordering::Relaxed);
            return out;
        }
    };
    let mut next = 0.0;
    let mut shown = 0;
    while !sh.stop.load(Ordering::Relaxed) {
        let at = t0.elapsed().as_secs_f64();
        if at >= next {
            let used = info_field(&mut c, "memory", "used_memory")
                .and_then(|u| u.parse::<u64>().map_err(|e| e.to_string()));
            let keys = match c.cmd(&["DBSIZE"]) {
                Ok(Reply::Int(n)) => n as u64,
                _ => 0,
            };
            match (rss_kib(pid), used) {
                (Some(rss), Ok(used)) => out.push(Sample {
                    at,
                    rss,
                    used,
                    keys,
                }),
                (rss, used) => {
                    sh.bad(format!(
                        "server gone at {at:.1} s: /proc RSS {rss:?}, INFO {used:?}"
                    ));
                    sh.stop.store(true, Ordering::Relaxed);
                    break;
                }
            }
            next += st.sample;
            let iv = st.interval_of(at);
            if iv > shown {
                shown = iv;
                if let Some(s) = out.last() {
                    println!(
                        "  {:>5.0} s  ops {:>9}  expected errors {:>6}  unexpected {:>3}  RSS {:.1} MiB  used_memory {:.1} MiB",
                        at,
                        sh.ops.load(Ordering::Relaxed),
                        sh.expected.load(Ordering::Relaxed),
                        sh.unexpected.load(Ordering::Relaxed),
                        s.rss as f64 / 1024.0,
                        s.used as f64 / 1048576.0
                    );
                }
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    out
}

/// Runs the soak; the process exit code (0 pass, 1 fail, 2 bad usage).
pub fn main(argv: &[String]) -> i32 {
    let st = match Settings::parse(argv) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    match run(&st) {
        Ok(pass) => i32::from(!pass),
        Err(e) => {
            eprintln!("soak: {e}");
            1
        }
    }
}

fn run(st: &Settings) -> Result<bool, String> {
    let mut c = Conn::connect(st.port, Duration::from_secs(60)).map_err(|e| e.to_string())?;
    let pid: u32 = info_field(&mut c, "server", "process_id")?
        .parse()
        .map_err(|e| format!("process_id: {e}"))?;
    setup(&mut c, &st.fixtures)?;
    let expired0: u64 = info_field(&mut c, "stats", "expired_keys")?
        .parse()
        .unwrap_or(0);
    println!(
        "soak: {} clients, {} s, intervals of {} s, warm-up {} s, RSS/used_memory every {} s; server pid {pid}",
        st.clients, st.seconds, st.interval, st.warmup, st.sample
    );
    let sh = Shared {
        stop: AtomicBool::new(false),
        ops: AtomicU64::new(0),
        expected: AtomicU64::new(0),
        unexpected: AtomicU64::new(0),
        first: Mutex::new(Vec::new()),
    };
    let t0 = Instant::now();
    let (stats, samples) = std::thread::scope(|s| {
        let workers: Vec<_> = (0..st.clients)
            .map(|i| {
                let sh = &sh;
                s.spawn(move || worker(st.port, i, st, sh, t0))
            })
            .collect();
        let samp = s.spawn(|| sampler(st.port, pid, st, &sh, t0));
        while t0.elapsed().as_secs_f64() < st.seconds && !sh.stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
        }
        sh.stop.store(true, Ordering::Relaxed);
        let mut all = Stats::new(st.intervals());
        for w in workers {
            match w.join() {
                Ok(s) => all.merge(s),
                Err(_) => sh.bad("a client thread panicked".into()),
            }
        }
        (all, samp.join().unwrap_or_default())
    });
    let alive = c
        .cmd(&["PING"])
        .map(|r| r.text() == "PONG")
        .unwrap_or(false);
    if !alive {
        sh.bad("the server did not answer PING after the run".into());
    }
    let expired = info_field(&mut c, "stats", "expired_keys")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(0, |v| v.saturating_sub(expired0));
    let mut state = Vec::new();
    for (what, cmd) in [
        ("AI.VCARD soak:vset", vec!["AI.VCARD", VSET]),
        ("MEMORY USAGE soak:vset", vec!["MEMORY", "USAGE", VSET]),
        ("DBSIZE", vec!["DBSIZE"]),
    ] {
        if let Ok(Reply::Int(n)) = c.cmd(&cmd) {
            state.push(format!("{what} {n}"));
        }
    }
    if let Ok(Reply::Array(a)) = c.cmd(&["FT.INFO", IDX]) {
        for pair in a.chunks(2) {
            if let [Reply::Bulk(k), v] = pair {
                if k == b"num_docs" || k == b"vector_index_sz_mb" {
                    let v = match v {
                        Reply::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
                        other => format!("{other:?}"),
                    };
                    state.push(format!("FT.INFO {} {v}", String::from_utf8_lossy(k)));
                }
            }
        }
    }
    println!("end of run: {}", state.join(", "));
    let first = sh.first.lock().map(|f| f.clone()).unwrap_or_default();
    soak_report::report(
        st,
        &stats,
        &samples,
        expired,
        sh.unexpected.load(Ordering::Relaxed),
        &first,
    )
}
