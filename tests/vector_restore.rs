//! Crafted AI_VECSET RESTORE payloads that used to crash or exhaust the
//! server. Each test builds a real set (200 elements, 8-d) with AI.VADD,
//! DUMPs it, damages the usearch bytes inside, recomputes the module's graph
//! checksum and Redis's DUMP footer so the bytes reach the module's loader,
//! and checks that RESTORE replies `ERR Bad data format`, logs why, and that
//! the server still serves the good key. The honest DUMP/RESTORE, DEBUG
//! RELOAD and restart paths are checked to still work.

mod common;
#[path = "common/usearch.rs"]
mod usearch;

use std::time::{Duration, Instant};

use common::vec::{names, random_vectors, vadd, vadd_all, vsim};
use common::{Conn, Reply, Server};
use usearch::{put_u16, put_u32, put_u64, VecsetDump, HEAD_DIMENSIONS};
use usearch::{HNSW_ENTRY_SLOT, HNSW_MAX_LEVEL};

const N: usize = 200;
const DIM: usize = 8;

/// A server holding `good` (200 × 8-d, every 10th element removed), and the
/// parsed DUMP of it.
fn setup() -> (Server, Conn, VecsetDump) {
    let s = Server::start();
    let mut c = s.conn();
    // Module strings are then written raw, so the test can parse them.
    let r = c
        .cmd(&["CONFIG", "SET", "rdbcompression", "no"])
        .expect("r");
    assert!(r.is_ok(), "{r:?}");
    vadd_all(&mut c, "good", &random_vectors(N, DIM, 7), &[]);
    for i in (0..N).step_by(10) {
        let r = c.cmd(&["AI.VREM", "good", &format!("e{i}")]).expect("r");
        assert_eq!(r, Reply::Int(1));
    }
    let dump = c.cmd(&["DUMP", "good"]).expect("r").bulk().to_vec();
    let d = VecsetDump::parse(&dump);
    assert_eq!(d.header[5], (N - N / 10) as u64);
    (s, c, d)
}

fn restore(c: &mut Conn, key: &str, payload: Vec<u8>) -> Reply {
    c.cmd(&[
        b"RESTORE".to_vec(),
        key.as_bytes().to_vec(),
        b"0".to_vec(),
        payload,
        b"REPLACE".to_vec(),
    ])
    .expect("a reply to RESTORE")
}

/// The good key still answers searches and takes writes.
fn still_serves(s: &Server, c: &mut Conn) {
    assert!(s.alive(), "the server died");
    let r = c
        .cmd(&["AI.VSIM", "good", "ELE", "e1", "COUNT", "5"])
        .expect("r");
    assert_eq!(names(&r).len(), 5, "{r:?}");
    let r = vadd(c, "good", "fresh", &[0.5; DIM], &[]);
    assert!(matches!(r, Reply::Int(1) | Reply::Bool(true)), "{r:?}");
    let r = vsim(c, "good", &[0.5; DIM], &["COUNT", "3"]);
    assert_eq!(names(&r).first().map(String::as_str), Some("fresh"));
    assert_eq!(c.cmd(&["PING"]).expect("r"), Reply::Status("PONG".into()));
}

/// RESTOREs the damaged value, expects Redis's text for a failed module
/// load, the module's reason in the log, no key, and a working server.
fn refused(s: &Server, c: &mut Conn, d: &VecsetDump, why: &str) {
    let r = restore(c, "bad", d.payload());
    assert_eq!(r, Reply::Error("ERR Bad data format".into()));
    still_serves(s, c);
    assert_eq!(c.cmd(&["EXISTS", "bad"]).expect("r"), Reply::Int(0));
    let log = s.log();
    assert!(
        log.lines()
            .any(|l| l.contains("AI_VECSET: ") && l.contains(why)),
        "the log does not say {why:?}:\n{log}"
    );
}

#[test]
fn restore_node_level_minus_32768_is_refused() {
    let (s, mut c, mut d) = setup();
    let m = d.map();
    put_u16(&mut d.graph, m.levels + 2 * 5, 0x8000);
    refused(&s, &mut c, &d, "node 5 has level -32768");
}

#[test]
fn restore_max_level_5_is_refused() {
    let (s, mut c, mut d) = setup();
    let m = d.map();
    assert!(m.max_level(&d.graph) < 5, "the real graph is lower");
    put_u64(&mut d.graph, m.hnsw + HNSW_MAX_LEVEL, 5);
    refused(&s, &mut c, &d, "max level 5, but the highest node level is");
}

#[test]
fn restore_entry_slot_ffffffff_is_refused() {
    let (s, mut c, mut d) = setup();
    let m = d.map();
    put_u64(&mut d.graph, m.hnsw + HNSW_ENTRY_SLOT, 0xFFFF_FFFF);
    refused(&s, &mut c, &d, "entry slot 4294967295 out of range");
}

#[test]
fn restore_out_of_range_neighbour_slot_is_refused() {
    let (s, mut c, mut d) = setup();
    let m = d.map();
    let slot = (0..m.size())
        .find(|&i| m.count(&d.graph, i, 0) > 0)
        .expect("a linked node");
    let at = m.list(slot, 0) + 4;
    put_u32(&mut d.graph, at, m.size() as u32 + 1000);
    let why = format!("node {slot} links to slot {} at level 0", m.size() + 1000);
    refused(&s, &mut c, &d, &why);
}

#[test]
fn restore_neighbour_count_above_connectivity_is_refused() {
    let (s, mut c, mut d) = setup();
    let m = d.map();
    put_u32(&mut d.graph, m.list(3, 0), 2 * m.m as u32 + 1);
    let why = format!("node 3 has {} neighbours at level 0", 2 * m.m + 1);
    refused(&s, &mut c, &d, &why);
}

#[test]
fn restore_upper_level_link_to_a_lower_node_is_refused() {
    let (s, mut c, mut d) = setup();
    let m = d.map();
    let g = &d.graph;
    let high = (0..m.size())
        .find(|&i| m.level(g, i) > 0)
        .expect("a node above level 0");
    let low = (0..m.size())
        .find(|&i| m.level(g, i) == 0)
        .expect("a level-0 node");
    let at = m.list(high, 1);
    put_u32(&mut d.graph, at, 1);
    put_u32(&mut d.graph, at + 4, low as u32);
    refused(&s, &mut c, &d, "of level 0");
}

#[test]
fn restore_dim_larger_than_the_row_width_is_refused() {
    let (s, mut c, mut d) = setup();
    let m = d.map();
    // The set's dimension and usearch's both claim 65536; the rows stay 32 bytes.
    d.header[0] = 65_536;
    put_u64(&mut d.graph, m.head + HEAD_DIMENSIONS, 65_536);
    refused(&s, &mut c, &d, "rows of 32 bytes, the set stores 262144");
}

#[test]
fn restore_billion_rows_of_width_zero_is_refused() {
    let (s, mut c, mut d) = setup();
    let m = d.map();
    let mut g = Vec::new();
    g.extend_from_slice(&1_000_000_000u32.to_ne_bytes());
    g.extend_from_slice(&0u32.to_ne_bytes());
    g.extend_from_slice(&d.graph[m.head..]);
    d.graph = g;
    let payload = d.payload();
    assert!(payload.len() < 64 << 10, "a small payload");
    let t = Instant::now();
    let r = restore(&mut c, "bad", payload);
    assert_eq!(r, Reply::Error("ERR Bad data format".into()));
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "refused in {:?}",
        t.elapsed()
    );
    refused(&s, &mut c, &d, "rows of 0 bytes");
}

#[test]
fn restore_next_id_near_2_pow_64_is_refused() {
    let (s, mut c, mut d) = setup();
    d.header[6] = u64::MAX - 5;
    refused(&s, &mut c, &d, "next id 18446744073709551610 out of range");
}

#[test]
fn restore_next_id_at_max_id_is_accepted() {
    let (s, mut c, mut d) = setup();
    d.header[6] = 1 << 62;
    assert!(restore(&mut c, "edge", d.payload()).is_ok());
    let r = c
        .cmd(&["AI.VSIM", "edge", "ELE", "e1", "COUNT", "5"])
        .expect("r");
    assert_eq!(names(&r).len(), 5, "{r:?}");
    still_serves(&s, &mut c);
}

/// What must survive a round trip.
fn snapshot(c: &mut Conn, key: &str) -> Vec<Reply> {
    let mut out = vec![
        c.cmd(&["AI.VCARD", key]).expect("r"),
        c.cmd(&["DEBUG", "DIGEST-VALUE", key]).expect("r"),
        c.cmd(&["AI.VEMB", key, "e3", "RAW"]).expect("r"),
    ];
    for q in random_vectors(5, DIM, 99) {
        out.push(vsim(c, key, &q, &["WITHSCORES", "COUNT", "10"]));
    }
    out
}

#[test]
fn honest_dump_restore_round_trips() {
    let (s, mut c, d) = setup();
    let dump = c.cmd(&["DUMP", "good"]).expect("r").bulk().to_vec();
    // Re-encoding the parsed value gives the same body (only the footer's
    // RDB version may differ), so the damaged payloads above differ from an
    // honest one only where they were damaged.
    let again = d.payload();
    assert_eq!(again[..again.len() - 10], dump[..dump.len() - 10]);
    let before = snapshot(&mut c, "good");
    assert!(restore(&mut c, "copy", dump).is_ok());
    assert!(restore(&mut c, "copy2", again).is_ok());
    let snap = |c: &mut Conn, k: &str| snapshot(c, k)[..3].to_vec();
    assert_eq!(snap(&mut c, "copy"), before[..3].to_vec());
    assert_eq!(snap(&mut c, "copy2"), before[..3].to_vec());
    for k in ["copy", "copy2"] {
        let after = snapshot(&mut c, k);
        for (a, b) in before[3..].iter().zip(&after[3..]) {
            assert_eq!(names(a), names(b), "{k}");
        }
    }
    still_serves(&s, &mut c);
}

#[test]
fn debug_reload_and_restart_keep_the_set() {
    let (mut s, mut c, _) = setup();
    let before = snapshot(&mut c, "good");
    assert!(c.cmd(&["DEBUG", "RELOAD"]).expect("r").is_ok());
    assert_eq!(snapshot(&mut c, "good"), before);
    s.restart("SAVE");
    let mut c = s.conn();
    assert_eq!(snapshot(&mut c, "good"), before);
    still_serves(&s, &mut c);
}
