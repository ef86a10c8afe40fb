//! Module configuration: load-time arguments (`loadmodule … KEY VALUE …`)
//! and the settings AI.CONFIG changes at run time. Redis-free.

use std::sync::{PoisonError, RwLock};

use crate::backends::BackendKind;
use crate::tensor::parse_i64;

pub mod settings;

/// RedisAI's default MODEL_CHUNK_SIZE: 511 MiB.
pub const DEFAULT_MODEL_CHUNK_SIZE: i64 = 511 * 1024 * 1024;

/// Default INLINE_RUN_THRESHOLD, in microseconds: below a thread hand-off's
/// cost on a loaded machine.
pub const DEFAULT_INLINE_RUN_THRESHOLD: i64 = 100;

/// Every setting. Load-time-only values never change after `OnLoad`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub backends_path: String,
    pub threads_per_queue: i64,
    pub inter_op_parallelism: i64,
    pub intra_op_parallelism: i64,
    pub model_chunk_size: i64,
    pub model_execution_timeout: i64,
    pub backend_memory_limit: i64,
    /// An ONNX Runtime library named by the `ONNX` argument, if any.
    pub onnx_library: Option<String>,
    /// A `libtensorflow_cc.so` named by the `TF` argument, if any.
    pub tf_library: Option<String>,
    /// A `libLiteRt.so` named by the `TFLITE` argument, if any.
    pub tflite_library: Option<String>,
    /// Microseconds: a model whose recent runs all took at most this long
    /// runs on the main thread when its queue is idle (0 turns this off).
    pub inline_run_threshold: i64,
    /// Whether to register the FT.* commands (module argument FT_COMPAT).
    pub ft_compat: bool,
}

impl Config {
    pub const fn new() -> Self {
        Config {
            backends_path: String::new(),
            threads_per_queue: 1,
            inter_op_parallelism: 0,
            intra_op_parallelism: 0,
            model_chunk_size: DEFAULT_MODEL_CHUNK_SIZE,
            model_execution_timeout: 5000,
            backend_memory_limit: 0,
            onnx_library: None,
            tf_library: None,
            tflite_library: None,
            inline_run_threshold: DEFAULT_INLINE_RUN_THRESHOLD,
            ft_compat: true,
        }
    }

    /// The library the module arguments named for a backend, if any.
    pub fn library(&self, kind: BackendKind) -> Option<String> {
        match kind {
            BackendKind::Onnx => self.onnx_library.clone(),
            BackendKind::Tf => self.tf_library.clone(),
            BackendKind::Tflite => self.tflite_library.clone(),
            BackendKind::Torch => None,
        }
    }

    /// A path relative to BACKENDSPATH, or an absolute one as is.
    pub fn resolve(&self, path: &str) -> String {
        if path.starts_with('/') || self.backends_path.is_empty() {
            path.to_string()
        } else {
            format!("{}/{}", self.backends_path.trim_end_matches('/'), path)
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

static CONFIG: RwLock<Config> = RwLock::new(Config::new());

/// A copy of the current configuration.
pub fn get() -> Config {
    CONFIG
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// Reads one value of the current configuration without copying the rest
/// (for hot paths: `get` clones the strings too).
pub fn read<T>(f: impl FnOnce(&Config) -> T) -> T {
    f(&CONFIG.read().unwrap_or_else(PoisonError::into_inner))
}

/// Changes the current configuration.
pub fn update(f: impl FnOnce(&mut Config)) {
    f(&mut CONFIG.write().unwrap_or_else(PoisonError::into_inner));
}

/// A positive integer, as the numeric settings require.
pub fn parse_positive(v: &[u8]) -> Option<i64> {
    parse_i64(v).filter(|&n| n > 0)
}

/// Applies the module arguments to `base`. Returns the new configuration
/// and the log lines to write, or the log line explaining the failure.
///
/// Arguments come in `KEY VALUE` pairs. BACKENDSPATH is applied first, then
/// the rest in order. Keys are case-insensitive.
pub fn apply_load_args(base: Config, args: &[&[u8]]) -> Result<(Config, Vec<String>), String> {
    if !args.len().is_multiple_of(2) {
        return Err("ERR module arguments must come in KEY VALUE pairs".to_string());
    }
    let pairs: Vec<(&[u8], &[u8])> = args.chunks_exact(2).map(|p| (p[0], p[1])).collect();
    let is_path = |k: &[u8]| k.eq_ignore_ascii_case(b"BACKENDSPATH");
    let ordered = pairs
        .iter()
        .filter(|(k, _)| is_path(k))
        .chain(pairs.iter().filter(|(k, _)| !is_path(k)));
    let mut cfg = base;
    let mut log = Vec::new();
    for &(k, v) in ordered {
        let key = String::from_utf8_lossy(k).to_ascii_uppercase();
        let val = String::from_utf8_lossy(v).into_owned();
        let fail = || format!("ERR error processing argument: {key} {val}");
        let num = |min: i64| parse_i64(v).filter(|&n| n >= min).ok_or_else(fail);
        match key.as_str() {
            "BACKENDSPATH" => cfg.backends_path = val.clone(),
            "THREADS_PER_QUEUE" => cfg.threads_per_queue = num(1)?,
            "INTRA_OP_PARALLELISM" => cfg.intra_op_parallelism = num(1)?,
            "INTER_OP_PARALLELISM" => cfg.inter_op_parallelism = num(1)?,
            "MODEL_CHUNK_SIZE" => cfg.model_chunk_size = num(1)?,
            "MODEL_EXECUTION_TIMEOUT" => cfg.model_execution_timeout = num(1000)?,
            "BACKEND_MEMORY_LIMIT" => cfg.backend_memory_limit = num(1)?,
            "INLINE_RUN_THRESHOLD" => cfg.inline_run_threshold = num(0)?,
            "FT_COMPAT" => {
                cfg.ft_compat = match val.to_ascii_lowercase().as_str() {
                    "yes" | "1" | "true" => true,
                    "no" | "0" | "false" => false,
                    _ => return Err(fail()),
                }
            }
            "TF" | "TFLITE" | "TORCH" | "ONNX" => {
                let kind = BackendKind::parse(k).ok_or_else(fail)?;
                if !kind.compiled_in() {
                    return Err(format!(
                        "{} (the {} backend is not compiled into this build)",
                        fail(),
                        kind.name()
                    ));
                }
                if names_runtime(kind, &val) {
                    let path = Some(cfg.resolve(&val));
                    match kind {
                        BackendKind::Onnx => cfg.onnx_library = path,
                        BackendKind::Tf => cfg.tf_library = path,
                        BackendKind::Tflite => cfg.tflite_library = path,
                        BackendKind::Torch => {}
                    }
                }
            }
            _ => return Err(fail()),
        }
        log.push(format!("Setting {key} parameter to {val}"));
    }
    Ok((cfg, log))
}

/// Whether a path names the backend's runtime library itself (rather than
/// RedisAI's `redisai_<backend>.so` wrapper, which has no use here).
pub fn names_runtime(kind: BackendKind, path: &str) -> bool {
    let prefix = match kind {
        BackendKind::Onnx => "libonnxruntime.so",
        BackendKind::Tf => "libtensorflow_cc.so",
        BackendKind::Tflite => "libLiteRt.so",
        BackendKind::Torch => return false,
    };
    path.rsplit('/')
        .next()
        .is_some_and(|f| f.starts_with(prefix))
}

#[cfg(test)]
mod tests;
