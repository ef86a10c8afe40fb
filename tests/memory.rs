//! Memory accounting and limits over the wire.
//!
//! usearch keeps vector graphs outside Redis's allocator; each index holds a
//! matching untouched "ballast" allocation through Redis's allocator
//! (src/vector/ballast.rs), so `used_memory`, `maxmemory` and eviction see
//! the vectors. These tests check that:
//! - `used_memory` grows by the vector memory for a vector set and for an FT
//!   HNSW index, and drops back after DEL / FT.DROPINDEX DD;
//! - `maxmemory` with `noeviction` refuses every kind of AI write (and HSET
//!   into an FT prefix) with Redis's OOM error, stops a vector set near the
//!   limit, keeps reads working and writes nothing half-way;
//! - under `allkeys-lru`, evicting tensors, models and vector sets frees
//!   their memory, and vector sets filled past the limit get evicted;
//! - the accounting survives DEBUG RELOAD.
//!
//! `REDISAI_MEMORY_N` sets the vectors per fill (default 20000; the long
//! form in scripts/reliability uses 50000). Figures are printed with `say`.

mod common;

use common::vec::{blob, random_vectors, vadd, vadd_all};
use common::{err, ok, say, set_floats, store_model, Conn, Reply, Server};

const DIM: usize = 128;
const MIB: f64 = 1048576.0;
const OOM: &str = "OOM command not allowed when used memory > 'maxmemory'.";

fn n_vectors() -> usize {
    std::env::var("REDISAI_MEMORY_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

fn mem(s: &Server, field: &str) -> i64 {
    s.info_field("memory", field)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("INFO memory lacks {field}"))
}

fn used(s: &Server) -> i64 {
    mem(s, "used_memory")
}

fn rss(s: &Server) -> i64 {
    mem(s, "used_memory_rss")
}

fn memory_usage(c: &mut Conn, key: &str) -> i64 {
    c.cmd(&["MEMORY", "USAGE", key]).expect("reply").int()
}

fn mib(b: i64) -> String {
    format!("{:.1} MiB", b as f64 / MIB)
}

/// `FT.CREATE idx ON HASH PREFIX 1 <prefix> SCHEMA v VECTOR HNSW …`.
fn ft_create(c: &mut Conn, idx: &str, prefix: &str) {
    let dim = DIM.to_string();
    ok(
        c,
        &[
            "FT.CREATE",
            idx,
            "ON",
            "HASH",
            "PREFIX",
            "1",
            prefix,
            "SCHEMA",
            "v",
            "VECTOR",
            "HNSW",
            "6",
            "TYPE",
            "FLOAT32",
            "DIM",
            &dim,
            "DISTANCE_METRIC",
            "COSINE",
        ],
    );
}

/// HSETs `<prefix><i> v <blob>` for every vector, pipelined.
fn hset_all(c: &mut Conn, prefix: &str, vectors: &[Vec<f32>]) {
    for (start, chunk) in vectors.chunks(500).enumerate() {
        for (i, v) in chunk.iter().enumerate() {
            let key = format!("{prefix}{}", start * 500 + i);
            let b = blob(v);
            let a: Vec<&[u8]> = vec![b"HSET", key.as_bytes(), b"v", &b];
            c.send(&a).expect("send");
        }
        c.flush().expect("flush");
        for _ in chunk {
            assert_eq!(c.read().expect("reply"), Reply::Int(1));
        }
    }
}

/// A float field of `FT.INFO` (RESP2 flat list).
fn ft_info_f64(c: &mut Conn, idx: &str, field: &str) -> f64 {
    let r = c.cmd(&["FT.INFO", idx]).expect("reply");
    let a = r.array();
    a.chunks(2)
        .find(|p| p[0].text() == field)
        .map(|p| match &p[1] {
            Reply::Int(i) => *i as f64,
            Reply::Double(d) => *d,
            other => other.text().parse().expect("number"),
        })
        .unwrap_or_else(|| panic!("FT.INFO lacks {field}"))
}

fn num_docs(c: &mut Conn, idx: &str) -> i64 {
    ft_info_f64(c, idx, "num_docs") as i64
}

#[test]
fn used_memory_counts_a_vector_set_and_drops_after_del() {
    let s = Server::start();
    let mut c = s.conn();
    let n = n_vectors();
    let vectors = random_vectors(n, DIM, 11);
    let (u0, r0) = (used(&s), rss(&s));
    vadd_all(&mut c, "s", &vectors, &[]);
    let (u1, r1) = (used(&s), rss(&s));
    let usage = memory_usage(&mut c, "s");
    say(&format!(
        "vector set, {n} x {DIM}-d f32: used_memory +{}, MEMORY USAGE {}, RSS +{}",
        mib(u1 - u0),
        mib(usage),
        mib(r1 - r0)
    ));
    // MEMORY USAGE counts usearch's graph and vectors; used_memory must
    // see (nearly) all of it: the ballast lags by under 64 KiB per index.
    assert!(
        (u1 - u0) * 100 >= usage * 90,
        "used_memory grew {} but the set holds {}",
        mib(u1 - u0),
        mib(usage)
    );
    assert_eq!(c.cmd(&["DEL", "s"]).expect("reply"), Reply::Int(1));
    let u2 = used(&s);
    say(&format!(
        "after DEL: used_memory {:+.1} MiB",
        (u2 - u0) as f64 / MIB
    ));
    assert!(
        (u2 - u0).abs() * 100 <= usage * 5,
        "DEL left {} of {}",
        mib(u2 - u0),
        mib(usage)
    );
}

#[test]
fn used_memory_counts_an_ft_hnsw_index_and_drops_after_dropindex_dd() {
    let s = Server::start();
    let mut c = s.conn();
    let n = n_vectors();
    let vectors = random_vectors(n, DIM, 12);
    let (u0, r0) = (used(&s), rss(&s));
    ft_create(&mut c, "idx", "d:");
    hset_all(&mut c, "d:", &vectors);
    assert_eq!(num_docs(&mut c, "idx"), n as i64);
    let (u1, r1) = (used(&s), rss(&s));
    let vec_bytes = (ft_info_f64(&mut c, "idx", "vector_index_sz_mb") * MIB) as i64;
    // Every hash has the same shape: one's MEMORY USAGE, n times.
    let docs = memory_usage(&mut c, "d:0") * n as i64;
    say(&format!(
        "FT HNSW index, {n} x {DIM}-d f32: used_memory +{} (hashes {}, vector index {}), RSS +{}",
        mib(u1 - u0),
        mib(docs),
        mib(vec_bytes),
        mib(r1 - r0)
    ));
    assert!(
        (u1 - u0 - docs) * 100 >= vec_bytes * 90,
        "used_memory grew {} for {} of hashes and {} of vectors",
        mib(u1 - u0),
        mib(docs),
        mib(vec_bytes)
    );
    ok(&mut c, &["FT.DROPINDEX", "idx", "DD"]);
    assert_eq!(c.cmd(&["DBSIZE"]).expect("reply"), Reply::Int(0));
    let u2 = used(&s);
    say(&format!(
        "after FT.DROPINDEX DD: used_memory {:+.1} MiB",
        (u2 - u0) as f64 / MIB
    ));
    assert!(
        (u2 - u0).abs() * 100 <= (u1 - u0) * 5,
        "FT.DROPINDEX DD left {} of {}",
        mib(u2 - u0),
        mib(u1 - u0)
    );
}

/// Adds vectors to `key` one at a time until the server refuses with OOM;
/// returns how many it took. Panics past `cap`.
fn vadd_until_oom(c: &mut Conn, key: &str, vectors: &[Vec<f32>]) -> usize {
    for (i, v) in vectors.iter().enumerate() {
        let r = vadd(c, key, &format!("e{i}"), v, &[]);
        match r {
            Reply::Int(1) => {}
            Reply::Error(e) => {
                assert_eq!(e, OOM, "vector {i}");
                return i;
            }
            other => panic!("vector {i}: {other:?}"),
        }
    }
    panic!("{} vectors fitted under maxmemory", vectors.len());
}

#[test]
fn noeviction_refuses_ai_writes_with_oom_and_keeps_reads() {
    let s = Server::start();
    let mut c = s.conn();
    // Data to read back later, stored before the limit.
    set_floats(&mut c, "t", &[1.0, 2.0, 3.0, 4.0]);
    // The backend-free build (scripts/test runs both) has no model to read
    // back; Redis refuses the OOM writes below before the module sees them.
    let torch = common::has_feature("torch");
    if torch {
        assert!(store_model(&mut c, "m", "TORCH", "pt-minimal.pt", &[]).is_ok());
    }
    ft_create(&mut c, "idx", "d:");
    let few = random_vectors(10, DIM, 13);
    hset_all(&mut c, "d:", &few);

    // A budget of 8 MiB over what is used now: the set must stop near it.
    let budget = 8 << 20;
    let limit = used(&s) + budget;
    ok(&mut c, &["CONFIG", "SET", "maxmemory", &limit.to_string()]);
    let vectors = random_vectors(60_000, DIM, 14);
    let fitted = vadd_until_oom(&mut c, "s", &vectors);
    let usage = memory_usage(&mut c, "s");
    say(&format!(
        "noeviction, maxmemory = used + 8 MiB: {fitted} vectors fitted, MEMORY USAGE {}, used_memory {} over the start",
        mib(usage),
        mib(used(&s) + budget - limit)
    ));
    // Without the accounting, about 60k vectors (~40 MiB of graph) fit
    // in 8 MiB of counted memory.
    assert!(
        usage <= budget * 12 / 10,
        "the set holds {} under an 8 MiB budget",
        mib(usage)
    );
    // The refused vector is not there, half-way or otherwise.
    let last = format!("e{fitted}");
    assert_eq!(
        c.cmd(&["AI.VISMEMBER", "s", &last]).expect("reply"),
        Reply::Int(0)
    );
    assert_eq!(
        c.cmd(&["AI.VCARD", "s"]).expect("reply"),
        Reply::Int(fitted as i64)
    );

    // Over the limit now: every memory-growing AI write is refused.
    ok(&mut c, &["CONFIG", "SET", "maxmemory", "1"]);
    assert_eq!(
        err(&mut c, &["AI.TENSORSET", "t2", "FLOAT", "1", "VALUES", "1"]),
        OOM
    );
    let mut a = common::args(&["AI.MODELSTORE", "m2", "TORCH", "CPU", "BLOB"]);
    a.push(common::fixture("pt-minimal.pt"));
    let r = c.cmd(&a).expect("reply");
    assert_eq!(r, Reply::Error(OOM.into()));
    assert_eq!(
        err(
            &mut c,
            &[
                "AI.SCRIPTSTORE",
                "sc",
                "CPU",
                "ENTRY_POINTS",
                "1",
                "f",
                "SOURCE",
                "def f(a):\n    return a\n"
            ]
        ),
        OOM
    );
    assert_eq!(
        err(
            &mut c,
            &[
                "AI.MODELEXECUTE",
                "m",
                "INPUTS",
                "2",
                "t",
                "t",
                "OUTPUTS",
                "1",
                "out"
            ]
        ),
        OOM
    );
    assert_eq!(
        err(
            &mut c,
            &[
                "AI.DAGEXECUTE",
                "PERSIST",
                "1",
                "t3",
                "|>",
                "AI.TENSORSET",
                "t3",
                "FLOAT",
                "1",
                "VALUES",
                "1"
            ]
        ),
        OOM
    );
    let r = vadd(&mut c, "s", "late", &vectors[0], &[]);
    assert_eq!(r, Reply::Error(OOM.into()));
    let r = vadd(&mut c, "s2", "first", &vectors[0], &[]);
    assert_eq!(r, Reply::Error(OOM.into()));
    let b = blob(&vectors[1]);
    let r = c
        .cmd(&[b"HSET".as_slice(), b"d:late", b"v", &b])
        .expect("reply");
    assert_eq!(r, Reply::Error(OOM.into()));
    assert_eq!(
        err(
            &mut c,
            &["FT.CREATE", "idx2", "ON", "HASH", "SCHEMA", "x", "TEXT"]
        ),
        OOM
    );

    // Nothing was written, and reads still work.
    for key in ["t2", "m2", "sc", "out", "t3", "s2", "d:late"] {
        assert_eq!(
            c.cmd(&["EXISTS", key]).expect("reply"),
            Reply::Int(0),
            "{key}"
        );
    }
    assert_eq!(
        c.cmd(&["AI.VISMEMBER", "s", "late"]).expect("reply"),
        Reply::Int(0)
    );
    assert_eq!(num_docs(&mut c, "idx"), 10);
    let r = c.cmd(&["AI.TENSORGET", "t", "VALUES"]).expect("reply");
    assert_eq!(r.array().len(), 4);
    if torch {
        assert!(!c
            .cmd(&["AI.MODELGET", "m", "META"])
            .expect("reply")
            .is_error());
    }
    let q = blob(&vectors[0]);
    let r = c
        .cmd(&[b"AI.VSIM".as_slice(), b"s", b"FP32", &q, b"COUNT", b"3"])
        .expect("reply");
    assert_eq!(r.array()[0].text(), "e0");
    let r = c
        .cmd(&[
            b"FT.SEARCH".as_slice(),
            b"idx",
            b"*=>[KNN 3 @v $q]",
            b"PARAMS",
            b"2",
            b"q",
            &blob(&few[0]),
            b"DIALECT",
            b"2",
        ])
        .expect("reply");
    assert_eq!(r.array()[0], Reply::Int(3));
    // Deletes still work, and free memory.
    assert_eq!(c.cmd(&["DEL", "s"]).expect("reply"), Reply::Int(1));
}

#[test]
fn allkeys_lru_eviction_of_ai_keys_frees_their_memory() {
    let s = Server::with(&[], &["--maxmemory-policy", "allkeys-lru"]);
    let mut c = s.conn();
    let base = used(&s);
    // A 4 MiB tensor, a model, and a vector set.
    let big: Vec<f32> = (0..(1 << 20)).map(|i| i as f32).collect();
    let mut a = common::args(&["AI.TENSORSET", "t", "FLOAT", "1024", "1024", "BLOB"]);
    a.push(blob(&big));
    assert!(c.cmd(&a).expect("reply").is_ok());
    if common::has_feature("torch") {
        assert!(store_model(&mut c, "m", "TORCH", "pt-minimal.pt", &[]).is_ok());
    } else {
        // The backend-free build: a second tensor stands in for the model.
        set_floats(&mut c, "m", &[1.0; 4096]);
    }
    vadd_all(&mut c, "s", &random_vectors(n_vectors() / 2, DIM, 15), &[]);
    let keys = ["t", "m", "s"];
    let usage: Vec<i64> = keys.iter().map(|k| memory_usage(&mut c, k)).collect();
    let total: i64 = usage.iter().sum();
    let u1 = used(&s);
    // A limit below what the AI keys take: all three must go.
    ok(
        &mut c,
        &[
            "CONFIG",
            "SET",
            "maxmemory",
            &(base + (1 << 20)).to_string(),
        ],
    );
    assert_eq!(c.cmd(&["PING"]).expect("reply").text(), "PONG");
    let evicted: i64 = s
        .info_field("stats", "evicted_keys")
        .and_then(|v| v.trim().parse().ok())
        .expect("evicted_keys");
    let u2 = used(&s);
    say(&format!(
        "allkeys-lru: MEMORY USAGE t {}, m {}, s {}; used_memory {} -> {} after evicting {evicted} keys",
        mib(usage[0]),
        mib(usage[1]),
        mib(usage[2]),
        mib(u1 - base),
        mib(u2 - base)
    ));
    assert_eq!(evicted, 3);
    assert_eq!(c.cmd(&["DBSIZE"]).expect("reply"), Reply::Int(0));
    assert!(
        (u1 - u2) * 100 >= total * 90,
        "eviction freed {} of {}",
        mib(u1 - u2),
        mib(total)
    );
}

#[test]
fn allkeys_lru_evicts_vector_sets_filled_past_the_limit() {
    let s = Server::with(&[], &["--maxmemory-policy", "allkeys-lru"]);
    let mut c = s.conn();
    let budget: i64 = 8 << 20;
    let limit = used(&s) + budget;
    ok(&mut c, &["CONFIG", "SET", "maxmemory", &limit.to_string()]);
    // Sets of 1500 vectors (~1.1 MiB each): 16 of them are twice the budget.
    let per_set = random_vectors(1500, DIM, 16);
    let mut peak = 0;
    for i in 0..16 {
        vadd_all(&mut c, &format!("s{i}"), &per_set, &[]);
        peak = peak.max(used(&s));
    }
    let evicted: i64 = s
        .info_field("stats", "evicted_keys")
        .and_then(|v| v.trim().parse().ok())
        .expect("evicted_keys");
    let live = c.cmd(&["DBSIZE"]).expect("reply").int();
    let one = memory_usage(&mut c, "s15");
    say(&format!(
        "allkeys-lru, 8 MiB budget, 16 sets of 1500 vectors ({} each): {evicted} evictions, {live} sets left, used_memory at most {} over the start",
        mib(one),
        mib(peak + budget - limit)
    ));
    assert!(evicted > 0, "no set was evicted");
    // Every set is live or was evicted. A set that approximated LRU evicts
    // while it is still being filled comes back with the next AI.VADD, so
    // it counts on both sides (17 seen once).
    assert!(
        live + evicted >= 16,
        "{live} live + {evicted} evicted < 16 sets"
    );
    assert!(live * one <= budget * 12 / 10);
    // The oldest went first.
    assert_eq!(c.cmd(&["EXISTS", "s0"]).expect("reply"), Reply::Int(0));
    assert_eq!(c.cmd(&["EXISTS", "s15"]).expect("reply"), Reply::Int(1));
}

#[test]
fn accounting_survives_debug_reload() {
    let s = Server::start();
    let mut c = s.conn();
    let n = n_vectors() / 2;
    let u0 = used(&s);
    vadd_all(&mut c, "s", &random_vectors(n, DIM, 17), &[]);
    ft_create(&mut c, "idx", "d:");
    hset_all(&mut c, "d:", &random_vectors(n, DIM, 18));
    let u1 = used(&s);
    let set = memory_usage(&mut c, "s");
    let vec_bytes = (ft_info_f64(&mut c, "idx", "vector_index_sz_mb") * MIB) as i64;
    ok(&mut c, &["DEBUG", "RELOAD"]);
    assert_eq!(num_docs(&mut c, "idx"), n as i64);
    let u2 = used(&s);
    let docs = memory_usage(&mut c, "d:0") * n as i64;
    say(&format!(
        "DEBUG RELOAD, set of {n} + FT index of {n}: used_memory +{} before, +{} after (set {}, FT vectors {}, hashes {})",
        mib(u1 - u0),
        mib(u2 - u0),
        mib(set),
        mib(vec_bytes),
        mib(docs)
    ));
    assert!(
        (u2 - u0 - docs) * 100 >= (set + vec_bytes) * 90,
        "after reload used_memory is {} over the start with {} of hashes; the vectors take {}",
        mib(u2 - u0),
        mib(docs),
        mib(set + vec_bytes)
    );
    assert!((u2 - u1).abs() * 100 <= (u1 - u0) * 10);
}

/// Regression: AI.VSETATTR was flagged `write fast` without `deny-oom`, so
/// it stored attributes of any size over `maxmemory` under `noeviction`.
#[test]
fn vsetattr_is_refused_with_oom_over_maxmemory() {
    let s = Server::start();
    let mut c = s.conn();
    assert_eq!(vadd(&mut c, "s", "a", &[1.0, 0.0], &[]), Reply::Int(1));
    ok(&mut c, &["CONFIG", "SET", "maxmemory", "1"]);
    let big = format!("{{\"x\":\"{}\"}}", "y".repeat(1 << 20));
    assert_eq!(err(&mut c, &["AI.VSETATTR", "s", "a", &big]), OOM);
    assert_eq!(
        c.cmd(&["AI.VGETATTR", "s", "a"]).expect("reply"),
        Reply::Nil
    );
    ok(&mut c, &["CONFIG", "SET", "maxmemory", "0"]);
    assert_eq!(
        c.cmd(&["AI.VSETATTR", "s", "a", &big]).expect("reply"),
        Reply::Int(1)
    );
}
