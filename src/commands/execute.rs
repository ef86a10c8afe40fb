//! AI.MODELEXECUTE and AI.MODELRUN: parse and snapshot on the main thread,
//! run on the model's device queue, write the outputs back on the main
//! thread. Each output written is replicated as `AI.TENSORSET … BLOB`; the
//! command itself is not, so replicas never run models.

use std::os::raw::c_int;
use std::sync::Arc;

use std::time::{Duration, Instant};

use redis_module::{Context, RedisString, RedisValue};

use super::refuse_in_transaction;
use super::tensor::ERR_EMPTY as ERR_TENSOR_EMPTY;
use crate::engine::{self, Job, Outcome};
use crate::error::{Error, Result};
use crate::ffi::block::{self, Finish};
use crate::ffi::emit::replicate;
use crate::ffi::notify;
use crate::model::{parse_modelexecute, parse_modelrun, ExecRequest, Model, ERR_EMPTY};
use crate::persistence::commands::tensorset_args;
use crate::tensor::Tensor;
use crate::types::{model_type, tensor_type};

/// `AI.MODELEXECUTE key INPUTS n … OUTPUTS n … [TIMEOUT ms]`
pub fn modelexecute(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if args.len() < 8 {
        return Err(Error::Arity("AI.MODELEXECUTE"));
    }
    execute(ctx, args, |a, i, o| parse_modelexecute(a, i, o))
}

/// The deprecated `AI.MODELRUN key [TIMEOUT ms] INPUTS … OUTPUTS …`
pub fn modelrun(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if args.len() < 6 {
        return Err(Error::Arity("AI.MODELRUN"));
    }
    execute(ctx, args, |a, i, o| parse_modelrun(a, i, o))
}

type Parser = fn(
    &[RedisString],
    &dyn Fn(usize) -> Result<()>,
    &dyn Fn(usize) -> Result<()>,
) -> Result<ExecRequest>;

fn execute(ctx: &Context, args: &[RedisString], parse: Parser) -> Result<RedisValue> {
    refuse_in_transaction(ctx)?;
    let model = model_type::read(&ctx.open_key(&args[1]))?.ok_or_else(|| Error::err(ERR_EMPTY))?;
    let req = parse(args, &|n| model.check_inputs(n), &|n| {
        model.check_outputs(n)
    })?;
    let (inputs, outputs) = snapshot_io(ctx, args, &req.inputs, &req.outputs)?;
    if runs_inline(ctx, &model, &inputs) {
        return run_inline(ctx, &model, &inputs, outputs);
    }
    let db = block::selected_db(ctx);
    let blocked = block::block(ctx)?;
    let now = Instant::now();
    let job = Job {
        model,
        inputs,
        enqueued: now,
        deadline: req.timeout.map(|t| now + Duration::from_millis(t)),
        done: Box::new(move |outcome| {
            blocked.unblock(Box::new(Completion {
                db,
                outputs,
                outcome: Some(outcome),
            }))
        }),
    };
    if let Err(job) = engine::submit(job) {
        (job.done)(Outcome::Done(Err(Error::err(
            "the model's device queue is missing",
        ))));
    }
    Ok(RedisValue::NoReply)
}

/// Input tensor snapshots and output key names.
pub type Io = (Vec<Arc<Tensor>>, Vec<Vec<u8>>);

/// The input tensors at argv positions `inputs` (snapshots), and the output
/// key names at `outputs`, each checked to be empty or a tensor (Decision 5:
/// an output key of another type fails now, before the run).
pub fn snapshot_io(
    ctx: &Context,
    args: &[RedisString],
    inputs: &[usize],
    outputs: &[usize],
) -> Result<Io> {
    let tensors = inputs
        .iter()
        .map(|&i| {
            tensor_type::read(&ctx.open_key(&args[i]))?.ok_or_else(|| Error::err(ERR_TENSOR_EMPTY))
        })
        .collect::<Result<Vec<_>>>()?;
    for &o in outputs {
        tensor_type::read(&ctx.open_key(&args[o]))?;
    }
    let names = outputs
        .iter()
        .map(|&o| args[o].as_slice().to_vec())
        .collect();
    Ok((tensors, names))
}

/// A model whose recent runs average under INLINE_RUN_THRESHOLD (on inputs
/// at least this large, with no run over 10 times it) costs less than
/// handing it to a worker and back. It runs on the main thread, but only
/// when its queue is idle (so it overtakes nothing, and its ONNX session is
/// free) and it does not batch. A very slow run sends it back to its queue.
/// Under load from several clients, with a spare CPU for the workers, the
/// runs go to the queue (see `engine::inline`).
pub fn runs_inline(ctx: &Context, model: &Model, inputs: &[Arc<Tensor>]) -> bool {
    model.meta.batchsize == 0
        && model
            .stats
            .runs_fast(engine::input_bytes(inputs), engine::inline_threshold())
        && engine::inline::admit(block::client_id(ctx), model.stats.avg_us())
        && engine::idle(&model.queue_name())
}

fn run_inline(
    ctx: &Context,
    model: &Model,
    inputs: &[Arc<Tensor>],
    outputs: Vec<Vec<u8>>,
) -> Result<RedisValue> {
    let refs: Vec<&Tensor> = inputs.iter().map(|t| t.as_ref()).collect();
    let tensors = engine::run_now(model, &refs)?;
    let mut done = Completion {
        db: block::selected_db(ctx),
        outputs,
        outcome: None,
    };
    done.write(ctx, tensors)?;
    Ok(RedisValue::SimpleStringStatic("OK"))
}

/// A finished execution (model or script), handed to the main thread.
pub struct Completion {
    db: c_int,
    outputs: Vec<Vec<u8>>,
    outcome: Option<Outcome>,
}

impl Completion {
    pub fn new(db: c_int, outputs: Vec<Vec<u8>>, outcome: Outcome) -> Completion {
        Completion {
            db,
            outputs,
            outcome: Some(outcome),
        }
    }

    /// Writes the outputs; the first write error, if any, is returned.
    fn write(&mut self, ctx: &Context, tensors: Vec<Option<Tensor>>) -> Result<()> {
        let mut first_error = None;
        for (key, tensor) in self.outputs.iter().zip(tensors) {
            let Some(t) = tensor else {
                ctx.log_warning("AI.MODELEXECUTE: an output that is not a tensor was skipped");
                continue;
            };
            if let Err(e) = write_output(ctx, key, Arc::new(t)) {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// Writes a tensor the module produced to `key`, notifies and replicates it
/// as `AI.TENSORSET … BLOB`.
pub fn write_output(ctx: &Context, key: &[u8], t: Arc<Tensor>) -> Result<()> {
    let name = crate::ffi::string(ctx, key);
    let k = ctx.open_key_writable(&name);
    let slot = tensor_type::open_for_write(&k)?;
    slot.store_tensor(Arc::clone(&t))?;
    notify(ctx, c"ai.tensorset", &name);
    if !replicate(ctx, "AI.TENSORSET", &tensorset_args(key, &t)) {
        ctx.log_warning("AI.MODELEXECUTE: could not replicate an output tensor");
    }
    Ok(())
}

impl Finish for Completion {
    fn reply(&mut self, ctx: &Context) {
        let reply = match self.outcome.take() {
            Some(Outcome::TimedOut) => Ok(RedisValue::SimpleStringStatic("TIMEDOUT")),
            Some(Outcome::Done(Ok(tensors))) => self
                .write(ctx, tensors)
                .map(|()| RedisValue::SimpleStringStatic("OK")),
            Some(Outcome::Done(Err(e))) => Err(e),
            None => Err(Error::err("the command already finished")),
        };
        match reply {
            Ok(v) => {
                ctx.reply(Ok(v));
            }
            Err(e) => {
                ctx.reply_error_string(&e.reply_text());
            }
        }
    }

    fn detached(&mut self, ctx: &Context) {
        if let Some(Outcome::Done(Ok(tensors))) = self.outcome.take() {
            if let Err(e) = self.write(ctx, tensors) {
                ctx.log_warning(&format!(
                    "AI.MODELEXECUTE: output of a disconnected client not written: {}",
                    e.reply_text()
                ));
            }
        }
    }

    fn db(&self) -> c_int {
        self.db
    }
}
