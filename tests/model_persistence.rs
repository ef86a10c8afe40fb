//! AI__MODEL persistence: DEBUG RELOAD, AOF rewrite without an RDB preamble,
//! DUMP/RESTORE, RedisAI's older encvers, corrupt payloads, Decision 11, and
//! replicas that receive outputs without running models.

mod common;

use common::rdb::{self, Field};
use common::{fixture, floats, ok, store_model, Conn, Reply, Server};

/// `AI__MODEL`'s module type id with encver 4: `00 8f ff 30 e0 c4 2c 04`.
const MODEL_ID_V4: u64 = 0x008f_ff30_e0c4_2c04;

fn load_models(c: &mut Conn) {
    assert!(store_model(
        c,
        "pt",
        "TORCH",
        "pt-minimal.pt",
        &[
            "TAG",
            "v1",
            "BATCHSIZE",
            "4",
            "MINBATCHSIZE",
            "2",
            "MINBATCHTIMEOUT",
            "10"
        ]
    )
    .is_ok());
    assert!(store_model(c, "ox", "ONNX", "onnx-linear.onnx", &["TAG", "lin"]).is_ok());
    ok(
        c,
        &["AI.TENSORSET", "a", "FLOAT", "1", "2", "VALUES", "1", "2"],
    );
    ok(
        c,
        &[
            "AI.TENSORSET",
            "x",
            "FLOAT",
            "1",
            "4",
            "VALUES",
            "1",
            "1",
            "1",
            "1",
        ],
    );
}

fn snapshot(c: &mut Conn) -> Vec<Reply> {
    ["pt", "ox"]
        .iter()
        .flat_map(|k| {
            [
                c.cmd(&["AI.MODELGET", k]).expect("reply"),
                c.cmd(&["DEBUG", "DIGEST-VALUE", k]).expect("reply"),
            ]
        })
        .collect()
}

fn runs(c: &mut Conn) {
    ok(
        c,
        &[
            "AI.MODELEXECUTE",
            "pt",
            "INPUTS",
            "2",
            "a",
            "a",
            "OUTPUTS",
            "1",
            "pt_out",
        ],
    );
    assert_eq!(floats(c, "pt_out"), vec![2.0, 4.0]);
    ok(
        c,
        &[
            "AI.MODELEXECUTE",
            "ox",
            "INPUTS",
            "1",
            "x",
            "OUTPUTS",
            "1",
            "ox_out",
        ],
    );
    assert_eq!(floats(c, "ox_out"), vec![10.5]);
}

#[test]
fn debug_reload_recompiles_models() {
    skip_unless!("torch", "onnx");
    let s = Server::start();
    let mut c = s.conn();
    load_models(&mut c);
    runs(&mut c);
    let before = snapshot(&mut c);
    ok(&mut c, &["DEBUG", "RELOAD"]);
    assert_eq!(snapshot(&mut c), before);
    // Statistics are not persisted.
    assert_eq!(
        c.cmd(&["AI.INFO", "pt"]).expect("reply").array()[15].int(),
        0
    );
    runs(&mut c);
    let usage = c.cmd(&["MEMORY", "USAGE", "pt"]).expect("reply").int();
    assert!(usage as usize > fixture("pt-minimal.pt").len(), "{usage}");
}

#[test]
fn aof_rewrite_emits_chunked_modelstore() {
    skip_unless!("torch", "onnx");
    let mut s = Server::with(
        &[],
        &["--appendonly", "yes", "--aof-use-rdb-preamble", "no"],
    );
    let mut c = s.conn();
    load_models(&mut c);
    ok(&mut c, &["AI.CONFIG", "MODEL_CHUNK_SIZE", "500"]);
    let before = snapshot(&mut c);
    let text = s.rewrite_aof();
    assert!(!text.starts_with(b"REDIS"));
    assert_eq!(
        text.windows(13).filter(|w| w == b"AI.MODELSTORE").count(),
        2
    );
    // The 500-byte chunks: the TorchScript file is a few KB, so its
    // MODELSTORE has more than 6 arguments after BLOB.
    let pt_len = fixture("pt-minimal.pt").len();
    let chunks = pt_len.div_ceil(500);
    assert!(chunks > 1);
    s.restart("NOSAVE");
    let mut c = s.conn();
    ok(&mut c, &["AI.CONFIG", "MODEL_CHUNK_SIZE", "500"]);
    assert_eq!(snapshot(&mut c), before);
    ok(
        &mut c,
        &["AI.TENSORSET", "a", "FLOAT", "1", "2", "VALUES", "1", "2"],
    );
    runs(&mut c);
}

fn model_fields<'a>(
    encver: u64,
    device: &'a [u8],
    tag: &'a [u8],
    blob: &'a [u8],
    chunks: &[&'a [u8]],
) -> Vec<Field<'a>> {
    let mut f = vec![Field::U(2), Field::Str(device)];
    f.push(Field::Str(tag));
    f.push(Field::U(0));
    f.push(Field::U(0));
    if encver >= 2 {
        f.push(Field::U(0));
    }
    f.push(Field::U(2));
    f.push(Field::Str(b"a\0"));
    f.push(Field::Str(b"b\0"));
    f.push(Field::U(1));
    f.push(Field::Str(b"\0"));
    if encver == 0 {
        f.push(Field::Str(blob));
    } else {
        f.push(Field::U(blob.len() as u64));
        f.push(Field::U(chunks.len() as u64));
        f.extend(chunks.iter().map(|c| Field::Str(c)));
    }
    f
}

#[test]
fn restore_reads_every_encver_and_refuses_corruption() {
    skip_unless!("torch");
    let s = Server::start();
    let mut c = s.conn();
    ok(&mut c, &["AI.TENSORSET", "a", "FLOAT", "1", "VALUES", "4"]);
    let blob = fixture("pt-minimal.pt");
    let half = blob.len() / 2;
    // RedisAI wrote an empty trailing chunk for exact multiples: still read.
    type Case<'a> = (u64, Vec<&'a [u8]>, &'a [u8]);
    let cases: Vec<Case> = vec![
        (4, vec![&blob[..half], &blob[half..]], b"t4"),
        (4, vec![&blob[..], &[][..]], b"t4e"),
        (3, vec![&blob[..]], b"t3"),
        (2, vec![&blob[..]], b"t2"),
        (1, vec![&blob[..half], &blob[half..]], b"t1"),
        (0, vec![], b"t0\0"),
    ];
    for (i, (encver, chunks, tag)) in cases.iter().enumerate() {
        let fields = model_fields(*encver, b"CPU\0", tag, &blob, chunks);
        let payload = rdb::with_footer(rdb::module_value(
            rdb::with_encver(MODEL_ID_V4, *encver),
            &fields,
        ));
        let key = format!("m{i}");
        let r = c
            .cmd(&[
                b"RESTORE".to_vec(),
                key.clone().into_bytes(),
                b"0".to_vec(),
                payload,
            ])
            .expect("reply");
        assert!(r.is_ok(), "encver {encver}: {r:?}");
        let meta = c.cmd(&["AI.MODELGET", &key]).expect("reply");
        let want_tag = tag.strip_suffix(b"\0").unwrap_or(tag);
        assert_eq!(meta.array()[5].bulk(), want_tag, "encver {encver}");
        assert_eq!(meta.array()[17].bulk(), &blob[..], "encver {encver}");
        ok(
            &mut c,
            &[
                "AI.MODELEXECUTE",
                &key,
                "INPUTS",
                "2",
                "a",
                "a",
                "OUTPUTS",
                "1",
                "o",
            ],
        );
        assert_eq!(floats(&mut c, "o"), vec![8.0]);
    }
    // DUMP of our own model equals the v4 payload we would build.
    let dump = c.cmd(&["DUMP", "m2"]).expect("reply").bulk().to_vec();
    let r = c
        .cmd(&[
            b"RESTORE".to_vec(),
            b"copy".to_vec(),
            b"0".to_vec(),
            dump.clone(),
        ])
        .expect("reply");
    assert!(r.is_ok(), "{r:?}");
    // encver 5 is refused; every truncation and some corruptions are clean errors.
    let fields = model_fields(4, b"CPU\0", b"", &blob, &[&blob[..]]);
    let p5 = rdb::with_footer(rdb::module_value(rdb::with_encver(MODEL_ID_V4, 5), &fields));
    assert!(c
        .cmd(&[b"RESTORE".to_vec(), b"v5".to_vec(), b"0".to_vec(), p5])
        .expect("reply")
        .is_error());
    let step = (dump.len() / 60).max(1);
    for cut in (1..dump.len() - 10).step_by(step) {
        let p = rdb::refooter(&[&dump[..cut], &[0u8; 10][..]].concat());
        let r = c
            .cmd(&[b"RESTORE".to_vec(), b"cut".to_vec(), b"0".to_vec(), p])
            .expect("reply");
        assert!(r.is_error(), "cut at {cut}: {r:?}");
    }
    let junk = fixture("junk.bin");
    let bad: Vec<Vec<Field>> = vec![
        model_fields(4, b"CPU\0", b"", &junk, &[&junk[..]]),
        model_fields(4, b"bad_device\0", b"", &blob, &[&blob[..]]),
        {
            let mut f = model_fields(4, b"CPU\0", b"", &blob, &[&blob[..]]);
            f[0] = Field::U(9);
            f
        },
        {
            let mut f = model_fields(4, b"CPU\0", b"", &blob, &[&blob[..]]);
            f[11] = Field::U(blob.len() as u64 + 1);
            f
        },
    ];
    for fields in &bad {
        let p = rdb::with_footer(rdb::module_value(MODEL_ID_V4, fields));
        let r = c
            .cmd(&[b"RESTORE".to_vec(), b"bad".to_vec(), b"0".to_vec(), p])
            .expect("reply");
        assert!(r.is_error(), "{r:?}");
    }
    assert_eq!(
        c.cmd(&["EXISTS", "cut", "bad", "v5"]).expect("reply").int(),
        0
    );
    assert!(s.alive());

    // Decision 11: a GPU model on a host without one loads, keeps its bytes,
    // and says why it cannot run.
    let fields = model_fields(4, b"GPU:0\0", b"", &blob, &[&blob[..]]);
    let p = rdb::with_footer(rdb::module_value(MODEL_ID_V4, &fields));
    let r = c
        .cmd(&[b"RESTORE".to_vec(), b"gpu".to_vec(), b"0".to_vec(), p])
        .expect("reply");
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(
        c.cmd(&["AI.MODELGET", "gpu", "BLOB"])
            .expect("reply")
            .bulk(),
        &blob[..]
    );
    let r = c
        .cmd(&[
            "AI.MODELEXECUTE",
            "gpu",
            "INPUTS",
            "2",
            "a",
            "a",
            "OUTPUTS",
            "1",
            "o",
        ])
        .expect("reply");
    assert_eq!(r.err(), "GPU requested but Torch couldn't find CUDA");
    assert!(s.log().contains("cannot run on this host"));
}

#[test]
fn replica_gets_outputs_without_running_models() {
    skip_unless!("torch", "onnx");
    let primary = Server::start();
    let replica = Server::start();
    let mut r = replica.conn();
    replica.replicate_from(&primary);
    let mut p = primary.conn();
    load_models(&mut p);
    runs(&mut p);
    let offset = || primary.info_field("replication", "master_repl_offset");
    let want = offset();
    replica.wait_for("the replica to catch up", 30, |s| {
        s.info_field("replication", "slave_repl_offset") == want
    });
    for k in ["pt_out", "ox_out", "a", "x"] {
        assert_eq!(
            r.cmd(&["AI.TENSORGET", k, "META", "BLOB"]).expect("reply"),
            p.cmd(&["AI.TENSORGET", k, "META", "BLOB"]).expect("reply"),
            "{k}"
        );
    }
    for k in ["pt", "ox"] {
        assert_eq!(
            r.cmd(&["AI.MODELGET", k]).expect("reply"),
            p.cmd(&["AI.MODELGET", k]).expect("reply")
        );
        // The replica compiled the model but never ran it.
        assert_eq!(r.cmd(&["AI.INFO", k]).expect("reply").array()[15].int(), 0);
    }
    // DAG PERSIST keys replicate as tensors too.
    let dag = p
        .cmd(&[
            "AI.DAGEXECUTE",
            "LOAD",
            "1",
            "a",
            "PERSIST",
            "1",
            "dag_out",
            "|>",
            "AI.MODELEXECUTE",
            "pt",
            "INPUTS",
            "2",
            "a",
            "a",
            "OUTPUTS",
            "1",
            "dag_out",
        ])
        .expect("reply");
    assert_eq!(dag, Reply::Array(vec![Reply::Status("OK".into())]));
    ok(&mut p, &["AI.MODELDEL", "pt"]);
    let want = offset();
    replica.wait_for("the delete", 30, |s| {
        s.info_field("replication", "slave_repl_offset") == want
    });
    assert_eq!(r.cmd(&["EXISTS", "pt"]).expect("reply").int(), 0);
    assert_eq!(
        r.cmd(&["AI.TENSORGET", "dag_out", "BLOB"]).expect("reply"),
        p.cmd(&["AI.TENSORGET", "dag_out", "BLOB"]).expect("reply")
    );
    assert_eq!(
        r.cmd(&["DEBUG", "DIGEST"]).expect("reply"),
        p.cmd(&["DEBUG", "DIGEST"]).expect("reply")
    );
}

/// Outputs reach the AOF as AI.TENSORSET (the execute command itself does
/// not), so they survive a restart, for queued, inline and DAG runs alike.
#[test]
fn aof_keeps_outputs_not_executions() {
    skip_unless!("torch", "onnx");
    let mut s = Server::with(
        &[],
        &["--appendonly", "yes", "--aof-use-rdb-preamble", "no"],
    );
    let mut c = s.conn();
    load_models(&mut c);
    ok(&mut c, &["AI.CONFIG", "INLINE_RUN_THRESHOLD", "10000000"]);
    for _ in 0..10 {
        runs(&mut c);
    }
    let dag = c
        .cmd(&[
            "AI.DAGEXECUTE",
            "LOAD",
            "1",
            "x",
            "PERSIST",
            "1",
            "dag_out",
            "|>",
            "AI.MODELEXECUTE",
            "ox",
            "INPUTS",
            "1",
            "x",
            "OUTPUTS",
            "1",
            "dag_out",
        ])
        .expect("reply");
    assert_eq!(dag, Reply::Array(vec![Reply::Status("OK".into())]));
    let aof: Vec<u8> = std::fs::read_dir(s.dir.join("appendonlydir"))
        .expect("aof dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".incr.aof"))
        .flat_map(|e| std::fs::read(e.path()).expect("read aof"))
        .collect();
    let count = |w: &[u8]| aof.windows(w.len()).filter(|x| *x == w).count();
    assert_eq!(count(b"AI.MODELEXECUTE"), 0);
    assert_eq!(count(b"AI.DAGEXECUTE"), 0);
    // 2 input tensors, 20 outputs, 1 PERSIST.
    assert!(count(b"AI.TENSORSET") >= 23);
    s.restart("NOSAVE");
    let mut c = s.conn();
    assert_eq!(floats(&mut c, "pt_out"), vec![2.0, 4.0]);
    assert_eq!(floats(&mut c, "ox_out"), vec![10.5]);
    assert_eq!(floats(&mut c, "dag_out"), vec![10.5]);
}
