//! Module-wide behaviour: load-time arguments, AI.CONFIG, INFO MODULES and
//! the module version.

mod common;

use common::{has_feature, Reply, Server};

fn err(c: &mut common::Conn, args: &[&str]) -> String {
    c.cmd(args).expect("reply").err().to_string()
}

#[test]
fn ai_config_subcommands_and_errors() {
    let s = Server::start();
    let mut c = s.conn();
    let arity = "ERR wrong number of arguments for 'AI.CONFIG' command";
    assert_eq!(err(&mut c, &["AI.CONFIG"]), arity);
    assert_eq!(err(&mut c, &["AI.CONFIG", "GET"]), arity);
    assert_eq!(err(&mut c, &["AI.CONFIG", "LOADBACKEND", "TORCH"]), arity);
    assert_eq!(
        err(&mut c, &["AI.CONFIG", "NOPE"]),
        "ERR unsupported subcommand"
    );
    assert_eq!(
        err(&mut c, &["AI.CONFIG", "BACKENDSPATH"]),
        "ERR BACKENDSPATH: missing path argument"
    );
    assert_eq!(
        err(&mut c, &["AI.CONFIG", "MODEL_CHUNK_SIZE"]),
        "ERR MODEL_CHUNK_SIZE: missing chunk size"
    );
    for bad in ["0", "-1", "x", "1.5"] {
        assert_eq!(
            err(&mut c, &["AI.CONFIG", "MODEL_CHUNK_SIZE", bad]),
            "ERR MODEL_CHUNK_SIZE: invalid chunk size"
        );
    }
    assert_eq!(
        err(&mut c, &["AI.CONFIG", "LOADBACKEND", "PYTORCH", "x.so"]),
        "ERR unsupported backend"
    );
    for (name, present) in [
        ("TORCH", has_feature("torch")),
        ("onnx", has_feature("onnx")),
        ("TF", has_feature("tf")),
        ("tflite", has_feature("tflite")),
    ] {
        let r = c
            .cmd(&["AI.CONFIG", "LOADBACKEND", name, "redisai_x/redisai_x.so"])
            .expect("reply");
        if present {
            assert!(r.is_ok(), "{name}: {r:?}");
        } else {
            assert_eq!(r.err(), "ERR error loading backend");
        }
    }

    assert_eq!(
        c.cmd(&["AI.CONFIG", "GET", "MODEL_CHUNK_SIZE"])
            .expect("reply"),
        Reply::Int(511 * 1024 * 1024)
    );
    assert!(c
        .cmd(&["AI.CONFIG", "MODEL_CHUNK_SIZE", "450"])
        .expect("reply")
        .is_ok());
    assert_eq!(
        c.cmd(&["ai.config", "get", "model_chunk_size"])
            .expect("reply"),
        Reply::Int(450)
    );
    let default_path = c
        .cmd(&["AI.CONFIG", "GET", "BACKENDSPATH"])
        .expect("reply")
        .text();
    assert!(default_path.ends_with("/backends"), "{default_path}");
    assert!(c
        .cmd(&["AI.CONFIG", "BACKENDSPATH", "/opt/anything"])
        .expect("reply")
        .is_ok());
    assert_eq!(
        c.cmd(&["AI.CONFIG", "GET", "BACKENDSPATH"]).expect("reply"),
        Reply::Bulk(b"/opt/anything".to_vec())
    );
    assert_eq!(
        c.cmd(&["AI.CONFIG", "GET", "NOPE"]).expect("reply"),
        Reply::Nil
    );
    // Extra arguments are ignored.
    assert!(c
        .cmd(&["AI.CONFIG", "MODEL_CHUNK_SIZE", "451", "extra"])
        .expect("reply")
        .is_ok());
}

/// Every RedisAI 1.2.7 command is registered with arity -1, as RedisAI's
/// were, and answers a bad argument count with the spec's text (§1.0,
/// §1.2, §1.4), upper case, from the module, not from Redis.
#[test]
fn argument_counts_get_the_module_texts() {
    let s = Server::start();
    let mut c = s.conn();
    let wrong = |cmd: &str| format!("ERR wrong number of arguments for '{cmd}' command");
    let missing = |cmd: &str| format!("ERR missing arguments for '{cmd}' command");
    let cases: &[(&[&str], String)] = &[
        (&["AI.TENSORSET"], wrong("AI.TENSORSET")),
        (&["AI.TENSORSET", "t", "FLOAT"], wrong("AI.TENSORSET")),
        (&["AI.TENSORGET"], wrong("AI.TENSORGET")),
        (
            &["AI.TENSORGET", "t", "META", "BLOB", "x"],
            wrong("AI.TENSORGET"),
        ),
        (&["AI.MODELSTORE"], wrong("AI.MODELSTORE")),
        (
            &["AI.MODELSTORE", "m", "TORCH", "CPU", "BLOB"],
            wrong("AI.MODELSTORE"),
        ),
        (&["AI.MODELSET"], wrong("AI.MODELSET")),
        (&["AI.MODELGET"], wrong("AI.MODELGET")),
        (
            &["AI.MODELGET", "m", "META", "BLOB", "x"],
            wrong("AI.MODELGET"),
        ),
        (&["AI.MODELDEL"], wrong("AI.MODELDEL")),
        (&["AI.MODELDEL", "m", "x"], wrong("AI.MODELDEL")),
        (&["AI.MODELEXECUTE"], wrong("AI.MODELEXECUTE")),
        (
            &["AI.MODELEXECUTE", "m", "INPUTS", "1", "a", "OUTPUTS", "1"],
            wrong("AI.MODELEXECUTE"),
        ),
        (&["AI.MODELRUN"], wrong("AI.MODELRUN")),
        (
            &["AI.MODELRUN", "m", "INPUTS", "a", "OUTPUTS"],
            wrong("AI.MODELRUN"),
        ),
        (&["AI.DAGEXECUTE"], missing("AI.DAGEXECUTE")),
        (&["AI.DAGEXECUTE_RO"], missing("AI.DAGEXECUTE_RO")),
        (&["AI.DAGRUN"], wrong("AI.DAGRUN")),
        (&["AI.DAGRUN_RO"], wrong("AI.DAGRUN_RO")),
        (&["AI._MODELSCAN", "x"], wrong("AI._MODELSCAN")),
        (&["AI.INFO"], wrong("AI.INFO")),
        (&["AI.INFO", "m", "RESETSTAT", "x"], wrong("AI.INFO")),
        (&["AI.CONFIG"], wrong("AI.CONFIG")),
    ];
    for (a, want) in cases {
        assert_eq!(err(&mut c, a), *want, "{a:?}");
    }
    for (a, _) in cases {
        let info = c.cmd(&["COMMAND", "INFO", a[0]]).expect("reply");
        assert_eq!(info.array()[0].array()[1], Reply::Int(-1), "{}", a[0]);
    }
}

#[test]
fn load_time_arguments_apply() {
    let s = Server::with(
        &[
            "THREADS_PER_QUEUE",
            "4",
            "INTRA_OP_PARALLELISM",
            "2",
            "INTER_OP_PARALLELISM",
            "3",
            "MODEL_CHUNK_SIZE",
            "1024",
            "MODEL_EXECUTION_TIMEOUT",
            "2000",
            "BACKEND_MEMORY_LIMIT",
            "100",
            "backendspath",
            "/tmp/b",
        ],
        &[],
    );
    let f = |k: &str| s.info_field("modules", k);
    assert_eq!(f("ai_threads_per_queue").as_deref(), Some("4"));
    assert_eq!(f("ai_intra_op_parallelism").as_deref(), Some("2"));
    assert_eq!(f("ai_inter_op_parallelism").as_deref(), Some("3"));
    assert_eq!(f("ai_model_execution_timeout").as_deref(), Some("2000"));
    assert_eq!(f("ai_backend_memory_limit").as_deref(), Some("100"));
    let mut c = s.conn();
    assert_eq!(
        c.cmd(&["AI.CONFIG", "GET", "MODEL_CHUNK_SIZE"])
            .expect("reply"),
        Reply::Int(1024)
    );
    assert_eq!(
        c.cmd(&["AI.CONFIG", "GET", "BACKENDSPATH"]).expect("reply"),
        Reply::Bulk(b"/tmp/b".to_vec())
    );
    let log = s.log();
    assert!(
        log.contains("Setting THREADS_PER_QUEUE parameter to 4"),
        "{log}"
    );
    // BACKENDSPATH is applied first even though it came last.
    let first = log.find("Setting BACKENDSPATH").expect("logged");
    assert!(first < log.find("Setting THREADS_PER_QUEUE").expect("logged"));
}

#[test]
fn bad_load_arguments_fail_the_load_with_a_log_line() {
    for (args, line) in [
        (
            vec!["THREADS_PER_QUEUE", "0"],
            "ERR error processing argument: THREADS_PER_QUEUE 0",
        ),
        (
            vec!["MODEL_EXECUTION_TIMEOUT", "10"],
            "ERR error processing argument: MODEL_EXECUTION_TIMEOUT 10",
        ),
        (
            vec!["NO_SUCH_KEY", "1"],
            "ERR error processing argument: NO_SUCH_KEY 1",
        ),
        (
            vec!["INTRA_OP_PARALLELISM", "abc"],
            "ERR error processing argument: INTRA_OP_PARALLELISM abc",
        ),
        (
            vec!["THREADS_PER_QUEUE"],
            "ERR module arguments must come in KEY VALUE pairs",
        ),
    ] {
        let e = match Server::try_with(&args, &[]) {
            Ok(_) => panic!("{args:?} should fail the load"),
            Err(e) => e,
        };
        assert!(e.contains(line), "{args:?}: {e}");
    }
    // MODULE LOAD at run time fails the same way, and the server carries on.
    let s = Server::start();
    let mut c = s.conn();
    let path = common::module_path().to_string_lossy().into_owned();
    let r = c
        .cmd(&["MODULE", "LOAD", &path, "THREADS_PER_QUEUE", "-3"])
        .expect("reply");
    assert!(r.is_error(), "{r:?}");
    assert!(s.alive());
}

#[test]
fn info_modules_sections_in_redisai_order() {
    let s = Server::start();
    let mut c = s.conn();
    let info = c.cmd(&["INFO", "MODULES"]).expect("reply").text();
    let headers: Vec<&str> = info.lines().filter(|l| l.starts_with("# ai_")).collect();
    assert_eq!(
        headers,
        [
            "# ai_versions",
            "# ai_git",
            "# ai_load_time_configs",
            "# ai_backends_info",
            "# ai_cpu",
            // redisai-rs's own, after RedisAI's.
            "# ai_vectors",
            "# ai_search"
        ]
    );
    let section = |name: &str| -> Vec<String> {
        let start = info.find(&format!("# {name}")).expect("section");
        info[start..]
            .lines()
            .skip(1)
            .take_while(|l| !l.starts_with('#'))
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.split(':').next().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(
        section("ai_versions"),
        [
            "ai_RedisAI_version",
            "ai_low_level_API_version",
            "ai_rdb_version"
        ]
    );
    assert_eq!(section("ai_git"), ["ai_git_sha"]);
    assert_eq!(
        section("ai_load_time_configs"),
        [
            "ai_threads_per_queue",
            "ai_inter_op_parallelism",
            "ai_intra_op_parallelism",
            "ai_model_execution_timeout",
            "ai_backend_memory_limit"
        ]
    );
    let backends = section("ai_backends_info");
    assert_eq!(
        backends.contains(&"ai_Torch_version".to_string()),
        has_feature("torch"),
        "{backends:?}"
    );
    assert_eq!(
        backends.contains(&"ai_onnxruntime_version".to_string()),
        has_feature("onnx"),
        "{backends:?}"
    );
    // What the build contains, last in the section (after the fields that
    // clients read by position).
    assert_eq!(
        backends.last().map(String::as_str),
        Some("ai_backends_compiled"),
        "{backends:?}"
    );
    let compiled = ["tf", "tflite", "torch", "onnx"]
        .into_iter()
        .filter(|f| has_feature(f))
        .collect::<Vec<_>>()
        .join(",");
    assert_eq!(
        s.info_field("modules", "ai_backends_compiled").as_deref(),
        Some(compiled.as_str())
    );
    if has_feature("torch") {
        assert_eq!(
            s.info_field("modules", "ai_Torch_version").as_deref(),
            Some("2.13.0")
        );
    }
    if has_feature("onnx") {
        assert_eq!(
            s.info_field("modules", "ai_onnxruntime_version").as_deref(),
            Some("1.31.1")
        );
    }
    // TF and TFLITE load lazily, as RedisAI's backends did: absent from the
    // section until the first model of theirs.
    for (feature, field, backend, file, extra, version) in [
        (
            "tf",
            "ai_TensorFlow_version",
            "TF",
            "tf-graph.pb",
            &["INPUTS", "2", "a", "b", "OUTPUTS", "1", "mul"][..],
            "2.21.0",
        ),
        (
            "tflite",
            "ai_TensorFlowLite_version",
            "TFLITE",
            "tflite-graph.tflite",
            &[][..],
            "2.1.4",
        ),
    ] {
        assert_eq!(
            s.info_field("modules", field),
            None,
            "{field} before a model"
        );
        if has_feature(feature) {
            let mut c = s.conn();
            let r = common::store_model(&mut c, "m", backend, file, extra);
            assert!(r.is_ok(), "{backend}: {r:?}");
            assert_eq!(s.info_field("modules", field).as_deref(), Some(version));
        }
    }
    let cpu = section("ai_cpu");
    assert_eq!(cpu[0], "ai_self_used_cpu_sys");
    assert!(cpu.contains(&"ai_main_thread_used_cpu_user".to_string()));
    assert_eq!(
        s.info_field("modules", "ai_rdb_version").as_deref(),
        Some("4")
    );

    // MODULE LIST: name `ai`, version major*10000 + minor*100 + patch.
    let list = c.cmd(&["MODULE", "LIST"]).expect("reply");
    let m = list.array()[0].array();
    assert_eq!(m[1], Reply::Bulk(b"ai".to_vec()));
    let v = env!("CARGO_PKG_VERSION")
        .split('.')
        .map(|p| p.parse::<i64>().expect("num"))
        .collect::<Vec<_>>();
    assert_eq!(m[3], Reply::Int(v[0] * 10000 + v[1] * 100 + v[2]));
}

#[test]
fn ft_compat_no_leaves_ft_commands_out() {
    let on = Server::start();
    let r = on.conn().cmd(&["FT._LIST"]).expect("reply");
    assert!(!r.is_error(), "{r:?}");
    let off = Server::with(&["FT_COMPAT", "no"], &[]);
    let r = off.conn().cmd(&["FT._LIST"]).expect("reply");
    assert!(r.is_error() && r.err().contains("unknown command"), "{r:?}");
    // The AI.* commands are there either way.
    let r = off.conn().cmd(&["AI.VCARD", "nothing"]).expect("reply");
    assert_eq!(r, common::Reply::Int(0));
    assert!(off.log().contains("FT_COMPAT no"), "{}", off.log());
    let e = match Server::try_with(&["FT_COMPAT", "maybe"], &[]) {
        Ok(_) => panic!("FT_COMPAT maybe should fail the load"),
        Err(e) => e,
    };
    assert!(e.contains("FT_COMPAT"), "{e}");
}
