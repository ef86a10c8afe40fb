//! DUMP surgery: a module value taken apart into its RDB items, mutated,
//! and put back together with Redis's CRC-64 footer (and, for AI_VECSET,
//! the graph checksum) recomputed.

use super::*;

const OP_EOF: u8 = 0;
const OP_SINT: u8 = 1;
const OP_UINT: u8 = 2;
const OP_FLOAT: u8 = 3;
const OP_DOUBLE: u8 = 4;
const OP_STRING: u8 = 5;

/// One item of a module value in the RDB stream.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// An unsigned (or signed, `opcode` 1) length-encoded integer.
    Int { opcode: u8, value: u64 },
    /// A plain string.
    Str(Vec<u8>),
    /// Anything else kept as encoded (an int- or LZF-encoded string, a float).
    Opaque(Vec<u8>),
}

/// A DUMP payload taken apart: type byte, module id, items, RDB version.
#[derive(Debug, Clone)]
pub struct ModuleValue {
    pub type_byte: u8,
    pub id: u64,
    pub items: Vec<Item>,
    pub rdb_version: [u8; 2],
}

fn read_len(b: &[u8], at: &mut usize) -> Option<(u64, bool)> {
    let first = *b.get(*at)?;
    *at += 1;
    Some(match first >> 6 {
        0 => (u64::from(first & 0x3f), false),
        1 => {
            let second = *b.get(*at)?;
            *at += 1;
            ((u64::from(first & 0x3f) << 8) | u64::from(second), false)
        }
        2 => {
            let n = if first == 0x80 { 4 } else { 8 };
            let bytes = b.get(*at..*at + n)?;
            *at += n;
            (
                bytes.iter().fold(0u64, |v, &x| (v << 8) | u64::from(x)),
                false,
            )
        }
        _ => (u64::from(first & 0x3f), true),
    })
}

/// Redis's length encoding.
pub fn write_len(out: &mut Vec<u8>, n: u64) {
    if n < 1 << 6 {
        out.push(n as u8);
    } else if n < 1 << 14 {
        out.push(0x40 | (n >> 8) as u8);
        out.push(n as u8);
    } else if n <= u64::from(u32::MAX) {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// Takes a DUMP payload of a module value apart (None if it is not one).
pub fn parse_dump(payload: &[u8]) -> Option<ModuleValue> {
    if payload.len() < 11 {
        return None;
    }
    let body = &payload[..payload.len() - 10];
    let rdb_version = [payload[payload.len() - 10], payload[payload.len() - 9]];
    let type_byte = *body.first()?;
    let mut at = 1;
    let (id, _) = read_len(body, &mut at)?;
    let mut items = Vec::new();
    loop {
        let start = at;
        let (op, _) = read_len(body, &mut at)?;
        match op as u8 {
            OP_EOF => break,
            OP_SINT | OP_UINT => {
                let (value, _) = read_len(body, &mut at)?;
                items.push(Item::Int {
                    opcode: op as u8,
                    value,
                });
            }
            OP_FLOAT | OP_DOUBLE => {
                at += if op as u8 == OP_FLOAT { 4 } else { 8 };
                items.push(Item::Opaque(body.get(start..at)?.to_vec()));
            }
            OP_STRING => {
                let (len, encoded) = read_len(body, &mut at)?;
                if encoded {
                    at += match len {
                        0 => 1,
                        1 => 2,
                        2 => 4,
                        3 => {
                            let (clen, _) = read_len(body, &mut at)?;
                            read_len(body, &mut at)?;
                            clen as usize
                        }
                        _ => return None,
                    };
                    items.push(Item::Opaque(body.get(start..at)?.to_vec()));
                } else {
                    let s = body.get(at..at + len as usize)?.to_vec();
                    at += len as usize;
                    items.push(Item::Str(s));
                }
            }
            _ => return None,
        }
    }
    (at == body.len()).then_some(ModuleValue {
        type_byte,
        id,
        items,
        rdb_version,
    })
}

impl ModuleValue {
    /// The value's bytes without the footer.
    pub fn body(&self) -> Vec<u8> {
        let mut out = vec![self.type_byte];
        write_len(&mut out, self.id);
        for it in &self.items {
            match it {
                Item::Int { opcode, value } => {
                    out.push(*opcode);
                    write_len(&mut out, *value);
                }
                Item::Str(s) => {
                    out.push(OP_STRING);
                    write_len(&mut out, s.len() as u64);
                    out.extend_from_slice(s);
                }
                Item::Opaque(raw) => out.extend_from_slice(raw),
            }
        }
        out.push(OP_EOF);
        out
    }

    /// A RESTORE-able payload: the body, the RDB version and the CRC-64.
    pub fn payload(&self) -> Vec<u8> {
        footer(self.body(), self.rdb_version)
    }

    /// AI_VECSET: recomputes the graph checksum (and length and chunk
    /// count) from the trailing graph chunks, so a mutated graph reaches
    /// usearch's loader. No-op when the tail does not look like a graph.
    pub fn fix_vecset_graph(&mut self) {
        let n = self.items.len();
        let chunks = self
            .items
            .iter()
            .rev()
            .take_while(|i| matches!(i, Item::Str(_)))
            .count();
        if chunks == 0 || n < chunks + 3 {
            return;
        }
        let graph: Vec<u8> = self.items[n - chunks..]
            .iter()
            .flat_map(|i| match i {
                Item::Str(s) => s.clone(),
                _ => Vec::new(),
            })
            .collect();
        let head = n - chunks - 3;
        let fixed = [graph.len() as u64, vecset_checksum(&graph), chunks as u64];
        for (k, v) in fixed.into_iter().enumerate() {
            if let Item::Int { value, .. } = &mut self.items[head + k] {
                *value = v;
            }
        }
    }
}

/// `body` + RDB version + Redis's CRC-64 of both.
pub fn footer(mut body: Vec<u8>, rdb_version: [u8; 2]) -> Vec<u8> {
    body.extend_from_slice(&rdb_version);
    let crc = crc64(&body);
    body.extend_from_slice(&crc.to_le_bytes());
    body
}

pub use super::super::rdb::{crc64, vecset_checksum};

/// Values a mutated integer item takes.
fn hostile_u64(r: &mut Rng, was: u64) -> u64 {
    match r.below(14) {
        0 => 0,
        1 => 1,
        2 => was.wrapping_add(1),
        3 => was.wrapping_sub(1),
        4 => was.wrapping_mul(2),
        5 => was / 2,
        6 => i32::MAX as u64,
        7 => u32::MAX as u64,
        8 => 1 << 32,
        9 => i64::MAX as u64,
        10 => 1 << 63,
        11 => u64::MAX,
        12 => r.below(300),
        _ => r.next(),
    }
}

/// A mutated copy of a DUMP payload (`vecset`: fix the graph checksum most
/// of the time). The footer is always valid, so RESTORE hands the bytes to
/// the module's loader.
pub fn mutate_dump(r: &mut Rng, payload: &[u8], vecset: bool) -> Vec<u8> {
    let Some(orig) = parse_dump(payload) else {
        return payload.to_vec();
    };
    let mut v = orig.clone();
    for _ in 0..1 + r.below(3) {
        let n = v.items.len() as u64;
        if n == 0 {
            break;
        }
        let i = r.below(n) as usize;
        match r.below(10) {
            0..=2 => {
                if let Item::Int { value, .. } = &mut v.items[i] {
                    *value = hostile_u64(r, *value);
                } else if let Item::Str(s) = &mut v.items[i] {
                    // Bytes inside a string (a name, a blob, the graph).
                    for _ in 0..1 + r.below(4) {
                        if !s.is_empty() {
                            let at = r.below(s.len() as u64) as usize;
                            s[at] = r.next() as u8;
                        }
                    }
                }
            }
            3 => {
                if let Item::Str(s) = &mut v.items[i] {
                    let keep = r.below(s.len() as u64 + 1) as usize;
                    s.truncate(keep);
                }
            }
            4 => {
                if let Item::Str(s) = &mut v.items[i] {
                    let n = 1 + r.below(64) as usize;
                    let extra = r.bytes(n);
                    s.extend_from_slice(&extra);
                }
            }
            5 => {
                v.items.remove(i);
            }
            6 => {
                let it = v.items[i].clone();
                v.items.insert(i, it);
            }
            7 => {
                let j = r.below(n) as usize;
                v.items.swap(i, j);
            }
            8 => v.items.insert(
                i,
                Item::Int {
                    opcode: OP_UINT,
                    value: hostile_u64(r, 1),
                },
            ),
            _ => v.items.truncate(i),
        }
    }
    if vecset && r.below(4) != 0 {
        v.fix_vecset_graph();
    }
    match r.below(12) {
        // Raw damage under a valid footer: a byte, or a cut.
        0 => {
            let mut body = v.body();
            let at = 1 + r.below(body.len() as u64 - 1) as usize;
            body[at] = r.next() as u8;
            footer(body, v.rdb_version)
        }
        1 => {
            let mut body = v.body();
            body.truncate(1 + r.below(body.len() as u64 - 1) as usize);
            footer(body, v.rdb_version)
        }
        _ => v.payload(),
    }
}

/// AI_VECSET: only the graph bytes changed (checksum fixed), so the damage
/// reaches usearch's own loader and the first searches after it.
pub fn mutate_vecset_graph(r: &mut Rng, payload: &[u8]) -> Vec<u8> {
    let Some(mut v) = parse_dump(payload) else {
        return payload.to_vec();
    };
    let Some(Item::Str(graph)) = v.items.last_mut() else {
        return payload.to_vec();
    };
    if graph.is_empty() {
        return payload.to_vec();
    }
    // usearch's header is the first 64 bytes: aim there half the time.
    let span = if r.below(2) == 0 {
        graph.len().min(64)
    } else {
        graph.len()
    };
    for _ in 0..1 + r.below(4) {
        let at = r.below(span as u64) as usize;
        graph[at] = match r.below(3) {
            0 => 0xff,
            1 => 0,
            _ => r.next() as u8,
        };
    }
    v.fix_vecset_graph();
    v.payload()
}
