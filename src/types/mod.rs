//! The Redis data types and their callbacks: the only place, besides
//! `ffi/`, where raw pointers are turned into Rust values.
//!
//! Typed accessors wrap `get_value::<T>` so that each `RedisType` is only
//! ever read as the one Rust type it was created with.

pub mod io;
pub mod model_type;
pub mod tensor_type;
pub mod vecset_type;

use std::os::raw::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs a type callback body, containing any panic (it is logged by the
/// panic hook) and returning `fallback` instead.
pub(crate) fn guarded<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// Moves a value into a raw pointer Redis will own.
pub(crate) fn into_raw<T>(v: T) -> *mut c_void {
    Box::into_raw(Box::new(v)).cast::<c_void>()
}
