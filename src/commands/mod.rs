//! Command handlers: thin adapters that parse, call the domain and reply.
//! The command table itself is in `lib.rs`.

pub mod config;
pub mod dag;
pub mod execute;
#[cfg(feature = "fault-injection")]
pub mod fault;
pub mod ft;
pub mod model;
pub mod script;
pub mod script_exec;
pub mod tensor;
pub mod vector;
pub mod vsim;
pub mod vwrite;

use redis_module::{Context, ContextFlags, RedisString};

use crate::args::Arg;
use crate::error::{Error, Result};

pub const ERR_IN_TRANSACTION: &str =
    "Cannot run RedisAI command within a transaction or a LUA script";

/// Blocking commands (model, script and DAG execution) cannot block inside
/// MULTI/EXEC, a Lua script, or a call from a module (a TorchScript
/// script's `redis.execute`); RedisAI refuses them there, and so do we.
pub fn refuse_in_transaction(ctx: &Context) -> Result<()> {
    let flags = ctx.get_flags();
    if flags.contains(ContextFlags::MULTI)
        || flags.contains(ContextFlags::LUA)
        || flags.contains(ContextFlags::DENY_BLOCKING)
    {
        return Err(Error::err(ERR_IN_TRANSACTION));
    }
    Ok(())
}

impl Arg for RedisString {
    fn bytes(&self) -> &[u8] {
        self.as_slice()
    }
}

/// `AI.MODELDEL key` / `AI.SCRIPTDEL key`: deletes the key if it holds the
/// type `exists` checks (`empty` when it is empty, WRONGTYPE for another
/// type), replicated verbatim.
pub fn delete_typed(
    ctx: &Context,
    args: &[RedisString],
    cmd: &'static str,
    exists: fn(&redis_module::key::RedisKeyWritable) -> Result<bool>,
    empty: &str,
) -> Result<redis_module::RedisValue> {
    if args.len() != 2 {
        return Err(Error::Arity(cmd));
    }
    let key = ctx.open_key_writable(&args[1]);
    if !exists(&key)? {
        return Err(Error::err(empty));
    }
    key.delete()
        .map_err(|_| Error::err("could not delete the key"))?;
    ctx.replicate_verbatim();
    Ok(redis_module::RedisValue::SimpleStringStatic("OK"))
}

/// The argument bytes, for parsers that want a plain list.
pub fn bytes(args: &[RedisString]) -> Vec<&[u8]> {
    args.iter().map(|a| a.as_slice()).collect()
}
