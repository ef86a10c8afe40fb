//! AI.MODELSTORE, AI.MODELSET, AI.MODELGET, AI.MODELDEL, AI._MODELSCAN and
//! AI.INFO. Execution is in `execute.rs`.
//!
//! MODELSTORE and MODELSET parse on the main thread (errors reply at once),
//! then block the client and compile on the compile thread
//! (`model::compile`); the key is written and the command replicated back
//! on the main thread, in the blocked client's reply callback, so replicas
//! and the AOF see the stores in the order the keyspace did. Where a client
//! cannot block they compile inline. Like RedisAI, model writes fire no
//! keyspace event of their own.

use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use redis_module::{Context, ContextFlags, RedisString, RedisValue};

use crate::error::{Error, Result};
use crate::ffi::block::{self, Finish};
use crate::ffi::emit::replicate;
use crate::ffi::held::HeldStrings;
use crate::model::{
    chunks, compile, join, parse_modelget, parse_modelset, parse_modelstore, Model, StoreRequest,
    ERR_EMPTY,
};
use crate::persistence::commands::modelstore_args;
use crate::reply::Reply;
use crate::types::model_type::{self, ModelValue, MODEL_TYPE};

/// `AI.MODELSTORE key backend device [TAG t] [BATCHSIZE n [MINBATCHSIZE m
/// [MINBATCHTIMEOUT ms]]] BLOB chunk…`
pub fn modelstore(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    let req = parse_modelstore(args)?;
    store(ctx, args, req)
}

/// The deprecated `AI.MODELSET`.
pub fn modelset(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    let req = parse_modelset(args)?;
    store(ctx, args, req)
}

/// Where the client cannot block (MULTI/EXEC, Lua, the AOF loader and other
/// DENY_BLOCKING callers), and on a replica applying its primary's stream
/// (which is applied in order, so the replica's other clients would gain
/// little), the model compiles on the main thread, as in RedisAI.
pub(crate) fn compiles_inline(ctx: &Context) -> bool {
    ctx.get_flags().intersects(
        ContextFlags::MULTI
            | ContextFlags::LUA
            | ContextFlags::DENY_BLOCKING
            | ContextFlags::REPLICATED
            | ContextFlags::LOADING,
    )
}

/// Compiles and stores the model of the parsed `args`. Off the main thread
/// when the client can block: the BLOB chunks are retained, not copied,
/// and the compile thread joins them into the model's buffer, so the main
/// thread never touches the blob's bytes (for 50 MiB the copy cost it
/// 35–47 ms, mostly page faults on the new buffer).
fn store(ctx: &Context, args: &[RedisString], req: StoreRequest) -> Result<RedisValue> {
    let key = &args[1];
    let blocked = if compiles_inline(ctx) {
        None
    } else {
        block::block(ctx).ok()
    };
    let Some(blocked) = blocked else {
        // Compile first, as RedisAI did: a bad model never touches the key.
        let blob = req.blob(args);
        let model = Model::compile(req.meta, blob).map_err(|r| r.error.error)?;
        write_model(ctx, key.as_slice(), model, Replication::Verbatim)?;
        return Ok(RedisValue::SimpleStringStatic("OK"));
    };
    let chunks = args.get(req.chunks.clone()).unwrap_or_default();
    // Without the retain API (never on Redis 7), the chunks are joined here.
    let blob = match HeldStrings::retain(chunks) {
        Some(held) => Blob::Held(held),
        None => Blob::Joined(req.blob(args)),
    };
    let done = Stored {
        db: block::selected_db(ctx),
        key: key.as_slice().to_vec(),
        compiled: None,
        held: None,
    };
    let meta = req.meta;
    let job: compile::Job = Box::new(move || {
        let mut blob = blob;
        // A panic (in a backend) must not unwind past the held arguments,
        // which have to go back to the main thread to be released; the
        // client gets the reply a lost job gets.
        let compiled = catch_unwind(AssertUnwindSafe(|| {
            Model::compile(meta, blob.bytes()).map_err(|r| r.error.error)
        }))
        .unwrap_or_else(|_| Err(Error::raw(block::ERR_LOST)));
        blocked.unblock(Box::new(Stored {
            compiled: Some(compiled),
            held: blob.into_held(),
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

/// The blob on its way to the compile thread.
enum Blob {
    /// The client's BLOB arguments, retained: the compile thread joins them.
    Held(HeldStrings),
    /// Already joined.
    Joined(Vec<u8>),
}

impl Blob {
    /// The joined bytes, on the compile thread.
    fn bytes(&mut self) -> Vec<u8> {
        match self {
            Blob::Held(held) => join(held.chunks(), held.len_bytes()),
            Blob::Joined(bytes) => std::mem::take(bytes),
        }
    }

    /// What goes back to the main thread to be released.
    fn into_held(self) -> Option<HeldStrings> {
        match self {
            Blob::Held(held) => Some(held),
            Blob::Joined(_) => None,
        }
    }
}

/// How a stored model reaches replicas and the AOF.
enum Replication {
    /// The client's own command (`RedisModule_ReplicateVerbatim`).
    Verbatim,
    /// The client is gone with its argv: the AOF-rewrite form of the model.
    Synthesized,
}

/// Writes `model` at `key` and replicates the store.
fn write_model(ctx: &Context, key: &[u8], model: Model, how: Replication) -> Result<()> {
    crate::engine::ensure_queue(&model.queue_name())?;
    let name = crate::ffi::string(ctx, key);
    let k = ctx.open_key_writable(&name);
    model_type::store(&k, model)?;
    match how {
        Replication::Verbatim => ctx.replicate_verbatim(),
        Replication::Synthesized => {
            let chunk = crate::config::get().model_chunk_size.max(1) as usize;
            let stored = k
                .get_value::<ModelValue>(&MODEL_TYPE)
                .ok()
                .flatten()
                .map(|m| Arc::clone(m));
            let sent = stored.is_some_and(|m| {
                replicate(
                    ctx,
                    "AI.MODELSTORE",
                    &modelstore_args(key, &m.meta, m.blob(), chunk),
                )
            });
            if !sent {
                ctx.log_warning("AI.MODELSTORE: could not replicate a stored model");
            }
        }
    }
    Ok(())
}

/// A compiled (or refused) model, handed back to the main thread with the
/// BLOB arguments it was joined from, which are released there: in the
/// reply callback, in the free callback for a client that left, or when
/// Redis's free callback drops this (all on the main thread).
struct Stored {
    db: c_int,
    key: Vec<u8>,
    compiled: Option<Result<Model>>,
    held: Option<HeldStrings>,
}

impl Stored {
    fn write(&mut self, ctx: &Context, how: Replication) -> Result<()> {
        let model = self
            .compiled
            .take()
            .ok_or_else(|| Error::err("the command already finished"))??;
        write_model(ctx, &self.key, model, how)
    }

    fn release(&mut self) {
        if let Some(held) = self.held.take() {
            held.release();
        }
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
        self.release();
    }

    /// The client left while its model compiled: the model is stored all
    /// the same (as a synchronous store would have been), and replicated.
    fn detached(&mut self, ctx: &Context) {
        if let Err(e) = self.write(ctx, Replication::Synthesized) {
            ctx.log_warning(&format!(
                "AI.MODELSTORE: the model of a disconnected client was not stored: {}",
                e.reply_text()
            ));
        }
        self.release();
    }

    fn db(&self) -> c_int {
        self.db
    }
}

fn read_model(ctx: &Context, key: &RedisString) -> Result<ModelValue> {
    model_type::read(&ctx.open_key(key))?.ok_or_else(|| Error::err(ERR_EMPTY))
}

/// `AI.MODELGET key [META] [BLOB]`
pub fn modelget(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    let format = parse_modelget(args)?;
    let model = read_model(ctx, &args[1])?;
    let chunk = crate::config::get().model_chunk_size.max(1) as usize;
    let reply = Reply::new(ctx);
    let blob = |reply: &Reply| {
        let pieces = chunks(model.blob(), chunk);
        if let [one] = pieces.as_slice() {
            reply.bulk(one);
        } else {
            reply.array(pieces.len());
            pieces.iter().for_each(|p| reply.bulk(p));
        }
    };
    if !format.meta {
        blob(&reply);
        return Ok(RedisValue::NoReply);
    }
    let m = &model.meta;
    reply.array(if format.blob { 18 } else { 16 });
    reply.bulk(b"backend");
    reply.bulk(m.backend.name().as_bytes());
    reply.bulk(b"device");
    reply.bulk(&m.device);
    reply.bulk(b"tag");
    reply.bulk(&m.tag);
    reply.bulk(b"batchsize");
    reply.int(m.batchsize as i64);
    reply.bulk(b"minbatchsize");
    reply.int(m.minbatchsize as i64);
    for (label, names) in [(&b"inputs"[..], &m.inputs), (&b"outputs"[..], &m.outputs)] {
        reply.bulk(label);
        reply.array(names.len());
        names.iter().for_each(|n| reply.bulk(n.as_bytes()));
    }
    reply.bulk(b"minbatchtimeout");
    reply.int(m.minbatchtimeout as i64);
    if format.blob {
        reply.bulk(b"blob");
        blob(&reply);
    }
    Ok(RedisValue::NoReply)
}

/// `AI.MODELDEL key`
pub fn modeldel(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    super::delete_typed(ctx, args, "AI.MODELDEL", model_type::exists, ERR_EMPTY)
}

/// `AI.INFO key [RESETSTAT]`: run statistics of a model or a script.
pub fn ai_info(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if !(2..=3).contains(&args.len()) {
        return Err(Error::Arity("AI.INFO"));
    }
    let not_found = || Error::err("cannot find run info for key");
    let resetstat = args
        .get(2)
        .is_some_and(|a| a.as_slice().eq_ignore_ascii_case(b"RESETSTAT"));
    let key = ctx.open_key(&args[1]);
    // A model, else a script (a wrong type is "not found", as in RedisAI).
    let model = model_type::read(&key).ok().flatten();
    let script = match model {
        Some(_) => None,
        None => crate::types::script_type::read(&key).ok().flatten(),
    };
    let (kind, backend, meta_device, tag, stats) = match (&model, &script) {
        (Some(m), _) => (
            "MODEL",
            m.meta.backend.name(),
            &m.meta.device,
            &m.meta.tag,
            &m.stats,
        ),
        (None, Some(sc)) => ("SCRIPT", "TORCH", &sc.meta.device, &sc.meta.tag, &sc.stats),
        (None, None) => return Err(not_found()),
    };
    if resetstat {
        stats.reset();
        return Ok(RedisValue::SimpleStringStatic("OK"));
    }
    let s = stats.snapshot();
    let reply = Reply::new(ctx);
    reply.array(18);
    reply.bulk(b"key");
    reply.bulk(args[1].as_slice());
    reply.bulk(b"type");
    reply.bulk(kind.as_bytes());
    reply.bulk(b"backend");
    reply.bulk(backend.as_bytes());
    reply.bulk(b"device");
    reply.bulk(meta_device);
    reply.bulk(b"tag");
    reply.bulk(tag);
    reply.bulk(b"duration");
    reply.int(s.duration_us as i64);
    reply.bulk(b"samples");
    // Scripts report -1, as RedisAI did.
    reply.int(if script.is_some() { -1 } else { s.samples });
    reply.bulk(b"calls");
    reply.int(s.calls as i64);
    reply.bulk(b"errors");
    reply.int(s.errors as i64);
    Ok(RedisValue::NoReply)
}

/// `AI._MODELSCAN` / `AI._SCRIPTSCAN`: `[key, tag]` for every key `tag_of`
/// recognises, in every database. It scans the keyspace (models and scripts
/// carry their own statistics; there is no separate registry), so it is
/// O(keys) and logs a warning, like RedisAI.
pub fn scan_tags(
    ctx: &Context,
    args: &[RedisString],
    cmd: &'static str,
    tag_of: fn(&redis_module::key::RedisKey) -> Option<Vec<u8>>,
) -> Result<RedisValue> {
    if args.len() != 1 {
        return Err(Error::Arity(cmd));
    }
    ctx.log_warning(&format!(
        "{cmd} is experimental and might be removed in future versions"
    ));
    let found = crate::ffi::scan::all_dbs(ctx, tag_of);
    let reply = Reply::new(ctx);
    reply.array(found.len());
    for (key, tag) in found {
        reply.array(2);
        reply.bulk(&key);
        reply.bulk(&tag);
    }
    Ok(RedisValue::NoReply)
}

/// `AI._MODELSCAN`
pub fn modelscan(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    scan_tags(ctx, args, "AI._MODELSCAN", |key| {
        model_type::read(key)
            .ok()
            .flatten()
            .map(|m| m.meta.tag.clone())
    })
}
