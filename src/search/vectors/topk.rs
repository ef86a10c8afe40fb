//! The k best (smallest distance) of a stream of candidates.

use std::collections::BinaryHeap;

use super::super::DocId;

/// (distance, doc) ordered by distance then doc, for a max-heap of the best.
#[derive(PartialEq)]
struct Cand(f64, DocId);
impl Eq for Cand {}
impl PartialOrd for Cand {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Cand {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&o.0).then(self.1.cmp(&o.1))
    }
}

/// Keeps the `k` smallest of what it is fed, then gives them sorted.
pub(super) struct TopK {
    k: usize,
    heap: BinaryHeap<Cand>,
}

impl TopK {
    pub(super) fn new(k: usize) -> TopK {
        TopK {
            k,
            heap: BinaryHeap::with_capacity(k.min(4096) + 1),
        }
    }
    pub(super) fn push(&mut self, d: f64, doc: DocId) {
        if self.k == 0 {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(Cand(d, doc));
        } else if self.heap.peek().is_some_and(|w| Cand(d, doc) < *w) {
            self.heap.pop();
            self.heap.push(Cand(d, doc));
        }
    }
    pub(super) fn sorted(self) -> Vec<(DocId, f64)> {
        let mut v: Vec<(DocId, f64)> = self.heap.into_iter().map(|c| (c.1, c.0)).collect();
        sort_hits(&mut v);
        v
    }
}

pub(super) fn sort_hits(v: &mut [(DocId, f64)]) {
    v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
}
