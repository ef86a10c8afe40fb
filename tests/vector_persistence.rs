//! AI_VECSET persistence and replication: DEBUG RELOAD, AOF rewrite without
//! an RDB preamble plus restart, DUMP/RESTORE, a replica, each giving the
//! same VSIM results and DEBUG DIGEST-VALUE; truncated and mutated RESTORE
//! payloads; and reads racing writes and deletes.

mod common;

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
    assert!(r
        .cmd(&["REPLICAOF", "127.0.0.1", &primary.port.to_string()])
        .expect("r")
        .is_ok());
    replica.wait_for("the replication link", 30, |s| {
        s.info_field("replication", "master_link_status").as_deref() == Some("up")
    });
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

#[test]
fn fuzzed_commands_and_payloads_never_crash() {
    let s = Server::start();
    let mut c = s.conn();
    vadd_all(&mut c, "k", &random_vectors(200, 4, 1), &[]);
    c.cmd(&[
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
    ])
    .expect("r");
    let mut rng = Rng(0x5eed);
    let cmds = &WORDS[..11];
    let mut replies = 0;
    for round in 0..10_000 {
        let mut args: Vec<Vec<u8>> = vec![cmds[rng.below(cmds.len() as u64) as usize]
            .as_bytes()
            .to_vec()];
        args.push(if rng.below(4) == 0 {
            b"k2".to_vec()
        } else {
            b"k".to_vec()
        });
        let n = rng.below(9);
        for _ in 0..n {
            let a = match rng.below(5) {
                0 => {
                    let n = rng.below(20) as usize;
                    rng.bytes(n)
                }
                1 => {
                    let v: Vec<f32> = (0..4)
                        .map(|_| (rng.below(200) as f32) / 50.0 - 2.0)
                        .collect();
                    common::vec::blob(&v)
                }
                _ => WORDS[rng.below(WORDS.len() as u64) as usize]
                    .as_bytes()
                    .to_vec(),
            };
            args.push(a);
        }
        c.send(&args).expect("send");
        if round % 100 == 99 {
            c.flush().expect("flush");
            for _ in 0..100 {
                c.read().expect("a reply to every command");
                replies += 1;
            }
        }
    }
    assert_eq!(replies, 10_000);
    // Every truncation and some byte flips of a DUMP payload.
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
    for _ in 0..300 {
        let mut p = dump.clone();
        let at = rng.below(p.len() as u64 - 10) as usize;
        p[at] ^= 1 << rng.below(8);
        let p = rdb::refooter(&p);
        let r = c
            .cmd(&[
                b"RESTORE".to_vec(),
                b"m".to_vec(),
                b"0".to_vec(),
                p,
                b"REPLACE".to_vec(),
            ])
            .expect("reply");
        if !r.is_error() {
            // A flip the checksum and checks cannot see (a name, a norm):
            // the set must still work.
            let r = c.cmd(&["AI.VSIM", "m", "ELE", "e5"]).expect("r");
            assert!(matches!(r, Reply::Array(_) | Reply::Error(_)), "{r:?}");
            c.cmd(&["AI.VCARD", "m"]).expect("r");
        }
    }
    assert_eq!(c.cmd(&["PING"]).expect("r"), Reply::Status("PONG".into()));
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
