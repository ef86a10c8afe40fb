//! The FT.* generators, hybrid queries and writes (tests/fuzz_all.rs):
//! FT.HYBRID lines as redis-py and redisvl send them, with hostile K,
//! WINDOW, RADIUS, CONSTANT, ALPHA and clause counts, and writes into the
//! indexed prefixes (`doc:`, `m:`) that the keyspace tracking sees: HSETs
//! with vectors of the wrong size, NaN, hostile numbers and non-UTF-8
//! text, HDEL, DEL, EXPIRE, RENAME and COPY in and out of the prefixes,
//! MOVE to another database.

use super::ft::{deep_query, f16_blob, f32_blob, push_params, query, DIM, DOCS, TAGS, TEXTS};
use crate::common;
use crate::common::fuzzgen::{hostile, number, Cmd};
use crate::common::{Reply, Rng};

/// The SEARCH half: a text query (a KNN one is refused), sometimes deep.
fn search_half(r: &mut Rng, a: &mut Cmd) {
    a.push(b"SEARCH".to_vec());
    a.push(match r.below(10) {
        0 => deep_query(r),
        1 | 2 => query(r),
        _ => r
            .pick(&[
                "(~@t:(hello | world))",
                "@t:hello",
                "*",
                "(@tag:{a|b})",
                "-@tag:{c}",
                "@n:[10 40]",
                "hello",
                "(~@title:(hello))",
                "",
            ])
            .into(),
    });
    if r.below(4) == 0 {
        a.extend(common::args(&[
            "SCORER",
            r.pick(&["BM25STD", "BM25", "TFIDF", "x"]),
        ]));
    }
    if r.below(4) == 0 {
        a.extend(common::args(&["YIELD_SCORE_AS", r.pick(&["ts", "d", ""])]));
    }
}

/// `<KW> <n> <k v>…`: mostly the right count, sometimes a hostile one.
fn clause(r: &mut Rng, a: &mut Cmd, head: &[&str], kv: Vec<Vec<u8>>) {
    a.extend(common::args(head));
    a.push(if r.below(8) == 0 {
        hostile(r)
    } else {
        kv.len().to_string().into_bytes()
    });
    a.extend(kv);
}

/// The VSIM half: KNN or RANGE, FILTER, YIELD_SCORE_AS.
fn vsim_half(r: &mut Rng, a: &mut Cmd) {
    a.push(b"VSIM".to_vec());
    a.push(r.pick(&["@v", "@v", "@v16", "@vec", "@t", "@nope"]).into());
    a.push(match r.below(10) {
        0 => f32_blob(r, DIM),
        1 => {
            let n = r.below(40) as usize;
            r.bytes(n)
        }
        _ => r.pick(&["$B", "$B", "$H", "$nope", "B"]).into(),
    });
    match r.below(4) {
        0 => {
            let mut kv = vec![b"K".to_vec(), number(r, &["5", "10", "1", "0"], 4)];
            if r.below(3) == 0 {
                kv.extend([b"EF_RUNTIME".to_vec(), number(r, &["10", "100"], 4)]);
            }
            clause(r, a, &["KNN"], kv);
        }
        1 => {
            let mut kv = vec![b"RADIUS".to_vec(), number(r, &["0.5", "2", "0"], 4)];
            if r.below(3) == 0 {
                kv.extend([b"EPSILON".to_vec(), number(r, &["0.01", "0.5"], 4)]);
            }
            clause(r, a, &["RANGE"], kv);
        }
        _ => {}
    }
    if r.below(3) == 0 {
        a.push(b"FILTER".to_vec());
        a.push(if r.below(8) == 0 {
            deep_query(r)
        } else {
            r.pick(&["@tag:{a}", "@n:[0 30]", "*", "-@tag:{b}", "(", "@v:[1 2]"])
                .into()
        });
    }
    if r.below(4) == 0 {
        a.extend(common::args(&[
            "YIELD_SCORE_AS",
            r.pick(&["vs", "d", "ts"]),
        ]));
    }
}

fn combine(r: &mut Rng, a: &mut Cmd) {
    if r.below(2) == 0 {
        let mut kv = vec![b"CONSTANT".to_vec(), number(r, &["60", "1", "0"], 4)];
        if r.below(2) == 0 {
            kv.extend([b"WINDOW".to_vec(), number(r, &["20", "1", "1000000"], 4)]);
        }
        clause(r, a, &["COMBINE", "RRF"], kv);
    } else {
        let mut kv = vec![
            b"ALPHA".to_vec(),
            number(r, &["0.3", "1", "0"], 4),
            b"BETA".to_vec(),
            number(r, &["0.7", "0", "-1"], 4),
        ];
        if r.below(2) == 0 {
            kv.extend([b"WINDOW".to_vec(), number(r, &["20", "3"], 4)]);
        }
        let method = if r.below(12) == 0 { "BORDA" } else { "LINEAR" };
        clause(r, a, &["COMBINE", method], kv);
    }
    if r.below(4) == 0 {
        a.extend(common::args(&["YIELD_SCORE_AS", "cs"]));
    }
}

/// A well-formed FT.HYBRID for one of the fixture indexes, as redis-py's
/// `hybrid_search()` and redisvl's `HybridQuery` send it (most of these
/// run to the end).
fn clean_hybrid(r: &mut Rng) -> Cmd {
    let (ix, text, field, param) = [
        ("idx", "(~@t:(hello | world))", "@v", "$B"),
        ("hidx", "@t:hello", "@v", "$B"),
        ("h16", "@tag:{a | b}", "@v16", "$H"),
        ("miss", "(~@title:(hello))", "@vec", "$B"),
    ][r.below(4) as usize];
    let mut a: Cmd = common::args(&["FT.HYBRID", ix, "SEARCH"]);
    a.push(if r.below(3) == 0 {
        b"*".to_vec()
    } else {
        text.into()
    });
    if r.below(3) == 0 {
        a.extend(common::args(&["SCORER", "BM25STD"]));
    }
    if r.below(3) == 0 {
        a.extend(common::args(&["YIELD_SCORE_AS", "ts"]));
    }
    a.extend(common::args(&["VSIM", field, param]));
    match r.below(3) {
        0 => {
            a.extend(common::args(&["KNN", "2", "K"]));
            a.push(number(r, &["1", "5", "10", "60"], 1_000));
        }
        1 => {
            a.extend(common::args(&["RANGE", "2", "RADIUS"]));
            a.push(number(r, &["0.5", "1", "4"], 1_000));
        }
        _ => {}
    }
    if r.below(3) == 0 {
        a.extend(common::args(&[
            "FILTER",
            r.pick(&["@tag:{a}", "@n:[0 30]", "*"]),
        ]));
    }
    match r.below(3) {
        0 => a.extend(common::args(&["COMBINE", "RRF", "2", "CONSTANT", "60"])),
        1 => a.extend(common::args(&[
            "COMBINE", "LINEAR", "6", "ALPHA", "0.3", "BETA", "0.7", "WINDOW", "20",
        ])),
        _ => {}
    }
    match r.below(3) {
        0 => a.extend(common::args(&["LOAD", "2", "@__key", "@__score"])),
        1 => a.extend(common::args(&["LOAD", "*"])),
        _ => {}
    }
    if r.below(2) == 0 {
        a.extend(common::args(&["LIMIT", "0", r.pick(&["1", "5", "10"])]));
    }
    a.extend(common::args(&["PARAMS", "4", "B"]));
    a.push(f32_blob(r, DIM));
    a.push(b"H".to_vec());
    a.push(f16_blob(r, DIM));
    a
}

/// An FT.HYBRID line, mostly in the order clients send it: a well-formed
/// one, or one with hostile numbers, counts, fields and clauses.
pub fn hybrid_cmd(r: &mut Rng) -> Cmd {
    if r.below(5) < 2 {
        return clean_hybrid(r);
    }
    let ix = if r.below(10) == 0 {
        r.pick(&["fz0", "none", "doc:1"])
    } else {
        r.pick(&["idx", "hidx", "h16", "miss"])
    };
    let mut a: Cmd = common::args(&["FT.HYBRID", ix]);
    search_half(r, &mut a);
    vsim_half(r, &mut a);
    if r.below(3) != 0 {
        combine(r, &mut a);
    }
    for _ in 0..r.below(4) {
        match r.below(8) {
            0 => a.extend(common::args(&["LOAD", "*"])),
            1 => a.extend(common::args(&["LOAD", "2", "@__key", "@t"])),
            2 => {
                a.push(b"APPLY".to_vec());
                a.push(r.pick(&["@__score * 2", "@n + 1", "(", "@x"]).into());
                a.extend(common::args(&["AS", "y"]));
            }
            3 => {
                a.extend(common::args(&["SORTBY", "2", "@__score"]));
                a.push(r.pick(&["DESC", "ASC"]).into());
            }
            4 | 5 => {
                a.push(b"LIMIT".to_vec());
                a.push(number(r, &["0", "2"], 6));
                a.push(number(r, &["5", "10", "0"], 6));
            }
            6 => a.extend(common::args(&[
                r.pick(&["GROUPBY", "WITHCURSOR", "NOSORT", "EXPLAINSCORE", "FILTER"]),
                "1",
                "@tag",
            ])),
            _ => {
                a.push(b"TIMEOUT".to_vec());
                a.push(number(r, &["100", "0"], 5));
            }
        }
    }
    if r.below(8) != 0 {
        push_params(r, &mut a);
    }
    if r.below(2) == 0 {
        a.extend(common::args(&["DIALECT", "2"]));
    }
    a
}

/// A key in (mostly) or next to the indexed prefixes.
fn doc_key(r: &mut Rng) -> Vec<u8> {
    match r.below(10) {
        0 => format!("m:{}", r.below(4)).into_bytes(),
        1 => r
            .pick(&["doc:", "doc", "do", "doc:bare", "doc:str", "x"])
            .into(),
        _ => format!("doc:{}", r.below(DOCS as u64 + 20)).into_bytes(),
    }
}

/// A value for an indexed field, well formed or hostile for its type.
fn field_value(r: &mut Rng, field: &str) -> Vec<u8> {
    match (field, r.below(6)) {
        ("v" | "vec", 0) => {
            let n = [0usize, 3, 8, 15, 17, 4096][r.below(6) as usize];
            r.bytes(n)
        }
        ("v" | "vec", 1) => [f32::NAN, f32::INFINITY, -0.0, f32::MAX]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect(),
        ("v" | "vec", _) => f32_blob(r, DIM),
        ("v16", 0) => {
            let n = r.below(12) as usize;
            r.bytes(n)
        }
        ("v16", _) => f16_blob(r, DIM),
        ("n", 0 | 1) => hostile(r),
        ("n", _) => r.below(60).to_string().into_bytes(),
        ("tag", 0) => "a,".repeat(1 + r.below(2_000) as usize).into_bytes(),
        ("tag", 1) => vec![0xff, 0, b',', 0xc3],
        ("tag", _) => r.pick(TAGS).into(),
        (_, 0) => "hello ".repeat(1 + r.below(5_000) as usize).into_bytes(),
        (_, 1) => {
            let n = r.below(30) as usize;
            r.bytes(n)
        }
        _ => r.pick(TEXTS).into(),
    }
}

/// A write to an indexed prefix.
pub fn write_cmd(r: &mut Rng) -> Cmd {
    let key = doc_key(r);
    let fields = ["t", "tag", "n", "v", "v16", "title", "vec", "_index_name"];
    match r.below(16) {
        0..=7 => {
            let mut a: Cmd = vec![
                r.pick(&["HSET", "HSET", "HSET", "HMSET", "HSETNX"]).into(),
                key,
            ];
            let n = if a[0] == b"HSETNX" { 1 } else { 1 + r.below(4) };
            for _ in 0..n {
                let f = r.pick(&fields);
                a.push(f.into());
                a.push(field_value(r, f));
            }
            a
        }
        8 => {
            let mut a: Cmd = vec![b"HDEL".to_vec(), key];
            for _ in 0..1 + r.below(3) {
                a.push(r.pick(&fields).into());
            }
            a
        }
        9 => vec![r.pick(&["DEL", "UNLINK"]).into(), key],
        10 => vec![
            r.pick(&["PEXPIRE", "EXPIRE"]).into(),
            key,
            number(r, &["1", "5", "100"], 6),
        ],
        11 => vec![b"PERSIST".to_vec(), key],
        12 => vec![r.pick(&["RENAME", "COPY"]).into(), key, doc_key(r)],
        13 => vec![b"MOVE".to_vec(), key, r.pick(&["1", "2", "0"]).into()],
        14 => vec![
            b"HINCRBYFLOAT".to_vec(),
            key,
            r.pick(&["n", "t", "v"]).into(),
            number(r, &["1.5", "-3", "1e308"], 4),
        ],
        // A string where a hash is expected, now and then.
        _ if r.below(4) == 0 => vec![b"SET".to_vec(), key, r.pick(&["x", "", "1"]).into()],
        _ => vec![b"HGETALL".to_vec(), key],
    }
}

/// The fixture documents again (the writes delete, expire and damage them,
/// or make them strings).
pub fn refill(seed: u64) -> Vec<Cmd> {
    let mut r = Rng(seed | 1);
    let mut del = common::args(&["DEL"]);
    del.extend((0..DOCS + 20).map(|i| format!("doc:{i}").into_bytes()));
    let mut v = vec![del];
    for i in 0..DOCS {
        let mut a: Cmd = common::args(&[
            "HSET",
            &format!("doc:{i}"),
            "t",
            r.pick(TEXTS),
            "tag",
            r.pick(TAGS),
            "n",
            &r.below(60).to_string(),
        ]);
        a.extend([b"v".to_vec(), f32_blob(&mut r, DIM)]);
        a.extend([b"v16".to_vec(), f16_blob(&mut r, DIM)]);
        v.push(a);
    }
    v
}

/// Replies of FT.HYBRID and of the writes.
pub fn check(cmd: &[Vec<u8>], reply: &Reply) -> Result<(), String> {
    let name = cmd[0].to_ascii_uppercase();
    let ok = match (name.as_slice(), reply) {
        (_, Reply::Error(_)) => true,
        (b"FT.HYBRID", Reply::Array(a)) => {
            matches!(a.first(), Some(Reply::Bulk(b)) if b == b"total_results")
                && matches!(a.get(1), Some(Reply::Int(n)) if *n >= 0)
        }
        (b"FT.HYBRID", Reply::Map(_)) => true,
        (
            b"HSET" | b"HSETNX" | b"HDEL" | b"DEL" | b"UNLINK" | b"EXPIRE" | b"PEXPIRE"
            | b"PERSIST" | b"COPY" | b"MOVE",
            Reply::Int(n),
        ) => *n >= 0,
        (b"HMSET" | b"RENAME" | b"SET", r) => r.is_ok(),
        (b"HINCRBYFLOAT", Reply::Bulk(_)) => true,
        (b"HGETALL", Reply::Array(a)) => a.len() % 2 == 0,
        (b"HGETALL", Reply::Map(_)) => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected reply {reply:?}"))
    }
}
