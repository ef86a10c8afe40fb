//! TFLITE models: a `.tflite` flatbuffer compiled by LiteRT for the CPU.
//!
//! Inputs and outputs are the main subgraph's, in its order (the order of
//! TFLite's interpreter, which RedisAI used). Inputs whose shapes differ
//! from the model's get a compiled model of their own, resized once
//! (`ResizeInputTensorNonStrict`, so a model converted at batch 1 takes a
//! batch of any size), and the outputs take the shapes LiteRT then reports.
//! A compiled model keeps the buffers of its last run bound, so resizing one
//! that has run fails ("Custom allocation is too small"): the module keeps
//! one compiled model per input shape instead, the [`SHAPES`] most recently
//! used. A compiled model is not re-entrant: runs of one model take turns on
//! a mutex, different models run in parallel.

use std::sync::{Arc, Mutex, PoisonError};

use super::runtime::{LoadError, Loaded, Runtime};
use std::ffi::c_void;

use super::tflite::guard::{self, ErrText};
use super::tflite::{buffer, sys, Buffers, Host, Runtime as LiteRt};
use crate::error::Error;
use crate::model::Device;
use crate::tensor::{DType, Tensor};

pub const ERR_LOAD: &str = "Failed to load model from buffer";
pub const ERR_TYPE: &str =
    "Input tensor type doesn't match the type expected by the model definition";

/// One model input or output.
struct Port {
    /// Its index in the signature (the order LiteRT's run takes).
    sig_index: usize,
    ty: sys::LiteRtRankedTensorType,
    dtype: DType,
}

/// How many compiled models (input shapes) a model keeps.
pub const SHAPES: usize = 8;

/// The model compiled for one set of input shapes.
struct Compiled {
    handle: sys::LiteRtCompiledModel,
    shapes: Vec<Vec<i32>>,
    /// The output layouts at these shapes, in signature order.
    layouts: Vec<sys::LiteRtLayout>,
    last_used: u64,
}

#[derive(Default)]
struct State {
    compiled: Vec<Compiled>,
    clock: u64,
}

struct TfliteModel {
    rt: &'static LiteRt,
    model: sys::LiteRtModel,
    /// The flatbuffer, which LiteRT reads in place: 8-byte aligned, and
    /// kept as long as the model.
    _bytes: Vec<u64>,
    state: Mutex<State>,
    inputs: Vec<Port>,
    outputs: Vec<Port>,
    size: usize,
}

// SAFETY: the model is only read after load, and every use of the compiled
// model happens under `state`'s mutex.
unsafe impl Send for TfliteModel {}
unsafe impl Sync for TfliteModel {}

impl Drop for TfliteModel {
    fn drop(&mut self) {
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        // SAFETY: made in `load` or `compile`, destroyed once, the compiled
        // models first.
        unsafe {
            for c in state.compiled.drain(..) {
                self.rt.api.LiteRtDestroyCompiledModel(c.handle);
            }
            self.rt.api.LiteRtDestroyModel(self.model);
        }
    }
}

fn dtype_of(t: sys::LiteRtElementType) -> Option<DType> {
    use DType::*;
    [
        (sys::LiteRtElementType_kLiteRtElementTypeFloat32, Float),
        (sys::LiteRtElementType_kLiteRtElementTypeFloat64, Double),
        (sys::LiteRtElementType_kLiteRtElementTypeInt8, Int8),
        (sys::LiteRtElementType_kLiteRtElementTypeInt16, Int16),
        (sys::LiteRtElementType_kLiteRtElementTypeInt32, Int32),
        (sys::LiteRtElementType_kLiteRtElementTypeInt64, Int64),
        (sys::LiteRtElementType_kLiteRtElementTypeUInt8, Uint8),
        (sys::LiteRtElementType_kLiteRtElementTypeUInt16, Uint16),
        (sys::LiteRtElementType_kLiteRtElementTypeBool, Bool),
    ]
    .into_iter()
    .find_map(|(code, d)| (code == t).then_some(d))
}

fn check(status: sys::LiteRtStatus, what: &str) -> Result<(), Error> {
    if status == 0 {
        Ok(())
    } else {
        Err(Error::raw(format!(
            "{what} failed (LiteRT status {status})"
        )))
    }
}

fn dims(ty: &sys::LiteRtRankedTensorType) -> Vec<i32> {
    let rank = (ty.layout.rank() as usize).min(ty.layout.dimensions.len());
    ty.layout.dimensions[..rank].to_vec()
}

/// The signature's ports in the order of the main subgraph.
///
/// # Safety
/// `sig` is a live signature of a loaded model.
unsafe fn ports(
    api: &sys::LiteRtApi,
    sig: sys::LiteRtSignature,
    inputs: bool,
) -> Result<(Vec<Port>, Vec<String>), Error> {
    let mut sub: sys::LiteRtSubgraph = std::ptr::null_mut();
    check(
        api.LiteRtGetSignatureSubgraph(sig, &mut sub),
        "LiteRtGetSignatureSubgraph",
    )?;
    let (mut n_sig, mut n_sub) = (0, 0);
    if inputs {
        check(
            api.LiteRtGetNumSignatureInputs(sig, &mut n_sig),
            "signature inputs",
        )?;
        check(
            api.LiteRtGetNumSubgraphInputs(sub, &mut n_sub),
            "subgraph inputs",
        )?;
    } else {
        check(
            api.LiteRtGetNumSignatureOutputs(sig, &mut n_sig),
            "signature outputs",
        )?;
        check(
            api.LiteRtGetNumSubgraphOutputs(sub, &mut n_sub),
            "subgraph outputs",
        )?;
    }
    let mut in_sig = Vec::with_capacity(n_sig);
    for i in 0..n_sig {
        let mut t: sys::LiteRtTensor = std::ptr::null_mut();
        let s = if inputs {
            api.LiteRtGetSignatureInputTensorByIndex(sig, i, &mut t)
        } else {
            api.LiteRtGetSignatureOutputTensorByIndex(sig, i, &mut t)
        };
        check(s, "signature tensor")?;
        in_sig.push(t);
    }
    let mut ports = Vec::new();
    let mut names = Vec::new();
    for j in 0..n_sub {
        let mut t: sys::LiteRtTensor = std::ptr::null_mut();
        let s = if inputs {
            api.LiteRtGetSubgraphInput(sub, j, &mut t)
        } else {
            api.LiteRtGetSubgraphOutput(sub, j, &mut t)
        };
        check(s, "subgraph tensor")?;
        let Some(sig_index) = in_sig.iter().position(|&x| x == t) else {
            continue;
        };
        let mut ty = sys::LiteRtRankedTensorType::default();
        check(api.LiteRtGetRankedTensorType(t, &mut ty), "tensor type")?;
        let dtype = dtype_of(ty.element_type).ok_or_else(|| {
            Error::raw(format!(
                "unsupported TFLITE tensor type {}",
                ty.element_type
            ))
        })?;
        let mut name: *const std::ffi::c_char = std::ptr::null();
        check(api.LiteRtGetTensorName(t, &mut name), "tensor name")?;
        names.push(if name.is_null() {
            String::new()
        } else {
            std::ffi::CStr::from_ptr(name)
                .to_string_lossy()
                .into_owned()
        });
        ports.push(Port {
            sig_index,
            ty,
            dtype,
        });
    }
    if ports.len() != in_sig.len() {
        return Err(Error::raw(ERR_LOAD));
    }
    Ok((ports, names))
}

pub fn load(device: Device, blob: &[u8]) -> Result<Loaded, LoadError> {
    if let Device::Gpu(_) = device {
        return Err(LoadError::environment(Error::err("Unsupported device")));
    }
    let explicit = crate::config::read(|c| c.tflite_library.clone());
    super::tflite::load(explicit.as_deref())
        .map_err(|_| LoadError::environment(Error::err("Could not load backend")))?;
    let rt = super::tflite::runtime()
        .ok_or_else(|| LoadError::environment(Error::err("Could not load backend")))?;
    preflight(rt, blob)?;
    let (m, inputs, outputs) = compile_model(rt, blob)?;
    Ok(Loaded {
        runtime: Arc::new(m),
        inputs,
        outputs,
    })
}

/// How long the sandboxed check of a new model may take.
const PREFLIGHT_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

/// LiteRT 2.1.4 does not verify a flatbuffer before it reads it: about one
/// in 600 randomly corrupted models aborts or segfaults it (measured in
/// docs/design.md). So a new model is first compiled and run once, on zeros
/// at its own shapes, in a forked child (`sandbox`); only a model that
/// leaves the child alive is compiled here.
fn preflight(rt: &'static LiteRt, blob: &[u8]) -> Result<(), LoadError> {
    let check = || match compile_model(rt, blob) {
        Ok((m, _, _)) => {
            let zeros: Vec<Tensor> = m
                .inputs
                .iter()
                .filter_map(|p| {
                    let shape: Vec<i64> =
                        dims(&p.ty).iter().map(|&d| i64::from(d.max(1))).collect();
                    let n: usize = shape.iter().map(|&d| d as usize).product();
                    let size = n * p.dtype.elem_size().unwrap_or(1);
                    Tensor::from_parts(p.dtype, shape, vec![0; size]).ok()
                })
                .collect();
            let refs: Vec<&Tensor> = zeros.iter().collect();
            // A run error is an answer, not a crash: the real load gives it.
            let _ = m.run(&refs);
            0
        }
        Err(_) => 2,
    };
    match super::sandbox::run(PREFLIGHT_DEADLINE, check) {
        Ok(_) => Ok(()),
        Err(super::sandbox::Failure::Crashed(sig)) => Err(LoadError::corrupt(if sig > 0 {
            format!("{ERR_LOAD} (it crashed LiteRT with signal {sig} in a sandboxed check)")
        } else {
            format!("{ERR_LOAD} (it crashed LiteRT in a sandboxed check)")
        })),
        Err(super::sandbox::Failure::TimedOut) => Err(LoadError::corrupt(format!(
            "{ERR_LOAD} (its sandboxed check did not finish in {} s)",
            PREFLIGHT_DEADLINE.as_secs()
        ))),
        Err(super::sandbox::Failure::Unknown(why)) => Err(LoadError::environment(Error::err(
            format!("could not check the TFLITE model ({why}); try again"),
        ))),
    }
}

/// Creates and compiles the model in this process, returning it with its
/// input and output names.
fn compile_model(
    rt: &'static LiteRt,
    blob: &[u8],
) -> Result<(TfliteModel, Vec<String>, Vec<String>), LoadError> {
    let api = &rt.api;
    let corrupt = |e: Error| LoadError {
        error: e,
        environmental: false,
    };
    let mut bytes = vec![0u64; blob.len().div_ceil(8)];
    // SAFETY: `bytes` holds at least blob.len() bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(blob.as_ptr(), bytes.as_mut_ptr().cast::<u8>(), blob.len())
    };
    let mut model: sys::LiteRtModel = std::ptr::null_mut();
    let mut err = ErrText::new();
    // SAFETY: the buffer outlives the model (both live in TfliteModel); the
    // guard calls the table's function with these arguments.
    let status = unsafe {
        guard::redisai_litert_create_model(
            api.LiteRtCreateModelFromBuffer as *const c_void,
            bytes.as_ptr().cast(),
            blob.len(),
            (&mut model as *mut sys::LiteRtModel).cast(),
            err.ptr(),
            err.0.len(),
        )
    };
    if status != 0 || model.is_null() {
        return Err(LoadError::corrupt(ERR_LOAD));
    }
    let mut m = TfliteModel {
        rt,
        model,
        _bytes: bytes,
        state: Mutex::new(State::default()),
        inputs: Vec::new(),
        outputs: Vec::new(),
        size: blob.len(),
    };
    // SAFETY: handles come from the calls above and are checked; the model
    // owns what is made here (dropped with `m` on error).
    unsafe {
        let mut n = 0;
        check(api.LiteRtGetNumModelSignatures(model, &mut n), "signatures").map_err(corrupt)?;
        if n == 0 {
            return Err(LoadError::corrupt(ERR_LOAD));
        }
        let mut sig: sys::LiteRtSignature = std::ptr::null_mut();
        check(api.LiteRtGetModelSignature(model, 0, &mut sig), "signature").map_err(corrupt)?;
        let (inputs, input_names) = ports(api, sig, true).map_err(corrupt)?;
        let (outputs, output_names) = ports(api, sig, false).map_err(corrupt)?;
        let shapes: Vec<Vec<i32>> = inputs.iter().map(|p| dims(&p.ty)).collect();
        let n_out = outputs.len();
        let compiled = compile(rt, model, &inputs, &shapes, n_out).map_err(corrupt)?;
        m.state
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .compiled
            .push(compiled);
        m.inputs = inputs;
        m.outputs = outputs;
        Ok((m, input_names, output_names))
    }
}

/// Compiles `model` for the CPU at input `shapes`.
fn compile(
    rt: &LiteRt,
    model: sys::LiteRtModel,
    inputs: &[Port],
    shapes: &[Vec<i32>],
    n_out: usize,
) -> Result<Compiled, Error> {
    let api = &rt.api;
    // SAFETY: a live environment and model; `options` and the compiled model
    // are destroyed on every error path.
    unsafe {
        let mut options: sys::LiteRtOptions = std::ptr::null_mut();
        check(api.LiteRtCreateOptions(&mut options), "options")?;
        let s = api.LiteRtSetOptionsHardwareAccelerators(
            options,
            sys::LiteRtHwAccelerators_kLiteRtHwAcceleratorCpu as _,
        );
        let mut handle: sys::LiteRtCompiledModel = std::ptr::null_mut();
        let mut err = ErrText::new();
        let s = if s == 0 {
            guard::redisai_litert_create_compiled(
                api.LiteRtCreateCompiledModel as *const c_void,
                rt.env.cast(),
                model.cast(),
                options.cast(),
                (&mut handle as *mut sys::LiteRtCompiledModel).cast(),
                err.ptr(),
                err.0.len(),
            )
        } else {
            s as i32
        };
        api.LiteRtDestroyOptions(options);
        err.status(s, "compiling the model")?;
        let c = Compiled {
            handle,
            shapes: shapes.to_vec(),
            layouts: vec![sys::LiteRtLayout::default(); n_out],
            last_used: 0,
        };
        let resized = || -> Result<Vec<sys::LiteRtLayout>, Error> {
            for (port, shape) in inputs.iter().zip(shapes) {
                if *shape != dims(&port.ty) {
                    let mut err = ErrText::new();
                    let s = guard::redisai_litert_resize(
                        api.LiteRtCompiledModelResizeInputTensorNonStrict as *const c_void,
                        handle.cast(),
                        0,
                        port.sig_index,
                        shape.as_ptr(),
                        shape.len(),
                        err.ptr(),
                        err.0.len(),
                    );
                    err.status(s, "resizing the inputs to the given shapes")?;
                }
            }
            let mut layouts = vec![sys::LiteRtLayout::default(); n_out];
            let mut err = ErrText::new();
            let s = guard::redisai_litert_layouts(
                api.LiteRtGetCompiledModelOutputTensorLayouts as *const c_void,
                handle.cast(),
                0,
                layouts.len(),
                layouts.as_mut_ptr().cast(),
                err.ptr(),
                err.0.len(),
            );
            err.status(s, "resizing the inputs to the given shapes")?;
            Ok(layouts)
        };
        match resized() {
            Ok(layouts) => Ok(Compiled { layouts, ..c }),
            Err(e) => {
                api.LiteRtDestroyCompiledModel(handle);
                Err(e)
            }
        }
    }
}

impl TfliteModel {
    /// The compiled model for these input shapes, compiled now if new.
    fn compiled_for<'s>(
        &self,
        state: &'s mut State,
        shapes: Vec<Vec<i32>>,
    ) -> Result<&'s Compiled, Error> {
        state.clock += 1;
        let clock = state.clock;
        let i = match state.compiled.iter().position(|c| c.shapes == shapes) {
            Some(i) => i,
            None => {
                let c = compile(
                    self.rt,
                    self.model,
                    &self.inputs,
                    &shapes,
                    self.outputs.len(),
                )?;
                if state.compiled.len() >= SHAPES {
                    let old = state
                        .compiled
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, c)| c.last_used)
                        .map_or(0, |(i, _)| i);
                    let gone = state.compiled.swap_remove(old);
                    // SAFETY: no buffer of it is used any more (runs hold
                    // the state's lock).
                    unsafe { self.rt.api.LiteRtDestroyCompiledModel(gone.handle) };
                }
                state.compiled.push(c);
                state.compiled.len() - 1
            }
        };
        let c = &mut state.compiled[i];
        c.last_used = clock;
        Ok(c)
    }

    fn run_locked(
        &self,
        state: &mut State,
        inputs: &[&Tensor],
    ) -> Result<Vec<Option<Tensor>>, Error> {
        let api = &self.rt.api;
        let mut shapes = Vec::with_capacity(inputs.len());
        for (port, t) in self.inputs.iter().zip(inputs) {
            if t.dtype() != port.dtype {
                return Err(Error::raw(ERR_TYPE));
            }
            let shape: Vec<i32> = t
                .shape()
                .iter()
                .map(|&d| i32::try_from(d).map_err(|_| Error::err("tensor dimension too large")))
                .collect::<Result<_, _>>()?;
            if shape.len() > 8 {
                return Err(Error::err("TFLITE tensors have at most 8 dimensions"));
            }
            shapes.push(shape);
        }
        let compiled = self.compiled_for(state, shapes)?;
        let mut hosts: Vec<Host> = Vec::with_capacity(inputs.len());
        let mut ins = Buffers {
            api,
            list: vec![std::ptr::null_mut(); self.inputs.len()],
        };
        for ((port, t), shape) in self.inputs.iter().zip(inputs).zip(&compiled.shapes) {
            let mut host = Host::new(t.data().len());
            host.bytes().copy_from_slice(t.data());
            // SAFETY: `host` is kept in `hosts` until the buffers are gone.
            ins.list[port.sig_index] = unsafe { buffer(api, port.ty, shape, &mut host)? };
            hosts.push(host);
        }
        let layouts = &compiled.layouts;
        let mut outs = Buffers {
            api,
            list: vec![std::ptr::null_mut(); self.outputs.len()],
        };
        let mut out_hosts = Vec::with_capacity(self.outputs.len());
        for port in &self.outputs {
            let mut ty = port.ty;
            ty.layout = layouts[port.sig_index];
            let shape = dims(&ty);
            let n: usize = shape.iter().map(|&d| d.max(0) as usize).product();
            let mut host = Host::new(n * port.dtype.elem_size().unwrap_or(1));
            // SAFETY: `host` is kept in `out_hosts` until after the run.
            outs.list[port.sig_index] = unsafe { buffer(api, port.ty, &shape, &mut host)? };
            out_hosts.push((host, shape));
        }
        let mut err = ErrText::new();
        // SAFETY: one buffer per signature input and output, all live.
        let s = unsafe {
            guard::redisai_litert_run(
                api.LiteRtRunCompiledModel as *const c_void,
                compiled.handle.cast(),
                0,
                ins.list.len(),
                ins.list.as_mut_ptr().cast(),
                outs.list.len(),
                outs.list.as_mut_ptr().cast(),
                err.ptr(),
                err.0.len(),
            )
        };
        err.status(s, "running the model")?;
        drop(outs);
        drop(ins);
        self.outputs
            .iter()
            .zip(out_hosts)
            .map(|(port, (mut host, shape))| {
                let shape = shape.iter().map(|&d| i64::from(d)).collect();
                Tensor::from_parts(port.dtype, shape, host.bytes().to_vec()).map(Some)
            })
            .collect()
    }
}

impl Runtime for TfliteModel {
    fn run(&self, inputs: &[&Tensor]) -> Result<Vec<Option<Tensor>>, Error> {
        if inputs.len() != self.inputs.len() {
            return Err(Error::raw(crate::model::ERR_INPUT_COUNT));
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        self.run_locked(&mut state, inputs)
    }

    fn memory_estimate(&self) -> usize {
        // The flatbuffer copy, plus LiteRT's arena, which it does not report.
        self.size
    }
}
