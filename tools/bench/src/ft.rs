//! P8 and P9: the FT.* layer on GloVe vectors stored as hashes.
//!
//! ```text
//! redisai-bench --port P --vectors glove_6B_50d_emb.npy --only ft [--limit N] [--queries 1000]
//! ```
//! The rows before the last `--queries` (up to `--limit`) are written twice:
//! as an AI_VECSET (AI.VADD, pipelined) and as hashes `g:<i>` with a FLOAT32
//! blob, indexed by `FT.CREATE … VECTOR HNSW` (same M 16, EF_CONSTRUCTION
//! 200, COSINE). Ground truth is an exact search in this process.
//! - Indexing rate: FT.CREATE's scan of the existing hashes, against AI.VADD.
//! - P8: FT.SEARCH `*=>[KNN 10 @v $B EF_RUNTIME ef AS d]` (RETURN d, SORTBY
//!   d, LIMIT 0 10, what redisvl sends) against AI.VSIM COUNT 10 EF ef, both
//!   at 16 connections, at the smallest EF where each reaches recall@10 ≥
//!   0.95; median of paired rounds.
//! - P9: DEBUG RELOAD with the index, against the same hashes with no index
//!   (DROPINDEX first; the AI_VECSET is deleted for both), and against
//!   building the index from scratch (what RediSearch does on every restart).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::resp::{self, Conn, Reply};
use crate::vectors::{load_npy, server_build};

const K: usize = 10;
const EFS: [usize; 8] = [10, 20, 40, 60, 80, 100, 150, 200];
const CONNS: usize = 16;
const ROUNDS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn connect(port: u16) -> Result<Conn, String> {
    Conn::connect(port, Duration::from_secs(900)).map_err(|e| format!("connect: {e}"))
}

/// Exact cosine top-K of each query, on every core.
fn truth(base: &[Vec<f32>], queries: &[Vec<f32>]) -> Vec<Vec<u64>> {
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-30);
    let norms: Vec<f32> = base.iter().map(|v| norm(v)).collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut out = vec![Vec::new(); queries.len()];
    std::thread::scope(|s| {
        for (t, chunk) in out
            .chunks_mut(queries.len().div_ceil(threads).max(1))
            .enumerate()
        {
            let (base, norms) = (&base, &norms);
            let start = t * queries.len().div_ceil(threads).max(1);
            s.spawn(move || {
                for (j, slot) in chunk.iter_mut().enumerate() {
                    let q = &queries[start + j];
                    let qn = norm(q);
                    let mut d: Vec<(f32, u64)> = base
                        .iter()
                        .zip(norms.iter())
                        .enumerate()
                        .map(|(i, (v, n))| {
                            let dot: f32 = v.iter().zip(q).map(|(a, b)| a * b).sum();
                            (1.0 - dot / (n * qn), i as u64)
                        })
                        .collect();
                    d.select_nth_unstable_by(K, |a, b| a.0.total_cmp(&b.0));
                    d.truncate(K);
                    d.sort_by(|a, b| a.0.total_cmp(&b.0));
                    *slot = d.into_iter().map(|x| x.1).collect();
                }
            });
        }
    });
    out
}

fn recall(got: &[Vec<u64>], truth: &[Vec<u64>]) -> f64 {
    let mut hit = 0;
    for (g, t) in got.iter().zip(truth) {
        let t: HashSet<u64> = t.iter().copied().collect();
        hit += g.iter().take(K).filter(|x| t.contains(x)).count();
    }
    hit as f64 / (K * truth.len()) as f64
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Ft,
    Vsim,
}

fn query(c: &mut Conn, kind: Kind, q: &[f32], ef: usize) -> Result<Vec<u64>, String> {
    let b = blob(q);
    let ef = ef.to_string();
    match kind {
        Kind::Vsim => {
            let r = c
                .cmd(&[
                    b"AI.VSIM".as_slice(),
                    b"glove",
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
        Kind::Ft => {
            let qs = format!("*=>[KNN 10 @v $B EF_RUNTIME {ef} AS d]");
            let r = c
                .cmd(&[
                    b"FT.SEARCH".as_slice(),
                    b"gidx",
                    qs.as_bytes(),
                    b"RETURN",
                    b"1",
                    b"d",
                    b"SORTBY",
                    b"d",
                    b"ASC",
                    b"DIALECT",
                    b"2",
                    b"LIMIT",
                    b"0",
                    b"10",
                    b"PARAMS",
                    b"2",
                    b"B",
                    &b,
                ])
                .map_err(|e| e.to_string())?;
            match r {
                Reply::Array(a) => Ok(a
                    .iter()
                    .skip(1)
                    .step_by(2)
                    .filter_map(|x| x.text().strip_prefix("g:").and_then(|s| s.parse().ok()))
                    .collect()),
                other => Err(format!("FT.SEARCH: {other:?}")),
            }
        }
    }
}

/// Results for every query, then queries/s at CONNS connections.
fn measure(
    port: u16,
    kind: Kind,
    queries: &[Vec<f32>],
    ef: usize,
    secs: f64,
) -> Result<(Vec<Vec<u64>>, f64), String> {
    let mut c = connect(port)?;
    let results = queries
        .iter()
        .map(|q| query(&mut c, kind, q, ef))
        .collect::<Result<Vec<_>, _>>()?;
    let done = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let t = Instant::now();
    std::thread::scope(|s| -> Result<(), String> {
        let handles: Vec<_> = (0..CONNS)
            .map(|th| {
                let (done, stop) = (&done, &stop);
                s.spawn(move || -> Result<(), String> {
                    let mut c = connect(port)?;
                    let mut i = th;
                    while !stop.load(Ordering::Relaxed) {
                        query(&mut c, kind, &queries[i % queries.len()], ef)?;
                        done.fetch_add(1, Ordering::Relaxed);
                        i += CONNS;
                    }
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
    Ok((
        results,
        done.load(Ordering::Relaxed) as f64 / t.elapsed().as_secs_f64(),
    ))
}

/// HSET g:<i> v <blob>, pipelined over 4 connections.
fn write_hashes(port: u16, base: &[Vec<f32>]) -> Result<f64, String> {
    let next = AtomicUsize::new(0);
    let t = Instant::now();
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| -> Result<(), String> {
                    let mut c = connect(port)?;
                    loop {
                        let start = next.fetch_add(256, Ordering::Relaxed);
                        if start >= base.len() {
                            return Ok(());
                        }
                        let end = (start + 256).min(base.len());
                        let mut buf = Vec::new();
                        for (i, v) in base.iter().enumerate().take(end).skip(start) {
                            let (k, b) = (format!("g:{i}"), blob(v));
                            resp::encode(&[b"HSET".as_slice(), k.as_bytes(), b"v", &b], &mut buf);
                        }
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
        hs.into_iter()
            .map(|h| h.join().map_err(|_| "panicked".to_string())?)
            .collect::<Result<Vec<()>, String>>()
    })?;
    Ok(t.elapsed().as_secs_f64())
}

fn info_field(c: &mut Conn, field: &str) -> Result<String, String> {
    let r = c.cmd(&["FT.INFO", "gidx"]).map_err(|e| e.to_string())?;
    let a = match r {
        Reply::Array(a) => a,
        other => return Err(format!("FT.INFO: {other:?}")),
    };
    for pair in a.chunks(2) {
        if pair[0].text() == field {
            return Ok(match pair.get(1) {
                Some(Reply::Int(n)) => n.to_string(),
                Some(x @ Reply::Bulk(_)) => x.text(),
                _ => String::new(),
            });
        }
    }
    Err(format!("FT.INFO lacks {field}"))
}

/// FT.CREATE, then waits for the scan; seconds.
fn create_index(c: &mut Conn, n: usize) -> Result<f64, String> {
    let t = Instant::now();
    let r = c
        .cmd(&[
            "FT.CREATE",
            "gidx",
            "ON",
            "HASH",
            "PREFIX",
            "1",
            "g:",
            "SCHEMA",
            "v",
            "VECTOR",
            "HNSW",
            "10",
            "TYPE",
            "FLOAT32",
            "DIM",
            "50",
            "DISTANCE_METRIC",
            "COSINE",
            "M",
            "16",
            "EF_CONSTRUCTION",
            "200",
        ])
        .map_err(|e| e.to_string())?;
    if !r.is_ok() {
        return Err(format!("FT.CREATE: {r:?}"));
    }
    while info_field(c, "indexing")? != "0" {
        std::thread::sleep(Duration::from_millis(50));
    }
    let secs = t.elapsed().as_secs_f64();
    let docs: usize = info_field(c, "num_docs")?.parse().unwrap_or(0);
    if docs != n {
        return Err(format!("indexed {docs} of {n} hashes"));
    }
    Ok(secs)
}

fn reload(c: &mut Conn) -> Result<f64, String> {
    c.cmd(&["SAVE"]).map_err(|e| e.to_string())?;
    let t = Instant::now();
    let r = c
        .cmd(&["DEBUG", "RELOAD", "NOSAVE"])
        .map_err(|e| e.to_string())?;
    if !r.is_ok() {
        return Err(format!("DEBUG RELOAD: {r:?}"));
    }
    Ok(t.elapsed().as_secs_f64())
}

pub fn run(port: u16, path: &str, limit: usize, nq: usize, secs: f64) -> Result<(), String> {
    let all = load_npy(path)?;
    let (base, queries) = all.split_at(all.len() - nq);
    let base = &base[..base.len().min(limit)];
    let n = base.len();
    println!("data: {path} ({n} vectors x {}, {} held-out queries); COSINE, FLOAT32, HNSW M 16, EF_CONSTRUCTION 200, K {K}\n", base[0].len(), queries.len());
    let exact = truth(base, queries);
    let mut c = connect(port)?;
    let _ = c.cmd(&["FLUSHALL"]);

    let vadd = server_build(port, "glove", base, &["M", "16", "EF", "200"])?;
    let hset = write_hashes(port, base)?;
    let build = create_index(&mut c, n)?;
    println!("| indexing | vectors/s | seconds |");
    println!("|---|---:|---:|");
    println!(
        "| AI.VADD FP32, 4 connections x 256 pipelined | {:.0} | {vadd:.1} |",
        n as f64 / vadd
    );
    println!(
        "| HSET of the hashes (no index yet), same pipelining | {:.0} | {hset:.1} |",
        n as f64 / hset
    );
    println!(
        "| FT.CREATE scan of the existing hashes (HNSW) | {:.0} | {build:.1} |",
        n as f64 / build
    );
    println!(
        "indexing ratio (FT.CREATE scan / AI.VADD) = {:.3}\n",
        vadd / build
    );

    println!("| EF | recall@10 FT.SEARCH | QPS FT.SEARCH | recall@10 AI.VSIM | QPS AI.VSIM | ratio (median of {ROUNDS} paired) |");
    println!("|---:|---:|---:|---:|---:|---:|");
    let (mut ft_at, mut vs_at) = (None, None);
    for ef in EFS {
        let (mut fq, mut vq, mut ratios) = (vec![], vec![], vec![]);
        let (mut rf, mut rv) = (0.0, 0.0);
        for _ in 0..ROUNDS {
            let (fr, f) = measure(port, Kind::Ft, queries, ef, secs)?;
            let (vr, v) = measure(port, Kind::Vsim, queries, ef, secs)?;
            (rf, rv) = (recall(&fr, &exact), recall(&vr, &exact));
            fq.push(f);
            vq.push(v);
            ratios.push(f / v);
        }
        let (f, v, ratio) = (median(fq), median(vq), median(ratios));
        println!("| {ef} | {rf:.4} | {f:.0} | {rv:.4} | {v:.0} | {ratio:.3} |");
        if ft_at.is_none() && rf >= 0.95 {
            ft_at = Some((ef, rf, f));
        }
        if vs_at.is_none() && rv >= 0.95 {
            vs_at = Some((ef, rv, v));
        }
    }
    match (ft_at, vs_at) {
        (Some((fe, fr, f)), Some((ve, vr, v))) => println!(
            "\nP8 = QPS(FT.SEARCH at EF {fe}, recall {fr:.4}) / QPS(AI.VSIM at EF {ve}, recall {vr:.4}) = {f:.0} / {v:.0} = {:.3} (target >= 0.8)",
            f / v
        ),
        _ => println!("\nP8: recall@10 0.95 not reached by both"),
    }

    // P9: reload with the index vs without, and vs building it again.
    let _ = c.cmd(&["DEL", "glove"]);
    let before = query(&mut c, Kind::Ft, &queries[0], 100)?;
    let with_index = reload(&mut c)?;
    let after = query(&mut c, Kind::Ft, &queries[0], 100)?;
    let docs = info_field(&mut c, "num_docs")?;
    let r = c
        .cmd(&["FT.DROPINDEX", "gidx"])
        .map_err(|e| e.to_string())?;
    if !r.is_ok() {
        return Err(format!("FT.DROPINDEX: {r:?}"));
    }
    let without = reload(&mut c)?;
    let rebuild = create_index(&mut c, n)?;
    println!("\n| DEBUG RELOAD of {n} hashes | seconds |");
    println!("|---|---:|");
    println!("| with the FT index (graph restored, every hash checked) | {with_index:.2} |");
    println!("| no index | {without:.2} |");
    println!("| building the index from scratch (FT.CREATE scan) | {rebuild:.2} |");
    println!(
        "\nP9: reload with index / without = {:.2}x (target within 2x); rebuild / reload with index = {:.1}x (target >= 10x); {docs} documents after the reload; same results after the reload: {}",
        with_index / without,
        rebuild / with_index,
        before == after
    );
    Ok(())
}
