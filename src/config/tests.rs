use super::*;

fn apply(args: &[&str]) -> Result<(Config, Vec<String>), String> {
    let raw: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    apply_load_args(Config::new(), &raw)
}

#[test]
fn arguments_apply_in_pairs_with_backendspath_first() {
    let (cfg, log) = apply(&[
        "threads_per_queue",
        "4",
        "BACKENDSPATH",
        "/opt/b",
        "MODEL_CHUNK_SIZE",
        "450",
        "MODEL_EXECUTION_TIMEOUT",
        "1000",
    ])
    .expect("valid");
    assert_eq!(cfg.threads_per_queue, 4);
    assert_eq!(cfg.backends_path, "/opt/b");
    assert_eq!(cfg.model_chunk_size, 450);
    assert_eq!(log[0], "Setting BACKENDSPATH parameter to /opt/b");
    assert_eq!(log[1], "Setting THREADS_PER_QUEUE parameter to 4");
}

#[test]
fn bad_arguments_fail_with_the_pair() {
    for (args, want) in [
        (
            vec!["THREADS_PER_QUEUE"],
            "ERR module arguments must come in KEY VALUE pairs",
        ),
        (
            vec!["THREADS_PER_QUEUE", "0"],
            "ERR error processing argument: THREADS_PER_QUEUE 0",
        ),
        (
            vec!["INTRA_OP_PARALLELISM", "0"],
            "ERR error processing argument: INTRA_OP_PARALLELISM 0",
        ),
        (
            vec!["MODEL_EXECUTION_TIMEOUT", "999"],
            "ERR error processing argument: MODEL_EXECUTION_TIMEOUT 999",
        ),
        (
            vec!["MODEL_CHUNK_SIZE", "x"],
            "ERR error processing argument: MODEL_CHUNK_SIZE x",
        ),
        (
            vec!["BACKEND_MEMORY_LIMIT", "-1"],
            "ERR error processing argument: BACKEND_MEMORY_LIMIT -1",
        ),
        (vec!["NOPE", "1"], "ERR error processing argument: NOPE 1"),
    ] {
        assert_eq!(apply(&args).expect_err("invalid"), want, "{args:?}");
    }
    let tf = apply(&["TF", "redisai_tensorflow.so"]).expect_err("TF is not compiled in");
    assert!(
        tf.starts_with("ERR error processing argument: TF redisai_tensorflow.so"),
        "{tf}"
    );
}

#[test]
fn onnx_argument_names_a_runtime_library_only() {
    if cfg!(feature = "onnx") {
        let (cfg, _) =
            apply(&["BACKENDSPATH", "/b", "ONNX", "lib/libonnxruntime.so.1.31.1"]).expect("ok");
        assert_eq!(
            cfg.onnx_library.as_deref(),
            Some("/b/lib/libonnxruntime.so.1.31.1")
        );
        let (cfg, _) = apply(&["ONNX", "redisai_onnxruntime/redisai_onnxruntime.so"]).expect("ok");
        assert_eq!(cfg.onnx_library, None);
    }
}
