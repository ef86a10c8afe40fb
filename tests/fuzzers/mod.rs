//! The wire fuzzers' generators, one module per area, shared by the
//! per-area fuzz tests (tests/fuzz.rs, tests/ft_fuzz.rs, tests/script_fuzz.rs,
//! tests/model_fuzz.rs, tests/vector_persistence.rs) and the mixed fuzz
//! against one server (tests/fuzz_all.rs). Each area has its fixtures
//! (`setup`), its command generators and its reply check; the budget, the
//! hostile inputs, DUMP surgery and the runner are in
//! tests/common/fuzzgen.rs.

#![allow(dead_code)]

pub mod ft;
pub mod ft_hybrid;
pub mod ft_schema;
pub mod model;
pub mod script;
pub mod tensor;
pub mod tf;
pub mod vector;
