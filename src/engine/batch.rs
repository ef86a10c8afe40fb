//! Which queued requests run next, and together: RedisAI's auto-batching
//! rules (spec §2.6), over anything that can describe itself as a request.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// What the batcher needs to know about a queued request.
pub trait Batchable {
    /// Identity of the model object (re-storing a key makes a new one).
    fn model_id(&self) -> usize;
    /// (BATCHSIZE, MINBATCHSIZE, MINBATCHTIMEOUT ms).
    fn policy(&self) -> (u64, u64, u64);
    fn input_shapes(&self) -> Vec<&[i64]>;
    fn enqueued(&self) -> Instant;
}

/// The decision for a queue.
#[derive(Debug, PartialEq, Eq)]
pub enum Pick {
    /// Run these queue positions (ascending) together.
    Run(Vec<usize>),
    /// Nothing can run; look again by this time (or on a new request).
    Wait(Option<Instant>),
}

/// The request's batch size: dim 0 of its inputs, or 0 when they disagree
/// or an input is a scalar.
pub fn inbatch<T: Batchable>(r: &T) -> u64 {
    let shapes = r.input_shapes();
    let mut dims = shapes.iter().map(|s| s.first().copied());
    let Some(Some(first)) = dims.next() else {
        return 0;
    };
    if first > 0 && dims.all(|d| d == Some(first)) {
        first as u64
    } else {
        0
    }
}

fn compatible<T: Batchable>(a: &T, b: &T) -> bool {
    if a.model_id() != b.model_id() {
        return false;
    }
    let (sa, sb) = (a.input_shapes(), b.input_shapes());
    sa.len() == sb.len()
        && sa
            .iter()
            .zip(&sb)
            .all(|(x, y)| x.len() == y.len() && x.get(1..) == y.get(1..))
}

/// Picks the next request or batch, scanning the queue in order.
pub fn pick<T: Batchable>(queue: &VecDeque<T>, now: Instant) -> Pick {
    let mut wake: Option<Instant> = None;
    let mut waiting = vec![false; queue.len()];
    for (i, first) in queue.iter().enumerate() {
        if waiting[i] {
            continue;
        }
        let (size, min, min_timeout) = first.policy();
        let n = inbatch(first);
        if size == 0 || n == 0 || n >= size {
            return Pick::Run(vec![i]);
        }
        let mut members = vec![i];
        let mut total = n;
        for (j, other) in queue.iter().enumerate().skip(i + 1) {
            if total >= size {
                break;
            }
            let m = inbatch(other);
            if !waiting[j] && m > 0 && compatible(first, other) {
                members.push(j);
                total += m;
            }
        }
        if min > 0 && total < min {
            let expires = first.enqueued() + Duration::from_millis(min_timeout);
            if min_timeout == 0 || now <= expires {
                if min_timeout > 0 {
                    wake = Some(wake.map_or(expires, |w| w.min(expires)));
                }
                members.iter().for_each(|&m| waiting[m] = true);
                continue;
            }
        }
        return Pick::Run(members);
    }
    Pick::Wait(wake)
}
