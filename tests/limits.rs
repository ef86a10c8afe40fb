//! Every number a client sends has a cap: each one asserted at the cap and
//! one past it, over the wire, with the exact error text. The crashes the
//! hardening issue found are regression tests here, named after them.

mod common;

use common::vec::{random_vectors, vadd, vadd_all};
use common::{err, ok, Conn, Reply, Server};

fn two_element_set(c: &mut Conn) {
    assert_eq!(vadd(c, "v", "a", &[1.0, 0.0, 0.0], &[]), Reply::Int(1));
    assert_eq!(vadd(c, "v", "b", &[0.0, 1.0, 0.0], &[]), Reply::Int(1));
}

#[test]
fn vsim_count_2147483647_does_not_abort_the_server() {
    let s = Server::start();
    let mut c = s.conn();
    two_element_set(&mut c);
    // The cap itself: accepted, clamped to the set's size.
    let r = c
        .cmd(&["AI.VSIM", "v", "ELE", "a", "COUNT", "2147483647"])
        .expect("a reply, not a dead server");
    assert_eq!(r.array().len(), 2);
    for extra in [&["TRUTH"][..], &["EF", "1000000"], &["FILTER", ".x == 1"]] {
        let mut cmd = vec!["AI.VSIM", "v", "ELE", "a", "COUNT", "2147483647"];
        cmd.extend_from_slice(extra);
        let r = c.cmd(&cmd).expect("reply");
        assert!(!r.is_error(), "{extra:?}: {r:?}");
    }
    // One past it.
    assert_eq!(
        err(&mut c, &["AI.VSIM", "v", "ELE", "a", "COUNT", "2147483648"]),
        "ERR COUNT must be between 1 and 2147483647"
    );
    assert_eq!(
        err(&mut c, &["AI.VSIM", "v", "ELE", "a", "COUNT", "0"]),
        "ERR COUNT must be between 1 and 2147483647"
    );
    assert!(s.alive());
}

#[test]
fn vsim_ef_and_filter_ef_caps() {
    let s = Server::start();
    let mut c = s.conn();
    two_element_set(&mut c);
    let ok_reply = |c: &mut Conn, a: &[&str]| {
        let r = c.cmd(a).expect("reply");
        assert!(!r.is_error(), "{a:?}: {r:?}");
    };
    ok_reply(&mut c, &["AI.VSIM", "v", "ELE", "a", "EF", "1000000"]);
    assert_eq!(
        err(&mut c, &["AI.VSIM", "v", "ELE", "a", "EF", "1000001"]),
        "ERR EF must be between 1 and 1000000"
    );
    ok_reply(
        &mut c,
        &[
            "AI.VSIM",
            "v",
            "ELE",
            "a",
            "FILTER",
            ".x",
            "FILTER-EF",
            "2147483647",
        ],
    );
    ok_reply(
        &mut c,
        &["AI.VSIM", "v", "ELE", "a", "FILTER", ".x", "FILTER-EF", "0"],
    );
    for bad in ["2147483648", "-1", "9223372036854775807"] {
        assert_eq!(
            err(
                &mut c,
                &["AI.VSIM", "v", "ELE", "a", "FILTER", ".x", "FILTER-EF", bad]
            ),
            "ERR FILTER-EF must be between 0 and 2147483647"
        );
    }
}

#[test]
fn filter_nested_10000_levels_does_not_overflow_the_stack() {
    let s = Server::start();
    let mut c = s.conn();
    two_element_set(&mut c);
    let deep =
        |open: &str, close: &str, n: usize| format!("{}.x{}", open.repeat(n), close.repeat(n));
    let too_deep = "ERR syntax error in FILTER expression: nested deeper than 128 levels";
    // As deep as fits in the 16 KiB length cap.
    for expr in [
        deep("!", "", 10_000),
        deep("(", ")", 8_000),
        deep("-", "", 10_000),
        deep("[", "]", 8_000),
        // A flat chain of binary operators builds a deep tree too.
        vec![".x"; 2_500].join(" or "),
        vec!["1"; 3_000].join(" ** "),
    ] {
        assert_eq!(
            err(&mut c, &["AI.VSIM", "v", "ELE", "a", "FILTER", &expr]),
            too_deep,
            "{}",
            &expr[..40]
        );
    }
    // At the cap: 127 nested parentheses around a leaf (the tree is 128 deep).
    let r = c
        .cmd(&["AI.VSIM", "v", "ELE", "a", "FILTER", &deep("(", ")", 127)])
        .expect("reply");
    assert!(!r.is_error(), "{r:?}");
    let r = c
        .cmd(&[
            "AI.VSIM",
            "v",
            "ELE",
            "a",
            "FILTER",
            &vec![".x"; 128].join(" or "),
        ])
        .expect("reply");
    assert!(!r.is_error(), "{r:?}");
    assert_eq!(
        err(
            &mut c,
            &[
                "AI.VSIM",
                "v",
                "ELE",
                "a",
                "FILTER",
                &vec![".x"; 129].join(" or ")
            ]
        ),
        too_deep
    );
    assert!(s.alive());
}

#[test]
fn filter_length_cap() {
    let s = Server::start();
    let mut c = s.conn();
    two_element_set(&mut c);
    // 16384 bytes: a long but flat array.
    let mut expr = String::from(".x in [");
    while expr.len() < 16_384 - 2 {
        expr.push_str("1,");
    }
    expr.truncate(16_384 - 2);
    expr = expr.trim_end_matches(',').to_string();
    while expr.len() < 16_384 - 1 {
        expr.push(' ');
    }
    expr.push(']');
    assert_eq!(expr.len(), 16_384);
    let r = c
        .cmd(&["AI.VSIM", "v", "ELE", "a", "FILTER", &expr])
        .expect("reply");
    assert!(!r.is_error(), "{r:?}");
    expr.insert(0, ' ');
    assert_eq!(
        err(&mut c, &["AI.VSIM", "v", "ELE", "a", "FILTER", &expr]),
        "ERR syntax error in FILTER expression: longer than 16384 bytes"
    );
}

#[test]
fn vrandmember_minus_2147483648_does_not_abort_the_server() {
    let s = Server::start();
    let mut c = s.conn();
    two_element_set(&mut c);
    let out_of_range =
        "ERR count is out of range: a negative count may ask for at most 1000000 names";
    for bad in ["-2147483648", "-9223372036854775808", "-1000001"] {
        assert_eq!(err(&mut c, &["AI.VRANDMEMBER", "v", bad]), out_of_range);
    }
    // At the cap: a million names, with repeats.
    let r = c.cmd(&["AI.VRANDMEMBER", "v", "-1000000"]).expect("reply");
    assert_eq!(r.array().len(), 1_000_000);
    // A huge positive count is clamped to the set.
    let r = c
        .cmd(&["AI.VRANDMEMBER", "v", "9223372036854775807"])
        .expect("reply");
    assert_eq!(r.array().len(), 2);
    assert_eq!(
        err(&mut c, &["AI.VRANDMEMBER", "v", "9223372036854775808"]),
        "ERR value is not an integer or out of range"
    );
    assert!(s.alive());
}

#[test]
fn vrandmember_without_count_and_small_counts_pick_members() {
    let s = Server::start();
    let mut c = s.conn();
    vadd_all(&mut c, "big", &random_vectors(3000, 4, 7), &[]);
    let mut seen = std::collections::HashSet::new();
    for _ in 0..200 {
        let r = c.cmd(&["AI.VRANDMEMBER", "big"]).expect("reply");
        seen.insert(r.text());
    }
    assert!(seen.len() > 150, "picks are spread: {}", seen.len());
    let r = c.cmd(&["AI.VRANDMEMBER", "big", "10"]).expect("reply");
    let names: std::collections::HashSet<String> = r.array().iter().map(|x| x.text()).collect();
    assert_eq!(names.len(), 10, "distinct");
    let r = c.cmd(&["AI.VRANDMEMBER", "big", "2999"]).expect("reply");
    let names: std::collections::HashSet<String> = r.array().iter().map(|x| x.text()).collect();
    assert_eq!(names.len(), 2999, "distinct");
}

#[test]
fn vsim_tensor_query_rows_cap() {
    let s = Server::start();
    let mut c = s.conn();
    two_element_set(&mut c);
    ok(&mut c, &["AI.TENSORSET", "q", "FLOAT", "1024", "3"]);
    let r = c
        .cmd(&["AI.VSIM", "v", "TENSOR", "q", "COUNT", "1"])
        .expect("reply");
    assert_eq!(r.array().len(), 1024);
    ok(&mut c, &["AI.TENSORSET", "q", "FLOAT", "1025", "3"]);
    assert_eq!(
        err(&mut c, &["AI.VSIM", "v", "TENSOR", "q"]),
        "ERR TENSOR holds more than 1024 query rows"
    );
}

#[test]
fn tensor_dimension_count_cap() {
    let s = Server::start();
    let mut c = s.conn();
    let dims = |n: usize| {
        let mut a = vec!["AI.TENSORSET".to_string(), "t".into(), "INT8".into()];
        a.extend(std::iter::repeat_n("1".to_string(), n));
        a
    };
    assert!(c.cmd(&dims(256)).expect("reply").is_ok());
    assert_eq!(
        c.cmd(&dims(257)).expect("reply").err(),
        "ERR tensor has more than 256 dimensions"
    );
    // At the size cap (zeros: the pages are mapped lazily), then past it.
    ok(&mut c, &["AI.TENSORSET", "t", "INT8", "4294967296"]);
    assert_eq!(c.cmd(&["DEL", "t"]).expect("del"), Reply::Int(1));
    assert_eq!(
        err(&mut c, &["AI.TENSORSET", "t", "INT8", "4294967297"]),
        "ERR tensor size exceeds the maximum of 4294967296 bytes"
    );
    assert_eq!(
        err(&mut c, &["AI.TENSORSET", "t", "FLOAT", "1073741825"]),
        "ERR tensor size exceeds the maximum of 4294967296 bytes"
    );
    assert_eq!(
        err(
            &mut c,
            &["AI.TENSORSET", "t", "INT8", "9223372036854775807", "2"]
        ),
        "ERR tensor size exceeds the maximum of 4294967296 bytes"
    );
    assert!(s.alive());
}

#[test]
fn dag_op_count_cap() {
    let s = Server::start();
    let mut c = s.conn();
    let dag = |n: usize| {
        let mut a: Vec<String> = ["AI.DAGEXECUTE", "ROUTING", "x"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for i in 0..n {
            a.extend(
                [
                    "|>",
                    "AI.TENSORSET",
                    &format!("t{i}"),
                    "INT8",
                    "1",
                    "VALUES",
                    "1",
                ]
                .iter()
                .map(|s| s.to_string()),
            );
        }
        a
    };
    let r = c.cmd(&dag(1024)).expect("reply");
    assert_eq!(r.array().len(), 1024, "{:?}", r.array().first());
    assert_eq!(
        c.cmd(&dag(1025)).expect("reply").err(),
        "ERR DAG has more than 1024 ops"
    );
    let mut big: Vec<&str> = vec!["AI.DAGEXECUTE", "ROUTING", "x"];
    big.extend(["|>", "AI.TENSORSET", "a", "INT8", "4294967297"]);
    assert_eq!(
        c.cmd(&big).expect("reply").err(),
        "ERR tensor size exceeds the maximum of 4294967296 bytes"
    );
    assert!(s.alive());
}

#[test]
fn nul_bytes_in_keys_are_keys_not_panics() {
    let s = Server::start();
    let mut c = s.conn();
    let key: &[u8] = b"a\0b";
    let r = c
        .cmd(&[
            &b"AI.DAGEXECUTE"[..],
            b"LOAD",
            b"1",
            key,
            b"|>",
            b"AI.TENSORGET",
            key,
            b"VALUES",
        ])
        .expect("reply");
    assert_eq!(r.err(), "ERR tensor key is empty or in a different shard");
    assert!(c
        .cmd(&[&b"AI.TENSORSET"[..], key, b"INT8", b"1", b"VALUES", b"5"])
        .expect("reply")
        .is_ok());
    let r = c
        .cmd(&[
            &b"AI.DAGEXECUTE"[..],
            b"LOAD",
            b"1",
            key,
            b"PERSIST",
            b"1",
            b"out\0key",
            b"|>",
            b"AI.TENSORSET",
            b"out\0key",
            b"INT8",
            b"1",
            b"VALUES",
            b"6",
        ])
        .expect("reply");
    assert_eq!(r.array(), &[Reply::Status("OK".into())]);
    let r = c
        .cmd(&[&b"AI.TENSORGET"[..], b"out\0key", b"VALUES"])
        .expect("reply");
    assert_eq!(r, Reply::Array(vec![Reply::Int(6)]));
    assert!(!s.log().contains("panic"), "{}", s.log());
}
