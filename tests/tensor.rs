//! AI.TENSORSET / AI.TENSORGET over the wire: every dtype, every reply shape
//! in RESP2 and RESP3, and every error text of the compatibility spec §1.1.

mod common;

use std::io::{Read, Write};

use common::{Conn, Reply, Server};

fn b(s: &str) -> Reply {
    Reply::Bulk(s.as_bytes().to_vec())
}

fn ok(c: &mut Conn, args: &[&[u8]]) {
    let r = c.cmd(args).expect("reply");
    assert!(r.is_ok(), "{args:?} -> {r:?}");
}

/// Runs a command written as space-separated words and expects `+OK`.
fn ok_line(c: &mut Conn, line: &str) {
    let args: Vec<&str> = line.split(' ').collect();
    let r = c.cmd(&args).expect("reply");
    assert!(r.is_ok(), "{line} -> {r:?}");
}

fn err(c: &mut Conn, args: &[&str]) -> String {
    c.cmd(args).expect("reply").err().to_string()
}

#[test]
fn numeric_dtypes_round_trip_blob_and_values() {
    let s = Server::start();
    let mut c = s.conn();
    let cases: &[(&str, usize)] = &[
        ("FLOAT", 4),
        ("DOUBLE", 8),
        ("INT8", 1),
        ("INT16", 2),
        ("INT32", 4),
        ("INT64", 8),
        ("UINT8", 1),
        ("UINT16", 2),
        ("BOOL", 1),
    ];
    for &(dtype, width) in cases {
        // BLOB: 2x3 elements whose bytes are all 0 or 1 (valid for BOOL too).
        let blob: Vec<u8> = (0..6 * width).map(|i| (i % 2) as u8).collect();
        ok(
            &mut c,
            &[
                b"AI.TENSORSET",
                b"t",
                dtype.as_bytes(),
                b"2",
                b"3",
                b"BLOB",
                &blob,
            ],
        );
        let r = c
            .cmd(&["AI.TENSORGET", "t", "META", "BLOB"])
            .expect("reply");
        assert_eq!(
            r,
            Reply::Array(vec![
                b("dtype"),
                b(dtype),
                b("shape"),
                Reply::Array(vec![Reply::Int(2), Reply::Int(3)]),
                b("blob"),
                Reply::Bulk(blob.clone()),
            ]),
            "{dtype}"
        );
        // Default is META BLOB.
        assert_eq!(c.cmd(&["AI.TENSORGET", "t"]).expect("reply"), r);
        assert_eq!(
            c.cmd(&["AI.TENSORGET", "t", "BLOB"]).expect("reply"),
            Reply::Bulk(blob)
        );

        ok(
            &mut c,
            &[
                b"AI.TENSORSET",
                b"v",
                dtype.as_bytes(),
                b"3",
                b"VALUES",
                b"1",
                b"0",
                b"1",
            ],
        );
        let values = c.cmd(&["AI.TENSORGET", "v", "VALUES"]).expect("reply");
        let want = if dtype == "FLOAT" || dtype == "DOUBLE" {
            vec![b("1"), b("0"), b("1")]
        } else {
            vec![Reply::Int(1), Reply::Int(0), Reply::Int(1)]
        };
        assert_eq!(values, Reply::Array(want), "{dtype}");
    }
}

#[test]
fn exact_resp2_bytes_of_meta_values() {
    let s = Server::start();
    let mut c = s.conn();
    ok_line(&mut c, "AI.TENSORSET t FLOAT 1 2 VALUES 5 10");
    let mut raw = std::net::TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
    raw.write_all(b"*4\r\n$12\r\nAI.TENSORGET\r\n$1\r\nt\r\n$4\r\nMETA\r\n$6\r\nVALUES\r\n")
        .expect("write");
    let want: &[u8] = b"*6\r\n$5\r\ndtype\r\n$5\r\nFLOAT\r\n$5\r\nshape\r\n*2\r\n:1\r\n:2\r\n$6\r\nvalues\r\n*2\r\n$1\r\n5\r\n$2\r\n10\r\n";
    let mut got = vec![0u8; want.len()];
    raw.read_exact(&mut got).expect("read");
    assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(want));
}

#[test]
fn float_values_use_17_significant_digits() {
    let s = Server::start();
    let mut c = s.conn();
    ok_line(&mut c, "AI.TENSORSET t FLOAT 3 VALUES 1 0.1 5.1");
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "t", "VALUES"]).expect("reply"),
        Reply::Array(vec![
            b("1"),
            b("0.10000000149011612"),
            b("5.0999999046325684")
        ])
    );
    // RESP3: the same numbers as doubles, and META stays a flat array.
    let mut c3 = s.conn3();
    let r = c3
        .cmd(&["AI.TENSORGET", "t", "META", "VALUES"])
        .expect("reply");
    assert_eq!(
        r,
        Reply::Array(vec![
            b("dtype"),
            b("FLOAT"),
            b("shape"),
            Reply::Array(vec![Reply::Int(3)]),
            b("values"),
            Reply::Array(vec![
                Reply::Double(1.0),
                Reply::Double(0.1f32 as f64),
                Reply::Double(5.1f32 as f64)
            ]),
        ])
    );
    ok_line(&mut c3, "AI.TENSORSET i INT16 2 VALUES -7 300");
    assert_eq!(
        c3.cmd(&["AI.TENSORGET", "i", "VALUES"]).expect("reply"),
        Reply::Array(vec![Reply::Int(-7), Reply::Int(300)])
    );
}

#[test]
fn scalars_zero_fill_and_meta_only() {
    let s = Server::start();
    let mut c = s.conn();
    ok(
        &mut c,
        &[
            b"AI.TENSORSET",
            b"s",
            b"FLOAT",
            b"BLOB",
            &2.5f32.to_le_bytes(),
        ],
    );
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "s", "META"]).expect("reply"),
        Reply::Array(vec![
            b("dtype"),
            b("FLOAT"),
            b("shape"),
            Reply::Array(vec![])
        ])
    );
    ok_line(&mut c, "AI.TENSORSET s2 int64 VALUES 9");
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "s2", "VALUES"]).expect("reply"),
        Reply::Array(vec![Reply::Int(9)])
    );
    ok_line(&mut c, "AI.TENSORSET z INT32 2 2");
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "z", "BLOB"]).expect("reply"),
        Reply::Bulk(vec![0; 16])
    );
    ok_line(&mut c, "AI.TENSORSET zs STRING 3");
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "zs", "BLOB"]).expect("reply"),
        Reply::Bulk(vec![0; 3])
    );
    // Options are case-insensitive and may repeat.
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "z", "meta", "META"])
            .expect("reply")
            .array()
            .len(),
        4
    );
    assert_eq!(
        c.cmd(&["ai.tensorget", "z", "Meta", "values"])
            .expect("reply")
            .array()
            .len(),
        6
    );
    assert_eq!(
        c.cmd(&["TYPE", "z"]).expect("reply"),
        Reply::Status("AI_TENSOR".into())
    );
}

#[test]
fn string_tensors() {
    let s = Server::start();
    let mut c = s.conn();
    ok(
        &mut c,
        &[
            b"AI.TENSORSET",
            b"t",
            b"STRING",
            b"2",
            b"2",
            b"BLOB",
            b"a\0bc\0\0d\0",
        ],
    );
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "t", "VALUES"]).expect("reply"),
        Reply::Array(vec![b("a"), b("bc"), b(""), b("d")])
    );
    // VALUES may end with one NUL, and an empty string is an element (Decision 9).
    ok(
        &mut c,
        &[
            b"AI.TENSORSET",
            b"v",
            b"STRING",
            b"3",
            b"VALUES",
            b"x\0",
            b"",
            b"yz",
        ],
    );
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "v", "BLOB"]).expect("reply"),
        Reply::Bulk(b"x\0\0yz\0".to_vec())
    );
    let r = c
        .cmd(&[
            &b"AI.TENSORSET"[..],
            b"v",
            b"STRING",
            b"1",
            b"VALUES",
            b"a\0b",
        ])
        .expect("reply");
    assert_eq!(r.err(), "ERR C-string value contains null character");
}

#[test]
fn signed_values_accept_negatives_in_range() {
    // Decision 1 (RedisAI rejected every negative VALUES entry).
    let s = Server::start();
    let mut c = s.conn();
    ok_line(&mut c, "AI.TENSORSET z INT8 2 VALUES -1 -128");
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "z", "BLOB"]).expect("reply"),
        Reply::Bulk(vec![0xff, 0x80])
    );
    assert_eq!(
        err(
            &mut c,
            &["AI.TENSORSET", "z", "INT8", "1", "VALUES", "-129"]
        ),
        "ERR invalid value"
    );
    assert_eq!(
        err(&mut c, &["AI.TENSORSET", "z", "UINT8", "1", "VALUES", "-1"]),
        "ERR invalid value"
    );
    assert_eq!(
        err(
            &mut c,
            &["AI.TENSORSET", "z", "UINT16", "1", "VALUES", "65536"]
        ),
        "ERR invalid value"
    );
    assert_eq!(
        err(&mut c, &["AI.TENSORSET", "z", "BOOL", "1", "VALUES", "2"]),
        "ERR invalid value"
    );
}

#[test]
fn every_tensor_error_text() {
    let s = Server::start();
    let mut c = s.conn();
    let cases: &[(&[&str], &str)] = &[
        (&["AI.TENSORSET", "t", "FLOAT"], "ERR wrong number of arguments for 'AI.TENSORSET' command"),
        (&["AI.TENSORSET", "t"], "ERR wrong number of arguments for 'AI.TENSORSET' command"),
        (&["AI.TENSORGET"], "ERR wrong number of arguments for 'AI.TENSORGET' command"),
        (&["AI.TENSORGET", "t", "META", "BLOB", "X"], "ERR wrong number of arguments for 'AI.TENSORGET' command"),
        (&["AI.TENSORSET", "t", "FLOAT32", "1"], "ERR invalid data type"),
        (&["AI.TENSORSET", "t", "UINT32", "1"], "ERR invalid data type"),
        (&["AI.TENSORSET", "t", "UINT64", "1"], "ERR invalid data type"),
        (&["AI.TENSORSET", "t", "HALF", "1"], "ERR invalid data type"),
        (&["AI.TENSORSET", "t", "FLOAT", "0"], "ERR invalid or negative value found in tensor shape"),
        (&["AI.TENSORSET", "t", "FLOAT", "-1"], "ERR invalid or negative value found in tensor shape"),
        (&["AI.TENSORSET", "t", "FLOAT", "2", "x"], "ERR invalid or negative value found in tensor shape"),
        (&["AI.TENSORSET", "t", "FLOAT", "1", "BLOB"], "ERR a single binary string should come after the BLOB argument in 'AI.TENSORSET' command"),
        (&["AI.TENSORSET", "t", "FLOAT", "1", "BLOB", "abcd", "x"], "ERR a single binary string should come after the BLOB argument in 'AI.TENSORSET' command"),
        (&["AI.TENSORSET", "t", "FLOAT", "2", "BLOB", "abcd"], "ERR data length does not match tensor shape and type"),
        (&["AI.TENSORSET", "t", "FLOAT", "2", "VALUES", "1"], "ERR wrong number of values was given in 'AI.TENSORSET' command"),
        (&["AI.TENSORSET", "t", "FLOAT", "1", "VALUES", "1", "2"], "ERR wrong number of values was given in 'AI.TENSORSET' command"),
        (&["AI.TENSORSET", "t", "FLOAT", "1", "VALUES", "nan"], "ERR invalid value"),
        (&["AI.TENSORSET", "t", "INT32", "1", "VALUES", "1.5"], "ERR invalid value"),
        (&["AI.TENSORSET", "t", "STRING", "2", "BLOB", "a\0b"], "ERR Number of string elements in data blob does not match tensor length"),
        (&["AI.TENSORSET", "t", "STRING", "1", "BLOB", "a\0b\0"], "ERR Number of string elements in data blob does not match tensor length"),
        (&["AI.TENSORGET", "missing"], "ERR tensor key is empty or in a different shard"),
    ];
    for (args, want) in cases {
        assert_eq!(err(&mut c, args), *want, "{args:?}");
    }
    let r = c
        .cmd(&[&b"AI.TENSORSET"[..], b"t", b"BOOL", b"2", b"BLOB", &[1, 2]])
        .expect("reply");
    assert_eq!(r.err(), "ERR BOOL tensor elements must be 0 or 1");
    let r = c
        .cmd(&[&b"AI.TENSORSET"[..], b"t", b"BOOL", b"2", b"BLOB", &[2, 1]])
        .expect("reply");
    assert_eq!(r.err(), "ERR BOOL tensor elements must be 0 or 1");

    ok_line(&mut c, "AI.TENSORSET t FLOAT 1");
    assert_eq!(
        err(&mut c, &["AI.TENSORGET", "t", "JSON"]),
        "ERR unsupported data format"
    );
    assert_eq!(
        err(&mut c, &["AI.TENSORGET", "t", "BLOB", "VALUES"]),
        "ERR both BLOB and VALUES specified"
    );
    // A failed TENSORSET leaves the old value in place.
    assert_eq!(
        err(&mut c, &["AI.TENSORSET", "t", "FLOAT", "2", "VALUES", "1"]),
        "ERR wrong number of values was given in 'AI.TENSORSET' command"
    );
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "t", "BLOB"]).expect("reply"),
        Reply::Bulk(vec![0; 4])
    );
    assert_eq!(c.cmd(&["EXISTS", "never"]).expect("reply"), Reply::Int(0));
    assert_eq!(
        err(&mut c, &["AI.TENSORSET", "never", "FLOAT", "0"]),
        "ERR invalid or negative value found in tensor shape"
    );
    assert_eq!(c.cmd(&["EXISTS", "never"]).expect("reply"), Reply::Int(0));
    let e = err(
        &mut c,
        &["AI.TENSORSET", "t", "DOUBLE", "100000", "100000", "100000"],
    );
    assert!(e.starts_with("ERR tensor size exceeds the maximum"), "{e}");
}

#[test]
fn wrong_type_is_checked_before_anything_else() {
    let s = Server::start();
    let mut c = s.conn();
    assert!(c.cmd(&["SET", "str", "x"]).expect("reply").is_ok());
    let wt = "WRONGTYPE Operation against a key holding the wrong kind of value";
    assert_eq!(err(&mut c, &["AI.TENSORSET", "str", "garbage", "-1"]), wt);
    assert_eq!(err(&mut c, &["AI.TENSORGET", "str", "garbage"]), wt);
    assert_eq!(err(&mut c, &["AI.TENSORGET", "str"]), wt);
    assert_eq!(c.cmd(&["GET", "str"]).expect("reply"), b("x"));
}

#[test]
fn keyspace_commands_work_on_tensors() {
    let s = Server::start();
    let mut c = s.conn();
    ok_line(&mut c, "AI.TENSORSET t DOUBLE 2 VALUES 1.5 -2");
    assert_eq!(c.cmd(&["COPY", "t", "t2"]).expect("reply"), Reply::Int(1));
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "t2", "VALUES"]).expect("reply"),
        Reply::Array(vec![b("1.5"), b("-2")])
    );
    // COPY shares the tensor; overwriting one key must not change the other.
    let blob: Vec<u8> = [7.0f64, 8.0].iter().flat_map(|f| f.to_le_bytes()).collect();
    ok(
        &mut c,
        &[b"AI.TENSORSET", b"t2", b"DOUBLE", b"2", b"BLOB", &blob],
    );
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "t", "VALUES"]).expect("reply"),
        Reply::Array(vec![b("1.5"), b("-2")])
    );
    ok(
        &mut c,
        &[b"AI.TENSORSET", b"t", b"DOUBLE", b"2", b"BLOB", &blob],
    );
    ok(
        &mut c,
        &[
            b"AI.TENSORSET",
            b"t",
            b"DOUBLE",
            b"2",
            b"VALUES",
            b"1.5",
            b"-2",
        ],
    );
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "t2", "VALUES"]).expect("reply"),
        Reply::Array(vec![b("7"), b("8")])
    );
    let mem = c.cmd(&["MEMORY", "USAGE", "t"]).expect("reply").int();
    assert!(mem >= 16, "MEMORY USAGE {mem}");
    ok_line(&mut c, "AI.TENSORSET big FLOAT 1024 1024");
    let big = c.cmd(&["MEMORY", "USAGE", "big"]).expect("reply").int();
    assert!(big >= 4 * 1024 * 1024, "MEMORY USAGE {big}");
    // Overwriting clears a TTL, as SET does, and invalidates WATCH.
    assert_eq!(
        c.cmd(&["EXPIRE", "t2", "100"]).expect("reply"),
        Reply::Int(1)
    );
    let mut w = s.conn();
    assert!(w.cmd(&["WATCH", "t2"]).expect("reply").is_ok());
    ok_line(&mut c, "AI.TENSORSET t2 INT8 1 VALUES 4");
    assert_eq!(c.cmd(&["TTL", "t2"]).expect("reply"), Reply::Int(-1));
    assert!(w.cmd(&["MULTI"]).expect("reply").is_ok());
    assert_eq!(
        w.cmd(&["PING"]).expect("reply"),
        Reply::Status("QUEUED".into())
    );
    assert_eq!(w.cmd(&["EXEC"]).expect("reply"), Reply::Nil);
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "t2", "META", "VALUES"])
            .expect("reply")
            .array()[1],
        b("INT8")
    );
    assert!(c.cmd(&["RENAME", "t2", "t3"]).expect("reply").is_ok());
    assert_eq!(
        c.cmd(&["DEL", "t", "t3", "big"]).expect("reply"),
        Reply::Int(3)
    );
    assert_eq!(c.cmd(&["DBSIZE"]).expect("reply"), Reply::Int(0));
}

#[test]
fn command_info_keys_and_acl() {
    let s = Server::start();
    let mut c = s.conn();
    let keys = c
        .cmd(&["COMMAND", "GETKEYS", "AI.TENSORSET", "k1", "FLOAT", "1"])
        .expect("reply");
    assert_eq!(keys, Reply::Array(vec![b("k1")]));
    let keys = c
        .cmd(&["COMMAND", "GETKEYS", "AI.TENSORGET", "k2", "META"])
        .expect("reply");
    assert_eq!(keys, Reply::Array(vec![b("k2")]));
    let info = c
        .cmd(&[
            "COMMAND",
            "INFO",
            "ai.tensorset",
            "ai.tensorget",
            "ai.config",
        ])
        .expect("reply");
    // Arity -1, as RedisAI's: the handlers check the counts themselves.
    let arities: Vec<i64> = info.array().iter().map(|i| i.array()[1].int()).collect();
    assert_eq!(arities, vec![-1, -1, -1]);
    let docs = c.cmd(&["COMMAND", "DOCS", "ai.tensorset"]).expect("reply");
    let fields = docs.array()[1].array();
    assert!(fields.contains(&b("Stores a tensor")), "{docs:?}");
    // ACL key patterns apply through the key specs.
    assert!(c
        .cmd(&["ACL", "SETUSER", "u", "on", "nopass", "~ok:*", "+@all"])
        .expect("reply")
        .is_ok());
    let mut u = s.conn();
    assert!(u.cmd(&["AUTH", "u", "x"]).expect("reply").is_ok());
    ok_line(&mut u, "AI.TENSORSET ok:1 FLOAT 1");
    let e = u
        .cmd(&["AI.TENSORSET", "secret", "FLOAT", "1"])
        .expect("reply");
    assert!(e.err().starts_with("NOPERM"), "{e:?}");
    let e = u.cmd(&["AI.TENSORGET", "secret"]).expect("reply");
    assert!(e.err().starts_with("NOPERM"), "{e:?}");
}

#[test]
fn tensorset_works_inside_multi_and_lua() {
    let s = Server::start();
    let mut c = s.conn();
    assert!(c.cmd(&["MULTI"]).expect("reply").is_ok());
    assert_eq!(
        c.cmd(&["AI.TENSORSET", "m", "INT8", "1", "VALUES", "3"])
            .expect("reply"),
        Reply::Status("QUEUED".into())
    );
    assert_eq!(
        c.cmd(&["EXEC"]).expect("reply"),
        Reply::Array(vec![Reply::Status("OK".into())])
    );
    let r = c
        .cmd(&[
            "EVAL",
            "return redis.call('AI.TENSORGET', KEYS[1], 'VALUES')",
            "1",
            "m",
        ])
        .expect("reply");
    assert_eq!(r, Reply::Array(vec![Reply::Int(3)]));
}
