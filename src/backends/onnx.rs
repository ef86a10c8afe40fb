//! ONNX Runtime through `ort`, with the library opened at run time
//! (`load-dynamic`). The module finds it by itself, in this order:
//! the `ONNX <path>` module argument, `ORT_DYLIB_PATH`, `lib/` next to the
//! module (the `scripts/package` layout), and the wheel it was built against.

use std::ffi::{CStr, CString};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock, PoisonError};

/// The version and path of the loaded library, once loaded.
static LOADED: Mutex<Option<(String, PathBuf)>> = Mutex::new(None);

/// The one ONNX Runtime environment every session belongs to.
static ENVIRONMENT: OnceLock<ort::environment::Environment> = OnceLock::new();

/// The environment, once the library is loaded.
pub fn environment() -> Option<&'static ort::environment::Environment> {
    ENVIRONMENT.get()
}

/// The loaded ONNX Runtime version.
pub fn version() -> Option<String> {
    loaded().map(|(v, _)| v)
}

/// The loaded ONNX Runtime version and the file it came from.
pub fn loaded() -> Option<(String, PathBuf)> {
    LOADED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// Loads ONNX Runtime if it is not loaded yet; returns its version.
pub fn load(explicit: Option<&str>) -> Result<String, String> {
    let mut loaded = LOADED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((v, _)) = loaded.as_ref() {
        return Ok(v.clone());
    }
    let paths = super::dylib::candidates(
        explicit,
        "ORT_DYLIB_PATH",
        "libonnxruntime.so.",
        env!("REDISAI_ORT_DYLIB"),
    );
    let (env, path) = super::dylib::open_first("ONNX Runtime", "ORT_DYLIB_PATH", paths, |path| {
        let builder = ort::init_from(path).map_err(|e| e.to_string())?;
        builder
            .with_name("redisai-rs")
            .with_telemetry(false)
            .build()
            .map_err(|e| e.to_string())
    })?;
    let _ = ENVIRONMENT.set(env);
    let v = library_version(&path).unwrap_or_else(|| "unknown".to_string());
    *loaded = Some((v.clone(), path));
    Ok(v)
}

/// Asks the library itself (`OrtGetApiBase()->GetVersionString()`).
fn library_version(path: &std::path::Path) -> Option<String> {
    let cpath = CString::new(path.to_string_lossy().as_bytes()).ok()?;
    // SAFETY: RTLD_NOLOAD only returns a handle to a library that `ort`
    // already loaded; the handle is closed below.
    let handle = unsafe { libc::dlopen(cpath.as_ptr(), libc::RTLD_NOW | libc::RTLD_NOLOAD) };
    if handle.is_null() {
        return None;
    }
    // SAFETY: the symbol is ONNX Runtime's documented C entry point, with
    // the signature of `ort::sys::OrtGetApiBase`; its API base is static, and
    // GetVersionString returns a static NUL-terminated string.
    let version = unsafe {
        let sym = libc::dlsym(handle, c"OrtGetApiBase".as_ptr());
        let v = if sym.is_null() {
            None
        } else {
            let get: unsafe extern "C" fn() -> *const ort::sys::OrtApiBase =
                std::mem::transmute(sym);
            let base = get();
            if base.is_null() {
                None
            } else {
                let s = ((*base).GetVersionString)();
                (!s.is_null()).then(|| CStr::from_ptr(s).to_string_lossy().into_owned())
            }
        };
        libc::dlclose(handle);
        v
    };
    version
}
