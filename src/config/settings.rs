//! The Redis 7 module configs (`CONFIG GET ai.*`): one entry per load-time
//! setting, read from and written to the same [`Config`] as the module
//! arguments and AI.CONFIG, so there is one source of truth. Redis-free: the
//! FFI side (`ffi::module_config`) registers this table.
//!
//! Bounds are those of the module arguments in [`super::apply_load_args`].
//! Only the settings that AI.CONFIG can change at run time are `runtime`;
//! the rest are registered IMMUTABLE (Redis refuses CONFIG SET on them).

use super::{names_runtime, Config};
use crate::backends::BackendKind;
use crate::error::Error;

/// How a setting's value is typed, read and written.
#[derive(Clone, Copy)]
pub enum Kind {
    /// An integer, `min..=max` (Redis checks the bounds for CONFIG SET and
    /// redis.conf lines; the registered default may lie below `min`, as
    /// INTRA_OP_PARALLELISM's 0 "backend's choice" does).
    Number {
        min: i64,
        max: i64,
        get: fn(&Config) -> i64,
        set: fn(&mut Config, i64),
    },
    /// A string.
    Text {
        get: fn(&Config) -> String,
        set: fn(&mut Config, &str) -> Result<(), Error>,
    },
    /// `yes` / `no`.
    Flag {
        get: fn(&Config) -> bool,
        set: fn(&mut Config, bool),
    },
}

/// One module config.
pub struct Setting {
    /// The config's name without the `ai.` prefix Redis adds.
    pub name: &'static str,
    /// Whether CONFIG SET may change it after load.
    pub runtime: bool,
    pub kind: Kind,
}

impl Setting {
    /// The full name, as CONFIG GET lists it.
    pub fn full_name(&self) -> String {
        format!("ai.{}", self.name)
    }
}

const MAX: i64 = i64::MAX;

/// Every setting, BACKENDSPATH first: Redis applies redis.conf's `ai.*`
/// lines in this order, so relative library paths resolve against it, as
/// the module arguments do.
pub const SETTINGS: &[Setting] = &[
    Setting {
        name: "backendspath",
        runtime: true,
        kind: Kind::Text {
            get: |c| c.backends_path.clone(),
            set: |c, v| {
                c.backends_path = v.to_string();
                Ok(())
            },
        },
    },
    Setting {
        name: "threads_per_queue",
        runtime: false,
        kind: Kind::Number {
            min: 1,
            max: MAX,
            get: |c| c.threads_per_queue,
            set: |c, v| c.threads_per_queue = v,
        },
    },
    Setting {
        name: "intra_op_parallelism",
        runtime: false,
        kind: Kind::Number {
            min: 1,
            max: MAX,
            get: |c| c.intra_op_parallelism,
            set: |c, v| c.intra_op_parallelism = v,
        },
    },
    Setting {
        name: "inter_op_parallelism",
        runtime: false,
        kind: Kind::Number {
            min: 1,
            max: MAX,
            get: |c| c.inter_op_parallelism,
            set: |c, v| c.inter_op_parallelism = v,
        },
    },
    Setting {
        name: "model_chunk_size",
        runtime: true,
        kind: Kind::Number {
            min: 1,
            max: MAX,
            get: |c| c.model_chunk_size,
            set: |c, v| c.model_chunk_size = v,
        },
    },
    Setting {
        name: "model_execution_timeout",
        runtime: false,
        kind: Kind::Number {
            min: 1000,
            max: MAX,
            get: |c| c.model_execution_timeout,
            set: |c, v| c.model_execution_timeout = v,
        },
    },
    Setting {
        name: "backend_memory_limit",
        runtime: false,
        kind: Kind::Number {
            min: 1,
            max: MAX,
            get: |c| c.backend_memory_limit,
            set: |c, v| c.backend_memory_limit = v,
        },
    },
    Setting {
        name: "inline_run_threshold",
        runtime: true,
        kind: Kind::Number {
            min: 0,
            max: MAX,
            get: |c| c.inline_run_threshold,
            set: |c, v| c.inline_run_threshold = v,
        },
    },
    Setting {
        name: "onnx",
        runtime: false,
        kind: Kind::Text {
            get: |c| c.onnx_library.clone().unwrap_or_default(),
            set: |c, v| set_library(c, BackendKind::Onnx, v),
        },
    },
    Setting {
        name: "tf",
        runtime: false,
        kind: Kind::Text {
            get: |c| c.tf_library.clone().unwrap_or_default(),
            set: |c, v| set_library(c, BackendKind::Tf, v),
        },
    },
    Setting {
        name: "tflite",
        runtime: false,
        kind: Kind::Text {
            get: |c| c.tflite_library.clone().unwrap_or_default(),
            set: |c, v| set_library(c, BackendKind::Tflite, v),
        },
    },
    Setting {
        name: "ft_compat",
        runtime: false,
        kind: Kind::Flag {
            get: |c| c.ft_compat,
            set: |c, v| c.ft_compat = v,
        },
    },
];

/// `ai.onnx` / `ai.tf` / `ai.tflite`: the runtime library itself
/// (`libonnxruntime.so*`, `libtensorflow_cc.so*`, `libLiteRt.so*`), relative
/// to BACKENDSPATH unless absolute; empty for none. Unlike the module
/// argument, a RedisAI wrapper path (`redisai_onnxruntime.so`) is refused
/// rather than ignored: a new config has no old scripts to stay quiet for.
fn set_library(cfg: &mut Config, kind: BackendKind, path: &str) -> Result<(), Error> {
    let value = if path.is_empty() {
        None
    } else if !kind.compiled_in() {
        return Err(Error::raw(format!(
            "the {} backend is not compiled into this build",
            kind.name()
        )));
    } else if !names_runtime(kind, path) {
        return Err(Error::raw(format!(
            "must name the {} runtime library ({})",
            kind.name(),
            runtime_name(kind)
        )));
    } else {
        Some(cfg.resolve(path))
    };
    match kind {
        BackendKind::Onnx => cfg.onnx_library = value,
        BackendKind::Tf => cfg.tf_library = value,
        BackendKind::Tflite => cfg.tflite_library = value,
        BackendKind::Torch => return Err(Error::raw("libtorch is linked in, not loaded")),
    }
    Ok(())
}

fn runtime_name(kind: BackendKind) -> &'static str {
    match kind {
        BackendKind::Onnx => "libonnxruntime.so*",
        BackendKind::Tf => "libtensorflow_cc.so*",
        BackendKind::Tflite => "libLiteRt.so*",
        BackendKind::Torch => "",
    }
}
