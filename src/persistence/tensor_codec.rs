//! The `AI_TENSOR` RDB encoding, compatible with RedisAI 1.2.7.
//!
//! encver 4 (written):
//! `code:u bits:u ndim:s dims:s×ndim data:str [offsets:u×N for STRING]`.
//!
//! encver 0–3 (read only): DLPack fields
//! `device_type:u device_id:u bits:u code:u lanes:u ndim:u dims:u×ndim
//! strides:u×ndim byte_offset:u data:str`.

use super::{DecodeError, DecodeResult, RdbIn, RdbOut};
use crate::tensor::{DType, Tensor};

/// The encoding version written by `rdb_save`.
pub const ENCVER: i32 = 4;

/// No real tensor has more dimensions; a larger count is corruption.
const MAX_NDIM: u64 = 256;

pub fn encode(t: &Tensor, out: &mut impl RdbOut) {
    let (code, bits) = t.dtype().dlpack();
    out.save_unsigned(code);
    out.save_unsigned(bits);
    out.save_signed(t.shape().len() as i64);
    for &d in t.shape() {
        out.save_signed(d);
    }
    out.save_bytes(t.data());
    if t.dtype() == DType::String {
        for off in t.string_offsets() {
            out.save_unsigned(off);
        }
    }
}

pub fn decode(encver: i32, inp: &mut impl RdbIn) -> DecodeResult<Tensor> {
    match encver {
        4 => decode_v4(inp),
        0..=3 => decode_legacy(inp),
        _ => Err(DecodeError::new(format!(
            "Failed loading tensor, RedisAI version ({}) is not forward compatible.",
            env!("CARGO_PKG_VERSION")
        ))),
    }
}

fn dtype_of(code: u64, bits: u64) -> DecodeResult<DType> {
    DType::from_dlpack(code, bits).ok_or_else(|| {
        DecodeError::new(format!(
            "tensor has an unsupported data type (code {code}, bits {bits})"
        ))
    })
}

fn ndim_of(n: u64) -> DecodeResult<usize> {
    if n > MAX_NDIM {
        return Err(DecodeError::new(format!("tensor has {n} dimensions")));
    }
    Ok(n as usize)
}

fn build(dtype: DType, shape: Vec<i64>, data: Vec<u8>) -> DecodeResult<Tensor> {
    Tensor::from_parts(dtype, shape, data)
        .map_err(|e| DecodeError::new(format!("invalid tensor payload: {}", e.reply_text())))
}

fn decode_v4(inp: &mut impl RdbIn) -> DecodeResult<Tensor> {
    let code = inp.load_unsigned()?;
    let bits = inp.load_unsigned()?;
    let dtype = dtype_of(code, bits)?;
    let ndim = inp.load_signed()?;
    let ndim = ndim_of(u64::try_from(ndim).unwrap_or(u64::MAX))?;
    let mut shape = Vec::with_capacity(ndim);
    for _ in 0..ndim {
        shape.push(inp.load_signed()?);
    }
    let data = inp.load_bytes()?;
    if dtype != DType::String {
        return build(dtype, shape, data);
    }
    let n = crate::tensor::element_count(dtype, &shape)
        .map_err(|e| DecodeError::new(e.reply_text()))?;
    // Elements that do not overlap add up to at most the stored data, in
    // any order; more means offsets repeat an element, and a few bytes of
    // offsets would multiply one long element into gigabytes.
    let mut blob = Vec::with_capacity(data.len());
    for _ in 0..n {
        let off = inp.load_unsigned()?;
        let rest = usize::try_from(off)
            .ok()
            .and_then(|o| data.get(o..))
            .ok_or_else(|| DecodeError::new("string tensor offset out of range"))?;
        let end = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| DecodeError::new("string tensor element is not terminated"))?;
        if blob.len() + end + 1 > data.len() {
            return Err(DecodeError::new("string tensor elements overlap"));
        }
        blob.extend_from_slice(&rest[..=end]);
    }
    build(dtype, shape, blob)
}

fn decode_legacy(inp: &mut impl RdbIn) -> DecodeResult<Tensor> {
    let _device_type = inp.load_unsigned()?;
    let _device_id = inp.load_unsigned()?;
    let bits = inp.load_unsigned()?;
    let code = inp.load_unsigned()?;
    let lanes = inp.load_unsigned()?;
    if lanes != 1 {
        return Err(DecodeError::new(format!("tensor has {lanes} lanes")));
    }
    let dtype = dtype_of(code, bits)?;
    let ndim = ndim_of(inp.load_unsigned()?)?;
    let mut shape = Vec::with_capacity(ndim);
    for _ in 0..ndim {
        let d = inp.load_unsigned()?;
        shape.push(i64::try_from(d).map_err(|_| DecodeError::new("tensor dimension overflows"))?);
    }
    // Strides were always the dense row-major ones; the data is re-read densely.
    for _ in 0..ndim {
        inp.load_unsigned()?;
    }
    let byte_offset = inp.load_unsigned()?;
    let data = inp.load_bytes()?;
    let data = match usize::try_from(byte_offset)
        .ok()
        .filter(|&o| o <= data.len())
    {
        Some(0) => data,
        Some(o) => data[o..].to_vec(),
        None => return Err(DecodeError::new("tensor byte offset out of range")),
    };
    build(dtype, shape, data)
}

#[cfg(test)]
mod tests;
