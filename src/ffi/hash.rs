//! Reading hash fields by bytes (field names may hold any byte, NUL too;
//! redis-module's helpers go through `CString` and would panic on one).

use std::os::raw::{c_int, c_void};

use redis_module::{raw, Context, RedisString};

/// An open, read-only key handle (closed on drop).
pub struct ReadKey {
    ctx: *mut raw::RedisModuleCtx,
    key: *mut raw::RedisModuleKey,
}

impl ReadKey {
    /// Opens `name` for reading in the context's selected database.
    pub fn open(ctx: &Context, name: &RedisString) -> ReadKey {
        let key = raw::open_key(ctx.ctx, name.inner, raw::KeyMode::READ);
        ReadKey { ctx: ctx.ctx, key }
    }

    /// Whether the key holds a hash.
    pub fn is_hash(&self) -> bool {
        !self.key.is_null() && {
            // SAFETY: `key` is an open key handle.
            let t = unsafe { raw::RedisModule_KeyType.map_or(0, |f| f(self.key)) };
            t == raw::REDISMODULE_KEYTYPE_HASH as c_int
        }
    }

    /// One field's value (`None`: no such field, or not a hash).
    pub fn field(&self, field: &[u8]) -> Option<Vec<u8>> {
        let get = crate::api!(RedisModule_HashGet)?;
        if !self.is_hash() {
            return None;
        }
        let f = RedisString::create_from_slice(self.ctx, field);
        let mut out: *mut raw::RedisModuleString = std::ptr::null_mut();
        // SAFETY: variadic (field, &out) pairs ended by NULL, as documented
        // for RedisModule_HashGet with REDISMODULE_HASH_NONE.
        unsafe {
            get(
                self.key,
                raw::REDISMODULE_HASH_NONE as c_int,
                f.inner,
                &mut out as *mut *mut raw::RedisModuleString,
                std::ptr::null_mut::<c_void>(),
            )
        };
        if out.is_null() {
            return None;
        }
        let v = crate::types::io::string_bytes(out).to_vec();
        // SAFETY: HashGet gave us a new reference to `out`.
        unsafe {
            if let Some(free) = raw::RedisModule_FreeString {
                free(self.ctx, out);
            }
        }
        Some(v)
    }

    /// Every field and value of the hash.
    pub fn all(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut out: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        let (Some(create), Some(scan), Some(destroy)) = (
            crate::api!(RedisModule_ScanCursorCreate),
            crate::api!(RedisModule_ScanKey),
            crate::api!(RedisModule_ScanCursorDestroy),
        ) else {
            return out;
        };
        if !self.is_hash() {
            return out;
        }
        extern "C" fn each(
            _key: *mut raw::RedisModuleKey,
            field: *mut raw::RedisModuleString,
            value: *mut raw::RedisModuleString,
            data: *mut c_void,
        ) {
            // SAFETY: `data` is the `out` vector below, live for the scan.
            let out = unsafe { &mut *data.cast::<Vec<(Vec<u8>, Vec<u8>)>>() };
            let f = crate::types::io::string_bytes(field).to_vec();
            let v = if value.is_null() {
                Vec::new()
            } else {
                crate::types::io::string_bytes(value).to_vec()
            };
            out.push((f, v));
        }
        // SAFETY: the cursor is created and destroyed here; `out` outlives
        // the scan.
        unsafe {
            let cursor = create();
            while scan(
                self.key,
                cursor,
                Some(each),
                (&mut out as *mut Vec<_>).cast(),
            ) != 0
            {}
            destroy(cursor);
        }
        out
    }
}

impl Drop for ReadKey {
    fn drop(&mut self) {
        if !self.key.is_null() {
            // SAFETY: the handle was opened by `open` and is closed once.
            unsafe {
                if let Some(close) = raw::RedisModule_CloseKey {
                    close(self.key);
                }
            }
        }
    }
}

/// The context's selected database.
pub fn selected_db(ctx: &Context) -> i32 {
    // SAFETY: ctx is live.
    crate::api!(RedisModule_GetSelectedDb).map_or(0, |f| unsafe { f(ctx.ctx) })
}

/// Selects database `db`; false if it does not exist.
pub fn select_db(ctx: &Context, db: i32) -> bool {
    // SAFETY: ctx is live; SelectDb checks the number.
    crate::api!(RedisModule_SelectDb).is_some_and(|f| unsafe { f(ctx.ctx, db) } == 0)
}

/// Number of keys in the selected database.
pub fn db_size(ctx: &Context) -> u64 {
    // SAFETY: ctx is live.
    crate::api!(RedisModule_DbSize).map_or(0, |f| unsafe { f(ctx.ctx) })
}
