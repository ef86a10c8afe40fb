//! TorchScript models: the module is loaded once, in the C++ shim
//! (`torch_shim`), which runs forward() under no-grad; tensors are made and
//! read through `tch`, with its `f_*` APIs only, so a libtorch error is a
//! reply, never a panic. Outputs come back contiguous on the CPU.

use std::cell::Cell;
use std::sync::{Arc, Once};

use tch::{Kind, TchError};

use super::runtime::{LoadError, Loaded, Runtime};
use super::torch_shim::{self, ForwardError, Module};
use crate::error::Error;
use crate::model::Device;
use crate::tensor::{DType, Tensor};

pub const ERR_NO_CUDA: &str = "GPU requested but Torch couldn't find CUDA";

struct TorchModel {
    module: Module,
    device: tch::Device,
    size: usize,
}

/// libtorch's message without the C++ stack trace it appends.
pub(super) fn text(e: TchError) -> String {
    let t = match e {
        TchError::Torch(t) => t,
        other => other.to_string(),
    };
    trim_backtrace(t)
}

pub(super) fn trim_backtrace(t: String) -> String {
    match t.find("Exception raised from") {
        Some(i) => t[..i].trim_end().to_string(),
        None => t,
    }
}

/// INTER_OP_PARALLELISM can be set once per process, before any inter-op
/// work; INTRA_OP_PARALLELISM is per thread (OpenMP), so each worker
/// applies it before its first run.
pub(super) fn apply_threads() {
    static INTER: Once = Once::new();
    thread_local!(static INTRA: Cell<bool> = const { Cell::new(false) });
    INTER.call_once(|| {
        let inter = crate::config::read(|c| c.inter_op_parallelism);
        if inter > 0 {
            tch::set_num_interop_threads(inter as i32);
        }
    });
    INTRA.with(|done| {
        if !done.get() {
            let intra = crate::config::read(|c| c.intra_op_parallelism);
            if intra > 0 {
                tch::set_num_threads(intra as i32);
            }
            done.set(true);
        }
    });
}

/// Loads the module once, in the shim, which also reads forward()'s
/// schema from it.
pub fn load(device: Device, blob: &[u8]) -> Result<Loaded, LoadError> {
    let (device, index) = match device {
        Device::Cpu => (tch::Device::Cpu, None),
        Device::Gpu(id) => {
            if !tch::Cuda::is_available() {
                return Err(LoadError::environment(Error::raw(ERR_NO_CUDA)));
            }
            let id = id.unwrap_or(0) as usize;
            (tch::Device::Cuda(id), Some(id))
        }
    };
    apply_threads();
    let (module, schema) = torch_shim::load(blob, index).map_err(LoadError::corrupt)?;
    Ok(Loaded {
        runtime: Arc::new(TorchModel {
            module,
            device,
            size: blob.len(),
        }),
        inputs: schema.inputs,
        outputs: vec![String::new(); schema.outputs.unwrap_or(0)],
    })
}

fn kind_of(dtype: DType) -> Result<Kind, Error> {
    Ok(match dtype {
        DType::Float => Kind::Float,
        DType::Double => Kind::Double,
        DType::Int8 => Kind::Int8,
        DType::Int16 => Kind::Int16,
        DType::Int32 => Kind::Int,
        DType::Int64 => Kind::Int64,
        DType::Uint8 => Kind::Uint8,
        DType::Bool => Kind::Bool,
        DType::Uint16 | DType::String => {
            return Err(Error::err(format!(
                "{} tensors are not supported by the TORCH backend",
                dtype.name()
            )))
        }
    })
}

fn dtype_of(kind: Kind) -> Result<DType, Error> {
    Ok(match kind {
        Kind::Float => DType::Float,
        Kind::Double => DType::Double,
        Kind::Int8 => DType::Int8,
        Kind::Int16 => DType::Int16,
        Kind::Int => DType::Int32,
        Kind::Int64 => DType::Int64,
        Kind::Uint8 => DType::Uint8,
        Kind::Bool => DType::Bool,
        other => {
            return Err(Error::err(format!(
                "the model returned a tensor of unsupported type {other:?}"
            )))
        }
    })
}

pub(super) fn to_torch(t: &Tensor, device: tch::Device) -> Result<tch::Tensor, TchError> {
    let kind = kind_of(t.dtype()).map_err(|e| TchError::Kind(e.reply_text()))?;
    let x = tch::Tensor::f_from_data_size(t.data(), t.shape(), kind)?;
    if device == tch::Device::Cpu {
        Ok(x)
    } else {
        x.f_to_device_(device, kind, false, false)
    }
}

pub(super) fn from_torch(t: &tch::Tensor) -> Result<Tensor, Error> {
    let torch = |e: TchError| Error::raw(text(e));
    let kind = t.f_kind().map_err(torch)?;
    let dtype = dtype_of(kind)?;
    let t = if t.device() == tch::Device::Cpu {
        t.f_contiguous().map_err(torch)?
    } else {
        t.f_to_device_(tch::Device::Cpu, kind, false, false)
            .and_then(|c| c.f_contiguous())
            .map_err(torch)?
    };
    let numel = t.numel();
    let mut data = vec![0u8; numel * kind.elt_size_in_bytes()];
    t.f_copy_data_u8(&mut data, numel).map_err(torch)?;
    Tensor::from_parts(dtype, t.size(), data)
}

impl Runtime for TorchModel {
    fn run(&self, inputs: &[&Tensor]) -> Result<Vec<Option<Tensor>>, Error> {
        apply_threads();
        let args: Vec<tch::Tensor> = inputs
            .iter()
            .map(|t| to_torch(t, self.device))
            .collect::<Result<_, _>>()
            .map_err(|e| match e {
                TchError::Kind(k) => Error::raw(k),
                e => Error::raw(text(e)),
            })?;
        let tensors = self.module.forward(&args).map_err(|e| match e {
            ForwardError::Torch(t) => Error::raw(trim_backtrace(t)),
            ForwardError::NotATensor => {
                Error::err("the model returned a value that is not a tensor")
            }
        })?;
        tensors.iter().map(|t| from_torch(t).map(Some)).collect()
    }

    fn memory_estimate(&self) -> usize {
        self.size
    }
}
