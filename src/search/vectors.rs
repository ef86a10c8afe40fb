//! The vectors of one VECTOR field: FLAT (a dense matrix, exact scans) or
//! HNSW (a usearch graph, [`VecIndex`]). Keyed by document id. Distances are
//! RediSearch's: squared L2, `1 − ip`, `1 − cos`.

use std::collections::{BinaryHeap, HashMap};

use roaring::RoaringBitmap;

use super::schema::{Algo, VecType, VectorParams};
use super::DocId;
use crate::vector::{Metric, Quant, Spec, VecIndex};

/// Below this many candidates a filtered KNN scans them exactly; above it,
/// it walks the graph with the filter as a predicate.
const EXACT_BELOW: u64 = 2_000;
/// ... or when the filter keeps at most 1/EXACT_FRACTION of the documents.
const EXACT_FRACTION: u64 = 20;

/// Decodes a hash field's blob into `dim` f32s; `None` when the length is
/// wrong or a value is not finite.
pub fn decode(vtype: VecType, dim: usize, blob: &[u8]) -> Option<Vec<f32>> {
    if blob.len() != dim.checked_mul(vtype.width())? {
        return None;
    }
    let v: Vec<f32> = match vtype {
        VecType::Float32 => blob
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
        VecType::Float64 => blob
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f32)
            .collect(),
        VecType::Float16 => blob
            .chunks_exact(2)
            .map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]])))
            .collect(),
        VecType::BFloat16 => blob
            .chunks_exact(2)
            .map(|c| f32::from_bits(u32::from(u16::from_le_bytes([c[0], c[1]])) << 16))
            .collect(),
    };
    v.iter().all(|x| x.is_finite()).then_some(v)
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

/// RediSearch's distance between two vectors, computed in f64.
pub fn distance(metric: Metric, a: &[f32], b: &[f32]) -> f32 {
    let (mut dot, mut na, mut nb, mut l2) = (0f64, 0f64, 0f64, 0f64);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (f64::from(x), f64::from(y));
        dot += x * y;
        na += x * x;
        nb += y * y;
        l2 += (x - y) * (x - y);
    }
    let d = match metric {
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
    };
    d as f32
}

/// A FLAT field: one row per document.
#[derive(Debug, Default)]
pub struct Flat {
    dim: usize,
    data: Vec<f32>,
    docs: Vec<DocId>,
    slot: HashMap<DocId, usize>,
}

/// The vectors of one field.
#[derive(Debug)]
pub enum Vectors {
    Flat(Flat),
    Hnsw(VecIndex),
}

/// (distance, doc) ordered by distance then doc, for a max-heap of the best.
#[derive(PartialEq)]
struct Cand(f32, DocId);
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
struct TopK {
    k: usize,
    heap: BinaryHeap<Cand>,
}

impl TopK {
    fn new(k: usize) -> TopK {
        TopK {
            k,
            heap: BinaryHeap::with_capacity(k.min(4096) + 1),
        }
    }
    fn push(&mut self, d: f32, doc: DocId) {
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
    fn sorted(self) -> Vec<(DocId, f32)> {
        let mut v: Vec<(DocId, f32)> = self.heap.into_iter().map(|c| (c.1, c.0)).collect();
        v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        v
    }
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

impl Vectors {
    pub fn new(p: &VectorParams) -> Result<Vectors, String> {
        Ok(match p.algo {
            Algo::Flat => Vectors::Flat(Flat {
                dim: p.dim,
                ..Flat::default()
            }),
            Algo::Hnsw => Vectors::Hnsw(VecIndex::new(hnsw_spec(p))?),
        })
    }

    pub fn len(&self) -> usize {
        match self {
            Vectors::Flat(f) => f.docs.len(),
            Vectors::Hnsw(h) => h.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, doc: DocId) -> bool {
        match self {
            Vectors::Flat(f) => f.slot.contains_key(&doc),
            Vectors::Hnsw(h) => h.contains(u64::from(doc)),
        }
    }

    /// Adds (or replaces) `doc`'s vector.
    pub fn add(&mut self, doc: DocId, v: &[f32]) -> Result<(), String> {
        match self {
            Vectors::Flat(f) => {
                if v.len() != f.dim {
                    return Err("vector dimension mismatch".to_string());
                }
                match f.slot.get(&doc) {
                    Some(&s) => f.data[s * f.dim..(s + 1) * f.dim].copy_from_slice(v),
                    None => {
                        f.slot.insert(doc, f.docs.len());
                        f.docs.push(doc);
                        f.data.extend_from_slice(v);
                    }
                }
                Ok(())
            }
            Vectors::Hnsw(h) => h.add(u64::from(doc), v, 0).map(|_| ()),
        }
    }

    pub fn remove(&mut self, doc: DocId) {
        match self {
            Vectors::Flat(f) => {
                let Some(s) = f.slot.remove(&doc) else { return };
                let last = f.docs.len() - 1;
                if s != last {
                    let moved = f.docs[last];
                    f.docs[s] = moved;
                    f.slot.insert(moved, s);
                    f.data
                        .copy_within(last * f.dim..(last + 1) * f.dim, s * f.dim);
                }
                f.docs.pop();
                f.data.truncate(last * f.dim);
            }
            Vectors::Hnsw(h) => {
                // A failed removal leaves a node that the doc table no longer
                // names; searches drop ids with no document.
                let _ = h.remove(u64::from(doc));
            }
        }
    }

    /// `doc`'s stored vector.
    pub fn get(&self, doc: DocId) -> Option<Vec<f32>> {
        match self {
            Vectors::Flat(f) => {
                let s = *f.slot.get(&doc)?;
                Some(f.data[s * f.dim..(s + 1) * f.dim].to_vec())
            }
            Vectors::Hnsw(h) => h.get(u64::from(doc)),
        }
    }

    /// Exact distances from `q` to each of `docs` that has a vector.
    fn scan<'a>(
        &'a self,
        metric: Metric,
        q: &'a [f32],
        docs: impl Iterator<Item = DocId> + 'a,
    ) -> Box<dyn Iterator<Item = (DocId, f32)> + 'a> {
        match self {
            Vectors::Flat(f) => Box::new(docs.filter_map(move |d| {
                let s = *f.slot.get(&d)?;
                Some((d, distance(metric, q, &f.data[s * f.dim..(s + 1) * f.dim])))
            })),
            Vectors::Hnsw(h) => Box::new(
                docs.filter_map(move |d| Some((d, distance(metric, q, &h.get(u64::from(d))?)))),
            ),
        }
    }

    fn all_docs(&self) -> Box<dyn Iterator<Item = DocId> + '_> {
        match self {
            Vectors::Flat(f) => Box::new(f.docs.iter().copied()),
            Vectors::Hnsw(_) => Box::new(std::iter::empty()),
        }
    }

    /// The `k` nearest documents among `filter` (all when `None`), sorted by
    /// distance. FLAT is exact; HNSW is exact over a small filtered set and a
    /// (filtered) graph search with a candidate list of `max(ef, k)`
    /// otherwise.
    pub fn knn(
        &self,
        metric: Metric,
        q: &[f32],
        k: usize,
        ef: usize,
        filter: Option<&RoaringBitmap>,
    ) -> Result<Vec<(DocId, f32)>, String> {
        let k = k.min(self.len());
        if k == 0 {
            return Ok(Vec::new());
        }
        let mut top = TopK::new(k);
        match (self, filter) {
            (Vectors::Flat(_), None) => {
                self.scan(metric, q, self.all_docs())
                    .for_each(|(d, x)| top.push(x, d));
            }
            (_, Some(f)) if self.exact_for(f) => {
                self.scan(metric, q, f.iter())
                    .for_each(|(d, x)| top.push(x, d));
            }
            (Vectors::Flat(fl), Some(f)) => {
                self.scan(
                    metric,
                    q,
                    fl.docs.iter().copied().filter(|d| f.contains(*d)),
                )
                .for_each(|(d, x)| top.push(x, d));
            }
            (Vectors::Hnsw(h), f) => {
                let keep = f.map(|f| move |id: u64| u32::try_from(id).is_ok_and(|d| f.contains(d)));
                let hits = match &keep {
                    Some(p) => h.search(q, k, ef, Some(p))?,
                    None => h.search(q, k, ef, None)?,
                };
                for (id, d) in hits {
                    if let Ok(doc) = u32::try_from(id) {
                        top.push(d, doc);
                    }
                }
            }
        }
        Ok(top.sorted())
    }

    fn exact_for(&self, f: &RoaringBitmap) -> bool {
        matches!(self, Vectors::Hnsw(_))
            && (f.len() <= EXACT_BELOW || f.len() * EXACT_FRACTION <= self.len() as u64)
    }

    /// Every document within `radius` of `q` (RediSearch's VECTOR_RANGE),
    /// sorted by distance. HNSW widens a graph search until its farthest
    /// hit lies past `radius × (1 + epsilon)`.
    pub fn range(
        &self,
        metric: Metric,
        q: &[f32],
        radius: f64,
        epsilon: f64,
    ) -> Result<Vec<(DocId, f32)>, String> {
        let mut out: Vec<(DocId, f32)> = match self {
            Vectors::Flat(_) => self
                .scan(metric, q, self.all_docs())
                .filter(|&(_, d)| f64::from(d) <= radius)
                .collect(),
            Vectors::Hnsw(h) => {
                let bound = radius * (1.0 + epsilon.max(0.0));
                let n = h.len();
                let mut k = 64.min(n);
                loop {
                    let hits = h.search(q, k, k, None)?;
                    let done = k >= n || hits.last().is_none_or(|l| f64::from(l.1) > bound);
                    if done {
                        break hits
                            .into_iter()
                            .filter(|&(_, d)| f64::from(d) <= radius)
                            .filter_map(|(id, d)| u32::try_from(id).ok().map(|x| (x, d)))
                            .collect();
                    }
                    k = (k * 4).min(n);
                }
            }
        };
        out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        Ok(out)
    }

    /// Bytes in use, estimated.
    pub fn memory_bytes(&self) -> usize {
        match self {
            Vectors::Flat(f) => {
                f.data.capacity() * 4 + f.docs.capacity() * 4 + f.slot.capacity() * 16
            }
            Vectors::Hnsw(h) => h.memory_usage(),
        }
    }

    /// The persisted form: FLAT as `u32 doc, f32 × dim` rows, HNSW as
    /// usearch's serialized index (graph included).
    pub fn save(&self) -> Result<Vec<u8>, String> {
        match self {
            Vectors::Flat(f) => {
                let mut out = Vec::with_capacity(f.docs.len() * (4 + 4 * f.dim));
                for (i, d) in f.docs.iter().enumerate() {
                    out.extend_from_slice(&d.to_le_bytes());
                    for x in &f.data[i * f.dim..(i + 1) * f.dim] {
                        out.extend_from_slice(&x.to_le_bytes());
                    }
                }
                Ok(out)
            }
            Vectors::Hnsw(h) => h.save(),
        }
    }

    /// Reads what [`Vectors::save`] wrote, for `count` vectors, checking
    /// every byte (HNSW through `graph_check`).
    pub fn load(p: &VectorParams, count: usize, bytes: &[u8]) -> Result<Vectors, String> {
        match p.algo {
            Algo::Flat => {
                let row = 4 + 4 * p.dim;
                if count.checked_mul(row) != Some(bytes.len()) {
                    return Err("FLAT vectors: wrong payload length".to_string());
                }
                let mut f = Flat {
                    dim: p.dim,
                    ..Flat::default()
                };
                for r in bytes.chunks_exact(row) {
                    let doc = u32::from_le_bytes([r[0], r[1], r[2], r[3]]);
                    let v: Vec<f32> = r[4..]
                        .chunks_exact(4)
                        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                        .collect();
                    if f.slot.contains_key(&doc) || v.iter().any(|x| !x.is_finite()) {
                        return Err("FLAT vectors: duplicate document or bad value".to_string());
                    }
                    f.slot.insert(doc, f.docs.len());
                    f.docs.push(doc);
                    f.data.extend_from_slice(&v);
                }
                Ok(Vectors::Flat(f))
            }
            Algo::Hnsw => Ok(Vectors::Hnsw(VecIndex::load(hnsw_spec(p), count, bytes)?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f16_decodes_exactly() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert!(f16_to_f32(0x7c00).is_infinite());
    }

    #[test]
    fn decode_checks_length_and_values() {
        let b: Vec<u8> = [1f32, 2.0].iter().flat_map(|x| x.to_le_bytes()).collect();
        assert_eq!(decode(VecType::Float32, 2, &b), Some(vec![1.0, 2.0]));
        assert_eq!(decode(VecType::Float32, 3, &b), None);
        let nan: Vec<u8> = f32::NAN.to_le_bytes().to_vec();
        assert_eq!(decode(VecType::Float32, 1, &nan), None);
    }

    fn params(algo: Algo) -> VectorParams {
        VectorParams {
            algo,
            vtype: VecType::Float32,
            dim: 2,
            metric: Metric::L2,
            initial_cap: 0,
            block_size: 1024,
            m: 16,
            ef_construction: 200,
            ef_runtime: 10,
            epsilon: 0.01,
        }
    }

    #[test]
    fn flat_and_hnsw_agree_and_round_trip() {
        for algo in [Algo::Flat, Algo::Hnsw] {
            let p = params(algo);
            let mut v = Vectors::new(&p).unwrap();
            for i in 0..50u32 {
                v.add(i, &[i as f32, 0.0]).unwrap();
            }
            v.remove(3);
            let hits = v.knn(Metric::L2, &[3.0, 0.0], 3, 100, None).unwrap();
            assert_eq!(hits, vec![(2, 1.0), (4, 1.0), (1, 4.0)]);
            let mut f = RoaringBitmap::new();
            f.insert(10);
            f.insert(40);
            let hits = v.knn(Metric::L2, &[3.0, 0.0], 5, 100, Some(&f)).unwrap();
            assert_eq!(hits, vec![(10, 49.0), (40, 1369.0)]);
            let r = v.range(Metric::L2, &[3.0, 0.0], 4.0, 0.01).unwrap();
            assert_eq!(r, vec![(2, 1.0), (4, 1.0), (1, 4.0), (5, 4.0)]);
            let bytes = v.save().unwrap();
            let back = Vectors::load(&p, v.len(), &bytes).unwrap();
            assert_eq!(back.len(), 49);
            assert_eq!(back.get(7), Some(vec![7.0, 0.0]));
            assert!(Vectors::load(&p, v.len() + 1, &bytes).is_err());
        }
    }
}
