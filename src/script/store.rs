//! Parsing AI.SCRIPTSTORE and the deprecated AI.SCRIPTSET, in RedisAI's
//! order and with its error texts (spec §1.3).

use crate::args::Arg;
use crate::error::{Error, Result};

/// Largest script source accepted, in bytes.
pub const MAX_SOURCE_BYTES: usize = 16 << 20;

/// A parsed AI.SCRIPTSTORE / AI.SCRIPTSET (argv indices are 0 = command).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptStoreRequest {
    pub device: Vec<u8>,
    pub tag: Vec<u8>,
    pub entry_points: Vec<String>,
    pub source: Vec<u8>,
}

pub fn parse_scriptstore<T: Arg>(_args: &[T]) -> Result<ScriptStoreRequest> {
    Err(Error::err("not yet implemented"))
}

pub fn parse_scriptset<T: Arg>(_args: &[T]) -> Result<ScriptStoreRequest> {
    Err(Error::err("not yet implemented"))
}
