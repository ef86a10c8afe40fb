//! The RediSearch-compatible FT.* commands over [`crate::search`]. They are
//! registered only when no other module provides FT.SEARCH, and not at all
//! with the module argument `FT_COMPAT no`.

pub mod aggregate;
pub mod aof;
pub mod create;
pub mod hybrid;
pub mod info;
pub mod search;
pub mod sync;

use redis_module::Context;

use crate::error::{Error, Result};
use crate::reply::Reply;
use crate::search::registry::{self, Shared};

/// The error clients match on (redisvl looks for `unknown index name`).
pub fn unknown_index(name: &[u8]) -> Error {
    Error::err(format!(
        "Unknown index name: {}",
        String::from_utf8_lossy(name)
    ))
}

pub fn index_named(name: &[u8]) -> Result<Shared> {
    std::str::from_utf8(name)
        .ok()
        .and_then(registry::get)
        .ok_or_else(|| unknown_index(name))
}

/// The reply when the user may not read every key the index covers.
pub const ERR_NOPERM_INDEX: &str =
    "NOPERM User does not have the required permissions to query the index";

/// [`index_named`], for a command that reads the index's documents: the
/// calling user must be allowed to read every key under its prefixes (as
/// RediSearch does), or an index would read keys the user's ACL hides.
pub fn index_to_query(ctx: &Context, name: &[u8]) -> Result<Shared> {
    let ix = index_named(name)?;
    let prefixes = registry::read(&ix).def.prefixes.clone();
    if !crate::ffi::script_call::may_read_prefixes(ctx, &prefixes) {
        return Err(Error::raw(ERR_NOPERM_INDEX));
    }
    Ok(ix)
}

/// Field/value pairs, as the replies carry them.
pub type Row = Vec<(Vec<u8>, Vec<u8>)>;

/// `fields` as a map (RESP3) or a flat array (RESP2: the module API
/// flattens a map).
pub fn write_map(r: &Reply, fields: &[(Vec<u8>, Vec<u8>)]) {
    r.map(fields.len());
    write_pairs(r, fields);
}

/// `fields` as a flat array `[f, v, …]` in both protocols.
pub fn write_flat(r: &Reply, fields: &[(Vec<u8>, Vec<u8>)]) {
    r.array(fields.len() * 2);
    write_pairs(r, fields);
}

fn write_pairs(r: &Reply, fields: &[(Vec<u8>, Vec<u8>)]) {
    for (k, v) in fields {
        r.bulk(k);
        r.bulk(v);
    }
}

/// The text scorer: BM25STD is the one there is.
pub fn check_scorer(scorer: Option<&str>) -> Result<()> {
    match scorer {
        Some(s) if !s.eq_ignore_ascii_case("BM25STD") => Err(Error::err(format!(
            "SCORER {s} is not supported (BM25STD only)"
        ))),
        _ => Ok(()),
    }
}

/// A number as RediSearch prints it: integers as `%lld`, others as `%.12g`.
pub fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "nan".to_string()
        } else if x > 0.0 {
            "inf".to_string()
        } else {
            "-inf".to_string()
        };
    }
    if x == x.trunc() && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    // %.12g: 12 significant digits, fixed or scientific by the exponent,
    // trailing zeros dropped.
    let sci = format!("{x:.11e}");
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..12).contains(&exp) {
        let mant = trim_zeros(mant);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    let decimals = (11 - exp).max(0) as usize;
    trim_zeros(&format!("{x:.decimals$}")).to_string()
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// A count argument within `0..=max`.
pub fn parse_count(arg: &[u8], what: &str, max: usize) -> Result<usize> {
    std::str::from_utf8(arg)
        .ok()
        .and_then(|s| s.trim().parse::<usize>().ok())
        .filter(|n| *n <= max)
        .ok_or_else(|| Error::err(format!("{what} must be a whole number from 0 to {max}")))
}

#[cfg(test)]
mod tests {
    use super::fmt_num;

    #[test]
    fn numbers_print_like_redisearch() {
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(4.0), "4");
        assert_eq!(fmt_num(-2.0), "-2");
        assert_eq!(fmt_num(0.5), "0.5");
        assert_eq!(fmt_num(0.123456791043), "0.123456791043");
        assert_eq!(fmt_num(f64::from(0.1f32)), "0.10000000149");
        assert_eq!(fmt_num(1.5e-5), "1.5e-05");
        assert_eq!(fmt_num(1e20), "1e+20");
        assert_eq!(fmt_num(123456.789), "123456.789");
    }
}
