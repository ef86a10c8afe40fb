//! The `AI_SCRIPT` RDB encoding, compatible with RedisAI 1.2.7.
//!
//! encver 4 (written; identical to 3):
//! `device:str(NUL) tag:str source:str(NUL) n:u entry_point:str(NUL)×n`.
//!
//! encver 1–2: no entry points. encver 0: no entry points, and the tag is a
//! C string (with its NUL), as in the model encoding of that version.
//!
//! One trailing NUL is stripped from a NUL-terminated string if present
//! (RedisAI wrote C strings with theirs, hand-built payloads may omit it);
//! the bytes before it are kept as they are, so the source round-trips
//! byte-exact.

use super::{DecodeError, DecodeResult, RdbIn, RdbOut};
use crate::script::{ScriptMeta, MAX_ENTRY_POINTS, MAX_SOURCE_BYTES};

pub const ENCVER: i32 = 4;

/// The longest device string read back: far above any valid one (they are
/// shorter than 10 bytes), and compiling refuses the rest.
const MAX_DEVICE: usize = 64;
/// The longest entry point name read back: a name is a function of the
/// source, so it is no longer than the source can be.
const MAX_NAME: usize = MAX_SOURCE_BYTES;

fn with_nul(s: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len() + 1);
    v.extend_from_slice(s);
    v.push(0);
    v
}

fn strip_nul(mut v: Vec<u8>) -> Vec<u8> {
    if v.last() == Some(&0) {
        v.pop();
    }
    v
}

pub fn encode(meta: &ScriptMeta, source: &[u8], out: &mut impl RdbOut) {
    out.save_bytes(&with_nul(&meta.device));
    out.save_bytes(&meta.tag);
    out.save_bytes(&with_nul(source));
    out.save_unsigned(meta.entry_points.len() as u64);
    for e in &meta.entry_points {
        out.save_bytes(&with_nul(e.as_bytes()));
    }
}

/// A string of at most `max` bytes (after its NUL is stripped).
fn bounded(v: Vec<u8>, max: usize, what: &str) -> DecodeResult<Vec<u8>> {
    if v.len() > max {
        return Err(DecodeError::new(format!(
            "script {what} of {} bytes (the limit is {max})",
            v.len()
        )));
    }
    Ok(v)
}

fn entry_points(inp: &mut impl RdbIn) -> DecodeResult<Vec<String>> {
    let n = inp.load_unsigned()?;
    if n > MAX_ENTRY_POINTS as u64 {
        return Err(DecodeError::new(format!("script has {n} entry points")));
    }
    // Grown as names arrive: the count alone reserves nothing.
    let mut out = Vec::new();
    for _ in 0..n {
        let name = bounded(strip_nul(inp.load_bytes()?), MAX_NAME, "entry point name")?;
        let name = String::from_utf8(name)
            .map_err(|_| DecodeError::new("script entry point name is not UTF-8"))?;
        out.push(name);
    }
    Ok(out)
}

/// Decodes a script's metadata and source; the caller compiles it.
pub fn decode(encver: i32, inp: &mut impl RdbIn) -> DecodeResult<(ScriptMeta, Vec<u8>)> {
    if !(0..=ENCVER).contains(&encver) {
        return Err(DecodeError::new(format!(
            "Failed loading script, RedisAI version ({}) is not forward compatible.",
            env!("CARGO_PKG_VERSION")
        )));
    }
    let device = bounded(strip_nul(inp.load_bytes()?), MAX_DEVICE, "device")?;
    let tag = match encver {
        0 => strip_nul(inp.load_bytes()?),
        _ => inp.load_bytes()?,
    };
    let source = bounded(strip_nul(inp.load_bytes()?), MAX_SOURCE_BYTES, "source")?;
    let entry_points = if encver >= 3 {
        entry_points(inp)?
    } else {
        Vec::new()
    };
    let meta = ScriptMeta {
        device,
        tag,
        entry_points,
    };
    Ok((meta, source))
}

#[cfg(test)]
mod tests;
