//! The vector generators (tests/vector_persistence.rs, tests/fuzz_all.rs):
//! random and hostile AI.V* commands (COUNT, EF, FILTER-EF, VRANDMEMBER
//! counts at integer boundaries, FILTERs and JSON nested thousands deep)
//! and RESTORE of AI_VECSET payloads mutated item by item, with the CRC-64
//! footer and the graph checksum recomputed.

use crate::common;
use crate::common::fuzzgen::{self, hostile, number, Cmd};
use crate::common::vec::{random_vectors, vadd_all};
use crate::common::{Conn, Reply, Rng};

pub const WORDS: &[&str] = &[
    "AI.VADD",
    "AI.VSIM",
    "AI.VREM",
    "AI.VEMB",
    "AI.VINFO",
    "AI.VSETATTR",
    "AI.VGETATTR",
    "AI.VRANDMEMBER",
    "AI.VCARD",
    "AI.VDIM",
    "AI.VISMEMBER",
    "FP32",
    "VALUES",
    "TENSOR",
    "RAW",
    "ELE",
    "METRIC",
    "QUANT",
    "M",
    "EF",
    "SETATTR",
    "COUNT",
    "EPSILON",
    "WITHSCORES",
    "WITHATTRIBS",
    "FILTER",
    "FILTER-EF",
    "TRUTH",
    "NOTHREAD",
    "COSINE",
    "L2",
    "IP",
    "F16",
    "I8",
    "BF16",
    "0",
    "1",
    "2",
    "3",
    "-1",
    "4",
    "16",
    "1000000",
    "nan",
    "1e400",
    "k",
    "e1",
    "t",
    ".a > 1",
    "(",
    "{\"a\":2}",
    "",
];

/// Keys the vector fuzz writes and reads: the fixtures, a RESTORE target,
/// fresh ones, and a tensor (a WRONGTYPE for the vector commands).
pub const VKEYS: &[&str] = &["k", "k", "k", "kq", "kl", "m", "n1", "n2", "t", "none"];

pub fn pick_key(r: &mut Rng) -> Vec<u8> {
    r.pick(VKEYS).as_bytes().to_vec()
}

pub fn element(r: &mut Rng) -> Vec<u8> {
    match r.below(20) {
        0 => Vec::new(),
        1 => {
            let n = 1 + r.below(40) as usize;
            r.bytes(n)
        }
        _ => format!("e{}", r.below(260)).into_bytes(),
    }
}

/// JSON for SETATTR: valid, broken, or nested thousands deep.
pub fn json(r: &mut Rng) -> Vec<u8> {
    let n = [10usize, 200, 1_000, 10_000, 100_000][r.below(5) as usize];
    match r.below(14) {
        0 => format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes(),
        1 => format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n)).into_bytes(),
        2 => "[".repeat(n).into_bytes(),
        3 => b"{bad".to_vec(),
        4 => Vec::new(),
        5 => format!(r#"{{"a":{}}}"#, String::from_utf8_lossy(&hostile(r))).into_bytes(),
        _ => format!(
            r#"{{"a":{},"b":"{}","year":{},"tags":["x","y"]}}"#,
            r.below(10),
            r.pick(&["x", "y", ""]),
            1990 + r.below(40)
        )
        .into_bytes(),
    }
}

/// A vector argument (`FP32 b`, `VALUES n …`, `TENSOR k`, `RAW b norm`,
/// `ELE e`), mostly of the fixtures' dimension 4.
pub fn vector(r: &mut Rng, out: &mut Cmd, ele: bool) {
    let dim = match r.below(12) {
        0 => r.below(9) as usize,
        1 => [1usize, 1_024, 65_536, 65_537][r.below(4) as usize],
        _ => DIM_FUZZ,
    };
    match r.below(if ele { 6 } else { 5 }) {
        0 | 1 => {
            let v: Vec<f32> = (0..dim).map(|_| r.below(200) as f32 / 50.0 - 2.0).collect();
            let mut b = common::vec::blob(&v);
            if r.below(15) == 0 {
                b.truncate(r.below(b.len() as u64 + 1) as usize);
            }
            if r.below(20) == 0 && b.len() >= 4 {
                b[..4].copy_from_slice(&f32::NAN.to_le_bytes());
            }
            out.extend([b"FP32".to_vec(), b]);
        }
        2 => {
            out.push(b"VALUES".to_vec());
            let n = if r.below(8) == 0 {
                hostile(r)
            } else {
                (dim.min(16)).to_string().into_bytes()
            };
            out.push(n);
            for _ in 0..dim.min(16) {
                out.push(number(r, &["0", "1", "-1", "0.5", "2"], 16));
            }
        }
        3 => out.extend([
            b"TENSOR".to_vec(),
            r.pick(&["t", "t1", "ts", "none", "k"]).into(),
        ]),
        4 => {
            let len = [0usize, 3, 4 * DIM_FUZZ, 2 * DIM_FUZZ, DIM_FUZZ, 17][r.below(6) as usize];
            out.extend([
                b"RAW".to_vec(),
                r.bytes(len),
                number(r, &["1", "0.5", "0"], 3),
            ]);
        }
        _ => out.extend([b"ELE".to_vec(), element(r)]),
    }
}

pub const DIM_FUZZ: usize = 4;

pub fn vadd_cmd(r: &mut Rng) -> Cmd {
    let mut a: Cmd = vec![b"AI.VADD".to_vec(), pick_key(r)];
    vector(r, &mut a, false);
    a.push(element(r));
    for _ in 0..r.below(4) {
        match r.below(10) {
            0 => a.extend([b"M".to_vec(), number(r, &["4", "8", "16"], 4)]),
            1 => a.extend([b"EF".to_vec(), number(r, &["1", "64", "200"], 4)]),
            2 => a.extend([
                b"METRIC".to_vec(),
                r.pick(&["COSINE", "L2", "IP", "x"]).into(),
            ]),
            3 => a.extend([
                b"QUANT".to_vec(),
                r.pick(&["F32", "F16", "BF16", "I8", "BIN", "x"]).into(),
            ]),
            4..=6 => a.extend([b"SETATTR".to_vec(), json(r)]),
            7 => a.push(r.pick(&["CAS", "NOQUANT", "Q8", "BIN", "REDUCE"]).into()),
            8 => a.push(r.pick(WORDS).into()),
            _ => {}
        }
    }
    a
}

pub fn vsim_cmd(r: &mut Rng) -> Cmd {
    let mut a: Cmd = vec![b"AI.VSIM".to_vec(), pick_key(r)];
    vector(r, &mut a, true);
    for _ in 0..r.below(6) {
        match r.below(16) {
            0..=2 => a.extend([b"COUNT".to_vec(), number(r, &["1", "3", "10", "50"], 4)]),
            3 => a.extend([b"EF".to_vec(), number(r, &["10", "100", "500"], 4)]),
            4 => a.extend([b"EPSILON".to_vec(), number(r, &["0.1", "0.5", "2"], 4)]),
            5 | 6 => a.extend([b"FILTER".to_vec(), fuzzgen::filter(r, 4).into_bytes()]),
            7 => a.extend([b"FILTER".to_vec(), fuzzgen::deep_filter(r)]),
            8 => a.extend([b"FILTER-EF".to_vec(), number(r, &["0", "10", "1000"], 4)]),
            9 | 10 => a.push(r.pick(&["WITHSCORES", "WITHATTRIBS"]).into()),
            11 | 12 => a.push(r.pick(&["TRUTH", "NOTHREAD"]).into()),
            13 => a.push(r.pick(WORDS).into()),
            _ => {}
        }
    }
    a
}

pub fn small_cmd(r: &mut Rng) -> Cmd {
    let key = pick_key(r);
    match r.below(10) {
        0 | 1 => vec![b"AI.VREM".to_vec(), key, element(r)],
        2 => vec![b"AI.VSETATTR".to_vec(), key, element(r), json(r)],
        3 => vec![b"AI.VGETATTR".to_vec(), key, element(r)],
        4 => {
            let mut a = vec![b"AI.VEMB".to_vec(), key, element(r)];
            if r.below(2) == 0 {
                a.push(r.pick(&["RAW", "raw", "x"]).into());
            }
            a
        }
        5 => {
            let mut a = vec![b"AI.VRANDMEMBER".to_vec(), key];
            if r.below(5) != 0 {
                a.push(number(r, &["1", "3", "-3", "0", "300", "-300"], 2));
            }
            a
        }
        6 => vec![b"AI.VISMEMBER".to_vec(), key, element(r)],
        7 => vec![r.pick(&["AI.VCARD", "AI.VDIM", "AI.VINFO"]).into(), key],
        _ => {
            // Token soup.
            let mut a = vec![r.pick(&WORDS[..11]).as_bytes().to_vec(), key];
            for _ in 0..r.below(9) {
                a.push(match r.below(5) {
                    0 => {
                        let n = r.below(20) as usize;
                        r.bytes(n)
                    }
                    1 => hostile(r),
                    _ => r.pick(WORDS).as_bytes().to_vec(),
                });
            }
            a
        }
    }
}

pub fn restore_cmd(r: &mut Rng, dumps: &[Vec<u8>]) -> Cmd {
    let d = &dumps[r.below(dumps.len() as u64) as usize];
    let payload = if r.below(3) == 0 {
        fuzzgen::mutate_vecset_graph(r, d)
    } else {
        fuzzgen::mutate_dump(r, d, true)
    };
    vec![
        b"RESTORE".to_vec(),
        b"m".to_vec(),
        b"0".to_vec(),
        payload,
        b"REPLACE".to_vec(),
    ]
}

pub fn vcheck(cmd: &[Vec<u8>], reply: &Reply) -> Result<(), String> {
    let name = cmd[0].as_slice();
    let ok = match (name, reply) {
        (_, Reply::Error(_)) => true,
        (b"RESTORE", r) => r.is_ok(),
        (b"AI.VADD" | b"AI.VREM" | b"AI.VSETATTR" | b"AI.VISMEMBER", Reply::Int(0 | 1)) => true,
        (b"AI.VSIM", Reply::Array(_)) => true,
        (b"AI.VCARD" | b"AI.VDIM", Reply::Int(n)) => *n >= 0,
        (b"AI.VEMB" | b"AI.VINFO", Reply::Array(_) | Reply::Nil) => true,
        (b"AI.VGETATTR", Reply::Bulk(_) | Reply::Nil) => true,
        (b"AI.VRANDMEMBER", Reply::Bulk(_) | Reply::Nil | Reply::Array(_)) => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected reply {reply:?}"))
    }
}

pub fn vsetup(c: &mut Conn) {
    let data = random_vectors(200, DIM_FUZZ, 1);
    vadd_all(c, "k", &data, &[]);
    for i in (0..200).step_by(3) {
        let attrs = format!(r#"{{"a":{},"b":"x","year":{}}}"#, i % 10, 1990 + i % 40);
        let r = c
            .cmd(&["AI.VSETATTR", "k", &format!("e{i}"), &attrs])
            .expect("r");
        assert_eq!(r, Reply::Int(1));
    }
    vadd_all(c, "kq", &data[..60], &["QUANT", "I8"]);
    vadd_all(
        c,
        "kl",
        &data[..60],
        &["METRIC", "L2", "QUANT", "F16", "M", "4"],
    );
    for f in [
        &[
            "AI.TENSORSET",
            "t",
            "FLOAT",
            "2",
            "4",
            "VALUES",
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "8",
        ][..],
        &[
            "AI.TENSORSET",
            "t1",
            "INT8",
            "4",
            "VALUES",
            "1",
            "-2",
            "3",
            "4",
        ][..],
        &[
            "AI.TENSORSET",
            "ts",
            "STRING",
            "4",
            "VALUES",
            "a",
            "b",
            "c",
            "d",
        ][..],
    ] {
        assert!(c.cmd(f).expect("r").is_ok());
    }
}
