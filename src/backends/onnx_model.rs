//! ONNX models through ONNX Runtime (`ort`).
//!
//! One session per stored model. `ort` needs `&mut Session` to run (its
//! maintainers found ORT's `Run` unsafe to call concurrently on one
//! session), so runs of the same model take turns on a mutex; different
//! models run in parallel. MODEL_EXECUTION_TIMEOUT is enforced by a watchdog thread that
//! sets the run's terminate flag, which ORT checks between kernels.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use ort::session::builder::GraphOptimizationLevel;
use ort::session::{RunOptions, Session, SessionInputValue};
use ort::value::{DynValue, Tensor as OrtTensor, TensorElementType, ValueType};

use super::onnx_proto::has_external_initializers;
use super::runtime::{LoadError, Loaded, Runtime};
use super::watchdog;
use crate::error::Error;
use crate::model::Device;
use crate::tensor::{DType, Tensor};

pub const ERR_EXTERNAL: &str = "Initializer tensors with external data is not allowed.";

struct OnnxModel {
    session: Mutex<Session>,
    size: usize,
}

fn raw<R>(e: ort::Error<R>) -> Error {
    Error::raw(e.message().to_string())
}

pub fn load(device: Device, blob: &[u8]) -> Result<Loaded, LoadError> {
    if let Device::Gpu(_) = device {
        return Err(LoadError::environment(Error::err(
            "GPU requested but ONNX couldn't find CUDA",
        )));
    }
    let env = super::onnx::environment()
        .ok_or_else(|| LoadError::environment(Error::err("Could not load backend")))?;
    if has_external_initializers(blob) {
        return Err(LoadError::corrupt(ERR_EXTERNAL));
    }
    let cfg = crate::config::get();
    let corrupt = |e: Error| LoadError {
        error: e,
        environmental: false,
    };
    let mut builder = Session::builder(env)
        .map_err(raw)
        .map_err(corrupt)?
        .with_optimization_level(GraphOptimizationLevel::Level1)
        .map_err(raw)
        .map_err(corrupt)?;
    if cfg.intra_op_parallelism > 0 {
        builder = builder
            .with_intra_threads(cfg.intra_op_parallelism as usize)
            .map_err(raw)
            .map_err(corrupt)?;
    }
    if cfg.inter_op_parallelism > 0 {
        builder = builder
            .with_inter_threads(cfg.inter_op_parallelism as usize)
            .map_err(raw)
            .map_err(corrupt)?;
    }
    let session = builder
        .commit_from_memory(blob)
        .map_err(raw)
        .map_err(corrupt)?;
    let inputs = session
        .inputs()
        .iter()
        .map(|o| o.name().to_string())
        .collect();
    let outputs = session
        .outputs()
        .iter()
        .map(|o| o.name().to_string())
        .collect();
    Ok(Loaded {
        runtime: Arc::new(OnnxModel {
            session: Mutex::new(session),
            // ORT does not report a session's size; its weights are about
            // the size of the model file.
            size: blob.len(),
        }),
        inputs,
        outputs,
    })
}

fn le<const N: usize, T>(data: &[u8], f: fn([u8; N]) -> T) -> Vec<T> {
    data.chunks_exact(N)
        .map(|c| {
            let mut b = [0u8; N];
            b.copy_from_slice(c);
            f(b)
        })
        .collect()
}

fn input_value(t: &Tensor) -> Result<DynValue, Error> {
    let shape: Vec<i64> = t.shape().to_vec();
    let d = t.data();
    let v: DynValue = match t.dtype() {
        DType::Float => {
            OrtTensor::from_array((shape, le(d, f32::from_le_bytes))).map(|t| t.into_dyn())
        }
        DType::Double => {
            OrtTensor::from_array((shape, le(d, f64::from_le_bytes))).map(|t| t.into_dyn())
        }
        DType::Int8 => {
            OrtTensor::from_array((shape, le(d, i8::from_le_bytes))).map(|t| t.into_dyn())
        }
        DType::Int16 => {
            OrtTensor::from_array((shape, le(d, i16::from_le_bytes))).map(|t| t.into_dyn())
        }
        DType::Int32 => {
            OrtTensor::from_array((shape, le(d, i32::from_le_bytes))).map(|t| t.into_dyn())
        }
        DType::Int64 => {
            OrtTensor::from_array((shape, le(d, i64::from_le_bytes))).map(|t| t.into_dyn())
        }
        DType::Uint8 => OrtTensor::from_array((shape, d.to_vec())).map(|t| t.into_dyn()),
        DType::Uint16 => {
            OrtTensor::from_array((shape, le(d, u16::from_le_bytes))).map(|t| t.into_dyn())
        }
        DType::Bool => {
            OrtTensor::from_array((shape, d.iter().map(|&b| b != 0).collect::<Vec<bool>>()))
                .map(|t| t.into_dyn())
        }
        DType::String => {
            let strings: Vec<String> = t
                .string_elements()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect();
            OrtTensor::from_string_array((shape, strings.as_slice())).map(|t| t.into_dyn())
        }
    }
    .map_err(raw)?;
    Ok(v)
}

fn bytes_of<T: Copy, const N: usize>(v: &[T], f: fn(T) -> [u8; N]) -> Vec<u8> {
    v.iter().flat_map(|&x| f(x)).collect()
}

fn output_tensor(v: &DynValue) -> Result<Option<Tensor>, Error> {
    let ValueType::Tensor { ty, .. } = v.dtype() else {
        return Ok(None); // a sequence or map (e.g. sklearn's ZipMap): skipped
    };
    macro_rules! numeric {
        ($t:ty, $dtype:expr) => {{
            let (shape, data) = v.try_extract_tensor::<$t>().map_err(raw)?;
            ($dtype, shape.to_vec(), bytes_of(data, <$t>::to_le_bytes))
        }};
    }
    let (dtype, shape, data) = match ty {
        TensorElementType::Float32 => numeric!(f32, DType::Float),
        TensorElementType::Float64 => numeric!(f64, DType::Double),
        TensorElementType::Int8 => numeric!(i8, DType::Int8),
        TensorElementType::Int16 => numeric!(i16, DType::Int16),
        TensorElementType::Int32 => numeric!(i32, DType::Int32),
        TensorElementType::Int64 => numeric!(i64, DType::Int64),
        TensorElementType::Uint8 => numeric!(u8, DType::Uint8),
        TensorElementType::Uint16 => numeric!(u16, DType::Uint16),
        TensorElementType::Bool => {
            let (shape, data) = v.try_extract_tensor::<bool>().map_err(raw)?;
            (
                DType::Bool,
                shape.to_vec(),
                data.iter().map(|&b| u8::from(b)).collect(),
            )
        }
        TensorElementType::String => {
            let (shape, strings) = v.try_extract_strings().map_err(raw)?;
            let mut data = Vec::new();
            for s in strings {
                data.extend_from_slice(s.as_bytes());
                data.push(0);
            }
            (DType::String, shape.to_vec(), data)
        }
        other => {
            return Err(Error::err(format!(
                "unsupported output tensor type {other:?}"
            )))
        }
    };
    Tensor::from_parts(dtype, shape, data).map(Some)
}

impl Runtime for OnnxModel {
    fn run(&self, inputs: &[&Tensor]) -> Result<Vec<Option<Tensor>>, Error> {
        let values: Vec<SessionInputValue<'_>> = inputs
            .iter()
            .map(|t| input_value(t).map(SessionInputValue::from))
            .collect::<Result<_, _>>()?;
        let options = Arc::new(RunOptions::new().map_err(raw)?);
        let limit = crate::config::read(|c| c.model_execution_timeout);
        let mut session = self.session.lock().unwrap_or_else(PoisonError::into_inner);
        let expected = session.inputs().len();
        if expected != values.len() {
            return Err(Error::err(format!(
                "Expected {expected} inputs but got {}",
                values.len()
            )));
        }
        // Armed after the lock: time spent waiting for the session is not
        // the model's.
        let _armed = (limit > 0).then(|| {
            let o = Arc::clone(&options);
            watchdog::arm(
                Instant::now() + Duration::from_millis(limit as u64),
                Box::new(move || {
                    let _ = o.terminate();
                }),
            )
        });
        let outputs = session
            .run_with_options(values.as_slice(), &*options)
            .map_err(raw)?;
        (0..outputs.len())
            .map(|i| output_tensor(&outputs[i]))
            .collect()
    }

    fn memory_estimate(&self) -> usize {
        self.size
    }
}
