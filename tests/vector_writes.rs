//! No client is left blocked, and the main thread never waits for a search:
//! a vector write that finds searches on its set is deferred (only its own
//! client waits), and still lands, replicates and notifies exactly once.

mod common;

use std::time::Duration;

use common::vec::{random_vectors, vadd_all};
use common::{available, ok, Conn, Reply, Server};

const DIM: usize = 128;

/// A set, and a tensor of 1024 query rows: a TRUTH search over it keeps a
/// pool thread on the set for a good fraction of a second.
fn slow_search_fixture(c: &mut Conn) {
    vadd_all(
        c,
        "v",
        &random_vectors(8000, DIM, 11),
        &["M", "8", "EF", "16"],
    );
    let mut t = vec!["AI.TENSORSET".to_string(), "q".into(), "FLOAT".into()];
    t.extend(["1024".to_string(), DIM.to_string(), "BLOB".into()]);
    let rows = random_vectors(1024, DIM, 12);
    let blob: Vec<u8> = rows
        .iter()
        .flatten()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    let mut a: Vec<Vec<u8>> = t.into_iter().map(String::into_bytes).collect();
    a.push(blob);
    assert!(c.cmd(&a).expect("tensorset").is_ok());
}

/// Starts the slow search on `c` (its reply is read later).
fn start_slow_search(c: &mut Conn) {
    c.send(&["AI.VSIM", "v", "TENSOR", "q", "COUNT", "1", "TRUTH"])
        .expect("send");
    c.flush().expect("flush");
    // Let a pool thread take the set.
    std::thread::sleep(Duration::from_millis(50));
}

/// Whether `c` has a reply waiting now (without consuming a partial one).
fn replied_yet(c: &mut Conn) -> bool {
    c.set_timeout(Duration::from_millis(1)).expect("timeout");
    let r = c.read();
    c.set_timeout(Duration::from_secs(60)).expect("timeout");
    match r {
        Ok(_) => true,
        Err(e) => {
            assert!(
                matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ),
                "{e}"
            );
            false
        }
    }
}

fn deferred(s: &Server) -> i64 {
    s.module_int("ai_vector_writes_deferred")
}

#[test]
fn a_write_during_a_long_search_waits_alone_and_ping_is_served() {
    let s = Server::start();
    let mut c = s.conn();
    slow_search_fixture(&mut c);
    let mut searcher = s.conn();
    let mut writer = s.conn();
    let before = deferred(&s);
    // An FP32 blob with NUL bytes: the deferred command is rebuilt from its
    // arguments, which must survive as binary.
    let mut v = vec![0.0f32; DIM];
    v[0] = 1.0;
    let fp32: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    let writes: Vec<Vec<&[u8]>> = vec![
        vec![b"AI.VADD", b"v", b"FP32", &fp32, b"new\0name"],
        vec![b"AI.VREM", b"v", b"e0"],
        vec![b"AI.VSETATTR", b"v", b"e1", br#"{"k":1}"#],
        vec![b"AI.VADD", b"v", b"VALUES", b"2", b"1", b"2", b"bad"],
    ];
    for (i, write) in writes.into_iter().enumerate() {
        start_slow_search(&mut searcher);
        // The last write has the wrong dimension: a deferred write's error
        // reaches its client too.
        writer.send(&write).expect("send");
        writer.flush().expect("flush");
        std::thread::sleep(Duration::from_millis(20));
        // The main thread is free: PING is answered while the search and
        // the write are both still pending.
        assert_eq!(
            c.cmd(&["PING"]).expect("ping"),
            Reply::Status("PONG".into())
        );
        assert!(
            !replied_yet(&mut searcher),
            "write {i}: the search ended before PING was answered; make it slower"
        );
        let hits = searcher.read().expect("search reply");
        assert_eq!(hits.array().len(), 1024);
        let r = writer.read().expect("write reply");
        match i {
            3 => assert_eq!(
                r.err(),
                "ERR Vector dimension mismatch - got 2 but set has 128"
            ),
            _ => assert_eq!(r, Reply::Int(1), "write {i}"),
        }
        assert_eq!(
            deferred(&s),
            before + i as i64 + 1,
            "write {i} was deferred"
        );
    }
    assert_eq!(c.cmd(&["AI.VCARD", "v"]).expect("card"), Reply::Int(8000));
    assert_eq!(
        c.cmd(&[&b"AI.VISMEMBER"[..], b"v", b"new\0name"])
            .expect("m"),
        Reply::Int(1)
    );
    assert_eq!(
        c.cmd(&["AI.VGETATTR", "v", "e1"]).expect("attr").text(),
        r#"{"k":1}"#
    );
}

#[test]
fn deferred_writes_replicate_in_the_order_they_land() {
    let primary = Server::start();
    let replica = Server::start();
    let mut p = primary.conn();
    slow_search_fixture(&mut p);
    replica.replicate_from(&primary);
    let mut searcher = primary.conn();
    let mut writer = primary.conn();
    let mut other = primary.conn();
    start_slow_search(&mut searcher);
    let v = vec!["0.5".to_string(); DIM];
    let mut add: Vec<String> = ["AI.VADD", "v", "VALUES", &DIM.to_string()]
        .iter()
        .map(|s| s.to_string())
        .collect();
    add.extend(v);
    add.push("late".into());
    writer.send(&add).expect("send");
    writer.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(20));
    // While the VADD waits, another client deletes the key: the deferred
    // VADD then runs on the key as it is when it lands (it creates a new
    // set), and replicas see DEL before VADD, as the primary applied them.
    assert_eq!(other.cmd(&["DEL", "v"]).expect("del"), Reply::Int(1));
    searcher.read().expect("search reply");
    assert_eq!(writer.read().expect("vadd reply"), Reply::Int(1));
    assert_eq!(p.cmd(&["AI.VCARD", "v"]).expect("card"), Reply::Int(1));
    replica.wait_for("the replica to apply the deferred VADD", 30, |s| {
        let mut c = s.conn();
        c.cmd(&["AI.VCARD", "v"]).expect("card") == Reply::Int(1)
            && c.cmd(&["AI.VISMEMBER", "v", "late"]).expect("m") == Reply::Int(1)
    });
}

#[test]
fn inside_multi_a_write_waits_for_the_search() {
    let s = Server::start();
    let mut c = s.conn();
    slow_search_fixture(&mut c);
    let mut searcher = s.conn();
    start_slow_search(&mut searcher);
    ok(&mut c, &["MULTI"]);
    c.cmd(&["AI.VREM", "v", "e5"]).expect("queued");
    let exec = c.cmd(&["EXEC"]).expect("exec");
    assert_eq!(exec.array(), &[Reply::Int(1)]);
    searcher.read().expect("search reply");
    assert!(s.module_int("ai_vector_writes_waited") >= 1);
}

#[test]
fn a_panicking_worker_job_answers_its_client() {
    if !available(
        &["fault-injection"],
        "a_panicking_worker_job_answers_its_client",
    ) {
        return;
    }
    let s = Server::start();
    let mut c = s.conn();
    for _ in 0..3 {
        let r = c
            .cmd(&["AI._FAULT", "WORKERPANIC"])
            .expect("a reply, not a client left blocked");
        assert_eq!(
            r.err(),
            "ERR internal error: the background job ended without a reply; see the server log"
        );
    }
    assert_eq!(
        c.cmd(&["PING"]).expect("ping"),
        Reply::Status("PONG".into())
    );
    assert!(s.log().contains("fault injected by AI._FAULT WORKERPANIC"));
}
