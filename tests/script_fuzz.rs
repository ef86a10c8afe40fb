//! Wire fuzzing of the script commands: AI.SCRIPTSTORE/SCRIPTSET (hostile
//! ENTRY_POINTS counts, devices, tags, sources mutated byte by byte or cut
//! short), AI.SCRIPTGET/SCRIPTDEL/AI._SCRIPTSCAN/AI.INFO,
//! AI.SCRIPTEXECUTE/SCRIPTRUN (hostile KEYS/INPUTS/ARGS/OUTPUTS counts,
//! TIMEOUTs, `$`), script ops in AI.DAGEXECUTE[_RO]/AI.DAGRUN[_RO], runs
//! whose `redis.execute` sends fuzzed commands (a fixed list of names, no
//! DEBUG/SHUTDOWN/FLUSH*) and `redisAI.model_execute` calls, and RESTORE of
//! AI_SCRIPT DUMP payloads mutated item by item with the footer's CRC-64
//! recomputed, so a mutated source reaches the TorchScript compiler.
//!
//! Without TORCH the stores fail and the parsers and error paths are what
//! gets fuzzed. Its share of `REDISAI_FUZZ_COMMANDS` is 10% (see
//! tests/common/fuzzgen.rs).

mod common;
mod fuzzers;

use common::fuzzgen::{self, Cmd, Runner};
use common::{has_feature, Reply, Rng, Server};
use fuzzers::script::{
    check, dag, execute, fixtures, misc, random, restore, scriptrun, setup, store,
};

#[test]
fn fuzz_script_commands() {
    let budget = fuzzgen::budget("script", 100);
    let torch = has_feature("torch");
    if !torch {
        common::skipped(
            &format!("{} (script runs, AI_SCRIPT payloads)", test_name!()),
            "build has no TORCH backend",
        );
    }
    let server = Server::with(&[], &["--rdbcompression", "no"]);
    let mut run = Runner::new("script", budget, server, move |c| setup(c, torch));
    let mut dumps = Vec::new();
    for k in ["s", "legacy"] {
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
                0..=5 => execute(&mut r, false),
                6..=7 => scriptrun(&mut r),
                8..=10 => dag(&mut r),
                11..=12 => store(&mut r),
                13..=14 => random(&mut r),
                15..=17 => misc(&mut r),
                _ if !dumps.is_empty() => restore(&mut r, &dumps),
                _ => misc(&mut r),
            })
            .collect();
        run.batch(&cmds, &check);
        if round.is_multiple_of(2) {
            // The fixtures again: runs may have deleted or replaced them.
            run.batch(&fixtures(torch), &check);
        }
    }
    let n = run.sent;
    let least_ok = if torch { n / 10 } else { n / 50 };
    assert!(
        run.errors > n / 10 && run.oks > least_ok,
        "errors {}, ok {} of {n}",
        run.errors,
        run.oks
    );
    run.finish();
}
