//! AI.DAGEXECUTE, AI.DAGEXECUTE_RO, AI.DAGRUN and AI.DAGRUN_RO.

use std::os::raw::c_int;
use std::sync::Arc;
use std::time::{Duration, Instant};

use redis_module::{Context, RedisString, RedisValue};

use super::execute::write_output;
use super::refuse_in_transaction;
use super::tensor::{reply_tensor, ERR_EMPTY as ERR_TENSOR_EMPTY};
use crate::dag::{self, parse, Dag, Finished, Flavor, Keyspace, Op, OpResult};
use crate::engine::{self, Task};
use crate::error::{Error, Result};
use crate::ffi::block::{self, Finish};
use crate::model::{Model, ERR_EMPTY};
use crate::reply::Reply;
use crate::script::call::CallEnv;
use crate::script::{Script, ERR_EMPTY as ERR_SCRIPT_EMPTY};
use crate::tensor::Tensor;
use crate::types::{model_type, script_type, tensor_type, vecset_type};
use crate::vector::VecSet;

struct Keys<'a>(&'a Context);

impl Keyspace for Keys<'_> {
    fn tensor(&self, key: &[u8]) -> Result<Arc<Tensor>> {
        let k = self.0.open_key(&crate::ffi::string(self.0, key));
        tensor_type::read(&k)?.ok_or_else(|| Error::err(ERR_TENSOR_EMPTY))
    }

    fn model(&self, key: &[u8]) -> Result<Arc<Model>> {
        let k = self.0.open_key(&crate::ffi::string(self.0, key));
        model_type::read(&k)?.ok_or_else(|| Error::err(ERR_EMPTY))
    }

    fn script(&self, key: &[u8]) -> Result<Arc<Script>> {
        let k = self.0.open_key(&crate::ffi::string(self.0, key));
        script_type::read(&k)?.ok_or_else(|| Error::err(ERR_SCRIPT_EMPTY))
    }

    fn vset(&self, key: &[u8]) -> Result<Option<Arc<VecSet>>> {
        vecset_type::read(&self.0.open_key(&crate::ffi::string(self.0, key)))
    }

    fn caller(&self) -> CallEnv {
        super::script_exec::caller(self.0)
    }
}

pub fn dagexecute(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    dag(ctx, args, Flavor::Execute)
}

pub fn dagexecute_ro(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    dag(ctx, args, Flavor::ExecuteRo)
}

pub fn dagrun(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    dag(ctx, args, Flavor::Run)
}

pub fn dagrun_ro(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    dag(ctx, args, Flavor::RunRo)
}

fn dag(ctx: &Context, args: &[RedisString], flavor: Flavor) -> Result<RedisValue> {
    refuse_in_transaction(ctx)?;
    let mut dag = parse(args, flavor, &Keys(ctx))?;
    // Decision 5, for DAGs: a PERSIST key of another type fails now.
    for (key, _) in &dag.persist {
        tensor_type::read(&ctx.open_key(&crate::ffi::string(ctx, key)))?;
    }
    let db = block::selected_db(ctx);
    // Leading model ops that run fast enough run here, as AI.MODELEXECUTE's
    // inline runs do; the DAG is answered now if nothing else is left.
    let (prior, all_done) =
        dag::run_inline(&mut dag, |m, i| super::execute::runs_inline(ctx, m, i));
    if let (true, Some(ms)) = (dag.is_trivial(), dag.timeout) {
        // RedisAI queues even a DAG of tensor ops on CPU, and its TIMEOUT
        // applies there: it times out behind a long request.
        let blocked = block::block(ctx)?;
        let now = Instant::now();
        let n = dag.ops.len();
        let task = Task {
            enqueued: now,
            deadline: Some(now + Duration::from_millis(ms)),
            run: Box::new(move |timed_out| {
                let results = (!timed_out).then(|| vec![OpResult::Ok; n]);
                blocked.unblock(Box::new(DagDone { db, dag, results }));
            }),
        };
        if let Err(task) = engine::submit_task("CPU", task) {
            (task.run)(true);
        }
        return Ok(RedisValue::NoReply);
    }
    if all_done {
        let results = prior
            .into_iter()
            .map(|r| r.unwrap_or(OpResult::NotRun))
            .collect();
        DagDone {
            db,
            dag,
            results: Some(results),
        }
        .reply(ctx);
        return Ok(RedisValue::NoReply);
    }
    let blocked = block::block(ctx)?;
    dag::start(
        dag,
        prior,
        Box::new(move |f: Finished| {
            blocked.unblock(Box::new(DagDone {
                db,
                dag: f.dag,
                results: f.results,
            }));
        }),
    );
    Ok(RedisValue::NoReply)
}

/// A finished DAG, handed to the main thread. `results` is `None` when its
/// TIMEOUT passed while queued.
struct DagDone {
    db: c_int,
    dag: Dag,
    results: Option<Vec<OpResult>>,
}

impl DagDone {
    /// Writes the PERSIST keys if every op succeeded; the first error, if any.
    fn persist(&self, ctx: &Context) -> Option<Error> {
        let results = self.results.as_ref()?;
        if !Dag::succeeded(results) {
            return None;
        }
        let mut first = None;
        for (key, slot) in &self.dag.persist {
            let Some(Some(t)) = self.dag.slots.get(*slot) else {
                continue;
            };
            if let Err(e) = write_output(ctx, key, Arc::clone(t)) {
                first.get_or_insert(e);
            }
        }
        first
    }
}

impl Finish for DagDone {
    fn reply(&mut self, ctx: &Context) {
        let reply = Reply::new(ctx);
        let Some(results) = self.results.as_ref() else {
            reply.status(c"TIMEDOUT");
            return;
        };
        let persist_error = self.persist(ctx);
        reply.array(results.len() + usize::from(persist_error.is_some()));
        for (op, r) in self.dag.ops.iter().zip(results) {
            match (op, r) {
                (_, OpResult::NotRun) => reply.status(c"NA"),
                (_, OpResult::Err(e)) => reply.error(&e.reply_text()),
                (Op::TensorGet { slot, format }, OpResult::Ok) => match self.dag.slots.get(*slot) {
                    Some(Some(t)) => reply_tensor(&reply, t, *format),
                    _ => reply.status(c"NA"),
                },
                (_, OpResult::Ok) => reply.status(c"OK"),
            }
        }
        if let Some(e) = persist_error {
            reply.error(&e.reply_text());
        }
    }

    fn detached(&mut self, ctx: &Context) {
        if let Some(e) = self.persist(ctx) {
            ctx.log_warning(&format!(
                "AI.DAGEXECUTE: PERSIST of a disconnected client failed: {}",
                e.reply_text()
            ));
        }
    }

    fn db(&self) -> c_int {
        self.db
    }
}
