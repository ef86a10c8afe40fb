//! The `AI__MODEL` RDB encoding, compatible with RedisAI 1.2.7.
//!
//! encver 4 (written; identical to 2 and 3):
//! `backend:u device:str(NUL) tag:str batchsize:u minbatchsize:u
//! minbatchtimeout:u ninputs:u input:str(NUL)×n noutputs:u output:str(NUL)×n
//! len:u nchunks:u chunk:str×nchunks`.
//!
//! encver 1: no minbatchtimeout. encver 0: the tag is a C string (with its
//! NUL), no minbatchtimeout, and the blob is one string.
//! Chunks are MODEL_CHUNK_SIZE bytes, with no empty trailing chunk
//! (Decision 2); RedisAI files that have one load fine.

use super::{DecodeError, DecodeResult, RdbIn, RdbOut};
use crate::backends::BackendKind;
use crate::model::{chunks, ModelMeta};

pub const ENCVER: i32 = 4;

/// More names than any model has: a larger count is corruption.
const MAX_NAMES: u64 = 1 << 16;
/// Model blobs are capped like tensors.
const MAX_BLOB: u64 = crate::tensor::MAX_TENSOR_BYTES;

pub fn backend_code(b: BackendKind) -> u64 {
    match b {
        BackendKind::Tf => 0,
        BackendKind::Tflite => 1,
        BackendKind::Torch => 2,
        BackendKind::Onnx => 3,
    }
}

fn backend_of(code: u64) -> DecodeResult<BackendKind> {
    Ok(match code {
        0 => BackendKind::Tf,
        1 => BackendKind::Tflite,
        2 => BackendKind::Torch,
        3 => BackendKind::Onnx,
        _ => return Err(DecodeError::new(format!("unknown model backend {code}"))),
    })
}

fn with_nul(s: &[u8]) -> Vec<u8> {
    let mut v = s.to_vec();
    v.push(0);
    v
}

fn strip_nul(mut v: Vec<u8>) -> Vec<u8> {
    if v.last() == Some(&0) {
        v.pop();
    }
    v
}

pub fn encode(meta: &ModelMeta, blob: &[u8], chunk_size: usize, out: &mut impl RdbOut) {
    out.save_unsigned(backend_code(meta.backend));
    out.save_bytes(&with_nul(&meta.device));
    out.save_bytes(&meta.tag);
    out.save_unsigned(meta.batchsize);
    out.save_unsigned(meta.minbatchsize);
    out.save_unsigned(meta.minbatchtimeout);
    for names in [&meta.inputs, &meta.outputs] {
        out.save_unsigned(names.len() as u64);
        for n in names {
            out.save_bytes(&with_nul(n.as_bytes()));
        }
    }
    out.save_unsigned(blob.len() as u64);
    let pieces = chunks(blob, chunk_size);
    out.save_unsigned(pieces.len() as u64);
    for p in pieces {
        out.save_bytes(p);
    }
}

fn names(inp: &mut impl RdbIn) -> DecodeResult<Vec<String>> {
    let n = inp.load_unsigned()?;
    if n > MAX_NAMES {
        return Err(DecodeError::new(format!(
            "model has {n} input or output names"
        )));
    }
    // Grown as names arrive: the count alone reserves nothing.
    let mut out = Vec::new();
    for _ in 0..n {
        let b = strip_nul(inp.load_bytes()?);
        out.push(String::from_utf8_lossy(&b).into_owned());
    }
    Ok(out)
}

/// Decodes a model's metadata and blob; the caller compiles it.
pub fn decode(encver: i32, inp: &mut impl RdbIn) -> DecodeResult<(ModelMeta, Vec<u8>)> {
    if !(0..=ENCVER).contains(&encver) {
        return Err(DecodeError::new(format!(
            "Failed loading model, RedisAI version ({}) is not forward compatible.",
            env!("CARGO_PKG_VERSION")
        )));
    }
    let backend = backend_of(inp.load_unsigned()?)?;
    let device = strip_nul(inp.load_bytes()?);
    let tag = match encver {
        0 => strip_nul(inp.load_bytes()?),
        _ => inp.load_bytes()?,
    };
    let batchsize = inp.load_unsigned()?;
    let minbatchsize = inp.load_unsigned()?;
    let minbatchtimeout = if encver >= 2 { inp.load_unsigned()? } else { 0 };
    let inputs = names(inp)?;
    let outputs = names(inp)?;
    // A TF model runs only the operations it names, and its AOF rewrite
    // replays through MODELSTORE, which refuses empty lists.
    if backend == BackendKind::Tf && (inputs.is_empty() || outputs.is_empty()) {
        return Err(DecodeError::new("TF model without INPUTS or OUTPUTS names"));
    }
    let blob = if encver == 0 {
        inp.load_bytes()?
    } else {
        let len = inp.load_unsigned()?;
        if len > MAX_BLOB {
            return Err(DecodeError::new(format!("model blob of {len} bytes")));
        }
        // Every chunk but the last holds at least one byte (RedisAI wrote an
        // empty trailing one), so there are at most len + 1; the chunks are
        // read from the payload, and the blob grows only as they arrive.
        let n = inp.load_unsigned()?;
        if n > len + 1 {
            return Err(DecodeError::new(format!("{n} chunks for {len} bytes")));
        }
        let mut blob = Vec::new();
        for i in 0..n {
            let chunk = inp.load_bytes()?;
            if chunk.is_empty() && i + 1 < n {
                return Err(DecodeError::new("empty model blob chunk"));
            }
            if blob.len() as u64 + chunk.len() as u64 > len {
                return Err(DecodeError::new(format!(
                    "model blob chunks exceed its stated {len} bytes"
                )));
            }
            if blob.is_empty() {
                blob = chunk;
            } else {
                blob.extend_from_slice(&chunk);
            }
        }
        if blob.len() as u64 != len {
            return Err(DecodeError::new(format!(
                "model blob is {} bytes, its header says {len}",
                blob.len()
            )));
        }
        blob
    };
    let meta = ModelMeta {
        backend,
        device,
        tag,
        batchsize,
        minbatchsize,
        minbatchtimeout,
        inputs,
        outputs,
    };
    Ok((meta, blob))
}

#[cfg(test)]
mod tests;
