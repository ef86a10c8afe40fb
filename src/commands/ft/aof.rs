//! Keeping the index definitions through an AOF rewrite without an RDB
//! preamble. No key holds an index, and such a rewrite writes keys only, so
//! after every AOF rewrite starts (`aof_rewrites` moves; the new incremental
//! file is open from the fork on) each index is propagated as
//! `FT._RESTORE name <FT.CREATE arguments>`. Replayed after the new base, it
//! re-creates an index that is missing (and scans the keys loaded so far);
//! where the index exists (a replica, a preamble that carried it) it does
//! nothing.

use std::borrow::Cow;
use std::cell::Cell;
use std::os::raw::c_char;
use std::time::Duration;

use redis_module::{Context, RedisString, RedisValue};

use super::sync::{self, INDEX_DB};
use crate::error::{Error, Result};
use crate::ffi::emit::replicate;
use crate::search::index::Index;
use crate::search::registry;
use crate::search::schema::parse_create;

const POLL: Duration = Duration::from_millis(100);

thread_local! {
    // From 0: a rewrite that starts and ends before the first poll still
    // counts (an extra FT._RESTORE is harmless).
    static SEEN: Cell<Option<u64>> = const { Cell::new(Some(0)) };
}

/// `aof_rewrites` from INFO persistence.
fn aof_rewrites(ctx: &Context) -> Option<u64> {
    let (Some(get), Some(field), Some(free)) = (
        crate::api!(RedisModule_GetServerInfo),
        crate::api!(RedisModule_ServerInfoGetFieldUnsigned),
        crate::api!(RedisModule_FreeServerInfo),
    ) else {
        return None;
    };
    // SAFETY: ctx is live; the info object is freed before returning.
    unsafe {
        let info = get(ctx.ctx, c"persistence".as_ptr());
        if info.is_null() {
            return None;
        }
        let mut err = 0;
        let v = field(info, c"aof_rewrites".as_ptr() as *const c_char, &mut err);
        free(ctx.ctx, info);
        (err == 0).then_some(v)
    }
}

/// Starts the poll (module load).
pub fn start(ctx: &Context) {
    ctx.create_timer(POLL, tick, ());
}

fn tick(ctx: &Context, _: ()) {
    if let Some(now) = aof_rewrites(ctx) {
        let before = SEEN.with(|s| s.replace(Some(now)));
        if before.is_some_and(|b| b != now) {
            for ix in registry::all() {
                let r = registry::read(&ix);
                let mut args: Vec<Cow<'_, [u8]>> = vec![Cow::Borrowed(r.def.name.as_bytes())];
                args.extend(r.def.source.iter().map(|a| Cow::Borrowed(a.as_slice())));
                if !replicate(ctx, "FT._RESTORE", &args) {
                    ctx.log_warning(&format!(
                        "FT index {}: could not propagate its definition after an AOF rewrite",
                        r.def.name
                    ));
                }
            }
        }
    }
    ctx.create_timer(POLL, tick, ());
}

/// `FT._RESTORE index <FT.CREATE arguments>`: FT.CREATE unless the index
/// exists (then nothing). Internal: written to the AOF by the rewrite hook.
pub fn ft_restore(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if args.len() < 2 {
        return Err(Error::Arity("FT._RESTORE"));
    }
    let def = parse_create(&args[1..])?;
    if registry::get(&def.name).is_some() {
        return Ok(RedisValue::SimpleStringStatic("OK"));
    }
    if crate::ffi::hash::selected_db(ctx) != INDEX_DB {
        return Err(Error::err("Cannot create index on db != 0"));
    }
    let skip = def.skip_initial_scan;
    let name = def.name.clone();
    registry::insert(Index::new(def).map_err(Error::err)?);
    if let (false, Some(ix)) = (skip, registry::get(&name)) {
        sync::start_scan(ctx, ix);
    }
    Ok(RedisValue::SimpleStringStatic("OK"))
}
