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

/// The data of an AI.TENSORSET.
#[derive(Debug)]
enum Source<'a, T> {
    Zeros,
    Blob(&'a [u8]),
    Values(&'a [T]),
}

/// Dimensions, inline up to 8 (no allocation on the hot path).
#[derive(Debug, Default)]
struct Dims {
    inline: [i64; 8],
    len: usize,
    spill: Vec<i64>,
}

impl Dims {
    fn push(&mut self, d: i64) {
        if self.len < self.inline.len() {
            self.inline[self.len] = d;
        } else {
            if self.spill.is_empty() {
                self.spill.extend_from_slice(&self.inline);
            }
            self.spill.push(d);
        }
        self.len += 1;
    }

    fn as_slice(&self) -> &[i64] {
        if self.spill.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spill
        }
    }
}

/// A parsed AI.TENSORSET: its syntax checked, its data not yet copied, so
/// that an overwrite can reuse the old tensor's buffers.
#[derive(Debug)]
pub struct TensorSet<'a, T> {
    dtype: DType,
    shape: Dims,
    data: Source<'a, T>,
}

impl<T: Arg> TensorSet<'_, T> {
    /// Builds the tensor, with every check of AI.TENSORSET.
    pub fn build(&self) -> Result<Tensor> {
        let shape = self.shape.as_slice().to_vec();
        match self.data {
            Source::Zeros => Tensor::zeros(self.dtype, shape),
            Source::Blob(blob) => Tensor::from_blob(self.dtype, shape, blob),
            Source::Values(values) => Tensor::from_values(self.dtype, shape, values),
        }
    }

    /// Makes `t` the tensor this command describes, reusing its buffers for
    /// a BLOB. All checks come first: on an error `t` is unchanged.
    pub fn write_into(&self, t: &mut Tensor) -> Result<()> {
        match self.data {
            Source::Blob(blob) => t.overwrite(self.dtype, self.shape.as_slice(), blob),
            _ => {
                *t = self.build()?;
                Ok(())
            }
        }
    }
}

/// Parses `<type> [<dim> ...] [BLOB <data> | VALUES <val> ...]`: everything
/// after the key. Sizes and data are checked when the tensor is built.
pub fn parse_tensorset<T: Arg>(args: &[T]) -> Result<TensorSet<'_, T>> {
    let (dtype, rest) = match args.split_first() {
        Some((d, rest)) => (
            DType::parse(d.bytes()).ok_or_else(|| Error::err(ERR_DTYPE))?,
            rest,
        ),
        None => return Err(Error::Arity("AI.TENSORSET")),
    };
    let mut shape = Dims::default();
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
    let data = match rest.get(i) {
        None => Source::Zeros,
        Some(kw) if is_keyword(kw, "BLOB") => match &rest[i + 1..] {
            [blob] => Source::Blob(blob.bytes()),
            _ => return Err(Error::err(ERR_BLOB_ARGS)),
        },
        Some(_) => Source::Values(&rest[i + 1..]),
    };
    Ok(TensorSet { dtype, shape, data })
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
