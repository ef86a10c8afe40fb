//! Scanning every database's keyspace (for AI._MODELSCAN).

use std::cell::RefCell;
use std::os::raw::c_int;

use redis_module::key::RedisKey;
use redis_module::{Context, KeysCursor};

/// Calls `pick` on every key of every database, and collects the names and
/// values it picks. Restores the context's selected database afterwards.
pub fn all_dbs<T>(ctx: &Context, pick: impl Fn(&RedisKey) -> Option<T>) -> Vec<(Vec<u8>, T)> {
    let (Some(select), Some(get)) = (
        crate::api!(RedisModule_SelectDb),
        crate::api!(RedisModule_GetSelectedDb),
    ) else {
        return Vec::new();
    };
    // SAFETY: ctx is the live command context.
    let original = unsafe { get(ctx.ctx) };
    let out = RefCell::new(Vec::new());
    let mut db: c_int = 0;
    // SAFETY: SelectDb fails (non-zero) for an id past `databases`.
    while unsafe { select(ctx.ctx, db) } == 0 {
        let cursor = KeysCursor::new();
        while cursor.scan(ctx, &|_ctx, name, key| {
            if let Some(v) = key.and_then(&pick) {
                out.borrow_mut().push((name.as_slice().to_vec(), v));
            }
        }) {}
        db += 1;
    }
    // SAFETY: restores the database the command started in.
    unsafe { select(ctx.ctx, original) };
    out.into_inner()
}
