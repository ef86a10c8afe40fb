//! Where the module's own `.so` lies, for the default BACKENDSPATH and for
//! finding a packaged ONNX Runtime next to it (`dist/lib`).

use std::ffi::CStr;
use std::path::PathBuf;

/// The path of the shared object this code was loaded from.
pub fn module_file() -> Option<PathBuf> {
    let mut info: libc::Dl_info = empty_info();
    let addr = module_file as *const () as *const libc::c_void;
    // SAFETY: dladdr only reads the address and fills `info`.
    if unsafe { libc::dladdr(addr, &mut info) } == 0 || info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: dli_fname is a NUL-terminated string owned by the loader.
    let name = unsafe { CStr::from_ptr(info.dli_fname) };
    let path = PathBuf::from(name.to_string_lossy().into_owned());
    Some(std::fs::canonicalize(&path).unwrap_or(path))
}

/// The directory holding the module.
pub fn module_dir() -> Option<PathBuf> {
    module_file().and_then(|f| f.parent().map(PathBuf::from))
}

fn empty_info() -> libc::Dl_info {
    libc::Dl_info {
        dli_fname: std::ptr::null(),
        dli_fbase: std::ptr::null_mut(),
        dli_sname: std::ptr::null(),
        dli_saddr: std::ptr::null_mut(),
    }
}
