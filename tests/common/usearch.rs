//! An AI_VECSET DUMP payload taken apart: its RDB fields, and the usearch
//! index inside them (usearch 2.26 `save_to_buffer`, host byte order), with
//! setters for the bytes the restore tests damage. Rebuilding recomputes
//! the graph length, the module's checksum, the chunks and Redis's footer,
//! so a damaged graph reaches the module's loader. Included by
//! `tests/vector_restore.rs` (`#[path]`); the layout is described in
//! `src/vector/graph_check.rs`.

#![allow(dead_code)]

use crate::common::rdb::{self, Owned};

const HEAD_BYTES: usize = 64;
const HNSW_HEAD_BYTES: usize = 40;
const NODE_HEAD: usize = 10;
/// vecset_codec's GRAPH_CHUNK.
const GRAPH_CHUNK: usize = 8 << 20;

/// The module's graph checksum (`vecset_codec::checksum`).
pub use crate::common::rdb::vecset_checksum as checksum;

/// An AI_VECSET value: the 8 header numbers (dim, metric, quant, M, EF,
/// count, next id, flags), the element fields as they were, and the joined
/// usearch graph.
pub struct VecsetDump {
    pub type_id: u64,
    pub header: Vec<u64>,
    pub elements: Vec<Owned>,
    pub graph: Vec<u8>,
}

fn num(f: &Owned) -> u64 {
    match f {
        Owned::U(v) => *v,
        other => panic!("expected a number, got {other:?}"),
    }
}

impl VecsetDump {
    pub fn parse(payload: &[u8]) -> VecsetDump {
        let (type_id, fields) = rdb::parse_module_value(payload);
        let header: Vec<u64> = fields[..8].iter().map(num).collect();
        let per = if header[7] & 1 != 0 { 4 } else { 3 };
        let end = 8 + per * header[5] as usize;
        let elements = fields[8..end].to_vec();
        let len = num(&fields[end]) as usize;
        let sum = num(&fields[end + 1]);
        let chunks = num(&fields[end + 2]) as usize;
        let mut graph = Vec::new();
        for f in &fields[end + 3..end + 3 + chunks] {
            match f {
                Owned::Str(b) => graph.extend_from_slice(b),
                other => panic!("expected a chunk, got {other:?}"),
            }
        }
        assert_eq!(graph.len(), len);
        assert_eq!(checksum(&graph), sum, "the test's checksum is the module's");
        assert_eq!(fields.len(), end + 3 + chunks);
        VecsetDump {
            type_id,
            header,
            elements,
            graph,
        }
    }

    /// The RESTORE payload, with the graph length, checksum, chunks and
    /// footer recomputed.
    pub fn payload(&self) -> Vec<u8> {
        let mut fields: Vec<Owned> = self.header.iter().map(|&v| Owned::U(v)).collect();
        fields.extend(self.elements.iter().cloned());
        let chunks: Vec<&[u8]> = self.graph.chunks(GRAPH_CHUNK).collect();
        fields.push(Owned::U(self.graph.len() as u64));
        fields.push(Owned::U(checksum(&self.graph)));
        fields.push(Owned::U(chunks.len() as u64));
        fields.extend(chunks.iter().map(|c| Owned::Str(c.to_vec())));
        rdb::owned_payload(self.type_id, &fields)
    }

    pub fn map(&self) -> GraphMap {
        GraphMap::new(&self.graph)
    }
}

/// Offsets inside a well-formed usearch buffer.
#[derive(Debug, Clone)]
pub struct GraphMap {
    pub rows: usize,
    pub width: usize,
    pub head: usize,
    pub hnsw: usize,
    pub levels: usize,
    pub nodes: Vec<usize>,
    pub m: usize,
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_ne_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

impl GraphMap {
    pub fn new(g: &[u8]) -> GraphMap {
        let rows = u32_at(g, 0) as usize;
        let width = u32_at(g, 4) as usize;
        let head = 8 + rows * width;
        assert_eq!(&g[head..head + 7], b"usearch");
        let hnsw = head + HEAD_BYTES;
        let size = u64_at(g, hnsw) as usize;
        let m = u64_at(g, hnsw + 8) as usize;
        let levels = hnsw + HNSW_HEAD_BYTES;
        let mut nodes = Vec::with_capacity(size);
        let mut at = levels + 2 * size;
        for i in 0..size {
            nodes.push(at);
            let level = i16::from_ne_bytes([g[levels + 2 * i], g[levels + 2 * i + 1]]);
            at += NODE_HEAD + (4 + 8 * m) + (4 + 4 * m) * level as usize;
        }
        assert_eq!(at, g.len(), "the map covers the whole graph");
        GraphMap {
            rows,
            width,
            head,
            hnsw,
            levels,
            nodes,
            m,
        }
    }

    pub fn size(&self) -> usize {
        self.nodes.len()
    }

    pub fn level(&self, g: &[u8], slot: usize) -> i16 {
        i16::from_ne_bytes([g[self.levels + 2 * slot], g[self.levels + 2 * slot + 1]])
    }

    pub fn max_level(&self, g: &[u8]) -> u64 {
        u64_at(g, self.hnsw + 24)
    }

    /// Offset of node `slot`'s neighbour list at `level` (its u32 count).
    pub fn list(&self, slot: usize, level: usize) -> usize {
        let base = self.nodes[slot] + NODE_HEAD;
        if level == 0 {
            base
        } else {
            base + (4 + 8 * self.m) + (level - 1) * (4 + 4 * self.m)
        }
    }

    pub fn count(&self, g: &[u8], slot: usize, level: usize) -> u32 {
        u32_at(g, self.list(slot, level))
    }
}

pub fn put_u16(g: &mut [u8], at: usize, v: u16) {
    g[at..at + 2].copy_from_slice(&v.to_ne_bytes());
}

pub fn put_u32(g: &mut [u8], at: usize, v: u32) {
    g[at..at + 4].copy_from_slice(&v.to_ne_bytes());
}

pub fn put_u64(g: &mut [u8], at: usize, v: u64) {
    g[at..at + 8].copy_from_slice(&v.to_ne_bytes());
}

/// The dense header's `dimensions` field.
pub const HEAD_DIMENSIONS: usize = 33;
/// The HNSW header's `max_level` and `entry_slot` fields.
pub const HNSW_MAX_LEVEL: usize = 24;
pub const HNSW_ENTRY_SLOT: usize = 32;
