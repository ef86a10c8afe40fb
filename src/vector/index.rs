//! A usearch HNSW index behind a small, checked API (issue 4, in progress).
//!
//! usearch has sharp edges, which this wrapper files off:
//! - a vector of the wrong length can crash `add` (USearch #412), so every
//!   length is checked first;
//! - the index never grows by itself, so capacity is reserved ahead, doubling;
//! - duplicate keys are refused, so an update removes the old vector first;
//! - `load_from_buffer` trusts its input, so callers must only pass bytes
//!   they wrote (the RDB codec adds a checksum).
//!
//! Ids are `u64`s chosen by the caller (the key's name→id map). Redis-free.

use usearch::ffi::{IndexOptions, MetricKind, ScalarKind};
use usearch::Index;

/// How distance is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Cosine,
    L2,
    Ip,
}

/// How vectors are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quant {
    F32,
    F16,
    Bf16,
    I8,
}

/// What an index is created with; fixed for its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub dim: usize,
    pub metric: Metric,
    pub quant: Quant,
    /// HNSW links per node (usearch's connectivity).
    pub m: usize,
    /// Candidate list size while inserting.
    pub ef_construction: usize,
}

/// Largest dimension accepted (Vector Sets' limit).
pub const MAX_DIM: usize = 65_536;

pub struct VecIndex {
    index: Index,
    spec: Spec,
}

impl std::fmt::Debug for VecIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VecIndex")
            .field("spec", &self.spec)
            .field("len", &self.len())
            .finish()
    }
}

fn text(e: cxx::Exception) -> String {
    e.what().to_string()
}

impl VecIndex {
    pub fn new(spec: Spec) -> Result<VecIndex, String> {
        if spec.dim == 0 || spec.dim > MAX_DIM {
            return Err(format!("vector dimension must be 1 to {MAX_DIM}"));
        }
        let options = IndexOptions {
            dimensions: spec.dim,
            metric: match spec.metric {
                Metric::Cosine => MetricKind::Cos,
                Metric::L2 => MetricKind::L2sq,
                Metric::Ip => MetricKind::IP,
            },
            quantization: match spec.quant {
                Quant::F32 => ScalarKind::F32,
                Quant::F16 => ScalarKind::F16,
                Quant::Bf16 => ScalarKind::BF16,
                Quant::I8 => ScalarKind::I8,
            },
            connectivity: spec.m,
            expansion_add: spec.ef_construction,
            expansion_search: 0,
            multi: false,
        };
        let index = Index::new(&options).map_err(text)?;
        Ok(VecIndex { index, spec })
    }

    pub fn spec(&self) -> Spec {
        self.spec
    }

    pub fn len(&self) -> usize {
        self.index.size()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, id: u64) -> bool {
        self.index.contains(id)
    }

    fn check(&self, v: &[f32]) -> Result<(), String> {
        if v.len() != self.spec.dim {
            return Err(format!(
                "Vector dimension mismatch - got {} but set has {}",
                v.len(),
                self.spec.dim
            ));
        }
        Ok(())
    }

    /// Adds or replaces the vector of `id`.
    pub fn add(&mut self, id: u64, v: &[f32]) -> Result<(), String> {
        self.check(v)?;
        if self.index.contains(id) {
            self.index.remove(id).map_err(text)?;
        }
        let needed = self.index.size() + 1;
        if needed > self.index.capacity() {
            let capacity = (self.index.capacity() * 2).max(64).max(needed);
            self.index.reserve(capacity).map_err(text)?;
        }
        self.index.add(id, v).map_err(text)
    }

    /// Removes `id`; whether it was there.
    pub fn remove(&mut self, id: u64) -> Result<bool, String> {
        Ok(self.index.remove(id).map_err(text)? > 0)
    }

    /// The stored vector of `id` (de-quantized), if any.
    pub fn get(&self, id: u64) -> Option<Vec<f32>> {
        let mut v = vec![0f32; self.spec.dim];
        match self.index.get(id, &mut v) {
            Ok(n) if n > 0 => Some(v),
            _ => None,
        }
    }

    /// The `k` nearest ids and their distances, approximately (HNSW with a
    /// candidate list of `ef`), keeping only ids `keep` accepts.
    pub fn search(
        &self,
        q: &[f32],
        k: usize,
        ef: usize,
        keep: Option<&dyn Fn(u64) -> bool>,
    ) -> Result<Vec<(u64, f32)>, String> {
        self.check(q)?;
        if k == 0 || self.is_empty() {
            return Ok(Vec::new());
        }
        if self.index.expansion_search() != ef.max(k) {
            self.index.change_expansion_search(ef.max(k));
        }
        let m = match keep {
            Some(f) => self.index.filtered_search(q, k, f),
            None => self.index.search(q, k),
        }
        .map_err(text)?;
        Ok(m.keys.into_iter().zip(m.distances).collect())
    }

    /// The exact `k` nearest (a linear scan).
    pub fn exact(&self, q: &[f32], k: usize) -> Result<Vec<(u64, f32)>, String> {
        self.check(q)?;
        if k == 0 || self.is_empty() {
            return Ok(Vec::new());
        }
        let m = self.index.exact_search(q, k).map_err(text)?;
        Ok(m.keys.into_iter().zip(m.distances).collect())
    }

    pub fn memory_usage(&self) -> usize {
        self.index.memory_usage()
    }

    /// The whole index, graph included, as bytes.
    pub fn save(&self) -> Result<Vec<u8>, String> {
        let mut buf = vec![0u8; self.index.serialized_length()];
        self.index.save_to_buffer(&mut buf).map_err(text)?;
        Ok(buf)
    }

    /// An index from bytes [`VecIndex::save`] wrote, without rebuilding the
    /// graph. The bytes must be trusted (checked by the caller).
    pub fn load(spec: Spec, bytes: &[u8]) -> Result<VecIndex, String> {
        let idx = VecIndex::new(spec)?;
        idx.index.load_from_buffer(bytes).map_err(text)?;
        if idx.index.dimensions() != spec.dim {
            return Err("stored index has another dimension".to_string());
        }
        Ok(idx)
    }
}

#[cfg(test)]
mod tests;
