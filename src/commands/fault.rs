//! `AI._FAULT`: test-only fault injection (cargo feature `fault-injection`,
//! built by `scripts/test` into the `--no-default-features` test module only).
//!
//! - `AI._FAULT PANIC` panics inside the handler: the reply must be
//!   `ERR internal error in AI._FAULT; see the server log` and the server
//!   must carry on.
//! - `AI._FAULT BLOCKCHECK` runs the MULTI/Lua guard that blocking commands use.

use redis_module::{Context, RedisString, RedisValue};

use super::refuse_in_transaction;
use crate::args::is_keyword;
use crate::error::{Error, Result};

#[allow(clippy::panic)] // the whole point of this command
pub fn ai_fault(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    match args.get(1) {
        Some(a) if is_keyword(a, "PANIC") => panic!("fault injected by AI._FAULT PANIC"),
        Some(a) if is_keyword(a, "BLOCKCHECK") => {
            refuse_in_transaction(ctx)?;
            Ok(RedisValue::SimpleStringStatic("OK"))
        }
        _ => Err(Error::err("AI._FAULT PANIC | BLOCKCHECK")),
    }
}
