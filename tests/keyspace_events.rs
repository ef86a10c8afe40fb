//! Keyspace notifications: every write that changes a key publishes its
//! `module`-class event (`notify-keyspace-events d`) with the right key, and
//! a write that changes nothing (or fails) publishes nothing.
//!
//! "Nothing" is checked without sleeping: events reach a subscriber in the
//! order they were fired, so after the command under test a marker
//! TENSORSET is run, and the next event must be the marker's.

mod common;

use common::vec::vadd;
use common::{fixture, ok, store_model, Conn, Reply, Server};

/// A subscriber to every key-event channel of db 0.
fn subscriber(s: &Server) -> Conn {
    let mut sub = s.conn();
    sub.set_timeout(std::time::Duration::from_secs(10))
        .expect("timeout");
    let r = sub
        .cmd(&["PSUBSCRIBE", "__keyevent@0__:*"])
        .expect("psubscribe");
    assert_eq!(r.array()[0].text(), "psubscribe", "{r:?}");
    sub
}

/// The next `(event, key)` the subscriber receives.
fn next(sub: &mut Conn) -> (String, String) {
    let m = sub.read().expect("an event within 10 s");
    let a = m.array();
    assert_eq!(a[0].text(), "pmessage", "{m:?}");
    let channel = a[2].text();
    let event = channel
        .strip_prefix("__keyevent@0__:")
        .unwrap_or_else(|| panic!("{channel}"))
        .to_string();
    (event, a[3].text())
}

/// Runs the marker write and checks it is the next event: everything the
/// commands before it published has been read already.
fn nothing_more(c: &mut Conn, sub: &mut Conn) {
    ok(c, &["AI.TENSORSET", "marker", "INT8", "VALUES", "1"]);
    assert_eq!(next(sub), ("ai.tensorset".into(), "marker".into()));
}

fn expect(sub: &mut Conn, event: &str, key: &str) {
    assert_eq!(next(sub), (event.to_string(), key.to_string()));
}

fn server() -> Server {
    // `d` alone (module events, as key events): generic events such as `del`
    // stay out of the way.
    Server::with(&[], &["--notify-keyspace-events", "Ed"])
}

#[test]
fn tensorset_publishes_only_successful_writes() {
    let s = server();
    let mut sub = subscriber(&s);
    let mut c = s.conn();
    ok(
        &mut c,
        &["AI.TENSORSET", "t", "FLOAT", "2", "VALUES", "1", "2"],
    );
    expect(&mut sub, "ai.tensorset", "t");
    // An overwrite in place publishes too.
    ok(
        &mut c,
        &["AI.TENSORSET", "t", "FLOAT", "2", "VALUES", "3", "4"],
    );
    expect(&mut sub, "ai.tensorset", "t");
    // Failed writes publish nothing.
    for bad in [
        &["AI.TENSORSET", "t", "FLOAT", "2", "VALUES", "1"][..],
        &["AI.TENSORSET", "t", "NOPE", "1"][..],
        &["AI.TENSORSET", "u", "INT8", "1", "VALUES", "300"][..],
    ] {
        assert!(c.cmd(bad).expect("reply").is_error(), "{bad:?}");
    }
    ok(&mut c, &["SET", "str", "x"]);
    assert!(c
        .cmd(&["AI.TENSORSET", "str", "INT8", "VALUES", "1"])
        .expect("reply")
        .is_error());
    // Reads publish nothing.
    c.cmd(&["AI.TENSORGET", "t", "VALUES"]).expect("reply");
    nothing_more(&mut c, &mut sub);
}

#[test]
fn vector_writes_publish_when_they_change_the_set() {
    let s = server();
    let mut sub = subscriber(&s);
    let mut c = s.conn();
    assert_eq!(vadd(&mut c, "v", "a", &[1.0, 0.0], &[]), Reply::Int(1));
    expect(&mut sub, "ai.vadd", "v");
    // An update is a change.
    assert_eq!(vadd(&mut c, "v", "a", &[0.5, 0.5], &[]), Reply::Int(0));
    expect(&mut sub, "ai.vadd", "v");
    assert_eq!(vadd(&mut c, "v", "b", &[0.0, 1.0], &[]), Reply::Int(1));
    expect(&mut sub, "ai.vadd", "v");
    // A failed add publishes nothing.
    assert!(vadd(&mut c, "v", "c", &[1.0, 2.0, 3.0], &[]).is_error());
    assert!(vadd(&mut c, "v", "c", &[1.0, 2.0], &["M", "2"]).is_error());
    nothing_more(&mut c, &mut sub);

    let set =
        |c: &mut Conn, e: &str, json: &str| c.cmd(&["AI.VSETATTR", "v", e, json]).expect("reply");
    assert_eq!(set(&mut c, "a", r#"{"x":1}"#), Reply::Int(1));
    expect(&mut sub, "ai.vsetattr", "v");
    // Missing element, missing key, bad JSON: nothing.
    assert_eq!(set(&mut c, "zz", "{}"), Reply::Int(0));
    assert_eq!(
        c.cmd(&["AI.VSETATTR", "nokey", "a", "{}"]).expect("reply"),
        Reply::Int(0)
    );
    assert!(set(&mut c, "a", "{bad").is_error());
    nothing_more(&mut c, &mut sub);

    assert_eq!(c.cmd(&["AI.VREM", "v", "a"]).expect("reply"), Reply::Int(1));
    expect(&mut sub, "ai.vrem", "v");
    // Removing a missing element, or from a missing key: nothing.
    assert_eq!(c.cmd(&["AI.VREM", "v", "a"]).expect("reply"), Reply::Int(0));
    assert_eq!(
        c.cmd(&["AI.VREM", "nokey", "a"]).expect("reply"),
        Reply::Int(0)
    );
    // Reads: nothing.
    for r in [
        &["AI.VSIM", "v", "ELE", "b"][..],
        &["AI.VCARD", "v"][..],
        &["AI.VGETATTR", "v", "b"][..],
        &["AI.VRANDMEMBER", "v", "-3"][..],
    ] {
        assert!(!c.cmd(r).expect("reply").is_error(), "{r:?}");
    }
    nothing_more(&mut c, &mut sub);
    // Removing the last element deletes the key; the event names it.
    assert_eq!(c.cmd(&["AI.VREM", "v", "b"]).expect("reply"), Reply::Int(1));
    expect(&mut sub, "ai.vrem", "v");
    assert_eq!(c.cmd(&["EXISTS", "v"]).expect("reply").int(), 0);
    nothing_more(&mut c, &mut sub);
}

#[test]
fn keyspace_channel_carries_the_event_name() {
    let s = Server::with(&[], &["--notify-keyspace-events", "Kd"]);
    let mut sub = s.conn();
    sub.set_timeout(std::time::Duration::from_secs(10))
        .expect("timeout");
    sub.cmd(&["SUBSCRIBE", "__keyspace@0__:k"])
        .expect("subscribe");
    let mut c = s.conn();
    ok(&mut c, &["AI.TENSORSET", "k", "INT8", "VALUES", "1"]);
    assert_eq!(c.cmd(&["DEL", "k"]).expect("reply"), Reply::Int(1));
    assert_eq!(vadd(&mut c, "k", "a", &[1.0], &[]), Reply::Int(1));
    c.cmd(&["AI.VSETATTR", "k", "a", "{}"]).expect("reply");
    c.cmd(&["AI.VREM", "k", "a"]).expect("reply");
    for want in ["ai.tensorset", "ai.vadd", "ai.vsetattr", "ai.vrem"] {
        let m = sub.read().expect("message");
        let a = m.array();
        assert_eq!(
            (a[0].text(), a[1].text(), a[2].text()),
            (
                "message".to_string(),
                "__keyspace@0__:k".to_string(),
                want.to_string()
            )
        );
    }
}

/// Events for keys a command writes other than its first argument: DAG
/// PERSIST outputs (no backend needed) and AI.MODELEXECUTE outputs (torch).
/// Storing or deleting a model publishes no module event.
#[test]
fn dag_and_model_outputs_publish_tensorset() {
    let s = server();
    let mut sub = subscriber(&s);
    let mut c = s.conn();
    let r = c
        .cmd(&[
            "AI.DAGEXECUTE",
            "PERSIST",
            "1",
            "out",
            "|>",
            "AI.TENSORSET",
            "tmp",
            "FLOAT",
            "1",
            "VALUES",
            "5",
            "|>",
            "AI.TENSORSET",
            "out",
            "FLOAT",
            "1",
            "VALUES",
            "6",
        ])
        .expect("reply");
    assert!(!r.is_error(), "{r:?}");
    // Only the persisted key is written; `tmp` lives inside the DAG.
    expect(&mut sub, "ai.tensorset", "out");
    assert_eq!(c.cmd(&["EXISTS", "tmp"]).expect("reply").int(), 0);
    nothing_more(&mut c, &mut sub);

    let test = test_name!();
    if !common::available(&["torch"], &format!("{test} (AI.MODELEXECUTE outputs)")) {
        return;
    }
    assert!(store_model(&mut c, "m", "TORCH", "pt-minimal.pt", &[]).is_ok());
    ok(
        &mut c,
        &["AI.TENSORSET", "a", "FLOAT", "2", "VALUES", "1", "2"],
    );
    expect(&mut sub, "ai.tensorset", "a");
    ok(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "m",
            "INPUTS",
            "2",
            "a",
            "a",
            "OUTPUTS",
            "1",
            "y",
        ],
    );
    expect(&mut sub, "ai.tensorset", "y");
    // A failed run (a missing input) writes and publishes nothing.
    assert!(c
        .cmd(&[
            "AI.MODELEXECUTE",
            "m",
            "INPUTS",
            "2",
            "a",
            "nope",
            "OUTPUTS",
            "1",
            "z",
        ])
        .expect("reply")
        .is_error());
    let mut a = common::args(&["AI.MODELSTORE", "m2", "TORCH", "CPU", "BLOB"]);
    a.push(fixture("pt-minimal.pt"));
    assert!(c.cmd(&a).expect("reply").is_ok());
    ok(&mut c, &["AI.MODELDEL", "m2"]);
    nothing_more(&mut c, &mut sub);
}
