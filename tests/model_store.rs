//! AI.MODELSTORE / AI.MODELSET compile on the compile thread with the
//! client blocked: replies are unchanged, Redis answers other clients while
//! a big model compiles, the store reaches replicas in the order the
//! primary's keyspace saw it (also when the client left), MULTI and Lua
//! still compile inline, and the BLOB chunk cap holds.
//!
//! "Answered while it compiles" is checked by order, not by timing: a PING
//! pipelined before `CLIENT LIST ID <storing client>` is answered while
//! that client shows the `b` (blocked) flag, so before its MODELSTORE was.

#[path = "model_store/big_onnx.rs"]
mod big_onnx;
mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{args, fixture, floats, has_feature, ok, Conn, Reply, Server};

/// Weight elements of the big model: 13,107,200 floats, a 50 MiB model.
const BIG: usize = 50 << 18;

fn torch() -> bool {
    has_feature("torch")
}

fn onnx() -> bool {
    has_feature("onnx")
}

/// `[cmd, key, backend, CPU, BLOB, blob]`.
fn store_args(cmd: &str, key: &str, backend: &str, blob: &[u8]) -> Vec<Vec<u8>> {
    let mut a = args(&[cmd, key, backend, "CPU", "BLOB"]);
    a.push(blob.to_vec());
    a
}

fn store(c: &mut Conn, key: &str, backend: &str, blob: &[u8]) -> Reply {
    c.cmd(&store_args("AI.MODELSTORE", key, backend, blob))
        .expect("reply")
}

/// A field (`flags`, `cmd`, …) of a CLIENT LIST line.
fn client_field(line: &str, name: &str) -> String {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
        .unwrap_or_default()
        .to_string()
}

/// Sends `store` on `c` (without reading its reply) and waits, from
/// `other`, until the server has blocked `c`: the MODELSTORE is compiling.
/// Each round trip pipelines a PING before `CLIENT LIST ID`, so the PING
/// answered in the round that sees the flag was answered while the store
/// was in flight. Fails if the store completes without ever having been
/// seen blocked (a store that compiles on the main thread).
fn send_and_wait_blocked(c: &mut Conn, other: &mut Conn, store: &[Vec<u8>]) {
    let id = c
        .cmd(&["CLIENT", "ID"])
        .expect("CLIENT ID")
        .int()
        .to_string();
    c.send(store).expect("send");
    c.flush().expect("flush");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        other.send(&["PING"]).expect("send");
        other.send(&["CLIENT", "LIST", "ID", &id]).expect("send");
        other.flush().expect("flush");
        assert_eq!(
            other.read().expect("PING reply"),
            Reply::Status("PONG".into())
        );
        let line = other.read().expect("CLIENT LIST").text();
        if client_field(&line, "flags").contains('b') {
            return;
        }
        assert!(
            !client_field(&line, "cmd").eq_ignore_ascii_case("ai.modelstore"),
            "the MODELSTORE finished before another client was answered during it: {line}"
        );
        assert!(Instant::now() < deadline, "the store never started: {line}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn stores_reply_as_before_and_the_models_run() {
    let s = Server::start();
    let mut c = s.conn();
    let junk = fixture("junk.bin");
    ok(&mut c, &["SET", "str", "x"]);
    if torch() {
        let pt = fixture("pt-minimal.pt");
        assert!(store(&mut c, "pt", "TORCH", &pt).is_ok());
        let set = c
            .cmd(&store_args("AI.MODELSET", "pt_set", "TORCH", &pt))
            .expect("reply");
        assert!(set.is_ok(), "{set:?}");
        let r = store(&mut c, "pt_junk", "TORCH", &junk);
        assert!(r.is_error() && !r.err().contains('\n'), "{r:?}");
        assert!(store(&mut c, "str", "TORCH", &pt)
            .err()
            .starts_with("WRONGTYPE"));
        ok(
            &mut c,
            &[
                "AI.TENSORSET",
                "a",
                "FLOAT",
                "2",
                "2",
                "VALUES",
                "1",
                "2",
                "3",
                "4",
            ],
        );
        ok(
            &mut c,
            &[
                "AI.TENSORSET",
                "b",
                "FLOAT",
                "2",
                "2",
                "VALUES",
                "10",
                "20",
                "30",
                "40",
            ],
        );
        for key in ["pt", "pt_set"] {
            ok(
                &mut c,
                &[
                    "AI.MODELEXECUTE",
                    key,
                    "INPUTS",
                    "2",
                    "a",
                    "b",
                    "OUTPUTS",
                    "1",
                    "y",
                ],
            );
            assert_eq!(floats(&mut c, "y"), [11.0, 22.0, 33.0, 44.0]);
        }
    }
    if onnx() {
        assert!(store(&mut c, "ox", "ONNX", &fixture("onnx-square.onnx")).is_ok());
        let r = store(&mut c, "ox_junk", "ONNX", &junk);
        assert!(r.is_error() && !r.err().contains('\n'), "{r:?}");
        let r = store(&mut c, "ext", "ONNX", &fixture("onnx-external.onnx"));
        assert_eq!(
            r.err(),
            "Initializer tensors with external data is not allowed."
        );
        ok(
            &mut c,
            &[
                "AI.TENSORSET",
                "x",
                "FLOAT",
                "2",
                "2",
                "VALUES",
                "1",
                "-2",
                "0.5",
                "3",
            ],
        );
        ok(
            &mut c,
            &[
                "AI.MODELEXECUTE",
                "ox",
                "INPUTS",
                "1",
                "x",
                "OUTPUTS",
                "1",
                "sq",
            ],
        );
        assert_eq!(floats(&mut c, "sq"), [1.0, 4.0, 0.25, 9.0]);
    }
    for key in ["pt_junk", "ox_junk", "ext"] {
        assert_eq!(c.cmd(&["EXISTS", key]).expect("reply").int(), 0, "{key}");
    }
    // Parse errors still reply at once, before anything compiles.
    assert_eq!(
        c.cmd(&["AI.MODELSTORE", "m", "ONNX", "CPU", "TAG", "t", "x", "y"])
            .expect("reply")
            .err(),
        "ERR Invalid argument, expected BLOB"
    );
    assert!(s.alive());
}

#[test]
fn ping_is_answered_while_a_big_model_compiles() {
    if !onnx() {
        eprintln!("SKIPPED: no ONNX backend");
        return;
    }
    let s = Server::start();
    let blob = big_onnx::gather_model(BIG);
    let (mut storer, mut other) = (s.conn(), s.conn());
    send_and_wait_blocked(
        &mut storer,
        &mut other,
        &store_args("AI.MODELSTORE", "big", "ONNX", &blob),
    );
    assert!(storer.read().expect("MODELSTORE reply").is_ok());
    // The model runs: y = w[idx], w[i] = i.
    let last = (BIG - 1).to_string();
    ok(
        &mut other,
        &[
            "AI.TENSORSET",
            "idx",
            "INT64",
            "3",
            "VALUES",
            "0",
            "1",
            &last,
        ],
    );
    ok(
        &mut other,
        &[
            "AI.MODELEXECUTE",
            "big",
            "INPUTS",
            "1",
            "idx",
            "OUTPUTS",
            "1",
            "y",
        ],
    );
    assert_eq!(floats(&mut other, "y"), [0.0, 1.0, (BIG - 1) as f32]);
}

/// A replica of `primary`, linked and caught up.
fn replica_of(primary: &Server) -> Server {
    let replica = Server::start();
    replica.replicate_from(primary);
    replica
}

fn caught_up(primary: &Server, replica: &Server) {
    let want = primary.info_field("replication", "master_repl_offset");
    replica.wait_for("the replica to catch up", 60, |s| {
        s.info_field("replication", "slave_repl_offset") == want
    });
}

#[test]
fn stores_replicate_in_keyspace_order_also_when_the_client_left() {
    if !onnx() {
        eprintln!("SKIPPED: no ONNX backend");
        return;
    }
    let primary = Server::start();
    let replica = replica_of(&primary);
    let (mut p, mut other) = (primary.conn(), primary.conn());
    let blob = big_onnx::gather_model(BIG / 4);
    assert!(store(&mut p, "big", "ONNX", &blob).is_ok());
    assert!(store(&mut p, "small", "ONNX", &fixture("onnx-square.onnx")).is_ok());

    // A write to the key while its model compiles comes first: the store
    // then finds a string and fails, on the primary and so on the replica.
    send_and_wait_blocked(
        &mut p,
        &mut other,
        &store_args("AI.MODELSTORE", "raced", "ONNX", &blob),
    );
    ok(&mut other, &["SET", "raced", "first"]);
    assert!(p.read().expect("reply").err().starts_with("WRONGTYPE"));

    // A client that leaves while its model compiles: the model is stored
    // all the same, and replicated (as the AOF-rewrite form).
    let mut leaver = primary.conn();
    send_and_wait_blocked(
        &mut leaver,
        &mut other,
        &store_args("AI.MODELSET", "left", "ONNX", &blob),
    );
    drop(leaver);
    primary.wait_for("the model of the client that left", 60, |s| {
        s.conn()
            .cmd(&["EXISTS", "left"])
            .is_ok_and(|r| r.int() == 1)
    });

    caught_up(&primary, &replica);
    let mut r = replica.conn();
    for key in ["big", "small", "left"] {
        let get = ["AI.MODELGET", key, "META", "BLOB"];
        let want = p.cmd(&get).expect("reply");
        assert!(!want.is_error(), "{key}: {want:?}");
        assert_eq!(r.cmd(&get).expect("reply"), want, "{key}");
    }
    assert_eq!(r.cmd(&["GET", "raced"]).expect("reply").bulk(), b"first");
}

#[test]
fn multi_and_lua_compile_inline() {
    let (backend, file) = match (onnx(), torch()) {
        (true, _) => ("ONNX", "onnx-square.onnx"),
        (false, true) => ("TORCH", "pt-minimal.pt"),
        _ => {
            eprintln!("SKIPPED: no backend");
            return;
        }
    };
    let s = Server::start();
    let mut c = s.conn();
    let blob = fixture(file);
    ok(&mut c, &["MULTI"]);
    let queued = c
        .cmd(&store_args("AI.MODELSTORE", "m", backend, &blob))
        .expect("reply");
    assert_eq!(queued, Reply::Status("QUEUED".into()));
    let queued = c
        .cmd(&store_args(
            "AI.MODELSTORE",
            "bad",
            backend,
            &fixture("junk.bin"),
        ))
        .expect("reply");
    assert_eq!(queued, Reply::Status("QUEUED".into()));
    let exec = c.cmd(&["EXEC"]).expect("EXEC");
    let items = exec.array();
    assert!(items[0].is_ok(), "{exec:?}");
    assert!(items[1].is_error(), "{exec:?}");

    let mut a = args(&[
        "EVAL",
        "return redis.call('AI.MODELSTORE', KEYS[1], ARGV[1], 'CPU', 'BLOB', ARGV[2])",
        "1",
        "lua",
        backend,
    ]);
    a.push(blob.clone());
    assert!(c.cmd(&a).expect("reply").is_ok());
    for key in ["m", "lua"] {
        let get = c.cmd(&["AI.MODELGET", key, "BLOB"]).expect("reply");
        assert_eq!(get.bulk(), &blob[..], "{key}");
    }
}

/// `AI.MODELSTORE k <backend> CPU BLOB <model> ""×(chunks-1)`, written
/// straight to the socket.
fn send_chunked(c: &mut Conn, cmd: &str, backend: &str, model: &[u8], chunks: usize) {
    let head = [cmd.as_bytes(), b"k", backend.as_bytes(), b"CPU", b"BLOB"];
    let mut out = Vec::with_capacity(chunks * 6 + model.len() + 64);
    write!(out, "*{}\r\n", head.len() + chunks).expect("write");
    for part in head.iter().copied().chain([model]) {
        write!(out, "${}\r\n", part.len()).expect("write");
        out.extend_from_slice(part);
        out.extend_from_slice(b"\r\n");
    }
    for _ in 1..chunks {
        out.extend_from_slice(b"$0\r\n\r\n");
    }
    c.send_raw(&out).expect("send");
    c.flush().expect("flush");
}

#[test]
fn blob_chunk_cap() {
    const CAP: usize = 1 << 20;
    let s = Server::start();
    let mut c = s.conn();
    let (backend, file) = if torch() && !onnx() {
        ("TORCH", "pt-minimal.pt")
    } else {
        ("ONNX", "onnx-square.onnx")
    };
    let model = fixture(file);
    let past = "ERR too many BLOB chunks (the limit is 1048576)";
    for cmd in ["AI.MODELSTORE", "AI.MODELSET"] {
        send_chunked(&mut c, cmd, backend, &model, CAP);
        let at = c.read().expect("reply");
        if onnx() || torch() {
            assert!(at.is_ok(), "{cmd} at the cap: {at:?}");
            let get = c.cmd(&["AI.MODELGET", "k", "BLOB"]).expect("reply");
            assert_eq!(get.bulk(), &model[..]);
        } else {
            assert_ne!(at.err(), past, "{cmd} at the cap");
        }
        c.cmd(&["DEL", "k"]).expect("DEL");
        send_chunked(&mut c, cmd, backend, &model, CAP + 1);
        assert_eq!(c.read().expect("reply").err(), past, "{cmd} past the cap");
        assert_eq!(c.cmd(&["EXISTS", "k"]).expect("reply").int(), 0);
    }
}

/// `blob` cut into `n` pieces of uneven sizes, a few of them empty.
fn uneven_chunks(blob: &[u8], n: usize) -> Vec<Vec<u8>> {
    let mut cuts: Vec<usize> = (1..n)
        .map(|i| {
            // Quadratic spacing, every 7th cut repeated (an empty chunk).
            let at = (i - i.is_multiple_of(7) as usize) as u128;
            (at * at * blob.len() as u128 / (n as u128 * n as u128)) as usize
        })
        .collect();
    cuts.insert(0, 0);
    cuts.push(blob.len());
    cuts.windows(2).map(|w| blob[w[0]..w[1]].to_vec()).collect()
}

/// `[AI.MODELSTORE, key, ONNX, CPU, BLOB, chunks…]`.
fn chunked_store_args(key: &str, chunks: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut a = args(&["AI.MODELSTORE", key, "ONNX", "CPU", "BLOB"]);
    a.extend(chunks);
    a
}

/// The chunks are joined off the main thread, from the client's own
/// arguments: the stored blob is exactly their concatenation, and other
/// clients are answered meanwhile.
#[test]
fn a_model_sent_in_many_chunks_is_stored_byte_exact() {
    if !onnx() {
        eprintln!("SKIPPED: no ONNX backend");
        return;
    }
    let s = Server::start();
    let blob = big_onnx::gather_model(BIG);
    let chunks = uneven_chunks(&blob, 1000);
    assert_eq!(chunks.len(), 1000);
    assert!(chunks.iter().any(Vec::is_empty));
    assert_eq!(chunks.concat(), blob);
    let (mut storer, mut other) = (s.conn(), s.conn());
    send_and_wait_blocked(&mut storer, &mut other, &chunked_store_args("big", chunks));
    for _ in 0..20 {
        assert_eq!(
            other.cmd(&["PING"]).expect("PING"),
            Reply::Status("PONG".into())
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    let r = storer.read().expect("MODELSTORE reply");
    assert!(r.is_ok(), "{r:?}");
    let get = other.cmd(&["AI.MODELGET", "big", "BLOB"]).expect("reply");
    assert!(
        get.bulk() == &blob[..],
        "MODELGET BLOB differs from the chunks"
    );
    ok(
        &mut other,
        &["AI.TENSORSET", "idx", "INT64", "2", "VALUES", "3", "7"],
    );
    ok(
        &mut other,
        &[
            "AI.MODELEXECUTE",
            "big",
            "INPUTS",
            "1",
            "idx",
            "OUTPUTS",
            "1",
            "y",
        ],
    );
    assert_eq!(floats(&mut other, "y"), [3.0, 7.0]);
    assert!(s.alive());
}

fn used_memory(s: &Server) -> u64 {
    s.info_field("memory", "used_memory")
        .and_then(|v| v.parse().ok())
        .unwrap_or(u64::MAX)
}

/// A client that sends a big multi-chunk MODELSTORE and disconnects at
/// once: its arguments stay alive (retained) while the compile thread reads
/// them, the model is stored, and they are released without complaint.
#[test]
fn a_client_that_leaves_right_after_a_chunked_store() {
    if !onnx() {
        eprintln!("SKIPPED: no ONNX backend");
        return;
    }
    let s = Server::start();
    let blob = big_onnx::gather_model(BIG);
    let before = used_memory(&s);
    let mut leaver = s.conn();
    leaver
        .send(&chunked_store_args("left", uneven_chunks(&blob, 1000)))
        .expect("send");
    leaver.flush().expect("flush");
    drop(leaver);
    s.wait_for("the model of the client that left", 60, |s| {
        s.conn()
            .cmd(&["EXISTS", "left"])
            .is_ok_and(|r| r.int() == 1)
    });
    let mut c = s.conn();
    let get = c.cmd(&["AI.MODELGET", "left", "BLOB"]).expect("reply");
    assert!(
        get.bulk() == &blob[..],
        "MODELGET BLOB differs from the chunks"
    );
    // The retained arguments were released: once the model is deleted,
    // Redis's allocator is back near where it started (a leak would keep
    // the 50 MiB of arguments).
    assert_eq!(c.cmd(&["DEL", "left"]).expect("DEL").int(), 1);
    s.wait_for("the arguments to be released", 30, |s| {
        used_memory(s) < before + (16 << 20)
    });
    assert!(s.alive());
    let log = s.log();
    for bad in ["panic", "AI.MODELSTORE:", "internal error", "ERR"] {
        assert!(!log.contains(bad), "{bad:?} in the server log:\n{log}");
    }
    assert!(s.stderr_log().is_empty(), "{}", s.stderr_log());
}

/// The batching values are checked before the blob is read (spec, AI.MODELSET
/// and AI.MODELSTORE): MINBATCHTIMEOUT with BATCHSIZE but no MINBATCHSIZE
/// is refused even with a valid model, and nothing is stored.
#[test]
fn minbatchtimeout_without_minbatchsize_is_refused_before_the_blob() {
    let s = Server::start();
    let mut c = s.conn();
    let mut blobs = vec![fixture("junk.bin")];
    if torch() {
        blobs.push(fixture("pt-minimal.pt"));
    }
    let batching = ["BATCHSIZE", "2", "MINBATCHTIMEOUT", "1000"];
    for cmd in ["AI.MODELSET", "AI.MODELSTORE"] {
        for blob in &blobs {
            let mut a = args(&[cmd, "m", "TORCH", "CPU"]);
            a.extend(args(&batching));
            a.push(b"BLOB".to_vec());
            a.push(blob.clone());
            let r = c.cmd(&a).expect("reply");
            assert_eq!(
                r.err(),
                "ERR MINBATCHTIMEOUT specified without MINBATCHSIZE",
                "{cmd}"
            );
            assert_eq!(c.cmd(&["EXISTS", "m"]).expect("reply"), Reply::Int(0));
        }
    }
    if torch() {
        let mut a = args(&["AI.MODELSET", "m", "TORCH", "CPU", "BATCHSIZE", "2"]);
        a.extend(args(&[
            "MINBATCHSIZE",
            "2",
            "MINBATCHTIMEOUT",
            "1000",
            "BLOB",
        ]));
        a.push(fixture("pt-minimal.pt"));
        let r = c.cmd(&a).expect("reply");
        assert!(r.is_ok(), "{r:?}");
    }
}
