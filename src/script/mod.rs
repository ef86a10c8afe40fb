//! TorchScript scripts: the stored source and metadata, the compiled
//! functions derived from it, and run statistics. Redis-free.
//!
//! A [`Script`] is immutable once stored and shared behind an `Arc`, like a
//! [`crate::model::Model`]: a queued or running execution keeps its own
//! reference. The source is kept byte-exact (SCRIPTGET, RDB and AOF return
//! it as given); the compiled unit is derived from it.

pub mod call;
mod parse;
mod store;

pub use parse::{
    parse_scriptexecute, parse_scriptrun, scriptexecute_keys, scriptrun_keys, ScriptCall,
};
pub use store::{
    parse_scriptget, parse_scriptset, parse_scriptstore, ScriptGetFormat, ScriptStoreRequest,
    MAX_ENTRY_POINTS, MAX_SOURCE_BYTES,
};

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::model::{parse_device, Stats};
use crate::tensor::Tensor;

pub const ERR_EMPTY: &str = "script key is empty";

/// What SCRIPTSTORE records besides the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptMeta {
    /// As the client sent it (`cpu` stays `cpu`).
    pub device: Vec<u8>,
    pub tag: Vec<u8>,
    /// Empty for a script stored with the deprecated AI.SCRIPTSET: its
    /// functions are called in "best effort" positional mode.
    pub entry_points: Vec<String>,
}

/// The compiled form of a script. Runs may come from several worker
/// threads at once.
pub trait ScriptRuntime: Send + Sync {
    /// Calls `function`. `entry` tells the calling convention: an entry
    /// point gets `(tensors, keys, args)`; otherwise parameters are filled
    /// positionally with `inputs`. Returns the flattened tensor outputs.
    fn call(
        &self,
        function: &str,
        entry: bool,
        inputs: &[&Tensor],
        keys: &[Vec<u8>],
        args: &[Vec<u8>],
    ) -> Result<Vec<Tensor>>;

    /// Estimated bytes held, for `MEMORY USAGE`.
    fn memory_estimate(&self) -> usize;
}

/// A script the backend could not compile, with its parts.
pub struct RefusedScript {
    pub error: Error,
    /// True when the cause is this host (no TORCH in this build, no GPU),
    /// not the source (Decision 11).
    pub environmental: bool,
    pub meta: ScriptMeta,
    pub source: Vec<u8>,
}

/// A stored script.
pub struct Script {
    pub meta: ScriptMeta,
    source: Vec<u8>,
    runtime: std::result::Result<Arc<dyn ScriptRuntime>, Error>,
    pub stats: Stats,
}

impl std::fmt::Debug for Script {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Script")
            .field("meta", &self.meta)
            .field("source_len", &self.source.len())
            .finish()
    }
}

impl Script {
    /// Compiles `source` for the device in `meta` and checks every entry
    /// point against `(List[Tensor], List[str], List[str])`. On failure the
    /// parts come back with the error.
    pub fn compile(
        meta: ScriptMeta,
        source: Vec<u8>,
    ) -> std::result::Result<Script, Box<RefusedScript>> {
        let compiled = parse_device(&meta.device)
            .map_err(|e| (e, false))
            .and_then(|device| {
                crate::backends::compile_script(device, &source, &meta.entry_points)
            });
        match compiled {
            Ok(runtime) => Ok(Script {
                meta,
                source,
                runtime: Ok(runtime),
                stats: Stats::default(),
            }),
            Err((error, environmental)) => Err(Box::new(RefusedScript {
                error,
                environmental,
                meta,
                source,
            })),
        }
    }

    /// A script that cannot run on this host; executing it replies `reason`.
    pub fn unavailable(meta: ScriptMeta, source: Vec<u8>, reason: Error) -> Script {
        Script {
            meta,
            source,
            runtime: Err(reason),
            stats: Stats::default(),
        }
    }

    /// A copy for `COPY`: the same source and compiled unit, its own
    /// statistics.
    pub fn duplicate(&self) -> Script {
        Script {
            meta: self.meta.clone(),
            source: self.source.clone(),
            runtime: self.runtime.clone(),
            stats: Stats::default(),
        }
    }

    pub fn source(&self) -> &[u8] {
        &self.source
    }

    /// The upper-cased device string: the name of the script's run queue.
    pub fn queue_name(&self) -> String {
        String::from_utf8_lossy(&self.meta.device).to_ascii_uppercase()
    }

    pub fn memory_usage(&self) -> usize {
        let names: usize = self
            .meta
            .entry_points
            .iter()
            .map(|s| s.len() + std::mem::size_of::<String>())
            .sum();
        let runtime = self.runtime.as_ref().map_or(0, |r| r.memory_estimate());
        std::mem::size_of::<Script>()
            + self.source.capacity()
            + self.meta.device.len()
            + self.meta.tag.len()
            + names
            + runtime
    }

    /// Runs `function` now, on the calling thread (a worker), checks that
    /// it returned `n_outputs` tensors, and records the run in the statistics (scripts report samples -1 in AI.INFO, so
    /// samples are not counted).
    pub fn run(
        &self,
        function: &str,
        inputs: &[&Tensor],
        keys: &[Vec<u8>],
        args: &[Vec<u8>],
        n_outputs: usize,
    ) -> Result<Vec<Tensor>> {
        let start = std::time::Instant::now();
        let runtime = match &self.runtime {
            Ok(r) => Arc::clone(r),
            Err(e) => {
                self.stats.record_error();
                return Err(e.clone());
            }
        };
        let entry = self.meta.entry_points.iter().any(|e| e == function);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime.call(function, entry, inputs, keys, args)
        }))
        .unwrap_or_else(|_| {
            Err(Error::err(
                "internal error while running the script; see the server log",
            ))
        })
        .and_then(|out| {
            if out.len() == n_outputs {
                Ok(out)
            } else {
                Err(Error::raw(format!(
                    "Function returned unexpected number of outputs - {function}"
                )))
            }
        });
        match &result {
            Ok(_) => self.stats.record_ok(start.elapsed().as_micros() as u64, 0),
            Err(_) => self.stats.record_error(),
        }
        result
    }
}

/// One call of a script function, owned, ready for a worker thread.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub function: String,
    pub keys: Vec<Vec<u8>>,
    pub args: Vec<Vec<u8>>,
    /// How many tensors the caller asked for (OUTPUTS).
    pub n_outputs: usize,
    /// The caller, for `redis.execute`.
    pub env: call::CallEnv,
}

impl Invocation {
    /// The call parsed from `argv`, made by the caller `env`.
    pub fn new<T: crate::args::Arg>(argv: &[T], c: &ScriptCall, env: call::CallEnv) -> Invocation {
        let bytes = |idx: &[usize]| idx.iter().map(|&i| argv[i].bytes().to_vec()).collect();
        Invocation {
            function: String::from_utf8_lossy(&c.function).into_owned(),
            keys: bytes(&c.keys),
            args: bytes(&c.args),
            n_outputs: c.outputs.len(),
            env,
        }
    }

    /// Runs the function now, on the calling thread (a worker), as the
    /// caller.
    pub fn run(&self, script: &Script, inputs: &[&Tensor]) -> Result<Vec<Tensor>> {
        call::with_env(self.env.clone(), || {
            script.run(
                &self.function,
                inputs,
                &self.keys,
                &self.args,
                self.n_outputs,
            )
        })
    }
}
