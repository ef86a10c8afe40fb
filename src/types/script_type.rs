//! `AI_SCRIPT`: RedisAI's script type, same name and encodings. Scripts are
//! recompiled when an RDB loads; one that cannot compile on this host (no
//! TORCH in this build, no GPU) loads all the same, with its source
//! (Decision 11).

use std::os::raw::{c_int, c_void};
use std::sync::Arc;

use redis_module::key::{RedisKey, RedisKeyWritable};
use redis_module::native_types::RedisType;
use redis_module::raw;

use super::io::{string_bytes, Digest, Io};
use super::{guarded, into_raw, methods, Callbacks};
use crate::error::{Error, Result};
use crate::ffi::emit::emit_aof;
use crate::persistence::commands::script_command;
use crate::persistence::script_codec::{self, ENCVER};
use crate::script::{RefusedScript, Script};

/// What a script key holds.
pub type ScriptValue = Arc<Script>;

pub static SCRIPT_TYPE: RedisType = RedisType::new(
    "AI_SCRIPT",
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

/// The script at a key: `Ok(None)` when empty, `WrongType` for another type.
pub fn read(key: &RedisKey) -> Result<Option<ScriptValue>> {
    super::read_value(key, &SCRIPT_TYPE)
}

/// Whether a writable key holds a script (`WrongType` for another type).
pub fn exists(key: &RedisKeyWritable) -> Result<bool> {
    Ok(super::writable_value::<ScriptValue>(key, &SCRIPT_TYPE)?.is_some())
}

/// Stores `script` at `key`, replacing a script (not another type).
pub fn store(key: &RedisKeyWritable, script: Script) -> Result<()> {
    exists(key)?;
    key.set_value(&SCRIPT_TYPE, Arc::new(script))
        .map_err(|_| Error::WrongType)
}

unsafe extern "C" fn rdb_load(rdb: *mut raw::RedisModuleIO, encver: c_int) -> *mut c_void {
    guarded(std::ptr::null_mut(), || {
        let io = Io(rdb);
        let (meta, source) = match script_codec::decode(encver, &mut Io(rdb)) {
            Ok(v) => v,
            Err(e) => {
                io.log_error(&format!("AI_SCRIPT: {}", e.0));
                return std::ptr::null_mut();
            }
        };
        let script = match Script::compile(meta, source) {
            Ok(s) => s,
            Err(r) if r.environmental => {
                let RefusedScript {
                    error,
                    meta,
                    source,
                    ..
                } = *r;
                io.log_error(&format!(
                    "AI_SCRIPT: loaded a script for {} that cannot run on this host: {}",
                    String::from_utf8_lossy(&meta.device),
                    error.reply_text()
                ));
                Script::unavailable(meta, source, error)
            }
            Err(r) => {
                io.log_error(&format!(
                    "AI_SCRIPT: TorchScript refused the script: {}",
                    r.error.reply_text()
                ));
                return std::ptr::null_mut();
            }
        };
        if let Err(e) = crate::engine::ensure_queue(&script.queue_name()) {
            io.log_error(&e.reply_text());
        }
        into_raw::<ScriptValue>(Arc::new(script))
    })
}

/// # Safety
/// `value` is a pointer made by `into_raw::<ScriptValue>`, live for the call.
unsafe fn value<'a>(value: *const c_void) -> &'a ScriptValue {
    // SAFETY: every AI_SCRIPT value is created by `into_raw::<ScriptValue>`
    // (rdb_load, copy, `store`), and Redis passes it back unchanged.
    unsafe { &*value.cast::<ScriptValue>() }
}

unsafe extern "C" fn rdb_save(rdb: *mut raw::RedisModuleIO, v: *mut c_void) {
    // SAFETY: Redis passes a value of this type.
    let s = unsafe { value(v) };
    guarded((), || {
        script_codec::encode(&s.meta, s.source(), &mut Io(rdb))
    });
}

unsafe extern "C" fn aof_rewrite(
    aof: *mut raw::RedisModuleIO,
    key: *mut raw::RedisModuleString,
    v: *mut c_void,
) {
    // SAFETY: Redis passes a value of this type.
    let s = unsafe { value(v) };
    guarded((), || {
        let (cmd, args) = script_command(string_bytes(key), &s.meta, s.source());
        let io = Io(aof);
        if !emit_aof(&io, cmd, &args) {
            io.log_error(&format!("AI_SCRIPT: could not emit {cmd}"));
        }
    });
}

unsafe extern "C" fn mem_usage(v: *const c_void) -> usize {
    // SAFETY: Redis passes a value of this type.
    let s = unsafe { value(v) };
    guarded(0, || std::mem::size_of::<ScriptValue>() + s.memory_usage())
}

unsafe extern "C" fn digest(md: *mut raw::RedisModuleDigest, v: *mut c_void) {
    // SAFETY: Redis passes a value of this type.
    let s = unsafe { value(v) };
    guarded((), || {
        let md = Digest(md);
        md.add(&s.meta.device);
        md.add(&s.meta.tag);
        md.add(&(s.meta.entry_points.len() as u64).to_le_bytes());
        for name in &s.meta.entry_points {
            md.add(name.as_bytes());
        }
        md.add(s.source());
        md.end();
    });
}

unsafe extern "C" fn copy(
    _from: *mut raw::RedisModuleString,
    _to: *mut raw::RedisModuleString,
    v: *const c_void,
) -> *mut c_void {
    // SAFETY: Redis passes a value of this type.
    let s = unsafe { value(v) };
    guarded(std::ptr::null_mut(), || {
        into_raw::<ScriptValue>(Arc::new(s.duplicate()))
    })
}

unsafe extern "C" fn free(v: *mut c_void) {
    if !v.is_null() {
        // SAFETY: made by `into_raw::<ScriptValue>`; Redis frees it once.
        drop(unsafe { Box::from_raw(v.cast::<ScriptValue>()) });
    }
}
