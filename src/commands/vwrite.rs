//! Vector writes that never make Redis's main thread wait for a search.
//!
//! AI.VADD, AI.VREM and AI.VSETATTR need their set's write lock, and
//! searches on the pool hold its read lock for as long as they run (a
//! `TRUTH` search on a large set: tens of milliseconds). So a write only
//! tries the lock. When searches hold it, the command's client is blocked,
//! the set's gate closes (no new search enters), and once the searches in
//! flight have left, the command runs again from the start in the
//! blocked-client callback, on the main thread, where the lock is now free:
//! it re-reads the key (which may have been deleted or replaced meanwhile),
//! writes, replicates and notifies exactly as if the client had sent it at
//! that moment. Only that client waits; every other client, and PING, is
//! served meanwhile. Inside MULTI/EXEC or a script a client cannot be
//! blocked: there the write waits for the searches, as before (counted in
//! `ai_vector_writes_waited`).

use std::cell::Cell;
use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, RwLockWriteGuard};

use redis_module::{Context, ContextFlags, RedisString};

use crate::error::{Error, Result};
use crate::ffi::block::{self, Finish};
use crate::ffi::command::Handler;
use crate::ffi::emit;
use crate::vector::stats::{self, WRITES_DEFERRED, WRITES_WAITED};
use crate::vector::{SetData, VecSet};

thread_local! {
    /// True while a deferred write runs again (main thread only): it must
    /// not defer a second time, and it replicates its arguments explicitly.
    static RERUN: Cell<bool> = const { Cell::new(false) };
}

/// The outcome of asking for a set's write lock.
pub enum Locked<'a> {
    Now(RwLockWriteGuard<'a, SetData>),
    /// The client is blocked; the command runs again later. Reply nothing.
    Deferred,
}

/// Locks `set` for the write command `args` (run by `handler`), or defers
/// the command if searches hold the set.
pub fn lock<'a>(
    ctx: &Context,
    args: &[RedisString],
    set: &'a Arc<VecSet>,
    handler: Handler,
) -> Result<Locked<'a>> {
    if let Some(g) = set.try_write() {
        return Ok(Locked::Now(g));
    }
    let flags = ctx.get_flags();
    if RERUN.get()
        || flags.contains(ContextFlags::MULTI)
        || flags.contains(ContextFlags::LUA)
        || flags.contains(ContextFlags::DENY_BLOCKING)
    {
        stats::bump(&WRITES_WAITED);
        return Ok(Locked::Now(set.write()));
    }
    let blocked = block::block(ctx)?;
    let rerun = Rerun {
        args: args.iter().map(|a| a.as_slice().to_vec()).collect(),
        handler,
        db: block::selected_db(ctx),
        set: Arc::clone(set),
    };
    stats::bump(&WRITES_DEFERRED);
    set.defer_write(Box::new(move || blocked.unblock(Box::new(rerun))));
    Ok(Locked::Deferred)
}

/// Propagates a vector write to replicas and the AOF: verbatim when the
/// client's command is running, explicitly when it runs again deferred.
pub fn propagate(ctx: &Context, args: &[RedisString]) {
    if !RERUN.get() {
        ctx.replicate_verbatim();
        return;
    }
    let Some((cmd, rest)) = args.split_first() else {
        return;
    };
    let cmd = String::from_utf8_lossy(cmd.as_slice()).into_owned();
    let rest: Vec<std::borrow::Cow<'_, [u8]>> = rest.iter().map(|a| a.as_slice().into()).collect();
    if !emit::replicate(ctx, &cmd, &rest) {
        ctx.log_warning(&format!("{cmd}: could not propagate a deferred write"));
    }
}

/// A deferred write, run again on the main thread. Dropping it (after the
/// run, or if it never ran) reopens the set's gate.
struct Rerun {
    args: Vec<Vec<u8>>,
    handler: Handler,
    db: c_int,
    set: Arc<VecSet>,
}

impl Rerun {
    fn run(&self, ctx: &Context) -> Result<redis_module::RedisValue> {
        let args: Vec<RedisString> = self
            .args
            .iter()
            .map(|a| crate::ffi::string(ctx, a))
            .collect();
        RERUN.set(true);
        let result = catch_unwind(AssertUnwindSafe(|| (self.handler)(ctx, &args)));
        RERUN.set(false);
        result.unwrap_or_else(|_| {
            Err(Error::err(
                "internal error in a deferred write; see the server log",
            ))
        })
    }
}

impl Drop for Rerun {
    fn drop(&mut self) {
        self.set.write_done();
    }
}

impl Finish for Rerun {
    fn reply(&mut self, ctx: &Context) {
        match self.run(ctx) {
            Ok(value) => {
                ctx.reply(Ok(value));
            }
            Err(e) => {
                ctx.reply_error_string(&e.reply_text());
            }
        }
    }

    /// The client left while its write waited: the write still happens (a
    /// command Redis accepted is not dropped), with no one to answer.
    fn detached(&mut self, ctx: &Context) {
        if let Err(e) = self.run(ctx) {
            ctx.log_warning(&format!(
                "a deferred vector write of a disconnected client failed: {}",
                e.reply_text()
            ));
        }
    }

    fn db(&self) -> c_int {
        self.db
    }
}
