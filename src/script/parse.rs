//! Parsing AI.SCRIPTEXECUTE and AI.SCRIPTRUN, in RedisAI's order and with
//! its error texts (spec §1.3), and their getkeys-api key positions (§2.9,
//! Decision 8).
//!
//! Every count a client sends is checked against what is left of the argv
//! before it is used, so nothing is sized from a count.

use std::ops::Range;

use crate::args::{is_keyword, Arg};
use crate::error::{Error, Result};
use crate::tensor::parse_i64;

const EXECUTE: &str = "AI.SCRIPTEXECUTE";
const RUN: &str = "AI.SCRIPTRUN";

/// A parsed AI.SCRIPTEXECUTE / AI.SCRIPTRUN: argv indices of each list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptCall {
    pub function: Vec<u8>,
    pub keys: Vec<usize>,
    pub inputs: Vec<usize>,
    pub args: Vec<usize>,
    pub outputs: Vec<usize>,
    /// TIMEOUT in milliseconds (inside a DAG the DAG parser refuses it).
    pub timeout: Option<u64>,
}

/// The four SCRIPTEXECUTE scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Keys,
    Inputs,
    Args,
    Outputs,
}

impl Scope {
    const ALL: [Scope; 4] = [Scope::Keys, Scope::Inputs, Scope::Args, Scope::Outputs];

    fn of(a: &impl Arg) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| is_keyword(a, s.keyword()))
    }

    fn keyword(self) -> &'static str {
        match self {
            Scope::Keys => "KEYS",
            Scope::Inputs => "INPUTS",
            Scope::Args => "ARGS",
            Scope::Outputs => "OUTPUTS",
        }
    }

    /// The word in "number of <word> to AI.SCRIPTEXECUTE command …".
    fn plural(self) -> &'static str {
        match self {
            Scope::Keys => "keys",
            Scope::Inputs => "inputs",
            Scope::Args => "args",
            Scope::Outputs => "outputs",
        }
    }

    /// The word in "Invalid argument for <word> count …": ARGS says `keys`
    /// (RedisAI's copy-paste slip, kept for compatibility).
    fn count_word(self) -> &'static str {
        match self {
            Scope::Inputs => "inputs",
            Scope::Outputs => "outputs",
            Scope::Keys | Scope::Args => "keys",
        }
    }
}

fn text(a: &impl Arg) -> String {
    String::from_utf8_lossy(a.bytes()).into_owned()
}

/// A TIMEOUT value: an integer > 0 (milliseconds).
fn timeout_value(a: &impl Arg) -> Result<u64> {
    parse_i64(a.bytes())
        .filter(|&t| t > 0)
        .map(|t| t as u64)
        .ok_or_else(|| Error::err("Invalid value for TIMEOUT"))
}

/// `n` items starting at `start`, if that many are left in an argv of
/// `len` arguments. `n` is compared before it is converted.
fn items(len: usize, start: usize, n: i64) -> Option<Range<usize>> {
    let left = len.saturating_sub(start);
    let n = usize::try_from(n).ok().filter(|&n| n <= left)?;
    Some(start..start + n)
}

/// `KEYS <n> <key>…`, with `at` the index of `n`.
fn keys_scope<T: Arg>(args: &[T], at: usize) -> Result<Range<usize>> {
    if args.len().saturating_sub(at) < 2 {
        return Err(Error::err("Missing arguments after KEYS keyword"));
    }
    let n = parse_i64(args[at].bytes())
        .filter(|&n| n > 0)
        .ok_or_else(|| Error::err("Invalid or negative value found in number of KEYS"))?;
    items(args.len(), at + 1, n).ok_or_else(|| {
        Error::err(
            "Number of pre declared KEYS to be used in the command does not match the number \
             of given arguments",
        )
    })
}

/// `INPUTS|ARGS|OUTPUTS <n> <item>…`, with `at` the index of `n`. RedisAI
/// does not check these counts for positivity: a count below zero takes no
/// items, like 0.
fn counted_scope<T: Arg>(args: &[T], at: usize, scope: Scope) -> Result<Range<usize>> {
    let a = args
        .get(at)
        .ok_or_else(|| Error::err(format!("Invalid arguments provided to {EXECUTE}")))?;
    let n = parse_i64(a.bytes()).ok_or_else(|| {
        Error::err(format!(
            "Invalid argument for {} count in {EXECUTE}",
            scope.count_word()
        ))
    })?;
    items(args.len(), at + 1, n.max(0)).ok_or_else(|| {
        Error::err(format!(
            "number of {} to {EXECUTE} command does not match the number of given arguments",
            scope.plural()
        ))
    })
}

/// `AI.SCRIPTEXECUTE key function [KEYS n …] [INPUTS n …] [ARGS n …]
/// [OUTPUTS n …] [TIMEOUT ms]` (full argv: `args[0]` is the command name).
///
/// RedisAI looks the script up right after the arity check, so a caller
/// that wants its order checks `args.len() >= 3` (or calls this and keeps
/// only an arity error), looks the script up, then parses.
///
/// Standalone, the first scope must be KEYS or INPUTS; `in_dag`: any order,
/// and none required. Each scope appears at most once; TIMEOUT ends the
/// command. Inside a DAG TIMEOUT is still parsed: the DAG parser refuses it.
pub fn parse_scriptexecute<T: Arg>(args: &[T], in_dag: bool) -> Result<ScriptCall> {
    if args.len() < 3 {
        return Err(Error::Arity(EXECUTE));
    }
    // RedisAI reads argv[3] here even when argc == 3 (out of bounds); a
    // missing first scope gets the same error as a wrong one.
    let first_ok = args
        .get(3)
        .is_some_and(|a| is_keyword(a, "KEYS") || is_keyword(a, "INPUTS"));
    if !in_dag && !first_ok {
        return Err(Error::err(format!(
            "KEYS or INPUTS scope must be provided first for {EXECUTE} command"
        )));
    }
    let mut call = ScriptCall {
        function: args[2].bytes().to_vec(),
        ..ScriptCall::default()
    };
    let mut seen = [false; 4];
    let mut i = 3;
    while let Some(a) = args.get(i) {
        if is_keyword(a, "TIMEOUT") {
            let value = args
                .get(i + 1)
                .ok_or_else(|| Error::err(format!("No value provided for TIMEOUT in {EXECUTE}")))?;
            call.timeout = Some(timeout_value(value)?);
            i += 2;
            break;
        }
        let Some(scope) = Scope::of(a) else {
            return Err(Error::err(format!(
                "Invalid {EXECUTE} command. Unexpected argument: {}",
                text(a)
            )));
        };
        if std::mem::replace(&mut seen[scope as usize], true) {
            return Err(Error::err(format!(
                "Already Encountered {} scope in {EXECUTE} command",
                scope.keyword()
            )));
        }
        let range = match scope {
            Scope::Keys => keys_scope(args, i + 1)?,
            _ => counted_scope(args, i + 1, scope)?,
        };
        i = range.end;
        let list = match scope {
            Scope::Keys => &mut call.keys,
            Scope::Inputs => &mut call.inputs,
            Scope::Args => &mut call.args,
            Scope::Outputs => &mut call.outputs,
        };
        *list = range.collect();
    }
    if i != args.len() {
        return Err(Error::err(format!("Encountered problem parsing {EXECUTE}")));
    }
    Ok(call)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    None,
    Inputs,
    Outputs,
}

/// The deprecated `AI.SCRIPTRUN key function [TIMEOUT ms] INPUTS in… [$
/// in…] OUTPUTS out…` (full argv). TIMEOUT may stand anywhere, once. The
/// `$` variadic marker is checked and then ignored: the function's
/// signature decides how inputs bind.
pub fn parse_scriptrun<T: Arg>(args: &[T]) -> Result<ScriptCall> {
    if args.len() < 3 {
        return Err(Error::Arity(RUN));
    }
    let mut call = ScriptCall {
        function: args[2].bytes().to_vec(),
        ..ScriptCall::default()
    };
    let mut section = Section::None;
    let mut inputs_done = false;
    let mut variadic = false;
    let mut i = 3;
    while let Some(a) = args.get(i) {
        i += 1;
        if is_keyword(a, "TIMEOUT") {
            if call.timeout.is_some() {
                return Err(Error::err(
                    "Already encountered an TIMEOUT section in SCRIPTRUN",
                ));
            }
            let value = args
                .get(i)
                .ok_or_else(|| Error::err("No value provided for TIMEOUT"))?;
            call.timeout = Some(timeout_value(value)?);
            i += 1;
        } else if is_keyword(a, "INPUTS") {
            if inputs_done {
                return Err(Error::err(
                    "Already encountered an INPUTS section in SCRIPTRUN",
                ));
            }
            if section == Section::Inputs {
                return Err(Error::err(
                    "Already encountered an INPUTS keyword in SCRIPTRUN",
                ));
            }
            section = Section::Inputs;
        } else if is_keyword(a, "OUTPUTS") {
            if section == Section::Outputs {
                return Err(Error::err(
                    "Already encountered an OUTPUTS keyword in SCRIPTRUN",
                ));
            }
            section = Section::Outputs;
            inputs_done = true;
        } else if a.bytes() == b"$" {
            if section != Section::Inputs {
                return Err(Error::err(
                    "Encountered a variable size list of tensors outside of input section",
                ));
            }
            if std::mem::replace(&mut variadic, true) {
                return Err(Error::err(
                    "Already encountered a variable size list of tensors",
                ));
            }
        } else {
            match section {
                Section::Inputs => call.inputs.push(i - 1),
                Section::Outputs => call.outputs.push(i - 1),
                Section::None => {
                    return Err(Error::err("Unrecongnized parameter to SCRIPTRUN"));
                }
            }
        }
    }
    Ok(call)
}

/// Key positions of `AI.SCRIPTEXECUTE`, for getkeys-api: the script key
/// and the KEYS, INPUTS and OUTPUTS lists, wherever they stand (Decision 8;
/// ARGS items are skipped, not reported). Lenient: a malformed command
/// reports what it can, up to the first token it cannot make sense of.
pub fn scriptexecute_keys(args: &[&[u8]]) -> Vec<usize> {
    let mut keys = Vec::new();
    if args.len() > 1 {
        keys.push(1);
    }
    let mut i = 3;
    while let Some(a) = args.get(i) {
        if a.eq_ignore_ascii_case(b"TIMEOUT") {
            i += 2;
            continue;
        }
        let Some(scope) = Scope::of(a) else {
            break;
        };
        let Some(n) = args.get(i + 1).and_then(|c| parse_i64(c)) else {
            break;
        };
        // A list cut short still reports the items that are there.
        let start = i + 2;
        let end = items(args.len(), start, n.max(0)).map_or(args.len(), |r| r.end);
        if scope != Scope::Args {
            keys.extend(start.min(end)..end);
        }
        i = end.max(start);
    }
    keys
}

/// Key positions of `AI.SCRIPTRUN`: the script key and every input and
/// output name (TIMEOUT's value, the keywords and `$` are not keys).
/// Lenient: tokens before INPUTS/OUTPUTS are skipped.
pub fn scriptrun_keys(args: &[&[u8]]) -> Vec<usize> {
    let mut keys = Vec::new();
    if args.len() > 1 {
        keys.push(1);
    }
    let mut in_lists = false;
    let mut i = 3;
    while let Some(a) = args.get(i) {
        if a.eq_ignore_ascii_case(b"TIMEOUT") {
            i += 2;
            continue;
        }
        if a.eq_ignore_ascii_case(b"INPUTS") || a.eq_ignore_ascii_case(b"OUTPUTS") {
            in_lists = true;
        } else if in_lists && *a != b"$" {
            keys.push(i);
        }
        i += 1;
    }
    keys
}

#[cfg(test)]
mod tests;
