//! `INFO MODULES`: the sections RedisAI clients parse, in RedisAI's order.
//! Redis prefixes every section and field with the module name, `ai_`.

use std::os::raw::c_int;

use redis_module::raw;

use crate::backends;
use crate::config;
use crate::engine;

/// The INFO callback, registered from `OnLoad`.
pub extern "C" fn info_callback(ctx: *mut raw::RedisModuleInfoCtx, _for_crash_report: c_int) {
    crate::types::guarded((), || write(ctx));
}

fn section(ctx: *mut raw::RedisModuleInfoCtx, name: &str) {
    raw::add_info_section(ctx, Some(name));
}

fn field(ctx: *mut raw::RedisModuleInfoCtx, name: &str, value: &str) {
    raw::add_info_field_str(ctx, name, value);
}

fn int(ctx: *mut raw::RedisModuleInfoCtx, name: &str, value: i64) {
    raw::add_info_field_long_long(ctx, name, value);
}

fn write(ctx: *mut raw::RedisModuleInfoCtx) {
    section(ctx, "versions");
    field(ctx, "RedisAI_version", env!("CARGO_PKG_VERSION"));
    int(ctx, "low_level_API_version", 1);
    int(
        ctx,
        "rdb_version",
        crate::persistence::tensor_codec::ENCVER.into(),
    );

    section(ctx, "git");
    field(ctx, "git_sha", env!("REDISAI_GIT_SHA"));

    let cfg = config::get();
    section(ctx, "load_time_configs");
    int(ctx, "threads_per_queue", cfg.threads_per_queue);
    int(ctx, "inter_op_parallelism", cfg.inter_op_parallelism);
    int(ctx, "intra_op_parallelism", cfg.intra_op_parallelism);
    int(ctx, "model_execution_timeout", cfg.model_execution_timeout);
    int(ctx, "backend_memory_limit", cfg.backend_memory_limit);

    section(ctx, "backends_info");
    if let Some(v) = backends::tf_version() {
        field(ctx, "TensorFlow_version", &v);
    }
    if let Some(v) = backends::tflite_version() {
        field(ctx, "TensorFlowLite_version", &v);
    }
    if let Some(v) = backends::torch_version() {
        field(ctx, "Torch_version", v);
    }
    if let Some(v) = backends::onnx_version() {
        field(ctx, "onnxruntime_version", &v);
        int(ctx, "onnxruntime_memory", 0);
        int(ctx, "onnxruntime_memory_access_num", 0);
        // One run slot per worker thread: THREADS_PER_QUEUE × device queues.
        let workers: usize = engine::queue_threads().iter().map(|(_, t)| t.len()).sum();
        int(
            ctx,
            "onnxruntime_maximum_run_sessions_number",
            workers as i64,
        );
    }
    // The backends this build contains (`torch,onnx`, empty for none), last
    // in the section so positional parsers of the fields above are undisturbed.
    let compiled: Vec<&str> = [
        backends::BackendKind::Tf,
        backends::BackendKind::Tflite,
        backends::BackendKind::Torch,
        backends::BackendKind::Onnx,
    ]
    .into_iter()
    .filter(|k| k.compiled_in())
    .map(|k| k.name())
    .collect();
    field(
        ctx,
        "backends_compiled",
        &compiled.join(",").to_ascii_lowercase(),
    );

    section(ctx, "cpu");
    field(ctx, "self_used_cpu_sys", &cpu(libc::RUSAGE_SELF, false));
    field(ctx, "self_used_cpu_user", &cpu(libc::RUSAGE_SELF, true));
    field(
        ctx,
        "children_used_cpu_sys",
        &cpu(libc::RUSAGE_CHILDREN, false),
    );
    field(
        ctx,
        "children_used_cpu_user",
        &cpu(libc::RUSAGE_CHILDREN, true),
    );
    field(
        ctx,
        "main_thread_used_cpu_sys",
        &cpu(libc::RUSAGE_THREAD, false),
    );
    field(
        ctx,
        "main_thread_used_cpu_user",
        &cpu(libc::RUSAGE_THREAD, true),
    );
    for (queue, threads) in engine::queue_threads() {
        for (i, &t) in threads.iter().enumerate() {
            let total = crate::ffi::thread_cpu(t).unwrap_or_default();
            field(
                ctx,
                &format!("queue_{queue}_bthread_n{}_used_cpu_total", i + 1),
                &format!("{}.{:06}", total.as_secs(), total.subsec_micros()),
            );
        }
    }
    vectors(ctx);
}

/// `ai_vectors`: after RedisAI's sections, so clients that parse those by
/// position are not disturbed.
fn vectors(ctx: *mut raw::RedisModuleInfoCtx) {
    use crate::vector::stats::{self, *};
    let n = |c: &std::sync::atomic::AtomicU64| stats::get(c).try_into().unwrap_or(i64::MAX);
    section(ctx, "vectors");
    let pool = engine::pool::search_pool();
    int(ctx, "vsim_threads", pool.map_or(0, |p| p.threads()) as i64);
    int(ctx, "vsim_backlog", pool.map_or(0, |p| p.queued()) as i64);
    int(ctx, "vsim_searches_threaded", n(&SEARCHES_THREADED));
    int(ctx, "vsim_searches_inline", n(&SEARCHES_INLINE));
    int(
        ctx,
        "vector_sets",
        SETS.load(std::sync::atomic::Ordering::Relaxed),
    );
    int(ctx, "vector_compactions_started", n(&COMPACTIONS_STARTED));
    int(
        ctx,
        "vector_compactions_installed",
        n(&COMPACTIONS_INSTALLED),
    );
    int(ctx, "vector_compactions_adopted", n(&COMPACTIONS_ADOPTED));
    int(
        ctx,
        "vector_compactions_abandoned",
        n(&COMPACTIONS_ABANDONED),
    );
    int(ctx, "vector_writes_deferred", n(&WRITES_DEFERRED));
    int(ctx, "vector_writes_waited", n(&WRITES_WAITED));
    search_section(ctx);
}

/// `ai_search`: the FT indexes, in all.
fn search_section(ctx: *mut raw::RedisModuleInfoCtx) {
    use crate::search::registry;
    section(ctx, "search");
    let all = registry::all();
    let (mut docs, mut vec_mem, mut other_mem, mut failures, mut indexing) = (0, 0, 0, 0, 0);
    for ix in &all {
        let r = registry::read(ix);
        docs += r.num_docs() as i64;
        let (v, o) = r.memory();
        vec_mem += v as i64;
        other_mem += o as i64;
        failures += r.failures as i64;
        indexing += i64::from(r.scan.is_some());
    }
    int(ctx, "number_of_indexes", all.len() as i64);
    int(ctx, "number_of_documents", docs);
    int(ctx, "used_memory_vector_index", vec_mem);
    int(ctx, "used_memory_indexes", vec_mem + other_mem);
    int(ctx, "hash_indexing_failures", failures);
    int(ctx, "indexes_scanning", indexing);
}

/// CPU seconds as `<s>.<µs>`, like Redis's own `used_cpu_*` fields.
fn cpu(who: c_int, user: bool) -> String {
    match crate::ffi::rusage(who) {
        Some((u, sys)) => {
            let t = if user { u } else { sys };
            format!("{}.{:06}", t.as_secs(), t.subsec_micros())
        }
        None => "0.000000".to_string(),
    }
}
