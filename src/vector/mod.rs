//! Vector sets (the AI_VECSET type): a usearch HNSW index per key, element
//! names, JSON attributes and the Vector Sets FILTER language; the AI.V*
//! argument parsers. Redis-free.

pub mod ballast;
pub mod compact;
pub mod filter;
pub mod gate;
pub mod graph_check;
pub mod index;
pub mod parse;
pub mod query;
pub mod set;
pub mod stats;

pub use filter::Filter;
pub use index::{Metric, Quant, Spec, VecIndex};
pub use set::{Hit, NewVector, SearchOpts, SetData, VecSet};
