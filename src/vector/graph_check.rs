//! Checks a serialized usearch index byte by byte before usearch sees it.
//!
//! usearch's `load_from_buffer` trusts what it reads: a negative node level,
//! an entry slot or neighbour slot past the end, a list longer than its
//! capacity, a level above the node's, or a matrix header that does not match
//! the dimensions all end in an out-of-bounds read or write or an assertion
//! (abort), and a huge row count sizes an allocation before any row is read.
//! So an AI_VECSET payload (RDB at startup, RESTORE) is parsed here first,
//! trusting nothing, against the set's own header.
//!
//! The layout is usearch 2.26's `index_dense_gt<u64, u32>::save_to_stream`
//! (`index_dense.hpp`, `index.hpp`), in host byte order:
//!
//! ```text
//! matrix   u32 rows, u32 width (bytes per vector), rows × width bytes
//! head     64 bytes: "usearch", u16 major, minor, patch, u8 metric, scalar,
//!          key kind, slot kind, u64 count_present, count_deleted,
//!          dimensions, u8 multi, 22 unused bytes
//! hnsw     u64 size, connectivity, connectivity_base, max_level, entry_slot
//! levels   size × i16
//! nodes    size × { u64 key, i16 level,
//!                   u32 count, connectivity_base × u32 slots   (level 0)
//!                   level × { u32 count, connectivity × u32 }  (levels 1…) }
//! ```
//!
//! A removed element keeps its node (and its links) with the key `u64::MAX`,
//! and counts in `count_deleted`. Only the first `count` slots of a list are
//! live; usearch never reads the rest. Nothing is allocated before the bytes
//! it describes were found to be present: the one allocation is the list of
//! keys, one per node whose bytes were already measured. Redis-free.

use super::index::{scalar_bytes, Metric, Quant, Spec};

const MAGIC: &[u8; 7] = b"usearch";
const HEAD_BYTES: usize = 64;
const HNSW_HEAD_BYTES: usize = 40;
/// usearch's `scalar_kind_t` codes for the key (`u64`) and slot (`u32`).
const KIND_U64: u8 = 14;
const KIND_U32: u8 = 15;
/// The key usearch gives a removed node (`default_free_value<u64>`).
pub const FREE_KEY: u64 = u64::MAX;
/// Bytes before a node's level-0 list: the key and the level.
const NODE_HEAD: usize = 8 + 2;

/// usearch's `metric_kind_t` code.
pub fn metric_code(m: Metric) -> u8 {
    match m {
        Metric::Cosine => b'c',
        Metric::L2 => b'e',
        Metric::Ip => b'i',
    }
}

/// usearch's `scalar_kind_t` code (2.10 and later).
pub fn scalar_code(q: Quant) -> u8 {
    match q {
        Quant::F32 => 11,
        Quant::F16 => 12,
        Quant::Bf16 => 4,
        Quant::I8 => 23,
    }
}

/// A cursor that hands out byte ranges only after checking they exist.
struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn left(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        if n > self.left() {
            return Err(format!(
                "{what} needs {n} bytes at offset {} but {} remain",
                self.pos,
                self.left()
            ));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn u32(&mut self, what: &str) -> Result<u32, String> {
        self.take(4, what).map(u32_at)
    }
}

fn u16_at(b: &[u8]) -> u16 {
    u16::from_ne_bytes([b[0], b[1]])
}

fn u32_at(b: &[u8]) -> u32 {
    u32::from_ne_bytes([b[0], b[1], b[2], b[3]])
}

fn u64_at(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    u64::from_ne_bytes(w)
}

fn level_at(levels: &[u8], slot: usize) -> i16 {
    i16::from_ne_bytes([levels[2 * slot], levels[2 * slot + 1]])
}

/// What a valid index holds, for callers that want to report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Nodes in the graph (present and removed).
    pub nodes: usize,
    pub present: usize,
    pub max_level: i16,
}

/// Checks `bytes` (what `VecIndex::save` wrote) against the set's `spec` and
/// element `count`, so that usearch's loader can take them safely.
pub fn check(bytes: &[u8], spec: Spec, count: usize) -> Result<Summary, String> {
    check_inner(bytes, spec, count).map_err(|e| format!("corrupt graph: {e}"))
}

fn check_inner(bytes: &[u8], spec: Spec, count: usize) -> Result<Summary, String> {
    let mut c = Cursor { buf: bytes, pos: 0 };
    // The vectors matrix.
    let rows = c.u32("the matrix header")? as usize;
    let width = c.u32("the matrix header")? as usize;
    let want_width = spec
        .dim
        .checked_mul(scalar_bytes(spec.quant))
        .ok_or("dimension overflows")?;
    if width != want_width {
        return Err(format!(
            "rows of {width} bytes, the set stores {want_width} ({} × {:?})",
            spec.dim, spec.quant
        ));
    }
    let matrix = rows
        .checked_mul(width)
        .ok_or_else(|| format!("{rows} rows of {width} bytes overflow"))?;
    c.take(matrix, "the vectors matrix")?;
    // The dense header.
    let head = c.take(HEAD_BYTES, "the index header")?;
    let (present, deleted) = check_head(head, spec, count)?;
    if present.checked_add(deleted) != Some(rows as u64) {
        return Err(format!(
            "{present} present and {deleted} removed nodes but {rows} vectors"
        ));
    }
    // The HNSW header.
    let h = c.take(HNSW_HEAD_BYTES, "the graph header")?;
    let [size, connectivity, base, max_level, entry] =
        [0, 8, 16, 24, 32].map(|at| u64_at(&h[at..]));
    if size != rows as u64 {
        return Err(format!("{size} nodes but {rows} vectors"));
    }
    if connectivity != spec.m as u64 || base != 2 * spec.m as u64 {
        return Err(format!(
            "connectivity {connectivity}/{base}, the set has M {} ({}/{})",
            spec.m,
            spec.m,
            2 * spec.m
        ));
    }
    let size = rows;
    if size == 0 {
        // usearch stops reading after an empty graph's header.
        if c.left() != 0 {
            return Err(format!("{} bytes after an empty graph", c.left()));
        }
        return Ok(Summary {
            nodes: 0,
            present: 0,
            max_level: -1,
        });
    }
    let max_level =
        i16::try_from(max_level).map_err(|_| format!("max level {max_level} out of range"))?;
    if max_level < 0 {
        return Err(format!("max level {max_level} out of range"));
    }
    let entry = usize::try_from(entry)
        .ok()
        .filter(|&e| e < size)
        .ok_or_else(|| format!("entry slot {entry} out of range (size {size})"))?;
    // Levels, and from them the exact length of every node.
    let levels = c.take(2 * size, "the node levels")?;
    let layout = Layout {
        base: 4 + 4 * spec.m * 2,
        upper: 4 + 4 * spec.m,
    };
    let mut total: usize = 0;
    let mut top: i16 = 0;
    for slot in 0..size {
        let level = level_at(levels, slot);
        if level < 0 {
            return Err(format!("node {slot} has level {level}"));
        }
        top = top.max(level);
        total = total
            .checked_add(layout.node_bytes(level))
            .ok_or("node lengths overflow")?;
    }
    if total != c.left() {
        return Err(format!(
            "the nodes take {total} bytes but {} remain",
            c.left()
        ));
    }
    if top != max_level || level_at(levels, entry) != max_level {
        return Err(format!(
            "max level {max_level}, but the highest node level is {top} and the entry \
             node's is {}",
            level_at(levels, entry)
        ));
    }
    // The nodes themselves. `present` ≤ `size`, whose bytes are all here.
    let mut keys = Vec::with_capacity(count.min(size));
    let mut removed: u64 = 0;
    for slot in 0..size {
        let level = level_at(levels, slot);
        let node = c.take(layout.node_bytes(level), "a node")?;
        let key = u64_at(node);
        let own = i16::from_ne_bytes([node[8], node[9]]);
        if own != level {
            return Err(format!(
                "node {slot} says level {own}, the level table {level}"
            ));
        }
        if key == FREE_KEY {
            removed += 1;
        } else if keys.len() < count {
            keys.push(key);
        } else {
            return Err(format!("more than {count} present nodes"));
        }
        let mut at = NODE_HEAD;
        for l in 0..=level {
            let (cap, list) = if l == 0 {
                (2 * spec.m, layout.base)
            } else {
                (spec.m, layout.upper)
            };
            check_list(&node[at..at + list], cap, slot, l, levels)?;
            at += list;
        }
    }
    if keys.len() != count || removed != deleted {
        return Err(format!(
            "{} present and {removed} removed nodes, the header says {present} and {deleted}",
            keys.len()
        ));
    }
    keys.sort_unstable();
    if let Some(w) = keys.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("key {} is on two nodes", w[0]));
    }
    Ok(Summary {
        nodes: size,
        present: count,
        max_level,
    })
}

/// The dense header; returns (count_present, count_deleted).
fn check_head(h: &[u8], spec: Spec, count: usize) -> Result<(u64, u64), String> {
    if &h[..7] != MAGIC {
        return Err("no usearch magic".to_string());
    }
    let (major, minor) = (u16_at(&h[7..]), u16_at(&h[9..]));
    // Before 2.10 the scalar codes were numbered differently.
    if major != 2 || minor < 10 {
        return Err(format!(
            "usearch format {major}.{minor} is not 2.10 or later"
        ));
    }
    if h[13] != metric_code(spec.metric) || h[14] != scalar_code(spec.quant) {
        return Err(format!(
            "metric/scalar codes {}/{}, the set is {:?} {:?}",
            h[13], h[14], spec.metric, spec.quant
        ));
    }
    if h[15] != KIND_U64 || h[16] != KIND_U32 {
        return Err(format!("key/slot kinds {}/{}, not u64/u32", h[15], h[16]));
    }
    let (present, deleted, dims) = (u64_at(&h[17..]), u64_at(&h[25..]), u64_at(&h[33..]));
    if present != count as u64 {
        return Err(format!(
            "{present} present nodes, the set has {count} elements"
        ));
    }
    if dims != spec.dim as u64 {
        return Err(format!("{dims} dimensions, the set has {}", spec.dim));
    }
    // A C++ bool other than 0/1 is undefined behaviour; the set is not multi.
    if h[41] != 0 {
        return Err(format!("multi flag {}", h[41]));
    }
    Ok((present, deleted))
}

/// Byte lengths of a node's lists.
struct Layout {
    base: usize,
    upper: usize,
}

impl Layout {
    /// usearch's `node_bytes_(level)`, for a level already known to be ≥ 0.
    fn node_bytes(&self, level: i16) -> usize {
        NODE_HEAD + self.base + self.upper * level as usize
    }
}

/// One neighbour list of node `slot` at `level`: its count within capacity,
/// every live slot inside the graph, not the node itself, and present at
/// that level.
fn check_list(
    list: &[u8],
    cap: usize,
    slot: usize,
    level: i16,
    levels: &[u8],
) -> Result<(), String> {
    let n = u32_at(list) as usize;
    if n > cap {
        return Err(format!(
            "node {slot} has {n} neighbours at level {level}, at most {cap} fit"
        ));
    }
    let size = levels.len() / 2;
    for i in 0..n {
        let to = u32_at(&list[4 + 4 * i..]) as usize;
        if to >= size {
            return Err(format!(
                "node {slot} links to slot {to} at level {level} (size {size})"
            ));
        }
        if to == slot {
            return Err(format!("node {slot} links to itself at level {level}"));
        }
        if level > 0 && level_at(levels, to) < level {
            return Err(format!(
                "node {slot} links at level {level} to node {to} of level {}",
                level_at(levels, to)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
