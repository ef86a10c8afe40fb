//! The soak's settings, latency bookkeeping, memory rule and tables.
//!
//! Memory rule: the baseline is the median of the samples in the first
//! interval-long window after the warm-up, the end the median of the
//! samples in the last interval-long window; RSS growth = end / baseline - 1
//! must stay under `--max-rss-growth` (5%). Medians of a window, not single
//! samples, so that one sample taken while a batch of big tensors is in
//! flight does not decide the verdict. used_memory is reported the same way
//! but not gated: expiring keys and churn make it move by design.

use std::fmt::Write;

use crate::soak_load::{EXPECTED, KINDS};

pub struct Settings {
    pub port: u16,
    pub seconds: f64,
    pub clients: usize,
    pub interval: f64,
    pub warmup: f64,
    pub sample: f64,
    pub max_rss_growth: f64,
    pub markdown: Option<String>,
    pub fixtures: String,
    /// `--only kind,...`: run only these op kinds (to bisect a finding).
    pub only: Vec<String>,
}

impl Settings {
    /// `argv`: the arguments after `soak`.
    pub fn parse(argv: &[String]) -> Result<Settings, String> {
        let mut s = Settings {
            port: 6379,
            seconds: 600.0,
            clients: 64,
            interval: 0.0,
            warmup: -1.0,
            sample: 0.0,
            max_rss_growth: 5.0,
            markdown: None,
            fixtures: concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/models")
                .to_string(),
            only: Vec::new(),
        };
        let mut it = argv.iter();
        while let Some(a) = it.next() {
            let mut val = || it.next().ok_or(format!("{a} needs a value"));
            let num = |v: &String| v.parse::<f64>().map_err(|e| format!("{a}: {e}"));
            match a.as_str() {
                "--port" => s.port = val()?.parse().map_err(|e| format!("--port: {e}"))?,
                "--clients" => s.clients = val()?.parse().map_err(|e| format!("--clients: {e}"))?,
                "--seconds" => s.seconds = num(val()?)?,
                "--interval" => s.interval = num(val()?)?,
                "--warmup" => s.warmup = num(val()?)?,
                "--sample" => s.sample = num(val()?)?,
                "--max-rss-growth" => s.max_rss_growth = num(val()?)?,
                "--markdown" => s.markdown = Some(val()?.clone()),
                "--fixtures" => s.fixtures = val()?.clone(),
                "--only" => s.only = val()?.split(',').map(str::to_string).collect(),
                _ => {
                    return Err(format!(
                        "unknown argument {a}\nusage: redisai-bench soak --port N [--seconds 600] \
                         [--clients 64] [--interval S] [--warmup S] [--sample S] \
                         [--max-rss-growth PCT] [--markdown FILE] [--fixtures DIR] [--only KIND,...]"
                    ))
                }
            }
        }
        if let Some(k) = s
            .only
            .iter()
            .find(|o| !KINDS.iter().any(|k| k.0 == o.as_str()))
        {
            return Err(format!("--only: unknown kind {k}"));
        }
        if s.clients == 0 || s.seconds < 1.0 {
            return Err("--clients must be positive and --seconds at least 1".into());
        }
        if s.interval <= 0.0 {
            s.interval = if s.seconds >= 300.0 {
                60.0
            } else {
                (s.seconds / 10.0).max(1.0)
            };
        }
        if s.warmup < 0.0 {
            s.warmup = (s.seconds / 10.0).min(60.0);
        }
        if s.sample <= 0.0 {
            s.sample = if s.seconds >= 120.0 { 2.0 } else { 1.0 };
        }
        if s.warmup + 2.0 * s.interval > s.seconds {
            return Err("the run must hold the warm-up and two intervals".into());
        }
        Ok(s)
    }

    /// Intervals in the run, plus one for ops that end after it.
    pub fn intervals(&self) -> usize {
        (self.seconds / self.interval).ceil() as usize + 1
    }

    pub fn interval_of(&self, at: f64) -> usize {
        ((at / self.interval) as usize).min(self.intervals() - 1)
    }
}

/// One memory sample: seconds since the start, VmRSS in KiB, used_memory
/// in bytes, and the number of keys.
#[derive(Clone, Copy)]
pub struct Sample {
    pub at: f64,
    pub rss: u64,
    pub used: u64,
    /// DBSIZE.
    pub keys: u64,
}

/// Latencies (µs) per interval and kind, and (expected, unexpected) error
/// replies per interval.
pub struct Stats {
    lat: Vec<Vec<Vec<u32>>>,
    errs: Vec<(u64, u64)>,
}

impl Stats {
    pub fn new(intervals: usize) -> Stats {
        Stats {
            lat: vec![vec![Vec::new(); KINDS.len()]; intervals],
            errs: vec![(0, 0); intervals],
        }
    }

    pub fn record(&mut self, interval: usize, kind: usize, us: u32, errs: (u64, u64)) {
        self.lat[interval][kind].push(us);
        self.errs[interval].0 += errs.0;
        self.errs[interval].1 += errs.1;
    }

    pub fn merge(&mut self, other: Stats) {
        for (mine, theirs) in self.lat.iter_mut().zip(other.lat) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                m.extend(t);
            }
        }
        for (m, t) in self.errs.iter_mut().zip(other.errs) {
            m.0 += t.0;
            m.1 += t.1;
        }
    }
}

/// p50, p99 and max (ms) of `v`, sorting it.
fn pcts(v: &mut [u32]) -> Option<(f64, f64, f64)> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let at = |q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)] as f64 / 1000.0;
    Some((at(0.5), at(0.99), at(1.0)))
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied()
}

/// Least-squares slope of `y` over `x`, per minute.
fn slope_per_min(pts: &[(f64, f64)]) -> f64 {
    let n = pts.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (mx, my) = (
        pts.iter().map(|p| p.0).sum::<f64>() / n,
        pts.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if sxx == 0.0 {
        0.0
    } else {
        sxy / sxx * 60.0
    }
}

/// Baseline, end, growth % and slope (MiB/min) of one memory series (MiB).
struct Growth {
    base: f64,
    end: f64,
    pct: f64,
    slope: f64,
}

fn growth(st: &Settings, samples: &[Sample], f: fn(&Sample) -> f64) -> Option<Growth> {
    let window = |lo: f64, hi: f64| {
        median(
            samples
                .iter()
                .filter(|s| s.at >= lo && s.at < hi)
                .map(f)
                .collect(),
        )
    };
    let base = window(st.warmup, st.warmup + st.interval)?;
    let end = window(st.seconds - st.interval, f64::INFINITY)?;
    let after: Vec<(f64, f64)> = samples
        .iter()
        .filter(|s| s.at >= st.warmup)
        .map(|s| (s.at, f(s)))
        .collect();
    Some(Growth {
        base,
        end,
        pct: (end / base - 1.0) * 100.0,
        slope: slope_per_min(&after),
    })
}

fn mib_rss(s: &Sample) -> f64 {
    s.rss as f64 / 1024.0
}

fn mib_used(s: &Sample) -> f64 {
    s.used as f64 / 1048576.0
}

fn cell(p: Option<(f64, f64, f64)>) -> String {
    p.map_or("-".into(), |(a, b, _)| format!("{a:.2} / {b:.2}"))
}

/// Prints the tables (and writes them to `--markdown`); whether the run
/// passed.
pub fn report(
    st: &Settings,
    stats: &Stats,
    samples: &[Sample],
    expired_keys: u64,
    unexpected: u64,
    first_errors: &[String],
) -> Result<bool, String> {
    let mut md = String::new();
    let date = std::process::Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d %H:%M UTC")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let _ = writeln!(
        md,
        "Soak: {} clients, {} s, intervals of {} s, warm-up {} s; {date}; {} cores.\n",
        st.clients,
        st.seconds,
        st.interval,
        st.warmup,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let _ = writeln!(md, "| interval (s) | ops | ops/s | p50 ms | p99 ms | expected errors | unexpected errors | RSS MiB | used_memory MiB | keys |");
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let shown = (st.seconds / st.interval).ceil() as usize;
    for i in 0..stats.lat.len() {
        let mut all: Vec<u32> = stats.lat[i].iter().flatten().copied().collect();
        if i >= shown && all.is_empty() {
            continue;
        }
        let (lo, hi) = (i as f64 * st.interval, ((i + 1) as f64 * st.interval));
        let hi = hi.min(st.seconds);
        let mem = |f: fn(&Sample) -> f64| {
            median(
                samples
                    .iter()
                    .filter(|s| s.at >= lo && s.at < hi)
                    .map(f)
                    .collect(),
            )
            .map_or("-".into(), |m| format!("{m:.1}"))
        };
        let warm = if hi <= st.warmup { " (warm-up)" } else { "" };
        let label = if i >= shown {
            format!("{lo:.0}+ (ops that ended after the run)")
        } else {
            format!("{lo:.0}–{hi:.0}{warm}")
        };
        let n = all.len();
        let p = pcts(&mut all);
        let rate = if i >= shown {
            "-".to_string()
        } else {
            format!("{:.0}", n as f64 / (hi - lo).max(1e-9))
        };
        let _ = writeln!(
            md,
            "| {label} | {n} | {rate} | {} | {} | {} | {} | {} | {} | {} |",
            p.map_or("-".into(), |p| format!("{:.2}", p.0)),
            p.map_or("-".into(), |p| format!("{:.2}", p.1)),
            stats.errs[i].0,
            stats.errs[i].1,
            mem(mib_rss),
            mem(mib_used),
            mem(|s| s.keys as f64).trim_end_matches(".0")
        );
    }
    let _ = writeln!(md, "\np50 / p99 ms per op kind (one op is one pipelined batch; see `tools/bench/src/soak.rs`):\n");
    let names: Vec<&str> = KINDS.iter().map(|k| k.0).collect();
    let _ = writeln!(md, "| interval (s) | {} |", names.join(" | "));
    let _ = writeln!(md, "|---|{}", "---:|".repeat(KINDS.len()));
    for (i, row) in stats.lat.iter().enumerate().take(shown) {
        let hi = ((i + 1) as f64 * st.interval).min(st.seconds);
        let cells: Vec<String> = row.iter().map(|v| cell(pcts(&mut v.clone()))).collect();
        let _ = writeln!(
            md,
            "| {:.0}–{hi:.0} | {} |",
            i as f64 * st.interval,
            cells.join(" | ")
        );
    }
    let _ = writeln!(
        md,
        "\nAfter the warm-up, whole run:\n\n| kind | ops | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|"
    );
    let first_after = (st.warmup / st.interval).ceil() as usize;
    for (k, name) in names.iter().enumerate() {
        let mut v: Vec<u32> = stats.lat[first_after.min(stats.lat.len())..]
            .iter()
            .flat_map(|row| row[k].iter().copied())
            .collect();
        let n = v.len();
        if let Some((a, b, c)) = pcts(&mut v) {
            let _ = writeln!(md, "| {name} | {n} | {a:.2} | {b:.2} | {c:.1} |");
        }
    }
    let expected: u64 = stats.errs.iter().map(|e| e.0).sum();
    let rss = growth(st, samples, mib_rss);
    let used = growth(st, samples, mib_used);
    let _ = writeln!(md);
    for (what, g) in [("RSS", &rss), ("used_memory", &used)] {
        match g {
            Some(g) => {
                let _ = writeln!(
                    md,
                    "{what}: {:.1} MiB after the warm-up (median of {}–{} s), {:.1} MiB at the end \
                     (median of the last {} s): {:+.2}%; slope after the warm-up {:+.2} MiB/min.",
                    g.base,
                    st.warmup,
                    st.warmup + st.interval,
                    g.end,
                    st.interval,
                    g.pct,
                    g.slope
                );
            }
            None => {
                let _ = writeln!(md, "{what}: too few samples.");
            }
        }
    }
    let _ = writeln!(
        md,
        "Keys expired by Redis during the run: {expired_keys}. Expected errors (`{EXPECTED}` \
         on AI.TENSORGET of a key set with a 1–200 ms TTL): {expected}. Unexpected errors: {unexpected}."
    );
    let mut fails = Vec::new();
    if unexpected > 0 {
        fails.push(format!("{unexpected} unexpected error(s)"));
    }
    match &rss {
        Some(g) if g.pct >= st.max_rss_growth => fails.push(format!(
            "RSS grew {:.2}% (limit {}%)",
            g.pct, st.max_rss_growth
        )),
        Some(_) => {}
        None => fails.push("too few RSS samples".into()),
    }
    let expiring = st.only.is_empty() || st.only.iter().any(|o| o == "expire");
    if expiring && expired_keys == 0 {
        fails.push("no key expired: the expiry load did not run".into());
    }
    let verdict = if fails.is_empty() {
        "PASS".to_string()
    } else {
        format!("FAIL: {}", fails.join("; "))
    };
    let _ = writeln!(md, "\nVerdict: {verdict}.");
    println!("\n{md}");
    if !first_errors.is_empty() {
        println!("First unexpected errors:");
        for e in first_errors {
            println!("  {e}");
        }
    }
    if let Some(path) = &st.markdown {
        std::fs::write(path, &md).map_err(|e| format!("{path}: {e}"))?;
        println!("(tables written to {path})");
    }
    Ok(fails.is_empty())
}
