//! The RediSearch-compatible `FT.*` layer: secondary indexes over hashes.
//! Redis-free, like the other domain modules; the command layer
//! (`commands/ft/`) reads hashes and calls in here.
//!
//! - [`schema`]: `FT.CREATE` / `FT.ALTER` arguments → [`schema::IndexDef`];
//! - [`query`]: the DIALECT 2 query language → [`query::Query`] (iterative
//!   parser with caps on length, terms and depth);
//! - [`text`]: tokenizer, stop words, English stemming, BM25;
//! - [`index`]: one index's documents and per-field structures;
//! - [`exec`]: runs a query over an index;
//! - [`codec`]: the persisted form of an index, graphs included;
//! - [`registry`]: the server's indexes by name.

pub mod codec;
pub mod exec;
pub mod index;
pub mod query;
pub mod registry;
pub mod schema;
pub mod text;
pub mod vectors;

/// A document number inside one index (RediSearch's doc id).
pub type DocId = u32;
