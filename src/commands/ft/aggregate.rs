//! FT.AGGREGATE as far as redisvl and LangChain use it: a filter or KNN
//! query, then LOAD, APPLY (arithmetic over fields), SORTBY and LIMIT;
//! ADDSCORES puts each row's BM25 text score in `__score`. GROUPBY, REDUCE,
//! FILTER and WITHCURSOR get a clear error. The LOAD/APPLY/SORTBY/LIMIT
//! steps are shared with FT.HYBRID.

use redis_module::{Context, RedisString, RedisValue};

use super::check_scorer;
use super::search::{find_params, in_db0, run};
use super::{fmt_num, index_to_query, parse_count, write_flat, write_map};
use crate::args::is_keyword;
use crate::error::{Error, Result};
use crate::ffi::hash::ReadKey;
use crate::reply::Reply;
use crate::search::exec::scoring_terms;
use crate::search::exec::{SearchRequest, MAX_RESULTS};
use crate::search::query;
use crate::search::registry;

/// Longest APPLY expression, in bytes.
const MAX_EXPR: usize = 4096;

/// One result row: field, value pairs in output order.
pub(super) use super::Row;

/// LOAD: `None` loads nothing, `Some(empty)` is `LOAD *`, else (field,
/// output name) pairs.
pub(super) type Load = Option<Vec<(String, String)>>;

/// A post-processing step, run in the order given.
pub(super) enum Step {
    Apply(String, Expr),
    Sort(Vec<(String, bool)>, Option<usize>),
    Limit(usize, usize),
}

/// An APPLY expression in postfix form (shunting-yard: no recursion).
#[derive(Debug, Clone)]
pub(super) enum Tok {
    Num(f64),
    Field(String),
    Op(u8),
    Neg,
}

pub(super) type Expr = Vec<Tok>;

fn prec(op: u8) -> u8 {
    match op {
        b'+' | b'-' => 1,
        b'*' | b'/' | b'%' => 2,
        b'^' => 3,
        _ => 0,
    }
}

fn compile(src: &[u8]) -> Result<Expr> {
    if src.len() > MAX_EXPR {
        return Err(Error::err(format!(
            "APPLY expression longer than {MAX_EXPR} bytes"
        )));
    }
    let bad = || {
        Error::err(format!(
            "Syntax error in APPLY expression `{}`",
            String::from_utf8_lossy(src)
        ))
    };
    let mut out = Vec::new();
    let mut ops: Vec<u8> = Vec::new(); // b'(' or an operator or b'n' (negation)
    let mut i = 0;
    let mut expect_operand = true;
    while i < src.len() {
        let c = src[i];
        match c {
            b' ' | b'\t' => i += 1,
            b'0'..=b'9' | b'.' if expect_operand => {
                let start = i;
                while i < src.len()
                    && (src[i].is_ascii_digit()
                        || matches!(src[i], b'.' | b'e' | b'E')
                        || ((src[i] == b'-' || src[i] == b'+')
                            && matches!(src[i - 1], b'e' | b'E')))
                {
                    i += 1;
                }
                let s = std::str::from_utf8(&src[start..i]).map_err(|_| bad())?;
                out.push(Tok::Num(s.parse().map_err(|_| bad())?));
                expect_operand = false;
            }
            b'@' if expect_operand => {
                let start = i + 1;
                i += 1;
                while i < src.len()
                    && (src[i].is_ascii_alphanumeric() || src[i] == b'_' || src[i] >= 0x80)
                {
                    i += 1;
                }
                if i == start {
                    return Err(bad());
                }
                out.push(Tok::Field(
                    String::from_utf8_lossy(&src[start..i]).into_owned(),
                ));
                expect_operand = false;
            }
            b'-' if expect_operand => {
                ops.push(b'n');
                i += 1;
            }
            b'(' if expect_operand => {
                ops.push(b'(');
                i += 1;
            }
            b')' if !expect_operand => {
                loop {
                    match ops.pop() {
                        Some(b'(') => break,
                        Some(b'n') => out.push(Tok::Neg),
                        Some(op) => out.push(Tok::Op(op)),
                        None => return Err(bad()),
                    }
                }
                i += 1;
            }
            b'+' | b'-' | b'*' | b'/' | b'%' | b'^' if !expect_operand => {
                while let Some(&top) = ops.last() {
                    if top == b'n' || (top != b'(' && prec(top) >= prec(c) && c != b'^') {
                        ops.pop();
                        out.push(if top == b'n' { Tok::Neg } else { Tok::Op(top) });
                    } else {
                        break;
                    }
                }
                ops.push(c);
                expect_operand = true;
                i += 1;
            }
            _ => return Err(bad()),
        }
        if ops.len() > 256 || out.len() > MAX_EXPR {
            return Err(bad());
        }
    }
    if expect_operand {
        return Err(bad());
    }
    while let Some(op) = ops.pop() {
        match op {
            b'(' => return Err(bad()),
            b'n' => out.push(Tok::Neg),
            op => out.push(Tok::Op(op)),
        }
    }
    Ok(out)
}

fn eval(e: &Expr, row: &[(Vec<u8>, Vec<u8>)]) -> Option<f64> {
    let mut st: Vec<f64> = Vec::with_capacity(8);
    for t in e {
        match t {
            Tok::Num(x) => st.push(*x),
            Tok::Field(f) => {
                let v = row.iter().rev().find(|(k, _)| k == f.as_bytes())?;
                st.push(std::str::from_utf8(&v.1).ok()?.trim().parse().ok()?);
            }
            Tok::Neg => {
                let x = st.pop()?;
                st.push(-x);
            }
            Tok::Op(op) => {
                let b = st.pop()?;
                let a = st.pop()?;
                st.push(match op {
                    b'+' => a + b,
                    b'-' => a - b,
                    b'*' => a * b,
                    b'/' => a / b,
                    b'%' => a % b,
                    _ => a.powf(b),
                });
            }
        }
    }
    st.pop()
}

pub(super) fn field_name(a: &RedisString) -> String {
    let s = String::from_utf8_lossy(a.as_slice()).into_owned();
    s.strip_prefix('@').map(str::to_string).unwrap_or(s)
}

/// Most fields one LOAD names.
const MAX_LOAD: usize = 65_536;
/// Most SORTBY arguments.
const MAX_SORT_ARGS: usize = 1024;

/// `LOAD n @f [AS name]…` or `LOAD *` at `rest[*i]` (the keyword); adds to
/// `load` and moves `i` past it.
pub(super) fn parse_load(rest: &[RedisString], i: &mut usize, load: &mut Load) -> Result<()> {
    let a = rest
        .get(*i + 1)
        .ok_or_else(|| Error::err("LOAD: missing count"))?;
    if a.as_slice() == b"*" {
        *load = Some(Vec::new());
        *i += 2;
        return Ok(());
    }
    let n = parse_count(a.as_slice(), "LOAD count", MAX_LOAD)?;
    let items = rest
        .get(*i + 2..*i + 2 + n)
        .ok_or_else(|| Error::err("LOAD: not enough arguments"))?;
    let mut names: Vec<(String, String)> = Vec::new();
    let mut j = 0;
    while j < items.len() {
        let name = field_name(&items[j]);
        let mut out = name.clone();
        if items.get(j + 1).is_some_and(|a| is_keyword(a, "AS")) {
            let alias = items
                .get(j + 2)
                .ok_or_else(|| Error::err("LOAD: AS needs a name"))?;
            out = field_name(alias);
            j += 2;
        }
        names.push((name, out));
        j += 1;
    }
    if let Some(l) = load {
        if !l.is_empty() {
            l.extend(names);
        }
    } else {
        *load = Some(names);
    }
    *i += 2 + n;
    Ok(())
}

/// `APPLY e AS n`, `SORTBY n @p [ASC|DESC]… [MAX m]` or `LIMIT o n` at
/// `rest[*i]` (upper-cased in `kw`); `None` if it is none of these.
pub(super) fn parse_step(rest: &[RedisString], i: &mut usize, kw: &str) -> Result<Option<Step>> {
    Ok(Some(match kw {
        "APPLY" => {
            let (Some(e), Some(a), Some(name)) =
                (rest.get(*i + 1), rest.get(*i + 2), rest.get(*i + 3))
            else {
                return Err(Error::err("APPLY: expected expression AS name"));
            };
            if !is_keyword(a, "AS") {
                return Err(Error::err("APPLY: expected expression AS name"));
            }
            *i += 4;
            Step::Apply(field_name(name), compile(e.as_slice())?)
        }
        "SORTBY" => {
            let n = parse_count(
                rest.get(*i + 1).map_or(&[][..], |a| a.as_slice()),
                "SORTBY count",
                MAX_SORT_ARGS,
            )?;
            let items = rest
                .get(*i + 2..*i + 2 + n)
                .ok_or_else(|| Error::err("SORTBY: not enough arguments"))?;
            let mut keys: Vec<(String, bool)> = Vec::new();
            for it in items {
                if is_keyword(it, "ASC") {
                    continue;
                }
                if is_keyword(it, "DESC") {
                    if let Some(k) = keys.last_mut() {
                        k.1 = false;
                    }
                    continue;
                }
                keys.push((field_name(it), true));
            }
            *i += 2 + n;
            let mut max = None;
            if rest.get(*i).is_some_and(|a| is_keyword(a, "MAX")) {
                max = Some(parse_count(
                    rest.get(*i + 1).map_or(&[][..], |a| a.as_slice()),
                    "MAX",
                    MAX_RESULTS,
                )?);
                *i += 2;
            }
            Step::Sort(keys, max)
        }
        "LIMIT" => {
            let (Some(o), Some(n)) = (rest.get(*i + 1), rest.get(*i + 2)) else {
                return Err(Error::err("LIMIT: expected offset and count"));
            };
            let (o, n) = (
                parse_count(o.as_slice(), "LIMIT offset", MAX_RESULTS)?,
                parse_count(n.as_slice(), "LIMIT count", MAX_RESULTS)?,
            );
            if o.saturating_add(n) > MAX_RESULTS {
                return Err(Error::err(format!(
                    "LIMIT exceeds maximum of {MAX_RESULTS}"
                )));
            }
            *i += 3;
            Step::Limit(o, n)
        }
        _ => return Ok(None),
    }))
}

/// A value as a number, if it reads as one.
fn as_num(v: &[u8]) -> Option<f64> {
    std::str::from_utf8(v)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
}

fn sort_rows(rows: &mut [Row], keys: &[(String, bool)]) {
    let get = |row: &Row, k: &str| -> Option<Vec<u8>> {
        row.iter()
            .find(|(f, _)| f == k.as_bytes())
            .map(|x| x.1.clone())
    };
    rows.sort_by(|a, b| {
        for (k, asc) in keys {
            let (x, y) = (get(a, k), get(b, k));
            let o = match (&x, &y) {
                (Some(x), Some(y)) => match (as_num(x), as_num(y)) {
                    (Some(p), Some(q)) => p.total_cmp(&q),
                    _ => x.cmp(y),
                },
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            };
            let o = if *asc || x.is_none() || y.is_none() {
                o
            } else {
                o.reverse()
            };
            if o != std::cmp::Ordering::Equal {
                return o;
            }
        }
        std::cmp::Ordering::Equal
    });
}

/// Runs the steps over `rows`; true when one of them was a LIMIT.
pub(super) fn run_steps(rows: &mut Vec<Row>, steps: &[Step]) -> bool {
    let mut limited = false;
    for s in steps {
        match s {
            Step::Apply(name, e) => {
                for row in rows.iter_mut() {
                    // `APPLY @f AS n` copies the value as it is (text too).
                    let copied = match e.as_slice() {
                        [Tok::Field(f)] => row
                            .iter()
                            .rev()
                            .find(|(k, _)| k == f.as_bytes())
                            .map(|(_, v)| v.clone()),
                        _ => None,
                    };
                    let v = copied.unwrap_or_else(|| {
                        eval(e, row).map_or_else(|| b"nan".to_vec(), |x| fmt_num(x).into_bytes())
                    });
                    row.retain(|(k, _)| k != name.as_bytes());
                    row.push((name.as_bytes().to_vec(), v));
                }
            }
            Step::Sort(keys, max) => {
                sort_rows(rows, keys);
                if let Some(m) = max {
                    rows.truncate(*m);
                }
            }
            Step::Limit(o, n) => {
                let end = o.saturating_add(*n).min(rows.len());
                let start = (*o).min(end);
                rows.truncate(end);
                rows.drain(..start);
                limited = true;
            }
        }
    }
    limited
}

/// `FT.AGGREGATE index query [LOAD n @f…] [APPLY e AS n] [SORTBY n @p [ASC|DESC]… [MAX m]] [LIMIT o n] [ADDSCORES] [SCORER s] [PARAMS …] [DIALECT d]`
pub fn ft_aggregate(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if args.len() < 3 {
        return Err(Error::Arity("FT.AGGREGATE"));
    }
    let ix = index_to_query(ctx, args[1].as_slice())?;
    let rest = &args[2..];
    let params = find_params(rest)?;
    let q = query::parse(rest[0].as_slice(), &params)?;
    let mut load: Load = None;
    let mut steps = Vec::new();
    let mut addscores = false;
    let mut scorer: Option<String> = None;
    let mut i = 1;
    while i < rest.len() {
        let kw = String::from_utf8_lossy(rest[i].as_slice()).to_ascii_uppercase();
        if let Some(step) = parse_step(rest, &mut i, &kw)? {
            steps.push(step);
            continue;
        }
        match kw.as_str() {
            "VERBATIM" => i += 1,
            "ADDSCORES" => {
                addscores = true;
                i += 1;
            }
            "SCORER" => {
                let s = rest
                    .get(i + 1)
                    .ok_or_else(|| Error::err("SCORER: missing argument"))?;
                scorer = Some(String::from_utf8_lossy(s.as_slice()).into_owned());
                i += 2;
            }
            "TIMEOUT" | "DIALECT" => i += 2,
            "LOAD" => parse_load(rest, &mut i, &mut load)?,
            "PARAMS" => {
                let n = parse_count(
                    rest.get(i + 1).map_or(&[][..], |a| a.as_slice()),
                    "PARAMS count",
                    2048,
                )?;
                i += 2 + n;
            }
            other => {
                return Err(Error::err(format!(
                    "FT.AGGREGATE: {other} is not supported"
                )));
            }
        }
    }
    if addscores {
        check_scorer(scorer.as_deref())?;
    }
    let r = registry::read(&ix);
    let terms = if addscores {
        scoring_terms(&r, &q.filter)?
    } else {
        Vec::new()
    };
    let req = SearchRequest {
        query: q,
        nocontent: true,
        withscores: false,
        return_fields: None,
        sortby: None,
        offset: 0,
        num: MAX_RESULTS,
        numeric_filters: Vec::new(),
        inkeys: None,
    };
    let (total, mut rows) = in_db0(ctx, || -> Result<_> {
        let out = run(ctx, &r, &req)?;
        let text = r.text.scorer(&terms);
        let rows: Vec<Row> = out
            .hits
            .iter()
            .map(|h| {
                let mut row: Row = h
                    .yields
                    .iter()
                    .map(|(n, d)| (n.as_bytes().to_vec(), fmt_num(*d).into_bytes()))
                    .collect();
                if addscores {
                    row.push((b"__score".to_vec(), fmt_num(text.score(h.doc)).into_bytes()));
                }
                if load.is_some() {
                    let key = ReadKey::open(ctx, &crate::ffi::string(ctx, &h.key));
                    load_fields(&r, &key, &h.key, load.as_deref(), &mut row);
                }
                row
            })
            .collect();
        Ok((out.total, rows))
    })?;
    drop(r);
    if !run_steps(&mut rows, &steps) {
        rows.truncate(10);
    }
    reply_rows(ctx, total, &rows);
    Ok(RedisValue::NoReply)
}

/// Appends the LOADed fields of one hash to `row` (`__key` is the key).
pub(super) fn load_fields(
    ix: &crate::search::index::Index,
    hash: &ReadKey,
    key: &[u8],
    load: Option<&[(String, String)]>,
    row: &mut Row,
) {
    match load {
        Some([]) => row.extend(hash.all()),
        Some(l) => {
            for (f, out) in l {
                if f == "__key" {
                    row.push((out.as_bytes().to_vec(), key.to_vec()));
                    continue;
                }
                let ident = ix
                    .def
                    .field(f)
                    .map(|(_, d)| d.identifier.clone())
                    .unwrap_or_else(|| f.as_bytes().to_vec());
                if let Some(v) = hash.field(&ident) {
                    row.push((out.as_bytes().to_vec(), v));
                }
            }
        }
        None => {}
    }
}

fn reply_rows(ctx: &Context, total: usize, rows: &[Row]) {
    let reply = Reply::new(ctx);
    if reply.resp3() {
        reply.map(5);
        reply.bulk(b"attributes");
        reply.array(0);
        reply.bulk(b"format");
        reply.bulk(b"STRING");
        reply.bulk(b"results");
        reply.array(rows.len());
        for row in rows {
            reply.map(2);
            reply.bulk(b"extra_attributes");
            write_map(&reply, row);
            reply.bulk(b"values");
            reply.array(0);
        }
        reply.bulk(b"total_results");
        reply.int(total as i64);
        reply.bulk(b"warning");
        reply.array(0);
    } else {
        reply.array(1 + rows.len());
        reply.int(total as i64);
        rows.iter().for_each(|row| write_flat(&reply, row));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kv: &[(&str, &str)]) -> Vec<(Vec<u8>, Vec<u8>)> {
        kv.iter()
            .map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn apply_arithmetic() {
        let r = row(&[("vector_distance", "0.5"), ("s", "2")]);
        assert_eq!(
            eval(&compile(b"(2 - @vector_distance)/2").unwrap(), &r),
            Some(0.75)
        );
        assert_eq!(eval(&compile(b"1 + 2 * 3").unwrap(), &r), Some(7.0));
        assert_eq!(eval(&compile(b"-@s * 2 ^ 2").unwrap(), &r), Some(-8.0));
        assert_eq!(eval(&compile(b"@missing + 1").unwrap(), &r), None);
        assert!(compile(b"(1 + 2").is_err());
        assert!(compile(b"1 +").is_err());
        assert!(compile(&vec![b'('; 5000]).is_err());
    }
}
