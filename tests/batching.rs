//! The execution engine over the wire: auto-batching (spec §2.6), TIMEOUT,
//! MODEL_EXECUTION_TIMEOUT, disconnects, and concurrent store/delete.

mod common;

use std::time::{Duration, Instant};

use common::{floats, ok, store_model, Reply, Server};

fn exec(key: &str, input: &str, output: &str) -> Vec<String> {
    [
        "AI.MODELEXECUTE",
        key,
        "INPUTS",
        "2",
        input,
        input,
        "OUTPUTS",
        "1",
        output,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
fn two_clients_are_batched_into_one_run() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    assert!(store_model(
        &mut c,
        "m",
        "TORCH",
        "pt-minimal.pt",
        &["BATCHSIZE", "2", "MINBATCHSIZE", "2"]
    )
    .is_ok());
    ok(
        &mut c,
        &["AI.TENSORSET", "x1", "FLOAT", "1", "2", "VALUES", "1", "2"],
    );
    ok(
        &mut c,
        &[
            "AI.TENSORSET",
            "x2",
            "FLOAT",
            "1",
            "2",
            "VALUES",
            "10",
            "20",
        ],
    );
    let (mut a, mut b) = (s.conn(), s.conn());
    a.send(&exec("m", "x1", "y1")).expect("send");
    a.flush().expect("flush");
    // Alone, the first request waits (MINBATCHSIZE 2, no timeout).
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(c.cmd(&["EXISTS", "y1"]).expect("reply").int(), 0);
    b.send(&exec("m", "x2", "y2")).expect("send");
    b.flush().expect("flush");
    assert!(a.read().expect("reply").is_ok());
    assert!(b.read().expect("reply").is_ok());
    assert_eq!(floats(&mut c, "y1"), vec![2.0, 4.0]);
    assert_eq!(floats(&mut c, "y2"), vec![20.0, 40.0]);
    // One run over two requests of one sample each: each call is credited
    // with its own sample and the batch's full duration.
    let info = c.cmd(&["AI.INFO", "m"]).expect("reply");
    let f = info.array();
    assert_eq!(
        (f[13].int(), f[15].int(), f[17].int()),
        (2, 2, 0),
        "{info:?}"
    );
}

#[test]
fn min_batch_timeout_releases_a_lone_request() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    assert!(store_model(
        &mut c,
        "m",
        "TORCH",
        "pt-minimal.pt",
        &[
            "BATCHSIZE",
            "4",
            "MINBATCHSIZE",
            "3",
            "MINBATCHTIMEOUT",
            "1000"
        ]
    )
    .is_ok());
    ok(
        &mut c,
        &["AI.TENSORSET", "x", "FLOAT", "1", "1", "VALUES", "3"],
    );
    let t = Instant::now();
    ok(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "m",
            "INPUTS",
            "2",
            "x",
            "x",
            "OUTPUTS",
            "1",
            "y",
        ],
    );
    let took = t.elapsed();
    assert!(
        took >= Duration::from_millis(950) && took < Duration::from_secs(5),
        "{took:?}"
    );
    assert_eq!(floats(&mut c, "y"), vec![6.0]);
}

#[test]
fn bad_batch_model_gives_the_batch_size_error() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    assert!(store_model(
        &mut c,
        "bb",
        "TORCH",
        "pt-minimal-bb.pt",
        &["BATCHSIZE", "2", "MINBATCHSIZE", "2"]
    )
    .is_ok());
    ok(
        &mut c,
        &["AI.TENSORSET", "x", "FLOAT", "1", "1", "VALUES", "3"],
    );
    let cmd = |o: &str| -> Vec<String> {
        [
            "AI.MODELEXECUTE",
            "bb",
            "INPUTS",
            "2",
            "x",
            "x",
            "OUTPUTS",
            "2",
            o,
            "other",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let (mut a, mut b) = (s.conn(), s.conn());
    a.send(&cmd("y1")).expect("send");
    a.flush().expect("flush");
    b.send(&cmd("y2")).expect("send");
    b.flush().expect("flush");
    for r in [a.read().expect("reply"), b.read().expect("reply")] {
        assert_eq!(
            r.err(),
            "ERR Model did not generate the expected batch size"
        );
    }
    assert_eq!(c.cmd(&["EXISTS", "y1", "y2"]).expect("reply").int(), 0);
}

#[test]
fn timeout_while_queued_behind_a_long_run() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    assert!(store_model(&mut c, "slow", "TORCH", "pt-slow.pt", &[]).is_ok());
    ok(
        &mut c,
        &["AI.TENSORSET", "x", "FLOAT", "1", "1", "VALUES", "1"],
    );
    let slow: Vec<&str> = vec![
        "AI.MODELEXECUTE",
        "slow",
        "INPUTS",
        "1",
        "x",
        "OUTPUTS",
        "1",
        "y",
    ];
    let mut a = s.conn();
    a.send(&slow).expect("send");
    a.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(50));
    let mut b = s.conn();
    let r = b
        .cmd(&[
            "AI.MODELEXECUTE",
            "slow",
            "INPUTS",
            "1",
            "x",
            "OUTPUTS",
            "1",
            "z",
            "TIMEOUT",
            "1",
        ])
        .expect("reply");
    assert_eq!(r, Reply::Status("TIMEDOUT".into()));
    // The main thread answered while the model ran.
    let t = Instant::now();
    assert_eq!(
        c.cmd(&["PING"]).expect("reply"),
        Reply::Status("PONG".into())
    );
    assert!(t.elapsed() < Duration::from_millis(200));
    assert!(a.read().expect("reply").is_ok());
    assert_eq!(c.cmd(&["EXISTS", "y", "z"]).expect("reply").int(), 1);
}

#[test]
fn disconnected_client_outputs_are_still_written() {
    skip_unless!("torch");
    let s = Server::start();
    // In db 3: the output goes to the database the command ran in.
    let mut a = s.conn();
    ok(&mut a, &["SELECT", "3"]);
    assert!(store_model(&mut a, "slow", "TORCH", "pt-slow.pt", &[]).is_ok());
    ok(
        &mut a,
        &["AI.TENSORSET", "x", "FLOAT", "1", "1", "VALUES", "1"],
    );
    a.send(&[
        "AI.MODELEXECUTE",
        "slow",
        "INPUTS",
        "1",
        "x",
        "OUTPUTS",
        "1",
        "gone",
    ])
    .expect("send");
    a.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(100));
    drop(a);
    s.wait_for("the output of the disconnected client", 20, |s| {
        let mut c = s.conn();
        let _ = c.cmd(&["SELECT", "3"]);
        c.cmd(&["EXISTS", "gone"]).map(|r| r.int()).unwrap_or(0) == 1
    });
    let mut c = s.conn();
    assert_eq!(c.cmd(&["EXISTS", "gone"]).expect("reply").int(), 0);
    assert!(s.alive());
}

#[test]
fn onnx_execution_timeout_stops_an_infinite_loop() {
    skip_unless!("onnx");
    let s = Server::with(&["MODEL_EXECUTION_TIMEOUT", "1000"], &[]);
    let mut c = s.conn();
    assert!(store_model(&mut c, "loop", "ONNX", "onnx-loop.onnx", &[]).is_ok());
    ok(&mut c, &["AI.TENSORSET", "x", "FLOAT", "1", "VALUES", "1"]);
    let mut a = s.conn();
    let t = Instant::now();
    a.send(&[
        "AI.MODELEXECUTE",
        "loop",
        "INPUTS",
        "1",
        "x",
        "OUTPUTS",
        "1",
        "y",
    ])
    .expect("send");
    a.flush().expect("flush");
    // Responsive throughout.
    while t.elapsed() < Duration::from_millis(700) {
        let p = Instant::now();
        assert_eq!(
            c.cmd(&["PING"]).expect("reply"),
            Reply::Status("PONG".into())
        );
        assert!(p.elapsed() < Duration::from_millis(200));
        std::thread::sleep(Duration::from_millis(50));
    }
    let r = a.read().expect("reply");
    assert!(
        r.err()
            .contains("Exiting due to terminate flag being set to true"),
        "{r:?}"
    );
    assert!(t.elapsed() < Duration::from_secs(10));
    assert!(s.alive());
}

fn rss(s: &Server) -> u64 {
    s.info_field("memory", "used_memory_rss")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// 64 clients execute while another stores and deletes the same key.
#[test]
fn concurrent_execute_with_store_and_delete() {
    skip_unless!("torch");
    let s = Server::with(&["THREADS_PER_QUEUE", "2"], &[]);
    let mut c = s.conn();
    ok(
        &mut c,
        &["AI.TENSORSET", "x", "FLOAT", "1", "2", "VALUES", "1", "2"],
    );
    let round = |s: &Server| {
        let port = s.port;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let churn = {
            let stop = std::sync::Arc::clone(&stop);
            let mut c = s.conn();
            std::thread::spawn(move || {
                let _ = port;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let r = store_model(&mut c, "m", "TORCH", "pt-minimal.pt", &["BATCHSIZE", "8"]);
                    assert!(r.is_ok(), "{r:?}");
                    let _ = c.cmd(&["AI.MODELDEL", "m"]).expect("reply");
                }
            })
        };
        let clients: Vec<_> = (0..64)
            .map(|i| {
                let mut c = s.conn();
                std::thread::spawn(move || {
                    for _ in 0..20 {
                        let out = format!("y{i}");
                        let r = c
                            .cmd(&[
                                "AI.MODELEXECUTE",
                                "m",
                                "INPUTS",
                                "2",
                                "x",
                                "x",
                                "OUTPUTS",
                                "1",
                                &out,
                            ])
                            .expect("reply");
                        match r {
                            Reply::Status(ref s) if s == "OK" => {}
                            Reply::Error(ref e) if e == "ERR model key is empty" => {}
                            other => panic!("unexpected reply {other:?}"),
                        }
                    }
                })
            })
            .collect();
        for t in clients {
            t.join().expect("client");
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        churn.join().expect("churn");
    };
    round(&s);
    let warm = rss(&s);
    for _ in 0..3 {
        round(&s);
    }
    let after = rss(&s);
    assert!(s.alive());
    assert!(
        after < warm + warm / 4 + (16 << 20),
        "RSS grew from {warm} to {after}"
    );
}

#[test]
fn slowlog_and_commandstats_include_the_background_run() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    ok(
        &mut c,
        &["CONFIG", "SET", "slowlog-log-slower-than", "100000"],
    );
    assert!(store_model(&mut c, "slow", "TORCH", "pt-slow.pt", &[]).is_ok());
    ok(
        &mut c,
        &["AI.TENSORSET", "x", "FLOAT", "1", "1", "VALUES", "1"],
    );
    ok(&mut c, &["SLOWLOG", "RESET"]);
    ok(
        &mut c,
        &[
            "AI.MODELEXECUTE",
            "slow",
            "INPUTS",
            "1",
            "x",
            "OUTPUTS",
            "1",
            "y",
        ],
    );
    let log = c.cmd(&["SLOWLOG", "GET"]).expect("reply");
    let entry = log
        .array()
        .iter()
        .find(|e| e.array()[3].array()[0].bulk() == b"AI.MODELEXECUTE")
        .unwrap_or_else(|| panic!("no AI.MODELEXECUTE in {log:?}"));
    assert!(entry.array()[2].int() >= 300_000, "{entry:?}");
    let stats = c.cmd(&["INFO", "commandstats"]).expect("reply").text();
    let line = stats
        .lines()
        .find(|l| l.starts_with("cmdstat_AI.MODELEXECUTE:"))
        .expect("commandstats line");
    let usec: u64 = line
        .split(',')
        .find_map(|f| f.strip_prefix("usec="))
        .and_then(|v| v.parse().ok())
        .expect("usec");
    assert!(usec >= 300_000, "{line}");
}
