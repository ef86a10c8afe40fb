//! redisai-rs: a memory-safe, RedisAI-compatible Redis module.
//!
//! This file only registers the module, its data types and its commands.
//! See `docs/design.md` for the layout:
//! - domain modules, Redis-free: [`tensor`], [`model`], [`engine`], [`dag`],
//!   [`vector`], [`persistence`], [`backends`], [`config`];
//! - Redis adapters: [`commands`] (thin handlers), [`info`], [`reply`];
//! - the unsafe boundary: [`types`] (type callbacks) and [`ffi`].

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::todo)
)]

pub mod args;
pub mod backends;
pub mod commands;
pub mod config;
pub mod dag;
pub mod engine;
pub mod error;
pub mod ffi;
pub mod info;
pub mod model;
pub mod persistence;
pub mod reply;
pub mod script;
pub mod search;
pub mod tensor;
pub mod types;
pub mod vector;

use redis_module::{redis_module, Context, RedisString, Status};

use crate::backends::BackendKind;
use crate::ffi::command::{Access, CommandDef, Keys};
use crate::types::ftidx_type::FTIDX_TYPE;
use crate::types::model_type::MODEL_TYPE;
use crate::types::script_type::SCRIPT_TYPE;
use crate::types::tensor_type::TENSOR_TYPE;
use crate::types::vecset_type::VECSET_TYPE;

/// `major*10000 + minor*100 + patch`, as RedisAI numbered its versions.
pub const MODULE_VERSION: i32 = version_number(env!("CARGO_PKG_VERSION"));

const fn version_number(v: &str) -> i32 {
    let b = v.as_bytes();
    let (mut parts, mut cur, mut i) = ([0i32; 3], 0usize, 0usize);
    while i < b.len() && cur < 3 {
        match b[i] {
            b'0'..=b'9' => parts[cur] = parts[cur] * 10 + (b[i] - b'0') as i32,
            b'.' => cur += 1,
            _ => break,
        }
        i += 1;
    }
    parts[0] * 10000 + parts[1] * 100 + parts[2]
}

/// The AI.* commands. Those of RedisAI 1.2.7 are registered with arity -1,
/// as RedisAI's were: each checks its own argument count and replies the
/// spec's text (`missing arguments for 'AI.DAGEXECUTE' command`, or
/// `wrong number of arguments for '<COMMAND>' command`, upper case).
fn command_table() -> Vec<CommandDef> {
    #[allow(unused_mut)]
    let mut table = vec![
        command_def!("AI.TENSORSET", commands::tensor::tensorset,
            flags: "write deny-oom", arity: -1,
            keys: Keys::One { index: 1, access: Access::Overwrite },
            summary: "Stores a tensor", since: "0.1.0"),
        command_def!("AI.TENSORGET", commands::tensor::tensorget,
            flags: "readonly", arity: -1,
            keys: Keys::One { index: 1, access: Access::Read },
            summary: "Returns a tensor's metadata, blob or values", since: "0.1.0"),
        command_def!("AI.MODELSTORE", commands::model::modelstore,
            flags: "write deny-oom", arity: -1,
            keys: Keys::One { index: 1, access: Access::Overwrite },
            summary: "Stores a model", since: "0.1.0"),
        command_def!("AI.MODELSET", commands::model::modelset,
            flags: "write deny-oom", arity: -1,
            keys: Keys::One { index: 1, access: Access::Overwrite },
            summary: "Stores a model (deprecated form of AI.MODELSTORE)", since: "0.1.0"),
        command_def!("AI.MODELGET", commands::model::modelget,
            flags: "readonly", arity: -1,
            keys: Keys::One { index: 1, access: Access::Read },
            summary: "Returns a model's metadata and blob", since: "0.1.0"),
        command_def!("AI.MODELDEL", commands::model::modeldel,
            flags: "write", arity: -1,
            keys: Keys::One { index: 1, access: Access::Overwrite },
            summary: "Deletes a model", since: "0.1.0"),
        command_def!("AI.MODELEXECUTE", commands::execute::modelexecute,
            flags: "write deny-oom", arity: -1,
            keys: Keys::Dynamic(model::modelexecute_keys),
            summary: "Runs a model on input tensors and stores the outputs", since: "0.1.0"),
        command_def!("AI.MODELRUN", commands::execute::modelrun,
            flags: "write deny-oom", arity: -1,
            keys: Keys::Dynamic(model::modelrun_keys),
            summary: "Runs a model (deprecated form of AI.MODELEXECUTE)", since: "0.1.0"),
        command_def!("AI.DAGEXECUTE", commands::dag::dagexecute,
            flags: "write deny-oom", arity: -1,
            keys: Keys::Dynamic(dag::dag_keys),
            summary: "Runs a DAG of tensor and model operations", since: "0.1.0"),
        command_def!("AI.DAGEXECUTE_RO", commands::dag::dagexecute_ro,
            flags: "readonly", arity: -1,
            keys: Keys::Dynamic(dag::dag_keys),
            summary: "Runs a read-only DAG", since: "0.1.0"),
        command_def!("AI.DAGRUN", commands::dag::dagrun,
            flags: "write deny-oom", arity: -1,
            keys: Keys::Dynamic(dag::dag_keys),
            summary: "Runs a DAG (deprecated form of AI.DAGEXECUTE)", since: "0.1.0"),
        command_def!("AI.DAGRUN_RO", commands::dag::dagrun_ro,
            flags: "readonly", arity: -1,
            keys: Keys::Dynamic(dag::dag_keys),
            summary: "Runs a read-only DAG (deprecated form)", since: "0.1.0"),
        command_def!("AI.SCRIPTSTORE", commands::script::scriptstore,
            flags: "write deny-oom", arity: -1,
            keys: Keys::One { index: 1, access: Access::Overwrite },
            summary: "Stores a TorchScript script", since: "0.4.0"),
        command_def!("AI.SCRIPTSET", commands::script::scriptset,
            flags: "write deny-oom", arity: -1,
            keys: Keys::One { index: 1, access: Access::Overwrite },
            summary: "Stores a script (deprecated form of AI.SCRIPTSTORE)", since: "0.4.0"),
        command_def!("AI.SCRIPTGET", commands::script::scriptget,
            flags: "readonly", arity: -1,
            keys: Keys::One { index: 1, access: Access::Read },
            summary: "Returns a script's metadata and source", since: "0.4.0"),
        command_def!("AI.SCRIPTDEL", commands::script::scriptdel,
            flags: "write", arity: -1,
            keys: Keys::One { index: 1, access: Access::Overwrite },
            summary: "Deletes a script", since: "0.4.0"),
        command_def!("AI.SCRIPTEXECUTE", commands::script_exec::scriptexecute,
            flags: "write deny-oom", arity: -1,
            keys: Keys::Dynamic(script::scriptexecute_keys),
            summary: "Runs a script function on input tensors and stores the outputs", since: "0.4.0"),
        command_def!("AI.SCRIPTRUN", commands::script_exec::scriptrun,
            flags: "write deny-oom", arity: -1,
            keys: Keys::Dynamic(script::scriptrun_keys),
            summary: "Runs a script function (deprecated form of AI.SCRIPTEXECUTE)", since: "0.4.0"),
        command_def!("AI._SCRIPTSCAN", commands::script::scriptscan,
            flags: "readonly", arity: -1, keys: Keys::None,
            summary: "Lists every script and its tag (experimental)", since: "0.4.0"),
        command_def!("AI._MODELSCAN", commands::model::modelscan,
            flags: "readonly", arity: -1, keys: Keys::None,
            summary: "Lists every model and its tag (experimental)", since: "0.1.0"),
        command_def!("AI.INFO", commands::model::ai_info,
            flags: "readonly", arity: -1,
            keys: Keys::One { index: 1, access: Access::Read },
            summary: "Returns or resets the run statistics of a model or script", since: "0.1.0"),
        command_def!("AI.VADD", commands::vector::vadd,
            flags: "write deny-oom", arity: -5,
            keys: Keys::Dynamic(vector::parse::vector_keys),
            summary: "Adds or updates an element of a vector set", since: "0.2.0"),
        command_def!("AI.VSIM", commands::vsim::vsim,
            flags: "readonly", arity: -4,
            keys: Keys::Dynamic(vector::parse::vector_keys),
            summary: "Returns the elements most similar to a vector, an element or a tensor",
            since: "0.2.0"),
        command_def!("AI.VREM", commands::vector::vrem,
            flags: "write", arity: 3,
            keys: Keys::One { index: 1, access: Access::Remove },
            summary: "Removes an element from a vector set", since: "0.2.0"),
        command_def!("AI.VCARD", commands::vector::vcard,
            flags: "readonly fast", arity: 2,
            keys: Keys::One { index: 1, access: Access::Read },
            summary: "Returns the number of elements in a vector set", since: "0.2.0"),
        command_def!("AI.VDIM", commands::vector::vdim,
            flags: "readonly fast", arity: 2,
            keys: Keys::One { index: 1, access: Access::Read },
            summary: "Returns the dimension of a vector set", since: "0.2.0"),
        command_def!("AI.VEMB", commands::vector::vemb,
            flags: "readonly fast", arity: -3,
            keys: Keys::One { index: 1, access: Access::Read },
            summary: "Returns an element's vector", since: "0.2.0"),
        command_def!("AI.VINFO", commands::vector::vinfo,
            flags: "readonly fast", arity: 2,
            keys: Keys::One { index: 1, access: Access::Read },
            summary: "Returns a vector set's parameters and counts", since: "0.2.0"),
        command_def!("AI.VSETATTR", commands::vector::vsetattr,
            flags: "write deny-oom fast", arity: 4,
            keys: Keys::One { index: 1, access: Access::Modify },
            summary: "Sets or removes an element's JSON attributes", since: "0.2.0"),
        command_def!("AI.VGETATTR", commands::vector::vgetattr,
            flags: "readonly fast", arity: 3,
            keys: Keys::One { index: 1, access: Access::Read },
            summary: "Returns an element's JSON attributes", since: "0.2.0"),
        command_def!("AI.VISMEMBER", commands::vector::vismember,
            flags: "readonly fast", arity: 3,
            keys: Keys::One { index: 1, access: Access::Read },
            summary: "Tells whether an element is in a vector set", since: "0.2.0"),
        command_def!("AI.VRANDMEMBER", commands::vector::vrandmember,
            flags: "readonly", arity: -2,
            keys: Keys::One { index: 1, access: Access::Read },
            summary: "Returns random elements of a vector set", since: "0.2.0"),
        command_def!("AI.CONFIG", commands::config::ai_config,
            flags: "write", arity: -1, keys: Keys::None,
            summary: "Reads or changes module settings", since: "0.1.0"),
    ];
    #[cfg(feature = "fault-injection")]
    table.push(command_def!("AI._FAULT", commands::fault::ai_fault,
        flags: "readonly", arity: -2, keys: Keys::None,
        summary: "Test-only fault injection", since: "0.1.0"));
    table
}

/// The RediSearch-compatible commands (registered only when free).
fn ft_table() -> Vec<CommandDef> {
    use commands::ft;
    vec![
        command_def!("FT.CREATE", ft::create::ft_create,
            flags: "write deny-oom", arity: -2, keys: Keys::None,
            summary: "Creates a search index over hashes", since: "0.3.0"),
        command_def!("FT.ALTER", ft::create::ft_alter,
            flags: "write deny-oom", arity: -5, keys: Keys::None,
            summary: "Adds fields to an index's schema", since: "0.3.0"),
        command_def!("FT.DROPINDEX", ft::create::ft_dropindex,
            flags: "write", arity: -2, keys: Keys::None,
            summary: "Deletes an index (DD: and its hashes)", since: "0.3.0"),
        command_def!("FT.SEARCH", ft::search::ft_search,
            flags: "readonly", arity: -3, keys: Keys::None,
            summary: "Searches an index (filters, text, KNN, VECTOR_RANGE)", since: "0.3.0"),
        command_def!("FT.AGGREGATE", ft::aggregate::ft_aggregate,
            flags: "readonly", arity: -3, keys: Keys::None,
            summary: "Runs a query and LOAD/APPLY/SORTBY/LIMIT over its results", since: "0.3.0"),
        command_def!("FT.HYBRID", ft::hybrid::ft_hybrid,
            flags: "readonly", arity: -7, keys: Keys::None,
            summary: "Fuses a BM25 text query and a vector query (RRF or LINEAR)", since: "0.3.0"),
        command_def!("FT.INFO", ft::info::ft_info,
            flags: "readonly", arity: 2, keys: Keys::None,
            summary: "Returns an index's definition and statistics", since: "0.3.0"),
        command_def!("FT._RESTORE", ft::aof::ft_restore,
            flags: "write deny-oom", arity: -2, keys: Keys::None,
            summary: "Internal: re-creates an index after an AOF rewrite unless it exists", since: "0.3.0"),
        command_def!("FT._LIST", ft::create::ft_list,
            flags: "readonly", arity: 1, keys: Keys::None,
            summary: "Lists the indexes", since: "0.3.0"),
        command_def!("FT.TAGVALS", ft::create::ft_tagvals,
            flags: "readonly", arity: 3, keys: Keys::None,
            summary: "Returns the distinct values of a TAG field", since: "0.3.0"),
    ]
}

/// Registers the FT.* commands unless another module (RediSearch, Redis 8's
/// query engine) holds them or `FT_COMPAT no` turned them off.
fn register_ft(ctx: &Context) -> Status {
    if !config::get().ft_compat {
        ctx.log_notice("FT_COMPAT no: the FT.* commands are not registered");
        return Status::Ok;
    }
    if ffi::command::exists(ctx, "FT.SEARCH") {
        ctx.log_notice(
            "another module provides FT.SEARCH (RediSearch?): the FT.* compatibility commands are not registered; AI.* commands are",
        );
        return Status::Ok;
    }
    if let Err(e) = ffi::command::register_more(ctx, &ft_table()) {
        ctx.log_warning(&e.reply_text());
        return Status::Err;
    }
    if let Err(e) = ffi::events::subscribe(ctx) {
        ctx.log_warning(&e);
        return Status::Err;
    }
    commands::ft::aof::start(ctx);
    Status::Ok
}

fn init(ctx: &Context, args: &[RedisString]) -> Status {
    ffi::panic::install_hook();
    ffi::set_module_options(ctx);
    ffi::script_call::install();

    let mut base = config::Config::new();
    if let Some(dir) = ffi::module_path::module_dir() {
        base.backends_path = dir.join("backends").to_string_lossy().into_owned();
    }
    let raw: Vec<&[u8]> = args.iter().map(|a| a.as_slice()).collect();
    match config::apply_load_args(base, &raw) {
        Ok((cfg, log)) => {
            log.iter().for_each(|l| ctx.log_notice(l));
            config::update(|c| *c = cfg);
        }
        Err(line) => {
            ctx.log_warning(&line);
            return Status::Err;
        }
    }
    // Redis 7 module configs (`ai.*`): redis.conf's lines win over the
    // arguments above.
    if let Err(line) = ffi::module_config::register(ctx) {
        ctx.log_warning(&line);
        return Status::Err;
    }

    if let Err(e) = ffi::command::register_all(ctx, &command_table()) {
        ctx.log_warning(&e.reply_text());
        return Status::Err;
    }
    if register_ft(ctx) == Status::Err {
        return Status::Err;
    }
    ffi::register_info(ctx, info::info_callback);
    ffi::block::init(ctx);
    if let Err(e) = engine::ensure_queue("CPU") {
        ctx.log_warning(&e.reply_text());
        return Status::Err;
    }

    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(32));
    engine::pool::set_background_init(ffi::lower_thread_priority);
    match engine::pool::start_search_pool(threads) {
        Ok(n) => vector::index::set_thread_slots(n + 1),
        Err(e) => ctx.log_warning(&format!("{e}; AI.VSIM will run on the main thread")),
    }

    if BackendKind::Onnx.compiled_in() {
        let explicit = config::get().onnx_library;
        match backends::ensure_loaded(BackendKind::Onnx, explicit.as_deref()) {
            Ok(()) => ctx.log_notice(&format!(
                "ONNX Runtime {} loaded from {}",
                backends::onnx_version().unwrap_or_default(),
                backends::onnx_library_path().unwrap_or_default()
            )),
            Err(e) => ctx.log_warning(&format!("{e}; ONNX models will not run")),
        }
    }
    Status::Ok
}

#[cfg(not(any(test, fuzzing)))]
macro_rules! allocator {
    () => {
        redis_module::alloc::RedisAlloc
    };
}

// Unit tests and the cargo-fuzz targets (fuzz/, built with `--cfg fuzzing`)
// run outside Redis, where the Redis allocator aborts.
#[cfg(any(test, fuzzing))]
macro_rules! allocator {
    () => {
        std::alloc::System
    };
}

redis_module! {
    name: "ai",
    version: MODULE_VERSION,
    allocator: (allocator!(), allocator!()),
    data_types: [TENSOR_TYPE, MODEL_TYPE, SCRIPT_TYPE, VECSET_TYPE, FTIDX_TYPE],
    init: init,
}
