//! DAGs: AI.DAGEXECUTE, AI.DAGEXECUTE_RO and the deprecated AI.DAGRUN[_RO].
//! Redis-free: the keyspace is reached through [`Keyspace`].
//!
//! A DAG is parsed on the main thread into slots (one per tensor version:
//! each op output makes a new version of its name, so later ops see the
//! latest) and ops over slot indices. LOADed tensors are snapshots and
//! TENSORSETs are built at parse time. The DAG then runs as one task on a
//! device queue (the first model's, else `CPU`), its ops in order; the first
//! failing op stops it, and the ops after it reply `NA`.

mod parse;

pub use parse::{dag_keys, parse, Flavor, Keyspace};

use std::sync::Arc;

use crate::error::Error;
use crate::model::Model;
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
}

/// A parsed DAG, ready to run.
pub struct Dag {
    pub slots: Vec<Option<Arc<Tensor>>>,
    pub ops: Vec<Op>,
    /// Keys to write after a successful run, and the slot each gets.
    pub persist: Vec<(Vec<u8>, usize)>,
    /// TIMEOUT in milliseconds.
    pub timeout: Option<u64>,
    /// The device queue the DAG runs on.
    pub queue: String,
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
    /// Runs the ops in order (on a worker thread). Returns one result per op.
    pub fn run(&mut self) -> Vec<OpResult> {
        let mut results = Vec::with_capacity(self.ops.len());
        let mut failed = false;
        for op in &self.ops {
            if failed {
                results.push(OpResult::NotRun);
                continue;
            }
            let r = match op {
                Op::TensorSet | Op::TensorGet { .. } => OpResult::Ok,
                Op::Model {
                    model,
                    inputs,
                    outputs,
                } => run_model(model, inputs, outputs, &mut self.slots),
            };
            failed = matches!(r, OpResult::Err(_));
            results.push(r);
        }
        results
    }

    /// Whether every op succeeded (then PERSIST happens).
    pub fn succeeded(results: &[OpResult]) -> bool {
        results.iter().all(|r| *r == OpResult::Ok)
    }
}

fn run_model(
    model: &Model,
    inputs: &[usize],
    outputs: &[usize],
    slots: &mut [Option<Arc<Tensor>>],
) -> OpResult {
    let args: Option<Vec<Arc<Tensor>>> = inputs
        .iter()
        .map(|&i| slots.get(i).cloned().flatten())
        .collect();
    let Some(args) = args else {
        return OpResult::Err(Error::err("INPUT key cannot be found in DAG"));
    };
    let refs: Vec<&Tensor> = args.iter().map(|t| t.as_ref()).collect();
    match crate::engine::run_now(model, &refs) {
        Ok(produced) => {
            for (&slot, t) in outputs.iter().zip(produced) {
                if let (Some(s), Some(t)) = (slots.get_mut(slot), t) {
                    *s = Some(Arc::new(t));
                }
            }
            OpResult::Ok
        }
        Err(e) => OpResult::Err(e),
    }
}

#[cfg(test)]
mod tests;
