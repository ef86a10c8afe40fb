//! Parsing a DAG command, in RedisAI's order and with its error texts.

use std::collections::HashMap;
use std::sync::Arc;

use super::vsim::{self, VsimOp};
use super::{Dag, Op};
use crate::args::{is_keyword, Arg};
use crate::error::{Error, Result};
use crate::model::{parse_modelexecute, parse_modelrun, Model};
use crate::script::call::CallEnv;
use crate::script::{parse_scriptexecute, parse_scriptrun, Invocation, Script};
use crate::tensor::{parse_i64, parse_tensorget, parse_tensorset, Tensor};
use crate::vector::VecSet;

/// Which DAG command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Execute,
    ExecuteRo,
    Run,
    RunRo,
}

impl Flavor {
    pub fn name(self) -> &'static str {
        match self {
            Flavor::Execute => "AI.DAGEXECUTE",
            Flavor::ExecuteRo => "AI.DAGEXECUTE_RO",
            Flavor::Run => "AI.DAGRUN",
            Flavor::RunRo => "AI.DAGRUN_RO",
        }
    }

    fn read_only(self) -> bool {
        matches!(self, Flavor::ExecuteRo | Flavor::RunRo)
    }

    fn deprecated(self) -> bool {
        matches!(self, Flavor::Run | Flavor::RunRo)
    }
}

/// What a DAG reads from the keyspace at parse time.
pub trait Keyspace {
    /// A tensor, or `ERR tensor key is empty or in a different shard` /
    /// WRONGTYPE.
    fn tensor(&self, key: &[u8]) -> Result<Arc<Tensor>>;
    /// A model, or `ERR model key is empty` / WRONGTYPE.
    fn model(&self, key: &[u8]) -> Result<Arc<Model>>;
    /// A script, or `ERR script key is empty` / WRONGTYPE.
    fn script(&self, key: &[u8]) -> Result<Arc<Script>>;
    /// A vector set (`None`: no such key), or WRONGTYPE.
    fn vset(&self, key: &[u8]) -> Result<Option<Arc<VecSet>>>;
    /// The calling client, for the scripts' `redis.execute`.
    fn caller(&self) -> CallEnv;
}

const SEP: &str = "|>";

/// Most ops one DAG may hold.
pub const MAX_DAG_OPS: usize = 1024;
/// Most bytes the AI.TENSORSET ops of one DAG may create together.
pub const MAX_DAG_TENSOR_BYTES: usize = 1 << 32;

fn unexpected(a: &impl Arg) -> Error {
    Error::err(format!(
        "Invalid DAG command. Unexpected argument:  {}",
        String::from_utf8_lossy(a.bytes())
    ))
}

/// `LOAD|PERSIST <n> <key>…` at `i`: the keys' indices.
fn counted<T: Arg>(
    args: &[T],
    i: usize,
    end: usize,
    what: &str,
    after: &str,
) -> Result<Vec<usize>> {
    if end - i < 3 {
        return Err(Error::err(format!(
            "missing arguments after {what} keyword in DAG command"
        )));
    }
    let n = parse_i64(args[i + 1].bytes())
        .filter(|&n| n > 0)
        .ok_or_else(|| {
            Error::err(format!(
                "invalid or negative value found in number of keys to {what}"
            ))
        })? as usize;
    if i + 2 + n > end {
        return Err(Error::err(format!(
            "number of keys to {what} {after} does not match the number of given arguments"
        )));
    }
    Ok((i + 2..i + 2 + n).collect())
}

struct Names {
    slots: Vec<Option<Arc<Tensor>>>,
    latest: HashMap<Vec<u8>, usize>,
    /// Bytes of the tensors AI.TENSORSET ops made so far.
    created: usize,
}

impl Names {
    fn define(&mut self, name: &[u8], t: Option<Arc<Tensor>>) -> usize {
        self.slots.push(t);
        let slot = self.slots.len() - 1;
        self.latest.insert(name.to_vec(), slot);
        slot
    }

    fn find(&self, name: &[u8]) -> Result<usize> {
        self.latest
            .get(name)
            .copied()
            .ok_or_else(|| Error::err("INPUT key cannot be found in DAG"))
    }
}

/// Parses a whole DAG command (full argv).
pub fn parse<T: Arg>(args: &[T], flavor: Flavor, ks: &impl Keyspace) -> Result<Dag> {
    if flavor.deprecated() {
        if args.len() < 4 {
            return Err(Error::Arity(flavor.name()));
        }
    } else if args.len() < 6 {
        return Err(Error::err(format!(
            "missing arguments for '{}' command",
            flavor.name()
        )));
    }
    let end = args
        .iter()
        .position(|a| is_keyword(a, SEP))
        .unwrap_or(args.len());
    let mut names = Names {
        slots: Vec::new(),
        latest: HashMap::new(),
        created: 0,
    };
    let (mut load, mut persist, mut routing, mut timeout) = (false, None, false, None);
    let mut seen_timeout = false;
    let mut i = 1;
    while i < end {
        let a = &args[i];
        if is_keyword(a, "LOAD") && !load {
            let keys = counted(args, i, end, "LOAD", "into DAG")?;
            for &k in &keys {
                let t = ks.tensor(args[k].bytes())?;
                names.define(args[k].bytes(), Some(t));
            }
            load = true;
            i += 2 + keys.len();
        } else if is_keyword(a, "PERSIST") && persist.is_none() {
            if flavor.read_only() {
                return Err(Error::err("PERSIST cannot be specified in a read-only DAG"));
            }
            let keys = counted(args, i, end, "PERSIST", "after DAG execution")?;
            let mut unique: Vec<&[u8]> = keys.iter().map(|&k| args[k].bytes()).collect();
            unique.sort();
            unique.dedup();
            if unique.len() != keys.len() {
                return Err(Error::err("PERSIST keys must be unique"));
            }
            i += 2 + keys.len();
            persist = Some(keys);
        } else if is_keyword(a, "ROUTING") && !routing {
            if i + 1 >= end {
                return Err(Error::err("Missing ROUTING value"));
            }
            routing = true;
            i += 2;
        } else if is_keyword(a, "TIMEOUT") && !seen_timeout {
            let v = args
                .get(i + 1)
                .filter(|_| i + 1 < end)
                .ok_or_else(|| Error::err("No value provided for TIMEOUT"))?;
            let t = parse_i64(v.bytes()).ok_or_else(|| Error::err("Invalid value for TIMEOUT"))?;
            timeout = (t > 0).then_some(t as u64);
            seen_timeout = true;
            i += 2;
        } else {
            return Err(unexpected(a));
        }
    }
    if !flavor.deprecated() && !load && persist.is_none() && !routing {
        return Err(Error::err(format!(
            "{} and {}_RO commands must contain at least one out of ROUTING, LOAD, PERSIST keywords",
            "AI.DAGEXECUTE", "AI.DAGEXECUTE"
        )));
    }
    let ops_args = args.get(end + 1..).unwrap_or(&[]);
    if ops_args.is_empty() && end == args.len() {
        return Err(Error::err("DAG is empty"));
    }
    let mut ops = Vec::new();
    for op in ops_args.split(|a| is_keyword(a, SEP)) {
        let Some(first) = op.first() else {
            return Err(unexpected(&SEP));
        };
        if ops.len() == MAX_DAG_OPS {
            return Err(Error::err(format!("DAG has more than {MAX_DAG_OPS} ops")));
        }
        ops.push(parse_op(op, first, flavor, ks, &mut names)?);
        if names.created > MAX_DAG_TENSOR_BYTES {
            return Err(Error::err(format!(
                "the tensors set in the DAG exceed {MAX_DAG_TENSOR_BYTES} bytes"
            )));
        }
    }
    if ops.is_empty() {
        return Err(Error::err("DAG is empty"));
    }
    let persist = persist
        .unwrap_or_default()
        .into_iter()
        .map(|k| {
            let key = args[k].bytes();
            names
                .latest
                .get(key)
                .map(|&slot| (key.to_vec(), slot))
                .ok_or_else(|| Error::err("PERSIST key cannot be found in DAG"))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Dag {
        slots: names.slots,
        ops,
        persist,
        timeout,
    })
}

fn parse_op<T: Arg>(
    op: &[T],
    first: &T,
    flavor: Flavor,
    ks: &impl Keyspace,
    names: &mut Names,
) -> Result<Op> {
    let is = |k: &str| is_keyword(first, k);
    if is("AI.TENSORSET") {
        if op.len() < 4 {
            return Err(Error::raw(
                "wrong number of arguments for 'AI.TENSORSET' command",
            ));
        }
        let t = parse_tensorset(&op[2..])?.build()?;
        names.created = names.created.saturating_add(t.data().len());
        names.define(op[1].bytes(), Some(Arc::new(t)));
        return Ok(Op::TensorSet);
    }
    if is("AI.TENSORGET") {
        if !(2..=4).contains(&op.len()) {
            return Err(Error::raw(
                "wrong number of arguments for 'AI.TENSORGET' command",
            ));
        }
        let slot = names.find(op[1].bytes())?;
        let format = parse_tensorget(&op[2..])?;
        return Ok(Op::TensorGet { slot, format });
    }
    let model_op = if is("AI.MODELEXECUTE") {
        if flavor.deprecated() {
            return Err(Error::raw(
                "AI.MODELEXECUTE cannot be used in a deprecated AI.DAGRUN command",
            ));
        }
        true
    } else if is("AI.MODELRUN") {
        if !flavor.deprecated() {
            return Err(Error::raw(
                "Deprecated AI.MODELRUN cannot be used in AI.DAGEXECUTE command",
            ));
        }
        false
    } else if is("AI.SCRIPTEXECUTE") {
        return match flavor {
            Flavor::ExecuteRo => Err(Error::err(
                "AI.SCRIPTEXECUTE command cannot be specified in a read-only DAG",
            )),
            Flavor::Run | Flavor::RunRo => Err(Error::raw(
                "AI.SCRIPTEXECUTE cannot be used in a deprecated AI.DAGRUN command",
            )),
            Flavor::Execute => script_op(op, true, ks, names),
        };
    } else if is("AI.SCRIPTRUN") {
        return if flavor.deprecated() {
            script_op(op, false, ks, names)
        } else {
            Err(Error::raw(
                "Deprecated AI.SCRIPTRUN cannot be used in AI.DAGEXECUTE command",
            ))
        };
    } else if is("AI.VSIM") {
        return vsim_op(op, ks, names);
    } else {
        return Err(Error::raw("Unsupported command within DAG"));
    };
    let cmd = if model_op {
        "AI.MODELEXECUTE"
    } else {
        "AI.MODELRUN"
    };
    if op.len() < if model_op { 8 } else { 6 } {
        return Err(Error::Arity(cmd));
    }
    let model = ks.model(op[1].bytes())?;
    let req = if model_op {
        parse_modelexecute(op, &|n| model.check_inputs(n), &|n| model.check_outputs(n))?
    } else {
        parse_modelrun(op, &|n| model.check_inputs(n), &|n| model.check_outputs(n))?
    };
    if req.timeout.is_some() {
        return Err(Error::err("TIMEOUT not allowed within a DAG command"));
    }
    let inputs = req
        .inputs
        .iter()
        .map(|&i| names.find(op[i].bytes()))
        .collect::<Result<Vec<_>>>()?;
    let outputs = req
        .outputs
        .iter()
        .map(|&o| names.define(op[o].bytes(), None))
        .collect();
    Ok(Op::Model {
        model,
        inputs,
        outputs,
    })
}

/// An AI.SCRIPTEXECUTE (`execute`) or AI.SCRIPTRUN op.
fn script_op<T: Arg>(op: &[T], execute: bool, ks: &impl Keyspace, names: &mut Names) -> Result<Op> {
    let cmd = if execute {
        "AI.SCRIPTEXECUTE"
    } else {
        "AI.SCRIPTRUN"
    };
    if op.len() < 3 {
        return Err(Error::Arity(cmd));
    }
    let script = ks.script(op[1].bytes())?;
    let c = if execute {
        parse_scriptexecute(op, true)?
    } else {
        parse_scriptrun(op)?
    };
    if c.timeout.is_some() {
        return Err(Error::err("TIMEOUT not allowed within a DAG command"));
    }
    let inputs = c
        .inputs
        .iter()
        .map(|&i| names.find(op[i].bytes()))
        .collect::<Result<Vec<_>>>()?;
    let call = Invocation::new(op, &c, ks.caller().in_slot_of(op[1].bytes()));
    let outputs = c
        .outputs
        .iter()
        .map(|&o| names.define(op[o].bytes(), None))
        .collect();
    Ok(Op::Script {
        script,
        call,
        inputs,
        outputs,
    })
}

/// An AI.VSIM op (see [`vsim`]).
fn vsim_op<T: Arg>(op: &[T], ks: &impl Keyspace, names: &mut Names) -> Result<Op> {
    let parsed = vsim::parse_op(op)?;
    let set = ks
        .vset(op[1].bytes())?
        .ok_or_else(|| Error::err("AI.VSIM: no vector set at this key"))?;
    let query = names.find(op[parsed.query].bytes())?;
    let outputs = vec![
        names.define(op[parsed.ids].bytes(), None),
        names.define(op[parsed.scores].bytes(), None),
    ];
    Ok(Op::Vsim(Box::new(VsimOp {
        set,
        opts: parsed.opts,
        query,
        outputs,
    })))
}

/// Key positions of a DAG command, for getkeys-api (Decision 8): LOAD and
/// PERSIST keys and the ROUTING value wherever they stand in the header, the
/// model, script or vector set of every op, and a script op's KEYS (the
/// keys its `redis.execute` calls may touch). Op INPUTS and OUTPUTS are
/// DAG-local names, not keys.
pub fn dag_keys(args: &[&[u8]]) -> Vec<usize> {
    let eq = |a: &[u8], k: &str| a.eq_ignore_ascii_case(k.as_bytes());
    let end = args.iter().position(|a| eq(a, SEP)).unwrap_or(args.len());
    let mut keys = Vec::new();
    let mut i = 1;
    while i < end {
        let a = args[i];
        if eq(a, "LOAD") || eq(a, "PERSIST") {
            let n = args
                .get(i + 1)
                .and_then(|n| parse_i64(n))
                .filter(|&n| n > 0)
                .map_or(0, |n| n as usize);
            // Only the keys that exist: a count of billions must not
            // loop billions of times (getkeys runs on every ACL-checked
            // and every cluster command).
            let stop = i.saturating_add(2).saturating_add(n);
            keys.extend(i + 2..stop.min(end));
            i = stop;
        } else if eq(a, "ROUTING") {
            if i + 1 < end {
                keys.push(i + 1);
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    let ops = args.get(end + 1..).unwrap_or(&[]);
    let mut start = end + 1;
    for op in ops.split(|a| eq(a, SEP)) {
        if let Some(first) = op.first() {
            let named = [
                "AI.MODELEXECUTE",
                "AI.MODELRUN",
                "AI.SCRIPTEXECUTE",
                "AI.SCRIPTRUN",
                "AI.VSIM",
            ];
            if named.iter().any(|k| eq(first, k)) && op.len() > 1 {
                keys.push(start + 1);
            }
            if eq(first, "AI.SCRIPTEXECUTE") {
                if let Ok(c) = parse_scriptexecute(op, true) {
                    keys.extend(c.keys.iter().map(|&k| start + k));
                }
            }
        }
        start += op.len() + 1;
    }
    keys
}
