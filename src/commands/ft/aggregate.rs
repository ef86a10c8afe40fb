//! FT.AGGREGATE as far as redisvl and LangChain use it: a filter or KNN
//! query, then LOAD, APPLY (arithmetic over fields), SORTBY and LIMIT.
//! GROUPBY, REDUCE, FILTER and WITHCURSOR get a clear error.

use redis_module::{Context, RedisString, RedisValue};

use super::search::{find_params, in_db0, run};
use super::{fmt_num, index_named, parse_count};
use crate::args::is_keyword;
use crate::error::{Error, Result};
use crate::ffi::hash::ReadKey;
use crate::reply::Reply;
use crate::search::exec::{SearchRequest, MAX_RESULTS};
use crate::search::query;
use crate::search::registry;

/// Longest APPLY expression, in bytes.
const MAX_EXPR: usize = 4096;

enum Step {
    Apply(String, Expr),
    Sort(Vec<(String, bool)>, Option<usize>),
    Limit(usize, usize),
}

/// An APPLY expression in postfix form (shunting-yard: no recursion).
#[derive(Debug, Clone)]
enum Tok {
    Num(f64),
    Field(String),
    Op(u8),
    Neg,
}

type Expr = Vec<Tok>;

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

fn field_name(a: &RedisString) -> String {
    let s = String::from_utf8_lossy(a.as_slice()).into_owned();
    s.strip_prefix('@').map(str::to_string).unwrap_or(s)
}

/// `FT.AGGREGATE index query [LOAD n @f…] [APPLY e AS n] [SORTBY n @p [ASC|DESC]… [MAX m]] [LIMIT o n] [PARAMS …] [DIALECT d]`
pub fn ft_aggregate(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    if args.len() < 3 {
        return Err(Error::Arity("FT.AGGREGATE"));
    }
    let ix = index_named(args[1].as_slice())?;
    let rest = &args[2..];
    let params = find_params(rest)?;
    let q = query::parse(rest[0].as_slice(), &params)?;
    let mut load: Option<Vec<String>> = None; // Some(empty) = LOAD *
    let mut steps = Vec::new();
    let mut i = 1;
    while i < rest.len() {
        let kw = String::from_utf8_lossy(rest[i].as_slice()).to_ascii_uppercase();
        match kw.as_str() {
            "VERBATIM" | "ADDSCORES" => i += 1,
            "TIMEOUT" | "DIALECT" | "SCORER" => i += 2,
            "LOAD" => {
                let a = rest
                    .get(i + 1)
                    .ok_or_else(|| Error::err("LOAD: missing count"))?;
                if a.as_slice() == b"*" {
                    load = Some(Vec::new());
                    i += 2;
                } else {
                    let n = parse_count(a.as_slice(), "LOAD count", 65_536)?;
                    let items = rest
                        .get(i + 2..i + 2 + n)
                        .ok_or_else(|| Error::err("LOAD: not enough arguments"))?;
                    let mut names: Vec<String> = Vec::new();
                    let mut j = 0;
                    while j < items.len() {
                        if is_keyword(&items[j], "AS") {
                            j += 2;
                            continue;
                        }
                        names.push(field_name(&items[j]));
                        j += 1;
                    }
                    load.get_or_insert_with(Vec::new).extend(names);
                    i += 2 + n;
                }
            }
            "APPLY" => {
                let (Some(e), Some(a), Some(name)) =
                    (rest.get(i + 1), rest.get(i + 2), rest.get(i + 3))
                else {
                    return Err(Error::err("APPLY: expected expression AS name"));
                };
                if !is_keyword(a, "AS") {
                    return Err(Error::err("APPLY: expected expression AS name"));
                }
                steps.push(Step::Apply(field_name(name), compile(e.as_slice())?));
                i += 4;
            }
            "SORTBY" => {
                let n = parse_count(
                    rest.get(i + 1).map_or(&[][..], |a| a.as_slice()),
                    "SORTBY count",
                    1024,
                )?;
                let items = rest
                    .get(i + 2..i + 2 + n)
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
                i += 2 + n;
                let mut max = None;
                if rest.get(i).is_some_and(|a| is_keyword(a, "MAX")) {
                    max = Some(parse_count(
                        rest.get(i + 1).map_or(&[][..], |a| a.as_slice()),
                        "MAX",
                        MAX_RESULTS,
                    )?);
                    i += 2;
                }
                steps.push(Step::Sort(keys, max));
            }
            "LIMIT" => {
                let (Some(o), Some(n)) = (rest.get(i + 1), rest.get(i + 2)) else {
                    return Err(Error::err("LIMIT: expected offset and count"));
                };
                steps.push(Step::Limit(
                    parse_count(o.as_slice(), "LIMIT offset", MAX_RESULTS)?,
                    parse_count(n.as_slice(), "LIMIT count", MAX_RESULTS)?,
                ));
                i += 3;
            }
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
    let r = registry::read(&ix);
    let (total, mut rows) = in_db0(ctx, || -> Result<_> {
        let out = run(ctx, &r, &req)?;
        let rows: Vec<Vec<(Vec<u8>, Vec<u8>)>> = out
            .hits
            .iter()
            .map(|h| {
                let mut row: Vec<(Vec<u8>, Vec<u8>)> = h
                    .yields
                    .iter()
                    .map(|(n, d)| (n.as_bytes().to_vec(), fmt_num(*d).into_bytes()))
                    .collect();
                let key = ReadKey::open(ctx, &crate::ffi::string(ctx, &h.key));
                match &load {
                    Some(l) if l.is_empty() => row.extend(key.all()),
                    Some(l) => {
                        for f in l {
                            if f == "__key" {
                                row.push((b"__key".to_vec(), h.key.to_vec()));
                                continue;
                            }
                            let ident = r
                                .def
                                .field(f)
                                .map(|(_, d)| d.identifier.clone())
                                .unwrap_or_else(|| f.as_bytes().to_vec());
                            if let Some(v) = key.field(&ident) {
                                row.push((f.as_bytes().to_vec(), v));
                            }
                        }
                    }
                    None => {}
                }
                row
            })
            .collect();
        Ok((out.total, rows))
    })?;
    drop(r);
    let mut limited = false;
    for s in &steps {
        match s {
            Step::Apply(name, e) => {
                for row in &mut rows {
                    let v =
                        eval(e, row).map_or_else(|| b"nan".to_vec(), |x| fmt_num(x).into_bytes());
                    row.retain(|(k, _)| k != name.as_bytes());
                    row.push((name.as_bytes().to_vec(), v));
                }
            }
            Step::Sort(keys, max) => {
                let get = |row: &[(Vec<u8>, Vec<u8>)], k: &str| -> Option<Vec<u8>> {
                    row.iter()
                        .find(|(f, _)| f == k.as_bytes())
                        .map(|x| x.1.clone())
                };
                rows.sort_by(|a, b| {
                    for (k, asc) in keys {
                        let (x, y) = (get(a, k), get(b, k));
                        let o = match (&x, &y) {
                            (Some(x), Some(y)) => {
                                let nx = std::str::from_utf8(x)
                                    .ok()
                                    .and_then(|s| s.parse::<f64>().ok());
                                let ny = std::str::from_utf8(y)
                                    .ok()
                                    .and_then(|s| s.parse::<f64>().ok());
                                match (nx, ny) {
                                    (Some(p), Some(q)) => p.total_cmp(&q),
                                    _ => x.cmp(y),
                                }
                            }
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
                if let Some(m) = max {
                    rows.truncate(*m);
                }
            }
            Step::Limit(o, n) => {
                rows = rows.into_iter().skip(*o).take(*n).collect();
                limited = true;
            }
        }
    }
    if !limited {
        rows.truncate(10);
    }
    let reply = Reply::new(ctx);
    if reply.resp3() {
        reply.map(5);
        reply.bulk(b"attributes");
        reply.array(0);
        reply.bulk(b"format");
        reply.bulk(b"STRING");
        reply.bulk(b"results");
        reply.array(rows.len());
        for row in &rows {
            reply.map(2);
            reply.bulk(b"extra_attributes");
            reply.map(row.len());
            for (k, v) in row {
                reply.bulk(k);
                reply.bulk(v);
            }
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
        for row in &rows {
            reply.array(row.len() * 2);
            for (k, v) in row {
                reply.bulk(k);
                reply.bulk(v);
            }
        }
    }
    Ok(RedisValue::NoReply)
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
