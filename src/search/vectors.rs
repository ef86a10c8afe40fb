//! The vectors of one VECTOR field: FLAT (a dense matrix, exact scans) or
//! HNSW (a usearch graph, [`VecIndex`]). Keyed by document id. Distances are
//! RediSearch's: squared L2, `1 − ip`, `1 − cos`.

use std::collections::HashMap;

use roaring::RoaringBitmap;

use super::schema::{Algo, VecType, VectorParams};
use super::DocId;
use crate::vector::{Metric, Quant, Spec, VecIndex};

/// Below this many candidates a filtered KNN scans them exactly; above it,
/// it walks the graph with the filter as a predicate.
const EXACT_BELOW: u64 = 2_000;
/// ... or when the filter keeps at most 1/EXACT_FRACTION of the documents.
const EXACT_FRACTION: u64 = 20;

/// Decodes a hash field's blob into `dim` values, exactly (every type
/// widens to f64 without loss); `None` when the length is wrong or a value
/// is not finite (or, FLOAT64, does not fit an f32 for the graph).
pub fn decode(vtype: VecType, dim: usize, blob: &[u8]) -> Option<Vec<f64>> {
    if blob.len() != dim.checked_mul(vtype.width())? {
        return None;
    }
    let v: Vec<f64> = match vtype {
        VecType::Float32 => blob
            .chunks_exact(4)
            .map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
            .collect(),
        VecType::Float64 => blob
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect(),
        VecType::Float16 => blob
            .chunks_exact(2)
            .map(|c| f64::from(f16_to_f32(u16::from_le_bytes([c[0], c[1]]))))
            .collect(),
        VecType::BFloat16 => blob
            .chunks_exact(2)
            .map(|c| {
                f64::from(f32::from_bits(
                    u32::from(u16::from_le_bytes([c[0], c[1]])) << 16,
                ))
            })
            .collect(),
    };
    v.iter()
        .all(|x| x.is_finite() && (*x as f32).is_finite())
        .then_some(v)
}

fn narrow(v: &[f64]) -> Vec<f32> {
    v.iter().map(|&x| x as f32).collect()
}

/// IEEE half → f32, exactly.
fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h >> 15) << 31;
    let exp = u32::from((h >> 10) & 0x1f);
    let frac = u32::from(h & 0x3ff);
    let bits = match (exp, frac) {
        (0, 0) => sign,
        (0, f) => {
            // Subnormal: normalise.
            let mut e = 127 - 15 + 1;
            let mut f = f;
            while f & 0x400 == 0 {
                f <<= 1;
                e -= 1;
            }
            sign | (e << 23) | ((f & 0x3ff) << 13)
        }
        (0x1f, f) => sign | 0x7f80_0000 | (f << 13),
        (e, f) => sign | ((e + 127 - 15) << 23) | (f << 13),
    };
    f32::from_bits(bits)
}

/// A stored value, widened.
trait Wide: Copy {
    fn wide(self) -> f64;
}
impl Wide for f32 {
    fn wide(self) -> f64 {
        f64::from(self)
    }
}
impl Wide for f64 {
    fn wide(self) -> f64 {
        self
    }
}

/// RediSearch's distance between two vectors, computed in f64.
fn distance<T: Wide>(metric: Metric, a: &[f64], b: &[T]) -> f64 {
    let (mut dot, mut na, mut nb, mut l2) = (0f64, 0f64, 0f64, 0f64);
    for (&x, &y) in a.iter().zip(b) {
        let y = y.wide();
        dot += x * y;
        na += x * x;
        nb += y * y;
        l2 += (x - y) * (x - y);
    }
    match metric {
        Metric::L2 => l2,
        Metric::Ip => 1.0 - dot,
        Metric::Cosine => {
            let n = na.sqrt() * nb.sqrt();
            if n > 0.0 {
                1.0 - dot / n
            } else {
                1.0
            }
        }
    }
}

/// A FLAT field's rows: f32, or f64 for FLOAT64 (kept exact).
#[derive(Debug)]
enum Rows {
    F32(Vec<f32>),
    F64(Vec<f64>),
}

/// A FLAT field: one row per document.
#[derive(Debug)]
pub struct Flat {
    dim: usize,
    rows: Rows,
    docs: Vec<DocId>,
    slot: HashMap<DocId, usize>,
}

impl Flat {
    fn new(dim: usize, wide: bool) -> Flat {
        Flat {
            dim,
            rows: if wide {
                Rows::F64(Vec::new())
            } else {
                Rows::F32(Vec::new())
            },
            docs: Vec::new(),
            slot: HashMap::new(),
        }
    }

    fn dist(&self, metric: Metric, q: &[f64], s: usize) -> f64 {
        let r = s * self.dim..(s + 1) * self.dim;
        match &self.rows {
            Rows::F32(d) => distance(metric, q, &d[r]),
            Rows::F64(d) => distance(metric, q, &d[r]),
        }
    }

    fn put(&mut self, s: Option<usize>, v: &[f64]) {
        let dim = self.dim;
        match (&mut self.rows, s) {
            (Rows::F32(d), Some(s)) => d[s * dim..(s + 1) * dim].copy_from_slice(&narrow(v)),
            (Rows::F64(d), Some(s)) => d[s * dim..(s + 1) * dim].copy_from_slice(v),
            (Rows::F32(d), None) => d.extend(v.iter().map(|&x| x as f32)),
            (Rows::F64(d), None) => d.extend_from_slice(v),
        }
    }

    fn row(&self, s: usize) -> Vec<f64> {
        let r = s * self.dim..(s + 1) * self.dim;
        match &self.rows {
            Rows::F32(d) => d[r].iter().map(|&x| f64::from(x)).collect(),
            Rows::F64(d) => d[r].to_vec(),
        }
    }

    fn swap_remove(&mut self, s: usize) {
        let last = self.docs.len() - 1;
        let dim = self.dim;
        fn mv<T: Copy>(d: &mut Vec<T>, s: usize, last: usize, dim: usize) {
            if s != last {
                d.copy_within(last * dim..(last + 1) * dim, s * dim);
            }
            d.truncate(last * dim);
        }
        match &mut self.rows {
            Rows::F32(d) => mv(d, s, last, dim),
            Rows::F64(d) => mv(d, s, last, dim),
        }
        if s != last {
            let moved = self.docs[last];
            self.docs[s] = moved;
            self.slot.insert(moved, s);
        }
        self.docs.pop();
    }
}

/// An HNSW field: the usearch graph (f32, F16 or BF16), plus for FLOAT64
/// the exact values, so that distances are computed as stored.
#[derive(Debug)]
pub struct Hnsw {
    index: VecIndex,
    exact: Option<HashMap<DocId, Box<[f64]>>>,
}

/// The vectors of one field.
#[derive(Debug)]
pub enum Vectors {
    Flat(Flat),
    Hnsw(Hnsw),
}

fn hnsw_spec(p: &VectorParams) -> Spec {
    Spec {
        dim: p.dim,
        metric: p.metric,
        quant: match p.vtype {
            VecType::Float16 => Quant::F16,
            VecType::BFloat16 => Quant::Bf16,
            VecType::Float32 | VecType::Float64 => Quant::F32,
        },
        m: p.m,
        ef_construction: p.ef_construction,
    }
}

impl Hnsw {
    fn vector(&self, doc: DocId) -> Option<Vec<f64>> {
        match &self.exact {
            Some(m) => m.get(&doc).map(|v| v.to_vec()),
            None => self
                .index
                .get(u64::from(doc))
                .map(|v| v.iter().map(|&x| f64::from(x)).collect()),
        }
    }

    /// Graph hits with their distances computed from the stored values.
    fn exact_hits(&self, metric: Metric, q: &[f64], hits: Vec<(u64, f32)>) -> Vec<(DocId, f64)> {
        let mut out: Vec<(DocId, f64)> = hits
            .into_iter()
            .filter_map(|(id, d)| {
                let doc = u32::try_from(id).ok()?;
                let d = match &self.exact {
                    Some(m) => distance(metric, q, m.get(&doc)?),
                    None => f64::from(d),
                };
                Some((doc, d))
            })
            .collect();
        sort_hits(&mut out);
        out
    }
}

impl Vectors {
    pub fn new(p: &VectorParams) -> Result<Vectors, String> {
        let wide = p.vtype == VecType::Float64;
        Ok(match p.algo {
            Algo::Flat => Vectors::Flat(Flat::new(p.dim, wide)),
            Algo::Hnsw => Vectors::Hnsw(Hnsw {
                index: VecIndex::new(hnsw_spec(p))?,
                exact: wide.then(HashMap::new),
            }),
        })
    }

    pub fn len(&self) -> usize {
        match self {
            Vectors::Flat(f) => f.docs.len(),
            Vectors::Hnsw(h) => h.index.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, doc: DocId) -> bool {
        match self {
            Vectors::Flat(f) => f.slot.contains_key(&doc),
            Vectors::Hnsw(h) => h.index.contains(u64::from(doc)),
        }
    }

    /// Adds (or replaces) `doc`'s vector.
    pub fn add(&mut self, doc: DocId, v: &[f64]) -> Result<(), String> {
        match self {
            Vectors::Flat(f) => {
                if v.len() != f.dim {
                    return Err("vector dimension mismatch".to_string());
                }
                let s = f.slot.get(&doc).copied();
                f.put(s, v);
                if s.is_none() {
                    f.slot.insert(doc, f.docs.len());
                    f.docs.push(doc);
                }
                Ok(())
            }
            Vectors::Hnsw(h) => {
                h.index.add(u64::from(doc), &narrow(v), 0)?;
                if let Some(m) = &mut h.exact {
                    m.insert(doc, v.into());
                }
                Ok(())
            }
        }
    }

    /// Puts back what the graph does not keep for a restored `doc` (the
    /// exact FLOAT64 values), its graph node untouched.
    pub fn refresh(&mut self, doc: DocId, v: &[f64]) {
        if let Vectors::Hnsw(Hnsw { exact: Some(m), .. }) = self {
            m.insert(doc, v.into());
        }
    }

    pub fn remove(&mut self, doc: DocId) {
        match self {
            Vectors::Flat(f) => {
                if let Some(s) = f.slot.remove(&doc) {
                    f.swap_remove(s);
                }
            }
            Vectors::Hnsw(h) => {
                // A failed removal leaves a node that the doc table no longer
                // names; searches drop ids with no document.
                let _ = h.index.remove(u64::from(doc));
                if let Some(m) = &mut h.exact {
                    m.remove(&doc);
                }
            }
        }
    }

    /// `doc`'s stored vector.
    pub fn get(&self, doc: DocId) -> Option<Vec<f64>> {
        match self {
            Vectors::Flat(f) => f.slot.get(&doc).map(|&s| f.row(s)),
            Vectors::Hnsw(h) => h.vector(doc),
        }
    }

    /// Exact distances from `q` to each of `docs` that has a vector.
    fn scan<'a>(
        &'a self,
        metric: Metric,
        q: &'a [f64],
        docs: impl Iterator<Item = DocId> + 'a,
    ) -> Box<dyn Iterator<Item = (DocId, f64)> + 'a> {
        match self {
            Vectors::Flat(f) => Box::new(docs.filter_map(move |d| {
                let s = *f.slot.get(&d)?;
                Some((d, f.dist(metric, q, s)))
            })),
            Vectors::Hnsw(h) => {
                Box::new(docs.filter_map(move |d| Some((d, distance(metric, q, &h.vector(d)?)))))
            }
        }
    }

    /// The `k` nearest documents among `filter` (all when `None`), sorted by
    /// distance. FLAT is exact; HNSW is exact over a small filtered set and a
    /// (filtered) graph search with a candidate list of `max(ef, k)`
    /// otherwise.
    pub fn knn(
        &self,
        metric: Metric,
        q: &[f64],
        k: usize,
        ef: usize,
        filter: Option<&RoaringBitmap>,
    ) -> Result<Vec<(DocId, f64)>, String> {
        let k = k.min(self.len());
        if k == 0 {
            return Ok(Vec::new());
        }
        let mut top = TopK::new(k);
        match (self, filter) {
            (Vectors::Flat(f), None) => {
                (0..f.docs.len()).for_each(|s| top.push(f.dist(metric, q, s), f.docs[s]));
            }
            (Vectors::Flat(f), Some(keep)) => {
                if keep.len() * 4 < f.docs.len() as u64 {
                    self.scan(metric, q, keep.iter())
                        .for_each(|(d, x)| top.push(x, d));
                } else {
                    (0..f.docs.len())
                        .filter(|&s| keep.contains(f.docs[s]))
                        .for_each(|s| top.push(f.dist(metric, q, s), f.docs[s]));
                }
            }
            (Vectors::Hnsw(_), Some(keep)) if self.exact_for(keep) => {
                self.scan(metric, q, keep.iter())
                    .for_each(|(d, x)| top.push(x, d));
            }
            (Vectors::Hnsw(h), keep) => {
                let q32 = narrow(q);
                // usearch reserves a slot per candidate: never more than
                // the graph holds.
                let ef = ef.min(h.index.len()).max(k);
                let pred =
                    keep.map(|f| move |id: u64| u32::try_from(id).is_ok_and(|d| f.contains(d)));
                let hits = match &pred {
                    Some(p) => h.index.search(&q32, k, ef, Some(p))?,
                    None => h.index.search(&q32, k, ef, None)?,
                };
                return Ok(h.exact_hits(metric, q, hits));
            }
        }
        Ok(top.sorted())
    }

    fn exact_for(&self, f: &RoaringBitmap) -> bool {
        f.len() <= EXACT_BELOW || f.len() * EXACT_FRACTION <= self.len() as u64
    }

    /// Every document within `radius` of `q` (RediSearch's VECTOR_RANGE),
    /// sorted by distance. HNSW widens a graph search until its farthest
    /// hit lies past `radius × (1 + epsilon)`.
    pub fn range(
        &self,
        metric: Metric,
        q: &[f64],
        radius: f64,
        epsilon: f64,
    ) -> Result<Vec<(DocId, f64)>, String> {
        let mut out: Vec<(DocId, f64)> = match self {
            Vectors::Flat(f) => (0..f.docs.len())
                .map(|s| (f.docs[s], f.dist(metric, q, s)))
                .filter(|&(_, d)| d <= radius)
                .collect(),
            Vectors::Hnsw(h) => {
                let bound = radius * (1.0 + epsilon.max(0.0));
                let n = h.index.len();
                let q32 = narrow(q);
                let mut k = 64.min(n);
                loop {
                    let hits = h.index.search(&q32, k, k, None)?;
                    let done = k >= n || hits.last().is_none_or(|l| f64::from(l.1) > bound);
                    if done {
                        break h
                            .exact_hits(metric, q, hits)
                            .into_iter()
                            .filter(|&(_, d)| d <= radius)
                            .collect();
                    }
                    k = (k * 4).min(n);
                }
            }
        };
        sort_hits(&mut out);
        Ok(out)
    }

    /// Bytes in use, estimated.
    pub fn memory_bytes(&self) -> usize {
        match self {
            Vectors::Flat(f) => {
                let rows = match &f.rows {
                    Rows::F32(d) => d.capacity() * 4,
                    Rows::F64(d) => d.capacity() * 8,
                };
                rows + f.docs.capacity() * 4 + f.slot.capacity() * 16
            }
            Vectors::Hnsw(h) => {
                h.index.memory_usage()
                    + h.exact
                        .as_ref()
                        .map_or(0, |m| m.len() * (h.index.spec().dim * 8 + 32))
            }
        }
    }

    /// The persisted form: FLAT as `u32 doc, value × dim` rows (f32, or f64
    /// for FLOAT64), HNSW as usearch's serialized index (graph included;
    /// FLOAT64's exact values are read back from the hashes).
    pub fn save(&self) -> Result<Vec<u8>, String> {
        match self {
            Vectors::Flat(f) => {
                let mut out = Vec::new();
                for (i, d) in f.docs.iter().enumerate() {
                    out.extend_from_slice(&d.to_le_bytes());
                    let r = i * f.dim..(i + 1) * f.dim;
                    match &f.rows {
                        Rows::F32(x) => x[r]
                            .iter()
                            .for_each(|v| out.extend_from_slice(&v.to_le_bytes())),
                        Rows::F64(x) => x[r]
                            .iter()
                            .for_each(|v| out.extend_from_slice(&v.to_le_bytes())),
                    }
                }
                Ok(out)
            }
            Vectors::Hnsw(h) => h.index.save(),
        }
    }

    /// Whether the restored vectors still lack what the hashes must give
    /// back (FLOAT64's exact values under HNSW).
    pub fn needs_refresh(&self) -> bool {
        matches!(self, Vectors::Hnsw(Hnsw { exact: Some(_), .. }))
    }

    /// Reads what [`Vectors::save`] wrote, for `count` vectors, checking
    /// every byte (HNSW through `graph_check`).
    pub fn load(p: &VectorParams, count: usize, bytes: &[u8]) -> Result<Vectors, String> {
        let wide = p.vtype == VecType::Float64;
        match p.algo {
            Algo::Flat => {
                let width = if wide { 8 } else { 4 };
                let row = 4 + width * p.dim;
                if count.checked_mul(row) != Some(bytes.len()) {
                    return Err("FLAT vectors: wrong payload length".to_string());
                }
                let mut f = Flat::new(p.dim, wide);
                for r in bytes.chunks_exact(row) {
                    let doc = u32::from_le_bytes([r[0], r[1], r[2], r[3]]);
                    let v: Vec<f64> = if wide {
                        r[4..]
                            .chunks_exact(8)
                            .map(|c| {
                                f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])
                            })
                            .collect()
                    } else {
                        r[4..]
                            .chunks_exact(4)
                            .map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                            .collect()
                    };
                    if f.slot.contains_key(&doc) || v.iter().any(|x| !x.is_finite()) {
                        return Err("FLAT vectors: duplicate document or bad value".to_string());
                    }
                    f.put(None, &v);
                    f.slot.insert(doc, f.docs.len());
                    f.docs.push(doc);
                }
                Ok(Vectors::Flat(f))
            }
            Algo::Hnsw => Ok(Vectors::Hnsw(Hnsw {
                index: VecIndex::load(hnsw_spec(p), count, bytes)?,
                exact: wide.then(HashMap::new),
            })),
        }
    }
}

mod topk;

use topk::{sort_hits, TopK};

#[cfg(test)]
mod tests;
