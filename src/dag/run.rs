//! Running a DAG on the device queues.
//!
//! Each model, script or VSIM op is handed to its device's queue as soon
//! as (a) every op before it on the same device has finished, so one
//! device runs its ops in DAG order, and (b) its inputs exist. Ops on
//! different devices therefore run in parallel when independent (RedisAI's
//! per-device copies). A model op is an ordinary [`Job`], so it batches
//! with standalone requests and other DAGs on the same model.
//!
//! The first error (or a TIMEOUT that passed while an op was queued) stops
//! the DAG: nothing more is submitted, and when the ops in flight are done
//! the completion callback gets the results. It is called exactly once, on
//! the worker that finished the last op (or on the caller's thread when
//! nothing needs a worker or nothing could be queued).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::{Dag, Op, OpResult};
use crate::engine::{self, Job, Outcome, Task};
use crate::error::Error;
use crate::tensor::Tensor;

/// A DAG that ran. `results` is `None` when a TIMEOUT passed while one of
/// its ops was queued (the reply is then `+TIMEDOUT`).
pub struct Finished {
    pub dag: Dag,
    pub results: Option<Vec<OpResult>>,
}

type Done = Box<dyn FnOnce(Finished) + Send>;

struct State {
    dag: Dag,
    results: Vec<Option<OpResult>>,
    /// Per device queue: its ops, in DAG order, and how many have finished.
    devices: Vec<(String, Vec<usize>, usize)>,
    submitted: Vec<bool>,
    in_flight: usize,
    stopped: bool,
    timed_out: bool,
    deadline: Option<Instant>,
    done: Option<Done>,
}

struct Running(Mutex<State>);

impl Running {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What to hand to a queue, taken under the lock and submitted after it.
struct Ready {
    op: usize,
    queue: String,
    deadline: Option<Instant>,
    work: Work,
    inputs: Vec<Arc<Tensor>>,
}

/// Runs the DAG's leading model ops on the calling thread (the main
/// thread) while `inline` allows each (a model whose runs are fast, on an
/// idle queue: see AI.MODELEXECUTE's inline runs), in DAG order. Returns the
/// results so far: `Some` for ops done (TENSORSET/TENSORGET included), and
/// whether the whole DAG is done (every op ran, or one failed).
pub fn run_inline(
    dag: &mut Dag,
    inline: impl Fn(&crate::model::Model, &[Arc<Tensor>]) -> bool,
) -> (Vec<Option<OpResult>>, bool) {
    let mut results: Vec<Option<OpResult>> = Vec::with_capacity(dag.ops.len());
    for op in &dag.ops {
        let Op::Model {
            model,
            inputs,
            outputs,
        } = op
        else {
            if op.queue().is_none() {
                results.push(Some(OpResult::Ok));
                continue;
            }
            break;
        };
        let args: Option<Vec<Arc<Tensor>>> = inputs
            .iter()
            .map(|&s| dag.slots.get(s).cloned().flatten())
            .collect();
        let Some(args) = args.filter(|a| inline(model, a)) else {
            break;
        };
        let refs: Vec<&Tensor> = args.iter().map(Arc::as_ref).collect();
        match engine::run_now(model, &refs) {
            Ok(produced) => {
                for (&slot, t) in outputs.iter().zip(produced) {
                    if let (Some(s), Some(t)) = (dag.slots.get_mut(slot), t) {
                        *s = Some(Arc::new(t));
                    }
                }
                results.push(Some(OpResult::Ok));
            }
            Err(e) => {
                results.push(Some(OpResult::Err(e)));
                results.resize(dag.ops.len(), Some(OpResult::NotRun));
                return (results, true);
            }
        }
    }
    let all = results.len() == dag.ops.len();
    results.resize(dag.ops.len(), None);
    (results, all)
}

/// Starts `dag`; `done` gets the outcome. `prior` holds the results of ops
/// already run inline (see [`run_inline`]); empty when none were.
pub fn start(dag: Dag, prior: Vec<Option<OpResult>>, done: Done) {
    let mut devices: Vec<(String, Vec<usize>, usize)> = Vec::new();
    let mut results = Vec::with_capacity(dag.ops.len());
    for (i, op) in dag.ops.iter().enumerate() {
        if let Some(Some(r)) = prior.get(i) {
            results.push(Some(r.clone()));
            continue;
        }
        match op.queue() {
            None => results.push(Some(OpResult::Ok)),
            Some(q) => {
                results.push(None);
                match devices.iter_mut().find(|(name, ..)| *name == q) {
                    Some((_, ops, _)) => ops.push(i),
                    None => devices.push((q, vec![i], 0)),
                }
            }
        }
    }
    let deadline = dag
        .timeout
        .map(|t| Instant::now() + Duration::from_millis(t));
    let n = dag.ops.len();
    let running = Arc::new(Running(Mutex::new(State {
        dag,
        results,
        devices,
        submitted: vec![false; n],
        in_flight: 0,
        stopped: false,
        timed_out: false,
        deadline,
        done: Some(done),
    })));
    advance(&running);
}

/// Submits what can run now; finishes the DAG when nothing is left.
fn advance(running: &Arc<Running>) {
    let (ready, finished) = {
        let mut st = running.lock();
        let ready = if st.stopped {
            Vec::new()
        } else {
            pick(&mut st)
        };
        let finished = if ready.is_empty() && st.in_flight == 0 {
            finish(&mut st)
        } else {
            None
        };
        (ready, finished)
    };
    if let Some((done, f)) = finished {
        done(f);
        return;
    }
    for r in ready {
        submit(running, r);
    }
}

/// The next op of each device, where its inputs exist. When nothing is in
/// flight and nothing is ready, an input will never come (a model returned
/// fewer tensors than it declared): that op fails.
fn pick(st: &mut State) -> Vec<Ready> {
    let mut ready = Vec::new();
    let mut waiting = None;
    for d in 0..st.devices.len() {
        let (queue, ops, finished) = &st.devices[d];
        let Some(&op) = ops.get(*finished) else {
            continue;
        };
        if st.submitted[op] {
            continue;
        }
        let Some(work) = Work::of(&st.dag.ops[op]) else {
            continue; // only queued ops are in `devices`
        };
        let queue = queue.clone();
        let (inputs, _) = st.dag.ops[op].io();
        let tensors: Option<Vec<Arc<Tensor>>> = inputs
            .iter()
            .map(|&s| st.dag.slots.get(s).cloned().flatten())
            .collect();
        match tensors {
            Some(inputs) => {
                st.submitted[op] = true;
                st.in_flight += 1;
                ready.push(Ready {
                    op,
                    queue,
                    deadline: st.deadline,
                    work,
                    inputs,
                });
            }
            None => {
                waiting.get_or_insert(op);
            }
        }
    }
    if let (true, 0, Some(op)) = (ready.is_empty(), st.in_flight, waiting) {
        st.results[op] = Some(OpResult::Err(Error::err(
            "INPUT key cannot be found in DAG",
        )));
        st.stopped = true;
    }
    ready
}

/// Takes the results once everything stopped. Ops never started are `NA`.
fn finish(st: &mut State) -> Option<(Done, Finished)> {
    let done = st.done.take()?;
    let results = if st.timed_out {
        None
    } else {
        Some(
            st.results
                .iter_mut()
                .map(|r| r.take().unwrap_or(OpResult::NotRun))
                .collect(),
        )
    };
    let dag = Dag {
        slots: std::mem::take(&mut st.dag.slots),
        ops: std::mem::take(&mut st.dag.ops),
        persist: std::mem::take(&mut st.dag.persist),
        timeout: st.dag.timeout,
    };
    Some((done, Finished { dag, results }))
}

/// Records how op `op` ended, and moves on.
fn complete(running: &Arc<Running>, op: usize, outcome: Outcome) {
    {
        let mut st = running.lock();
        st.in_flight = st.in_flight.saturating_sub(1);
        if let Some(d) = st
            .devices
            .iter_mut()
            .find(|(_, ops, f)| ops.get(*f) == Some(&op))
        {
            d.2 += 1;
        }
        match outcome {
            Outcome::TimedOut => {
                st.timed_out = true;
                st.stopped = true;
            }
            Outcome::Done(Err(e)) => {
                st.results[op] = Some(OpResult::Err(e));
                st.stopped = true;
            }
            Outcome::Done(Ok(tensors)) => {
                let outputs = st.dag.ops[op].io().1.to_vec();
                for (slot, t) in outputs.into_iter().zip(tensors) {
                    if let (Some(s), Some(t)) = (st.dag.slots.get_mut(slot), t) {
                        *s = Some(Arc::new(t));
                    }
                }
                st.results[op] = Some(OpResult::Ok);
            }
        }
    }
    advance(running);
}

/// Hands one op to its queue.
fn submit(running: &Arc<Running>, r: Ready) {
    let Ready {
        op,
        queue,
        deadline,
        work,
        inputs,
    } = r;
    let failed = match work {
        Work::Model(model) => {
            let back = Arc::clone(running);
            let job = Job {
                model,
                inputs,
                enqueued: Instant::now(),
                deadline,
                done: Box::new(move |outcome| complete(&back, op, outcome)),
            };
            engine::submit(job).is_err()
        }
        Work::Script(script, call) => task(running, op, &queue, deadline, move || {
            let refs: Vec<&Tensor> = inputs.iter().map(Arc::as_ref).collect();
            call.run(&script, &refs)
        }),
        Work::Vsim(v) => task(running, op, &queue, deadline, move || v.run(&inputs)),
    };
    if failed {
        complete(
            running,
            op,
            Outcome::Done(Err(Error::err(format!(
                "the {queue} device queue is missing"
            )))),
        );
    }
}

/// Queues `f` as op `op` on `queue`; `true` if there is no such queue (it
/// did not run).
fn task(
    running: &Arc<Running>,
    op: usize,
    queue: &str,
    deadline: Option<Instant>,
    f: impl FnOnce() -> crate::error::Result<Vec<Tensor>> + Send + 'static,
) -> bool {
    let back = Arc::clone(running);
    let task = Task {
        enqueued: Instant::now(),
        deadline,
        run: Box::new(move |timed_out| {
            let outcome = if timed_out {
                Outcome::TimedOut
            } else {
                Outcome::Done(f().map(|v| v.into_iter().map(Some).collect()))
            };
            complete(&back, op, outcome);
        }),
    };
    let _ = engine::ensure_queue(queue);
    engine::submit_task(queue, task).is_err()
}

enum Work {
    Model(Arc<crate::model::Model>),
    Script(Arc<crate::script::Script>, crate::script::Invocation),
    Vsim(Box<super::VsimOp>),
}

impl Work {
    /// What a worker needs of `op` (`None`: done at parse or reply time).
    fn of(op: &Op) -> Option<Work> {
        Some(match op {
            Op::Model { model, .. } => Work::Model(Arc::clone(model)),
            Op::Script { script, call, .. } => Work::Script(Arc::clone(script), call.clone()),
            Op::Vsim(v) => Work::Vsim(v.clone()),
            Op::TensorSet | Op::TensorGet { .. } => return None,
        })
    }
}
