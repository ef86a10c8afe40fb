//! P5 and P6: AI_VECSET against in-process usearch on real GloVe vectors.
//!
//! ```text
//! redisai-bench --port P --vectors glove_6B_50d_emb.npy [--limit N] [--queries 1000]
//! ```
//! The last `--queries` rows are the queries; the rows before them (up to
//! `--limit`) are indexed, both in this process (usearch, the same M, build
//! EF and metric, inserted in the same order) and in the server (AI.VADD
//! FP32, pipelined). Ground truth is an exact search. Then, for each EF, the
//! recall@10 and queries/s of both; P5 is their QPS ratio at the smallest EF
//! whose recall@10 is at least 0.95. P6 times DEBUG RELOAD NOSAVE against
//! the build, and MEMORY USAGE per vector is measured for F32, F16 and I8.
//! Last, 80% of the set is removed and the background rebuild is timed,
//! with MEMORY USAGE and recall (against AI.VSIM TRUTH) before and after.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use usearch::ffi::{IndexOptions, MetricKind, ScalarKind};
use usearch::Index;

use crate::resp::{self, Conn, Reply};

const M: usize = 16;
const BUILD_EF: usize = 200;
const K: usize = 10;
const EFS: [usize; 11] = [10, 20, 40, 60, 80, 100, 150, 200, 300, 400, 800];
const CONNS: usize = 16;
const ROUNDS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

pub struct VecOpts {
    pub port: u16,
    pub path: String,
    pub limit: usize,
    pub queries: usize,
    pub seconds: f64,
}

/// Reads a little-endian f32 .npy of shape (rows, cols), C or Fortran order,
/// as rows.
pub fn load_npy(path: &str) -> Result<Vec<Vec<f32>>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    if !bytes.starts_with(b"\x93NUMPY") || bytes.len() < 10 {
        return Err(format!("{path}: not an .npy file"));
    }
    let (hlen, start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        _ => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
    };
    let header = String::from_utf8_lossy(&bytes[start..start + hlen]).to_string();
    if !header.contains("'<f4'") {
        return Err(format!("{path}: expected float32, header {header}"));
    }
    let fortran = header.contains("'fortran_order': True");
    let shape = header
        .split("'shape': (")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .ok_or("no shape")?;
    let dims: Vec<usize> = shape
        .split(',')
        .filter_map(|d| d.trim().parse().ok())
        .collect();
    let [rows, cols] = dims[..] else {
        return Err(format!("{path}: expected 2 dimensions, got {shape}"));
    };
    let data = &bytes[start + hlen..];
    if data.len() < rows * cols * 4 {
        return Err(format!("{path}: short data"));
    }
    let at = |i: usize| {
        f32::from_le_bytes([
            data[4 * i],
            data[4 * i + 1],
            data[4 * i + 2],
            data[4 * i + 3],
        ])
    };
    Ok((0..rows)
        .map(|r| {
            (0..cols)
                .map(|c| {
                    if fortran {
                        at(c * rows + r)
                    } else {
                        at(r * cols + c)
                    }
                })
                .collect()
        })
        .collect())
}

fn index(dim: usize, quant: ScalarKind) -> Result<Index, String> {
    let i = Index::new(&IndexOptions {
        dimensions: dim,
        metric: MetricKind::Cos,
        quantization: quant,
        connectivity: M,
        expansion_add: BUILD_EF,
        expansion_search: 1,
        multi: false,
    })
    .map_err(|e| e.to_string())?;
    Ok(i)
}

fn blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn connect(port: u16) -> Result<Conn, String> {
    Conn::connect(port, Duration::from_secs(600)).map_err(|e| format!("connect: {e}"))
}

/// Sends `count` commands made by `make(i, buf)`, 256 per pipelined batch
/// over 4 connections; seconds taken. Any error reply fails the run.
fn pipelined(
    port: u16,
    count: usize,
    make: &(dyn Fn(usize, &mut Vec<u8>) + Sync),
) -> Result<f64, String> {
    let t = Instant::now();
    let next = AtomicUsize::new(0);
    let chunk = 256;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| -> Result<(), String> {
                    let mut c = connect(port)?;
                    loop {
                        let start = next.fetch_add(chunk, Ordering::Relaxed);
                        if start >= count {
                            return Ok(());
                        }
                        let end = (start + chunk).min(count);
                        let mut buf = Vec::new();
                        (start..end).for_each(|i| make(i, &mut buf));
                        c.send_raw(&buf)
                            .and_then(|_| c.flush())
                            .map_err(|e| e.to_string())?;
                        for _ in start..end {
                            if let Reply::Error(e) = c.read().map_err(|e| e.to_string())? {
                                return Err(e);
                            }
                        }
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| "panicked".to_string())?)
            .collect::<Result<Vec<()>, String>>()
    })?;
    Ok(t.elapsed().as_secs_f64())
}

/// AI.VADD of every row (named by its index); seconds taken.
pub fn server_build(
    port: u16,
    key: &str,
    data: &[Vec<f32>],
    extra: &[&str],
) -> Result<f64, String> {
    pipelined(port, data.len(), &|i, buf| {
        let (b, name) = (blob(&data[i]), i.to_string());
        let mut args: Vec<&[u8]> = vec![b"AI.VADD", key.as_bytes(), b"FP32", &b, name.as_bytes()];
        args.extend(extra.iter().map(|e| e.as_bytes()));
        resp::encode(&args, buf);
    })
    .map_err(|e| format!("AI.VADD: {e}"))
}

fn recall(got: &[Vec<u64>], truth: &[Vec<u64>]) -> f64 {
    let mut hit = 0;
    for (g, t) in got.iter().zip(truth) {
        let t: HashSet<u64> = t.iter().copied().collect();
        hit += g.iter().take(K).filter(|x| t.contains(x)).count();
    }
    hit as f64 / (K * truth.len()) as f64
}

/// In-process searches with `wanted = max(ef, K)` (as the module searches),
/// on as many threads as this process may use; (results, queries/s).
fn local_search(ix: &Index, queries: &[Vec<f32>], ef: usize, secs: f64) -> (Vec<Vec<u64>>, f64) {
    let results: Vec<Vec<u64>> = queries
        .iter()
        .map(|q| {
            ix.search(q, ef.max(K))
                .map(|m| m.keys.into_iter().take(K).collect())
                .unwrap_or_default()
        })
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let done = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let t = Instant::now();
    std::thread::scope(|s| {
        for th in 0..threads {
            let (done, stop) = (&done, &stop);
            s.spawn(move || {
                let mut i = th;
                while !stop.load(Ordering::Relaxed) {
                    let _ = ix.search(&queries[i % queries.len()], ef.max(K));
                    done.fetch_add(1, Ordering::Relaxed);
                    i += threads;
                }
            });
        }
        std::thread::sleep(Duration::from_secs_f64(secs));
        stop.store(true, Ordering::Relaxed);
    });
    let qps = done.load(Ordering::Relaxed) as f64 / t.elapsed().as_secs_f64();
    (results, qps)
}

fn server_query(c: &mut Conn, key: &str, q: &[f32], ef: usize) -> Result<Vec<u64>, String> {
    let b = blob(q);
    let ef = ef.to_string();
    let r = c
        .cmd(&[
            b"AI.VSIM".as_slice(),
            key.as_bytes(),
            b"FP32",
            &b,
            b"COUNT",
            b"10",
            b"EF",
            ef.as_bytes(),
        ])
        .map_err(|e| e.to_string())?;
    match r {
        Reply::Array(a) => Ok(a.iter().filter_map(|x| x.text().parse().ok()).collect()),
        other => Err(format!("AI.VSIM: {other:?}")),
    }
}

/// The server's results for every query, then its queries/s at CONNS connections.
fn server_search(
    port: u16,
    key: &str,
    queries: &[Vec<f32>],
    ef: usize,
    secs: f64,
) -> Result<(Vec<Vec<u64>>, f64, u64), String> {
    let mut c = connect(port)?;
    let results = queries
        .iter()
        .map(|q| server_query(&mut c, key, q, ef))
        .collect::<Result<Vec<_>, _>>()?;
    let done = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let lats = std::sync::Mutex::new(Vec::new());
    let t = Instant::now();
    std::thread::scope(|s| -> Result<(), String> {
        let handles: Vec<_> = (0..CONNS)
            .map(|th| {
                let (done, stop, lats) = (&done, &stop, &lats);
                s.spawn(move || -> Result<(), String> {
                    let mut c = connect(port)?;
                    let mut i = th;
                    let mut mine = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        let t = Instant::now();
                        server_query(&mut c, key, &queries[i % queries.len()], ef)?;
                        mine.push(t.elapsed().as_micros() as u64);
                        done.fetch_add(1, Ordering::Relaxed);
                        i += CONNS;
                    }
                    lats.lock().map_err(|_| "lock")?.extend(mine);
                    Ok(())
                })
            })
            .collect();
        std::thread::sleep(Duration::from_secs_f64(secs));
        stop.store(true, Ordering::Relaxed);
        for h in handles {
            h.join().map_err(|_| "panicked".to_string())??;
        }
        Ok(())
    })?;
    let qps = done.load(Ordering::Relaxed) as f64 / t.elapsed().as_secs_f64();
    let mut l = lats.into_inner().map_err(|_| "lock")?;
    l.sort_unstable();
    let p99 = l.get(l.len() * 99 / 100).copied().unwrap_or(0);
    Ok((results, qps, p99))
}

fn memory_usage(c: &mut Conn, key: &str) -> Result<i64, String> {
    match c
        .cmd(&["MEMORY", "USAGE", key])
        .map_err(|e| e.to_string())?
    {
        Reply::Int(n) => Ok(n),
        other => Err(format!("MEMORY USAGE: {other:?}")),
    }
}

pub fn run(o: &VecOpts) -> Result<(), String> {
    let all = load_npy(&o.path)?;
    let (base, queries) = all.split_at(all.len() - o.queries);
    let base = &base[..base.len().min(o.limit)];
    let dim = base[0].len();
    println!(
        "data: {} ({} vectors x {dim}, {} held-out queries); COSINE, F32, M {M}, build EF {BUILD_EF}, COUNT {K}\n",
        o.path,
        base.len(),
        queries.len()
    );
    // In-process: the same parameters, the same insertion order, one thread.
    let ix = index(dim, ScalarKind::F32)?;
    ix.reserve_capacity_and_threads(base.len(), 2)
        .map_err(|e| e.to_string())?;
    let t = Instant::now();
    for (i, v) in base.iter().enumerate() {
        ix.add(i as u64, v).map_err(|e| e.to_string())?;
    }
    let local_build = t.elapsed().as_secs_f64();
    let truth: Vec<Vec<u64>> = queries
        .iter()
        .map(|q| ix.exact_search(q, K).map(|m| m.keys).unwrap_or_default())
        .collect();

    let mut c = connect(o.port)?;
    let _ = c.cmd(&["DEL", "glove"]);
    let server_build_s = server_build(o.port, "glove", base, &["M", "16", "EF", "200"])?;
    let n = base.len() as f64;
    println!("| insert | vectors/s | seconds |");
    println!("|---|---:|---:|");
    println!(
        "| in-process usearch `add`, 1 thread | {:.0} | {local_build:.1} |",
        n / local_build
    );
    println!(
        "| AI.VADD FP32, 4 connections x 256 pipelined | {:.0} | {server_build_s:.1} |",
        n / server_build_s
    );
    println!(
        "insert ratio (AI.VADD / in-process) = {:.3}\n",
        local_build / server_build_s
    );

    println!(
        "| EF | recall@10 in-process | QPS in-process ({} threads) | recall@10 AI.VSIM | QPS AI.VSIM ({CONNS} conns) | p99 µs | ratio (median of {ROUNDS} paired) |",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let mut p5 = None;
    for ef in EFS {
        // Three paired rounds (in-process, then server), medians reported:
        // the VM's speed drifts, and pairing cancels most of it.
        let (mut lqs, mut sqs, mut ratios, mut p99s) = (vec![], vec![], vec![], vec![]);
        let (mut rl, mut rs) = (0.0, 0.0);
        for _ in 0..ROUNDS {
            let (lr, lq) = local_search(&ix, queries, ef, o.seconds);
            let (sr, sq, p99) = server_search(o.port, "glove", queries, ef, o.seconds)?;
            (rl, rs) = (recall(&lr, &truth), recall(&sr, &truth));
            lqs.push(lq);
            sqs.push(sq);
            ratios.push(sq / lq);
            p99s.push(p99 as f64);
        }
        let (lq, sq, ratio, p99) = (median(lqs), median(sqs), median(ratios), median(p99s));
        println!("| {ef} | {rl:.4} | {lq:.0} | {rs:.4} | {sq:.0} | {p99:.0} | {ratio:.3} |");
        if p5.is_none() && rs >= 0.95 {
            p5 = Some((ef, rs, sq, lq, ratio));
        }
    }
    match p5 {
        Some((ef, r, sq, lq, ratio)) => println!(
            "\nP5 = QPS(AI.VSIM) / QPS(in-process) at EF {ef} (recall@10 {r:.4}) = {sq:.0} / {lq:.0}; median of {ROUNDS} paired rounds = {ratio:.3} (target >= 0.6)"
        ),
        None => println!("\nP5: no EF reached recall@10 0.95"),
    }

    // P6: load the saved RDB (DEBUG RELOAD NOSAVE) against the build.
    let t = Instant::now();
    c.cmd(&["SAVE"]).map_err(|e| e.to_string())?;
    let save = t.elapsed().as_secs_f64();
    let before = server_query(&mut c, "glove", &queries[0], 100)?;
    let t = Instant::now();
    let r = c
        .cmd(&["DEBUG", "RELOAD", "NOSAVE"])
        .map_err(|e| e.to_string())?;
    let load = t.elapsed().as_secs_f64();
    if !r.is_ok() {
        return Err(format!("DEBUG RELOAD NOSAVE: {r:?}"));
    }
    let after = server_query(&mut c, "glove", &queries[0], 100)?;
    println!(
        "\nP6 = build / load = {server_build_s:.2} s / {load:.3} s = {:.1}x (target >= 10x); SAVE took {save:.2} s; same results after the load: {}",
        server_build_s / load,
        before == after
    );
    let per = memory_usage(&mut c, "glove")? as f64 / n;
    println!("\n| QUANT | MEMORY USAGE per vector (bytes) | vectors |");
    println!("|---|---:|---:|");
    println!("| F32 | {per:.0} | {} |", base.len());
    let sub = &base[..base.len().min(50_000)];
    for q in ["F32", "F16", "I8"] {
        let key = format!("mem-{q}");
        server_build(o.port, &key, sub, &["QUANT", q])?;
        let per = memory_usage(&mut c, &key)? as f64 / sub.len() as f64;
        println!("| {q} | {per:.0} | {} |", sub.len());
        let _ = c.cmd(&["DEL", &key]);
    }
    removal(o.port, &mut c, base.len(), &queries[..200])
}

/// recall@10 of AI.VSIM at `ef` against AI.VSIM TRUTH.
fn server_recall(c: &mut Conn, queries: &[Vec<f32>], ef: usize) -> Result<f64, String> {
    let (mut hit, mut total) = (0, 0);
    for q in queries {
        let b = blob(q);
        let r = c
            .cmd(&[b"AI.VSIM".as_slice(), b"glove", b"FP32", &b, b"TRUTH"])
            .map_err(|e| e.to_string())?;
        let truth: HashSet<u64> = r
            .array()
            .iter()
            .filter_map(|x| x.text().parse().ok())
            .collect();
        let got = server_query(c, "glove", q, ef)?;
        hit += got.iter().filter(|g| truth.contains(g)).count();
        total += truth.len();
    }
    Ok(hit as f64 / total.max(1) as f64)
}

/// Removes 80% of the set with AI.VREM, then waits, with no further write,
/// for the background rebuild to install itself.
fn removal(port: u16, c: &mut Conn, n: usize, queries: &[Vec<f32>]) -> Result<(), String> {
    let gone = n * 8 / 10;
    let (mem_full, recall_full) = (memory_usage(c, "glove")?, server_recall(c, queries, 150)?);
    let secs = pipelined(port, gone, &|i, buf| {
        resp::encode(
            &[b"AI.VREM".as_slice(), b"glove", i.to_string().as_bytes()],
            buf,
        )
    })
    .map_err(|e| format!("AI.VREM: {e}"))?;
    let (mem_tomb, recall_tomb) = (memory_usage(c, "glove")?, server_recall(c, queries, 150)?);
    let t = Instant::now();
    let landed = loop {
        if (memory_usage(c, "glove")? as f64) < mem_tomb as f64 * 0.6 {
            break true;
        }
        if t.elapsed() > Duration::from_secs(600) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    let wait = t.elapsed().as_secs_f64();
    let (mem_after, recall_after) = (memory_usage(c, "glove")?, server_recall(c, queries, 150)?);
    println!("\nRemoval: {gone} of {n} elements removed with AI.VREM (4 connections x 256 pipelined) in {secs:.1} s ({:.0}/s); the background rebuild was installed {} s after the last removal, with no further write{}", gone as f64 / secs, format_args!("{wait:.1}"), if landed { "" } else { " (NOT within 600 s)" });
    println!("\n| state | MEMORY USAGE | recall@10 at EF 150 (vs TRUTH, 200 queries) |");
    println!("|---|---:|---:|");
    println!("| full ({n}) | {mem_full} | {recall_full:.4} |");
    println!("| 80% removed, tombstones | {mem_tomb} | {recall_tomb:.4} |");
    println!("| after the rebuild | {mem_after} | {recall_after:.4} |");
    Ok(())
}
