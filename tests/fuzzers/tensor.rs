//! The tensor generators (tests/fuzz.rs, tests/fuzz_all.rs): random,
//! mutated and hostile AI.TENSORSET (shapes and value counts at every
//! integer boundary), AI.TENSORGET, AI.CONFIG, tensor-only AI.DAGEXECUTE
//! (LOAD/PERSIST counts, long op chains) and RESTORE of AI_TENSOR DUMP
//! payloads mutated item by item with the footer's CRC-64 recomputed.

use crate::common::fuzzgen::{self, hostile, mutate_dump, number, Cmd};
use crate::common::{Conn, Reply, Rng};

pub const DTYPES: &[&str] = &[
    "FLOAT", "DOUBLE", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "BOOL", "STRING",
    "float", "uint32", "FLOAT16", "", "X",
];
pub const VALUES: &[&str] = &[
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
pub const DIMS: &[&str] = &["1", "2", "3", "4"];
/// A zero-filled tensor larger than this is not worth allocating: such
/// commands get a VALUES clause, which fails on its count first.
pub const MAX_ZERO_FILL: u128 = 64 << 20;

pub fn width(dtype: &[u8]) -> u128 {
    match dtype.to_ascii_uppercase().as_slice() {
        b"DOUBLE" | b"INT64" => 8,
        b"FLOAT" | b"INT32" => 4,
        b"INT16" | b"UINT16" => 2,
        _ => 1,
    }
}

/// The bytes a TENSORSET whose dims are `dims` would zero-fill, if they all
/// parse as positive integers.
pub fn zero_fill(dtype: &[u8], dims: &[Vec<u8>]) -> Option<u128> {
    dims.iter().try_fold(width(dtype), |acc, d| {
        let n: u128 = std::str::from_utf8(d).ok()?.parse().ok()?;
        (n > 0).then(|| acc.saturating_mul(n))
    })
}

/// `<dtype> <dims…> [BLOB b | VALUES v…]`: the arguments after the key.
pub fn tensor_body(r: &mut Rng) -> Cmd {
    let dtype = r.pick(DTYPES).as_bytes().to_vec();
    let ndim = r.below(5) as usize;
    let dims: Vec<Vec<u8>> = (0..ndim)
        .map(|_| {
            let odds = if r.below(4) == 0 { 2 } else { 25 };
            number(r, DIMS, odds)
        })
        .collect();
    let n: u128 = dims
        .iter()
        .map(|d| {
            std::str::from_utf8(d)
                .ok()
                .and_then(|s| s.parse::<u128>().ok())
                .unwrap_or(1)
        })
        .fold(1u128, |a, b| a.saturating_mul(b));
    let small = n <= 4096;
    let mut a = vec![dtype.clone()];
    a.extend(dims.iter().cloned());
    let mut data = true;
    match r.below(4) {
        0 => data = false,
        1 => {
            a.push(if r.below(2) == 0 {
                b"BLOB".to_vec()
            } else {
                b"blob".to_vec()
            });
            let len = if r.below(3) == 0 || !small {
                r.below(64) as usize
            } else {
                n as usize * width(&dtype) as usize
            };
            let mut blob = if r.below(2) == 0 {
                vec![0u8; len]
            } else {
                r.bytes(len)
            };
            if dtype.eq_ignore_ascii_case(b"STRING") && r.below(2) == 0 && small {
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
            let count = if r.below(4) == 0 || !small {
                r.below(6) as u128
            } else {
                n
            };
            for _ in 0..count {
                a.push(if r.below(8) == 0 {
                    hostile(r)
                } else {
                    r.pick(VALUES).as_bytes().to_vec()
                });
            }
        }
    }
    if !data && zero_fill(&dtype, &dims).is_some_and(|b| b > MAX_ZERO_FILL) {
        a.extend([b"VALUES".to_vec(), b"1".to_vec()]);
    }
    if r.below(15) == 0 {
        // One token replaced by random bytes.
        let i = r.below(a.len() as u64) as usize;
        let len = r.below(6) as usize;
        a[i] = r.bytes(len);
        // Still never a huge zero fill: the data keyword may be gone now.
        if !a
            .iter()
            .any(|t| t.eq_ignore_ascii_case(b"VALUES") || t.eq_ignore_ascii_case(b"BLOB"))
            && zero_fill(&a[0], &a[1..]).is_some_and(|b| b > MAX_ZERO_FILL)
        {
            a.extend([b"VALUES".to_vec(), b"1".to_vec()]);
        }
    }
    a
}

pub fn tensorset(r: &mut Rng) -> Cmd {
    let mut a = vec![
        b"AI.TENSORSET".to_vec(),
        format!("k{}", r.below(8)).into_bytes(),
    ];
    a.extend(tensor_body(r));
    a
}

pub fn tensorget(r: &mut Rng) -> Cmd {
    let keys = ["k0", "k1", "k2", "k3", "a", "b", "c", "fuzz", "none"];
    let mut a: Cmd = vec![b"AI.TENSORGET".to_vec(), r.pick(&keys).into()];
    for _ in 0..r.below(4) {
        a.push(r.pick(&["META", "BLOB", "VALUES", "meta", "x", ""]).into());
    }
    a
}

pub fn config(r: &mut Rng) -> Cmd {
    let mut a: Cmd = vec![b"AI.CONFIG".to_vec()];
    match r.below(3) {
        0 => {
            a.push(b"MODEL_CHUNK_SIZE".to_vec());
            a.push(hostile(r));
        }
        1 => {
            a.push(b"INLINE_RUN_THRESHOLD".to_vec());
            a.push(hostile(r));
        }
        _ => {
            for _ in 0..r.below(4) {
                a.push(
                    r.pick(&[
                        "GET",
                        "MODEL_CHUNK_SIZE",
                        "BACKENDSPATH",
                        "LOADBACKEND",
                        "INLINE_RUN_THRESHOLD",
                        "TORCH",
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
        }
    }
    a
}

/// A tensor-only DAG: hostile LOAD/PERSIST counts, many ops, TIMEOUTs.
pub fn dag(r: &mut Rng) -> Cmd {
    let mut a: Cmd = vec![r
        .pick(&[
            "AI.DAGEXECUTE",
            "AI.DAGEXECUTE_RO",
            "AI.DAGRUN",
            "AI.DAGRUN_RO",
        ])
        .into()];
    let keys = ["a", "b", "c", "k0", "k1", "none", "o"];
    for _ in 0..r.below(3) {
        match r.below(4) {
            0 | 1 => {
                a.push(r.pick(&["LOAD", "PERSIST"]).into());
                let n = r.below(4);
                a.push(if r.below(3) == 0 {
                    hostile(r)
                } else {
                    n.to_string().into_bytes()
                });
                for _ in 0..n {
                    a.push(r.pick(&keys).into());
                }
            }
            2 => a.extend([b"ROUTING".to_vec(), r.pick(&keys).into()]),
            _ => a.extend([b"TIMEOUT".to_vec(), hostile(r)]),
        }
    }
    let ops = match r.below(10) {
        0 => [1_000usize, 1_024, 1_025, 5_000][r.below(4) as usize],
        _ => r.below(5) as usize,
    };
    for i in 0..ops {
        a.push(b"|>".to_vec());
        let out = if ops > 8 {
            format!("t{}", i % 4)
        } else {
            r.pick(&keys).to_string()
        };
        match r.below(3) {
            0 if ops <= 8 => {
                a.push(b"AI.TENSORSET".to_vec());
                a.push(out.into_bytes());
                a.extend(tensor_body(r));
            }
            0 | 1 => a.extend([
                b"AI.TENSORSET".to_vec(),
                out.into_bytes(),
                b"INT8".to_vec(),
                b"1".to_vec(),
                b"VALUES".to_vec(),
                b"7".to_vec(),
            ]),
            _ => {
                a.extend([b"AI.TENSORGET".to_vec(), out.into_bytes()]);
                if r.below(2) == 0 {
                    a.push(r.pick(&["META", "VALUES", "BLOB"]).into());
                }
            }
        }
    }
    a
}

pub fn restore(r: &mut Rng, dumps: &[Vec<u8>]) -> Cmd {
    let d = &dumps[r.below(dumps.len() as u64) as usize];
    let payload = if r.below(8) == 0 {
        // Byte damage anywhere before the footer, which is then fixed.
        let mut body = d[..d.len() - 10].to_vec();
        match r.below(3) {
            0 => body.truncate(r.below(body.len() as u64) as usize),
            1 => {
                for _ in 0..1 + r.below(3) {
                    let i = r.below(body.len() as u64) as usize;
                    body[i] = r.next() as u8;
                }
            }
            _ => {
                let extra = {
                    let n = 1 + r.below(8) as usize;
                    r.bytes(n)
                };
                body.extend_from_slice(&extra);
            }
        }
        fuzzgen::footer(body, [d[d.len() - 10], d[d.len() - 9]])
    } else {
        mutate_dump(r, d, false)
    };
    vec![
        b"RESTORE".to_vec(),
        b"fuzz".to_vec(),
        b"0".to_vec(),
        payload,
        b"REPLACE".to_vec(),
    ]
}

pub fn check(cmd: &[Vec<u8>], reply: &Reply) -> Result<(), String> {
    let ok = match (cmd[0].as_slice(), reply) {
        (_, Reply::Error(_)) => true,
        (b"AI.TENSORSET" | b"RESTORE", r) => r.is_ok(),
        (b"AI.TENSORGET", Reply::Array(_) | Reply::Bulk(_)) => true,
        (b"AI.CONFIG", Reply::Status(_) | Reply::Bulk(_) | Reply::Int(_) | Reply::Nil) => true,
        (d, Reply::Array(_)) if d.starts_with(b"AI.DAG") => true,
        (d, Reply::Status(s)) if d.starts_with(b"AI.DAG") => s == "TIMEDOUT",
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected reply {reply:?}"))
    }
}

/// The tensors whose DUMPs are mutated: every dtype, a scalar, STRING.
pub fn setup(c: &mut Conn) {
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
        &["AI.TENSORSET", "d", "BOOL", "2", "VALUES", "1", "0"][..],
        &[
            "AI.TENSORSET",
            "e",
            "UINT16",
            "1",
            "3",
            "VALUES",
            "1",
            "2",
            "3",
        ][..],
        &["AI.TENSORSET", "f", "DOUBLE", "VALUES", "2.5"][..],
        &[
            "AI.TENSORSET",
            "g",
            "INT8",
            "2",
            "1",
            "1",
            "VALUES",
            "-1",
            "1",
        ][..],
    ] {
        let r = c.cmd(f).expect("reply");
        assert!(r.is_ok(), "{f:?}: {r:?}");
    }
}
