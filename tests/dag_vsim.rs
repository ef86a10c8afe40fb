//! The in-DAG AI.VSIM op over the wire: `AI.VSIM <set> TENSOR <dag tensor>
//! COUNT k [options] OUTPUTS 2 <ids> <scores>` writes STRING `[q, k]` names
//! and FLOAT `[q, k]` scores, k being the most hits a row found, shorter
//! rows padded with "" and NaN. Checked against standalone AI.VSIM …
//! WITHSCORES, with a model or a script making the query, a script reading
//! the scores, PERSIST of the results, and its errors.

mod common;

use std::time::Duration;

use common::vec::{random_vectors, scored, vadd};
use common::{ok, store_model, Conn, Reply, Server};

const SRC: &str = "def embed(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0] * 2.0\n\ndef rerank(tensors: List[Tensor], keys: List[str], args: List[str]):\n    w = float(args[0])\n    return torch.argsort(tensors[0], dim=1), tensors[0] * w\n";

/// A command line split on spaces; `'…'` is one argument (quotes dropped).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut open: Option<String> = None;
    for w in line.split_whitespace() {
        let (mut cur, w) = match open.take() {
            Some(mut cur) => {
                cur.push(' ');
                (cur, w)
            }
            None => match w.strip_prefix('\'') {
                Some(rest) => (String::new(), rest),
                None => {
                    out.push(w.to_string());
                    continue;
                }
            },
        };
        match w.strip_suffix('\'') {
            Some(last) => {
                cur.push_str(last);
                out.push(cur);
            }
            None => {
                cur.push_str(w);
                open = Some(cur);
            }
        }
    }
    assert!(open.is_none(), "unclosed quote in {line}");
    out
}

fn run(c: &mut Conn, line: &str) -> Reply {
    c.cmd(&words(line)).expect("reply")
}

fn status(s: &str) -> Reply {
    Reply::Status(s.into())
}

/// Numbers as `VALUES` text (`%g`-like, exact for an f32).
fn join(v: &[f32]) -> String {
    v.iter().map(f32::to_string).collect::<Vec<_>>().join(" ")
}

/// A `META VALUES` or `META BLOB` reply: dtype, shape, and the data.
fn meta(r: &Reply) -> (String, Vec<i64>, Reply) {
    let a = r.array();
    assert_eq!(a.len(), 6, "{r:?}");
    let shape = a[3].array().iter().map(Reply::int).collect();
    (a[1].text(), shape, a[5].clone())
}

fn strings(r: &Reply) -> Vec<String> {
    r.array().iter().map(Reply::text).collect()
}

fn f32s(r: &Reply) -> Vec<f32> {
    r.bulk()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// Checks one result row (`k` names and scores, padding included) against
/// `want` (name, score) pairs; the rest of the row must be padding.
fn check_row(names: &[String], scores: &[f32], want: &[(String, f64)], what: &str) {
    assert_eq!(names.len(), scores.len());
    assert!(want.len() <= names.len(), "{what}: {names:?} vs {want:?}");
    let got: Vec<&str> = names[..want.len()].iter().map(String::as_str).collect();
    let exp: Vec<&str> = want.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(got, exp, "{what}");
    for (i, (_, s)) in want.iter().enumerate() {
        assert!(
            (scores[i] as f64 - s).abs() < 1e-5,
            "{what}: score {i}: {} vs {s}",
            scores[i]
        );
    }
    for i in want.len()..names.len() {
        assert_eq!(names[i], "", "{what}: padding name {i}");
        assert!(
            scores[i].is_nan(),
            "{what}: padding score {i}: {}",
            scores[i]
        );
    }
}

/// Runs the in-DAG search `opts` for the `[rows, dim]` query `q` and checks
/// it against a standalone AI.VSIM … WITHSCORES per row. Returns k.
fn compare(c: &mut Conn, set: &str, q: &[Vec<f32>], opts: &str) -> i64 {
    let dim = q[0].len();
    let flat: Vec<f32> = q.concat();
    let line = format!(
        "AI.DAGEXECUTE_RO ROUTING {set} |> AI.TENSORSET q FLOAT {} {dim} VALUES {} \
         |> AI.VSIM {set} TENSOR q {opts} OUTPUTS 2 ids sc \
         |> AI.TENSORGET ids META VALUES |> AI.TENSORGET sc META BLOB",
        q.len(),
        join(&flat)
    );
    let r = run(c, &line);
    let a = r.array();
    assert_eq!(&a[..2], &[status("OK"), status("OK")], "{line}: {r:?}");
    let (dt, shape, ids) = meta(&a[2]);
    let (st, sshape, sc) = meta(&a[3]);
    assert_eq!((dt.as_str(), st.as_str()), ("STRING", "FLOAT"));
    assert_eq!(shape, sshape);
    assert_eq!(shape[0], q.len() as i64);
    let k = shape[1] as usize;
    let (ids, sc) = (strings(&ids), f32s(&sc));
    assert_eq!((ids.len(), sc.len()), (q.len() * k, q.len() * k));
    let mut longest = 0;
    for (i, row) in q.iter().enumerate() {
        let want = run(
            c,
            &format!("AI.VSIM {set} VALUES {dim} {} {opts} WITHSCORES", join(row)),
        );
        let want = scored(&want);
        longest = longest.max(want.len());
        let what = format!("{opts}, row {i}");
        check_row(
            &ids[i * k..(i + 1) * k],
            &sc[i * k..(i + 1) * k],
            &want,
            &what,
        );
    }
    assert_eq!(k, longest.max(1), "k is the longest row, at least 1");
    k as i64
}

/// `docs`: 40 vectors of dim 4 (COSINE), attributes `{"g": i % 3}`.
fn docs(c: &mut Conn) -> Vec<Vec<f32>> {
    let v = random_vectors(40, 4, 7);
    for (i, x) in v.iter().enumerate() {
        let attrs = format!("{{\"g\":{}}}", i % 3);
        let r = vadd(c, "docs", &format!("e{i}"), x, &["SETATTR", &attrs]);
        assert_eq!(r, Reply::Int(1));
    }
    v
}

#[test]
fn vsim_op_equals_standalone_vsim() {
    let s = Server::start();
    let mut c = s.conn();
    docs(&mut c);
    let q = random_vectors(3, 4, 99);
    assert_eq!(compare(&mut c, "docs", &q[..1], "COUNT 5"), 5);
    assert_eq!(
        compare(&mut c, "docs", &q[..1], "COUNT 4 EF 50 FILTER '.g == 1'"),
        4
    );
    assert_eq!(compare(&mut c, "docs", &q, "COUNT 3"), 3);
    assert_eq!(
        compare(
            &mut c,
            "docs",
            &q,
            "COUNT 6 TRUTH FILTER '.g != 0' FILTER-EF 0"
        ),
        6
    );
    // COUNT beyond the set's size: every element, k = 40.
    assert_eq!(compare(&mut c, "docs", &q[1..], "COUNT 100"), 40);
    // A 1-d query is one row.
    let r = run(
        &mut c,
        &format!(
            "AI.DAGEXECUTE_RO ROUTING docs |> AI.TENSORSET q FLOAT 4 VALUES {} \
             |> AI.VSIM docs TENSOR q COUNT 2 OUTPUTS 2 ids sc |> AI.TENSORGET ids META VALUES",
            join(&q[0])
        ),
    );
    let (_, shape, ids) = meta(&r.array()[2]);
    assert_eq!(shape, vec![1, 2]);
    let want = run(
        &mut c,
        &format!("AI.VSIM docs VALUES 4 {} COUNT 2", join(&q[0])),
    );
    assert_eq!(strings(&ids), strings(&want));
}

#[test]
fn short_rows_are_padded() {
    let s = Server::start();
    let mut c = s.conn();
    points(&mut c);
    let q = vec![vec![0.2, 0.1], vec![10.0, 9.0]];
    // Row 0 finds p0, p1, p2 (p4 is filtered out), row 1 only p3.
    assert_eq!(
        compare(&mut c, "pts", &q, "COUNT 5 FILTER '.g == 1' EPSILON 1.5"),
        3
    );
    let r = run(
        &mut c,
        "AI.DAGEXECUTE_RO ROUTING pts |> AI.TENSORSET q FLOAT 2 2 VALUES 0.2 0.1 10 9 \
         |> AI.VSIM pts TENSOR q COUNT 5 FILTER '.g == 1' EPSILON 1.5 OUTPUTS 2 ids sc \
         |> AI.TENSORGET ids VALUES |> AI.TENSORGET sc BLOB",
    );
    let a = r.array();
    assert_eq!(strings(&a[2]), ["p0", "p1", "p2", "p3", "", ""]);
    let sc = f32s(&a[3]);
    let want = [0.05f32.sqrt(), 0.65f32.sqrt(), 0.85f32.sqrt(), 1.0];
    for (i, w) in want.iter().enumerate() {
        assert!((sc[i] - w).abs() < 1e-5, "{sc:?}");
    }
    assert!(sc[4].is_nan() && sc[5].is_nan(), "{sc:?}");
    // Every row short: k is the longest row, here 1.
    assert_eq!(compare(&mut c, "pts", &q, "COUNT 5 FILTER '.g == 0'"), 1);
}

/// `pts`: five 2-d points (L2), p0..p3 with `g` 1 and p4 with `g` 0.
fn points(c: &mut Conn) {
    let pts: &[(&str, [f32; 2], u8)] = &[
        ("p0", [0.0, 0.0], 1),
        ("p1", [1.0, 0.0], 1),
        ("p2", [0.0, 1.0], 1),
        ("p3", [10.0, 10.0], 1),
        ("p4", [0.1, 0.0], 0),
    ];
    for (name, v, g) in pts {
        let attrs = format!("{{\"g\":{g}}}");
        let r = vadd(c, "pts", name, v, &["METRIC", "L2", "SETATTR", &attrs]);
        assert_eq!(r, Reply::Int(1));
    }
}

/// k is the most hits any row found, so 0 when no row found any: empty
/// `[q, 0]` tensors, as a standalone search replies q empty lists.
#[test]
fn rows_without_any_hit_give_k_1_of_padding() {
    let s = Server::start();
    let mut c = s.conn();
    points(&mut c);
    let q = vec![vec![0.2, 0.1], vec![10.0, 9.0]];
    // No row finds anything: one column of "" and NaN (a tensor has no
    // empty dimension); compare() checks the padding against the empty
    // standalone replies.
    assert_eq!(
        compare(&mut c, "pts", &q, "COUNT 5 FILTER '.g == 0' EPSILON 0.01"),
        1
    );
}

#[test]
fn embed_with_a_model_then_search() {
    skip_unless!("onnx");
    let s = Server::start();
    let mut c = s.conn();
    // onnx-linear: y = x·[1,2,3,4] + 0.5, shape [N, 1]: a set of dim 1.
    assert!(store_model(&mut c, "lin", "ONNX", "onnx-linear.onnx", &[]).is_ok());
    let at = [0.0f32, 1.1, 2.3, 3.6, 5.0, 6.5, 8.1];
    for (i, v) in at.iter().enumerate() {
        let r = vadd(&mut c, "d1", &format!("v{i}"), &[*v], &["METRIC", "L2"]);
        assert_eq!(r, Reply::Int(1));
    }
    let r = run(
        &mut c,
        "AI.DAGEXECUTE_RO ROUTING {t} |> AI.TENSORSET q FLOAT 2 4 VALUES 1 0 0 0 0 0 0 1 \
         |> AI.MODELEXECUTE lin INPUTS 1 q OUTPUTS 1 e \
         |> AI.VSIM d1 TENSOR e COUNT 5 OUTPUTS 2 ids sc \
         |> AI.TENSORGET ids VALUES |> AI.TENSORGET sc VALUES",
    );
    let a = r.array();
    assert_eq!(
        &a[..3],
        &[status("OK"), status("OK"), status("OK")],
        "{r:?}"
    );
    // e = 1.5 and 4.5.
    assert_eq!(
        strings(&a[3]),
        ["v1", "v2", "v0", "v3", "v4", "v4", "v3", "v5", "v2", "v1"]
    );
    let sc: Vec<f64> = strings(&a[4])
        .iter()
        .map(|x| x.parse().expect("f"))
        .collect();
    let want = [0.4, 0.8, 1.5, 2.1, 3.5, 0.5, 0.9, 2.0, 2.2, 3.4];
    for (g, w) in sc.iter().zip(want) {
        assert!((g - w).abs() < 1e-5, "{sc:?}");
    }
}

#[test]
fn script_embeds_and_reranks_and_results_persist() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    docs(&mut c);
    let src = [
        "AI.SCRIPTSTORE",
        "s",
        "CPU",
        "ENTRY_POINTS",
        "2",
        "embed",
        "rerank",
        "SOURCE",
        SRC,
    ];
    ok(&mut c, &src);
    let q = random_vectors(2, 4, 5);
    let r = run(
        &mut c,
        &format!(
            "AI.DAGEXECUTE PERSIST 3 ids sc order |> AI.TENSORSET q FLOAT 2 4 VALUES {} \
             |> AI.SCRIPTEXECUTE s embed INPUTS 1 q OUTPUTS 1 e \
             |> AI.VSIM docs TENSOR e COUNT 4 OUTPUTS 2 ids sc \
             |> AI.SCRIPTEXECUTE s rerank INPUTS 1 sc ARGS 1 0.5 OUTPUTS 2 order w \
             |> AI.TENSORGET order VALUES |> AI.TENSORGET w BLOB",
            join(&q.concat())
        ),
    );
    let a = r.array();
    assert_eq!(a.len(), 6, "{r:?}");
    assert!(a[..4].iter().all(|x| *x == status("OK")), "{r:?}");
    // Cosine ignores the script's scaling: the standalone results of q.
    let ids = strings(
        &meta(
            &c.cmd(&["AI.TENSORGET", "ids", "META", "VALUES"])
                .expect("r"),
        )
        .2,
    );
    let (dt, shape, sc) = meta(&c.cmd(&["AI.TENSORGET", "sc", "META", "BLOB"]).expect("r"));
    assert_eq!((dt.as_str(), shape.as_slice()), ("FLOAT", &[2i64, 4][..]));
    let sc = f32s(&sc);
    for (i, row) in q.iter().enumerate() {
        let want = scored(&run(
            &mut c,
            &format!("AI.VSIM docs VALUES 4 {} COUNT 4 WITHSCORES", join(row)),
        ));
        check_row(
            &ids[i * 4..i * 4 + 4],
            &sc[i * 4..i * 4 + 4],
            &want,
            "persisted",
        );
    }
    // Nearest first, so ascending argsort reverses each row.
    let order: Vec<i64> = a[4].array().iter().map(Reply::int).collect();
    assert_eq!(order, [3, 2, 1, 0, 3, 2, 1, 0]);
    let w = f32s(&a[5]);
    assert_eq!(w, sc.iter().map(|x| x * 0.5).collect::<Vec<_>>());
    let (dt, shape, _) = meta(
        &c.cmd(&["AI.TENSORGET", "order", "META", "VALUES"])
            .expect("r"),
    );
    assert_eq!((dt.as_str(), shape), ("INT64", vec![2, 4]));
    assert_eq!(c.cmd(&["EXISTS", "q", "e", "w"]).expect("r").int(), 0);
}

#[test]
fn vsim_op_errors() {
    let s = Server::start();
    let mut c = s.conn();
    docs(&mut c);
    ok(&mut c, &["SET", "str", "v"]);
    ok(
        &mut c,
        &[
            "AI.TENSORSET",
            "zz",
            "FLOAT",
            "4",
            "VALUES",
            "1",
            "2",
            "3",
            "4",
        ],
    );
    let head = "AI.DAGEXECUTE_RO ROUTING {t} |> AI.TENSORSET q FLOAT 4 VALUES 1 2 3 4 |> AI.VSIM";
    let outs = "OUTPUTS 2 i s";
    let cases: &[(String, &str)] = &[
        (
            format!("{head} nope TENSOR q COUNT 2 {outs}"),
            "ERR AI.VSIM: no vector set at this key",
        ),
        (
            format!("{head} str TENSOR q COUNT 2 {outs}"),
            "WRONGTYPE Operation against a key holding the wrong kind of value",
        ),
        // No implicit keyspace read: `zz` is a tensor key, not a DAG name.
        (
            format!("{head} docs TENSOR zz COUNT 2 {outs}"),
            "ERR INPUT key cannot be found in DAG",
        ),
        (
            format!("{head} docs TENSOR q COUNT 2"),
            "ERR AI.VSIM in a DAG ends with OUTPUTS 2 <ids> <scores>",
        ),
        (
            format!("{head} docs TENSOR q COUNT 2 OUTPUTS 1 i"),
            "ERR AI.VSIM in a DAG ends with OUTPUTS 2 <ids> <scores>",
        ),
        (
            format!("{head} docs VALUES 4 1 2 3 4 COUNT 2 {outs}"),
            "ERR AI.VSIM in a DAG takes its query from a DAG tensor: TENSOR <name>",
        ),
        (
            format!("{head} docs TENSOR q COUNT 2 WITHSCORES {outs}"),
            "ERR WITHSCORES, WITHATTRIBS and NOTHREAD do not apply to AI.VSIM in a DAG",
        ),
        (
            format!("{head} docs TENSOR q COUNT 0 {outs}"),
            "ERR COUNT must be between 1 and 2147483647",
        ),
        (
            format!("{head} docs TENSOR q COUNT 2 BOGUS {outs}"),
            "ERR unknown AI.VSIM option 'BOGUS'",
        ),
    ];
    for (line, want) in cases {
        let r = run(&mut c, line);
        assert_eq!(r, Reply::Error(want.to_string()), "{line}");
    }
    // Errors of the search itself are the op's error element; NA after it.
    for (q, want) in [
        (
            "FLOAT 3 VALUES 1 2 3",
            "ERR Vector dimension mismatch - got 3 but set has 4",
        ),
        ("STRING 4 VALUES a b c d", "ERR TENSOR must hold numbers"),
    ] {
        let line = format!(
            "AI.DAGEXECUTE PERSIST 1 i |> AI.TENSORSET q {q} \
             |> AI.VSIM docs TENSOR q COUNT 2 {outs} |> AI.TENSORGET i VALUES"
        );
        let r = run(&mut c, &line);
        assert_eq!(
            r,
            Reply::Array(vec![status("OK"), Reply::Error(want.into()), status("NA")])
        );
        assert_eq!(c.cmd(&["EXISTS", "i"]).expect("r").int(), 0);
    }
}

#[test]
fn the_set_is_taken_when_the_dag_is_parsed() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    docs(&mut c);
    let q = random_vectors(1, 4, 3).concat();
    let want = run(
        &mut c,
        &format!("AI.VSIM docs VALUES 4 {} COUNT 3", join(&q)),
    );
    assert!(store_model(&mut c, "slow", "TORCH", "pt-slow.pt", &[]).is_ok());
    ok(&mut c, &["AI.TENSORSET", "x", "FLOAT", "1", "VALUES", "1"]);
    // The search waits on the CPU queue behind a slow run; meanwhile the
    // key is deleted. The DAG still searches the set it was given.
    let mut a = s.conn();
    a.send(&[
        "AI.MODELEXECUTE",
        "slow",
        "INPUTS",
        "1",
        "x",
        "OUTPUTS",
        "1",
        "o",
    ])
    .expect("send");
    a.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(100));
    let mut b = s.conn();
    let dag = format!(
        "AI.DAGEXECUTE_RO ROUTING docs |> AI.TENSORSET q FLOAT 4 VALUES {} \
         |> AI.VSIM docs TENSOR q COUNT 3 OUTPUTS 2 ids sc |> AI.TENSORGET ids VALUES",
        join(&q)
    );
    b.send(&words(&dag)).expect("send");
    b.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(c.cmd(&["DEL", "docs"]).expect("r").int(), 1);
    let r = b.read().expect("reply");
    assert_eq!(strings(&r.array()[2]), strings(&want), "{r:?}");
    assert!(a.read().expect("reply").is_ok());
    assert_eq!(c.cmd(&["EXISTS", "docs"]).expect("r").int(), 0);
}
