//! The execution engine: one FIFO queue per upper-cased device string, each
//! served by a fixed pool of THREADS_PER_QUEUE worker threads. Redis-free:
//! a job carries a completion callback, which the command layer uses to
//! hand the result back to the main thread. See docs/design.md, "Threading".

pub mod batch;
pub mod inline;
pub mod pool;

use std::collections::{HashMap, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::model::{Model, ERR_BATCH_SIZE};
use crate::tensor::Tensor;

use batch::{pick, Batchable, Pick};

/// How a job ended.
#[derive(Debug)]
pub enum Outcome {
    /// The outputs (`None` for a skipped non-tensor output), or the error.
    Done(Result<Vec<Option<Tensor>>, Error>),
    /// Its TIMEOUT passed while it was queued.
    TimedOut,
}

/// One model execution waiting for a worker.
pub struct Job {
    pub model: Arc<Model>,
    pub inputs: Vec<Arc<Tensor>>,
    pub enqueued: Instant,
    /// TIMEOUT: checked while queued; a running job is never interrupted.
    pub deadline: Option<Instant>,
    /// Called once, on a worker thread.
    pub done: Box<dyn FnOnce(Outcome) + Send>,
}

/// Any other unit of work for a queue (a DAG): it runs alone, in FIFO
/// order with the model jobs.
pub struct Task {
    pub enqueued: Instant,
    /// TIMEOUT: checked while queued.
    pub deadline: Option<Instant>,
    /// Called once, on a worker thread, with `true` if the TIMEOUT passed
    /// while it was queued.
    pub run: Box<dyn FnOnce(bool) + Send>,
}

/// What a queue holds.
enum Work {
    Model(Job),
    Task(Task),
}

impl Work {
    fn deadline(&self) -> Option<Instant> {
        match self {
            Work::Model(j) => j.deadline,
            Work::Task(t) => t.deadline,
        }
    }

    fn expire(self) {
        match self {
            Work::Model(j) => (j.done)(Outcome::TimedOut),
            Work::Task(t) => (t.run)(true),
        }
    }
}

impl Batchable for Work {
    fn model_id(&self) -> usize {
        match self {
            Work::Model(j) => Arc::as_ptr(&j.model) as usize,
            Work::Task(t) => t as *const Task as usize,
        }
    }

    fn policy(&self) -> (u64, u64, u64) {
        match self {
            Work::Model(j) => {
                let m = &j.model.meta;
                (m.batchsize, m.minbatchsize, m.minbatchtimeout)
            }
            Work::Task(_) => (0, 0, 0),
        }
    }

    fn input_shapes(&self) -> Vec<&[i64]> {
        match self {
            Work::Model(j) => j.inputs.iter().map(|t| t.shape()).collect(),
            Work::Task(_) => Vec::new(),
        }
    }

    fn enqueued(&self) -> Instant {
        match self {
            Work::Model(j) => j.enqueued,
            Work::Task(t) => t.enqueued,
        }
    }
}

struct Queue {
    jobs: Mutex<VecDeque<Work>>,
    wake: Condvar,
    /// Items queued or running.
    busy: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Queue name → the queue and its workers' pthread ids (for their CPU time
/// in INFO; workers never exit, so the ids stay valid).
type Registry = Mutex<HashMap<String, (Arc<Queue>, Vec<libc::pthread_t>)>>;

fn queues() -> &'static Registry {
    static QUEUES: OnceLock<Registry> = OnceLock::new();
    QUEUES.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Creates the queue for `device` (upper-cased) and its THREADS_PER_QUEUE
/// workers, if it does not exist yet. Returns an error if no worker thread
/// could be started.
pub fn ensure_queue(device: &str) -> Result<(), Error> {
    let threads = crate::config::read(|c| c.threads_per_queue.max(1) as usize);
    let name = device.to_ascii_uppercase();
    let mut all = lock(queues());
    if all.contains_key(&name) {
        return Ok(());
    }
    let q = Arc::new(Queue {
        jobs: Mutex::new(VecDeque::new()),
        wake: Condvar::new(),
        busy: AtomicUsize::new(0),
    });
    let mut started = Vec::new();
    for i in 0..threads.max(1) {
        let worker = Arc::clone(&q);
        let spawned = std::thread::Builder::new()
            .name(format!("ai-{}-{i}", name.to_ascii_lowercase()))
            .spawn(move || work(&worker));
        if let Ok(handle) = spawned {
            // Detached: the worker runs for the life of the process.
            started.push(std::os::unix::thread::JoinHandleExt::into_pthread_t(handle));
        }
    }
    if started.is_empty() {
        return Err(Error::err(format!(
            "cannot start a worker thread for {name}"
        )));
    }
    all.insert(name, (q, started));
    Ok(())
}

/// Every queue (sorted by name) and its workers' pthread ids, for INFO.
pub fn queue_threads() -> Vec<(String, Vec<libc::pthread_t>)> {
    let mut v: Vec<_> = lock(queues())
        .iter()
        .map(|(k, (_, t))| (k.clone(), t.clone()))
        .collect();
    v.sort();
    v
}

fn push(name: &str, work: Work) -> Result<(), Work> {
    let q = lock(queues())
        .get(&name.to_ascii_uppercase())
        .map(|(q, _)| Arc::clone(q));
    let Some(q) = q else {
        return Err(work);
    };
    q.busy.fetch_add(1, Ordering::AcqRel);
    lock(&q.jobs).push_back(work);
    q.wake.notify_one();
    Ok(())
}

/// Whether nothing is queued on or running from the named queue.
pub fn idle(name: &str) -> bool {
    lock(queues())
        .get(name)
        .is_none_or(|(q, _)| q.busy.load(Ordering::Acquire) == 0)
}

/// Queues a job on its model's device queue. On failure the job is handed
/// back, its callback not called.
pub fn submit(job: Job) -> Result<(), Box<Job>> {
    match push(&job.model.queue_name(), Work::Model(job)) {
        Ok(()) => Ok(()),
        Err(Work::Model(j)) => Err(Box::new(j)),
        Err(Work::Task(_)) => Ok(()),
    }
}

/// Queues a task on the named device queue. On failure the task is handed
/// back, not run.
pub fn submit_task(queue: &str, task: Task) -> Result<(), Box<Task>> {
    match push(queue, Work::Task(task)) {
        Ok(()) => Ok(()),
        Err(Work::Task(t)) => Err(Box::new(t)),
        Err(Work::Model(_)) => Ok(()),
    }
}

/// What a worker took from its queue.
enum Next {
    Batch(Vec<Job>),
    Task(Task),
    Expired(Vec<Work>),
}

/// A worker: waits for runnable work, runs it outside the lock, repeats.
fn work(q: &Queue) {
    loop {
        let done = match next(q) {
            Next::Expired(items) => {
                let n = items.len();
                items.into_iter().for_each(Work::expire);
                n
            }
            Next::Batch(batch) => {
                let n = batch.len();
                run_batch(batch);
                n
            }
            Next::Task(t) => {
                let run = t.run;
                let _ = catch_unwind(AssertUnwindSafe(move || run(false)));
                1
            }
        };
        q.busy.fetch_sub(done, Ordering::AcqRel);
    }
}

fn next(q: &Queue) -> Next {
    let mut jobs = lock(&q.jobs);
    loop {
        let now = Instant::now();
        if jobs.iter().any(|j| j.deadline().is_some_and(|d| d <= now)) {
            let (expired, keep) = jobs
                .drain(..)
                .partition(|j| j.deadline().is_some_and(|d| d <= now));
            *jobs = keep;
            if !jobs.is_empty() {
                q.wake.notify_one();
            }
            return Next::Expired(expired.into());
        }
        match pick(&jobs, now) {
            Pick::Run(idx) => {
                let mut batch: Vec<Job> = Vec::with_capacity(idx.len());
                let mut task = None;
                for &i in idx.iter().rev() {
                    match jobs.remove(i) {
                        Some(Work::Model(j)) => batch.push(j),
                        Some(Work::Task(t)) => task = Some(t),
                        None => {}
                    }
                }
                batch.reverse();
                if !jobs.is_empty() {
                    q.wake.notify_one(); // another worker may take the rest
                }
                return match task {
                    Some(t) => Next::Task(t),
                    None => Next::Batch(batch),
                };
            }
            Pick::Wait(until) => {
                let soonest = jobs.iter().filter_map(|j| j.deadline()).chain(until).min();
                let wait = soonest.map_or(Duration::from_secs(3600), |t| {
                    t.saturating_duration_since(now) + Duration::from_micros(100)
                });
                jobs = q
                    .wake
                    .wait_timeout(jobs, wait)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
        }
    }
}

/// Runs one request, or several of the same model concatenated along dim 0,
/// and completes each with its share of the outputs.
fn run_batch(jobs: Vec<Job>) {
    let Some(first) = jobs.first() else {
        return;
    };
    let model = Arc::clone(&first.model);
    let start = Instant::now();
    let contained = catch_unwind(AssertUnwindSafe(|| execute(&model, &jobs)));
    let result = contained.unwrap_or_else(|_| {
        Err(Error::err(
            "internal error while running the model; see the server log",
        ))
    });
    let micros = start.elapsed().as_micros() as u64;
    if let [job] = jobs.as_slice() {
        model
            .stats
            .record_speed(micros, input_bytes(&job.inputs), inline_threshold());
    }
    match result {
        Ok(per_job) => {
            for (job, outputs) in jobs.into_iter().zip(per_job) {
                let samples = outputs
                    .iter()
                    .flatten()
                    .next()
                    .and_then(|t| t.batch_dim())
                    .unwrap_or(0);
                model.stats.record_ok(micros, samples);
                (job.done)(Outcome::Done(Ok(outputs)));
            }
        }
        Err(e) => {
            for job in jobs {
                model.stats.record_error();
                (job.done)(Outcome::Done(Err(e.clone())));
            }
        }
    }
}

type Outputs = Vec<Option<Tensor>>;

const ERR_PANIC: &str = "internal error while running the model; see the server log";

/// Total bytes of a request's inputs.
pub fn input_bytes<T: AsRef<Tensor>>(inputs: &[T]) -> u64 {
    inputs.iter().map(|t| t.as_ref().data().len() as u64).sum()
}

/// INLINE_RUN_THRESHOLD, in microseconds (0: off).
pub fn inline_threshold() -> u64 {
    crate::config::read(|c| c.inline_run_threshold.max(0) as u64)
}

/// Runs a model now, on the calling thread (a DAG's model op on a worker,
/// or an inline run on the main thread), with the same panic containment
/// and statistics as a queued job.
pub fn run_now(model: &Model, inputs: &[&Tensor]) -> Result<Outputs, Error> {
    let start = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| model.runtime()?.run(inputs)))
        .unwrap_or_else(|_| Err(Error::err(ERR_PANIC)));
    model.stats.record_speed(
        start.elapsed().as_micros() as u64,
        input_bytes(inputs),
        inline_threshold(),
    );
    match &result {
        Ok(outputs) => {
            let samples = outputs
                .iter()
                .flatten()
                .next()
                .and_then(|t| t.batch_dim())
                .unwrap_or(0);
            model
                .stats
                .record_ok(start.elapsed().as_micros() as u64, samples);
        }
        Err(_) => model.stats.record_error(),
    }
    result
}

fn execute(model: &Model, jobs: &[Job]) -> Result<Vec<Outputs>, Error> {
    let runtime = model.runtime()?;
    if let [job] = jobs {
        let inputs: Vec<&Tensor> = job.inputs.iter().map(|t| t.as_ref()).collect();
        return Ok(vec![runtime.run(&inputs)?]);
    }
    let n_inputs = jobs[0].inputs.len();
    let joined: Vec<Tensor> = (0..n_inputs)
        .map(|i| {
            let parts: Vec<&Tensor> = jobs.iter().map(|j| j.inputs[i].as_ref()).collect();
            Tensor::concat_dim0(&parts)
        })
        .collect::<Result<_, _>>()?;
    let refs: Vec<&Tensor> = joined.iter().collect();
    let outputs = runtime.run(&refs)?;
    let sizes: Vec<i64> = jobs
        .iter()
        .map(|j| j.inputs.first().and_then(|t| t.batch_dim()).unwrap_or(0))
        .collect();
    let total: i64 = sizes.iter().sum();
    let mut per_job: Vec<Outputs> = vec![Vec::with_capacity(outputs.len()); jobs.len()];
    for out in outputs {
        match out {
            None => per_job.iter_mut().for_each(|o| o.push(None)),
            Some(t) => {
                if t.batch_dim() != Some(total) {
                    return Err(Error::err(ERR_BATCH_SIZE));
                }
                for (o, piece) in per_job.iter_mut().zip(t.split_dim0(&sizes)?) {
                    o.push(Some(piece));
                }
            }
        }
    }
    Ok(per_job)
}

#[cfg(test)]
mod tests;
