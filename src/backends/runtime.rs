//! The backend trait and the one entry point that compiles a model.

use std::sync::Arc;

use super::BackendKind;
use crate::error::Error;
use crate::model::Device;
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

    pub fn environment(error: Error) -> Self {
        LoadError {
            error,
            environmental: true,
        }
    }
}

/// Compiles `blob` for `kind` on `device`.
pub fn load(kind: BackendKind, device: Device, blob: &[u8]) -> Result<Loaded, LoadError> {
    match kind {
        #[cfg(feature = "torch")]
        BackendKind::Torch => super::torch_model::load(device, blob),
        #[cfg(feature = "onnx")]
        BackendKind::Onnx => super::onnx_model::load(device, blob),
        _ => {
            let _ = (device, blob);
            Err(LoadError::environment(Error::err("Could not load backend")))
        }
    }
}
