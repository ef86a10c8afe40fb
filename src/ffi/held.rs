//! Command arguments kept alive after their command returned, so another
//! thread can read their bytes without a copy on the main thread.
//!
//! AI.MODELSTORE hands its BLOB chunks to the compile thread this way: the
//! main thread retains them ([`HeldStrings::retain`]), the compile thread
//! reads them ([`HeldStrings::chunks`]) and joins them into the model's own
//! buffer, and the main thread releases them again ([`HeldStrings::release`])
//! in the blocked client's reply or free callback.
//!
//! Reference counts of Redis strings are plain integers that only the main
//! thread may change, so retaining and releasing happen there only. A
//! `HeldStrings` dropped on any other thread (a job that unwound past it)
//! leaks its strings instead of calling Redis.

use std::thread::ThreadId;

use redis_module::{raw, RedisString};

/// One retained argument and its bytes, read on the main thread.
struct Held {
    string: *mut raw::RedisModuleString,
    ptr: *const u8,
    len: usize,
}

/// Retained command arguments, readable from any thread, released on the
/// thread that retained them (Redis's main thread).
pub struct HeldStrings {
    held: Vec<Held>,
    /// The thread that retained them: the only one that may release them.
    owner: ThreadId,
}

// SAFETY: the raw pointers are only read through `chunks` (shared reads of
// bytes nobody writes, see `retain`) and only dereferenced by Redis in
// `free_all`, which runs on the owning (main) thread only.
unsafe impl Send for HeldStrings {}

impl HeldStrings {
    /// Takes a reference on each of `args`. Main thread only (inside the
    /// command that received them). `None` if this Redis lacks the API.
    pub fn retain(args: &[RedisString]) -> Option<HeldStrings> {
        let retain = crate::api!(RedisModule_RetainString)?;
        let ptr_len = crate::api!(RedisModule_StringPtrLen)?;
        crate::api!(RedisModule_FreeString)?;
        let mut held = Vec::with_capacity(args.len());
        for arg in args {
            let string = arg.inner;
            let mut len = 0usize;
            // SAFETY: `string` is an argument of the running command, alive
            // for the call; we are on the main thread, which may change its
            // reference count. With a NULL context RetainString only adds a
            // reference (no auto-memory bookkeeping), which `free_all` drops.
            // StringPtrLen reads the object's sds pointer and length.
            //
            // Why the bytes stay valid and unchanged until `free_all`, for
            // any thread to read: the object is now referenced by us, so
            // Redis frees neither it nor its sds when the client's argv goes
            // (a disconnect, the command's end). Redis never writes to a
            // command argument's bytes after parsing it; the only in-place
            // changes to a string object (tryObjectEncoding's re-encoding
            // and trimming, Lua's argv object reuse) are skipped when its
            // reference count is above one, which ours guarantees. The
            // main thread may change the reference count meanwhile, but
            // that field is not the bytes, which are all another thread
            // reads.
            let ptr = unsafe {
                retain(std::ptr::null_mut(), string);
                ptr_len(string, &mut len)
            };
            held.push(Held {
                string,
                ptr: ptr.cast::<u8>(),
                len,
            });
        }
        Some(HeldStrings {
            held,
            owner: std::thread::current().id(),
        })
    }

    /// The arguments' bytes, in order. Callable from any thread.
    pub fn chunks(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.held.iter().map(|h| {
            if h.ptr.is_null() || h.len == 0 {
                return &[][..];
            }
            // SAFETY: `ptr`/`len` are the string's sds bytes as read at
            // `retain`; the reference taken there keeps them allocated and
            // unchanged until `free_all` (see `retain`), which needs `self`
            // by value or `&mut`, so not while this borrow lives.
            unsafe { std::slice::from_raw_parts(h.ptr, h.len) }
        })
    }

    /// Total length of the arguments in bytes.
    pub fn len_bytes(&self) -> usize {
        self.held.iter().map(|h| h.len).sum()
    }

    /// Drops our references. Call it on the main thread (the blocked
    /// client's reply or free callback).
    pub fn release(mut self) {
        self.free_all();
    }

    fn free_all(&mut self) {
        let held = std::mem::take(&mut self.held);
        if std::thread::current().id() != self.owner {
            // Not the main thread: Redis must not be called here. The
            // strings leak (only a job that unwound past them gets here).
            return;
        }
        let Some(free) = crate::api!(RedisModule_FreeString) else {
            return;
        };
        for h in held {
            // SAFETY: we are on the thread that retained `h.string` (the main
            // thread), and drop exactly the one reference `retain` took; with
            // a NULL context FreeString is a plain reference decrement.
            unsafe { free(std::ptr::null_mut(), h.string) };
        }
    }
}

impl Drop for HeldStrings {
    fn drop(&mut self) {
        self.free_all();
    }
}
