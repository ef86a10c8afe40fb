//! The DAG suite (`BENCH_SUITE=dag`; `--only dag`, or some of `dag_p1`,
//! `dag_p2`, `dag_p7`, `dag_script`), each against a baseline of the same
//! run, rounds interleaved, ratios the median of per-round ratios:
//! - P1: one `AI.DAGEXECUTE_RO` (TENSORSET ×2, MODELEXECUTE of the fraud
//!   MLP, TENSORGET) against one PING plus the forward in this process (hot
//!   loop, and with 64 MiB written between calls); 1 connection.
//! - P2: the same DAG at 16 connections next to the pipelined form, with a
//!   CPU split (per-thread schedstat, INFO commandstats, AI.INFO).
//! - P7: embed (`pt-embed.pt`) and AI.VSIM on 100,000 random unit vectors
//!   of dim 128 (`--limit` for fewer) in one DAG, against two round trips.
//! - Scripts: AI.SCRIPTEXECUTE of `tensors[0] + tensors[1]` against
//!   AI.MODELEXECUTE of `pt-minimal.pt` (inline, and queued); 1 connection.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::resp::{self, Conn, Reply};
use crate::{args, cmd, floats, median, models, spread, vectors, Op, Opts, Rng, Scenario};

/// ops/s, p50 µs, p99 µs, errors: one round of one case.
type Round = (f64, u64, u64, u64);

const SET: &str = "dag:emb";
const DIM: usize = 128;
const SCRIPT: &str =
    "def add(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0] + tensors[1]\n";

struct Case {
    s: Scenario,
    /// INLINE_RUN_THRESHOLD (µs) while it runs; `None`: the server's own.
    inline_us: Option<i64>,
    /// The command (as INFO commandstats names it) that counts one op, for
    /// the CPU profile; `None`: not profiled.
    profile: Option<&'static str>,
}

/// A case of `conns` connections, each sending one op and waiting for it.
fn case(name: &'static str, make: fn(usize) -> Op, conns: usize) -> Case {
    let (what, conns, pipeline) = (what(name), Some(conns), Some(1));
    let s = Scenario {
        name,
        what,
        make,
        conns,
        pipeline,
    };
    Case {
        s,
        inline_us: None,
        profile: None,
    }
}

/// What a case sends, for the tables.
fn what(name: &str) -> &'static str {
    match name {
        "p1_ping" => "PING (P1 baseline)",
        "p1_dag" => "one AI.DAGEXECUTE_RO: TENSORSET x2, MODELEXECUTE, TENSORGET (P1)",
        "p1_dag_queued" => "the same DAG with INLINE_RUN_THRESHOLD 0 (the model op is queued)",
        "p1_pipelined" | "p2_pipelined" => "TENSORSET x2 + MODELEXECUTE + TENSORGET, pipelined",
        "p2_dag" => "one AI.DAGEXECUTE_RO per inference (P2 via DAG)",
        "p7_dag" => "one AI.DAGEXECUTE_RO: TENSORSET, MODELEXECUTE, VSIM, TENSORGET x2 (P7)",
        "p7_two_round_trips" => "TENSORSET + MODELEXECUTE + TENSORGET pipelined, then AI.VSIM",
        "p7_embed_alone" => "the first round trip alone (split)",
        "p7_vsim_alone" => "AI.VSIM FP32 COUNT 10 WITHSCORES of the embeddings alone (split)",
        "script_execute" => "AI.SCRIPTEXECUTE (always queued)",
        "model_execute" => "AI.MODELEXECUTE of pt-minimal.pt (inline when fast and idle)",
        "model_execute_queued" => "the same with INLINE_RUN_THRESHOLD 0 (queued)",
        _ => "",
    }
}

impl Case {
    /// With INLINE_RUN_THRESHOLD 0: every model op goes to its queue.
    fn queued(mut self) -> Case {
        self.inline_us = Some(0);
        self
    }

    fn profiled(mut self, command: &'static str) -> Case {
        self.profile = Some(command);
        self
    }
}

/// The fraud MLP as one DAG command (tensor names are local to the DAG).
fn dag_fraud(_: usize) -> Op {
    vec![args(
        "AI.DAGEXECUTE_RO ROUTING {t} |> AI.TENSORSET a FLOAT 1 30 BLOB $ \
         |> AI.TENSORSET b FLOAT 1 256 BLOB $ \
         |> AI.MODELEXECUTE pt_fraud INPUTS 2 a b OUTPUTS 1 o |> AI.TENSORGET o BLOB",
        &[&floats(30), &floats(256)],
    )]
}

fn model_by_name(name: &str) -> Result<&'static Scenario, String> {
    models::SCENARIOS
        .iter()
        .find(|s| s.name == name)
        .ok_or(format!("no scenario {name}"))
}

/// Sends `text` (see [`args`]); an error reply is an error.
fn ok(c: &mut Conn, text: &str, blobs: &[&[u8]]) -> Result<Reply, String> {
    match c.cmd(&args(text, blobs)).map_err(|e| e.to_string())? {
        Reply::Error(e) => Err(format!("{text}: {e}")),
        r => Ok(r),
    }
}

/// Median, min and max of `f` over the rounds of two cases.
fn paired(a: &[Round], b: &[Round], f: impl Fn(&Round, &Round) -> f64) -> (f64, f64, f64) {
    spread(a.iter().zip(b).map(|(x, y)| f(x, y)).collect())
}

fn verdict(met: bool) -> &'static str {
    ["MISSED", "met"][met as usize]
}

pub fn run(o: &Opts) -> Result<(), String> {
    let all = o.only.iter().any(|n| n == "dag");
    let want = |n: &str| all || o.only.iter().any(|x| x == n);
    let mut c = Conn::connect(o.port, Duration::from_secs(600)).map_err(|e| e.to_string())?;
    let inline = match ok(&mut c, "AI.CONFIG GET INLINE_RUN_THRESHOLD", &[])? {
        Reply::Int(n) => n,
        other => return Err(format!("AI.CONFIG GET INLINE_RUN_THRESHOLD: {other:?}")),
    };
    println!(
        "rounds={} seconds={} (cases interleaved; ops/s from the median round; p50/p99: median over rounds; \
         INLINE_RUN_THRESHOLD {inline} µs unless a case says otherwise)\n",
        o.rounds, o.seconds
    );
    if want("dag_p1") || want("dag_p2") {
        models::setup(o.port, &o.fixtures, &[model_by_name("p2_torch")?])?;
    }
    if want("dag_p1") {
        p1(o, &mut c, inline)?;
    }
    if want("dag_p2") {
        p2(o, &mut c, inline)?;
    }
    if want("dag_p7") {
        p7(o, &mut c)?;
    }
    if want("dag_script") {
        script(o, &mut c, inline)?;
    }
    Ok(())
}

/// Runs every case `o.rounds` times, interleaved; prints the table (and the
/// CPU profile of the profiled cases) and returns the rounds.
fn measure(o: &Opts, c: &mut Conn, inline: i64, cases: &[Case]) -> Result<Vec<Vec<Round>>, String> {
    let mut runs = vec![Vec::new(); cases.len()];
    let mut prof: Vec<Profile> = cases.iter().map(|_| Profile::default()).collect();
    for _ in 0..o.rounds {
        for (i, k) in cases.iter().enumerate() {
            let n = k.inline_us.unwrap_or(inline);
            ok(c, &format!("AI.CONFIG INLINE_RUN_THRESHOLD {n}"), &[])?;
            let before = match k.profile {
                Some(command) => Some(Snap::take(c, command)?),
                None => None,
            };
            let r = crate::run(o, &k.s).map_err(|e| format!("{}: {e}", k.s.name))?;
            if let (Some(b), Some(command)) = (before, k.profile) {
                prof[i].add(&b, &Snap::take(c, command)?);
            }
            runs[i].push(r);
        }
    }
    ok(c, &format!("AI.CONFIG INLINE_RUN_THRESHOLD {inline}"), &[])?;
    let rows: Vec<_> = cases
        .iter()
        .zip(&runs)
        .map(|(k, r)| (k.s.name, k.s.what, &r[..]))
        .collect();
    table("ops/s", &rows);
    if cases.iter().any(|k| k.profile.is_some()) {
        println!(
            "CPU per op over all rounds (warm-up included), from /proc/<server>/task/*/schedstat, \
             INFO commandstats and AI.INFO:\n\n| scenario | ops | server main thread µs/op | \
             ai-cpu workers µs/op | other server threads µs/op | server CPU (100% = 1 core) | \
             main thread run-queue wait µs/op | commandstats usec/call | model µs/run (AI.INFO) | \
             client CPU (100% = 1 core) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for (k, p) in cases.iter().zip(&prof).filter(|(k, _)| k.profile.is_some()) {
            let per = |x: u64| x as f64 / p.n[0].max(1) as f64;
            let busy = p.run.iter().sum::<u64>() as f64 / 1e7 / p.secs;
            print!(
                "| {} | {} | {:.1} | {:.1} | {:.1} ",
                k.s.name,
                p.n[0],
                per(p.run[0]) / 1e3,
                per(p.run[1]) / 1e3,
                per(p.run[2]) / 1e3
            );
            let model = p.n[3] as f64 / p.n[2].max(1) as f64;
            // The client's CPU is in ticks of 10 ms: 100 a second is one core.
            let client = p.n[4] as f64 / p.secs;
            println!(
                "| {busy:.0}% | {:.1} | {:.1} | {model:.1} | {client:.0}% |",
                per(p.wait) / 1e3,
                per(p.n[1])
            );
        }
        println!();
    }
    Ok(runs)
}

/// Prints the rows' table: rate from the median round; p50 and p99: the
/// medians over rounds.
fn table(rate: &str, rows: &[(&str, &str, &[Round])]) {
    println!(
        "| scenario | what | {rate} | p50 µs | p99 µs | errors |\n|---|---|---:|---:|---:|---:|"
    );
    for (name, what, r) in rows {
        let col = |f: fn(&Round) -> f64| median(r.iter().map(f).collect::<Vec<_>>());
        let (ops, p50, p99) = (col(|x| x.0), col(|x| x.1 as f64), col(|x| x.2 as f64));
        let errors: u64 = r.iter().map(|x| x.3).sum();
        println!("| {name} | {what} | {ops:.0} | {p50} | {p99} | {errors} |");
    }
    println!();
}

/// Counters read before and after a profiled run: each server thread's run
/// and run-queue wait ns with its class (0 the main thread, 1 an ai-cpu
/// worker, 2 other); then the command's calls and usec (INFO
/// commandstats), pt_fraud's calls and duration (AI.INFO), and this
/// process's CPU ticks.
struct Snap {
    at: Instant,
    threads: HashMap<u32, (usize, u64, u64)>,
    n: [u64; 5],
}

/// Sums over a case's windows: seconds, ns run by each class, the main
/// thread's run-queue wait, and the deltas of [`Snap::n`].
#[derive(Default)]
struct Profile {
    secs: f64,
    run: [u64; 3],
    wait: u64,
    n: [u64; 5],
}

impl Snap {
    fn take(c: &mut Conn, command: &str) -> Result<Snap, String> {
        let info = ok(c, "INFO commandstats", &[])?.text().to_ascii_lowercase();
        let server = ok(c, "INFO server", &[])?.text();
        let pid: u32 = field(&server, "process_id:").ok_or("no process_id")?;
        let line = format!("cmdstat_{command}:");
        let stat = info.lines().find(|l| l.starts_with(&line)).unwrap_or("");
        let mut threads = HashMap::new();
        let dir = std::fs::read_dir(format!("/proc/{pid}/task")).map_err(|e| e.to_string())?;
        for e in dir.flatten() {
            let Some(tid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let read = |f: &str| std::fs::read_to_string(e.path().join(f)).unwrap_or_default();
            let (comm, sched) = (read("comm"), read("schedstat"));
            let mut sched = sched.split_whitespace().map(|x| x.parse().unwrap_or(0));
            let (run, wait) = (sched.next().unwrap_or(0), sched.next().unwrap_or(0));
            let class = [tid == pid, comm.starts_with("ai-cpu"), true]
                .iter()
                .position(|&x| x);
            threads.insert(tid, (class.unwrap_or(2), run, wait));
        }
        let mut n = [
            field(stat, "calls=").unwrap_or(0),
            field(stat, "usec=").unwrap_or(0),
            0,
            0,
            0,
        ];
        if let Reply::Array(a) = ok(c, "AI.INFO pt_fraud", &[])? {
            for kv in a.chunks(2) {
                match kv {
                    [Reply::Bulk(k), Reply::Int(v)] if k == b"calls" => n[2] = *v as u64,
                    [Reply::Bulk(k), Reply::Int(v)] if k == b"duration" => n[3] = *v as u64,
                    _ => {}
                }
            }
        }
        // utime and stime (fields 14 and 15) of this process.
        let own = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let own = own.rsplit(')').next().unwrap_or("").split_whitespace();
        n[4] = own
            .skip(11)
            .take(2)
            .filter_map(|x| x.parse::<u64>().ok())
            .sum();
        Ok(Snap {
            at: Instant::now(),
            threads,
            n,
        })
    }
}

/// The number after `name` in `text` (up to `,`, `\r` or `\n`).
fn field<T: std::str::FromStr>(text: &str, name: &str) -> Option<T> {
    let at = text.find(name)? + name.len();
    text[at..].split([',', '\r', '\n']).next()?.parse().ok()
}

impl Profile {
    fn add(&mut self, b: &Snap, a: &Snap) {
        self.secs += a.at.duration_since(b.at).as_secs_f64();
        for (tid, &(class, run, wait)) in &a.threads {
            let (_, run0, wait0) = b.threads.get(tid).copied().unwrap_or_default();
            self.run[class] += run.saturating_sub(run0);
            if class == 0 {
                self.wait += wait.saturating_sub(wait0);
            }
        }
        for (sum, (x, y)) in self.n.iter_mut().zip(a.n.iter().zip(&b.n)) {
            *sum += x.saturating_sub(*y);
        }
    }
}

/// p50 of the fraud MLP's forward (tch, this process) with `mib` MiB of
/// other memory written between calls, as `models::inprocess_forward_p50_us`
/// does with 8 MiB.
fn forward_cold_p50_us(fixtures: &str, mib: usize, calls: usize) -> Result<f64, String> {
    let e = |e: tch::TchError| e.to_string();
    let blob = std::fs::read(format!("{fixtures}/pt-fraud.pt")).map_err(|e| e.to_string())?;
    let module = tch::CModule::load_data(&mut &blob[..]).map_err(e)?;
    let (t, r) = (floats(30), floats(256));
    let _g = tch::no_grad_guard();
    let mut junk = vec![0u8; mib << 20];
    let mut took = Vec::with_capacity(calls);
    for i in 0..calls + 100 {
        if i >= 100 {
            for j in (0..junk.len()).step_by(64) {
                junk[j] = junk[j].wrapping_add(i as u8);
            }
        }
        let start = Instant::now();
        let a = tch::Tensor::f_from_data_size(&t, &[1, 30], tch::Kind::Float).map_err(e)?;
        let b = tch::Tensor::f_from_data_size(&r, &[1, 256], tch::Kind::Float).map_err(e)?;
        let out = module
            .forward_ts(&[a, b])
            .map_err(e)?
            .f_contiguous()
            .map_err(e)?;
        let mut bytes = vec![0u8; out.numel() * 4];
        out.f_copy_data_u8(&mut bytes, out.numel()).map_err(e)?;
        if i >= 100 {
            took.push(start.elapsed().as_secs_f64() * 1e6);
        }
    }
    std::hint::black_box(&junk);
    Ok(median(took))
}

fn p1(o: &Opts, c: &mut Conn, inline: i64) -> Result<(), String> {
    println!("### P1 as one command: fraud MLP, 1 connection\n");
    let pipelined = model_by_name("p1_torch_execute")?.make;
    let cases = [
        case("p1_ping", |_| vec![cmd(&[b"PING"])], 1),
        case("p1_dag", dag_fraud, 1).profiled("ai.dagexecute_ro"),
        case("p1_dag_queued", dag_fraud, 1).queued(),
        case("p1_pipelined", pipelined, 1),
    ];
    let runs = measure(o, c, inline, &cases)?;
    let (hot, cold8) = models::inprocess_forward_p50_us(&o.fixtures)?;
    let cold64 = forward_cold_p50_us(&o.fixtures, 64, 400)?;
    println!(
        "in-process forward of the fraud MLP (tch, this process, its core): p50 {hot:.1} µs in a \
         hot loop; {cold8:.1} µs with 8 MiB written between calls; {cold64:.1} µs with 64 MiB\n"
    );
    let p50 = |i: usize| median(runs[i].iter().map(|r| r.1).collect::<Vec<_>>()) as f64;
    let ping = p50(0);
    for (i, label) in [(1, "DAG"), (2, "DAG queued"), (3, "pipelined")] {
        for (fwd, which) in [(hot, "hot"), (cold64, "cold 64 MiB")] {
            let ratio = p50(i) / (ping + fwd);
            let (_, lo, hi) = paired(&runs[i], &runs[0], |d, p| d.1 as f64 / (p.1 as f64 + fwd));
            println!(
                "P1 ({label}) = p50 / (p50(PING) + p50(forward, {which})) = {} / ({ping} + {fwd:.1}) \
                 = {ratio:.3} (rounds {lo:.2}–{hi:.2}; target <= 1.3: {})",
                p50(i),
                verdict(ratio <= 1.3)
            );
        }
    }
    println!();
    Ok(())
}

fn p2(o: &Opts, c: &mut Conn, inline: i64) -> Result<(), String> {
    println!("### P2 via DAG: fraud MLP, 16 connections\n");
    let pipelined = model_by_name("p2_torch")?.make;
    let cases = [
        case("p2_dag", dag_fraud, 16).profiled("ai.dagexecute_ro"),
        case("p2_pipelined", pipelined, 16).profiled("ai.modelexecute"),
    ];
    let runs = measure(o, c, inline, &cases)?;
    let rate = |i: usize| median(runs[i].iter().map(|r| r.0).collect::<Vec<_>>());
    let (m, lo, hi) = paired(&runs[0], &runs[1], |d, p| d.0 / p.0);
    println!(
        "P2 via DAG = {:.0} inferences/s (target >= 25,000: {}); pipelined {:.0}/s; DAG / pipelined \
         = {m:.3} (median of {} paired rounds; min {lo:.3}, max {hi:.3})\n",
        rate(0),
        verdict(rate(0) >= 25_000.0),
        rate(1),
        o.rounds
    );
    Ok(())
}

/// Sends the `;`-separated commands of `text` pipelined (see [`args`]).
fn send(c: &mut Conn, text: &str, mut blobs: &[&[u8]]) -> Result<(), String> {
    let mut buf = Vec::new();
    for part in text.split(';') {
        let n = part.split_whitespace().filter(|w| *w == "$").count();
        resp::encode(&args(part, &blobs[..n]), &mut buf);
        blobs = &blobs[n..];
    }
    c.send_raw(&buf)
        .and_then(|_| c.flush())
        .map_err(|e| e.to_string())
}

/// Every `step`th text of an array reply: a STRING tensor's VALUES (1), or
/// the names of AI.VSIM WITHSCORES (2).
fn names(r: &Reply, step: usize) -> Vec<String> {
    let all = if let Reply::Array(a) = r { &a[..] } else { &[] };
    all.iter().step_by(step).map(Reply::text).collect()
}

/// One query, the DAG way: one round trip; the ids.
fn p7_dag(c: &mut Conn, q: &[u8]) -> Result<Vec<String>, String> {
    let dag = "AI.DAGEXECUTE_RO ROUTING dag:emb |> AI.TENSORSET q FLOAT 1 64 BLOB $ \
               |> AI.MODELEXECUTE embed INPUTS 1 q OUTPUTS 1 e \
               |> AI.VSIM dag:emb TENSOR e COUNT 10 OUTPUTS 2 ids sc \
               |> AI.TENSORGET ids VALUES |> AI.TENSORGET sc VALUES";
    send(c, dag, &[q])?;
    match c.read().map_err(|e| e.to_string())? {
        Reply::Array(a) if a.len() == 5 && !a.iter().any(Reply::is_error) => Ok(names(&a[3], 1)),
        other => Err(format!("P7 DAG: {other:?}")),
    }
}

/// One query as two round trips: [`p7_embed`], then [`p7_vsim`]; the ids.
fn p7_two(c: &mut Conn, q: &[u8]) -> Result<Vec<String>, String> {
    let e = p7_embed(c, q)?;
    p7_vsim(c, &e)
}

/// AI.VSIM of an embedding; the ids.
fn p7_vsim(c: &mut Conn, e: &[u8]) -> Result<Vec<String>, String> {
    let r = ok(c, "AI.VSIM dag:emb FP32 $ COUNT 10 WITHSCORES", &[e])?;
    Ok(names(&r, 2))
}

/// TENSORSET + MODELEXECUTE + TENSORGET BLOB pipelined; the embedding.
fn p7_embed(c: &mut Conn, q: &[u8]) -> Result<Vec<u8>, String> {
    let first = "AI.TENSORSET dag:q FLOAT 1 64 BLOB $; \
                 AI.MODELEXECUTE embed INPUTS 1 dag:q OUTPUTS 1 dag:e; AI.TENSORGET dag:e BLOB";
    send(c, first, &[q])?;
    let mut e = Vec::new();
    for _ in 0..3 {
        match c.read().map_err(|e| e.to_string())? {
            Reply::Error(x) => return Err(format!("P7 round trip 1: {x}")),
            Reply::Bulk(b) => e = b,
            _ => {}
        }
    }
    Ok(e)
}

type Form = fn(&mut Conn, &[u8]) -> Result<Vec<String>, String>;

/// One round of one form, 1 connection: (queries/s, p50, p99, 0).
fn p7_round(c: &mut Conn, form: Form, queries: &[Vec<u8>], secs: f64) -> Result<Round, String> {
    let (mut lat, start, warm) = (Vec::new(), Instant::now(), (secs * 0.2).min(1.0));
    for q in queries.iter().cycle() {
        let t = Instant::now();
        form(c, q)?;
        match t.duration_since(start).as_secs_f64() {
            x if x > warm + secs => break,
            x if x >= warm => lat.push(t.elapsed().as_micros() as u64),
            _ => {}
        }
    }
    let rate = lat.len() as f64 / secs;
    lat.sort_unstable();
    Ok((rate, lat[lat.len() / 2], lat[lat.len() * 99 / 100], 0))
}

fn p7(o: &Opts, c: &mut Conn) -> Result<(), String> {
    let n = o.limit.min(100_000);
    println!(
        "### P7 embed and search: pt-embed.pt ([1,64] -> [1,128]), then AI.VSIM COUNT 10 on {n} \
         random unit vectors of dim {DIM}; 1 connection\n"
    );
    let embed = std::fs::read(format!("{}/pt-embed.pt", o.fixtures)).map_err(|e| e.to_string())?;
    ok(c, "AI.MODELSTORE embed TORCH CPU BLOB $", &[&embed])?;
    let mut rng = Rng(7);
    let data: Vec<Vec<f32>> = (0..n).map(|_| rng.sphere(DIM)).collect();
    ok(c, &format!("DEL {SET}"), &[])?;
    let build = vectors::server_build(o.port, SET, &data, &["METRIC", "COSINE"])?;
    drop(data);
    println!(
        "{SET}: built with AI.VADD FP32 (4 connections x 256 pipelined; METRIC COSINE, M 16 and \
         build EF 200 by default) in {build:.1} s ({:.0}/s). Queries: 100 seeded inputs in turn; \
         search EF 100 (the default) in both forms\n",
        n as f64 / build
    );
    let mut query = || -> Vec<u8> {
        (0..64)
            .flat_map(|_| ((rng.unit() * 2.0 - 1.0) as f32).to_le_bytes())
            .collect()
    };
    let queries: Vec<Vec<u8>> = (0..100).map(|_| query()).collect();
    let same = (0..10).try_fold(true, |acc, i| -> Result<bool, String> {
        Ok(acc && p7_dag(c, &queries[i])? == p7_two(c, &queries[i])?)
    })?;
    let embeddings: Vec<Vec<u8>> = queries
        .iter()
        .map(|q| p7_embed(c, q))
        .collect::<Result<_, _>>()?;
    let forms: [(&str, Form, &[Vec<u8>]); 4] = [
        ("p7_dag", p7_dag, &queries),
        ("p7_two_round_trips", p7_two, &queries),
        (
            "p7_embed_alone",
            |c, q| p7_embed(c, q).map(|_| Vec::new()),
            &queries,
        ),
        ("p7_vsim_alone", p7_vsim, &embeddings),
    ];
    let mut runs: Vec<Vec<Round>> = vec![Vec::new(); forms.len()];
    for _ in 0..o.rounds {
        for (i, f) in forms.iter().enumerate() {
            runs[i].push(p7_round(c, f.1, f.2, o.seconds)?);
        }
    }
    let rows: Vec<_> = forms
        .iter()
        .zip(&runs)
        .map(|(f, r)| (f.0, what(f.0), &r[..]))
        .collect();
    table("queries/s", &rows);
    let (m, lo, hi) = paired(&runs[0], &runs[1], |d, t| d.1 as f64 / t.1 as f64);
    println!(
        "P7 = p50(DAG) / p50(two round trips) = {m:.3} (median of {} paired rounds; min {lo:.3}, \
         max {hi:.3}; target <= 0.7: {}); both forms gave the same ids for 10 queries: {same}\n",
        o.rounds,
        verdict(m <= 0.7)
    );
    Ok(())
}

fn script(o: &Opts, c: &mut Conn, inline: i64) -> Result<(), String> {
    println!("### Script overhead: tensors[0] + tensors[1] on two FLOAT [1,2], 1 connection\n");
    ok(
        c,
        "AI.SCRIPTSTORE so:script CPU ENTRY_POINTS 1 add SOURCE $",
        &[SCRIPT.as_bytes()],
    )?;
    let minimal =
        std::fs::read(format!("{}/pt-minimal.pt", o.fixtures)).map_err(|e| e.to_string())?;
    ok(c, "AI.MODELSTORE so:minimal TORCH CPU BLOB $", &[&minimal])?;
    ok(c, "AI.TENSORSET so:a FLOAT 1 2 VALUES 1 2", &[])?;
    ok(c, "AI.TENSORSET so:b FLOAT 1 2 VALUES 3 4", &[])?;
    const SCRIPT_RUN: &str = "AI.SCRIPTEXECUTE so:script add INPUTS 2 so:a so:b OUTPUTS 1 so:s";
    const MODEL_RUN: &str = "AI.MODELEXECUTE so:minimal INPUTS 2 so:a so:b OUTPUTS 1 so:m";
    for text in [SCRIPT_RUN, MODEL_RUN] {
        ok(c, text, &[])?;
    }
    match ok(c, "AI.TENSORGET so:s VALUES", &[])? {
        Reply::Array(v) if v.iter().map(Reply::text).collect::<Vec<_>>() == ["4", "6"] => {}
        other => return Err(format!("script output: {other:?}")),
    }
    let cases = [
        case("script_execute", |_| vec![args(SCRIPT_RUN, &[])], 1),
        case("model_execute", |_| vec![args(MODEL_RUN, &[])], 1),
        case("model_execute_queued", |_| vec![args(MODEL_RUN, &[])], 1).queued(),
    ];
    let runs = measure(o, c, inline, &cases)?;
    for (i, label) in [(1, "inline"), (2, "queued")] {
        let (m, lo, hi) = paired(&runs[0], &runs[i], |s, m| s.1 as f64 / m.1 as f64);
        let (m99, ..) = paired(&runs[0], &runs[i], |s, m| s.2 as f64 / m.2 as f64);
        println!(
            "script / model ({label}) = p50 {m:.3} (median of {} paired rounds; min {lo:.3}, max \
             {hi:.3}); p99 {m99:.3}",
            o.rounds
        );
    }
    println!();
    Ok(())
}
