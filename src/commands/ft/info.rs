//! FT.INFO in RediSearch's shape: a map (a flat array in RESP2) whose
//! `index_definition` and `attributes` are what redisvl's `from_existing`
//! and langchain's `from_existing_index` parse.

use redis_module::{Context, RedisString, RedisValue};

use super::{fmt_num, index_named};
use crate::error::{Error, Result};
use crate::reply::Reply;
use crate::search::index::Index;
use crate::search::registry;
use crate::search::schema::{Algo, FieldDef, FieldKind};
use crate::vector::parse::metric_name;

const MB: f64 = 1024.0 * 1024.0;

/// One attribute value.
enum V {
    S(String),
    I(i64),
}

fn attribute(f: &FieldDef) -> (Vec<(&'static str, V)>, Vec<&'static str>) {
    let mut kv = vec![
        (
            "identifier",
            V::S(String::from_utf8_lossy(&f.identifier).into_owned()),
        ),
        ("attribute", V::S(f.name.clone())),
        ("type", V::S(f.kind.type_name().to_string())),
    ];
    let mut flags = Vec::new();
    match &f.kind {
        FieldKind::Text { weight, nostem } => {
            kv.push(("WEIGHT", V::S(fmt_num(*weight))));
            if *nostem {
                flags.push("NOSTEM");
            }
        }
        FieldKind::Tag {
            separator,
            case_sensitive,
        } => {
            kv.push(("SEPARATOR", V::S(char::from(*separator).to_string())));
            if *case_sensitive {
                flags.push("CASESENSITIVE");
            }
        }
        FieldKind::Numeric => {}
        FieldKind::Vector(p) => {
            let algo = match p.algo {
                Algo::Flat => "FLAT",
                Algo::Hnsw => "HNSW",
            };
            kv.push(("algorithm", V::S(algo.to_string())));
            kv.push(("data_type", V::S(p.vtype.name().to_string())));
            kv.push(("dim", V::I(p.dim as i64)));
            kv.push(("distance_metric", V::S(metric_name(p.metric).to_string())));
            if p.algo == Algo::Hnsw {
                kv.push(("M", V::I(p.m as i64)));
                kv.push(("ef_construction", V::I(p.ef_construction as i64)));
                kv.push(("ef_runtime", V::I(p.ef_runtime as i64)));
                kv.push(("epsilon", V::S(fmt_num(p.epsilon))));
            }
        }
    }
    if f.with_suffix_trie {
        flags.push("WITHSUFFIXTRIE");
    }
    if f.index_empty {
        flags.push("INDEXEMPTY");
    }
    if f.index_missing {
        flags.push("INDEXMISSING");
    }
    if f.sortable {
        flags.push("SORTABLE");
    }
    if f.unf {
        flags.push("UNF");
    }
    if f.noindex {
        flags.push("NOINDEX");
    }
    (kv, flags)
}

fn value(r: &Reply, v: &V) {
    match v {
        V::S(s) => r.bulk(s.as_bytes()),
        V::I(i) => r.int(*i),
    }
}

fn reply_attribute(r: &Reply, f: &FieldDef) {
    let (kv, flags) = attribute(f);
    if r.resp3() {
        r.map(kv.len() + 1);
        for (k, v) in &kv {
            r.bulk(k.as_bytes());
            value(r, v);
        }
        r.bulk(b"flags");
        r.array(flags.len());
        flags.iter().for_each(|x| r.bulk(x.as_bytes()));
    } else {
        r.array(kv.len() * 2 + flags.len());
        for (k, v) in &kv {
            r.bulk(k.as_bytes());
            value(r, v);
        }
        flags.iter().for_each(|x| r.bulk(x.as_bytes()));
    }
}

fn reply_definition(r: &Reply, ix: &Index) {
    let d = &ix.def;
    let mut n = 4;
    n += usize::from(d.filter.is_some());
    n += 1; // default_language
    r.map(n);
    r.bulk(b"key_type");
    r.bulk(b"HASH");
    r.bulk(b"prefixes");
    if d.prefixes.is_empty() {
        r.array(1);
        r.bulk(b"");
    } else {
        r.array(d.prefixes.len());
        d.prefixes.iter().for_each(|p| r.bulk(p));
    }
    if let Some(f) = &d.filter {
        r.bulk(b"filter");
        r.bulk(f.as_bytes());
    }
    r.bulk(b"default_language");
    r.bulk(d.language.to_ascii_lowercase().as_bytes());
    r.bulk(b"default_score");
    r.bulk(fmt_num(d.score).as_bytes());
    r.bulk(b"indexes_all");
    r.bulk(b"false");
}

/// `FT.INFO index`
pub fn ft_info(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if args.len() != 2 {
        return Err(Error::Arity("FT.INFO"));
    }
    let ix = index_named(args[1].as_slice())?;
    let ix = registry::read(&ix);
    let r = Reply::new(ctx);
    let (vec_bytes, other_bytes) = ix.memory();
    let (indexing, percent) = match ix.scan {
        Some(p) if p.total > 0 => (1, (p.scanned as f64 / p.total as f64).min(1.0)),
        Some(_) => (1, 0.0),
        None => (0, 1.0),
    };
    let num_records = ix.text.num_records();
    r.map(20 + usize::from(ix.def.stopwords.is_some()));
    r.bulk(b"index_name");
    r.bulk(ix.def.name.as_bytes());
    r.bulk(b"index_options");
    r.array(0);
    r.bulk(b"index_definition");
    reply_definition(&r, &ix);
    r.bulk(b"attributes");
    r.array(ix.def.fields.len());
    ix.def.fields.iter().for_each(|f| reply_attribute(&r, f));
    let ints: [(&str, i64); 4] = [
        ("num_docs", ix.num_docs() as i64),
        ("max_doc_id", ix.max_doc_id() as i64),
        ("num_terms", ix.text.num_terms() as i64),
        ("num_records", num_records as i64),
    ];
    for (k, v) in ints {
        r.bulk(k.as_bytes());
        r.int(v);
    }
    let mbs: [(&str, f64); 4] = [
        ("inverted_sz_mb", ix.text.memory_bytes() as f64 / MB),
        ("vector_index_sz_mb", vec_bytes as f64 / MB),
        (
            "doc_table_size_mb",
            other_bytes.saturating_sub(ix.text.memory_bytes()) as f64 / MB,
        ),
        (
            "total_index_memory_sz_mb",
            (vec_bytes + other_bytes) as f64 / MB,
        ),
    ];
    for (k, v) in mbs {
        r.bulk(k.as_bytes());
        r.double(v);
    }
    r.bulk(b"records_per_doc_avg");
    r.double(if ix.num_docs() > 0 {
        num_records as f64 / ix.num_docs() as f64
    } else {
        0.0
    });
    r.bulk(b"hash_indexing_failures");
    r.int(ix.failures as i64);
    r.bulk(b"total_indexing_time");
    r.double(ix.indexing_secs * 1000.0);
    r.bulk(b"indexing");
    r.int(indexing);
    r.bulk(b"percent_indexed");
    r.double(percent);
    r.bulk(b"number_of_uses");
    r.int(ix.uses.load(std::sync::atomic::Ordering::Relaxed) as i64);
    r.bulk(b"cleaning");
    r.int(0);
    // RediSearch lists stop words only when FT.CREATE gave its own (redisvl
    // reads a listed set as part of the schema).
    if let Some(list) = &ix.def.stopwords {
        r.bulk(b"stopwords_list");
        r.array(list.len());
        list.iter().for_each(|w| r.bulk(w.as_bytes()));
    }
    r.bulk(b"Index Errors");
    r.map(2);
    r.bulk(b"indexing failures");
    r.int(ix.failures as i64);
    r.bulk(b"last indexing error");
    r.bulk(ix.last_failure.as_deref().unwrap_or("N/A").as_bytes());
    Ok(RedisValue::NoReply)
}
