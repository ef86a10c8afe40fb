//! `AI__MODEL`: RedisAI's model type, same name and encodings. Models are
//! recompiled through their backend when an RDB loads.

use std::os::raw::{c_int, c_void};
use std::sync::Arc;

use redis_module::key::{RedisKey, RedisKeyWritable};
use redis_module::native_types::RedisType;
use redis_module::raw;

use super::io::{string_bytes, Digest, Io};
use super::{guarded, into_raw, methods, Callbacks};
use crate::error::{Error, Result};
use crate::ffi::emit::emit_aof;
use crate::model::{Model, Refused};
use crate::persistence::commands::modelstore_args;
use crate::persistence::model_codec::{self, backend_code, ENCVER};

/// What a model key holds.
pub type ModelValue = Arc<Model>;

pub static MODEL_TYPE: RedisType = RedisType::new(
    "AI__MODEL",
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

/// The model at a key: `Ok(None)` when empty, `WrongType` for another type.
pub fn read(key: &RedisKey) -> Result<Option<ModelValue>> {
    super::read_value(key, &MODEL_TYPE)
}

/// Whether a writable key holds a model (`WrongType` for another type).
pub fn exists(key: &RedisKeyWritable) -> Result<bool> {
    Ok(super::writable_value::<ModelValue>(key, &MODEL_TYPE)?.is_some())
}

/// Stores `model` at `key`, replacing a model (not another type).
pub fn store(key: &RedisKeyWritable, model: Model) -> Result<()> {
    exists(key)?;
    key.set_value(&MODEL_TYPE, Arc::new(model))
        .map_err(|_| Error::WrongType)
}

fn chunk_size() -> usize {
    crate::config::get().model_chunk_size.max(1) as usize
}

unsafe extern "C" fn rdb_load(rdb: *mut raw::RedisModuleIO, encver: c_int) -> *mut c_void {
    guarded(std::ptr::null_mut(), || {
        let io = Io(rdb);
        let (meta, blob) = match model_codec::decode(encver, &mut Io(rdb)) {
            Ok(v) => v,
            Err(e) => {
                io.log_error(&format!("AI__MODEL: {}", e.0));
                return std::ptr::null_mut();
            }
        };
        let model = match Model::compile(meta, blob) {
            Ok(m) => m,
            Err(r) if r.error.environmental => {
                let Refused { error, meta, blob } = *r;
                io.log_error(&format!(
                    "AI__MODEL: loaded a {} model for {} that cannot run on this host: {}",
                    meta.backend.name(),
                    String::from_utf8_lossy(&meta.device),
                    error.error.reply_text()
                ));
                Model::unavailable(meta, blob, error.error)
            }
            Err(r) => {
                io.log_error(&format!(
                    "AI__MODEL: the {} backend refused the model: {}",
                    r.meta.backend.name(),
                    r.error.error.reply_text()
                ));
                return std::ptr::null_mut();
            }
        };
        if let Err(e) = crate::engine::ensure_queue(&model.queue_name()) {
            io.log_error(&e.reply_text());
        }
        into_raw::<ModelValue>(Arc::new(model))
    })
}

/// # Safety
/// `value` is a pointer made by `into_raw::<ModelValue>`, live for the call.
unsafe fn value<'a>(value: *const c_void) -> &'a ModelValue {
    // SAFETY: every AI__MODEL value is created by `into_raw::<ModelValue>`
    // (rdb_load, copy, `store`), and Redis passes it back unchanged.
    unsafe { &*value.cast::<ModelValue>() }
}

unsafe extern "C" fn rdb_save(rdb: *mut raw::RedisModuleIO, v: *mut c_void) {
    // SAFETY: Redis passes a value of this type.
    let m = unsafe { value(v) };
    guarded((), || {
        model_codec::encode(&m.meta, m.blob(), chunk_size(), &mut Io(rdb))
    });
}

unsafe extern "C" fn aof_rewrite(
    aof: *mut raw::RedisModuleIO,
    key: *mut raw::RedisModuleString,
    v: *mut c_void,
) {
    // SAFETY: Redis passes a value of this type.
    let m = unsafe { value(v) };
    guarded((), || {
        let args = modelstore_args(string_bytes(key), &m.meta, m.blob(), chunk_size());
        let io = Io(aof);
        if !emit_aof(&io, "AI.MODELSTORE", &args) {
            io.log_error("AI__MODEL: could not emit AI.MODELSTORE");
        }
    });
}

unsafe extern "C" fn mem_usage(v: *const c_void) -> usize {
    // SAFETY: Redis passes a value of this type.
    let m = unsafe { value(v) };
    std::mem::size_of::<ModelValue>() + m.memory_usage()
}

unsafe extern "C" fn digest(md: *mut raw::RedisModuleDigest, v: *mut c_void) {
    // SAFETY: Redis passes a value of this type.
    let m = unsafe { value(v) };
    guarded((), || {
        let md = Digest(md);
        let meta = &m.meta;
        md.add(&backend_code(meta.backend).to_le_bytes());
        md.add(&meta.device);
        md.add(&meta.tag);
        for n in [meta.batchsize, meta.minbatchsize, meta.minbatchtimeout] {
            md.add(&n.to_le_bytes());
        }
        // Each list with its length, so that names moved from the inputs
        // to the outputs change the digest.
        for names in [&meta.inputs, &meta.outputs] {
            md.add(&(names.len() as u64).to_le_bytes());
            for name in names {
                md.add(name.as_bytes());
            }
        }
        md.add(m.blob());
        md.end();
    });
}

unsafe extern "C" fn copy(
    _from: *mut raw::RedisModuleString,
    _to: *mut raw::RedisModuleString,
    v: *const c_void,
) -> *mut c_void {
    // SAFETY: Redis passes a value of this type.
    let m = unsafe { value(v) };
    guarded(std::ptr::null_mut(), || {
        into_raw::<ModelValue>(Arc::new(m.duplicate()))
    })
}

unsafe extern "C" fn free(v: *mut c_void) {
    if !v.is_null() {
        // SAFETY: made by `into_raw::<ModelValue>`; Redis frees it once.
        drop(unsafe { Box::from_raw(v.cast::<ModelValue>()) });
    }
}
