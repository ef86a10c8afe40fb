//! (being written)
use super::{Params, Query};
use crate::error::{Error, Result};

/// Parses a DIALECT 2 query string.
pub fn parse(_text: &[u8], _params: &Params) -> Result<Query> {
    Err(Error::err("Syntax error"))
}
