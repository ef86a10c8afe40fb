//! Vector indexes (issue 4, in progress): so far the FILTER expression
//! language of Redis Vector Sets and a checked wrapper over a usearch HNSW
//! index. Not wired to Redis yet. Redis-free.

pub mod filter;
pub mod index;

pub use filter::Filter;
pub use index::{Metric, Quant, Spec, VecIndex};
