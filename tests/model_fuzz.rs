//! Wire fuzzing of the model and DAG commands: random, mutated and hostile
//! AI.MODELSTORE/MODELSET (BATCHSIZE, MINBATCHSIZE, MINBATCHTIMEOUT and
//! devices at integer boundaries, models split into many BLOB chunks,
//! real, truncated, corrupted and junk blobs for all four backends, TF's
//! INPUTS/OUTPUTS name lists), MODELGET/MODELDEL/MODELEXECUTE/MODELRUN
//! (hostile INPUTS/OUTPUTS counts and TIMEOUTs), AI.INFO, AI._MODELSCAN,
//! AI.DAGEXECUTE/AI.DAGRUN (hostile LOAD/PERSIST counts, long op chains),
//! AI.CONFIG MODEL_CHUNK_SIZE, and RESTORE of AI__MODEL DUMP payloads
//! mutated item by item with the footer's CRC-64 recomputed.
//!
//! It runs against every build: without backends the stores fail, and the
//! parsers and error paths are what gets fuzzed. Its share of
//! `REDISAI_FUZZ_COMMANDS` is 20% (see tests/common/fuzzgen.rs).

mod common;
mod fuzzers;

use common::fuzzgen::{self, Cmd, Runner};
use common::{has_feature, rdb, Reply, Rng, Server};
use fuzzers::model::{blobs, check, counts, misc, random, restore, s, setup, store, valid};

#[test]
fn fuzz_model_and_dag_commands() {
    let budget = fuzzgen::budget("model", 200);
    let (torch, onnx) = (has_feature("torch"), has_feature("onnx"));
    if !(torch && onnx) {
        // The parsers and error paths are fuzzed all the same.
        common::skipped(
            &format!("{} (model runs, AI__MODEL payloads)", test_name!()),
            "build has no TORCH and ONNX backends",
        );
    }
    let server = Server::with(&[], &["--rdbcompression", "no"]);
    let mut run = Runner::new("model", budget, server, move |c| setup(c, torch, onnx));
    let blobs = blobs();
    let mut dumps = Vec::new();
    for k in ["pt", "d", "b0"] {
        if let Reply::Bulk(d) = run.conn().cmd(&["DUMP", k]).expect("reply") {
            dumps.push(d);
        }
    }
    let mut r = Rng(budget.own_seed);
    let mut round = 0u64;
    while !run.done() {
        round += 1;
        let cmds: Vec<Cmd> = (0..50)
            .map(|_| match r.below(20) {
                0..=4 => valid(&mut r),
                5..=9 => random(&mut r, &blobs),
                10..=11 => store(&mut r, &blobs),
                12..=14 => counts(&mut r),
                15..=17 => misc(&mut r),
                _ if !dumps.is_empty() => restore(&mut r, &dumps),
                _ => misc(&mut r),
            })
            .collect();
        run.batch(&cmds, &check);
        if round.is_multiple_of(10) {
            // Inputs for the valid commands (the fuzz may have replaced
            // them) and the default chunk size back.
            let fix = vec![
                s(&["AI.TENSORSET", "t0", "FLOAT", "1", "2", "VALUES", "1", "2"]),
                s(&["AI.TENSORSET", "t1", "FLOAT", "1", "2", "VALUES", "3", "4"]),
                s(&["AI.CONFIG", "MODEL_CHUNK_SIZE", "536346624"]),
            ];
            run.batch(&fix, &check);
        }
    }
    let n = run.sent;
    // Without backends most commands fail, but not all (DAG tensor ops,
    // AI.CONFIG, AI._MODELSCAN, AI.TENSORSET).
    let least_ok = if torch && onnx { n / 10 } else { n / 50 };
    assert!(
        run.errors > n / 10 && run.oks > least_ok,
        "errors {}, ok {} of {n}",
        run.errors,
        run.oks
    );
    if torch && onnx {
        // Every truncation of an AI__MODEL payload, with a valid footer.
        // A cut near the end can be "repaired" by the footer: the loader
        // reads the footer's bytes as the tail of the blob, then its `00`
        // as the EOF opcode. If ONNX Runtime accepts that blob, the restore
        // is legitimately OK; the model must then be usable.
        let c = run.conn();
        let _ = c.cmd(&[
            b"AI.MODELSTORE".to_vec(),
            b"d".to_vec(),
            b"ONNX".to_vec(),
            b"CPU".to_vec(),
            b"BLOB".to_vec(),
            blobs[2].clone(),
        ]);
        let dump = c.cmd(&["DUMP", "d"]).expect("reply").bulk().to_vec();
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
    }
    run.finish();
}
