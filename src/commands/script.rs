//! AI.SCRIPTSTORE, AI.SCRIPTSET, AI.SCRIPTGET, AI.SCRIPTDEL and
//! AI._SCRIPTSCAN. Execution (AI.SCRIPTEXECUTE, AI.SCRIPTRUN) is elsewhere.
//!
//! Stores work as model stores do (`model.rs`): parse on the main thread
//! (errors reply at once), then block the client and compile on the compile
//! thread, which keeps stores in arrival order with model stores; the key
//! is written and the command replicated verbatim back on the main thread.
//! Where a client cannot block, the script compiles inline. Like RedisAI,
//! script writes fire no keyspace event of their own.

use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use redis_module::{Context, RedisString, RedisValue};

use crate::error::{Error, Result};
use crate::ffi::block::{self, Finish};
use crate::ffi::emit::replicate;
use crate::model::compile;
use crate::persistence::commands::script_command;
use crate::reply::Reply;
use crate::script::{
    parse_scriptget, parse_scriptset, parse_scriptstore, Script, ScriptStoreRequest, ERR_EMPTY,
};
use crate::types::script_type::{self, ScriptValue, SCRIPT_TYPE};

/// `AI.SCRIPTSTORE key device [TAG tag] ENTRY_POINTS n fn… SOURCE script`
pub fn scriptstore(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    let req = parse_scriptstore(args)?;
    store(ctx, args, req)
}

/// The deprecated `AI.SCRIPTSET key device [TAG tag] SOURCE script`.
pub fn scriptset(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    let req = parse_scriptset(args)?;
    store(ctx, args, req)
}

/// Compiles and stores the script of the parsed `args`: off the main thread
/// when the client can block, inline otherwise (see
/// [`super::model::compiles_inline`]).
fn store(ctx: &Context, args: &[RedisString], req: ScriptStoreRequest) -> Result<RedisValue> {
    let key = args[1].as_slice();
    let blocked = if super::model::compiles_inline(ctx) {
        None
    } else {
        block::block(ctx).ok()
    };
    let (meta, source) = req.into_parts();
    let Some(blocked) = blocked else {
        // Compile first, as RedisAI did: a bad script never touches the key.
        let script = Script::compile(meta, source).map_err(|r| r.error)?;
        write_script(ctx, key, script, Replication::Verbatim)?;
        return Ok(RedisValue::SimpleStringStatic("OK"));
    };
    let done = Stored {
        db: block::selected_db(ctx),
        key: key.to_vec(),
        compiled: None,
    };
    let job: compile::Job = Box::new(move || {
        // A panic (in the backend) answers the client as a lost job would.
        let compiled = catch_unwind(AssertUnwindSafe(|| {
            Script::compile(meta, source).map_err(|r| r.error)
        }))
        .unwrap_or_else(|_| Err(Error::raw(block::ERR_LOST)));
        blocked.unblock(Box::new(Stored {
            compiled: Some(compiled),
            ..done
        }));
    });
    // No compile thread (it could not be started): compile here; the
    // client is answered through the same callback.
    if let Err(job) = compile::submit(job) {
        job();
    }
    Ok(RedisValue::NoReply)
}

/// How a stored script reaches replicas and the AOF.
enum Replication {
    /// The client's own command (`RedisModule_ReplicateVerbatim`).
    Verbatim,
    /// The client is gone with its argv: the AOF-rewrite form of the script.
    Synthesized,
}

/// Writes `script` at `key` (WRONGTYPE for another type) and replicates
/// the store.
fn write_script(ctx: &Context, key: &[u8], script: Script, how: Replication) -> Result<()> {
    let name = crate::ffi::string(ctx, key);
    let k = ctx.open_key_writable(&name);
    script_type::exists(&k)?;
    crate::engine::ensure_queue(&script.queue_name())?;
    script_type::store(&k, script)?;
    match how {
        Replication::Verbatim => ctx.replicate_verbatim(),
        Replication::Synthesized => {
            let stored = k
                .get_value::<ScriptValue>(&SCRIPT_TYPE)
                .ok()
                .flatten()
                .map(|s| Arc::clone(s));
            let sent = stored.is_some_and(|s| {
                let (cmd, args) = script_command(key, &s.meta, s.source());
                replicate(ctx, cmd, &args)
            });
            if !sent {
                ctx.log_warning("AI.SCRIPTSTORE: could not replicate a stored script");
            }
        }
    }
    Ok(())
}

/// A compiled (or refused) script, handed back to the main thread.
struct Stored {
    db: c_int,
    key: Vec<u8>,
    compiled: Option<Result<Script>>,
}

impl Stored {
    fn write(&mut self, ctx: &Context, how: Replication) -> Result<()> {
        let script = self
            .compiled
            .take()
            .ok_or_else(|| Error::err("the command already finished"))??;
        write_script(ctx, &self.key, script, how)
    }
}

impl Finish for Stored {
    fn reply(&mut self, ctx: &Context) {
        match self.write(ctx, Replication::Verbatim) {
            Ok(()) => {
                ctx.reply(Ok(RedisValue::SimpleStringStatic("OK")));
            }
            Err(e) => {
                ctx.reply_error_string(&e.reply_text());
            }
        }
    }

    /// The client left while its script compiled: the script is stored all
    /// the same (as a synchronous store would have been), and replicated.
    fn detached(&mut self, ctx: &Context) {
        if let Err(e) = self.write(ctx, Replication::Synthesized) {
            ctx.log_warning(&format!(
                "AI.SCRIPTSTORE: the script of a disconnected client was not stored: {}",
                e.reply_text()
            ));
        }
    }

    fn db(&self) -> c_int {
        self.db
    }
}

/// The script at `key`: `ERR script key is empty`, or WRONGTYPE.
pub fn read_script(ctx: &Context, key: &RedisString) -> Result<ScriptValue> {
    script_type::read(&ctx.open_key(key))?.ok_or_else(|| Error::err(ERR_EMPTY))
}

/// `AI.SCRIPTGET key [META] [SOURCE]`
pub fn scriptget(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    let format = parse_scriptget(args)?;
    let script = read_script(ctx, &args[1])?;
    let reply = Reply::new(ctx);
    if !format.meta {
        reply.bulk(script.source());
        return Ok(RedisValue::NoReply);
    }
    let m = &script.meta;
    reply.array(if format.source { 8 } else { 6 });
    reply.bulk(b"device");
    reply.bulk(&m.device);
    reply.bulk(b"tag");
    reply.bulk(&m.tag);
    reply.bulk(b"Entry Points");
    reply.array(m.entry_points.len());
    m.entry_points.iter().for_each(|e| reply.bulk(e.as_bytes()));
    if format.source {
        reply.bulk(b"source");
        reply.bulk(script.source());
    }
    Ok(RedisValue::NoReply)
}

/// `AI.SCRIPTDEL key`
pub fn scriptdel(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    super::delete_typed(ctx, args, "AI.SCRIPTDEL", script_type::exists, ERR_EMPTY)
}

/// `AI._SCRIPTSCAN`: `[key, tag]` for every script in every database, like
/// AI._MODELSCAN.
pub fn scriptscan(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    super::model::scan_tags(ctx, args, "AI._SCRIPTSCAN", |key| {
        script_type::read(key)
            .ok()
            .flatten()
            .map(|s| s.meta.tag.clone())
    })
}
