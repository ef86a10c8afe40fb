//! The persisted form of the FT indexes (module aux data of `AI_FTINDX`,
//! written after the keyspace; encver 0):
//!
//! ```text
//! unsigned index count
//! per index:
//!   string name; unsigned n; n × string   (FT.CREATE's arguments, ALTERs appended)
//!   unsigned next doc id; unsigned hash_indexing_failures
//!   unsigned doc count; per doc: string key, unsigned id, unsigned fingerprint,
//!                                unsigned vector fingerprint
//!   unsigned vector field count; per field: unsigned field number,
//!     unsigned vector count, unsigned length, unsigned checksum,
//!     unsigned chunk count, chunks × string     (FLAT rows or the HNSW graph)
//! ```
//!
//! Loading trusts nothing: every count is bounded, ids are below the next
//! id, keys are distinct, and an HNSW graph is parsed in full
//! (`graph_check`) before usearch reads it. A definition that no longer
//! parses fails the load; vectors that do not check out are dropped and the
//! index is rebuilt from the hashes instead (`Restored::rebuild`). Either
//! way, when loading ends every covered hash is compared with what was saved
//! (the fingerprints), so a hash changed after the save (an AOF tail) is
//! re-indexed, never served stale.

use super::index::Index;
use super::schema::{parse_create, FieldKind};
use super::vectors::Vectors;
use crate::persistence::vecset_codec::checksum;
use crate::persistence::{DecodeError, DecodeResult, RdbIn, RdbOut};

pub const ENCVER: i32 = 0;
const CHUNK: usize = 8 << 20;
const MAX_INDEXES: u64 = 1 << 16;
const MAX_ARGS: u64 = 1 << 20;
const MAX_DOCS: u64 = 1 << 32;
const MAX_PAYLOAD: u64 = 1 << 42;

/// An index read back, and whether it must be rebuilt from the hashes.
#[derive(Debug)]
pub struct Restored {
    pub index: Index,
    pub rebuild: bool,
    /// Why it must be rebuilt, for the log.
    pub why: Option<String>,
}

fn bad(t: impl Into<String>) -> DecodeError {
    DecodeError::new(t)
}

/// Writes every index. The payloads are built first, so a failure (out of
/// memory serializing a graph) writes an index with no vectors, which the
/// loader rebuilds, rather than a broken stream.
pub fn encode<'a>(indexes: impl ExactSizeIterator<Item = &'a Index>, out: &mut impl RdbOut) {
    out.save_unsigned(indexes.len() as u64);
    for ix in indexes {
        out.save_bytes(ix.def.name.as_bytes());
        out.save_unsigned(ix.def.source.len() as u64);
        ix.def.source.iter().for_each(|a| out.save_bytes(a));
        out.save_unsigned(ix.next_id());
        out.save_unsigned(ix.failures);
        // A scan still running means the index is incomplete: save no docs,
        // and the loader rebuilds it.
        let complete = ix.scan.is_none();
        let payloads: Vec<(usize, usize, Vec<u8>)> = if complete {
            (0..ix.def.fields.len())
                .filter_map(|i| ix.vectors(i).map(|v| (i, v)))
                .filter_map(|(i, v)| v.save().ok().map(|p| (i, v.len(), p)))
                .collect()
        } else {
            Vec::new()
        };
        let all_vectors = payloads.len()
            == ix
                .fields
                .iter()
                .filter(|f| matches!(f, super::index::FieldIndex::Vector(_)))
                .count();
        if complete && all_vectors {
            out.save_unsigned(ix.num_docs() as u64);
            for (id, d) in ix.docs() {
                out.save_bytes(&d.key);
                out.save_unsigned(u64::from(id));
                out.save_unsigned(d.fingerprint);
                out.save_unsigned(d.vector_fingerprint);
            }
            out.save_unsigned(payloads.len() as u64);
            for (i, n, p) in &payloads {
                out.save_unsigned(*i as u64);
                out.save_unsigned(*n as u64);
                out.save_unsigned(p.len() as u64);
                out.save_unsigned(checksum(p));
                let chunks: Vec<&[u8]> = p.chunks(CHUNK).collect();
                out.save_unsigned(chunks.len() as u64);
                chunks.iter().for_each(|c| out.save_bytes(c));
            }
        } else {
            out.save_unsigned(0);
            out.save_unsigned(0);
        }
    }
}

fn ranged(input: &mut impl RdbIn, what: &str, lo: u64, hi: u64) -> DecodeResult<u64> {
    let v = input.load_unsigned()?;
    if v < lo || v > hi {
        return Err(bad(format!("{what} {v} out of range")));
    }
    Ok(v)
}

fn load_payload(input: &mut impl RdbIn) -> DecodeResult<Vec<u8>> {
    let len = ranged(input, "payload length", 0, MAX_PAYLOAD)?;
    let sum = input.load_unsigned()?;
    let chunks = ranged(input, "chunk count", 0, len)?;
    let mut out = Vec::new();
    for _ in 0..chunks {
        let c = input.load_bytes()?;
        if c.is_empty() || (out.len() + c.len()) as u64 > len {
            return Err(bad("payload chunks do not add up to its length"));
        }
        if out.is_empty() {
            out = c;
        } else {
            out.extend_from_slice(&c);
        }
    }
    if out.len() as u64 != len {
        return Err(bad("payload chunks do not add up to its length"));
    }
    if checksum(&out) != sum {
        return Err(bad("payload checksum mismatch"));
    }
    Ok(out)
}

/// Reads what [`encode`] wrote.
pub fn decode(encver: i32, input: &mut impl RdbIn) -> DecodeResult<Vec<Restored>> {
    if encver != ENCVER {
        return Err(bad(format!("unsupported encoding version {encver}")));
    }
    let count = ranged(input, "index count", 0, MAX_INDEXES)?;
    let mut out: Vec<Restored> = Vec::new();
    for _ in 0..count {
        let name = input.load_bytes()?;
        let nargs = ranged(input, "argument count", 0, MAX_ARGS)?;
        let mut args = vec![name];
        for _ in 0..nargs {
            args.push(input.load_bytes()?);
        }
        let def = parse_create(&args)
            .map_err(|e| bad(format!("index definition: {}", e.reply_text())))?;
        if out.iter().any(|r| r.index.def.name == def.name) {
            return Err(bad("duplicate index name"));
        }
        let mut index = Index::new(def.clone()).map_err(bad)?;
        let next_id = ranged(input, "next doc id", 1, MAX_DOCS)?;
        index.failures = input.load_unsigned()?;
        let ndocs = ranged(input, "doc count", 0, next_id - 1)?;
        let mut why: Option<String> = None;
        for _ in 0..ndocs {
            let key = input.load_bytes()?;
            let id = ranged(input, "doc id", 1, next_id - 1)? as u32;
            let fp = input.load_unsigned()?;
            let vfp = input.load_unsigned()?;
            if let Err(e) = index.restore_doc(id, &key, fp, vfp) {
                return Err(bad(e));
            }
        }
        index.set_next_id(next_id);
        let nvec = ranged(input, "vector field count", 0, def.fields.len() as u64)?;
        let mut seen = Vec::new();
        for _ in 0..nvec {
            let f = ranged(input, "field number", 0, def.fields.len() as u64 - 1)? as usize;
            let n = ranged(input, "vector count", 0, ndocs)? as usize;
            let payload = load_payload(input)?;
            let FieldKind::Vector(p) = &def.fields[f].kind else {
                return Err(bad("vectors saved for a field that is not VECTOR"));
            };
            if seen.contains(&f) {
                return Err(bad("vectors saved twice for one field"));
            }
            seen.push(f);
            match Vectors::load(p, n, &payload) {
                Ok(v) => {
                    // Every vector must belong to a saved document.
                    if index.docs().filter(|(id, _)| v.contains(*id)).count() != v.len() {
                        why = Some(format!("field {f}: vectors without a document"));
                    } else if let Err(e) = index.set_vectors(f, v) {
                        why = Some(e);
                    }
                }
                Err(e) => why = Some(format!("field {f}: {e}")),
            }
        }
        let nvector_fields = def
            .fields
            .iter()
            .filter(|f| matches!(f.kind, FieldKind::Vector(_)) && !f.noindex)
            .count();
        if why.is_none() && nvec as usize != nvector_fields && ndocs > 0 {
            why = Some("vectors missing".to_string());
        }
        let rebuild = why.is_some();
        if rebuild {
            index = Index::new(def).map_err(bad)?;
            index.set_next_id(next_id);
        }
        out.push(Restored {
            index,
            rebuild,
            why,
        });
    }
    Ok(out)
}
