//! The FT.* layer over the wire: KNN answers checked against an exact search
//! computed here (every metric × vector type, FLAT and HNSW, with TAG,
//! NUMERIC and TEXT pre-filters); NUMERIC ranges and FILTER bounds (-0
//! included); the index following the keyspace (HSET,
//! DEL, UNLINK, EXPIRE, RENAME, HDEL, COPY, HINCRBY, SET over a hash,
//! FLUSHALL, SWAPDB, bad vectors); the scan of keys that existed before
//! FT.CREATE; persistence (DEBUG RELOAD, RDB, AOF with and without a
//! preamble, an AOF tail after a rewrite); a replica; FT.DROPINDEX,
//! FT._LIST, FT.TAGVALS, FT.ALTER; the missing-index error; the RESP3 reply
//! and the FT.INFO shape that redisvl parses.
//!
//! Every expectation comes from a model of the documents kept by the test
//! (see `Model`), never from an earlier answer of the server alone.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::{ok, Conn, Reply, Rng, Server};

// ------------------------------------------------------------------ vectors

/// A VECTOR field's TYPE, and the hash field the tests store it in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Vt {
    F32,
    F64,
    F16,
    Bf16,
}

const TYPES: [Vt; 4] = [Vt::F32, Vt::F64, Vt::F16, Vt::Bf16];

impl Vt {
    fn name(self) -> &'static str {
        match self {
            Vt::F32 => "FLOAT32",
            Vt::F64 => "FLOAT64",
            Vt::F16 => "FLOAT16",
            Vt::Bf16 => "BFLOAT16",
        }
    }

    /// The hash field holding a document's vector in this type.
    fn field(self) -> &'static str {
        match self {
            Vt::F32 => "v",
            Vt::F64 => "v64",
            Vt::F16 => "v16",
            Vt::Bf16 => "vb16",
        }
    }

    /// Little-endian bytes of `v` in this type (rounded to nearest even).
    fn encode(self, v: &[f64]) -> Vec<u8> {
        match self {
            Vt::F32 => v.iter().flat_map(|&x| (x as f32).to_le_bytes()).collect(),
            Vt::F64 => v.iter().flat_map(|&x| x.to_le_bytes()).collect(),
            Vt::F16 => v
                .iter()
                .flat_map(|&x| f16_bits(x as f32).to_le_bytes())
                .collect(),
            Vt::Bf16 => v
                .iter()
                .flat_map(|&x| {
                    let b = (x as f32).to_bits();
                    let r = b.wrapping_add(0x7fff + ((b >> 16) & 1));
                    ((r >> 16) as u16).to_le_bytes()
                })
                .collect(),
        }
    }

    /// The values a blob of this type holds, exactly, as f64.
    fn decode(self, b: &[u8]) -> Vec<f64> {
        match self {
            Vt::F32 => b
                .chunks_exact(4)
                .map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                .collect(),
            Vt::F64 => b
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
                .collect(),
            Vt::F16 => b
                .chunks_exact(2)
                .map(|c| f16_value(u16::from_le_bytes([c[0], c[1]])))
                .collect(),
            Vt::Bf16 => b
                .chunks_exact(2)
                .map(|c| {
                    f64::from(f32::from_bits(
                        u32::from(u16::from_le_bytes([c[0], c[1]])) << 16,
                    ))
                })
                .collect(),
        }
    }

    /// `v` as this type stores it.
    fn stored(self, v: &[f64]) -> Vec<f64> {
        self.decode(&self.encode(v))
    }
}

/// IEEE half bits of a normal-range (or zero) f32, rounded to nearest even.
fn f16_bits(x: f32) -> u16 {
    let b = x.to_bits();
    let sign = ((b >> 16) & 0x8000) as u16;
    if x == 0.0 {
        return sign;
    }
    let e = ((b >> 23) & 0xff) as i32 - 127 + 15;
    assert!(
        (1..31).contains(&e),
        "{x} is outside FLOAT16's normal range"
    );
    let m = b & 0x7f_ffff;
    let mut h = ((e as u32) << 10) | (m >> 13);
    let rest = m & 0x1fff;
    if rest > 0x1000 || (rest == 0x1000 && h & 1 == 1) {
        h += 1;
    }
    sign | h as u16
}

/// The value of IEEE half bits.
fn f16_value(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let e = i32::from((h >> 10) & 0x1f);
    let m = f64::from(h & 0x3ff);
    sign * match e {
        0 => m * 2f64.powi(-24),
        31 => f64::INFINITY,
        e => (1.0 + m / 1024.0) * 2f64.powi(e - 15),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Metric {
    L2,
    Ip,
    Cosine,
}

const METRICS: [Metric; 3] = [Metric::L2, Metric::Ip, Metric::Cosine];

impl Metric {
    fn name(self) -> &'static str {
        match self {
            Metric::L2 => "L2",
            Metric::Ip => "IP",
            Metric::Cosine => "COSINE",
        }
    }

    /// RediSearch's distance: squared L2, 1 − dot, 1 − cos (in f64).
    fn distance(self, a: &[f64], b: &[f64]) -> f64 {
        let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        match self {
            Metric::L2 => a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum(),
            Metric::Ip => 1.0 - dot,
            Metric::Cosine => {
                let na: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
                let nb: f64 = b.iter().map(|x| x * x).sum::<f64>().sqrt();
                1.0 - dot / (na * nb)
            }
        }
    }
}

/// What an f32-accumulated distance may differ from the exact one by.
fn tol(expected: f64) -> f64 {
    1e-4 * expected.abs().max(1.0)
}

/// A vector of `dim` values in [-1, 1] on a 1e-4 grid, never all zero.
fn random_vector(r: &mut Rng, dim: usize) -> Vec<f64> {
    let mut v: Vec<f64> = (0..dim)
        .map(|_| (r.below(20_001) as f64 - 10_000.0) / 10_000.0)
        .collect();
    // FLOAT16 has no normal values below 2^-14: keep away from them.
    for x in v.iter_mut() {
        if x.abs() < 0.001 {
            *x = 0.25;
        }
    }
    v
}

// ------------------------------------------------------------------ model

const TAGS: [&str; 4] = ["a", "b", "c", "d"];
const TEXTS: [&str; 7] = [
    "hello world",
    "Hello there friend",
    "goodbye world",
    "say HELLO again",
    "quiet evening",
    "helloworld is one word",
    "nothing to see",
];

/// One hash as the test wrote it.
#[derive(Debug, Clone)]
struct Doc {
    tag: String,
    n: i64,
    t: String,
    /// `None`: the vector field was removed (HDEL).
    v: Option<Vec<f64>>,
}

impl Doc {
    fn random(r: &mut Rng, dim: usize) -> Doc {
        Doc {
            tag: r.pick(&TAGS).to_string(),
            n: r.below(60) as i64,
            t: r.pick(&TEXTS).to_string(),
            v: Some(random_vector(r, dim)),
        }
    }

    /// Whether the TEXT field holds the word `hello` (any case).
    fn says_hello(&self) -> bool {
        self.t
            .split_whitespace()
            .any(|w| w.eq_ignore_ascii_case("hello"))
    }
}

/// The documents an index should hold, by key.
#[derive(Debug, Clone, Default)]
struct Model {
    docs: BTreeMap<String, Doc>,
}

impl Model {
    /// The exact KNN: (key, distance) of every document with a vector that
    /// passes `keep`, closest first (ties by key).
    fn knn(
        &self,
        vt: Vt,
        metric: Metric,
        q: &[f64],
        keep: &dyn Fn(&Doc) -> bool,
    ) -> Vec<(String, f64)> {
        let q = vt.stored(q);
        let mut all: Vec<(String, f64)> = self
            .docs
            .iter()
            .filter(|(_, d)| keep(d))
            .filter_map(|(k, d)| {
                let v = vt.stored(d.v.as_ref()?);
                Some((k.clone(), metric.distance(&q, &v)))
            })
            .collect();
        all.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        all
    }

    fn keys(&self, keep: &dyn Fn(&Doc) -> bool) -> Vec<String> {
        self.docs
            .iter()
            .filter(|(_, d)| keep(d))
            .map(|(k, _)| k.clone())
            .collect()
    }
}

/// `HSET key t … tag … n … <vector fields>` (FLOAT32 `v` only, or all four
/// types when `all_types`).
fn put(c: &mut Conn, key: &str, d: &Doc, all_types: bool) {
    let mut a: Vec<Vec<u8>> = common::args(&["HSET", key, "t", &d.t, "tag", &d.tag]);
    a.push(b"n".to_vec());
    a.push(d.n.to_string().into_bytes());
    if let Some(v) = &d.v {
        let types: &[Vt] = if all_types { &TYPES } else { &[Vt::F32] };
        for vt in types {
            a.push(vt.field().as_bytes().to_vec());
            a.push(vt.encode(v));
        }
    }
    let r = c.cmd(&a).expect("HSET reply");
    assert!(matches!(r, Reply::Int(_)), "HSET {key}: {r:?}");
}

/// Writes every document of `m`, pipelined.
fn put_all(c: &mut Conn, m: &Model, all_types: bool) {
    for (k, d) in &m.docs {
        put(c, k, d, all_types);
    }
}

fn model(n: usize, dim: usize, seed: u64, prefix: &str) -> Model {
    let mut r = Rng(seed);
    Model {
        docs: (0..n)
            .map(|i| (format!("{prefix}{i}"), Doc::random(&mut r, dim)))
            .collect(),
    }
}

// ------------------------------------------------------------------ replies

/// A hit's fields: (name, value) in reply order.
type Fields = Vec<(String, Vec<u8>)>;

/// A RESP2 FT.SEARCH reply: the total and, per hit, the key and its fields.
#[derive(Debug)]
struct Hits {
    total: i64,
    rows: Vec<(String, Fields)>,
}

impl Hits {
    fn ids(&self) -> Vec<String> {
        self.rows.iter().map(|r| r.0.clone()).collect()
    }

    /// `(key, value of field)` per hit.
    fn with(&self, field: &str) -> Vec<(String, String)> {
        self.rows
            .iter()
            .map(|(k, f)| {
                let v = f
                    .iter()
                    .find(|(n, _)| n == field)
                    .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
                    .unwrap_or_else(|| panic!("hit {k} lacks field {field}: {f:?}"));
                (k.clone(), v)
            })
            .collect()
    }

    /// `(key, distance)` per hit from the yielded field `d`.
    fn distances(&self, d: &str) -> Vec<(String, f64)> {
        self.with(d)
            .into_iter()
            .map(|(k, v)| {
                let x: f64 = v
                    .parse()
                    .unwrap_or_else(|_| panic!("{k}: distance {v:?} is not a number"));
                (k, x)
            })
            .collect()
    }
}

fn hits(r: &Reply) -> Hits {
    let a = match r {
        Reply::Array(a) => a,
        other => panic!("expected an FT.SEARCH array, got {other:?}"),
    };
    let total = a.first().expect("a total").int();
    let mut rows = Vec::new();
    let mut i = 1;
    while i < a.len() {
        let id = a[i].text();
        i += 1;
        let mut fields = Vec::new();
        match a.get(i) {
            Some(Reply::Array(f)) => {
                assert!(f.len() % 2 == 0, "odd field list for {id}: {f:?}");
                for p in f.chunks(2) {
                    fields.push((p[0].text(), p[1].bulk().to_vec()));
                }
                i += 1;
            }
            Some(Reply::Nil) => i += 1,
            _ => {}
        }
        rows.push((id, fields));
    }
    Hits { total, rows }
}

/// Runs FT.SEARCH (or anything) with byte arguments; the reply must not be
/// an error.
fn search(c: &mut Conn, a: &[Vec<u8>]) -> Hits {
    let r = c.cmd(a).expect("reply");
    assert!(!r.is_error(), "{}: {r:?}", show(a));
    hits(&r)
}

fn show(a: &[Vec<u8>]) -> String {
    a.iter()
        .map(|x| match std::str::from_utf8(x) {
            Ok(s) if s.len() <= 200 && !s.contains('\0') => s.to_string(),
            _ => format!("<{} bytes>", x.len()),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `FT.SEARCH idx "<filter>=>[KNN k @field $B AS d]" RETURN … SORTBY d
/// PARAMS 2 B <blob> DIALECT 2 LIMIT 0 k`.
fn knn_cmd(idx: &str, filter: &str, k: usize, field: &str, blob: Vec<u8>) -> Vec<Vec<u8>> {
    let q = format!("{filter}=>[KNN {k} @{field} $B AS d]");
    let mut a = common::args(&[
        "FT.SEARCH",
        idx,
        &q,
        "RETURN",
        "2",
        "d",
        "tag",
        "SORTBY",
        "d",
        "PARAMS",
        "2",
        "B",
    ]);
    a.push(blob);
    a.extend(common::args(&[
        "DIALECT",
        "2",
        "LIMIT",
        "0",
        &k.to_string(),
    ]));
    a
}

/// The answer `got` (k nearest, closest first) is the exact one: same
/// distances position by position, each hit's own distance right, no
/// duplicates, and — where no two expected distances are within the
/// tolerance — the very same keys.
fn check_knn(got: &Hits, expected: &[(String, f64)], k: usize, what: &str) {
    let want: Vec<&(String, f64)> = expected.iter().take(k).collect();
    let got_d = got.distances("d");
    assert_eq!(
        got.total as usize,
        want.len(),
        "{what}: total (min(K, matching docs))\n got {got_d:?}\nwant {want:?}"
    );
    assert_eq!(
        got_d.len(),
        want.len(),
        "{what}: number of hits\n got {got_d:?}\nwant {want:?}"
    );
    let exact: BTreeMap<&str, f64> = expected.iter().map(|(k, d)| (k.as_str(), *d)).collect();
    let mut seen = std::collections::BTreeSet::new();
    for (i, ((gk, gd), (wk, wd))) in got_d.iter().zip(&want).enumerate() {
        assert!(seen.insert(gk.clone()), "{what}: {gk} twice in {got_d:?}");
        assert!(
            (gd - wd).abs() <= tol(*wd),
            "{what}: distance #{i} is {gd} ({gk}), exact {wd} ({wk})\n got {got_d:?}\nwant {want:?}"
        );
        let own = exact.get(gk.as_str()).unwrap_or_else(|| {
            panic!("{what}: {gk} does not pass the filter (or has no vector)\n got {got_d:?}\nwant {want:?}")
        });
        assert!(
            (gd - own).abs() <= tol(*own),
            "{what}: {gk} reported at {gd}, its exact distance is {own}"
        );
        let tie = |j: usize| {
            expected
                .get(j)
                .is_some_and(|(_, d)| (d - wd).abs() <= 2.0 * tol(*wd))
        };
        let near_tie = (i > 0 && tie(i - 1)) || tie(i + 1);
        if !near_tie {
            assert_eq!(gk, wk, "{what}: hit #{i}\n got {got_d:?}\nwant {want:?}");
        }
    }
}

/// FT.INFO as (name, value) pairs (RESP2 flat array or RESP3 map).
fn info(c: &mut Conn, idx: &str) -> Vec<(String, Reply)> {
    let r = c.cmd(&["FT.INFO", idx]).expect("reply");
    pairs(&r)
}

fn pairs(r: &Reply) -> Vec<(String, Reply)> {
    match r {
        Reply::Array(a) => {
            assert!(a.len() % 2 == 0, "odd FT.INFO array: {r:?}");
            a.chunks(2).map(|p| (p[0].text(), p[1].clone())).collect()
        }
        Reply::Map(m) => m.iter().map(|(k, v)| (k.text(), v.clone())).collect(),
        other => panic!("expected FT.INFO pairs, got {other:?}"),
    }
}

fn get<'a>(p: &'a [(String, Reply)], key: &str) -> &'a Reply {
    p.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no {key} in {p:?}"))
}

fn number(r: &Reply) -> f64 {
    match r {
        Reply::Int(i) => *i as f64,
        Reply::Double(d) => *d,
        Reply::Bulk(_) | Reply::Status(_) => r
            .text()
            .parse()
            .unwrap_or_else(|_| panic!("not a number: {r:?}")),
        other => panic!("not a number: {other:?}"),
    }
}

fn info_num(c: &mut Conn, idx: &str, field: &str) -> f64 {
    number(get(&info(c, idx), field))
}

/// Waits (up to `secs`) until `f` holds; false if it never did.
fn eventually(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if f() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until the index reports no scan in progress.
fn wait_indexed(c: &mut Conn, idx: &str) {
    assert!(
        eventually(30, || info_num(c, idx, "indexing") == 0.0),
        "{idx}: still indexing after 30 s: {:?}",
        info(c, idx)
    );
}

fn list(c: &mut Conn) -> Vec<String> {
    let r = c.cmd(&["FT._LIST"]).expect("reply");
    let mut v: Vec<String> = match &r {
        Reply::Array(a) | Reply::Set(a) => a.iter().map(Reply::text).collect(),
        other => panic!("FT._LIST: {other:?}"),
    };
    v.sort();
    v
}

/// Sorted keys of a NOCONTENT search of `query`.
fn ids(c: &mut Conn, idx: &str, query: &str) -> Vec<String> {
    let h = search(
        c,
        &common::args(&[
            "FT.SEARCH",
            idx,
            query,
            "NOCONTENT",
            "LIMIT",
            "0",
            "10000",
            "DIALECT",
            "2",
        ]),
    );
    let mut v = h.ids();
    assert_eq!(h.total as usize, v.len(), "{idx} {query}: total vs hits");
    v.sort();
    v
}

// ------------------------------------------------------------ 1. exactness

const DIM: usize = 8;

fn filter_pred(name: &str) -> fn(&Doc) -> bool {
    fn tagnum(d: &Doc) -> bool {
        (d.tag == "a" || d.tag == "b") && (10..50).contains(&d.n)
    }
    fn text(d: &Doc) -> bool {
        d.says_hello() && (10..50).contains(&d.n)
    }
    fn all(_: &Doc) -> bool {
        true
    }
    match name {
        "tagnum" => tagnum,
        "text" => text,
        _ => all,
    }
}

/// The pre-filters of the exactness test, with their meaning in the model.
const FILTERS: [(&str, &str); 3] = [
    ("tagnum", "(@tag:{a|b} @n:[10 (50])"),
    ("text", "(@t:hello @n:[10 (50])"),
    ("all", "*"),
];

#[test]
fn knn_is_exact_for_every_metric_type_and_algorithm() {
    let s = Server::start();
    let mut c = s.conn();
    let mut indexes = Vec::new();
    for algo in ["FLAT", "HNSW"] {
        for metric in METRICS {
            for vt in TYPES {
                let idx = format!("{}_{}_{}", algo, metric.name(), vt.name()).to_lowercase();
                let dim = DIM.to_string();
                let mut a = vec![
                    "FT.CREATE",
                    &idx,
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
                    vt.field(),
                    "VECTOR",
                    algo,
                ];
                let attrs = [
                    "TYPE",
                    vt.name(),
                    "DIM",
                    &dim,
                    "DISTANCE_METRIC",
                    metric.name(),
                ];
                let hnsw = ["M", "16", "EF_CONSTRUCTION", "200", "EF_RUNTIME", "500"];
                let count = if algo == "HNSW" { "12" } else { "6" };
                a.push(count);
                a.extend(attrs);
                if algo == "HNSW" {
                    a.extend(hnsw);
                }
                ok(&mut c, &a);
                indexes.push((idx, metric, vt));
            }
        }
    }
    let m = model(240, DIM, 0xf7_0001, "doc:");
    put_all(&mut c, &m, true);
    // Hashes outside the prefix are not indexed.
    let mut stray = m.docs["doc:0"].clone();
    stray.v = Some(vec![0.5; DIM]);
    put(&mut c, "other:0", &stray, true);

    let mut r = Rng(0xf7_0002);
    let queries: Vec<Vec<f64>> = (0..3).map(|_| random_vector(&mut r, DIM)).collect();
    for (idx, metric, vt) in &indexes {
        assert_eq!(
            info_num(&mut c, idx, "num_docs") as usize,
            m.docs.len(),
            "{idx}: num_docs"
        );
        for (qi, q) in queries.iter().enumerate() {
            for (fname, filter) in FILTERS {
                let keep = filter_pred(fname);
                let expected = m.knn(*vt, *metric, q, &keep);
                assert!(expected.len() > 5, "the {fname} filter keeps too few");
                let got = search(&mut c, &knn_cmd(idx, filter, 5, vt.field(), vt.encode(q)));
                check_knn(&got, &expected, 5, &format!("{idx} query {qi} {filter}"));
                // RETURN names the tag too: it is the document's.
                for (k, tag) in got.with("tag") {
                    assert_eq!(tag, m.docs[&k].tag, "{idx}: tag of {k}");
                }
            }
        }
        // A query vector of another type's length is refused.
        let other = if *vt == Vt::F64 { Vt::F32 } else { Vt::F64 };
        let r = c
            .cmd(&knn_cmd(idx, "*", 5, vt.field(), other.encode(&queries[0])))
            .expect("reply");
        assert!(
            r.is_error() && r.err().contains("does not match index's expected size"),
            "{idx}: a blob of the wrong size: {r:?}"
        );
    }
}

/// K larger than the matching set, LIMIT paging, K 0.
#[test]
fn knn_k_limit_and_paging() {
    let s = Server::start();
    let mut c = s.conn();
    ok(
        &mut c,
        &[
            "FT.CREATE",
            "idx",
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
            "FLAT",
            "6",
            "TYPE",
            "FLOAT32",
            "DIM",
            "8",
            "DISTANCE_METRIC",
            "L2",
        ],
    );
    let m = model(50, DIM, 0xf7_0003, "doc:");
    put_all(&mut c, &m, false);
    let q = random_vector(&mut Rng(0xf7_0004), DIM);
    let keep = filter_pred("tagnum");
    let expected = m.knn(Vt::F32, Metric::L2, &q, &keep);
    // K past the filtered set: every match, total = the match count.
    let got = search(
        &mut c,
        &knn_cmd("idx", FILTERS[0].1, 1000, "v", Vt::F32.encode(&q)),
    );
    check_knn(&got, &expected, 1000, "K 1000");
    // LIMIT pages through the K results.
    let mut a = knn_cmd("idx", "*", 10, "v", Vt::F32.encode(&q));
    let n = a.len();
    a[n - 2] = b"3".to_vec();
    a[n - 1] = b"4".to_vec();
    let page = search(&mut c, &a);
    let all = m.knn(Vt::F32, Metric::L2, &q, &|_| true);
    assert_eq!(page.total, 10, "{page:?}");
    assert_eq!(
        page.ids(),
        all[3..7].iter().map(|p| p.0.clone()).collect::<Vec<_>>(),
        "LIMIT 3 4 of KNN 10"
    );
    // K 0 answers nothing.
    let zero = search(&mut c, &knn_cmd("idx", "*", 0, "v", Vt::F32.encode(&q)));
    assert_eq!((zero.total, zero.rows.len()), (0, 0), "{zero:?}");
}

/// Checks `@n:[lo hi]` and `FILTER n lo hi` for each case against
/// `values` (doc:i holds values[i]).
fn check_ranges(c: &mut Conn, values: &[f64], cases: &[(&str, &str, f64, bool, f64, bool)]) {
    for &(lo_s, hi_s, lo, lo_in, hi, hi_in) in cases {
        let mut want: Vec<String> = values
            .iter()
            .enumerate()
            .filter(|(_, &v)| {
                (if lo_in { v >= lo } else { v > lo }) && (if hi_in { v <= hi } else { v < hi })
            })
            .map(|(i, _)| format!("doc:{i}"))
            .collect();
        want.sort();
        let q = format!("@n:[{lo_s} {hi_s}]");
        let r = c
            .cmd(&[
                "FT.SEARCH",
                "idx",
                &q,
                "NOCONTENT",
                "LIMIT",
                "0",
                "100",
                "DIALECT",
                "2",
            ])
            .expect("reply");
        assert!(!r.is_error(), "{q}: {r:?}");
        let mut got = hits(&r).ids();
        got.sort();
        assert_eq!(got, want, "{q}");
        let a = [
            "FT.SEARCH",
            "idx",
            "*",
            "FILTER",
            "n",
            lo_s,
            hi_s,
            "NOCONTENT",
            "LIMIT",
            "0",
            "100",
            "DIALECT",
            "2",
        ];
        let r = c.cmd(&a).expect("reply");
        assert!(!r.is_error(), "FILTER n {lo_s} {hi_s}: {r:?}");
        let mut got = hits(&r).ids();
        got.sort();
        assert_eq!(got, want, "FILTER n {lo_s} {hi_s}");
    }
}

fn numeric_index(c: &mut Conn, values: &[f64]) {
    ok(
        c,
        &[
            "FT.CREATE",
            "idx",
            "ON",
            "HASH",
            "PREFIX",
            "1",
            "doc:",
            "SCHEMA",
            "n",
            "NUMERIC",
        ],
    );
    for (i, v) in values.iter().enumerate() {
        let r = c
            .cmd(&["HSET", &format!("doc:{i}"), "n", &v.to_string()])
            .expect("reply");
        assert_eq!(r, Reply::Int(1));
    }
}

/// NUMERIC ranges in the query and as FILTER, against the model: bounds
/// inclusive and exclusive, infinities, a single value, an empty range.
#[test]
fn numeric_ranges_match_the_model() {
    let s = Server::start();
    let mut c = s.conn();
    let values = [-7.5, -1.0, 0.0, 0.25, 1.0, 5.0, 5.0, 10.0, 1e9];
    numeric_index(&mut c, &values);
    // (query bounds, lo, lo inclusive, hi, hi inclusive)
    let cases: &[(&str, &str, f64, bool, f64, bool)] = &[
        ("0", "5", 0.0, true, 5.0, true),
        ("(0", "5", 0.0, false, 5.0, true),
        ("0", "(5", 0.0, true, 5.0, false),
        ("(0", "(5", 0.0, false, 5.0, false),
        ("-inf", "+inf", f64::NEG_INFINITY, true, f64::INFINITY, true),
        ("-inf", "(0", f64::NEG_INFINITY, true, 0.0, false),
        ("(1", "+inf", 1.0, false, f64::INFINITY, true),
        ("5", "5", 5.0, true, 5.0, true),
        ("(5", "(5", 5.0, false, 5.0, false),
        ("10", "1", 10.0, true, 1.0, true),
        ("-7.5", "0.25", -7.5, true, 0.25, true),
    ];
    check_ranges(&mut c, &values, cases);
    assert!(s.alive());
}

/// -0 is 0: as a stored value and as either bound.
#[test]
fn negative_zero_equals_zero_in_numeric_ranges() {
    let s = Server::start();
    let mut c = s.conn();
    let values = [-1.0, 0.0, -0.0, 1.0];
    numeric_index(&mut c, &values);
    let cases: &[(&str, &str, f64, bool, f64, bool)] = &[
        ("0", "0", 0.0, true, 0.0, true),
        ("-0", "0", -0.0, true, 0.0, true),
        ("0", "-0", 0.0, true, -0.0, true),
        ("(0", "-0", 0.0, false, -0.0, true),
        ("-0", "1", -0.0, true, 1.0, true),
        ("-1", "(0", -1.0, true, 0.0, false),
    ];
    check_ranges(&mut c, &values, cases);
    assert!(s.alive());
}

// --------------------------------------------------- 2. keyspace tracking

/// FLAT L2 over `doc:`, FLOAT32 `v` of DIM 4.
fn small_index(c: &mut Conn, idx: &str) {
    ok(
        c,
        &[
            "FT.CREATE",
            idx,
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
            "FLAT",
            "6",
            "TYPE",
            "FLOAT32",
            "DIM",
            "4",
            "DISTANCE_METRIC",
            "L2",
        ],
    );
}

const SMALL_DIM: usize = 4;

/// The index holds exactly the model: KNN over everything (ids,
/// distances, tags), a TAG query, a NUMERIC query and num_docs.
fn check_model(c: &mut Conn, idx: &str, m: &Model, what: &str) {
    let q = vec![0.1, -0.2, 0.3, 0.05];
    let expected = m.knn(Vt::F32, Metric::L2, &q, &|_| true);
    let got = search(c, &knn_cmd(idx, "*", 1000, "v", Vt::F32.encode(&q)));
    check_knn(&got, &expected, 1000, &format!("{what}: KNN"));
    for (k, tag) in got.with("tag") {
        assert_eq!(tag, m.docs[&k].tag, "{what}: tag of {k}");
    }
    assert_eq!(
        ids(c, idx, "@tag:{a}"),
        m.keys(&|d| d.tag == "a"),
        "{what}: @tag:{{a}}"
    );
    assert_eq!(
        ids(c, idx, "@n:[10 29]"),
        m.keys(&|d| (10..=29).contains(&d.n)),
        "{what}: @n:[10 29]"
    );
    assert_eq!(
        info_num(c, idx, "num_docs") as usize,
        m.docs.len(),
        "{what}: num_docs"
    );
}

#[test]
fn index_follows_writes_deletes_and_expiry() {
    let s = Server::start();
    let mut c = s.conn();
    small_index(&mut c, "idx");
    let mut m = model(20, SMALL_DIM, 0xf7_0010, "doc:");
    put_all(&mut c, &m, false);
    check_model(&mut c, "idx", &m, "after HSET");

    // An update: new vector and tag.
    let mut d = m.docs["doc:3"].clone();
    d.v = Some(vec![0.1, -0.2, 0.3, 0.05]);
    d.tag = "a".into();
    put(&mut c, "doc:3", &d, false);
    m.docs.insert("doc:3".into(), d);
    check_model(&mut c, "idx", &m, "after an update");

    // HINCRBY re-indexes the number.
    let r = c.cmd(&["HINCRBY", "doc:12", "n", "1000"]).expect("reply");
    assert!(matches!(r, Reply::Int(_)), "{r:?}");
    m.docs.get_mut("doc:12").expect("doc").n += 1000;
    check_model(&mut c, "idx", &m, "after HINCRBY");

    assert_eq!(c.cmd(&["DEL", "doc:4"]).expect("reply"), Reply::Int(1));
    m.docs.remove("doc:4");
    assert_eq!(c.cmd(&["UNLINK", "doc:5"]).expect("reply"), Reply::Int(1));
    m.docs.remove("doc:5");
    check_model(&mut c, "idx", &m, "after DEL and UNLINK");

    assert_eq!(
        c.cmd(&["PEXPIRE", "doc:6", "100"]).expect("reply"),
        Reply::Int(1)
    );
    m.docs.remove("doc:6");
    let want = m.docs.len();
    assert!(
        eventually(10, || info_num(&mut c, "idx", "num_docs") as usize == want),
        "the expired key stays in the index: num_docs {} (want {want})",
        info_num(&mut c, "idx", "num_docs")
    );
    check_model(&mut c, "idx", &m, "after expiry");

    // SET over a hash: no longer a hash, no longer indexed.
    ok(&mut c, &["SET", "doc:10", "a string"]);
    m.docs.remove("doc:10");
    check_model(&mut c, "idx", &m, "after SET over a hash");

    // COPY indexes the copy.
    assert_eq!(
        c.cmd(&["COPY", "doc:11", "doc:copy"]).expect("reply"),
        Reply::Int(1)
    );
    let d = m.docs["doc:11"].clone();
    m.docs.insert("doc:copy".into(), d);
    check_model(&mut c, "idx", &m, "after COPY");
    assert!(s.alive());
}

#[test]
fn index_follows_renames_and_hdel() {
    let s = Server::start();
    let mut c = s.conn();
    small_index(&mut c, "idx");
    let mut m = model(20, SMALL_DIM, 0xf7_0011, "doc:");
    put_all(&mut c, &m, false);

    ok(&mut c, &["RENAME", "doc:7", "doc:70"]);
    let d = m.docs.remove("doc:7").expect("doc");
    m.docs.insert("doc:70".into(), d);
    check_model(&mut c, "idx", &m, "after RENAME within the prefix");
    assert!(!ids(&mut c, "idx", "*").contains(&"doc:7".to_string()));

    ok(&mut c, &["RENAME", "doc:8", "other:8"]);
    let d = m.docs.remove("doc:8").expect("doc");
    check_model(&mut c, "idx", &m, "after RENAME out of the prefix");

    ok(&mut c, &["RENAME", "other:8", "doc:80"]);
    m.docs.insert("doc:80".into(), d);
    check_model(&mut c, "idx", &m, "after RENAME into the prefix");

    // RENAME onto an indexed key replaces it.
    ok(&mut c, &["RENAME", "doc:1", "doc:2"]);
    let d = m.docs.remove("doc:1").expect("doc");
    m.docs.insert("doc:2".into(), d);
    check_model(&mut c, "idx", &m, "after RENAME over an indexed key");

    // HDEL of the vector: out of KNN, still found by its tag.
    assert_eq!(
        c.cmd(&["HDEL", "doc:9", "v"]).expect("reply"),
        Reply::Int(1)
    );
    m.docs.get_mut("doc:9").expect("doc").v = None;
    check_model(&mut c, "idx", &m, "after HDEL of the vector");
    let tag = m.docs["doc:9"].tag.clone();
    assert!(
        ids(&mut c, "idx", &format!("@tag:{{{tag}}}")).contains(&"doc:9".to_string()),
        "a hash without its vector is still found by its tag"
    );
    // And the vector put back returns it to KNN.
    let d = Doc {
        v: Some(vec![0.5, 0.5, 0.5, 0.5]),
        ..m.docs["doc:9"].clone()
    };
    put(&mut c, "doc:9", &d, false);
    m.docs.insert("doc:9".into(), d);
    check_model(&mut c, "idx", &m, "after the vector came back");
}

#[test]
fn bad_vectors_and_numbers_are_not_indexed_and_counted() {
    let s = Server::start();
    let mut c = s.conn();
    small_index(&mut c, "idx");
    // The scan FT.CREATE starts would visit the bad hashes again (and count
    // them again): let it end first, so the counts below are exact.
    wait_indexed(&mut c, "idx");
    let mut m = model(10, SMALL_DIM, 0xf7_0012, "doc:");
    put_all(&mut c, &m, false);
    let f0 = info_num(&mut c, "idx", "hash_indexing_failures");
    assert_eq!(f0, 0.0);

    // A new hash with a 7-byte vector.
    let r = c
        .cmd(&[
            &b"HSET"[..],
            b"doc:bad",
            b"v",
            b"\x00\x01\x02\x03\x04\x05\x06",
            b"tag",
            b"a",
        ])
        .expect("reply");
    assert_eq!(r, Reply::Int(2));
    check_model(&mut c, "idx", &m, "after a 7-byte vector");
    assert_eq!(
        info_num(&mut c, "idx", "hash_indexing_failures"),
        f0 + 1.0,
        "a wrong-length vector counts as a failure"
    );

    // An indexed hash updated with a vector of DIM+1 floats leaves the index.
    let long = Vt::F32.encode(&[0.5; SMALL_DIM + 1]);
    let r = c
        .cmd(&[&b"HSET"[..], b"doc:3", b"v", &long])
        .expect("reply");
    assert_eq!(r, Reply::Int(0));
    m.docs.remove("doc:3");
    check_model(&mut c, "idx", &m, "after an update to a long vector");
    assert_eq!(info_num(&mut c, "idx", "hash_indexing_failures"), f0 + 2.0);

    // A NUMERIC field that is not a number.
    let mut d = m.docs["doc:0"].clone();
    d.n = 1;
    put(&mut c, "doc:badn", &d, false);
    m.docs.insert("doc:badn".into(), d);
    let r = c
        .cmd(&["HSET", "doc:badn", "n", "not-a-number"])
        .expect("reply");
    assert_eq!(r, Reply::Int(0));
    m.docs.remove("doc:badn");
    check_model(&mut c, "idx", &m, "after a bad number");
    assert_eq!(info_num(&mut c, "idx", "hash_indexing_failures"), f0 + 3.0);

    // The server is fine, and the key can be fixed.
    assert!(s.alive());
    let d = Doc {
        v: Some(vec![0.0, 0.1, 0.2, 0.3]),
        ..m.docs["doc:0"].clone()
    };
    put(&mut c, "doc:bad", &d, false);
    m.docs.insert("doc:bad".into(), d);
    check_model(&mut c, "idx", &m, "after fixing the bad hash");
}

#[test]
fn flushall_empties_and_swapdb_rescans() {
    let s = Server::start();
    let mut c = s.conn();
    small_index(&mut c, "idx");
    let m = model(15, SMALL_DIM, 0xf7_0013, "doc:");
    put_all(&mut c, &m, false);
    check_model(&mut c, "idx", &m, "before FLUSHALL");

    ok(&mut c, &["FLUSHALL"]);
    assert_eq!(
        list(&mut c),
        vec!["idx".to_string()],
        "FT._LIST after FLUSHALL"
    );
    check_model(&mut c, "idx", &Model::default(), "after FLUSHALL");
    let m = model(12, SMALL_DIM, 0xf7_0014, "doc:");
    put_all(&mut c, &m, false);
    check_model(&mut c, "idx", &m, "new HSETs after FLUSHALL");

    // Database 1 is not indexed...
    let mut c1 = s.conn();
    ok(&mut c1, &["SELECT", "1"]);
    let m1 = model(9, SMALL_DIM, 0xf7_0015, "doc:x");
    put_all(&mut c1, &m1, false);
    check_model(&mut c, "idx", &m, "after HSETs in db 1");
    // ... until SWAPDB makes it database 0.
    ok(&mut c, &["SWAPDB", "0", "1"]);
    let want = m1.docs.len();
    assert!(
        eventually(20, || info_num(&mut c, "idx", "indexing") == 0.0
            && info_num(&mut c, "idx", "num_docs") as usize == want),
        "after SWAPDB 0 1: {:?}",
        info(&mut c, "idx")
    );
    check_model(&mut c, "idx", &m1, "after SWAPDB 0 1");
    // Writes to the new db 0 are indexed; to the new db 1 they are not.
    let mut m1 = m1;
    let d = m.docs["doc:0"].clone();
    put(&mut c, "doc:after-swap", &d, false);
    m1.docs.insert("doc:after-swap".into(), d.clone());
    put(&mut c1, "doc:in-db1", &d, false);
    check_model(&mut c, "idx", &m1, "writes after SWAPDB");
}

// ------------------------------------------------------ 3. initial scan

#[test]
fn existing_keys_are_scanned_unless_skipinitialscan() {
    let s = Server::start();
    let mut c = s.conn();
    let m = model(3000, SMALL_DIM, 0xf7_0020, "doc:");
    for (k, d) in &m.docs {
        let mut a = common::args(&["HSET", k, "tag", &d.tag, "n", &d.n.to_string()]);
        a.push(b"v".to_vec());
        a.push(Vt::F32.encode(d.v.as_ref().expect("v")));
        c.send(&a).expect("send");
    }
    // Keys the index must not take: another prefix, a string under the
    // prefix, hashes with a bad vector.
    for i in 0..300 {
        c.send(&["HSET", &format!("other:{i}"), "tag", "a"])
            .expect("send");
        c.send(&["SET", &format!("doc:s{i}"), "x"]).expect("send");
    }
    for i in 0..50 {
        c.send(&[&b"HSET"[..], format!("doc:bad{i}").as_bytes(), b"v", b"xyz"])
            .expect("send");
    }
    c.flush().expect("flush");
    for _ in 0..(3000 + 600 + 50) {
        let r = c.read().expect("reply");
        assert!(!r.is_error(), "{r:?}");
    }

    small_index(&mut c, "idx");
    // The scan runs in slices: the server answers meanwhile.
    assert!(s.alive());
    wait_indexed(&mut c, "idx");
    assert_eq!(info_num(&mut c, "idx", "num_docs"), 3000.0);
    assert_eq!(info_num(&mut c, "idx", "percent_indexed"), 1.0);
    assert_eq!(info_num(&mut c, "idx", "hash_indexing_failures"), 50.0);
    let q = vec![0.3, 0.3, -0.3, 0.3];
    let expected = m.knn(Vt::F32, Metric::L2, &q, &|_| true);
    let got = search(&mut c, &knn_cmd("idx", "*", 10, "v", Vt::F32.encode(&q)));
    check_knn(&got, &expected, 10, "KNN after the scan");
    let a_count = m.docs.values().filter(|d| d.tag == "a").count();
    let h = search(
        &mut c,
        &common::args(&[
            "FT.SEARCH",
            "idx",
            "@tag:{a}",
            "LIMIT",
            "0",
            "0",
            "DIALECT",
            "2",
        ]),
    );
    assert_eq!(h.total as usize, a_count, "@tag:{{a}} count");
    assert!(h.rows.is_empty(), "LIMIT 0 0 only counts: {h:?}");

    // SKIPINITIALSCAN: nothing of the existing keys.
    ok(
        &mut c,
        &[
            "FT.CREATE",
            "skip",
            "ON",
            "HASH",
            "PREFIX",
            "1",
            "doc:",
            "SKIPINITIALSCAN",
            "SCHEMA",
            "tag",
            "TAG",
            "n",
            "NUMERIC",
            "v",
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
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(info_num(&mut c, "skip", "indexing"), 0.0);
    assert_eq!(info_num(&mut c, "skip", "num_docs"), 0.0);
    assert_eq!(ids(&mut c, "skip", "*"), Vec::<String>::new());
    // Writes after it are indexed, old keys included once written.
    let d = m.docs["doc:5"].clone();
    put(&mut c, "doc:new", &d, false);
    put(&mut c, "doc:5", &d, false);
    assert_eq!(
        ids(&mut c, "skip", "*"),
        vec!["doc:5".to_string(), "doc:new".to_string()]
    );
    assert_eq!(info_num(&mut c, "idx", "num_docs"), 3001.0);
}

// ------------------------------------------------------- 4. persistence

/// Two indexes over `doc:` (FLAT L2 and HNSW COSINE, DIM 8) and the
/// documents: half written before FT.CREATE, half after, then some updates
/// and deletes.
fn persist_fill(c: &mut Conn) -> Model {
    let mut m = model(120, DIM, 0xf7_0030, "doc:");
    let keys: Vec<String> = m.docs.keys().cloned().collect();
    for k in &keys[..60] {
        put(c, k, &m.docs[k], false);
    }
    for (name, algo) in [("pf", "FLAT"), ("ph", "HNSW")] {
        let mut a = vec![
            "FT.CREATE",
            name,
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
            algo,
        ];
        if algo == "FLAT" {
            a.extend(["6", "TYPE", "FLOAT32", "DIM", "8", "DISTANCE_METRIC", "L2"]);
        } else {
            a.extend([
                "12",
                "TYPE",
                "FLOAT32",
                "DIM",
                "8",
                "DISTANCE_METRIC",
                "COSINE",
                "M",
                "8",
                "EF_CONSTRUCTION",
                "100",
                "EF_RUNTIME",
                "400",
            ]);
        }
        ok(c, &a);
    }
    for k in &keys[60..] {
        put(c, k, &m.docs[k], false);
    }
    wait_indexed(c, "pf");
    wait_indexed(c, "ph");
    let mut r = Rng(0xf7_0031);
    for i in (0..120).step_by(9) {
        let k = format!("doc:{i}");
        let d = Doc::random(&mut r, DIM);
        put(c, &k, &d, false);
        m.docs.insert(k, d);
    }
    for i in (4..120).step_by(13) {
        let k = format!("doc:{i}");
        assert_eq!(c.cmd(&["DEL", &k]).expect("reply"), Reply::Int(1));
        m.docs.remove(&k);
    }
    m
}

/// Both indexes answer exactly what the model says.
fn check_persisted(c: &mut Conn, m: &Model, what: &str) {
    assert_eq!(
        list(c),
        vec!["pf".to_string(), "ph".to_string()],
        "{what}: FT._LIST"
    );
    let mut r = Rng(0xf7_0032);
    for (idx, metric) in [("pf", Metric::L2), ("ph", Metric::Cosine)] {
        assert_eq!(
            info_num(c, idx, "num_docs") as usize,
            m.docs.len(),
            "{what}: {idx} num_docs"
        );
        for qi in 0..3 {
            let q = random_vector(&mut r, DIM);
            for (fname, filter) in FILTERS {
                let expected = m.knn(Vt::F32, metric, &q, &filter_pred(fname));
                let got = search(c, &knn_cmd(idx, filter, 5, "v", Vt::F32.encode(&q)));
                check_knn(&got, &expected, 5, &format!("{what}: {idx} q{qi} {filter}"));
            }
        }
    }
}

fn checked_after_load(s: &Server, idx: &str, n: usize) -> bool {
    s.log()
        .contains(&format!("FT index {idx}: {n} documents checked after load"))
}

#[test]
fn debug_reload_restores_the_indexes() {
    let s = Server::start();
    let mut c = s.conn();
    let m = persist_fill(&mut c);
    check_persisted(&mut c, &m, "before DEBUG RELOAD");
    let r = c.cmd(&["DEBUG", "RELOAD"]).expect("reply");
    assert!(r.is_ok(), "DEBUG RELOAD: {r:?}");
    check_persisted(&mut c, &m, "after DEBUG RELOAD");
    for idx in ["pf", "ph"] {
        assert!(
            checked_after_load(&s, idx, m.docs.len()),
            "the log lacks `FT index {idx}: {} documents checked after load`",
            m.docs.len()
        );
    }
    // Still kept current.
    let mut m = m;
    let d = Doc::random(&mut Rng(0xf7_0033), DIM);
    put(&mut c, "doc:late", &d, false);
    m.docs.insert("doc:late".into(), d);
    assert_eq!(c.cmd(&["DEL", "doc:0"]).expect("reply"), Reply::Int(1));
    m.docs.remove("doc:0");
    check_persisted(&mut c, &m, "writes after DEBUG RELOAD");
}

#[test]
fn rdb_restart_restores_the_indexes() {
    let mut s = Server::start();
    let mut c = s.conn();
    let m = persist_fill(&mut c);
    s.restart("SAVE");
    let mut c = s.conn();
    check_persisted(&mut c, &m, "after an RDB restart");
    for idx in ["pf", "ph"] {
        assert!(
            checked_after_load(&s, idx, m.docs.len()),
            "the log lacks `FT index {idx}: … checked after load`"
        );
    }
}

#[test]
fn aof_restart_replays_ft_create() {
    for preamble in ["yes", "no"] {
        let mut s = Server::with(
            &[],
            &["--appendonly", "yes", "--aof-use-rdb-preamble", preamble],
        );
        let mut c = s.conn();
        let m = persist_fill(&mut c);
        s.restart("NOSAVE");
        let mut c = s.conn();
        check_persisted(&mut c, &m, &format!("AOF restart, preamble {preamble}"));
    }
}

/// BGREWRITEAOF, waited for; the new base file's bytes (`*.base.rdb`:
/// `Server::rewrite_aof` looks for the `.base.aof` of a rewrite without a
/// preamble).
fn rewrite_aof_with_preamble(s: &Server) -> Vec<u8> {
    let before = s.info_field("persistence", "aof_rewrites");
    let r = s.conn().cmd(&["BGREWRITEAOF"]).expect("reply");
    assert!(!r.is_error(), "{r:?}");
    s.wait_for("the AOF rewrite", 60, |s| {
        s.info_field("persistence", "aof_rewrite_in_progress")
            .as_deref()
            == Some("0")
            && s.info_field("persistence", "aof_rewrite_scheduled")
                .as_deref()
                == Some("0")
            && s.info_field("persistence", "aof_rewrites") != before
    });
    assert_eq!(
        s.info_field("persistence", "aof_last_bgrewrite_status")
            .as_deref(),
        Some("ok")
    );
    let base = std::fs::read_dir(s.dir.join("appendonlydir"))
        .expect("aof dir")
        .flatten()
        .find(|e| e.file_name().to_string_lossy().contains(".base.rdb"))
        .expect("a base .rdb after the rewrite");
    std::fs::read(base.path()).expect("read base")
}

#[test]
fn aof_tail_after_rewrite_is_served_after_restart() {
    let mut s = Server::with(&[], &["--appendonly", "yes"]);
    let mut c = s.conn();
    let mut m = persist_fill(&mut c);
    let base = rewrite_aof_with_preamble(&s);
    assert!(
        base.starts_with(b"REDIS"),
        "the rewrite has an RDB preamble"
    );
    // The tail: a changed vector, a delete, a new hash.
    let mut c = s.conn();
    let moved = Doc {
        v: Some(vec![-0.5, 0.25, 0.75, -0.125, 0.5, 0.5, -0.25, 0.125]),
        ..m.docs["doc:1"].clone()
    };
    put(&mut c, "doc:1", &moved, false);
    m.docs.insert("doc:1".into(), moved.clone());
    assert_eq!(c.cmd(&["DEL", "doc:2"]).expect("reply"), Reply::Int(1));
    m.docs.remove("doc:2");
    let d = Doc::random(&mut Rng(0xf7_0034), DIM);
    put(&mut c, "doc:tail", &d, false);
    m.docs.insert("doc:tail".into(), d);
    s.restart("NOSAVE");
    let mut c = s.conn();
    check_persisted(&mut c, &m, "AOF preamble + tail restart");
    // doc:1 is served with its new vector, in both indexes.
    let v = moved.v.expect("v");
    for idx in ["pf", "ph"] {
        let got = search(&mut c, &knn_cmd(idx, "*", 1, "v", Vt::F32.encode(&v)));
        let d = got.distances("d");
        assert_eq!(d.len(), 1, "{idx}: {got:?}");
        assert_eq!(d[0].0, "doc:1", "{idx}: the moved vector's nearest");
        assert!(d[0].1.abs() <= 1e-5, "{idx}: distance to itself {}", d[0].1);
    }
    for idx in ["pf", "ph"] {
        assert!(
            checked_after_load(&s, idx, m.docs.len()),
            "the log lacks `FT index {idx}: {} documents checked after load`",
            m.docs.len()
        );
    }
}

// ------------------------------------------------------------ 5. replica

#[test]
fn replica_answers_like_the_primary() {
    let primary = Server::start();
    let replica = Server::start();
    let mut p = primary.conn();
    let mut m = persist_fill(&mut p);
    replica.replicate_from(&primary);
    // After the full sync: more writes, as commands.
    let mut r = Rng(0xf7_0040);
    for i in 0..15 {
        let k = format!("doc:r{i}");
        let d = Doc::random(&mut r, DIM);
        put(&mut p, &k, &d, false);
        m.docs.insert(k, d);
    }
    for k in ["doc:3", "doc:5", "doc:r2"] {
        assert_eq!(p.cmd(&["DEL", k]).expect("reply"), Reply::Int(1));
        m.docs.remove(k);
    }
    let d = Doc::random(&mut r, DIM);
    put(&mut p, "doc:7", &d, false);
    m.docs.insert("doc:7".into(), d);
    let want = primary.info_field("replication", "master_repl_offset");
    replica.wait_for("the replica to catch up", 30, |s| {
        s.info_field("replication", "slave_repl_offset") == want
    });
    let mut rc = replica.conn();
    check_persisted(&mut p, &m, "primary");
    check_persisted(&mut rc, &m, "replica");
    // The same reply, byte for byte, for a query of each index.
    let q = random_vector(&mut Rng(0xf7_0041), DIM);
    for idx in ["pf", "ph"] {
        let a = knn_cmd(idx, FILTERS[0].1, 5, "v", Vt::F32.encode(&q));
        assert_eq!(
            p.cmd(&a).expect("reply"),
            rc.cmd(&a).expect("reply"),
            "{idx}: primary and replica"
        );
    }
}

// ------------------------------------------------- 6. admin commands

#[test]
fn dropindex_with_and_without_dd() {
    let s = Server::start();
    let mut c = s.conn();
    small_index(&mut c, "idx");
    let m = model(10, SMALL_DIM, 0xf7_0050, "doc:");
    put_all(&mut c, &m, false);
    ok(&mut c, &["SET", "doc:string", "x"]);
    ok(&mut c, &["SET", "unrelated", "x"]);
    assert_eq!(list(&mut c), vec!["idx".to_string()]);

    ok(&mut c, &["FT.DROPINDEX", "idx"]);
    assert_eq!(list(&mut c), Vec::<String>::new());
    assert_eq!(c.cmd(&["DBSIZE"]).expect("reply"), Reply::Int(12));
    let e = c.cmd(&["FT.SEARCH", "idx", "*"]).expect("reply");
    assert!(
        e.is_error() && e.err().to_lowercase().contains("unknown index name"),
        "{e:?}"
    );

    small_index(&mut c, "idx");
    wait_indexed(&mut c, "idx");
    check_model(&mut c, "idx", &m, "recreated");
    ok(&mut c, &["FT.DROPINDEX", "idx", "DD"]);
    assert_eq!(list(&mut c), Vec::<String>::new());
    // DD deletes the indexed hashes, nothing else.
    assert_eq!(c.cmd(&["DBSIZE"]).expect("reply"), Reply::Int(2));
    for k in ["doc:string", "unrelated"] {
        assert_eq!(c.cmd(&["EXISTS", k]).expect("reply"), Reply::Int(1), "{k}");
    }
}

#[test]
fn list_tagvals_and_alter() {
    let s = Server::start();
    let mut c = s.conn();
    small_index(&mut c, "idx");
    ok(
        &mut c,
        &[
            "FT.CREATE",
            "second",
            "ON",
            "HASH",
            "PREFIX",
            "1",
            "nothing:",
            "SCHEMA",
            "x",
            "TEXT",
        ],
    );
    assert_eq!(list(&mut c), vec!["idx".to_string(), "second".to_string()]);
    let e = c
        .cmd(&["FT.CREATE", "idx", "SCHEMA", "x", "TEXT"])
        .expect("reply");
    assert!(
        e.is_error() && e.err().contains("Index already exists"),
        "{e:?}"
    );

    let mut m = model(12, SMALL_DIM, 0xf7_0051, "doc:");
    m.docs.get_mut("doc:0").expect("doc").tag = "Mixed,x y".into();
    put_all(&mut c, &m, false);
    // TAGVALS: the distinct values, split at `,`, lower-cased, trimmed.
    let r = c.cmd(&["FT.TAGVALS", "idx", "tag"]).expect("reply");
    let mut got: Vec<String> = match &r {
        Reply::Array(a) | Reply::Set(a) => a.iter().map(Reply::text).collect(),
        other => panic!("FT.TAGVALS: {other:?}"),
    };
    got.sort();
    let mut want: Vec<String> = m
        .docs
        .values()
        .flat_map(|d| {
            d.tag
                .split(',')
                .map(|t| t.trim().to_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    want.sort();
    want.dedup();
    assert_eq!(got, want, "FT.TAGVALS");
    assert!(want.contains(&"mixed".to_string()) && want.contains(&"x y".to_string()));

    // FT.ALTER: a field the hashes already had becomes searchable.
    for (i, k) in m.docs.keys().enumerate() {
        let r = c
            .cmd(&["HSET", k, "price", &(i * 10).to_string()])
            .expect("reply");
        assert_eq!(r, Reply::Int(1));
    }
    let e = c
        .cmd(&["FT.SEARCH", "idx", "@price:[0 50]", "DIALECT", "2"])
        .expect("reply");
    assert!(e.is_error(), "price is not in the schema yet: {e:?}");
    ok(
        &mut c,
        &["FT.ALTER", "idx", "SCHEMA", "ADD", "price", "NUMERIC"],
    );
    wait_indexed(&mut c, "idx");
    let want: Vec<String> = m
        .docs
        .keys()
        .enumerate()
        .filter(|(i, _)| i * 10 <= 50)
        .map(|(_, k)| k.clone())
        .collect();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(
        ids(&mut c, "idx", "@price:[0 50]"),
        want_sorted,
        "after FT.ALTER"
    );
    // The rest of the index still works, and new writes index the field.
    check_model(&mut c, "idx", &m, "after FT.ALTER");
    let r = c.cmd(&["HSET", "doc:3", "price", "7"]).expect("reply");
    assert_eq!(r, Reply::Int(0));
    assert!(ids(&mut c, "idx", "@price:[7 7]").contains(&"doc:3".to_string()));
    let attrs = get(&info(&mut c, "idx"), "attributes").clone();
    let names: Vec<String> = attrs
        .array()
        .iter()
        .map(|a| pairs_loose(a)[1].clone())
        .collect();
    assert_eq!(
        names,
        ["t", "tag", "n", "v", "price"],
        "FT.INFO attributes after ALTER"
    );
}

/// The first values of an attribute entry as text: identifier, x,
/// attribute, y, type, T, …
fn pairs_loose(a: &Reply) -> Vec<String> {
    a.array()
        .iter()
        .map(|x| match x {
            Reply::Int(i) => i.to_string(),
            Reply::Array(_) => "<array>".to_string(),
            other => other.text(),
        })
        .collect()
}

#[test]
fn missing_index_errors_name_it() {
    let s = Server::start();
    let mut c = s.conn();
    for a in [
        &["FT.SEARCH", "nope", "*"][..],
        &["FT.INFO", "nope"][..],
        &["FT.AGGREGATE", "nope", "*"][..],
        &["FT.DROPINDEX", "nope"][..],
        &["FT.ALTER", "nope", "SCHEMA", "ADD", "x", "TEXT"][..],
        &["FT.TAGVALS", "nope", "tag"][..],
    ] {
        let r = c.cmd(a).expect("reply");
        assert!(
            r.is_error() && r.err().to_lowercase().contains("unknown index name"),
            "{a:?}: {r:?}"
        );
    }
    let r = c.cmd(&["FT.INFO", "nope"]).expect("reply");
    assert!(r.err().contains("Unknown index name"), "{r:?}");
}

#[test]
fn resp3_search_reply_shape() {
    let s = Server::start();
    let mut c = s.conn();
    small_index(&mut c, "idx");
    let m = model(20, SMALL_DIM, 0xf7_0052, "doc:");
    put_all(&mut c, &m, false);
    let q = vec![0.2, 0.1, 0.0, -0.1];
    let a = knn_cmd("idx", "*", 4, "v", Vt::F32.encode(&q));
    let two = search(&mut c, &a);
    let expected = m.knn(Vt::F32, Metric::L2, &q, &|_| true);
    check_knn(&two, &expected, 4, "RESP2");
    // RESP2: the yielded distance comes first among the fields.
    for (k, f) in &two.rows {
        assert_eq!(f[0].0, "d", "{k}: fields {f:?}");
    }

    let mut c3 = s.conn3();
    let r = c3.cmd(&a).expect("reply");
    let Reply::Map(top) = &r else {
        panic!("RESP3 FT.SEARCH is a map: {r:?}")
    };
    let top: Vec<(String, Reply)> = top.iter().map(|(k, v)| (k.text(), v.clone())).collect();
    assert_eq!(get(&top, "total_results"), &Reply::Int(4));
    for key in ["attributes", "format", "warning"] {
        get(&top, key);
    }
    let results = get(&top, "results").array();
    assert_eq!(results.len(), 4, "{r:?}");
    let mut ids3 = Vec::new();
    for (res, (k2, f2)) in results.iter().zip(&two.rows) {
        let Reply::Map(res) = res else {
            panic!("a result is a map: {res:?}")
        };
        let res: Vec<(String, Reply)> = res.iter().map(|(k, v)| (k.text(), v.clone())).collect();
        let id = get(&res, "id").text();
        ids3.push(id.clone());
        let Reply::Map(extra) = get(&res, "extra_attributes") else {
            panic!("extra_attributes is a map: {res:?}")
        };
        let extra: Vec<(String, Vec<u8>)> = extra
            .iter()
            .map(|(k, v)| (k.text(), v.bulk().to_vec()))
            .collect();
        assert_eq!(id, *k2);
        assert_eq!(extra, *f2, "{id}: RESP3 extra_attributes vs RESP2 fields");
    }
    assert_eq!(ids3, two.ids());
    let r = c3.cmd(&["FT._LIST"]).expect("reply");
    assert!(matches!(&r, Reply::Set(v) if v.len() == 1), "{r:?}");
}

// ------------------------------------------------------------ 7. FT.INFO

#[test]
fn info_shape_is_what_redisvl_parses() {
    let s = Server::start();
    let mut c = s.conn();
    ok(
        &mut c,
        &[
            "FT.CREATE",
            "docs",
            "ON",
            "HASH",
            "PREFIX",
            "1",
            "doc:",
            "SCORE",
            "1.0",
            "SCHEMA",
            "body",
            "AS",
            "t",
            "TEXT",
            "WEIGHT",
            "2",
            "tag",
            "TAG",
            "SEPARATOR",
            "|",
            "n",
            "NUMERIC",
            "SORTABLE",
            "emb",
            "AS",
            "v",
            "VECTOR",
            "HNSW",
            "10",
            "TYPE",
            "FLOAT32",
            "DIM",
            "4",
            "DISTANCE_METRIC",
            "COSINE",
            "M",
            "8",
            "EF_CONSTRUCTION",
            "50",
            "f",
            "VECTOR",
            "FLAT",
            "6",
            "TYPE",
            "FLOAT64",
            "DIM",
            "3",
            "DISTANCE_METRIC",
            "IP",
        ],
    );
    let p = info(&mut c, "docs");
    assert_eq!(p[0].0, "index_name", "{p:?}");
    assert_eq!(get(&p, "index_name").text(), "docs");
    let def = pairs(get(&p, "index_definition"));
    assert_eq!(get(&def, "key_type").text(), "HASH");
    let prefixes: Vec<String> = get(&def, "prefixes")
        .array()
        .iter()
        .map(Reply::text)
        .collect();
    assert_eq!(prefixes, ["doc:"]);
    let attrs = get(&p, "attributes").array();
    assert_eq!(attrs.len(), 5, "{attrs:?}");
    let heads: Vec<Vec<String>> = attrs
        .iter()
        .map(|a| pairs_loose(a).into_iter().take(6).collect())
        .collect();
    let want = [
        ["identifier", "body", "attribute", "t", "type", "TEXT"],
        ["identifier", "tag", "attribute", "tag", "type", "TAG"],
        ["identifier", "n", "attribute", "n", "type", "NUMERIC"],
        ["identifier", "emb", "attribute", "v", "type", "VECTOR"],
        ["identifier", "f", "attribute", "f", "type", "VECTOR"],
    ];
    for (h, w) in heads.iter().zip(want) {
        assert_eq!(h, &w, "attribute head");
    }
    // The k/v pairs after the head, and the bare flags.
    let tail = |i: usize| -> Vec<Reply> { attrs[i].array()[6..].to_vec() };
    let kv = |i: usize, key: &str| -> Reply {
        let t = tail(i);
        let at = t
            .iter()
            .position(|x| matches!(x, Reply::Bulk(b) if b == key.as_bytes()))
            .unwrap_or_else(|| panic!("attribute {i} lacks {key}: {t:?}"));
        t[at + 1].clone()
    };
    assert_eq!(number(&kv(0, "WEIGHT")), 2.0);
    assert_eq!(kv(1, "SEPARATOR").text(), "|");
    assert!(
        tail(2)
            .iter()
            .any(|x| matches!(x, Reply::Bulk(b) if b == b"SORTABLE")),
        "NUMERIC SORTABLE flag: {:?}",
        tail(2)
    );
    assert_eq!(kv(3, "algorithm").text(), "HNSW");
    assert_eq!(kv(3, "data_type").text(), "FLOAT32");
    assert_eq!(kv(3, "dim"), Reply::Int(4), "dim is an integer");
    assert_eq!(kv(3, "distance_metric").text(), "COSINE");
    assert_eq!(number(&kv(3, "M")), 8.0);
    assert_eq!(number(&kv(3, "ef_construction")), 50.0);
    assert_eq!(kv(4, "algorithm").text(), "FLAT");
    assert_eq!(kv(4, "data_type").text(), "FLOAT64");
    assert_eq!(kv(4, "dim"), Reply::Int(3), "dim is an integer");
    assert_eq!(kv(4, "distance_metric").text(), "IP");
    for key in [
        "num_docs",
        "hash_indexing_failures",
        "indexing",
        "percent_indexed",
        "vector_index_sz_mb",
    ] {
        number(get(&p, key));
    }
    assert_eq!(number(get(&p, "num_docs")), 0.0);

    // RESP3: a map; attributes are maps with `dim` an integer and `flags`.
    let mut c3 = s.conn3();
    let r = c3.cmd(&["FT.INFO", "docs"]).expect("reply");
    assert!(matches!(r, Reply::Map(_)), "RESP3 FT.INFO is a map: {r:?}");
    let p3 = pairs(&r);
    let attrs3 = get(&p3, "attributes").array();
    let v = pairs(&attrs3[3]);
    assert_eq!(get(&v, "identifier").text(), "emb");
    assert_eq!(get(&v, "attribute").text(), "v");
    assert_eq!(get(&v, "dim"), &Reply::Int(4));
    let n = pairs(&attrs3[2]);
    let flags: Vec<String> = get(&n, "flags").array().iter().map(Reply::text).collect();
    assert!(flags.contains(&"SORTABLE".to_string()), "{flags:?}");

    // The aliases are what queries use.
    let mut m = model(6, SMALL_DIM, 0xf7_0060, "doc:");
    for (k, d) in m.docs.iter_mut() {
        d.t = "hello world".into();
        let mut a = common::args(&["HSET", k, "body", &d.t, "tag", &d.tag]);
        a.push(b"emb".to_vec());
        a.push(Vt::F32.encode(d.v.as_ref().expect("v")));
        assert!(matches!(c.cmd(&a).expect("reply"), Reply::Int(_)));
    }
    let q = vec![0.4, 0.3, 0.2, 0.1];
    let expected = m.knn(Vt::F32, Metric::Cosine, &q, &|d| d.says_hello());
    let got = search(
        &mut c,
        &knn_cmd("docs", "(@t:hello)", 3, "v", Vt::F32.encode(&q)),
    );
    check_knn(&got, &expected, 3, "query through the aliases");
}

/// A query-time EF_RUNTIME past the cap is refused (2^31 once made usearch
/// reserve 17 GB and the OOM killer took the server); one at the cap is
/// clamped to the graph and answered.
#[test]
fn huge_query_time_ef_runtime_is_refused() {
    let s = Server::start();
    let mut c = s.conn();
    ok(
        &mut c,
        &[
            "FT.CREATE",
            "h",
            "ON",
            "HASH",
            "PREFIX",
            "1",
            "h:",
            "SCHEMA",
            "v",
            "VECTOR",
            "HNSW",
            "6",
            "TYPE",
            "FLOAT32",
            "DIM",
            "2",
            "DISTANCE_METRIC",
            "L2",
        ],
    );
    for i in 0..20 {
        let blob: Vec<u8> = [i as f32, 0.0]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let mut a = common::args(&["HSET", &format!("h:{i}"), "v"]);
        a.push(blob);
        assert!(!c.cmd(&a).expect("reply").is_error());
    }
    let q: Vec<u8> = [3f32, 0.0].iter().flat_map(|x| x.to_le_bytes()).collect();
    for (ef, refused) in [("2147483648", true), ("1000001", true), ("1000000", false)] {
        for form in [
            "*=>[KNN 3 @v $B EF_RUNTIME $EF AS d]",
            "*=>[KNN 3 @v $B]=>{$EF_RUNTIME: $EF; $YIELD_DISTANCE_AS: d}",
        ] {
            let mut a = common::args(&[
                "FT.SEARCH",
                "h",
                form,
                "NOCONTENT",
                "PARAMS",
                "4",
                "EF",
                ef,
                "B",
            ]);
            a.push(q.clone());
            a.extend(common::args(&["DIALECT", "2"]));
            let r = c.cmd(&a).expect("reply");
            if refused {
                assert!(
                    r.is_error() && r.err().contains("EF_RUNTIME"),
                    "{ef} {form}: {r:?}"
                );
            } else {
                assert_eq!(
                    r.array().first(),
                    Some(&Reply::Int(3)),
                    "{ef} {form}: {r:?}"
                );
            }
        }
    }
    assert!(s.alive());
}

/// A pure AOF rewrite (no preamble) writes keys only; the index comes back
/// from the `FT._RESTORE` the module appends after the rewrite starts.
#[test]
fn pure_aof_rewrite_keeps_the_index() {
    let mut s = Server::with(
        &[],
        &["--appendonly", "yes", "--aof-use-rdb-preamble", "no"],
    );
    let mut c = s.conn();
    let m = persist_fill(&mut c);
    let base = s.rewrite_aof();
    assert!(
        !base.windows(9).any(|w| w == b"FT.CREATE"),
        "the rewritten base holds no FT.CREATE: the test would not test the hook"
    );
    // The hook polls every 100 ms.
    let incr_has_restore = |s: &Server| {
        std::fs::read_dir(s.dir.join("appendonlydir"))
            .map(|d| {
                d.flatten().any(|e| {
                    e.file_name().to_string_lossy().contains(".incr.aof")
                        && std::fs::read(e.path())
                            .map(|b| b.windows(11).any(|w| w == b"FT._RESTORE"))
                            .unwrap_or(false)
                })
            })
            .unwrap_or(false)
    };
    s.wait_for("FT._RESTORE in the new incremental AOF", 10, |s| {
        incr_has_restore(s)
    });
    s.restart("NOSAVE");
    let mut c = s.conn();
    check_persisted(&mut c, &m, "pure AOF rewrite, then restart");
}
