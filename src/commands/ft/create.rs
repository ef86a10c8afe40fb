//! FT.CREATE, FT.ALTER, FT.DROPINDEX, FT._LIST and FT.TAGVALS.

use redis_module::{Context, RedisString, RedisValue};

use super::sync::{self, INDEX_DB};
use super::{index_named, index_to_query, unknown_index};
use crate::args::is_keyword;
use crate::error::{Error, Result};
use crate::ffi::hash::selected_db;
use crate::reply::Reply;
use crate::search::index::Index;
use crate::search::registry;
use crate::search::schema::{parse_alter, parse_create};

fn on_db0(ctx: &Context) -> Result<()> {
    if selected_db(ctx) != INDEX_DB {
        return Err(Error::err("Cannot create index on db != 0"));
    }
    Ok(())
}

/// `FT.CREATE index [ON HASH] [PREFIX n p…] … SCHEMA field type …`
pub fn ft_create(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if args.len() < 2 {
        return Err(Error::Arity("FT.CREATE"));
    }
    on_db0(ctx)?;
    let def = parse_create(&args[1..])?;
    if registry::get(&def.name).is_some() {
        return Err(Error::err("Index already exists"));
    }
    let skip = def.skip_initial_scan;
    let index = Index::new(def).map_err(Error::err)?;
    let name = index.def.name.clone();
    if !registry::insert(index) {
        return Err(Error::err("Index already exists"));
    }
    ctx.replicate_verbatim();
    if let (false, Some(ix)) = (skip, registry::get(&name)) {
        sync::start_scan(ctx, ix);
    }
    Ok(RedisValue::SimpleStringStatic("OK"))
}

/// `FT.ALTER index [SKIPINITIALSCAN] SCHEMA ADD field type …`: the index
/// starts over with the new schema (its keys are scanned again).
pub fn ft_alter(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if args.len() < 5 {
        return Err(Error::Arity("FT.ALTER"));
    }
    on_db0(ctx)?;
    let ix = index_named(args[1].as_slice())?;
    let def = parse_alter(&registry::read(&ix).def, &args[2..])?;
    let skip = args[2..]
        .iter()
        .take_while(|a| !is_keyword(*a, "SCHEMA"))
        .any(|a| is_keyword(a, "SKIPINITIALSCAN"));
    let fresh = Index::new(def).map_err(Error::err)?;
    let ix = registry::replace(fresh);
    ctx.replicate_verbatim();
    if !skip {
        sync::start_scan(ctx, ix);
    }
    Ok(RedisValue::SimpleStringStatic("OK"))
}

/// `FT.DROPINDEX index [DD]`: DD deletes the indexed hashes too.
pub fn ft_dropindex(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if args.len() < 2 || args.len() > 3 {
        return Err(Error::Arity("FT.DROPINDEX"));
    }
    let dd = match args.get(2) {
        None => false,
        Some(a) if is_keyword(a, "DD") => true,
        Some(_) => return Err(Error::err("Unknown argument for FT.DROPINDEX: expected DD")),
    };
    let name =
        std::str::from_utf8(args[1].as_slice()).map_err(|_| unknown_index(args[1].as_slice()))?;
    let ix = registry::remove(name).ok_or_else(|| unknown_index(args[1].as_slice()))?;
    if dd {
        let keys: Vec<Box<[u8]>> = registry::read(&ix)
            .docs()
            .map(|(_, d)| d.key.clone())
            .collect();
        let was = selected_db(ctx);
        crate::ffi::hash::select_db(ctx, INDEX_DB);
        for k in keys {
            let key = ctx.open_key_writable(&crate::ffi::string(ctx, &k));
            let _ = key.delete();
        }
        crate::ffi::hash::select_db(ctx, was);
    }
    ctx.replicate_verbatim();
    Ok(RedisValue::SimpleStringStatic("OK"))
}

/// An array of strings (a set in RESP3).
fn reply_set(ctx: &Context, items: &[&[u8]]) {
    let r = Reply::new(ctx);
    match (r.resp3(), crate::api!(RedisModule_ReplyWithSet)) {
        // SAFETY: ctx is the live command context.
        (true, Some(set)) => unsafe {
            set(ctx.ctx, items.len() as _);
        },
        _ => r.array(items.len()),
    }
    items.iter().for_each(|i| r.bulk(i));
}

/// `FT._LIST`
pub fn ft_list(ctx: &Context, _args: &[RedisString]) -> Result<RedisValue> {
    let names = registry::names();
    let items: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
    reply_set(ctx, &items);
    Ok(RedisValue::NoReply)
}

/// `FT.TAGVALS index field`
pub fn ft_tagvals(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if args.len() != 3 {
        return Err(Error::Arity("FT.TAGVALS"));
    }
    let ix = index_to_query(ctx, args[1].as_slice())?;
    let r = registry::read(&ix);
    let field = String::from_utf8_lossy(args[2].as_slice());
    let (i, _) = r
        .def
        .field(&field)
        .ok_or_else(|| Error::err(format!("No such field `{field}`")))?;
    let vals = r
        .tag_values(i)
        .ok_or_else(|| Error::err(format!("`{field}` is not a TAG field")))?;
    let items: Vec<&[u8]> = vals.iter().map(|v| v.as_bytes()).collect();
    reply_set(ctx, &items);
    Ok(RedisValue::NoReply)
}
