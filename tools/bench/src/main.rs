//! redisai-bench: drives a live server with N connections and pipelining,
//! and prints a table. Every target is a ratio against a baseline measured
//! in the same run (PING, plain SET/GET of the same bytes).
//!
//! ```text
//! redisai-bench --port 6379 [--conns 16] [--pipeline 1] [--seconds 1] [--rounds 11] [--only NAME,...]
//! redisai-bench --port 6379 --vectors FILE.npy [--limit N] [--queries 1000] [--seconds 1]
//! redisai-bench --port 6379 --only store_stall [--rounds 5]
//! redisai-bench --port 6379 --vectors FILE.npy --only vector_stall [--limit N] [--seconds 10]
//! redisai-bench --port 6379 --only dag[,dag_p1,dag_p2,dag_p7,dag_script] [--limit N]
//! redisai-bench soak --port 6379 [--seconds 600] [--clients 64] [--markdown FILE]  (see soak.rs)
//! ```
//! `scripts/bench` starts a server with the module and runs this tool.

#[path = "../../../tests/common/resp.rs"]
#[allow(dead_code)]
mod resp;

#[path = "../../../tests/model_store/big_onnx.rs"]
mod big_onnx;
mod dag;
mod ft;
mod models;
mod soak;
mod soak_load;
mod soak_report;
mod vectors;
mod vstall;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use resp::{Conn, Reply};

/// One operation: the commands it sends, pipelined together.
type Op = Vec<Vec<Vec<u8>>>;

pub struct Scenario {
    pub name: &'static str,
    pub what: &'static str,
    pub make: fn(usize) -> Op,
    /// Connections for this scenario, if not `--conns`.
    pub conns: Option<usize>,
    /// Pipeline depth for this scenario, if not `--pipeline`.
    pub pipeline: Option<usize>,
}

pub fn floats(n: usize) -> Vec<u8> {
    (0..n)
        .flat_map(|i| (i as f32 * 0.5).to_le_bytes())
        .collect()
}

pub fn cmd(parts: &[&[u8]]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.to_vec()).collect()
}

pub fn key(prefix: &str, conn: usize) -> Vec<u8> {
    format!("{prefix}:{conn}").into_bytes()
}

/// `text`'s words as one command's arguments, with the next of `blobs` for
/// each `$`.
pub fn args(text: &str, blobs: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut b = blobs.iter();
    text.split_whitespace()
        .map(|w| match w {
            "$" => b.next().map_or(Vec::new(), |x| x.to_vec()),
            w => w.as_bytes().to_vec(),
        })
        .collect()
}

/// The median (the upper one of an even count).
pub fn median<T: Copy + PartialOrd>(mut v: Vec<T>) -> T {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v[v.len() / 2]
}

/// Median, min and max.
pub fn spread(v: Vec<f64>) -> (f64, f64, f64) {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (median(v), lo, hi)
}

/// A seeded generator (splitmix64) for made-up data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    pub fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// A random direction: normal coordinates (Box–Muller), scaled to
    /// length 1.
    pub fn sphere(&mut self, dim: usize) -> Vec<f32> {
        let mut v: Vec<f32> = (0..dim)
            .map(|_| {
                let (u, w) = (self.unit(), self.unit());
                ((-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * w).cos()) as f32
            })
            .collect();
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter_mut().for_each(|x| *x /= n);
        v
    }
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "ping",
        what: "PING",
        make: |_| vec![cmd(&[b"PING"])],
        conns: None,
        pipeline: None,
    },
    Scenario {
        name: "set_get_4k",
        what: "SET + GET of 4 KiB (baseline for P4)",
        make: |c| {
            let k = key("s", c);
            vec![cmd(&[b"SET", &k, &floats(1024)]), cmd(&[b"GET", &k])]
        },
        conns: None,
        pipeline: None,
    },
    Scenario {
        name: "tensor_blob_4k",
        what: "AI.TENSORSET FLOAT 1024 BLOB + AI.TENSORGET BLOB (P4)",
        make: |c| {
            let k = key("t", c);
            vec![
                cmd(&[
                    b"AI.TENSORSET",
                    &k,
                    b"FLOAT",
                    b"1024",
                    b"BLOB",
                    &floats(1024),
                ]),
                cmd(&[b"AI.TENSORGET", &k, b"BLOB"]),
            ]
        },
        conns: None,
        pipeline: None,
    },
    Scenario {
        name: "tensor_values_1024",
        what: "AI.TENSORSET FLOAT 1024 VALUES + AI.TENSORGET VALUES",
        make: |c| {
            let k = key("v", c);
            let mut set = cmd(&[b"AI.TENSORSET", &k, b"FLOAT", b"1024", b"VALUES"]);
            set.extend((0..1024).map(|i| format!("{}", i as f32 * 0.5).into_bytes()));
            vec![set, cmd(&[b"AI.TENSORGET", &k, b"VALUES"])]
        },
        conns: None,
        pipeline: None,
    },
];

struct Opts {
    port: u16,
    conns: usize,
    pipeline: usize,
    seconds: f64,
    rounds: usize,
    only: Vec<String>,
    fixtures: String,
    vectors: Option<String>,
    limit: usize,
    queries: usize,
}

fn parse_opts() -> Result<Opts, String> {
    let mut o = Opts {
        port: 6379,
        conns: 16,
        pipeline: 1,
        seconds: 1.0,
        rounds: 11,
        only: vec![],
        fixtures: concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/models").to_string(),
        vectors: None,
        limit: usize::MAX,
        queries: 1000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--port" => o.port = val()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--conns" => o.conns = val()?.parse().map_err(|e| format!("--conns: {e}"))?,
            "--pipeline" => o.pipeline = val()?.parse().map_err(|e| format!("--pipeline: {e}"))?,
            "--seconds" => o.seconds = val()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--rounds" => o.rounds = val()?.parse().map_err(|e| format!("--rounds: {e}"))?,
            "--only" => o.only = val()?.split(',').map(str::to_string).collect(),
            "--fixtures" => o.fixtures = val()?,
            "--vectors" => o.vectors = Some(val()?),
            "--limit" => o.limit = val()?.parse().map_err(|e| format!("--limit: {e}"))?,
            "--queries" => o.queries = val()?.parse().map_err(|e| format!("--queries: {e}"))?,
            "-h" | "--help" => {
                return Err("usage: redisai-bench --port N [--conns 16] [--pipeline 1] [--seconds 1] [--rounds 11] [--only a,b]".into())
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if o.conns == 0 || o.pipeline == 0 || o.rounds == 0 {
        return Err("--conns, --pipeline and --rounds must be positive".into());
    }
    Ok(o)
}

struct Result_ {
    ops: u64,
    errors: u64,
    secs: f64,
    lat_us: Vec<u64>,
}

/// One connection's loop: send `pipeline` ops, read every reply, repeat.
fn worker(
    o: &Opts,
    s: &Scenario,
    conn_id: usize,
    stop: &AtomicBool,
    measure: &AtomicBool,
) -> Result<Result_, String> {
    let mut c =
        Conn::connect(o.port, Duration::from_secs(30)).map_err(|e| format!("connect: {e}"))?;
    let op = (s.make)(conn_id);
    let mut batch = Vec::new();
    let pipeline = s.pipeline.unwrap_or(o.pipeline);
    for _ in 0..pipeline {
        for command in &op {
            resp::encode(command, &mut batch);
        }
    }
    let replies = pipeline * op.len();
    let (mut ops, mut errors, mut lat) = (0u64, 0u64, Vec::new());
    let mut started = None;
    while !stop.load(Ordering::Relaxed) {
        let t = Instant::now();
        c.send_raw(&batch)
            .and_then(|_| c.flush())
            .map_err(|e| format!("send: {e}"))?;
        for _ in 0..replies {
            if let Reply::Error(e) = c.read().map_err(|e| format!("read: {e}"))? {
                if errors == 0 {
                    eprintln!("{}: error reply: {e}", s.name);
                }
                errors += 1;
            }
        }
        if measure.load(Ordering::Relaxed) {
            started.get_or_insert_with(Instant::now);
            ops += pipeline as u64;
            lat.push(t.elapsed().as_micros() as u64);
        }
    }
    let secs = started.map(|t| t.elapsed().as_secs_f64()).unwrap_or(0.0);
    Ok(Result_ {
        ops,
        errors,
        secs,
        lat_us: lat,
    })
}

fn run(o: &Opts, s: &Scenario) -> Result<(f64, u64, u64, u64), String> {
    let stop = Arc::new(AtomicBool::new(false));
    let measure = Arc::new(AtomicBool::new(false));
    let results = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..s.conns.unwrap_or(o.conns))
            .map(|i| {
                let (stop, measure) = (Arc::clone(&stop), Arc::clone(&measure));
                scope.spawn(move || worker(o, s, i, &stop, &measure))
            })
            .collect();
        std::thread::sleep(Duration::from_secs_f64((o.seconds * 0.2).min(1.0))); // warm-up
        measure.store(true, Ordering::Relaxed);
        std::thread::sleep(Duration::from_secs_f64(o.seconds));
        stop.store(true, Ordering::Relaxed);
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| "worker panicked".to_string()))
            .collect::<Vec<_>>()
    });
    let (mut ops, mut errors, mut secs, mut lat) = (0u64, 0u64, 0f64, Vec::new());
    for r in results {
        let r = r??;
        ops += r.ops;
        errors += r.errors;
        secs = secs.max(r.secs);
        lat.extend(r.lat_us);
    }
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    Ok((ops as f64 / secs.max(1e-9), pct(0.50), pct(0.99), errors))
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().map(String::as_str) == Some("soak") {
        std::process::exit(soak::main(&argv[1..]));
    }
    let o = match parse_opts() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Some(path) = &o.vectors {
        if o.only.iter().any(|n| n == "ft") {
            let secs = if o.seconds > 1.0 { o.seconds } else { 2.0 };
            if let Err(e) = ft::run(o.port, path, o.limit, o.queries, secs) {
                eprintln!("ft: {e}");
                std::process::exit(1);
            }
            return;
        }
        if o.only.iter().any(|n| n == "vector_stall") {
            let secs = if o.seconds > 1.0 { o.seconds } else { 10.0 };
            if let Err(e) = vstall::run(o.port, path, o.limit, secs) {
                eprintln!("vector_stall: {e}");
                std::process::exit(1);
            }
            return;
        }
        let v = vectors::VecOpts {
            port: o.port,
            path: path.clone(),
            limit: o.limit,
            queries: o.queries,
            seconds: o.seconds,
        };
        if let Err(e) = vectors::run(&v) {
            eprintln!("vectors: {e}");
            std::process::exit(1);
        }
        return;
    }
    // The DAG suite (`dag`, or its parts `dag_p1`, `dag_p2`, `dag_p7`,
    // `dag_script`) has cases and tables of its own.
    if o.only.iter().any(|n| n.starts_with("dag")) {
        if let Err(e) = dag::run(&o) {
            eprintln!("dag: {e}");
            std::process::exit(1);
        }
        return;
    }
    // `store_stall` (or one of its two backends) is a scenario of its own:
    // PING latency while a ~50 MiB model compiles.
    let stall: Vec<&str> = models::STALL_SCENARIOS
        .iter()
        .copied()
        .filter(|n| o.only.iter().any(|x| x == n || x == "store_stall"))
        .collect();
    if !stall.is_empty() {
        if let Err(e) = models::store_stall(o.port, &stall, o.rounds) {
            eprintln!("store_stall: {e}");
            std::process::exit(1);
        }
        return;
    }
    println!(
        "conns={} pipeline={} seconds={} rounds={} (ops/s: median over rounds, scenarios interleaved; \
         one op may be 2 commands; latency is per pipelined batch, from the median round)\n",
        o.conns, o.pipeline, o.seconds, o.rounds
    );
    let chosen: Vec<&Scenario> = SCENARIOS
        .iter()
        .chain(models::SCENARIOS)
        .filter(|s| {
            if o.only.is_empty() {
                !models::SCENARIOS.iter().any(|m| m.name == s.name)
            } else {
                o.only.iter().any(|n| n == s.name)
            }
        })
        .collect();
    if let Err(e) = models::setup(o.port, &o.fixtures, &chosen) {
        eprintln!("setup: {e}");
        std::process::exit(1);
    }
    // Rounds interleave the scenarios (A B C, A B C, ...), so slow drift in
    // the machine's speed hits every scenario alike.
    let mut runs: Vec<Vec<(f64, u64, u64, u64)>> = vec![Vec::new(); chosen.len()];
    for _ in 0..o.rounds {
        for (i, s) in chosen.iter().enumerate() {
            match run(&o, s) {
                Ok(r) => runs[i].push(r),
                Err(e) => {
                    eprintln!("{}: {e}", s.name);
                    std::process::exit(1);
                }
            }
        }
    }
    println!("| scenario | what | ops/s | p50 µs | p99 µs | errors |");
    println!("|---|---|---:|---:|---:|---:|");
    for (s, r) in chosen.iter().zip(&runs) {
        let mut sorted = r.clone();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let errors: u64 = r.iter().map(|x| x.3).sum();
        let (rate, p50, p99, _) = sorted[sorted.len() / 2];
        println!(
            "| {} | {} | {:.0} | {} | {} | {} |",
            s.name, s.what, rate, p50, p99, errors
        );
    }
    println!();
    // Ratios are paired by round (both scenarios ran seconds apart), and the
    // median over rounds is reported: on a shared machine this cancels most
    // of the drift that a ratio of two separate medians would keep.
    let paired = |a: &str, b: &str| -> Option<(f64, f64, f64)> {
        let ia = chosen.iter().position(|s| s.name == a)?;
        let ib = chosen.iter().position(|s| s.name == b)?;
        let mut r: Vec<f64> = runs[ia]
            .iter()
            .zip(&runs[ib])
            .map(|(x, y)| x.0 / y.0)
            .collect();
        r.sort_by(f64::total_cmp);
        Some((r[r.len() / 2], r[0], r[r.len() - 1]))
    };
    if let Some((m, lo, hi)) = paired("tensor_blob_4k", "set_get_4k") {
        println!("P4 = tensor_blob_4k / set_get_4k = {m:.3} (median of {} paired rounds; min {lo:.3}, max {hi:.3}; target >= 0.8)", o.rounds);
    }
    if let Some((m, lo, hi)) = paired("tensor_values_1024", "tensor_blob_4k") {
        println!("VALUES / BLOB (1024 floats) = {m:.3} (min {lo:.3}, max {hi:.3})");
    }
    if let Some((m, lo, hi)) = paired("mlp_batch32", "mlp_batch0") {
        println!("P3 = mlp_batch32 / mlp_batch0 = {m:.3} (median of {} paired rounds; min {lo:.3}, max {hi:.3}; target >= 1.8)", o.rounds);
    }
    let median_p50 = |name: &str| -> Option<u64> {
        let i = chosen.iter().position(|s| s.name == name)?;
        let mut v: Vec<u64> = runs[i].iter().map(|r| r.1).collect();
        v.sort_unstable();
        Some(v[v.len() / 2])
    };
    if let (Some(e2e), Some(ping)) = (median_p50("p1_torch_execute"), median_p50("p1_ping3")) {
        match models::inprocess_forward_p50_us(&o.fixtures) {
            Ok((fwd, cold)) => {
                println!(
                    "P1 = p50(TENSORSET+MODELEXECUTE+TENSORGET) / (p50(PING x3) + p50(in-process tch forward)) = {e2e} / ({ping} + {fwd:.1}) = {:.3} (target <= 1.3)",
                    e2e as f64 / (ping as f64 + fwd)
                );
                println!(
                    "   the same against the in-process forward with cold caches: {e2e} / ({ping} + {cold:.1}) = {:.3}",
                    e2e as f64 / (ping as f64 + cold)
                );
            }
            Err(e) => println!("P1: in-process forward failed: {e}"),
        }
    }
}
