//! The main thread under vector load: PING round trips while 8 connections
//! run `AI.VSIM … TRUTH` (exact scans, tens of milliseconds each on the
//! GloVe set) and one connection runs AI.VADD on the same set.
//!
//! ```text
//! redisai-bench --port P --vectors glove_6B_50d_emb.npy --only vector_stall [--limit N] [--seconds S]
//! ```
//! Four phases of `--seconds` each (default 10): idle, searches only,
//! writes only, searches and writes. Each reports PING p50/p99/max, the
//! AI.VSIM and AI.VADD counts and the AI.VADD p50/p99. The target is PING
//! p99 < 1 ms in the last phase.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::resp::{Conn, Reply};
use crate::vectors;

const SEARCHERS: usize = 8;

fn connect(port: u16) -> Result<Conn, String> {
    Conn::connect(port, Duration::from_secs(600)).map_err(|e| format!("connect: {e}"))
}

fn blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn pct(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

struct Phase {
    name: &'static str,
    searches: bool,
    writes: bool,
}

pub fn run(port: u16, path: &str, limit: usize, seconds: f64) -> Result<(), String> {
    let all = vectors::load_npy(path)?;
    let (base, queries) = all.split_at(all.len() - 1000);
    let base = &base[..base.len().min(limit)];
    let mut c = connect(port)?;
    let _ = c.cmd(&["DEL", "glove"]);
    let build = vectors::server_build(port, "glove", base, &["M", "16", "EF", "200"])?;
    println!(
        "data: {path}, {} vectors x {} in key glove (built in {build:.1} s); {SEARCHERS} connections loop AI.VSIM glove FP32 <q> TRUTH, one loops AI.VADD glove FP32 <v> new-<i>, one loops PING; {seconds} s a phase\n",
        base.len(),
        base[0].len()
    );
    let secs = seconds;
    println!("| phase | PING p50 µs | PING p99 µs | PING max µs | PINGs | AI.VSIM TRUTH done | AI.VADD done | AI.VADD p50 µs | AI.VADD p99 µs |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let phases = [
        Phase {
            name: "idle",
            searches: false,
            writes: false,
        },
        Phase {
            name: "8 x VSIM TRUTH",
            searches: true,
            writes: false,
        },
        Phase {
            name: "1 x VADD",
            searches: false,
            writes: true,
        },
        Phase {
            name: "8 x VSIM TRUTH + 1 x VADD",
            searches: true,
            writes: true,
        },
    ];
    let mut added = 0usize;
    let mut last_p99 = 0;
    for p in &phases {
        let stop = AtomicBool::new(false);
        let searched = AtomicU64::new(0);
        let (pings, adds) = std::thread::scope(|s| -> Result<(Vec<u64>, Vec<u64>), String> {
            let mut searchers = Vec::new();
            if p.searches {
                for t in 0..SEARCHERS {
                    let (stop, searched) = (&stop, &searched);
                    searchers.push(s.spawn(move || -> Result<(), String> {
                        let mut c = connect(port)?;
                        let mut i = t;
                        while !stop.load(Ordering::Relaxed) {
                            let b = blob(&queries[i % queries.len()]);
                            let r = c
                                .cmd(&[&b"AI.VSIM"[..], b"glove", b"FP32", &b, b"TRUTH"])
                                .map_err(|e| e.to_string())?;
                            if let Reply::Error(e) = r {
                                return Err(e);
                            }
                            searched.fetch_add(1, Ordering::Relaxed);
                            i += SEARCHERS;
                        }
                        Ok(())
                    }));
                }
            }
            let writer = p.writes.then(|| {
                let stop = &stop;
                let start = added;
                s.spawn(move || -> Result<Vec<u64>, String> {
                    let mut c = connect(port)?;
                    let mut lat = Vec::new();
                    let mut i = start;
                    while !stop.load(Ordering::Relaxed) {
                        let b = blob(&queries[i % queries.len()]);
                        let name = format!("new-{i}");
                        let t = Instant::now();
                        let r = c
                            .cmd(&[&b"AI.VADD"[..], b"glove", b"FP32", &b, name.as_bytes()])
                            .map_err(|e| e.to_string())?;
                        lat.push(t.elapsed().as_micros() as u64);
                        if let Reply::Error(e) = r {
                            return Err(e);
                        }
                        i += 1;
                    }
                    Ok(lat)
                })
            });
            // Let the load start before PING is timed.
            std::thread::sleep(Duration::from_millis(500));
            let mut c = connect(port)?;
            let mut pings = Vec::new();
            let end = Instant::now() + Duration::from_secs_f64(secs);
            while Instant::now() < end {
                let t = Instant::now();
                let r = c.cmd(&["PING"]).map_err(|e| e.to_string())?;
                pings.push(t.elapsed().as_micros() as u64);
                if r != Reply::Status("PONG".into()) {
                    return Err(format!("PING: {r:?}"));
                }
                std::thread::sleep(Duration::from_micros(500));
            }
            stop.store(true, Ordering::Relaxed);
            for h in searchers {
                h.join().map_err(|_| "searcher panicked".to_string())??;
            }
            let adds = match writer {
                Some(h) => h.join().map_err(|_| "writer panicked".to_string())??,
                None => Vec::new(),
            };
            Ok((pings, adds))
        })?;
        added += adds.len();
        let mut pings = pings;
        pings.sort_unstable();
        let mut adds = adds;
        adds.sort_unstable();
        last_p99 = pct(&pings, 0.99);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            p.name,
            pct(&pings, 0.5),
            last_p99,
            pings.last().copied().unwrap_or(0),
            pings.len(),
            searched.load(Ordering::Relaxed),
            adds.len(),
            pct(&adds, 0.5),
            pct(&adds, 0.99),
        );
    }
    let info = c
        .cmd(&["INFO", "MODULES"])
        .map_err(|e| e.to_string())?
        .text();
    let field = |f: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{f}:")))
            .unwrap_or("?")
            .trim()
            .to_string()
    };
    println!(
        "\nPING p99 under 8 x VSIM TRUTH + 1 x VADD = {last_p99} µs (target < 1000 µs); ai_vector_writes_deferred {}, ai_vector_writes_waited {}",
        field("ai_vector_writes_deferred"),
        field("ai_vector_writes_waited")
    );
    Ok(())
}
