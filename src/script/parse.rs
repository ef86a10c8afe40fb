//! Parsing AI.SCRIPTSTORE, AI.SCRIPTSET, AI.SCRIPTEXECUTE and AI.SCRIPTRUN,
//! in RedisAI's order and with its error texts (spec §1.3).

use crate::args::Arg;
use crate::error::{Error, Result};

/// A parsed AI.SCRIPTEXECUTE / AI.SCRIPTRUN: argv indices of each list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptCall {
    pub function: Vec<u8>,
    pub keys: Vec<usize>,
    pub inputs: Vec<usize>,
    pub args: Vec<usize>,
    pub outputs: Vec<usize>,
    pub timeout: Option<u64>,
}

/// `in_dag`: inside a DAG any scope order is allowed.
pub fn parse_scriptexecute<T: Arg>(_args: &[T], _in_dag: bool) -> Result<ScriptCall> {
    Err(Error::err("not yet implemented"))
}

pub fn parse_scriptrun<T: Arg>(_args: &[T]) -> Result<ScriptCall> {
    Err(Error::err("not yet implemented"))
}

pub fn scriptexecute_keys(_args: &[&[u8]]) -> Vec<usize> {
    Vec::new()
}

pub fn scriptrun_keys(_args: &[&[u8]]) -> Vec<usize> {
    Vec::new()
}
