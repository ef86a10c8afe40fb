//! The FT.* generators, queries (tests/ft_fuzz.rs, tests/fuzz_all.rs): the
//! fixtures, FT.SEARCH and FT.AGGREGATE lines as clients write them, with
//! hostile numbers, PARAMS and nesting thousands deep. Schemas, small
//! commands, mutation and the reply check are in `ft_schema`.

use crate::common;
use crate::common::fuzzgen::{hostile, number, Cmd};
use crate::common::{Conn, Rng};

pub const DIM: usize = 4;
pub const DOCS: usize = 60;

pub fn f32_blob(r: &mut Rng, n: usize) -> Vec<u8> {
    (0..n)
        .flat_map(|_| ((r.below(2001) as f32 - 1000.0) / 1000.0).to_le_bytes())
        .collect()
}

/// FLOAT16 bytes of small values (exponent 14, random mantissa and sign).
pub fn f16_blob(r: &mut Rng, n: usize) -> Vec<u8> {
    (0..n)
        .flat_map(|_| {
            let h = ((r.below(2) as u16) << 15) | (14 << 10) | (r.below(1024) as u16);
            h.to_le_bytes()
        })
        .collect()
}

pub const TAGS: &[&str] = &["a", "b", "c", "shirt", "pre", "prefix", "x y", "A"];
pub const TEXTS: &[&str] = &[
    "hello world",
    "hello there",
    "goodbye world",
    "helo wrld",
    "the quick brown fox",
    "docs",
];

/// The fixtures: four indexes over 60 hashes (FLAT COSINE, HNSW L2, HNSW
/// FLOAT16 IP, and one with INDEXMISSING/SORTABLE fields), plus strays.
pub fn fsetup(c: &mut Conn) {
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

pub const INDEXES: &[&str] = &["idx", "hidx", "h16", "miss"];

/// An index to query, with its query rewritten for it: `@v` becomes its
/// vector field, `$B` its blob parameter (most of the time).
pub fn index_and_query(r: &mut Rng, q: Vec<u8>) -> (Vec<u8>, Vec<u8>) {
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
pub const POOL: &[&str] = &["fz0", "fz1", "fz2", "fz3", "fz4", "fz5"];

/// Query templates as clients write them, over the fixtures' fields.
pub const QUERIES: &[&str] = &[
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
pub const WORDS: &[&str] = &[
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
pub fn params(r: &mut Rng) -> Vec<Vec<u8>> {
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

pub fn push_params(r: &mut Rng, a: &mut Cmd) {
    let p = params(r);
    a.push(b"PARAMS".to_vec());
    a.push(if r.below(20) == 0 {
        hostile(r)
    } else {
        p.len().to_string().into_bytes()
    });
    a.extend(p);
}

pub fn query(r: &mut Rng) -> Vec<u8> {
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
pub fn deep_query(r: &mut Rng) -> Vec<u8> {
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
pub fn search_options(r: &mut Rng, a: &mut Cmd) {
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

pub fn search_cmd(r: &mut Rng) -> Cmd {
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
pub fn expr(r: &mut Rng, depth: u32) -> String {
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

pub fn aggregate_cmd(r: &mut Rng) -> Cmd {
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
