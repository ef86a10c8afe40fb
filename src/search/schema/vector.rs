//! `VECTOR {FLAT|HNSW} <count> <attr> <value> …` (vectors-reference §1.1).

use super::parse::{parse_float, parse_range, show, Cursor};
use super::{
    Algo, VecType, VectorParams, MAX_CAPACITY, MAX_EF, MAX_EPSILON, MAX_HNSW_M, MAX_VECTOR_DIM,
};
use super::{
    DEFAULT_BLOCK_SIZE, DEFAULT_EF_CONSTRUCTION, DEFAULT_EF_RUNTIME, DEFAULT_EPSILON, DEFAULT_M,
    MIN_HNSW_M,
};
use crate::args::Arg;
use crate::error::{Error, Result};
use crate::vector::Metric;

/// Most attribute tokens after `<count>` (every attribute once, twice over).
const MAX_ATTR_TOKENS: usize = 64;

/// The algorithm, the count and the attributes (the cursor stands on the
/// algorithm name).
pub(super) fn parse_vector<T: Arg>(c: &mut Cursor<'_, T>) -> Result<VectorParams> {
    let Some(algo_arg) = c.next() else {
        return Err(Error::err("VECTOR requires an algorithm: FLAT or HNSW"));
    };
    let is = |k: &str| algo_arg.eq_ignore_ascii_case(k.as_bytes());
    let (algo, algo_name) = if is("FLAT") {
        (Algo::Flat, "FLAT")
    } else if is("HNSW") {
        (Algo::Hnsw, "HNSW")
    } else if is("SVS-VAMANA") {
        return Err(Error::err(
            "SVS-VAMANA vector indexes are not supported: use FLAT or HNSW",
        ));
    } else {
        return Err(Error::err(format!(
            "Bad arguments for vector similarity algorithm: `{}` (FLAT or HNSW)",
            show(algo_arg)
        )));
    };
    let count = parse_range(
        c.value(algo_name)?,
        "the vector attribute count",
        0,
        MAX_ATTR_TOKENS,
    )?;
    if count % 2 != 0 {
        return Err(Error::err(format!(
            "Bad number of arguments for vector similarity index: got {count} but expected even number (as algorithm parameters should be submitted as named arguments)"
        )));
    }
    if count > c.remaining() {
        return Err(Error::err(format!(
            "Bad arguments for vector similarity {algo_name} index: {count} attribute arguments announced, {} given",
            c.remaining()
        )));
    }
    let mut p = VectorParams {
        algo,
        vtype: VecType::Float32,
        dim: 0,
        metric: Metric::L2,
        initial_cap: DEFAULT_BLOCK_SIZE,
        block_size: DEFAULT_BLOCK_SIZE,
        m: DEFAULT_M,
        ef_construction: DEFAULT_EF_CONSTRUCTION,
        ef_runtime: DEFAULT_EF_RUNTIME,
        epsilon: DEFAULT_EPSILON,
    };
    let (mut has_type, mut has_dim, mut has_metric) = (false, false, false);
    let bad = |attr: &[u8]| {
        Error::err(format!(
            "Bad arguments for algorithm {algo_name}: {}",
            show(attr)
        ))
    };
    for _ in 0..count / 2 {
        let (Some(attr), Some(v)) = (c.next(), c.next()) else {
            break;
        };
        let is = |k: &str| attr.eq_ignore_ascii_case(k.as_bytes());
        if is("TYPE") {
            p.vtype = parse_type(v)?;
            has_type = true;
        } else if is("DIM") {
            p.dim = parse_range(v, "DIM", 1, MAX_VECTOR_DIM)?;
            has_dim = true;
        } else if is("DISTANCE_METRIC") {
            p.metric = parse_metric(v)?;
            has_metric = true;
        } else if is("INITIAL_CAP") {
            p.initial_cap = parse_range(v, "INITIAL_CAP", 0, MAX_CAPACITY)?;
        } else if is("BLOCK_SIZE") && algo == Algo::Flat {
            p.block_size = parse_range(v, "BLOCK_SIZE", 1, MAX_CAPACITY)?;
        } else if algo == Algo::Flat {
            return Err(bad(attr));
        } else if is("M") {
            p.m = parse_range(v, "M", MIN_HNSW_M, MAX_HNSW_M)?;
        } else if is("EF_CONSTRUCTION") {
            p.ef_construction = parse_range(v, "EF_CONSTRUCTION", 1, MAX_EF)?;
        } else if is("EF_RUNTIME") {
            p.ef_runtime = parse_range(v, "EF_RUNTIME", 1, MAX_EF)?;
        } else if is("EPSILON") {
            p.epsilon = parse_float(v, "EPSILON", 0.0, MAX_EPSILON)?;
            if p.epsilon <= 0.0 {
                return Err(Error::err("EPSILON must be greater than 0"));
            }
        } else {
            return Err(bad(attr));
        }
    }
    for (has, attr) in [
        (has_type, "TYPE"),
        (has_dim, "DIM"),
        (has_metric, "DISTANCE_METRIC"),
    ] {
        if !has {
            return Err(Error::err(format!(
                "Missing mandatory parameter: cannot create {algo_name} index without specifying {attr} argument"
            )));
        }
    }
    Ok(p)
}

fn parse_type(v: &[u8]) -> Result<VecType> {
    let is = |k: &str| v.eq_ignore_ascii_case(k.as_bytes());
    Ok(if is("FLOAT32") {
        VecType::Float32
    } else if is("FLOAT64") {
        VecType::Float64
    } else if is("FLOAT16") {
        VecType::Float16
    } else if is("BFLOAT16") {
        VecType::BFloat16
    } else if is("INT8") || is("UINT8") {
        return Err(Error::err(format!(
            "Vector type {} is not supported: use FLOAT32, FLOAT64, FLOAT16 or BFLOAT16",
            show(v).to_uppercase()
        )));
    } else {
        return Err(Error::err(format!(
            "Bad arguments for vector similarity TYPE: `{}` (FLOAT32, FLOAT64, FLOAT16 or BFLOAT16)",
            show(v)
        )));
    })
}

fn parse_metric(v: &[u8]) -> Result<Metric> {
    let is = |k: &str| v.eq_ignore_ascii_case(k.as_bytes());
    Ok(if is("L2") {
        Metric::L2
    } else if is("IP") {
        Metric::Ip
    } else if is("COSINE") {
        Metric::Cosine
    } else {
        return Err(Error::err(format!(
            "Bad arguments for vector similarity DISTANCE_METRIC: `{}` (L2, IP or COSINE)",
            show(v)
        )));
    })
}
