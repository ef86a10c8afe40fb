//! Wire fuzzing of the tensor side: random, mutated and hostile
//! AI.TENSORSET (shapes and value counts at every integer boundary),
//! AI.TENSORGET, AI.CONFIG, tensor-only AI.DAGEXECUTE (LOAD/PERSIST counts,
//! long op chains) and RESTORE of AI_TENSOR DUMP payloads mutated item by
//! item with the footer's CRC-64 recomputed, so they reach the decoder.
//!
//! Its share of `REDISAI_FUZZ_COMMANDS` (default 100,000 over all fuzzers)
//! is 40%; `REDISAI_FUZZ_SEED` reproduces a run (see tests/common/fuzzgen.rs).
//! A reply of an unexpected type, an `internal error` reply, a panic in the
//! log or a dead server fails the test, listing every distinct finding.

mod common;
mod fuzzers;

use common::fuzzgen::{self, Cmd, Runner};
use common::{Rng, Server};
use fuzzers::tensor::{check, config, dag, restore, setup, tensorget, tensorset};

#[test]
fn fuzz_tensor_commands_and_payloads() {
    let budget = fuzzgen::budget("tensor", 400);
    let server = Server::with(&[], &["--rdbcompression", "no"]);
    let mut run = Runner::new("tensor", budget, server, setup);
    let mut r = Rng(budget.own_seed);
    let dumps: Vec<Vec<u8>> = ["a", "b", "c", "d", "e", "f", "g"]
        .iter()
        .map(|k| run.conn().cmd(&["DUMP", k]).expect("reply").bulk().to_vec())
        .collect();
    let batch = 200;
    while !run.done() {
        let cmds: Vec<Cmd> = (0..batch)
            .map(|_| match r.below(20) {
                0..=8 => tensorset(&mut r),
                9..=12 => tensorget(&mut r),
                13 => config(&mut r),
                14..=15 => dag(&mut r),
                _ => restore(&mut r, &dumps),
            })
            .collect();
        run.batch(&cmds, &check);
    }
    let n = run.sent;
    // Both outcomes are exercised, not only the error paths.
    assert!(
        run.oks > n / 10 && run.errors > n / 10,
        "{} ok, {} errors of {n}",
        run.oks,
        run.errors
    );
    run.finish();
}

/// The harness itself: a command that kills the server is found, pinned by
/// the replay and reported with the log's crash lines, the run goes on with
/// the fixtures made again, and (fault-injection builds) a caught panic's
/// `internal error` reply is a finding too.
#[test]
fn runner_reports_crashes_and_internal_errors() {
    let budget = fuzzgen::budget("self-test", 1);
    let server = Server::start();
    let mut run = Runner::new("self-test", budget, server, setup);
    let mut cmds: Vec<Cmd> = (0..20)
        .map(|i| common::args(&["AI.TENSORSET", &format!("x{i}"), "INT8", "VALUES", "1"]))
        .collect();
    cmds.insert(7, common::args(&["DEBUG", "SEGFAULT"]));
    let replies = run.batch(&cmds, &check);
    assert!(replies[7].is_none(), "{:?}", replies[7]);
    let found = run.findings();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("server died on: DEBUG SEGFAULT"),
        "{found:?}"
    );
    assert!(found[0].contains("crashed by signal"), "{found:?}");
    // Restarted, with the fixtures.
    let r = run
        .conn()
        .cmd(&["AI.TENSORGET", "a", "VALUES"])
        .expect("reply");
    assert_eq!(r.array().len(), 4, "{r:?}");
    if common::has_feature("fault-injection") {
        run.batch(&[common::args(&["AI._FAULT", "PANIC"])], &check);
        let found = run.findings();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[1].contains("internal error in AI._FAULT"),
            "{found:?}"
        );
    } else {
        common::skipped(
            &format!("{} (internal error replies)", test_name!()),
            "build has no fault-injection feature",
        );
    }
}
