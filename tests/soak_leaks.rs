//! Leaks found by the soak (scripts/soak), each a regression test named
//! after it: the calling user's name, read for every AI.SCRIPTEXECUTE,
//! every script op of a DAG and every FT.SEARCH, was retained once too often
//! and never freed (32 bytes of `used_memory` per command, without bound).
//! Each test sends the command many times and checks that `used_memory`
//! comes back to where it was; the leak added 32 × 20,000 = 640,000 bytes.

mod common;

use common::{args, ok, Conn, Reply, Server};

const SRC: &str = "def add(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0] + tensors[1]\n";

/// Calls measured, after as many again to warm up.
const CALLS: usize = 20_000;
/// Growth allowed: a tenth of what the leak added.
const SLACK: i64 = 64_000;

fn used_memory(c: &mut Conn) -> i64 {
    let info = c.cmd(&["INFO", "memory"]).expect("INFO").text();
    info.lines()
        .find_map(|l| l.strip_prefix("used_memory:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("used_memory")
}

/// Sends `cmd` `n` times, pipelined 500 at a time; every reply must pass
/// `check`.
fn repeat(c: &mut Conn, cmd: &[Vec<u8>], n: usize, check: impl Fn(&Reply) -> bool) {
    let mut done = 0;
    while done < n {
        let batch = (n - done).min(500);
        for _ in 0..batch {
            c.send(cmd).expect("send");
        }
        c.flush().expect("flush");
        for _ in 0..batch {
            let r = c.read().expect("read");
            assert!(check(&r), "unexpected reply {r:?}");
        }
        done += batch;
    }
}

/// `used_memory` growth over CALLS sends of `cmd`, after a warm-up of as
/// many.
fn growth(c: &mut Conn, cmd: &[Vec<u8>], check: impl Fn(&Reply) -> bool + Copy) -> i64 {
    repeat(c, cmd, CALLS, check);
    let before = used_memory(c);
    repeat(c, cmd, CALLS, check);
    used_memory(c) - before
}

#[test]
fn script_execute_does_not_leak_the_user_name() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    let r = c
        .cmd(&[
            "AI.SCRIPTSTORE",
            "sc",
            "CPU",
            "ENTRY_POINTS",
            "1",
            "add",
            "SOURCE",
            SRC,
        ])
        .expect("store");
    assert!(r.is_ok(), "{r:?}");
    ok(
        &mut c,
        &["AI.TENSORSET", "a", "FLOAT", "2", "VALUES", "1", "2"],
    );
    ok(
        &mut c,
        &["AI.TENSORSET", "b", "FLOAT", "2", "VALUES", "3", "4"],
    );
    let run = args(&[
        "AI.SCRIPTEXECUTE",
        "sc",
        "add",
        "INPUTS",
        "2",
        "a",
        "b",
        "OUTPUTS",
        "1",
        "o",
    ]);
    let g = growth(&mut c, &run, Reply::is_ok);
    assert!(
        g < SLACK,
        "AI.SCRIPTEXECUTE x{CALLS}: used_memory grew {g} bytes"
    );
    let dag = args(&[
        "AI.DAGEXECUTE",
        "LOAD",
        "2",
        "a",
        "b",
        "PERSIST",
        "1",
        "o",
        "|>",
        "AI.SCRIPTEXECUTE",
        "sc",
        "add",
        "INPUTS",
        "2",
        "a",
        "b",
        "OUTPUTS",
        "1",
        "o",
    ]);
    let g = growth(
        &mut c,
        &dag,
        |r| matches!(r, Reply::Array(a) if a.len() == 1 && a[0].is_ok()),
    );
    assert!(
        g < SLACK,
        "DAG script op x{CALLS}: used_memory grew {g} bytes"
    );
}

#[test]
fn ft_search_does_not_leak_the_user_name() {
    let s = Server::start();
    let mut c = s.conn();
    ok(
        &mut c,
        &[
            "FT.CREATE",
            "ix",
            "ON",
            "HASH",
            "PREFIX",
            "1",
            "d:",
            "SCHEMA",
            "t",
            "TAG",
        ],
    );
    let r = c.cmd(&["HSET", "d:1", "t", "a"]).expect("HSET");
    assert_eq!(r, Reply::Int(1));
    let q = args(&["FT.SEARCH", "ix", "@t:{a}"]);
    let g = growth(
        &mut c,
        &q,
        |r| matches!(r, Reply::Array(a) if a.first() == Some(&Reply::Int(1))),
    );
    assert!(g < SLACK, "FT.SEARCH x{CALLS}: used_memory grew {g} bytes");
}
