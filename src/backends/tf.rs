//! TensorFlow through its C API (the `libtensorflow_cc.so.2` of the pinned
//! tensorflow-cpu wheel). `build.rs` runs bindgen over the wheel's
//! `tensorflow/c/c_api.h` and generates a table of function pointers; the
//! library is opened on the first TF model, as RedisAI loads its backends
//! lazily, so a server that never stores one does not pay its 0.3 s and
//! 300 MB. The library is looked for in the order of [`super::dylib`]: the
//! `TF <path>` module argument, `TF_DYLIB_PATH`, `lib/` next to the module,
//! and the wheel this build was made against.

use std::ffi::CStr;
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
    include!(concat!(env!("OUT_DIR"), "/tf_api.rs"));
}

static API: OnceLock<sys::TfApi> = OnceLock::new();
static LOADED: Mutex<Option<(String, PathBuf)>> = Mutex::new(None);

/// The C API, once the library is loaded.
pub(super) fn api() -> Option<&'static sys::TfApi> {
    API.get()
}

/// The loaded TensorFlow version (`TF_Version()`).
pub fn version() -> Option<String> {
    LOADED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .map(|(v, _)| v.clone())
}

/// Loads TensorFlow if it is not loaded yet; returns its version.
pub fn load(explicit: Option<&str>) -> Result<String, String> {
    let mut loaded = LOADED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((v, _)) = loaded.as_ref() {
        return Ok(v.clone());
    }
    let paths = super::dylib::candidates(
        explicit,
        "TF_DYLIB_PATH",
        "libtensorflow_cc.so",
        env!("REDISAI_TF_DYLIB"),
    );
    let (api, path) = super::dylib::open_first("TensorFlow", "TF_DYLIB_PATH", paths, |p| {
        // SAFETY: opening the library runs TensorFlow's static initialisers,
        // which is what it is built for; every symbol the table names is
        // resolved now (`dynamic_link_require_all`), with the signatures of
        // the headers of the same wheel.
        unsafe { sys::TfApi::new(p) }.map_err(|e| e.to_string())
    })?;
    // SAFETY: TF_Version returns a static NUL-terminated string.
    let v = unsafe {
        let s = api.TF_Version();
        if s.is_null() {
            "unknown".to_string()
        } else {
            CStr::from_ptr(s).to_string_lossy().into_owned()
        }
    };
    let _ = API.set(api);
    *loaded = Some((v.clone(), path));
    Ok(v)
}

/// A `TF_Status`, deleted on drop.
pub(super) struct Status {
    api: &'static sys::TfApi,
    raw: *mut sys::TF_Status,
}

impl Status {
    pub fn new(api: &'static sys::TfApi) -> Status {
        // SAFETY: TF_NewStatus has no preconditions.
        Status {
            api,
            raw: unsafe { api.TF_NewStatus() },
        }
    }

    pub fn raw(&self) -> *mut sys::TF_Status {
        self.raw
    }

    /// `Err(message)` unless the last call that used this status succeeded.
    pub fn check(&self) -> Result<(), String> {
        // SAFETY: `raw` is a live status; TF_Message's string lives as long
        // as the status and is copied here.
        unsafe {
            if self.api.TF_GetCode(self.raw) == sys::TSL_Code_TSL_OK {
                return Ok(());
            }
            let m = self.api.TF_Message(self.raw);
            Err(if m.is_null() {
                "TensorFlow error".to_string()
            } else {
                CStr::from_ptr(m).to_string_lossy().into_owned()
            })
        }
    }
}

impl Drop for Status {
    fn drop(&mut self) {
        // SAFETY: made by TF_NewStatus, deleted once.
        unsafe { self.api.TF_DeleteStatus(self.raw) }
    }
}

/// A `TF_Buffer` holding a copy of `bytes`, deleted on drop.
pub(super) struct Buffer {
    api: &'static sys::TfApi,
    pub raw: *mut sys::TF_Buffer,
}

impl Buffer {
    pub fn new(api: &'static sys::TfApi, bytes: &[u8]) -> Buffer {
        // SAFETY: TF_NewBufferFromString copies `bytes`.
        Buffer {
            api,
            raw: unsafe { api.TF_NewBufferFromString(bytes.as_ptr().cast(), bytes.len()) },
        }
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        // SAFETY: made by TF_NewBufferFromString, deleted once.
        unsafe { self.api.TF_DeleteBuffer(self.raw) }
    }
}

/// Appends a protobuf varint field (wire type 0) to `out`.
pub(super) fn proto_varint(out: &mut Vec<u8>, field: u32, value: u64) {
    for mut v in [u64::from(field) << 3, value] {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            out.push(if v == 0 { b } else { b | 0x80 });
            if v == 0 {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn varints() {
        let mut v = Vec::new();
        super::proto_varint(&mut v, 2, 1);
        super::proto_varint(&mut v, 5, 300);
        assert_eq!(v, [0x10, 0x01, 0x28, 0xac, 0x02]);
    }
}
