//! Wire fuzzing of the model and DAG commands: 10,000 random and mutated
//! AI.MODELSTORE/MODELSET/MODELGET/MODELDEL/MODELEXECUTE/MODELRUN/AI.INFO/
//! AI._MODELSCAN/AI.DAGEXECUTE/AI.DAGRUN commands (with real, truncated and
//! junk model blobs), plus truncated and mutated AI__MODEL RESTORE payloads.
//! Every command must get a reply, and the server must answer PING at the end.

mod common;

use common::rdb;
use common::{fixture, has_feature, Reply, Rng, Server};

const WORDS: &[&str] = &[
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
const COMMANDS: &[&str] = &[
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
const MODELS: &[&str] = &[
    "pt-minimal.pt",
    "pt-tuple.pt",
    "onnx-linear.onnx",
    "onnx-square.onnx",
    "junk.bin",
];

/// A well-formed execution or DAG, so that the fuzz also reaches the runs.
fn valid(r: &mut Rng) -> Vec<Vec<u8>> {
    let s: &[&str] = match r.below(4) {
        0 => &[
            "AI.MODELEXECUTE",
            "pt",
            "INPUTS",
            "2",
            "t0",
            "t1",
            "OUTPUTS",
            "1",
            "out",
        ],
        1 => &[
            "AI.MODELEXECUTE",
            "ox",
            "INPUTS",
            "1",
            "t0",
            "OUTPUTS",
            "1",
            "out",
            "TIMEOUT",
            "50",
        ],
        2 => &[
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
        ],
        _ => &[
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
        ],
    };
    s.iter().map(|w| w.as_bytes().to_vec()).collect()
}

fn random(r: &mut Rng, blobs: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut a: Vec<Vec<u8>> = vec![r.pick(COMMANDS).as_bytes().to_vec()];
    let n = r.below(14);
    for _ in 0..n {
        if r.below(12) == 0 {
            let b = &blobs[r.below(blobs.len() as u64) as usize];
            let cut = if r.below(3) == 0 {
                r.below(b.len() as u64 + 1) as usize
            } else {
                b.len()
            };
            a.push(b[..cut].to_vec());
        } else {
            a.push(r.pick(WORDS).as_bytes().to_vec());
        }
    }
    a
}

#[test]
fn random_model_and_dag_commands_never_hurt_the_server() {
    if !(has_feature("torch") && has_feature("onnx")) {
        return;
    }
    let s = Server::start();
    let mut c = s.conn();
    let blobs: Vec<Vec<u8>> = MODELS.iter().map(|m| fixture(m)).collect();
    let mut store = |key: &str, backend: &str, blob: &[u8]| {
        let r = c
            .cmd(&[
                b"AI.MODELSTORE".to_vec(),
                key.into(),
                backend.into(),
                b"CPU".to_vec(),
                b"BLOB".to_vec(),
                blob.to_vec(),
            ])
            .expect("reply");
        assert!(r.is_ok(), "{r:?}");
    };
    store("pt", "TORCH", &blobs[0]);
    store("ox", "ONNX", &blobs[3]);
    let mut c = s.conn();
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut errors, mut oks) = (0, 0);
    for i in 0..10_000u32 {
        if i % 500 == 0 {
            // Inputs for the valid commands (the fuzz may have replaced them).
            let _ = c.cmd(&["AI.TENSORSET", "t0", "FLOAT", "1", "2", "VALUES", "1", "2"]);
            let _ = c.cmd(&["AI.TENSORSET", "t1", "FLOAT", "1", "2", "VALUES", "3", "4"]);
        }
        let a = if r.below(3) == 0 {
            valid(&mut r)
        } else {
            random(&mut r, &blobs)
        };
        let reply = c
            .cmd(&a)
            .unwrap_or_else(|e| panic!("command {i} {a:?}: {e}"));
        match reply {
            Reply::Error(_) => errors += 1,
            _ => oks += 1,
        }
    }
    assert!(errors > 2_000 && oks > 2_000, "errors {errors}, ok {oks}");

    // AI__MODEL payloads: every truncation and random byte flips of a DUMP.
    let _ = c.cmd(&[
        b"AI.MODELSTORE".to_vec(),
        b"d".to_vec(),
        b"ONNX".to_vec(),
        b"CPU".to_vec(),
        b"BLOB".to_vec(),
        blobs[2].clone(),
    ]);
    let dump = c.cmd(&["DUMP", "d"]).expect("reply").bulk().to_vec();
    // A cut near the end can be "repaired" by the footer: the loader reads
    // the footer's bytes as the tail of the blob, then its `00` as the EOF
    // opcode. If ONNX Runtime accepts that blob, the restore is legitimately
    // OK; the model must then be usable.
    let mut refused = 0;
    for cut in 1..dump.len() - 10 {
        let p = rdb::refooter(&[&dump[..cut], &[0u8; 10][..]].concat());
        let reply = c
            .cmd(&[
                b"RESTORE".to_vec(),
                b"r".to_vec(),
                b"0".to_vec(),
                p,
                b"REPLACE".to_vec(),
            ])
            .expect("reply");
        if reply.is_error() {
            refused += 1;
        } else {
            assert!(reply.is_ok(), "cut {cut}: {reply:?}");
            assert!(!c
                .cmd(&["AI.MODELGET", "r", "META"])
                .expect("reply")
                .is_error());
        }
    }
    assert!(
        refused + 3 >= dump.len() - 11,
        "{refused} of {} cuts refused",
        dump.len() - 11
    );
    for _ in 0..300 {
        let mut p = dump.clone();
        for _ in 0..1 + r.below(3) {
            let at = 1 + r.below(p.len() as u64 - 11) as usize;
            p[at] = r.next() as u8;
        }
        let _ = c
            .cmd(&[
                b"RESTORE".to_vec(),
                b"r".to_vec(),
                b"0".to_vec(),
                rdb::refooter(&p),
                b"REPLACE".to_vec(),
            ])
            .expect("reply");
    }
    assert!(s.alive());
    assert_eq!(
        c.cmd(&["PING"]).expect("reply"),
        Reply::Status("PONG".into())
    );
}
