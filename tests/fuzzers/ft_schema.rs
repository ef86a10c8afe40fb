//! The FT.* generators, schemas (tests/ft_fuzz.rs, tests/fuzz_all.rs):
//! FT.CREATE/FT.ALTER with hostile fields, FT.INFO/_LIST/TAGVALS/DROPINDEX,
//! the byte- and argument-level mutation, and the reply check.

use super::ft::{INDEXES, POOL, WORDS};
use crate::common;
use crate::common::fuzzgen::{hostile, number, Cmd};
use crate::common::{Reply, Rng};

/// One schema field, sometimes with hostile numbers.
pub fn field(r: &mut Rng, a: &mut Cmd) {
    let name = if r.below(20) == 0 {
        r.pick(&["$.v", "é", "", "d", "t"])
    } else {
        r.pick(&["f1", "f2", "f3", "w", "x", "v2", "t", "tag", "n", "v"])
    };
    a.push(name.as_bytes().to_vec());
    if r.below(6) == 0 {
        a.extend(common::args(&["AS", r.pick(&["alias", "al2", "al3"])]));
    }
    match r.below(7) {
        0 => {
            a.push(b"TEXT".to_vec());
            for _ in 0..r.below(3) {
                match r.below(5) {
                    0 => {
                        a.push(b"WEIGHT".to_vec());
                        a.push(number(r, &["1", "2.5", "0"], 10));
                    }
                    1 => a.push(r.pick(&["NOSTEM", "SORTABLE", "UNF", "NOINDEX"]).into()),
                    2 => a.push(
                        r.pick(&["INDEXEMPTY", "INDEXMISSING", "WITHSUFFIXTRIE"])
                            .into(),
                    ),
                    3 => a.extend(common::args(&["PHONETIC", r.pick(&["dm:en", "x"])])),
                    _ => {}
                }
            }
        }
        1 => {
            a.push(b"TAG".to_vec());
            for _ in 0..r.below(3) {
                match r.below(4) {
                    0 => a.extend(common::args(&[
                        "SEPARATOR",
                        r.pick(&[",", "|", ";", ",", "ab"]),
                    ])),
                    1 => a.push(r.pick(&["CASESENSITIVE", "SORTABLE", "INDEXEMPTY"]).into()),
                    2 => a.push(
                        r.pick(&["INDEXMISSING", "NOINDEX", "WITHSUFFIXTRIE"])
                            .into(),
                    ),
                    _ => {}
                }
            }
        }
        2 => {
            a.push(b"NUMERIC".to_vec());
            if r.below(2) == 0 {
                a.push(r.pick(&["SORTABLE", "NOINDEX", "INDEXMISSING"]).into());
            }
        }
        3 if r.below(4) == 0 => a.push(r.pick(&["GEO", "GEOSHAPE", "VECTOR", "BLOB", ""]).into()),
        3 => a.push(b"TAG".to_vec()),
        _ => {
            a.push(b"VECTOR".to_vec());
            let algo = if r.below(15) == 0 {
                r.pick(&["SVS-VAMANA", "x", ""])
            } else {
                r.pick(&["FLAT", "HNSW", "hnsw", "flat"])
            };
            a.push(algo.into());
            let mut attrs: Vec<Vec<u8>> = Vec::new();
            let mut kv = |k: &str, v: Vec<u8>| {
                attrs.push(k.as_bytes().to_vec());
                attrs.push(v);
            };
            if r.below(12) != 0 {
                kv(
                    "TYPE",
                    if r.below(15) == 0 {
                        r.pick(&["INT8", "X", ""]).into()
                    } else {
                        r.pick(&["FLOAT32", "FLOAT64", "FLOAT16", "BFLOAT16", "float32"])
                            .into()
                    },
                );
            }
            if r.below(12) != 0 {
                kv("DIM", number(r, &["4", "1", "128"], 12));
            }
            if r.below(12) != 0 {
                kv(
                    "DISTANCE_METRIC",
                    r.pick(&["L2", "IP", "COSINE", "cosine", "L2", "IP", "L1"])
                        .into(),
                );
            }
            let hnsw = algo.eq_ignore_ascii_case("HNSW");
            for _ in 0..r.below(4) {
                let k = if r.below(15) == 0 {
                    r.pick(&["M", "BLOCK_SIZE", "NOPE", "TYPE"])
                } else if hnsw {
                    r.pick(&[
                        "M",
                        "EF_CONSTRUCTION",
                        "EF_RUNTIME",
                        "EPSILON",
                        "INITIAL_CAP",
                    ])
                } else {
                    r.pick(&["INITIAL_CAP", "BLOCK_SIZE"])
                };
                let v = match k {
                    "EPSILON" => number(r, &["0.01", "0.5"], 12),
                    "M" => number(r, &["16", "4", "64"], 12),
                    _ => number(r, &["200", "10", "1024", "2"], 12),
                };
                kv(k, v);
            }
            a.push(if r.below(15) == 0 {
                hostile(r)
            } else {
                attrs.len().to_string().into_bytes()
            });
            a.extend(attrs);
        }
    }
}

pub fn create_cmd(r: &mut Rng) -> Cmd {
    let mut a: Cmd = vec![b"FT.CREATE".to_vec(), r.pick(POOL).into()];
    for _ in 0..r.below(4) {
        match r.below(12) {
            0 => a.extend(common::args(&[
                "ON",
                r.pick(&["HASH", "hash", "HASH", "JSON"]),
            ])),
            1 | 2 => {
                let p: Vec<&str> = (0..r.below(3))
                    .map(|_| r.pick(&["doc:", "m:", "", "nothing:", "d"]))
                    .collect();
                a.push(b"PREFIX".to_vec());
                a.push(number(r, &[p.len().to_string().as_str()], 15));
                a.extend(p.iter().map(|x| x.as_bytes().to_vec()));
            }
            3 => a.extend(common::args(&["FILTER", "@n > 3"])),
            4 => a.extend(common::args(&[
                "LANGUAGE",
                r.pick(&["english", "german", "x"]),
            ])),
            5 => {
                a.push(b"SCORE".to_vec());
                a.push(number(r, &["1.0", "0.5"], 10));
            }
            6 => {
                a.push(b"STOPWORDS".to_vec());
                if r.below(4) == 0 {
                    a.push(number(r, &["0"], 6));
                } else {
                    a.extend(common::args(&["2", "the", "a"]));
                }
            }
            7 => a.push(b"SKIPINITIALSCAN".to_vec()),
            8 => {
                a.push(b"TEMPORARY".to_vec());
                a.push(number(r, &["100"], 10));
            }
            9 => a.push(
                r.pick(&["NOOFFSETS", "NOHL", "NOFIELDS", "NOFREQS", "MAXTEXTFIELDS"])
                    .into(),
            ),
            10 => a.extend(common::args(&[
                r.pick(&["LANGUAGE_FIELD", "SCORE_FIELD", "PAYLOAD_FIELD"]),
                "f",
            ])),
            _ => {}
        }
    }
    if r.below(15) != 0 {
        a.push(b"SCHEMA".to_vec());
    }
    for _ in 0..=r.below(4) {
        field(r, &mut a);
    }
    a
}

pub fn alter_cmd(r: &mut Rng) -> Cmd {
    let target = if r.below(10) == 0 {
        r.pick(INDEXES)
    } else {
        r.pick(POOL)
    };
    let mut a: Cmd = common::args(&["FT.ALTER", target]);
    if r.below(4) == 0 {
        a.push(b"SKIPINITIALSCAN".to_vec());
    }
    if r.below(12) != 0 {
        a.extend(common::args(&["SCHEMA", "ADD"]));
    }
    for _ in 0..=r.below(2) {
        field(r, &mut a);
    }
    a
}

pub fn small_cmd(r: &mut Rng) -> Cmd {
    let any = |r: &mut Rng| -> Vec<u8> {
        if r.below(2) == 0 {
            r.pick(INDEXES).into()
        } else {
            r.pick(POOL).into()
        }
    };
    match r.below(6) {
        0 => vec![b"FT.INFO".to_vec(), any(r)],
        1 => vec![b"FT._LIST".to_vec()],
        2 => vec![
            b"FT.TAGVALS".to_vec(),
            any(r),
            r.pick(&["tag", "t", "n", "v", "nope"]).into(),
        ],
        // Only the pool is dropped (DD would take the fixtures' hashes).
        _ => vec![b"FT.DROPINDEX".to_vec(), r.pick(POOL).into()],
    }
}

/// Damages a command: its query bytes, its arguments, or both.
pub fn mutate(r: &mut Rng, a: &mut Cmd) {
    for _ in 0..=r.below(3) {
        let i = 1 + r.below(a.len() as u64 - 1) as usize;
        match r.below(12) {
            // Bytes of one argument (the query most often).
            0..=4 => {
                let i = if r.below(2) == 0 && a.len() > 2 { 2 } else { i };
                let arg = &mut a[i];
                let at = r.below(arg.len() as u64 + 1) as usize;
                match r.below(6) {
                    0 => {
                        let b = r.pick(WORDS).as_bytes().to_vec();
                        arg.splice(at..at, b);
                    }
                    1 => {
                        let b = r.next() as u8;
                        arg.insert(at, b);
                    }
                    2 if at < arg.len() => {
                        let end = (at + 1 + r.below(8) as usize).min(arg.len());
                        arg.drain(at..end);
                    }
                    3 if at < arg.len() => arg[at] = r.next() as u8,
                    4 => {
                        arg.splice(at..at, [0u8, 0xff, 0xc3]);
                    }
                    _ => {
                        let h = hostile(r);
                        arg.splice(at..at, h);
                    }
                }
            }
            5 => {
                a.remove(i);
                if a.len() < 2 {
                    return;
                }
            }
            6 => {
                let x = a[i].clone();
                a.insert(i, x);
            }
            7 => {
                let j = 1 + r.below(a.len() as u64 - 1) as usize;
                a.swap(i, j);
            }
            8 => a[i] = hostile(r),
            9 => a.insert(i, r.pick(WORDS).into()),
            10 => a.truncate(i.max(2)),
            _ => {
                let n = r.below(40) as usize;
                a[i] = r.bytes(n);
            }
        }
    }
}

/// A reply that is not an error must have the command's shape.
pub fn ft_check(cmd: &[Vec<u8>], reply: &Reply) -> Result<(), String> {
    let name = String::from_utf8_lossy(&cmd[0]).to_ascii_uppercase();
    let ok = match (name.as_str(), reply) {
        (_, Reply::Error(_)) => true,
        ("FT.SEARCH", Reply::Array(a)) => {
            matches!(a.first(), Some(Reply::Int(n)) if *n >= 0)
        }
        ("FT.AGGREGATE", Reply::Array(a)) => {
            matches!(
                a.first(),
                Some(Reply::Int(n)) if *n >= 0
            ) || matches!(a.first(), Some(Reply::Array(_)))
        }
        ("FT.CREATE" | "FT.ALTER" | "FT.DROPINDEX", r) => r.is_ok(),
        ("FT.INFO" | "FT._LIST" | "FT.TAGVALS", Reply::Array(_)) => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected reply {reply:?}"))
    }
}
