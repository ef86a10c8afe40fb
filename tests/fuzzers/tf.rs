//! The TF and TFLITE generators (tests/fuzz_all.rs): AI.MODELSTORE/MODELSET
//! with INPUTS/OUTPUTS name lists (`x:1`, `x:-1`, `x:99999999999`, empty
//! names, `:`, NUL, names thousands of bytes long, counts that lie),
//! BATCHSIZE/MINBATCHSIZE/MINBATCHTIMEOUT at integer boundaries, real,
//! truncated, corrupted and chunked blobs of small fixtures
//! (tests/fixtures/models), and runs of the stored graphs with inputs of the
//! wrong dtype, rank and count.
//!
//! Models stored with batching options live at `tb0`/`tb1` and run only
//! with a TIMEOUT: a batch below MINBATCHSIZE waits for company forever, by
//! design.

use crate::common::fuzzgen::{hostile, number, Cmd};
use crate::common::{fixture, Conn, Reply, Rng};

/// Fixture blobs: TF graphs, TFLite models, junk.
pub const FILES: &[&str] = &[
    "tf-graph.pb",
    "tf-two.pb",
    "tflite-graph.tflite",
    "tflite-two.tflite",
    "junk.bin",
];

/// Node names, good and hostile, with and without `:index`.
const NAMES: &[&str] = &[
    "a",
    "b",
    "mul",
    "sum",
    "diff",
    "a:0",
    "b:0",
    "mul:0",
    "sum:0",
    "diff:1",
    "x:1",
    "x:-1",
    "x:99999999999",
    "a:1",
    "a:-1",
    "a:99999999999",
    "mul:2147483648",
    "mul:18446744073709551616",
    "a:0x1",
    "a:+1",
    "a: 1",
    "a:0:0",
    "a:",
    ":",
    ":0",
    "",
    "\u{0}",
    "a\u{0}b",
    "é:1",
    "^a",
    "zz",
];

const KEYS: &[&str] = &["tf", "tf2", "tl", "tl2", "tx"];
const TENSORS: &[&str] = &["ta", "tb", "tc", "ts", "t3", "none", "tf"];

fn s(words: &[&str]) -> Cmd {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

fn name(r: &mut Rng) -> Vec<u8> {
    match r.below(20) {
        0 => hostile(r),
        1 => {
            let n = [255usize, 256, 4_096, 70_000][r.below(4) as usize];
            if r.below(2) == 0 {
                format!("x:{}", "9".repeat(n)).into_bytes()
            } else {
                "n".repeat(n).into_bytes()
            }
        }
        _ => r.pick(NAMES).into(),
    }
}

/// `INPUTS n names…` or `OUTPUTS n names…`, the count sometimes lying.
fn names(r: &mut Rng, a: &mut Cmd, kw: &str) {
    let n = match r.below(8) {
        0 => 0,
        1 => 3 + r.below(3) as usize,
        _ => 1 + r.below(2) as usize,
    };
    a.push(kw.into());
    a.push(match r.below(6) {
        0 => hostile(r),
        1 => number(r, &["0", "1", "2", "3"], 2),
        _ => n.to_string().into_bytes(),
    });
    for _ in 0..n {
        a.push(name(r));
    }
}

/// A TF or TFLITE MODELSTORE/MODELSET.
pub fn store(r: &mut Rng, blobs: &[Vec<u8>]) -> Cmd {
    let which = r.below(blobs.len() as u64) as usize;
    let tflite = FILES[which].ends_with(".tflite");
    let backend = match r.below(10) {
        0 => r.pick(&["tf", "tflite", "TF", "TFLITE"]),
        _ if tflite => "TFLITE",
        _ => "TF",
    };
    let batching = r.below(4) == 0;
    let key = if batching {
        r.pick(&["tb0", "tb1"])
    } else {
        r.pick(&["tx", "tx", "tf2", "tl2"])
    };
    let cmd = if r.below(5) == 0 {
        "AI.MODELSET"
    } else {
        "AI.MODELSTORE"
    };
    let mut a = s(&[cmd, key, backend]);
    a.push(if r.below(6) == 0 {
        r.pick(&["GPU", "CPU:1", "CPU:-1", "cpu", "", "CPU:99999999999"])
            .into()
    } else {
        b"CPU".to_vec()
    });
    if r.below(4) == 0 {
        a.push(b"TAG".to_vec());
        a.push(number(r, &["v1", ""], 4));
    }
    if batching {
        a.push(b"BATCHSIZE".to_vec());
        a.push(number(r, &["0", "2", "4"], 2));
        if r.below(2) == 0 {
            a.push(b"MINBATCHSIZE".to_vec());
            a.push(number(r, &["0", "1", "2", "5"], 2));
        }
        if r.below(3) == 0 {
            a.push(b"MINBATCHTIMEOUT".to_vec());
            a.push(number(r, &["0", "10", "100"], 2));
        }
    }
    if cmd == "AI.MODELSET" {
        // The legacy form: bare names, no counts.
        if r.below(4) != 0 {
            for kw in ["INPUTS", "OUTPUTS"] {
                a.push(kw.into());
                for _ in 0..r.below(3) {
                    a.push(name(r));
                }
            }
        }
    } else if tflite {
        // TFLITE takes no names: a quarter of its stores try them.
        if r.below(4) == 0 {
            names(r, &mut a, "INPUTS");
            names(r, &mut a, "OUTPUTS");
        }
    } else if r.below(8) != 0 {
        names(r, &mut a, "INPUTS");
        if r.below(8) != 0 {
            names(r, &mut a, "OUTPUTS");
        }
    }
    a.push(b"BLOB".to_vec());
    let mut blob = blobs[which].clone();
    match r.below(8) {
        0 if !blob.is_empty() => {
            for _ in 0..1 + r.below(8) {
                let i = r.below(blob.len() as u64) as usize;
                blob[i] = r.below(256) as u8;
            }
        }
        1 => {
            let keep = r.below(blob.len() as u64 + 1) as usize;
            blob.truncate(keep);
        }
        _ => {}
    }
    let chunk = match r.below(6) {
        0 => 1 + r.below(64) as usize,
        1 => 1 + r.below(blob.len() as u64 + 1) as usize,
        _ => blob.len().max(1),
    };
    if blob.is_empty() {
        a.push(Vec::new());
    } else {
        a.extend(blob.chunks(chunk).map(<[u8]>::to_vec));
    }
    if r.below(10) == 0 {
        let i = 1 + r.below(a.len() as u64 - 1) as usize;
        a[i] = hostile(r);
    }
    a
}

/// A run of a stored graph: mostly well formed, the inputs and counts
/// sometimes wrong. Batched models always get a TIMEOUT.
pub fn execute(r: &mut Rng) -> Cmd {
    let batched = r.below(6) == 0;
    let key = if batched {
        r.pick(&["tb0", "tb1"])
    } else {
        r.pick(KEYS)
    };
    let two_out = key == "tf2" || key == "tl2";
    let inputs: Vec<&str> = match r.below(4) {
        0 => (0..r.below(4)).map(|_| r.pick(TENSORS)).collect(),
        _ => vec!["ta", "tb"],
    };
    let outputs: Vec<&str> = match (r.below(5), two_out) {
        (0, _) => (0..r.below(4))
            .map(|_| r.pick(&["out", "o2", "ta"]))
            .collect(),
        (_, true) => vec!["out", "o2"],
        _ => vec!["out"],
    };
    if r.below(5) == 0 && !batched {
        // The legacy AI.MODELRUN.
        let mut a = s(&["AI.MODELRUN", key, "INPUTS"]);
        a.extend(s(&inputs));
        a.push(b"OUTPUTS".to_vec());
        a.extend(s(&outputs));
        return a;
    }
    let mut a = s(&["AI.MODELEXECUTE", key, "INPUTS"]);
    a.push(number(r, &[inputs.len().to_string().as_str()], 8));
    a.extend(s(&inputs));
    a.push(b"OUTPUTS".to_vec());
    a.push(number(r, &[outputs.len().to_string().as_str()], 8));
    a.extend(s(&outputs));
    if batched {
        a.extend(s(&["TIMEOUT", r.pick(&["20", "100"])]));
    } else if r.below(4) == 0 {
        a.push(b"TIMEOUT".to_vec());
        a.push(number(r, &["1", "1000"], 4));
    }
    a
}

/// A DAG with TF ops among tensor ops (never a batched model: no TIMEOUT
/// reaches a DAG's ops).
pub fn dag(r: &mut Rng) -> Cmd {
    let mut a = s(&["AI.DAGEXECUTE", "LOAD", "2", "ta", "tb"]);
    if r.below(3) == 0 {
        a.extend(s(&["PERSIST", "1", "out"]));
    }
    for _ in 0..1 + r.below(3) {
        a.push(b"|>".to_vec());
        match r.below(3) {
            0 => a.extend(s(&["AI.TENSORGET", "out", "VALUES"])),
            _ => {
                let key = r.pick(&["tf", "tl", "tx", "tf2"]);
                a.extend(s(&["AI.MODELEXECUTE", key, "INPUTS", "2", "ta", "tb"]));
                if key == "tf2" {
                    a.extend(s(&["OUTPUTS", "2", "out", "o2"]));
                } else {
                    a.extend(s(&["OUTPUTS", "1", "out"]));
                }
            }
        }
    }
    a
}

pub fn misc(r: &mut Rng) -> Cmd {
    let key = r.pick(&["tf", "tf2", "tl", "tb0", "tx", "none"]);
    match r.below(5) {
        0 => s(&["AI.MODELGET", key, r.pick(&["META", "BLOB"])]),
        1 => s(&["AI.INFO", key]),
        2 => s(&["AI.INFO", key, "RESETSTAT"]),
        3 => s(&["AI.MODELDEL", r.pick(&["tx", "tb1", "none"])]),
        _ => s(&["AI._MODELSCAN"]),
    }
}

pub fn blobs() -> Vec<Vec<u8>> {
    FILES.iter().map(|f| fixture(f)).collect()
}

/// The stored graphs and their inputs (`tf`, `tflite`: what the build has).
pub fn fixtures(tf: bool, tflite: bool) -> Vec<Cmd> {
    let mut v = vec![
        s(&["AI.TENSORSET", "ta", "FLOAT", "1", "2", "VALUES", "1", "2"]),
        s(&["AI.TENSORSET", "tb", "FLOAT", "1", "2", "VALUES", "3", "-4"]),
        s(&["AI.TENSORSET", "tc", "INT64", "1", "2", "VALUES", "1", "2"]),
        s(&["AI.TENSORSET", "ts", "STRING", "1", "VALUES", "x"]),
        s(&[
            "AI.TENSORSET",
            "t3",
            "FLOAT",
            "2",
            "1",
            "2",
            "VALUES",
            "1",
            "2",
            "3",
            "4",
        ]),
    ];
    let blobs = blobs();
    let mut store = |key: &str, backend: &str, blob: &[u8], extra: &[&str]| {
        let mut a = s(&["AI.MODELSTORE", key, backend, "CPU"]);
        a.extend(s(extra));
        a.push(b"BLOB".to_vec());
        a.push(blob.to_vec());
        v.push(a);
    };
    if tf {
        let io = ["INPUTS", "2", "a", "b", "OUTPUTS"];
        store("tf", "TF", &blobs[0], &[&io[..], &["1", "mul"]].concat());
        store(
            "tf2",
            "TF",
            &blobs[1],
            &[&io[..], &["2", "sum", "diff:0"]].concat(),
        );
        let batch = ["BATCHSIZE", "4", "MINBATCHSIZE", "2"];
        store(
            "tb0",
            "TF",
            &blobs[0],
            &[&batch[..], &io[..], &["1", "mul:0"]].concat(),
        );
    }
    if tflite {
        store("tl", "TFLITE", &blobs[2], &[]);
        store("tl2", "TFLITE", &blobs[3], &[]);
    }
    v
}

pub fn setup(c: &mut Conn, tf: bool, tflite: bool) {
    for f in fixtures(tf, tflite) {
        let r = c.cmd(&f).expect("reply");
        assert!(r.is_ok(), "{}: {r:?}", String::from_utf8_lossy(&f[1]));
    }
}

pub fn check(cmd: &[Vec<u8>], reply: &Reply) -> Result<(), String> {
    let name = cmd[0].to_ascii_uppercase();
    let ok = match (name.as_slice(), reply) {
        (_, Reply::Error(_)) => true,
        (b"AI.MODELSTORE" | b"AI.MODELSET" | b"AI.MODELDEL" | b"AI.TENSORSET", r) => r.is_ok(),
        (b"AI.MODELEXECUTE" | b"AI.MODELRUN", Reply::Status(s)) => s == "OK" || s == "TIMEDOUT",
        (b"AI.MODELGET", Reply::Array(_) | Reply::Bulk(_)) => true,
        (b"AI.INFO", Reply::Array(_)) => true,
        (b"AI.INFO", Reply::Status(s)) => s == "OK",
        (b"AI._MODELSCAN", Reply::Array(_)) => true,
        (b"AI.DAGEXECUTE", Reply::Array(_)) => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected reply {reply:?}"))
    }
}
