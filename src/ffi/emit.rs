//! Emitting synthesised commands: `RedisModule_EmitAOF` for AOF rewrite and
//! `RedisModule_Replicate` for tensors the module writes itself (model
//! outputs). The arguments go as one vector (the `v` format), so any
//! argument count works.

use std::borrow::Cow;
use std::ffi::CString;
use std::os::raw::c_char;

use redis_module::{raw, Context};

use crate::types::io::Io;

/// Owned `RedisModuleString`s, freed on drop.
struct Argv(Vec<*mut raw::RedisModuleString>);

impl Argv {
    fn new(args: &[Cow<'_, [u8]>]) -> Option<Argv> {
        let create = crate::api!(RedisModule_CreateString)?;
        let mut v = Argv(Vec::with_capacity(args.len()));
        for a in args {
            // SAFETY: a NULL context creates a string we own and must free;
            // the pointer and length describe a live slice.
            let s = unsafe { create(std::ptr::null_mut(), a.as_ptr().cast::<c_char>(), a.len()) };
            if s.is_null() {
                return None;
            }
            v.0.push(s);
        }
        Some(v)
    }
}

impl Drop for Argv {
    fn drop(&mut self) {
        if let Some(free) = crate::api!(RedisModule_FreeString) {
            for &s in &self.0 {
                // SAFETY: created with a NULL context in `Argv::new`, freed once.
                unsafe { free(std::ptr::null_mut(), s) };
            }
        }
    }
}

/// Appends `cmd args…` to the AOF being rewritten. Returns false if the
/// command could not be emitted (the rewrite is then incomplete: the caller logs).
pub fn emit_aof(io: &Io, cmd: &str, args: &[Cow<'_, [u8]>]) -> bool {
    let (Some(emit), Some(argv), Ok(cmd)) = (
        crate::api!(RedisModule_EmitAOF),
        Argv::new(args),
        CString::new(cmd),
    ) else {
        return false;
    };
    // SAFETY: `io` comes from Redis's aof_rewrite callback. The `v` format
    // takes a `RedisModuleString **` and a `size_t` count; Redis retains
    // what it keeps, and `argv` frees our references afterwards.
    unsafe {
        emit(
            io.0,
            cmd.as_ptr(),
            c"v".as_ptr(),
            argv.0.as_ptr(),
            argv.0.len(),
        )
    };
    true
}

/// Propagates `cmd args…` to replicas and the AOF, as if the client had sent
/// it. Returns false if it could not be propagated.
pub fn replicate(ctx: &Context, cmd: &str, args: &[Cow<'_, [u8]>]) -> bool {
    let (Some(replicate), Some(argv), Ok(cmd)) = (
        crate::api!(RedisModule_Replicate),
        Argv::new(args),
        CString::new(cmd),
    ) else {
        return false;
    };
    // SAFETY: ctx is a live context on the main thread; the `v` format
    // takes a `RedisModuleString **` and a `size_t` count. Redis retains
    // what it keeps; `argv` frees our references afterwards.
    let status = unsafe {
        replicate(
            ctx.ctx,
            cmd.as_ptr(),
            c"v".as_ptr(),
            argv.0.as_ptr(),
            argv.0.len(),
        )
    };
    status == raw::Status::Ok as std::os::raw::c_int
}
