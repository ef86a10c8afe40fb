//! DAGs: AI.DAGEXECUTE, AI.DAGEXECUTE_RO and the deprecated AI.DAGRUN[_RO].
//! Redis-free: the keyspace is reached through [`Keyspace`].
//!
//! A DAG is parsed on the main thread into slots (one per tensor version:
//! each op output makes a new version of its name, so later ops see the
//! latest) and ops over slot indices. LOADed tensors are snapshots and
//! TENSORSETs are built at parse time. Then each model, script or VSIM op
//! goes to its own device queue (see [`run`]): ops on one device run in DAG
//! order, ops on different devices in parallel once their inputs exist, and
//! a model op is an ordinary job there, so it batches with standalone
//! requests. The first failing op stops the DAG; the ops not yet started
//! reply `NA`.

mod parse;
mod run;
mod vsim;

pub use parse::{dag_keys, parse, Flavor, Keyspace};
pub use run::{run_inline, start, Finished};
pub use vsim::VsimOp;

use std::sync::Arc;

use crate::error::Error;
use crate::model::Model;
use crate::script::{Invocation, Script};
use crate::tensor::{GetFormat, Tensor};

/// One op of a DAG.
pub enum Op {
    /// Already done at parse time.
    TensorSet,
    TensorGet {
        slot: usize,
        format: GetFormat,
    },
    Model {
        model: Arc<Model>,
        inputs: Vec<usize>,
        outputs: Vec<usize>,
    },
    Script {
        script: Arc<Script>,
        call: Invocation,
        inputs: Vec<usize>,
        outputs: Vec<usize>,
    },
    /// AI.VSIM on a vector set, from a DAG tensor.
    Vsim(Box<VsimOp>),
}

impl Op {
    /// The device queue the op runs on; `None` for the ops done at parse
    /// time or at reply time.
    pub fn queue(&self) -> Option<String> {
        match self {
            Op::TensorSet | Op::TensorGet { .. } => None,
            Op::Model { model, .. } => Some(model.queue_name()),
            Op::Script { script, .. } => Some(script.queue_name()),
            Op::Vsim(_) => Some("CPU".to_string()),
        }
    }

    /// The slots the op reads and writes.
    pub fn io(&self) -> (&[usize], &[usize]) {
        match self {
            Op::TensorSet | Op::TensorGet { .. } => (&[], &[]),
            Op::Model {
                inputs, outputs, ..
            }
            | Op::Script {
                inputs, outputs, ..
            } => (inputs, outputs),
            Op::Vsim(v) => (std::slice::from_ref(&v.query), &v.outputs),
        }
    }
}

/// A parsed DAG, ready to run.
pub struct Dag {
    pub slots: Vec<Option<Arc<Tensor>>>,
    pub ops: Vec<Op>,
    /// Keys to write after a successful run, and the slot each gets.
    pub persist: Vec<(Vec<u8>, usize)>,
    /// TIMEOUT in milliseconds.
    pub timeout: Option<u64>,
}

/// How one op ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpResult {
    Ok,
    Err(Error),
    /// Never executed: an earlier op failed.
    NotRun,
}

impl Dag {
    /// Whether every op succeeded (then PERSIST happens).
    pub fn succeeded(results: &[OpResult]) -> bool {
        results.iter().all(|r| *r == OpResult::Ok)
    }

    /// Whether nothing needs a worker (only TENSORSET and TENSORGET).
    pub fn is_trivial(&self) -> bool {
        self.ops.iter().all(|o| o.queue().is_none())
    }
}

#[cfg(test)]
mod tests;
