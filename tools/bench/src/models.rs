//! Model scenarios (P1–P3) and the in-process baseline for P1.

use std::time::{Duration, Instant};

use crate::resp::Conn;
use crate::{cmd, floats, key, Op, Scenario};

fn exec(model: &[u8], ins: &[&[u8]], out: &[u8]) -> Vec<Vec<u8>> {
    let mut c = cmd(&[b"AI.MODELEXECUTE", model, b"INPUTS"]);
    c.push(ins.len().to_string().into_bytes());
    c.extend(ins.iter().map(|i| i.to_vec()));
    c.extend(cmd(&[b"OUTPUTS", b"1", out]));
    c
}

/// TENSORSET [1,30] + TENSORSET [1,256] + MODELEXECUTE + TENSORGET.
fn fraud(model: &'static [u8], conn: usize) -> Op {
    let (t, r, o) = (key("ft", conn), key("fr", conn), key("fo", conn));
    vec![
        cmd(&[
            b"AI.TENSORSET",
            &t,
            b"FLOAT",
            b"1",
            b"30",
            b"BLOB",
            &floats(30),
        ]),
        cmd(&[
            b"AI.TENSORSET",
            &r,
            b"FLOAT",
            b"1",
            b"256",
            b"BLOB",
            &floats(256),
        ]),
        exec(model, &[&t, &r], &o),
        cmd(&[b"AI.TENSORGET", &o, b"BLOB"]),
    ]
}

fn mlp(model: &'static [u8], conn: usize) -> Op {
    let (x, y) = (key("mx", conn), key("my", conn));
    vec![
        cmd(&[
            b"AI.TENSORSET",
            &x,
            b"FLOAT",
            b"1",
            b"1024",
            b"BLOB",
            &floats(1024),
        ]),
        exec(model, &[&x], &y),
    ]
}

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "p1_ping3",
        what: "PING x3 pipelined, 1 connection (P1 baseline)",
        make: |_| vec![cmd(&[b"PING"]), cmd(&[b"PING"]), cmd(&[b"PING"])],
        conns: Some(1),
        pipeline: Some(1),
    },
    Scenario {
        name: "p1_torch_execute",
        what: "TENSORSET x2 + MODELEXECUTE + TENSORGET, fraud MLP (TORCH), 1 connection (P1)",
        make: |c| fraud(b"pt_fraud", c),
        conns: Some(1),
        pipeline: Some(1),
    },
    Scenario {
        name: "p2_torch",
        what: "TENSORSET x2 + MODELEXECUTE + TENSORGET, fraud MLP (TORCH) (P2)",
        make: |c| fraud(b"pt_fraud", c),
        conns: None,
        pipeline: Some(1),
    },
    Scenario {
        name: "p2_onnx",
        what: "TENSORSET x2 + MODELEXECUTE + TENSORGET, fraud MLP (ONNX) (P2)",
        make: |c| fraud(b"ox_fraud", c),
        conns: None,
        pipeline: Some(1),
    },
    Scenario {
        name: "p1_onnx_execute",
        what: "TENSORSET x2 + MODELEXECUTE + TENSORGET, fraud MLP (ONNX), 1 connection",
        make: |c| fraud(b"ox_fraud", c),
        conns: Some(1),
        pipeline: Some(1),
    },
    Scenario {
        name: "p1_tf_execute",
        what: "TENSORSET x2 + MODELEXECUTE + TENSORGET, fraud MLP (TF), 1 connection",
        make: |c| fraud(b"tf_fraud", c),
        conns: Some(1),
        pipeline: Some(1),
    },
    Scenario {
        name: "p1_tflite_execute",
        what: "TENSORSET x2 + MODELEXECUTE + TENSORGET, fraud MLP (TFLITE), 1 connection",
        make: |c| fraud(b"tfl_fraud", c),
        conns: Some(1),
        pipeline: Some(1),
    },
    Scenario {
        name: "p2_tf",
        what: "TENSORSET x2 + MODELEXECUTE + TENSORGET, fraud MLP (TF)",
        make: |c| fraud(b"tf_fraud", c),
        conns: None,
        pipeline: Some(1),
    },
    Scenario {
        name: "p2_tflite",
        what: "TENSORSET x2 + MODELEXECUTE + TENSORGET, fraud MLP (TFLITE)",
        make: |c| fraud(b"tfl_fraud", c),
        conns: None,
        pipeline: Some(1),
    },
    Scenario {
        name: "mlp_batch0",
        what: "TENSORSET + MODELEXECUTE, 4x1024 MLP (TORCH), BATCHSIZE 0, 32 connections (P3)",
        make: |c| mlp(b"mlp_b0", c),
        conns: Some(32),
        pipeline: Some(1),
    },
    Scenario {
        name: "mlp_batch32",
        what: "TENSORSET + MODELEXECUTE, 4x1024 MLP (TORCH), BATCHSIZE 32, 32 connections (P3)",
        make: |c| mlp(b"mlp_b32", c),
        conns: Some(32),
        pipeline: Some(1),
    },
];

/// Stores the models the chosen scenarios use.
pub fn setup(port: u16, fixtures: &str, chosen: &[&Scenario]) -> Result<(), String> {
    let wants = |prefix: &str| chosen.iter().any(|s| s.name.starts_with(prefix));
    let mut c = Conn::connect(port, Duration::from_secs(30)).map_err(|e| e.to_string())?;
    let mut store = |key: &str, backend: &str, file: &str, extra: &[&str]| -> Result<(), String> {
        let blob =
            std::fs::read(format!("{fixtures}/{file}")).map_err(|e| format!("{file}: {e}"))?;
        let mut a: Vec<Vec<u8>> = [
            &["AI.MODELSTORE", key, backend, "CPU"][..],
            extra,
            &["BLOB"],
        ]
        .concat()
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        a.push(blob);
        let r = c.cmd(&a).map_err(|e| e.to_string())?;
        if r.is_error() {
            return Err(format!("{key}: {r:?}"));
        }
        Ok(())
    };
    if wants("p1") || wants("p2") {
        store("pt_fraud", "TORCH", "pt-fraud.pt", &[])?;
        store("ox_fraud", "ONNX", "onnx-fraud.onnx", &[])?;
    }
    if wants("p1_tf") || wants("p2_tf") {
        let io = [
            "INPUTS",
            "2",
            "transaction",
            "reference",
            "OUTPUTS",
            "1",
            "output",
        ];
        store("tf_fraud", "TF", "tf-fraud.pb", &io)?;
        store("tfl_fraud", "TFLITE", "tflite-fraud.tflite", &[])?;
    }
    if wants("mlp") {
        store("mlp_b0", "TORCH", "pt-mlp1024.pt", &[])?;
        store("mlp_b32", "TORCH", "pt-mlp1024.pt", &["BATCHSIZE", "32"])?;
    }
    Ok(())
}

/// Builds the fraud MLP's inputs, runs forward and copies the output out,
/// as the module does for one request; returns the microseconds it took.
fn one_forward(module: &tch::CModule, t: &[u8], r: &[u8]) -> Result<f64, String> {
    let start = Instant::now();
    let a =
        tch::Tensor::f_from_data_size(t, &[1, 30], tch::Kind::Float).map_err(|e| e.to_string())?;
    let b =
        tch::Tensor::f_from_data_size(r, &[1, 256], tch::Kind::Float).map_err(|e| e.to_string())?;
    let out = module.forward_ts(&[a, b]).map_err(|e| e.to_string())?;
    let out = out.f_contiguous().map_err(|e| e.to_string())?;
    let mut bytes = vec![0u8; out.numel() * 4];
    out.f_copy_data_u8(&mut bytes, out.numel())
        .map_err(|e| e.to_string())?;
    Ok(start.elapsed().as_secs_f64() * 1e6)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// p50 of the fraud MLP's forward called in this process through tch: in a
/// tight loop (hot caches; P1's baseline), and with 8 MiB of other memory
/// touched between calls (cold caches, as between requests in a server).
pub fn inprocess_forward_p50_us(fixtures: &str) -> Result<(f64, f64), String> {
    let blob = std::fs::read(format!("{fixtures}/pt-fraud.pt")).map_err(|e| e.to_string())?;
    let module = tch::CModule::load_data(&mut &blob[..]).map_err(|e| e.to_string())?;
    let (t, r) = (floats(30), floats(256));
    let _g = tch::no_grad_guard();
    let mut hot = Vec::with_capacity(5000);
    for i in 0..5500 {
        let us = one_forward(&module, &t, &r)?;
        if i >= 500 {
            hot.push(us);
        }
    }
    let mut junk = vec![0u8; 8 << 20];
    let mut cold = Vec::with_capacity(2000);
    for i in 0..2000u32 {
        for j in (0..junk.len()).step_by(64) {
            junk[j] = junk[j].wrapping_add(i as u8);
        }
        cold.push(one_forward(&module, &t, &r)?);
    }
    std::hint::black_box(&junk);
    Ok((median(hot), median(cold)))
}

/// The `--only` names of the store-stall scenarios.
pub const STALL_SCENARIOS: &[&str] = &["store_stall_onnx", "store_stall_torch"];

/// Elements of the big model's weight: 13,107,200 floats, 50 MiB.
const STALL_ELEMENTS: usize = 50 << 18;

/// A ~50 MiB TorchScript module, `forward(x) = x + w` with `w` a traced
/// constant of [`STALL_ELEMENTS`] floats, made in this process with tch.
fn big_torch_model() -> Result<Vec<u8>, String> {
    let err = |e: tch::TchError| e.to_string();
    let opts = (tch::Kind::Float, tch::Device::Cpu);
    let n = STALL_ELEMENTS as i64;
    let w = tch::Tensor::f_arange(n, opts).map_err(err)?;
    let x = tch::Tensor::f_zeros([n], opts).map_err(err)?;
    let module = tch::CModule::create_by_tracing("Big", "forward", &[x], &mut |xs| {
        xs.iter().map(|x| x + &w).collect()
    })
    .map_err(err)?;
    let path = std::env::temp_dir().join(format!("redisai-bench-big-{}.pt", std::process::id()));
    module.save(&path).map_err(err)?;
    let bytes = std::fs::read(&path).map_err(|e| e.to_string());
    let _ = std::fs::remove_file(&path);
    bytes
}

/// What one store saw: its duration and the latencies of the PINGs sent
/// while it was in flight.
struct StallRound {
    store_ms: f64,
    pings_us: Vec<u64>,
}

/// Stores `blob` at `key` from one connection while another sends PING
/// every millisecond.
fn stall_round(port: u16, key: &str, backend: &str, blob: &[u8]) -> Result<StallRound, String> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let connect = || Conn::connect(port, Duration::from_secs(120)).map_err(|e| e.to_string());
    let mut store = connect()?;
    let mut pinger = connect()?;
    let stop = AtomicBool::new(false);
    let origin = Instant::now();
    let (pings, store_window) = std::thread::scope(|scope| {
        let pings = scope.spawn(|| {
            let mut seen = Vec::new(); // (sent at µs since origin, latency µs)
            let mut next = Instant::now();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                if pinger.cmd(&["PING"]).is_err() {
                    break;
                }
                seen.push((
                    t.duration_since(origin).as_micros() as u64,
                    t.elapsed().as_micros() as u64,
                ));
                next += Duration::from_millis(1);
                if let Some(wait) = next.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                } else {
                    next = Instant::now();
                }
            }
            seen
        });
        std::thread::sleep(Duration::from_millis(100));
        let mut a: Vec<Vec<u8>> = ["AI.MODELSTORE", key, backend, "CPU", "BLOB"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
        a.push(blob.to_vec());
        let start = origin.elapsed().as_micros() as u64;
        let reply = store.cmd(&a);
        let end = origin.elapsed().as_micros() as u64;
        std::thread::sleep(Duration::from_millis(100));
        stop.store(true, Ordering::Relaxed);
        let pings = pings.join().unwrap_or_default();
        (pings, reply.map(|r| (r, start, end)))
    });
    let (reply, start, end) = store_window.map_err(|e| e.to_string())?;
    if reply.is_error() {
        return Err(format!("{key}: {reply:?}"));
    }
    // A PING is in the window if it was in flight at any time while the
    // store was.
    let pings_us = pings
        .iter()
        .filter(|(sent, lat)| sent + lat >= start && *sent <= end)
        .map(|&(_, lat)| lat)
        .collect();
    let _ = store.cmd(&["DEL", key]);
    Ok(StallRound {
        store_ms: (end - start) as f64 / 1000.0,
        pings_us,
    })
}

/// `--only store_stall_onnx,store_stall_torch`: the longest time Redis
/// leaves a client waiting while AI.MODELSTORE compiles a ~50 MiB model.
/// One connection stores the model (one BLOB chunk); another sends PING
/// every millisecond and records each reply's latency. Reports, per
/// backend, the median over `rounds` of each round's store time and of
/// the p50, p99 and max PING latency during the store, and the worst max.
pub fn store_stall(port: u16, which: &[&str], rounds: usize) -> Result<(), String> {
    println!("| scenario | model MiB | store ms | PINGs in window | PING p50 µs | PING p99 µs | PING max µs | worst max µs |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for &name in which {
        let (backend, blob) = match name {
            "store_stall_onnx" => ("ONNX", crate::big_onnx::gather_model(STALL_ELEMENTS)),
            "store_stall_torch" => ("TORCH", big_torch_model()?),
            other => return Err(format!("unknown stall scenario {other}")),
        };
        let mut stats = Vec::new();
        for r in 0..rounds {
            let round = stall_round(port, &format!("stall:{r}"), backend, &blob)?;
            let mut p = round.pings_us;
            p.sort_unstable();
            let at = |q: f64| {
                p.get(((p.len() as f64 * q) as usize).min(p.len().saturating_sub(1)))
                    .copied()
                    .unwrap_or(0)
            };
            stats.push((round.store_ms, p.len(), at(0.5), at(0.99), at(1.0)));
        }
        let median = |f: fn(&(f64, usize, u64, u64, u64)) -> f64| {
            let mut v: Vec<f64> = stats.iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        println!(
            "| {name} | {:.1} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {} |",
            blob.len() as f64 / (1 << 20) as f64,
            median(|s| s.0),
            median(|s| s.1 as f64),
            median(|s| s.2 as f64),
            median(|s| s.3 as f64),
            median(|s| s.4 as f64),
            stats.iter().map(|s| s.4).max().unwrap_or(0),
        );
    }
    Ok(())
}
