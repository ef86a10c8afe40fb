//! Script ops in DAGs over the wire (spec §1.4, §2.8, §2.9): their error
//! texts, LOAD/PERSIST/_RO with scripts and models, names set twice, NA
//! after a failing op, replication of PERSISTed keys, TIMEOUT, per-device
//! queues (parallel across devices, in order on one), batching of a DAG op
//! with a standalone request, and COMMAND GETKEYS (Decision 8).

mod common;

use std::time::Duration;

use common::{err, floats, ok, Conn, Reply, Server};

const SRC: &str = "def bar(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0] + tensors[1]\n\ndef setk(tensors: List[Tensor], keys: List[str], args: List[str]):\n    redis.execute(\"SET\", [keys[0], args[0]])\n    return tensors[0]\n\n\
def wait_for(tensors: List[Tensor], keys: List[str], args: List[str]):\n    n = int(args[0])\n    i = 0\n    while i < n:\n        if int(str(redis.execute(\"EXISTS\", [keys[0]]))) == 1:\n            return tensors[0] + 1.0\n        i += 1\n    return tensors[0]\n";

/// A command line split on spaces.
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

fn run(c: &mut Conn, line: &str) -> Reply {
    c.cmd(&words(line)).expect("reply")
}

fn status(s: &str) -> Reply {
    Reply::Status(s.into())
}

/// The numbers of a `VALUES` reply.
fn vals(r: &Reply) -> Vec<f64> {
    r.array()
        .iter()
        .map(|v| match v {
            Reply::Int(i) => *i as f64,
            other => other.text().parse().expect("number"),
        })
        .collect()
}

/// `AI.SCRIPTSTORE key device ENTRY_POINTS 3 bar setk wait_for SOURCE <SRC>`.
fn store_script(c: &mut Conn, key: &str, device: &str) {
    ok(
        c,
        &[
            "AI.SCRIPTSTORE",
            key,
            device,
            "ENTRY_POINTS",
            "3",
            "bar",
            "setk",
            "wait_for",
            "SOURCE",
            SRC,
        ],
    );
}

/// `AI.MODELSTORE key TORCH device extra… BLOB <fixture>`; must reply OK.
fn store_torch(c: &mut Conn, key: &str, device: &str, file: &str, extra: &[&str]) {
    let mut a = common::args(&["AI.MODELSTORE", key, "TORCH", device]);
    a.extend(common::args(extra));
    a.push(b"BLOB".to_vec());
    a.push(common::fixture(file));
    let r = c.cmd(&a).expect("reply");
    assert!(r.is_ok(), "{key}: {r:?}");
}

/// `(samples, calls, errors)` of AI.INFO.
fn info(c: &mut Conn, key: &str) -> (i64, i64, i64) {
    let r = c.cmd(&["AI.INFO", key]).expect("reply");
    let f = r.array();
    (f[13].int(), f[15].int(), f[17].int())
}

#[test]
fn script_op_errors() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    store_script(&mut c, "s", "CPU");
    ok(&mut c, &["AI.TENSORSET", "x", "FLOAT", "1", "VALUES", "1"]);
    ok(&mut c, &["AI.TENSORSET", "k", "FLOAT", "1", "VALUES", "1"]);
    ok(&mut c, &["SET", "str", "v"]);
    let cases: &[(&str, &str)] = &[
        ("AI.DAGEXECUTE_RO LOAD 1 x |> AI.SCRIPTEXECUTE s bar INPUTS 2 x x OUTPUTS 1 y",
         "ERR AI.SCRIPTEXECUTE command cannot be specified in a read-only DAG"),
        ("AI.DAGEXECUTE LOAD 1 x |> AI.SCRIPTRUN s bar INPUTS x x OUTPUTS y",
         "Deprecated AI.SCRIPTRUN cannot be used in AI.DAGEXECUTE command"),
        ("AI.DAGEXECUTE_RO LOAD 1 x |> AI.SCRIPTRUN s bar INPUTS x x OUTPUTS y",
         "Deprecated AI.SCRIPTRUN cannot be used in AI.DAGEXECUTE command"),
        ("AI.DAGRUN LOAD 1 x |> AI.SCRIPTEXECUTE s bar INPUTS 2 x x OUTPUTS 1 y",
         "AI.SCRIPTEXECUTE cannot be used in a deprecated AI.DAGRUN command"),
        ("AI.DAGRUN_RO LOAD 1 x |> AI.SCRIPTEXECUTE s bar INPUTS 2 x x OUTPUTS 1 y",
         "AI.SCRIPTEXECUTE cannot be used in a deprecated AI.DAGRUN command"),
        ("AI.DAGEXECUTE LOAD 1 x |> AI.SCRIPTEXECUTE s bar INPUTS 2 x x OUTPUTS 1 y TIMEOUT 5",
         "ERR TIMEOUT not allowed within a DAG command"),
        ("AI.DAGRUN LOAD 1 x |> AI.SCRIPTRUN s bar TIMEOUT 5 INPUTS x x OUTPUTS y",
         "ERR TIMEOUT not allowed within a DAG command"),
        // No implicit keyspace read: `k` exists but was not LOADed.
        ("AI.DAGEXECUTE LOAD 1 x |> AI.SCRIPTEXECUTE s bar INPUTS 2 x k OUTPUTS 1 y",
         "ERR INPUT key cannot be found in DAG"),
        ("AI.DAGRUN_RO LOAD 1 x |> AI.SCRIPTRUN s bar INPUTS x nope OUTPUTS y",
         "ERR INPUT key cannot be found in DAG"),
        // An output of a later op is not visible to an earlier one.
        ("AI.DAGEXECUTE LOAD 1 x |> AI.SCRIPTEXECUTE s bar INPUTS 2 x y OUTPUTS 1 z |> AI.SCRIPTEXECUTE s bar INPUTS 2 x x OUTPUTS 1 y",
         "ERR INPUT key cannot be found in DAG"),
        // The script is looked up before its arguments are parsed.
        ("AI.DAGEXECUTE LOAD 1 x |> AI.SCRIPTEXECUTE nope bar BOGUS",
         "ERR script key is empty"),
        ("AI.DAGRUN LOAD 1 x |> AI.SCRIPTRUN nope bar INPUTS x OUTPUTS y",
         "ERR script key is empty"),
        ("AI.DAGEXECUTE LOAD 1 x |> AI.SCRIPTEXECUTE str bar INPUTS 1 x OUTPUTS 1 y",
         "WRONGTYPE Operation against a key holding the wrong kind of value"),
        ("AI.DAGEXECUTE LOAD 1 x |> AI.SCRIPTEXECUTE s bar INPUTS 1 x BOGUS",
         "ERR Invalid AI.SCRIPTEXECUTE command. Unexpected argument: BOGUS"),
        ("AI.DAGEXECUTE LOAD 1 x |> AI.SCRIPTEXECUTE s bar INPUTS 1 x INPUTS 1 x",
         "ERR Already Encountered INPUTS scope in AI.SCRIPTEXECUTE command"),
        ("AI.DAGEXECUTE LOAD 1 x |> AI.SCRIPTEXECUTE s bar INPUTS 3 x x",
         "ERR number of inputs to AI.SCRIPTEXECUTE command does not match the number of given arguments"),
        ("AI.DAGRUN LOAD 1 x |> AI.SCRIPTRUN s bar INPUTS x OUTPUTS y INPUTS x",
         "ERR Already encountered an INPUTS section in SCRIPTRUN"),
        ("AI.DAGEXECUTE LOAD 1 x |> AI.SCRIPTEXECUTE s", "ERR wrong number of arguments for 'AI.SCRIPTEXECUTE' command"),
        // The rest of §1.4 that tests/dag.rs does not cover.
        ("AI.DAGEXECUTE LOAD 1 x PERSIST 3 y z |> AI.TENSORGET x META",
         "ERR number of keys to PERSIST after DAG execution does not match the number of given arguments"),
        ("AI.DAGEXECUTE ROUTING x ROUTING x |> AI.TENSORGET x META", "ERR Invalid DAG command. Unexpected argument:  ROUTING"),
        ("AI.DAGEXECUTE LOAD 1 x TIMEOUT 5 TIMEOUT 5 |> AI.TENSORGET x META", "ERR Invalid DAG command. Unexpected argument:  TIMEOUT"),
        ("AI.DAGEXECUTE PERSIST 1 x PERSIST 1 x |> AI.TENSORGET x META", "ERR Invalid DAG command. Unexpected argument:  PERSIST"),
        ("AI.DAGRUN LOAD 1 x |> AI.SCRIPTRUN s bar INPUTS x x OUTPUTS y |>", "ERR Invalid DAG command. Unexpected argument:  |>"),
        ("AI.DAGEXECUTE LOAD 1 x |> AI.SCRIPTSTORE s CPU", "Unsupported command within DAG"),
        ("AI.DAGRUN LOAD 1 x |> AI.DAGRUN x", "Unsupported command within DAG"),
    ];
    for (line, want) in cases {
        assert_eq!(err(&mut c, &words(line)), *want, "{line}");
    }
    // In a DAG, scopes come in any order and KEYS/INPUTS need not be first.
    let r = run(
        &mut c,
        "AI.DAGEXECUTE LOAD 1 x |> AI.SCRIPTEXECUTE s bar OUTPUTS 1 y INPUTS 2 x x |> AI.TENSORGET y VALUES",
    );
    assert_eq!(r.array()[0], status("OK"), "{r:?}");
    assert_eq!(vals(&r.array()[1]), vec![2.0]);
}

#[test]
fn script_and_model_ops_with_load_persist_and_ro() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    store_script(&mut c, "s", "CPU");
    store_torch(&mut c, "m", "CPU", "pt-minimal.pt", &[]);
    ok(&mut c, &words("AI.TENSORSET x FLOAT 2 VALUES 1 2"));
    let r = run(
        &mut c,
        "AI.DAGEXECUTE LOAD 1 x PERSIST 2 y z |> AI.TENSORSET a FLOAT 2 VALUES 10 20 \
         |> AI.SCRIPTEXECUTE s bar INPUTS 2 x a OUTPUTS 1 y \
         |> AI.MODELEXECUTE m INPUTS 2 y x OUTPUTS 1 z |> AI.TENSORGET z VALUES",
    );
    let a = r.array();
    assert_eq!(
        &a[..3],
        &[status("OK"), status("OK"), status("OK")],
        "{r:?}"
    );
    assert_eq!(vals(&a[3]), vec![12.0, 24.0]);
    assert_eq!(floats(&mut c, "y"), vec![11.0, 22.0]);
    assert_eq!(floats(&mut c, "z"), vec![12.0, 24.0]);
    assert_eq!(c.cmd(&["EXISTS", "a"]).expect("reply").int(), 0);
    assert_eq!(info(&mut c, "m"), (2, 1, 0));
    assert_eq!(info(&mut c, "s"), (-1, 1, 0));
    // A name set by ops again and again: each TENSORGET sees its version.
    let r = run(
        &mut c,
        "AI.DAGEXECUTE_RO ROUTING {t} |> AI.TENSORSET t FLOAT 1 VALUES 1 \
         |> AI.MODELEXECUTE m INPUTS 2 t t OUTPUTS 1 t |> AI.TENSORGET t VALUES \
         |> AI.TENSORSET t FLOAT 1 VALUES 5 |> AI.TENSORGET t VALUES \
         |> AI.MODELEXECUTE m INPUTS 2 t t OUTPUTS 1 t |> AI.TENSORGET t VALUES",
    );
    let a = r.array();
    assert_eq!(a.len(), 7, "{r:?}");
    assert_eq!(
        (vals(&a[2]), vals(&a[4]), vals(&a[6])),
        (vec![2.0], vec![5.0], vec![10.0])
    );
    let r = run(
        &mut c,
        "AI.DAGEXECUTE PERSIST 1 t |> AI.TENSORSET t FLOAT 1 VALUES 1 \
         |> AI.SCRIPTEXECUTE s bar INPUTS 2 t t OUTPUTS 1 t |> AI.TENSORGET t VALUES \
         |> AI.SCRIPTEXECUTE s bar INPUTS 2 t t OUTPUTS 1 t |> AI.TENSORGET t VALUES",
    );
    let a = r.array();
    assert_eq!((vals(&a[2]), vals(&a[4])), (vec![2.0], vec![4.0]), "{r:?}");
    assert_eq!(floats(&mut c, "t"), vec![4.0]);
    // The deprecated forms: SCRIPTRUN in DAGRUN and in DAGRUN_RO.
    for cmd in ["AI.DAGRUN", "AI.DAGRUN_RO"] {
        let line = format!(
            "{cmd} LOAD 1 x |> AI.SCRIPTRUN s bar INPUTS x x OUTPUTS w \
             |> AI.MODELRUN m INPUTS w x OUTPUTS v |> AI.TENSORGET v VALUES"
        );
        let r = run(&mut c, &line);
        let a = r.array();
        assert_eq!(&a[..2], &[status("OK"), status("OK")], "{r:?}");
        assert_eq!(vals(&a[2]), vec![3.0, 6.0]);
    }
    assert_eq!(c.cmd(&["EXISTS", "w", "v"]).expect("reply").int(), 0);
    // A script op's redis.execute, with its KEYS and ARGS.
    let r = run(
        &mut c,
        "AI.DAGEXECUTE LOAD 1 x |> AI.SCRIPTEXECUTE s setk KEYS 1 k ARGS 1 hello INPUTS 1 x OUTPUTS 1 y \
         |> AI.TENSORGET y VALUES",
    );
    assert_eq!(vals(&r.array()[1]), vec![1.0, 2.0], "{r:?}");
    assert_eq!(run(&mut c, "GET k").text(), "hello");
}

#[test]
fn na_after_a_failing_op_and_nothing_persisted() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    store_script(&mut c, "s", "CPU");
    store_torch(&mut c, "m", "CPU", "pt-minimal.pt", &[]);
    ok(&mut c, &words("AI.TENSORSET x FLOAT 2 VALUES 1 2"));
    // The script returns one tensor where two are asked for.
    let r = run(
        &mut c,
        "AI.DAGEXECUTE LOAD 1 x PERSIST 2 a q |> AI.TENSORSET a FLOAT 2 VALUES 1 1 \
         |> AI.MODELEXECUTE m INPUTS 2 x a OUTPUTS 1 b \
         |> AI.SCRIPTEXECUTE s bar INPUTS 2 x b OUTPUTS 2 p q \
         |> AI.MODELEXECUTE m INPUTS 2 p p OUTPUTS 1 r |> AI.TENSORGET r VALUES",
    );
    assert_eq!(
        r,
        Reply::Array(vec![
            status("OK"),
            status("OK"),
            Reply::Error("Function returned unexpected number of outputs - bar".into()),
            status("NA"),
            status("NA"),
        ])
    );
    assert_eq!(c.cmd(&["EXISTS", "a", "q"]).expect("reply").int(), 0);
    assert_eq!(info(&mut c, "s"), (-1, 1, 1));
    assert_eq!(info(&mut c, "m"), (2, 1, 0));
    // A failing model op (shapes [2] and [3]): the script after it is NA.
    let r = run(
        &mut c,
        "AI.DAGEXECUTE LOAD 1 x PERSIST 1 y |> AI.TENSORSET b FLOAT 3 VALUES 1 2 3 \
         |> AI.SCRIPTEXECUTE s bar INPUTS 2 x x OUTPUTS 1 y \
         |> AI.MODELEXECUTE m INPUTS 2 x b OUTPUTS 1 z \
         |> AI.SCRIPTEXECUTE s bar INPUTS 2 z z OUTPUTS 1 y |> AI.TENSORGET y VALUES",
    );
    let a = r.array();
    assert_eq!(a.len(), 5, "{r:?}");
    assert_eq!(&a[..2], &[status("OK"), status("OK")], "{r:?}");
    assert!(a[2].is_error(), "{r:?}");
    assert_eq!(&a[3..], &[status("NA"), status("NA")], "{r:?}");
    assert_eq!(c.cmd(&["EXISTS", "y"]).expect("reply").int(), 0);
    assert_eq!(info(&mut c, "m"), (2, 2, 1));
}

#[test]
fn multi_device_ensemble_and_replica_gets_persisted_keys() {
    skip_unless!("torch");
    let p = Server::start();
    let r = Server::start();
    r.replicate_from(&p);
    let mut c = p.conn();
    store_script(&mut c, "s", "CPU");
    store_script(&mut c, "s1", "CPU:1");
    store_torch(&mut c, "m", "CPU", "pt-minimal.pt", &[]);
    store_torch(&mut c, "m1", "CPU:1", "pt-minimal.pt", &[]);
    // c = a+b, d = a+a (CPU:1), e = b+b (CPU:1), f = c+d, out = f+e (CPU:1).
    let dag = "AI.DAGEXECUTE PERSIST 2 out f |> AI.TENSORSET a FLOAT 2 VALUES 1 2 \
         |> AI.TENSORSET b FLOAT 2 VALUES 10 20 \
         |> AI.MODELEXECUTE m INPUTS 2 a b OUTPUTS 1 c \
         |> AI.MODELEXECUTE m1 INPUTS 2 a a OUTPUTS 1 d \
         |> AI.SCRIPTEXECUTE s1 bar INPUTS 2 b b OUTPUTS 1 e \
         |> AI.SCRIPTEXECUTE s bar INPUTS 2 c d OUTPUTS 1 f \
         |> AI.SCRIPTEXECUTE s1 bar INPUTS 2 f e OUTPUTS 1 out |> AI.TENSORGET out VALUES";
    let reply = run(&mut c, dag);
    let a = reply.array();
    assert_eq!(a.len(), 8, "{reply:?}");
    assert!(a[..7].iter().all(|x| *x == status("OK")), "{reply:?}");
    assert_eq!(vals(&a[7]), vec![33.0, 66.0]);
    assert_eq!(info(&mut c, "m"), (2, 1, 0));
    assert_eq!(info(&mut c, "m1"), (2, 1, 0));
    assert_eq!(info(&mut c, "s"), (-1, 1, 0));
    assert_eq!(info(&mut c, "s1"), (-1, 2, 0));
    assert_eq!(
        c.cmd(&["AI.INFO", "s1"]).expect("reply").array()[7].text(),
        "CPU:1"
    );
    // A failing DAG writes nothing, so the replica gets nothing from it.
    let bad = run(
        &mut c,
        "AI.DAGEXECUTE PERSIST 1 g |> AI.TENSORSET a FLOAT 2 VALUES 1 2 \
         |> AI.SCRIPTEXECUTE s1 bar INPUTS 2 a a OUTPUTS 1 g \
         |> AI.SCRIPTEXECUTE s bar INPUTS 2 g g OUTPUTS 2 h i",
    );
    assert_eq!(
        bad.array()[2],
        Reply::Error("Function returned unexpected number of outputs - bar".into())
    );
    assert_eq!(run(&mut c, "WAIT 1 10000").int(), 1);
    let mut rc = r.conn();
    assert_eq!(floats(&mut rc, "out"), vec![33.0, 66.0]);
    assert_eq!(floats(&mut rc, "f"), vec![13.0, 26.0]);
    assert_eq!(rc.cmd(&["EXISTS", "g"]).expect("reply").int(), 0);
    // The replica got AI.TENSORSET … BLOB for the keys, not the DAG.
    let stats = rc
        .cmd(&["INFO", "commandstats"])
        .expect("reply")
        .text()
        .to_ascii_lowercase();
    assert!(!stats.contains("cmdstat_ai.dagexecute"), "{stats}");
    assert!(stats.contains("cmdstat_ai.tensorset:calls=2,"), "{stats}");
}

#[test]
fn timeout_of_a_dag_queued_behind_a_slow_run() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    store_script(&mut c, "s", "CPU");
    store_script(&mut c, "s1", "CPU:1");
    store_torch(&mut c, "slow", "CPU", "pt-slow.pt", &[]);
    ok(&mut c, &words("AI.TENSORSET x FLOAT 1 1 VALUES 1"));
    let mut a = s.conn();
    let slow = words("AI.MODELEXECUTE slow INPUTS 1 x OUTPUTS 1 o");
    for line in [
        "AI.DAGEXECUTE LOAD 1 x PERSIST 1 y TIMEOUT 1 |> AI.SCRIPTEXECUTE s bar INPUTS 2 x x OUTPUTS 1 y",
        "AI.DAGRUN_RO LOAD 1 x TIMEOUT 1 |> AI.SCRIPTRUN s bar INPUTS x x OUTPUTS y |> AI.TENSORGET y VALUES",
    ] {
        a.send(&slow).expect("send");
        a.flush().expect("flush");
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(run(&mut c, line), status("TIMEDOUT"), "{line}");
        assert!(a.read().expect("reply").is_ok());
    }
    assert_eq!(c.cmd(&["EXISTS", "y"]).expect("reply").int(), 0);
    assert_eq!(info(&mut c, "s"), (-1, 0, 0));
    // A DAG only on CPU:1 is not held up by the busy CPU queue.
    a.send(&slow).expect("send");
    a.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(100));
    let r = run(
        &mut c,
        "AI.DAGEXECUTE LOAD 1 x PERSIST 1 y TIMEOUT 500 |> AI.SCRIPTEXECUTE s1 bar INPUTS 2 x x OUTPUTS 1 y",
    );
    assert_eq!(r, Reply::Array(vec![status("OK")]));
    assert_eq!(floats(&mut c, "y"), vec![2.0]);
    assert!(a.read().expect("reply").is_ok());
}

/// Spec §2.8/§2.7: TENSORGET ops are CPU ops, so a DAG of only
/// TENSORGETs is queued on CPU and its TIMEOUT counts there.
#[test]
fn tensor_only_dag_times_out_behind_the_cpu_queue() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    store_torch(&mut c, "slow", "CPU", "pt-slow.pt", &[]);
    ok(&mut c, &words("AI.TENSORSET x FLOAT 1 1 VALUES 1"));
    let mut a = s.conn();
    a.send(&words("AI.MODELEXECUTE slow INPUTS 1 x OUTPUTS 1 o"))
        .expect("send");
    a.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(100));
    let r = run(
        &mut c,
        "AI.DAGEXECUTE LOAD 1 x TIMEOUT 1 |> AI.TENSORGET x META",
    );
    assert_eq!(r, status("TIMEDOUT"));
    assert!(a.read().expect("reply").is_ok());
}

/// Whether `line` (a DAG whose first op is `wait_for`, writing `a`)
/// saw its key appear while it polled: `a` is then `x + 1` = 1.
fn saw_key(c: &mut Conn, line: &str) -> bool {
    let r = run(c, line);
    let a = r.array();
    assert!(a[..a.len() - 1].iter().all(|x| *x == status("OK")), "{r:?}");
    vals(&a[a.len() - 1]) == [1.0]
}

/// Parallelism shown by a rendezvous, not by timing (on a shared 2-core
/// box other processes may leave no CPU for two runs at once): `wait_for`
/// polls (`redis.execute("EXISTS")`) for a key that only an op after it
/// in the DAG writes. It can see it only if that op runs meanwhile.
#[test]
fn devices_run_in_parallel_and_one_device_in_dag_order() {
    skip_unless!("torch");
    // Two workers per queue, so only the DAG's own ordering serialises
    // two ops on one device.
    let s = Server::with(&["THREADS_PER_QUEUE", "2"], &[]);
    let mut c = s.conn();
    store_script(&mut c, "s", "CPU");
    store_script(&mut c, "s1", "CPU:1");
    ok(&mut c, &words("AI.TENSORSET x FLOAT 1 VALUES 0"));
    // Up to 2,000,000 polls (seconds) when the other op never runs.
    let wait = |key: &str, n: u32| {
        format!("AI.SCRIPTEXECUTE s wait_for KEYS 1 {key} ARGS 1 {n} INPUTS 1 x OUTPUTS 1 a")
    };
    let set = |script: &str, key: &str| {
        format!("AI.SCRIPTEXECUTE {script} setk KEYS 1 {key} ARGS 1 v INPUTS 1 x OUTPUTS 1 b")
    };
    // CPU and CPU:1: the CPU:1 op runs while the CPU op waits.
    let line = format!(
        "AI.DAGEXECUTE LOAD 1 x |> {} |> {} |> AI.TENSORGET a VALUES",
        wait("go1", 2_000_000),
        set("s1", "go1")
    );
    assert!(saw_key(&mut c, &line), "the CPU:1 op did not run alongside");
    // One device: the second op starts only when the first has finished.
    let line = format!(
        "AI.DAGEXECUTE LOAD 1 x |> {} |> {} |> AI.TENSORGET a VALUES",
        wait("go2", 200_000),
        set("s", "go2")
    );
    assert!(
        !saw_key(&mut c, &line),
        "two ops of one DAG on CPU overlapped"
    );
    assert_eq!(run(&mut c, "GET go2").text(), "v");
    // Control: the CPU queue itself does run two standalone requests at once.
    let mut b = s.conn();
    b.send(&words(&wait("go3", 2_000_000))).expect("send");
    b.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(200));
    assert!(run(&mut c, &set("s", "go3")).is_ok());
    assert!(b.read().expect("reply").is_ok());
    assert_eq!(floats(&mut c, "a"), vec![1.0]);
}

#[test]
fn dag_model_op_batches_with_a_standalone_request() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    store_torch(
        &mut c,
        "mb",
        "CPU",
        "pt-minimal.pt",
        &["BATCHSIZE", "2", "MINBATCHSIZE", "2"],
    );
    ok(&mut c, &words("AI.TENSORSET x1 FLOAT 1 2 VALUES 1 2"));
    let mut a = s.conn();
    a.send(&words("AI.MODELEXECUTE mb INPUTS 2 x1 x1 OUTPUTS 1 y1"))
        .expect("send");
    a.flush().expect("flush");
    // Alone, it waits for a batch partner (MINBATCHSIZE 2, no timeout).
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(c.cmd(&["EXISTS", "y1"]).expect("reply").int(), 0);
    assert_eq!(info(&mut c, "mb"), (0, 0, 0));
    let mut b = s.conn();
    let r = run(
        &mut b,
        "AI.DAGEXECUTE PERSIST 1 y2 |> AI.TENSORSET t FLOAT 1 2 VALUES 10 20 \
         |> AI.MODELEXECUTE mb INPUTS 2 t t OUTPUTS 1 y2 |> AI.TENSORGET y2 VALUES",
    );
    let arr = r.array();
    assert_eq!(&arr[..2], &[status("OK"), status("OK")], "{r:?}");
    assert_eq!(vals(&arr[2]), vec![20.0, 40.0]);
    assert!(a.read().expect("reply").is_ok());
    assert_eq!(floats(&mut c, "y1"), vec![2.0, 4.0]);
    assert_eq!(floats(&mut c, "y2"), vec![20.0, 40.0]);
    // One run of two one-sample requests: two calls, two samples.
    assert_eq!(info(&mut c, "mb"), (2, 2, 0));
}

fn getkeys(c: &mut Conn, line: &str) -> Vec<String> {
    let mut a = vec!["COMMAND", "GETKEYS"];
    a.extend(words(line));
    let r = c.cmd(&a).expect("reply");
    assert!(!r.is_error(), "{line}: {r:?}");
    r.array().iter().map(Reply::text).collect()
}

#[test]
fn getkeys_of_dags_with_script_and_vsim_ops() {
    let s = Server::start();
    let mut c = s.conn();
    let cases: &[(&str, &[&str])] = &[
        ("AI.DAGEXECUTE PERSIST 1 p LOAD 1 x ROUTING r TIMEOUT 5 \
          |> AI.SCRIPTEXECUTE s bar KEYS 2 k1 k2 INPUTS 1 x OUTPUTS 1 p \
          |> AI.VSIM docs TENSOR x COUNT 2 OUTPUTS 2 ids sc \
          |> AI.MODELEXECUTE m INPUTS 1 x OUTPUTS 1 y |> AI.TENSORGET p VALUES",
         &["p", "x", "r", "s", "k1", "k2", "docs", "m"]),
        // LOAD and PERSIST lists that end the header are keys too.
        ("AI.DAGEXECUTE ROUTING r LOAD 2 a b |> AI.SCRIPTEXECUTE s f INPUTS 1 a KEYS 1 kk OUTPUTS 1 y",
         &["r", "a", "b", "s", "kk"]),
        ("AI.DAGEXECUTE ROUTING r PERSIST 1 y |> AI.SCRIPTEXECUTE s f INPUTS 1 a OUTPUTS 1 y",
         &["r", "y", "s"]),
        ("AI.DAGEXECUTE_RO ROUTING {t} |> AI.TENSORSET q FLOAT 1 2 VALUES 1 2 \
          |> AI.VSIM docs TENSOR q COUNT 5 OUTPUTS 2 ids sc |> AI.TENSORGET ids VALUES",
         &["{t}", "docs"]),
        ("AI.DAGRUN LOAD 1 x |> AI.SCRIPTRUN s bar INPUTS x OUTPUTS y |> AI.MODELRUN m INPUTS y OUTPUTS z",
         &["x", "s", "m"]),
        ("AI.DAGRUN_RO LOAD 1 x TIMEOUT 9 |> AI.SCRIPTRUN s bar INPUTS x OUTPUTS y", &["x", "s"]),
    ];
    for (line, want) in cases {
        assert_eq!(getkeys(&mut c, line), *want, "{line}");
    }
}
