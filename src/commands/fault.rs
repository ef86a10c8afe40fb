//! `AI._FAULT`: test-only fault injection (cargo feature `fault-injection`,
//! built by `scripts/test` into the `--no-default-features` test module only).
//!
//! - `AI._FAULT PANIC` panics inside the handler: the reply must be
//!   `ERR internal error in AI._FAULT; see the server log` and the server
//!   must carry on.
//! - `AI._FAULT BLOCKCHECK` runs the MULTI/Lua guard that blocking commands use.
//! - `AI._FAULT WORKERPANIC` blocks the client and panics in a search-pool
//!   job that holds its handle: the client must still get one error reply.

use redis_module::{Context, RedisString, RedisValue};

use super::refuse_in_transaction;
use crate::args::is_keyword;
use crate::engine::pool::search_pool;
use crate::error::{Error, Result};
use crate::ffi::block;

#[allow(clippy::panic)] // the whole point of this command
pub fn ai_fault(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    match args.get(1) {
        Some(a) if is_keyword(a, "PANIC") => panic!("fault injected by AI._FAULT PANIC"),
        Some(a) if is_keyword(a, "BLOCKCHECK") => {
            refuse_in_transaction(ctx)?;
            Ok(RedisValue::SimpleStringStatic("OK"))
        }
        Some(a) if is_keyword(a, "WORKERPANIC") => {
            refuse_in_transaction(ctx)?;
            let pool = search_pool().ok_or_else(|| Error::err("no search pool"))?;
            let blocked = block::block(ctx)?;
            let job = Box::new(move || {
                let _held = &blocked;
                panic!("fault injected by AI._FAULT WORKERPANIC");
            });
            // A full backlog hands the job back: dropping it unanswered must
            // answer the client just the same.
            drop(pool.try_run(job));
            Ok(RedisValue::NoReply)
        }
        _ => Err(Error::err("AI._FAULT PANIC | BLOCKCHECK | WORKERPANIC")),
    }
}
