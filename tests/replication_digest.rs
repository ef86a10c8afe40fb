//! Replication convergence, checked with DEBUG DIGEST (issue 13).
//!
//! A primary and a replica, both with the module: data written before the
//! replica attaches travels by full sync, the rest by the command stream.
//! After a mixed workload (tensors, models of every backend built in,
//! MODELEXECUTE, SCRIPTEXECUTE with `redis.execute` writes, DAG PERSIST,
//! vector set writes, FT-indexed hashes, EXPIRE/DEL) the replica's
//! `DEBUG DIGEST` equals the primary's, key by key (`DEBUG DIGEST-VALUE`),
//! its FT.SEARCH and AI.VSIM answers are the primary's, and it never ran a
//! model or a script (their outputs arrive as replicated `AI.TENSORSET`s).
//!
//! DEBUG DIGEST does not cover FT indexes: they live in aux data (the
//! `ft_index` type has no digest callback), so FT.SEARCH answers are
//! compared instead.
//!
//! The digest callbacks themselves are checked field by field: two keys
//! that differ in one field only have different `DIGEST-VALUE`s, and two
//! keys with the same content reached by different histories the same one.
//! DEBUG RELOAD and an AOF rewrite (no RDB preamble) keep every digest.

#[macro_use]
mod common;

use common::vec::{blob, random_vectors, vadd, vsim};
use common::{args, fixture, has_feature, store_model, Conn, Reply, Server};

const DIM: usize = 4;

const SCRIPT: &str = r#"def bump(tensors: List[Tensor], keys: List[str], args: List[str]):
    redis.execute("SET", [keys[0], args[0]])
    redis.execute("HSET", [keys[1], "tag", "script", "n", args[0]])
    redis.execute("INCR", [keys[2]])
    return tensors[0] + 1

def add(tensors: List[Tensor], keys: List[str], args: List[str]):
    return tensors[0] + tensors[1]
"#;

/// Runs a command, which must not fail.
fn run(c: &mut Conn, a: &[&str]) -> Reply {
    let r = c.cmd(a).expect("reply");
    assert!(!r.is_error(), "{a:?}: {r:?}");
    r
}

/// [`run`] of a line of space-separated words.
fn w(c: &mut Conn, line: &str) -> Reply {
    run(c, &line.split(' ').collect::<Vec<_>>())
}

/// [`w`] of each line.
fn ws(c: &mut Conn, lines: &[&str]) {
    for l in lines {
        w(c, l);
    }
}

/// Argument lists from a line of space-separated words.
fn words(line: &str) -> Vec<Vec<u8>> {
    args(&line.split(' ').collect::<Vec<_>>())
}

/// `AI.MODELSTORE key backend CPU <extra words> BLOB <fixture>`, which must
/// reply OK.
fn stored(c: &mut Conn, key: &str, backend: &str, file: &str, extra: &str) {
    let extra: Vec<&str> = extra.split(' ').filter(|x| !x.is_empty()).collect();
    let r = store_model(c, key, backend, file, &extra);
    assert!(r.is_ok(), "{key}: {r:?}");
}

/// `AI.SCRIPTSTORE key <head words> ENTRY_POINTS n <entries> SOURCE src`.
fn script_cmd<'a>(key: &'a str, head: &'a str, entries: &'a str, src: &'a str) -> Vec<String> {
    let mut a = vec!["AI.SCRIPTSTORE".to_string(), key.into()];
    a.extend(head.split(' ').map(String::from));
    let entries: Vec<&str> = entries.split(' ').collect();
    a.extend(["ENTRY_POINTS".into(), entries.len().to_string()]);
    a.extend(entries.iter().map(|e| e.to_string()));
    a.extend(["SOURCE".into(), src.into()]);
    a
}

/// `HSET doc tag <tag> n <n> vec <FLOAT32 blob>`.
fn hset_doc(c: &mut Conn, key: &str, tag: &str, n: usize, v: &[f32]) {
    let n = n.to_string();
    let b = blob(v);
    let mut a = args(&["HSET", key, "tag", tag, "n", &n, "vec"]);
    a.push(b);
    let r = c.cmd(&a).expect("reply");
    assert!(!r.is_error(), "{key}: {r:?}");
}

fn ft_create(c: &mut Conn, idx: &str) {
    // A replica's HNSW graph may differ in detail from the primary's (node
    // levels are drawn anew after a load), so the searches use an EF above
    // the document count: their answers are then exact on both servers.
    let vec = "vec VECTOR HNSW 8 TYPE FLOAT32 DIM 4 DISTANCE_METRIC L2 EF_RUNTIME 100";
    let schema = format!("tag TAG n NUMERIC {vec}");
    w(
        c,
        &format!("FT.CREATE {idx} ON HASH PREFIX 1 doc: SCHEMA {schema}"),
    );
}

/// What the full sync carries: written before the replica attaches.
fn before_attach(c: &mut Conn) {
    ws(
        c,
        &[
            "AI.TENSORSET pre:a FLOAT 2 2 VALUES 1 2 3 4",
            "AI.TENSORSET pre:b FLOAT 2 2 VALUES 5 6 7 8",
            "AI.TENSORSET pre:s STRING 2 VALUES x yz",
        ],
    );
    if has_feature("torch") {
        let opts = "TAG v1 BATCHSIZE 4 MINBATCHSIZE 2";
        stored(c, "pre:torch", "TORCH", "pt-minimal.pt", opts);
        let script = script_cmd("scr", "CPU TAG s1", "bump add", SCRIPT);
        run(c, &script.iter().map(String::as_str).collect::<Vec<_>>());
    }
    if has_feature("onnx") {
        stored(c, "pre:onnx", "ONNX", "onnx-linear.onnx", "");
    }
    for (i, v) in random_vectors(40, DIM, 7).iter().enumerate() {
        let attrs = format!("{{\"n\":{i},\"even\":{}}}", i % 2 == 0);
        let r = vadd(c, "vs", &format!("e{i}"), v, &["SETATTR", &attrs]);
        assert!(!r.is_error(), "{r:?}");
    }
    ft_create(c, "idx");
    for (i, v) in random_vectors(20, DIM, 11).iter().enumerate() {
        hset_doc(c, &format!("doc:{i}"), ["a", "b"][i % 2], i, v);
    }
}

/// What the command stream carries: written after the replica attached.
/// Returns the model and script keys that ran on the primary.
fn after_attach(c: &mut Conn) -> Vec<&'static str> {
    let mut ran = Vec::new();
    ws(
        c,
        &[
            "AI.TENSORSET t:x DOUBLE 3 VALUES 0.5 -1 2",
            "AI.TENSORSET t:lin FLOAT 1 4 VALUES 1 2 3 4",
            "AI.TENSORSET t:a1 FLOAT 1 2 VALUES 2 3",
        ],
    );
    if has_feature("torch") {
        stored(c, "post:torch", "TORCH", "pt-tuple.pt", "TAG late");
        // The script writes a string, an FT-indexed hash and a counter.
        let bump = "AI.SCRIPTEXECUTE scr bump KEYS 3 s:str";
        ws(
            c,
            &[
                "AI.MODELEXECUTE pre:torch INPUTS 2 pre:a pre:b OUTPUTS 1 out:torch",
                "AI.MODELEXECUTE post:torch INPUTS 2 pre:a pre:b OUTPUTS 2 out:sum out:diff",
                &format!("{bump} doc:100 s:ctr INPUTS 1 pre:a ARGS 1 7 OUTPUTS 1 out:bump"),
                &format!("{bump} doc:101 s:ctr INPUTS 1 pre:b ARGS 1 3 OUTPUTS 1 out:bump"),
            ],
        );
        // A DAG: a tensor, a model and a script op, three outputs persisted.
        let r = w(
            c,
            "AI.DAGEXECUTE LOAD 1 pre:a PERSIST 3 dag:z dag:y dag:w \
             |> AI.TENSORSET dag:z FLOAT 1 VALUES 7 \
             |> AI.MODELEXECUTE pre:torch INPUTS 2 pre:a pre:a OUTPUTS 1 dag:y \
             |> AI.SCRIPTEXECUTE scr add INPUTS 2 dag:y pre:a OUTPUTS 1 dag:w",
        );
        assert_eq!(r.array().len(), 3, "{r:?}");
        ran.extend(["pre:torch", "post:torch", "scr"]);
    }
    if has_feature("onnx") {
        stored(c, "post:onnx", "ONNX", "onnx-square.onnx", "");
        ws(
            c,
            &[
                "AI.MODELEXECUTE pre:onnx INPUTS 1 t:lin OUTPUTS 1 out:onnx",
                "AI.MODELEXECUTE post:onnx INPUTS 1 pre:a OUTPUTS 1 out:sq",
            ],
        );
        let r = w(
            c,
            "AI.DAGEXECUTE PERSIST 1 dag:onnx |> AI.TENSORSET dag:in FLOAT 1 2 VALUES 3 4 \
             |> AI.MODELEXECUTE post:onnx INPUTS 1 dag:in OUTPUTS 1 dag:onnx",
        );
        assert_eq!(r.array().len(), 2, "{r:?}");
        ran.extend(["pre:onnx", "post:onnx"]);
    }
    if has_feature("tf") {
        let io = "INPUTS 2 a b OUTPUTS 1 mul";
        stored(c, "post:tf", "TF", "tf-graph.pb", io);
        ws(
            c,
            &["AI.MODELEXECUTE post:tf INPUTS 2 pre:a pre:b OUTPUTS 1 out:tf"],
        );
        ran.push("post:tf");
    }
    if has_feature("tflite") {
        stored(c, "post:tflite", "TFLITE", "tflite-graph.tflite", "");
        ws(
            c,
            &["AI.MODELEXECUTE post:tflite INPUTS 2 t:a1 t:a1 OUTPUTS 1 out:tflite"],
        );
        ran.push("post:tflite");
    }
    // Vector sets: new elements, removals, attributes, a second I8 set.
    for (i, v) in random_vectors(15, DIM, 13).iter().enumerate() {
        let name = format!("n{i}");
        let attrs = format!("{{\"n\":{},\"even\":{}}}", 100 + i, i % 2 == 0);
        let r = vadd(c, "vs", &name, v, &["SETATTR", &attrs]);
        assert!(!r.is_error(), "{r:?}");
        let r = vadd(c, "vs8", &name, v, &["QUANT", "I8", "M", "8"]);
        assert!(!r.is_error(), "{r:?}");
    }
    for name in ["e0", "e5", "n3"] {
        assert_eq!(w(c, &format!("AI.VREM vs {name}")).int(), 1, "{name}");
    }
    w(c, "AI.VSETATTR vs e1 {\"n\":1000,\"even\":true}");
    run(c, &["AI.VSETATTR", "vs", "e2", ""]);
    // FT: a second index, created on the stream; new, changed and deleted
    // documents.
    ft_create(c, "idx2");
    for (i, v) in random_vectors(20, DIM, 17).iter().enumerate() {
        hset_doc(c, &format!("doc:{}", 20 + i), ["a", "c"][i % 2], 20 + i, v);
    }
    hset_doc(c, "doc:5", "c", 55, &[0.1, 0.2, 0.3, 0.4]);
    assert_eq!(w(c, "DEL doc:3 doc:21").int(), 2);
    // Expiry and deletion of AI keys.
    assert_eq!(w(c, "EXPIRE pre:b 1000").int(), 1);
    assert_eq!(w(c, "PEXPIRE t:x 1").int(), 1);
    std::thread::sleep(std::time::Duration::from_millis(20));
    // Reading it expires it, and the primary propagates a DEL.
    assert_eq!(w(c, "EXISTS t:x").int(), 0);
    assert_eq!(w(c, "DEL t:lin pre:s").int(), 2);
    if has_feature("onnx") {
        assert_eq!(w(c, "DEL out:onnx").int(), 1);
    }
    ran
}

fn digest(c: &mut Conn) -> Reply {
    w(c, "DEBUG DIGEST")
}

/// Every key, sorted, with its `DEBUG DIGEST-VALUE`.
fn key_digests(c: &mut Conn) -> Vec<(String, String)> {
    let mut keys: Vec<String> = w(c, "KEYS *").array().iter().map(Reply::text).collect();
    keys.sort();
    let mut a = vec!["DEBUG", "DIGEST-VALUE"];
    a.extend(keys.iter().map(String::as_str));
    let r = run(c, &a);
    keys.iter()
        .cloned()
        .zip(r.array().iter().map(Reply::text))
        .collect()
}

/// An FT.SEARCH reply `[total, key, [field, value, …], …]` sorted by
/// `field`, as `[total, [values in reply order], [[key, fields]…]]` with the
/// rows ordered by `(value, key)`. Ties under SORTBY are ordered by internal
/// document ids, which FT.CREATE assigns in keyspace scan order, and the
/// scan order of two servers' hash tables can differ; everything else must
/// be equal.
fn ties_by_key(r: &Reply, field: &str) -> Reply {
    let a = r.array();
    let mut rows: Vec<(String, String, Reply)> = a[1..]
        .chunks(2)
        .map(|row| {
            let f = row[1].array();
            let v = f.chunks(2).find(|kv| kv[0].text() == field);
            (
                v.map_or(String::new(), |kv| kv[1].text()),
                row[0].text(),
                row[1].clone(),
            )
        })
        .collect();
    let order = rows
        .iter()
        .map(|r| Reply::Bulk(r.0.clone().into_bytes()))
        .collect();
    rows.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    let rows = rows
        .into_iter()
        .map(|(_, k, f)| Reply::Array(vec![Reply::Bulk(k.into_bytes()), f]))
        .collect();
    Reply::Array(vec![a[0].clone(), Reply::Array(order), Reply::Array(rows)])
}

/// The FT and vector queries whose answers must match across servers.
fn queries(c: &mut Conn) -> Vec<(String, Reply)> {
    let mut out = Vec::new();
    for (qi, q) in random_vectors(3, DIM, 23).iter().enumerate() {
        for idx in ["idx", "idx2"] {
            for filter in ["*", "@tag:{a}", "@n:[5 30]"] {
                let query = format!("{filter}=>[KNN 6 @vec $B AS d]");
                let mut a = args(&["FT.SEARCH", idx, &query]);
                a.extend(words("RETURN 3 d tag n SORTBY d PARAMS 2 B"));
                a.push(blob(q));
                a.extend(args(&["DIALECT", "2"]));
                let r = c.cmd(&a).expect("reply");
                assert!(!r.is_error(), "{query}: {r:?}");
                out.push((format!("{idx} {query} q{qi}"), ties_by_key(&r, "d")));
            }
        }
        for (key, extra) in [
            ("vs", "COUNT 8 EF 100 WITHSCORES"),
            ("vs", "COUNT 8 EF 100 WITHSCORES FILTER .n>10&&.even"),
            ("vs", "COUNT 5 EF 100 WITHATTRIBS FILTER .n>=100"),
            ("vs8", "COUNT 8 EF 100 WITHSCORES"),
        ] {
            let r = vsim(c, key, q, &extra.split(' ').collect::<Vec<_>>());
            assert!(!r.is_error(), "{key} {extra}: {r:?}");
            out.push((format!("VSIM {key} {extra} q{qi}"), r));
        }
    }
    // The `script` documents are written by a script's redis.execute,
    // which the backend-free build cannot run.
    let filters = [
        ("idx", "@tag:{script}"),
        ("idx2", "@n:[0 25]"),
        ("idx", "@tag:{c}"),
    ];
    let skip = usize::from(!has_feature("torch"));
    for &(idx, filter) in &filters[skip..] {
        let mut a = args(&["FT.SEARCH", idx, filter]);
        a.extend(words("RETURN 1 n SORTBY n LIMIT 0 100"));
        let r = c.cmd(&a).expect("reply");
        assert!(!r.is_error(), "{filter}: {r:?}");
        out.push((format!("{idx} {filter}"), ties_by_key(&r, "n")));
    }
    for key in ["vs", "vs8"] {
        out.push((format!("VCARD {key}"), w(c, &format!("AI.VCARD {key}"))));
    }
    out
}

/// `(calls, samples)` of AI.INFO for a model or script.
fn calls(c: &mut Conn, key: &str) -> (i64, i64) {
    let r = w(c, &format!("AI.INFO {key}"));
    let f = r.array();
    (f[15].int(), f[13].int())
}

#[test]
fn replica_converges_after_mixed_workload() {
    let primary = Server::with(&[], &["--repl-diskless-sync-delay", "0"]);
    let mut p = primary.conn();
    before_attach(&mut p);
    let replica = Server::start();
    replica.replicate_from(&primary);
    let ran = after_attach(&mut p);
    assert_eq!(w(&mut p, "WAIT 1 10000").int(), 1, "WAIT 1");
    let want = primary.info_field("replication", "master_repl_offset");
    replica.wait_for("the replica to catch up", 30, |s| {
        s.info_field("replication", "slave_repl_offset") == want
    });
    let mut r = replica.conn();

    // Key by key, then the whole data set.
    let (pk, rk) = (key_digests(&mut p), key_digests(&mut r));
    let names = |v: &[(String, String)]| v.iter().map(|k| k.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&rk), names(&pk), "the replica's key set");
    for ((key, pd), (_, rd)) in pk.iter().zip(&rk) {
        assert_eq!(rd, pd, "DEBUG DIGEST-VALUE of {key} differs on the replica");
    }
    let d = digest(&mut p);
    assert_ne!(d.text(), "0".repeat(40), "an empty data set");
    assert_eq!(digest(&mut r), d, "DEBUG DIGEST");
    // The workload's effects are there (so the comparison means something).
    let mut present = vec![];
    if has_feature("torch") {
        present.extend(["s:str", "s:ctr", "doc:100", "dag:z", "dag:y", "dag:w"]);
        present.extend(["out:torch", "out:bump"]);
    }
    if has_feature("onnx") {
        present.extend(["dag:onnx", "out:sq"]);
    }
    let gone = ["t:x", "t:lin", "pre:s", "doc:3", "doc:21", "dag:in"];
    let mut exists = |k: &str| w(&mut r, &format!("EXISTS {k}")).int();
    for key in present {
        assert_eq!(exists(key), 1, "{key} on the replica");
    }
    for key in gone {
        assert_eq!(exists(key), 0, "{key} on the replica");
    }
    assert!(w(&mut r, "TTL pre:b").int() > 0, "pre:b's TTL");

    // FT and vector answers (the FT indexes are not in DEBUG DIGEST).
    let (pq, rq) = (queries(&mut p), queries(&mut r));
    for (what, a) in &pq {
        let found = match a {
            Reply::Array(v) if v.len() == 3 => !v[2].array().is_empty(),
            Reply::Array(v) => !v.is_empty(),
            other => other.int() > 0,
        };
        assert!(found, "{what} found nothing on the primary: {a:?}");
    }
    assert_eq!(rq.len(), pq.len());
    for ((what, pa), (_, ra)) in pq.iter().zip(&rq) {
        assert_eq!(ra, pa, "{what} differs on the replica");
    }

    // The replica never ran a model or a script, nor received a command
    // that runs one: their outputs came as AI.TENSORSET.
    for key in &ran {
        let (pc, _) = calls(&mut p, key);
        assert!(pc > 0, "{key} never ran on the primary");
        // Scripts report -1 samples; models 0 until they run.
        let (rc, samples) = calls(&mut r, key);
        assert_eq!(rc, 0, "{key} ran on the replica");
        assert!(samples <= 0, "{key} ran on the replica ({samples} samples)");
    }
    for cmd in ["AI.MODELEXECUTE", "AI.SCRIPTEXECUTE", "AI.DAGEXECUTE"] {
        let s = replica.info_field("commandstats", &format!("cmdstat_{cmd}"));
        assert_eq!(s, None, "the replica received {cmd}");
    }
    let s = replica.info_field("commandstats", "cmdstat_AI.TENSORSET");
    assert!(s.is_some(), "no AI.TENSORSET reached the replica");
}

/// `DEBUG DIGEST-VALUE` of one key.
fn dv(c: &mut Conn, key: &str) -> String {
    w(c, &format!("DEBUG DIGEST-VALUE {key}")).array()[0].text()
}

/// For each case `what: A | B`, writes `make(A)` and `make(B)` (argument
/// lists whose second word is replaced by the key) to two fresh keys; their
/// digests must differ.
fn differ(c: &mut Conn, make: impl Fn(&str) -> Vec<Vec<u8>>, cases: &[&str]) {
    for case in cases {
        let (what, pair) = case.split_once(": ").expect("what: A | B");
        let (a, b) = pair.split_once(" | ").expect("A | B");
        for (key, side) in [("d:1", a), ("d:2", b)] {
            run(c, &["DEL", key]);
            let mut cmd = make(side);
            cmd[1] = key.as_bytes().to_vec();
            let r = c.cmd(&cmd).expect("reply");
            assert!(!r.is_error(), "{what}: {r:?}");
        }
        let (d1, d2) = (dv(c, "d:1"), dv(c, "d:2"));
        assert_ne!(d1, "0".repeat(40), "{what}: no digest");
        assert_ne!(d1, d2, "{what}: keys that differ only there, one digest");
    }
}

#[test]
fn digest_value_covers_tensor_fields() {
    let s = Server::start();
    let make = |a: &str| words(&format!("AI.TENSORSET $K {a}"));
    let cases = [
        "dtype: INT8 2 VALUES 1 2 | UINT8 2 VALUES 1 2",
        "shape: FLOAT 2 2 VALUES 1 2 3 4 | FLOAT 4 VALUES 1 2 3 4",
        "data: FLOAT 2 VALUES 1 2 | FLOAT 2 VALUES 1 3",
        "strings: STRING 2 VALUES ab c | STRING 2 VALUES a bc",
    ];
    differ(&mut s.conn(), make, &cases);
}

#[test]
fn digest_value_covers_vector_set_fields() {
    let s = Server::start();
    let mut c = s.conn();
    let make = |a: &str| words(&format!("AI.VADD $K VALUES 2 {a}"));
    let cases = [
        "vector: 1 0.5 e | 1 0.25 e",
        "element name: 1 0.5 e | 1 0.5 f",
        "attributes: 1 0.5 e SETATTR {\"a\":1} | 1 0.5 e SETATTR {\"a\":2}",
        "attributes or none: 1 0.5 e SETATTR {} | 1 0.5 e",
        "quantization: 1 0.5 e QUANT I8 | 1 0.5 e QUANT BF16",
        "metric: 1 0.5 e METRIC L2 | 1 0.5 e METRIC IP",
        "hnsw M: 1 0.5 e M 8 | 1 0.5 e M 16",
    ];
    differ(&mut c, make, &cases);
    // The same content through different histories: one digest.
    w(&mut c, "DEL d:1 d:2");
    for (key, order) in [("d:1", ["a", "b", "c"]), ("d:2", ["c", "a", "b"])] {
        for (i, n) in order.iter().enumerate() {
            let x = n.as_bytes()[0] - b'a';
            let attrs = "SETATTR {\"k\":1}";
            w(&mut c, &format!("AI.VADD {key} VALUES 2 {x} 1 {n} {attrs}"));
            if i == 0 {
                w(&mut c, &format!("AI.VADD {key} VALUES 2 9 9 tmp"));
            }
        }
        w(&mut c, &format!("AI.VREM {key} tmp"));
    }
    let (d1, d2) = (dv(&mut c, "d:1"), dv(&mut c, "d:2"));
    assert_eq!(d1, d2, "same set, other history");
}

/// Regression: AI_VECSET's digest left out the HNSW ef-construction, so a
/// replica whose set was built with another EF went unnoticed.
#[test]
fn vecset_digest_covers_ef_construction() {
    let s = Server::start();
    let make = |a: &str| words(&format!("AI.VADD $K VALUES 2 {a}"));
    let cases = ["hnsw EF: 1 0.5 e EF 100 | 1 0.5 e EF 200"];
    differ(&mut s.conn(), make, &cases);
}

#[test]
fn digest_value_covers_script_fields() {
    skip_unless!("torch");
    let s = Server::start();
    let other = "def bump(tensors: List[Tensor], keys: List[str], args: List[str]):\n    \
                 return tensors[0]\n";
    // `<device and tag>; <entry points>; <source: 0 or 1>`.
    let make = |a: &str| {
        let p: Vec<&str> = a.split("; ").collect();
        let src = if p[2] == "0" { SCRIPT } else { other };
        let cmd = script_cmd("$K", p[0], p[1], src);
        cmd.into_iter().map(String::into_bytes).collect()
    };
    let cases = [
        "script tag: CPU TAG a; bump; 0 | CPU TAG b; bump; 0",
        "entry points: CPU; bump; 0 | CPU; bump add; 0",
        "script source: CPU; bump; 0 | CPU; bump; 1",
        "script device: CPU; bump; 0 | cpu; bump; 0",
    ];
    differ(&mut s.conn(), make, &cases);
}

/// `AI.MODELSTORE $K <backend of file> <options> BLOB <file>` of
/// `file options`.
fn model(a: &str) -> Vec<Vec<u8>> {
    let (file, opts) = a.split_once(' ').expect("file options");
    let backend = if file.ends_with(".pt") { "TORCH" } else { "TF" };
    let mut cmd = args(&["AI.MODELSTORE", "$K", backend]);
    cmd.extend(words(opts));
    cmd.push(b"BLOB".to_vec());
    cmd.push(fixture(file));
    cmd
}

#[test]
fn digest_value_covers_model_fields() {
    let s = Server::start();
    let mut c = s.conn();
    if has_feature("torch") {
        let m = "pt-minimal.pt CPU";
        let mb = format!("{m} BATCHSIZE 4 MINBATCHSIZE");
        let cases = [
            &format!("model blob: {m} | pt-tuple.pt CPU")[..],
            &format!("model tag: {m} TAG a | {m} TAG b"),
            &format!("model device: {m} | pt-minimal.pt cpu"),
            &format!("batchsize: {m} BATCHSIZE 2 | {m} BATCHSIZE 4"),
            &format!("minbatchsize: {mb} 1 | {mb} 2"),
            &format!("minbatchtimeout: {mb} 2 MINBATCHTIMEOUT 10 | {mb} 2 MINBATCHTIMEOUT 20"),
        ];
        differ(&mut c, model, &cases);
    }
    if has_feature("tf") {
        let m = "tf-two.pb CPU INPUTS";
        let names = format!("output names: {m} 2 a b OUTPUTS 1 sum | {m} 2 a b OUTPUTS 1 diff");
        differ(&mut c, model, &[&names]);
    }
}

/// Regression: AI__MODEL's digest chained the input and output names with
/// no count, so the same names split differently between INPUTS and
/// OUTPUTS (a TF model) had one digest.
#[test]
fn model_digest_separates_inputs_from_outputs() {
    skip_unless!("tf");
    let s = Server::start();
    let m = "tf-two.pb CPU INPUTS";
    let split = format!("io split: {m} 2 a b OUTPUTS 2 sum diff | {m} 3 a b sum OUTPUTS 1 diff");
    differ(&mut s.conn(), model, &[&split]);
}

/// The whole digest, every key's digest and the query answers.
type State = (Reply, Vec<(String, String)>, Vec<(String, Reply)>);

fn state(c: &mut Conn) -> State {
    (digest(c), key_digests(c), queries(c))
}

fn same_state(got: &State, want: &State, after: &str) {
    for ((key, g), (_, x)) in got.1.iter().zip(&want.1) {
        assert_eq!(g, x, "{after} changed the digest of {key}");
    }
    assert_eq!(got.1.len(), want.1.len(), "{after} changed the key count");
    assert_eq!(got.0, want.0, "{after} changed DEBUG DIGEST");
    for ((what, g), (_, x)) in got.2.iter().zip(&want.2) {
        assert_eq!(g, x, "{after} changed {what}");
    }
}

#[test]
fn digest_survives_reload_and_aof_rewrite() {
    let opts = ["--appendonly", "yes", "--aof-use-rdb-preamble", "no"];
    let mut s = Server::with(&[], &opts);
    let mut c = s.conn();
    before_attach(&mut c);
    after_attach(&mut c);
    let before = state(&mut c);
    w(&mut c, "DEBUG RELOAD");
    same_state(&state(&mut c), &before, "DEBUG RELOAD");
    // The rewritten AOF is commands only (no RDB preamble): every type's
    // aof_rewrite callback, replayed on restart.
    let base = s.rewrite_aof();
    assert!(!base.starts_with(b"REDIS"), "an RDB preamble in the AOF");
    s.restart("NOSAVE");
    let mut c = s.conn();
    same_state(&state(&mut c), &before, "the AOF rewrite and replay");
}
