//! AI.VSIM: the query is resolved on the main thread (ELE, TENSOR, length
//! checks), then the search runs on the search pool under the set's read
//! lock, and the client is answered through its blocked-client handle. It
//! runs inline with NOTHREAD, under MULTI/Lua, or when the pool is full.

use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use redis_module::{Context, ContextFlags, RedisString, RedisValue};

use super::tensor::ERR_EMPTY as ERR_TENSOR_EMPTY;
use crate::engine::pool::search_pool;
use crate::error::{Error, Result};
use crate::ffi::block::{self, Finish};
use crate::reply::Reply;
use crate::types::{tensor_type, vecset_type};
use crate::vector::parse::{parse_vsim, SimRequest, Source, ERR_SOURCE};
use crate::vector::query::{tensor_rows, MAX_BATCH_HITS};
use crate::vector::stats;
use crate::vector::{Hit, SearchOpts, VecSet};

/// How results are written.
#[derive(Clone, Copy)]
struct Shape {
    scores: bool,
    attrs: bool,
    /// A TENSOR of `[n, dim]`: an array of n result lists.
    batch: bool,
}

type Results = std::result::Result<Vec<Vec<Hit>>, String>;

/// `AI.VSIM key (ELE e | FP32 blob | VALUES n v… | TENSOR tkey) [COUNT n]
/// [EF n] [EPSILON d] [WITHSCORES] [WITHATTRIBS] [FILTER expr]
/// [FILTER-EF n] [TRUTH] [NOTHREAD]`
pub fn vsim(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    let req = parse_vsim(args)?;
    let reply = Reply::new(ctx);
    let Some(set) = vecset_type::read(&ctx.open_key(&args[1]))? else {
        reply.array(0);
        return Ok(RedisValue::NoReply);
    };
    let (queries, batch) = queries(ctx, args, &req, &set)?;
    {
        let d = set.read();
        for q in &queries {
            d.index().check(q).map_err(Error::err)?;
        }
        if queries.len().saturating_mul(req.count.min(d.len())) > MAX_BATCH_HITS {
            return Err(Error::err(format!(
                "a TENSOR query may return at most {MAX_BATCH_HITS} results in all (rows x COUNT)"
            )));
        }
    }
    let shape = Shape {
        scores: req.with_scores,
        attrs: req.with_attrs,
        batch,
    };
    let opts = req.search_opts();
    let flags = ctx.get_flags();
    let pool = search_pool();
    if req.nothread
        || pool.is_none()
        || flags.contains(ContextFlags::MULTI)
        || flags.contains(ContextFlags::LUA)
        || flags.contains(ContextFlags::DENY_BLOCKING)
    {
        stats::bump(&stats::SEARCHES_INLINE);
        let results = search(&set, &queries, &opts, Thread::Main).map_err(Error::err)?;
        write(&reply, shape, &results);
        return Ok(RedisValue::NoReply);
    }
    let blocked = block::block(ctx)?;
    let on_pool = Arc::new(AtomicBool::new(true));
    let where_ = Arc::clone(&on_pool);
    let job = Box::new(move || {
        let thread = if where_.load(Ordering::Relaxed) {
            Thread::Pool
        } else {
            Thread::Main
        };
        let results = search(&set, &queries, &opts, thread);
        blocked.unblock(Box::new(Found { shape, results }));
    });
    if let Some(pool) = pool {
        match pool.try_run(job) {
            Ok(()) => stats::bump(&stats::SEARCHES_THREADED),
            Err(job) => {
                // No pool thread to be had: search here, reply the same way.
                stats::bump(&stats::SEARCHES_INLINE);
                on_pool.store(false, Ordering::Relaxed);
                job();
            }
        }
    }
    Ok(RedisValue::NoReply)
}

/// Where a search runs: the main thread reads the set directly (it is the
/// only writer); a pool thread goes through the set's gate, so a deferred
/// write is never kept waiting by searches that start after it.
#[derive(Clone, Copy)]
enum Thread {
    Main,
    Pool,
}

fn queries(
    ctx: &Context,
    args: &[RedisString],
    req: &SimRequest,
    set: &VecSet,
) -> Result<(Vec<Vec<f32>>, bool)> {
    match &req.source {
        Source::Floats(v) => Ok((vec![v.clone()], false)),
        Source::Ele(i) => {
            let v = set
                .read()
                .vector(args[*i].as_slice())
                .ok_or_else(|| Error::err("element not found in set"))?;
            Ok((vec![v], false))
        }
        Source::Tensor(i) => {
            let t = tensor_type::read(&ctx.open_key(&args[*i]))?
                .ok_or_else(|| Error::err(ERR_TENSOR_EMPTY))?;
            tensor_rows(&t)
        }
        Source::Raw(..) => Err(Error::err(ERR_SOURCE)),
    }
}

fn search(set: &VecSet, queries: &[Vec<f32>], opts: &SearchOpts, thread: Thread) -> Results {
    match thread {
        Thread::Main => {
            let d = set.read();
            queries.iter().map(|q| d.search(q, opts)).collect()
        }
        Thread::Pool => {
            let d = set.read_shared();
            queries.iter().map(|q| d.search(q, opts)).collect()
        }
    }
}

/// A finished search, answered on the main thread.
struct Found {
    shape: Shape,
    results: Results,
}

impl Finish for Found {
    fn reply(&mut self, ctx: &Context) {
        match &self.results {
            Ok(r) => write(&Reply::new(ctx), self.shape, r),
            Err(e) => {
                ctx.reply_error_string(&Error::err(e.clone()).reply_text());
            }
        }
    }

    fn detached(&mut self, _ctx: &Context) {}

    fn db(&self) -> c_int {
        0
    }
}

fn write(reply: &Reply, shape: Shape, results: &[Vec<Hit>]) {
    if shape.batch {
        reply.array(results.len());
    }
    for hits in results {
        write_hits(reply, shape, hits);
    }
}

/// Vector Sets' reply: names; with WITHSCORES/WITHATTRIBS a flat array in
/// RESP2, and in RESP3 a map of name → score, attributes, or both as a pair.
fn write_hits(reply: &Reply, shape: Shape, hits: &[Hit]) {
    let attrs = |h: &Hit| match &h.attrs {
        Some(a) => reply.bulk(a.as_bytes()),
        None => reply.null(),
    };
    match (shape.scores, shape.attrs) {
        (false, false) => {
            reply.array(hits.len());
            hits.iter().for_each(|h| reply.bulk(&h.name));
        }
        (scores, with_attrs) if reply.resp3() => {
            reply.map(hits.len());
            for h in hits {
                reply.bulk(&h.name);
                if scores && with_attrs {
                    reply.array(2);
                }
                if scores {
                    reply.double(h.score);
                }
                if with_attrs {
                    attrs(h);
                }
            }
        }
        (scores, with_attrs) => {
            let per = 1 + usize::from(scores) + usize::from(with_attrs);
            reply.array(hits.len() * per);
            for h in hits {
                reply.bulk(&h.name);
                if scores {
                    reply.double(h.score);
                }
                if with_attrs {
                    attrs(h);
                }
            }
        }
    }
}
