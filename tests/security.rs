//! docs/security.md's ACL recipe, applied to a live server: `app` runs
//! models and scripts that `admin` stored, and can store, replace or delete
//! neither, nor RESTORE, nor change the module's configuration.

mod common;

use common::{fixture, has_feature, Conn, Reply, Server};

/// The recipe's lines, as docs/security.md gives them.
const RECIPE: &[&str] = &[
    "ACL SETUSER admin on >admin-password ~* &* +@all",
    "ACL SETUSER app on >app-password ~* &* +@all -@dangerous -restore -restore-asking -migrate -ai.modelstore -ai.modelset -ai.modeldel -ai.scriptstore -ai.scriptset -ai.scriptdel -ai.config",
];

fn words(line: &str) -> Vec<&str> {
    line.split(' ').collect()
}

fn login(s: &Server, user: &str, password: &str) -> Conn {
    let mut c = s.conn();
    let r = c.cmd(&["AUTH", user, password]).expect("reply");
    assert!(r.is_ok(), "AUTH {user}: {r:?}");
    c
}

/// The words of `line`, then `last` (a blob or a script's source) if any.
fn argv(line: &str, last: Option<&[u8]>) -> Vec<Vec<u8>> {
    let mut a: Vec<Vec<u8>> = line.split(' ').map(|w| w.as_bytes().to_vec()).collect();
    a.extend(last.map(<[u8]>::to_vec));
    a
}

fn denied(c: &mut Conn, line: &str, last: Option<&[u8]>) {
    let r = c.cmd(&argv(line, last)).expect("reply");
    assert!(r.err().starts_with("NOPERM"), "{line}: {r:?}");
}

#[test]
fn the_admin_only_recipe_keeps_stores_and_restore_to_the_admin() {
    let s = Server::start();
    let mut root = s.conn();
    for line in RECIPE {
        let r = root.cmd(&words(line)).expect("reply");
        assert!(r.is_ok(), "{line}: {r:?}");
    }
    let mut admin = login(&s, "admin", "admin-password");
    let mut app = login(&s, "app", "app-password");
    let source = "def twice(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0] * 2\n";
    let torch = has_feature("torch");

    // The admin stores a model and a script.
    if torch {
        let blob = fixture("pt-minimal.pt");
        let r = admin
            .cmd(&argv("AI.MODELSTORE m TORCH CPU BLOB", Some(&blob)))
            .expect("reply");
        assert!(r.is_ok(), "{r:?}");
        let r = admin
            .cmd(&[
                "AI.SCRIPTSTORE",
                "s",
                "CPU",
                "ENTRY_POINTS",
                "1",
                "twice",
                "SOURCE",
                source,
            ])
            .expect("reply");
        assert!(r.is_ok(), "{r:?}");
    }
    ok(
        &mut admin,
        &["AI.TENSORSET", "t", "FLOAT", "2", "VALUES", "1", "2"],
    );
    let dump = match admin.cmd(&["DUMP", "t"]).expect("reply") {
        Reply::Bulk(d) => d,
        other => panic!("DUMP: {other:?}"),
    };

    // The app uses them.
    ok(
        &mut app,
        &["AI.TENSORSET", "a", "FLOAT", "2", "VALUES", "3", "4"],
    );
    if torch {
        ok(
            &mut app,
            &[
                "AI.MODELEXECUTE",
                "m",
                "INPUTS",
                "2",
                "a",
                "t",
                "OUTPUTS",
                "1",
                "o",
            ],
        );
        assert_eq!(
            app.cmd(&["AI.TENSORGET", "o", "VALUES"]).expect("reply"),
            Reply::Array(vec![Reply::Bulk(b"4".to_vec()), Reply::Bulk(b"6".to_vec())])
        );
        ok(
            &mut app,
            &[
                "AI.SCRIPTEXECUTE",
                "s",
                "twice",
                "INPUTS",
                "1",
                "a",
                "OUTPUTS",
                "1",
                "d",
            ],
        );
        ok(
            &mut app,
            &[
                "AI.DAGEXECUTE",
                "LOAD",
                "1",
                "a",
                "|>",
                "AI.MODELEXECUTE",
                "m",
                "INPUTS",
                "2",
                "a",
                "a",
                "OUTPUTS",
                "1",
                "x",
                "|>",
                "AI.TENSORGET",
                "x",
                "VALUES",
            ],
        );
    }

    // …and can change none of them, nor RESTORE, nor configure the module.
    let blob = fixture("pt-minimal.pt");
    let src = Some(source.as_bytes());
    denied(&mut app, "AI.MODELSTORE m TORCH CPU BLOB", Some(&blob));
    denied(&mut app, "AI.MODELSET m2 TORCH CPU BLOB", Some(&blob));
    denied(&mut app, "AI.MODELDEL m", None);
    denied(
        &mut app,
        "AI.SCRIPTSTORE s CPU ENTRY_POINTS 1 twice SOURCE",
        src,
    );
    denied(&mut app, "AI.SCRIPTSET s2 CPU SOURCE", src);
    denied(&mut app, "AI.SCRIPTDEL s", None);
    denied(&mut app, "RESTORE t2 0", Some(&dump));
    denied(&mut app, "AI.CONFIG LOADBACKEND TORCH x.so", None);
    denied(&mut app, "AI.CONFIG MODEL_CHUNK_SIZE 100", None);
    denied(&mut app, "MODULE LIST", None);
    denied(&mut app, "DEBUG RELOAD", None);
    assert_eq!(
        app.cmd(&["EXISTS", "m2", "s2", "t2"]).expect("reply"),
        Reply::Int(0)
    );
    if torch {
        // What the app was refused did not happen.
        let meta = admin.cmd(&["AI.MODELGET", "m", "META"]).expect("reply");
        assert!(matches!(meta, Reply::Array(_)), "{meta:?}");
        let meta = admin.cmd(&["AI.SCRIPTGET", "s", "META"]).expect("reply");
        assert!(matches!(meta, Reply::Array(_)), "{meta:?}");
    }
    // The admin still can.
    let r = admin
        .cmd(&argv("RESTORE t2 0", Some(&dump)))
        .expect("reply");
    assert!(r.is_ok(), "{r:?}");
}

fn ok(c: &mut Conn, args: &[&str]) {
    let r = c.cmd(args).expect("reply");
    assert!(!r.is_error(), "{args:?}: {r:?}");
}

/// A user restricted to `~tenant1:*` reaches no other key through the AI.*
/// commands, DAG LOAD/PERSIST included (the module declares every key a
/// command names, so Redis's ACL checks them).
#[test]
fn a_tenant_key_pattern_holds_for_ai_commands() {
    let s = Server::start();
    let mut root = s.conn();
    let setup = [
        "ACL SETUSER t1 on >pw ~tenant1:* &* +@all",
        "AI.TENSORSET other FLOAT 1 VALUES 1",
        "AI.TENSORSET tenant1:a FLOAT 1 VALUES 1",
        "AI.VADD vs VALUES 2 1 0 x",
    ];
    for line in setup {
        let r = root.cmd(&words(line)).expect("reply");
        assert!(!r.is_error(), "{line}: {r:?}");
    }
    let mut t = login(&s, "t1", "pw");
    for line in [
        "AI.TENSORGET other VALUES",
        "AI.TENSORSET other FLOAT 1 VALUES 2",
        "AI.DAGEXECUTE LOAD 1 other |> AI.TENSORGET other VALUES",
        "AI.DAGEXECUTE PERSIST 1 other |> AI.TENSORSET other FLOAT 1 VALUES 5",
        "AI.DAGEXECUTE_RO LOAD 1 tenant1:a |> AI.VSIM vs TENSOR tenant1:a COUNT 1 OUTPUTS 2 i s",
        "AI.VADD vs VALUES 2 0 1 y",
        "AI.VSIM vs VALUES 2 1 0",
        "AI.MODELEXECUTE other INPUTS 1 tenant1:a OUTPUTS 1 tenant1:o",
        "AI.SCRIPTEXECUTE other f KEYS 1 tenant1:k INPUTS 1 tenant1:a OUTPUTS 1 tenant1:o",
        "AI.SCRIPTEXECUTE tenant1:s f KEYS 1 other",
        "AI.INFO other",
        "DEL other",
    ] {
        denied(&mut t, line, None);
    }
    // Its own keys work.
    let r = t
        .cmd(&["AI.TENSORGET", "tenant1:a", "VALUES"])
        .expect("reply");
    assert_eq!(r, Reply::Array(vec![Reply::Bulk(b"1".to_vec())]));
    let r = t
        .cmd(&words(
            "AI.DAGEXECUTE LOAD 1 tenant1:a PERSIST 1 tenant1:b |> AI.TENSORSET tenant1:b FLOAT 1 VALUES 7",
        ))
        .expect("reply");
    assert!(!r.is_error(), "{r:?}");
    // Nothing of the other key changed.
    assert_eq!(
        root.cmd(&["AI.TENSORGET", "other", "VALUES"])
            .expect("reply"),
        Reply::Array(vec![Reply::Bulk(b"1".to_vec())])
    );
}

/// An FT index answers a user only if the user may read every key under
/// its prefixes: otherwise an index over `""` would read any hash.
#[test]
fn an_ft_index_answers_only_users_who_may_read_its_prefixes() {
    let s = Server::start();
    let mut root = s.conn();
    if !ft_registered(&mut root) {
        common::skipped(
            "an_ft_index_answers_only_users_who_may_read_its_prefixes",
            "FT.* not registered",
        );
        return;
    }
    for line in [
        "ACL SETUSER t1 on >pw ~tenant1:* &* +@all",
        "HSET other:doc v 1",
        "HSET tenant1:doc v 2",
        "FT.CREATE all ON HASH SCHEMA v NUMERIC",
        "FT.CREATE mine ON HASH PREFIX 1 tenant1: SCHEMA v NUMERIC",
        "FT.CREATE wide ON HASH PREFIX 1 tenant SCHEMA v NUMERIC",
    ] {
        let r = root.cmd(&words(line)).expect("reply");
        assert!(!r.is_error(), "{line}: {r:?}");
    }
    let mut t = login(&s, "t1", "pw");
    // Indexes are filled by a timer: wait until the wide one has both hashes.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while root
        .cmd(&words("FT.SEARCH all * LIMIT 0 0"))
        .expect("reply")
        != Reply::Array(vec![Reply::Int(2)])
    {
        assert!(
            std::time::Instant::now() < deadline,
            "indexing did not finish"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    for ix in ["all", "wide"] {
        for cmd in [
            format!("FT.SEARCH {ix} *"),
            format!("FT.AGGREGATE {ix} * LOAD 1 @v"),
            format!("FT.TAGVALS {ix} v"),
        ] {
            let r = t.cmd(&words(&cmd)).expect("reply");
            assert_eq!(
                r.err(),
                "NOPERM User does not have the required permissions to query the index",
                "{cmd}"
            );
        }
    }
    // Its own index answers, with its own hash only.
    let r = t.cmd(&words("FT.SEARCH mine * RETURN 1 v")).expect("reply");
    assert_eq!(
        r,
        Reply::Array(vec![
            Reply::Int(1),
            Reply::Bulk(b"tenant1:doc".to_vec()),
            Reply::Array(vec![Reply::Bulk(b"v".to_vec()), Reply::Bulk(b"2".to_vec())]),
        ])
    );
    // The default user (~*) reads every index.
    let r = root
        .cmd(&words("FT.SEARCH all * LIMIT 0 0"))
        .expect("reply");
    assert_eq!(r, Reply::Array(vec![Reply::Int(2)]));
}

fn ft_registered(c: &mut Conn) -> bool {
    matches!(c.cmd(&["COMMAND", "INFO", "FT.SEARCH"]).expect("reply"),
        Reply::Array(a) if a.first().is_some_and(|x| *x != Reply::Nil))
}
