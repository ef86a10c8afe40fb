use super::*;
use crate::error::Error;

/// `FT.CREATE <line>` split on spaces (args[0] is the index name).
fn create(line: &str) -> crate::error::Result<IndexDef> {
    let args: Vec<&str> = line.split_whitespace().collect();
    parse_create(&args)
}

fn ok(line: &str) -> IndexDef {
    match create(line) {
        Ok(d) => d,
        Err(e) => panic!("{line}: {e}"),
    }
}

fn err(line: &str) -> String {
    match create(line) {
        Ok(d) => panic!("{line}: accepted as {d:?}"),
        Err(e) => e.reply_text(),
    }
}

fn rebuilt(def: &IndexDef) -> IndexDef {
    let mut args = vec![def.name.as_bytes().to_vec()];
    args.extend(def.source.iter().cloned());
    parse_create(&args).expect("source rebuilds")
}

#[test]
fn redisvl_semantic_cache() {
    let d = ok("llmcache ON HASH PREFIX 1 llmcache SCORE 1.0 SCHEMA prompt TEXT WEIGHT 1 response TEXT WEIGHT 1 inserted_at NUMERIC updated_at NUMERIC prompt_vector VECTOR FLAT 6 TYPE FLOAT32 DIM 768 DISTANCE_METRIC COSINE user_id TAG SEPARATOR ,");
    assert_eq!(d.name, "llmcache");
    assert_eq!(d.prefixes, vec![b"llmcache".to_vec()]);
    assert_eq!(d.score, 1.0);
    assert_eq!(d.language, "english");
    assert_eq!(d.stopwords, None);
    let names: Vec<&str> = d.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "prompt",
            "response",
            "inserted_at",
            "updated_at",
            "prompt_vector",
            "user_id"
        ]
    );
    assert_eq!(
        d.fields[0].kind,
        FieldKind::Text {
            weight: 1.0,
            nostem: false
        }
    );
    assert_eq!(d.fields[2].kind, FieldKind::Numeric);
    let FieldKind::Vector(p) = &d.fields[4].kind else {
        panic!("vector")
    };
    assert_eq!(
        (p.algo, p.vtype, p.dim, p.metric),
        (Algo::Flat, VecType::Float32, 768, Metric::Cosine)
    );
    assert_eq!((p.initial_cap, p.block_size), (1024, 1024));
    assert_eq!(
        d.fields[5].kind,
        FieldKind::Tag {
            separator: b',',
            case_sensitive: false
        }
    );
    assert_eq!(d.text_fields().map(|x| x.0).collect::<Vec<_>>(), [0, 1]);
    assert_eq!(d.numeric_fields().count(), 2);
    assert_eq!(d.tag_fields().count(), 1);
    assert_eq!(d.vector_fields().map(|x| x.0).collect::<Vec<_>>(), [4]);
    assert!(d.has_indexed_text());
    assert!(d.covers(b"llmcache:abc") && !d.covers(b"other"));
    assert_eq!(rebuilt(&d), d);
}

#[test]
fn langchain_vector_store() {
    let d = ok("docs ON HASH PREFIX 1 docs: SCORE 1.0 SCHEMA text TEXT WEIGHT 1 embedding VECTOR FLAT 6 TYPE FLOAT32 DIM 4 DISTANCE_METRIC COSINE _index_name TEXT WEIGHT 1 _metadata_json TEXT WEIGHT 1 category TAG SEPARATOR | year NUMERIC");
    assert_eq!(d.fields.len(), 6);
    assert_eq!(
        d.fields[4].kind,
        FieldKind::Tag {
            separator: b'|',
            case_sensitive: false
        }
    );
    assert_eq!(d.field("_index_name").map(|x| x.0), Some(2));
    assert_eq!(rebuilt(&d), d);
}

#[test]
fn hnsw_examples() {
    let d = ok("documents ON HASH PREFIX 1 docs: SCHEMA doc_embedding VECTOR HNSW 10 TYPE FLOAT64 DIM 1536 DISTANCE_METRIC COSINE M 40 EF_CONSTRUCTION 250");
    let FieldKind::Vector(p) = &d.fields[0].kind else {
        panic!("vector")
    };
    assert_eq!(
        (p.algo, p.vtype, p.dim, p.m, p.ef_construction),
        (Algo::Hnsw, VecType::Float64, 1536, 40, 250)
    );
    assert_eq!((p.ef_runtime, p.epsilon), (10, 0.01));
    let d = ok("i SCHEMA v AS vec VECTOR hnsw 14 type bfloat16 dim 3 distance_metric ip m 8 ef_construction 20 ef_runtime 30 epsilon 0.5 INDEXMISSING t TEXT");
    let f = &d.fields[0];
    assert_eq!(
        (f.identifier.as_slice(), f.name.as_str(), f.index_missing),
        (&b"v"[..], "vec", true)
    );
    let FieldKind::Vector(p) = &f.kind else {
        panic!("vector")
    };
    assert_eq!(
        (
            p.vtype,
            p.metric,
            p.m,
            p.ef_construction,
            p.ef_runtime,
            p.epsilon
        ),
        (VecType::BFloat16, Metric::Ip, 8, 20, 30, 0.5)
    );
    let d = ok("i SCHEMA v VECTOR FLAT 10 TYPE FLOAT16 DIM 2 DISTANCE_METRIC L2 INITIAL_CAP 10 BLOCK_SIZE 64");
    let FieldKind::Vector(p) = &d.fields[0].kind else {
        panic!("vector")
    };
    assert_eq!(
        (p.vtype, p.metric, p.initial_cap, p.block_size),
        (VecType::Float16, Metric::L2, 10, 64)
    );
}

#[test]
fn redis_py_defaults_and_options() {
    let d = ok("idx ON HASH PREFIX 2 a: b: FILTER @x>1 LANGUAGE German LANGUAGE_FIELD lang SCORE 0.5 SCORE_FIELD s PAYLOAD_FIELD p MAXTEXTFIELDS TEMPORARY 60 NOOFFSETS NOHL NOFIELDS NOFREQS STOPWORDS 2 Foo bar SKIPINITIALSCAN SCHEMA title TEXT NOSTEM PHONETIC dm:en WITHSUFFIXTRIE SORTABLE UNF INDEXEMPTY INDEXMISSING tag TAG SEPARATOR ; CASESENSITIVE WITHSUFFIXTRIE SORTABLE INDEXEMPTY INDEXMISSING NOINDEX n NUMERIC SORTABLE NOINDEX INDEXMISSING");
    assert_eq!(d.prefixes, vec![b"a:".to_vec(), b"b:".to_vec()]);
    assert_eq!(d.filter.as_deref(), Some("@x>1"));
    assert_eq!(d.language, "german");
    assert_eq!(d.score, 0.5);
    assert_eq!(
        d.stopwords,
        Some(vec!["foo".to_string(), "bar".to_string()])
    );
    assert!(d.skip_initial_scan);
    let t = &d.fields[0];
    assert_eq!(
        t.kind,
        FieldKind::Text {
            weight: 1.0,
            nostem: true
        }
    );
    assert!(
        t.with_suffix_trie && t.sortable && t.unf && t.index_empty && t.index_missing && !t.noindex
    );
    let g = &d.fields[1];
    assert_eq!(
        g.kind,
        FieldKind::Tag {
            separator: b';',
            case_sensitive: true
        }
    );
    assert!(
        g.with_suffix_trie && g.sortable && !g.unf && g.index_empty && g.index_missing && g.noindex
    );
    let n = &d.fields[2];
    assert!(n.sortable && n.noindex && n.index_missing);
    assert_eq!(rebuilt(&d), d);
    // Keywords are case-insensitive; STOPWORDS 0 means none at all.
    let d = ok("i on hash prefix 1 p stopwords 0 schema a text weight 2.5 b tag");
    assert_eq!(d.stopwords, Some(vec![]));
    assert_eq!(
        d.fields[0].kind,
        FieldKind::Text {
            weight: 2.5,
            nostem: false
        }
    );
    assert!(d.prefixes.len() == 1 && d.has_indexed_text());
    assert!(!ok("i SCHEMA a TEXT NOINDEX b TAG").has_indexed_text());
    // No PREFIX: every key.
    assert!(ok("i SCHEMA a TEXT").covers(b"anything"));
    for o in ["MAXTEXTFIELDS", "NOFREQS", "PHONETIC", "TEMPORARY"] {
        assert!(IGNORED_CREATE_OPTIONS.contains(&o));
    }
}

#[test]
fn option_values_may_look_like_keywords() {
    let d = ok("i PREFIX 1 SCHEMA SCHEMA SCHEMA TEXT TEXT TAG");
    assert_eq!(d.prefixes, vec![b"SCHEMA".to_vec()]);
    assert_eq!(d.fields[0].name, "SCHEMA");
    assert_eq!(d.fields[1].name, "TEXT");
}

#[test]
fn errors() {
    let cases: &[(&str, &str)] = &[
        ("i ON JSON SCHEMA a TEXT", "ON JSON is not supported: FT indexes here cover hashes only (no JSON module)"),
        ("i ON XML SCHEMA a TEXT", "Invalid index type"),
        ("i PREFIX 1 p", "No schema found"),
        ("i", "No schema found"),
        ("i SCHEMA", "Fields arguments are missing"),
        ("i BOGUS SCHEMA a TEXT", "Unknown argument `BOGUS`"),
        ("i SCHEMA a TEXT a TAG", "Duplicate field in schema - a"),
        ("i SCHEMA a TEXT b AS a NUMERIC", "Duplicate field in schema - a"),
        ("i SCHEMA a GEO", "GEO fields are not supported"),
        ("i SCHEMA a GEOSHAPE", "GEO fields are not supported"),
        ("i SCHEMA a BLOB", "Invalid field type for field `a`"),
        ("i SCHEMA a", "Field `a` has no type"),
        ("i SCHEMA a AS", "AS requires an argument"),
        ("i SCHEMA a TAG SEPARATOR ab", "Tag separator must be a single character"),
        ("i SCHEMA a TEXT WEIGHT", "WEIGHT requires an argument"),
        ("i SCHEMA a TEXT WEIGHT -1", "WEIGHT must be a number"),
        ("i SCHEMA a TEXT WEIGHT nan", "WEIGHT must be a number"),
        ("i SCHEMA a TEXT WEIGHT inf", "WEIGHT must be a number"),
        ("i SCHEMA a TEXT WEIGHT 1e7", "WEIGHT must be a number"),
        ("i SCORE 2 SCHEMA a TEXT", "SCORE must be a number"),
        ("i PREFIX 3 a b", "PREFIX count is 3"),
        ("i PREFIX x SCHEMA a TEXT", "PREFIX count must be"),
        ("i PREFIX 1025 SCHEMA a TEXT", "PREFIX count must be"),
        ("i STOPWORDS 65537 SCHEMA a TEXT", "STOPWORDS count must be"),
        ("i STOPWORDS 3 a", "STOPWORDS count is 3"),
        ("i TEMPORARY -5 SCHEMA a TEXT", "TEMPORARY must be"),
        ("i SCHEMA v VECTOR HNSW 4 TYPE FLOAT32 DIM 4", "cannot create HNSW index without specifying DISTANCE_METRIC"),
        ("i SCHEMA v VECTOR HNSW 4 DIM 4 DISTANCE_METRIC L2", "Missing mandatory parameter: cannot create HNSW index without specifying TYPE argument"),
        ("i SCHEMA v VECTOR FLAT 4 TYPE FLOAT32 DISTANCE_METRIC L2", "Missing mandatory parameter: cannot create FLAT index without specifying DIM argument"),
        ("i SCHEMA v VECTOR FLAT 4 TYPE FLOAT32 DIM 2", "cannot create FLAT index without specifying DISTANCE_METRIC argument"),
        ("i SCHEMA v VECTOR FLAT 8 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2 X 1", "Bad arguments for algorithm FLAT: X"),
        ("i SCHEMA v VECTOR FLAT 8 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2 M 16", "Bad arguments for algorithm FLAT: M"),
        ("i SCHEMA v VECTOR HNSW 8 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2 BLOCK_SIZE 16", "Bad arguments for algorithm HNSW: BLOCK_SIZE"),
        ("i SCHEMA v VECTOR FLAT 5 TYPE FLOAT32 DIM 2 DISTANCE_METRIC", "expected even number"),
        ("i SCHEMA v VECTOR FLAT 8 TYPE FLOAT32 DIM 2", "8 attribute arguments announced, 4 given"),
        ("i SCHEMA v VECTOR FLAT 6 TYPE INT8 DIM 2 DISTANCE_METRIC L2", "Vector type INT8 is not supported"),
        ("i SCHEMA v VECTOR FLAT 6 TYPE uint8 DIM 2 DISTANCE_METRIC L2", "Vector type UINT8 is not supported"),
        ("i SCHEMA v VECTOR FLAT 6 TYPE FLOAT8 DIM 2 DISTANCE_METRIC L2", "TYPE: `FLOAT8`"),
        ("i SCHEMA v VECTOR FLAT 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC HAMMING", "DISTANCE_METRIC: `HAMMING`"),
        ("i SCHEMA v VECTOR SVS-VAMANA 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2", "SVS-VAMANA vector indexes are not supported"),
        ("i SCHEMA v VECTOR IVF 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2", "Bad arguments for vector similarity algorithm"),
        ("i SCHEMA v VECTOR", "VECTOR requires an algorithm"),
        ("i SCHEMA v VECTOR FLAT", "FLAT requires an argument"),
        ("i SCHEMA v VECTOR FLAT 66", "attribute count must be"),
        ("i SCHEMA v VECTOR FLAT 6 TYPE FLOAT32 DIM 0 DISTANCE_METRIC L2", "DIM must be an integer from 1 to 65536"),
        ("i SCHEMA v VECTOR FLAT 6 TYPE FLOAT32 DIM 65537 DISTANCE_METRIC L2", "DIM must be an integer from 1"),
        ("i SCHEMA v VECTOR FLAT 6 TYPE FLOAT32 DIM -1 DISTANCE_METRIC L2", "DIM must be"),
        ("i SCHEMA v VECTOR FLAT 6 TYPE FLOAT32 DIM 99999999999999999999999 DISTANCE_METRIC L2", "DIM must be"),
        ("i SCHEMA v VECTOR HNSW 8 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2 M 1", "M must be an integer from 2 to 4096"),
        ("i SCHEMA v VECTOR HNSW 8 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2 M 4097", "M must be"),
        ("i SCHEMA v VECTOR HNSW 8 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2 EF_CONSTRUCTION 0", "EF_CONSTRUCTION must be"),
        ("i SCHEMA v VECTOR HNSW 8 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2 EF_RUNTIME 1000001", "EF_RUNTIME must be"),
        ("i SCHEMA v VECTOR HNSW 8 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2 EPSILON 0", "EPSILON must be greater than 0"),
        ("i SCHEMA v VECTOR HNSW 8 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2 EPSILON nan", "EPSILON must be"),
        ("i SCHEMA v VECTOR HNSW 8 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2 INITIAL_CAP 2147483649", "INITIAL_CAP must be"),
        ("i SCHEMA v VECTOR FLAT 8 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2 BLOCK_SIZE 0", "BLOCK_SIZE must be"),
        ("i SCHEMA v VECTOR FLAT 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2 SORTABLE", "Field `SORTABLE` has no type"),
    ];
    for (line, want) in cases {
        let got = err(line);
        assert!(got.starts_with("ERR "), "{line}: {got}");
        assert!(got.contains(want), "{line}: got `{got}`, want `{want}`");
    }
    assert_eq!(parse_create::<&str>(&[]), Err(Error::Arity("FT.CREATE")));
    // Non-UTF-8 names need an alias.
    let raw: Vec<&[u8]> = vec![b"i", b"SCHEMA", b"\xff", b"TEXT"];
    assert!(parse_create(&raw).is_err());
    let raw: Vec<&[u8]> = vec![b"i", b"SCHEMA", b"\xff", b"AS", b"f", b"TEXT"];
    let d = parse_create(&raw).expect("alias");
    assert_eq!(
        (d.fields[0].identifier.as_slice(), d.fields[0].name.as_str()),
        (&b"\xff"[..], "f")
    );
}

#[test]
fn caps() {
    let mut line = String::from("i SCHEMA");
    for i in 0..MAX_FIELDS {
        line.push_str(&format!(" f{i} NUMERIC"));
    }
    assert_eq!(ok(&line).fields.len(), MAX_FIELDS);
    line.push_str(" extra TAG");
    assert!(err(&line).contains("Schema is limited to 1024 fields"));
    let mut line = format!("i PREFIX {MAX_PREFIXES}");
    for i in 0..MAX_PREFIXES {
        line.push_str(&format!(" p{i}:"));
    }
    line.push_str(" SCHEMA a TEXT");
    assert_eq!(ok(&line).prefixes.len(), MAX_PREFIXES);
    let d = ok(&format!("i SCHEMA v VECTOR HNSW 14 TYPE FLOAT32 DIM {MAX_VECTOR_DIM} DISTANCE_METRIC L2 M 4096 EF_CONSTRUCTION 1000000 EF_RUNTIME 1 EPSILON 1e6"));
    let FieldKind::Vector(p) = &d.fields[0].kind else {
        panic!("vector")
    };
    assert_eq!(
        (p.dim, p.m, p.ef_construction, p.ef_runtime),
        (MAX_VECTOR_DIM, 4096, 1_000_000, 1)
    );
    // Prefix counts accumulate over repeated PREFIX clauses, capped in all.
    let mut line = format!("i PREFIX {MAX_PREFIXES}");
    for i in 0..MAX_PREFIXES {
        line.push_str(&format!(" p{i}:"));
    }
    line.push_str(" PREFIX 1 x SCHEMA a TEXT");
    assert!(err(&line).contains("PREFIX count must be"));
}

#[test]
fn alter_appends_fields() {
    let d = ok("docs PREFIX 1 d: SCHEMA t TEXT WEIGHT 2 v VECTOR FLAT 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2");
    let a = parse_alter(
        &d,
        &[
            "SCHEMA",
            "ADD",
            "g",
            "TAG",
            "SEPARATOR",
            "|",
            "n",
            "NUMERIC",
            "SORTABLE",
        ],
    )
    .expect("alter");
    assert_eq!(a.fields.len(), 4);
    assert_eq!(
        a.fields[2].kind,
        FieldKind::Tag {
            separator: b'|',
            case_sensitive: false
        }
    );
    assert!(a.fields[3].sortable);
    assert_eq!(a.source.len(), d.source.len() + 7);
    assert_eq!(rebuilt(&a), a);
    let b = parse_alter(
        &a,
        &[
            "skipinitialscan",
            "schema",
            "add",
            "w",
            "AS",
            "w2",
            "TEXT",
            "NOSTEM",
        ],
    )
    .expect("alter");
    assert_eq!(b.fields[4].name, "w2");
    assert!(
        !b.skip_initial_scan,
        "SKIPINITIALSCAN of an ALTER is not the index's"
    );
    assert_eq!(rebuilt(&b), b);
    let errs: &[(&[&str], &str)] = &[
        (
            &["SCHEMA", "ADD", "t", "TAG"],
            "Duplicate field in schema - t",
        ),
        (
            &["SCHEMA", "ADD", "x", "TAG", "x", "TEXT"],
            "Duplicate field in schema - x",
        ),
        (&["SCHEMA", "ADD"], "Fields arguments are missing"),
        (&["SCHEMA", "x", "TAG"], "SCHEMA ADD"),
        (&["ADD", "x", "TAG"], "SCHEMA ADD"),
        (&[], "SCHEMA ADD"),
        (
            &["SCHEMA", "ADD", "x", "GEO"],
            "GEO fields are not supported",
        ),
    ];
    for (args, want) in errs {
        let got = parse_alter(&b, args).expect_err("refused").reply_text();
        assert!(got.contains(want), "{args:?}: {got}");
    }
    // A new field named like an option of the last field would not survive
    // the stored form: refused.
    let c = ok("i SCHEMA t TEXT");
    let got = parse_alter(&c, &["SCHEMA", "ADD", "NOSTEM", "TEXT"]).expect_err("ambiguous");
    assert!(got.reply_text().contains("rename it"));
    let mut many = ok("i SCHEMA a TEXT");
    for i in 1..MAX_FIELDS {
        let name = format!("f{i}");
        many = parse_alter(&many, &["SCHEMA", "ADD", name.as_str(), "NUMERIC"]).expect("room");
    }
    let got = parse_alter(&many, &["SCHEMA", "ADD", "z", "NUMERIC"]).expect_err("full");
    assert!(got.reply_text().contains("limited to 1024"));
}

#[test]
fn random_arguments_never_panic() {
    const WORDS: &[&str] = &[
        "SCHEMA",
        "TEXT",
        "TAG",
        "NUMERIC",
        "VECTOR",
        "FLAT",
        "HNSW",
        "6",
        "14",
        "TYPE",
        "FLOAT32",
        "DIM",
        "4",
        "DISTANCE_METRIC",
        "COSINE",
        "AS",
        "a",
        "b",
        "PREFIX",
        "1",
        "0",
        "-1",
        "STOPWORDS",
        "SORTABLE",
        "UNF",
        "NOINDEX",
        "WEIGHT",
        "SEPARATOR",
        ",",
        "M",
        "EPSILON",
        "ON",
        "HASH",
        "SCORE",
        "1e400",
        "",
    ];
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let mut accepted = 0;
    for _ in 0..10_000 {
        let n = (next() % 16) as usize;
        let mut args = vec!["i"];
        for _ in 0..n {
            args.push(WORDS[(next() % WORDS.len() as u64) as usize]);
        }
        if let Ok(d) = parse_create(&args) {
            accepted += 1;
            assert_eq!(rebuilt(&d), d);
            let _ = parse_alter(&d, &args[1..]);
        }
    }
    assert!(accepted > 0);
}
