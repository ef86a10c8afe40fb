//! The boundary with the C++ shim (`shim/torch_module.cpp`), which holds the
//! TorchScript module. tch's `CModule` keeps its `torch::jit::Module*`
//! private, and forward()'s schema (input names, output count) is not in
//! tch's API, so loading through tch meant loading every model twice (once
//! in the shim for the schema, once in tch to run it). Now the shim loads
//! it once, reads the schema from that module and runs forward(); tch only
//! makes and reads tensors, which cross as `torch::Tensor*` (torch-sys's
//! `C_tensor`, through tch's public `as_ptr` / `from_ptr`).

use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr::NonNull;

/// The shim's `RedisaiTorchModule`.
#[repr(C)]
struct RawModule {
    _opaque: [u8; 0],
}

extern "C" {
    fn redisai_torch_load(
        data: *const c_char,
        len: usize,
        device: c_int,
        module: *mut *mut RawModule,
        schema: *mut *mut c_char,
        err: *mut *mut c_char,
    ) -> c_int;
    fn redisai_torch_forward(
        module: *mut RawModule,
        inputs: *const *const torch_sys::C_tensor,
        n: usize,
        outputs: *mut *mut *mut torch_sys::C_tensor,
        n_outputs: *mut usize,
        err: *mut *mut c_char,
    ) -> c_int;
    fn redisai_torch_module_free(module: *mut RawModule);
    fn redisai_torch_free(p: *mut c_void);
}

/// A loaded TorchScript module, in eval mode.
pub struct Module(NonNull<RawModule>);

// SAFETY: the module is only read after loading: `forward` on one
// `torch::jit::Module` from several threads at once is what libtorch's
// interpreter supports (tch marks its CModule Send + Sync for the same
// reason), and it is freed once, by Drop.
unsafe impl Send for Module {}
// SAFETY: see above.
unsafe impl Sync for Module {}

impl Drop for Module {
    fn drop(&mut self) {
        // SAFETY: the pointer came from redisai_torch_load and is freed
        // only here.
        unsafe { redisai_torch_module_free(self.0.as_ptr()) }
    }
}

/// Takes a string the shim allocated.
///
/// # Safety
/// `p` is null or a NUL-terminated string malloc'd by the shim, not yet freed.
pub(super) unsafe fn take(p: *mut c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: see the function's contract; freed exactly once here.
    unsafe {
        let s = CStr::from_ptr(p).to_string_lossy().into_owned();
        redisai_torch_free(p.cast());
        s
    }
}

/// forward()'s argument names (without `self`) and its tensor output count
/// (`None` when it returns a list).
pub struct Schema {
    pub inputs: Vec<String>,
    pub outputs: Option<usize>,
}

fn parse_schema(text: &str) -> Schema {
    let mut lines = text.lines();
    let count: i64 = lines.next().and_then(|l| l.parse().ok()).unwrap_or(0);
    Schema {
        inputs: lines.map(str::to_string).collect(),
        outputs: usize::try_from(count).ok(),
    }
}

/// Loads a module from `blob` onto `device` (`None`: CPU, `Some(n)`: CUDA
/// device n). The error is libtorch's text, without its backtrace.
pub fn load(blob: &[u8], device: Option<usize>) -> Result<(Module, Schema), String> {
    let device = device.map_or(-1, |d| c_int::try_from(d).unwrap_or(c_int::MAX));
    let (mut module, mut schema, mut err) = (
        std::ptr::null_mut(),
        std::ptr::null_mut(),
        std::ptr::null_mut(),
    );
    // SAFETY: the shim reads `len` bytes at `data` during the call only,
    // catches every C++ exception, and sets `module` and `schema`, or
    // `err`; `take` frees the strings and `Module` owns the module.
    let (status, schema, err) = unsafe {
        let status = redisai_torch_load(
            blob.as_ptr().cast(),
            blob.len(),
            device,
            &mut module,
            &mut schema,
            &mut err,
        );
        (status, take(schema), take(err))
    };
    match NonNull::new(module) {
        Some(m) if status == 0 => Ok((Module(m), parse_schema(&schema))),
        Some(m) => {
            drop(Module(m));
            Err(err)
        }
        None if err.is_empty() => Err("could not load the TorchScript module".to_string()),
        None => Err(err),
    }
}

/// Takes the `n` tensors of a malloc'd array the shim handed over.
///
/// # Safety
/// `out` holds `n` tensors made with `new torch::Tensor`, not yet taken; each
/// is taken once (tch's Drop deletes them as it deletes its own) and the
/// array is freed once.
pub(super) unsafe fn take_tensors(
    out: *mut *mut torch_sys::C_tensor,
    n: usize,
) -> Vec<tch::Tensor> {
    // SAFETY: see the contract.
    unsafe {
        let tensors = (0..n).map(|i| tch::Tensor::from_ptr(*out.add(i))).collect();
        redisai_torch_free(out.cast());
        tensors
    }
}

/// Why forward() failed.
pub enum ForwardError {
    /// libtorch's message (with its backtrace, as tch reports it).
    Torch(String),
    /// An output (or an element of an output tuple or list) is not a tensor.
    NotATensor,
}

impl Module {
    /// Runs forward() under no-grad; the outputs come back flattened
    /// (tuples and lists, depth-first).
    pub fn forward(&self, inputs: &[tch::Tensor]) -> Result<Vec<tch::Tensor>, ForwardError> {
        let ptrs: Vec<*const torch_sys::C_tensor> = inputs.iter().map(|t| t.as_ptr()).collect();
        let (mut out, mut n, mut err) = (std::ptr::null_mut(), 0usize, std::ptr::null_mut());
        // SAFETY: `ptrs` are live tensors borrowed for the call; the shim
        // catches every C++ exception and, on success, hands over `n` new
        // tensors in a malloc'd array.
        let status = unsafe {
            redisai_torch_forward(
                self.0.as_ptr(),
                ptrs.as_ptr(),
                ptrs.len(),
                &mut out,
                &mut n,
                &mut err,
            )
        };
        // SAFETY: `err` is null or a string from the shim.
        let err = unsafe { take(err) };
        match status {
            0 if !out.is_null() => {}
            2 => return Err(ForwardError::NotATensor),
            _ => return Err(ForwardError::Torch(err)),
        }
        // SAFETY: on success `out` holds `n` tensors, as `take_tensors` needs.
        let tensors = unsafe { take_tensors(out, n) };
        Ok(tensors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_text() {
        let s = parse_schema("2\na\nb\n");
        assert_eq!(s.inputs, ["a", "b"]);
        assert_eq!(s.outputs, Some(2));
        assert_eq!(parse_schema("-1\nx\n").outputs, None);
    }
}
