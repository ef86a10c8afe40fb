//! Tensors as vectors: a TENSOR of shape `[dim]` or `[1, dim]` is one
//! vector, `[n, dim]` is n of them. Redis-free.

use crate::error::{Error, Result};
use crate::tensor::{DType, Tensor, Value};

pub const ERR_TENSOR_SHAPE: &str = "TENSOR must have shape [dim], [1, dim] or [n, dim]";
pub const ERR_TENSOR_TYPE: &str = "TENSOR must hold numbers";
/// Most query rows one AI.VSIM TENSOR may hold.
pub const MAX_QUERY_ROWS: usize = 1024;
/// Most hits a batched AI.VSIM may return in all: rows × COUNT (COUNT
/// clamped to the set's size).
pub const MAX_BATCH_HITS: usize = 1_000_000;

/// The rows of `t` as f32 vectors, and whether it is a batch: `[n, dim]`
/// is a batch of n, while `[dim]` and `[1, dim]` are one vector.
pub fn tensor_rows(t: &Tensor) -> Result<(Vec<Vec<f32>>, bool)> {
    if matches!(t.dtype(), DType::String | DType::Bool) {
        return Err(Error::err(ERR_TENSOR_TYPE));
    }
    let (rows, dim, batch) = match *t.shape() {
        [d] if d > 0 => (1, d as usize, false),
        [1, d] if d > 0 => (1, d as usize, false),
        [n, d] if n > 0 && d > 0 => (n as usize, d as usize, true),
        _ => return Err(Error::err(ERR_TENSOR_SHAPE)),
    };
    if rows > MAX_QUERY_ROWS {
        return Err(Error::err(format!(
            "TENSOR holds more than {MAX_QUERY_ROWS} query rows"
        )));
    }
    let flat: Vec<f32> = t
        .values()
        .map(|v| match v {
            Value::Int(i) => i as f32,
            Value::Float(f) => f as f32,
            Value::Str(_) => f32::NAN,
        })
        .collect();
    if flat.len() != rows * dim {
        return Err(Error::err(ERR_TENSOR_SHAPE));
    }
    Ok((flat.chunks_exact(dim).map(<[f32]>::to_vec).collect(), batch))
}

#[cfg(test)]
mod tests;
