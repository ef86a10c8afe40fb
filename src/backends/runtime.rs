//! The backend trait. It depends on nothing else in `backends`: each
//! backend implements it, and `backends::load` dispatches to them.

use std::sync::Arc;

use crate::error::Error;
use crate::tensor::Tensor;

/// A compiled model. Runs may come from several worker threads at once.
pub trait Runtime: Send + Sync {
    /// Runs the model. One entry per model output; `None` for an output that
    /// is not a tensor (an ONNX sequence or map), which is not written.
    fn run(&self, inputs: &[&Tensor]) -> Result<Vec<Option<Tensor>>, Error>;

    /// Estimated bytes held by the runtime, for `MEMORY USAGE`.
    fn memory_estimate(&self) -> usize;
}

/// A compiled model and the input and output names its backend reports.
pub struct Loaded {
    pub runtime: Arc<dyn Runtime>,
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
}

/// Why a model could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The reply.
    pub error: Error,
    /// True when the cause is this host (no GPU, backend not in this build
    /// or its library missing), not the model's bytes. An RDB load keeps
    /// such a model with its blob (Decision 11).
    pub environmental: bool,
}

impl LoadError {
    pub fn corrupt(text: impl Into<String>) -> Self {
        LoadError {
            error: Error::raw(text),
            environmental: false,
        }
    }

    /// A model error with the `ERR ` prefix.
    pub fn corrupt_err(text: impl Into<String>) -> Self {
        LoadError {
            error: Error::err(text),
            environmental: false,
        }
    }

    pub fn environment(error: Error) -> Self {
        LoadError {
            error,
            environmental: true,
        }
    }
}
