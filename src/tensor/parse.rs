//! Argument parsing for AI.TENSORSET and AI.TENSORGET, Redis-free.

use super::{DType, Tensor, ERR_SHAPE};
use crate::args::{is_keyword, Arg};
use crate::error::{Error, Result};
use crate::tensor::values::parse_i64;

pub const ERR_DTYPE: &str = "invalid data type";
pub const ERR_BLOB_ARGS: &str =
    "a single binary string should come after the BLOB argument in 'AI.TENSORSET' command";
pub const ERR_FORMAT: &str = "unsupported data format";
pub const ERR_BOTH: &str = "both BLOB and VALUES specified";

/// Parses `<type> [<dim> ...] [BLOB <data> | VALUES <val> ...]`: everything
/// after the key.
pub fn parse_tensorset<T: Arg>(args: &[T]) -> Result<Tensor> {
    let (dtype, rest) = match args.split_first() {
        Some((d, rest)) => (
            DType::parse(d.bytes()).ok_or_else(|| Error::err(ERR_DTYPE))?,
            rest,
        ),
        None => return Err(Error::Arity("AI.TENSORSET")),
    };
    let mut shape = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let tok = &rest[i];
        if is_keyword(tok, "BLOB") || is_keyword(tok, "VALUES") {
            break;
        }
        let d = parse_i64(tok.bytes())
            .filter(|&d| d > 0)
            .ok_or_else(|| Error::err(ERR_SHAPE))?;
        shape.push(d);
        i += 1;
    }
    match rest.get(i) {
        None => Tensor::zeros(dtype, shape),
        Some(kw) if is_keyword(kw, "BLOB") => match &rest[i + 1..] {
            [blob] => Tensor::from_blob(dtype, shape, blob.bytes()),
            _ => Err(Error::err(ERR_BLOB_ARGS)),
        },
        Some(_) => Tensor::from_values(dtype, shape, &rest[i + 1..]),
    }
}

/// The data part of an AI.TENSORGET reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    None,
    Blob,
    Values,
}

/// What AI.TENSORGET replies with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetFormat {
    pub meta: bool,
    pub data: DataFormat,
}

/// Parses `[META] [BLOB | VALUES]`, in any order and with repeats. No option
/// at all means META BLOB.
pub fn parse_tensorget<T: Arg>(opts: &[T]) -> Result<GetFormat> {
    if opts.is_empty() {
        return Ok(GetFormat {
            meta: true,
            data: DataFormat::Blob,
        });
    }
    let (mut meta, mut blob, mut values) = (false, false, false);
    for o in opts {
        if is_keyword(o, "META") {
            meta = true;
        } else if is_keyword(o, "BLOB") {
            blob = true;
        } else if is_keyword(o, "VALUES") {
            values = true;
        } else {
            return Err(Error::err(ERR_FORMAT));
        }
    }
    let data = match (blob, values) {
        (true, true) => return Err(Error::err(ERR_BOTH)),
        (true, false) => DataFormat::Blob,
        (false, true) => DataFormat::Values,
        (false, false) => DataFormat::None,
    };
    Ok(GetFormat { meta, data })
}
