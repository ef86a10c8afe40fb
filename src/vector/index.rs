//! A usearch HNSW index behind a small, checked API.
//!
//! usearch has sharp edges, which this wrapper files off:
//! - a vector of the wrong length can crash `add` (USearch #412), so every
//!   length is checked first;
//! - the index never grows by itself, so capacity is reserved ahead, doubling;
//! - duplicate keys are refused, so an update removes the old vector first;
//! - `load_from_buffer` trusts its input, so `load` has every byte checked
//!   first (`graph_check`).
//!
//! Ids are `u64`s chosen by the caller (the key's name→id map). Redis-free.

use std::sync::atomic::{AtomicUsize, Ordering};

use usearch::ffi::{IndexOptions, MetricKind, ScalarKind};
use usearch::{f16, Index};

use super::ballast::Ballast;
use super::graph_check;

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

/// Ids run below this: a set refuses to add past it, and a loader refuses a
/// next id above it, so an id can never wrap into an existing one.
pub const MAX_ID: u64 = 1 << 62;

pub struct VecIndex {
    index: Index,
    spec: Spec,
    /// Redis-allocated bytes matching usearch's own (see `ballast.rs`).
    ballast: Ballast,
}

/// Bytes usearch keeps per reserved slot outside its arenas: the node and
/// vector pointer arrays and the key→slot hash table (an estimate).
const SLOT_BYTES: usize = 40;

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

/// usearch search slots every index reserves: the search pool plus the main
/// thread (inline searches). Set once at load, before any index exists.
static THREAD_SLOTS: AtomicUsize = AtomicUsize::new(2);

/// Sets the number of threads that may search one index at once.
pub fn set_thread_slots(n: usize) {
    THREAD_SLOTS.store(n.max(1), Ordering::Relaxed);
}

fn thread_slots() -> usize {
    THREAD_SLOTS.load(Ordering::Relaxed)
}

/// Bytes one stored scalar takes.
pub fn scalar_bytes(quant: Quant) -> usize {
    match quant {
        Quant::F32 => 4,
        Quant::F16 | Quant::Bf16 => 2,
        Quant::I8 => 1,
    }
}

/// The L2 norm of `v`, accumulated in f64.
pub fn norm(v: &[f32]) -> f32 {
    v.iter()
        .map(|&x| f64::from(x) * f64::from(x))
        .sum::<f64>()
        .sqrt() as f32
}

/// `v / |v|` scaled to ±127 and rounded (a zero vector stays zero).
fn quantize_i8(v: &[f32]) -> Vec<i8> {
    let n = f64::from(norm(v));
    if n <= 0.0 || !n.is_finite() {
        return vec![0; v.len()];
    }
    v.iter()
        .map(|&x| (f64::from(x) * 127.0 / n).round().clamp(-127.0, 127.0) as i8)
        .collect()
}

impl VecIndex {
    pub fn new(spec: Spec) -> Result<VecIndex, String> {
        if spec.dim == 0 || spec.dim > MAX_DIM {
            return Err(format!("vector dimension must be 1 to {MAX_DIM}"));
        }
        if spec.quant == Quant::I8 && spec.metric != Metric::Cosine {
            return Err("QUANT I8 requires METRIC COSINE".to_string());
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
            // The search EF is passed per query as the wanted count (usearch
            // searches with max(expansion, wanted)), so concurrent searches
            // with different EFs never touch shared state.
            expansion_search: 1,
            multi: false,
        };
        let index = Index::new(&options).map_err(text)?;
        index
            .reserve_capacity_and_threads(0, thread_slots())
            .map_err(text)?;
        Ok(VecIndex {
            index,
            spec,
            ballast: Ballast::default(),
        })
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

    pub fn capacity(&self) -> usize {
        self.index.capacity()
    }

    pub fn contains(&self, id: u64) -> bool {
        self.index.contains(id)
    }

    /// Checks a vector's length and values before usearch sees it.
    pub fn check(&self, v: &[f32]) -> Result<(), String> {
        if v.len() != self.spec.dim {
            return Err(format!(
                "Vector dimension mismatch - got {} but set has {}",
                v.len(),
                self.spec.dim
            ));
        }
        if v.iter().any(|x| !x.is_finite()) {
            return Err("vector values must be finite numbers".to_string());
        }
        Ok(())
    }

    /// Makes room for one more vector.
    fn grow(&mut self) -> Result<(), String> {
        let needed = self.index.size() + 1;
        if needed > self.index.capacity() {
            let capacity = (self.index.capacity() * 2).max(64).max(needed);
            self.index
                .reserve_capacity_and_threads(capacity, thread_slots())
                .map_err(text)?;
            self.account();
        }
        Ok(())
    }

    /// usearch's memory, in O(1) (its `memory_usage` walks every node):
    /// the written part of the graph and vector arenas, plus the per-slot
    /// arrays. Arenas never shrink, so removed vectors still count, as they
    /// still take memory until a compaction.
    pub fn footprint(&self) -> usize {
        let s = self.index.memory_stats();
        s.graph_allocated.saturating_sub(s.graph_reserved)
            + s.vectors_allocated.saturating_sub(s.vectors_reserved)
            + self.index.capacity() * SLOT_BYTES
    }

    /// Bytes the ballast holds for this index in Redis's `used_memory`.
    pub fn accounted(&self) -> usize {
        self.ballast.bytes()
    }

    /// Brings the ballast to the footprint (a comparison unless it moved
    /// by a whole grain).
    fn account(&mut self) {
        let bytes = self.footprint();
        self.ballast.cover(bytes);
    }

    /// Adds or replaces the vector of `id`, with a build EF of `ef` (0: the
    /// index's own). Returns the norm to keep with it (I8 stores the unit
    /// vector, so its norm is needed to give the vector back).
    pub fn add(&mut self, id: u64, v: &[f32], ef: usize) -> Result<f32, String> {
        self.check(v)?;
        let n = norm(v);
        match self.spec.quant {
            Quant::I8 => self.insert(id, ef, |ix| ix.add(id, &quantize_i8(v)))?,
            _ => self.insert(id, ef, |ix| ix.add(id, v))?,
        }
        Ok(n)
    }

    /// Adds or replaces `id` from its stored form (what [`VecIndex::raw`]
    /// returns), bit for bit.
    pub fn add_raw(&mut self, id: u64, raw: &[u8], ef: usize) -> Result<(), String> {
        let dim = self.spec.dim;
        if raw.len() != dim * scalar_bytes(self.spec.quant) {
            return Err(format!(
                "RAW vector has {} bytes but the set stores {} bytes per vector",
                raw.len(),
                dim * scalar_bytes(self.spec.quant)
            ));
        }
        match self.spec.quant {
            Quant::F32 => {
                let v: Vec<f32> = raw
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect();
                self.check(&v)?;
                self.insert(id, ef, |ix| ix.add(id, &v))
            }
            Quant::F16 => {
                let bits: Vec<i16> = raw
                    .chunks_exact(2)
                    .map(|c| i16::from_le_bytes([c[0], c[1]]))
                    .collect();
                let v = f16::from_i16s(&bits);
                self.insert(id, ef, |ix| ix.add(id, v))
            }
            Quant::Bf16 => {
                // bf16 is the top half of an f32: the f32 is exact, and
                // usearch's cast back to bf16 gives the same bits.
                let v: Vec<f32> = raw
                    .chunks_exact(2)
                    .map(|c| f32::from_bits(u32::from(u16::from_le_bytes([c[0], c[1]])) << 16))
                    .collect();
                self.check(&v)?;
                self.insert(id, ef, |ix| ix.add(id, &v))
            }
            Quant::I8 => {
                let v: Vec<i8> = raw.iter().map(|&b| b as i8).collect();
                self.insert(id, ef, |ix| ix.add(id, &v))
            }
        }
    }

    fn insert(
        &mut self,
        id: u64,
        ef: usize,
        add: impl FnOnce(&Index) -> Result<(), cxx::Exception>,
    ) -> Result<(), String> {
        if self.index.contains(id) {
            self.index.remove(id).map_err(text)?;
        }
        self.grow()?;
        let own = self.spec.ef_construction;
        let ef = if ef == 0 { own } else { ef };
        if ef != own {
            self.index.change_expansion_add(ef);
        }
        let added = add(&self.index).map_err(text);
        if ef != own {
            self.index.change_expansion_add(own);
        }
        self.account();
        added
    }

    /// Removes `id`; whether it was there. usearch keeps the slot on a free
    /// list that the next add reuses.
    pub fn remove(&mut self, id: u64) -> Result<bool, String> {
        Ok(self.index.remove(id).map_err(text)? > 0)
    }

    /// The stored vector of `id`, de-quantized (I8: the unit vector).
    pub fn get(&self, id: u64) -> Option<Vec<f32>> {
        let mut v = vec![0f32; self.spec.dim];
        match self.index.get(id, &mut v) {
            Ok(n) if n > 0 => Some(v),
            _ => None,
        }
    }

    /// The stored vector of `id` exactly as kept: little-endian scalars of
    /// the set's QUANT.
    pub fn raw(&self, id: u64) -> Option<Vec<u8>> {
        let dim = self.spec.dim;
        let found = |r: Result<usize, cxx::Exception>| matches!(r, Ok(n) if n > 0);
        match self.spec.quant {
            Quant::F32 => {
                let v = self.get(id)?;
                Some(v.iter().flat_map(|x| x.to_le_bytes()).collect())
            }
            Quant::Bf16 => {
                let v = self.get(id)?;
                Some(
                    v.iter()
                        .flat_map(|x| ((x.to_bits() >> 16) as u16).to_le_bytes())
                        .collect(),
                )
            }
            Quant::F16 => {
                let mut bits = vec![0i16; dim];
                let ok = found(self.index.get(id, f16::from_mut_i16s(&mut bits)));
                ok.then(|| bits.iter().flat_map(|b| b.to_le_bytes()).collect())
            }
            Quant::I8 => {
                let mut v = vec![0i8; dim];
                let ok = found(self.index.get(id, &mut v));
                ok.then(|| v.iter().map(|&b| b as u8).collect())
            }
        }
    }

    /// The `k` nearest ids and their usearch distances, approximately (HNSW
    /// with a candidate list of `max(ef, k)`), keeping only ids `keep`
    /// accepts. Sorted by distance.
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
        let wanted = ef.max(k);
        let m = match (self.spec.quant, keep) {
            (Quant::I8, Some(f)) => self.index.filtered_search(&quantize_i8(q), wanted, f),
            (Quant::I8, None) => self.index.search(&quantize_i8(q), wanted),
            (_, Some(f)) => self.index.filtered_search(q, wanted, f),
            (_, None) => self.index.search(q, wanted),
        }
        .map_err(text)?;
        Ok(m.keys.into_iter().zip(m.distances).take(k).collect())
    }

    /// The exact `k` nearest (a linear scan), sorted by distance.
    pub fn exact(&self, q: &[f32], k: usize) -> Result<Vec<(u64, f32)>, String> {
        self.check(q)?;
        if k == 0 || self.is_empty() {
            return Ok(Vec::new());
        }
        let m = match self.spec.quant {
            Quant::I8 => self.index.exact_search(&quantize_i8(q), k),
            _ => self.index.exact_search(q, k),
        }
        .map_err(text)?;
        Ok(m.keys.into_iter().zip(m.distances).collect())
    }

    /// Bytes in use. usearch's own figure counts the unused tail of its
    /// arenas, which are mapped lazily and cost no memory until written.
    pub fn memory_usage(&self) -> usize {
        let s = self.index.memory_stats();
        self.index
            .memory_usage()
            .saturating_sub(s.graph_reserved + s.vectors_reserved)
    }

    /// The whole index, graph included, as bytes.
    pub fn save(&self) -> Result<Vec<u8>, String> {
        let mut buf = vec![0u8; self.index.serialized_length()];
        self.index.save_to_buffer(&mut buf).map_err(text)?;
        Ok(buf)
    }

    /// An index from bytes [`VecIndex::save`] wrote, without rebuilding the
    /// graph. usearch trusts these bytes, so [`graph_check::check`] parses
    /// all of them first against `spec` and `count` (header, matrix, every
    /// node and link); only bytes it accepts reach `load_from_buffer`.
    pub fn load(spec: Spec, count: usize, bytes: &[u8]) -> Result<VecIndex, String> {
        let mismatch = || "the stored graph does not match the set's header".to_string();
        let mut idx = VecIndex::new(spec)?;
        graph_check::check(bytes, spec, count)?;
        idx.index.load_from_buffer(bytes).map_err(text)?;
        if idx.index.dimensions() != spec.dim
            || idx.index.scalar_kind() != idx_kind(spec)
            || idx.index.size() != count
        {
            return Err(mismatch());
        }
        idx.index.change_expansion_search(1);
        idx.index
            .reserve_capacity_and_threads(idx.index.capacity().max(64), thread_slots())
            .map_err(text)?;
        idx.account();
        Ok(idx)
    }
}

fn idx_kind(spec: Spec) -> ScalarKind {
    match spec.quant {
        Quant::F32 => ScalarKind::F32,
        Quant::F16 => ScalarKind::F16,
        Quant::Bf16 => ScalarKind::BF16,
        Quant::I8 => ScalarKind::I8,
    }
}

#[cfg(test)]
mod tests;
