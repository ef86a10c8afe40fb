//! Blocking a client while its command runs on a worker, and finishing it
//! on the main thread.
//!
//! The worker hands a [`Finish`] to [`Blocked::unblock`]. Redis then calls,
//! on the main thread, our reply callback (the client is still connected:
//! write the outputs and reply) and always our free callback. If the reply
//! callback did not run (the client disconnected), the free callback still
//! writes the outputs, through a detached context selected on the client's
//! database (Decision 6): a result is never lost because a client left.
//!
//! A blocked client is answered exactly once. A [`Blocked`] handle dropped
//! without [`Blocked::unblock`] (a worker job that panicked, a job thrown
//! away) unblocks its client with `ERR internal error …` from its `Drop`.

use std::os::raw::{c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicPtr, Ordering};

use redis_module::{raw, Context};

use crate::error::{Error, Result};

/// The end of a blocked command, run on the main thread.
pub trait Finish: Send {
    /// The client is connected: write the results and reply.
    fn reply(&mut self, ctx: &Context);
    /// The client is gone: write the results only. `ctx` has the client's
    /// database selected.
    fn detached(&mut self, ctx: &Context);
    /// The database the command ran in.
    fn db(&self) -> c_int;
}

struct Private {
    replied: bool,
    finish: Box<dyn Finish>,
}

/// A blocked client, waiting for its job.
pub struct Blocked(*mut raw::RedisModuleBlockedClient);

/// What a client whose job was lost is told.
pub const ERR_LOST: &str =
    "ERR internal error: the background job ended without a reply; see the server log";

/// The reply of a handle dropped unanswered.
struct Lost {
    db: c_int,
}

impl Finish for Lost {
    fn reply(&mut self, ctx: &Context) {
        ctx.reply_error_string(ERR_LOST);
    }

    fn detached(&mut self, _ctx: &Context) {}

    fn db(&self) -> c_int {
        self.db
    }
}

// SAFETY: a RedisModuleBlockedClient handle is made to be passed to another
// thread and given back with RedisModule_UnblockClient, exactly once
// (`unblock` and `Drop` both give the pointer up before using it).
unsafe impl Send for Blocked {}

/// Context for results whose client disconnected; made at load.
static DETACHED: AtomicPtr<raw::RedisModuleCtx> = AtomicPtr::new(std::ptr::null_mut());

/// Makes the detached context used by [`Finish::detached`]. Call at load.
pub fn init(ctx: &Context) {
    if let Some(get) = crate::api!(RedisModule_GetDetachedThreadSafeContext) {
        // SAFETY: ctx is the OnLoad context; the detached context lives for
        // the life of the module (it is never freed).
        let detached = unsafe { get(ctx.ctx) };
        DETACHED.store(detached, Ordering::Release);
    }
}

/// Blocks the client of `ctx` (no Redis-level timeout) and starts measuring
/// its time, so SLOWLOG and commandstats include the background run.
pub fn block(ctx: &Context) -> Result<Blocked> {
    let block = crate::api!(RedisModule_BlockClient)
        .ok_or_else(|| Error::err("this Redis cannot block clients"))?;
    // SAFETY: ctx is the live command context; the callbacks are plain
    // `extern "C"` functions that match Redis's signatures.
    let bc = unsafe { block(ctx.ctx, Some(reply_callback), None, Some(free_callback), 0) };
    if bc.is_null() {
        return Err(Error::err("could not block the client"));
    }
    if let Some(start) = crate::api!(RedisModule_BlockedClientMeasureTimeStart) {
        // SAFETY: bc was just returned by RedisModule_BlockClient.
        unsafe { start(bc) };
    }
    Ok(Blocked(bc))
}

impl Drop for Blocked {
    fn drop(&mut self) {
        let bc = std::mem::replace(&mut self.0, std::ptr::null_mut());
        if !bc.is_null() {
            unblock_raw(bc, Box::new(Lost { db: 0 }));
        }
    }
}

impl Blocked {
    /// Hands the result to the main thread. Callable from any thread.
    pub fn unblock(mut self, finish: Box<dyn Finish>) {
        let bc = std::mem::replace(&mut self.0, std::ptr::null_mut());
        unblock_raw(bc, finish);
    }
}

/// Unblocks `bc` with `finish`; Redis owns the result from here.
fn unblock_raw(bc: *mut raw::RedisModuleBlockedClient, finish: Box<dyn Finish>) {
    let private = Box::into_raw(Box::new(Private {
        replied: false,
        finish,
    }));
    let end = crate::api!(RedisModule_BlockedClientMeasureTimeEnd);
    let unblock = crate::api!(RedisModule_UnblockClient);
    // SAFETY: bc is a live blocked client that has not been unblocked (the
    // handle gives it up before calling this, so it happens once). Redis
    // owns `private` from here and gives it to free_callback exactly once.
    unsafe {
        if let Some(end) = end {
            end(bc);
        }
        if let Some(unblock) = unblock {
            unblock(bc, private.cast::<c_void>());
        }
    }
}

extern "C" fn reply_callback(
    ctx: *mut raw::RedisModuleCtx,
    _argv: *mut *mut raw::RedisModuleString,
    _argc: c_int,
) -> c_int {
    let Some(get) = crate::api!(RedisModule_GetBlockedClientPrivateData) else {
        return raw::Status::Ok as c_int;
    };
    // SAFETY: Redis calls this on the main thread with the private data
    // given to RedisModule_UnblockClient, which is a `Private`.
    let private = unsafe { get(ctx).cast::<Private>() };
    if private.is_null() {
        return raw::Status::Ok as c_int;
    }
    // SAFETY: see above; nothing else touches it during the callback.
    let private = unsafe { &mut *private };
    let context = Context::new(ctx);
    let done = catch_unwind(AssertUnwindSafe(|| private.finish.reply(&context)));
    if done.is_err() {
        context.reply_error_string(
            "ERR internal error while finishing the command; see the server log",
        );
    }
    private.replied = true;
    raw::Status::Ok as c_int
}

extern "C" fn free_callback(_ctx: *mut raw::RedisModuleCtx, data: *mut c_void) {
    if data.is_null() {
        return;
    }
    // SAFETY: `data` is the `Private` boxed in `unblock`; Redis frees it once.
    let mut private = unsafe { Box::from_raw(data.cast::<Private>()) };
    if private.replied {
        return;
    }
    let detached = DETACHED.load(Ordering::Acquire);
    if detached.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        if let Some(select) = crate::api!(RedisModule_SelectDb) {
            // SAFETY: we are on the main thread (Redis runs this callback
            // there), which holds the GIL; the detached context is live.
            unsafe { select(detached, private.finish.db()) };
        }
        private.finish.detached(&Context::new(detached));
    }));
}

/// The calling client's id (0 when there is none).
pub fn client_id(ctx: &Context) -> u64 {
    // SAFETY: ctx is the live command context.
    crate::api!(RedisModule_GetClientId).map_or(0, |f| unsafe { f(ctx.ctx) })
}

/// The database selected in `ctx`.
pub fn selected_db(ctx: &Context) -> c_int {
    crate::api!(RedisModule_GetSelectedDb).map_or(0, |get| {
        // SAFETY: ctx is a live context.
        unsafe { get(ctx.ctx) }
    })
}
