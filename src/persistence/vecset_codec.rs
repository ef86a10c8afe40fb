//! AI_VECSET's RDB encoding (encver 0). Layout:
//!
//! ```text
//! unsigned dim, metric (0 COSINE 1 L2 2 IP), quant (0 F32 1 F16 2 BF16 3 I8),
//!          M, build EF, count, next id, flags (bit 0: attributes follow)
//! count × { string name, unsigned id, unsigned norm (f32 bits),
//!           [string attributes, "" for none] }
//! unsigned graph length, unsigned checksum, unsigned chunk count,
//! chunk count × string   (the usearch index, graph included)
//! ```
//!
//! The graph is loaded as saved, never rebuilt. usearch trusts the bytes it
//! loads, so they carry a checksum, every count, length, code and id is
//! checked before anything is allocated, and `VecIndex::load` parses the
//! whole graph (`vector::graph_check`) before usearch sees it. Element ids
//! are below the next id, which is at most `MAX_ID`. The graph's chunk count
//! is at most its length and every chunk is non-empty, so the chunks read
//! are bounded by the payload itself.

use super::{DecodeError, DecodeResult, RdbIn, RdbOut};
use crate::vector::index::{MAX_DIM, MAX_ID};
use crate::vector::parse::{EF_MAX, M_RANGE};
use crate::vector::set::{Elem, SetData};
use crate::vector::{Metric, Quant, Spec, VecIndex, VecSet};

pub const ENCVER: i32 = 0;
/// The graph goes in strings of at most this many bytes.
pub const GRAPH_CHUNK: usize = 8 << 20;
const FLAG_ATTRS: u64 = 1;
/// Largest element count and graph size a payload may claim.
const MAX_COUNT: u64 = 1 << 36;
const MAX_GRAPH: u64 = 1 << 42;

fn bad(text: impl Into<String>) -> DecodeError {
    DecodeError::new(text)
}

pub fn metric_code(m: Metric) -> u64 {
    match m {
        Metric::Cosine => 0,
        Metric::L2 => 1,
        Metric::Ip => 2,
    }
}

pub fn quant_code(q: Quant) -> u64 {
    match q {
        Quant::F32 => 0,
        Quant::F16 => 1,
        Quant::Bf16 => 2,
        Quant::I8 => 3,
    }
}

/// A fast 64-bit checksum (multiply-rotate over 8-byte words), to catch a
/// damaged graph before usearch reads it.
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0x243f_6a88_85a3_08d3 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        h = (h ^ u64::from_le_bytes(b))
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    h ^ (h >> 31)
}

/// Writes `set`. The graph is serialized first, so a failure there (out of
/// memory) is reported before anything is written.
pub fn encode(set: &SetData, out: &mut impl RdbOut) -> Result<(), String> {
    let graph = set.index().save()?;
    let spec = set.spec();
    let has_attrs = set.elements().any(|(_, e)| e.attrs.is_some());
    for v in [
        spec.dim as u64,
        metric_code(spec.metric),
        quant_code(spec.quant),
        spec.m as u64,
        spec.ef_construction as u64,
        set.len() as u64,
        set.next_id(),
        if has_attrs { FLAG_ATTRS } else { 0 },
    ] {
        out.save_unsigned(v);
    }
    for (id, e) in set.elements() {
        out.save_bytes(&e.name);
        out.save_unsigned(id);
        out.save_unsigned(u64::from(e.norm.to_bits()));
        if has_attrs {
            out.save_bytes(e.attrs.as_deref().unwrap_or("").as_bytes());
        }
    }
    out.save_unsigned(graph.len() as u64);
    out.save_unsigned(checksum(&graph));
    let chunks: Vec<&[u8]> = graph.chunks(GRAPH_CHUNK).collect();
    out.save_unsigned(chunks.len() as u64);
    chunks.iter().for_each(|c| out.save_bytes(c));
    Ok(())
}

fn ranged(input: &mut impl RdbIn, what: &str, lo: u64, hi: u64) -> DecodeResult<u64> {
    let v = input.load_unsigned()?;
    if v < lo || v > hi {
        return Err(bad(format!("{what} {v} out of range")));
    }
    Ok(v)
}

/// Reads a set written by [`encode`].
pub fn decode(encver: i32, input: &mut impl RdbIn) -> DecodeResult<VecSet> {
    if encver != ENCVER {
        return Err(bad(format!("unsupported encoding version {encver}")));
    }
    let dim = ranged(input, "dimension", 1, MAX_DIM as u64)? as usize;
    let metric = match ranged(input, "metric", 0, 2)? {
        0 => Metric::Cosine,
        1 => Metric::L2,
        _ => Metric::Ip,
    };
    let quant = match ranged(input, "quantization", 0, 3)? {
        0 => Quant::F32,
        1 => Quant::F16,
        2 => Quant::Bf16,
        _ => Quant::I8,
    };
    let m = ranged(input, "M", M_RANGE.0 as u64, M_RANGE.1 as u64)? as usize;
    let ef = ranged(input, "EF", 1, EF_MAX as u64)? as usize;
    // An empty set is never saved (removing the last element deletes the key).
    let count = ranged(input, "element count", 1, MAX_COUNT)?;
    // Ids stay below MAX_ID, so AI.VADD can never wrap one into another.
    let next_id = ranged(input, "next id", count, MAX_ID)?;
    let flags = ranged(input, "flags", 0, FLAG_ATTRS)?;
    // Vectors grow as items arrive (at most twice what was read): no count
    // or length from the payload reserves memory by itself.
    let mut elems = Vec::new();
    for _ in 0..count {
        let name = input.load_bytes()?.into_boxed_slice();
        let id = ranged(input, "element id", 0, next_id - 1)?;
        let norm = f32::from_bits(ranged(input, "norm", 0, u64::from(u32::MAX))? as u32);
        if !norm.is_finite() || norm < 0.0 {
            return Err(bad("invalid norm"));
        }
        let attrs = if flags & FLAG_ATTRS != 0 {
            let a = input.load_bytes()?;
            if a.is_empty() {
                None
            } else {
                let text = String::from_utf8(a).map_err(|_| bad("attributes are not UTF-8"))?;
                Some(text.into_boxed_str())
            }
        } else {
            None
        };
        elems.push((id, Elem::new(name, attrs, norm)));
    }
    let graph_len = ranged(input, "graph length", 1, MAX_GRAPH)?;
    let sum = input.load_unsigned()?;
    let chunks = ranged(input, "graph chunk count", 1, graph_len)?;
    let mut graph = Vec::new();
    for _ in 0..chunks {
        let c = input.load_bytes()?;
        if c.is_empty() || (graph.len() + c.len()) as u64 > graph_len {
            return Err(bad("graph chunks do not add up to its length"));
        }
        if graph.is_empty() {
            graph = c;
        } else {
            graph.extend_from_slice(&c);
        }
    }
    if graph.len() as u64 != graph_len {
        return Err(bad("graph chunks do not add up to its length"));
    }
    if checksum(&graph) != sum {
        return Err(bad("graph checksum mismatch"));
    }
    let spec = Spec {
        dim,
        metric,
        quant,
        m,
        ef_construction: ef,
    };
    let index = VecIndex::load(spec, count as usize, &graph).map_err(bad)?;
    VecSet::restore(index, elems, next_id).map_err(bad)
}

#[cfg(test)]
mod tests;
