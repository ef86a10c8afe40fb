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

// ------------------------------------------------------------ DUMP payloads

const OP_EOF: u8 = 0;
const OP_SINT: u8 = 1;
const OP_UINT: u8 = 2;
const OP_FLOAT: u8 = 3;
const OP_DOUBLE: u8 = 4;
const OP_STRING: u8 = 5;

/// One item of a module value in the RDB stream.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// An unsigned (or signed, `opcode` 1) length-encoded integer.
    Int { opcode: u8, value: u64 },
    /// A plain string.
    Str(Vec<u8>),
    /// Anything else kept as encoded (an int- or LZF-encoded string, a float).
    Opaque(Vec<u8>),
}

/// A DUMP payload taken apart: type byte, module id, items, RDB version.
#[derive(Debug, Clone)]
pub struct ModuleValue {
    pub type_byte: u8,
    pub id: u64,
    pub items: Vec<Item>,
    pub rdb_version: [u8; 2],
}

fn read_len(b: &[u8], at: &mut usize) -> Option<(u64, bool)> {
    let first = *b.get(*at)?;
    *at += 1;
    Some(match first >> 6 {
        0 => (u64::from(first & 0x3f), false),
        1 => {
            let second = *b.get(*at)?;
            *at += 1;
            ((u64::from(first & 0x3f) << 8) | u64::from(second), false)
        }
        2 => {
            let n = if first == 0x80 { 4 } else { 8 };
            let bytes = b.get(*at..*at + n)?;
            *at += n;
            (
                bytes.iter().fold(0u64, |v, &x| (v << 8) | u64::from(x)),
                false,
            )
        }
        _ => (u64::from(first & 0x3f), true),
    })
}

/// Redis's length encoding.
pub fn write_len(out: &mut Vec<u8>, n: u64) {
    if n < 1 << 6 {
        out.push(n as u8);
    } else if n < 1 << 14 {
        out.push(0x40 | (n >> 8) as u8);
        out.push(n as u8);
    } else if n <= u64::from(u32::MAX) {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// Takes a DUMP payload of a module value apart (None if it is not one).
pub fn parse_dump(payload: &[u8]) -> Option<ModuleValue> {
    if payload.len() < 11 {
        return None;
    }
    let body = &payload[..payload.len() - 10];
    let rdb_version = [payload[payload.len() - 10], payload[payload.len() - 9]];
    let type_byte = *body.first()?;
    let mut at = 1;
    let (id, _) = read_len(body, &mut at)?;
    let mut items = Vec::new();
    loop {
        let start = at;
        let (op, _) = read_len(body, &mut at)?;
        match op as u8 {
            OP_EOF => break,
            OP_SINT | OP_UINT => {
                let (value, _) = read_len(body, &mut at)?;
                items.push(Item::Int {
                    opcode: op as u8,
                    value,
                });
            }
            OP_FLOAT | OP_DOUBLE => {
                at += if op as u8 == OP_FLOAT { 4 } else { 8 };
                items.push(Item::Opaque(body.get(start..at)?.to_vec()));
            }
            OP_STRING => {
                let (len, encoded) = read_len(body, &mut at)?;
                if encoded {
                    at += match len {
                        0 => 1,
                        1 => 2,
                        2 => 4,
                        3 => {
                            let (clen, _) = read_len(body, &mut at)?;
                            read_len(body, &mut at)?;
                            clen as usize
                        }
                        _ => return None,
                    };
                    items.push(Item::Opaque(body.get(start..at)?.to_vec()));
                } else {
                    let s = body.get(at..at + len as usize)?.to_vec();
                    at += len as usize;
                    items.push(Item::Str(s));
                }
            }
            _ => return None,
        }
    }
    (at == body.len()).then_some(ModuleValue {
        type_byte,
        id,
        items,
        rdb_version,
    })
}

impl ModuleValue {
    /// The value's bytes without the footer.
    pub fn body(&self) -> Vec<u8> {
        let mut out = vec![self.type_byte];
        write_len(&mut out, self.id);
        for it in &self.items {
            match it {
                Item::Int { opcode, value } => {
                    out.push(*opcode);
                    write_len(&mut out, *value);
                }
                Item::Str(s) => {
                    out.push(OP_STRING);
                    write_len(&mut out, s.len() as u64);
                    out.extend_from_slice(s);
                }
                Item::Opaque(raw) => out.extend_from_slice(raw),
            }
        }
        out.push(OP_EOF);
        out
    }

    /// A RESTORE-able payload: the body, the RDB version and the CRC-64.
    pub fn payload(&self) -> Vec<u8> {
        footer(self.body(), self.rdb_version)
    }

    /// AI_VECSET: recomputes the graph checksum (and length and chunk
    /// count) from the trailing graph chunks, so a mutated graph reaches
    /// usearch's loader. No-op when the tail does not look like a graph.
    pub fn fix_vecset_graph(&mut self) {
        let n = self.items.len();
        let chunks = self
            .items
            .iter()
            .rev()
            .take_while(|i| matches!(i, Item::Str(_)))
            .count();
        if chunks == 0 || n < chunks + 3 {
            return;
        }
        let graph: Vec<u8> = self.items[n - chunks..]
            .iter()
            .flat_map(|i| match i {
                Item::Str(s) => s.clone(),
                _ => Vec::new(),
            })
            .collect();
        let head = n - chunks - 3;
        let fixed = [graph.len() as u64, vecset_checksum(&graph), chunks as u64];
        for (k, v) in fixed.into_iter().enumerate() {
            if let Item::Int { value, .. } = &mut self.items[head + k] {
                *value = v;
            }
        }
    }
}

/// `body` + RDB version + Redis's CRC-64 of both.
pub fn footer(mut body: Vec<u8>, rdb_version: [u8; 2]) -> Vec<u8> {
    body.extend_from_slice(&rdb_version);
    let crc = crc64(&body);
    body.extend_from_slice(&crc.to_le_bytes());
    body
}

pub use super::rdb::{crc64, vecset_checksum};

/// Values a mutated integer item takes.
fn hostile_u64(r: &mut Rng, was: u64) -> u64 {
    match r.below(14) {
        0 => 0,
        1 => 1,
        2 => was.wrapping_add(1),
        3 => was.wrapping_sub(1),
        4 => was.wrapping_mul(2),
        5 => was / 2,
        6 => i32::MAX as u64,
        7 => u32::MAX as u64,
        8 => 1 << 32,
        9 => i64::MAX as u64,
        10 => 1 << 63,
        11 => u64::MAX,
        12 => r.below(300),
        _ => r.next(),
    }
}

/// A mutated copy of a DUMP payload (`vecset`: fix the graph checksum most
/// of the time). The footer is always valid, so RESTORE hands the bytes to
/// the module's loader.
pub fn mutate_dump(r: &mut Rng, payload: &[u8], vecset: bool) -> Vec<u8> {
    let Some(orig) = parse_dump(payload) else {
        return payload.to_vec();
    };
    let mut v = orig.clone();
    for _ in 0..1 + r.below(3) {
        let n = v.items.len() as u64;
        if n == 0 {
            break;
        }
        let i = r.below(n) as usize;
        match r.below(10) {
            0..=2 => {
                if let Item::Int { value, .. } = &mut v.items[i] {
                    *value = hostile_u64(r, *value);
                } else if let Item::Str(s) = &mut v.items[i] {
                    // Bytes inside a string (a name, a blob, the graph).
                    for _ in 0..1 + r.below(4) {
                        if !s.is_empty() {
                            let at = r.below(s.len() as u64) as usize;
                            s[at] = r.next() as u8;
                        }
                    }
                }
            }
            3 => {
                if let Item::Str(s) = &mut v.items[i] {
                    let keep = r.below(s.len() as u64 + 1) as usize;
                    s.truncate(keep);
                }
            }
            4 => {
                if let Item::Str(s) = &mut v.items[i] {
                    let n = 1 + r.below(64) as usize;
                    let extra = r.bytes(n);
                    s.extend_from_slice(&extra);
                }
            }
            5 => {
                v.items.remove(i);
            }
            6 => {
                let it = v.items[i].clone();
                v.items.insert(i, it);
            }
            7 => {
                let j = r.below(n) as usize;
                v.items.swap(i, j);
            }
            8 => v.items.insert(
                i,
                Item::Int {
                    opcode: OP_UINT,
                    value: hostile_u64(r, 1),
                },
            ),
            _ => v.items.truncate(i),
        }
    }
    if vecset && r.below(4) != 0 {
        v.fix_vecset_graph();
    }
    match r.below(12) {
        // Raw damage under a valid footer: a byte, or a cut.
        0 => {
            let mut body = v.body();
            let at = 1 + r.below(body.len() as u64 - 1) as usize;
            body[at] = r.next() as u8;
            footer(body, v.rdb_version)
        }
        1 => {
            let mut body = v.body();
            body.truncate(1 + r.below(body.len() as u64 - 1) as usize);
            footer(body, v.rdb_version)
        }
        _ => v.payload(),
    }
}

/// AI_VECSET: only the graph bytes changed (checksum fixed), so the damage
/// reaches usearch's own loader and the first searches after it.
pub fn mutate_vecset_graph(r: &mut Rng, payload: &[u8]) -> Vec<u8> {
    let Some(mut v) = parse_dump(payload) else {
        return payload.to_vec();
    };
    let Some(Item::Str(graph)) = v.items.last_mut() else {
        return payload.to_vec();
    };
    if graph.is_empty() {
        return payload.to_vec();
    }
    // usearch's header is the first 64 bytes: aim there half the time.
    let span = if r.below(2) == 0 {
        graph.len().min(64)
    } else {
        graph.len()
    };
    for _ in 0..1 + r.below(4) {
        let at = r.below(span as u64) as usize;
        graph[at] = match r.below(3) {
            0 => 0xff,
            1 => 0,
            _ => r.next() as u8,
        };
    }
    v.fix_vecset_graph();
    v.payload()
}

// ----------------------------------------------------------------- runner

/// Renders a command for a report: short printable arguments as they are,
/// long or binary ones summarized.
pub fn show(cmd: &[Vec<u8>]) -> String {
    cmd.iter()
        .map(|a| {
            let printable = a.iter().all(|&b| (0x20..0x7f).contains(&b));
            if printable && a.len() <= 48 {
                let s = String::from_utf8_lossy(a).into_owned();
                if s.is_empty() || s.contains(' ') {
                    format!("{s:?}")
                } else {
                    s
                }
            } else if printable {
                format!(
                    "{:?}…({} bytes)",
                    String::from_utf8_lossy(&a[..24]),
                    a.len()
                )
            } else {
                format!("<{} binary bytes>", a.len())
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks one reply; `Err` describes why it is wrong.
pub type Check<'a> = &'a dyn Fn(&[Vec<u8>], &Reply) -> Result<(), String>;

/// Replies every command may give: an error that is not a caught panic.
pub fn no_internal_error(_cmd: &[Vec<u8>], reply: &Reply) -> Result<(), String> {
    match reply {
        Reply::Error(e) if e.contains("internal error") => Err(format!("replied {e:?}")),
        _ => Ok(()),
    }
}

/// Drives one fuzzer against one server.
pub struct Runner {
    pub name: &'static str,
    pub budget: Budget,
    pub server: Server,
    conn: Conn,
    setup: Box<dyn Fn(&mut Conn)>,
    /// Commands sent, replies that were errors, replies that were not.
    pub sent: u64,
    pub errors: u64,
    pub oks: u64,
    /// Per command name: commands sent, and how many got an error reply.
    pub per_command: HashMap<String, (u64, u64)>,
    /// Error replies by command and text (`REDISAI_FUZZ_VERBOSE=1` prints
    /// the commonest: what keeps a fuzzer from going deeper).
    error_texts: HashMap<String, u64>,
    /// Findings by signature: (first example, how many times).
    findings: Vec<(String, String, u64)>,
    /// The server's stderr lines already looked at by `scan_logs`.
    stderr_seen: std::collections::HashSet<String>,
    crashes: u64,
    /// Replies that were not well-formed RESP (each also a finding).
    pub malformed: u64,
    started: Instant,
}

impl Runner {
    /// A runner on `server`; `setup` makes the fixtures, now and after every
    /// restart.
    pub fn new(
        name: &'static str,
        budget: Budget,
        server: Server,
        setup: impl Fn(&mut Conn) + 'static,
    ) -> Runner {
        say(&format!(
            "FUZZ {name}: seed {:#x} (REDISAI_FUZZ_SEED), {} of {} commands (REDISAI_FUZZ_COMMANDS)",
            budget.seed, budget.commands, budget.total
        ));
        let mut conn = server.conn();
        setup(&mut conn);
        Runner {
            name,
            budget,
            server,
            conn,
            setup: Box::new(setup),
            sent: 0,
            errors: 0,
            oks: 0,
            per_command: HashMap::new(),
            error_texts: HashMap::new(),
            findings: Vec::new(),
            stderr_seen: Default::default(),
            crashes: 0,
            malformed: 0,
            started: Instant::now(),
        }
    }

    /// The fuzz connection (for fixtures such as DUMPs).
    pub fn conn(&mut self) -> &mut Conn {
        &mut self.conn
    }

    /// Replaces the fuzz connection (the runner's own tests: a fake server
    /// that answers with bytes that are not RESP).
    pub fn set_conn(&mut self, conn: Conn) {
        self.conn = conn;
    }

    /// Whether the budget is spent.
    pub fn done(&self) -> bool {
        self.sent >= self.budget.commands
    }

    fn finding(&mut self, signature: String, example: String) {
        if let Some(f) = self.findings.iter_mut().find(|f| f.0 == signature) {
            f.2 += 1;
            return;
        }
        say(&format!("FUZZ {} FINDING: {example}", self.name));
        self.findings.push((signature, example, 1));
    }

    /// Sends `cmds` pipelined, reads every reply and checks it with `check`
    /// (and for internal errors). Then PING: a dead server is a finding, the
    /// batch is replayed on a fresh server to pin the command that kills it,
    /// and the run goes on with the fixtures made again.
    pub fn batch(&mut self, cmds: &[Cmd], check: Check) -> Vec<Option<Reply>> {
        let checks: [Check; 2] = [&no_internal_error, check];
        let mut replies = Vec::with_capacity(cmds.len());
        let sent = cmds.iter().try_for_each(|c| self.conn.send(c));
        let mut alive = sent.is_ok() && self.conn.flush().is_ok();
        let mut malformed = false;
        for cmd in cmds {
            self.sent += 1;
            let counts = self
                .per_command
                .entry(String::from_utf8_lossy(&cmd[0]).to_ascii_uppercase())
                .or_default();
            counts.0 += 1;
            if !alive {
                replies.push(None);
                continue;
            }
            match self.conn.read() {
                Ok(reply) => {
                    if reply.is_error() {
                        self.errors += 1;
                        if let Some(c) = self
                            .per_command
                            .get_mut(&String::from_utf8_lossy(&cmd[0]).to_ascii_uppercase())
                        {
                            c.1 += 1;
                        }
                        let text: String = reply.text().chars().take(70).collect();
                        *self
                            .error_texts
                            .entry(format!("{} {text}", String::from_utf8_lossy(&cmd[0])))
                            .or_default() += 1;
                    } else {
                        self.oks += 1;
                    }
                    for f in checks {
                        if let Err(why) = f(cmd, &reply) {
                            let sig = format!(
                                "{} {}",
                                String::from_utf8_lossy(&cmd[0]),
                                why.chars().take(80).collect::<String>()
                            );
                            self.finding(sig, format!("{why}: {}", show(cmd)));
                        }
                    }
                    replies.push(Some(reply));
                }
                Err(e) => {
                    if is_malformed(&e) {
                        // The stream is out of step from here on: the rest
                        // of the batch goes unread, on a new connection.
                        malformed = true;
                        self.malformed += 1;
                        let name = String::from_utf8_lossy(&cmd[0]).to_ascii_uppercase();
                        self.finding(
                            format!("malformed {name} {e}"),
                            format!("malformed reply ({e}) to: {}", show(cmd)),
                        );
                    }
                    alive = false;
                    replies.push(None);
                }
            }
        }
        if malformed {
            match Conn::connect(self.server.port, Duration::from_secs(60)) {
                Ok(c) => {
                    self.conn = c;
                    alive = true;
                }
                Err(_) => alive = false,
            }
        }
        let pong = alive && matches!(self.conn.cmd(&["PING"]), Ok(Reply::Status(s)) if s == "PONG");
        if !pong {
            self.crashed(cmds);
        }
        replies
    }

    /// The server stopped answering during `cmds`.
    fn crashed(&mut self, cmds: &[Cmd]) {
        self.crashes += 1;
        let excerpt = crash_excerpt(&self.server);
        self.restart();
        // Replay one by one on the fresh server to find the command.
        let mut culprit = None;
        for cmd in cmds {
            let ok = self.conn.cmd(cmd).is_ok()
                && matches!(self.conn.cmd(&["PING"]), Ok(Reply::Status(s)) if s == "PONG");
            if !ok {
                culprit = Some(cmd.clone());
                break;
            }
        }
        let (sig, example) = match &culprit {
            Some(cmd) => {
                let excerpt = crash_excerpt(&self.server);
                self.restart();
                (
                    format!(
                        "crash {} {} {}",
                        String::from_utf8_lossy(&cmd[0]),
                        first_line(&excerpt),
                        excerpt
                            .lines()
                            .find(|l| l.starts_with("frame: "))
                            .unwrap_or("")
                    ),
                    format!("server died on: {}\n{excerpt}", show(cmd)),
                )
            }
            None => (
                format!("crash (not reproduced alone) {}", first_line(&excerpt)),
                format!(
                    "server died in a batch of {} (replaying it alone did not crash); first: {}\n{excerpt}",
                    cmds.len(),
                    cmds.first().map(|c| show(c)).unwrap_or_default()
                ),
            ),
        };
        self.finding(sig, example);
        assert!(
            self.crashes <= 50,
            "{}: 50 crashes, giving up:\n{}",
            self.name,
            self.report()
        );
    }

    /// Starts the server again with fresh logs (a crashed server's log is
    /// in its finding already) and makes the fixtures again.
    fn restart(&mut self) {
        let _ = std::fs::remove_file(self.server.log_path());
        let _ = std::fs::remove_file(self.server.dir.join("stderr.log"));
        self.server.restart("NOSAVE");
        self.conn = self.server.conn();
        (self.setup)(&mut self.conn);
    }

    /// Panics in the server log (and Rust messages on its stderr) that no
    /// finding mentions yet.
    fn scan_logs(&mut self) {
        let log = self.server.log();
        for line in log.lines().filter(|l| l.contains("panic")) {
            let msg = line
                .split("panic")
                .nth(1)
                .unwrap_or(line)
                .trim()
                .to_string();
            if !self.findings.iter().any(|f| f.1.contains(&msg)) {
                self.finding(format!("log {msg}"), format!("server log: {}", line.trim()));
            }
        }
        // A Rust panic or stack overflow on stderr is a finding. TensorFlow
        // and LiteRT also log there (absl's `W0000 00:00:…` lines, LiteRT's
        // `ERROR: …`), among them the errors they detect and return, which
        // the client gets as an error reply (`ERROR: tflite/util.cc
        // BytesRequired number of bytes overflowed.` for a fuzzed shape):
        // those are shown, not counted.
        let stderr = self.server.stderr_log();
        for line in stderr.lines() {
            let bad = line.contains("panicked") || line.contains("overflow");
            if !bad || self.stderr_seen.contains(line) {
                continue;
            }
            self.stderr_seen.insert(line.to_string());
            if is_backend_log_line(line) && !line.contains("panicked") {
                say(&format!(
                    "FUZZ {} backend log (not a finding): {line}",
                    self.name
                ));
            } else if !self.findings.iter().any(|f| f.1.contains(line)) {
                self.finding(format!("stderr {line}"), format!("server stderr: {line}"));
            }
        }
    }

    /// The findings so far, one text each (the harness's own test).
    pub fn findings(&self) -> Vec<String> {
        self.findings.iter().map(|f| f.1.clone()).collect()
    }

    fn report(&self) -> String {
        self.findings
            .iter()
            .map(|(_, ex, n)| format!("- ({n}×) {ex}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Checks the log for panics the commands did not show, prints the
    /// counts, and fails the test if anything was found.
    pub fn finish(mut self) {
        self.scan_logs();
        let mut per: Vec<_> = self.per_command.iter().collect();
        per.sort();
        let secs = self.started.elapsed().as_secs_f64();
        say(&format!(
            "FUZZ {}: {} commands ({} errors, {} other replies) in {secs:.1}s ({:.0} commands/s), seed {:#x}; {}; {} crashes, {} malformed replies, {} findings",
            self.name,
            self.sent,
            self.errors,
            self.oks,
            self.sent as f64 / secs.max(1e-9),
            self.budget.seed,
            per.iter()
                .map(|(k, (n, e))| format!("{k} {n} ({e} err)"))
                .collect::<Vec<_>>()
                .join(", "),
            self.crashes,
            self.malformed,
            self.findings.len()
        ));
        if let Ok(only) = std::env::var("REDISAI_FUZZ_VERBOSE") {
            // `1`: every command; a command name: only its errors.
            let mut texts: Vec<_> = self
                .error_texts
                .iter()
                .filter(|(t, _)| only == "1" || t.starts_with(&format!("{only} ")))
                .collect();
            texts.sort_by(|a, b| b.1.cmp(a.1));
            for (t, n) in texts.iter().take(25) {
                say(&format!("FUZZ {} errors: {n:>7} {t}", self.name));
            }
        }
        if !self.findings.is_empty() {
            // The findings quote what matters; a fuzzed server's whole log
            // (printed by `Server`'s drop on a failure) would bury them.
            let _ = std::fs::remove_file(self.server.log_path());
        }
        assert!(
            self.findings.is_empty(),
            "{} (seed {:#x}) found {} problem(s):\n{}",
            self.name,
            self.budget.seed,
            self.findings.len(),
            self.report()
        );
    }
}

/// The first line of an excerpt without the log's `pid:role date time
/// level` prefix, so the same crash gives the same signature every time.
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("");
    let msg = match line.split_once(':') {
        Some((pid, rest)) if pid.bytes().all(|b| b.is_ascii_digit()) => {
            rest.splitn(6, ' ').nth(5).unwrap_or(rest)
        }
        _ => line,
    };
    msg.chars().take(100).collect()
}

/// The lines of a crashed server's log and stderr that say why.
fn crash_excerpt(s: &Server) -> String {
    let log = s.log();
    // Only this life of the server: after the last start banner.
    let life = log
        .rfind("Redis is starting")
        .map_or(log.as_str(), |i| &log[i..]);
    let mut lines: Vec<String> = life
        .lines()
        .filter(|l| {
            l.contains("panic")
                || l.contains("crashed by signal")
                || l.contains("Crashed running")
                || l.contains("argv[")
                || l.contains("ASSERTION FAILED")
                || l.contains("Out Of Memory")
                || l.contains("Failed opening")
        })
        .map(|l| l.trim().chars().take(200).collect())
        .take(8)
        .collect();
    // The innermost frames in the module tell two crashes of one command
    // apart (offsets are stable within a build).
    lines.extend(
        life.lines()
            .filter(|l| l.contains("libredisai.so("))
            .take(2)
            // `…/libredisai.so(+0x1d2f3)[0x7f…]`: the address after `)`
            // moves with ASLR, the offset does not.
            .map(|l| {
                let l = l.trim();
                let from = l.find("libredisai.so(").unwrap_or(0);
                let to = l[from..].find(')').map_or(l.len(), |i| from + i + 1);
                format!("frame: {}", &l[from..to])
            }),
    );
    let stderr = s.stderr_log();
    lines.extend(
        stderr
            .lines()
            .rev()
            .take(3)
            .map(|l| format!("stderr: {}", l.chars().take(200).collect::<String>())),
    );
    if lines.is_empty() {
        lines.push("(nothing in the log: killed, or a hang past the reply timeout)".into());
    }
    lines.join("\n")
}

/// Whether a stderr line is a log line of a backend runtime: absl/glog
/// (TensorFlow, LiteRT: a severity letter, `MMDD`, a space, `hh:mm:ss`) or
/// TFLite's error reporter (`ERROR: `, `WARNING: `, `INFO: `). Rust's own
/// messages (`thread '…' panicked`, `fatal runtime error: …`) are neither.
fn is_backend_log_line(line: &str) -> bool {
    if ["ERROR: ", "WARNING: ", "INFO: "]
        .iter()
        .any(|p| line.starts_with(p))
    {
        return true;
    }
    let b = line.as_bytes();
    b.len() > 13
        && matches!(b[0], b'I' | b'W' | b'E' | b'F')
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5] == b' '
        && b[6..8].iter().all(u8::is_ascii_digit)
        && b[8] == b':'
}
