//! Keyspace and server event subscriptions for the FT indexes.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use redis_module::{raw, Context, RedisString};

use crate::commands::ft::sync;

extern "C" fn on_keyspace(
    ctx: *mut raw::RedisModuleCtx,
    _type: c_int,
    event: *const c_char,
    key: *mut raw::RedisModuleString,
) -> c_int {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        if event.is_null() || key.is_null() {
            return;
        }
        let context = Context::new(ctx);
        // SAFETY: Redis passes a NUL-terminated event name.
        let ev = unsafe { CStr::from_ptr(event) }.to_bytes();
        let name = crate::ffi::string(&context, crate::types::io::string_bytes(key));
        sync::on_key_event(&context, ev, &name);
        drop::<RedisString>(name);
    }));
    0
}

extern "C" fn on_server_event(
    ctx: *mut raw::RedisModuleCtx,
    eid: raw::RedisModuleEvent,
    sub: u64,
    data: *mut c_void,
) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let context = Context::new(ctx);
        let id = eid.id;
        if id == raw::REDISMODULE_EVENT_FLUSHDB && sub == raw::REDISMODULE_SUBEVENT_FLUSHDB_END {
            // SAFETY: FLUSHDB events carry a RedisModuleFlushInfo.
            let db = if data.is_null() {
                -1
            } else {
                unsafe { (*data.cast::<raw::RedisModuleFlushInfo>()).dbnum }
            };
            sync::on_flush(db);
        } else if id == raw::REDISMODULE_EVENT_SWAPDB {
            if !data.is_null() {
                // SAFETY: SWAPDB events carry a RedisModuleSwapDbInfo.
                let info = unsafe { &*data.cast::<raw::RedisModuleSwapDbInfo>() };
                sync::on_swapdb(&context, info.dbnum_first, info.dbnum_second);
            }
        } else if id == raw::REDISMODULE_EVENT_LOADING {
            let s = sub;
            if s == raw::REDISMODULE_SUBEVENT_LOADING_RDB_START
                || s == raw::REDISMODULE_SUBEVENT_LOADING_AOF_START
                || s == raw::REDISMODULE_SUBEVENT_LOADING_REPL_START
            {
                sync::on_loading_start();
            } else if s == raw::REDISMODULE_SUBEVENT_LOADING_ENDED {
                sync::on_loading_end(&context);
            }
        }
    }));
}

/// Subscribes to what keeps the FT indexes current.
pub fn subscribe(ctx: &Context) -> Result<(), String> {
    let sub = crate::api!(RedisModule_SubscribeToKeyspaceEvents).ok_or("no keyspace events API")?;
    let types = (raw::NotifyEvent::GENERIC
        | raw::NotifyEvent::HASH
        | raw::NotifyEvent::STRING
        | raw::NotifyEvent::LIST
        | raw::NotifyEvent::SET
        | raw::NotifyEvent::ZSET
        | raw::NotifyEvent::STREAM
        | raw::NotifyEvent::EXPIRED
        | raw::NotifyEvent::EVICTED
        | raw::NotifyEvent::LOADED)
        .bits();
    // SAFETY: ctx is the module's load context; the callback is 'static.
    if unsafe { sub(ctx.ctx, types, Some(on_keyspace)) } != 0 {
        return Err("could not subscribe to keyspace events".to_string());
    }
    for id in [
        raw::REDISMODULE_EVENT_FLUSHDB,
        raw::REDISMODULE_EVENT_SWAPDB,
        raw::REDISMODULE_EVENT_LOADING,
    ] {
        let ev = raw::RedisModuleEvent {
            id: id as _,
            dataver: 1,
        };
        if raw::subscribe_to_server_event(ctx.ctx, ev, Some(on_server_event)) != raw::Status::Ok {
            return Err(format!("could not subscribe to server event {id}"));
        }
    }
    Ok(())
}
