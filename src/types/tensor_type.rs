//! `AI_TENSOR`: RedisAI's tensor type, same name and encodings, so RedisAI
//! RDB files and DUMP payloads load here.
//!
//! The stored value is an `Arc<Tensor>`: tensors are immutable, so `COPY`
//! shares the bytes and a background run can hold a snapshot.

use std::os::raw::{c_int, c_void};
use std::sync::Arc;

use redis_module::key::{RedisKey, RedisKeyWritable};
use redis_module::native_types::RedisType;
use redis_module::raw;

use super::io::{string_bytes, Digest, Io};
use super::{guarded, into_raw, methods, Callbacks};
use crate::args::Arg;
use crate::error::{Error, Result};
use crate::ffi::emit::emit_aof;
use crate::persistence::commands::tensorset_args;
use crate::persistence::tensor_codec::{self, ENCVER};
use crate::tensor::{Tensor, TensorSet};

/// What a tensor key holds.
pub type TensorValue = Arc<Tensor>;

pub static TENSOR_TYPE: RedisType = RedisType::new(
    "AI_TENSOR",
    ENCVER,
    methods(Callbacks {
        rdb_load,
        rdb_save,
        aof_rewrite,
        mem_usage,
        digest,
        free,
        copy,
    }),
);

/// The tensor at a read-only key: `Ok(None)` when the key is empty,
/// `WrongType` when it holds something else.
pub fn read(key: &RedisKey) -> Result<Option<TensorValue>> {
    super::read_value(key, &TENSOR_TYPE)
}

/// A key opened for writing a tensor, its type already checked.
pub struct WriteSlot<'a> {
    key: &'a RedisKeyWritable,
    existing: Option<&'a mut TensorValue>,
}

/// Checks that the key is empty or holds a tensor (else `WrongType`), so a
/// command can fail on the type before it parses anything else.
pub fn open_for_write(key: &RedisKeyWritable) -> Result<WriteSlot<'_>> {
    let existing = key
        .get_value::<TensorValue>(&TENSOR_TYPE)
        .map_err(|_| Error::WrongType)?;
    Ok(WriteSlot { key, existing })
}

impl WriteSlot<'_> {
    /// Stores the tensor `set` describes. Like SET, it clears a TTL. An
    /// existing tensor that nothing else shares (no COPY, no running job) is
    /// rewritten in place, reusing its buffers and its key.
    pub fn store<T: Arg>(self, set: &TensorSet<'_, T>) -> Result<()> {
        let Some(current) = self.existing else {
            return self
                .key
                .set_value(&TENSOR_TYPE, Arc::new(set.build()?))
                .map_err(|_| Error::WrongType);
        };
        match Arc::get_mut(current) {
            Some(t) => set.write_into(t)?,
            None => *current = Arc::new(set.build()?),
        }
        // Fails only for an empty or read-only key, neither of which this is.
        let _ = self.key.remove_expire();
        Ok(())
    }
}

impl WriteSlot<'_> {
    /// Stores a tensor the module made (a model output), clearing any TTL.
    pub fn store_tensor(self, t: Arc<Tensor>) -> Result<()> {
        match self.existing {
            Some(current) => {
                *current = t;
                let _ = self.key.remove_expire();
                Ok(())
            }
            None => self
                .key
                .set_value(&TENSOR_TYPE, t)
                .map_err(|_| Error::WrongType),
        }
    }
}

unsafe extern "C" fn rdb_load(rdb: *mut raw::RedisModuleIO, encver: c_int) -> *mut c_void {
    guarded(std::ptr::null_mut(), || {
        let mut io = Io(rdb);
        match tensor_codec::decode(encver, &mut io) {
            Ok(t) => into_raw::<TensorValue>(Arc::new(t)),
            Err(e) => {
                io.log_error(&format!("AI_TENSOR: {}", e.0));
                std::ptr::null_mut()
            }
        }
    })
}

/// # Safety
/// `value` is a pointer made by `into_raw::<TensorValue>`, live for the call.
unsafe fn value<'a>(value: *const c_void) -> &'a TensorValue {
    // SAFETY: every AI_TENSOR value is created by `into_raw::<TensorValue>`
    // (rdb_load, copy, `write`), and Redis passes it back unchanged.
    unsafe { &*value.cast::<TensorValue>() }
}

unsafe extern "C" fn rdb_save(rdb: *mut raw::RedisModuleIO, v: *mut c_void) {
    // SAFETY: Redis passes a value of this type.
    let t = unsafe { value(v) };
    guarded((), || tensor_codec::encode(t, &mut Io(rdb)));
}

unsafe extern "C" fn aof_rewrite(
    aof: *mut raw::RedisModuleIO,
    key: *mut raw::RedisModuleString,
    v: *mut c_void,
) {
    // SAFETY: Redis passes a value of this type.
    let t = unsafe { value(v) };
    guarded((), || {
        let args = tensorset_args(string_bytes(key), t);
        let io = Io(aof);
        if !emit_aof(&io, "AI.TENSORSET", &args) {
            io.log_error("AI_TENSOR: could not emit AI.TENSORSET");
        }
    });
}

unsafe extern "C" fn mem_usage(v: *const c_void) -> usize {
    // SAFETY: Redis passes a value of this type.
    let t = unsafe { value(v) };
    std::mem::size_of::<TensorValue>() + t.heap_size()
}

unsafe extern "C" fn digest(md: *mut raw::RedisModuleDigest, v: *mut c_void) {
    // SAFETY: Redis passes a value of this type.
    let t = unsafe { value(v) };
    guarded((), || {
        let md = Digest(md);
        md.add(t.dtype().name().as_bytes());
        for d in t.shape() {
            md.add(&d.to_le_bytes());
        }
        md.add(t.data());
        md.end();
    });
}

unsafe extern "C" fn copy(
    _from: *mut raw::RedisModuleString,
    _to: *mut raw::RedisModuleString,
    v: *const c_void,
) -> *mut c_void {
    // SAFETY: Redis passes a value of this type.
    let t = unsafe { value(v) };
    into_raw::<TensorValue>(Arc::clone(t))
}

unsafe extern "C" fn free(v: *mut c_void) {
    if !v.is_null() {
        // SAFETY: made by `into_raw::<TensorValue>`; Redis frees it once.
        drop(unsafe { Box::from_raw(v.cast::<TensorValue>()) });
    }
}
