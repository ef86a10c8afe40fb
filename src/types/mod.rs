//! The Redis data types and their callbacks: the only place, besides
//! `ffi/`, where raw pointers are turned into Rust values.
//!
//! Typed accessors wrap `get_value::<T>` so that each `RedisType` is only
//! ever read as the one Rust type it was created with.

pub mod ftidx_type;
pub mod io;
pub mod model_type;
pub mod script_type;
pub mod tensor_type;
pub mod vecset_type;

use std::os::raw::{c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use redis_module::key::{RedisKey, RedisKeyWritable};
use redis_module::native_types::RedisType;
use redis_module::raw;

use crate::error::{Error, Result};

/// The value a key of type `ty` holds (a cheap clone: an `Arc`): `Ok(None)`
/// when the key is empty, `WrongType` when it holds another type.
pub(crate) fn read_value<T: Clone>(key: &RedisKey, ty: &RedisType) -> Result<Option<T>> {
    key.get_value::<T>(ty)
        .map(|v| v.cloned())
        .map_err(|_| Error::WrongType)
}

/// The same, for a key opened for writing.
pub(crate) fn writable_value<T: Clone>(
    key: &RedisKeyWritable,
    ty: &RedisType,
) -> Result<Option<T>> {
    key.get_value::<T>(ty)
        .map(|v| v.cloned())
        .map_err(|_| Error::WrongType)
}

/// Runs a type callback body, containing any panic (it is logged by the
/// panic hook) and returning `fallback` instead.
pub(crate) fn guarded<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// Moves a value into a raw pointer Redis will own.
pub(crate) fn into_raw<T>(v: T) -> *mut c_void {
    Box::into_raw(Box::new(v)).cast::<c_void>()
}

/// The callbacks every module type here has.
pub(crate) struct Callbacks {
    pub rdb_load: unsafe extern "C" fn(*mut raw::RedisModuleIO, c_int) -> *mut c_void,
    pub rdb_save: unsafe extern "C" fn(*mut raw::RedisModuleIO, *mut c_void),
    pub aof_rewrite:
        unsafe extern "C" fn(*mut raw::RedisModuleIO, *mut raw::RedisModuleString, *mut c_void),
    pub mem_usage: unsafe extern "C" fn(*const c_void) -> usize,
    pub digest: unsafe extern "C" fn(*mut raw::RedisModuleDigest, *mut c_void),
    pub free: unsafe extern "C" fn(*mut c_void),
    pub copy: unsafe extern "C" fn(
        *mut raw::RedisModuleString,
        *mut raw::RedisModuleString,
        *const c_void,
    ) -> *mut c_void,
}

/// Redis's method table for a type with `c`'s callbacks and no others.
pub(crate) const fn methods(c: Callbacks) -> raw::RedisModuleTypeMethods {
    raw::RedisModuleTypeMethods {
        version: raw::REDISMODULE_TYPE_METHOD_VERSION as u64,
        rdb_load: Some(c.rdb_load),
        rdb_save: Some(c.rdb_save),
        aof_rewrite: Some(c.aof_rewrite),
        mem_usage: Some(c.mem_usage),
        digest: Some(c.digest),
        free: Some(c.free),
        aux_load: None,
        aux_save: None,
        aux_save2: None,
        aux_save_triggers: 0,
        free_effort: None,
        unlink: None,
        copy: Some(c.copy),
        defrag: None,
        mem_usage2: None,
        free_effort2: None,
        unlink2: None,
        copy2: None,
    }
}
