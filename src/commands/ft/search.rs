//! FT.SEARCH: parse the options, run the query (`search::exec`), then read
//! the hashes of the page and reply in the RESP2 or RESP3 shape.

use std::collections::HashMap;

use std::os::raw::c_int;

use redis_module::{Context, ContextFlags, RedisString, RedisValue};

use super::sync::INDEX_DB;
use super::{fmt_num, index_to_query, parse_count, write_flat, write_map, Row};
use crate::args::is_keyword;
use crate::engine::pool::search_pool;
use crate::error::{Error, Result};
use crate::ffi::block::{self, Finish};
use crate::ffi::hash::{select_db, selected_db, ReadKey};
use crate::reply::Reply;
use crate::search::exec::{self, Hit, Outcome, ReturnField, SearchRequest, MAX_RESULTS};
use crate::search::index::Index;
use crate::search::query::{self, Node, Params, MAX_PARAMS};
use crate::search::registry::{self, Shared};

/// Most arguments an option list may name (RETURN, INKEYS, …).
const MAX_LIST: usize = 65_536;

fn num(a: &RedisString, what: &str) -> Result<f64> {
    std::str::from_utf8(a.as_slice())
        .ok()
        .and_then(|s| {
            let s = s.trim();
            let s = s.strip_prefix('(').unwrap_or(s);
            match s.to_ascii_lowercase().as_str() {
                "inf" | "+inf" => Some(f64::INFINITY),
                "-inf" => Some(f64::NEG_INFINITY),
                _ => s.parse::<f64>().ok(),
            }
        })
        .filter(|x| !x.is_nan())
        .ok_or_else(|| Error::err(format!("Bad {what}: not a number")))
}

/// Options shared by FT.SEARCH and FT.AGGREGATE: PARAMS are needed before
/// the query can be parsed, so they are found first.
pub fn find_params(args: &[RedisString]) -> Result<Params> {
    let mut params = Params::new();
    let mut i = 0;
    while i < args.len() {
        if is_keyword(&args[i], "PARAMS") {
            let n = parse_count(
                args.get(i + 1).map_or(&[][..], |a| a.as_slice()),
                "PARAMS count",
                2 * MAX_PARAMS,
            )?;
            if n % 2 != 0 || i + 2 + n > args.len() {
                return Err(Error::err(
                    "Bad arguments for PARAMS: expected an even number of name value pairs",
                ));
            }
            for pair in args[i + 2..i + 2 + n].chunks_exact(2) {
                let name = String::from_utf8_lossy(pair[0].as_slice()).into_owned();
                if params
                    .insert(name.clone(), pair[1].as_slice().to_vec())
                    .is_some()
                {
                    return Err(Error::err(format!("Duplicate parameter `{name}`")));
                }
            }
            return Ok(params);
        }
        i += 1;
    }
    Ok(params)
}

fn list<'a>(args: &'a [RedisString], i: &mut usize, what: &str) -> Result<&'a [RedisString]> {
    let n = parse_count(
        args.get(*i + 1).map_or(&[][..], |a| a.as_slice()),
        what,
        MAX_LIST,
    )?;
    let start = *i + 2;
    let end = start
        .checked_add(n)
        .filter(|e| *e <= args.len())
        .ok_or_else(|| Error::err(format!("Bad arguments for {what}: not enough arguments")))?;
    *i = end;
    Ok(&args[start..end])
}

/// Parses `FT.SEARCH index query [options…]` (args start at the query).
pub fn parse_request(args: &[RedisString]) -> Result<SearchRequest> {
    let params = find_params(args)?;
    let q = query::parse(args[0].as_slice(), &params)?;
    let mut req = SearchRequest {
        query: q,
        nocontent: false,
        withscores: false,
        return_fields: None,
        sortby: None,
        offset: 0,
        num: 10,
        numeric_filters: Vec::new(),
        inkeys: None,
    };
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        let kw = String::from_utf8_lossy(a.as_slice()).to_ascii_uppercase();
        match kw.as_str() {
            "NOCONTENT" => req.nocontent = true,
            "WITHSCORES" => req.withscores = true,
            "VERBATIM" | "NOSTOPWORDS" | "WITHPAYLOADS" | "WITHSORTKEYS" | "INORDER"
            | "EXPLAINSCORE" => {}
            "SLOP" | "TIMEOUT" | "LANGUAGE" | "EXPANDER" | "SCORER" | "PAYLOAD" | "DIALECT" => {
                if i + 1 >= args.len() {
                    return Err(Error::err(format!("{kw}: missing argument")));
                }
                if kw == "TIMEOUT" || kw == "DIALECT" || kw == "SLOP" {
                    parse_count(args[i + 1].as_slice(), &kw, i64::MAX as usize)?;
                }
                i += 1;
            }
            "FILTER" => {
                if i + 3 >= args.len() {
                    return Err(Error::err("FILTER: expected field min max"));
                }
                let field = String::from_utf8_lossy(args[i + 1].as_slice()).into_owned();
                let lo_excl = args[i + 2].as_slice().starts_with(b"(");
                let hi_excl = args[i + 3].as_slice().starts_with(b"(");
                req.numeric_filters.push(Node::Numeric {
                    field,
                    lo: num(&args[i + 2], "FILTER min")?,
                    lo_incl: !lo_excl,
                    hi: num(&args[i + 3], "FILTER max")?,
                    hi_incl: !hi_excl,
                });
                i += 3;
            }
            "GEOFILTER" => return Err(Error::err("GEOFILTER is not supported (no GEO fields)")),
            "INKEYS" => {
                let keys = list(args, &mut i, "INKEYS")?;
                req.inkeys = Some(keys.iter().map(|k| k.as_slice().to_vec()).collect());
                continue;
            }
            "INFIELDS" => {
                list(args, &mut i, "INFIELDS")?;
                continue;
            }
            "RETURN" => {
                let items = list(args, &mut i, "RETURN")?;
                let mut out = Vec::new();
                let mut j = 0;
                while j < items.len() {
                    let name = String::from_utf8_lossy(items[j].as_slice()).into_owned();
                    let name = name.strip_prefix('@').map(str::to_string).unwrap_or(name);
                    let mut as_name = None;
                    if j + 2 < items.len() + 1
                        && items.get(j + 1).is_some_and(|x| is_keyword(x, "AS"))
                    {
                        let alias = items
                            .get(j + 2)
                            .ok_or_else(|| Error::err("RETURN: AS needs a name"))?;
                        as_name = Some(String::from_utf8_lossy(alias.as_slice()).into_owned());
                        j += 2;
                    }
                    out.push(ReturnField { name, as_name });
                    j += 1;
                }
                if out.is_empty() {
                    req.nocontent = true;
                }
                req.return_fields = Some(out);
                continue;
            }
            "SUMMARIZE" | "HIGHLIGHT" => {
                // Accepted and ignored; skip their sub-options.
                i += 1;
                while i < args.len() {
                    let s = String::from_utf8_lossy(args[i].as_slice()).to_ascii_uppercase();
                    match s.as_str() {
                        "FIELDS" => {
                            list(args, &mut i, "FIELDS")?;
                            continue;
                        }
                        "FRAGS" | "LEN" | "SEPARATOR" => i += 2,
                        "TAGS" => i += 3,
                        _ => break,
                    }
                }
                continue;
            }
            "SORTBY" => {
                let f = args
                    .get(i + 1)
                    .ok_or_else(|| Error::err("SORTBY: missing field"))?;
                let name = String::from_utf8_lossy(f.as_slice()).into_owned();
                let name = name.strip_prefix('@').map(str::to_string).unwrap_or(name);
                let mut asc = true;
                i += 1;
                if let Some(d) = args.get(i + 1) {
                    if is_keyword(d, "ASC") {
                        i += 1;
                    } else if is_keyword(d, "DESC") {
                        asc = false;
                        i += 1;
                    }
                }
                if args.get(i + 1).is_some_and(|w| is_keyword(w, "WITHCOUNT")) {
                    i += 1;
                }
                req.sortby = Some((name, asc));
            }
            "LIMIT" => {
                if i + 2 >= args.len() {
                    return Err(Error::err("LIMIT: expected offset and count"));
                }
                req.offset = parse_count(args[i + 1].as_slice(), "LIMIT offset", MAX_RESULTS)?;
                req.num = parse_count(args[i + 2].as_slice(), "LIMIT count", MAX_RESULTS)?;
                i += 2;
            }
            "PARAMS" => {
                list(args, &mut i, "PARAMS")?;
                continue;
            }
            _ => {
                return Err(Error::err(format!(
                    "Unknown argument `{}` at position {i} for SEARCH",
                    String::from_utf8_lossy(a.as_slice())
                )))
            }
        }
        i += 1;
    }
    Ok(req)
}

/// Runs `f` with database 0 selected.
pub fn in_db0<T>(ctx: &Context, f: impl FnOnce() -> T) -> T {
    let was = selected_db(ctx);
    if was != INDEX_DB {
        select_db(ctx, INDEX_DB);
    }
    let out = f();
    if was != INDEX_DB {
        select_db(ctx, was);
    }
    out
}

/// Runs a request against `ix` (database 0 selected).
pub fn run(ctx: &Context, ix: &Index, req: &SearchRequest) -> Result<Outcome> {
    let load =
        |key: &[u8], field: &[u8]| ReadKey::open(ctx, &crate::ffi::string(ctx, key)).field(field);
    exec::search(ix, req, &load)
}

/// The fields of one hit, in reply order: yielded distances first, then
/// the hash's fields (all of them, or those RETURN names).
pub fn hit_fields(ctx: &Context, ix: &Index, req: &SearchRequest, hit: &Hit) -> Row {
    let yields: HashMap<&str, f64> = hit.yields.iter().map(|(n, d)| (n.as_str(), *d)).collect();
    // The hash is opened only when a field of it is wanted.
    let open = || ReadKey::open(ctx, &crate::ffi::string(ctx, &hit.key));
    match &req.return_fields {
        None => {
            let mut out: Vec<(Vec<u8>, Vec<u8>)> = hit
                .yields
                .iter()
                .map(|(n, d)| (n.as_bytes().to_vec(), fmt_num(*d).into_bytes()))
                .collect();
            out.extend(open().all());
            out
        }
        Some(list) => {
            let mut first = Vec::new();
            let mut rest = Vec::new();
            let mut key: Option<ReadKey> = None;
            for rf in list {
                let out_name = rf
                    .as_name
                    .clone()
                    .unwrap_or_else(|| rf.name.clone())
                    .into_bytes();
                if let Some(d) = yields.get(rf.name.as_str()) {
                    first.push((out_name, fmt_num(*d).into_bytes()));
                    continue;
                }
                let ident = ix
                    .def
                    .field(&rf.name)
                    .map(|(_, f)| f.identifier.clone())
                    .unwrap_or_else(|| rf.name.as_bytes().to_vec());
                if let Some(v) = key.get_or_insert_with(open).field(&ident) {
                    rest.push((out_name, v));
                }
            }
            first.extend(rest);
            first
        }
    }
}

/// Whether a request needs nothing from the keyspace until its page is
/// known (SORTBY on a distance, a NUMERIC or a SORTABLE field, or none), so
/// that it can run on the search pool.
fn runs_off_thread(ix: &Index, req: &SearchRequest) -> bool {
    let Some((field, _)) = &req.sortby else {
        return true;
    };
    if exec::yield_names(&req.query).iter().any(|y| y == field) {
        return true;
    }
    match ix.def.field(field) {
        Some((_, f)) => f.sortable || matches!(f.kind, crate::search::schema::FieldKind::Numeric),
        None => false,
    }
}

/// `FT.SEARCH index query [options…]`. The query runs on the search pool
/// under the index's read lock when it can (`runs_off_thread`, not in
/// MULTI/Lua); the page's hashes are read, and the reply written, back on
/// the main thread.
pub fn ft_search(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if args.len() < 3 {
        return Err(Error::Arity("FT.SEARCH"));
    }
    let ix = index_to_query(ctx, args[1].as_slice())?;
    let req = parse_request(&args[2..])?;
    registry::read(&ix)
        .uses
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let flags = ctx.get_flags();
    let pool = search_pool();
    let inline = pool.is_none()
        || flags.contains(ContextFlags::MULTI)
        || flags.contains(ContextFlags::LUA)
        || flags.contains(ContextFlags::DENY_BLOCKING)
        || !runs_off_thread(&registry::read(&ix), &req);
    if inline {
        let out = {
            let r = registry::read(&ix);
            in_db0(ctx, || run(ctx, &r, &req))?
        };
        finish(ctx, &ix, &req, &out);
        return Ok(RedisValue::NoReply);
    }
    let blocked = block::block(ctx)?;
    let shared = ix.clone();
    let request = req.clone();
    let job = Box::new(move || {
        let none = |_: &[u8], _: &[u8]| None;
        let outcome = {
            let r = registry::read(&shared);
            exec::search(&r, &request, &none)
        };
        blocked.unblock(Box::new(Done {
            ix: shared,
            req: request,
            outcome,
        }));
    });
    if let Some(pool) = pool {
        if let Err(job) = pool.try_run(job) {
            job();
        }
    }
    Ok(RedisValue::NoReply)
}

/// Reads the page's hashes and replies (main thread).
fn finish(ctx: &Context, ix: &Shared, req: &SearchRequest, out: &Outcome) {
    let rows: Vec<Row> = if req.nocontent {
        Vec::new()
    } else {
        let r = registry::read(ix);
        in_db0(ctx, || {
            out.hits
                .iter()
                .map(|h| hit_fields(ctx, &r, req, h))
                .collect()
        })
    };
    reply(ctx, req, out, &rows);
}

/// A search done on the pool, answered on the main thread.
struct Done {
    ix: Shared,
    req: SearchRequest,
    outcome: Result<Outcome>,
}

impl Finish for Done {
    fn reply(&mut self, ctx: &Context) {
        match &self.outcome {
            Ok(out) => finish(ctx, &self.ix, &self.req, out),
            Err(e) => {
                ctx.reply_error_string(&e.reply_text());
            }
        }
    }

    fn detached(&mut self, _ctx: &Context) {}

    fn db(&self) -> c_int {
        INDEX_DB
    }
}

fn reply(ctx: &Context, req: &SearchRequest, out: &Outcome, rows: &[Row]) {
    let r = Reply::new(ctx);
    if r.resp3() {
        r.map(5);
        r.bulk(b"attributes");
        r.array(0);
        r.bulk(b"format");
        r.bulk(b"STRING");
        r.bulk(b"results");
        r.array(out.hits.len());
        for (n, h) in out.hits.iter().enumerate() {
            let with_score = req.withscores;
            r.map(3 + usize::from(with_score));
            r.bulk(b"id");
            r.bulk(&h.key);
            if with_score {
                r.bulk(b"score");
                r.double(h.score);
            }
            r.bulk(b"extra_attributes");
            write_map(&r, rows.get(n).map_or(&[][..], |v| v.as_slice()));
            r.bulk(b"values");
            r.array(0);
        }
        r.bulk(b"total_results");
        r.int(out.total as i64);
        r.bulk(b"warning");
        r.array(0);
        return;
    }
    let per = 1 + usize::from(req.withscores) + usize::from(!req.nocontent);
    r.array(1 + per * out.hits.len());
    r.int(out.total as i64);
    for (n, h) in out.hits.iter().enumerate() {
        r.bulk(&h.key);
        if req.withscores {
            r.bulk(fmt_num(h.score).as_bytes());
        }
        if !req.nocontent {
            write_flat(&r, rows.get(n).map_or(&[][..], |v| v.as_slice()));
        }
    }
}
