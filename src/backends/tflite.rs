//! TensorFlow Lite through LiteRT's C API (the `libLiteRt.so` of the pinned
//! ai-edge-litert 2.1.4 wheel). `build.rs` runs bindgen over the LiteRT
//! 2.1.4 headers in `third_party/`; the library is opened on the first
//! TFLITE model (RedisAI's lazy load), from the first of: the `TFLITE
//! <path>` module argument, `LITERT_DYLIB_PATH`, `lib/` next to the module,
//! and the wheel this build was made against. Why LiteRT and not the
//! TFLite 1.15 of the `tflite` crate: docs/design.md, "TFLITE runtime".

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock, PoisonError};

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
