//! Registers [`crate::config::settings::SETTINGS`] as Redis 7 module configs
//! (`ai.<name>`) and applies redis.conf's `ai.*` lines with
//! `RedisModule_LoadConfigs`. The callbacks read and write the one
//! [`crate::config`] value, so CONFIG GET, AI.CONFIG GET and INFO agree.
//!
//! Precedence: the module arguments are parsed first and become each
//! config's registered default; `RedisModule_LoadConfigs` then applies the
//! `ai.*` lines of redis.conf (or `MODULE LOADEX … CONFIG`), which therefore
//! win. A setting named by neither keeps the argument's value, or the
//! built-in default.

use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_longlong, c_void};
use std::sync::{Mutex, PoisonError};

use redis_module::{raw, Context};

use crate::config::settings::{Kind, Setting, SETTINGS};
use crate::config::{self, Config};

/// The strings handed to Redis by the string getters. Redis copies the
/// value and does not free it (module.c `getModuleStringConfig`), so each
/// one is kept until the next get of the same config and freed then.
static HELD: Mutex<[usize; SETTINGS.len()]> = Mutex::new([0; SETTINGS.len()]);

fn setting(privdata: *mut c_void) -> Option<&'static Setting> {
    SETTINGS.get(privdata as usize)
}

/// Hands `text` to Redis as the error of a refused set. Redis frees it.
fn refuse(err: *mut *mut raw::RedisModuleString, text: &str) -> c_int {
    if let Some(create) = crate::api!(RedisModule_CreateString) {
        if !err.is_null() {
            // SAFETY: a NULL context makes an unmanaged string, and `err`
            // is the out-parameter Redis passed to the set callback.
            unsafe { *err = create(std::ptr::null_mut(), text.as_ptr().cast(), text.len()) };
        }
    }
    raw::REDISMODULE_ERR as c_int
}

extern "C" fn get_number(_name: *const c_char, privdata: *mut c_void) -> c_longlong {
    match setting(privdata).map(|s| s.kind) {
        Some(Kind::Number { get, .. }) => config::read(get),
        _ => 0,
    }
}

extern "C" fn set_number(
    _name: *const c_char,
    val: c_longlong,
    privdata: *mut c_void,
    err: *mut *mut raw::RedisModuleString,
) -> c_int {
    match setting(privdata).map(|s| s.kind) {
        Some(Kind::Number { set, .. }) => {
            config::update(|c| set(c, val));
            raw::REDISMODULE_OK as c_int
        }
        _ => refuse(err, "unknown setting"),
    }
}

extern "C" fn get_flag(_name: *const c_char, privdata: *mut c_void) -> c_int {
    match setting(privdata).map(|s| s.kind) {
        Some(Kind::Flag { get, .. }) => c_int::from(config::read(get)),
        _ => 0,
    }
}

extern "C" fn set_flag(
    _name: *const c_char,
    val: c_int,
    privdata: *mut c_void,
    err: *mut *mut raw::RedisModuleString,
) -> c_int {
    match setting(privdata).map(|s| s.kind) {
        Some(Kind::Flag { set, .. }) => {
            config::update(|c| set(c, val != 0));
            raw::REDISMODULE_OK as c_int
        }
        _ => refuse(err, "unknown setting"),
    }
}

extern "C" fn get_text(_name: *const c_char, privdata: *mut c_void) -> *mut raw::RedisModuleString {
    let index = privdata as usize;
    let (Some(Kind::Text { get, .. }), Some(create), Some(free)) = (
        setting(privdata).map(|s| s.kind),
        crate::api!(RedisModule_CreateString),
        crate::api!(RedisModule_FreeString),
    ) else {
        return std::ptr::null_mut();
    };
    let value = config::read(get);
    // SAFETY: a NULL context makes an unmanaged string, owned by HELD.
    let fresh = unsafe { create(std::ptr::null_mut(), value.as_ptr().cast(), value.len()) };
    let mut held = HELD.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(slot) = held.get_mut(index) {
        let old = std::mem::replace(slot, fresh as usize);
        if old != 0 {
            // SAFETY: `old` came from `create` above and Redis, which copied
            // it when the previous get returned, holds no reference to it.
            unsafe { free(std::ptr::null_mut(), old as *mut raw::RedisModuleString) };
        }
    }
    fresh
}

extern "C" fn set_text(
    _name: *const c_char,
    val: *mut raw::RedisModuleString,
    privdata: *mut c_void,
    err: *mut *mut raw::RedisModuleString,
) -> c_int {
    let (Some(Kind::Text { set, .. }), Some(ptr_len)) = (
        setting(privdata).map(|s| s.kind),
        crate::api!(RedisModule_StringPtrLen),
    ) else {
        return refuse(err, "unknown setting");
    };
    let mut len = 0usize;
    // SAFETY: `val` is the live string Redis passes to the callback.
    let ptr = unsafe { ptr_len(val, &mut len) };
    let bytes = if ptr.is_null() {
        &[][..]
    } else {
        // SAFETY: Redis guarantees `len` readable bytes at `ptr` for the call.
        unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) }
    };
    let text = String::from_utf8_lossy(bytes);
    let mut result = Ok(());
    config::update(|c| result = set(c, &text));
    match result {
        Ok(()) => raw::REDISMODULE_OK as c_int,
        Err(e) => refuse(err, &e.reply_text()),
    }
}

/// Registers every setting with the current configuration (after the module
/// arguments) as its default, then applies the `ai.*` config lines. Redis 6
/// has no module configs: there this does nothing. Returns the log line of
/// a failure.
pub fn register(ctx: &Context) -> Result<(), String> {
    let (Some(num), Some(text), Some(flag), Some(load)) = (
        crate::api!(RedisModule_RegisterNumericConfig),
        crate::api!(RedisModule_RegisterStringConfig),
        crate::api!(RedisModule_RegisterBoolConfig),
        crate::api!(RedisModule_LoadConfigs),
    ) else {
        ctx.log_notice("this Redis has no module configs: ai.* settings are arguments only");
        return Ok(());
    };
    let current: Config = config::get();
    for (index, s) in SETTINGS.iter().enumerate() {
        let name = CString::new(s.name).map_err(|e| e.to_string())?;
        let flags = if s.runtime {
            raw::REDISMODULE_CONFIG_DEFAULT
        } else {
            raw::REDISMODULE_CONFIG_IMMUTABLE
        };
        let privdata = index as *mut c_void;
        // SAFETY: ctx is the OnLoad context; `name` and `default` outlive
        // the call (Redis copies them); privdata is an index, not a pointer.
        let status = match s.kind {
            Kind::Number { min, max, get, .. } => unsafe {
                num(
                    ctx.ctx,
                    name.as_ptr(),
                    get(&current),
                    flags,
                    min,
                    max,
                    Some(get_number),
                    Some(set_number),
                    None,
                    privdata,
                )
            },
            Kind::Text { get, .. } => {
                let default = CString::new(get(&current)).map_err(|e| e.to_string())?;
                // SAFETY: as above.
                unsafe {
                    text(
                        ctx.ctx,
                        name.as_ptr(),
                        default.as_ptr(),
                        flags,
                        Some(get_text),
                        Some(set_text),
                        None,
                        privdata,
                    )
                }
            }
            Kind::Flag { get, .. } => unsafe {
                flag(
                    ctx.ctx,
                    name.as_ptr(),
                    c_int::from(get(&current)),
                    flags,
                    Some(get_flag),
                    Some(set_flag),
                    None,
                    privdata,
                )
            },
        };
        if status != raw::REDISMODULE_OK as c_int {
            return Err(format!("cannot register the config {}", s.full_name()));
        }
    }
    // SAFETY: ctx is the OnLoad context, after every config is registered.
    if unsafe { load(ctx.ctx) } != raw::REDISMODULE_OK as c_int {
        return Err("an ai.* config line has a bad value (see the line above)".to_string());
    }
    Ok(())
}
