//! FT.HYBRID (Redis 8.4) as far as redisvl's `HybridQuery` uses it: a text
//! query ranked by BM25 (SEARCH) and a vector query ranked by distance
//! (VSIM: KNN or RANGE, with an optional FILTER), each cut to a window, then
//! fused by RRF or LINEAR, then LOAD, APPLY, SORTBY and LIMIT. The reply is
//! `{total_results, results: [{field: value…}…], warnings, execution_time}`
//! (a flat array in RESP2). GROUPBY, REDUCE, post-processing FILTER,
//! WITHCURSOR, NOSORT and EXPLAINSCORE get a clear error.

use std::collections::HashMap;
use std::time::Instant;

use redis_module::{Context, RedisString, RedisValue};

use super::aggregate::{load_fields, parse_load, parse_step, run_steps, Load, Row, Step};
use super::search::in_db0;
use super::{check_scorer, fmt_num, index_to_query, parse_count, write_map};
use crate::args::is_keyword;
use crate::error::{Error, Result};
use crate::ffi::hash::ReadKey;
use crate::reply::Reply;
use crate::search::exec::scoring_terms;
use crate::search::exec::{self, SearchRequest, MAX_RESULTS};
use crate::search::index::Index;
use crate::search::query::{self, Knn, Node, Params, Query, MAX_KNN_K, MAX_PARAMS};
use crate::search::registry;
use crate::search::schema::FieldKind;
use crate::search::DocId;
use crate::vector::Metric;

/// Most arguments a KNN, RANGE or COMBINE clause may count.
const MAX_CLAUSE_ARGS: usize = 16;
/// KNN's K when VSIM names no method.
const DEFAULT_K: usize = 10;
/// How many results of each half are fused.
const DEFAULT_WINDOW: usize = 20;
const DEFAULT_RRF_CONSTANT: f64 = 60.0;
const DEFAULT_ALPHA: f64 = 0.3;
const DEFAULT_BETA: f64 = 0.7;
/// Rows in the reply without LIMIT.
const DEFAULT_LIMIT: usize = 10;
/// The distance the VSIM half yields internally.
const VSIM_DISTANCE: &str = "__hybrid_vsim_distance";

enum Method {
    Knn { k: usize, ef: Option<usize> },
    Range { radius: f64, epsilon: Option<f64> },
}

#[derive(Clone, Copy)]
enum Combine {
    Rrf { constant: f64 },
    Linear { alpha: f64, beta: f64 },
}

/// A parsed FT.HYBRID (queries still unparsed: PARAMS come last).
struct Request {
    search: Vec<u8>,
    text_yield: Option<String>,
    field: String,
    vector: Vec<u8>,
    method: Method,
    filter: Option<Vec<u8>>,
    vsim_yield: Option<String>,
    combine: Combine,
    window: usize,
    combined_yield: Option<String>,
    load: Load,
    steps: Vec<Step>,
    params: Params,
}

fn text(a: &RedisString) -> String {
    String::from_utf8_lossy(a.as_slice()).into_owned()
}

fn number(a: &RedisString, what: &str) -> Result<f64> {
    std::str::from_utf8(a.as_slice())
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|x| x.is_finite())
        .ok_or_else(|| Error::err(format!("{what} must be a finite number")))
}

fn arg<'a>(args: &'a [RedisString], i: usize, what: &str) -> Result<&'a RedisString> {
    args.get(i)
        .ok_or_else(|| Error::err(format!("FT.HYBRID: {what} is missing")))
}

/// `count name value…` at `args[*i]` (count ≤ `max`, even): the pairs.
fn pairs<'a>(
    args: &'a [RedisString],
    i: &mut usize,
    what: &str,
    max: usize,
) -> Result<Vec<(&'a RedisString, &'a RedisString)>> {
    let n = parse_count(
        arg(args, *i, what)?.as_slice(),
        &format!("{what} count"),
        max,
    )?;
    let items = args
        .get(*i + 1..*i + 1 + n)
        .filter(|_| n % 2 == 0)
        .ok_or_else(|| Error::err(format!("{what}: expected {n} arguments in pairs")))?;
    *i += 1 + n;
    Ok(items.chunks_exact(2).map(|p| (&p[0], &p[1])).collect())
}

/// A KNN, RANGE or COMBINE clause's pairs, names upper-cased.
fn clause<'a>(
    args: &'a [RedisString],
    i: &mut usize,
    what: &str,
) -> Result<Vec<(String, &'a RedisString)>> {
    Ok(pairs(args, i, what, MAX_CLAUSE_ARGS)?
        .into_iter()
        .map(|(k, v)| (text(k).to_ascii_uppercase(), v))
        .collect())
}

fn parse_method(args: &[RedisString], i: &mut usize, knn: bool) -> Result<Method> {
    let what = if knn { "KNN" } else { "RANGE" };
    let mut k = None;
    let mut ef = None;
    let mut radius = None;
    let mut epsilon = None;
    for (name, v) in clause(args, i, what)? {
        match (knn, name.as_str()) {
            (true, "K") => k = Some(parse_count(v.as_slice(), "K", MAX_KNN_K)?),
            (true, "EF_RUNTIME") => ef = Some(parse_count(v.as_slice(), "EF_RUNTIME", MAX_KNN_K)?),
            (false, "RADIUS") => radius = Some(number(v, "RADIUS")?),
            (false, "EPSILON") => epsilon = Some(number(v, "EPSILON")?),
            _ => return Err(Error::err(format!("{what}: {name} is not supported"))),
        }
    }
    if knn {
        Ok(Method::Knn {
            k: k.ok_or_else(|| Error::err("KNN: K is required"))?,
            ef,
        })
    } else {
        Ok(Method::Range {
            radius: radius.ok_or_else(|| Error::err("RANGE: RADIUS is required"))?,
            epsilon,
        })
    }
}

fn parse_combine(req: &mut Request, args: &[RedisString], i: &mut usize) -> Result<()> {
    let method = text(arg(args, *i, "COMBINE method")?).to_ascii_uppercase();
    *i += 1;
    let rrf = match method.as_str() {
        "RRF" => true,
        "LINEAR" => false,
        m => return Err(Error::err(format!("COMBINE {m} is not supported"))),
    };
    // A bare `COMBINE RRF` takes the defaults.
    let pairs = if args
        .get(*i)
        .is_some_and(|a| parse_count(a.as_slice(), "", MAX_CLAUSE_ARGS).is_ok())
    {
        clause(args, i, &method)?
    } else {
        Vec::new()
    };
    let (mut constant, mut alpha, mut beta) = (DEFAULT_RRF_CONSTANT, DEFAULT_ALPHA, DEFAULT_BETA);
    for (name, v) in pairs {
        match (rrf, name.as_str()) {
            (true, "CONSTANT") => constant = number(v, "CONSTANT")?,
            (false, "ALPHA") => alpha = number(v, "ALPHA")?,
            (false, "BETA") => beta = number(v, "BETA")?,
            (_, "WINDOW") => {
                req.window = parse_count(v.as_slice(), "WINDOW", MAX_RESULTS)?;
                if req.window == 0 {
                    return Err(Error::err("WINDOW must be at least 1"));
                }
            }
            (_, "YIELD_SCORE_AS") => req.combined_yield = Some(text(v)),
            _ => {
                return Err(Error::err(format!(
                    "COMBINE {method}: {name} is not supported"
                )))
            }
        }
    }
    if rrf && constant < 0.0 {
        return Err(Error::err("CONSTANT must not be negative"));
    }
    req.combine = if rrf {
        Combine::Rrf { constant }
    } else {
        Combine::Linear { alpha, beta }
    };
    Ok(())
}

fn parse_params(args: &[RedisString], i: &mut usize, params: &mut Params) -> Result<()> {
    *i += 1;
    for (name, value) in pairs(args, i, "PARAMS", 2 * MAX_PARAMS)? {
        let name = text(name);
        if params
            .insert(name.clone(), value.as_slice().to_vec())
            .is_some()
        {
            return Err(Error::err(format!("Duplicate parameter `{name}`")));
        }
    }
    Ok(())
}

/// Parses everything after the index name.
fn parse(args: &[RedisString]) -> Result<Request> {
    if !args.first().is_some_and(|a| is_keyword(a, "SEARCH")) {
        return Err(Error::err(
            "FT.HYBRID: expected SEARCH after the index name",
        ));
    }
    let mut req = Request {
        search: arg(args, 1, "SEARCH query")?.as_slice().to_vec(),
        text_yield: None,
        field: String::new(),
        vector: Vec::new(),
        method: Method::Knn {
            k: DEFAULT_K,
            ef: None,
        },
        filter: None,
        vsim_yield: None,
        combine: Combine::Rrf {
            constant: DEFAULT_RRF_CONSTANT,
        },
        window: DEFAULT_WINDOW,
        combined_yield: None,
        load: None,
        steps: Vec::new(),
        params: Params::new(),
    };
    let mut i = 2;
    // SEARCH's options.
    while let Some(a) = args.get(i) {
        if is_keyword(a, "SCORER") {
            check_scorer(Some(&text(arg(args, i + 1, "SCORER")?)))?;
        } else if is_keyword(a, "YIELD_SCORE_AS") {
            req.text_yield = Some(text(arg(args, i + 1, "YIELD_SCORE_AS name")?));
        } else {
            break;
        }
        i += 2;
    }
    if !args.get(i).is_some_and(|a| is_keyword(a, "VSIM")) {
        return Err(Error::err(
            "FT.HYBRID: expected VSIM after the SEARCH query",
        ));
    }
    let f = text(arg(args, i + 1, "VSIM field")?);
    req.field = f.strip_prefix('@').map(str::to_string).unwrap_or(f);
    req.vector = arg(args, i + 2, "VSIM vector")?.as_slice().to_vec();
    i += 3;
    let mut method_given = false;
    // VSIM's options.
    while let Some(a) = args.get(i) {
        let kw = text(a).to_ascii_uppercase();
        match kw.as_str() {
            "KNN" | "RANGE" if !method_given => {
                i += 1;
                req.method = parse_method(args, &mut i, kw == "KNN")?;
                method_given = true;
            }
            "FILTER" if req.filter.is_none() => {
                req.filter = Some(arg(args, i + 1, "FILTER expression")?.as_slice().to_vec());
                i += 2;
            }
            "YIELD_SCORE_AS" if req.vsim_yield.is_none() => {
                req.vsim_yield = Some(text(arg(args, i + 1, "YIELD_SCORE_AS name")?));
                i += 2;
            }
            _ => break,
        }
    }
    // Fusion and post-processing.
    while i < args.len() {
        let kw = text(&args[i]).to_ascii_uppercase();
        if let Some(step) = parse_step(args, &mut i, &kw)? {
            req.steps.push(step);
            continue;
        }
        match kw.as_str() {
            "COMBINE" => {
                i += 1;
                parse_combine(&mut req, args, &mut i)?;
            }
            "LOAD" => parse_load(args, &mut i, &mut req.load)?,
            "PARAMS" => parse_params(args, &mut i, &mut req.params)?,
            "TIMEOUT" | "DIALECT" => {
                parse_count(arg(args, i + 1, &kw)?.as_slice(), &kw, i64::MAX as usize)?;
                i += 2;
            }
            "GROUPBY" | "REDUCE" | "FILTER" | "WITHCURSOR" | "NOSORT" | "EXPLAINSCORE" | "KNN"
            | "RANGE" | "YIELD_SCORE_AS" => {
                return Err(Error::err(format!("FT.HYBRID: {kw} is not supported here")));
            }
            _ => {
                return Err(Error::err(format!(
                    "FT.HYBRID: unknown argument `{}`",
                    text(&args[i])
                )))
            }
        }
    }
    Ok(req)
}

/// A query that must not have a KNN part.
fn filter_query(src: &[u8], params: &Params, what: &str) -> Result<Node> {
    let q = query::parse(src, params)?;
    if q.knn.is_some() {
        return Err(Error::err(format!(
            "FT.HYBRID: KNN is not allowed in {what}"
        )));
    }
    Ok(q.filter)
}

fn request(query: Query) -> SearchRequest {
    SearchRequest {
        query,
        nocontent: true,
        withscores: false,
        return_fields: None,
        sortby: None,
        offset: 0,
        num: MAX_RESULTS,
        numeric_filters: Vec::new(),
        inkeys: None,
    }
}

/// A distance as a similarity in [0, 1] for COSINE (and IP on unit
/// vectors): `(2 − d)/2`; for L2: `1/(1 + d)`.
fn similarity(metric: Metric, d: f64) -> f64 {
    match metric {
        Metric::L2 => 1.0 / (1.0 + d),
        _ => (2.0 - d) / 2.0,
    }
}

/// One fused document.
struct Fused {
    doc: DocId,
    key: Box<[u8]>,
    text: Option<f64>,
    vsim: Option<f64>,
    score: f64,
}

/// Runs both halves and fuses them (best first); the total is the count.
fn fuse(ix: &Index, req: &Request) -> Result<Vec<Fused>> {
    let none = |_: &[u8], _: &[u8]| None;
    // SEARCH: every match scored, best first, cut to the window.
    let text_filter = filter_query(&req.search, &req.params, "SEARCH")?;
    let terms = scoring_terms(ix, &text_filter)?;
    let query = Query {
        filter: text_filter,
        knn: None,
    };
    let out = exec::search(ix, &request(query), &none)?;
    let scorer = ix.text.scorer(&terms);
    let mut text: Vec<(f64, DocId, Box<[u8]>)> = out
        .hits
        .into_iter()
        .map(|h| (scorer.score(h.doc), h.doc, h.key))
        .collect();
    text.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    text.truncate(req.window);

    // VSIM: nearest first, cut to the window.
    let blob = match req.vector.strip_prefix(b"$") {
        Some(name) => {
            let name = String::from_utf8_lossy(name).into_owned();
            req.params
                .get(&name)
                .cloned()
                .ok_or_else(|| Error::err(format!("No such parameter `{name}`")))?
        }
        None => req.vector.clone(),
    };
    let metric = match ix.def.field(&req.field).map(|(_, f)| &f.kind) {
        Some(FieldKind::Vector(p)) => p.metric,
        _ => {
            return Err(Error::err(format!(
                "Expected a VECTOR field: `{}` is not one",
                req.field
            )))
        }
    };
    let filter = match &req.filter {
        Some(src) => filter_query(src, &req.params, "FILTER")?,
        None => Node::All,
    };
    let query = match req.method {
        Method::Knn { k, ef } => Query {
            filter,
            knn: Some(Knn {
                k,
                field: req.field.clone(),
                blob,
                ef_runtime: ef,
                epsilon: None,
                yield_as: Some(VSIM_DISTANCE.to_string()),
                hybrid_policy: None,
                batch_size: None,
            }),
        },
        Method::Range { radius, epsilon } => {
            let range = Node::VectorRange {
                field: req.field.clone(),
                radius,
                blob,
                epsilon,
                yield_as: Some(VSIM_DISTANCE.to_string()),
            };
            let filter = match filter {
                Node::All => range,
                f => Node::And(vec![f, range]),
            };
            Query { filter, knn: None }
        }
    };
    let out = exec::search(ix, &request(query), &none)?;
    let mut vsim: Vec<(f64, DocId, Box<[u8]>)> = out
        .hits
        .into_iter()
        .filter_map(|h| {
            let d = h.yields.iter().find(|(n, _)| n == VSIM_DISTANCE)?.1;
            Some((d, h.doc, h.key))
        })
        .collect();
    vsim.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    vsim.truncate(req.window);

    // Fusion: RRF sums 1/(constant + rank) over the lists a document is in
    // (ranks from 1); LINEAR is alpha·text + beta·similarity, 0 for a half
    // the document is not in.
    let mut fused: Vec<Fused> = Vec::with_capacity(text.len() + vsim.len());
    let mut at: HashMap<DocId, usize> = HashMap::new();
    for (is_text, list) in [(true, text), (false, vsim)] {
        for (rank, (x, doc, key)) in list.into_iter().enumerate() {
            let value = if is_text { x } else { similarity(metric, x) };
            let part = match req.combine {
                Combine::Rrf { constant } => 1.0 / (constant + (rank + 1) as f64),
                Combine::Linear { alpha, beta } => (if is_text { alpha } else { beta }) * value,
            };
            let j = *at.entry(doc).or_insert_with(|| {
                let (text, vsim, score) = (None, None, 0.0);
                fused.push(Fused {
                    doc,
                    key,
                    text,
                    vsim,
                    score,
                });
                fused.len() - 1
            });
            if let Some(f) = fused.get_mut(j) {
                *(if is_text { &mut f.text } else { &mut f.vsim }) = Some(value);
                f.score += part;
            }
        }
    }
    fused.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
    Ok(fused)
}

/// One reply row: `__key` and `__score` without LOAD, else the loaded
/// fields (`@__key`, `@__score` and the yielded names among them), then the
/// yielded scores not loaded yet.
fn row(ctx: &Context, ix: &Index, req: &Request, f: &Fused) -> Row {
    let combined = fmt_num(f.score).into_bytes();
    let mut yields: Vec<(&str, Vec<u8>)> = Vec::new();
    if let (Some(n), Some(s)) = (&req.text_yield, f.text) {
        yields.push((n, fmt_num(s).into_bytes()));
    }
    if let (Some(n), Some(s)) = (&req.vsim_yield, f.vsim) {
        yields.push((n, fmt_num(s).into_bytes()));
    }
    if let Some(n) = &req.combined_yield {
        yields.push((n, combined.clone()));
    }
    let mut out: Row = Vec::new();
    match req.load.as_deref() {
        None => {
            out.push((b"__key".to_vec(), f.key.to_vec()));
            out.push((b"__score".to_vec(), combined));
        }
        Some(list) => {
            let mut from_hash: Vec<(String, String)> = Vec::new();
            for (name, as_name) in list {
                let v = match name.as_str() {
                    "__score" => Some(combined.clone()),
                    n => yields.iter().find(|(y, _)| *y == n).map(|(_, v)| v.clone()),
                };
                match v {
                    Some(v) => out.push((as_name.as_bytes().to_vec(), v)),
                    None => from_hash.push((name.clone(), as_name.clone())),
                }
            }
            if list.is_empty() || !from_hash.is_empty() {
                let hash = ReadKey::open(ctx, &crate::ffi::string(ctx, &f.key));
                load_fields(ix, &hash, &f.key, Some(&from_hash), &mut out);
            }
        }
    }
    for (n, v) in yields {
        if !out.iter().any(|(k, _)| k == n.as_bytes()) {
            out.push((n.as_bytes().to_vec(), v));
        }
    }
    out
}

/// `FT.HYBRID index SEARCH query … VSIM @field $param … [COMBINE …]
/// [LOAD …] [APPLY …] [SORTBY …] [LIMIT o n] [PARAMS …]` (docs/commands.md).
pub fn ft_hybrid(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    let started = Instant::now();
    if args.len() < 7 {
        return Err(Error::Arity("FT.HYBRID"));
    }
    let ix = index_to_query(ctx, args[1].as_slice())?;
    let req = parse(&args[2..])?;
    let r = registry::read(&ix);
    r.uses.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let fused = fuse(&r, &req)?;
    let total = fused.len();
    // Without APPLY or SORTBY the page is known before any hash is read.
    let only_limits = req.steps.iter().all(|s| matches!(s, Step::Limit(..)));
    let mut page: Vec<&Fused> = fused.iter().collect();
    if only_limits {
        let mut limited = false;
        for s in &req.steps {
            if let Step::Limit(o, n) = s {
                page = page.into_iter().skip(*o).take(*n).collect();
                limited = true;
            }
        }
        page.truncate(if limited { usize::MAX } else { DEFAULT_LIMIT });
    }
    let mut rows: Vec<Row> = in_db0(ctx, || page.iter().map(|f| row(ctx, &r, &req, f)).collect());
    drop(r);
    if !only_limits && !run_steps(&mut rows, &req.steps) {
        rows.truncate(DEFAULT_LIMIT);
    }
    let reply = Reply::new(ctx);
    reply.map(4);
    reply.bulk(b"total_results");
    reply.int(total as i64);
    reply.bulk(b"results");
    reply.array(rows.len());
    rows.iter().for_each(|row| write_map(&reply, row));
    reply.bulk(b"warnings");
    reply.array(0);
    reply.bulk(b"execution_time");
    reply.double(started.elapsed().as_secs_f64() * 1000.0);
    Ok(RedisValue::NoReply)
}
