//! Tensors: a dtype, a shape and dense row-major little-endian bytes.
//!
//! This module is Redis-free. A [`Tensor`] is immutable once built, so the
//! keyspace shares it behind an `Arc` and a running model can keep a snapshot.
//!
//! STRING tensors keep their elements NUL-terminated and concatenated, which
//! is also their BLOB form on the wire.

mod batch;
mod dtype;
mod parse;
mod values;

pub use dtype::{code, DType};
pub use parse::{parse_tensorget, parse_tensorset, DataFormat, GetFormat, TensorSet};
pub use values::{parse_f64, parse_i64, parse_value, Value};

use crate::args::Arg;
use crate::error::{Error, Result};

/// The largest tensor payload accepted, in bytes (and elements, for STRING).
/// A shape such as `100000 100000 100000` with no data would otherwise ask
/// the allocator for petabytes and abort the server.
pub const MAX_TENSOR_BYTES: u64 = 1 << 32;
/// The most dimensions a tensor may have (AI.TENSORSET, DAG ops, RDB).
pub const MAX_TENSOR_DIMS: usize = 256;

pub const ERR_SHAPE: &str = "invalid or negative value found in tensor shape";
pub const ERR_BLOB_LEN: &str = "data length does not match tensor shape and type";
pub const ERR_BOOL: &str = "BOOL tensor elements must be 0 or 1";
pub const ERR_STRING_COUNT: &str =
    "Number of string elements in data blob does not match tensor length";
pub const ERR_VALUES_COUNT: &str = "wrong number of values was given in 'AI.TENSORSET' command";

/// A dense tensor that owns its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tensor {
    dtype: DType,
    shape: Vec<i64>,
    data: Vec<u8>,
}

/// Number of elements of `shape`, checked against overflow and the size cap.
/// Every dimension must be positive; an empty shape is a scalar (1 element).
pub fn element_count(dtype: DType, shape: &[i64]) -> Result<usize> {
    if shape.len() > MAX_TENSOR_DIMS {
        return Err(Error::err(format!(
            "tensor has more than {MAX_TENSOR_DIMS} dimensions"
        )));
    }
    let mut n: u64 = 1;
    for &d in shape {
        if d <= 0 {
            return Err(Error::err(ERR_SHAPE));
        }
        n = n.checked_mul(d as u64).ok_or_else(too_large)?;
    }
    let bytes = n
        .checked_mul(dtype.elem_size().unwrap_or(1) as u64)
        .ok_or_else(too_large)?;
    if bytes > MAX_TENSOR_BYTES {
        return Err(too_large());
    }
    usize::try_from(n).map_err(|_| too_large())
}

fn too_large() -> Error {
    Error::err(format!(
        "tensor size exceeds the maximum of {MAX_TENSOR_BYTES} bytes"
    ))
}

impl Tensor {
    /// A tensor of zeros (empty strings for STRING).
    pub fn zeros(dtype: DType, shape: Vec<i64>) -> Result<Tensor> {
        let n = element_count(dtype, &shape)?;
        let len = n * dtype.elem_size().unwrap_or(1);
        Ok(Tensor {
            dtype,
            shape,
            data: vec![0u8; len],
        })
    }

    /// A tensor from a BLOB argument, validated as AI.TENSORSET does.
    pub fn from_blob(dtype: DType, shape: Vec<i64>, blob: &[u8]) -> Result<Tensor> {
        let n = element_count(dtype, &shape)?;
        validate_blob(dtype, n, blob)?;
        Ok(Tensor {
            dtype,
            shape,
            data: blob.to_vec(),
        })
    }

    /// A tensor from VALUES arguments. Exactly one value per element.
    pub fn from_values<T: Arg>(dtype: DType, shape: Vec<i64>, values: &[T]) -> Result<Tensor> {
        let n = element_count(dtype, &shape)?;
        if values.len() != n {
            return Err(Error::err(ERR_VALUES_COUNT));
        }
        let mut data = Vec::with_capacity(n * dtype.elem_size().unwrap_or(2));
        for v in values {
            values::encode_value(dtype, v.bytes(), &mut data)?;
        }
        Ok(Tensor { dtype, shape, data })
    }

    /// Replaces this tensor with a BLOB, reusing its buffers (no allocation
    /// when they are large enough). Checks first: on an error nothing changes.
    pub fn overwrite(&mut self, dtype: DType, shape: &[i64], blob: &[u8]) -> Result<()> {
        let n = element_count(dtype, shape)?;
        validate_blob(dtype, n, blob)?;
        self.dtype = dtype;
        self.shape.clear();
        self.shape.extend_from_slice(shape);
        self.data.clear();
        self.data.extend_from_slice(blob);
        Ok(())
    }

    /// Builds a tensor from parts that were validated elsewhere (RDB decoding,
    /// which re-validates with [`Tensor::from_blob`] semantics).
    pub fn from_parts(dtype: DType, shape: Vec<i64>, data: Vec<u8>) -> Result<Tensor> {
        let n = element_count(dtype, &shape)?;
        validate_blob(dtype, n, &data)?;
        Ok(Tensor { dtype, shape, data })
    }

    pub fn dtype(&self) -> DType {
        self.dtype
    }

    pub fn shape(&self) -> &[i64] {
        &self.shape
    }

    /// The raw bytes: dense numbers, or NUL-terminated strings.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.shape.iter().map(|&d| d as usize).product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// STRING elements, without their NUL terminators.
    pub fn string_elements(&self) -> impl Iterator<Item = &[u8]> {
        let data: &[u8] = if self.dtype == DType::String {
            self.data.strip_suffix(b"\0").unwrap_or(&self.data)
        } else {
            &[]
        };
        let mut parts = data.split(|&b| b == 0);
        // `split` yields one empty item for empty input; a STRING tensor
        // always has at least one element, so that item is a real "".
        std::iter::from_fn(move || parts.next()).take(if self.dtype == DType::String {
            self.len()
        } else {
            0
        })
    }

    /// Start offset of every STRING element in [`Tensor::data`], lazily:
    /// a tensor can hold billions of elements.
    pub fn string_offsets(&self) -> impl Iterator<Item = u64> + '_ {
        self.string_elements().scan(0u64, |start, e| {
            let off = *start;
            *start += e.len() as u64 + 1;
            Some(off)
        })
    }

    /// The elements as reply values (numbers decoded from little-endian),
    /// lazily; there are [`Tensor::len`] of them.
    pub fn values(&self) -> impl Iterator<Item = Value<'_>> + '_ {
        let numeric = self.dtype != DType::String;
        let size = self.dtype.elem_size().unwrap_or(1);
        let numbers = self
            .data
            .chunks_exact(size)
            .take(if numeric { usize::MAX } else { 0 })
            .map(move |b| values::decode_value(self.dtype, b));
        numbers.chain(self.string_elements().map(Value::Str))
    }

    /// Approximate heap footprint, for `MEMORY USAGE`.
    pub fn heap_size(&self) -> usize {
        std::mem::size_of::<Tensor>() + self.data.capacity() + self.shape.capacity() * 8
    }
}

impl AsRef<Tensor> for Tensor {
    fn as_ref(&self) -> &Tensor {
        self
    }
}

fn validate_blob(dtype: DType, n: usize, blob: &[u8]) -> Result<()> {
    match dtype.elem_size() {
        Some(size) => {
            if blob.len() != n * size {
                return Err(Error::err(ERR_BLOB_LEN));
            }
            if dtype == DType::Bool && blob.iter().any(|&b| b > 1) {
                return Err(Error::err(ERR_BOOL));
            }
        }
        None => {
            let nuls = blob.iter().filter(|&&b| b == 0).count();
            if blob.last() != Some(&0) || nuls != n {
                return Err(Error::err(ERR_STRING_COUNT));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
