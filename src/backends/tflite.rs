//! TensorFlow Lite through LiteRT's C API (the `libLiteRt.so` of the pinned
//! ai-edge-litert 2.1.4 wheel). `build.rs` runs bindgen over the LiteRT
//! 2.1.4 headers in `third_party/`; the library is opened on the first
//! TFLITE model (RedisAI's lazy load), from the first of: the `TFLITE
//! <path>` module argument, `LITERT_DYLIB_PATH`, `lib/` next to the module,
//! and the wheel this build was made against. Why LiteRT and not the
//! TFLite 1.15 of the `tflite` crate: docs/design.md, "TFLITE runtime".

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::error::Error;

#[allow(
    non_camel_case_types,
    non_snake_case,
    non_upper_case_globals,
    dead_code,
    unnecessary_transmutes,
    clippy::all,
    clippy::pedantic
)]
pub(super) mod sys {
    include!(concat!(env!("OUT_DIR"), "/litert_api.rs"));
}

/// `shim/litert_guard.cpp`: LiteRT calls made inside try/catch, since a
/// crafted model makes LiteRT throw C++ exceptions through its C API. Each
/// takes the function pointer from [`sys::LiteRtApi`]; -1 means an
/// exception, whose text is in `err`.
pub(super) mod guard {
    use std::ffi::{c_char, c_int, c_void};

    use crate::error::Error;

    extern "C" {
        pub fn redisai_litert_create_model(
            f: *const c_void,
            buf: *const c_void,
            n: usize,
            out: *mut *mut c_void,
            err: *mut c_char,
            err_len: usize,
        ) -> c_int;
        pub fn redisai_litert_create_compiled(
            f: *const c_void,
            env: *mut c_void,
            model: *mut c_void,
            options: *mut c_void,
            out: *mut *mut c_void,
            err: *mut c_char,
            err_len: usize,
        ) -> c_int;
        pub fn redisai_litert_resize(
            f: *const c_void,
            compiled: *mut c_void,
            sig: usize,
            input: usize,
            dims: *const c_int,
            rank: usize,
            err: *mut c_char,
            err_len: usize,
        ) -> c_int;
        pub fn redisai_litert_layouts(
            f: *const c_void,
            compiled: *mut c_void,
            sig: usize,
            n: usize,
            layouts: *mut c_void,
            err: *mut c_char,
            err_len: usize,
        ) -> c_int;
        pub fn redisai_litert_run(
            f: *const c_void,
            compiled: *mut c_void,
            sig: usize,
            n_in: usize,
            ins: *mut *mut c_void,
            n_out: usize,
            outs: *mut *mut c_void,
            err: *mut c_char,
            err_len: usize,
        ) -> c_int;
    }

    /// A buffer for the exception text.
    pub struct ErrText(pub [c_char; 256]);

    impl ErrText {
        pub fn new() -> ErrText {
            ErrText([0; 256])
        }

        pub fn ptr(&mut self) -> *mut c_char {
            self.0.as_mut_ptr()
        }

        /// The reply for a guarded call that returned `status`.
        pub fn status(&self, status: c_int, what: &str) -> Result<(), Error> {
            match status {
                0 => Ok(()),
                -1 => {
                    let bytes: Vec<u8> = self
                        .0
                        .iter()
                        .take_while(|&&c| c != 0)
                        .map(|&c| c as u8)
                        .collect();
                    Err(Error::raw(format!(
                        "{what} failed: {}",
                        String::from_utf8_lossy(&bytes)
                    )))
                }
                s => Err(Error::raw(format!("{what} failed (LiteRT status {s})"))),
            }
        }
    }
}

/// The C API and the one environment every compiled model belongs to.
pub(super) struct Runtime {
    pub api: sys::LiteRtApi,
    pub env: sys::LiteRtEnvironment,
}

// SAFETY: the environment is created once and only read afterwards; LiteRT
// shares one environment between compiled models on any thread.
unsafe impl Send for Runtime {}
unsafe impl Sync for Runtime {}

static RUNTIME: OnceLock<Runtime> = OnceLock::new();
static LOADED: Mutex<Option<PathBuf>> = Mutex::new(None);

/// The C API and environment, once the library is loaded.
pub(super) fn runtime() -> Option<&'static Runtime> {
    RUNTIME.get()
}

/// The LiteRT version, once loaded (the wheel's; the library has no
/// version call).
pub fn version() -> Option<String> {
    let loaded = LOADED.lock().unwrap_or_else(PoisonError::into_inner);
    loaded
        .as_ref()
        .map(|_| env!("REDISAI_LITERT_VERSION").to_string())
}

/// Loads LiteRT if it is not loaded yet; returns its version.
pub fn load(explicit: Option<&str>) -> Result<String, String> {
    let mut loaded = LOADED.lock().unwrap_or_else(PoisonError::into_inner);
    if loaded.is_some() {
        return Ok(env!("REDISAI_LITERT_VERSION").to_string());
    }
    let paths = super::dylib::candidates(
        explicit,
        "LITERT_DYLIB_PATH",
        "libLiteRt.so",
        env!("REDISAI_LITERT_DYLIB"),
    );
    let (rt, path) = super::dylib::open_first("LiteRT", "LITERT_DYLIB_PATH", paths, |p| {
        // SAFETY: every symbol the table names is resolved now, with the
        // signatures of the headers of the same release.
        let api = unsafe { sys::LiteRtApi::new(p) }.map_err(|e| e.to_string())?;
        let mut env: sys::LiteRtEnvironment = std::ptr::null_mut();
        // SAFETY: no options; `env` receives the new environment.
        let status = unsafe { api.LiteRtCreateEnvironment(0, std::ptr::null(), &mut env) };
        if status != 0 || env.is_null() {
            return Err(format!("LiteRtCreateEnvironment failed ({status})"));
        }
        Ok(Runtime { api, env })
    })?;
    let _ = RUNTIME.set(rt);
    *loaded = Some(path);
    Ok(env!("REDISAI_LITERT_VERSION").to_string())
}

/// A 64-byte aligned host buffer, as LiteRT wants for its tensors.
pub(super) struct Host {
    buf: Vec<u8>,
    off: usize,
    len: usize,
}

impl Host {
    pub fn new(len: usize) -> Host {
        let buf = vec![0u8; len + 64];
        let off = buf.as_ptr().align_offset(64).min(64);
        Host { buf, off, len }
    }

    pub fn bytes(&mut self) -> &mut [u8] {
        &mut self.buf[self.off..self.off + self.len]
    }
}

/// Tensor buffers destroyed on drop.
pub(super) struct Buffers<'a> {
    pub api: &'a sys::LiteRtApi,
    pub list: Vec<sys::LiteRtTensorBuffer>,
}

impl Drop for Buffers<'_> {
    fn drop(&mut self) {
        for &b in &self.list {
            if !b.is_null() {
                // SAFETY: each was made by CreateTensorBufferFromHostMemory.
                unsafe { self.api.LiteRtDestroyTensorBuffer(b) }
            }
        }
    }
}

/// A LiteRT buffer over `host` for a tensor of `ty` with dimensions `shape`.
///
/// # Safety
/// `host` outlives the returned buffer.
pub(super) unsafe fn buffer(
    api: &sys::LiteRtApi,
    mut ty: sys::LiteRtRankedTensorType,
    shape: &[i32],
    host: &mut Host,
) -> Result<sys::LiteRtTensorBuffer, Error> {
    ty.layout.set_rank(shape.len() as u32);
    ty.layout.set_has_strides(false);
    ty.layout.dimensions[..shape.len()].copy_from_slice(shape);
    let len = host.len;
    let mut b: sys::LiteRtTensorBuffer = std::ptr::null_mut();
    let s = api.LiteRtCreateTensorBufferFromHostMemory(
        &ty,
        host.bytes().as_mut_ptr().cast(),
        len,
        None,
        &mut b,
    );
    if s != 0 {
        return Err(Error::raw(format!(
            "creating a tensor buffer failed (LiteRT status {s})"
        )));
    }
    Ok(b)
}
