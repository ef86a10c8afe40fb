//! Model commands over the wire: every MODELSTORE/MODELSET/MODELGET/
//! MODELDEL/MODELEXECUTE/MODELRUN/AI.INFO error text of the spec, and the
//! TORCH and ONNX fixtures' exact outputs.

mod common;

use common::{
    args, available, build_features, err, fixture, floats, has_feature, ok, skipped, store_model,
    Reply, Server,
};

#[test]
fn modelstore_parse_errors() {
    let s = Server::start();
    let mut c = s.conn();
    let cases: &[(&[&str], &str)] = &[
        (
            &["AI.MODELSTORE", "m", "TORCH", "CPU", "BLOB"],
            "ERR wrong number of arguments for 'AI.MODELSTORE' command",
        ),
        (
            &["AI.MODELSTORE", "m", "PYTORCH", "CPU", "BLOB", "x"],
            "ERR unsupported backend",
        ),
        (
            &["AI.MODELSTORE", "m", "TORCH", "bad_device", "BLOB", "x"],
            "ERR Invalid DEVICE",
        ),
        (
            &["AI.MODELSTORE", "m", "TORCH", "CPU::", "BLOB", "x"],
            "ERR Invalid DEVICE",
        ),
        (
            &["AI.MODELSTORE", "m", "TORCH", "CPU:1.8", "BLOB", "x"],
            "ERR Invalid DEVICE",
        ),
        (
            &["AI.MODELSTORE", "m", "TORCH", "CPU:123456", "BLOB", "x"],
            "ERR Invalid DEVICE",
        ),
        (
            &["AI.MODELSTORE", "m", "TORCH", "GPU:", "BLOB", "x"],
            "ERR Invalid DEVICE",
        ),
        (
            &[
                "AI.MODELSTORE",
                "m",
                "TORCH",
                "CPU",
                "BATCHSIZE",
                "x",
                "BLOB",
                "x",
            ],
            "ERR Invalid argument for BATCHSIZE",
        ),
        (
            &[
                "AI.MODELSTORE",
                "m",
                "TORCH",
                "CPU",
                "BATCHSIZE",
                "2",
                "MINBATCHSIZE",
                "y",
                "BLOB",
                "x",
            ],
            "ERR Invalid argument for MINBATCHSIZE",
        ),
        (
            &[
                "AI.MODELSTORE",
                "m",
                "TORCH",
                "CPU",
                "MINBATCHSIZE",
                "2",
                "BATCHSIZE",
                "4",
                "BLOB",
                "x",
            ],
            "ERR MINBATCHSIZE specified without BATCHSIZE",
        ),
        (
            &[
                "AI.MODELSTORE",
                "m",
                "TORCH",
                "CPU",
                "BATCHSIZE",
                "2",
                "MINBATCHSIZE",
                "1",
                "MINBATCHTIMEOUT",
                "z",
                "BLOB",
                "x",
            ],
            "ERR Invalid argument for MINBATCHTIMEOUT",
        ),
        (
            &[
                "AI.MODELSTORE",
                "m",
                "TORCH",
                "CPU",
                "BATCHSIZE",
                "2",
                "MINBATCHTIMEOUT",
                "1000",
                "BLOB",
                "x",
            ],
            "ERR MINBATCHTIMEOUT specified without MINBATCHSIZE",
        ),
        (
            &[
                "AI.MODELSTORE",
                "m",
                "TORCH",
                "CPU",
                "BATCHSIZE",
                "2",
                "MINBATCHSIZE",
                "0",
                "MINBATCHTIMEOUT",
                "5",
                "BLOB",
                "x",
            ],
            "ERR MINBATCHTIMEOUT specified without MINBATCHSIZE",
        ),
        (
            &[
                "AI.MODELSTORE",
                "m",
                "TORCH",
                "CPU",
                "TAG",
                "t",
                "BATCHSIZE",
                "2",
            ],
            "ERR Insufficient arguments, missing model BLOB",
        ),
        (
            &["AI.MODELSTORE", "m", "TORCH", "CPU", "TAG", "t", "BLOB"],
            "ERR Insufficient arguments, missing model BLOB",
        ),
        (
            &[
                "AI.MODELSTORE",
                "m",
                "ONNX",
                "CPU",
                "INPUTS",
                "1",
                "a",
                "BLOB",
                "x",
            ],
            "ERR INPUTS argument should not be specified for this backend",
        ),
        (
            &[
                "AI.MODELSTORE",
                "m",
                "ONNX",
                "CPU",
                "OUTPUTS",
                "1",
                "a",
                "BLOB",
                "x",
            ],
            "ERR Invalid argument, expected BLOB",
        ),
        (
            &["AI.MODELSTORE", "m", "TF", "CPU", "BLOB", "x"],
            "ERR INPUTS not specified for TF",
        ),
        (
            &[
                "AI.MODELSTORE",
                "m",
                "TF",
                "CPU",
                "INPUTS",
                "0",
                "BLOB",
                "x",
            ],
            "ERR Invalid argument for input_count",
        ),
        (
            &[
                "AI.MODELSTORE",
                "m",
                "TF",
                "CPU",
                "INPUTS",
                "3",
                "a",
                "BLOB",
            ],
            "ERR number of model inputs does not match the number of given arguments",
        ),
        (
            &[
                "AI.MODELSTORE",
                "m",
                "TF",
                "CPU",
                "INPUTS",
                "1",
                "a",
                "BLOB",
                "x",
            ],
            "ERR OUTPUTS not specified for TF",
        ),
        (
            &[
                "AI.MODELSTORE",
                "m",
                "TF",
                "CPU",
                "INPUTS",
                "1",
                "a",
                "OUTPUTS",
                "x",
                "BLOB",
                "x",
            ],
            "ERR Invalid argument for output_count",
        ),
        (
            &[
                "AI.MODELSTORE",
                "m",
                "TF",
                "CPU",
                "INPUTS",
                "1",
                "a",
                "OUTPUTS",
                "2",
                "b",
            ],
            "ERR number of model outputs does not match the number of given arguments",
        ),
        // A blob that is no model, for the backends that are compiled in;
        // the others are refused (Decision 10).
        (
            &[
                "AI.MODELSTORE",
                "m",
                "TF",
                "CPU",
                "INPUTS",
                "1",
                "a",
                "OUTPUTS",
                "1",
                "b",
                "BLOB",
                "x",
            ],
            if has_feature("tf") {
                "Invalid GraphDef"
            } else {
                "ERR Could not load backend"
            },
        ),
        (
            &["AI.MODELSTORE", "m", "TFLITE", "CPU", "BLOB", "x"],
            if has_feature("tflite") {
                "Failed to load model from buffer"
            } else {
                "ERR Could not load backend"
            },
        ),
    ];
    for (a, want) in cases {
        assert_eq!(err(&mut c, a), *want, "{a:?}");
    }
    assert_eq!(c.cmd(&["EXISTS", "m"]).expect("reply").int(), 0);
}

/// README and docs/commands.md: a `--no-default-features` build stores no
/// model and replies `ERR Could not load backend`, for a valid blob too,
/// and leaves the key alone. Runs only against a build without backends.
#[test]
fn backendless_build_refuses_models_as_documented() {
    if !build_features().iter().all(|f| f != "torch" && f != "onnx") {
        skipped(
            test_name!(),
            &format!("build has backends ({:?})", build_features()),
        );
        return;
    }
    let s = Server::start();
    let mut c = s.conn();
    ok(&mut c, &["AI.TENSORSET", "m", "INT8", "VALUES", "1"]);
    for (backend, file) in [
        ("TORCH", "pt-minimal.pt"),
        ("torch", "junk.bin"),
        ("ONNX", "onnx-linear.onnx"),
        ("onnx", "junk.bin"),
    ] {
        for key in ["m", "fresh"] {
            let r = store_model(&mut c, key, backend, file, &[]);
            assert_eq!(
                r,
                Reply::Error("ERR Could not load backend".into()),
                "{backend} {file}"
            );
            let mut a = args(&["AI.MODELSET", key, backend, "CPU", "BLOB"]);
            a.push(fixture(file));
            let r = c.cmd(&a).expect("reply");
            assert_eq!(
                r,
                Reply::Error("ERR Could not load backend".into()),
                "{backend} {file}"
            );
        }
    }
    // The key that held a tensor still does; no model key appeared.
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "m", "VALUES"]).expect("reply"),
        Reply::Array(vec![Reply::Int(1)])
    );
    assert_eq!(c.cmd(&["EXISTS", "fresh"]).expect("reply").int(), 0);
    // LOADBACKEND agrees (Decision 10).
    for b in ["TORCH", "ONNX"] {
        assert_eq!(
            err(&mut c, &["AI.CONFIG", "LOADBACKEND", b, "x.so"]),
            "ERR error loading backend"
        );
    }
}

#[test]
fn modelset_parse_errors() {
    let s = Server::start();
    let mut c = s.conn();
    let cases: &[(&[&str], &str)] = &[
        (
            &["AI.MODELSET", "m", "TORCH"],
            "ERR wrong number of arguments for 'AI.MODELSET' command",
        ),
        (
            &["AI.MODELSET", "m", "TORCH", "BLOB", "x"],
            "ERR Invalid DEVICE",
        ),
        (
            &["AI.MODELSET", "m", "TORCH", "CPU:12345678", "BLOB", "x"],
            "ERR Invalid DEVICE",
        ),
        (
            &[
                "AI.MODELSET",
                "m",
                "TFLITE",
                "CPU",
                "BATCHSIZE",
                "2",
                "BLOB",
                "x",
            ],
            "ERR Auto-batching not supported by the TFLITE backend",
        ),
        (
            &[
                "AI.MODELSET",
                "m",
                "TORCH",
                "CPU",
                "MINBATCHTIMEOUT",
                "2",
                "BLOB",
                "x",
            ],
            "ERR MINBATCHTIMEOUT specified without BATCHSIZE",
        ),
        (
            &["AI.MODELSET", "m", "TF", "CPU", "BLOB", "x"],
            "ERR Insufficient arguments, INPUTS and OUTPUTS not specified",
        ),
        (
            &["AI.MODELSET", "m", "TF", "CPU", "TAG", "t", "BLOB", "x"],
            "ERR INPUTS not specified",
        ),
        (
            &["AI.MODELSET", "m", "TF", "CPU", "INPUTS", "a", "BLOB", "x"],
            "ERR OUTPUTS not specified",
        ),
        (
            &["AI.MODELSET", "m", "TORCH", "CPU", "TAG", "t"],
            "ERR Insufficient arguments, missing model BLOB",
        ),
        (
            &["AI.MODELSET", "m", "TORCH", "CPU", "BLOB"],
            "ERR Insufficient arguments, missing model BLOB",
        ),
    ];
    for (a, want) in cases {
        assert_eq!(err(&mut c, a), *want, "{a:?}");
    }
}

#[test]
fn get_del_info_errors_and_wrongtype() {
    let s = Server::start();
    let mut c = s.conn();
    ok(&mut c, &["SET", "str", "x"]);
    let wrongtype = "WRONGTYPE Operation against a key holding the wrong kind of value";
    let cases: &[(&[&str], &str)] = &[
        (
            &["AI.MODELGET"],
            "ERR wrong number of arguments for 'AI.MODELGET' command",
        ),
        (
            &["AI.MODELGET", "m", "META", "BLOB", "X"],
            "ERR wrong number of arguments for 'AI.MODELGET' command",
        ),
        (&["AI.MODELGET", "nope"], "ERR model key is empty"),
        (&["AI.MODELGET", "str", "META"], wrongtype),
        (&["AI.MODELDEL", "nope"], "ERR model key is empty"),
        (&["AI.MODELDEL", "str"], wrongtype),
        (
            &["AI.MODELDEL", "a", "b"],
            "ERR wrong number of arguments for 'AI.MODELDEL' command",
        ),
        (
            &["AI.INFO"],
            "ERR wrong number of arguments for 'AI.INFO' command",
        ),
        (&["AI.INFO", "nope"], "ERR cannot find run info for key"),
        (&["AI.INFO", "str"], "ERR cannot find run info for key"),
        (
            &["AI._MODELSCAN", "x"],
            "ERR wrong number of arguments for 'AI._MODELSCAN' command",
        ),
        (
            &["AI.MODELEXECUTE", "m", "INPUTS", "1", "a", "OUTPUTS", "1"],
            "ERR wrong number of arguments for 'AI.MODELEXECUTE' command",
        ),
        (
            &[
                "AI.MODELEXECUTE",
                "nope",
                "INPUTS",
                "1",
                "a",
                "OUTPUTS",
                "1",
                "b",
            ],
            "ERR model key is empty",
        ),
        (
            &[
                "AI.MODELEXECUTE",
                "str",
                "INPUTS",
                "1",
                "a",
                "OUTPUTS",
                "1",
                "b",
            ],
            wrongtype,
        ),
        (
            &["AI.MODELRUN", "nope", "INPUTS", "a", "OUTPUTS", "b"],
            "ERR model key is empty",
        ),
        (
            &["AI.MODELRUN", "m", "INPUTS", "a", "OUTPUTS"],
            "ERR wrong number of arguments for 'AI.MODELRUN' command",
        ),
    ];
    for (a, want) in cases {
        assert_eq!(err(&mut c, a), *want, "{a:?}");
    }
}

#[test]
fn execute_parse_errors() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    assert!(store_model(&mut c, "m", "TORCH", "pt-minimal.pt", &[]).is_ok());
    ok(
        &mut c,
        &["AI.TENSORSET", "a", "FLOAT", "2", "VALUES", "1", "2"],
    );
    ok(&mut c, &["SET", "str", "x"]);
    let x = "AI.MODELEXECUTE";
    let cases: &[(&[&str], &str)] = &[
        (&[x, "m", "INPUT", "2", "a", "a", "OUTPUTS", "1", "c"], "ERR INPUTS not specified"),
        (&[x, "m", "TIMEOUT", "5", "INPUTS", "2", "a", "a", "OUTPUTS", "1", "c"], "ERR INPUTS not specified"),
        (&[x, "m", "INPUTS", "z", "a", "a", "OUTPUTS", "1", "c"], "ERR Invalid argument for input_count"),
        (&[x, "m", "INPUTS", "-1", "a", "a", "OUTPUTS", "1", "c"], "ERR Input count must be a positive integer"),
        (&[x, "m", "INPUTS", "1", "a", "OUTPUTS", "1", "c"], "Number of keys given as INPUTS here does not match model definition"),
        (&[x, "m", "INPUTS", "2", "a", "a", "OUTPUT", "1", "c"], "ERR OUTPUTS not specified"),
        (&[x, "m", "INPUTS", "2", "a", "a", "OUTPUTS", "w", "c"], "ERR Invalid argument for output_count"),
        (&[x, "m", "INPUTS", "2", "a", "a", "OUTPUTS", "0", "c"], "ERR Output count must be a positive integer"),
        (&[x, "m", "INPUTS", "2", "a", "a", "OUTPUTS", "2", "c", "d"], "Number of keys given as OUTPUTS here does not match model definition"),
        (&[x, "m", "INPUTS", "2", "a", "a", "OUTPUTS", "1"], "ERR number of output keys to AI.MODELEXECUTE command does not match the number of given arguments"),
        (&[x, "m", "INPUTS", "2", "a", "a", "OUTPUTS", "1", "c", "TIMEOUT"], "ERR No value provided for TIMEOUT"),
        (&[x, "m", "INPUTS", "2", "a", "a", "OUTPUTS", "1", "c", "TIMEOUT", "0"], "ERR Invalid value for TIMEOUT"),
        (&[x, "m", "INPUTS", "2", "a", "a", "OUTPUTS", "1", "c", "TIMEOUT", "x"], "ERR Invalid value for TIMEOUT"),
        (&[x, "m", "INPUTS", "2", "a", "a", "OUTPUTS", "1", "c", "TIMEOUT", "5", "X"], "Invalid argument: X"),
        (&[x, "m", "INPUTS", "2", "a", "a", "OUTPUTS", "1", "c", "BOGUS"], "Invalid argument: BOGUS"),
        (&[x, "m", "INPUTS", "2", "a", "missing", "OUTPUTS", "1", "c"], "ERR tensor key is empty or in a different shard"),
        (&[x, "m", "INPUTS", "2", "a", "str", "OUTPUTS", "1", "c"], "WRONGTYPE Operation against a key holding the wrong kind of value"),
        // Decision 5: the output key's type is checked before the run.
        (&[x, "m", "INPUTS", "2", "a", "a", "OUTPUTS", "1", "str"], "WRONGTYPE Operation against a key holding the wrong kind of value"),
        (&["AI.MODELRUN", "m", "INPUTS", "a", "OUTPUTS", "c"], "Number of keys given as INPUTS here does not match model definition"),
        (&["AI.MODELRUN", "m", "INPUTS", "a", "a", "OUTPUTS", "c", "d"], "Number of keys given as OUTPUTS here does not match model definition"),
        (&["AI.MODELRUN", "m", "INPUTS", "a", "a", "c", "d"], "ERR OUTPUTS not specified"),
        (&["AI.MODELRUN", "m", "TIMEOUT", "0", "INPUTS", "a", "OUTPUTS", "c"], "ERR Invalid value for TIMEOUT"),
        (&["AI.MODELRUN", "m", "IN", "a", "a", "OUTPUTS", "c"], "ERR INPUTS not specified"),
    ];
    for (a, want) in cases {
        assert_eq!(err(&mut c, a), *want, "{a:?}");
    }
    // The calls above were parse errors: none is counted.
    let info = c.cmd(&["AI.INFO", "m"]).expect("reply");
    assert_eq!(info.array()[15].int(), 0, "{info:?}");
    assert_eq!(c.cmd(&["EXISTS", "c"]).expect("reply").int(), 0);
    assert_eq!(c.cmd(&["GET", "str"]).expect("reply").bulk(), b"x");
}

#[test]
fn torch_store_get_execute_info() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    let blob = fixture("pt-minimal.pt");
    let mut a = args(&[
        "AI.MODELSTORE",
        "m",
        "torch",
        "cpu",
        "TAG",
        "v1.2",
        "BATCHSIZE",
        "4",
        "MINBATCHSIZE",
        "2",
        "MINBATCHTIMEOUT",
        "100",
        "BLOB",
    ]);
    // Chunked: the blob in three pieces.
    let third = blob.len() / 3;
    a.push(blob[..third].to_vec());
    a.push(blob[third..2 * third].to_vec());
    a.push(blob[2 * third..].to_vec());
    assert!(c.cmd(&a).expect("reply").is_ok());
    assert_eq!(
        c.cmd(&["TYPE", "m"]).expect("reply"),
        Reply::Status("AI__MODEL".into())
    );

    let meta = c.cmd(&["AI.MODELGET", "m", "META"]).expect("reply");
    let want_meta = vec![
        Reply::Bulk(b"backend".to_vec()),
        Reply::Bulk(b"TORCH".to_vec()),
        Reply::Bulk(b"device".to_vec()),
        Reply::Bulk(b"cpu".to_vec()),
        Reply::Bulk(b"tag".to_vec()),
        Reply::Bulk(b"v1.2".to_vec()),
        Reply::Bulk(b"batchsize".to_vec()),
        Reply::Int(4),
        Reply::Bulk(b"minbatchsize".to_vec()),
        Reply::Int(2),
        Reply::Bulk(b"inputs".to_vec()),
        Reply::Array(vec![Reply::Bulk(b"a".to_vec()), Reply::Bulk(b"b".to_vec())]),
        Reply::Bulk(b"outputs".to_vec()),
        Reply::Array(vec![Reply::Bulk(Vec::new())]),
        Reply::Bulk(b"minbatchtimeout".to_vec()),
        Reply::Int(100),
    ];
    assert_eq!(meta, Reply::Array(want_meta.clone()));
    let full = c.cmd(&["AI.MODELGET", "m"]).expect("reply");
    let mut want_full = want_meta;
    want_full.push(Reply::Bulk(b"blob".to_vec()));
    want_full.push(Reply::Bulk(blob.clone()));
    assert_eq!(full, Reply::Array(want_full));
    assert_eq!(
        c.cmd(&["AI.MODELGET", "m", "BLOB"]).expect("reply"),
        Reply::Bulk(blob.clone())
    );
    assert_eq!(
        c.cmd(&["AI.MODELGET", "m", "BLOB", "junk"]).expect("reply"),
        Reply::Bulk(blob.clone())
    );

    // MODELGET chunks by MODEL_CHUNK_SIZE, with no empty trailing chunk.
    let chunk = blob.len() / 4 + 1;
    ok(
        &mut c,
        &["AI.CONFIG", "MODEL_CHUNK_SIZE", &chunk.to_string()],
    );
    let r = c.cmd(&["AI.MODELGET", "m", "BLOB"]).expect("reply");
    let pieces: Vec<u8> = r.array().iter().flat_map(|p| p.bulk().to_vec()).collect();
    assert_eq!(r.array().len(), 4);
    assert_eq!(pieces, blob);
    ok(
        &mut c,
        &[
            "AI.CONFIG",
            "MODEL_CHUNK_SIZE",
            &(blob.len() / 2).to_string(),
        ],
    );
    if blob.len().is_multiple_of(2) {
        assert_eq!(
            c.cmd(&["AI.MODELGET", "m", "BLOB"])
                .expect("reply")
                .array()
                .len(),
            2
        );
    }

    ok(
        &mut c,
        &[
            "AI.TENSORSET",
            "a",
            "FLOAT",
            "2",
            "2",
            "VALUES",
            "1",
            "2",
            "3",
            "4",
        ],
    );
    ok(
        &mut c,
        &[
            "AI.TENSORSET",
            "b",
            "FLOAT",
            "2",
            "2",
            "VALUES",
            "10",
            "20",
            "30",
            "40",
        ],
    );
    // The batch policy waits up to 100 ms for a second request, then runs.
    ok(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "m",
            "INPUTS",
            "2",
            "a",
            "b",
            "OUTPUTS",
            "1",
            "c",
        ],
    );
    assert_eq!(floats(&mut c, "c"), vec![11.0, 22.0, 33.0, 44.0]);
    ok(
        &mut c,
        &["AI.MODELRUN", "m", "INPUTS", "a", "b", "OUTPUTS", "d"],
    );
    assert_eq!(floats(&mut c, "d"), vec![11.0, 22.0, 33.0, 44.0]);

    let info = c.cmd(&["AI.INFO", "m"]).expect("reply");
    let f = info.array();
    assert_eq!(f.len(), 18);
    assert_eq!(f[0].bulk(), b"key");
    assert_eq!(f[1].bulk(), b"m");
    assert_eq!(f[3].bulk(), b"MODEL");
    assert_eq!(f[5].bulk(), b"TORCH");
    assert_eq!(f[7].bulk(), b"cpu");
    assert_eq!(f[9].bulk(), b"v1.2");
    assert!(f[11].int() > 0, "duration {info:?}");
    assert_eq!(
        (f[13].int(), f[15].int(), f[17].int()),
        (4, 2, 0),
        "samples, calls, errors"
    );
    ok(&mut c, &["AI.INFO", "m", "RESETSTAT"]);
    let f = c.cmd(&["AI.INFO", "m"]).expect("reply");
    assert_eq!(
        (
            f.array()[11].int(),
            f.array()[13].int(),
            f.array()[15].int()
        ),
        (0, 0, 0)
    );

    // A bad input is a counted error, and the server stays up.
    ok(
        &mut c,
        &["AI.TENSORSET", "s3", "FLOAT", "3", "VALUES", "1", "2", "3"],
    );
    let e = err(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "m",
            "INPUTS",
            "2",
            "a",
            "s3",
            "OUTPUTS",
            "1",
            "e",
        ],
    );
    assert!(e.contains("size of tensor"), "{e}");
    assert_eq!(
        c.cmd(&["AI.INFO", "m"]).expect("reply").array()[17].int(),
        1
    );

    // A re-store resets the statistics; _MODELSCAN lists key and tag.
    assert!(store_model(&mut c, "m2", "TORCH", "pt-minimal.pt", &[]).is_ok());
    let scan = c.cmd(&["AI._MODELSCAN"]).expect("reply");
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = scan
        .array()
        .iter()
        .map(|p| (p.array()[0].bulk().to_vec(), p.array()[1].bulk().to_vec()))
        .collect();
    pairs.sort();
    assert_eq!(
        pairs,
        vec![
            (b"m".to_vec(), b"v1.2".to_vec()),
            (b"m2".to_vec(), Vec::new())
        ]
    );
    ok(&mut c, &["AI.MODELDEL", "m"]);
    assert_eq!(err(&mut c, &["AI.MODELGET", "m"]), "ERR model key is empty");
    assert_eq!(
        err(&mut c, &["AI.INFO", "m"]),
        "ERR cannot find run info for key"
    );
}

#[test]
fn torch_errors_and_tuple_outputs() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    // Junk bytes: the backend's error, one line, and nothing stored.
    let r = store_model(&mut c, "j", "TORCH", "junk.bin", &[]);
    assert!(r.is_error() && !r.err().contains('\n'), "{r:?}");
    assert_eq!(c.cmd(&["EXISTS", "j"]).expect("reply").int(), 0);
    // The type is checked only after the model compiles.
    ok(&mut c, &["SET", "str", "x"]);
    let r = store_model(&mut c, "str", "TORCH", "pt-minimal.pt", &[]);
    assert!(r.err().starts_with("WRONGTYPE"), "{r:?}");
    assert!(store_model(&mut c, "g", "TORCH", "pt-minimal.pt", &[]).is_ok());
    let mut a = args(&["AI.MODELSTORE", "g", "TORCH", "GPU", "BLOB"]);
    a.push(fixture("pt-minimal.pt"));
    let r = c.cmd(&a).expect("reply");
    assert_eq!(r.err(), "GPU requested but Torch couldn't find CUDA");

    assert!(store_model(&mut c, "t", "TORCH", "pt-tuple.pt", &[]).is_ok());
    let outs = c.cmd(&["AI.MODELGET", "t", "META"]).expect("reply").array()[13].clone();
    assert_eq!(
        outs,
        Reply::Array(vec![Reply::Bulk(vec![]), Reply::Bulk(vec![])])
    );
    ok(
        &mut c,
        &["AI.TENSORSET", "a", "FLOAT", "2", "VALUES", "5", "7"],
    );
    ok(
        &mut c,
        &["AI.TENSORSET", "b", "FLOAT", "2", "VALUES", "1", "2"],
    );
    ok(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "t",
            "INPUTS",
            "2",
            "a",
            "b",
            "OUTPUTS",
            "2",
            "sum",
            "diff",
        ],
    );
    assert_eq!(floats(&mut c, "sum"), vec![6.0, 9.0]);
    assert_eq!(floats(&mut c, "diff"), vec![4.0, 5.0]);

    // A model that throws: an error reply, counted, and the server lives.
    assert!(store_model(&mut c, "r", "TORCH", "pt-raise.pt", &[]).is_ok());
    ok(
        &mut c,
        &["AI.TENSORSET", "neg", "FLOAT", "2", "VALUES", "-5", "1"],
    );
    let e = err(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "r",
            "INPUTS",
            "1",
            "neg",
            "OUTPUTS",
            "1",
            "out",
        ],
    );
    assert!(e.contains("negative input"), "{e}");
    ok(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "r",
            "INPUTS",
            "1",
            "b",
            "OUTPUTS",
            "1",
            "out",
        ],
    );
    assert_eq!(floats(&mut c, "out"), vec![2.0, 4.0]);
    let info = c.cmd(&["AI.INFO", "r"]).expect("reply");
    assert_eq!((info.array()[15].int(), info.array()[17].int()), (2, 1));
    assert!(s.alive());
}

#[test]
fn onnx_fixtures_give_exact_numbers() {
    skip_unless!("onnx");
    let s = Server::start();
    let mut c = s.conn();
    assert!(store_model(&mut c, "lin", "ONNX", "onnx-linear.onnx", &[]).is_ok());
    let meta = c.cmd(&["AI.MODELGET", "lin", "META"]).expect("reply");
    assert_eq!(
        meta.array()[11],
        Reply::Array(vec![Reply::Bulk(b"float_input".to_vec())])
    );
    assert_eq!(
        meta.array()[13],
        Reply::Array(vec![Reply::Bulk(b"variable".to_vec())])
    );
    ok(
        &mut c,
        &[
            "AI.TENSORSET",
            "x",
            "FLOAT",
            "2",
            "4",
            "VALUES",
            "1",
            "2",
            "3",
            "4",
            "0.5",
            "-1",
            "0.25",
            "2",
        ],
    );
    ok(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "lin",
            "INPUTS",
            "1",
            "x",
            "OUTPUTS",
            "1",
            "y",
        ],
    );
    // y = x·[1,2,3,4] + 0.5, exact in f32.
    assert_eq!(floats(&mut c, "y"), vec![30.5, 7.75]);
    let shape = c.cmd(&["AI.TENSORGET", "y", "META"]).expect("reply");
    assert_eq!(
        shape.array()[3],
        Reply::Array(vec![Reply::Int(2), Reply::Int(1)])
    );

    // Wrong rank: ORT's own message, no ERR prefix.
    ok(
        &mut c,
        &[
            "AI.TENSORSET",
            "bad",
            "FLOAT",
            "4",
            "VALUES",
            "1",
            "2",
            "3",
            "4",
        ],
    );
    let e = err(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "lin",
            "INPUTS",
            "1",
            "bad",
            "OUTPUTS",
            "1",
            "y",
        ],
    );
    assert!(e.starts_with("Invalid rank for input: float_input"), "{e}");

    // STRING identity.
    assert!(store_model(&mut c, "str", "ONNX", "onnx-string.onnx", &[]).is_ok());
    ok(
        &mut c,
        &[
            "AI.TENSORSET",
            "s",
            "STRING",
            "2",
            "2",
            "VALUES",
            "a",
            "bc",
            "",
            "def",
        ],
    );
    ok(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "str",
            "INPUTS",
            "1",
            "s",
            "OUTPUTS",
            "1",
            "s2",
        ],
    );
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "s2", "BLOB"])
            .expect("reply")
            .bulk(),
        b"a\0bc\0\0def\0"
    );

    // Two outputs, one INT64; and a ZipMap output that is skipped.
    assert!(store_model(&mut c, "cls", "ONNX", "onnx-classifier.onnx", &[]).is_ok());
    ok(
        &mut c,
        &[
            "AI.TENSORSET",
            "f",
            "FLOAT",
            "1",
            "4",
            "VALUES",
            "1",
            "2",
            "3",
            "4",
        ],
    );
    ok(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "cls",
            "INPUTS",
            "1",
            "f",
            "OUTPUTS",
            "2",
            "label",
            "prob",
        ],
    );
    let label = c.cmd(&["AI.TENSORGET", "label", "META"]).expect("reply");
    assert_eq!(label.array()[1].bulk(), b"INT64");
    let p = floats(&mut c, "prob");
    assert_eq!(p.len(), 3);
    assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    assert!(store_model(&mut c, "zip", "ONNX", "onnx-zipmap.onnx", &[]).is_ok());
    ok(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "zip",
            "INPUTS",
            "1",
            "f",
            "OUTPUTS",
            "2",
            "zl",
            "zp",
        ],
    );
    assert_eq!(c.cmd(&["EXISTS", "zl", "zp"]).expect("reply").int(), 1);

    // MNIST-like: the argmax gen-fixtures.py recorded.
    assert!(store_model(&mut c, "mnist", "ONNX", "onnx-mnist.onnx", &[]).is_ok());
    let expected = String::from_utf8(fixture("expected.json")).expect("utf8");
    let img = mnist_input(&expected);
    let mut a = args(&["AI.TENSORSET", "img", "FLOAT", "1", "1", "28", "28", "BLOB"]);
    a.push(img.iter().flat_map(|v| v.to_le_bytes()).collect());
    assert!(c.cmd(&a).expect("reply").is_ok());
    ok(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "mnist",
            "INPUTS",
            "1",
            "img",
            "OUTPUTS",
            "1",
            "digits",
        ],
    );
    let d = floats(&mut c, "digits");
    let argmax = d
        .iter()
        .enumerate()
        .fold(0, |b, (i, v)| if *v > d[b] { i } else { b });
    assert_eq!(
        Some(argmax),
        json_usize(&expected, "onnx-mnist.onnx", "argmax")
    );

    // Junk, external initializers, GPU: refused with the documented texts.
    let r = store_model(&mut c, "j", "ONNX", "junk.bin", &[]);
    assert!(r.is_error(), "{r:?}");
    let r = store_model(&mut c, "ext", "ONNX", "onnx-external.onnx", &[]);
    assert_eq!(
        r.err(),
        "Initializer tensors with external data is not allowed."
    );
    let mut a = args(&["AI.MODELSTORE", "g", "ONNX", "GPU:0", "BLOB"]);
    a.push(fixture("onnx-square.onnx"));
    assert_eq!(
        c.cmd(&a).expect("reply").err(),
        "ERR GPU requested but ONNX couldn't find CUDA"
    );
    assert!(s.alive());
}

/// The mnist test image from expected.json: `"onnx-mnist.onnx": {"inputs":
/// [{… "values": [...]}]}` (a minimal scan, no JSON dependency).
fn mnist_input(json: &str) -> Vec<f32> {
    let at = json.find("\"onnx-mnist.onnx\"").expect("mnist entry");
    let rest = &json[at..];
    let v = rest.find("\"values\"").expect("values");
    let open = rest[v..].find('[').expect("[") + v + 1;
    let close = rest[open..].find(']').expect("]") + open;
    rest[open..close]
        .split(',')
        .map(|x| x.trim().parse::<f32>().expect("number"))
        .collect()
}

fn json_usize(json: &str, entry: &str, field: &str) -> Option<usize> {
    let at = json.find(&format!("\"{entry}\""))?;
    let rest = &json[at..];
    let f = rest.find(&format!("\"{field}\""))? + field.len() + 2;
    let digits: String = rest[f..]
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

#[test]
fn blocking_commands_refused_in_multi_and_lua() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    assert!(store_model(&mut c, "m", "TORCH", "pt-minimal.pt", &[]).is_ok());
    ok(&mut c, &["AI.TENSORSET", "a", "FLOAT", "1", "VALUES", "1"]);
    ok(&mut c, &["MULTI"]);
    assert_eq!(
        c.cmd(&[
            "AI.MODELEXECUTE",
            "m",
            "INPUTS",
            "2",
            "a",
            "a",
            "OUTPUTS",
            "1",
            "c"
        ])
        .expect("reply"),
        Reply::Status("QUEUED".into())
    );
    let exec = c.cmd(&["EXEC"]).expect("reply");
    assert_eq!(
        exec.array()[0].err(),
        "ERR Cannot run RedisAI command within a transaction or a LUA script"
    );
    let lua = c
        .cmd(&[
            "EVAL",
            "return redis.pcall('AI.MODELEXECUTE', 'm', 'INPUTS', 2, 'a', 'a', 'OUTPUTS', 1, 'c')",
            "0",
        ])
        .expect("reply");
    assert_eq!(
        lua.err(),
        "ERR Cannot run RedisAI command within a transaction or a LUA script"
    );
    // getkeys-api reports the model, the inputs and the outputs.
    let keys = c
        .cmd(&[
            "COMMAND",
            "GETKEYS",
            "AI.MODELEXECUTE",
            "m",
            "INPUTS",
            "2",
            "a",
            "b",
            "OUTPUTS",
            "1",
            "c",
            "TIMEOUT",
            "5",
        ])
        .expect("reply");
    let keys: Vec<&[u8]> = keys.array().iter().map(|k| k.bulk()).collect();
    assert_eq!(keys, vec![&b"m"[..], b"a", b"b", b"c"]);
    let keys = c
        .cmd(&[
            "COMMAND",
            "GETKEYS",
            "AI.MODELRUN",
            "m",
            "TIMEOUT",
            "5",
            "INPUTS",
            "a",
            "b",
            "OUTPUTS",
            "c",
        ])
        .expect("reply");
    let keys: Vec<&[u8]> = keys.array().iter().map(|k| k.bulk()).collect();
    assert_eq!(keys, vec![&b"m"[..], b"a", b"b", b"c"]);
}

#[test]
fn inline_runs_give_the_same_results() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    assert_eq!(
        c.cmd(&["AI.CONFIG", "GET", "INLINE_RUN_THRESHOLD"])
            .expect("reply"),
        Reply::Int(100)
    );
    // Everything counts as fast: after 8 runs in the background, the model
    // runs on the main thread, with the same outputs and statistics.
    ok(&mut c, &["AI.CONFIG", "INLINE_RUN_THRESHOLD", "10000000"]);
    assert!(store_model(&mut c, "m", "TORCH", "pt-minimal.pt", &[]).is_ok());
    ok(
        &mut c,
        &["AI.TENSORSET", "a", "FLOAT", "2", "VALUES", "1", "2"],
    );
    for i in 0..20 {
        let out = format!("o{i}");
        ok(
            &mut c,
            &[
                "AI.MODELEXECUTE",
                "m",
                "INPUTS",
                "2",
                "a",
                "a",
                "OUTPUTS",
                "1",
                &out,
            ],
        );
        assert_eq!(floats(&mut c, &out), vec![2.0, 4.0]);
    }
    // A larger input than any fast run saw goes back to the queue; errors
    // still reply and count.
    ok(
        &mut c,
        &[
            "AI.TENSORSET",
            "big",
            "FLOAT",
            "4",
            "VALUES",
            "1",
            "2",
            "3",
            "4",
        ],
    );
    ok(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "m",
            "INPUTS",
            "2",
            "big",
            "big",
            "OUTPUTS",
            "1",
            "ob",
        ],
    );
    assert_eq!(floats(&mut c, "ob"), vec![2.0, 4.0, 6.0, 8.0]);
    let e = err(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "m",
            "INPUTS",
            "2",
            "a",
            "big",
            "OUTPUTS",
            "1",
            "x",
        ],
    );
    assert!(e.contains("size of tensor"), "{e}");
    let info = c.cmd(&["AI.INFO", "m"]).expect("reply");
    assert_eq!((info.array()[15].int(), info.array()[17].int()), (22, 1));
    assert_eq!(
        err(&mut c, &["AI.CONFIG", "INLINE_RUN_THRESHOLD", "-1"]),
        "ERR INLINE_RUN_THRESHOLD: invalid value"
    );
}

#[test]
fn statistics_follow_the_key_not_the_name() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    ok(&mut c, &["AI.TENSORSET", "a", "FLOAT", "1", "VALUES", "1"]);
    assert!(store_model(&mut c, "m", "TORCH", "pt-minimal.pt", &[]).is_ok());
    ok(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "m",
            "INPUTS",
            "2",
            "a",
            "a",
            "OUTPUTS",
            "1",
            "o",
        ],
    );
    // The same name in db 1 is another model with its own statistics.
    ok(&mut c, &["SELECT", "1"]);
    assert!(store_model(&mut c, "m", "TORCH", "pt-minimal.pt", &[]).is_ok());
    assert_eq!(
        c.cmd(&["AI.INFO", "m"]).expect("reply").array()[15].int(),
        0
    );
    ok(&mut c, &["SELECT", "0"]);
    assert_eq!(
        c.cmd(&["AI.INFO", "m"]).expect("reply").array()[15].int(),
        1
    );
    // RENAME carries them (Decision 4); COPY starts a fresh count.
    ok(&mut c, &["RENAME", "m", "n"]);
    assert_eq!(
        err(&mut c, &["AI.INFO", "m"]),
        "ERR cannot find run info for key"
    );
    let info = c.cmd(&["AI.INFO", "n"]).expect("reply");
    assert_eq!(
        (info.array()[1].bulk(), info.array()[15].int()),
        (&b"n"[..], 1)
    );
    assert_eq!(c.cmd(&["COPY", "n", "n2"]).expect("reply").int(), 1);
    assert_eq!(
        c.cmd(&["AI.INFO", "n2"]).expect("reply").array()[15].int(),
        0
    );
    ok(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "n2",
            "INPUTS",
            "2",
            "a",
            "a",
            "OUTPUTS",
            "1",
            "o",
        ],
    );
    assert_eq!(floats(&mut c, "o"), vec![2.0]);
}

#[test]
fn info_reports_queue_threads() {
    let s = Server::with(&["THREADS_PER_QUEUE", "2"], &[]);
    let cpu = |s: &Server, f: &str| s.info_field("ai_cpu", f);
    assert!(cpu(&s, "ai_queue_CPU_bthread_n1_used_cpu_total").is_some());
    assert!(cpu(&s, "ai_queue_CPU_bthread_n2_used_cpu_total").is_some());
    assert!(cpu(&s, "ai_queue_CPU_bthread_n3_used_cpu_total").is_none());
    let test = test_name!();
    if available(&["torch"], &format!("{test} (a TORCH model on CPU:1)")) {
        let mut c = s.conn();
        let mut a = args(&["AI.MODELSTORE", "m", "TORCH", "cpu:1", "BLOB"]);
        a.push(fixture("pt-minimal.pt"));
        assert!(c.cmd(&a).expect("reply").is_ok());
        assert!(cpu(&s, "ai_queue_CPU:1_bthread_n2_used_cpu_total").is_some());
    }
    if available(&["onnx"], &format!("{test} (ONNX run sessions)")) {
        assert_eq!(
            s.info_field(
                "ai_backends_info",
                "ai_onnxruntime_maximum_run_sessions_number"
            )
            .as_deref(),
            Some(if has_feature("torch") { "4" } else { "2" })
        );
    }
}
