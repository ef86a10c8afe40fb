//! VALUES arguments: parse one per element, and decode elements for replies.

use super::DType;
use crate::error::{Error, Result};

pub const ERR_VALUE: &str = "invalid value";
pub const ERR_NUL_IN_STRING: &str = "C-string value contains null character";

/// One element, as AI.TENSORGET VALUES replies it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Int(i64),
    Float(f64),
    Str(&'a [u8]),
}

/// Parses an integer the way Redis does (`string2ll`): optional `-`, digits,
/// no `+`, no spaces, no leading zeros.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, s),
    };
    if digits.is_empty()
        || !digits.iter().all(u8::is_ascii_digit)
        || (digits[0] == b'0' && (digits.len() > 1 || neg))
    {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Parses a double the way Redis does (`strtod`, no leading space, no NaN).
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(s).ok()?;
    if text.is_empty() || text.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    let v: f64 = text.parse().ok()?;
    (!v.is_nan()).then_some(v)
}

/// Parses one VALUES token for `dtype` (any dtype but STRING).
pub fn parse_value(dtype: DType, s: &[u8]) -> Result<Value<'_>> {
    let bad = || Error::err(ERR_VALUE);
    match dtype {
        DType::Float | DType::Double => parse_f64(s).map(Value::Float).ok_or_else(bad),
        DType::String => Ok(Value::Str(s)),
        _ => {
            let v = parse_i64(s).ok_or_else(bad)?;
            let (lo, hi) = int_range(dtype);
            if v < lo || v > hi {
                return Err(bad());
            }
            Ok(Value::Int(v))
        }
    }
}

fn int_range(dtype: DType) -> (i64, i64) {
    match dtype {
        DType::Int8 => (i8::MIN.into(), i8::MAX.into()),
        DType::Int16 => (i16::MIN.into(), i16::MAX.into()),
        DType::Int32 => (i32::MIN.into(), i32::MAX.into()),
        DType::Uint8 => (0, u8::MAX.into()),
        DType::Uint16 => (0, u16::MAX.into()),
        DType::Bool => (0, 1),
        _ => (i64::MIN, i64::MAX),
    }
}

/// Parses `s` and appends its little-endian encoding to `out`.
pub(super) fn encode_value(dtype: DType, s: &[u8], out: &mut Vec<u8>) -> Result<()> {
    if dtype == DType::String {
        let s = s.strip_suffix(b"\0").unwrap_or(s);
        if s.contains(&0) {
            return Err(Error::err(ERR_NUL_IN_STRING));
        }
        out.extend_from_slice(s);
        out.push(0);
        return Ok(());
    }
    match parse_value(dtype, s)? {
        Value::Float(f) if dtype == DType::Float => {
            out.extend_from_slice(&(f as f32).to_le_bytes())
        }
        Value::Float(f) => out.extend_from_slice(&f.to_le_bytes()),
        Value::Int(i) => {
            let size = dtype.elem_size().unwrap_or(8);
            out.extend_from_slice(&i.to_le_bytes()[..size]);
        }
        Value::Str(_) => {}
    }
    Ok(())
}

/// Decodes one element of a numeric dtype; `b` has exactly its width.
pub(super) fn decode_value(dtype: DType, b: &[u8]) -> Value<'static> {
    let mut buf = [0u8; 8];
    buf[..b.len()].copy_from_slice(b);
    match dtype {
        DType::Float => Value::Float(f32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]).into()),
        DType::Double => Value::Float(f64::from_le_bytes(buf)),
        DType::Int8 => Value::Int((buf[0] as i8).into()),
        DType::Int16 => Value::Int(i16::from_le_bytes([buf[0], buf[1]]).into()),
        DType::Int32 => Value::Int(i32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]).into()),
        DType::Int64 => Value::Int(i64::from_le_bytes(buf)),
        DType::Uint16 => Value::Int(u16::from_le_bytes([buf[0], buf[1]]).into()),
        DType::Uint8 | DType::Bool | DType::String => Value::Int(buf[0].into()),
    }
}
