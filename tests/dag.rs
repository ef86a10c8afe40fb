//! AI.DAGEXECUTE[_RO] and AI.DAGRUN[_RO] over the wire.

mod common;

use common::{err, floats, ok, store_model, Reply, Server};

fn status(s: &str) -> Reply {
    Reply::Status(s.into())
}

#[test]
fn header_and_op_errors() {
    let s = Server::start();
    let mut c = s.conn();
    ok(&mut c, &["AI.TENSORSET", "x", "FLOAT", "1", "VALUES", "1"]);
    ok(&mut c, &["SET", "str", "v"]);
    let d = "AI.DAGEXECUTE";
    let cases: &[(&[&str], &str)] = &[
        (&[d, "LOAD", "1", "x", "|>"], "ERR missing arguments for 'AI.DAGEXECUTE' command"),
        (&["AI.DAGRUN", "|>", "AI.TENSORGET"], "ERR wrong number of arguments for 'AI.DAGRUN' command"),
        // Arity -1: the module's own texts, not Redis's, also with no argument.
        (&[d], "ERR missing arguments for 'AI.DAGEXECUTE' command"),
        (&["AI.DAGEXECUTE_RO"], "ERR missing arguments for 'AI.DAGEXECUTE_RO' command"),
        (&["AI.DAGEXECUTE_RO", "LOAD", "1", "x", "|>"], "ERR missing arguments for 'AI.DAGEXECUTE_RO' command"),
        (&["AI.DAGRUN"], "ERR wrong number of arguments for 'AI.DAGRUN' command"),
        (&["AI.DAGRUN_RO"], "ERR wrong number of arguments for 'AI.DAGRUN_RO' command"),
        (&["AI.DAGRUN_RO", "LOAD", "1"], "ERR wrong number of arguments for 'AI.DAGRUN_RO' command"),
        (&[d, "LOAD", "1", "x", "LOAD", "1", "x", "|>", "AI.TENSORGET", "x"], "ERR Invalid DAG command. Unexpected argument:  LOAD"),
        (&[d, "LOAD", "1", "x", "BOGUS", "|>", "AI.TENSORGET", "x"], "ERR Invalid DAG command. Unexpected argument:  BOGUS"),
        (&[d, "LOAD", "1", "|>", "AI.TENSORGET", "x", "META"], "ERR missing arguments after LOAD keyword in DAG command"),
        (&[d, "LOAD", "0", "x", "|>", "AI.TENSORGET", "x"], "ERR invalid or negative value found in number of keys to LOAD"),
        // The token count is checked before the number (spec §1.4).
        (&[d, "PERSIST", "2", "k1", "k2", "LOAD", "1"], "ERR missing arguments after LOAD keyword in DAG command"),
        (&[d, "PERSIST", "2", "k1", "k2", "LOAD", "z"], "ERR missing arguments after LOAD keyword in DAG command"),
        (&[d, "LOAD", "1", "x", "PERSIST", "1"], "ERR missing arguments after PERSIST keyword in DAG command"),
        (&[d, "LOAD", "1", "x", "PERSIST", "z"], "ERR missing arguments after PERSIST keyword in DAG command"),
        (&[d, "ROUTING", "x", "PERSIST", "1", "|>", "AI.TENSORGET", "x"], "ERR missing arguments after PERSIST keyword in DAG command"),
        (&[d, "LOAD", "3", "x", "x", "|>", "AI.TENSORGET", "x"], "ERR number of keys to LOAD into DAG does not match the number of given arguments"),
        (&[d, "LOAD", "1", "nope", "|>", "AI.TENSORGET", "x"], "ERR tensor key is empty or in a different shard"),
        (&[d, "LOAD", "1", "str", "|>", "AI.TENSORGET", "x"], "WRONGTYPE Operation against a key holding the wrong kind of value"),
        (&[d, "PERSIST", "2", "a", "a", "|>", "AI.TENSORSET", "a", "FLOAT", "1", "VALUES", "1"], "ERR PERSIST keys must be unique"),
        (&[d, "PERSIST", "x", "a", "|>", "AI.TENSORSET", "a", "FLOAT", "1"], "ERR invalid or negative value found in number of keys to PERSIST"),
        (&["AI.DAGEXECUTE_RO", "PERSIST", "1", "a", "|>", "AI.TENSORSET", "a", "FLOAT", "1"], "ERR PERSIST cannot be specified in a read-only DAG"),
        (&[d, "ROUTING", "|>", "AI.TENSORGET", "x", "META"], "ERR Missing ROUTING value"),
        (&[d, "ROUTING", "x", "TIMEOUT", "|>", "AI.TENSORGET", "x"], "ERR No value provided for TIMEOUT"),
        (&[d, "ROUTING", "x", "TIMEOUT", "z", "|>", "AI.TENSORGET", "x"], "ERR Invalid value for TIMEOUT"),
        (&[d, "TIMEOUT", "5", "|>", "AI.TENSORSET", "a", "FLOAT", "1"], "ERR AI.DAGEXECUTE and AI.DAGEXECUTE_RO commands must contain at least one out of ROUTING, LOAD, PERSIST keywords"),
        (&[d, "LOAD", "1", "x", "ROUTING", "x"], "ERR DAG is empty"),
        (&[d, "LOAD", "1", "x", "|>", "AI.TENSORGET", "x", "|>"], "ERR Invalid DAG command. Unexpected argument:  |>"),
        (&[d, "LOAD", "1", "x", "|>", "SET", "k", "v"], "Unsupported command within DAG"),
        (&[d, "LOAD", "1", "x", "|>", "AI.TENSORSET", "a", "FLOAT"], "wrong number of arguments for 'AI.TENSORSET' command"),
        (&[d, "LOAD", "1", "x", "|>", "AI.TENSORGET"], "wrong number of arguments for 'AI.TENSORGET' command"),
        (&[d, "LOAD", "1", "x", "|>", "AI.TENSORSET", "a", "BAD", "1"], "ERR invalid data type"),
        (&[d, "LOAD", "1", "x", "|>", "AI.TENSORGET", "missing"], "ERR INPUT key cannot be found in DAG"),
        (&[d, "PERSIST", "1", "zz", "|>", "AI.TENSORSET", "a", "FLOAT", "1"], "ERR PERSIST key cannot be found in DAG"),
        (&[d, "LOAD", "1", "x", "|>", "AI.MODELRUN", "m", "INPUTS", "x", "OUTPUTS", "y"], "Deprecated AI.MODELRUN cannot be used in AI.DAGEXECUTE command"),
        (&[d, "LOAD", "1", "x", "|>", "AI.SCRIPTRUN", "s", "f", "INPUTS", "x"], "Deprecated AI.SCRIPTRUN cannot be used in AI.DAGEXECUTE command"),
        (&["AI.DAGRUN", "LOAD", "1", "x", "|>", "AI.MODELEXECUTE", "m", "INPUTS", "1", "x", "OUTPUTS", "1", "y"], "AI.MODELEXECUTE cannot be used in a deprecated AI.DAGRUN command"),
        (&["AI.DAGRUN", "LOAD", "1", "x", "|>", "AI.SCRIPTEXECUTE", "s", "f"], "AI.SCRIPTEXECUTE cannot be used in a deprecated AI.DAGRUN command"),
        (&["AI.DAGEXECUTE_RO", "LOAD", "1", "x", "|>", "AI.SCRIPTEXECUTE", "s", "f"], "ERR AI.SCRIPTEXECUTE command cannot be specified in a read-only DAG"),
        (&[d, "LOAD", "1", "x", "|>", "AI.MODELEXECUTE", "nope", "INPUTS", "1", "x", "OUTPUTS", "1", "y"], "ERR model key is empty"),
    ];
    for (a, want) in cases {
        assert_eq!(err(&mut c, a), *want, "{a:?}");
    }
    ok(&mut c, &["MULTI"]);
    assert_eq!(
        c.cmd(&[d, "LOAD", "1", "x", "|>", "AI.TENSORGET", "x", "META"])
            .expect("reply"),
        status("QUEUED")
    );
    let exec = c.cmd(&["EXEC"]).expect("reply");
    assert_eq!(
        exec.array()[0].err(),
        "ERR Cannot run RedisAI command within a transaction or a LUA script"
    );
}

#[test]
fn tensor_ops_versions_and_no_keys_without_persist() {
    let s = Server::start();
    let mut c = s.conn();
    let r = c
        .cmd(&[
            "AI.DAGEXECUTE",
            "ROUTING",
            "{1}",
            "|>",
            "AI.TENSORSET",
            "a",
            "FLOAT",
            "1",
            "2",
            "VALUES",
            "5",
            "10",
            "|>",
            "AI.TENSORSET",
            "b",
            "FLOAT",
            "1",
            "2",
            "VALUES",
            "5",
            "10",
        ])
        .expect("reply");
    assert_eq!(r, Reply::Array(vec![status("OK"), status("OK")]));
    assert_eq!(c.cmd(&["EXISTS", "a", "b"]).expect("reply").int(), 0);
    // A name set twice: each TENSORGET sees the version before it.
    let r = c
        .cmd(&[
            "AI.DAGRUN",
            "|>",
            "AI.TENSORSET",
            "t",
            "INT8",
            "1",
            "VALUES",
            "1",
            "|>",
            "AI.TENSORGET",
            "t",
            "VALUES",
            "|>",
            "AI.TENSORSET",
            "t",
            "INT8",
            "1",
            "VALUES",
            "2",
            "|>",
            "AI.TENSORGET",
            "t",
            "VALUES",
        ])
        .expect("reply");
    let a = r.array();
    assert_eq!(a[1], Reply::Array(vec![Reply::Int(1)]));
    assert_eq!(a[3], Reply::Array(vec![Reply::Int(2)]));
    // PERSIST writes the latest version.
    let r = c
        .cmd(&[
            "AI.DAGEXECUTE",
            "PERSIST",
            "1",
            "t",
            "|>",
            "AI.TENSORSET",
            "t",
            "INT8",
            "1",
            "VALUES",
            "1",
            "|>",
            "AI.TENSORSET",
            "t",
            "INT8",
            "1",
            "VALUES",
            "7",
        ])
        .expect("reply");
    assert_eq!(r.array().len(), 2);
    assert_eq!(
        c.cmd(&["AI.TENSORGET", "t", "VALUES"]).expect("reply"),
        Reply::Array(vec![Reply::Int(7)])
    );
}

#[test]
fn model_ops_errors_na_timeout_and_persist() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    assert!(store_model(&mut c, "m", "TORCH", "pt-minimal.pt", &[]).is_ok());
    ok(
        &mut c,
        &["AI.TENSORSET", "x", "FLOAT", "2", "VALUES", "1", "2"],
    );
    let r = c
        .cmd(&[
            "AI.DAGEXECUTE",
            "LOAD",
            "1",
            "x",
            "PERSIST",
            "1",
            "y",
            "|>",
            "AI.TENSORSET",
            "a",
            "FLOAT",
            "2",
            "VALUES",
            "10",
            "20",
            "|>",
            "AI.MODELEXECUTE",
            "m",
            "INPUTS",
            "2",
            "x",
            "a",
            "OUTPUTS",
            "1",
            "y",
            "|>",
            "AI.TENSORGET",
            "y",
            "VALUES",
        ])
        .expect("reply");
    let a = r.array();
    assert_eq!(&a[..2], &[status("OK"), status("OK")]);
    assert_eq!(a[2].array().len(), 2);
    assert_eq!(floats(&mut c, "y"), vec![11.0, 22.0]);
    assert_eq!(
        c.cmd(&["AI.INFO", "m"]).expect("reply").array()[15].int(),
        1
    );
    // A failing model op: its error in the array, NA after it, no PERSIST.
    let r = c
        .cmd(&[
            "AI.DAGEXECUTE",
            "PERSIST",
            "1",
            "z",
            "|>",
            "AI.TENSORSET",
            "a",
            "FLOAT",
            "2",
            "VALUES",
            "2",
            "3",
            "|>",
            "AI.TENSORSET",
            "b",
            "FLOAT",
            "2",
            "2",
            "VALUES",
            "2",
            "3",
            "2",
            "3",
            "|>",
            "AI.TENSORSET",
            "b",
            "FLOAT",
            "3",
            "VALUES",
            "2",
            "3",
            "4",
            "|>",
            "AI.MODELEXECUTE",
            "m",
            "INPUTS",
            "2",
            "a",
            "b",
            "OUTPUTS",
            "1",
            "z",
            "|>",
            "AI.TENSORGET",
            "z",
            "VALUES",
        ])
        .expect("reply");
    let a = r.array();
    assert_eq!(a.len(), 5);
    assert!(a[3].is_error(), "{r:?}");
    assert_eq!(a[4], status("NA"));
    assert_eq!(c.cmd(&["EXISTS", "z"]).expect("reply").int(), 0);
    // DAGRUN with MODELRUN.
    let r = c
        .cmd(&[
            "AI.DAGRUN_RO",
            "LOAD",
            "1",
            "x",
            "|>",
            "AI.MODELRUN",
            "m",
            "INPUTS",
            "x",
            "x",
            "OUTPUTS",
            "w",
            "|>",
            "AI.TENSORGET",
            "w",
            "BLOB",
        ])
        .expect("reply");
    let w: Vec<f32> = r.array()[1]
        .bulk()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    assert_eq!(w, vec![2.0, 4.0]);
    assert_eq!(
        err(
            &mut c,
            &[
                "AI.DAGEXECUTE",
                "LOAD",
                "1",
                "x",
                "|>",
                "AI.MODELEXECUTE",
                "m",
                "INPUTS",
                "2",
                "x",
                "x",
                "OUTPUTS",
                "1",
                "y",
                "TIMEOUT",
                "5"
            ]
        ),
        "ERR TIMEOUT not allowed within a DAG command"
    );
    // TIMEOUT of the DAG, behind a long run on the same queue.
    assert!(store_model(&mut c, "slow", "TORCH", "pt-slow.pt", &[]).is_ok());
    ok(
        &mut c,
        &["AI.TENSORSET", "one", "FLOAT", "1", "1", "VALUES", "1"],
    );
    let mut a = s.conn();
    a.send(&[
        "AI.MODELEXECUTE",
        "slow",
        "INPUTS",
        "1",
        "one",
        "OUTPUTS",
        "1",
        "o",
    ])
    .expect("send");
    a.flush().expect("flush");
    std::thread::sleep(std::time::Duration::from_millis(50));
    let r = c
        .cmd(&[
            "AI.DAGEXECUTE",
            "LOAD",
            "1",
            "x",
            "TIMEOUT",
            "1",
            "|>",
            "AI.TENSORGET",
            "x",
            "META",
        ])
        .expect("reply");
    assert_eq!(r, status("TIMEDOUT"));
    assert!(a.read().expect("reply").is_ok());
    // Keys for cluster routing and ACL.
    let keys = c
        .cmd(&[
            "COMMAND",
            "GETKEYS",
            "AI.DAGEXECUTE",
            "LOAD",
            "1",
            "x",
            "|>",
            "AI.MODELEXECUTE",
            "m",
            "INPUTS",
            "1",
            "x",
            "OUTPUTS",
            "1",
            "y",
            "PERSIST",
        ])
        .expect("reply");
    let keys: Vec<&[u8]> = keys.array().iter().map(|k| k.bulk()).collect();
    assert_eq!(keys, vec![&b"x"[..], b"m"]);
}
