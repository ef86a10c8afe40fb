//! Index definitions: what `FT.CREATE` declares and `FT.INFO` reports.
//!
//! [`parse_create`] and [`parse_alter`] (in `schema/parse.rs`, VECTOR
//! attributes in `schema/vector.rs`) turn the command arguments into an
//! [`IndexDef`]. They are iterative, never panic, and cap every number.

mod parse;
#[cfg(test)]
mod tests;
mod vector;

pub use parse::{parse_alter, parse_create, IGNORED_CREATE_OPTIONS};

use crate::vector::Metric;

/// The element type of a VECTOR field's blobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VecType {
    Float32,
    Float64,
    Float16,
    BFloat16,
}

impl VecType {
    /// Bytes per element in a hash field's blob.
    pub fn width(self) -> usize {
        match self {
            VecType::Float32 => 4,
            VecType::Float64 => 8,
            VecType::Float16 | VecType::BFloat16 => 2,
        }
    }

    /// The name FT.CREATE takes and FT.INFO shows.
    pub fn name(self) -> &'static str {
        match self {
            VecType::Float32 => "FLOAT32",
            VecType::Float64 => "FLOAT64",
            VecType::Float16 => "FLOAT16",
            VecType::BFloat16 => "BFLOAT16",
        }
    }
}

/// FLAT (exact) or HNSW (graph).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algo {
    Flat,
    Hnsw,
}

/// A VECTOR field's parameters. Defaults are RediSearch's.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorParams {
    pub algo: Algo,
    pub vtype: VecType,
    pub dim: usize,
    pub metric: Metric,
    /// Accepted and reported nowhere (a size hint only).
    pub initial_cap: usize,
    /// FLAT only; accepted, not used.
    pub block_size: usize,
    /// HNSW: 16.
    pub m: usize,
    /// HNSW: 200.
    pub ef_construction: usize,
    /// HNSW: 10.
    pub ef_runtime: usize,
    /// HNSW: 0.01 (VECTOR_RANGE's boundary factor).
    pub epsilon: f64,
}

/// What kind of field, with its type-specific options.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// Tokenized, stop words dropped, stemmed unless `nostem`.
    Text {
        weight: f64,
        nostem: bool,
    },
    /// Split on `separator`, trimmed, lower-cased unless `case_sensitive`.
    Tag {
        separator: u8,
        case_sensitive: bool,
    },
    Numeric,
    Vector(VectorParams),
}

impl FieldKind {
    /// `TEXT`, `TAG`, `NUMERIC`, `VECTOR`.
    pub fn type_name(&self) -> &'static str {
        match self {
            FieldKind::Text { .. } => "TEXT",
            FieldKind::Tag { .. } => "TAG",
            FieldKind::Numeric => "NUMERIC",
            FieldKind::Vector(_) => "VECTOR",
        }
    }
}

/// One SCHEMA entry.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    /// The hash field it reads (`identifier` in FT.INFO).
    pub identifier: Vec<u8>,
    /// The name queries use (`AS alias`, else the identifier).
    pub name: String,
    pub kind: FieldKind,
    pub sortable: bool,
    pub unf: bool,
    pub noindex: bool,
    pub index_missing: bool,
    pub index_empty: bool,
    pub with_suffix_trie: bool,
}

/// Everything FT.CREATE declares. Immutable but for FT.ALTER's new fields.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexDef {
    pub name: String,
    /// Key prefixes; empty means every key (FT.INFO shows `[""]`).
    pub prefixes: Vec<Vec<u8>>,
    /// FILTER expression: kept and reported, not evaluated (documented).
    pub filter: Option<String>,
    /// LANGUAGE: only English stems; others are kept and reported.
    pub language: String,
    /// SCORE: the default document score (1.0).
    pub score: f64,
    /// STOPWORDS: `None` is the default list; `Some(empty)` is none at all.
    pub stopwords: Option<Vec<String>>,
    pub skip_initial_scan: bool,
    pub fields: Vec<FieldDef>,
    /// The FT.CREATE arguments after the index name, verbatim, with FT.ALTER's
    /// new field arguments appended (SCHEMA comes last, so
    /// `parse_create(name + source)` rebuilds this definition). Persistence
    /// and AOF rewrite store this.
    pub source: Vec<Vec<u8>>,
}

impl IndexDef {
    /// Whether a key falls under this index's prefixes.
    pub fn covers(&self, key: &[u8]) -> bool {
        self.prefixes.is_empty() || self.prefixes.iter().any(|p| key.starts_with(p))
    }

    /// The field a query names with `@name`.
    pub fn field(&self, name: &str) -> Option<(usize, &FieldDef)> {
        self.fields.iter().enumerate().find(|(_, f)| f.name == name)
    }

    /// The TEXT fields, with their schema positions.
    pub fn text_fields(&self) -> impl Iterator<Item = (usize, &FieldDef)> {
        self.fields_of("TEXT")
    }

    /// The TAG fields, with their schema positions.
    pub fn tag_fields(&self) -> impl Iterator<Item = (usize, &FieldDef)> {
        self.fields_of("TAG")
    }

    /// The NUMERIC fields, with their schema positions.
    pub fn numeric_fields(&self) -> impl Iterator<Item = (usize, &FieldDef)> {
        self.fields_of("NUMERIC")
    }

    /// The VECTOR fields, with their schema positions and parameters.
    pub fn vector_fields(&self) -> impl Iterator<Item = (usize, &FieldDef, &VectorParams)> {
        self.fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| match &f.kind {
                FieldKind::Vector(p) => Some((i, f, p)),
                _ => None,
            })
    }

    /// Whether any TEXT field is indexed (not NOINDEX).
    pub fn has_indexed_text(&self) -> bool {
        self.text_fields().any(|(_, f)| !f.noindex)
    }

    fn fields_of(&self, type_name: &'static str) -> impl Iterator<Item = (usize, &FieldDef)> {
        self.fields
            .iter()
            .enumerate()
            .filter(move |(_, f)| f.kind.type_name() == type_name)
    }
}

/// Most fields one index may have.
pub const MAX_FIELDS: usize = 1024;
/// Most prefixes one index may have.
pub const MAX_PREFIXES: usize = 1024;
/// Most stop words one index may have.
pub const MAX_STOPWORDS: usize = 65_536;
/// Largest DIM a VECTOR field may have (Vector Sets' and our AI.V* limit).
pub const MAX_VECTOR_DIM: usize = crate::vector::index::MAX_DIM;
/// Largest TEXT field WEIGHT.
pub const MAX_WEIGHT: f64 = 1_000_000.0;
/// HNSW M bounds.
pub const MIN_HNSW_M: usize = 2;
pub const MAX_HNSW_M: usize = 4096;
/// Largest EF_CONSTRUCTION / EF_RUNTIME.
pub const MAX_EF: usize = 1_000_000;
/// Largest INITIAL_CAP / BLOCK_SIZE (2^31).
pub const MAX_CAPACITY: usize = 1 << 31;
/// Largest EPSILON.
pub const MAX_EPSILON: f64 = 1_000_000.0;
/// Largest TEMPORARY, in seconds (ten years).
pub const MAX_TEMPORARY_SECS: u64 = 10 * 365 * 24 * 3600;
/// Default HNSW parameters (RediSearch's).
pub const DEFAULT_M: usize = 16;
pub const DEFAULT_EF_CONSTRUCTION: usize = 200;
pub const DEFAULT_EF_RUNTIME: usize = 10;
pub const DEFAULT_EPSILON: f64 = 0.01;
/// Default INITIAL_CAP and BLOCK_SIZE.
pub const DEFAULT_BLOCK_SIZE: usize = 1024;
