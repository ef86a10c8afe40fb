//! The mixed wire fuzz: every generator of tests/fuzzers/ interleaved on
//! ONE redis-server, for `REDISAI_FUZZ_COMMANDS` generated commands (default
//! 100,000; `scripts/fuzz` sends 1,000,000): FT.CREATE/SEARCH/AGGREGATE/
//! HYBRID/ALTER/INFO/DROPINDEX with hostile queries and writes into the
//! indexed prefixes, AI.SCRIPT* with valid and mutated TorchScript, TF and
//! TFLITE stores with hostile INPUTS/OUTPUTS names and batching numbers,
//! tensors, vectors, models, DAGs and RESTORE of mutated DUMPs of every
//! type. The module's global state (backends, run queues, FT registry,
//! config) is shared by all of them; each area keeps its keys in its own
//! database (FT in 0, where indexes live), and one segment in 25 runs in
//! another area's database.
//!
//! Every reply must be well-formed RESP (a malformed one is a finding, see
//! tests/common/resp.rs), never `internal error`, and have its command's
//! shape; the server must answer PING after every batch and at the end,
//! and its log must show no panic. `REDISAI_FUZZ_SEED` repeats a run.

mod common;
mod fuzzers;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::fuzzgen::{self, Cmd, Runner};
use common::resp::is_malformed;
use common::{has_feature, Conn, Reply, Rng, Server};
use fuzzers::{ft, ft_hybrid, ft_schema, model, script, tensor, tf, vector};

/// The areas: name, database, weight (of 100 segments).
const AREAS: &[(&str, u8, u64)] = &[
    ("ft", 0, 22),
    ("ft-hybrid", 0, 12),
    ("tensor", 1, 20),
    ("vector", 2, 16),
    ("script", 3, 12),
    ("model", 4, 10),
    ("tf", 5, 8),
];

#[derive(Clone, Copy)]
struct Build {
    torch: bool,
    onnx: bool,
    tf: bool,
    tflite: bool,
}

fn select(db: u8) -> Cmd {
    common::args(&["SELECT", &db.to_string()])
}

/// Every area's fixtures, each in its database.
fn setup(c: &mut Conn, b: Build) {
    let ok = |c: &mut Conn, db: u8| assert!(c.cmd(&select(db)).expect("reply").is_ok());
    ok(c, 0);
    ft::fsetup(c);
    ok(c, 1);
    tensor::setup(c);
    ok(c, 2);
    vector::vsetup(c);
    ok(c, 3);
    script::setup(c, b.torch);
    ok(c, 4);
    model::setup(c, b.torch, b.onnx);
    ok(c, 5);
    tf::setup(c, b.tf, b.tflite);
    ok(c, 0);
}

/// DUMPs of each area's fixtures, for its RESTORE generator.
struct Dumps {
    tensor: Vec<Vec<u8>>,
    vector: Vec<Vec<u8>>,
    script: Vec<Vec<u8>>,
    model: Vec<Vec<u8>>,
}

fn dumps(c: &mut Conn) -> Dumps {
    let mut get = |db: u8, keys: &[&str]| -> Vec<Vec<u8>> {
        assert!(c.cmd(&select(db)).expect("reply").is_ok());
        keys.iter()
            .filter_map(|k| match c.cmd(&["DUMP", k]).expect("reply") {
                Reply::Bulk(d) => Some(d),
                _ => None,
            })
            .collect()
    };
    Dumps {
        tensor: get(1, &["a", "b", "c", "d", "e", "f", "g"]),
        vector: get(2, &["k", "kq", "kl"]),
        script: get(3, &["s", "legacy"]),
        model: get(4, &["pt", "d", "b0"]),
    }
}

/// One command of an area.
fn generate(area: &str, r: &mut Rng, d: &Dumps, blobs: &[Vec<u8>], tf_blobs: &[Vec<u8>]) -> Cmd {
    match area {
        "ft" => {
            let mut a = match r.below(20) {
                0..=7 => ft::search_cmd(r),
                8..=11 => ft::aggregate_cmd(r),
                12..=14 => ft_schema::create_cmd(r),
                15..=16 => ft_schema::alter_cmd(r),
                _ => ft_schema::small_cmd(r),
            };
            if a.len() > 1 && r.below(2) == 0 {
                ft_schema::mutate(r, &mut a);
            }
            a
        }
        "ft-hybrid" => match r.below(10) {
            0..=4 => {
                let mut a = ft_hybrid::hybrid_cmd(r);
                if r.below(3) == 0 {
                    ft_schema::mutate(r, &mut a);
                }
                a
            }
            _ => ft_hybrid::write_cmd(r),
        },
        "tensor" => match r.below(20) {
            0..=8 => tensor::tensorset(r),
            9..=12 => tensor::tensorget(r),
            13 => tensor::config(r),
            14..=15 => tensor::dag(r),
            _ => tensor::restore(r, &d.tensor),
        },
        "vector" => match r.below(20) {
            0..=4 => vector::vadd_cmd(r),
            5..=10 => vector::vsim_cmd(r),
            11..=17 => vector::small_cmd(r),
            _ => vector::restore_cmd(r, &d.vector),
        },
        "script" => match r.below(20) {
            0..=5 => script::execute(r, false),
            6..=7 => script::scriptrun(r),
            8..=10 => script::dag(r),
            11..=12 => script::store(r),
            13..=14 => script::random(r),
            15..=17 => script::misc(r),
            _ if !d.script.is_empty() => script::restore(r, &d.script),
            _ => script::misc(r),
        },
        "model" => match r.below(20) {
            0..=4 => model::valid(r),
            5..=9 => model::random(r, blobs),
            10..=11 => model::store(r, blobs),
            12..=14 => model::counts(r),
            15..=17 => model::misc(r),
            _ if !d.model.is_empty() => model::restore(r, &d.model),
            _ => model::misc(r),
        },
        _ => match r.below(20) {
            0..=8 => tf::store(r, tf_blobs),
            9..=14 => tf::execute(r),
            15..=16 => tf::dag(r),
            _ => tf::misc(r),
        },
    }
}

/// A reply is fine if it has the shape some area expects for its command.
fn check_any(cmd: &[Vec<u8>], reply: &Reply) -> Result<(), String> {
    if cmd[0].eq_ignore_ascii_case(b"SELECT") {
        return if reply.is_ok() {
            Ok(())
        } else {
            Err(format!("unexpected reply {reply:?}"))
        };
    }
    let checks: [fuzzgen::Check; 7] = [
        &tensor::check,
        &vector::vcheck,
        &ft_schema::ft_check,
        &ft_hybrid::check,
        &script::check,
        &model::check,
        &tf::check,
    ];
    let mut first = None;
    for c in checks {
        match c(cmd, reply) {
            Ok(()) => return Ok(()),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    Err(first.unwrap_or_default())
}

/// The fixtures the commands wear out, made again in their databases.
fn refresh(b: Build, round: u64) -> Vec<Cmd> {
    let mut v = vec![select(3)];
    v.extend(script::fixtures(b.torch));
    v.push(select(4));
    v.extend([
        common::args(&["AI.TENSORSET", "t0", "FLOAT", "1", "2", "VALUES", "1", "2"]),
        common::args(&["AI.TENSORSET", "t1", "FLOAT", "1", "2", "VALUES", "3", "4"]),
        common::args(&["AI.CONFIG", "MODEL_CHUNK_SIZE", "536346624"]),
    ]);
    v.push(select(5));
    v.extend(tf::fixtures(b.tf, b.tflite));
    v.push(select(0));
    v.extend(ft_hybrid::refill(round));
    v
}

#[test]
fn fuzz_all_one_server() {
    let budget = fuzzgen::budget("all", 1000);
    let b = Build {
        torch: has_feature("torch"),
        onnx: has_feature("onnx"),
        tf: has_feature("tf"),
        tflite: has_feature("tflite"),
    };
    if !(b.torch && b.onnx && b.tf && b.tflite) {
        common::skipped(
            &format!("{} (runs of the backends the build lacks)", test_name!()),
            "build lacks some of TORCH, ONNX, TF, TFLITE",
        );
    }
    let server = Server::with(&[], &["--rdbcompression", "no"]);
    let mut run = Runner::new("all", budget, server, move |c| setup(c, b));
    let d = dumps(run.conn());
    let blobs = model::blobs();
    let tf_blobs = tf::blobs();
    let mut r = Rng(budget.own_seed);
    let total: u64 = AREAS.iter().map(|a| a.2).sum();
    let mut per_area = vec![0u64; AREAS.len()];
    let mut round = 0u64;
    // The budget counts generated commands only: the SELECTs between
    // segments and the fixture refreshes come on top.
    while per_area.iter().sum::<u64>() < budget.commands {
        round += 1;
        let mut cmds: Vec<Cmd> = Vec::with_capacity(120);
        while cmds.len() < 100 {
            let mut at = r.below(total);
            let i = AREAS
                .iter()
                .position(|a| {
                    let hit = at < a.2;
                    at = at.saturating_sub(a.2);
                    hit
                })
                .unwrap_or(0);
            let (name, db, _) = AREAS[i];
            // One segment in 25 in another area's database.
            let db = if r.below(25) == 0 {
                r.below(6) as u8
            } else {
                db
            };
            cmds.push(select(db));
            for _ in 0..1 + r.below(16) {
                cmds.push(generate(name, &mut r, &d, &blobs, &tf_blobs));
                per_area[i] += 1;
            }
        }
        run.batch(&cmds, &check_any);
        if round.is_multiple_of(10) {
            run.batch(&refresh(b, round), &check_any);
        }
    }
    common::say(&format!(
        "FUZZ all: {} generated commands (plus SELECTs and fixture refreshes), by area: {}",
        per_area.iter().sum::<u64>(),
        AREAS
            .iter()
            .zip(&per_area)
            .map(|(a, n)| format!("{} {n}", a.0))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    // The fixtures still answer, correctly shaped, on the same server.
    let probe: Vec<Cmd> = vec![
        select(0),
        common::args(&["FT.SEARCH", "idx", "*", "LIMIT", "0", "0"]),
        select(2),
        common::args(&["AI.VCARD", "k"]),
        select(0),
    ];
    let replies = run.batch(&probe, &check_any);
    assert!(
        matches!(&replies[1], Some(Reply::Array(a)) if matches!(a.first(), Some(Reply::Int(_)))),
        "the fixture index after the fuzz: {:?}",
        replies[1]
    );
    assert!(run.server.alive(), "the server is alive at the end");
    let n = run.sent;
    assert!(
        run.oks > n / 10 && run.errors > n / 10,
        "{} ok, {} errors of {n}: the fuzz should reach both",
        run.oks,
        run.errors
    );
    run.finish();
}

/// A fake server: accepts one connection, reads a command, answers
/// `reply`, and keeps the connection open for a while.
fn fake_server(reply: &'static [u8]) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = l.accept() {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(reply);
            let _ = s.flush();
            std::thread::sleep(Duration::from_secs(5));
        }
    });
    port
}

/// The client's parser: a reply that is not well-formed RESP is an error
/// (malformed, or a timeout for a length that lies), quickly, never a
/// hang, a panic or a huge allocation.
#[test]
fn malformed_replies_are_errors_not_hangs() {
    let cases: &[(&[u8], bool)] = &[
        (b"\r\n", true),
        (b"?what\r\n", true),
        (b"\xc3\xa9x\r\n", true),
        (b":12x\r\n", true),
        (b":\r\n", true),
        (b"$3\r\nabcXY", true),
        (b"$-2\r\n", true),
        (b"*-2\r\n", true),
        (b"~-1\r\n", true),
        (b"%-1\r\n", true),
        (b"#x\r\n", true),
        (b"_x\r\n", true),
        (b"+a\rb\r\n", true),
        (b",x\r\n", true),
        (b"$99999999999999\r\nabc", false),
        (b"*3\r\n:1\r\n", false),
        (b"$5\r\nab", false),
    ];
    for (bytes, malformed) in cases {
        let port = fake_server(bytes);
        let mut c = Conn::connect(port, Duration::from_secs(1)).expect("connect");
        let t = Instant::now();
        let got = c.cmd(&["PING"]);
        let shown = String::from_utf8_lossy(bytes);
        match got {
            Err(e) => assert_eq!(is_malformed(&e), *malformed, "{shown:?}: {e}"),
            Ok(r) => panic!("{shown:?} parsed as {r:?}"),
        }
        assert!(t.elapsed() < Duration::from_secs(3), "{shown:?} took long");
    }
    // Deep nesting is refused, not a stack overflow.
    let deep: &'static [u8] = "*1\r\n".repeat(100_000).leak().as_bytes();
    let port = fake_server(deep);
    let mut c = Conn::connect(port, Duration::from_secs(1)).expect("connect");
    assert!(c.cmd(&["PING"]).is_err_and(|e| is_malformed(&e)));
    // And the well-formed RESP3 types still parse.
    let port = fake_server(b"%2\r\n#t\r\n_\r\n=5\r\ntxt:a\r\n,inf\r\n");
    let mut c = Conn::connect(port, Duration::from_secs(1)).expect("connect");
    let r = c.cmd(&["PING"]).expect("a map");
    assert_eq!(
        r,
        Reply::Map(vec![
            (Reply::Bool(true), Reply::Nil),
            (
                Reply::Verbatim(b"txt:a".to_vec()),
                Reply::Double(f64::INFINITY)
            ),
        ])
    );
}

/// The runner reports a malformed reply as a finding, with its command,
/// and goes on with a new connection to the server.
#[test]
fn runner_reports_malformed_replies() {
    let budget = fuzzgen::budget("self-test", 1);
    let server = Server::start();
    let mut run = Runner::new("self-test", budget, server, |_| {});
    let port = fake_server(b"+OK\r\n$3\r\nabcXY");
    run.set_conn(Conn::connect(port, Duration::from_secs(2)).expect("connect"));
    let cmds = vec![
        common::args(&["SET", "a", "1"]),
        common::args(&["GET", "a"]),
        common::args(&["GET", "b"]),
    ];
    let replies = run.batch(&cmds, &fuzzgen::no_internal_error);
    assert_eq!(replies[0], Some(Reply::Status("OK".into())));
    assert!(replies[1].is_none() && replies[2].is_none(), "{replies:?}");
    let found = run.findings();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("malformed reply (a bulk string without its CRLF) to: GET a"),
        "{found:?}"
    );
    assert_eq!(run.malformed, 1);
    // The run goes on against the real server.
    let replies = run.batch(&cmds, &fuzzgen::no_internal_error);
    assert_eq!(replies[2], Some(Reply::Nil), "{replies:?}");
    assert_eq!(run.findings().len(), 1);
}
