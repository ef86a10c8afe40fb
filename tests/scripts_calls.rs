//! What a running script may call (spec §1.3, TorchScript extensions):
//! `redis.execute` (replies converted, errors raised with RedisAI's text,
//! the caller's database and ACL user, writes replicated), `redis.asList`,
//! `redisAI.model_execute` on TORCH and ONNX models, and TIMEOUT behind a
//! running script (one that waits on a key through `redis.execute`).

mod common;

use std::time::{Duration, Instant};

use common::{err, floats, ok, store_model, Conn, Reply, Server};

const SRC: &str = r#"def floats_of(l: List[Any]):
    vals: List[float] = []
    for x in l:
        vals.append(float(str(x)))
    return torch.tensor(vals)

def set_get(tensors: List[Tensor], keys: List[str], args: List[str]):
    redis.execute("SET", [keys[0], args[0]])
    v = redis.execute("GET", [keys[0]])
    return torch.tensor([float(str(v))])

def incr(tensors: List[Tensor], keys: List[str], args: List[str]):
    r: List[int] = []
    for cmd in [["INCR", keys[0]], ["INCRBY", keys[0], "10"]]:
        v = redis.execute(cmd[0], cmd[1:])
        if isinstance(v, int):
            r.append(v)
    return torch.tensor(r)

def lists(tensors: List[Tensor], keys: List[str], args: List[str]):
    redis.execute("RPUSH", [keys[0], "1", "2.5", "-3"])
    return floats_of(redis.asList(redis.execute("LRANGE", [keys[0], "0", "-1"])))

def hashes(tensors: List[Tensor], keys: List[str], args: List[str]):
    redis.execute("HSET", [keys[0], "a", "1.5", "b", "4"])
    return floats_of(redis.asList(redis.execute("HVALS", [keys[0]])))

def kinds(tensors: List[Tensor], keys: List[str], args: List[str]):
    r: List[int] = []
    for k in keys:
        v = redis.execute("GET", [k])
        if isinstance(v, str):
            r.append(1)
        elif isinstance(v, int):
            r.append(2)
        elif str(v) == "None":
            r.append(0)
        else:
            r.append(9)
    return torch.tensor(r)

def call(tensors: List[Tensor], keys: List[str], args: List[str]):
    redis.execute(args[0], args[1:])
    return tensors[0]

def model(tensors: List[Tensor], keys: List[str], args: List[str]):
    return redisAI.model_execute(keys[0], tensors, int(args[0]))

def model_twice(tensors: List[Tensor], keys: List[str], args: List[str]):
    y = redisAI.model_execute(keys[0], tensors, 1)
    return redisAI.model_execute(keys[0], [y[0], tensors[1]], 1)

def wait(tensors: List[Tensor], keys: List[str], args: List[str]):
    redis.execute("SET", [keys[0], "running"])
    x = tensors[0]
    n = 0
    while n < 1000000:
        for i in range(10):
            x = torch.tanh(torch.matmul(x, x))
        if str(redis.execute("GET", [keys[1]])) == "go":
            break
        n += 1
    for k in keys[2:]:
        redis.execute("SET", [k, "written"])
    return x"#;

const ENTRY: &[&str] = &[
    "set_get",
    "incr",
    "lists",
    "hashes",
    "kinds",
    "call",
    "model",
    "model_twice",
    "wait",
];

fn w(line: &str) -> Vec<&str> {
    line.split(' ').collect()
}

fn store_script(c: &mut Conn) {
    let n = ENTRY.len().to_string();
    let mut a = vec!["AI.SCRIPTSTORE", "s", "CPU", "ENTRY_POINTS", &n];
    a.extend_from_slice(ENTRY);
    a.extend(["SOURCE", SRC]);
    ok(c, &a);
    ok(c, &w("AI.TENSORSET a FLOAT 2 VALUES 1 2"));
    ok(c, &w("AI.TENSORSET b FLOAT 2 VALUES 10 20"));
}

fn run_ok(c: &mut Conn, line: &str) {
    let r = c.cmd(&w(line)).expect("reply");
    assert!(r.is_ok(), "{line}: {r:?}");
}

/// TENSORGET … META VALUES.
fn meta_values(c: &mut Conn, key: &str) -> Reply {
    c.cmd(&["AI.TENSORGET", key, "META", "VALUES"])
        .expect("reply")
}

fn tensor(dtype: &str, shape: &[i64], values: Vec<Reply>) -> Reply {
    Reply::Array(vec![
        Reply::Bulk(b"dtype".to_vec()),
        Reply::Bulk(dtype.as_bytes().to_vec()),
        Reply::Bulk(b"shape".to_vec()),
        Reply::Array(shape.iter().map(|&d| Reply::Int(d)).collect()),
        Reply::Bulk(b"values".to_vec()),
        Reply::Array(values),
    ])
}

fn status(s: &str) -> Reply {
    Reply::Status(s.into())
}

fn ints(v: &[i64]) -> Vec<Reply> {
    v.iter().map(|&i| Reply::Int(i)).collect()
}

#[test]
fn redis_execute_runs_commands_and_converts_replies() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    store_script(&mut c);
    run_ok(
        &mut c,
        "AI.SCRIPTEXECUTE s set_get KEYS 1 k ARGS 1 42.5 OUTPUTS 1 o",
    );
    assert_eq!(floats(&mut c, "o"), [42.5]);
    assert_eq!(c.cmd(&w("GET k")).expect("reply").bulk(), b"42.5");
    ok(&mut c, &w("SET n 5"));
    run_ok(&mut c, "AI.SCRIPTEXECUTE s incr KEYS 1 n OUTPUTS 1 o");
    assert_eq!(
        meta_values(&mut c, "o"),
        tensor("INT64", &[2], ints(&[6, 16]))
    );
    run_ok(&mut c, "AI.SCRIPTEXECUTE s lists KEYS 1 l OUTPUTS 1 o");
    assert_eq!(floats(&mut c, "o"), [1.0, 2.5, -3.0]);
    assert_eq!(c.cmd(&w("LLEN l")).expect("reply").int(), 3);
    run_ok(&mut c, "AI.SCRIPTEXECUTE s hashes KEYS 1 h OUTPUTS 1 o");
    assert_eq!(floats(&mut c, "o"), [1.5, 4.0]);
    assert_eq!(c.cmd(&w("HGET h b")).expect("reply").bulk(), b"4");
    // GET of a string, of a missing key (None); an integer reply (INCR
    // above) is an int.
    run_ok(
        &mut c,
        "AI.SCRIPTEXECUTE s kinds KEYS 2 k missing OUTPUTS 1 o",
    );
    assert_eq!(
        meta_values(&mut c, "o"),
        tensor("INT64", &[2], ints(&[1, 0]))
    );
    // Errors raise `Redis command returned an error: <Redis's text>`.
    let e = |c: &mut Conn, line: &str| err(c, &w(line));
    assert_eq!(
        e(
            &mut c,
            "AI.SCRIPTEXECUTE s call KEYS 1 k INPUTS 1 a ARGS 2 SET k OUTPUTS 1 o"
        ),
        "Redis command returned an error: ERR wrong number of arguments for 'set' command"
    );
    assert_eq!(
        e(&mut c, "AI.SCRIPTEXECUTE s call KEYS 1 h INPUTS 1 a ARGS 2 INCR h OUTPUTS 1 o"),
        "Redis command returned an error: WRONGTYPE Operation against a key holding the wrong kind of value"
    );
    assert_eq!(
        e(
            &mut c,
            "AI.SCRIPTEXECUTE s call KEYS 1 k INPUTS 1 a ARGS 2 INCR k OUTPUTS 1 o"
        ),
        "Redis command returned an error: ERR value is not an integer or out of range"
    );
    // A blocking RedisAI command cannot run from inside a script.
    assert_eq!(
        e(
            &mut c,
            "AI.SCRIPTEXECUTE s call INPUTS 1 a ARGS 9 AI.SCRIPTEXECUTE s set_get KEYS 1 z ARGS 1 1 OUTPUTS 1 o"
        ),
        "Redis command returned an error: ERR Cannot run RedisAI command within a transaction or a LUA script"
    );
    assert_eq!(c.cmd(&w("EXISTS z")).expect("reply").int(), 0);
    // The failed calls wrote no outputs: `o` is still `kinds`' result.
    assert_eq!(
        meta_values(&mut c, "o"),
        tensor("INT64", &[2], ints(&[1, 0]))
    );
    // Non-blocking module commands work.
    run_ok(
        &mut c,
        "AI.SCRIPTEXECUTE s call INPUTS 1 a ARGS 6 AI.TENSORSET t INT8 1 VALUES 3 OUTPUTS 1 o",
    );
    assert_eq!(
        c.cmd(&w("AI.TENSORGET t VALUES")).expect("reply"),
        Reply::Array(ints(&[3]))
    );
    // The caller's database.
    ok(&mut c, &w("SELECT 3"));
    store_script(&mut c);
    run_ok(
        &mut c,
        "AI.SCRIPTEXECUTE s set_get KEYS 1 in3 ARGS 1 7 OUTPUTS 1 o",
    );
    assert_eq!(floats(&mut c, "o"), [7.0]);
    assert_eq!(c.cmd(&w("GET in3")).expect("reply").bulk(), b"7");
    ok(&mut c, &w("SELECT 0"));
    assert_eq!(c.cmd(&w("EXISTS in3")).expect("reply").int(), 0);
    assert!(s.alive());
}

/// An unknown command raises Redis's "unknown command" error, not an ACL
/// refusal, for a user that may run every command.
#[test]
fn redis_execute_of_an_unknown_command() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    store_script(&mut c);
    let e = err(
        &mut c,
        &w("AI.SCRIPTEXECUTE s call INPUTS 1 a ARGS 2 NOSUCHCMD x OUTPUTS 1 o"),
    );
    assert!(
        e.starts_with("Redis command returned an error: ERR unknown command 'NOSUCHCMD'"),
        "{e}"
    );
}

/// `redis.execute` runs as the calling client's ACL user: a denied command
/// raises NOPERM and writes nothing; allowed ones run.
#[test]
fn redis_execute_obeys_the_callers_acl() {
    skip_unless!("torch");
    let s = Server::start();
    let mut admin = s.conn();
    store_script(&mut admin);
    ok(&mut admin, &w("SET counter 1"));
    ok(
        &mut admin,
        &w("ACL SETUSER limited on >pw ~* &* -@all +auth +ping +ai.scriptexecute +ai.tensorget +ai.tensorset +get +incr +incrby"),
    );
    let mut c = s.conn();
    ok(&mut c, &w("AUTH limited pw"));
    // SET is denied to the user directly and from a script.
    assert!(err(&mut c, &w("SET k v")).starts_with("NOPERM"));
    assert_eq!(
        err(&mut c, &w("AI.SCRIPTEXECUTE s set_get KEYS 1 k ARGS 1 3 OUTPUTS 1 o")),
        "Redis command returned an error: NOPERM this user has no permissions to run the 'SET' command or access one of its keys"
    );
    assert_eq!(admin.cmd(&w("EXISTS k o")).expect("reply").int(), 0);
    // GET and INCR are allowed.
    run_ok(
        &mut c,
        "AI.SCRIPTEXECUTE s incr KEYS 1 counter INPUTS 1 a OUTPUTS 1 o",
    );
    assert_eq!(
        meta_values(&mut c, "o"),
        tensor("INT64", &[2], ints(&[2, 12]))
    );
    run_ok(
        &mut c,
        "AI.SCRIPTEXECUTE s kinds KEYS 1 counter OUTPUTS 1 o",
    );
    assert_eq!(meta_values(&mut c, "o"), tensor("INT64", &[1], ints(&[1])));
    // Key patterns count too: a user with the command but not the key.
    ok(
        &mut admin,
        &w("ACL SETUSER keyed on >pw resetkeys ~s ~a ~o ~mine* &* +@all"),
    );
    let mut k = s.conn();
    ok(&mut k, &w("AUTH keyed pw"));
    run_ok(
        &mut k,
        "AI.SCRIPTEXECUTE s call INPUTS 1 a ARGS 3 SET mine1 v OUTPUTS 1 o",
    );
    assert_eq!(
        err(&mut k, &w("AI.SCRIPTEXECUTE s call INPUTS 1 a ARGS 3 SET theirs v OUTPUTS 1 o")),
        "Redis command returned an error: NOPERM this user has no permissions to run the 'SET' command or access one of its keys"
    );
    assert_eq!(admin.cmd(&w("GET mine1")).expect("reply").bulk(), b"v");
    assert_eq!(admin.cmd(&w("EXISTS theirs")).expect("reply").int(), 0);
    assert!(s.alive());
}

/// A script's `redis.execute` writes replicate (the `!` flag), and so do
/// the output tensors of AI.SCRIPTEXECUTE; the replica never runs scripts.
#[test]
fn script_writes_and_outputs_reach_a_replica() {
    skip_unless!("torch");
    let primary = Server::start();
    let replica = Server::start();
    replica.replicate_from(&primary);
    let mut p = primary.conn();
    store_script(&mut p);
    run_ok(
        &mut p,
        "AI.SCRIPTEXECUTE s set_get KEYS 1 k ARGS 1 8 OUTPUTS 1 o1",
    );
    run_ok(&mut p, "AI.SCRIPTEXECUTE s lists KEYS 1 l OUTPUTS 1 o2");
    run_ok(&mut p, "AI.SCRIPTEXECUTE s hashes KEYS 1 h OUTPUTS 1 o3");
    run_ok(
        &mut p,
        "AI.SCRIPTEXECUTE s incr KEYS 1 n INPUTS 1 a OUTPUTS 1 o4",
    );
    let want = primary.info_field("replication", "master_repl_offset");
    replica.wait_for("the replica to catch up", 30, |s| {
        s.info_field("replication", "slave_repl_offset") == want
    });
    let mut r = replica.conn();
    assert_eq!(r.cmd(&w("GET k")).expect("reply").bulk(), b"8");
    assert_eq!(
        r.cmd(&w("LRANGE l 0 -1")).expect("reply"),
        p.cmd(&w("LRANGE l 0 -1")).expect("reply")
    );
    assert_eq!(r.cmd(&w("HGET h a")).expect("reply").bulk(), b"1.5");
    assert_eq!(r.cmd(&w("GET n")).expect("reply").bulk(), b"11");
    assert_eq!(floats(&mut r, "o1"), [8.0]);
    assert_eq!(floats(&mut r, "o2"), [1.0, 2.5, -3.0]);
    assert_eq!(floats(&mut r, "o3"), [1.5, 4.0]);
    assert_eq!(
        meta_values(&mut r, "o4"),
        tensor("INT64", &[2], ints(&[1, 11]))
    );
    // The replica has the script but never ran it.
    let info = r.cmd(&w("AI.INFO s")).expect("reply");
    assert_eq!((info.array()[15].int(), info.array()[17].int()), (0, 0));
    let info = p.cmd(&w("AI.INFO s")).expect("reply");
    assert_eq!(info.array()[15].int(), 4);
}

/// `redisAI.model_execute` from a script: TORCH and ONNX fixtures with
/// exact outputs, chained calls, and the model errors raised back.
#[test]
fn model_execute_from_a_script() {
    skip_unless!("torch", "onnx");
    let s = Server::start();
    let mut c = s.conn();
    store_script(&mut c);
    assert!(store_model(&mut c, "pt", "TORCH", "pt-minimal.pt", &[]).is_ok());
    assert!(store_model(&mut c, "ox", "ONNX", "onnx-linear.onnx", &[]).is_ok());
    // pt-minimal: forward(a, b) = a + b.
    run_ok(
        &mut c,
        "AI.SCRIPTEXECUTE s model KEYS 1 pt INPUTS 2 a b ARGS 1 1 OUTPUTS 1 o",
    );
    assert_eq!(floats(&mut c, "o"), [11.0, 22.0]);
    // (a + b) + b
    run_ok(
        &mut c,
        "AI.SCRIPTEXECUTE s model_twice KEYS 1 pt INPUTS 2 a b OUTPUTS 1 o",
    );
    assert_eq!(floats(&mut c, "o"), [21.0, 42.0]);
    // onnx-linear: [N,4] -> [N,1] = x·[1,2,3,4]ᵀ + 0.5.
    ok(
        &mut c,
        &w("AI.TENSORSET x FLOAT 3 4 VALUES 1 0 0 0 0 1 1 1 1 1 1 1"),
    );
    run_ok(
        &mut c,
        "AI.SCRIPTEXECUTE s model KEYS 1 ox INPUTS 1 x ARGS 1 1 OUTPUTS 1 o",
    );
    assert_eq!(floats(&mut c, "o"), [1.5, 9.5, 10.5]);
    let meta = c.cmd(&w("AI.TENSORGET o META")).expect("reply");
    assert_eq!(meta.array()[3], Reply::Array(ints(&[3, 1])));
    // Errors from the model come back as the script's error.
    let e = |c: &mut Conn, line: &str| err(c, &w(line));
    assert_eq!(
        e(
            &mut c,
            "AI.SCRIPTEXECUTE s model KEYS 1 nope INPUTS 1 a ARGS 1 1 OUTPUTS 1 o"
        ),
        "ERR model key is empty"
    );
    ok(&mut c, &w("SET str v"));
    assert_eq!(
        e(
            &mut c,
            "AI.SCRIPTEXECUTE s model KEYS 1 str INPUTS 1 a ARGS 1 1 OUTPUTS 1 o"
        ),
        "WRONGTYPE Operation against a key holding the wrong kind of value"
    );
    assert_eq!(
        e(
            &mut c,
            "AI.SCRIPTEXECUTE s model KEYS 1 a INPUTS 1 a ARGS 1 1 OUTPUTS 1 o"
        ),
        "WRONGTYPE Operation against a key holding the wrong kind of value"
    );
    assert_eq!(
        e(
            &mut c,
            "AI.SCRIPTEXECUTE s model KEYS 1 pt INPUTS 1 a ARGS 1 1 OUTPUTS 1 o"
        ),
        "Number of keys given as INPUTS here does not match model definition"
    );
    assert_eq!(
        e(
            &mut c,
            "AI.SCRIPTEXECUTE s model KEYS 1 ox INPUTS 1 x ARGS 1 2 OUTPUTS 1 o"
        ),
        "Number of keys given as OUTPUTS here does not match model definition"
    );
    let bad = e(
        &mut c,
        "AI.SCRIPTEXECUTE s model KEYS 1 ox INPUTS 1 a ARGS 1 1 OUTPUTS 1 o",
    );
    assert!(bad.contains("Invalid rank for input"), "{bad}");
    // The failures wrote nothing; the last good output is intact.
    assert_eq!(floats(&mut c, "o"), [1.5, 9.5, 10.5]);
    assert!(s.alive());
    // A script stored before its model runs it once the model exists.
    assert_eq!(c.cmd(&w("DEL pt")).expect("reply").int(), 1);
    assert_eq!(
        e(
            &mut c,
            "AI.SCRIPTEXECUTE s model KEYS 1 pt INPUTS 2 a b ARGS 1 1 OUTPUTS 1 o"
        ),
        "ERR model key is empty"
    );
    assert!(store_model(&mut c, "pt", "TORCH", "pt-minimal.pt", &[]).is_ok());
    run_ok(
        &mut c,
        "AI.SCRIPTEXECUTE s model KEYS 1 pt INPUTS 2 b b ARGS 1 1 OUTPUTS 1 o",
    );
    assert_eq!(floats(&mut c, "o"), [20.0, 40.0]);
}

/// A script waiting on the `go` key (it polls it between matmuls) keeps the
/// CPU queue busy; a second call with TIMEOUT 1 queued behind it replies
/// TIMEDOUT when it is dequeued, and writes nothing. The server answers
/// meanwhile.
#[test]
fn timeout_behind_a_running_script() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    store_script(&mut c);
    ok(&mut c, &w("AI.TENSORSET m FLOAT 32 32"));
    let call = "AI.SCRIPTEXECUTE s wait KEYS 2 started go INPUTS 1 m OUTPUTS 1";
    let mut first = s.conn();
    first.send(&w(&format!("{call} o1"))).expect("send");
    first.flush().expect("flush");
    s.wait_for("the script to start", 30, |s| {
        s.conn().cmd(&w("GET started")).expect("reply") == Reply::Bulk(b"running".to_vec())
    });
    let mut second = s.conn();
    second
        .send(&w(&format!("{call} o2 TIMEOUT 1")))
        .expect("send");
    second.flush().expect("flush");
    s.wait_for("both clients blocked", 30, |s| {
        s.info_field("clients", "blocked_clients").as_deref() == Some("2")
    });
    std::thread::sleep(Duration::from_millis(20));
    for _ in 0..5 {
        let t = Instant::now();
        assert_eq!(c.cmd(&["PING"]).expect("reply"), status("PONG"));
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "PING took {:?}",
            t.elapsed()
        );
        assert_eq!(
            c.cmd(&w("AI.TENSORGET a VALUES"))
                .expect("reply")
                .array()
                .len(),
            2
        );
    }
    // Still running: nothing replied yet.
    assert_eq!(
        s.info_field("clients", "blocked_clients").as_deref(),
        Some("2")
    );
    ok(&mut c, &w("SET go go"));
    assert_eq!(first.read().expect("reply"), status("OK"));
    assert_eq!(second.read().expect("reply"), status("TIMEDOUT"));
    assert_eq!(c.cmd(&w("EXISTS o1 o2")).expect("reply").int(), 1);
    let meta = c.cmd(&w("AI.TENSORGET o1 META")).expect("reply");
    assert_eq!(
        meta.array()[3],
        Reply::Array(vec![Reply::Int(32), Reply::Int(32)])
    );
    // The queue is free again: a TIMEOUT that does not expire runs.
    run_ok(
        &mut c,
        "AI.SCRIPTEXECUTE s set_get KEYS 1 k ARGS 1 5 OUTPUTS 1 c TIMEOUT 10000",
    );
    assert_eq!(floats(&mut c, "c"), [5.0]);
}

/// The calling user is deleted while its script runs: Redis drops the
/// client, and the script's next `redis.execute` is refused (the user is
/// gone), so nothing is written; the server goes on.
#[test]
fn redis_execute_after_the_caller_is_deleted() {
    skip_unless!("torch");
    let s = Server::start();
    let mut admin = s.conn();
    store_script(&mut admin);
    ok(&mut admin, &w("AI.TENSORSET m FLOAT 4 4"));
    ok(&mut admin, &w("ACL SETUSER temp on >pw ~* &* +@all"));
    let mut t = s.conn();
    ok(&mut t, &w("AUTH temp pw"));
    t.send(&w(
        "AI.SCRIPTEXECUTE s wait KEYS 3 started go late INPUTS 1 m OUTPUTS 1 o",
    ))
    .expect("send");
    t.flush().expect("flush");
    s.wait_for("the script to start", 30, |s| {
        s.conn().cmd(&w("GET started")).expect("reply") == Reply::Bulk(b"running".to_vec())
    });
    assert_eq!(admin.cmd(&w("ACL DELUSER temp")).expect("reply").int(), 1);
    ok(&mut admin, &w("SET go go"));
    // The client is gone at once; the run ends when it sees `go`.
    let calls_errors = |s: &Server| {
        let info = s.conn().cmd(&w("AI.INFO s")).expect("reply");
        (info.array()[15].int(), info.array()[17].int())
    };
    s.wait_for("the script to finish", 30, |s| calls_errors(s).0 == 1);
    assert_eq!(calls_errors(&s), (1, 1));
    assert!(t.read().is_err(), "the deleted user's connection is closed");
    assert_eq!(admin.cmd(&w("EXISTS late o")).expect("reply").int(), 0);
    assert!(s.alive());
}
