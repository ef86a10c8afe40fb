//! Reading the keyspace back after a restart, and comparing it with what
//! the acknowledged writes say it must hold (tests/crash_recovery.rs).

use std::collections::{BTreeMap, BTreeSet};

use super::workload::{Val, SCRIPT};
use crate::common::vec::blob;
use crate::common::{Conn, Reply};

fn floats(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|x| f32::from_le_bytes([x[0], x[1], x[2], x[3]]))
        .collect()
}

fn kind(key: &str) -> &str {
    key.split(':').next().unwrap_or("")
}

/// The commands that read `key` (models are read separately).
fn reads(key: &str) -> Vec<Vec<Vec<u8>>> {
    let w = |a: &[&str]| a.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>();
    match kind(key) {
        "str" => vec![w(&["GET", key])],
        "s" => vec![w(&["AI.SCRIPTGET", key, "SOURCE"])],
        "doc" => vec![w(&["EXISTS", key]), w(&["HMGET", key, "n", "v"])],
        "vs" => {
            let (set, elem) = key.split_once('/').unwrap_or((key, ""));
            vec![w(&["AI.VEMB", set, elem, "RAW"])]
        }
        _ => vec![w(&["AI.TENSORGET", key, "BLOB"])],
    }
}

fn decode(key: &str, r: &[Reply]) -> Val {
    let empty = |r: &Reply| matches!(r, Reply::Error(e) if e.contains("key is empty"));
    let broken = || Val::Broken(format!("{r:?}"));
    match (kind(key), r) {
        ("str", [Reply::Nil]) => Val::Absent,
        ("str", [Reply::Bulk(b)]) => Val::Str(String::from_utf8_lossy(b).into_owned()),
        ("s", [e]) if empty(e) => Val::Absent,
        ("s", [Reply::Bulk(b)]) if b == SCRIPT.as_bytes() => Val::Script,
        ("doc", [Reply::Int(0), _]) => Val::Absent,
        ("doc", [Reply::Int(1), Reply::Array(f)]) => match f.as_slice() {
            [Reply::Bulk(n), Reply::Bulk(v)] => match String::from_utf8_lossy(n).parse() {
                Ok(n) => Val::Doc(n, floats(v)),
                Err(_) => broken(),
            },
            _ => broken(),
        },
        ("vs", [Reply::Nil]) => Val::Absent,
        ("vs", [Reply::Array(a)]) => match a.as_slice() {
            [Reply::Bulk(q), Reply::Bulk(b), _] if q == b"f32" => Val::Elem(floats(b)),
            _ => broken(),
        },
        ("t" | "o" | "d" | "in" | "in4", [e]) if empty(e) => Val::Absent,
        ("t" | "o" | "d" | "in" | "in4", [Reply::Bulk(b)]) => Val::Tensor(floats(b)),
        _ => broken(),
    }
}

/// A model key: its backend from META, and a run on a known input that
/// must give the known output (TORCH a+b, ONNX x·[1,2,3,4]+0.5).
fn read_model(c: &mut Conn, key: &str) -> Val {
    let meta = c.cmd(&["AI.MODELGET", key, "META"]).expect("reply");
    if matches!(&meta, Reply::Error(e) if e.contains("key is empty")) {
        return Val::Absent;
    }
    let backend = match &meta {
        Reply::Array(a) => a.chunks(2).find_map(|p| match p {
            [Reply::Bulk(k), v] if k == b"backend" => Some(v.text()),
            _ => None,
        }),
        _ => None,
    };
    let (inputs, want): (&[&str], Vec<f32>) = match backend.as_deref() {
        Some("TORCH") => (&["probe:2", "probe:2"], vec![2.0, 4.0]),
        Some("ONNX") => (&["probe:4"], vec![10.5]),
        _ => return Val::Broken(format!("{meta:?}")),
    };
    let n = inputs.len().to_string();
    let mut a = vec!["AI.MODELEXECUTE", key, "INPUTS", &n];
    a.extend(inputs);
    a.extend(["OUTPUTS", "1", "probe:out"]);
    let r = c.cmd(&a).expect("reply");
    let out = c
        .cmd(&["AI.TENSORGET", "probe:out", "BLOB"])
        .expect("reply");
    match out {
        Reply::Bulk(b) if r.is_ok() && floats(&b) == want => {
            Val::Model(backend.unwrap_or_default())
        }
        other => Val::Broken(format!("{key} run: {r:?} {other:?}")),
    }
}

/// Every key's value now.
pub fn observe(c: &mut Conn, keys: &[String]) -> BTreeMap<String, Val> {
    for a in [
        vec!["AI.TENSORSET", "probe:2", "FLOAT", "2", "VALUES", "1", "2"],
        vec![
            "AI.TENSORSET",
            "probe:4",
            "FLOAT",
            "1",
            "4",
            "VALUES",
            "1",
            "1",
            "1",
            "1",
        ],
    ] {
        assert!(c.cmd(&a).expect("reply").is_ok());
    }
    let mut out = BTreeMap::new();
    let (models, rest): (Vec<&String>, Vec<&String>) = keys.iter().partition(|k| kind(k) == "m");
    for k in models {
        out.insert(k.clone(), read_model(c, k));
    }
    for chunk in rest.chunks(500) {
        let cmds: Vec<Vec<Vec<Vec<u8>>>> = chunk.iter().map(|k| reads(k)).collect();
        for cmd in cmds.iter().flatten() {
            c.send(cmd).expect("send");
        }
        c.flush().expect("flush");
        for (k, cmd) in chunk.iter().zip(&cmds) {
            let r: Vec<Reply> = cmd.iter().map(|_| c.read().expect("reply")).collect();
            out.insert((*k).clone(), decode(k, &r));
        }
    }
    out
}

/// What FT.SEARCH says about the documents that are present: the `*`
/// query returns exactly them, and each is found by its NUMERIC value and
/// as the nearest neighbour of its own vector. Returns the mismatches.
pub fn search_checks(c: &mut Conn, state: &BTreeMap<String, Val>) -> Vec<String> {
    let docs: BTreeMap<&String, (i64, &Vec<f32>)> = state
        .iter()
        .filter_map(|(k, v)| match v {
            Val::Doc(n, vec) => Some((k, (*n, vec))),
            _ => None,
        })
        .collect();
    let mut bad = Vec::new();
    let all = c
        .cmd(&["FT.SEARCH", "idx", "*", "NOCONTENT", "LIMIT", "0", "100000"])
        .expect("reply");
    let found: BTreeSet<String> = match &all {
        Reply::Array(a) if !a.is_empty() => a[1..].iter().map(Reply::text).collect(),
        other => return vec![format!("FT.SEARCH *: {other:?}")],
    };
    let want: BTreeSet<String> = docs.keys().map(|k| (*k).clone()).collect();
    for k in want.symmetric_difference(&found) {
        bad.push(format!(
            "FT.SEARCH * {}: {k}",
            if found.contains(k) {
                "has stray"
            } else {
                "lacks"
            }
        ));
    }
    for (n, v) in docs.values() {
        let q = format!("@n:[{n} {n}]");
        c.send(&["FT.SEARCH", "idx", &q, "NOCONTENT"])
            .expect("send");
        let b = blob(v);
        let knn: Vec<&[u8]> = vec![
            b"FT.SEARCH",
            b"idx",
            b"*=>[KNN 1 @v $B]",
            b"NOCONTENT",
            b"PARAMS",
            b"2",
            b"B",
            &b,
            b"DIALECT",
            b"2",
        ];
        c.send(&knn).expect("send");
    }
    c.flush().expect("flush");
    for k in docs.keys() {
        for what in ["NUMERIC", "KNN"] {
            let r = c.read().expect("reply");
            let hit = matches!(&r, Reply::Array(a) if a.len() >= 2 && a[1].text() == **k);
            if !hit {
                bad.push(format!("FT.SEARCH {what} for {k}: {r:?}"));
            }
        }
    }
    bad
}
