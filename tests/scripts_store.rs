//! Stored scripts: AI.SCRIPTSTORE / AI.SCRIPTSET / AI.SCRIPTGET /
//! AI.SCRIPTDEL / AI._SCRIPTSCAN and their error texts, AI.INFO of a script,
//! COPY, MEMORY USAGE, DEBUG RELOAD, AOF rewrite without an RDB preamble
//! (both the SCRIPTSTORE and the SCRIPTSET forms replay), replication, and
//! RESTORE of RedisAI's `AI_SCRIPT` payloads for every encver.

mod common;
#[path = "scripts_store/restore.rs"]
mod restore;

use common::{err, ok, Conn, Reply, Server};

pub(crate) const SRC: &str = "def bar(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0] + tensors[1]\n";
/// A script for AI.SCRIPTSET: its function is called positionally.
const SET_SRC: &str = "def add(a, b):\n    return a + b\n";

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

fn arity(cmd: &str) -> String {
    format!("ERR wrong number of arguments for '{cmd}' command")
}

fn store(c: &mut Conn, key: &str, extra: &[&str]) -> Reply {
    let mut a = vec!["AI.SCRIPTSTORE", key, "CPU"];
    a.extend_from_slice(extra);
    a.extend(["ENTRY_POINTS", "1", "bar", "SOURCE", SRC]);
    c.cmd(&a).expect("reply")
}

/// `s` (SCRIPTSTORE, tag v1, device `cpu` as sent) and `legacy`
/// (SCRIPTSET, no entry points).
fn load_scripts(c: &mut Conn) {
    let a = [
        "AI.SCRIPTSTORE",
        "s",
        "cpu",
        "TAG",
        "v1",
        "ENTRY_POINTS",
        "1",
        "bar",
        "SOURCE",
        SRC,
    ];
    ok(c, &a);
    ok(c, &["AI.SCRIPTSET", "legacy", "CPU", "SOURCE", SET_SRC]);
}

fn snapshot(c: &mut Conn, keys: &[&str]) -> Vec<Reply> {
    keys.iter()
        .flat_map(|k| {
            [
                c.cmd(&["AI.SCRIPTGET", k]).expect("reply"),
                c.cmd(&["DEBUG", "DIGEST-VALUE", k]).expect("reply"),
                c.cmd(&["TYPE", k]).expect("reply"),
            ]
        })
        .collect()
}

fn bulks(items: &[&str]) -> Vec<Reply> {
    items
        .iter()
        .map(|s| Reply::Bulk(s.as_bytes().to_vec()))
        .collect()
}

/// SCRIPTGET of `s` as `load_scripts` stored it.
pub(crate) fn full_get(device: &str, tag: &str, entry_points: &[&str], src: &str) -> Reply {
    let mut r = bulks(&["device", device, "tag", tag, "Entry Points"]);
    r.push(Reply::Array(bulks(entry_points)));
    r.extend(bulks(&["source", src]));
    Reply::Array(r)
}

/// Every error that comes before compiling, with its exact text. These need
/// no TorchScript.
#[test]
fn store_get_del_errors() {
    let s = Server::start();
    let mut c = s.conn();
    let e = |c: &mut Conn, a: &[&str]| err(c, a);
    // AI.SCRIPTSTORE: argc < 8, then RedisAI's sequence.
    assert_eq!(e(&mut c, &["AI.SCRIPTSTORE", "s"]), arity("AI.SCRIPTSTORE"));
    assert_eq!(
        e(
            &mut c,
            &[
                "AI.SCRIPTSTORE",
                "s",
                "CPU",
                "ENTRY_POINTS",
                "1",
                "bar",
                "SOURCE"
            ]
        ),
        arity("AI.SCRIPTSTORE")
    );
    let missing_ep = "ERR Insufficient arguments, missing script entry points";
    let missing_src = "ERR Insufficient arguments, missing script SOURCE";
    let cases: &[(&[&str], &str)] = &[
        (&["s", "CPU", "TAG", "t", "SOURCE", SRC, "x"], missing_ep),
        (
            &["s", "CPU", "SOURCE", SRC, "ENTRY_POINTS", "1", "bar"],
            missing_ep,
        ),
        (
            &["s", "CPU", "ENTRY_POINTS", "one", "bar", "SOURCE", SRC],
            "ERR Non numeric entry points number provided to AI.SCRIPTSTORE command",
        ),
        (
            &["s", "CPU", "ENTRY_POINTS", "5", "bar", "SOURCE", SRC],
            missing_ep,
        ),
        (
            &["s", "CPU", "ENTRY_POINTS", "2", "bar", "SOURCE", SRC],
            missing_src,
        ),
        (
            &["s", "CPU", "ENTRY_POINTS", "1", "bar", "SRC", SRC],
            missing_src,
        ),
        (
            &["s", "CPU", "TAG", "t", "ENTRY_POINTS", "1", "bar", "SOURCE"],
            missing_src,
        ),
    ];
    for (args, want) in cases {
        let mut a = vec!["AI.SCRIPTSTORE"];
        a.extend_from_slice(args);
        assert_eq!(e(&mut c, &a), *want, "{a:?}");
    }
    let e2 = e(
        &mut c,
        &[
            "AI.SCRIPTSTORE",
            "s",
            "CPU",
            "ENTRY_POINTS",
            "2000",
            "bar",
            "SOURCE",
            SRC,
        ],
    );
    assert!(e2.starts_with("ERR too many entry points"), "{e2}");
    // AI.SCRIPTSET: argc 5 or 7 only.
    for a in [
        &["AI.SCRIPTSET", "s", "CPU"][..],
        &["AI.SCRIPTSET", "s", "CPU", "SOURCE"][..],
        &["AI.SCRIPTSET", "s", "CPU", "TAG", "t", "SOURCE"][..],
        &[
            "AI.SCRIPTSET",
            "s",
            "CPU",
            "TAG",
            "t",
            "SOURCE",
            SET_SRC,
            "x",
        ][..],
    ] {
        assert_eq!(e(&mut c, a), arity("AI.SCRIPTSET"), "{a:?}");
    }
    assert_eq!(
        e(&mut c, &["AI.SCRIPTSET", "s", "CPU", "TAG", "t"]),
        missing_src
    );
    assert_eq!(
        e(&mut c, &["AI.SCRIPTSET", "s", "CPU", "SRC", SET_SRC]),
        missing_src
    );
    // A device no script can run on fails to store, and creates nothing.
    let r = c
        .cmd(&[
            "AI.SCRIPTSTORE",
            "s",
            "bad_device",
            "ENTRY_POINTS",
            "1",
            "bar",
            "SOURCE",
            SRC,
        ])
        .expect("reply");
    assert!(r.is_error(), "{r:?}");
    assert_eq!(c.cmd(&["EXISTS", "s"]).expect("reply").int(), 0);

    // AI.SCRIPTGET, AI.SCRIPTDEL, AI._SCRIPTSCAN, AI.INFO.
    ok(&mut c, &["SET", "str", "x"]);
    ok(&mut c, &["AI.TENSORSET", "t", "FLOAT", "1", "VALUES", "1"]);
    assert_eq!(e(&mut c, &["AI.SCRIPTGET"]), arity("AI.SCRIPTGET"));
    assert_eq!(
        e(&mut c, &["AI.SCRIPTGET", "s", "META", "SOURCE", "x"]),
        arity("AI.SCRIPTGET")
    );
    assert_eq!(e(&mut c, &["AI.SCRIPTGET", "s"]), "ERR script key is empty");
    assert_eq!(
        e(&mut c, &["AI.SCRIPTGET", "s", "META"]),
        "ERR script key is empty"
    );
    assert_eq!(e(&mut c, &["AI.SCRIPTGET", "str"]), WRONGTYPE);
    assert_eq!(e(&mut c, &["AI.SCRIPTGET", "t", "SOURCE"]), WRONGTYPE);
    assert_eq!(e(&mut c, &["AI.SCRIPTDEL"]), arity("AI.SCRIPTDEL"));
    assert_eq!(
        e(&mut c, &["AI.SCRIPTDEL", "s", "x"]),
        arity("AI.SCRIPTDEL")
    );
    assert_eq!(e(&mut c, &["AI.SCRIPTDEL", "s"]), "ERR script key is empty");
    assert_eq!(e(&mut c, &["AI.SCRIPTDEL", "str"]), WRONGTYPE);
    assert_eq!(e(&mut c, &["AI.SCRIPTDEL", "t"]), WRONGTYPE);
    assert_eq!(e(&mut c, &["AI._SCRIPTSCAN", "x"]), arity("AI._SCRIPTSCAN"));
    assert_eq!(
        c.cmd(&["AI._SCRIPTSCAN"]).expect("reply"),
        Reply::Array(vec![])
    );
    for k in ["s", "t", "str"] {
        assert_eq!(
            e(&mut c, &["AI.INFO", k]),
            "ERR cannot find run info for key"
        );
    }
    assert!(s.alive());
}

/// Needs TorchScript compilation.
#[test]
fn store_get_info_copy_del() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    load_scripts(&mut c);
    assert_eq!(c.cmd(&["TYPE", "s"]).expect("reply").text(), "AI_SCRIPT");
    // The device is kept as sent; the reply order is RedisAI's.
    let full = full_get("cpu", "v1", &["bar"], SRC);
    assert_eq!(c.cmd(&["AI.SCRIPTGET", "s"]).expect("reply"), full);
    assert_eq!(
        c.cmd(&["AI.SCRIPTGET", "s", "meta", "source"])
            .expect("reply"),
        full
    );
    assert_eq!(c.cmd(&["AI.SCRIPTGET", "s", "bogus"]).expect("reply"), full);
    let meta = c.cmd(&["AI.SCRIPTGET", "s", "META"]).expect("reply");
    assert_eq!(meta.array(), &full.array()[..6]);
    assert_eq!(
        c.cmd(&["AI.SCRIPTGET", "s", "SOURCE"]).expect("reply"),
        Reply::Bulk(SRC.as_bytes().to_vec())
    );
    assert_eq!(
        c.cmd(&["AI.SCRIPTGET", "legacy"]).expect("reply"),
        full_get("CPU", "", &[], SET_SRC)
    );

    // AI.INFO: type SCRIPT, backend TORCH, samples -1, fresh counters.
    let info = c.cmd(&["AI.INFO", "s"]).expect("reply");
    let mut want = bulks(&["key", "s", "type", "SCRIPT", "backend", "TORCH"]);
    want.extend(bulks(&["device", "cpu", "tag", "v1", "duration"]));
    want.push(Reply::Int(0));
    want.extend(bulks(&["samples"]));
    want.push(Reply::Int(-1));
    want.extend(bulks(&["calls"]));
    want.push(Reply::Int(0));
    want.extend(bulks(&["errors"]));
    want.push(Reply::Int(0));
    assert_eq!(info, Reply::Array(want));
    ok(&mut c, &["AI.INFO", "s", "RESETSTAT"]);
    assert_eq!(
        c.cmd(&["AI.INFO", "legacy"]).expect("reply").array()[13].int(),
        -1
    );

    // MEMORY USAGE counts the source; COPY makes an equal script.
    let usage = c.cmd(&["MEMORY", "USAGE", "s"]).expect("reply").int();
    assert!(usage as usize > SRC.len(), "{usage}");
    assert_eq!(c.cmd(&["COPY", "s", "s2"]).expect("reply").int(), 1);
    assert_eq!(snapshot(&mut c, &["s2"]), snapshot(&mut c, &["s"]));
    assert_eq!(
        c.cmd(&["AI.INFO", "s2"]).expect("reply").array()[3].bulk(),
        b"SCRIPT"
    );

    // Overwrite; WRONGTYPE is checked only after the script compiled.
    assert!(store(&mut c, "s2", &["TAG", "v2"]).is_ok());
    assert_eq!(
        c.cmd(&["AI.SCRIPTGET", "s2", "META"])
            .expect("reply")
            .array()[3]
            .bulk(),
        b"v2"
    );
    ok(&mut c, &["SET", "str", "x"]);
    assert_eq!(store(&mut c, "str", &[]).err(), WRONGTYPE);
    let r = c
        .cmd(&["AI.SCRIPTSET", "str", "CPU", "SOURCE", SET_SRC])
        .expect("reply");
    assert_eq!(r.err(), WRONGTYPE);
    assert_eq!(c.cmd(&["GET", "str"]).expect("reply").bulk(), b"x");

    // Compile and entry point errors come back verbatim; the key is untouched.
    let bad: &[(&[&str], &str)] = &[
        (
            &["ENTRY_POINTS", "1", "baz", "SOURCE", SRC],
            "Function baz does not exist in the given script.",
        ),
        (
            &["ENTRY_POINTS", "1", "f", "SOURCE", "def f(a: List[Tensor], b: List[str]):\n    return a[0]\n"],
            "Wrong number of inputs in function f. Expected 3 but was 2",
        ),
        (
            &["ENTRY_POINTS", "1", "f", "SOURCE", "def f(a, b, c):\n    return a\n"],
            "Wrong inputs type in function f. Expected signature similar to: def f(tensors: List[Tensor], keys: List[str], args: List[str])",
        ),
    ];
    for (tail, want) in bad {
        let mut a = vec!["AI.SCRIPTSTORE", "s", "CPU"];
        a.extend_from_slice(tail);
        assert_eq!(err(&mut c, &a), *want);
    }
    let r = c
        .cmd(&[
            "AI.SCRIPTSTORE",
            "s",
            "CPU",
            "ENTRY_POINTS",
            "1",
            "bar",
            "SOURCE",
            "def bar(:",
        ])
        .expect("reply");
    assert!(r.is_error() && !r.err().starts_with("ERR "), "{r:?}");
    assert_eq!(c.cmd(&["AI.SCRIPTGET", "s"]).expect("reply"), full);

    // MULTI stores inline; _SCRIPTSCAN lists every script with its tag.
    ok(&mut c, &["MULTI"]);
    c.cmd(&["SELECT", "1"]).expect("queued");
    let a = [
        "AI.SCRIPTSET",
        "other_db",
        "CPU",
        "TAG",
        "db1",
        "SOURCE",
        SET_SRC,
    ];
    c.cmd(&a).expect("queued");
    c.cmd(&["SELECT", "0"]).expect("queued");
    let exec = c.cmd(&["EXEC"]).expect("reply");
    assert!(exec.array().iter().all(Reply::is_ok), "{exec:?}");
    // So does Lua.
    let lua = "return redis.call('AI.SCRIPTSET', KEYS[1], 'CPU', 'TAG', 'l', 'SOURCE', ARGV[1])";
    ok(&mut c, &["EVAL", lua, "1", "lua", SET_SRC]);
    let scan = c.cmd(&["AI._SCRIPTSCAN"]).expect("reply");
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = scan
        .array()
        .iter()
        .map(|p| (p.array()[0].bulk().to_vec(), p.array()[1].bulk().to_vec()))
        .collect();
    pairs.sort();
    let want: Vec<(Vec<u8>, Vec<u8>)> = [
        ("legacy", ""),
        ("lua", "l"),
        ("other_db", "db1"),
        ("s", "v1"),
        ("s2", "v2"),
    ]
    .iter()
    .map(|(k, t)| (k.as_bytes().to_vec(), t.as_bytes().to_vec()))
    .collect();
    assert_eq!(pairs, want);

    // SCRIPTDEL, and DEL, remove a script.
    ok(&mut c, &["AI.SCRIPTDEL", "s"]);
    assert_eq!(
        err(&mut c, &["AI.SCRIPTGET", "s"]),
        "ERR script key is empty"
    );
    assert_eq!(c.cmd(&["DEL", "s2"]).expect("reply").int(), 1);
    assert_eq!(
        err(&mut c, &["AI.INFO", "s2"]),
        "ERR cannot find run info for key"
    );
}

/// Needs TorchScript compilation.
#[test]
fn debug_reload_recompiles_scripts() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    load_scripts(&mut c);
    let before = snapshot(&mut c, &["s", "legacy"]);
    ok(&mut c, &["DEBUG", "RELOAD"]);
    assert_eq!(snapshot(&mut c, &["s", "legacy"]), before);
    assert_eq!(
        c.cmd(&["AI.INFO", "s"]).expect("reply").array()[15].int(),
        0
    );
}

/// Needs TorchScript compilation.
#[test]
fn aof_rewrite_emits_scriptstore_and_scriptset() {
    skip_unless!("torch");
    let mut s = Server::with(
        &[],
        &["--appendonly", "yes", "--aof-use-rdb-preamble", "no"],
    );
    let mut c = s.conn();
    load_scripts(&mut c);
    ok(
        &mut c,
        &[
            "AI.SCRIPTSTORE",
            "none",
            "CPU",
            "TAG",
            "z",
            "ENTRY_POINTS",
            "0",
            "SOURCE",
            SET_SRC,
        ],
    );
    let keys = ["s", "legacy", "none"];
    let before = snapshot(&mut c, &keys);
    let text = s.rewrite_aof();
    assert!(!text.starts_with(b"REDIS"));
    let count = |w: &[u8]| text.windows(w.len()).filter(|x| *x == w).count();
    // A script without entry points is rewritten as AI.SCRIPTSET (Decision 7).
    assert_eq!(count(b"AI.SCRIPTSTORE"), 1);
    assert_eq!(count(b"AI.SCRIPTSET"), 2);
    // Stores after the rewrite reach the AOF verbatim.
    assert!(store(&mut c, "after", &[]).is_ok());
    let after = snapshot(&mut c, &["after"]);
    s.restart("NOSAVE");
    let mut c = s.conn();
    assert_eq!(snapshot(&mut c, &keys), before);
    assert_eq!(snapshot(&mut c, &["after"]), after);
}

/// Needs TorchScript compilation.
#[test]
fn replica_receives_scripts() {
    skip_unless!("torch");
    let primary = Server::start();
    let replica = Server::start();
    replica.replicate_from(&primary);
    let mut p = primary.conn();
    let mut r = replica.conn();
    load_scripts(&mut p);
    assert!(store(&mut p, "gone", &[]).is_ok());
    ok(&mut p, &["AI.SCRIPTDEL", "gone"]);
    let want = primary.info_field("replication", "master_repl_offset");
    replica.wait_for("the replica to catch up", 30, |s| {
        s.info_field("replication", "slave_repl_offset") == want
    });
    let keys = ["s", "legacy"];
    assert_eq!(snapshot(&mut r, &keys), snapshot(&mut p, &keys));
    assert_eq!(r.cmd(&["EXISTS", "gone"]).expect("reply").int(), 0);
    assert_eq!(
        r.cmd(&["AI.INFO", "s"]).expect("reply"),
        p.cmd(&["AI.INFO", "s"]).expect("reply")
    );
}
