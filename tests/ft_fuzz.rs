//! The FT.* fuzz: random and mutated FT.SEARCH, FT.AGGREGATE, FT.CREATE and
//! FT.ALTER command lines (plus a few FT.INFO/_LIST/TAGVALS/DROPINDEX),
//! starting from the queries real clients send (redis-py, redisvl,
//! langchain-redis; ../shared/spec/vectors-reference.md) and damaging them:
//! bytes inserted, deleted and replaced, parentheses and prefixes nested
//! thousands deep, huge numbers for K, LIMIT, DIM, M and the like, bad
//! PARAMS, non-UTF-8 and NUL bytes. Every command must get a reply (an
//! error or a well-shaped answer, never `internal error`), the server must
//! answer PING after every batch and be alive at the end, and its log must
//! show no panic.
//!
//! Its share of `REDISAI_FUZZ_COMMANDS` is 20% (20,000 commands by default),
//! from `REDISAI_FUZZ_SEED` like the other fuzzers (tests/common/fuzzgen.rs).

mod common;

use common::fuzzgen::{self, hostile, number, Cmd, Runner};
use common::{Conn, Reply, Rng, Server};

const DIM: usize = 4;
const DOCS: usize = 60;

fn f32_blob(r: &mut Rng, n: usize) -> Vec<u8> {
    (0..n)
        .flat_map(|_| ((r.below(2001) as f32 - 1000.0) / 1000.0).to_le_bytes())
        .collect()
}

/// FLOAT16 bytes of small values (exponent 14, random mantissa and sign).
fn f16_blob(r: &mut Rng, n: usize) -> Vec<u8> {
    (0..n)
        .flat_map(|_| {
            let h = ((r.below(2) as u16) << 15) | (14 << 10) | (r.below(1024) as u16);
            h.to_le_bytes()
        })
        .collect()
}

const TAGS: &[&str] = &["a", "b", "c", "shirt", "pre", "prefix", "x y", "A"];
const TEXTS: &[&str] = &[
    "hello world",
    "hello there",
    "goodbye world",
    "helo wrld",
    "the quick brown fox",
    "docs",
];

/// The fixtures: four indexes over 60 hashes (FLAT COSINE, HNSW L2, HNSW
/// FLOAT16 IP, and one with INDEXMISSING/SORTABLE fields), plus strays.
fn fsetup(c: &mut Conn) {
    let creates: &[&[&str]] = &[
        &[
            "FT.CREATE",
            "idx",
            "ON",
            "HASH",
            "PREFIX",
            "1",
            "doc:",
            "SCORE",
            "1.0",
            "SCHEMA",
            "t",
            "TEXT",
            "WEIGHT",
            "1",
            "tag",
            "TAG",
            "SEPARATOR",
            ",",
            "n",
            "NUMERIC",
            "SORTABLE",
            "v",
            "VECTOR",
            "FLAT",
            "6",
            "TYPE",
            "FLOAT32",
            "DIM",
            "4",
            "DISTANCE_METRIC",
            "COSINE",
            "_index_name",
            "TEXT",
        ],
        &[
            "FT.CREATE",
            "hidx",
            "ON",
            "HASH",
            "PREFIX",
            "1",
            "doc:",
            "SCHEMA",
            "t",
            "TEXT",
            "tag",
            "TAG",
            "n",
            "NUMERIC",
            "v",
            "VECTOR",
            "HNSW",
            "12",
            "TYPE",
            "FLOAT32",
            "DIM",
            "4",
            "DISTANCE_METRIC",
            "L2",
            "M",
            "8",
            "EF_CONSTRUCTION",
            "50",
            "EF_RUNTIME",
            "20",
        ],
        &[
            "FT.CREATE",
            "h16",
            "PREFIX",
            "1",
            "doc:",
            "SCHEMA",
            "tag",
            "TAG",
            "CASESENSITIVE",
            "v16",
            "VECTOR",
            "HNSW",
            "6",
            "TYPE",
            "FLOAT16",
            "DIM",
            "4",
            "DISTANCE_METRIC",
            "IP",
        ],
        &[
            "FT.CREATE",
            "miss",
            "ON",
            "HASH",
            "PREFIX",
            "2",
            "doc:",
            "m:",
            "STOPWORDS",
            "0",
            "SCHEMA",
            "t",
            "AS",
            "title",
            "TEXT",
            "NOSTEM",
            "SORTABLE",
            "tag",
            "TAG",
            "INDEXMISSING",
            "INDEXEMPTY",
            "n",
            "NUMERIC",
            "INDEXMISSING",
            "v",
            "AS",
            "vec",
            "VECTOR",
            "FLAT",
            "6",
            "TYPE",
            "FLOAT32",
            "DIM",
            "4",
            "DISTANCE_METRIC",
            "L2",
        ],
    ];
    for a in creates {
        let r = c.cmd(a).expect("reply");
        assert!(r.is_ok(), "{a:?}: {r:?}");
    }
    let mut r = Rng(0xf7_f022);
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
            "_index_name",
            "docs",
        ]);
        a.extend([b"v".to_vec(), f32_blob(&mut r, DIM)]);
        a.extend([b"v16".to_vec(), f16_blob(&mut r, DIM)]);
        c.send(&a).expect("send");
    }
    // A hash missing fields, one with a bad vector, a non-hash.
    c.send(&["HSET", "doc:bare", "t", "hello"]).expect("send");
    c.send(&["HSET", "doc:badv", "v", "xyz", "tag", ""])
        .expect("send");
    c.send(&["SET", "doc:str", "x"]).expect("send");
    c.send(&["HSET", "m:1", "title", "hello"]).expect("send");
    c.flush().expect("flush");
    for _ in 0..DOCS + 4 {
        let r = c.read().expect("reply");
        assert!(!r.is_error(), "{r:?}");
    }
}

const INDEXES: &[&str] = &["idx", "hidx", "h16", "miss"];

/// An index to query, with its query rewritten for it: `@v` becomes its
/// vector field, `$B` its blob parameter (most of the time).
fn index_and_query(r: &mut Rng, q: Vec<u8>) -> (Vec<u8>, Vec<u8>) {
    let (name, field, blob) = [
        ("idx", "@v", "$B"),
        ("hidx", "@v", "$B"),
        ("h16", "@v16", "$H"),
        ("miss", "@vec", "$B"),
    ][r.below(4) as usize];
    if r.below(10) == 0 {
        return (name.into(), q);
    }
    let text = String::from_utf8_lossy(&q)
        .replace("@v ", &format!("{field} "))
        .replace("@v:", &format!("{field}:"))
        .replace("$B", blob);
    (name.into(), text.into_bytes())
}
/// Names FT.CREATE/ALTER/DROPINDEX play with (the fixtures stay).
const POOL: &[&str] = &["fz0", "fz1", "fz2", "fz3", "fz4", "fz5"];

/// Query templates as clients write them, over the fixtures' fields.
const QUERIES: &[&str] = &[
    "*",
    "*=>[KNN 5 @v $B AS d]",
    "*=>[KNN $K @v $B]",
    "(@tag:{a|b} @n:[10 (50])=>[KNN 5 @v $B AS d]",
    "(@t:hello)=>[KNN $K @v $B EF_RUNTIME $EF AS d]",
    "(@tag:{shirt})=>[KNN $K @v $B HYBRID_POLICY BATCHES BATCH_SIZE $BS]",
    "(@tag:{a})=>[KNN 10 @v $B HYBRID_POLICY ADHOC_BF]",
    "*=>[KNN 10 @v $B]=>{$EF_RUNTIME: $EF; $YIELD_DISTANCE_AS: dist; $HYBRID_POLICY: BATCHES; $BATCH_SIZE: 50; $SHARD_K_RATIO: 0.5}",
    "@v:[VECTOR_RANGE $r $B]=>{$YIELD_DISTANCE_AS: vector_distance}",
    "@v:[VECTOR_RANGE 0.8 $B]=>{$YIELD_DISTANCE_AS: d; $EPSILON: 0.5} (@tag:{a})",
    "(@tag:{c} @n:[20 +inf]) | @v:[VECTOR_RANGE 0.8 $B]=>{$YIELD_DISTANCE_AS: my_scores}",
    "(((@tag:{a} @n:[20 +inf]) @_index_name:(\"docs\")))=>[KNN 2 @v $B AS vector_distance]",
    "(@_index_name:(\"docs\"))=>[KNN 2 @v $B AS vector_distance]",
    "@t:(hel*) | %helo% -@tag:{c} ~@n:[-inf (5]",
    "ismissing(@tag)",
    "(-@tag:{a})",
    "(-@n:[5 5])",
    "@tag:{pre*}",
    "hello world",
    "\"hello world\"",
    "@t:(\"hello world\")",
    "@tag:{x\\ y|c\\,d}",
    "@n:[$lo $hi]",
    "@t|_index_name:(hello)",
    "%%helo%%",
    "@n:[5]",
    "$word",
    "*=>[KNN 0 @v $B]",
    "*=>[KNN 5 @t $B]",
    "*=>[KNN 5 @v16 $H AS d]",
    "*=>[KNN 3 @vec $B AS d]",
    "@title:hello @tag:{A}",
    "@v:[VECTOR_RANGE $r $B]",
    "(@tag:{a} | @tag:{b}) (@n:[1 2] | -@n:[3 4]) ~hello",
];

/// Keywords and fragments mutations splice in.
const WORDS: &[&str] = &[
    "FT.SEARCH",
    "FT.AGGREGATE",
    "KNN",
    "VECTOR_RANGE",
    "=>",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    "@",
    "$",
    "|",
    "-",
    "~",
    "%",
    "*",
    ":",
    ";",
    "\"",
    "\\",
    "$B",
    "$K",
    "$nope",
    "@v",
    "@nope",
    "AS",
    "EF_RUNTIME",
    "PARAMS",
    "LIMIT",
    "SORTBY",
    "RETURN",
    "DIALECT",
    "NOCONTENT",
    "WITHSCORES",
    "FILTER",
    "INKEYS",
    "LOAD",
    "APPLY",
    "GROUPBY",
    "REDUCE",
    "SCHEMA",
    "ADD",
    "VECTOR",
    "HNSW",
    "FLAT",
    "TYPE",
    "DIM",
    "TAG",
    "TEXT",
    "NUMERIC",
    "GEO",
    "+inf",
    "-inf",
    "ismissing(",
    "\u{0}",
    "\u{ff}",
    "é",
];

/// The standard PARAMS: blobs for `v` and `v16`, and the scalars the
/// templates name.
fn params(r: &mut Rng) -> Vec<Vec<u8>> {
    let b = f32_blob(r, DIM);
    let h = f16_blob(r, DIM);
    let mut p = vec![
        b"B".to_vec(),
        b,
        b"H".to_vec(),
        h,
        b"K".to_vec(),
        number(r, &["5", "1", "10", "0"], 8),
        b"EF".to_vec(),
        number(r, &["100", "10", "1"], 8),
        b"r".to_vec(),
        number(r, &["0.5", "2", "0"], 8),
        b"BS".to_vec(),
        number(r, &["50", "1"], 8),
        b"lo".to_vec(),
        number(r, &["5", "-inf"], 8),
        b"hi".to_vec(),
        number(r, &["40", "+inf"], 8),
        b"word".to_vec(),
        r.pick(&["hello", "world", "", "*", "a b"]).into(),
    ];
    // Sometimes fewer (a missing parameter) or a damaged blob.
    match r.below(20) {
        0 => p.truncate(2 * r.below(9) as usize),
        1 => {
            let n = [0usize, 1, 15, 17, 32, 100_000][r.below(6) as usize];
            p[1] = r.bytes(n);
        }
        2 => {
            let n = r.below(12) as usize;
            p[3] = r.bytes(n);
        }
        _ => {}
    }
    p
}

fn push_params(r: &mut Rng, a: &mut Cmd) {
    let p = params(r);
    a.push(b"PARAMS".to_vec());
    a.push(if r.below(20) == 0 {
        hostile(r)
    } else {
        p.len().to_string().into_bytes()
    });
    a.extend(p);
}

fn query(r: &mut Rng) -> Vec<u8> {
    let mut q = r.pick(QUERIES).as_bytes().to_vec();
    // K and other numbers written in the query: hostile sometimes.
    if r.below(6) == 0 {
        let text = String::from_utf8_lossy(&q).into_owned();
        let h = String::from_utf8_lossy(&hostile(r)).into_owned();
        let spots = ["KNN 5", "KNN 10", "KNN 2", "0.8", "[10", "(50", "0.5"];
        let s = r.pick(&spots);
        if let Some(at) = text.find(s) {
            let keep = s.split_once(' ').map_or(0, |(k, _)| k.len() + 1);
            let mut t = text[..at + keep].to_string();
            t.push_str(&h);
            t.push_str(&text[at + s.len()..]);
            q = t.into_bytes();
        }
    }
    q
}

/// Nesting and repetition far past the parser's limits.
fn deep_query(r: &mut Rng) -> Vec<u8> {
    let n = [127usize, 128, 129, 1_000, 5_000, 30_000][r.below(6) as usize];
    let inner = r.pick(&["@tag:{a}", "hello", "*", "@n:[1 2]", ""]);
    let s = match r.below(10) {
        0 => format!("{}{inner}{}", "(".repeat(n), ")".repeat(n)),
        1 => format!("{}{inner}", "(".repeat(n)),
        2 => format!("{inner}{}", ")".repeat(n)),
        3 => format!("{}hello", "-".repeat(n)),
        4 => format!("{}hello", "~".repeat(n)),
        5 => format!("{}hello{}", "@t:(".repeat(n), ")".repeat(n)),
        6 => format!("{}a", "a | ".repeat(n)),
        7 => format!(
            "({}a{})=>[KNN 5 @v $B AS d]",
            "(-".repeat(n.min(2000)),
            ")".repeat(n.min(2000))
        ),
        8 => "x".repeat(70_000),
        _ => format!("@tag:{{{}}}", "a|".repeat(n)),
    };
    s.into_bytes()
}

/// The options FT.SEARCH takes, in random number and order.
fn search_options(r: &mut Rng, a: &mut Cmd) {
    for _ in 0..r.below(5) {
        match r.below(18) {
            0 => a.push(b"NOCONTENT".to_vec()),
            1 => a.push(b"WITHSCORES".to_vec()),
            2 | 3 => {
                let fields: Vec<&str> = (0..r.below(4))
                    .map(|_| r.pick(&["d", "t", "tag", "n", "v", "dist", "nope", "@t"]))
                    .collect();
                a.push(b"RETURN".to_vec());
                a.push(number(r, &[fields.len().to_string().as_str()], 10));
                a.extend(fields.iter().map(|f| f.as_bytes().to_vec()));
                if r.below(4) == 0 {
                    a.extend(common::args(&["AS", "alias"]));
                }
            }
            4 | 5 => {
                a.extend(common::args(&[
                    "SORTBY",
                    r.pick(&["d", "n", "t", "nope", "dist"]),
                ]));
                if r.below(2) == 0 {
                    a.push(r.pick(&["ASC", "DESC", "WITHCOUNT"]).into());
                }
            }
            6 | 7 => {
                a.push(b"LIMIT".to_vec());
                a.push(number(r, &["0", "3", "10"], 12));
                a.push(number(r, &["0", "5", "10", "100"], 12));
            }
            8 => {
                a.extend(common::args(&["FILTER", r.pick(&["n", "t", "nope"])]));
                a.push(number(r, &["0", "(5", "-inf"], 5));
                a.push(number(r, &["40", "(50", "+inf"], 5));
            }
            9 => {
                a.push(b"INKEYS".to_vec());
                a.push(number(r, &["1", "2"], 6));
                a.extend(common::args(&["doc:1", "doc:2"]));
            }
            10 => {
                a.push(b"TIMEOUT".to_vec());
                a.push(number(r, &["0", "500"], 5));
            }
            11 => a.push(
                r.pick(&[
                    "VERBATIM",
                    "NOSTOPWORDS",
                    "WITHPAYLOADS",
                    "WITHSORTKEYS",
                    "INORDER",
                    "EXPLAINSCORE",
                ])
                .into(),
            ),
            12 => a.extend(common::args(&[
                "SUMMARIZE",
                "FIELDS",
                "1",
                "t",
                "FRAGS",
                "3",
                "LEN",
                "5",
                "SEPARATOR",
                "...",
            ])),
            13 => a.extend(common::args(&[
                "HIGHLIGHT",
                "FIELDS",
                "1",
                "t",
                "TAGS",
                "<b>",
                "</b>",
            ])),
            14 => a.extend(common::args(&["INFIELDS", "1", "t"])),
            15 => a.extend(common::args(&[
                r.pick(&["SLOP", "LANGUAGE", "EXPANDER", "SCORER", "PAYLOAD"]),
                r.pick(&["1", "english", "BM25", "x"]),
            ])),
            16 => {
                a.push(b"DIALECT".to_vec());
                a.push(number(r, &["1", "2", "3", "4"], 5));
            }
            _ => push_params(r, a),
        }
    }
}

fn search_cmd(r: &mut Rng) -> Cmd {
    let q = if r.below(12) == 0 {
        deep_query(r)
    } else {
        query(r)
    };
    let (ix, q) = index_and_query(r, q);
    let mut a: Cmd = vec![b"FT.SEARCH".to_vec(), ix, q];
    search_options(r, &mut a);
    if r.below(8) != 0 {
        push_params(r, &mut a);
    }
    a.extend(common::args(&["DIALECT", "2"]));
    if r.below(3) == 0 {
        a.extend(common::args(&["LIMIT", "0"]));
        a.push(number(r, &["5", "10", "0"], 12));
    }
    a
}

/// An APPLY expression: arithmetic over fields, sometimes broken.
fn expr(r: &mut Rng, depth: u32) -> String {
    if depth == 0 || r.below(3) == 0 {
        return r
            .pick(&[
                "@n", "@d", "@dist", "1", "0", "2.5", "-3", "1e308", "@nope", "@t", "@__key",
            ])
            .to_string();
    }
    match r.below(8) {
        0 => format!("({})", expr(r, depth - 1)),
        1 => format!("-{}", expr(r, depth - 1)),
        2 => r
            .pick(&["upper(@t)", "1 +", "(", ")", "@", "@n @n", "sqrt(@n)"])
            .to_string(),
        _ => format!(
            "{} {} {}",
            expr(r, depth - 1),
            r.pick(&["+", "-", "*", "/", "%", "^"]),
            expr(r, depth - 1)
        ),
    }
}

fn aggregate_cmd(r: &mut Rng) -> Cmd {
    let q = if r.below(12) == 0 {
        deep_query(r)
    } else {
        query(r)
    };
    let (ix, q) = index_and_query(r, q);
    let mut a: Cmd = vec![b"FT.AGGREGATE".to_vec(), ix, q];
    for _ in 0..r.below(6) {
        match r.below(14) {
            0..=2 => {
                if r.below(3) == 0 {
                    a.extend(common::args(&["LOAD", "*"]));
                } else {
                    let f: Vec<&str> = (0..r.below(4))
                        .map(|_| r.pick(&["@t", "@tag", "@n", "@__key", "@v", "@nope", "t"]))
                        .collect();
                    a.push(b"LOAD".to_vec());
                    a.push(number(r, &[f.len().to_string().as_str()], 10));
                    a.extend(f.iter().map(|x| x.as_bytes().to_vec()));
                }
            }
            3..=5 => {
                a.push(b"APPLY".to_vec());
                a.push(if r.below(10) == 0 {
                    let n = [200usize, 5_000, 50_000][r.below(3) as usize];
                    format!("{}@n{}", "(".repeat(n), ")".repeat(n)).into_bytes()
                } else {
                    expr(r, 4).into_bytes()
                });
                a.extend(common::args(&["AS", r.pick(&["x", "n", "d", "y"])]));
            }
            6 | 7 => {
                let p: Vec<&str> = (0..r.below(3))
                    .map(|_| r.pick(&["@d", "@n", "@x", "@nope", "ASC", "DESC"]))
                    .collect();
                a.push(b"SORTBY".to_vec());
                a.push(number(r, &[p.len().to_string().as_str()], 10));
                a.extend(p.iter().map(|x| x.as_bytes().to_vec()));
                if r.below(2) == 0 {
                    a.push(b"MAX".to_vec());
                    a.push(number(r, &["1", "5", "100"], 4));
                }
            }
            8 | 9 => {
                a.push(b"LIMIT".to_vec());
                a.push(number(r, &["0", "2"], 5));
                a.push(number(r, &["0", "5", "10"], 5));
            }
            10 if r.below(4) == 0 => a.extend(common::args(&[
                r.pick(&["GROUPBY", "FILTER", "WITHCURSOR"]),
                "1",
                "@tag",
            ])),
            _ => a.extend(common::args(&["TIMEOUT", "100"])),
        }
    }
    if r.below(6) != 0 {
        push_params(r, &mut a);
    }
    a.extend(common::args(&["DIALECT", "2"]));
    a
}

/// One schema field, sometimes with hostile numbers.
fn field(r: &mut Rng, a: &mut Cmd) {
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

fn create_cmd(r: &mut Rng) -> Cmd {
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

fn alter_cmd(r: &mut Rng) -> Cmd {
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

fn small_cmd(r: &mut Rng) -> Cmd {
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
fn mutate(r: &mut Rng, a: &mut Cmd) {
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
fn ft_check(cmd: &[Vec<u8>], reply: &Reply) -> Result<(), String> {
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

#[test]
fn fuzz_ft_commands() {
    let budget = fuzzgen::budget("ft", 200);
    let server = Server::start();
    let mut run = Runner::new("ft", budget, server, fsetup);
    let mut rng = Rng(budget.own_seed);
    while !run.done() {
        let cmds: Vec<Cmd> = (0..100)
            .map(|_| {
                let mut a = match rng.below(20) {
                    0..=7 => search_cmd(&mut rng),
                    8..=11 => aggregate_cmd(&mut rng),
                    12..=14 => create_cmd(&mut rng),
                    15..=16 => alter_cmd(&mut rng),
                    _ => small_cmd(&mut rng),
                };
                // Half the commands damaged, half left as clients send them.
                if a.len() > 1 && rng.below(2) == 0 {
                    mutate(&mut rng, &mut a);
                }
                a
            })
            .collect();
        run.batch(&cmds, &ft_check);
    }
    // The fixtures still answer, and correctly shaped.
    let probe: Vec<Cmd> = vec![
        common::args(&["FT.SEARCH", "idx", "*", "LIMIT", "0", "0"]),
        common::args(&["FT.INFO", "hidx"]),
    ];
    // (FT.ALTER may have made documents unindexable: only the shape counts.)
    let replies = run.batch(&probe, &ft_check);
    assert!(
        matches!(&replies[0], Some(Reply::Array(a)) if matches!(a.first(), Some(Reply::Int(_)))),
        "the fixture index after the fuzz: {:?}",
        replies[0]
    );
    let n = run.sent;
    assert!(
        run.oks > n / 20 && run.errors > n / 10,
        "{} ok, {} errors of {n}: the fuzz should reach both",
        run.oks,
        run.errors
    );
    assert!(run.server.alive(), "the server is alive at the end");
    run.finish();
}
