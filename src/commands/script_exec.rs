//! AI.SCRIPTEXECUTE and the deprecated AI.SCRIPTRUN: the script is looked
//! up, the call parsed and its inputs snapshotted on the main thread; the
//! script runs on its device queue, as the calling client (database, ACL
//! user) for any `redis.execute` it makes; the outputs are written back on
//! the main thread and replicated as `AI.TENSORSET … BLOB`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use redis_module::{Context, RedisString, RedisValue};

use super::execute::Completion;
use super::refuse_in_transaction;
use crate::engine::{self, Outcome, Task};
use crate::error::{Error, Result};
use crate::ffi::block;
use crate::ffi::script_call::current_user;
use crate::script::call::CallEnv;
use crate::script::{parse_scriptexecute, parse_scriptrun, Invocation, ScriptCall, ERR_EMPTY};
use crate::tensor::Tensor;
use crate::types::script_type;

/// `AI.SCRIPTEXECUTE key fn [KEYS n …] [INPUTS n …] [ARGS n …] [OUTPUTS n …] [TIMEOUT ms]`
pub fn scriptexecute(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if args.len() < 3 {
        return Err(Error::Arity("AI.SCRIPTEXECUTE"));
    }
    run(ctx, args, |a| parse_scriptexecute(a, false))
}

/// `AI.SCRIPTRUN key fn [TIMEOUT ms] INPUTS … [$ …] OUTPUTS …`
pub fn scriptrun(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if args.len() < 3 {
        return Err(Error::Arity("AI.SCRIPTRUN"));
    }
    run(ctx, args, parse_scriptrun)
}

fn run(
    ctx: &Context,
    args: &[RedisString],
    parse: impl Fn(&[RedisString]) -> Result<ScriptCall>,
) -> Result<RedisValue> {
    refuse_in_transaction(ctx)?;
    let script =
        script_type::read(&ctx.open_key(&args[1]))?.ok_or_else(|| Error::err(ERR_EMPTY))?;
    let call = parse(args)?;
    let (inputs, outputs) = super::execute::snapshot_io(ctx, args, &call.inputs, &call.outputs)?;
    let prepared = Invocation::new(args, &call, caller(ctx).in_slot_of(args[1].as_slice()));
    let queue = script.queue_name();
    engine::ensure_queue(&queue)?;
    let db = block::selected_db(ctx);
    let blocked = block::block(ctx)?;
    let now = Instant::now();
    let task = Task {
        enqueued: now,
        deadline: call.timeout.map(|t| now + Duration::from_millis(t)),
        run: Box::new(move |timed_out| {
            let outcome = if timed_out {
                Outcome::TimedOut
            } else {
                let refs: Vec<&Tensor> = inputs.iter().map(Arc::as_ref).collect();
                let result = prepared.run(&script, &refs);
                Outcome::Done(result.map(|v| v.into_iter().map(Some).collect()))
            };
            blocked.unblock(Box::new(Completion::new(db, outputs, outcome)));
        }),
    };
    if let Err(task) = engine::submit_task(&queue, task) {
        (task.run)(true);
    }
    Ok(RedisValue::NoReply)
}

/// The calling client, for a script's `redis.execute`.
pub fn caller(ctx: &Context) -> CallEnv {
    CallEnv {
        db: block::selected_db(ctx),
        user: current_user(ctx),
        slot: None,
    }
}
