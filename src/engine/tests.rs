use super::batch::{pick, Batchable, Pick};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

struct R {
    model: usize,
    policy: (u64, u64, u64),
    shapes: Vec<Vec<i64>>,
    at: Instant,
}

impl Batchable for R {
    fn model_id(&self) -> usize {
        self.model
    }
    fn policy(&self) -> (u64, u64, u64) {
        self.policy
    }
    fn input_shapes(&self) -> Vec<&[i64]> {
        self.shapes.iter().map(|s| s.as_slice()).collect()
    }
    fn enqueued(&self) -> Instant {
        self.at
    }
}

fn r(model: usize, policy: (u64, u64, u64), rows: i64, at: Instant) -> R {
    R {
        model,
        policy,
        shapes: vec![vec![rows, 3], vec![rows, 2]],
        at,
    }
}

#[test]
fn unbatched_requests_run_alone_in_order() {
    let now = Instant::now();
    let q: VecDeque<R> = vec![r(1, (0, 0, 0), 1, now), r(1, (0, 0, 0), 1, now)].into();
    assert_eq!(pick(&q, now), Pick::Run(vec![0]));
}

#[test]
fn batches_same_model_compatible_shapes_until_batchsize() {
    let now = Instant::now();
    let mut q: VecDeque<R> = vec![
        r(1, (4, 0, 0), 1, now),
        r(2, (4, 0, 0), 1, now),
        r(1, (4, 0, 0), 2, now),
        r(1, (4, 0, 0), 3, now),
        r(1, (4, 0, 0), 1, now),
    ]
    .into();
    // 1 + 2 = 3 < 4, then + 3 = 6 ≥ 4: the last request joins whole.
    assert_eq!(pick(&q, now), Pick::Run(vec![0, 2, 3]));
    // Incompatible trailing dims do not batch.
    q[2].shapes = vec![vec![2, 5], vec![2, 2]];
    assert_eq!(pick(&q, now), Pick::Run(vec![0, 3]));
    // A request already at BATCHSIZE runs alone.
    let big: VecDeque<R> = vec![r(1, (2, 0, 0), 2, now), r(1, (2, 0, 0), 1, now)].into();
    assert_eq!(pick(&big, now), Pick::Run(vec![0]));
}

#[test]
fn min_batch_size_waits_then_times_out() {
    let t0 = Instant::now();
    let q: VecDeque<R> = vec![r(1, (4, 2, 0), 1, t0)].into();
    assert_eq!(pick(&q, t0), Pick::Wait(None));
    let q: VecDeque<R> = vec![r(1, (4, 2, 100), 1, t0)].into();
    assert_eq!(
        pick(&q, t0),
        Pick::Wait(Some(t0 + Duration::from_millis(100)))
    );
    assert_eq!(
        pick(&q, t0 + Duration::from_millis(101)),
        Pick::Run(vec![0])
    );
    // A waiting batch does not block another model behind it.
    let q: VecDeque<R> = vec![r(1, (4, 2, 0), 1, t0), r(2, (0, 0, 0), 1, t0)].into();
    assert_eq!(pick(&q, t0), Pick::Run(vec![1]));
    let q: VecDeque<R> = vec![r(1, (4, 2, 0), 1, t0), r(1, (4, 2, 0), 1, t0)].into();
    assert_eq!(pick(&q, t0), Pick::Run(vec![0, 1]));
}
