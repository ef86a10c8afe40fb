//! What a script's `redis.execute` and `redisAI.model_execute` reach: Redis
//! commands run through `RedisModule_Call` on the worker thread under the
//! GIL, in the caller's database and as the caller's ACL user, with the `!`
//! flag so their writes replicate and reach the AOF.

use std::ffi::CString;
use std::os::raw::c_int;
use std::sync::Arc;

use redis_module::{
    raw, Context, ContextFlags, DetachedFromClient, RedisString, ThreadSafeContext,
};

use crate::error::{Error, Result};
use crate::model::{Model, ERR_EMPTY};
use crate::script::call::{self, CallEnv, CallReply, Hooks, MAX_REPLY_DEPTH};
use crate::types::model_type;

thread_local! {
    /// One detached context per worker thread, used only under the GIL.
    static TSC: ThreadSafeContext<DetachedFromClient> = ThreadSafeContext::new();
}

/// Installs the hooks (at module load).
pub fn install() {
    call::set_hooks(Hooks {
        redis_execute,
        find_model,
    });
}

/// The calling client's ACL user name, on the main thread.
pub fn current_user(ctx: &Context) -> Option<Vec<u8>> {
    let get = crate::api!(RedisModule_GetCurrentUserName)?;
    // SAFETY: ctx is the live command context; the returned string is ours
    // to free (RedisString's Drop does it).
    let name = unsafe { get(ctx.ctx) };
    if name.is_null() {
        return None;
    }
    // `from_redis_module_string` takes over our reference; `RedisString::new`
    // would retain it once more, and its Drop would then leave one
    // reference behind: a leaked user name (32 bytes) per AI.SCRIPTEXECUTE,
    // script op in a DAG, and FT.SEARCH (found by scripts/soak).
    let s = RedisString::from_redis_module_string(ctx.ctx, name);
    Some(s.as_slice().to_vec())
}

fn with_locked<R>(env: &CallEnv, f: impl FnOnce(&Context) -> R) -> R {
    TSC.with(|tsc| {
        let guard = tsc.lock();
        let ctx: &Context = &guard;
        crate::ffi::hash::select_db(ctx, env.db);
        f(ctx)
    })
}

fn find_model(env: &CallEnv, key: &[u8]) -> Result<Arc<Model>> {
    with_locked(env, |ctx| {
        let k = ctx.open_key(&crate::ffi::string(ctx, key));
        model_type::read(&k)?.ok_or_else(|| Error::err(ERR_EMPTY))
    })
}

/// `NOPERM` when the user may not run `argv`.
fn check_acl(user: &[u8], argv: &[RedisString]) -> std::result::Result<(), String> {
    let (Some(from_name), Some(check), Some(free)) = (
        crate::api!(RedisModule_GetModuleUserFromUserName),
        crate::api!(RedisModule_ACLCheckCommandPermissions),
        crate::api!(RedisModule_FreeModuleUser),
    ) else {
        return Ok(());
    };
    let name = RedisString::create_from_slice(std::ptr::null_mut(), user);
    // SAFETY: under the GIL; `name` lives for the call.
    let u = unsafe { from_name(name.inner) };
    if u.is_null() {
        return Err(format!(
            "NOPERM the user '{}' no longer exists",
            String::from_utf8_lossy(user)
        ));
    }
    let mut ptrs: Vec<*mut raw::RedisModuleString> = argv.iter().map(|s| s.inner).collect();
    // SAFETY: `u` is a live user freed below; `ptrs` are live strings.
    let status = unsafe { check(u, ptrs.as_mut_ptr(), ptrs.len() as c_int) };
    let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
    // SAFETY: from GetModuleUserFromUserName, freed once.
    unsafe { free(u) };
    if status != raw::REDISMODULE_OK as c_int {
        // An unknown command is no ACL matter: RM_Call reports it as Redis
        // would ("ERR unknown command …").
        if errno == libc::ENOENT {
            return Ok(());
        }
        return Err(format!(
            "NOPERM this user has no permissions to run the '{}' command or access one of its keys",
            String::from_utf8_lossy(argv.first().map_or(&[][..], |a| a.as_slice()))
        ));
    }
    Ok(())
}

/// In cluster mode, every key of `argv` must hash to the slot of the
/// script's own keys: `RedisModule_Call` refuses only keys this node does
/// not serve, and Lua scripts get this error for any other slot.
fn check_slot(
    ctx: &Context,
    env: &CallEnv,
    argv: &[RedisString],
) -> std::result::Result<(), String> {
    let Some(slot) = env.slot else {
        return Ok(());
    };
    if !ctx.get_flags().contains(ContextFlags::CLUSTER) {
        return Ok(());
    }
    let (Some(get_keys), Some(free)) = (
        crate::api!(RedisModule_GetCommandKeys),
        crate::api!(RedisModule_Free),
    ) else {
        return Ok(());
    };
    let mut ptrs: Vec<*mut raw::RedisModuleString> = argv.iter().map(|s| s.inner).collect();
    let mut n: c_int = 0;
    // SAFETY: under the GIL; argv (name included) lives for the call. The
    // returned array is ours to free with RedisModule_Free.
    let positions = unsafe { get_keys(ctx.ctx, ptrs.as_mut_ptr(), ptrs.len() as c_int, &mut n) };
    if positions.is_null() {
        return Ok(()); // unknown command or wrong arity: RedisModule_Call says which
    }
    // SAFETY: Redis wrote n positions.
    let found = unsafe { std::slice::from_raw_parts(positions, n.max(0) as usize) };
    let cross = found.iter().any(|&i| {
        argv.get(i as usize)
            .is_some_and(|k| call::key_slot(k.as_slice()) != slot)
    });
    // SAFETY: allocated by Redis for this call, freed once.
    unsafe { free(positions.cast()) };
    if cross {
        return Err(call::ERR_CROSS_SLOT.to_string());
    }
    Ok(())
}

fn redis_execute(env: &CallEnv, argv: &[&[u8]]) -> std::result::Result<CallReply, String> {
    let Some(cmd) = argv.first() else {
        return Err("ERR wrong number of arguments".to_string());
    };
    let name = CString::new(*cmd).map_err(|_| "ERR unknown command".to_string())?;
    let call = crate::api!(RedisModule_Call).ok_or("ERR RedisModule_Call is missing")?;
    with_locked(env, |ctx| {
        let strings: Vec<RedisString> = argv
            .iter()
            .map(|a| RedisString::create_from_slice(ctx.ctx, a))
            .collect();
        if let Some(user) = &env.user {
            check_acl(user, &strings)?;
        }
        check_slot(ctx, env, &strings)?;
        let ptrs: Vec<*mut raw::RedisModuleString> = strings[1..].iter().map(|s| s.inner).collect();
        // SAFETY: under the GIL; "!v" takes (argv, argc), both live for
        // the call.
        let reply = unsafe {
            call(
                ctx.ctx,
                name.as_ptr(),
                c"!v".as_ptr(),
                ptrs.as_ptr(),
                ptrs.len(),
            )
        };
        if reply.is_null() {
            let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
            return Err(match errno {
                libc::ENOENT => format!("ERR unknown command '{}'", String::from_utf8_lossy(cmd)),
                libc::EINVAL => format!(
                    "ERR wrong number of arguments for '{}' command",
                    String::from_utf8_lossy(cmd).to_lowercase()
                ),
                libc::EPERM => "ERR the command cannot run from a script".to_string(),
                libc::ENETDOWN | libc::ENOTSUP => "ERR the command is refused here".to_string(),
                _ => "ERR the command failed".to_string(),
            });
        }
        let r = convert(reply, 0);
        if let Some(free) = crate::api!(RedisModule_FreeCallReply) {
            // SAFETY: the top-level reply, freed once (nested ones with it).
            unsafe { free(reply) };
        }
        r
    })
}

/// A call reply as the script sees it. Recursion is bounded by
/// [`MAX_REPLY_DEPTH`].
fn convert(
    reply: *mut raw::RedisModuleCallReply,
    depth: usize,
) -> std::result::Result<CallReply, String> {
    if depth > MAX_REPLY_DEPTH {
        return Err(format!(
            "the reply is nested deeper than {MAX_REPLY_DEPTH} levels"
        ));
    }
    let (Some(kind), Some(ptr), Some(int), Some(len), Some(elem)) = (
        crate::api!(RedisModule_CallReplyType),
        crate::api!(RedisModule_CallReplyStringPtr),
        crate::api!(RedisModule_CallReplyInteger),
        crate::api!(RedisModule_CallReplyLength),
        crate::api!(RedisModule_CallReplyArrayElement),
    ) else {
        return Err("ERR the call reply API is missing".to_string());
    };
    // SAFETY: `reply` is a live call reply (or element of one) for every
    // read below.
    unsafe {
        let text = || {
            let mut n = 0usize;
            let p = ptr(reply, &mut n);
            if p.is_null() {
                Vec::new()
            } else {
                std::slice::from_raw_parts(p.cast::<u8>(), n).to_vec()
            }
        };
        match kind(reply) as isize {
            raw::REDISMODULE_REPLY_STRING => Ok(CallReply::Str(text())),
            raw::REDISMODULE_REPLY_ERROR => Err(String::from_utf8_lossy(&text()).into_owned()),
            raw::REDISMODULE_REPLY_INTEGER => Ok(CallReply::Int(int(reply))),
            raw::REDISMODULE_REPLY_ARRAY => {
                let n = len(reply);
                let mut items = Vec::with_capacity(n.min(1 << 16));
                for i in 0..n {
                    items.push(convert(elem(reply, i), depth + 1)?);
                }
                Ok(CallReply::Array(items))
            }
            _ => Ok(CallReply::Nil),
        }
    }
}

/// Whether the calling client's user may read every key that starts with
/// each of `prefixes` (an empty prefix is every key). Redis 7.0 has no
/// prefix check, so each prefix is checked as a key: `tenant1:` passes
/// `~tenant1:*`, while `` or `tenant` (which cover other tenants' keys) do
/// not. The default user, and any user with `~*`, passes.
pub fn may_read_prefixes(ctx: &Context, prefixes: &[Vec<u8>]) -> bool {
    let (Some(user), Some(from_name), Some(check), Some(free)) = (
        current_user(ctx),
        crate::api!(RedisModule_GetModuleUserFromUserName),
        crate::api!(RedisModule_ACLCheckKeyPermissions),
        crate::api!(RedisModule_FreeModuleUser),
    ) else {
        return true;
    };
    let name = RedisString::create_from_slice(ctx.ctx, &user);
    // SAFETY: on the main thread; `name` lives for the call.
    let u = unsafe { from_name(name.inner) };
    if u.is_null() {
        return false;
    }
    let every: [Vec<u8>; 1] = [Vec::new()];
    let list = if prefixes.is_empty() {
        &every[..]
    } else {
        prefixes
    };
    let ok = list.iter().all(|p| {
        let key = RedisString::create_from_slice(ctx.ctx, p);
        // SAFETY: `u` is live until freed below; `key` lives for the call.
        let s = unsafe { check(u, key.inner, raw::REDISMODULE_CMD_KEY_ACCESS as c_int) };
        s == raw::REDISMODULE_OK as c_int
    });
    // SAFETY: from GetModuleUserFromUserName, freed once.
    unsafe { free(u) };
    ok
}
