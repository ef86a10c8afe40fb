//! The FFI boundary that is not a type callback: command registration with
//! panic containment, the panic hook, module-path discovery and AOF/replication
//! helpers. Every `unsafe` block here carries a `SAFETY:` note.

/// Reads one Redis module API function pointer.
///
/// The pointers are `static mut` in the bindings; Redis fills them in once,
/// in `RedisModule_Init` during `OnLoad`, before any of our code runs, and
/// never changes them afterwards, so a plain read is race-free.
#[macro_export]
macro_rules! api {
    ($f:ident) => {
        // SAFETY: see the macro's doc comment.
        unsafe { redis_module::raw::$f }
    };
}

pub mod block;
pub mod command;
pub mod emit;
pub mod events;
pub mod hash;
pub mod held;
pub mod module_config;
pub mod module_path;
pub mod panic;
pub mod scan;
pub mod script_call;

use std::os::raw::c_int;

use std::ffi::CStr;

use redis_module::{raw, Context, RedisString};

/// Asks Redis to report RDB short reads to our loaders instead of aborting,
/// so a corrupt payload is a clean load error.
pub fn set_module_options(ctx: &Context) {
    if let Some(set) = crate::api!(RedisModule_SetModuleOptions) {
        // SAFETY: ctx is the OnLoad context.
        unsafe { set(ctx.ctx, raw::REDISMODULE_OPTIONS_HANDLE_IO_ERRORS as c_int) };
    }
}

/// Registers the `INFO MODULES` callback.
pub fn register_info(ctx: &Context, callback: extern "C" fn(*mut raw::RedisModuleInfoCtx, c_int)) {
    raw::register_info_function(ctx.ctx, Some(callback));
}

/// Fires a `module`-class keyspace notification (`notify-keyspace-events d`).
pub fn notify(ctx: &Context, event: &CStr, key: &RedisString) {
    if let Some(notify) = crate::api!(RedisModule_NotifyKeyspaceEvent) {
        // SAFETY: ctx is the live command context, `event` a static C string
        // and `key` an argument of the running command.
        unsafe {
            notify(
                ctx.ctx,
                raw::NotifyEvent::MODULE.bits(),
                event.as_ptr(),
                key.inner,
            )
        };
    }
}

/// Runs `f` on the calling (background) thread while holding the module
/// GIL, so no command and no fork runs meanwhile. Never call it on the main
/// thread, which holds the GIL already.
pub fn with_gil(f: &mut dyn FnMut()) {
    let ctx = redis_module::ThreadSafeContext::new();
    let _locked = ctx.lock();
    f();
}

/// A Redis string holding `bytes`, which may contain NUL (keys and blobs
/// can). redis-module's `Context::create_string` goes through a `CString`
/// and panics on a NUL byte, so it must not be used on client data.
pub fn string(ctx: &redis_module::Context, bytes: &[u8]) -> redis_module::RedisString {
    redis_module::RedisString::create_from_slice(ctx.ctx, bytes)
}

/// Lowers the calling thread's CPU priority by 10 nice levels (at most 19).
/// Background threads (vector searches, compaction) call it, so that when
/// they compete with Redis's main thread for a core, the scheduler favours
/// the main thread and a CPU-bound search does not delay other clients.
pub fn lower_thread_priority() {
    // SAFETY: gettid, getpriority and setpriority take plain integers and
    // touch no memory of ours; with a thread id, Linux applies the nice
    // value to that thread only. Raising one's own nice value needs no
    // privilege; a failure leaves the priority as it was.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        *libc::__errno_location() = 0;
        let nice = libc::getpriority(libc::PRIO_PROCESS, tid);
        if *libc::__errno_location() == 0 {
            libc::setpriority(libc::PRIO_PROCESS, tid, (nice + 10).min(19));
        }
    }
}

/// User and system CPU time of `who` (`RUSAGE_SELF`, `RUSAGE_CHILDREN`, or
/// `RUSAGE_THREAD` for the calling thread).
pub fn rusage(who: c_int) -> Option<(std::time::Duration, std::time::Duration)> {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        if libc::getrusage(who, &mut u) != 0 {
            return None;
        }
        u
    };
    let d = |t: libc::timeval| {
        std::time::Duration::new(
            t.tv_sec.max(0) as u64,
            (t.tv_usec.clamp(0, 999_999) as u32) * 1000,
        )
    };
    Some((d(usage.ru_utime), d(usage.ru_stime)))
}

/// CPU time used so far by another thread of this process (a queue worker).
/// `thread` must be a live thread: workers never exit.
pub fn thread_cpu(thread: libc::pthread_t) -> Option<std::time::Duration> {
    let mut clock: libc::clockid_t = 0;
    // SAFETY: `thread` is a running worker (they are never joined or ended),
    // and both calls only write the out-parameters they are given.
    let ts = unsafe {
        if libc::pthread_getcpuclockid(thread, &mut clock) != 0 {
            return None;
        }
        let mut ts: libc::timespec = std::mem::zeroed();
        if libc::clock_gettime(clock, &mut ts) != 0 {
            return None;
        }
        ts
    };
    Some(std::time::Duration::new(
        ts.tv_sec.max(0) as u64,
        ts.tv_nsec.clamp(0, 999_999_999) as u32,
    ))
}
