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
use crate::soak_load::{blob, judge, Client, Verdict, BASE, DIM, IDX, KINDS, SCRIPT, VSET};
use crate::soak_report::{self, Sample, Settings, Stats};
use crate::{args, Rng};

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
    let mut cl = Client::new(id);
    let weights: Vec<u32> = KINDS
        .iter()
        .map(|&(name, w)| {
            if st.only.is_empty() || st.only.iter().any(|o| o == name) {
                w
            } else {
                0
            }
        })
        .collect();
    let mut buf = Vec::new();
    while !sh.stop.load(Ordering::Relaxed) {
        let kind = cl.pick(&weights);
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
