//! Parsers for AI.VADD and AI.VSIM, and their key positions. Redis-free:
//! they return argument positions for what the command layer must look up
//! (the element, a TENSOR key), so nothing is copied.

use super::filter::Filter;
use super::index::{Metric, Quant, MAX_DIM};
use super::set::check_attrs;
use crate::args::{is_keyword, Arg};
use crate::error::{Error, Result};
use crate::tensor::{parse_f64, parse_i64};

pub const ERR_MISMATCH_QUANT: &str = "asked quantization mismatch with existing vector set";
pub const ERR_MISMATCH_M: &str = "asked M value mismatch with existing vector set";
pub const ERR_MISMATCH_METRIC: &str = "asked metric mismatch with existing vector set";
pub const ERR_FP32: &str = "invalid FP32 vector: its length must be a non-zero multiple of 4";
pub const ERR_VALUES_COUNT: &str = "invalid VALUES count";
pub const ERR_VALUE: &str = "invalid vector value";
pub const ERR_NORM: &str = "invalid RAW norm";
pub const ERR_SOURCE: &str = "expected FP32, VALUES, TENSOR, RAW or ELE before the vector";

/// M, as Vector Sets bound it.
pub const M_RANGE: (usize, usize) = (4, 4096);
/// EF (build and search).
pub const EF_MAX: usize = 1_000_000;
pub const DEFAULT_M: usize = 16;
pub const DEFAULT_BUILD_EF: usize = 200;
pub const DEFAULT_SEARCH_EF: usize = 100;
pub const DEFAULT_COUNT: usize = 10;
/// COUNT of AI.VSIM: accepted up to this, then clamped to the set's size.
pub const MAX_COUNT: usize = i32::MAX as usize;
/// FILTER-EF of AI.VSIM (0 means no limit).
pub const MAX_FILTER_EF: usize = i32::MAX as usize;

/// Where a vector comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Floats(Vec<f32>),
    /// The tensor at this argument position.
    Tensor(usize),
    /// The stored form (`AI.VEMB RAW`): bytes and norm.
    Raw(Vec<u8>, f32),
    /// The element named at this argument position (VSIM only).
    Ele(usize),
}

/// A parsed AI.VADD.
#[derive(Debug, Clone, PartialEq)]
pub struct AddRequest {
    pub source: Source,
    /// Argument position of the element name.
    pub element: usize,
    pub metric: Option<Metric>,
    pub quant: Option<Quant>,
    pub m: Option<usize>,
    /// Build EF for this insert (0: the set's own).
    pub ef: usize,
    /// SETATTR: `Some(None)` clears the attributes.
    pub attrs: Option<Option<Box<str>>>,
}

/// A parsed AI.VSIM.
#[derive(Debug, Clone)]
pub struct SimRequest {
    pub source: Source,
    pub count: usize,
    pub ef: usize,
    pub epsilon: Option<f64>,
    pub with_scores: bool,
    pub with_attrs: bool,
    pub filter: Option<Filter>,
    /// FILTER-EF; `None` means COUNT × 100.
    pub filter_ef: Option<usize>,
    pub truth: bool,
    pub nothread: bool,
}

impl SimRequest {
    /// The search options it asks for (FILTER-EF defaults to COUNT × 100).
    pub fn search_opts(&self) -> super::SearchOpts {
        super::SearchOpts {
            count: self.count,
            ef: self.ef,
            epsilon: self.epsilon,
            filter: self.filter.clone(),
            filter_ef: self
                .filter_ef
                .unwrap_or(self.count.saturating_mul(100).min(MAX_FILTER_EF)),
            truth: self.truth,
            with_attrs: self.with_attrs,
        }
    }
}

fn err(text: impl Into<String>) -> Error {
    Error::err(text)
}

fn number<T: Arg>(args: &[T], i: usize, name: &str, lo: usize, hi: usize) -> Result<usize> {
    args.get(i)
        .and_then(|a| parse_i64(a.bytes()))
        .filter(|&n| n >= lo as i64 && n <= hi as i64)
        .map(|n| n as usize)
        .ok_or_else(|| err(format!("{name} must be between {lo} and {hi}")))
}

fn floats_from_blob(blob: &[u8]) -> Result<Vec<f32>> {
    if blob.is_empty() || !blob.len().is_multiple_of(4) || blob.len() / 4 > MAX_DIM {
        return Err(err(ERR_FP32));
    }
    Ok(blob
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

/// Parses the vector at `args[i]`; returns it and the next position.
fn source<T: Arg>(args: &[T], i: usize, ele_ok: bool) -> Result<(Source, usize)> {
    let kw = args.get(i).ok_or_else(|| err(ERR_SOURCE))?;
    let arg = |j: usize| args.get(j).ok_or_else(|| err(ERR_SOURCE));
    if is_keyword(kw, "FP32") {
        Ok((
            Source::Floats(floats_from_blob(arg(i + 1)?.bytes())?),
            i + 2,
        ))
    } else if is_keyword(kw, "VALUES") {
        let n = args
            .get(i + 1)
            .and_then(|a| parse_i64(a.bytes()))
            .filter(|&n| n >= 1 && n as usize <= MAX_DIM)
            .ok_or_else(|| err(ERR_VALUES_COUNT))? as usize;
        let values = args
            .get(i + 2..i + 2 + n)
            .ok_or_else(|| err(ERR_VALUES_COUNT))?;
        let v = values
            .iter()
            .map(|a| parse_f64(a.bytes()).map(|x| x as f32))
            .collect::<Option<Vec<f32>>>()
            .ok_or_else(|| err(ERR_VALUE))?;
        Ok((Source::Floats(v), i + 2 + n))
    } else if is_keyword(kw, "TENSOR") {
        arg(i + 1)?;
        Ok((Source::Tensor(i + 1), i + 2))
    } else if is_keyword(kw, "RAW") {
        let blob = arg(i + 1)?.bytes();
        let norm = parse_f64(arg(i + 2)?.bytes())
            .filter(|n| n.is_finite() && *n >= 0.0)
            .ok_or_else(|| err(ERR_NORM))?;
        if blob.is_empty() {
            return Err(err("invalid RAW vector"));
        }
        Ok((Source::Raw(blob.to_vec(), norm as f32), i + 3))
    } else if ele_ok && is_keyword(kw, "ELE") {
        arg(i + 1)?;
        Ok((Source::Ele(i + 1), i + 2))
    } else if is_keyword(kw, "REDUCE") {
        Err(err("REDUCE is not supported"))
    } else {
        Err(err(ERR_SOURCE))
    }
}

pub fn parse_metric(a: &[u8]) -> Result<Metric> {
    match a.to_ascii_uppercase().as_slice() {
        b"COSINE" => Ok(Metric::Cosine),
        b"L2" => Ok(Metric::L2),
        b"IP" => Ok(Metric::Ip),
        _ => Err(err("METRIC must be COSINE, L2 or IP")),
    }
}

pub fn parse_quant(a: &[u8]) -> Result<Quant> {
    match a.to_ascii_uppercase().as_slice() {
        b"F32" => Ok(Quant::F32),
        b"F16" => Ok(Quant::F16),
        b"BF16" => Ok(Quant::Bf16),
        b"I8" => Ok(Quant::I8),
        _ => Err(err("QUANT must be F32, F16, BF16 or I8")),
    }
}

pub fn metric_name(m: Metric) -> &'static str {
    match m {
        Metric::Cosine => "COSINE",
        Metric::L2 => "L2",
        Metric::Ip => "IP",
    }
}

pub fn quant_name(q: Quant) -> &'static str {
    match q {
        Quant::F32 => "F32",
        Quant::F16 => "F16",
        Quant::Bf16 => "BF16",
        Quant::I8 => "I8",
    }
}

/// `AI.VADD key (FP32 blob | VALUES n v… | TENSOR tkey | RAW blob norm)
/// element [METRIC m] [QUANT q] [M n] [EF n] [SETATTR json] [CAS]`.
/// Vector Sets' NOQUANT and Q8 are accepted for F32 and I8.
pub fn parse_vadd<T: Arg>(args: &[T]) -> Result<AddRequest> {
    if args.len() < 4 {
        return Err(Error::Arity("AI.VADD"));
    }
    let (source, next) = source(args, 2, false)?;
    if next >= args.len() {
        return Err(Error::Arity("AI.VADD"));
    }
    let mut r = AddRequest {
        source,
        element: next,
        metric: None,
        quant: None,
        m: None,
        ef: 0,
        attrs: None,
    };
    let mut i = next + 1;
    while i < args.len() {
        let a = &args[i];
        let value = args.get(i + 1).map(|v| v.bytes());
        let need = || value.ok_or_else(|| err(format!("missing value after {}", lossy(a))));
        if is_keyword(a, "METRIC") {
            r.metric = Some(parse_metric(need()?)?);
            i += 2;
        } else if is_keyword(a, "QUANT") {
            r.quant = Some(parse_quant(need()?)?);
            i += 2;
        } else if is_keyword(a, "M") {
            r.m = Some(number(args, i + 1, "M", M_RANGE.0, M_RANGE.1)?);
            i += 2;
        } else if is_keyword(a, "EF") {
            r.ef = number(args, i + 1, "EF", 1, EF_MAX)?;
            i += 2;
        } else if is_keyword(a, "SETATTR") {
            r.attrs = Some(check_attrs(need()?).map_err(err)?);
            i += 2;
        } else if is_keyword(a, "NOQUANT") {
            r.quant = Some(Quant::F32);
            i += 1;
        } else if is_keyword(a, "Q8") {
            r.quant = Some(Quant::I8);
            i += 1;
        } else if is_keyword(a, "BIN") {
            return Err(err("BIN quantization is not supported"));
        } else if is_keyword(a, "CAS") {
            i += 1;
        } else {
            return Err(err(format!("unknown AI.VADD option '{}'", lossy(a))));
        }
    }
    Ok(r)
}

fn lossy<T: Arg>(a: &T) -> String {
    String::from_utf8_lossy(a.bytes()).into_owned()
}

/// `AI.VSIM key (ELE e | FP32 blob | VALUES n v… | TENSOR tkey) [COUNT n]
/// [EF n] [EPSILON d] [WITHSCORES] [WITHATTRIBS] [FILTER expr]
/// [FILTER-EF n] [TRUTH] [NOTHREAD]`.
pub fn parse_vsim<T: Arg>(args: &[T]) -> Result<SimRequest> {
    if args.len() < 4 {
        return Err(Error::Arity("AI.VSIM"));
    }
    let (source, mut i) = source(args, 2, true)?;
    if matches!(source, Source::Raw(..)) {
        return Err(err(ERR_SOURCE));
    }
    let mut r = SimRequest {
        source,
        count: DEFAULT_COUNT,
        ef: DEFAULT_SEARCH_EF,
        epsilon: None,
        with_scores: false,
        with_attrs: false,
        filter: None,
        filter_ef: None,
        truth: false,
        nothread: false,
    };
    while i < args.len() {
        let a = &args[i];
        if is_keyword(a, "COUNT") {
            r.count = number(args, i + 1, "COUNT", 1, MAX_COUNT)?;
            i += 2;
        } else if is_keyword(a, "EF") {
            r.ef = number(args, i + 1, "EF", 1, EF_MAX)?;
            i += 2;
        } else if is_keyword(a, "EPSILON") {
            let e = args
                .get(i + 1)
                .and_then(|v| parse_f64(v.bytes()))
                .filter(|e| e.is_finite() && *e >= 0.0)
                .ok_or_else(|| err("EPSILON must be a number >= 0"))?;
            r.epsilon = Some(e);
            i += 2;
        } else if is_keyword(a, "FILTER") {
            let expr = args
                .get(i + 1)
                .ok_or_else(|| err("missing value after FILTER"))?;
            let text = std::str::from_utf8(expr.bytes())
                .map_err(|_| err("syntax error in FILTER expression: not UTF-8"))?;
            r.filter = Some(Filter::parse(text).map_err(err)?);
            i += 2;
        } else if is_keyword(a, "FILTER-EF") {
            r.filter_ef = Some(number(args, i + 1, "FILTER-EF", 0, MAX_FILTER_EF)?);
            i += 2;
        } else if is_keyword(a, "WITHSCORES") {
            r.with_scores = true;
            i += 1;
        } else if is_keyword(a, "WITHATTRIBS") {
            r.with_attrs = true;
            i += 1;
        } else if is_keyword(a, "TRUTH") {
            r.truth = true;
            i += 1;
        } else if is_keyword(a, "NOTHREAD") {
            r.nothread = true;
            i += 1;
        } else {
            return Err(err(format!("unknown AI.VSIM option '{}'", lossy(a))));
        }
    }
    Ok(r)
}

/// The TENSOR key, if any, after `AI.VADD key` / `AI.VSIM key`.
fn tensor_key(args: &[&[u8]]) -> Option<usize> {
    args.get(2)
        .filter(|a| a.eq_ignore_ascii_case(b"TENSOR"))
        .and(args.get(3))
        .map(|_| 3)
}

/// Key positions of AI.VADD and AI.VSIM: the set, and a TENSOR input.
pub fn vector_keys(args: &[&[u8]]) -> Vec<usize> {
    let mut keys = vec![1];
    keys.extend(tensor_key(args));
    keys.retain(|&k| k < args.len());
    keys
}

#[cfg(test)]
mod tests;
