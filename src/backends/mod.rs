//! Inference backends, compiled in through cargo features (Decision 10:
//! nothing is loaded from separate backend files).
//!
//! Every backend implements [`Runtime`]: it is compiled from a model's
//! bytes once, then runs on byte-owned [`crate::tensor::Tensor`]s from any
//! worker thread.

#[cfg(any(feature = "onnx", feature = "tf", feature = "tflite"))]
mod dylib;
#[cfg(feature = "onnx")]
pub mod onnx;
#[cfg(feature = "onnx")]
mod onnx_model;
mod onnx_proto;
mod runtime;
#[cfg(feature = "tflite")]
mod sandbox;
#[cfg(feature = "tf")]
pub mod tf;
#[cfg(feature = "tf")]
mod tf_model;
#[cfg(feature = "tflite")]
pub mod tflite;
#[cfg(feature = "tflite")]
mod tflite_model;
#[cfg(feature = "torch")]
pub mod torch;
#[cfg(feature = "torch")]
mod torch_model;
#[cfg(feature = "torch")]
mod torch_script;
#[cfg(feature = "torch")]
mod torch_shim;
#[cfg(feature = "onnx")]
mod watchdog;

pub use onnx_proto::has_external_initializers;
pub use runtime::{LoadError, Loaded, Runtime};

use crate::error::Error;
use crate::model::Device;

/// Compiles `blob` for `kind` on `device`. `inputs` and `outputs` are the
/// names MODELSTORE declared (TF only; the other backends report theirs).
pub fn load(
    kind: BackendKind,
    device: Device,
    blob: &[u8],
    inputs: &[String],
    outputs: &[String],
) -> Result<Loaded, LoadError> {
    let _ = (inputs, outputs);
    match kind {
        #[cfg(feature = "torch")]
        BackendKind::Torch => torch_model::load(device, blob),
        #[cfg(feature = "onnx")]
        BackendKind::Onnx => onnx_model::load(device, blob),
        #[cfg(feature = "tf")]
        BackendKind::Tf => tf_model::load(device, blob, inputs, outputs),
        #[cfg(feature = "tflite")]
        BackendKind::Tflite => tflite_model::load(device, blob),
        #[allow(unreachable_patterns)]
        _ => {
            let _ = (device, blob);
            Err(LoadError::environment(Error::err("Could not load backend")))
        }
    }
}

/// The backend names RedisAI knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Tf,
    Tflite,
    Torch,
    Onnx,
}

impl BackendKind {
    /// Parses `TF|TFLITE|TORCH|ONNX`, case-insensitively.
    pub fn parse(name: &[u8]) -> Option<BackendKind> {
        [
            BackendKind::Tf,
            BackendKind::Tflite,
            BackendKind::Torch,
            BackendKind::Onnx,
        ]
        .into_iter()
        .find(|k| k.name().as_bytes().eq_ignore_ascii_case(name))
    }

    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Tf => "TF",
            BackendKind::Tflite => "TFLITE",
            BackendKind::Torch => "TORCH",
            BackendKind::Onnx => "ONNX",
        }
    }

    /// Whether this build contains the backend.
    pub fn compiled_in(self) -> bool {
        match self {
            BackendKind::Torch => cfg!(feature = "torch"),
            BackendKind::Onnx => cfg!(feature = "onnx"),
            BackendKind::Tf => cfg!(feature = "tf"),
            BackendKind::Tflite => cfg!(feature = "tflite"),
        }
    }
}

/// Compiles a TorchScript script for `device`, checking its entry points.
/// The error's flag is true when the cause is this host, not the source.
pub fn compile_script(
    device: crate::model::Device,
    source: &[u8],
    entry_points: &[String],
) -> Result<std::sync::Arc<dyn crate::script::ScriptRuntime>, (crate::error::Error, bool)> {
    #[cfg(feature = "torch")]
    return torch_script::compile(device, source, entry_points);
    #[cfg(not(feature = "torch"))]
    {
        let _ = (device, source, entry_points);
        Err((crate::error::Error::err("Could not load backend"), true))
    }
}

/// The libtorch version this build links, if torch is compiled in.
pub fn torch_version() -> Option<&'static str> {
    #[cfg(feature = "torch")]
    return Some(torch::VERSION);
    #[cfg(not(feature = "torch"))]
    None
}

/// The loaded ONNX Runtime version, if ONNX is compiled in and its library
/// was found.
pub fn onnx_version() -> Option<String> {
    #[cfg(feature = "onnx")]
    return onnx::version();
    #[cfg(not(feature = "onnx"))]
    None
}

/// Where the loaded ONNX Runtime library came from, for the log.
pub fn onnx_library_path() -> Option<String> {
    #[cfg(feature = "onnx")]
    return onnx::loaded().map(|(_, p)| p.display().to_string());
    #[cfg(not(feature = "onnx"))]
    None
}

/// The loaded TensorFlow version, once the first TF model loaded it.
pub fn tf_version() -> Option<String> {
    #[cfg(feature = "tf")]
    return tf::version();
    #[cfg(not(feature = "tf"))]
    None
}

/// The loaded LiteRT version, once the first TFLITE model loaded it.
pub fn tflite_version() -> Option<String> {
    #[cfg(feature = "tflite")]
    return tflite::version();
    #[cfg(not(feature = "tflite"))]
    None
}

/// Makes sure a compiled-in backend is usable, loading its library from
/// `library` (or the default places) if it is not loaded yet.
pub fn ensure_loaded(kind: BackendKind, library: Option<&str>) -> Result<(), String> {
    match kind {
        #[cfg(feature = "torch")]
        BackendKind::Torch => Ok(()),
        #[cfg(feature = "onnx")]
        BackendKind::Onnx => onnx::load(library).map(|_| ()),
        #[cfg(feature = "tf")]
        BackendKind::Tf => tf::load(library).map(|_| ()),
        #[cfg(feature = "tflite")]
        BackendKind::Tflite => tflite::load(library).map(|_| ()),
        #[allow(unreachable_patterns)]
        _ => {
            let _ = library;
            Err(format!(
                "the {} backend is not compiled into this build",
                kind.name()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_names() {
        assert_eq!(BackendKind::parse(b"torch"), Some(BackendKind::Torch));
        assert_eq!(BackendKind::parse(b"TFLite"), Some(BackendKind::Tflite));
        assert_eq!(BackendKind::parse(b"PYTORCH"), None);
        assert_eq!(BackendKind::Tf.compiled_in(), cfg!(feature = "tf"));
        assert_eq!(BackendKind::Torch.compiled_in(), cfg!(feature = "torch"));
        assert_eq!(torch_version().is_some(), cfg!(feature = "torch"));
    }
}
