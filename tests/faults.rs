//! Fault containment, against a module built with the test-only
//! `fault-injection` feature (scripts/test builds the `--no-default-features`
//! module that way). Other builds skip them, visibly.

mod common;

use common::{Reply, Server};

#[test]
fn a_panicking_handler_costs_one_error_reply() {
    skip_unless!("fault-injection");
    let s = Server::start();
    let mut c = s.conn();
    assert!(c
        .cmd(&["AI.TENSORSET", "t", "INT8", "1", "VALUES", "7"])
        .expect("reply")
        .is_ok());
    for _ in 0..3 {
        let r = c
            .cmd(&["AI._FAULT", "PANIC"])
            .expect("a reply, not a dead server");
        assert_eq!(
            r.err(),
            "ERR internal error in AI._FAULT; see the server log"
        );
    }
    // The same connection and the data are fine; the panic is in the log.
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "t", "VALUES"]).expect("reply"),
        Reply::Array(vec![Reply::Int(7)])
    );
    assert!(s.alive());
    let log = s.log();
    assert!(
        log.contains("redisai-rs: panic at src/commands/fault.rs"),
        "{log}"
    );
    assert!(log.contains("fault injected by AI._FAULT PANIC"), "{log}");
}

#[test]
fn blocking_commands_are_refused_in_multi_and_lua() {
    skip_unless!("fault-injection");
    let s = Server::start();
    let mut c = s.conn();
    let refused = "ERR Cannot run RedisAI command within a transaction or a LUA script";
    assert!(c.cmd(&["AI._FAULT", "BLOCKCHECK"]).expect("reply").is_ok());
    assert!(c.cmd(&["MULTI"]).expect("reply").is_ok());
    assert_eq!(
        c.cmd(&["AI._FAULT", "BLOCKCHECK"]).expect("reply"),
        Reply::Status("QUEUED".into())
    );
    let exec = c.cmd(&["EXEC"]).expect("reply");
    assert_eq!(exec.array()[0].err(), refused);
    let r = c
        .cmd(&["EVAL", "return redis.pcall('AI._FAULT', 'BLOCKCHECK')", "0"])
        .expect("reply");
    assert_eq!(r.err(), refused);
}
