//! `AI_VECSET`: a vector set (usearch HNSW index, names, attributes). Its
//! RDB payload carries the graph itself, so loading never rebuilds it.

use std::borrow::Cow;
use std::os::raw::{c_int, c_void};
use std::sync::Arc;

use redis_module::key::{RedisKey, RedisKeyWritable};
use redis_module::native_types::RedisType;
use redis_module::raw;

use super::io::{string_bytes, Digest, Io};
use super::{guarded, into_raw, methods, Callbacks};
use crate::error::{Error, Result};
use crate::ffi::emit::emit_aof;
use crate::persistence::vecset_codec::{self, metric_code, quant_code, ENCVER};
use crate::vector::parse::{metric_name, quant_name};
use crate::vector::VecSet;

/// What a vector set key holds: shared with the searches running on it.
pub type SetValue = Arc<VecSet>;

pub static VECSET_TYPE: RedisType = RedisType::new(
    "AI_VECSET",
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

/// The set at a key: `Ok(None)` when empty, `WrongType` for another type.
pub fn read(key: &RedisKey) -> Result<Option<SetValue>> {
    super::read_value(key, &VECSET_TYPE)
}

/// The set at a writable key.
pub fn get(key: &RedisKeyWritable) -> Result<Option<SetValue>> {
    super::writable_value(key, &VECSET_TYPE)
}

/// Stores a new set at an empty key.
pub fn store(key: &RedisKeyWritable, set: VecSet) -> Result<()> {
    key.set_value(&VECSET_TYPE, Arc::new(set))
        .map_err(|_| Error::WrongType)
}

unsafe extern "C" fn rdb_load(rdb: *mut raw::RedisModuleIO, encver: c_int) -> *mut c_void {
    guarded(std::ptr::null_mut(), || {
        let io = Io(rdb);
        match vecset_codec::decode(encver, &mut Io(rdb)) {
            Ok(set) => into_raw::<SetValue>(Arc::new(set)),
            Err(e) => {
                io.log_error(&format!("AI_VECSET: {}", e.0));
                std::ptr::null_mut()
            }
        }
    })
}

/// # Safety
/// `value` is a pointer made by `into_raw::<SetValue>`, live for the call.
unsafe fn value<'a>(value: *const c_void) -> &'a SetValue {
    // SAFETY: every AI_VECSET value is created by `into_raw::<SetValue>`
    // (rdb_load, copy, `store`), and Redis passes it back unchanged.
    unsafe { &*value.cast::<SetValue>() }
}

unsafe extern "C" fn rdb_save(rdb: *mut raw::RedisModuleIO, v: *mut c_void) {
    // SAFETY: Redis passes a value of this type.
    let set = unsafe { value(v) };
    guarded((), || {
        if let Err(e) = vecset_codec::encode(&set.read(), &mut Io(rdb)) {
            Io(rdb).log_error(&format!("AI_VECSET: could not save the graph: {e}"));
        }
    });
}

unsafe extern "C" fn aof_rewrite(
    aof: *mut raw::RedisModuleIO,
    key: *mut raw::RedisModuleString,
    v: *mut c_void,
) {
    // SAFETY: Redis passes a value of this type.
    let set = unsafe { value(v) };
    guarded((), || {
        let io = Io(aof);
        let d = set.read();
        let spec = d.spec();
        let key = string_bytes(key);
        let (m, ef) = (spec.m.to_string(), spec.ef_construction.to_string());
        for (_, e) in d.sorted() {
            let Some((raw, norm)) = d.raw(&e.name) else {
                continue;
            };
            let norm = f64::from(norm).to_string();
            let mut args: Vec<Cow<'_, [u8]>> = vec![
                Cow::Borrowed(key),
                Cow::Borrowed(b"RAW"),
                Cow::Owned(raw),
                Cow::Borrowed(norm.as_bytes()),
                Cow::Borrowed(&e.name),
                Cow::Borrowed(b"METRIC"),
                Cow::Borrowed(metric_name(spec.metric).as_bytes()),
                Cow::Borrowed(b"QUANT"),
                Cow::Borrowed(quant_name(spec.quant).as_bytes()),
                Cow::Borrowed(b"M"),
                Cow::Borrowed(m.as_bytes()),
                Cow::Borrowed(b"EF"),
                Cow::Borrowed(ef.as_bytes()),
            ];
            if let Some(a) = e.attrs.as_deref() {
                args.push(Cow::Borrowed(b"SETATTR"));
                args.push(Cow::Borrowed(a.as_bytes()));
            }
            if !emit_aof(&io, "AI.VADD", &args) {
                io.log_error("AI_VECSET: could not emit AI.VADD");
                return;
            }
        }
    });
}

unsafe extern "C" fn mem_usage(v: *const c_void) -> usize {
    // SAFETY: Redis passes a value of this type.
    let set = unsafe { value(v) };
    guarded(0, || {
        std::mem::size_of::<SetValue>() + std::mem::size_of::<VecSet>() + set.read().memory_usage()
    })
}

unsafe extern "C" fn digest(md: *mut raw::RedisModuleDigest, v: *mut c_void) {
    // SAFETY: Redis passes a value of this type.
    let set = unsafe { value(v) };
    guarded((), || {
        let md = Digest(md);
        let d = set.read();
        let s = d.spec();
        for n in [
            s.dim as u64,
            metric_code(s.metric),
            quant_code(s.quant),
            s.m as u64,
            s.ef_construction as u64,
        ] {
            md.add(&n.to_le_bytes());
        }
        md.end();
        // By name, so the digest does not depend on hash order or ids.
        for (_, e) in d.sorted() {
            md.add(&e.name);
            if let Some((raw, norm)) = d.raw(&e.name) {
                md.add(&raw);
                md.add(&norm.to_bits().to_le_bytes());
            }
            md.add(e.attrs.as_deref().unwrap_or("").as_bytes());
            md.end();
        }
    });
}

unsafe extern "C" fn copy(
    _from: *mut raw::RedisModuleString,
    _to: *mut raw::RedisModuleString,
    v: *const c_void,
) -> *mut c_void {
    // SAFETY: Redis passes a value of this type.
    let set = unsafe { value(v) };
    guarded(std::ptr::null_mut(), || match set.duplicate() {
        Ok(copy) => into_raw::<SetValue>(Arc::new(copy)),
        Err(_) => std::ptr::null_mut(),
    })
}

unsafe extern "C" fn free(v: *mut c_void) {
    if !v.is_null() {
        // SAFETY: made by `into_raw::<SetValue>`; Redis frees it once. A
        // search still running holds its own `Arc` and finishes first.
        drop(unsafe { Box::from_raw(v.cast::<SetValue>()) });
    }
}
