use super::*;
use crate::error::Error;

mod limits;

fn params() -> Params {
    let mut p = Params::new();
    for (k, v) in [
        ("vec", &b"\x01\x02\x03\x04"[..]),
        ("BLOB", b"\x12\xa9\xf5\x6c"),
        ("vector", b"\x00\x00\x80\x3f"),
        ("B", b"bb"),
        ("K", b"10"),
        ("B_SIZE", b"50"),
        ("EF", b"150"),
        ("r", b"5"),
        ("distance_threshold", b"0.1"),
        ("neg", b"-1"),
        ("word", b"abc"),
        ("d", b"dist"),
        ("tagp", b"red"),
        ("lo", b"-1.5"),
        ("inf", b"+inf"),
    ] {
        p.insert(k.to_string(), v.to_vec());
    }
    p
}

fn ok(q: &str) -> Query {
    match parse(q.as_bytes(), &params()) {
        Ok(x) => x,
        Err(e) => panic!("{q:?} failed: {e}"),
    }
}

fn filter(q: &str) -> Node {
    let x = ok(q);
    assert!(x.knn.is_none(), "{q:?} has a KNN");
    x.filter
}

fn err(q: &[u8]) -> String {
    match parse(q, &params()) {
        Ok(x) => panic!("{:?} parsed: {x:?}", String::from_utf8_lossy(q)),
        Err(Error::Err(t)) => t,
        Err(e) => panic!("unexpected error kind {e:?}"),
    }
}

fn tag(f: &str, vals: &[(&str, bool)]) -> Node {
    Node::Tag {
        field: f.into(),
        values: vals
            .iter()
            .map(|&(t, prefix)| TagValue {
                text: t.into(),
                prefix,
            })
            .collect(),
    }
}

fn num(f: &str, lo: f64, lo_incl: bool, hi: f64, hi_incl: bool) -> Node {
    Node::Numeric {
        field: f.into(),
        lo,
        lo_incl,
        hi,
        hi_incl,
    }
}

fn text(f: Option<&str>, term: TextTerm) -> Node {
    Node::Text {
        field: f.map(Into::into),
        term,
    }
}

fn word(w: &str) -> Node {
    text(None, TextTerm::Word(w.into()))
}

fn vrange(f: &str, radius: f64, blob: &[u8], epsilon: Option<f64>, y: Option<&str>) -> Node {
    Node::VectorRange {
        field: f.into(),
        radius,
        blob: blob.to_vec(),
        epsilon,
        yield_as: y.map(Into::into),
    }
}

fn not(n: Node) -> Node {
    Node::Not(Box::new(n))
}

fn knn(k: usize, f: &str, blob: &[u8]) -> Knn {
    Knn {
        k,
        field: f.into(),
        blob: blob.to_vec(),
        ef_runtime: None,
        epsilon: None,
        yield_as: None,
        hybrid_policy: None,
        batch_size: None,
    }
}

const CLIENT_QUERIES: &[&str] = &[
    "*",
    "*=>[KNN 1 @embedding $vec AS score]",
    "(@title:Dune @num:[2020 2022])=>[KNN $K @vec $BLOB AS my_scores]",
    "(@category:{drama | action})=>[KNN 10 @doc_embedding $BLOB HYBRID_POLICY ADHOC_BF]",
    "(@type:{shirt})=>[KNN $K @vec $BLOB HYBRID_POLICY BATCHES BATCH_SIZE $B_SIZE]",
    "*=>[KNN 10 @v $B]=>{$EF_RUNTIME: $EF; $YIELD_DISTANCE_AS: dist}",
    "@vec:[VECTOR_RANGE $r $BLOB]",
    "(@type:{shirt} @num:[2020 2022]) | @vec:[VECTOR_RANGE 0.8 $BLOB]=>{$YIELD_DISTANCE_AS: my_scores}",
    "@prompt_vector:[VECTOR_RANGE $distance_threshold $vector]=>{$YIELD_DISTANCE_AS: vector_distance}",
    "@prompt_vector:[VECTOR_RANGE $distance_threshold $vector]=>{$YIELD_DISTANCE_AS: vector_distance} (@user_id:{abc})",
    "(@_index_name:(\"docs\"))=>[KNN 2 @embedding $vector AS vector_distance]",
    "(((@category:{a} @year:[2020 +inf]) @_index_name:(\"docs\")))=>[KNN 2 @embedding $vector AS vector_distance]",
    "@embedding:[VECTOR_RANGE $distance_threshold $vector]=>{$YIELD_DISTANCE_AS: vector_distance} (@_index_name:(\"docs\"))",
    "(-@f:{a})",
    "(-@f:[5 5])",
    "@f:[(5 +inf]",
    "@f:[-inf (5]",
    "(@a:{x} | @b:[1 2])",
    "@t:{hello\\ world}",
    "@t:{a\\-b}",
    "ismissing(@f)",
    "@f:(term*)",
    "@f:(%fuzy%)",
    "hello world",
    "@f:(\"a b c\")",
    "@vector_field:[VECTOR_RANGE $distance_threshold $vector]=>{$YIELD_DISTANCE_AS: vector_distance; $EPSILON: 0.01}",
    "(@f:{a} @g:{b})=>[KNN 3 @v $vector EF_RUNTIME $EF AS vector_distance]",
];

#[test]
fn every_client_query_parses() {
    for q in CLIENT_QUERIES {
        ok(q);
    }
}

#[test]
fn wildcard_and_knn() {
    assert_eq!(filter("*"), Node::All);
    let q = ok("*=>[KNN 1 @embedding $vec AS score]");
    assert_eq!(q.filter, Node::All);
    let mut k = knn(1, "embedding", b"\x01\x02\x03\x04");
    k.yield_as = Some("score".into());
    assert_eq!(q.knn, Some(k));

    let q = ok("*=>[KNN 10 @v $B]=>{$EF_RUNTIME: $EF; $YIELD_DISTANCE_AS: dist}");
    let mut k = knn(10, "v", b"bb");
    k.ef_runtime = Some(150);
    k.yield_as = Some("dist".into());
    assert_eq!(q.knn, Some(k));

    let q = ok("(@type:{shirt})=>[KNN $K @vec $BLOB HYBRID_POLICY batches BATCH_SIZE $B_SIZE]");
    assert_eq!(q.filter, tag("type", &[("shirt", false)]));
    let mut k = knn(10, "vec", b"\x12\xa9\xf5\x6c");
    k.hybrid_policy = Some("BATCHES".into());
    k.batch_size = Some(50);
    assert_eq!(q.knn, Some(k));

    let q = ok("@a:{x} @b:{y} =>[ knn 0 @v $B epsilon 0.5 as $d ] => { $hybrid_policy: adhoc_bf }");
    assert_eq!(
        q.filter,
        Node::And(vec![tag("a", &[("x", false)]), tag("b", &[("y", false)])])
    );
    let mut k = knn(0, "v", b"bb");
    k.epsilon = Some(0.5);
    k.yield_as = Some("dist".into());
    k.hybrid_policy = Some("ADHOC_BF".into());
    assert_eq!(q.knn, Some(k));
}

#[test]
fn hybrid_trees() {
    let q = ok("(@title:Dune @num:[2020 2022])=>[KNN $K @vec $BLOB AS my_scores]");
    assert_eq!(
        q.filter,
        Node::And(vec![
            text(Some("title"), TextTerm::Word("Dune".into())),
            num("num", 2020.0, true, 2022.0, true),
        ])
    );
    assert_eq!(
        q.knn.map(|k| (k.k, k.yield_as)),
        Some((10, Some("my_scores".into())))
    );

    let q = ok("(((@category:{a} @year:[2020 +inf]) @_index_name:(\"docs\")))=>[KNN 2 @embedding $vector AS vector_distance]");
    assert_eq!(
        q.filter,
        Node::And(vec![
            Node::And(vec![
                tag("category", &[("a", false)]),
                num("year", 2020.0, true, f64::INFINITY, true),
            ]),
            text(Some("_index_name"), TextTerm::Phrase("docs".into())),
        ])
    );
    let q =
        ok("(@category:{drama | action})=>[KNN 10 @doc_embedding $BLOB HYBRID_POLICY ADHOC_BF]");
    assert_eq!(
        q.filter,
        tag("category", &[("drama", false), ("action", false)])
    );
}

#[test]
fn vector_range_trees() {
    let blob = b"\x00\x00\x80\x3f";
    assert_eq!(
        filter("@prompt_vector:[VECTOR_RANGE $distance_threshold $vector]=>{$YIELD_DISTANCE_AS: vector_distance} (@user_id:{abc})"),
        Node::And(vec![
            vrange("prompt_vector", 0.1, blob, None, Some("vector_distance")),
            tag("user_id", &[("abc", false)]),
        ])
    );
    assert_eq!(
        filter("@vector_field:[VECTOR_RANGE $distance_threshold $vector]=>{$YIELD_DISTANCE_AS: vector_distance; $EPSILON: 0.01}"),
        vrange("vector_field", 0.1, blob, Some(0.01), Some("vector_distance"))
    );
    assert_eq!(
        filter("(@type:{shirt} @num:[2020 2022]) | @vec:[VECTOR_RANGE 0.8 $BLOB]=>{$YIELD_DISTANCE_AS: my_scores}"),
        Node::Or(vec![
            Node::And(vec![tag("type", &[("shirt", false)]), num("num", 2020.0, true, 2022.0, true)]),
            vrange("vec", 0.8, b"\x12\xa9\xf5\x6c", None, Some("my_scores")),
        ])
    );
    assert_eq!(
        filter("@vec:[vector_range $r $BLOB]"),
        vrange("vec", 5.0, b"\x12\xa9\xf5\x6c", None, None)
    );
    // Attributes bind to the atom, prefixes wrap after.
    assert_eq!(
        filter("-@v:[VECTOR_RANGE 1 $B] => {$yield_distance_as: $d}"),
        not(vrange("v", 1.0, b"bb", None, Some("dist")))
    );
}

#[test]
fn tag_and_numeric_forms() {
    assert_eq!(filter("(-@f:{a})"), not(tag("f", &[("a", false)])));
    assert_eq!(filter("(-@f:[5 5])"), not(num("f", 5.0, true, 5.0, true)));
    assert_eq!(
        filter("@f:[(5 +inf]"),
        num("f", 5.0, false, f64::INFINITY, true)
    );
    assert_eq!(
        filter("@f:[-inf (5]"),
        num("f", f64::NEG_INFINITY, true, 5.0, false)
    );
    assert_eq!(
        filter("@f:[inf -1.5e1]"),
        num("f", f64::INFINITY, true, -15.0, true)
    );
    assert_eq!(
        filter("@f:[$lo, $inf]"),
        num("f", -1.5, true, f64::INFINITY, true)
    );
    assert_eq!(
        filter("@f:[($lo ($inf]"),
        num("f", -1.5, false, f64::INFINITY, false)
    );
    assert_eq!(filter("@f:[7]"), num("f", 7.0, true, 7.0, true));
    assert_eq!(
        filter("@t:{hello\\ world}"),
        tag("t", &[("hello world", false)])
    );
    assert_eq!(filter("@t:{a\\-b}"), tag("t", &[("a-b", false)]));
    assert_eq!(
        filter("@t:{ a\\.b\\,c\\:d | pre* | $tagp |\\$lit| x\\*}"),
        tag(
            "t",
            &[
                ("a.b,c:d", false),
                ("pre", true),
                ("red", false),
                ("$lit", false),
                ("x*", false)
            ]
        )
    );
    assert_eq!(
        filter("@t:{drama action}"),
        tag("t", &[("drama action", false)])
    );
    assert_eq!(filter("@t: {x\\ }"), tag("t", &[("x ", false)]));
}

#[test]
fn text_forms() {
    assert_eq!(
        filter("hello world"),
        Node::And(vec![word("hello"), word("world")])
    );
    assert_eq!(
        filter("@f:(term*)"),
        text(Some("f"), TextTerm::Prefix("term".into()))
    );
    assert_eq!(
        filter("@f:(%fuzy%)"),
        text(Some("f"), TextTerm::Fuzzy("fuzy".into(), 1))
    );
    assert_eq!(
        filter("%%ab%%"),
        text(None, TextTerm::Fuzzy("ab".into(), 2))
    );
    assert_eq!(
        filter("%%%ab%%%"),
        text(None, TextTerm::Fuzzy("ab".into(), 3))
    );
    assert_eq!(
        filter("@f:(\"a b c\")"),
        text(Some("f"), TextTerm::Phrase("a b c".into()))
    );
    assert_eq!(
        filter("@f:\"x\\\"y\""),
        text(Some("f"), TextTerm::Phrase("x\"y".into()))
    );
    assert_eq!(
        filter("@f:Word"),
        text(Some("f"), TextTerm::Word("Word".into()))
    );
    assert_eq!(filter("$word"), word("abc"));
    assert_eq!(filter("ver 1.5"), Node::And(vec![word("ver"), word("1.5")]));
    assert_eq!(filter("a\\-b, c."), Node::And(vec![word("a-b"), word("c")]));
    assert_eq!(
        filter("ismissing(@f)"),
        Node::IsMissing { field: "f".into() }
    );
    assert_eq!(
        filter("ISMISSING ( @f )"),
        Node::IsMissing { field: "f".into() }
    );
    assert_eq!(filter("ismissing"), word("ismissing"));
    assert_eq!(filter("ismissingx"), word("ismissingx"));
    // A field group applies to text terms only, and to every one inside.
    assert_eq!(
        filter("@f:(a (b | c*) @g:{t} @h:d)"),
        Node::And(vec![
            text(Some("f"), TextTerm::Word("a".into())),
            Node::Or(vec![
                text(Some("f"), TextTerm::Word("b".into())),
                text(Some("f"), TextTerm::Prefix("c".into())),
            ]),
            tag("g", &[("t", false)]),
            text(Some("h"), TextTerm::Word("d".into())),
        ])
    );
    assert_eq!(
        filter("@a|b:x"),
        Node::Or(vec![
            text(Some("a"), TextTerm::Word("x".into())),
            text(Some("b"), TextTerm::Word("x".into())),
        ])
    );
    // Non-UTF-8 bytes are kept, lossily.
    let q = parse(b"caf\xe9 @f:{\xff}", &params()).map(|q| q.filter);
    assert_eq!(
        q,
        Ok(Node::And(vec![
            word("caf\u{fffd}"),
            tag("f", &[("\u{fffd}", false)])
        ]))
    );
}

#[test]
fn precedence_and_grouping() {
    let (a, b, c, d) = (word("a"), word("b"), word("c"), word("d"));
    assert_eq!(
        filter("a b | c"),
        Node::Or(vec![Node::And(vec![a.clone(), b.clone()]), c.clone()])
    );
    assert_eq!(
        filter("a | b c"),
        Node::Or(vec![a.clone(), Node::And(vec![b.clone(), c.clone()])])
    );
    assert_eq!(
        filter("a (b | c) d"),
        Node::And(vec![a.clone(), Node::Or(vec![b.clone(), c.clone()]), d])
    );
    assert_eq!(filter("((a))"), a.clone());
    assert_eq!(
        filter("-a ~b"),
        Node::And(vec![not(a.clone()), Node::Optional(Box::new(b.clone()))])
    );
    assert_eq!(
        filter("-~-a"),
        not(Node::Optional(Box::new(not(a.clone()))))
    );
    assert_eq!(
        filter("-(a | b)"),
        not(Node::Or(vec![a.clone(), b.clone()]))
    );
    assert_eq!(
        filter("(@a:{x} | @b:[1 2])"),
        Node::Or(vec![
            tag("a", &[("x", false)]),
            num("b", 1.0, true, 2.0, true)
        ])
    );
    assert_eq!(filter("(a)=>{$weight: 2; $slop: 1}"), a);
    assert_eq!(filter(""), Node::Or(vec![]));
    assert_eq!(filter("  \t"), Node::Or(vec![]));
}

#[test]
fn syntax_errors() {
    for (q, want) in [
        ("(a", "Syntax error at offset 1 near a"),
        ("a)", "Syntax error at offset 1 near )"),
        ("a | | b", "Syntax error at offset 4 near |"),
        ("| a", "Syntax error at offset 0 near |"),
        ("a |", "Syntax error at offset 2 near |"),
        ("()", "Syntax error at offset 1 near )"),
        ("a -", "Syntax error at offset 2 near -"),
        ("@f:{a", "Syntax error at offset 4 near a"),
        ("@f:{a||b}", "Syntax error at offset 6 near |"),
        ("@f:[1 2", "Syntax error at offset 6 near 2"),
        ("@f:[abc 2]", "Syntax error at offset 4 near abc"),
        ("@f:[nan 2]", "Syntax error at offset 4 near nan"),
        ("@f", "Syntax error at offset 1 near f"),
        ("@f:]", "Syntax error at offset 3 near ]"),
        ("]", "Syntax error at offset 0 near ]"),
        ("*foo", "Syntax error at offset 0 near *"),
        ("%%%%a%%%%", "Syntax error at offset 0 near %"),
        ("%a%%", "Syntax error at offset 3 near %"),
        ("=>[KNN 1 @v $B]", "Syntax error at offset 0 near ="),
        (
            "(@t:Matrix)=>[KNN 10 @v $B] @year:[2020 2022]",
            "Syntax error at offset 28 near @",
        ),
        ("(a=>[KNN 1 @v $B])", "Syntax error at offset 2 near ="),
        ("a | =>[KNN 1 @v $B]", "Syntax error at offset 4 near ="),
        ("*=>[KNN 1 @v $B AS]", "Syntax error at offset 18 near ]"),
        ("*=>[KNN x @v $B]", "Syntax error at offset 8 near x"),
        ("*=>[KNN -1 @v $B]", "Syntax error at offset 8 near -"),
        (
            "*=>[KNN 1 @v $B FOO 3]",
            "Syntax error at offset 16 near FOO",
        ),
        ("*=>[KNN 1 @v B]", "Syntax error at offset 13 near B"),
        ("*=>[FOO 1 @v $B]", "Syntax error at offset 4 near FOO"),
        ("*=>[KNN 1 @v $B", "Syntax error at offset 14 near B"),
        ("a=>{$weight 2}", "Syntax error at offset 12 near 2"),
        ("a=>{$weight: 2", "Syntax error at offset 13 near 2"),
        (
            "\"unterminated",
            "Syntax error at offset 1 near unterminated",
        ),
        ("\\", "Syntax error at offset 0 near \\"),
    ] {
        assert_eq!(err(q.as_bytes()), want, "query {q:?}");
    }
}

#[test]
fn semantic_errors() {
    for (q, want) in [
        (
            "@v:[VECTOR_RANGE -1 $B]",
            "Error parsing vector similarity query: negative radius (-1) given in a range query",
        ),
        (
            "@v:[VECTOR_RANGE $neg $B]",
            "Error parsing vector similarity query: negative radius (-1) given in a range query",
        ),
        (
            "*=>[KNN 1 @v $B AS a]=>{$YIELD_DISTANCE_AS: b}",
            "Distance field was specified twice for vector query: a and b",
        ),
        (
            "@v:[VECTOR_RANGE 1 $B]=>{$YIELD_DISTANCE_AS: a; $yield_distance_as: b}",
            "Distance field was specified twice for vector query: a and b",
        ),
        ("*=>[KNN 1 @v $nope]", "No such parameter `nope`"),
        ("@f:{$nope}", "No such parameter `nope`"),
        ("@f:[$nope 1]", "No such parameter `nope`"),
        (
            "*=>[KNN $word @v $B]",
            "Invalid numeric value (abc) for parameter `word`",
        ),
        (
            "@f:[$word 1]",
            "Invalid numeric value (abc) for parameter `word`",
        ),
        (
            "*=>[KNN $lo @v $B]",
            "Invalid numeric value (-1.5) for parameter `lo`",
        ),
        (
            "*=>[KNN 1000001 @v $B]",
            "KNN K is too large (at most 1000000)",
        ),
        (
            "*=>[KNN 1 @v $B EF_RUNTIME 0]",
            "EF_RUNTIME must be a positive integer",
        ),
        (
            "*=>[KNN 1 @v $B EF_RUNTIME 5]=>{$EF_RUNTIME: 6}",
            "EF_RUNTIME was specified twice for vector query",
        ),
        (
            "*=>[KNN 1 @v $B HYBRID_POLICY FAST]",
            "invalid hybrid policy was given (expected BATCHES or ADHOC_BF)",
        ),
        (
            "*=>[KNN 1 @v $B EPSILON -1]",
            "EPSILON must be a positive number",
        ),
        ("*=>[KNN 1 @v $B]=>{$FOO: 1}", "Invalid attribute FOO"),
        (
            "a=>{$yield_distance_as: x}",
            "Invalid attribute yield_distance_as",
        ),
    ] {
        assert_eq!(err(q.as_bytes()), want, "query {q:?}");
    }
}
