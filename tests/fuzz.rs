//! Wire fuzzing: at least 10,000 random and mutated AI.TENSORSET,
//! AI.TENSORGET and AI.CONFIG commands, and truncated or mutated RESTORE
//! payloads (with a valid checksum, so they reach the module's loader), all
//! to one server. Every reply must be of a type the command can give, and
//! the server must still answer PING at the end.

mod common;

use common::rdb;
use common::{Reply, Rng, Server};

const DTYPES: &[&str] = &[
    "FLOAT", "DOUBLE", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "BOOL", "STRING",
    "float", "uint32", "FLOAT16", "", "X",
];
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "-1",
    "-128",
    "255",
    "65536",
    "1.5",
    "nan",
    "inf",
    "-inf",
    "1e308",
    "9223372036854775807",
    "9223372036854775808",
    "abc",
    "",
    "007",
    "+1",
];

fn width(dtype: &str) -> usize {
    match dtype.to_ascii_uppercase().as_str() {
        "DOUBLE" | "INT64" => 8,
        "FLOAT" | "INT32" => 4,
        "INT16" | "UINT16" => 2,
        _ => 1,
    }
}

fn tensorset(r: &mut Rng) -> Vec<Vec<u8>> {
    let dtype = r.pick(DTYPES);
    let mut a: Vec<Vec<u8>> = vec![
        b"AI.TENSORSET".to_vec(),
        format!("k{}", r.below(8)).into_bytes(),
        dtype.into(),
    ];
    let ndim = r.below(4) as usize;
    let dims: Vec<u64> = (0..ndim).map(|_| r.below(5)).collect();
    for d in &dims {
        a.push(if r.below(20) == 0 {
            r.pick(NUMBERS).into()
        } else {
            d.to_string().into_bytes()
        });
    }
    let n: u64 = dims
        .iter()
        .product::<u64>()
        .max(if ndim == 0 { 1 } else { 0 });
    match r.below(4) {
        0 => {}
        1 => {
            a.push(if r.below(2) == 0 {
                b"BLOB".to_vec()
            } else {
                b"blob".to_vec()
            });
            let len = if r.below(3) == 0 {
                r.below(40) as usize
            } else {
                n as usize * width(dtype)
            };
            let mut blob = if r.below(2) == 0 {
                vec![0u8; len]
            } else {
                r.bytes(len)
            };
            if dtype.eq_ignore_ascii_case("STRING") && r.below(2) == 0 {
                blob = (0..n)
                    .flat_map(|i| format!("s{i}\0").into_bytes())
                    .collect();
            }
            a.push(blob);
            if r.below(10) == 0 {
                a.push(b"extra".to_vec());
            }
        }
        _ => {
            a.push(b"VALUES".to_vec());
            let count = if r.below(4) == 0 { r.below(6) } else { n };
            for _ in 0..count {
                a.push(r.pick(NUMBERS).into());
            }
        }
    }
    if r.below(15) == 0 {
        // Mutate one token into random bytes.
        let i = 1 + r.below(a.len() as u64 - 1) as usize;
        let len = r.below(6) as usize;
        a[i] = r.bytes(len);
    }
    a
}

fn tensorget(r: &mut Rng) -> Vec<Vec<u8>> {
    let mut a: Vec<Vec<u8>> = vec![
        b"AI.TENSORGET".to_vec(),
        format!("k{}", r.below(9)).into_bytes(),
    ];
    for _ in 0..r.below(4) {
        a.push(r.pick(&["META", "BLOB", "VALUES", "meta", "x", ""]).into());
    }
    a
}

fn config(r: &mut Rng) -> Vec<Vec<u8>> {
    let mut a: Vec<Vec<u8>> = vec![b"AI.CONFIG".to_vec()];
    for _ in 0..r.below(4) {
        a.push(
            r.pick(&[
                "GET",
                "MODEL_CHUNK_SIZE",
                "BACKENDSPATH",
                "LOADBACKEND",
                "TORCH",
                "ONNX",
                "TF",
                "100",
                "0",
                "-5",
                "x",
                "/tmp/nowhere",
            ])
            .into(),
        );
    }
    a
}

fn restore(r: &mut Rng, dumps: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let d = &dumps[r.below(dumps.len() as u64) as usize];
    let body_len = d.len() - 10;
    let mut body = d[..body_len].to_vec();
    match r.below(3) {
        0 => body.truncate(r.below(body_len as u64) as usize),
        1 => {
            for _ in 0..1 + r.below(3) {
                let i = r.below(body.len() as u64) as usize;
                body[i] = r.next() as u8;
            }
        }
        _ => {
            let n = 1 + r.below(8) as usize;
            let extra = r.bytes(n);
            body.extend_from_slice(&extra);
        }
    }
    vec![
        b"RESTORE".to_vec(),
        b"fuzz".to_vec(),
        b"0".to_vec(),
        rdb::with_footer(body),
        b"REPLACE".to_vec(),
    ]
}

fn acceptable(cmd: &[u8], reply: &Reply) -> bool {
    match (cmd, reply) {
        (_, Reply::Error(e)) => !e.contains("internal error"),
        (b"AI.TENSORSET" | b"RESTORE", r) => r.is_ok(),
        (b"AI.TENSORGET", Reply::Array(_) | Reply::Bulk(_)) => true,
        (b"AI.CONFIG", Reply::Status(_) | Reply::Bulk(_) | Reply::Int(_) | Reply::Nil) => true,
        _ => false,
    }
}

#[test]
fn ten_thousand_random_commands() {
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234_u64);
    let mut r = Rng(seed);
    let s = Server::start();
    let mut c = s.conn();
    for f in [
        &[
            "AI.TENSORSET",
            "a",
            "FLOAT",
            "2",
            "2",
            "VALUES",
            "1",
            "2",
            "3",
            "4",
        ][..],
        &["AI.TENSORSET", "b", "STRING", "3", "VALUES", "x", "", "yz"][..],
        &["AI.TENSORSET", "c", "INT64", "1"][..],
    ] {
        assert!(c.cmd(f).expect("reply").is_ok());
    }
    let dumps: Vec<Vec<u8>> = ["a", "b", "c"]
        .iter()
        .map(|k| c.cmd(&["DUMP", k]).expect("reply").bulk().to_vec())
        .collect();

    let total = 12_000;
    let batch = 200;
    let mut counts = [0usize; 4];
    let (mut oks, mut errors) = (0usize, 0usize);
    for round in 0..total / batch {
        let cmds: Vec<Vec<Vec<u8>>> = (0..batch)
            .map(|_| {
                let kind = r.below(10) as usize;
                let (k, cmd) = match kind {
                    0..=4 => (0, tensorset(&mut r)),
                    5..=7 => (1, tensorget(&mut r)),
                    8 => (2, config(&mut r)),
                    _ => (3, restore(&mut r, &dumps)),
                };
                counts[k] += 1;
                cmd
            })
            .collect();
        for cmd in &cmds {
            c.send(cmd).expect("send");
        }
        c.flush().expect("flush");
        for cmd in &cmds {
            let reply = c
                .read()
                .unwrap_or_else(|e| panic!("round {round}: no reply to {cmd:?}: {e}"));
            if reply.is_error() {
                errors += 1;
            } else {
                oks += 1;
            }
            assert!(
                acceptable(&cmd[0], &reply),
                "seed {seed}: unexpected reply {reply:?} to {:?}",
                cmd.iter()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect::<Vec<_>>()
            );
        }
    }
    assert!(counts.iter().all(|&n| n > 500), "{counts:?}");
    // Both outcomes are exercised, not just the error paths.
    assert!(oks > 2000 && errors > 2000, "{oks} ok, {errors} errors");
    assert!(s.alive());
    assert_eq!(
        c.cmd(&["PING"]).expect("reply"),
        Reply::Status("PONG".into())
    );
}
