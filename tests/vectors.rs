//! AI.V* commands over the wire: replies and errors in RESP2 and RESP3,
//! missing keys, recall against TRUTH, FILTER against an exact filtered
//! answer, TENSOR queries, and the keyspace side (TYPE, getkeys, WRONGTYPE).

mod common;

use common::vec::{blob, names, random_vectors, scored, vadd, vadd_all, vinfo_int, vsim};
use common::{err, ok, Reply, Server};

#[test]
fn add_update_and_small_commands_in_resp2() {
    let s = Server::start();
    let mut c = s.conn();
    let attrs = r#"{"year":1999,"tags":["a","b"]}"#;
    assert_eq!(
        vadd(&mut c, "v", "a", &[1.0, 0.0, 0.0], &["SETATTR", attrs]),
        Reply::Int(1)
    );
    assert_eq!(vadd(&mut c, "v", "b", &[0.0, 1.0, 0.0], &[]), Reply::Int(1));
    // Updating keeps the count and replies 0.
    assert_eq!(vadd(&mut c, "v", "b", &[0.0, 2.0, 0.0], &[]), Reply::Int(0));
    let r = c
        .cmd(&["AI.VADD", "v", "VALUES", "3", "0.5", "0.5", "0", "c"])
        .expect("reply");
    assert_eq!(r, Reply::Int(1));
    assert_eq!(c.cmd(&["TYPE", "v"]).expect("type").text(), "AI_VECSET");
    assert_eq!(c.cmd(&["AI.VCARD", "v"]).expect("r"), Reply::Int(3));
    assert_eq!(c.cmd(&["AI.VDIM", "v"]).expect("r"), Reply::Int(3));
    let emb = c.cmd(&["AI.VEMB", "v", "b"]).expect("r");
    let emb: Vec<f64> = emb
        .array()
        .iter()
        .map(|x| x.text().parse().expect("f"))
        .collect();
    assert_eq!(emb, vec![0.0, 2.0, 0.0]);
    let raw = c.cmd(&["AI.VEMB", "v", "b", "RAW"]).expect("r");
    let raw = raw.array();
    assert_eq!(raw[0].text(), "f32");
    assert_eq!(raw[1].bulk(), blob(&[0.0, 2.0, 0.0]).as_slice());
    assert_eq!(raw[2].text(), "2");
    assert_eq!(c.cmd(&["AI.VGETATTR", "v", "a"]).expect("r").text(), attrs);
    assert_eq!(c.cmd(&["AI.VGETATTR", "v", "b"]).expect("r"), Reply::Nil);
    assert_eq!(
        c.cmd(&["AI.VSETATTR", "v", "b", r#"{"year":2020}"#])
            .expect("r"),
        Reply::Int(1)
    );
    assert_eq!(
        c.cmd(&["AI.VSETATTR", "v", "zz", "{}"]).expect("r"),
        Reply::Int(0)
    );
    assert_eq!(
        c.cmd(&["AI.VSETATTR", "v", "b", ""]).expect("r"),
        Reply::Int(1)
    );
    assert_eq!(c.cmd(&["AI.VGETATTR", "v", "b"]).expect("r"), Reply::Nil);
    assert_eq!(
        err(&mut c, &["AI.VSETATTR", "v", "b", "{nope"]),
        "ERR invalid JSON attributes"
    );
    assert_eq!(
        c.cmd(&["AI.VISMEMBER", "v", "a"]).expect("r"),
        Reply::Int(1)
    );
    assert_eq!(
        c.cmd(&["AI.VISMEMBER", "v", "q"]).expect("r"),
        Reply::Int(0)
    );
    let one = c.cmd(&["AI.VRANDMEMBER", "v"]).expect("r").text();
    assert!(["a", "b", "c"].contains(&one.as_str()));
    let mut all = names(&c.cmd(&["AI.VRANDMEMBER", "v", "10"]).expect("r"));
    all.sort();
    assert_eq!(all, vec!["a", "b", "c"]);
    assert_eq!(
        c.cmd(&["AI.VRANDMEMBER", "v", "-7"])
            .expect("r")
            .array()
            .len(),
        7
    );
    let info = c.cmd(&["AI.VINFO", "v"]).expect("r");
    let info: Vec<String> = info
        .array()
        .iter()
        .map(|x| match x {
            Reply::Int(i) => i.to_string(),
            other => other.text(),
        })
        .collect();
    for pair in [
        ["quant-type", "f32"],
        ["distance-metric", "COSINE"],
        ["hnsw-m", "16"],
        ["vector-dim", "3"],
        ["size", "3"],
        ["attributes-count", "1"],
        ["deleted-slots", "0"],
    ] {
        let at = info.iter().position(|x| x == pair[0]).expect(pair[0]);
        assert_eq!(info[at + 1], pair[1], "{}", pair[0]);
    }
    // Removing every element deletes the key.
    for n in ["a", "b", "c"] {
        assert_eq!(c.cmd(&["AI.VREM", "v", n]).expect("r"), Reply::Int(1));
    }
    assert_eq!(c.cmd(&["AI.VREM", "v", "a"]).expect("r"), Reply::Int(0));
    assert_eq!(c.cmd(&["EXISTS", "v"]).expect("r"), Reply::Int(0));
}

#[test]
fn missing_keys_and_wrong_types() {
    let s = Server::start();
    let mut c = s.conn();
    assert_eq!(c.cmd(&["AI.VCARD", "none"]).expect("r"), Reply::Int(0));
    assert_eq!(
        c.cmd(&["AI.VSIM", "none", "VALUES", "2", "1", "0"])
            .expect("r"),
        Reply::Array(vec![])
    );
    assert_eq!(err(&mut c, &["AI.VDIM", "none"]), "ERR key does not exist");
    assert_eq!(c.cmd(&["AI.VEMB", "none", "x"]).expect("r"), Reply::Nil);
    assert_eq!(c.cmd(&["AI.VINFO", "none"]).expect("r"), Reply::Nil);
    assert_eq!(c.cmd(&["AI.VGETATTR", "none", "x"]).expect("r"), Reply::Nil);
    assert_eq!(
        c.cmd(&["AI.VISMEMBER", "none", "x"]).expect("r"),
        Reply::Int(0)
    );
    assert_eq!(c.cmd(&["AI.VREM", "none", "x"]).expect("r"), Reply::Int(0));
    assert_eq!(c.cmd(&["AI.VRANDMEMBER", "none"]).expect("r"), Reply::Nil);
    assert_eq!(
        c.cmd(&["AI.VRANDMEMBER", "none", "3"]).expect("r"),
        Reply::Array(vec![])
    );
    ok(&mut c, &["SET", "str", "x"]);
    for cmd in [
        vec!["AI.VCARD", "str"],
        vec!["AI.VADD", "str", "VALUES", "1", "1", "e"],
        vec!["AI.VSIM", "str", "VALUES", "1", "1"],
        vec!["AI.VREM", "str", "e"],
    ] {
        assert_eq!(
            err(&mut c, &cmd),
            "WRONGTYPE Operation against a key holding the wrong kind of value",
            "{cmd:?}"
        );
    }
    // RESP3: nulls and an empty array.
    let mut c3 = s.conn3();
    assert_eq!(c3.cmd(&["AI.VINFO", "none"]).expect("r"), Reply::Nil);
    assert_eq!(c3.cmd(&["AI.VEMB", "none", "x"]).expect("r"), Reply::Nil);
    assert_eq!(
        c3.cmd(&["AI.VISMEMBER", "none", "x"]).expect("r"),
        Reply::Bool(false)
    );
}

#[test]
fn errors_are_documented_texts() {
    let s = Server::start();
    let mut c = s.conn();
    assert_eq!(
        vadd(&mut c, "v", "a", &[1.0, 0.0], &["M", "8"]),
        Reply::Int(1)
    );
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["AI.VADD", "v", "VALUES", "3", "1", "2", "3", "x"],
            "ERR Vector dimension mismatch - got 3 but set has 2",
        ),
        (
            vec!["AI.VADD", "v", "VALUES", "2", "1", "2", "x", "QUANT", "I8"],
            "ERR asked quantization mismatch with existing vector set",
        ),
        (
            vec!["AI.VADD", "v", "VALUES", "2", "1", "2", "x", "M", "16"],
            "ERR asked M value mismatch with existing vector set",
        ),
        (
            vec!["AI.VADD", "v", "VALUES", "2", "1", "2", "x", "METRIC", "L2"],
            "ERR asked metric mismatch with existing vector set",
        ),
        (
            vec![
                "AI.VADD", "w", "VALUES", "2", "1", "2", "x", "QUANT", "I8", "METRIC", "IP",
            ],
            "ERR QUANT I8 requires METRIC COSINE",
        ),
        (
            vec!["AI.VADD", "v", "VALUES", "2", "1", "inf", "x"],
            "ERR vector values must be finite numbers",
        ),
        (
            vec!["AI.VADD", "v", "FP32", "abc", "x"],
            "ERR invalid FP32 vector: its length must be a non-zero multiple of 4",
        ),
        (
            vec!["AI.VADD", "v", "TENSOR", "nope", "x"],
            "ERR tensor key is empty or in a different shard",
        ),
        (
            vec!["AI.VSIM", "v", "VALUES", "3", "1", "2", "3"],
            "ERR Vector dimension mismatch - got 3 but set has 2",
        ),
        (
            vec!["AI.VSIM", "v", "ELE", "zz"],
            "ERR element not found in set",
        ),
        (
            vec!["AI.VSIM", "v", "ELE", "a", "FILTER", ".a =="],
            "ERR syntax error in FILTER expression: unexpected end",
        ),
        (
            vec!["AI.VSIM", "v", "ELE", "a", "FILTER", "((.a)"],
            "ERR syntax error in FILTER expression: missing ')'",
        ),
        (
            vec!["AI.VSIM", "v", "ELE", "a", "COUNT", "-1"],
            "ERR COUNT must be between 1 and 2147483647",
        ),
        (
            vec!["AI.VADD", "v"],
            "ERR wrong number of arguments for 'AI.VADD' command",
        ),
        (vec!["AI.VEMB", "v", "a", "BAD"], "ERR syntax error"),
        (
            vec!["AI.VRANDMEMBER", "v", "x"],
            "ERR value is not an integer or out of range",
        ),
        // The other texts docs/commands.md lists for AI.VADD and AI.VSIM.
        (
            vec!["AI.VADD", "v", "VALUES", "0", "x"],
            "ERR invalid VALUES count",
        ),
        (
            vec!["AI.VADD", "v", "VALUES", "2", "1", "abc", "x"],
            "ERR invalid vector value",
        ),
        (
            vec!["AI.VADD", "v", "RAW", "abcdefgh", "-1", "x"],
            "ERR invalid RAW norm",
        ),
        (
            vec!["AI.VADD", "v", "RAW", "abcd", "1", "x"],
            "ERR RAW vector has 4 bytes but the set stores 8 bytes per vector",
        ),
        (
            vec!["AI.VADD", "v", "BOGUS", "1", "x"],
            "ERR expected FP32, VALUES, TENSOR, RAW or ELE before the vector",
        ),
        (
            vec!["AI.VADD", "v", "REDUCE", "2", "VALUES", "2", "1", "2", "x"],
            "ERR REDUCE is not supported",
        ),
        (
            vec!["AI.VADD", "v", "VALUES", "2", "1", "2", "x", "BIN"],
            "ERR BIN quantization is not supported",
        ),
        (
            vec!["AI.VADD", "v", "VALUES", "2", "1", "2", "x", "M", "3"],
            "ERR M must be between 4 and 4096",
        ),
        (
            vec!["AI.VADD", "v", "VALUES", "2", "1", "2", "x", "EF", "0"],
            "ERR EF must be between 1 and 1000000",
        ),
        (
            vec!["AI.VADD", "v", "VALUES", "2", "1", "2", "x", "METRIC", "XX"],
            "ERR METRIC must be COSINE, L2 or IP",
        ),
        (
            vec!["AI.VADD", "v", "VALUES", "2", "1", "2", "x", "QUANT", "XX"],
            "ERR QUANT must be F32, F16, BF16 or I8",
        ),
        (
            vec!["AI.VADD", "v", "VALUES", "2", "1", "2", "x", "FOO"],
            "ERR unknown AI.VADD option 'FOO'",
        ),
        (
            vec!["AI.VADD", "v", "VALUES", "2", "1", "2", "x", "SETATTR"],
            "ERR missing value after SETATTR",
        ),
        (
            vec![
                "AI.VADD", "v", "VALUES", "2", "1", "2", "x", "SETATTR", "{x",
            ],
            "ERR invalid JSON attributes",
        ),
        (
            vec!["AI.VSIM", "v", "ELE", "a", "EF", "1000001"],
            "ERR EF must be between 1 and 1000000",
        ),
        (
            vec!["AI.VSIM", "v", "ELE", "a", "EPSILON", "-1"],
            "ERR EPSILON must be a number >= 0",
        ),
        (
            vec!["AI.VSIM", "v", "ELE", "a", "BOGUS"],
            "ERR unknown AI.VSIM option 'BOGUS'",
        ),
    ];
    for (cmd, want) in cases {
        assert_eq!(err(&mut c, &cmd), want, "{cmd:?}");
    }
    assert_eq!(
        err(&mut c, &["AI.VSIM", "v", "ELE", "a", "FILTER-EF", "-1"]),
        "ERR FILTER-EF must be between 0 and 2147483647"
    );
    ok(
        &mut c,
        &["AI.TENSORSET", "st", "STRING", "2", "VALUES", "a", "b"],
    );
    assert_eq!(
        err(&mut c, &["AI.VADD", "v", "TENSOR", "st", "x"]),
        "ERR TENSOR must hold numbers"
    );
    assert!(s.alive());
    assert_eq!(c.cmd(&["AI.VCARD", "v"]).expect("r"), Reply::Int(1));
    assert_eq!(c.cmd(&["EXISTS", "w"]).expect("r"), Reply::Int(0));
}

#[test]
fn vsim_reply_shapes_in_resp2_and_resp3() {
    let s = Server::start();
    let mut c = s.conn();
    vadd(&mut c, "v", "x", &[1.0, 0.0], &["SETATTR", r#"{"n":1}"#]);
    vadd(&mut c, "v", "y", &[0.0, 1.0], &[]);
    let q = [1.0, 0.0];
    assert_eq!(names(&vsim(&mut c, "v", &q, &[])), vec!["x", "y"]);
    let r = vsim(&mut c, "v", &q, &["WITHSCORES"]);
    let sc = scored(&r);
    assert_eq!(sc[0].0, "x");
    assert!((sc[0].1 - 1.0).abs() < 1e-6 && (sc[1].1 - 0.5).abs() < 1e-6);
    let r = vsim(&mut c, "v", &q, &["WITHSCORES", "WITHATTRIBS"]);
    let a = r.array();
    assert_eq!(a.len(), 6);
    assert_eq!(a[2].text(), r#"{"n":1}"#);
    assert_eq!(a[5], Reply::Nil);
    let r = vsim(&mut c, "v", &q, &["WITHATTRIBS", "COUNT", "1"]);
    assert_eq!(r.array().len(), 2);
    let mut c3 = s.conn3();
    let r = vsim(&mut c3, "v", &q, &["WITHSCORES"]);
    let Reply::Map(m) = r else { panic!("{r:?}") };
    assert_eq!(m[0].0.text(), "x");
    assert!(matches!(m[0].1, Reply::Double(d) if (d - 1.0).abs() < 1e-6));
    let r = vsim(&mut c3, "v", &q, &["WITHSCORES", "WITHATTRIBS"]);
    let Reply::Map(m) = r else { panic!("{r:?}") };
    let Reply::Array(pair) = &m[0].1 else {
        panic!("{m:?}")
    };
    assert!(matches!(pair[0], Reply::Double(_)));
    assert_eq!(pair[1].text(), r#"{"n":1}"#);
    let Reply::Array(pair) = &m[1].1 else {
        panic!("{m:?}")
    };
    assert_eq!(pair[1], Reply::Nil);
    let r = vsim(&mut c3, "v", &q, &["WITHATTRIBS"]);
    let Reply::Map(m) = r else { panic!("{r:?}") };
    assert_eq!(m[0].1.text(), r#"{"n":1}"#);
    // Plain names stay an array in RESP3, and RESP3 booleans for VADD.
    assert_eq!(
        names(&vsim(&mut c3, "v", &q, &["NOTHREAD"])),
        vec!["x", "y"]
    );
    assert_eq!(vadd(&mut c3, "v", "z", &[1.0, 1.0], &[]), Reply::Bool(true));
    assert_eq!(
        vadd(&mut c3, "v", "z", &[1.0, 1.0], &[]),
        Reply::Bool(false)
    );
    // L2 and IP score with their distance (smaller is closer).
    vadd(&mut c, "l2", "o", &[0.0, 0.0], &["METRIC", "L2"]);
    vadd(&mut c, "l2", "p", &[3.0, 4.0], &[]);
    let sc = scored(&vsim(&mut c, "l2", &[0.0, 0.0], &["WITHSCORES"]));
    assert_eq!(sc[0].0, "o");
    assert!((sc[1].1 - 5.0).abs() < 1e-5, "{sc:?}");
    let sc = scored(&vsim(
        &mut c,
        "l2",
        &[0.0, 0.0],
        &["WITHSCORES", "EPSILON", "1"],
    ));
    assert_eq!(sc.len(), 1);
}

#[test]
fn recall_at_default_ef_against_truth() {
    let s = Server::start();
    let mut c = s.conn();
    let data = random_vectors(20_000, 24, 77);
    vadd_all(&mut c, "big", &data, &[]);
    assert_eq!(c.cmd(&["AI.VCARD", "big"]).expect("r"), Reply::Int(20_000));
    let (mut hit, mut total) = (0usize, 0usize);
    for q in random_vectors(100, 24, 1234) {
        let truth = names(&vsim(&mut c, "big", &q, &["COUNT", "10", "TRUTH"]));
        let got = names(&vsim(&mut c, "big", &q, &["COUNT", "10"]));
        assert_eq!(truth.len(), 10);
        hit += got.iter().filter(|g| truth.contains(g)).count();
        total += 10;
    }
    let recall = hit as f64 / total as f64;
    assert!(recall >= 0.95, "recall@10 = {recall}");
}

fn movie_attrs(i: usize) -> String {
    format!(
        r#"{{"year":{},"genre":"{}","tags":["t{}","all"],"len":{}}}"#,
        1950 + i % 73,
        ["drama", "comedy", "action", "horror"][i % 4],
        i % 7,
        i % 50
    )
}

#[test]
fn filter_equals_the_exact_filtered_answer() {
    let s = Server::start();
    let mut c = s.conn();
    let data = random_vectors(3_000, 16, 9);
    for (i, v) in data.iter().enumerate() {
        let r = vadd(
            &mut c,
            "m",
            &format!("e{i}"),
            v,
            &["SETATTR", &movie_attrs(i)],
        );
        assert_eq!(r, Reply::Int(1));
    }
    let filters = [
        ".year >= 2000 and .genre == \"comedy\"",
        "\"t3\" in .tags and .len < 25",
        "not (.year < 1990) or .genre == \"horror\"",
        ".len * 2 > 90",
    ];
    for f in filters {
        for q in random_vectors(10, 16, 5) {
            // The exact filtered answer, computed here from the data.
            let mut want: Vec<(f32, usize)> = data
                .iter()
                .enumerate()
                .filter(|&(i, _)| local_filter(f, i))
                .map(|(i, v)| (cos_distance(&q, v), i))
                .collect();
            want.sort_by(|a, b| a.0.total_cmp(&b.0));
            let want: Vec<String> = want.iter().take(10).map(|w| format!("e{}", w.1)).collect();
            let truth = names(&vsim(&mut c, "m", &q, &["FILTER", f, "TRUTH"]));
            assert_eq!(truth, want, "{f}");
            let got = names(&vsim(
                &mut c,
                "m",
                &q,
                &["FILTER", f, "FILTER-EF", "0", "EF", "200"],
            ));
            assert_eq!(got, want, "{f}");
        }
    }
    // A selective filter: little effort finds fewer, more effort finds all.
    let f = ".len == 33 and .year == 2000";
    let expected = (0..3_000).filter(|&i| local_filter(f, i)).count().min(10);
    let q = &data[0];
    let few = names(&vsim(&mut c, "m", q, &["FILTER", f, "FILTER-EF", "5"])).len();
    let all = names(&vsim(&mut c, "m", q, &["FILTER", f, "FILTER-EF", "100000"])).len();
    assert!(few < expected, "{few} of {expected}");
    assert_eq!(all, expected);
}

/// The filters above, evaluated in Rust.
fn local_filter(f: &str, i: usize) -> bool {
    let (year, genre, tag, len) = (
        1950 + i % 73,
        ["drama", "comedy", "action", "horror"][i % 4],
        i % 7,
        i % 50,
    );
    match f {
        ".year >= 2000 and .genre == \"comedy\"" => year >= 2000 && genre == "comedy",
        "\"t3\" in .tags and .len < 25" => tag == 3 && len < 25,
        "not (.year < 1990) or .genre == \"horror\"" => year >= 1990 || genre == "horror",
        ".len * 2 > 90" => len * 2 > 90,
        ".len == 33 and .year == 2000" => len == 33 && year == 2000,
        _ => unreachable!(),
    }
}

fn cos_distance(a: &[f32], b: &[f32]) -> f32 {
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum();
    let na: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    (1.0 - dot / (na * nb)) as f32
}

#[test]
fn tensor_queries_match_fp32_queries() {
    let s = Server::start();
    let mut c = s.conn();
    let data = random_vectors(500, 8, 3);
    vadd_all(&mut c, "t", &data, &[]);
    let q = &random_vectors(2, 8, 99);
    let tensor = |key: &str, shape: &[&str], rows: &[Vec<f32>]| {
        let flat: Vec<f32> = rows.iter().flatten().copied().collect();
        let b = blob(&flat);
        let mut args: Vec<&[u8]> = vec![b"AI.TENSORSET", key.as_bytes(), b"FLOAT"];
        args.extend(shape.iter().map(|d| d.as_bytes()));
        args.push(b"BLOB");
        args.push(&b);
        args.iter().map(|a| a.to_vec()).collect::<Vec<Vec<u8>>>()
    };
    let r = c.cmd(&tensor("q1", &["8"], &q[..1])).expect("set");
    assert!(r.is_ok());
    let r = c.cmd(&tensor("q2", &["1", "8"], &q[..1])).expect("set");
    assert!(r.is_ok());
    let r = c.cmd(&tensor("qn", &["2", "8"], q)).expect("set");
    assert!(r.is_ok());
    let fp32 = vsim(&mut c, "t", &q[0], &["WITHSCORES"]);
    for key in ["q1", "q2"] {
        let r = c
            .cmd(&["AI.VSIM", "t", "TENSOR", key, "WITHSCORES"])
            .expect("r");
        assert_eq!(r, fp32, "{key}");
    }
    let r = c
        .cmd(&["AI.VSIM", "t", "TENSOR", "qn", "WITHSCORES"])
        .expect("r");
    let lists = r.array();
    assert_eq!(lists.len(), 2);
    assert_eq!(lists[0], fp32);
    assert_eq!(lists[1], vsim(&mut c, "t", &q[1], &["WITHSCORES"]));
    // A tensor as the vector to add, and getkeys reports it.
    let r = c
        .cmd(&["AI.VADD", "t", "TENSOR", "q2", "fromtensor"])
        .expect("r");
    assert_eq!(r, Reply::Int(1));
    let emb = c.cmd(&["AI.VEMB", "t", "fromtensor", "RAW"]).expect("r");
    assert_eq!(emb.array()[1].bulk(), blob(&q[0]).as_slice());
    assert_eq!(
        err(&mut c, &["AI.VADD", "t", "TENSOR", "qn", "x"]),
        "ERR TENSOR must have shape [dim] or [1, dim] to add one vector"
    );
    let keys = c
        .cmd(&[
            "COMMAND", "GETKEYS", "AI.VSIM", "t", "TENSOR", "qn", "COUNT", "3",
        ])
        .expect("r");
    assert_eq!(names(&keys), vec!["t", "qn"]);
}

#[test]
fn quantizations_store_and_search() {
    let s = Server::start();
    let mut c = s.conn();
    let data = random_vectors(300, 12, 21);
    for q in ["F32", "F16", "BF16", "I8"] {
        let key = format!("q{q}");
        vadd_all(&mut c, &key, &data, &["QUANT", q]);
        let hit = names(&vsim(&mut c, &key, &data[7], &["COUNT", "1"]));
        assert_eq!(hit, vec!["e7"], "{q}");
        let emb = c.cmd(&["AI.VEMB", &key, "e7"]).expect("r");
        let emb: Vec<f32> = emb
            .array()
            .iter()
            .map(|x| x.text().parse().expect("f"))
            .collect();
        for (a, b) in emb.iter().zip(&data[7]) {
            assert!((a - b).abs() < 0.05, "{q}: {a} vs {b}");
        }
        let raw = c.cmd(&["AI.VEMB", &key, "e7", "RAW"]).expect("r");
        let want = match q {
            "F32" => ("f32", 48),
            "F16" => ("f16", 24),
            "BF16" => ("bf16", 24),
            _ => ("int8", 12),
        };
        assert_eq!(raw.array()[0].text(), want.0);
        assert_eq!(raw.array()[1].bulk().len(), want.1);
        assert_eq!(raw.array().len(), if q == "I8" { 4 } else { 3 });
    }
    let mut per = |k: &str| c.cmd(&["MEMORY", "USAGE", k]).expect("r").int() as f64 / 300.0;
    let (f32b, i8b) = (per("qF32"), per("qI8"));
    assert!(i8b < f32b, "I8 {i8b} B/vector vs F32 {f32b}");
}

#[test]
fn resp3_reply_types_and_inline_contexts() {
    let s = Server::start();
    let mut c = s.conn3();
    assert_eq!(
        vadd(&mut c, "v", "a", &[1.0, 2.0], &["SETATTR", r#"{"k":1}"#]),
        Reply::Bool(true)
    );
    assert_eq!(
        vadd(&mut c, "v", "b", &[2.0, 1.0], &["QUANT", "F32"]),
        Reply::Bool(true)
    );
    assert_eq!(c.cmd(&["AI.VCARD", "v"]).expect("r"), Reply::Int(2));
    assert_eq!(c.cmd(&["AI.VDIM", "v"]).expect("r"), Reply::Int(2));
    assert_eq!(
        c.cmd(&["AI.VEMB", "v", "a"]).expect("r"),
        Reply::Array(vec![Reply::Double(1.0), Reply::Double(2.0)])
    );
    let raw = c.cmd(&["AI.VEMB", "v", "a", "RAW"]).expect("r");
    let raw = raw.array();
    assert_eq!(raw[0].text(), "f32");
    assert!(matches!(raw[2], Reply::Double(n) if (n - 5f64.sqrt()).abs() < 1e-6));
    let Reply::Map(info) = c.cmd(&["AI.VINFO", "v"]).expect("r") else {
        panic!("VINFO is a map in RESP3")
    };
    assert!(info
        .iter()
        .any(|(k, v)| k.text() == "size" && *v == Reply::Int(2)));
    assert_eq!(
        c.cmd(&["AI.VSETATTR", "v", "b", "[1]"]).expect("r"),
        Reply::Bool(true)
    );
    assert_eq!(c.cmd(&["AI.VGETATTR", "v", "b"]).expect("r").text(), "[1]");
    assert_eq!(c.cmd(&["AI.VGETATTR", "v", "zz"]).expect("r"), Reply::Nil);
    assert_eq!(
        c.cmd(&["AI.VISMEMBER", "v", "a"]).expect("r"),
        Reply::Bool(true)
    );
    assert_eq!(
        c.cmd(&["AI.VRANDMEMBER", "v", "-3"])
            .expect("r")
            .array()
            .len(),
        3
    );
    assert_eq!(
        c.cmd(&["AI.VSIM", "none", "ELE", "a"]).expect("r"),
        Reply::Array(vec![])
    );
    assert_eq!(err(&mut c, &["AI.VDIM", "none"]), "ERR key does not exist");
    assert_eq!(c.cmd(&["AI.VREM", "v", "a"]).expect("r"), Reply::Bool(true));
    assert_eq!(
        c.cmd(&["AI.VREM", "v", "a"]).expect("r"),
        Reply::Bool(false)
    );
    // Under MULTI and Lua the search runs inline.
    let mut c2 = s.conn();
    ok(&mut c2, &["MULTI"]);
    let b = blob(&[1.0, 0.0]);
    let queued = c2
        .cmd(&[b"AI.VSIM".as_slice(), b"v", b"FP32", &b])
        .expect("r");
    assert_eq!(queued, Reply::Status("QUEUED".into()));
    let r = c2.cmd(&["EXEC"]).expect("r");
    assert_eq!(r.array()[0], Reply::Array(vec![Reply::Bulk(b"b".to_vec())]));
    let r = c2
        .cmd(&[
            "EVAL",
            "return redis.call('AI.VSIM', KEYS[1], 'ELE', 'b')",
            "1",
            "v",
        ])
        .expect("r");
    assert_eq!(r, Reply::Array(vec![Reply::Bulk(b"b".to_vec())]));
    assert_eq!(c2.cmd(&["TYPE", "v"]).expect("r").text(), "AI_VECSET");
}

#[test]
fn mass_removal_keeps_recall_and_gives_memory_back() {
    let s = Server::start();
    let mut c = s.conn();
    let data = random_vectors(6_000, 16, 55);
    vadd_all(&mut c, "m", &data, &[]);
    let full = c.cmd(&["MEMORY", "USAGE", "m"]).expect("r").int();
    for i in 0..5_000 {
        let r = c.cmd(&["AI.VREM", "m", &format!("e{i}")]).expect("r");
        assert_eq!(r, Reply::Int(1));
    }
    // The rebuild runs off the main thread and installs itself under the
    // GIL: no further write is needed for the memory to come back.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let now = c.cmd(&["MEMORY", "USAGE", "m"]).expect("r").int();
        if now * 2 < full {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{now} of {full} bytes after removing 5/6"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(c.cmd(&["AI.VCARD", "m"]).expect("r"), Reply::Int(1_000));
    assert_eq!(vinfo_int(&mut c, "m", "deleted-slots"), Some(0));
    // INFO MODULES counts it as installed by the compaction thread.
    let field = |f: &str| s.module_int(f);
    assert!(field("ai_vector_compactions_started") >= 1);
    assert!(field("ai_vector_compactions_installed") >= 1);
    assert_eq!(field("ai_vector_sets"), 1);
    assert_eq!(
        c.cmd(&["AI.VEMB", "m", "e5999", "RAW"]).expect("r").array()[1].bulk(),
        blob(&data[5999]).as_slice()
    );
    let (mut hit, mut total) = (0, 0);
    for q in random_vectors(50, 16, 777) {
        let truth = names(&vsim(&mut c, "m", &q, &["TRUTH"]));
        let got = names(&vsim(&mut c, "m", &q, &[]));
        hit += got.iter().filter(|g| truth.contains(g)).count();
        total += truth.len();
    }
    assert!(hit * 100 >= total * 95, "recall {hit}/{total}");
}

#[test]
fn info_modules_counts_searches_and_sets() {
    let s = Server::start();
    let mut c = s.conn();
    let field = |f: &str| s.module_int(f);
    assert_eq!(field("ai_vector_sets"), 0);
    assert!(field("ai_vsim_threads") >= 1);
    vadd(&mut c, "v", "a", &[1.0, 0.0], &[]);
    vadd(&mut c, "v", "b", &[0.0, 1.0], &[]);
    assert_eq!(field("ai_vector_sets"), 1);
    assert_eq!(names(&vsim(&mut c, "v", &[1.0, 0.0], &[])), vec!["a", "b"]);
    assert_eq!(field("ai_vsim_searches_threaded"), 1);
    assert_eq!(field("ai_vsim_searches_inline"), 0);
    vsim(&mut c, "v", &[1.0, 0.0], &["NOTHREAD"]);
    ok(&mut c, &["MULTI"]);
    c.cmd(&["AI.VSIM", "v", "ELE", "a"]).expect("r");
    c.cmd(&["EXEC"]).expect("r");
    assert_eq!(field("ai_vsim_searches_threaded"), 1);
    assert_eq!(field("ai_vsim_searches_inline"), 2);
    assert_eq!(field("ai_vsim_backlog"), 0);
    assert_eq!(field("ai_vector_compactions_started"), 0);
    c.cmd(&["DEL", "v"]).expect("r");
    // The pool thread may still hold the set an instant after replying.
    s.wait_for("the set to be freed", 10, |_| field("ai_vector_sets") == 0);
}
