//! Redis 7 module configs: every load-time setting is `ai.<name>` in
//! CONFIG GET / CONFIG SET / redis.conf / CONFIG REWRITE, next to the module
//! arguments and AI.CONFIG, with one value behind all of them.

mod common;

use std::collections::BTreeMap;

use common::{module_path, Conn, Reply, Server};

/// Every setting and its built-in default (BACKENDSPATH aside: it depends
/// on where the module lies).
const DEFAULTS: &[(&str, &str)] = &[
    ("ai.threads_per_queue", "1"),
    ("ai.intra_op_parallelism", "0"),
    ("ai.inter_op_parallelism", "0"),
    ("ai.model_chunk_size", "535822336"),
    ("ai.model_execution_timeout", "5000"),
    ("ai.backend_memory_limit", "0"),
    ("ai.inline_run_threshold", "100"),
    ("ai.onnx", ""),
    ("ai.tf", ""),
    ("ai.tflite", ""),
    ("ai.ft_compat", "yes"),
];

const IMMUTABLE: &[(&str, &str)] = &[
    ("ai.threads_per_queue", "4"),
    ("ai.intra_op_parallelism", "2"),
    ("ai.inter_op_parallelism", "2"),
    ("ai.model_execution_timeout", "2000"),
    ("ai.backend_memory_limit", "100"),
    ("ai.onnx", "/opt/libonnxruntime.so.1"),
    ("ai.tf", "/opt/libtensorflow_cc.so.2"),
    ("ai.tflite", "/opt/libLiteRt.so"),
    ("ai.ft_compat", "no"),
];

/// `CONFIG GET <pattern>` as a name → value map (RESP2 flat array).
fn config_get(c: &mut Conn, pattern: &str) -> BTreeMap<String, String> {
    let r = c.cmd(&["CONFIG", "GET", pattern]).expect("reply");
    assert!(!r.is_error(), "CONFIG GET {pattern}: {r:?}");
    r.array()
        .chunks_exact(2)
        .map(|p| (p[0].text(), p[1].text()))
        .collect()
}

fn one(c: &mut Conn, name: &str) -> String {
    config_get(c, name)
        .remove(name)
        .unwrap_or_else(|| panic!("CONFIG GET {name} lists nothing"))
}

fn config_set(c: &mut Conn, name: &str, value: &str) -> Reply {
    c.cmd(&["CONFIG", "SET", name, value]).expect("reply")
}

fn ai_config_get(c: &mut Conn, name: &str) -> Reply {
    c.cmd(&["AI.CONFIG", "GET", name]).expect("reply")
}

fn default_backends_path() -> String {
    let module = std::fs::canonicalize(module_path()).expect("module path");
    let dir = module.parent().expect("module dir");
    dir.join("backends").to_string_lossy().into_owned()
}

/// A redis.conf that loads the module with `args`, then `lines`.
fn conf(args: &str, lines: &[&str]) -> String {
    let mut text = format!("loadmodule {} {args}\n", module_path().display());
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    text
}

#[test]
fn config_get_lists_every_setting_with_its_default() {
    let s = Server::start();
    let mut c = s.conn();
    let all = config_get(&mut c, "ai.*");
    let mut want: BTreeMap<String, String> = DEFAULTS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    want.insert("ai.backendspath".into(), default_backends_path());
    assert_eq!(all, want);
    // The same values through AI.CONFIG GET and INFO MODULES.
    assert_eq!(
        ai_config_get(&mut c, "BACKENDSPATH").text(),
        default_backends_path()
    );
    assert_eq!(ai_config_get(&mut c, "MODEL_CHUNK_SIZE").int(), 535822336);
    assert_eq!(ai_config_get(&mut c, "INLINE_RUN_THRESHOLD").int(), 100);
    assert_eq!(s.module_int("ai_threads_per_queue"), 1);
    assert_eq!(s.module_int("ai_model_execution_timeout"), 5000);
    assert_eq!(s.module_int("ai_intra_op_parallelism"), 0);
    assert_eq!(s.module_int("ai_backend_memory_limit"), 0);
}

#[test]
fn config_set_of_a_runtime_setting_changes_ai_config_and_behaviour() {
    let s = Server::start();
    let mut c = s.conn();
    // CONFIG SET → AI.CONFIG GET, and AI.CONFIG → CONFIG GET: one value.
    assert!(config_set(&mut c, "ai.model_chunk_size", "100").is_ok());
    assert_eq!(ai_config_get(&mut c, "MODEL_CHUNK_SIZE").int(), 100);
    common::ok(&mut c, &["AI.CONFIG", "MODEL_CHUNK_SIZE", "450"]);
    assert_eq!(one(&mut c, "ai.model_chunk_size"), "450");
    assert!(config_set(&mut c, "ai.backendspath", "/opt/redisai/backends").is_ok());
    assert_eq!(
        ai_config_get(&mut c, "BACKENDSPATH").text(),
        "/opt/redisai/backends"
    );
    common::ok(&mut c, &["AI.CONFIG", "BACKENDSPATH", "/srv/b"]);
    assert_eq!(one(&mut c, "ai.backendspath"), "/srv/b");
    assert!(config_set(&mut c, "ai.inline_run_threshold", "0").is_ok());
    assert_eq!(ai_config_get(&mut c, "INLINE_RUN_THRESHOLD").int(), 0);

    // Behaviour: AI.MODELGET BLOB comes back in chunks of the new size.
    if !common::available(&["onnx"], test_name!()) {
        return;
    }
    let blob = common::fixture("onnx-square.onnx");
    let r = common::store_model(&mut c, "m", "ONNX", "onnx-square.onnx", &[]);
    assert!(r.is_ok(), "{r:?}");
    assert!(config_set(&mut c, "ai.model_chunk_size", "64").is_ok());
    let r = c.cmd(&["AI.MODELGET", "m", "BLOB"]).expect("reply");
    let chunks = r.array();
    assert_eq!(
        chunks.len(),
        blob.len().div_ceil(64),
        "{} bytes",
        blob.len()
    );
    assert!(chunks.iter().all(|p| p.bulk().len() <= 64));
    assert_eq!(chunks.concat_bytes(), blob);
    assert!(config_set(&mut c, "ai.model_chunk_size", "1000000").is_ok());
    let r = c.cmd(&["AI.MODELGET", "m", "BLOB"]).expect("reply");
    assert_eq!(r.bulk(), blob.as_slice());
}

trait Concat {
    fn concat_bytes(&self) -> Vec<u8>;
}

impl Concat for [Reply] {
    fn concat_bytes(&self) -> Vec<u8> {
        self.iter().flat_map(|p| p.bulk().to_vec()).collect()
    }
}

#[test]
fn config_set_of_a_load_time_setting_is_refused() {
    let s = Server::start();
    let mut c = s.conn();
    let before = config_get(&mut c, "ai.*");
    for (name, value) in IMMUTABLE {
        let r = config_set(&mut c, name, value);
        assert!(r.is_error(), "CONFIG SET {name} {value}: {r:?}");
        assert!(
            r.err().contains("can't set immutable config"),
            "{name}: {r:?}"
        );
    }
    assert_eq!(config_get(&mut c, "ai.*"), before);
    assert_eq!(s.module_int("ai_threads_per_queue"), 1);
}

#[test]
fn out_of_range_values_are_refused() {
    let s = Server::start();
    let mut c = s.conn();
    for (name, value) in [
        ("ai.model_chunk_size", "0"),
        ("ai.model_chunk_size", "-5"),
        ("ai.model_chunk_size", "12abc"),
        ("ai.inline_run_threshold", "-1"),
        ("ai.inline_run_threshold", "9223372036854775808"),
    ] {
        let r = config_set(&mut c, name, value);
        assert!(r.is_error(), "CONFIG SET {name} {value}: {r:?}");
    }
    let r = config_set(&mut c, "ai.model_chunk_size", "0");
    assert!(r.err().contains("argument must be between 1 and"), "{r:?}");
    assert_eq!(one(&mut c, "ai.model_chunk_size"), "535822336");
    assert_eq!(one(&mut c, "ai.inline_run_threshold"), "100");

    // At start, a bad ai.* line fails the load as a bad argument does, with
    // the module argument's bounds.
    for (name, value) in [
        ("--ai.model_execution_timeout", "999"),
        ("--ai.threads_per_queue", "0"),
        ("--ai.intra_op_parallelism", "0"),
        ("--ai.backend_memory_limit", "0"),
        ("--ai.model_chunk_size", "0"),
        (
            "--ai.onnx",
            "/opt/redisai_onnxruntime/redisai_onnxruntime.so",
        ),
        ("--ai.tf", "libtorch.so"),
    ] {
        match Server::try_with(&[], &[name, value]) {
            Ok(_) => panic!("{name} {value} was accepted at start"),
            Err(log) => assert!(log.contains(&name[2..]), "{name} {value}: {log}"),
        }
    }
}

#[test]
fn redis_conf_lines_are_applied_at_start() {
    let s = Server::from_conf(&conf(
        "",
        &[
            "ai.model_execution_timeout 2000",
            "ai.threads_per_queue 3",
            "ai.inline_run_threshold 0",
            "ai.backendspath /opt/b",
        ],
    ))
    .expect("server");
    let mut c = s.conn();
    assert_eq!(one(&mut c, "ai.model_execution_timeout"), "2000");
    assert_eq!(s.module_int("ai_model_execution_timeout"), 2000);
    assert_eq!(s.module_int("ai_threads_per_queue"), 3);
    // Behaviour: the CPU queue started 3 workers.
    let cpu = c.cmd(&["INFO", "MODULES"]).expect("reply").text();
    let workers = cpu
        .lines()
        .filter(|l| l.starts_with("ai_queue_CPU_bthread_n"))
        .count();
    assert_eq!(workers, 3, "{cpu}");
    assert_eq!(ai_config_get(&mut c, "INLINE_RUN_THRESHOLD").int(), 0);
    assert_eq!(ai_config_get(&mut c, "BACKENDSPATH").text(), "/opt/b");
}

#[test]
fn relative_library_lines_resolve_against_ai_backendspath() {
    skip_unless!("onnx");
    // The line order is reversed on purpose: Redis applies ai.backendspath
    // first whatever the file's order.
    let s = Server::from_conf(&conf(
        "",
        &["ai.onnx lib/libonnxruntime.so.1", "ai.backendspath /opt/b"],
    ))
    .expect("server");
    let mut c = s.conn();
    assert_eq!(one(&mut c, "ai.onnx"), "/opt/b/lib/libonnxruntime.so.1");
}

#[test]
fn loadmodule_arguments_still_work() {
    let s = Server::with(
        &[
            "THREADS_PER_QUEUE",
            "2",
            "MODEL_EXECUTION_TIMEOUT",
            "3000",
            "model_chunk_size",
            "450",
            "BACKENDSPATH",
            "/opt/args",
            "FT_COMPAT",
            "no",
        ],
        &[],
    );
    let mut c = s.conn();
    let all = config_get(&mut c, "ai.*");
    assert_eq!(all["ai.threads_per_queue"], "2");
    assert_eq!(all["ai.model_execution_timeout"], "3000");
    assert_eq!(all["ai.model_chunk_size"], "450");
    assert_eq!(all["ai.backendspath"], "/opt/args");
    assert_eq!(all["ai.ft_compat"], "no");
    assert_eq!(s.module_int("ai_threads_per_queue"), 2);
    assert_eq!(s.module_int("ai_model_execution_timeout"), 3000);
    assert_eq!(ai_config_get(&mut c, "MODEL_CHUNK_SIZE").int(), 450);
    let r = c.cmd(&["FT._LIST"]).expect("reply");
    assert!(r.is_error(), "FT_COMPAT no still registered FT.*: {r:?}");
    // A bad argument still fails the load with the old log line.
    let log = Server::try_with(&["MODEL_EXECUTION_TIMEOUT", "999"], &[])
        .err()
        .expect("MODEL_EXECUTION_TIMEOUT 999 was accepted");
    assert!(
        log.contains("ERR error processing argument: MODEL_EXECUTION_TIMEOUT 999"),
        "{log}"
    );
}

#[test]
fn config_lines_win_over_loadmodule_arguments() {
    let s = Server::from_conf(&conf(
        "MODEL_EXECUTION_TIMEOUT 3000 THREADS_PER_QUEUE 2 MODEL_CHUNK_SIZE 450",
        &["ai.model_execution_timeout 2000", "ai.model_chunk_size 900"],
    ))
    .expect("server");
    let mut c = s.conn();
    assert_eq!(one(&mut c, "ai.model_execution_timeout"), "2000");
    assert_eq!(s.module_int("ai_model_execution_timeout"), 2000);
    assert_eq!(ai_config_get(&mut c, "MODEL_CHUNK_SIZE").int(), 900);
    // A setting that only the arguments name keeps their value.
    assert_eq!(one(&mut c, "ai.threads_per_queue"), "2");
    assert_eq!(s.module_int("ai_threads_per_queue"), 2);
}

#[test]
fn config_rewrite_round_trips() {
    let mut s = Server::from_conf(&conf(
        "THREADS_PER_QUEUE 2",
        &["ai.model_execution_timeout 2000"],
    ))
    .expect("server");
    let mut c = s.conn();
    assert!(config_set(&mut c, "ai.model_chunk_size", "4096").is_ok());
    assert!(config_set(&mut c, "ai.backendspath", "/opt/rewritten").is_ok());
    common::ok(&mut c, &["AI.CONFIG", "INLINE_RUN_THRESHOLD", "7"]);
    common::ok(&mut c, &["CONFIG", "REWRITE"]);
    let text = std::fs::read_to_string(s.dir.join("redis.conf")).expect("redis.conf");
    for want in [
        "ai.model_chunk_size 4096",
        "ai.backendspath \"/opt/rewritten\"",
        "ai.inline_run_threshold 7",
        "ai.model_execution_timeout 2000",
    ] {
        assert!(text.lines().any(|l| l == want), "no `{want}` in:\n{text}");
    }
    drop(c);
    s.restart("NOSAVE");
    let mut c = s.conn();
    let all = config_get(&mut c, "ai.*");
    assert_eq!(all["ai.model_chunk_size"], "4096");
    assert_eq!(all["ai.backendspath"], "/opt/rewritten");
    assert_eq!(all["ai.inline_run_threshold"], "7");
    assert_eq!(all["ai.model_execution_timeout"], "2000");
    assert_eq!(all["ai.threads_per_queue"], "2");
    assert_eq!(ai_config_get(&mut c, "MODEL_CHUNK_SIZE").int(), 4096);
    assert_eq!(s.module_int("ai_threads_per_queue"), 2);
}

/// redis.conf.example's `ai.*` section lists every setting with its
/// default (or, for the three whose default 0 means "unset" and lies below
/// their minimum, an example value): its lines, uncommented, are accepted
/// and applied.
#[test]
fn redis_conf_example_shows_every_setting_with_its_default() {
    const UNSET_BY_DEFAULT: &[&str] = &[
        "ai.intra_op_parallelism",
        "ai.inter_op_parallelism",
        "ai.backend_memory_limit",
    ];
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/redis.conf.example"))
            .expect("redis.conf.example");
    let shown: BTreeMap<&str, &str> = example
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| l.starts_with("ai."))
        .filter_map(|l| l.split_once(' '))
        .collect();
    let mut want: Vec<&str> = DEFAULTS.iter().map(|(k, _)| *k).collect();
    want.push("ai.backendspath");
    want.sort();
    assert_eq!(shown.keys().copied().collect::<Vec<_>>(), want);
    for (name, value) in DEFAULTS {
        if !UNSET_BY_DEFAULT.contains(name) {
            assert_eq!(shown[*name].trim_matches('"'), *value, "{name}");
        }
    }
    // The module's directory stands in for `<module dir>/backends`.
    let lines: Vec<String> = shown
        .iter()
        .filter(|(k, _)| **k != "ai.backendspath")
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let s = Server::from_conf(&conf("", &lines)).expect("server");
    let mut c = s.conn();
    let all = config_get(&mut c, "ai.*");
    for (name, value) in &shown {
        if *name != "ai.backendspath" {
            assert_eq!(all[*name], value.trim_matches('"'), "{name}");
        }
    }
    assert_eq!(all["ai.backendspath"], default_backends_path());
}

/// `MODULE LOADEX … CONFIG … ARGS …` follows the same precedence.
#[test]
fn module_loadex_configs_win_over_its_args() {
    let s = Server::from_conf("# the module is loaded by MODULE LOADEX\n").expect("server");
    let mut c = s.conn();
    let module = module_path().to_string_lossy().into_owned();
    let r = c
        .cmd(&[
            "MODULE",
            "LOADEX",
            &module,
            "CONFIG",
            "ai.model_execution_timeout",
            "2500",
            "ARGS",
            "MODEL_EXECUTION_TIMEOUT",
            "3000",
            "THREADS_PER_QUEUE",
            "2",
        ])
        .expect("reply");
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(one(&mut c, "ai.model_execution_timeout"), "2500");
    assert_eq!(one(&mut c, "ai.threads_per_queue"), "2");
    assert_eq!(s.module_int("ai_model_execution_timeout"), 2500);
    // On a fresh server, a bad CONFIG value fails the load and leaves no
    // module behind.
    let fresh = Server::from_conf("# no module\n").expect("server");
    let mut c = fresh.conn();
    let r = c
        .cmd(&[
            "MODULE",
            "LOADEX",
            &module,
            "CONFIG",
            "ai.threads_per_queue",
            "0",
        ])
        .expect("reply");
    assert!(r.is_error(), "{r:?}");
    let r = c.cmd(&["MODULE", "LIST"]).expect("reply");
    assert!(r.array().is_empty(), "{r:?}");
}
