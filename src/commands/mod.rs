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
/// MULTI/EXEC or a script; RedisAI refuses them there, and so do we.
pub fn refuse_in_transaction(ctx: &Context) -> Result<()> {
    let flags = ctx.get_flags();
    if flags.contains(ContextFlags::MULTI) || flags.contains(ContextFlags::LUA) {
        return Err(Error::err(ERR_IN_TRANSACTION));
    }
    Ok(())
}

impl Arg for RedisString {
    fn bytes(&self) -> &[u8] {
        self.as_slice()
    }
}

/// The argument bytes, for parsers that want a plain list.
pub fn bytes(args: &[RedisString]) -> Vec<&[u8]> {
    args.iter().map(|a| a.as_slice()).collect()
}
