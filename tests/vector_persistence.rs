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
mod fuzzers;

use common::fuzzgen::{self, Cmd, Runner};
use common::rdb;
use common::vec::{random_vectors, vadd, vadd_all, vinfo_int, vsim};
use common::{Conn, Reply, Rng, Server};
use fuzzers::vector::{restore_cmd, small_cmd, vadd_cmd, vcheck, vsetup, vsim_cmd};

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
