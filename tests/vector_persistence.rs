//! AI_VECSET persistence and replication: DEBUG RELOAD, AOF rewrite without
//! an RDB preamble plus restart, DUMP/RESTORE, a replica, each giving the
//! same VSIM results and DEBUG DIGEST-VALUE; truncated RESTORE payloads;
//! reads racing writes and deletes; and the vector fuzz: random and hostile
//! AI.V* commands (COUNT, EF, FILTER-EF, VRANDMEMBER counts at integer
//! boundaries, FILTERs and JSON nested thousands deep) and RESTORE of
//! AI_VECSET payloads mutated item by item, with the CRC-64 footer and the
//! graph checksum recomputed. Its share of `REDISAI_FUZZ_COMMANDS` is 40%
//! (see tests/common/fuzzgen.rs).

mod common;

use common::fuzzgen::{self, hostile, number, Cmd, Runner};
use common::rdb;
use common::vec::{random_vectors, vadd, vadd_all, vinfo_int, vsim};
use common::{Conn, Reply, Rng, Server};

const DIM: usize = 16;

/// Three sets: COSINE F32 with attributes, L2 F16, COSINE I8; a few
/// removals and updates so ids have gaps.
fn fill(c: &mut Conn) {
    let data = random_vectors(1_500, DIM, 31);
    vadd_all(c, "cos", &data, &[]);
    vadd_all(
        c,
        "l2",
        &data[..600],
        &["METRIC", "L2", "QUANT", "F16", "M", "8"],
    );
    vadd_all(c, "i8", &data[..600], &["QUANT", "I8", "EF", "64"]);
    for i in (0..1_500).step_by(5) {
        let r = c
            .cmd(&[
                "AI.VSETATTR",
                "cos",
                &format!("e{i}"),
                &format!(r#"{{"i":{i}}}"#),
            ])
            .expect("r");
        assert_eq!(r, Reply::Int(1));
    }
    for i in (0..600).step_by(7) {
        for k in ["cos", "l2", "i8"] {
            assert_eq!(
                c.cmd(&["AI.VREM", k, &format!("e{i}")]).expect("r"),
                Reply::Int(1)
            );
        }
    }
    vadd(c, "cos", "e1", &[0.5; DIM], &[]);
}

/// What must survive: cards, digests, search results with scores.
#[derive(Debug)]
struct Snapshot {
    replies: Vec<Reply>,
    scores: Vec<Vec<(String, f64)>>,
}

fn snapshot(c: &mut Conn) -> Snapshot {
    let mut replies = Vec::new();
    let mut scores = Vec::new();
    for k in ["cos", "l2", "i8"] {
        replies.push(c.cmd(&["AI.VCARD", k]).expect("r"));
        replies.push(c.cmd(&["DEBUG", "DIGEST-VALUE", k]).expect("r"));
        replies.push(c.cmd(&["AI.VEMB", k, "e3", "RAW"]).expect("r"));
        replies.push(c.cmd(&["AI.VGETATTR", k, "e10"]).expect("r"));
        for q in random_vectors(5, DIM, 8) {
            let r = vsim(c, k, &q, &["WITHSCORES", "COUNT", "10"]);
            scores.push(common::vec::scored(&r));
        }
        let r = c
            .cmd(&["AI.VSIM", k, "ELE", "e2", "FILTER", ".i > 100", "TRUTH"])
            .expect("r");
        replies.push(r);
    }
    Snapshot { replies, scores }
}

fn same(a: &Snapshot, b: &Snapshot, what: &str) {
    assert_eq!(a.replies, b.replies, "{what}");
    assert_eq!(a.scores.len(), b.scores.len());
    for (x, y) in a.scores.iter().zip(&b.scores) {
        let names = |v: &[(String, f64)]| v.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
        assert_eq!(names(x), names(y), "{what}");
        for (p, q) in x.iter().zip(y) {
            assert!((p.1 - q.1).abs() <= 1e-6, "{what}: {p:?} vs {q:?}");
        }
    }
}

#[test]
fn debug_reload_and_restore_keep_sets_identical() {
    let s = Server::start();
    let mut c = s.conn();
    fill(&mut c);
    let before = snapshot(&mut c);
    assert!(c.cmd(&["DEBUG", "RELOAD"]).expect("r").is_ok());
    same(&before, &snapshot(&mut c), "DEBUG RELOAD");
    // DUMP → RESTORE under the same names.
    for k in ["cos", "l2", "i8"] {
        let dump = c.cmd(&["DUMP", k]).expect("r").bulk().to_vec();
        let r = c
            .cmd(&[
                b"RESTORE".to_vec(),
                k.as_bytes().to_vec(),
                b"0".to_vec(),
                dump,
                b"REPLACE".to_vec(),
            ])
            .expect("r");
        assert!(r.is_ok(), "{r:?}");
    }
    same(&before, &snapshot(&mut c), "RESTORE");
    // COPY is a deep copy.
    assert_eq!(c.cmd(&["COPY", "cos", "cos2"]).expect("r"), Reply::Int(1));
    assert_eq!(
        c.cmd(&["DEBUG", "DIGEST-VALUE", "cos2"]).expect("r"),
        c.cmd(&["DEBUG", "DIGEST-VALUE", "cos"]).expect("r")
    );
    assert_eq!(c.cmd(&["AI.VREM", "cos2", "e2"]).expect("r"), Reply::Int(1));
    assert_eq!(
        c.cmd(&["AI.VISMEMBER", "cos", "e2"]).expect("r"),
        Reply::Int(1)
    );
    let usage = c.cmd(&["MEMORY", "USAGE", "cos"]).expect("r").int();
    assert!(usage > 1_500 * DIM as i64 * 4, "{usage}");
}

#[test]
fn aof_rewrite_without_preamble_rebuilds_identical_sets() {
    let mut s = Server::with(
        &[],
        &["--appendonly", "yes", "--aof-use-rdb-preamble", "no"],
    );
    let mut c = s.conn();
    fill(&mut c);
    let before = snapshot(&mut c);
    let text = s.rewrite_aof();
    assert!(!text.starts_with(b"REDIS"));
    let vadds = text.windows(7).filter(|w| w == b"AI.VADD").count();
    let cards: i64 = ["cos", "l2", "i8"]
        .iter()
        .map(|k| c.cmd(&["AI.VCARD", k]).expect("r").int())
        .sum();
    assert_eq!(vadds as i64, cards);
    s.restart("NOSAVE");
    let mut c = s.conn();
    same(&before, &snapshot(&mut c), "AOF restart");
}

#[test]
fn replica_converges() {
    let primary = Server::start();
    let replica = Server::start();
    let mut p = primary.conn();
    fill(&mut p);
    let mut r = replica.conn();
    replica.replicate_from(&primary);
    // Writes after the full sync arrive as commands.
    vadd(
        &mut p,
        "cos",
        "late",
        &[0.25; DIM],
        &["SETATTR", r#"{"i":999}"#],
    );
    assert_eq!(p.cmd(&["AI.VREM", "l2", "e3"]).expect("r"), Reply::Int(1));
    p.cmd(&["AI.VSETATTR", "i8", "e10", r#"{"i":1}"#])
        .expect("r");
    let want = primary.info_field("replication", "master_repl_offset");
    replica.wait_for("the replica to catch up", 30, |s| {
        s.info_field("replication", "slave_repl_offset") == want
    });
    same(&snapshot(&mut p), &snapshot(&mut r), "replica");
}

const WORDS: &[&str] = &[
    "AI.VADD",
    "AI.VSIM",
    "AI.VREM",
    "AI.VEMB",
    "AI.VINFO",
    "AI.VSETATTR",
    "AI.VGETATTR",
    "AI.VRANDMEMBER",
    "AI.VCARD",
    "AI.VDIM",
    "AI.VISMEMBER",
    "FP32",
    "VALUES",
    "TENSOR",
    "RAW",
    "ELE",
    "METRIC",
    "QUANT",
    "M",
    "EF",
    "SETATTR",
    "COUNT",
    "EPSILON",
    "WITHSCORES",
    "WITHATTRIBS",
    "FILTER",
    "FILTER-EF",
    "TRUTH",
    "NOTHREAD",
    "COSINE",
    "L2",
    "IP",
    "F16",
    "I8",
    "BF16",
    "0",
    "1",
    "2",
    "3",
    "-1",
    "4",
    "16",
    "1000000",
    "nan",
    "1e400",
    "k",
    "e1",
    "t",
    ".a > 1",
    "(",
    "{\"a\":2}",
    "",
];

/// Keys the vector fuzz writes and reads: the fixtures, a RESTORE target,
/// fresh ones, and a tensor (a WRONGTYPE for the vector commands).
const VKEYS: &[&str] = &["k", "k", "k", "kq", "kl", "m", "n1", "n2", "t", "none"];

fn pick_key(r: &mut Rng) -> Vec<u8> {
    r.pick(VKEYS).as_bytes().to_vec()
}

fn element(r: &mut Rng) -> Vec<u8> {
    match r.below(20) {
        0 => Vec::new(),
        1 => {
            let n = 1 + r.below(40) as usize;
            r.bytes(n)
        }
        _ => format!("e{}", r.below(260)).into_bytes(),
    }
}

/// JSON for SETATTR: valid, broken, or nested thousands deep.
fn json(r: &mut Rng) -> Vec<u8> {
    let n = [10usize, 200, 1_000, 10_000, 100_000][r.below(5) as usize];
    match r.below(14) {
        0 => format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes(),
        1 => format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n)).into_bytes(),
        2 => "[".repeat(n).into_bytes(),
        3 => b"{bad".to_vec(),
        4 => Vec::new(),
        5 => format!(r#"{{"a":{}}}"#, String::from_utf8_lossy(&hostile(r))).into_bytes(),
        _ => format!(
            r#"{{"a":{},"b":"{}","year":{},"tags":["x","y"]}}"#,
            r.below(10),
            r.pick(&["x", "y", ""]),
            1990 + r.below(40)
        )
        .into_bytes(),
    }
}

/// A vector argument (`FP32 b`, `VALUES n …`, `TENSOR k`, `RAW b norm`,
/// `ELE e`), mostly of the fixtures' dimension 4.
fn vector(r: &mut Rng, out: &mut Cmd, ele: bool) {
    let dim = match r.below(12) {
        0 => r.below(9) as usize,
        1 => [1usize, 1_024, 65_536, 65_537][r.below(4) as usize],
        _ => DIM_FUZZ,
    };
    match r.below(if ele { 6 } else { 5 }) {
        0 | 1 => {
            let v: Vec<f32> = (0..dim).map(|_| r.below(200) as f32 / 50.0 - 2.0).collect();
            let mut b = common::vec::blob(&v);
            if r.below(15) == 0 {
                b.truncate(r.below(b.len() as u64 + 1) as usize);
            }
            if r.below(20) == 0 && b.len() >= 4 {
                b[..4].copy_from_slice(&f32::NAN.to_le_bytes());
            }
            out.extend([b"FP32".to_vec(), b]);
        }
        2 => {
            out.push(b"VALUES".to_vec());
            let n = if r.below(8) == 0 {
                hostile(r)
            } else {
                (dim.min(16)).to_string().into_bytes()
            };
            out.push(n);
            for _ in 0..dim.min(16) {
                out.push(number(r, &["0", "1", "-1", "0.5", "2"], 16));
            }
        }
        3 => out.extend([
            b"TENSOR".to_vec(),
            r.pick(&["t", "t1", "ts", "none", "k"]).into(),
        ]),
        4 => {
            let len = [0usize, 3, 4 * DIM_FUZZ, 2 * DIM_FUZZ, DIM_FUZZ, 17][r.below(6) as usize];
            out.extend([
                b"RAW".to_vec(),
                r.bytes(len),
                number(r, &["1", "0.5", "0"], 3),
            ]);
        }
        _ => out.extend([b"ELE".to_vec(), element(r)]),
    }
}

const DIM_FUZZ: usize = 4;

fn vadd_cmd(r: &mut Rng) -> Cmd {
    let mut a: Cmd = vec![b"AI.VADD".to_vec(), pick_key(r)];
    vector(r, &mut a, false);
    a.push(element(r));
    for _ in 0..r.below(4) {
        match r.below(10) {
            0 => a.extend([b"M".to_vec(), number(r, &["4", "8", "16"], 4)]),
            1 => a.extend([b"EF".to_vec(), number(r, &["1", "64", "200"], 4)]),
            2 => a.extend([
                b"METRIC".to_vec(),
                r.pick(&["COSINE", "L2", "IP", "x"]).into(),
            ]),
            3 => a.extend([
                b"QUANT".to_vec(),
                r.pick(&["F32", "F16", "BF16", "I8", "BIN", "x"]).into(),
            ]),
            4..=6 => a.extend([b"SETATTR".to_vec(), json(r)]),
            7 => a.push(r.pick(&["CAS", "NOQUANT", "Q8", "BIN", "REDUCE"]).into()),
            8 => a.push(r.pick(WORDS).into()),
            _ => {}
        }
    }
    a
}

fn vsim_cmd(r: &mut Rng) -> Cmd {
    let mut a: Cmd = vec![b"AI.VSIM".to_vec(), pick_key(r)];
    vector(r, &mut a, true);
    for _ in 0..r.below(6) {
        match r.below(16) {
            0..=2 => a.extend([b"COUNT".to_vec(), number(r, &["1", "3", "10", "50"], 4)]),
            3 => a.extend([b"EF".to_vec(), number(r, &["10", "100", "500"], 4)]),
            4 => a.extend([b"EPSILON".to_vec(), number(r, &["0.1", "0.5", "2"], 4)]),
            5 | 6 => a.extend([b"FILTER".to_vec(), fuzzgen::filter(r, 4).into_bytes()]),
            7 => a.extend([b"FILTER".to_vec(), fuzzgen::deep_filter(r)]),
            8 => a.extend([b"FILTER-EF".to_vec(), number(r, &["0", "10", "1000"], 4)]),
            9 | 10 => a.push(r.pick(&["WITHSCORES", "WITHATTRIBS"]).into()),
            11 | 12 => a.push(r.pick(&["TRUTH", "NOTHREAD"]).into()),
            13 => a.push(r.pick(WORDS).into()),
            _ => {}
        }
    }
    a
}

fn small_cmd(r: &mut Rng) -> Cmd {
    let key = pick_key(r);
    match r.below(10) {
        0 | 1 => vec![b"AI.VREM".to_vec(), key, element(r)],
        2 => vec![b"AI.VSETATTR".to_vec(), key, element(r), json(r)],
        3 => vec![b"AI.VGETATTR".to_vec(), key, element(r)],
        4 => {
            let mut a = vec![b"AI.VEMB".to_vec(), key, element(r)];
            if r.below(2) == 0 {
                a.push(r.pick(&["RAW", "raw", "x"]).into());
            }
            a
        }
        5 => {
            let mut a = vec![b"AI.VRANDMEMBER".to_vec(), key];
            if r.below(5) != 0 {
                a.push(number(r, &["1", "3", "-3", "0", "300", "-300"], 2));
            }
            a
        }
        6 => vec![b"AI.VISMEMBER".to_vec(), key, element(r)],
        7 => vec![r.pick(&["AI.VCARD", "AI.VDIM", "AI.VINFO"]).into(), key],
        _ => {
            // Token soup.
            let mut a = vec![r.pick(&WORDS[..11]).as_bytes().to_vec(), key];
            for _ in 0..r.below(9) {
                a.push(match r.below(5) {
                    0 => {
                        let n = r.below(20) as usize;
                        r.bytes(n)
                    }
                    1 => hostile(r),
                    _ => r.pick(WORDS).as_bytes().to_vec(),
                });
            }
            a
        }
    }
}

fn restore_cmd(r: &mut Rng, dumps: &[Vec<u8>]) -> Cmd {
    let d = &dumps[r.below(dumps.len() as u64) as usize];
    let payload = if r.below(3) == 0 {
        fuzzgen::mutate_vecset_graph(r, d)
    } else {
        fuzzgen::mutate_dump(r, d, true)
    };
    vec![
        b"RESTORE".to_vec(),
        b"m".to_vec(),
        b"0".to_vec(),
        payload,
        b"REPLACE".to_vec(),
    ]
}

fn vcheck(cmd: &[Vec<u8>], reply: &Reply) -> Result<(), String> {
    let name = cmd[0].as_slice();
    let ok = match (name, reply) {
        (_, Reply::Error(_)) => true,
        (b"RESTORE", r) => r.is_ok(),
        (b"AI.VADD" | b"AI.VREM" | b"AI.VSETATTR" | b"AI.VISMEMBER", Reply::Int(0 | 1)) => true,
        (b"AI.VSIM", Reply::Array(_)) => true,
        (b"AI.VCARD" | b"AI.VDIM", Reply::Int(n)) => *n >= 0,
        (b"AI.VEMB" | b"AI.VINFO", Reply::Array(_) | Reply::Nil) => true,
        (b"AI.VGETATTR", Reply::Bulk(_) | Reply::Nil) => true,
        (b"AI.VRANDMEMBER", Reply::Bulk(_) | Reply::Nil | Reply::Array(_)) => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected reply {reply:?}"))
    }
}

fn vsetup(c: &mut Conn) {
    let data = random_vectors(200, DIM_FUZZ, 1);
    vadd_all(c, "k", &data, &[]);
    for i in (0..200).step_by(3) {
        let attrs = format!(r#"{{"a":{},"b":"x","year":{}}}"#, i % 10, 1990 + i % 40);
        let r = c
            .cmd(&["AI.VSETATTR", "k", &format!("e{i}"), &attrs])
            .expect("r");
        assert_eq!(r, Reply::Int(1));
    }
    vadd_all(c, "kq", &data[..60], &["QUANT", "I8"]);
    vadd_all(
        c,
        "kl",
        &data[..60],
        &["METRIC", "L2", "QUANT", "F16", "M", "4"],
    );
    for f in [
        &[
            "AI.TENSORSET",
            "t",
            "FLOAT",
            "2",
            "4",
            "VALUES",
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "8",
        ][..],
        &[
            "AI.TENSORSET",
            "t1",
            "INT8",
            "4",
            "VALUES",
            "1",
            "-2",
            "3",
            "4",
        ][..],
        &[
            "AI.TENSORSET",
            "ts",
            "STRING",
            "4",
            "VALUES",
            "a",
            "b",
            "c",
            "d",
        ][..],
    ] {
        assert!(c.cmd(f).expect("r").is_ok());
    }
}

#[test]
fn fuzz_vector_commands_and_payloads() {
    let budget = common::fuzzgen::budget("vector", 400);
    let server = Server::with(&[], &["--rdbcompression", "no"]);
    let mut run = Runner::new("vector", budget, server, vsetup);
    let mut rng = Rng(budget.own_seed);
    let dumps: Vec<Vec<u8>> = ["k", "kq", "kl"]
        .iter()
        .map(|k| run.conn().cmd(&["DUMP", k]).expect("r").bulk().to_vec())
        .collect();
    for d in &dumps {
        let v = fuzzgen::parse_dump(d).expect("a DUMP of a module value parses");
        assert_eq!(v.payload(), *d, "parse and rebuild give the same bytes");
        let mut fixed = v.clone();
        fixed.fix_vecset_graph();
        assert_eq!(
            fixed.payload(),
            *d,
            "the graph checksum is recomputed exactly"
        );
    }
    while !run.done() {
        let cmds: Vec<Cmd> = (0..100)
            .map(|_| match rng.below(20) {
                0..=4 => vadd_cmd(&mut rng),
                5..=10 => vsim_cmd(&mut rng),
                11..=17 => small_cmd(&mut rng),
                _ => restore_cmd(&mut rng, &dumps),
            })
            .collect();
        let replies = run.batch(&cmds, &vcheck);
        // A payload the checks let through (a flipped name or norm) must
        // still give a working set.
        let restored = cmds
            .iter()
            .zip(&replies)
            .any(|(c, r)| c[0] == b"RESTORE" && r.as_ref().is_some_and(Reply::is_ok));
        if restored && rng.below(4) == 0 {
            let probe: Vec<Cmd> = vec![
                common::args(&["AI.VSIM", "m", "ELE", "e5", "WITHSCORES", "COUNT", "5"]),
                common::args(&["AI.VCARD", "m"]),
                common::args(&["AI.VRANDMEMBER", "m", "-5"]),
            ];
            run.batch(&probe, &vcheck);
        }
    }
    let n = run.sent;
    assert!(
        run.oks > n / 10 && run.errors > n / 10,
        "{} ok, {} errors of {n}",
        run.oks,
        run.errors
    );
    run.finish();
}

/// Every truncation of a DUMP payload (with a valid footer) is refused.
#[test]
fn every_truncated_payload_is_refused() {
    let s = Server::start();
    let mut c = s.conn();
    vadd_all(&mut c, "k", &random_vectors(200, 4, 1), &[]);
    let dump = c.cmd(&["DUMP", "k"]).expect("r").bulk().to_vec();
    let mut refused = 0;
    let step = (dump.len() / 400).max(1);
    for cut in (1..dump.len() - 10).step_by(step) {
        let p = rdb::refooter(&[&dump[..cut], &[0u8; 10][..]].concat());
        let r = c
            .cmd(&[
                b"RESTORE".to_vec(),
                b"r".to_vec(),
                b"0".to_vec(),
                p,
                b"REPLACE".to_vec(),
            ])
            .expect("reply");
        refused += usize::from(r.is_error());
    }
    let cuts = (1..dump.len() - 10).step_by(step).count();
    assert_eq!(refused, cuts, "every truncation is refused");
    assert!(s.alive());
}

#[test]
fn searches_race_writes_and_deletes() {
    let s = Server::start();
    let mut c = s.conn();
    let data = random_vectors(2_000, DIM, 4);
    vadd_all(&mut c, "race", &data, &[]);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..32)
        .map(|t| {
            let mut c = s.conn();
            let stop = stop.clone();
            let q = random_vectors(1, DIM, 100 + t)[0].clone();
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let r = vsim(&mut c, "race", &q, &["WITHSCORES", "COUNT", "5"]);
                    // An array of name/score pairs (empty while the key is gone).
                    let Reply::Array(a) = &r else { panic!("{r:?}") };
                    assert!(a.len() <= 10 && a.len() % 2 == 0, "{r:?}");
                    n += 1;
                }
                n
            })
        })
        .collect();
    let mut w = s.conn();
    for round in 0..6 {
        for (i, v) in data.iter().take(300).enumerate() {
            vadd(&mut w, "race", &format!("n{round}-{i}"), v, &[]);
            w.cmd(&["AI.VREM", "race", &format!("e{}", round * 300 + i)])
                .expect("r");
        }
        w.cmd(&["DEL", "race"]).expect("r");
        vadd_all(&mut w, "race", &data[..500], &[]);
    }
    // A mass removal under the searches: the background rebuild must land
    // (installed under the GIL when the lock is free, or adopted by a write).
    let more = random_vectors(3_000, DIM, 5);
    let named: Vec<(String, &[f32])> = more
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("m{i}"), v.as_slice()))
        .collect();
    for (name, v) in &named {
        vadd(&mut w, "race", name, v, &[]);
    }
    for (name, _) in named.iter().take(2_900) {
        assert_eq!(w.cmd(&["AI.VREM", "race", name]).expect("r"), Reply::Int(1));
    }
    s.wait_for("the rebuild to land under searches", 60, |_| {
        let r = w.cmd(&["AI.VSETATTR", "race", "m2999", "{}"]).expect("r");
        assert_eq!(r, Reply::Int(1));
        vinfo_int(&mut w, "race", "deleted-slots") == Some(0)
    });
    assert_eq!(w.cmd(&["AI.VCARD", "race"]).expect("r"), Reply::Int(600));
    let landed = s.module_int("ai_vector_compactions_installed")
        + s.module_int("ai_vector_compactions_adopted");
    assert!(landed >= 1, "no compaction landed");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let total: usize = readers.into_iter().map(|h| h.join().expect("reader")).sum();
    assert!(total > 100, "{total} searches");
    assert!(s.alive());
}
