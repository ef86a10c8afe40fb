//! The model generators (tests/model_fuzz.rs, tests/fuzz_all.rs): random,
//! mutated and hostile AI.MODELSTORE/MODELSET (batching options and devices
//! at integer boundaries, chunked blobs, real, truncated, corrupted and
//! junk blobs for all four backends), MODELGET/DEL/EXECUTE/RUN with hostile
//! counts and TIMEOUTs, AI.INFO, AI._MODELSCAN, DAGs of model ops,
//! AI.CONFIG MODEL_CHUNK_SIZE, and RESTORE of mutated AI__MODEL payloads.
//! TF and TFLITE argument lists are in `tf`.

use crate::common::fuzzgen::{self, hostile, number, Cmd};
use crate::common::{fixture, Conn, Reply, Rng};

pub const WORDS: &[&str] = &[
    "INPUTS",
    "OUTPUTS",
    "TIMEOUT",
    "BLOB",
    "TAG",
    "BATCHSIZE",
    "MINBATCHSIZE",
    "MINBATCHTIMEOUT",
    "META",
    "RESETSTAT",
    "LOAD",
    "PERSIST",
    "ROUTING",
    "|>",
    "AI.TENSORSET",
    "AI.TENSORGET",
    "AI.MODELEXECUTE",
    "AI.MODELRUN",
    "AI.SCRIPTEXECUTE",
    "FLOAT",
    "INT64",
    "STRING",
    "VALUES",
    "0",
    "1",
    "2",
    "3",
    "-1",
    "100",
    "x",
    "m",
    "t0",
    "t1",
    "out",
    "TORCH",
    "ONNX",
    "TF",
    "CPU",
    "GPU",
    "CPU:1",
    "",
];
pub const COMMANDS: &[&str] = &[
    "AI.MODELSTORE",
    "AI.MODELSET",
    "AI.MODELGET",
    "AI.MODELDEL",
    "AI.MODELEXECUTE",
    "AI.MODELRUN",
    "AI.INFO",
    "AI.DAGEXECUTE",
    "AI.DAGEXECUTE_RO",
    "AI.DAGRUN",
    "AI.DAGRUN_RO",
];
pub const MODELS: &[&str] = &[
    "pt-minimal.pt",
    "pt-tuple.pt",
    "onnx-linear.onnx",
    "onnx-square.onnx",
    "junk.bin",
    "tf-graph.pb",
    "tf-two.pb",
    "tflite-graph.tflite",
    "tflite-mnist-quant.tflite",
];
pub const DEVICES: &[&str] = &[
    "CPU",
    "cpu",
    "CPU:0",
    "CPU:1",
    "GPU",
    "GPU:0",
    "CPU:",
    "CPU:-1",
    "CPU:2147483648",
    "CPU:99999",
    "GPU:4294967296",
    "CPU:0x1",
    "CPU:01",
    "TPU",
    "",
];

pub fn s(words: &[&str]) -> Cmd {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

/// A well-formed execution or DAG, so that the fuzz also reaches the runs.
pub fn valid(r: &mut Rng) -> Cmd {
    match r.below(5) {
        0 => s(&[
            "AI.MODELEXECUTE",
            "pt",
            "INPUTS",
            "2",
            "t0",
            "t1",
            "OUTPUTS",
            "1",
            "out",
        ]),
        1 => {
            let mut a = s(&[
                "AI.MODELEXECUTE",
                "ox",
                "INPUTS",
                "1",
                "t0",
                "OUTPUTS",
                "1",
                "out",
                "TIMEOUT",
            ]);
            a.push(number(r, &["50", "1000"], 3));
            a
        }
        2 => s(&[
            "AI.DAGEXECUTE",
            "LOAD",
            "1",
            "t0",
            "PERSIST",
            "1",
            "out",
            "|>",
            "AI.MODELEXECUTE",
            "pt",
            "INPUTS",
            "2",
            "t0",
            "t0",
            "OUTPUTS",
            "1",
            "out",
            "|>",
            "AI.TENSORGET",
            "out",
            "META",
        ]),
        3 => s(&[
            "AI.DAGRUN",
            "|>",
            "AI.TENSORSET",
            "a",
            "FLOAT",
            "2",
            "VALUES",
            "1",
            "2",
            "|>",
            "AI.MODELRUN",
            "pt",
            "INPUTS",
            "a",
            "a",
            "OUTPUTS",
            "b",
            "|>",
            "AI.TENSORGET",
            "b",
            "VALUES",
        ]),
        // Batched models run only with a TIMEOUT: a batch below
        // MINBATCHSIZE may wait for company forever, by design.
        _ => {
            let mut a = s(&["AI.MODELEXECUTE"]);
            a.push(r.pick(&["b0", "b1"]).into());
            a.extend(s(&[
                "INPUTS", "2", "t0", "t1", "OUTPUTS", "1", "out", "TIMEOUT", "20",
            ]));
            a
        }
    }
}

pub fn random(r: &mut Rng, blobs: &[Vec<u8>]) -> Cmd {
    let mut a: Cmd = vec![r.pick(COMMANDS).as_bytes().to_vec()];
    for _ in 0..r.below(14) {
        match r.below(14) {
            0 => {
                let b = &blobs[r.below(blobs.len() as u64) as usize];
                let cut = if r.below(3) == 0 {
                    r.below(b.len() as u64 + 1) as usize
                } else {
                    b.len()
                };
                a.push(b[..cut].to_vec());
            }
            1 => a.push(hostile(r)),
            _ => a.push(r.pick(WORDS).as_bytes().to_vec()),
        }
    }
    a
}

/// A structured MODELSTORE/MODELSET with hostile options and chunked blobs.
/// Stores with batching options go to `b0`/`b1`, executed only with a
/// TIMEOUT (see `valid`).
pub fn store(r: &mut Rng, blobs: &[Vec<u8>]) -> Cmd {
    let which = r.below(blobs.len() as u64) as usize;
    let backend = match (MODELS[which], r.below(6)) {
        (_, 0) => r.pick(&["TF", "TFLITE", "torch", "onnx", "X"]),
        (m, _) if m.ends_with(".pt") => "TORCH",
        (m, _) if m.ends_with(".onnx") => "ONNX",
        (m, _) if m.ends_with(".pb") => "TF",
        (m, _) if m.ends_with(".tflite") => "TFLITE",
        _ => r.pick(&["TORCH", "ONNX"]),
    };
    let batching = r.below(3) == 0;
    let key = if batching {
        r.pick(&["b0", "b1"])
    } else {
        r.pick(&["m", "m2", "x"])
    };
    let cmd = if r.below(4) == 0 {
        "AI.MODELSET"
    } else {
        "AI.MODELSTORE"
    };
    let mut a = s(&[cmd, key, backend]);
    a.push(if r.below(4) == 0 {
        r.pick(DEVICES).into()
    } else {
        b"CPU".to_vec()
    });
    if r.below(3) == 0 {
        a.push(b"TAG".to_vec());
        a.push(if r.below(4) == 0 {
            {
                let n = r.below(300) as usize;
                r.bytes(n)
            }
        } else {
            b"v1".to_vec()
        });
    }
    if batching {
        a.push(b"BATCHSIZE".to_vec());
        a.push(number(r, &["0", "2", "4"], 2));
        if r.below(2) == 0 {
            a.push(b"MINBATCHSIZE".to_vec());
            a.push(number(r, &["0", "1", "2"], 2));
            if r.below(2) == 0 {
                a.push(b"MINBATCHTIMEOUT".to_vec());
                a.push(number(r, &["0", "5", "100"], 2));
            }
        }
    }
    if cmd == "AI.MODELSET" && r.below(3) == 0 {
        a.extend(s(&["INPUTS", "a", "b", "OUTPUTS", "c"]));
    }
    if backend == "TF" && r.below(8) != 0 {
        // TF's INPUTS/OUTPUTS: graph names, `name:index`, unknown and
        // hostile names, and counts that lie.
        for (kw, names) in [
            (
                "INPUTS",
                &["a", "b", "a:0", "b:1", "zz", "sum", "mul:-1"][..],
            ),
            (
                "OUTPUTS",
                &["mul", "sum", "diff", "mul:0", "diff:7", "a"][..],
            ),
        ] {
            a.push(kw.into());
            let n = if r.below(6) == 0 {
                3
            } else {
                1 + r.below(2) as usize
            };
            a.push(if r.below(5) == 0 {
                number(r, &["0", "1", "2", "3"], 2)
            } else {
                n.to_string().into_bytes()
            });
            for _ in 0..n {
                a.push(if r.below(10) == 0 {
                    hostile(r)
                } else {
                    r.pick(names).into()
                });
            }
        }
    }
    a.push(b"BLOB".to_vec());
    let mut blob = blobs[which].clone();
    // Corrupted models: a few bytes overwritten, for the backends' loaders
    // (TFLITE's run in a sandbox, since LiteRT trusts its flatbuffers).
    if r.below(4) == 0 && !blob.is_empty() {
        for _ in 0..1 + r.below(8) {
            let i = r.below(blob.len() as u64) as usize;
            blob[i] = r.below(256) as u8;
        }
    }
    let blob = &blob;
    // One chunk, a few, or one per byte (the concatenation is the model).
    let chunk = match r.below(6) {
        0 => 1,
        1 => 1 + r.below(64) as usize,
        2 => 1 + r.below(blob.len() as u64) as usize,
        _ => blob.len(),
    };
    a.extend(blob.chunks(chunk.max(1)).map(<[u8]>::to_vec));
    if r.below(8) == 0 {
        let i = 1 + r.below(a.len() as u64 - 1) as usize;
        a[i] = if r.below(2) == 0 {
            hostile(r)
        } else {
            {
                let n = r.below(8) as usize;
                r.bytes(n)
            }
        };
    }
    a
}

/// Executions and DAGs with hostile counts.
pub fn counts(r: &mut Rng) -> Cmd {
    let model = r.pick(&["pt", "ox", "none", "t0"]);
    match r.below(4) {
        0 => {
            let mut a = s(&["AI.MODELEXECUTE", model, "INPUTS"]);
            a.push(number(r, &["1", "2"], 2));
            a.extend(s(&["t0", "t1", "OUTPUTS"]));
            a.push(number(r, &["1", "2"], 2));
            a.push(b"out".to_vec());
            if r.below(2) == 0 {
                a.push(b"TIMEOUT".to_vec());
                a.push(hostile(r));
            }
            a
        }
        1 => {
            let mut a = s(&["AI.DAGEXECUTE"]);
            for kw in ["LOAD", "PERSIST"] {
                if r.below(2) == 0 {
                    a.push(kw.into());
                    a.push(number(r, &["1", "2"], 2));
                    a.extend(s(&["t0", "t1"]));
                }
            }
            if r.below(3) == 0 {
                a.push(b"TIMEOUT".to_vec());
                a.push(hostile(r));
            }
            a.extend(s(&["ROUTING", "t0"]));
            a.extend(s(&[
                "|>",
                "AI.MODELEXECUTE",
                model,
                "INPUTS",
                "2",
                "t0",
                "t0",
                "OUTPUTS",
                "1",
                "t1",
            ]));
            a
        }
        2 => {
            // Long chains of model ops: the op cap, and the runs.
            let n = [2usize, 50, 1_024, 1_025, 3_000][r.below(5) as usize];
            let mut a = s(&["AI.DAGEXECUTE", "LOAD", "1", "t0", "|>"]);
            let op = s(&[
                "AI.MODELEXECUTE",
                model,
                "INPUTS",
                "2",
                "t0",
                "t0",
                "OUTPUTS",
                "1",
                "t0",
                "|>",
            ]);
            for _ in 0..n {
                a.extend(op.iter().cloned());
            }
            a.pop();
            a
        }
        _ => {
            let mut a = s(&["AI.MODELRUN", model]);
            if r.below(2) == 0 {
                a.push(b"TIMEOUT".to_vec());
                a.push(hostile(r));
            }
            a.extend(s(&["INPUTS", "t0", "t1", "OUTPUTS", "out"]));
            a
        }
    }
}

pub fn misc(r: &mut Rng) -> Cmd {
    match r.below(6) {
        0 => {
            let mut a = s(&["AI.CONFIG", "MODEL_CHUNK_SIZE"]);
            a.push(number(r, &["1", "7", "4096", "536346624"], 3));
            a
        }
        1 => s(&["AI._MODELSCAN"]),
        2 => s(&[
            "AI.INFO",
            r.pick(&["pt", "ox", "m", "b0", "none"]),
            "RESETSTAT",
        ]),
        3 => s(&["AI.MODELGET", r.pick(&["pt", "ox", "m", "r", "b0"]), "BLOB"]),
        4 => s(&["AI.MODELGET", r.pick(&["pt", "ox", "m", "r", "x"]), "META"]),
        _ => s(&["AI.MODELDEL", r.pick(&["m", "m2", "x", "r", "none", "t0"])]),
    }
}

pub fn restore(r: &mut Rng, dumps: &[Vec<u8>]) -> Cmd {
    let d = &dumps[r.below(dumps.len() as u64) as usize];
    vec![
        b"RESTORE".to_vec(),
        b"r".to_vec(),
        b"0".to_vec(),
        fuzzgen::mutate_dump(r, d, false),
        b"REPLACE".to_vec(),
    ]
}

pub fn check(cmd: &[Vec<u8>], reply: &Reply) -> Result<(), String> {
    let name = cmd[0].to_ascii_uppercase();
    let ok = match (name.as_slice(), reply) {
        (_, Reply::Error(_)) => true,
        (b"RESTORE" | b"AI.MODELSTORE" | b"AI.MODELSET" | b"AI.MODELDEL" | b"AI.TENSORSET", r) => {
            r.is_ok()
        }
        (b"AI.MODELEXECUTE" | b"AI.MODELRUN", Reply::Status(s)) => s == "OK" || s == "TIMEDOUT",
        (b"AI.MODELGET", Reply::Array(_) | Reply::Bulk(_)) => true,
        (b"AI.INFO", Reply::Array(_) | Reply::Status(_)) => true,
        (b"AI._MODELSCAN", Reply::Array(_)) => true,
        (b"AI.CONFIG", Reply::Status(_)) => true,
        (d, Reply::Array(_)) if d.starts_with(b"AI.DAG") => true,
        (d, Reply::Status(s)) if d.starts_with(b"AI.DAG") => s == "TIMEDOUT",
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected reply {reply:?}"))
    }
}

pub fn blobs() -> Vec<Vec<u8>> {
    MODELS.iter().map(|m| fixture(m)).collect()
}

/// Fixture models (when the build has their backend) and input tensors.
pub fn setup(c: &mut Conn, torch: bool, onnx: bool) {
    let blobs = blobs();
    let mut store = |key: &str, backend: &str, blob: &[u8], extra: &[&str]| {
        let mut a = s(&["AI.MODELSTORE", key, backend, "CPU"]);
        a.extend(s(extra));
        a.push(b"BLOB".to_vec());
        a.push(blob.to_vec());
        let r = c.cmd(&a).expect("reply");
        assert!(r.is_ok(), "{key}: {r:?}");
    };
    if torch {
        store("pt", "TORCH", &blobs[0], &[]);
        store(
            "b0",
            "TORCH",
            &blobs[0],
            &["BATCHSIZE", "4", "MINBATCHSIZE", "2"],
        );
        store("b1", "TORCH", &blobs[0], &["BATCHSIZE", "2"]);
    }
    if onnx {
        store("ox", "ONNX", &blobs[3], &[]);
        store("d", "ONNX", &blobs[2], &["TAG", "t", "BATCHSIZE", "2"]);
    }
    for a in [
        &["AI.TENSORSET", "t0", "FLOAT", "1", "2", "VALUES", "1", "2"][..],
        &["AI.TENSORSET", "t1", "FLOAT", "1", "2", "VALUES", "3", "4"][..],
    ] {
        assert!(c.cmd(a).expect("reply").is_ok());
    }
}
