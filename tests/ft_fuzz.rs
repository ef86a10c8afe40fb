//! The FT.* fuzz: random and mutated FT.SEARCH, FT.AGGREGATE, FT.CREATE and
//! FT.ALTER command lines (plus a few FT.INFO/_LIST/TAGVALS/DROPINDEX),
//! starting from the queries real clients send (redis-py, redisvl,
//! langchain-redis; ../shared/spec/vectors-reference.md) and damaging them:
//! bytes inserted, deleted and replaced, parentheses and prefixes nested
//! thousands deep, huge numbers for K, LIMIT, DIM, M and the like, bad
//! PARAMS, non-UTF-8 and NUL bytes. Every command must get a reply (an
//! error or a well-shaped answer, never `internal error`), the server must
//! answer PING after every batch and be alive at the end, and its log must
//! show no panic.
//!
//! Its share of `REDISAI_FUZZ_COMMANDS` is 20% (20,000 commands by default),
//! from `REDISAI_FUZZ_SEED` like the other fuzzers (tests/common/fuzzgen.rs).

mod common;
mod fuzzers;

use common::fuzzgen::{self, Cmd, Runner};
use common::{Reply, Rng, Server};
use fuzzers::ft::{aggregate_cmd, fsetup, search_cmd};
use fuzzers::ft_schema::{alter_cmd, create_cmd, ft_check, mutate, small_cmd};

#[test]
fn fuzz_ft_commands() {
    let budget = fuzzgen::budget("ft", 200);
    let server = Server::start();
    let mut run = Runner::new("ft", budget, server, fsetup);
    let mut rng = Rng(budget.own_seed);
    while !run.done() {
        let cmds: Vec<Cmd> = (0..100)
            .map(|_| {
                let mut a = match rng.below(20) {
                    0..=7 => search_cmd(&mut rng),
                    8..=11 => aggregate_cmd(&mut rng),
                    12..=14 => create_cmd(&mut rng),
                    15..=16 => alter_cmd(&mut rng),
                    _ => small_cmd(&mut rng),
                };
                // Half the commands damaged, half left as clients send them.
                if a.len() > 1 && rng.below(2) == 0 {
                    mutate(&mut rng, &mut a);
                }
                a
            })
            .collect();
        run.batch(&cmds, &ft_check);
    }
    // The fixtures still answer, and correctly shaped.
    let probe: Vec<Cmd> = vec![
        common::args(&["FT.SEARCH", "idx", "*", "LIMIT", "0", "0"]),
        common::args(&["FT.INFO", "hidx"]),
    ];
    // (FT.ALTER may have made documents unindexable: only the shape counts.)
    let replies = run.batch(&probe, &ft_check);
    assert!(
        matches!(&replies[0], Some(Reply::Array(a)) if matches!(a.first(), Some(Reply::Int(_)))),
        "the fixture index after the fuzz: {:?}",
        replies[0]
    );
    let n = run.sent;
    assert!(
        run.oks > n / 20 && run.errors > n / 10,
        "{} ok, {} errors of {n}: the fuzz should reach both",
        run.oks,
        run.errors
    );
    assert!(run.server.alive(), "the server is alive at the end");
    run.finish();
}
