//! What the wire fuzzers share (tests/fuzz.rs, tests/model_fuzz.rs,
//! tests/script_fuzz.rs and the vector fuzz in tests/vector_persistence.rs):
//!
//! - the budget: `REDISAI_FUZZ_COMMANDS` commands in all (default 100,000),
//!   split between the fuzzers, from `REDISAI_FUZZ_SEED` (decimal or `0x…`
//!   hex; `random` draws one; default fixed, so CI is reproducible);
//! - hostile inputs: numbers at and past every integer boundary, huge digit
//!   strings, `nan`/`inf`, and FILTER expressions nested thousands deep;
//! - DUMP surgery: a module value is taken apart into its RDB items,
//!   mutated, and put back together with Redis's CRC-64 footer (and, for
//!   AI_VECSET, the graph checksum) recomputed, so the mutation reaches the
//!   module's decoder instead of being refused by a checksum;
//! - a runner that pipelines batches, counts replies, treats an `internal
//!   error` reply (a caught panic), a reply that is not well-formed RESP
//!   and a crash as findings, PINGs after every batch, pins a crash to its
//!   command by replaying the batch on a fresh server, and checks the
//!   server log for panics at the end.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::resp::is_malformed;
use super::{say, Conn, Reply, Rng, Server};

/// Commands across all fuzzers when `REDISAI_FUZZ_COMMANDS` is unset.
pub const DEFAULT_COMMANDS: u64 = 100_000;
const DEFAULT_SEED: u64 = 0x5eed_2026_0a1f_u64;

/// One command: its arguments.
pub type Cmd = Vec<Vec<u8>>;

/// The budget and seed for one fuzzer.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// The run's seed (print it; set it again to reproduce).
    pub seed: u64,
    /// This fuzzer's own seed, derived from `seed` and its name.
    pub own_seed: u64,
    /// Commands for this fuzzer.
    pub commands: u64,
    /// Commands for all fuzzers together.
    pub total: u64,
}

fn parse_u64(s: &str) -> Option<u64> {
    let s = s.trim().replace('_', "");
    match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// This fuzzer's share (`per_mille` of the total) of the run's budget.
pub fn budget(name: &str, per_mille: u64) -> Budget {
    let total = std::env::var("REDISAI_FUZZ_COMMANDS")
        .ok()
        .and_then(|v| parse_u64(&v))
        .unwrap_or(DEFAULT_COMMANDS);
    let seed = match std::env::var("REDISAI_FUZZ_SEED").ok().as_deref() {
        None | Some("") => DEFAULT_SEED,
        Some("random") => {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1);
            t ^ u64::from(std::process::id()).rotate_left(32)
        }
        Some(s) => parse_u64(s).unwrap_or_else(|| panic!("REDISAI_FUZZ_SEED={s}: not a number")),
    };
    let own_seed = name.bytes().fold(seed ^ 0x9e37_79b9_7f4a_7c15, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    }) | 1;
    Budget {
        seed,
        own_seed,
        commands: (total * per_mille / 1000).max(1),
        total,
    }
}

// ---------------------------------------------------------------- numbers

/// Integers at and past every boundary a parser might cast through, and
/// things that look almost like numbers.
pub const HOSTILE: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "2",
    "127",
    "128",
    "-129",
    "255",
    "256",
    "32767",
    "65535",
    "65536",
    "1000000",
    "1000001",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "4294967295",
    "4294967296",
    "-4294967296",
    "9007199254740993",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "-18446744073709551616",
    "1e308",
    "1e309",
    "-1e309",
    "1e-400",
    "4.9e-324",
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "+inf",
    "Infinity",
    "1.5",
    "-0.5",
    "0x10",
    "1e3",
    "1_000",
    " 1",
    "1 ",
    "+1",
    "007",
    "",
    "-",
    "+",
    ".",
    "1.",
    "\u{0}1",
    "1\u{0}",
    "٣",
];

/// A hostile number: one of [`HOSTILE`], or a huge digit string.
pub fn hostile(r: &mut Rng) -> Vec<u8> {
    if r.below(10) == 0 {
        let len = [20usize, 40, 309, 400, 5_000][r.below(5) as usize];
        let mut s: Vec<u8> = (0..len).map(|_| b'0' + r.below(10) as u8).collect();
        s[0] = b'1' + r.below(9) as u8;
        match r.below(4) {
            0 => s.insert(0, b'-'),
            1 => {
                let at = 1 + r.below(len as u64 - 1) as usize;
                s.insert(at, b'.');
            }
            _ => {}
        }
        s
    } else {
        r.pick(HOSTILE).as_bytes().to_vec()
    }
}

/// Mostly one of `typical`, one time in `1/odds` a hostile number.
pub fn number(r: &mut Rng, typical: &[&str], odds: u64) -> Vec<u8> {
    if r.below(odds) == 0 {
        hostile(r)
    } else {
        r.pick(typical).as_bytes().to_vec()
    }
}

/// How deep hostile nesting goes.
const DEPTHS: &[usize] = &[2, 16, 200, 1_000, 5_000, 10_000, 100_000];

/// A FILTER expression nested or chained thousands deep, balanced or not.
pub fn deep_filter(r: &mut Rng) -> Vec<u8> {
    let n = DEPTHS[r.below(DEPTHS.len() as u64) as usize];
    let rep = |s: &str, n: usize| s.repeat(n);
    let f = match r.below(12) {
        0 => format!("{}.a{}", rep("(", n), rep(")", n)),
        1 => format!("{}.a", rep("(", n)),
        2 => format!(".a{}", rep(")", n)),
        3 => format!("{}.a", rep("!", n)),
        4 => format!("{}1", rep("not ", n)),
        5 => format!("{}1", rep("-", n)),
        6 => format!("{}{}", rep("[", n), rep("]", n)),
        7 => format!(".a{}", rep(" and .a", n)),
        8 => format!("2{}", rep("**2", n)),
        9 => format!("1{}", rep("+1", n)),
        10 => format!("{}1{}", rep("(!", n), rep(")", n)),
        _ => format!("\"{}", rep("\\", n)),
    };
    f.into_bytes()
}

/// A small well-formed or slightly broken FILTER expression.
pub fn filter(r: &mut Rng, depth: u32) -> String {
    let atoms = [
        ".a",
        ".b",
        ".year",
        ".tags",
        "1",
        "0",
        "-2.5",
        "\"x\"",
        "true",
        "false",
        "[1,\"x\"]",
        ".missing",
        "nan",
        "1e309",
    ];
    if depth == 0 || r.below(3) == 0 {
        return r.pick(&atoms).to_string();
    }
    let ops = [
        "==", "!=", "<", "<=", ">", ">=", "and", "or", "&&", "||", "+", "-", "*", "/", "%", "**",
        "in",
    ];
    match r.below(5) {
        0 => format!("!{}", filter(r, depth - 1)),
        1 => format!("not ({})", filter(r, depth - 1)),
        2 => format!("({})", filter(r, depth - 1)),
        _ => format!(
            "{} {} {}",
            filter(r, depth - 1),
            r.pick(&ops),
            filter(r, depth - 1)
        ),
    }
}

mod dump;
mod runner;
// Not every test binary uses both halves.
#[allow(unused_imports)]
pub use dump::*;
#[allow(unused_imports)]
pub use runner::*;
