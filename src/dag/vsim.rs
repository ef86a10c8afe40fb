//! `AI.VSIM <vset-key> TENSOR <dag tensor> COUNT k [EF n] [FILTER expr]
//! [FILTER-EF n] [EPSILON d] [TRUTH] OUTPUTS 2 <ids> <scores>` inside a DAG:
//! a search of a vector set whose query is a DAG tensor (`[dim]`, `[1, dim]`
//! or `[q, dim]`), writing two DAG tensors: the element names (STRING
//! `[q, k]`) and their scores (FLOAT `[q, k]`), `k` being the most hits any
//! row found (at most COUNT, at least 1: a tensor has no empty dimension);
//! shorter rows are padded with an empty name and a NaN score, so a query
//! that found nothing (a cache miss under FILTER or EPSILON) gives `[q, 1]`
//! of "" and NaN. The set is read from the keyspace when the DAG is parsed and
//! searched on a worker under its reader lock.

use std::sync::Arc;

use crate::args::{is_keyword, Arg};
use crate::error::{Error, Result};
use crate::tensor::{DType, Tensor};
use crate::vector::parse::{parse_vsim, Source};
use crate::vector::query::{tensor_rows, MAX_BATCH_HITS};
use crate::vector::{SearchOpts, VecSet};

const ERR_OUTPUTS: &str = "AI.VSIM in a DAG ends with OUTPUTS 2 <ids> <scores>";

/// A parsed in-DAG AI.VSIM.
#[derive(Clone)]
pub struct VsimOp {
    pub set: Arc<VecSet>,
    pub opts: SearchOpts,
    /// The query tensor's slot.
    pub query: usize,
    /// The ids' and the scores' slots.
    pub outputs: Vec<usize>,
}

/// What the parser gets from an in-DAG AI.VSIM: the argv positions of the
/// query tensor's name and of the two output names.
pub struct VsimArgs {
    pub opts: SearchOpts,
    pub query: usize,
    pub ids: usize,
    pub scores: usize,
}

/// Parses the op's arguments (`op[0]` is `AI.VSIM`).
pub fn parse_op<T: Arg>(op: &[T]) -> Result<VsimArgs> {
    let n = op.len();
    if n < 8 || !is_keyword(&op[n - 4], "OUTPUTS") || op[n - 3].bytes() != b"2" {
        return Err(Error::err(ERR_OUTPUTS));
    }
    let req = parse_vsim(&op[..n - 4])?;
    let Source::Tensor(query) = req.source else {
        return Err(Error::err(
            "AI.VSIM in a DAG takes its query from a DAG tensor: TENSOR <name>",
        ));
    };
    if req.with_attrs || req.with_scores || req.nothread {
        return Err(Error::err(
            "WITHSCORES, WITHATTRIBS and NOTHREAD do not apply to AI.VSIM in a DAG",
        ));
    }
    let opts = req.search_opts();
    Ok(VsimArgs {
        opts,
        query,
        ids: n - 2,
        scores: n - 1,
    })
}

impl VsimOp {
    /// Searches the set for every row of the query; two tensors.
    pub fn run(&self, inputs: &[Arc<Tensor>]) -> Result<Vec<Tensor>> {
        let q = inputs
            .first()
            .ok_or_else(|| Error::err("INPUT key cannot be found in DAG"))?;
        let (rows, _) = tensor_rows(q)?;
        let data = self.set.read_shared();
        if rows.len().saturating_mul(self.opts.count.min(data.len())) > MAX_BATCH_HITS {
            return Err(Error::err(format!(
                "a TENSOR query may return at most {MAX_BATCH_HITS} results in all (rows x COUNT)"
            )));
        }
        let hits = rows
            .iter()
            .map(|r| data.search(r, &self.opts).map_err(Error::err))
            .collect::<Result<Vec<_>>>()?;
        drop(data);
        let k = hits.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let mut names = Vec::new();
        let mut scores = Vec::with_capacity(rows.len() * k * 4);
        for row in &hits {
            for j in 0..k {
                match row.get(j) {
                    Some(h) => {
                        if h.name.contains(&0) {
                            return Err(Error::err(
                                "an element name holds a NUL byte and cannot be a STRING tensor element",
                            ));
                        }
                        names.extend_from_slice(&h.name);
                        scores.extend_from_slice(&(h.score as f32).to_le_bytes());
                    }
                    None => scores.extend_from_slice(&f32::NAN.to_le_bytes()),
                }
                names.push(0);
            }
        }
        let shape = vec![rows.len() as i64, k as i64];
        Ok(vec![
            Tensor::from_blob(DType::String, shape.clone(), &names)?,
            Tensor::from_blob(DType::Float, shape, &scores)?,
        ])
    }
}
