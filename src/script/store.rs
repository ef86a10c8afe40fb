//! Parsing AI.SCRIPTSTORE, the deprecated AI.SCRIPTSET and AI.SCRIPTGET, in
//! RedisAI's order and with its error texts (spec §1.3).
//!
//! Like RedisAI, the device is not checked here (compiling the script
//! does), and arguments after `SOURCE <script>` are ignored.

use super::ScriptMeta;
use crate::args::{is_keyword, Arg};
use crate::error::{Error, Result};
use crate::tensor::parse_i64;

/// Largest script source accepted, in bytes.
pub const MAX_SOURCE_BYTES: usize = 16 << 20;
/// The most entry points one script declares.
pub const MAX_ENTRY_POINTS: usize = 1024;

pub const ERR_MISSING_ENTRY_POINTS: &str = "Insufficient arguments, missing script entry points";
pub const ERR_MISSING_SOURCE: &str = "Insufficient arguments, missing script SOURCE";
pub const ERR_ENTRY_POINTS_NUMBER: &str =
    "Non numeric entry points number provided to AI.SCRIPTSTORE command";

/// A parsed AI.SCRIPTSTORE / AI.SCRIPTSET (argv indices are 0 = command).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptStoreRequest {
    pub device: Vec<u8>,
    pub tag: Vec<u8>,
    pub entry_points: Vec<String>,
    pub source: Vec<u8>,
}

impl ScriptStoreRequest {
    /// The metadata and source, for [`super::Script::compile`].
    pub fn into_parts(self) -> (ScriptMeta, Vec<u8>) {
        let meta = ScriptMeta {
            device: self.device,
            tag: self.tag,
            entry_points: self.entry_points,
        };
        (meta, self.source)
    }
}

/// `[TAG <tag>]` at `i`: the tag and the index after it.
fn tag<T: Arg>(args: &[T], i: usize) -> (Vec<u8>, usize) {
    if args.get(i).is_some_and(|a| is_keyword(a, "TAG")) {
        let tag = args.get(i + 1).map(|a| a.bytes().to_vec());
        (tag.unwrap_or_default(), i + 2)
    } else {
        (Vec::new(), i)
    }
}

/// `SOURCE <script>` at `i`.
fn source<T: Arg>(args: &[T], i: usize) -> Result<Vec<u8>> {
    if !args.get(i).is_some_and(|a| is_keyword(a, "SOURCE")) {
        return Err(Error::err(ERR_MISSING_SOURCE));
    }
    let src = args
        .get(i + 1)
        .ok_or_else(|| Error::err(ERR_MISSING_SOURCE))?
        .bytes();
    if src.len() > MAX_SOURCE_BYTES {
        return Err(Error::err(format!(
            "script source exceeds the maximum of {MAX_SOURCE_BYTES} bytes"
        )));
    }
    Ok(src.to_vec())
}

/// `ENTRY_POINTS <n> <fn>…` at `i`: the names and the index after them.
fn entry_points<T: Arg>(args: &[T], i: usize) -> Result<(Vec<String>, usize)> {
    if !args.get(i).is_some_and(|a| is_keyword(a, "ENTRY_POINTS")) {
        return Err(Error::err(ERR_MISSING_ENTRY_POINTS));
    }
    let n = args
        .get(i + 1)
        .and_then(|a| parse_i64(a.bytes()))
        .filter(|&n| n >= 0)
        .ok_or_else(|| Error::err(ERR_ENTRY_POINTS_NUMBER))?;
    if n > MAX_ENTRY_POINTS as i64 {
        return Err(Error::err(format!(
            "too many entry points ({n}; the limit is {MAX_ENTRY_POINTS})"
        )));
    }
    let n = n as usize;
    let from = i + 2;
    let names = args
        .get(from..from + n)
        .ok_or_else(|| Error::err(ERR_MISSING_ENTRY_POINTS))?;
    let names = names
        .iter()
        .map(|a| {
            std::str::from_utf8(a.bytes())
                .map(str::to_string)
                .map_err(|_| Error::err("entry point names must be valid UTF-8"))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((names, from + n))
}

/// `AI.SCRIPTSTORE key device [TAG tag] ENTRY_POINTS n fn… SOURCE script`
/// (full argv).
pub fn parse_scriptstore<T: Arg>(args: &[T]) -> Result<ScriptStoreRequest> {
    if args.len() < 8 {
        return Err(Error::Arity("AI.SCRIPTSTORE"));
    }
    let device = args[2].bytes().to_vec();
    let (tag, i) = tag(args, 3);
    let (entry_points, i) = entry_points(args, i)?;
    let source = source(args, i)?;
    Ok(ScriptStoreRequest {
        device,
        tag,
        entry_points,
        source,
    })
}

/// The deprecated `AI.SCRIPTSET key device [TAG tag] SOURCE script` (full
/// argv): a script with no entry points.
pub fn parse_scriptset<T: Arg>(args: &[T]) -> Result<ScriptStoreRequest> {
    if args.len() != 5 && args.len() != 7 {
        return Err(Error::Arity("AI.SCRIPTSET"));
    }
    let device = args[2].bytes().to_vec();
    let (tag, i) = tag(args, 3);
    let source = source(args, i)?;
    Ok(ScriptStoreRequest {
        device,
        tag,
        entry_points: Vec::new(),
        source,
    })
}

/// What AI.SCRIPTGET replies with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptGetFormat {
    /// The `device`, `tag` and `Entry Points` fields.
    pub meta: bool,
    /// The source (alone as a bulk string when `meta` is false).
    pub source: bool,
}

/// `AI.SCRIPTGET key [META] [SOURCE]` (full argv). Unknown options are
/// ignored; neither option means both.
pub fn parse_scriptget<T: Arg>(args: &[T]) -> Result<ScriptGetFormat> {
    if !(2..=4).contains(&args.len()) {
        return Err(Error::Arity("AI.SCRIPTGET"));
    }
    let has = |kw| args[2..].iter().any(|a| is_keyword(a, kw));
    let (meta, source) = (has("META"), has("SOURCE"));
    Ok(if meta || source {
        ScriptGetFormat { meta, source }
    } else {
        ScriptGetFormat {
            meta: true,
            source: true,
        }
    })
}

#[cfg(test)]
mod tests;
