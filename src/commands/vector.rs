//! AI.VADD, AI.VREM, AI.VCARD, AI.VDIM, AI.VEMB, AI.VINFO, AI.VSETATTR,
//! AI.VGETATTR, AI.VISMEMBER and AI.VRANDMEMBER: Vector Sets semantics on
//! the AI_VECSET type. Writes run here, on the main thread, and never wait
//! for a search (`vwrite.rs`); AI.VSIM is in `vsim.rs`.

use redis_module::{Context, RedisString, RedisValue};

use super::tensor::ERR_EMPTY as ERR_TENSOR_EMPTY;
use super::vwrite::{self, Locked};
use crate::args::is_keyword;
use crate::error::{Error, Result};
use crate::ffi::notify;
use crate::reply::Reply;
use crate::tensor::parse_i64;
use crate::types::{tensor_type, vecset_type};
use crate::vector::index::scalar_bytes;
use crate::vector::parse::{
    parse_vadd, AddRequest, Source, DEFAULT_BUILD_EF, DEFAULT_M, ERR_MISMATCH_M,
    ERR_MISMATCH_METRIC, ERR_MISMATCH_QUANT,
};
use crate::vector::query::tensor_rows;
use crate::vector::set::check_attrs;
use crate::vector::{Metric, NewVector, Quant, Spec, VecSet};

fn arity(args: &[RedisString], lo: usize, hi: usize, name: &'static str) -> Result<()> {
    if args.len() < lo || args.len() > hi {
        return Err(Error::Arity(name));
    }
    Ok(())
}

/// One vector from a TENSOR key (shape `[dim]` or `[1, dim]`).
pub fn tensor_vector(ctx: &Context, key: &RedisString) -> Result<Vec<f32>> {
    let t = tensor_type::read(&ctx.open_key(key))?.ok_or_else(|| Error::err(ERR_TENSOR_EMPTY))?;
    match tensor_rows(&t)? {
        (mut rows, false) if rows.len() == 1 => Ok(rows.remove(0)),
        _ => Err(Error::err(
            "TENSOR must have shape [dim] or [1, dim] to add one vector",
        )),
    }
}

fn new_vector(ctx: &Context, args: &[RedisString], req: &AddRequest) -> Result<NewVector> {
    Ok(match &req.source {
        Source::Floats(v) => NewVector::Floats(v.clone()),
        Source::Raw(b, n) => NewVector::Raw(b.clone(), *n),
        Source::Tensor(i) => NewVector::Floats(tensor_vector(ctx, &args[*i])?),
        Source::Ele(_) => return Err(Error::err("ELE is not a vector to add")),
    })
}

/// `AI.VADD key (FP32 blob | VALUES n v… | TENSOR tkey | RAW blob norm)
/// element [METRIC m] [QUANT q] [M n] [EF n] [SETATTR json]`
pub fn vadd(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    let req = parse_vadd(args)?;
    let vector = new_vector(ctx, args, &req)?;
    let key = ctx.open_key_writable(&args[1]);
    let name = args[req.element].as_slice();
    let added = match vecset_type::get(&key)? {
        Some(set) => {
            let spec = set.read().spec();
            if req.quant.is_some_and(|q| q != spec.quant) {
                return Err(Error::err(ERR_MISMATCH_QUANT));
            }
            if req.m.is_some_and(|m| m != spec.m) {
                return Err(Error::err(ERR_MISMATCH_M));
            }
            if req.metric.is_some_and(|m| m != spec.metric) {
                return Err(Error::err(ERR_MISMATCH_METRIC));
            }
            let mut d = match vwrite::lock(ctx, args, &set, vadd)? {
                Locked::Now(d) => d,
                Locked::Deferred => return Ok(RedisValue::NoReply),
            };
            let added = d
                .add(name, &vector, req.attrs, req.ef)
                .map_err(Error::err)?;
            drop(d);
            crate::vector::compact::compact_in_background(&set, crate::ffi::with_gil);
            added
        }
        None => {
            let quant = req.quant.unwrap_or(Quant::F32);
            let dim = match &vector {
                NewVector::Floats(v) => v.len(),
                NewVector::Raw(b, _) => b.len() / scalar_bytes(quant),
            };
            let spec = Spec {
                dim,
                metric: req.metric.unwrap_or(Metric::Cosine),
                quant,
                m: req.m.unwrap_or(DEFAULT_M),
                ef_construction: if req.ef == 0 {
                    DEFAULT_BUILD_EF
                } else {
                    req.ef
                },
            };
            let set = VecSet::new(spec).map_err(Error::err)?;
            set.write()
                .add(name, &vector, req.attrs, 0)
                .map_err(Error::err)?;
            vecset_type::store(&key, set)?;
            true
        }
    };
    vwrite::propagate(ctx, args);
    notify(ctx, c"ai.vadd", &args[1]);
    Ok(RedisValue::Bool(added))
}

/// `AI.VREM key element`: removing the last element deletes the key.
pub fn vrem(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    arity(args, 3, 3, "AI.VREM")?;
    let key = ctx.open_key_writable(&args[1]);
    let Some(set) = vecset_type::get(&key)? else {
        return Ok(RedisValue::Bool(false));
    };
    let (removed, empty) = {
        let mut d = match vwrite::lock(ctx, args, &set, vrem)? {
            Locked::Now(d) => d,
            Locked::Deferred => return Ok(RedisValue::NoReply),
        };
        let removed = d.remove(args[2].as_slice()).map_err(Error::err)?;
        (removed, d.is_empty())
    };
    if removed {
        if empty {
            key.delete()
                .map_err(|_| Error::err("could not delete the key"))?;
        } else {
            crate::vector::compact::compact_in_background(&set, crate::ffi::with_gil);
        }
        vwrite::propagate(ctx, args);
        notify(ctx, c"ai.vrem", &args[1]);
    }
    Ok(RedisValue::Bool(removed))
}

fn read_set(ctx: &Context, key: &RedisString) -> Result<Option<vecset_type::SetValue>> {
    vecset_type::read(&ctx.open_key(key))
}

/// `AI.VCARD key`: 0 for a missing key.
pub fn vcard(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    arity(args, 2, 2, "AI.VCARD")?;
    let n = read_set(ctx, &args[1])?.map_or(0, |s| s.read().len());
    Ok(RedisValue::Integer(n as i64))
}

/// `AI.VDIM key`
pub fn vdim(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    arity(args, 2, 2, "AI.VDIM")?;
    let set = read_set(ctx, &args[1])?.ok_or_else(|| Error::err("key does not exist"))?;
    let dim = set.read().spec().dim;
    Ok(RedisValue::Integer(dim as i64))
}

/// The name Vector Sets give a storage type in AI.VEMB RAW and AI.VINFO.
fn raw_quant_name(q: Quant) -> &'static str {
    match q {
        Quant::F32 => "f32",
        Quant::F16 => "f16",
        Quant::Bf16 => "bf16",
        Quant::I8 => "int8",
    }
}

/// `AI.VEMB key element [RAW]`: nil when the key or element is missing.
pub fn vemb(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    arity(args, 3, 4, "AI.VEMB")?;
    let raw = match args.get(3) {
        Some(a) if is_keyword(a, "RAW") => true,
        Some(_) => return Err(Error::err("syntax error")),
        None => false,
    };
    let reply = Reply::new(ctx);
    let Some(set) = read_set(ctx, &args[1])? else {
        reply.null();
        return Ok(RedisValue::NoReply);
    };
    let d = set.read();
    let name = args[2].as_slice();
    if raw {
        let Some((bytes, norm)) = d.raw(name) else {
            reply.null();
            return Ok(RedisValue::NoReply);
        };
        let int8 = d.spec().quant == Quant::I8;
        reply.array(if int8 { 4 } else { 3 });
        reply.bulk(raw_quant_name(d.spec().quant).as_bytes());
        reply.bulk(&bytes);
        reply.double(f64::from(norm));
        if int8 {
            // Values are byte / 127 × range × norm.
            reply.double(1.0);
        }
        return Ok(RedisValue::NoReply);
    }
    match d.vector(name) {
        Some(v) => {
            reply.array(v.len());
            v.iter().for_each(|&x| reply.double(f64::from(x)));
        }
        None => reply.null(),
    }
    Ok(RedisValue::NoReply)
}

/// `AI.VINFO key`: a map; a null array for a missing key.
pub fn vinfo(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    arity(args, 2, 2, "AI.VINFO")?;
    let reply = Reply::new(ctx);
    let Some(set) = read_set(ctx, &args[1])? else {
        reply.null_array();
        return Ok(RedisValue::NoReply);
    };
    let info = set.read().info(set.uid());
    let s = info.spec;
    reply.map(12);
    reply.bulk(b"quant-type");
    reply.bulk(raw_quant_name(s.quant).as_bytes());
    reply.bulk(b"distance-metric");
    reply.bulk(crate::vector::parse::metric_name(s.metric).as_bytes());
    reply.bulk(b"hnsw-m");
    reply.int(s.m as i64);
    reply.bulk(b"ef-construction");
    reply.int(s.ef_construction as i64);
    reply.bulk(b"vector-dim");
    reply.int(s.dim as i64);
    reply.bulk(b"projection-input-dim");
    reply.int(0);
    reply.bulk(b"size");
    reply.int(info.size as i64);
    reply.bulk(b"attributes-count");
    reply.int(info.attributes as i64);
    reply.bulk(b"vset-uid");
    reply.int(info.uid as i64);
    reply.bulk(b"hnsw-max-node-uid");
    reply.int(info.max_id as i64);
    reply.bulk(b"capacity");
    reply.int(info.capacity as i64);
    reply.bulk(b"deleted-slots");
    reply.int(info.free_slots as i64);
    Ok(RedisValue::NoReply)
}

/// `AI.VSETATTR key element json`: an empty string removes the attributes.
pub fn vsetattr(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    arity(args, 4, 4, "AI.VSETATTR")?;
    let attrs = check_attrs(args[3].as_slice()).map_err(Error::err)?;
    let key = ctx.open_key_writable(&args[1]);
    let Some(set) = vecset_type::get(&key)? else {
        return Ok(RedisValue::Bool(false));
    };
    let done = match vwrite::lock(ctx, args, &set, vsetattr)? {
        Locked::Now(mut d) => d.set_attrs(args[2].as_slice(), attrs),
        Locked::Deferred => return Ok(RedisValue::NoReply),
    };
    if done {
        vwrite::propagate(ctx, args);
        notify(ctx, c"ai.vsetattr", &args[1]);
    }
    Ok(RedisValue::Bool(done))
}

/// `AI.VGETATTR key element`: the JSON, or nil.
pub fn vgetattr(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    arity(args, 3, 3, "AI.VGETATTR")?;
    let reply = Reply::new(ctx);
    let set = read_set(ctx, &args[1])?;
    match set.as_ref().and_then(|s| {
        s.read()
            .attrs(args[2].as_slice())
            .map(|a| a.as_bytes().to_vec())
    }) {
        Some(a) => reply.bulk(&a),
        None => reply.null(),
    }
    Ok(RedisValue::NoReply)
}

/// `AI.VISMEMBER key element`
pub fn vismember(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    arity(args, 3, 3, "AI.VISMEMBER")?;
    let found = read_set(ctx, &args[1])?.is_some_and(|s| s.read().contains(args[2].as_slice()));
    Ok(RedisValue::Bool(found))
}

/// A seed for random picks: a per-process counter through splitmix64.
fn seed() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0x9e37_79b9_7f4a_7c15);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut z = N.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed) ^ nanos;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Most names a negative AI.VRANDMEMBER count may ask for (repeats allowed).
pub const MAX_RANDOM_REPEATS: u64 = 1_000_000;

/// `AI.VRANDMEMBER key [count]`, with SRANDMEMBER semantics. A positive
/// count is clamped to the set's size; a negative one may repeat names and
/// is capped at [`MAX_RANDOM_REPEATS`].
pub fn vrandmember(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    arity(args, 2, 3, "AI.VRANDMEMBER")?;
    let count = match args.get(2) {
        Some(a) => Some(
            parse_i64(a.as_slice())
                .ok_or_else(|| Error::err("value is not an integer or out of range"))?,
        ),
        None => None,
    };
    if count.is_some_and(|c| c < 0 && c.unsigned_abs() > MAX_RANDOM_REPEATS) {
        return Err(Error::err(ERR_RANDOM_RANGE));
    }
    let reply = Reply::new(ctx);
    let set = read_set(ctx, &args[1])?;
    let Some(count) = count else {
        match set.as_ref().and_then(|s| {
            s.read()
                .random_distinct(1, seed())
                .first()
                .map(|n| n.to_vec())
        }) {
            Some(n) => reply.bulk(&n),
            None => reply.null(),
        }
        return Ok(RedisValue::NoReply);
    };
    let Some(set) = set else {
        reply.array(0);
        return Ok(RedisValue::NoReply);
    };
    let d = set.read();
    if count >= 0 {
        let names = d.random_distinct(count as usize, seed());
        reply.array(names.len());
        names.iter().for_each(|n| reply.bulk(n));
    } else {
        let want = if d.is_empty() {
            0
        } else {
            count.unsigned_abs() as usize
        };
        reply.array(want);
        d.random_repeats(want, seed()).for_each(|n| reply.bulk(n));
    }
    Ok(RedisValue::NoReply)
}

pub const ERR_RANDOM_RANGE: &str =
    "count is out of range: a negative count may ask for at most 1000000 names";
