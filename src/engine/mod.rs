//! The execution engine: one FIFO queue per upper-cased device string, each
//! served by a fixed pool of THREADS_PER_QUEUE worker threads. Redis-free:
//! a job carries a completion callback, which the command layer uses to
//! hand the result back to the main thread. See docs/design.md, "Threading".

pub mod batch;

use std::collections::{HashMap, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::model::{Model, ERR_BATCH_SIZE};
use crate::tensor::Tensor;

use batch::{inbatch, pick, Batchable, Pick};

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

impl Batchable for Job {
    fn model_id(&self) -> usize {
        Arc::as_ptr(&self.model) as usize
    }

    fn policy(&self) -> (u64, u64, u64) {
        let m = &self.model.meta;
        (m.batchsize, m.minbatchsize, m.minbatchtimeout)
    }

    fn input_shapes(&self) -> Vec<&[i64]> {
        self.inputs.iter().map(|t| t.shape()).collect()
    }

    fn enqueued(&self) -> Instant {
        self.enqueued
    }
}

struct Queue {
    jobs: Mutex<VecDeque<Job>>,
    wake: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Queue name → the queue and its worker count.
type Registry = Mutex<HashMap<String, (Arc<Queue>, usize)>>;

fn queues() -> &'static Registry {
    static QUEUES: OnceLock<Registry> = OnceLock::new();
    QUEUES.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Creates the queue for `device` (upper-cased) and its workers, if it does
/// not exist yet. Returns an error if no worker thread could be started.
pub fn ensure_queue(device: &str, threads: usize) -> Result<(), Error> {
    let name = device.to_ascii_uppercase();
    let mut all = lock(queues());
    if all.contains_key(&name) {
        return Ok(());
    }
    let q = Arc::new(Queue {
        jobs: Mutex::new(VecDeque::new()),
        wake: Condvar::new(),
    });
    let mut started = 0;
    for i in 0..threads.max(1) {
        let worker = Arc::clone(&q);
        let spawned = std::thread::Builder::new()
            .name(format!("ai-{}-{i}", name.to_ascii_lowercase()))
            .spawn(move || work(&worker));
        if spawned.is_ok() {
            started += 1;
        }
    }
    if started == 0 {
        return Err(Error::err(format!(
            "cannot start a worker thread for {name}"
        )));
    }
    all.insert(name, (q, started));
    Ok(())
}

/// The queues and their worker counts, for INFO.
pub fn queue_threads() -> Vec<(String, usize)> {
    let mut v: Vec<_> = lock(queues())
        .iter()
        .map(|(k, (_, n))| (k.clone(), *n))
        .collect();
    v.sort();
    v
}

/// Queues a job on its model's device queue. On failure the job is handed
/// back, its callback not called.
pub fn submit(job: Job) -> Result<(), Box<Job>> {
    let name = job.model.queue_name();
    let q = lock(queues()).get(&name).map(|(q, _)| Arc::clone(q));
    let Some(q) = q else {
        return Err(Box::new(job));
    };
    lock(&q.jobs).push_back(job);
    q.wake.notify_one();
    Ok(())
}

/// A worker: waits for runnable work, runs it outside the lock, repeats.
fn work(q: &Queue) {
    loop {
        let (batch, expired) = next(q);
        for j in expired {
            (j.done)(Outcome::TimedOut);
        }
        if !batch.is_empty() {
            run_batch(batch);
        }
    }
}

fn next(q: &Queue) -> (Vec<Job>, Vec<Job>) {
    let mut jobs = lock(&q.jobs);
    loop {
        let now = Instant::now();
        if jobs.iter().any(|j| j.deadline.is_some_and(|d| d <= now)) {
            let (expired, keep) = jobs
                .drain(..)
                .partition(|j| j.deadline.is_some_and(|d| d <= now));
            *jobs = keep;
            if !jobs.is_empty() {
                q.wake.notify_one();
            }
            return (Vec::new(), expired.into());
        }
        match pick(&jobs, now) {
            Pick::Run(idx) => {
                let mut batch: Vec<Job> = Vec::with_capacity(idx.len());
                for &i in idx.iter().rev() {
                    if let Some(j) = jobs.remove(i) {
                        batch.push(j);
                    }
                }
                batch.reverse();
                if !jobs.is_empty() {
                    q.wake.notify_one(); // another worker may take the rest
                }
                return (batch, Vec::new());
            }
            Pick::Wait(until) => {
                let soonest = jobs.iter().filter_map(|j| j.deadline).chain(until).min();
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
    let model = Arc::clone(&jobs[0].model);
    let start = Instant::now();
    let contained = catch_unwind(AssertUnwindSafe(|| execute(&model, &jobs)));
    let result = contained.unwrap_or_else(|_| {
        Err(Error::err(
            "internal error while running the model; see the server log",
        ))
    });
    let micros = start.elapsed().as_micros() as u64;
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
    let sizes: Vec<i64> = jobs.iter().map(|j| inbatch(j) as i64).collect();
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
