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
    // A backend argument fails the load only when the backend is not built in.
    for (name, built) in [
        ("TF", cfg!(feature = "tf")),
        ("TFLITE", cfg!(feature = "tflite")),
    ] {
        let r = apply(&[name, "redisai_x.so"]);
        if built {
            assert!(r.is_ok(), "{name}: {r:?}");
        } else {
            let e = r.expect_err("not compiled in");
            assert!(
                e.starts_with(&format!(
                    "ERR error processing argument: {name} redisai_x.so"
                )),
                "{e}"
            );
        }
    }
}

#[test]
fn backend_arguments_name_their_runtime_libraries() {
    use crate::backends::BackendKind;
    for (kind, yes, no) in [
        (
            BackendKind::Tf,
            "/x/libtensorflow_cc.so.2",
            "redisai_tensorflow.so",
        ),
        (
            BackendKind::Tflite,
            "lib/libLiteRt.so",
            "redisai_tflite/redisai_tflite.so",
        ),
        (
            BackendKind::Onnx,
            "libonnxruntime.so.1.31.1",
            "libtensorflow_cc.so.2",
        ),
    ] {
        assert!(names_runtime(kind, yes), "{yes}");
        assert!(!names_runtime(kind, no), "{no}");
    }
    assert!(!names_runtime(BackendKind::Torch, "libtorch_cpu.so"));
    if cfg!(feature = "tf") {
        let (cfg, _) = apply(&["BACKENDSPATH", "/b", "TF", "libtensorflow_cc.so.2"]).expect("ok");
        assert_eq!(
            cfg.library(BackendKind::Tf).as_deref(),
            Some("/b/libtensorflow_cc.so.2")
        );
        assert_eq!(cfg.library(BackendKind::Tflite), None);
    }
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

/// Each `ai.*` numeric config has its module argument's bounds, and reads
/// and writes the field the argument sets.
#[test]
fn module_configs_have_the_arguments_bounds() {
    use super::settings::{Kind, SETTINGS};
    let mut numbers = 0;
    for s in SETTINGS {
        let Kind::Number { min, get, set, .. } = s.kind else {
            continue;
        };
        numbers += 1;
        let key = s.name.to_ascii_uppercase();
        let lowest = min.to_string();
        let (cfg, _) = apply(&[&key, &lowest]).unwrap_or_else(|e| panic!("{key} {min}: {e}"));
        assert_eq!(get(&cfg), min, "{key}");
        let below = (min - 1).to_string();
        assert!(apply(&[&key, &below]).is_err(), "{key} {below} accepted");
        let mut by_config = Config::new();
        set(&mut by_config, min);
        assert_eq!(by_config, cfg, "{key}: the config and the argument differ");
    }
    assert_eq!(numbers, 7);
}

#[test]
fn module_config_library_paths() {
    use super::settings::{Kind, SETTINGS};
    let lib = |name: &str| {
        SETTINGS
            .iter()
            .find(|s| s.name == name)
            .and_then(|s| match s.kind {
                Kind::Text { get, set } => Some((get, set)),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no text setting {name}"))
    };
    let (get_path, set_path) = lib("backendspath");
    let (get_onnx, set_onnx) = lib("onnx");
    let mut cfg = Config::new();
    set_path(&mut cfg, "/opt/b/").expect("path");
    assert_eq!(get_path(&cfg), "/opt/b/");
    if BackendKind::Onnx.compiled_in() {
        set_onnx(&mut cfg, "lib/libonnxruntime.so.1").expect("relative");
        assert_eq!(get_onnx(&cfg), "/opt/b/lib/libonnxruntime.so.1");
        assert_eq!(
            cfg.onnx_library.as_deref(),
            Some("/opt/b/lib/libonnxruntime.so.1")
        );
        let e = set_onnx(&mut cfg, "redisai_onnxruntime/redisai_onnxruntime.so")
            .expect_err("a wrapper path");
        assert!(e.reply_text().contains("libonnxruntime.so*"), "{e}");
        assert_eq!(get_onnx(&cfg), "/opt/b/lib/libonnxruntime.so.1");
    }
    set_onnx(&mut cfg, "").expect("empty");
    assert_eq!(cfg.onnx_library, None);
    let (_, set_tf) = lib("tf");
    assert!(set_tf(&mut cfg, "/opt/libonnxruntime.so.1").is_err());
}
