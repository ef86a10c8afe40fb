//! Vector indexes (issue 4, in progress): so far the FILTER expression
//! language of Redis Vector Sets. Redis-free.

pub mod filter;

pub use filter::Filter;
