//! Argument parsing for the model commands, in RedisAI's exact order, so
//! the first error a client sees is the one RedisAI gave.

use std::ops::Range;

use super::ModelMeta;
use crate::args::{is_keyword, Arg};
use crate::backends::BackendKind;
use crate::error::{Error, Result};
use crate::tensor::parse_i64;

pub const ERR_BACKEND: &str = "unsupported backend";
pub const ERR_DEVICE: &str = "Invalid DEVICE";
pub const ERR_MISSING_BLOB: &str = "Insufficient arguments, missing model BLOB";

/// Where a model runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Device {
    Cpu,
    /// `GPU` or `GPU:<n>`.
    Gpu(Option<u32>),
}

/// `CPU`, `GPU`, `CPU:<digits>` or `GPU:<digits>`, case-insensitive, shorter
/// than 10 bytes. `GPU:` with no digits is refused (Decision 3).
pub fn parse_device(s: &[u8]) -> Result<Device> {
    if s.len() >= 10 || s.len() < 3 {
        return Err(Error::err(ERR_DEVICE));
    }
    let (kind, rest) = s.split_at(3);
    let id = match rest {
        [] => None,
        [b':', digits @ ..] if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) => {
            std::str::from_utf8(digits)
                .ok()
                .and_then(|d| d.parse().ok())
        }
        _ => return Err(Error::err(ERR_DEVICE)),
    };
    if kind.eq_ignore_ascii_case(b"CPU") {
        Ok(Device::Cpu)
    } else if kind.eq_ignore_ascii_case(b"GPU") {
        Ok(Device::Gpu(id))
    } else {
        Err(Error::err(ERR_DEVICE))
    }
}

/// A parsed MODELSTORE or MODELSET: metadata and where the blob is. The
/// chunks are checked against the caps but not joined: the caller joins
/// them ([`StoreRequest::blob`] or [`join`]) where it suits it, on the
/// compile thread when it can.
#[derive(Debug)]
pub struct StoreRequest {
    pub meta: ModelMeta,
    /// The argv indices of the BLOB chunks (never empty).
    pub chunks: Range<usize>,
    /// Their total length in bytes (at most [`MAX_BLOB_BYTES`]).
    pub blob_len: usize,
}

impl StoreRequest {
    /// The blob: the chunks of `args` (the argv that was parsed) joined.
    pub fn blob<T: Arg>(&self, args: &[T]) -> Vec<u8> {
        let chunks = args.get(self.chunks.clone()).unwrap_or_default();
        join(chunks.iter().map(Arg::bytes), self.blob_len)
    }
}

/// Joins blob chunks into one buffer of `len` bytes (their total length:
/// the buffer is allocated once).
pub fn join<'a>(chunks: impl IntoIterator<Item = &'a [u8]>, len: usize) -> Vec<u8> {
    let mut blob = Vec::with_capacity(len);
    chunks.into_iter().for_each(|c| blob.extend_from_slice(c));
    blob
}

fn unsigned(a: Option<&impl Arg>, what: &str) -> Result<u64> {
    a.and_then(|a| parse_i64(a.bytes()))
        .filter(|&v| v >= 0)
        .map(|v| v as u64)
        .ok_or_else(|| Error::err(format!("Invalid argument for {what}")))
}

fn backend(a: &impl Arg) -> Result<BackendKind> {
    BackendKind::parse(a.bytes()).ok_or_else(|| Error::err(ERR_BACKEND))
}

fn text(a: &impl Arg) -> String {
    String::from_utf8_lossy(a.bytes()).into_owned()
}

/// The most BLOB chunks one MODELSTORE or MODELSET takes. Clients, MODELGET
/// and AOF rewrite split a blob every MODEL_CHUNK_SIZE bytes, and that can
/// be set as low as 1, so the cap is far above what any sane chunk size
/// gives: a blob up to the size cap always fits when MODEL_CHUNK_SIZE is at
/// least 4 KiB (RedisAI's default is 511 MiB).
pub const MAX_BLOB_CHUNKS: usize = 1 << 20;
/// The largest model blob: the RDB loader's cap (the tensor cap, 4 GiB),
/// so a model that can be stored can also be saved and loaded again.
pub const MAX_BLOB_BYTES: u64 = crate::tensor::MAX_TENSOR_BYTES;

/// Checks the chunks `args[from..]` against the caps; returns their range
/// and total length.
fn blob_chunks<T: Arg>(args: &[T], from: usize) -> Result<(Range<usize>, usize)> {
    let chunks = args.get(from..).unwrap_or_default();
    if chunks.is_empty() {
        return Err(Error::err(ERR_MISSING_BLOB));
    }
    if chunks.len() > MAX_BLOB_CHUNKS {
        return Err(Error::err(format!(
            "too many BLOB chunks (the limit is {MAX_BLOB_CHUNKS})"
        )));
    }
    let total: u64 = chunks.iter().map(|c| c.bytes().len() as u64).sum();
    if total > MAX_BLOB_BYTES {
        return Err(Error::err(format!(
            "model size exceeds the maximum of {MAX_BLOB_BYTES} bytes"
        )));
    }
    Ok((from..args.len(), total as usize))
}

fn meta(backend: BackendKind, device: &[u8]) -> ModelMeta {
    ModelMeta {
        backend,
        device: device.to_vec(),
        tag: Vec::new(),
        batchsize: 0,
        minbatchsize: 0,
        minbatchtimeout: 0,
        inputs: Vec::new(),
        outputs: Vec::new(),
    }
}

/// `AI.MODELSTORE key backend device [TAG t] [BATCHSIZE n [MINBATCHSIZE m
/// [MINBATCHTIMEOUT ms]]] [INPUTS n … OUTPUTS n …] BLOB chunk…` (full argv).
pub fn parse_modelstore<T: Arg>(args: &[T]) -> Result<StoreRequest> {
    if args.len() < 6 {
        return Err(Error::Arity("AI.MODELSTORE"));
    }
    let kind = backend(&args[2])?;
    parse_device(args[3].bytes())?;
    let mut m = meta(kind, args[3].bytes());
    let mut i = 4;
    if args.get(i).is_some_and(|a| is_keyword(a, "TAG")) {
        m.tag = args
            .get(i + 1)
            .map(|a| a.bytes().to_vec())
            .unwrap_or_default();
        i += 2;
    }
    if args.get(i).is_some_and(|a| is_keyword(a, "BATCHSIZE")) {
        m.batchsize = unsigned(args.get(i + 1), "BATCHSIZE")?;
        i += 2;
    }
    if args.get(i).is_some_and(|a| is_keyword(a, "MINBATCHSIZE")) {
        m.minbatchsize = unsigned(args.get(i + 1), "MINBATCHSIZE")?;
        if m.minbatchsize > 0 && m.batchsize == 0 {
            return Err(Error::err("MINBATCHSIZE specified without BATCHSIZE"));
        }
        i += 2;
    }
    if args
        .get(i)
        .is_some_and(|a| is_keyword(a, "MINBATCHTIMEOUT"))
    {
        m.minbatchtimeout = unsigned(args.get(i + 1), "MINBATCHTIMEOUT")?;
        if m.minbatchtimeout > 0 && m.minbatchsize == 0 {
            return Err(Error::err("MINBATCHTIMEOUT specified without MINBATCHSIZE"));
        }
        i += 2;
    }
    if i >= args.len() {
        return Err(Error::err(ERR_MISSING_BLOB));
    }
    if kind == BackendKind::Tf {
        i = tf_io_counted(args, i, &mut m)?;
    } else if is_keyword(&args[i], "INPUTS") {
        return Err(Error::err(
            "INPUTS argument should not be specified for this backend",
        ));
    }
    if !args.get(i).is_some_and(|a| is_keyword(a, "BLOB")) {
        return Err(Error::err("Invalid argument, expected BLOB"));
    }
    let (chunks, blob_len) = blob_chunks(args, i + 1)?;
    Ok(StoreRequest {
        meta: m,
        chunks,
        blob_len,
    })
}

/// TF's `INPUTS n names… OUTPUTS n names…`; returns the index after them.
fn tf_io_counted<T: Arg>(args: &[T], mut i: usize, m: &mut ModelMeta) -> Result<usize> {
    for (kw, what, into_inputs) in [("INPUTS", "input", true), ("OUTPUTS", "output", false)] {
        if !args.get(i).is_some_and(|a| is_keyword(a, kw)) {
            return Err(Error::err(format!("{kw} not specified for TF")));
        }
        let n = args
            .get(i + 1)
            .and_then(|a| parse_i64(a.bytes()))
            .filter(|&n| n > 0)
            .ok_or_else(|| Error::err(format!("Invalid argument for {what}_count")))?
            as usize;
        let names = args.get(i + 2..i + 2 + n).ok_or_else(|| {
            Error::err(format!(
                "number of model {what}s does not match the number of given arguments"
            ))
        })?;
        let names = names.iter().map(text).collect();
        if into_inputs {
            m.inputs = names;
        } else {
            m.outputs = names;
        }
        i += 2 + n;
    }
    Ok(i)
}

const MODELSET_KEYWORDS: [&str; 7] = [
    "INPUTS",
    "OUTPUTS",
    "TAG",
    "BATCHSIZE",
    "MINBATCHSIZE",
    "MINBATCHTIMEOUT",
    "BLOB",
];

/// The deprecated `AI.MODELSET key backend device [TAG t] [BATCHSIZE n
/// [MINBATCHSIZE m [MINBATCHTIMEOUT t]]] [INPUTS names… OUTPUTS names…] BLOB chunk…`.
pub fn parse_modelset<T: Arg>(args: &[T]) -> Result<StoreRequest> {
    if args.len() < 4 {
        return Err(Error::Arity("AI.MODELSET"));
    }
    let kind = backend(&args[2])?;
    let device = &args[3];
    if MODELSET_KEYWORDS.iter().any(|k| is_keyword(device, k)) {
        return Err(Error::err(ERR_DEVICE));
    }
    parse_device(device.bytes())?;
    let mut m = meta(kind, device.bytes());
    let blob_at = args.iter().skip(4).position(|a| is_keyword(a, "BLOB"));
    let options = &args[4..blob_at.map_or(args.len(), |p| p + 4)];
    let mut i = 0;
    let mut batch_given = false;
    while i < options.len() {
        let a = &options[i];
        if is_keyword(a, "TAG") {
            m.tag = options
                .get(i + 1)
                .map(|a| a.bytes().to_vec())
                .unwrap_or_default();
            i += 2;
        } else if is_keyword(a, "BATCHSIZE") {
            if kind == BackendKind::Tflite {
                return Err(Error::err(
                    "Auto-batching not supported by the TFLITE backend",
                ));
            }
            m.batchsize = unsigned(options.get(i + 1), "BATCHSIZE")?;
            batch_given = true;
            i += 2;
        } else if is_keyword(a, "MINBATCHSIZE") {
            m.minbatchsize = unsigned(options.get(i + 1), "MINBATCHSIZE")?;
            if m.minbatchsize > 0 && !batch_given {
                return Err(Error::err("MINBATCHSIZE specified without BATCHSIZE"));
            }
            i += 2;
        } else if is_keyword(a, "MINBATCHTIMEOUT") {
            m.minbatchtimeout = unsigned(options.get(i + 1), "MINBATCHTIMEOUT")?;
            if m.minbatchtimeout > 0 && !batch_given {
                return Err(Error::err("MINBATCHTIMEOUT specified without BATCHSIZE"));
            }
            if m.minbatchtimeout > 0 && m.minbatchsize == 0 {
                return Err(Error::err("MINBATCHTIMEOUT specified without MINBATCHSIZE"));
            }
            i += 2;
        } else if kind == BackendKind::Tf && is_keyword(a, "INPUTS") {
            let rest = &options[i + 1..];
            let end = rest
                .iter()
                .position(|a| is_keyword(a, "OUTPUTS"))
                .ok_or_else(|| Error::err("OUTPUTS not specified"))?;
            m.inputs = rest[..end].iter().map(text).collect();
            m.outputs = rest[end + 1..].iter().map(text).collect();
            i = options.len();
        } else {
            // RedisAI ignores other tokens before BLOB (non-TF backends).
            i += 1;
        }
    }
    if kind == BackendKind::Tf && m.inputs.is_empty() {
        return Err(Error::err(if options.is_empty() {
            "Insufficient arguments, INPUTS and OUTPUTS not specified"
        } else {
            "INPUTS not specified"
        }));
    }
    let Some(p) = blob_at else {
        return Err(Error::err(ERR_MISSING_BLOB));
    };
    let (chunks, blob_len) = blob_chunks(args, p + 5)?;
    Ok(StoreRequest {
        meta: m,
        chunks,
        blob_len,
    })
}

/// What AI.MODELGET replies with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetFormat {
    pub meta: bool,
    pub blob: bool,
}

/// `AI.MODELGET key [META] [BLOB]`: unknown tokens are ignored; neither
/// option, or both, means both.
pub fn parse_modelget<T: Arg>(args: &[T]) -> Result<GetFormat> {
    if !(2..=4).contains(&args.len()) {
        return Err(Error::Arity("AI.MODELGET"));
    }
    let meta = args[2..].iter().any(|a| is_keyword(a, "META"));
    let blob = args[2..].iter().any(|a| is_keyword(a, "BLOB"));
    Ok(if meta == blob {
        GetFormat {
            meta: true,
            blob: true,
        }
    } else {
        GetFormat { meta, blob }
    })
}

/// A parsed execution: argv indices of the input and output keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecRequest {
    pub inputs: Vec<usize>,
    pub outputs: Vec<usize>,
    /// TIMEOUT in milliseconds.
    pub timeout: Option<u64>,
}

fn count<T: Arg>(a: Option<&T>, what: &str, label: &str) -> Result<usize> {
    let n = a
        .and_then(|a| parse_i64(a.bytes()))
        .ok_or_else(|| Error::err(format!("Invalid argument for {what}_count")))?;
    if n <= 0 {
        return Err(Error::err(format!(
            "{label} count must be a positive integer"
        )));
    }
    Ok(n as usize)
}

fn timeout_value<T: Arg>(a: Option<&T>) -> Result<u64> {
    let a = a.ok_or_else(|| Error::err("No value provided for TIMEOUT"))?;
    parse_i64(a.bytes())
        .filter(|&t| t > 0)
        .map(|t| t as u64)
        .ok_or_else(|| Error::err("Invalid value for TIMEOUT"))
}

fn invalid_argument(a: &impl Arg) -> Error {
    Error::raw(format!(
        "Invalid argument: {}",
        String::from_utf8_lossy(a.bytes())
    ))
}

/// `AI.MODELEXECUTE key INPUTS n … OUTPUTS n … [TIMEOUT ms]` (full argv),
/// after the model was found. `check` validates the counts against it.
pub fn parse_modelexecute<T: Arg>(
    args: &[T],
    check_inputs: &dyn Fn(usize) -> Result<()>,
    check_outputs: &dyn Fn(usize) -> Result<()>,
) -> Result<ExecRequest> {
    const CMD: &str = "AI.MODELEXECUTE";
    if !args.get(2).is_some_and(|a| is_keyword(a, "INPUTS")) {
        return Err(Error::err("INPUTS not specified"));
    }
    let n_in = count(args.get(3), "input", "Input")?;
    check_inputs(n_in)?;
    let start = 4;
    if args.len() < start + n_in {
        return Err(Error::err(format!(
            "number of input keys to {CMD} command does not match the number of given arguments"
        )));
    }
    let mut i = start + n_in;
    if !args.get(i).is_some_and(|a| is_keyword(a, "OUTPUTS")) {
        return Err(Error::err("OUTPUTS not specified"));
    }
    let n_out = count(args.get(i + 1), "output", "Output")?;
    check_outputs(n_out)?;
    let out_start = i + 2;
    if args.len() < out_start + n_out {
        return Err(Error::err(format!(
            "number of output keys to {CMD} command does not match the number of given arguments"
        )));
    }
    i = out_start + n_out;
    let mut timeout = None;
    if let Some(a) = args.get(i) {
        if !is_keyword(a, "TIMEOUT") {
            return Err(invalid_argument(a));
        }
        timeout = Some(timeout_value(args.get(i + 1))?);
        if let Some(extra) = args.get(i + 2) {
            return Err(invalid_argument(extra));
        }
    }
    Ok(ExecRequest {
        inputs: (start..start + n_in).collect(),
        outputs: (out_start..out_start + n_out).collect(),
        timeout,
    })
}

/// The deprecated `AI.MODELRUN key [TIMEOUT ms] INPUTS in… OUTPUTS out…`.
pub fn parse_modelrun<T: Arg>(
    args: &[T],
    check_inputs: &dyn Fn(usize) -> Result<()>,
    check_outputs: &dyn Fn(usize) -> Result<()>,
) -> Result<ExecRequest> {
    let mut i = 2;
    let mut timeout = None;
    if args.get(i).is_some_and(|a| is_keyword(a, "TIMEOUT")) {
        timeout = Some(timeout_value(args.get(i + 1))?);
        i += 2;
    }
    if !args.get(i).is_some_and(|a| is_keyword(a, "INPUTS")) {
        return Err(Error::err("INPUTS not specified"));
    }
    let start = i + 1;
    let outputs_at = args[start..]
        .iter()
        .position(|a| is_keyword(a, "OUTPUTS"))
        .map(|p| p + start)
        .ok_or_else(|| Error::err("OUTPUTS not specified"))?;
    check_inputs(outputs_at - start)?;
    check_outputs(args.len() - outputs_at - 1)?;
    Ok(ExecRequest {
        inputs: (start..outputs_at).collect(),
        outputs: (outputs_at + 1..args.len()).collect(),
        timeout,
    })
}

/// Key positions of `AI.MODELEXECUTE` (model, inputs, outputs), for
/// getkeys-api. Lenient: a malformed command reports what it can.
pub fn modelexecute_keys(args: &[&[u8]]) -> Vec<usize> {
    let mut keys = vec![1];
    let count_at = |i: usize| -> usize {
        args.get(i)
            .and_then(|a| parse_i64(a))
            .filter(|&n| n > 0)
            .map_or(0, |n| n as usize)
    };
    let n_in = count_at(3);
    let in_end = (4 + n_in).min(args.len());
    keys.extend(4..in_end);
    let n_out = count_at(in_end + 1);
    let out_start = in_end + 2;
    keys.extend(out_start..(out_start + n_out).min(args.len()));
    keys.retain(|&k| k < args.len());
    keys
}

/// Key positions of `AI.MODELRUN key [TIMEOUT t] INPUTS … OUTPUTS …`.
pub fn modelrun_keys(args: &[&[u8]]) -> Vec<usize> {
    let mut keys = vec![1];
    let inputs = args
        .iter()
        .position(|a| a.eq_ignore_ascii_case(b"INPUTS"))
        .unwrap_or(args.len());
    let mut outputs_seen = false;
    for (i, a) in args.iter().enumerate().skip(inputs + 1) {
        if !outputs_seen && a.eq_ignore_ascii_case(b"OUTPUTS") {
            outputs_seen = true;
            continue;
        }
        keys.push(i);
    }
    keys.retain(|&k| k < args.len());
    keys
}
