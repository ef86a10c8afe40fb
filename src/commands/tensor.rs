//! AI.TENSORSET and AI.TENSORGET.

use redis_module::{Context, RedisString, RedisValue};

use crate::error::{Error, Result};
use crate::ffi::notify;
use crate::reply::Reply;
use crate::tensor::{parse_tensorget, parse_tensorset, DataFormat, GetFormat, Tensor, Value};
use crate::types::tensor_type;

pub const ERR_EMPTY: &str = "tensor key is empty or in a different shard";

/// `AI.TENSORSET <key> <type> [<dim> ...] [BLOB <data> | VALUES <val> ...]`
pub fn tensorset(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if args.len() < 4 {
        return Err(Error::Arity("AI.TENSORSET"));
    }
    let key = ctx.open_key_writable(&args[1]);
    let slot = tensor_type::open_for_write(&key)?;
    slot.store(&parse_tensorset(&args[2..])?)?;
    notify(ctx, c"ai.tensorset", &args[1]);
    ctx.replicate_verbatim();
    Ok(RedisValue::SimpleStringStatic("OK"))
}

/// `AI.TENSORGET <key> [META] [BLOB | VALUES]`
pub fn tensorget(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if !(2..=4).contains(&args.len()) {
        return Err(Error::Arity("AI.TENSORGET"));
    }
    let key = ctx.open_key(&args[1]);
    let tensor = tensor_type::read(&key)?.ok_or_else(|| Error::err(ERR_EMPTY))?;
    let format = parse_tensorget(&args[2..])?;
    reply_tensor(&Reply::new(ctx), &tensor, format);
    Ok(RedisValue::NoReply)
}

/// Writes a tensor in the AI.TENSORGET reply shape `format` asks for.
pub fn reply_tensor(reply: &Reply, tensor: &Tensor, format: GetFormat) {
    let data_len = if format.data == DataFormat::None {
        0
    } else {
        2
    };
    if format.meta {
        reply.array(4 + data_len);
        reply.bulk(b"dtype");
        reply.bulk(tensor.dtype().name().as_bytes());
        reply.bulk(b"shape");
        reply.array(tensor.shape().len());
        for &d in tensor.shape() {
            reply.int(d);
        }
        match format.data {
            DataFormat::Blob => reply.bulk(b"blob"),
            DataFormat::Values => reply.bulk(b"values"),
            DataFormat::None => {}
        }
    }
    match format.data {
        DataFormat::Blob => reply.bulk(tensor.data()),
        DataFormat::Values => reply_values(reply, tensor),
        DataFormat::None => {}
    }
}

fn reply_values(reply: &Reply, t: &Tensor) {
    reply.array(t.len());
    for v in t.values() {
        match v {
            Value::Int(i) => reply.int(i),
            Value::Float(f) => reply.double(f),
            Value::Str(s) => reply.bulk(s),
        }
    }
}
