//! Concatenation and splitting along dim 0, for auto-batching.

use super::{DType, Tensor};
use crate::error::{Error, Result};

impl Tensor {
    /// Dim 0, or `None` for a scalar.
    pub fn batch_dim(&self) -> Option<i64> {
        self.shape.first().copied()
    }

    /// Concatenates tensors along dim 0. They must share dtype, rank and
    /// the dims after the first (the batcher checks this first).
    pub fn concat_dim0(parts: &[&Tensor]) -> Result<Tensor> {
        let first = parts
            .first()
            .ok_or_else(|| Error::err("nothing to concatenate"))?;
        let mut shape = first.shape.clone();
        let compatible = |t: &Tensor| {
            t.dtype == first.dtype
                && t.shape.len() == first.shape.len()
                && t.shape.get(1..) == first.shape.get(1..)
                && !t.shape.is_empty()
        };
        if !parts.iter().all(|t| compatible(t)) {
            return Err(Error::err(
                "batched inputs have incompatible shapes or types",
            ));
        }
        shape[0] = parts.iter().map(|t| t.shape[0]).sum();
        let mut data = Vec::with_capacity(parts.iter().map(|t| t.data.len()).sum());
        parts.iter().for_each(|t| data.extend_from_slice(&t.data));
        Ok(Tensor {
            dtype: first.dtype,
            shape,
            data,
        })
    }

    /// Splits along dim 0 into pieces of `sizes` rows; the sizes must add
    /// up to dim 0.
    pub fn split_dim0(&self, sizes: &[i64]) -> Result<Vec<Tensor>> {
        let rows = self.batch_dim().unwrap_or(0);
        if rows != sizes.iter().sum::<i64>() || sizes.iter().any(|&s| s < 0) {
            return Err(Error::err(crate::model::ERR_BATCH_SIZE));
        }
        let per_row: usize = self.shape[1..].iter().map(|&d| d as usize).product();
        let mut out = Vec::with_capacity(sizes.len());
        let mut start = 0usize;
        let mut string_starts = self.string_row_starts(per_row);
        for &n in sizes {
            let mut shape = self.shape.clone();
            shape[0] = n;
            let end = match self.dtype.elem_size() {
                Some(size) => start + n as usize * per_row * size,
                None if n == 0 => start,
                None => string_starts.nth(n as usize - 1).unwrap_or(self.data.len()),
            };
            let data = self
                .data
                .get(start..end)
                .ok_or_else(|| Error::err(crate::model::ERR_BATCH_SIZE))?
                .to_vec();
            out.push(Tensor::from_parts(self.dtype, shape, data)?);
            start = end;
        }
        Ok(out)
    }

    /// For STRING: the byte offset where each row after the first starts
    /// (the end of each row), in order.
    fn string_row_starts(&self, per_row: usize) -> impl Iterator<Item = usize> + '_ {
        let string = self.dtype == DType::String;
        self.data
            .iter()
            .enumerate()
            .filter(move |&(_, &b)| string && b == 0)
            .map(|(i, _)| i + 1)
            .skip(per_row.saturating_sub(1))
            .step_by(per_row.max(1))
    }
}
