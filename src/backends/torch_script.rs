//! TorchScript scripts on the C++ shim (`shim/torch_script.cpp`): the
//! source is compiled there with the TorchScript compiler, its entry points
//! checked, and its functions called. The shim's custom operators
//! (`redis.execute`, `redisAI.model_execute`) call back into the two
//! `redisai_rs_*` functions here, which go through [`crate::script::call`].

use std::ffi::CString;
use std::os::raw::{c_char, c_int};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;
use std::sync::Arc;

use super::torch_model::{apply_threads, from_torch, text, to_torch, trim_backtrace};
use super::torch_shim::{take, take_tensors};
use crate::error::{Error, Result};
use crate::model::Device;
use crate::script::call::{self, one_line};
use crate::script::ScriptRuntime;
use crate::tensor::Tensor;

#[repr(C)]
struct RawScript {
    _opaque: [u8; 0],
}

extern "C" {
    fn redisai_script_compile(
        src: *const c_char,
        len: usize,
        device: c_int,
        entry: *const *const c_char,
        n_entry: usize,
        script: *mut *mut RawScript,
        err: *mut *mut c_char,
    ) -> c_int;
    fn redisai_script_run(
        s: *mut RawScript,
        function: *const c_char,
        entry: c_int,
        inputs: *const *const torch_sys::C_tensor,
        n: usize,
        keys: *const *const c_char,
        key_lens: *const usize,
        n_keys: usize,
        args: *const *const c_char,
        arg_lens: *const usize,
        n_args: usize,
        outputs: *mut *mut *mut torch_sys::C_tensor,
        n_outputs: *mut usize,
        err: *mut *mut c_char,
    ) -> c_int;
    fn redisai_script_free(s: *mut RawScript);
}

/// A malloc'd copy of `s`, for the shim to free.
fn malloc_str(s: &str) -> *mut c_char {
    let bytes = s.as_bytes();
    // SAFETY: a fresh allocation of len + 1 bytes, filled before use.
    unsafe {
        let p = libc::malloc(bytes.len() + 1).cast::<u8>();
        if !p.is_null() {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
            *p.add(bytes.len()) = 0;
        }
        p.cast()
    }
}

struct TorchScript {
    raw: NonNull<RawScript>,
    size: usize,
}

// SAFETY: after compiling, the compilation unit is only read; libtorch
// supports calling one compiled function from several threads at once (its
// graph executors lock what they cache). It is freed once, by Drop.
unsafe impl Send for TorchScript {}
// SAFETY: see above.
unsafe impl Sync for TorchScript {}

impl Drop for TorchScript {
    fn drop(&mut self) {
        // SAFETY: from redisai_script_compile, freed only here.
        unsafe { redisai_script_free(self.raw.as_ptr()) }
    }
}

pub fn compile(
    device: Device,
    source: &[u8],
    entry_points: &[String],
) -> std::result::Result<Arc<dyn ScriptRuntime>, (Error, bool)> {
    // The shim moves a call's inputs to this device (-1: CPU).
    let index = match device {
        Device::Cpu => -1,
        Device::Gpu(id) => {
            if !tch::Cuda::is_available() {
                return Err((Error::raw(super::torch_model::ERR_NO_CUDA), true));
            }
            c_int::try_from(id.unwrap_or(0)).unwrap_or(c_int::MAX)
        }
    };
    apply_threads();
    let names: Vec<CString> = entry_points
        .iter()
        .map(|e| CString::new(e.as_bytes()))
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| (Error::err("an entry point name contains a NUL byte"), false))?;
    let ptrs: Vec<*const c_char> = names.iter().map(|n| n.as_ptr()).collect();
    let (mut raw, mut err) = (std::ptr::null_mut(), std::ptr::null_mut());
    // SAFETY: the shim reads `source` and the entry names during the call
    // only, catches every C++ exception, and sets `raw` or `err`.
    let (status, err) = unsafe {
        let status = redisai_script_compile(
            source.as_ptr().cast(),
            source.len(),
            index,
            ptrs.as_ptr(),
            ptrs.len(),
            &mut raw,
            &mut err,
        );
        (status, take(err))
    };
    match NonNull::new(raw) {
        Some(raw) if status == 0 => Ok(Arc::new(TorchScript {
            raw,
            size: source.len() * 8,
        })),
        Some(raw) => {
            drop(TorchScript { raw, size: 0 });
            Err((Error::raw(one_line(&err)), false))
        }
        None if err.is_empty() => Err((Error::err("could not compile the script"), false)),
        None => Err((Error::raw(one_line(trim_backtrace(err).trim())), false)),
    }
}

/// `(pointers, lengths)` of byte strings, for the shim.
fn views(items: &[Vec<u8>]) -> (Vec<*const c_char>, Vec<usize>) {
    items
        .iter()
        .map(|i| (i.as_ptr().cast::<c_char>(), i.len()))
        .unzip()
}

impl ScriptRuntime for TorchScript {
    fn call(
        &self,
        function: &str,
        entry: bool,
        inputs: &[&Tensor],
        keys: &[Vec<u8>],
        args: &[Vec<u8>],
    ) -> Result<Vec<Tensor>> {
        apply_threads();
        let name = CString::new(function)
            .map_err(|_| Error::raw(format!("Function does not exist: {function}")))?;
        let tensors: Vec<tch::Tensor> = inputs
            .iter()
            .map(|t| to_torch(t, tch::Device::Cpu))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| match e {
                tch::TchError::Kind(k) => Error::raw(k),
                e => Error::raw(text(e)),
            })?;
        let ptrs: Vec<*const torch_sys::C_tensor> = tensors.iter().map(|t| t.as_ptr()).collect();
        let (kp, kl) = views(keys);
        let (ap, al) = views(args);
        let (mut out, mut n, mut err) = (std::ptr::null_mut(), 0usize, std::ptr::null_mut());
        // SAFETY: every pointer is live for the call; the shim catches every
        // C++ exception and on success hands over `n` new tensors in a
        // malloc'd array.
        let status = unsafe {
            redisai_script_run(
                self.raw.as_ptr(),
                name.as_ptr(),
                c_int::from(entry),
                ptrs.as_ptr(),
                ptrs.len(),
                kp.as_ptr(),
                kl.as_ptr(),
                kl.len(),
                ap.as_ptr(),
                al.as_ptr(),
                al.len(),
                &mut out,
                &mut n,
                &mut err,
            )
        };
        // SAFETY: null or a string from the shim.
        let err = unsafe { take(err) };
        match status {
            0 if !out.is_null() => {}
            2 => {
                return Err(Error::raw(format!(
                    "Function returned non-tensor values{function}"
                )))
            }
            _ => return Err(Error::raw(one_line(trim_backtrace(err).trim()))),
        }
        // SAFETY: on success `out` holds `n` tensors, as `take_tensors` needs.
        let produced = unsafe { take_tensors(out, n) };
        produced.iter().map(from_torch).collect()
    }

    fn memory_estimate(&self) -> usize {
        self.size
    }
}

/// Called by the shim's `redis::execute` operator.
///
/// # Safety
/// `argv` and `lens` hold `argc` (pointer, length) pairs live for the call;
/// `out` and `out_len` are writable.
#[no_mangle]
pub unsafe extern "C" fn redisai_rs_redis_execute(
    argv: *const *const c_char,
    lens: *const usize,
    argc: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> c_int {
    // SAFETY: see the contract.
    let args: Vec<&[u8]> = unsafe {
        (0..argc)
            .map(|i| std::slice::from_raw_parts((*argv.add(i)).cast::<u8>(), *lens.add(i)))
            .collect()
    };
    let result = catch_unwind(AssertUnwindSafe(|| {
        let reply = call::redis_execute(&args)?;
        let mut bytes = Vec::new();
        call::encode(&reply, &mut bytes)
            .map_err(|e| format!("Redis command returned an error: {e}"))?;
        Ok::<_, String>(bytes)
    }))
    .unwrap_or_else(|_| Err("internal error in redis.execute; see the server log".into()));
    match result {
        Ok(bytes) => {
            // SAFETY: a fresh allocation, filled before it is handed over.
            unsafe {
                let p = libc::malloc(bytes.len().max(1)).cast::<u8>();
                if p.is_null() {
                    *out = malloc_str("out of memory");
                    return 1;
                }
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
                *out = p.cast();
                *out_len = bytes.len();
            }
            0
        }
        Err(e) => {
            // SAFETY: `out` is writable.
            unsafe { *out = malloc_str(&e) };
            1
        }
    }
}

/// Called by the shim's `redisAI::model_execute` operator.
///
/// # Safety
/// `key` holds `key_len` bytes and `inputs` `n` live tensors for the call;
/// `outputs`, `n_outputs` and `err` are writable.
#[no_mangle]
pub unsafe extern "C" fn redisai_rs_model_execute(
    key: *const c_char,
    key_len: usize,
    inputs: *const *const torch_sys::C_tensor,
    n: usize,
    num_outputs: i64,
    outputs: *mut *mut *mut torch_sys::C_tensor,
    n_outputs: *mut usize,
    err: *mut *mut c_char,
) -> c_int {
    // SAFETY: see the contract.
    let key = unsafe { std::slice::from_raw_parts(key.cast::<u8>(), key_len) };
    // SAFETY: `n` tensors borrowed for the call.
    let ptrs: Vec<*const torch_sys::C_tensor> = (0..n).map(|i| unsafe { *inputs.add(i) }).collect();
    let result = catch_unwind(AssertUnwindSafe(|| model_execute(key, &ptrs, num_outputs)))
        .unwrap_or_else(|_| {
            Err(Error::err(
                "internal error in model_execute; see the server log",
            ))
        });
    match result {
        Ok(produced) => {
            let mut produced = produced;
            let bytes = std::mem::size_of::<*mut torch_sys::C_tensor>() * produced.len().max(1);
            // SAFETY: a fresh array, filled with tensors whose ownership
            // passes to the shim (tch's tensors are `new torch::Tensor`).
            unsafe {
                let arr = libc::malloc(bytes).cast::<*mut torch_sys::C_tensor>();
                if arr.is_null() {
                    *err = malloc_str("out of memory");
                    return 1;
                }
                for (i, t) in produced.iter_mut().enumerate() {
                    *arr.add(i) = t.as_mut_ptr();
                }
                *n_outputs = produced.len();
                *outputs = arr;
            }
            produced.into_iter().for_each(std::mem::forget);
            0
        }
        Err(e) => {
            // SAFETY: `err` is writable.
            unsafe { *err = malloc_str(&e.reply_text()) };
            1
        }
    }
}

fn model_execute(
    key: &[u8],
    inputs: &[*const torch_sys::C_tensor],
    num_outputs: i64,
) -> Result<Vec<tch::Tensor>> {
    let model = call::find_model(key)?;
    model.check_inputs(inputs.len())?;
    if num_outputs < 0 {
        return Err(Error::raw(crate::model::ERR_OUTPUT_COUNT));
    }
    model.check_outputs(num_outputs as usize)?;
    let tensors: Vec<Tensor> = inputs
        .iter()
        .map(|&p| {
            // SAFETY: `p` is a live tensor borrowed for the call; it is
            // only read, and ManuallyDrop leaves it to its owner.
            let t = std::mem::ManuallyDrop::new(unsafe { tch::Tensor::from_ptr(p.cast_mut()) });
            from_torch(&t)
        })
        .collect::<Result<_>>()?;
    let refs: Vec<&Tensor> = tensors.iter().collect();
    let produced = crate::engine::run_now(&model, &refs)?;
    produced
        .into_iter()
        .flatten()
        .map(|t| to_torch(&t, tch::Device::Cpu).map_err(|e| Error::raw(text(e))))
        .collect()
}
