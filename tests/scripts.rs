//! AI.SCRIPTEXECUTE and AI.SCRIPTRUN over the wire: every parse error text
//! of the spec (§1.3), the key errors in RedisAI's order (script, inputs,
//! then Decision 5's output type check before the run), entry-point and
//! "best effort" positional calls with their error texts and exact output
//! values, the legacy SCRIPTSET + SCRIPTRUN path, AI.INFO of a script,
//! MULTI/Lua refusal, and a script that raises. The custom operators (redis.execute, redisAI.model_execute) are
//! in tests/scripts_calls.rs.

mod common;

use common::{err, floats, ok, Conn, Reply, Server};

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

/// `bar` is the entry point; the others are called positionally.
const SRC: &str = r#"def bar(tensors: List[Tensor], keys: List[str], args: List[str]):
    return tensors[0] + tensors[1]

def mark(tensors: List[Tensor], keys: List[str], args: List[str]):
    redis.execute("SET", [keys[0], "ran"])
    return tensors[0]

def add(a, b):
    return a + b

def sum_rest(a, rest: List[Tensor]):
    s = a
    for t in rest:
        s = s + t
    return s

def pair(a, b):
    return a - b, a * b

def nested(a, b):
    return [a, b], (a + b,)

def takes_int(a, n: int):
    return a

def gives_int(a):
    return 1

def boom(tensors: List[Tensor], keys: List[str], args: List[str]):
    if len(args) > 0:
        raise Exception("raised " + args[0])
    assert False, "boom"
    return tensors[0]"#;

/// For AI.SCRIPTSET: no entry points, every function positional.
const LEGACY_SRC: &str = "def add(a, b):\n    return a + b\n\ndef sum_rest(a, rest: List[Tensor]):\n    s = a\n    for t in rest:\n        s = s + t\n    return s\n\ndef bar(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0]\n";

/// A command written as one line (no argument holds a space).
fn w(line: &str) -> Vec<&str> {
    line.split(' ').collect()
}

fn status(s: &str) -> Reply {
    Reply::Status(s.into())
}

/// `s` (SCRIPTSTORE, entry points bar, mark, boom), `legacy` (SCRIPTSET),
/// tensors a = [1, 2], b = [10, 20], and a string key `str`.
fn setup(c: &mut Conn) {
    let a = [
        "AI.SCRIPTSTORE",
        "s",
        "CPU",
        "TAG",
        "v1",
        "ENTRY_POINTS",
        "3",
        "bar",
        "mark",
        "boom",
        "SOURCE",
        SRC,
    ];
    ok(c, &a);
    ok(c, &["AI.SCRIPTSET", "legacy", "CPU", "SOURCE", LEGACY_SRC]);
    ok(c, &w("AI.TENSORSET a FLOAT 2 VALUES 1 2"));
    ok(c, &w("AI.TENSORSET b FLOAT 2 VALUES 10 20"));
    ok(c, &w("SET str x"));
}

/// AI.INFO's (calls, errors) of `key`.
fn calls_errors(c: &mut Conn, key: &str) -> (i64, i64) {
    let info = c.cmd(&["AI.INFO", key]).expect("reply");
    let a = info.array();
    assert_eq!(a.len(), 18, "{info:?}");
    assert_eq!(
        (a[14].text(), a[16].text()),
        ("calls".into(), "errors".into())
    );
    (a[15].int(), a[17].int())
}

fn run_ok(c: &mut Conn, line: &str) {
    assert_eq!(c.cmd(&w(line)).expect("reply"), status("OK"), "{line}");
}

#[test]
fn execute_parse_errors_in_order() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    setup(&mut c);
    let x = "AI.SCRIPTEXECUTE s bar";
    let first = "ERR KEYS or INPUTS scope must be provided first for AI.SCRIPTEXECUTE command";
    let cases: &[(&str, &str)] = &[
        ("AI.SCRIPTEXECUTE", "ERR wrong number of arguments for 'AI.SCRIPTEXECUTE' command"),
        ("AI.SCRIPTEXECUTE s", "ERR wrong number of arguments for 'AI.SCRIPTEXECUTE' command"),
        // The script is looked up before anything else is parsed.
        ("AI.SCRIPTEXECUTE nope bar", "ERR script key is empty"),
        ("AI.SCRIPTEXECUTE nope bar BOGUS 1", "ERR script key is empty"),
        ("AI.SCRIPTEXECUTE str bar BOGUS 1", WRONGTYPE),
        ("AI.SCRIPTEXECUTE a bar INPUTS 1 a", WRONGTYPE),
        ("@", first),
        ("@ ARGS 1 z INPUTS 1 a", first),
        ("@ OUTPUTS 1 c", first),
        ("@ TIMEOUT 5", first),
        ("@ inputs 1 a INPUTS 1 a", "ERR Already Encountered INPUTS scope in AI.SCRIPTEXECUTE command"),
        ("@ KEYS 1 k INPUTS 1 a KEYS 1 k", "ERR Already Encountered KEYS scope in AI.SCRIPTEXECUTE command"),
        ("@ INPUTS 1 a ARGS 1 z ARGS 1 z", "ERR Already Encountered ARGS scope in AI.SCRIPTEXECUTE command"),
        ("@ INPUTS 1 a OUTPUTS 1 c OUTPUTS 1 c", "ERR Already Encountered OUTPUTS scope in AI.SCRIPTEXECUTE command"),
        ("@ INPUTS 1 a TIMEOUT", "ERR No value provided for TIMEOUT in AI.SCRIPTEXECUTE"),
        ("@ INPUTS 1 a TIMEOUT x", "ERR Invalid value for TIMEOUT"),
        ("@ INPUTS 1 a TIMEOUT 0", "ERR Invalid value for TIMEOUT"),
        ("@ INPUTS 1 a TIMEOUT -5", "ERR Invalid value for TIMEOUT"),
        ("@ INPUTS 1 a TIMEOUT 5 OUTPUTS 1 c", "ERR Encountered problem parsing AI.SCRIPTEXECUTE"),
        ("@ INPUTS 1 a BOGUS", "ERR Invalid AI.SCRIPTEXECUTE command. Unexpected argument: BOGUS"),
        ("@ INPUTS 1 a b", "ERR Invalid AI.SCRIPTEXECUTE command. Unexpected argument: b"),
        ("@ KEYS 1", "ERR Missing arguments after KEYS keyword"),
        ("@ KEYS", "ERR Missing arguments after KEYS keyword"),
        ("@ KEYS 0 k", "ERR Invalid or negative value found in number of KEYS"),
        ("@ KEYS -1 k", "ERR Invalid or negative value found in number of KEYS"),
        ("@ KEYS z k", "ERR Invalid or negative value found in number of KEYS"),
        ("@ KEYS 3 k1 k2", "ERR Number of pre declared KEYS to be used in the command does not match the number of given arguments"),
        ("@ INPUTS", "ERR Invalid arguments provided to AI.SCRIPTEXECUTE"),
        ("@ INPUTS 1 a OUTPUTS", "ERR Invalid arguments provided to AI.SCRIPTEXECUTE"),
        ("@ INPUTS 1 a ARGS", "ERR Invalid arguments provided to AI.SCRIPTEXECUTE"),
        ("@ INPUTS z a", "ERR Invalid argument for inputs count in AI.SCRIPTEXECUTE"),
        ("@ INPUTS 1 a OUTPUTS z c", "ERR Invalid argument for outputs count in AI.SCRIPTEXECUTE"),
        // RedisAI's copy-paste slip: ARGS reports "keys".
        ("@ INPUTS 1 a ARGS z y", "ERR Invalid argument for keys count in AI.SCRIPTEXECUTE"),
        ("@ INPUTS 3 a b", "ERR number of inputs to AI.SCRIPTEXECUTE command does not match the number of given arguments"),
        ("@ INPUTS 1 a ARGS 2 y", "ERR number of args to AI.SCRIPTEXECUTE command does not match the number of given arguments"),
        ("@ INPUTS 1 a OUTPUTS 2 c", "ERR number of outputs to AI.SCRIPTEXECUTE command does not match the number of given arguments"),
        // After parsing: the inputs, then the outputs' type (Decision 5).
        ("@ INPUTS 2 a missing OUTPUTS 1 c", "ERR tensor key is empty or in a different shard"),
        ("@ INPUTS 2 a str OUTPUTS 1 c", WRONGTYPE),
        ("@ INPUTS 2 a s OUTPUTS 1 c", WRONGTYPE),
        ("@ INPUTS 2 a b OUTPUTS 1 str", WRONGTYPE),
        ("@ INPUTS 2 a b OUTPUTS 2 c legacy", WRONGTYPE),
    ];
    for (line, want) in cases {
        let line = line.replace('@', x);
        assert_eq!(err(&mut c, &w(&line)), *want, "{line}");
    }
    // Decision 5: the script never ran (`mark` would have set `marked`),
    // and none of the above is counted.
    assert_eq!(
        err(
            &mut c,
            &w("AI.SCRIPTEXECUTE s mark KEYS 1 marked INPUTS 1 a OUTPUTS 1 str")
        ),
        WRONGTYPE
    );
    assert_eq!(c.cmd(&w("EXISTS marked c")).expect("reply").int(), 0);
    assert_eq!(c.cmd(&w("GET str")).expect("reply").bulk(), b"x");
    assert_eq!(calls_errors(&mut c, "s"), (0, 0));
}

#[test]
fn scriptrun_parse_errors() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    setup(&mut c);
    let x = "AI.SCRIPTRUN legacy add";
    let cases: &[(&str, &str)] = &[
        (
            "AI.SCRIPTRUN",
            "ERR wrong number of arguments for 'AI.SCRIPTRUN' command",
        ),
        (
            "AI.SCRIPTRUN legacy",
            "ERR wrong number of arguments for 'AI.SCRIPTRUN' command",
        ),
        (
            "AI.SCRIPTRUN nope add INPUTS a b OUTPUTS c",
            "ERR script key is empty",
        ),
        ("AI.SCRIPTRUN nope add BOGUS", "ERR script key is empty"),
        ("AI.SCRIPTRUN str add INPUTS a b OUTPUTS c", WRONGTYPE),
        (
            "@ TIMEOUT 5 INPUTS a b TIMEOUT 5 OUTPUTS c",
            "ERR Already encountered an TIMEOUT section in SCRIPTRUN",
        ),
        (
            "@ INPUTS a OUTPUTS c INPUTS b",
            "ERR Already encountered an INPUTS section in SCRIPTRUN",
        ),
        (
            "@ INPUTS a INPUTS b OUTPUTS c",
            "ERR Already encountered an INPUTS keyword in SCRIPTRUN",
        ),
        (
            "@ INPUTS a b OUTPUTS c OUTPUTS d",
            "ERR Already encountered an OUTPUTS keyword in SCRIPTRUN",
        ),
        (
            "@ INPUTS a b OUTPUTS $ c",
            "ERR Encountered a variable size list of tensors outside of input section",
        ),
        (
            "@ $ INPUTS a b OUTPUTS c",
            "ERR Encountered a variable size list of tensors outside of input section",
        ),
        (
            "@ INPUTS a $ b $ b OUTPUTS c",
            "ERR Already encountered a variable size list of tensors",
        ),
        (
            "@ a INPUTS a b OUTPUTS c",
            "ERR Unrecongnized parameter to SCRIPTRUN",
        ),
        (
            "@ INPUTS a b OUTPUTS c TIMEOUT",
            "ERR No value provided for TIMEOUT",
        ),
        (
            "@ TIMEOUT x INPUTS a b OUTPUTS c",
            "ERR Invalid value for TIMEOUT",
        ),
        (
            "@ INPUTS a missing OUTPUTS c",
            "ERR tensor key is empty or in a different shard",
        ),
        ("@ INPUTS a str OUTPUTS c", WRONGTYPE),
        ("@ INPUTS a b OUTPUTS str", WRONGTYPE),
    ];
    for (line, want) in cases {
        let line = line.replace('@', x);
        assert_eq!(err(&mut c, &w(&line)), *want, "{line}");
    }
    assert_eq!(c.cmd(&w("EXISTS c d")).expect("reply").int(), 0);
    assert_eq!(calls_errors(&mut c, "legacy"), (0, 0));
}

#[test]
fn entry_point_and_positional_calls() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    setup(&mut c);
    // The entry point gets (tensors, keys, args).
    run_ok(
        &mut c,
        "AI.SCRIPTEXECUTE s bar KEYS 1 k INPUTS 2 a b ARGS 1 z OUTPUTS 1 c",
    );
    assert_eq!(floats(&mut c, "c"), [11.0, 22.0]);
    assert_eq!(
        c.cmd(&w("AI.TENSORGET c META")).expect("reply"),
        Reply::Array(vec![
            Reply::Bulk(b"dtype".to_vec()),
            Reply::Bulk(b"FLOAT".to_vec()),
            Reply::Bulk(b"shape".to_vec()),
            Reply::Array(vec![Reply::Int(2)]),
        ])
    );
    run_ok(&mut c, "ai.scriptexecute s bar inputs 2 b b outputs 1 c");
    assert_eq!(floats(&mut c, "c"), [20.0, 40.0]);
    // Non-entry functions: positional; a List[Tensor] takes the rest.
    run_ok(&mut c, "AI.SCRIPTEXECUTE s add INPUTS 2 a b OUTPUTS 1 c");
    assert_eq!(floats(&mut c, "c"), [11.0, 22.0]);
    run_ok(
        &mut c,
        "AI.SCRIPTEXECUTE s sum_rest INPUTS 4 a b b b OUTPUTS 1 c",
    );
    assert_eq!(floats(&mut c, "c"), [31.0, 62.0]);
    run_ok(&mut c, "AI.SCRIPTEXECUTE s sum_rest INPUTS 1 a OUTPUTS 1 c");
    assert_eq!(floats(&mut c, "c"), [1.0, 2.0]);
    // A tuple, and nested lists/tuples, are flattened in order.
    run_ok(&mut c, "AI.SCRIPTEXECUTE s pair INPUTS 2 b a OUTPUTS 2 d e");
    assert_eq!(floats(&mut c, "d"), [9.0, 18.0]);
    assert_eq!(floats(&mut c, "e"), [10.0, 40.0]);
    run_ok(
        &mut c,
        "AI.SCRIPTEXECUTE s nested INPUTS 2 a b OUTPUTS 3 d e f",
    );
    assert_eq!(floats(&mut c, "d"), [1.0, 2.0]);
    assert_eq!(floats(&mut c, "e"), [10.0, 20.0]);
    assert_eq!(floats(&mut c, "f"), [11.0, 22.0]);
    // A TIMEOUT that does not expire changes nothing.
    run_ok(
        &mut c,
        "AI.SCRIPTEXECUTE s add INPUTS 2 a a OUTPUTS 1 c TIMEOUT 60000",
    );
    assert_eq!(floats(&mut c, "c"), [2.0, 4.0]);
    let cases = [
        (
            "AI.SCRIPTEXECUTE s nope INPUTS 1 a OUTPUTS 1 c",
            "Function does not exist: nope",
        ),
        (
            "AI.SCRIPTEXECUTE s takes_int INPUTS 2 a b OUTPUTS 1 c",
            "Unsupported input type in function definition: takes_int",
        ),
        (
            "AI.SCRIPTEXECUTE s add INPUTS 1 a OUTPUTS 1 c",
            "Wrong number of inputs provided to function: add",
        ),
        (
            "AI.SCRIPTEXECUTE s pair INPUTS 2 a b OUTPUTS 1 c",
            "Function returned unexpected number of outputs - pair",
        ),
        (
            "AI.SCRIPTEXECUTE s add INPUTS 2 a b OUTPUTS 2 c d",
            "Function returned unexpected number of outputs - add",
        ),
        (
            "AI.SCRIPTEXECUTE s gives_int INPUTS 1 a OUTPUTS 1 c",
            "Function returned non-tensor valuesgives_int",
        ),
        // SCRIPTSET's `bar` is positional: its List[str] parameters are not tensors.
        (
            "AI.SCRIPTEXECUTE legacy bar INPUTS 2 a b OUTPUTS 1 c",
            "Unsupported input type in function definition: bar",
        ),
    ];
    for (line, want) in cases {
        assert_eq!(err(&mut c, &w(line)), want, "{line}");
    }
    // An empty function name is a missing function (not a libtorch
    // assertion text); backend texts are trimmed, so no trailing space.
    let e = err(&mut c, &["AI.SCRIPTEXECUTE", "s", "", "INPUTS", "1", "a"]);
    assert_eq!(e, "Function does not exist:");
    // No failed call wrote its outputs.
    assert_eq!(floats(&mut c, "c"), [2.0, 4.0]);
    assert_eq!(floats(&mut c, "d"), [1.0, 2.0]);
    // The legacy path: SCRIPTSET + SCRIPTRUN, with and without `$` (the
    // signature decides how inputs bind), and TIMEOUT anywhere.
    run_ok(&mut c, "AI.SCRIPTRUN legacy add INPUTS a b OUTPUTS c");
    assert_eq!(floats(&mut c, "c"), [11.0, 22.0]);
    run_ok(
        &mut c,
        "AI.SCRIPTRUN legacy sum_rest INPUTS a $ b b OUTPUTS c",
    );
    assert_eq!(floats(&mut c, "c"), [21.0, 42.0]);
    run_ok(
        &mut c,
        "AI.SCRIPTRUN legacy sum_rest INPUTS a b b b OUTPUTS c",
    );
    assert_eq!(floats(&mut c, "c"), [31.0, 62.0]);
    run_ok(
        &mut c,
        "AI.SCRIPTRUN legacy add TIMEOUT 60000 INPUTS b b OUTPUTS c",
    );
    assert_eq!(floats(&mut c, "c"), [20.0, 40.0]);
    run_ok(
        &mut c,
        "AI.SCRIPTRUN legacy add INPUTS a TIMEOUT 60000 a OUTPUTS c",
    );
    assert_eq!(floats(&mut c, "c"), [2.0, 4.0]);
    // SCRIPTRUN of an entry point calls it as (tensors, [], []).
    run_ok(&mut c, "AI.SCRIPTRUN s bar INPUTS a b OUTPUTS c");
    assert_eq!(floats(&mut c, "c"), [11.0, 22.0]);
    assert_eq!(
        err(&mut c, &w("AI.SCRIPTRUN legacy add INPUTS a OUTPUTS c")),
        "Wrong number of inputs provided to function: add"
    );
    assert_eq!(
        err(&mut c, &w("AI.SCRIPTRUN legacy nope INPUTS a OUTPUTS c")),
        "Function does not exist: nope"
    );
    // Outputs overwrite tensors, with the script's dtype and shape.
    ok(&mut c, &w("AI.TENSORSET c INT8 1 VALUES 7"));
    run_ok(&mut c, "AI.SCRIPTRUN legacy add INPUTS a a OUTPUTS c");
    assert_eq!(floats(&mut c, "c"), [2.0, 4.0]);
}

/// AI.INFO of a script: type SCRIPT, backend TORCH, samples -1, every run
/// counted in calls and every failed run in errors (§1.5).
#[test]
fn info_counts_script_runs() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    setup(&mut c);
    for _ in 0..3 {
        run_ok(&mut c, "AI.SCRIPTEXECUTE s bar INPUTS 2 a b OUTPUTS 1 c");
    }
    run_ok(&mut c, "AI.SCRIPTEXECUTE s add INPUTS 2 a b OUTPUTS 1 c");
    for line in [
        "AI.SCRIPTEXECUTE s nope INPUTS 1 a OUTPUTS 1 c",
        "AI.SCRIPTEXECUTE s add INPUTS 1 a OUTPUTS 1 c",
        "AI.SCRIPTEXECUTE s boom INPUTS 1 a OUTPUTS 1 c",
    ] {
        err(&mut c, &w(line));
    }
    let info = c.cmd(&["AI.INFO", "s"]).expect("reply");
    let a = info.array();
    let text: Vec<String> = a.iter().step_by(2).map(Reply::text).collect();
    assert_eq!(
        text,
        ["key", "type", "backend", "device", "tag", "duration", "samples", "calls", "errors"]
    );
    assert_eq!(a[1], Reply::Bulk(b"s".to_vec()));
    assert_eq!(a[3].text(), "SCRIPT");
    assert_eq!(a[5].text(), "TORCH");
    assert_eq!(a[7].text(), "CPU");
    assert_eq!(a[9].text(), "v1");
    assert!(a[11].int() > 0, "{info:?}");
    assert_eq!(a[13], Reply::Int(-1));
    assert_eq!((a[15].int(), a[17].int()), (7, 3), "{info:?}");
    ok(&mut c, &w("AI.INFO s RESETSTAT"));
    let info = c.cmd(&["AI.INFO", "s"]).expect("reply");
    assert_eq!(info.array()[11], Reply::Int(0));
    assert_eq!(calls_errors(&mut c, "s"), (0, 0));
    // A function returning the wrong number of tensors is a failed run.
    err(
        &mut c,
        &w("AI.SCRIPTEXECUTE s pair INPUTS 2 a b OUTPUTS 1 c"),
    );
    assert_eq!(calls_errors(&mut c, "s"), (1, 1));
}

#[test]
fn refused_in_multi_and_lua_and_keys_reported() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    setup(&mut c);
    let refused = "ERR Cannot run RedisAI command within a transaction or a LUA script";
    ok(&mut c, &["MULTI"]);
    let queued = [
        "AI.SCRIPTEXECUTE s bar INPUTS 2 a b OUTPUTS 1 c",
        "AI.SCRIPTRUN legacy add INPUTS a b OUTPUTS c",
        "SET after multi",
    ];
    for line in queued {
        assert_eq!(c.cmd(&w(line)).expect("reply"), status("QUEUED"), "{line}");
    }
    let exec = c.cmd(&["EXEC"]).expect("reply");
    let r = exec.array();
    assert_eq!(r.len(), 3, "{exec:?}");
    assert_eq!(r[0].err(), refused);
    assert_eq!(r[1].err(), refused);
    assert!(r[2].is_ok(), "{exec:?}");
    let lua = c
        .cmd(&[
            "EVAL",
            "return redis.pcall('AI.SCRIPTEXECUTE', 's', 'bar', 'INPUTS', 2, 'a', 'b', 'OUTPUTS', 1, 'c')",
            "0",
        ])
        .expect("reply");
    assert_eq!(lua.err(), refused);
    assert_eq!(c.cmd(&w("EXISTS c")).expect("reply").int(), 0);
    assert_eq!(calls_errors(&mut c, "s"), (0, 0));
    // getkeys-api (Decision 8): the script, KEYS, INPUTS and OUTPUTS, not
    // ARGS or TIMEOUT's value.
    let keys = |c: &mut Conn, line: &str| -> Vec<String> {
        let mut a = vec!["COMMAND", "GETKEYS"];
        a.extend(w(line));
        let r = c.cmd(&a).expect("reply");
        r.array().iter().map(Reply::text).collect()
    };
    assert_eq!(
        keys(
            &mut c,
            "AI.SCRIPTEXECUTE s bar KEYS 2 k1 k2 INPUTS 1 a ARGS 2 x y OUTPUTS 1 o TIMEOUT 5"
        ),
        ["s", "k1", "k2", "a", "o"]
    );
    assert_eq!(
        keys(
            &mut c,
            "AI.SCRIPTRUN s add TIMEOUT 5 INPUTS a $ b OUTPUTS o"
        ),
        ["s", "a", "b", "o"]
    );
}

/// A script that raises: the error reply carries its message, and the
/// server (and the script) go on working.
#[test]
fn a_raising_script_is_an_error_reply() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    setup(&mut c);
    for _ in 0..3 {
        let e = err(
            &mut c,
            &w("AI.SCRIPTEXECUTE s boom KEYS 1 k INPUTS 1 a OUTPUTS 1 c"),
        );
        assert!(e.contains("AssertionError: boom"), "{e}");
        // Backend errors are single-lined (§1.9).
        assert!(!e.contains('\n') && !e.contains('\r'), "{e:?}");
        assert!(s.alive());
    }
    // `raise Exception(...)` compiles and is the reply.
    let e = err(
        &mut c,
        &w("AI.SCRIPTEXECUTE s boom KEYS 1 k INPUTS 1 a ARGS 1 here OUTPUTS 1 c"),
    );
    assert!(e.contains("Exception: raised here"), "{e}");
    assert_eq!(c.cmd(&w("EXISTS c")).expect("reply").int(), 0);
    run_ok(&mut c, "AI.SCRIPTEXECUTE s bar INPUTS 2 a b OUTPUTS 1 c");
    assert_eq!(floats(&mut c, "c"), [11.0, 22.0]);
    // A runtime error inside torch (shapes that do not broadcast).
    ok(&mut c, &w("AI.TENSORSET v3 FLOAT 3 VALUES 1 2 3"));
    let e = err(
        &mut c,
        &w("AI.SCRIPTEXECUTE s add INPUTS 2 a v3 OUTPUTS 1 c"),
    );
    assert!(e.contains("must match the size of tensor b"), "{e}");
    assert!(s.alive());
    assert_eq!(calls_errors(&mut c, "s"), (6, 5));
}
