//! RESTORE of hand-built `AI_SCRIPT` payloads: RedisAI's encvers 0–4, our
//! own DUMP, corrupt and newer payloads, and Decision 11.

use super::common::rdb::{self, Field};
use super::common::{has_feature, ok, Conn, Reply, Server};
use super::{full_get, SRC};

/// `AI_SCRIPT`'s module type id with encver 4: `00 8f d2 09 12 0f 4c 04`.
const SCRIPT_ID_V4: u64 = 0x008f_d209_120f_4c04;

fn script_fields<'a>(
    encver: u64,
    device: &'a [u8],
    tag: &'a [u8],
    src: &'a [u8],
) -> Vec<Field<'a>> {
    let mut f = vec![Field::Str(device), Field::Str(tag), Field::Str(src)];
    if encver >= 3 {
        f.push(Field::U(1));
        f.push(Field::Str(b"bar\0"));
    }
    f
}

fn restore(c: &mut Conn, key: &str, payload: Vec<u8>) -> Reply {
    c.cmd(&[
        b"RESTORE".to_vec(),
        key.as_bytes().to_vec(),
        b"0".to_vec(),
        payload,
    ])
    .expect("reply")
}

/// What needs no compiling: newer encvers, truncated and corrupt payloads,
/// and sources that do not compile, are refused cleanly.
#[test]
fn restore_refuses_corrupt_payloads() {
    let s = Server::start();
    let mut c = s.conn();
    let src = [SRC.as_bytes(), b"\0"].concat();
    let good = rdb::module_value(SCRIPT_ID_V4, &script_fields(4, b"CPU\0", b"t", &src));
    let p5 = rdb::with_encver(SCRIPT_ID_V4, 5);
    let p5 = rdb::with_footer(rdb::module_value(
        p5,
        &script_fields(4, b"CPU\0", b"", &src),
    ));
    assert!(restore(&mut c, "v5", p5).is_error());
    assert!(s.log().contains("Failed loading script, RedisAI version ("));
    let payload = rdb::with_footer(good.clone());
    let step = (payload.len() / 40).max(1);
    for cut in (1..payload.len() - 10).step_by(step) {
        let p = rdb::refooter(&[&payload[..cut], &[0u8; 10][..]].concat());
        assert!(restore(&mut c, "cut", p).is_error(), "cut at {cut}");
    }
    let mut bad: Vec<Vec<Field>> = vec![
        script_fields(4, b"bad_device\0", b"", &src),
        vec![
            Field::Str(b"CPU\0"),
            Field::Str(b""),
            Field::Str(&src),
            Field::U(1 << 40),
        ],
        vec![
            Field::Str(b"CPU\0"),
            Field::Str(b""),
            Field::Str(&src),
            Field::U(3),
            Field::Str(b"bar\0"),
        ],
        vec![Field::U(1), Field::Str(b""), Field::Str(&src), Field::U(0)],
    ];
    // Without TORCH built in, every script loads unavailable (Decision 11).
    if has_feature("torch") {
        bad.push(script_fields(4, b"CPU\0", b"", b"this is not( a script\0"));
    }
    for fields in &bad {
        let p = rdb::with_footer(rdb::module_value(SCRIPT_ID_V4, fields));
        let r = restore(&mut c, "bad", p);
        assert!(r.is_error(), "{r:?}");
    }
    assert_eq!(
        c.cmd(&["EXISTS", "cut", "bad", "v5"]).expect("reply").int(),
        0
    );
    assert!(s.alive());
}

/// RedisAI's payloads for encver 0–4. With TORCH built in, this needs
/// TorchScript compilation; without it the scripts load unavailable, with
/// their source (Decision 11).
#[test]
fn restore_reads_every_encver() {
    // Uncompressed, so that DUMP's bytes can be compared with ours.
    let s = Server::with(&[], &["--rdbcompression", "no"]);
    let mut c = s.conn();
    let src = [SRC.as_bytes(), b"\0"].concat();
    let cases: [(u64, &[u8], &[u8]); 5] = [
        (4, b"t4", b"t4"),
        (3, b"t3", b"t3"),
        (2, b"t2", b"t2"),
        (1, b"t1", b"t1"),
        (0, b"t0\0", b"t0"),
    ];
    for (encver, tag, want_tag) in cases {
        let fields = script_fields(encver, b"CPU\0", tag, &src);
        let id = rdb::with_encver(SCRIPT_ID_V4, encver);
        let key = format!("s{encver}");
        let r = restore(
            &mut c,
            &key,
            rdb::with_footer(rdb::module_value(id, &fields)),
        );
        assert!(r.is_ok(), "encver {encver}: {r:?}");
        let got = c.cmd(&["AI.SCRIPTGET", &key]).expect("reply");
        let eps: &[&str] = if encver >= 3 { &["bar"] } else { &[] };
        let tag = std::str::from_utf8(want_tag).expect("utf-8");
        assert_eq!(got, full_get("CPU", tag, eps, SRC), "encver {encver}");
        assert_eq!(c.cmd(&["TYPE", &key]).expect("reply").text(), "AI_SCRIPT");
    }
    // DUMP writes encver 4: the same bytes we build by hand.
    let dump = c.cmd(&["DUMP", "s4"]).expect("reply").bulk().to_vec();
    let built = rdb::module_value(SCRIPT_ID_V4, &script_fields(4, b"CPU\0", b"t4", &src));
    assert_eq!(&dump[..dump.len() - 10], &built[..]);
    assert!(restore(&mut c, "copy", dump).is_ok());
    // Decision 11: a GPU script loads on any host, with its source.
    let fields = script_fields(4, b"GPU:0\0", b"", &src);
    let r = restore(
        &mut c,
        "gpu",
        rdb::with_footer(rdb::module_value(SCRIPT_ID_V4, &fields)),
    );
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(
        c.cmd(&["AI.SCRIPTGET", "gpu", "SOURCE"])
            .expect("reply")
            .bulk(),
        SRC.as_bytes()
    );
    // On a host without a GPU it is kept, and says why it cannot run.
    if has_feature("torch") && !std::path::Path::new("/dev/nvidia0").exists() {
        assert!(s
            .log()
            .contains("AI_SCRIPT: loaded a script for GPU:0 that cannot run on this host"));
        ok(&mut c, &["AI.TENSORSET", "a", "FLOAT", "1", "VALUES", "1"]);
        let a = [
            "AI.SCRIPTEXECUTE",
            "gpu",
            "bar",
            "INPUTS",
            "2",
            "a",
            "a",
            "OUTPUTS",
            "1",
            "o",
        ];
        let r = c.cmd(&a).expect("reply");
        assert_eq!(r.err(), "GPU requested but Torch couldn't find CUDA");
    }
}
