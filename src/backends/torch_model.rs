//! TorchScript models through `tch` (libtorch). Only `f_*` APIs are used,
//! so a libtorch error is a reply, never a panic. Runs are under no-grad,
//! and outputs come back contiguous on the CPU.

use std::cell::Cell;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int};
use std::sync::{Arc, Once};

use tch::{CModule, IValue, Kind, TchError};

use super::runtime::{LoadError, Loaded, Runtime};
use crate::error::Error;
use crate::model::Device;
use crate::tensor::{DType, Tensor};

pub const ERR_NO_CUDA: &str = "GPU requested but Torch couldn't find CUDA";

extern "C" {
    fn redisai_torch_schema(
        data: *const c_char,
        len: usize,
        out: *mut *mut c_char,
        err: *mut *mut c_char,
    ) -> c_int;
    fn redisai_torch_free(p: *mut c_char);
}

struct TorchModel {
    module: CModule,
    device: tch::Device,
    size: usize,
}

/// libtorch's message without the C++ stack trace it appends.
fn text(e: TchError) -> String {
    let t = match e {
        TchError::Torch(t) => t,
        other => other.to_string(),
    };
    match t.find("Exception raised from") {
        Some(i) => t[..i].trim_end().to_string(),
        None => t,
    }
}

/// Takes a string the shim allocated.
///
/// # Safety
/// `p` is null or a NUL-terminated string from `redisai_torch_schema`,
/// not yet freed.
unsafe fn take(p: *mut c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: see the function's contract; freed exactly once here.
    unsafe {
        let s = CStr::from_ptr(p).to_string_lossy().into_owned();
        redisai_torch_free(p);
        s
    }
}

/// forward()'s argument names (without `self`) and its tensor output count
/// (`None` when it returns a list).
fn schema(blob: &[u8]) -> Result<(Vec<String>, Option<usize>), String> {
    let (mut out, mut err) = (std::ptr::null_mut(), std::ptr::null_mut());
    // SAFETY: the shim reads `len` bytes at `data`, catches every C++
    // exception, and sets `out` or `err` to malloc'd strings that `take` frees.
    let (status, out, err) = unsafe {
        let status = redisai_torch_schema(blob.as_ptr().cast(), blob.len(), &mut out, &mut err);
        (status, take(out), take(err))
    };
    if status != 0 {
        return Err(if err.is_empty() {
            "could not read the model's forward() schema".to_string()
        } else {
            err
        });
    }
    let mut lines = out.lines();
    let count: i64 = lines.next().and_then(|l| l.parse().ok()).unwrap_or(0);
    let inputs = lines.map(str::to_string).collect();
    Ok((inputs, usize::try_from(count).ok()))
}

/// INTER_OP_PARALLELISM can be set once per process, before any inter-op
/// work; INTRA_OP_PARALLELISM is per thread (OpenMP), so each worker
/// applies it before its first run.
fn apply_threads() {
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

pub fn load(device: Device, blob: &[u8]) -> Result<Loaded, LoadError> {
    let device = match device {
        Device::Cpu => tch::Device::Cpu,
        Device::Gpu(id) => {
            if !tch::Cuda::is_available() {
                return Err(LoadError::environment(Error::raw(ERR_NO_CUDA)));
            }
            tch::Device::Cuda(id.unwrap_or(0) as usize)
        }
    };
    apply_threads();
    let (inputs, outputs) = schema(blob).map_err(LoadError::corrupt)?;
    let mut module = CModule::load_data_on_device(&mut &blob[..], device)
        .map_err(|e| LoadError::corrupt(text(e)))?;
    module
        .f_set_eval()
        .map_err(|e| LoadError::corrupt(text(e)))?;
    Ok(Loaded {
        runtime: Arc::new(TorchModel {
            module,
            device,
            size: blob.len(),
        }),
        inputs,
        outputs: vec![String::new(); outputs.unwrap_or(0)],
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

fn to_torch(t: &Tensor, device: tch::Device) -> Result<tch::Tensor, TchError> {
    let kind = kind_of(t.dtype()).map_err(|e| TchError::Kind(e.reply_text()))?;
    let x = tch::Tensor::f_from_data_size(t.data(), t.shape(), kind)?;
    if device == tch::Device::Cpu {
        Ok(x)
    } else {
        x.f_to_device_(device, kind, false, false)
    }
}

fn from_torch(t: &tch::Tensor) -> Result<Tensor, Error> {
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

fn flatten(v: IValue, out: &mut Vec<tch::Tensor>) -> Result<(), Error> {
    match v {
        IValue::Tensor(t) => out.push(t),
        IValue::Tuple(items) | IValue::GenericList(items) => {
            for i in items {
                flatten(i, out)?;
            }
        }
        IValue::TensorList(ts) => out.extend(ts),
        _ => {
            return Err(Error::err(
                "the model returned a value that is not a tensor",
            ))
        }
    }
    Ok(())
}

impl Runtime for TorchModel {
    fn run(&self, inputs: &[&Tensor]) -> Result<Vec<Option<Tensor>>, Error> {
        apply_threads();
        let _no_grad = tch::no_grad_guard();
        let args: Vec<IValue> = inputs
            .iter()
            .map(|t| to_torch(t, self.device).map(IValue::Tensor))
            .collect::<Result<_, _>>()
            .map_err(|e| match e {
                TchError::Kind(k) => Error::raw(k),
                e => Error::raw(text(e)),
            })?;
        let result = self
            .module
            .forward_is(&args)
            .map_err(|e| Error::raw(text(e)))?;
        let mut tensors = Vec::new();
        flatten(result, &mut tensors)?;
        tensors.iter().map(|t| from_torch(t).map(Some)).collect()
    }

    fn memory_estimate(&self) -> usize {
        self.size
    }
}
