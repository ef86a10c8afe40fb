//! AI_TENSOR persistence: DEBUG RELOAD, RDB restart, AOF rewrite without an
//! RDB preamble, DUMP/RESTORE (including RedisAI 1.2.7's own payload and the
//! older encvers), corrupt payloads, and replica convergence.

mod common;

use common::rdb::{self, Field};
use common::{Conn, Reply, Server};

/// One tensor of every dtype, in both input forms, plus a scalar.
const FIXTURES: &[&[&str]] = &[
    &[
        "AI.TENSORSET",
        "f",
        "FLOAT",
        "2",
        "2",
        "VALUES",
        "1.5",
        "-2",
        "0.1",
        "1e10",
    ],
    &[
        "AI.TENSORSET",
        "d",
        "DOUBLE",
        "3",
        "VALUES",
        "1",
        "2.25",
        "-3",
    ],
    &["AI.TENSORSET", "i8", "INT8", "2", "VALUES", "-5", "7"],
    &[
        "AI.TENSORSET",
        "i16",
        "INT16",
        "1",
        "2",
        "VALUES",
        "-300",
        "300",
    ],
    &["AI.TENSORSET", "i32", "INT32", "2", "1", "VALUES", "1", "2"],
    &[
        "AI.TENSORSET",
        "i64",
        "INT64",
        "1",
        "VALUES",
        "9223372036854775807",
    ],
    &[
        "AI.TENSORSET",
        "u8",
        "UINT8",
        "3",
        "VALUES",
        "0",
        "128",
        "255",
    ],
    &["AI.TENSORSET", "u16", "UINT16", "2", "VALUES", "1", "65535"],
    &[
        "AI.TENSORSET",
        "bool",
        "BOOL",
        "4",
        "VALUES",
        "1",
        "0",
        "0",
        "1",
    ],
    &[
        "AI.TENSORSET",
        "str",
        "STRING",
        "2",
        "2",
        "VALUES",
        "a",
        "",
        "hello",
        "z",
    ],
    &["AI.TENSORSET", "scalar", "FLOAT", "VALUES", "3"],
    &["AI.TENSORSET", "zeros", "INT32", "4", "4"],
];

const KEYS: &[&str] = &[
    "f", "d", "i8", "i16", "i32", "i64", "u8", "u16", "bool", "str", "scalar", "zeros",
];

fn load_fixtures(c: &mut Conn) {
    for f in FIXTURES {
        let r = c.cmd(f).expect("reply");
        assert!(r.is_ok(), "{f:?} -> {r:?}");
    }
}

/// Every key's full reply and digest.
fn snapshot(c: &mut Conn) -> Vec<(Reply, Reply, Reply)> {
    KEYS.iter()
        .map(|k| {
            (
                c.cmd(&["AI.TENSORGET", k, "META", "BLOB"]).expect("reply"),
                c.cmd(&["AI.TENSORGET", k, "VALUES"]).expect("reply"),
                c.cmd(&["DEBUG", "DIGEST-VALUE", k]).expect("reply"),
            )
        })
        .collect()
}

#[test]
fn debug_reload_keeps_every_tensor() {
    let s = Server::start();
    let mut c = s.conn();
    load_fixtures(&mut c);
    let before = snapshot(&mut c);
    let digest = c.cmd(&["DEBUG", "DIGEST"]).expect("reply");
    assert!(c.cmd(&["DEBUG", "RELOAD"]).expect("reply").is_ok());
    assert_eq!(snapshot(&mut c), before);
    assert_eq!(c.cmd(&["DEBUG", "DIGEST"]).expect("reply"), digest);
    // Digests differ when content differs.
    assert_ne!(before[0].2, before[1].2);
}

#[test]
fn rdb_file_survives_a_restart() {
    let mut s = Server::start();
    let mut c = s.conn();
    load_fixtures(&mut c);
    let before = snapshot(&mut c);
    s.restart("SAVE");
    assert_eq!(snapshot(&mut s.conn()), before);
}

#[test]
fn aof_rewrite_without_preamble_replays() {
    let mut s = Server::with(
        &[],
        &["--appendonly", "yes", "--aof-use-rdb-preamble", "no"],
    );
    let mut c = s.conn();
    load_fixtures(&mut c);
    let before = snapshot(&mut c);
    // TENSORSET is replicated verbatim: the VALUES form reaches the AOF as sent.
    let aof_dir = s.dir.join("appendonlydir");
    let incr = std::fs::read_dir(&aof_dir)
        .expect("aof dir")
        .flatten()
        .find(|e| e.file_name().to_string_lossy().contains(".incr.aof"))
        .expect("incr aof");
    let text = std::fs::read(incr.path()).expect("read aof");
    assert!(
        text.windows(6).any(|w| w == b"VALUES"),
        "verbatim TENSORSET in the AOF"
    );

    let text = s.rewrite_aof();
    assert!(
        !text.starts_with(b"REDIS"),
        "the rewrite must not use an RDB preamble"
    );
    assert_eq!(
        text.windows(12).filter(|w| w == b"AI.TENSORSET").count(),
        KEYS.len(),
        "one AI.TENSORSET per key"
    );
    s.restart("NOSAVE");
    assert_eq!(snapshot(&mut s.conn()), before);
}

#[test]
fn dump_restore_round_trips() {
    let s = Server::start();
    let mut c = s.conn();
    load_fixtures(&mut c);
    for k in KEYS {
        let payload = c.cmd(&["DUMP", k]).expect("reply").bulk().to_vec();
        let copy = format!("{k}-copy");
        let r = c
            .cmd(&[b"RESTORE", copy.as_bytes(), b"0", &payload])
            .expect("reply");
        assert!(r.is_ok(), "{k}: {r:?}");
        for opt in ["BLOB", "VALUES"] {
            assert_eq!(
                c.cmd(&["AI.TENSORGET", &copy, "META", opt]).expect("reply"),
                c.cmd(&["AI.TENSORGET", k, "META", opt]).expect("reply")
            );
        }
        assert_eq!(
            c.cmd(&["DEBUG", "DIGEST-VALUE", &copy]).expect("reply"),
            c.cmd(&["DEBUG", "DIGEST-VALUE", k]).expect("reply")
        );
    }
}

#[test]
fn redisai_1_2_7_dump_payload_restores() {
    // The exact bytes RedisAI 1.2.7 gives for `AI.TENSORSET t INT32 2 1 VALUES 1 2`
    // (compatibility spec §2.1), with its CRC.
    let mut payload = vec![0x07, 0x81, 0x00, 0x8f, 0xd3, 0x10, 0xd4, 0x8e, 0x44, 0x04];
    payload.extend_from_slice(&[0x02, 0x00, 0x02, 0x20, 0x02, 0x02, 0x02, 0x02, 0x02, 0x01]);
    payload.extend_from_slice(&[0x05, 0x08, 1, 0, 0, 0, 2, 0, 0, 0, 0x00]);
    // The same bytes from the builder used for the other encvers.
    let built = rdb::module_value(
        rdb::TENSOR_ID_V4,
        &[
            Field::U(0),
            Field::U(32),
            Field::S(2),
            Field::S(2),
            Field::S(1),
            Field::Str(&[1, 0, 0, 0, 2, 0, 0, 0]),
        ],
    );
    assert_eq!(built, payload);
    let payload = rdb::with_footer(payload);

    let s = Server::start();
    let mut c = s.conn();
    assert!(c
        .cmd(&[&b"RESTORE"[..], b"t", b"0", &payload])
        .expect("reply")
        .is_ok());
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "t", "META", "VALUES"])
            .expect("reply"),
        Reply::Array(vec![
            Reply::Bulk(b"dtype".to_vec()),
            Reply::Bulk(b"INT32".to_vec()),
            Reply::Bulk(b"shape".to_vec()),
            Reply::Array(vec![Reply::Int(2), Reply::Int(1)]),
            Reply::Bulk(b"values".to_vec()),
            Reply::Array(vec![Reply::Int(1), Reply::Int(2)]),
        ])
    );
    // Our own DUMP of the same tensor has the same value bytes.
    let ours = c.cmd(&["DUMP", "t"]).expect("reply").bulk().to_vec();
    assert_eq!(&ours[..ours.len() - 10], &payload[..payload.len() - 10]);
}

#[test]
fn older_encvers_and_string_offsets_restore() {
    let s = Server::start();
    let mut c = s.conn();
    let data: Vec<u8> = [1.0f32, -2.0, 3.5]
        .iter()
        .flat_map(|f| f.to_le_bytes())
        .collect();
    for encver in 0..=3u64 {
        // device_type, device_id, bits, code, lanes, ndim, dims, strides, byte_offset, data
        let body = rdb::module_value(
            rdb::with_encver(rdb::TENSOR_ID_V4, encver),
            &[
                Field::U(1),
                Field::U(0),
                Field::U(32),
                Field::U(2),
                Field::U(1),
                Field::U(2),
                Field::U(1),
                Field::U(3),
                Field::U(3),
                Field::U(1),
                Field::U(0),
                Field::Str(&data),
            ],
        );
        let key = format!("v{encver}");
        let r = c
            .cmd(&[b"RESTORE", key.as_bytes(), b"0", &rdb::with_footer(body)])
            .expect("reply");
        assert!(r.is_ok(), "encver {encver}: {r:?}");
        assert_eq!(
            c.cmd(&["AI.TENSORGET", &key, "META", "VALUES"])
                .expect("reply")
                .array()[3..],
            [
                Reply::Array(vec![Reply::Int(1), Reply::Int(3)]),
                Reply::Bulk(b"values".to_vec()),
                Reply::Array(vec![
                    Reply::Bulk(b"1".to_vec()),
                    Reply::Bulk(b"-2".to_vec()),
                    Reply::Bulk(b"3.5".to_vec())
                ]),
            ]
        );
    }
    // v4 STRING: the blob plus one offset per element.
    let body = rdb::module_value(
        rdb::TENSOR_ID_V4,
        &[
            Field::U(7),
            Field::U(8),
            Field::S(1),
            Field::S(3),
            Field::Str(b"ab\0\0cde\0"),
            Field::U(0),
            Field::U(3),
            Field::U(4),
        ],
    );
    assert!(c
        .cmd(&[&b"RESTORE"[..], b"s", b"0", &rdb::with_footer(body)])
        .expect("reply")
        .is_ok());
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "s", "VALUES"]).expect("reply"),
        Reply::Array(vec![
            Reply::Bulk(b"ab".to_vec()),
            Reply::Bulk(vec![]),
            Reply::Bulk(b"cde".to_vec())
        ])
    );
    // encver 5 is from the future: refused, and logged.
    let body = rdb::module_value(rdb::with_encver(rdb::TENSOR_ID_V4, 5), &[Field::U(0)]);
    let r = c
        .cmd(&[&b"RESTORE"[..], b"future", b"0", &rdb::with_footer(body)])
        .expect("reply");
    assert!(r.is_error(), "{r:?}");
    assert!(s.log().contains("is not forward compatible"), "{}", s.log());
}

#[test]
fn corrupt_and_truncated_payloads_are_rejected_cleanly() {
    let s = Server::start();
    let mut c = s.conn();
    load_fixtures(&mut c);
    let mut rejected = 0;
    for k in KEYS {
        let payload = c.cmd(&["DUMP", k]).expect("reply").bulk().to_vec();
        let body_len = payload.len() - 10;
        // Every truncation point of the value, with a valid checksum so the
        // bytes reach the module's loader.
        for cut in 10..body_len {
            let bad = rdb::refooter(&[&payload[..cut], &[0u8; 10][..]].concat());
            let r = c
                .cmd(&[&b"RESTORE"[..], b"bad", b"0", &bad, b"REPLACE"])
                .expect("reply");
            if r.is_error() {
                rejected += 1;
            } else {
                assert!(r.is_ok(), "{r:?}");
            }
        }
    }
    assert!(
        rejected > 100,
        "only {rejected} truncated payloads were rejected"
    );
    // Semantically corrupt values: zero dims, wrong lengths, huge counts, bad dtypes.
    let corrupt: Vec<Vec<Field>> = vec![
        vec![
            Field::U(0),
            Field::U(32),
            Field::S(1),
            Field::S(0),
            Field::Str(b""),
        ],
        vec![
            Field::U(0),
            Field::U(32),
            Field::S(1),
            Field::S(2),
            Field::Str(&[0; 4]),
        ],
        vec![Field::U(0), Field::U(32), Field::S(1 << 40)],
        vec![Field::U(9), Field::U(32), Field::S(0), Field::Str(&[0; 4])],
        vec![Field::U(1), Field::U(32), Field::S(0), Field::Str(&[0; 4])],
        vec![
            Field::U(6),
            Field::U(8),
            Field::S(1),
            Field::S(1),
            Field::Str(&[7]),
        ],
        vec![
            Field::U(7),
            Field::U(8),
            Field::S(1),
            Field::S(2),
            Field::Str(b"a\0"),
            Field::U(0),
            Field::U(50),
        ],
        vec![
            Field::U(0),
            Field::U(8),
            Field::S(3),
            Field::S(1 << 30),
            Field::S(1 << 30),
            Field::S(1 << 30),
            Field::Str(b""),
        ],
    ];
    for fields in corrupt {
        let payload = rdb::with_footer(rdb::module_value(rdb::TENSOR_ID_V4, &fields));
        let r = c
            .cmd(&[&b"RESTORE"[..], b"bad", b"0", &payload, b"REPLACE"])
            .expect("reply");
        assert!(r.is_error(), "{r:?}");
    }
    assert!(s.alive());
    assert!(s.log().contains("AI_TENSOR:"), "the loader logs why");
    assert_eq!(snapshot(&mut c).len(), KEYS.len());
}

#[test]
fn replica_converges() {
    let primary = Server::start();
    let replica = Server::start();
    let mut r = replica.conn();
    replica.replicate_from(&primary);
    let mut p = primary.conn();
    load_fixtures(&mut p);
    // Overwrite and delete replicate too.
    assert!(p
        .cmd(&["AI.TENSORSET", "f", "FLOAT", "1", "VALUES", "42"])
        .expect("reply")
        .is_ok());
    assert_eq!(p.cmd(&["DEL", "zeros"]).expect("reply"), Reply::Int(1));
    assert!(p
        .cmd(&["AI.TENSORSET", "zeros", "INT32", "4", "4"])
        .expect("reply")
        .is_ok());
    assert_eq!(
        p.cmd(&["WAIT", "1", "10000"]).expect("reply"),
        Reply::Int(1)
    );
    assert_eq!(snapshot(&mut r), snapshot(&mut p));
    assert_eq!(
        r.cmd(&["DEBUG", "DIGEST"]).expect("reply"),
        p.cmd(&["DEBUG", "DIGEST"]).expect("reply")
    );
    // A replica that syncs from scratch gets the tensors through the RDB transfer.
    let late = Server::start();
    let mut l = late.conn();
    late.replicate_from(&primary);
    assert_eq!(snapshot(&mut l), snapshot(&mut p));
}
