//! TF and TFLITE models through persistence: DEBUG RELOAD, AOF rewrite
//! without an RDB preamble, DUMP/RESTORE of our payloads and of RedisAI's
//! encvers 0–4, corrupt payloads, replicas, and Decision 11 when a backend's
//! library cannot be found.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::rdb::{self, Field, Owned};
use common::{fixture, floats, has_feature, ok, skipped, Conn, Reply, Server};

/// A hand-built payload: encver, blob chunks, and the key it restores to.
type Case<'a> = (u64, Vec<&'a [u8]>, &'a [u8]);

/// `AI__MODEL`'s module type id with encver 4: `00 8f ff 30 e0 c4 2c 04`.
const MODEL_ID_V4: u64 = 0x008f_ff30_e0c4_2c04;

/// The models under test, one a line: `key backend file | MODELSTORE
/// options | the names MODELGET reports (inputs > outputs) | a run (input
/// keys > output keys; [`run_as`] knows the exact outputs)`.
const MODELS: &str = "
tf TF tf-graph.pb | TAG tfv1 BATCHSIZE 4 MINBATCHSIZE 2 MINBATCHTIMEOUT 10 \
    INPUTS 2 a b OUTPUTS 1 mul | a b > mul | ta tb > tf_mul
tf2 TF tf-two.pb | INPUTS 2 a b OUTPUTS 2 sum diff | a b > sum diff | ta tb > tf2_sum tf2_diff
tfs TF tf-string.pb | TAG str INPUTS 1 s OUTPUTS 2 joined len | s > joined len | s > tfs_joined tfs_len
tfl TFLITE tflite-graph.tflite | TAG lite | a b > mul | la lb > tfl_mul
tflq TFLITE tflite-mnist-quant.tflite | | x > probs argmax | x > tflq_probs tflq_argmax";

struct Model {
    key: &'static str,
    backend: &'static str,
    file: &'static str,
    extra: Vec<&'static str>,
    names: (Vec<&'static str>, Vec<&'static str>),
    ins: Vec<&'static str>,
    outs: Vec<&'static str>,
}

impl Model {
    fn all() -> Vec<Model> {
        let words = |s: &'static str| s.split_whitespace().collect::<Vec<_>>();
        let pair = |s: &'static str| {
            let (a, b) = s.split_once('>').expect(">");
            (words(a), words(b))
        };
        let rows = MODELS.lines().filter(|l| !l.is_empty());
        rows.map(|l| {
            let cols: Vec<&str> = l.split('|').collect();
            let head = words(cols[0]);
            let (ins, outs) = pair(cols[3]);
            let (key, backend, file) = (head[0], head[1], head[2]);
            let (extra, names) = (words(cols[1]), pair(cols[2]));
            Model {
                key,
                backend,
                file,
                extra,
                names,
                ins,
                outs,
            }
        })
        .collect()
    }

    /// The value of MODELSTORE option `k`.
    fn opt(&self, k: &str) -> Option<&'static str> {
        let at = self.extra.iter().position(|x| *x == k)?;
        Some(self.extra[at + 1])
    }

    /// The backend's code in RedisAI's encoding (0 TF, 1 TFLITE).
    fn code(&self) -> u64 {
        u64::from(self.backend == "TFLITE")
    }
}

/// The models of the backends this build has; `None`, with a SKIPPED line,
/// when it has neither TF nor TFLITE.
fn models(test: &str) -> Option<Vec<Model>> {
    for (f, name) in [("tf", "TF"), ("tflite", "TFLITE")] {
        if !has_feature(f) {
            let why = format!("build has no {name} backend (its models are left out)");
            skipped(test, &why);
        }
    }
    let mut v = Model::all();
    v.retain(|m| has_feature(&m.backend.to_ascii_lowercase()));
    (!v.is_empty()).then_some(v)
}

/// AI.MODELGET <key> META BLOB.
fn mget(c: &mut Conn, key: &str) -> Reply {
    c.cmd(&["AI.MODELGET", key, "META", "BLOB"]).expect("reply")
}

fn store(c: &mut Conn, m: &Model) {
    let r = common::store_model(c, m.key, m.backend, m.file, &m.extra);
    assert!(r.is_ok(), "{}: {r:?}", m.key);
}

/// The mnist test image of `tflite-mnist-quant.tflite` in expected.json (a
/// minimal scan, no JSON dependency).
fn mnist_image() -> Vec<u8> {
    let json = String::from_utf8(fixture("expected.json")).expect("utf8");
    let rest = &json[json.find("\"tflite-mnist-quant.tflite\"").expect("entry")..];
    let v = rest.find("\"values\"").expect("values");
    let open = rest[v..].find('[').expect("[") + v + 1;
    let close = rest[open..].find(']').expect("]") + open;
    rest[open..close]
        .split(',')
        .flat_map(|x| x.trim().parse::<f32>().expect("number").to_le_bytes())
        .collect()
}

fn set_inputs(c: &mut Conn) {
    for t in [
        "ta FLOAT 2 2 VALUES 1 2 3 4",
        "tb FLOAT 2 2 VALUES 10 20 30 40",
        "la FLOAT 1 2 VALUES 2 3",
        "lb FLOAT 1 2 VALUES 4 5",
    ] {
        let mut a = vec!["AI.TENSORSET"];
        a.extend(t.split_whitespace());
        ok(c, &a);
    }
    let s = ["AI.TENSORSET", "s", "STRING", "2", "2", "VALUES"];
    ok(c, &[&s[..], &["ab", "c", "", "xyz"]].concat());
    let mut a = common::args(&["AI.TENSORSET", "x", "FLOAT", "1", "28", "28", "1", "BLOB"]);
    a.push(mnist_image());
    assert!(c.cmd(&a).expect("reply").is_ok());
}

fn load(c: &mut Conn, ms: &[Model]) {
    ms.iter().for_each(|m| store(c, m));
    set_inputs(c);
}

fn execute(c: &mut Conn, key: &str, m: &Model) -> Reply {
    let (ni, no) = (m.ins.len().to_string(), m.outs.len().to_string());
    let head = ["AI.MODELEXECUTE", key, "INPUTS", &ni];
    let a = [&head[..], &m.ins, &["OUTPUTS", &no], &m.outs].concat();
    c.cmd(&a).expect("reply")
}

fn values(c: &mut Conn, key: &str) -> Reply {
    c.cmd(&["AI.TENSORGET", key, "VALUES"]).expect("reply")
}

/// Runs `key` (a copy of `m`) and checks its exact outputs.
fn run_as(c: &mut Conn, key: &str, m: &Model) {
    let r = execute(c, key, m);
    assert!(r.is_ok(), "{key}: {r:?}");
    let o = &m.outs;
    match m.key {
        "tf" => assert_eq!(floats(c, o[0]), [10.0, 40.0, 90.0, 160.0]),
        "tf2" => {
            assert_eq!(floats(c, o[0]), [11.0, 22.0, 33.0, 44.0]);
            assert_eq!(floats(c, o[1]), [-9.0, -18.0, -27.0, -36.0]);
        }
        "tfs" => {
            let want = ["ab-ab", "c-c", "-", "xyz-xyz"];
            let want = want.iter().map(|s| Reply::Bulk(s.as_bytes().to_vec()));
            assert_eq!(values(c, o[0]), Reply::Array(want.collect()));
            let lens = [2, 1, 0, 3].into_iter().map(Reply::Int).collect();
            assert_eq!(values(c, o[1]), Reply::Array(lens));
        }
        "tfl" => assert_eq!(floats(c, o[0]), [8.0, 15.0]),
        "tflq" => {
            assert_eq!(values(c, o[1]), Reply::Array(vec![Reply::Int(0)]));
            let p = floats(c, o[0]);
            assert_eq!(p.len(), 10);
            assert!((p[0] - 0.999_681_8).abs() < 1e-4, "{p:?}");
        }
        other => unreachable!("{other}"),
    }
}

/// Every model's outputs, META and BLOB.
fn outputs(c: &mut Conn, ms: &[Model]) -> Vec<Reply> {
    let keys = ms.iter().flat_map(|m| &m.outs);
    keys.map(|o| c.cmd(&["AI.TENSORGET", o, "META", "BLOB"]).expect("reply"))
        .collect()
}

/// Runs every model; returns its outputs to compare runs.
fn runs(c: &mut Conn, ms: &[Model]) -> Vec<Reply> {
    ms.iter().for_each(|m| run_as(c, m.key, m));
    outputs(c, ms)
}

/// MODELGET (META and BLOB) and DEBUG DIGEST-VALUE of every model.
fn snapshot(c: &mut Conn, ms: &[Model]) -> Vec<Reply> {
    let mut out = Vec::new();
    for m in ms {
        out.push(mget(c, m.key));
        out.push(c.cmd(&["DEBUG", "DIGEST-VALUE", m.key]).expect("reply"));
    }
    out
}

fn bulks(names: &[&str]) -> Reply {
    let b = names.iter().map(|n| Reply::Bulk(n.as_bytes().to_vec()));
    Reply::Array(b.collect())
}

/// The metadata MODELSTORE gave each model, and its exact bytes.
fn check_meta(c: &mut Conn, ms: &[Model]) {
    for m in ms {
        let r = mget(c, m.key);
        let a = r.array();
        let opt = |k: &str| m.opt(k).unwrap_or("");
        let int = |k: &str| opt(k).parse::<i64>().unwrap_or(0);
        assert_eq!(a[1].bulk(), m.backend.as_bytes(), "{}", m.key);
        assert_eq!(a[3].bulk(), b"CPU");
        assert_eq!(a[5].bulk(), opt("TAG").as_bytes());
        assert_eq!(a[7].int(), int("BATCHSIZE"));
        assert_eq!(a[9].int(), int("MINBATCHSIZE"));
        assert_eq!(a[11], bulks(&m.names.0), "{}", m.key);
        assert_eq!(a[13], bulks(&m.names.1), "{}", m.key);
        assert_eq!(a[15].int(), int("MINBATCHTIMEOUT"));
        assert_eq!(a[17].bulk(), &fixture(m.file)[..], "{}", m.key);
    }
}

#[test]
fn debug_reload_keeps_tf_and_tflite_models() {
    let Some(ms) = models(crate::test_name!()) else {
        return;
    };
    let s = Server::start();
    let mut c = s.conn();
    load(&mut c, &ms);
    check_meta(&mut c, &ms);
    let outs = runs(&mut c, &ms);
    let before = snapshot(&mut c, &ms);
    ok(&mut c, &["DEBUG", "RELOAD"]);
    assert_eq!(snapshot(&mut c, &ms), before);
    check_meta(&mut c, &ms);
    assert_eq!(runs(&mut c, &ms), outs);
    ok(&mut c, &["DEBUG", "RELOAD"]);
    assert_eq!(snapshot(&mut c, &ms), before);
}

#[test]
fn aof_rewrite_replays_tf_and_tflite_models() {
    let Some(ms) = models(crate::test_name!()) else {
        return;
    };
    let aof = ["--appendonly", "yes", "--aof-use-rdb-preamble", "no"];
    let mut s = Server::with(&[], &aof);
    let mut c = s.conn();
    load(&mut c, &ms);
    let outs = runs(&mut c, &ms);
    // Small chunks: every model's MODELSTORE has several BLOB chunks.
    ok(&mut c, &["AI.CONFIG", "MODEL_CHUNK_SIZE", "64"]);
    let before = snapshot(&mut c, &ms);
    let text = s.rewrite_aof();
    assert!(!text.starts_with(b"REDIS"));
    let count = |w: &[u8]| text.windows(w.len()).filter(|x| *x == w).count();
    assert_eq!(count(b"AI.MODELSTORE"), ms.len());
    let tf = ms.iter().filter(|m| m.backend == "TF").count();
    assert_eq!(count(b"$6\r\nINPUTS\r\n"), tf);
    assert_eq!(count(b"$7\r\nOUTPUTS\r\n"), tf);
    if ms.iter().any(|m| m.key == "tf") {
        let io = b"$6\r\nINPUTS\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n\
                   $7\r\nOUTPUTS\r\n$1\r\n1\r\n$3\r\nmul\r\n$4\r\nBLOB\r\n";
        assert_eq!(count(io), 1);
    }
    assert_eq!(count(b"$6\r\nTFLITE\r\n"), ms.len() - tf);
    s.restart("NOSAVE");
    let mut c = s.conn();
    check_meta(&mut c, &ms);
    ok(&mut c, &["AI.CONFIG", "MODEL_CHUNK_SIZE", "64"]);
    assert_eq!(snapshot(&mut c, &ms), before);
    assert_eq!(runs(&mut c, &ms), outs);
}

/// RedisAI's AI__MODEL fields for `encver` (spec §2.2): backend, device
/// (with its NUL), tag, batching, NUL-terminated names, then the blob in
/// `chunks` (or one string for encver 0).
fn model_fields<'a>(
    encver: u64,
    backend: u64,
    tag: &'a [u8],
    names: &'a [Vec<u8>],
    ninputs: usize,
    blob: &'a [u8],
    chunks: &[&'a [u8]],
) -> Vec<Field<'a>> {
    let mut f = vec![Field::U(backend), Field::Str(b"CPU\0"), Field::Str(tag)];
    f.extend([Field::U(0), Field::U(0)]);
    if encver >= 2 {
        f.push(Field::U(0));
    }
    for part in [&names[..ninputs], &names[ninputs..]] {
        f.push(Field::U(part.len() as u64));
        f.extend(part.iter().map(|n| Field::Str(n)));
    }
    if encver == 0 {
        f.push(Field::Str(blob));
    } else {
        f.push(Field::U(blob.len() as u64));
        f.push(Field::U(chunks.len() as u64));
        f.extend(chunks.iter().map(|c| Field::Str(c)));
    }
    f
}

/// An encver-4 model with `names` (two inputs) and `blob` in one chunk.
fn one<'a>(backend: u64, names: &'a [Vec<u8>], blob: &'a [u8]) -> Vec<Field<'a>> {
    model_fields(4, backend, b"", names, 2, blob, &[blob])
}

fn v4(f: &[Field]) -> Vec<u8> {
    rdb::with_footer(rdb::module_value(MODEL_ID_V4, f))
}

/// NUL-terminated names, as RedisAI saves them.
fn nul(names: &[&str]) -> Vec<Vec<u8>> {
    let with = names.iter().map(|n| format!("{n}\0"));
    with.map(String::into_bytes).collect()
}

fn restore(c: &mut Conn, key: &str, payload: Vec<u8>) -> Reply {
    let a: [&[u8]; 4] = [b"RESTORE", key.as_bytes(), b"0", &payload];
    c.cmd(&a).expect("reply")
}

#[test]
fn restore_reads_redisai_tf_and_tflite_payloads() {
    let Some(ms) = models(crate::test_name!()) else {
        return;
    };
    // Uncompressed strings, so the DUMP payloads parse.
    let s = Server::with(&[], &["--rdbcompression", "no"]);
    let mut c = s.conn();
    load(&mut c, &ms);
    // DUMP/RESTORE round trip of every model.
    for m in &ms {
        let dump = c.cmd(&["DUMP", m.key]).expect("reply").bulk().to_vec();
        let copy = format!("{}_copy", m.key);
        let r = restore(&mut c, &copy, dump.clone());
        assert!(r.is_ok(), "{}: {r:?}", m.key);
        assert_eq!(mget(&mut c, &copy), mget(&mut c, m.key));
        run_as(&mut c, &copy, m);
        // Our v4 payload is RedisAI's layout, names with their NULs.
        let (id, f) = rdb::parse_module_value(&dump);
        assert_eq!(id, MODEL_ID_V4);
        let mut want = vec![Owned::U(m.code()), Owned::Str(b"CPU\0".to_vec())];
        want.push(Owned::Str(m.opt("TAG").unwrap_or("").as_bytes().to_vec()));
        for k in ["BATCHSIZE", "MINBATCHSIZE", "MINBATCHTIMEOUT"] {
            want.push(Owned::U(m.opt(k).map_or(0, |v| v.parse().expect("number"))));
        }
        for names in [&m.names.0, &m.names.1] {
            want.push(Owned::U(names.len() as u64));
            want.extend(nul(names).into_iter().map(Owned::Str));
        }
        let blob = fixture(m.file);
        want.extend([Owned::U(blob.len() as u64), Owned::U(1), Owned::Str(blob)]);
        assert_eq!(f, want, "{}", m.key);
    }
    // Hand-built RedisAI payloads, encver 0 to 4, for one model of each.
    for m in ms.iter().filter(|m| m.key == "tf" || m.key == "tfl") {
        let code = m.code();
        let blob = fixture(m.file);
        let half = blob.len() / 2;
        let names = nul(&[&m.names.0[..], &m.names.1[..]].concat());
        let cases: Vec<Case> = vec![
            (4, vec![&blob[..half], &blob[half..]], b"t4"),
            (4, vec![&blob[..], &[][..]], b"t4e"),
            (3, vec![&blob[..]], b"t3"),
            (2, vec![&blob[..]], b"t2"),
            (1, vec![&blob[..half], &blob[half..]], b"t1"),
            (0, vec![], b"t0\0"),
        ];
        for (i, (encver, chunks, tag)) in cases.iter().enumerate() {
            let ni = m.names.0.len();
            let f = model_fields(*encver, code, tag, &names, ni, &blob, chunks);
            let id = rdb::with_encver(MODEL_ID_V4, *encver);
            let key = format!("{}_v{i}", m.key);
            let r = restore(&mut c, &key, rdb::with_footer(rdb::module_value(id, &f)));
            assert!(r.is_ok(), "{} encver {encver}: {r:?}", m.key);
            let meta = c.cmd(&["AI.MODELGET", &key]).expect("reply");
            let a = meta.array();
            assert_eq!(a[1].bulk(), m.backend.as_bytes());
            assert_eq!(a[5].bulk(), tag.strip_suffix(b"\0").unwrap_or(tag));
            assert_eq!(a[11], bulks(&m.names.0), "{key}");
            assert_eq!(a[13], bulks(&m.names.1), "{key}");
            assert_eq!(a[17].bulk(), &blob[..], "{key}");
            run_as(&mut c, &key, m);
        }
    }
    if let Some(m) = ms.iter().find(|m| m.key == "tf") {
        restore_refusals(&s, &mut c, m);
    }
    assert!(s.alive());
}

/// Corrupt TF payloads are RESTORE errors; a GPU TF model loads and says
/// why it cannot run (Decision 11).
fn restore_refusals(s: &Server, c: &mut Conn, m: &Model) {
    let dump = c.cmd(&["DUMP", m.key]).expect("reply").bulk().to_vec();
    // Every truncation (RESTORE reads on into the footer, so the cut that
    // drops the blob's last byte and EOF would read the footer's `09 00` as
    // them: a different but valid graph; that one is left out).
    for cut in (1..dump.len() - 10).filter(|&c| c != dump.len() - 12) {
        let p = rdb::refooter(&[&dump[..cut], &[0u8; 10][..]].concat());
        let r = restore(c, "cut", p);
        assert!(r.is_error(), "cut at {cut}: {r:?}");
    }
    let blob = fixture(m.file);
    let junk = fixture("junk.bin");
    let half = &blob[..blob.len() / 2];
    let (names, nope) = (nul(&["a", "b", "mul"]), nul(&["a", "nope", "mul"]));
    let bad = [
        one(0, &names, &junk),
        one(0, &nope, &blob),
        one(1, &names, &blob),
        one(0, &names, half),
        model_fields(4, 0, b"", &names, 2, &blob, &[&blob[..100]]),
    ];
    for (i, f) in bad.iter().enumerate() {
        let r = restore(c, "bad", v4(f));
        assert!(r.is_error(), "case {i}: {r:?}");
    }
    assert_eq!(c.cmd(&["EXISTS", "cut", "bad"]).expect("reply").int(), 0);
    assert!(s.alive());

    let mut f = one(0, &names, &blob);
    f[1] = Field::Str(b"GPU:0\0");
    let r = restore(c, "gpu", v4(&f));
    assert!(r.is_ok(), "{r:?}");
    let got = c.cmd(&["AI.MODELGET", "gpu", "BLOB"]).expect("reply");
    assert_eq!(got.bulk(), &blob[..]);
    let r = execute(c, "gpu", m);
    assert_eq!(r.err(), "ERR GPU requested but TF couldn't find CUDA");
    assert!(s.log().contains("cannot run on this host"));
    // A TF model needs its INPUTS and OUTPUTS names (MODELSTORE refuses it
    // without them, and its AOF rewrite, `INPUTS 0`, would not replay).
    let f = model_fields(4, 0, b"", &[], 0, &blob, &[&blob[..]]);
    let r = restore(c, "noio", v4(&f));
    assert!(r.is_error(), "a TF model without names: {r:?}");
}

#[test]
fn replica_converges_on_tf_and_tflite_models() {
    let Some(ms) = models(crate::test_name!()) else {
        return;
    };
    let primary = Server::with(&[], &["--repl-diskless-sync-delay", "0"]);
    let replica = Server::start();
    replica.replicate_from(&primary);
    let mut p = primary.conn();
    // Half the models go over the full sync of a late replica, the rest
    // over the command stream.
    let (early, late) = ms.split_at(ms.len() / 2);
    load(&mut p, early);
    let second = Server::start();
    second.replicate_from(&primary);
    for m in late {
        store(&mut p, m);
    }
    runs(&mut p, &ms);
    let want = primary.info_field("replication", "master_repl_offset");
    for r in [&replica, &second] {
        r.wait_for("the replica to catch up", 30, |s| {
            s.info_field("replication", "slave_repl_offset") == want
        });
        let mut rc = r.conn();
        for m in &ms {
            assert_eq!(mget(&mut rc, m.key), mget(&mut p, m.key), "{}", m.key);
            // Compiled on the replica, but never run there.
            let info = rc.cmd(&["AI.INFO", m.key]).expect("reply");
            assert_eq!(info.array()[15].int(), 0, "{}", m.key);
        }
        assert_eq!(outputs(&mut rc, &ms), outputs(&mut p, &ms));
        assert_eq!(
            rc.cmd(&["DEBUG", "DIGEST"]).expect("reply"),
            p.cmd(&["DEBUG", "DIGEST"]).expect("reply")
        );
    }
    // A replica promoted to primary runs the models it received.
    let mut rc = second.conn();
    ok(&mut rc, &["REPLICAOF", "NO", "ONE"]);
    runs(&mut rc, &ms);
}

/// A redis-server for a module file of our own, started here rather than
/// by `Server`, without the backends' environment variables.
struct Raw(Child, u16);

impl Raw {
    fn start(module: &Path, dir: &Path) -> Raw {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr());
        let port = port.expect("a free port").port();
        let opts = format!("--port {port} --bind 127.0.0.1 --enable-debug-command local");
        let mut cmd = Command::new("redis-server");
        cmd.args(opts.split(' ')).arg("--dir").arg(dir);
        cmd.args(["--save", "", "--logfile"]).arg(dir.join("log"));
        cmd.arg("--loadmodule").arg(module).stdout(Stdio::null());
        cmd.env_remove("TF_DYLIB_PATH");
        cmd.env_remove("LITERT_DYLIB_PATH");
        let mut raw = Raw(cmd.spawn().expect("redis-server"), port);
        let deadline = Instant::now() + Duration::from_secs(30);
        let pong = Reply::Status("PONG".into());
        while !Conn::connect(port, Duration::from_secs(5))
            .is_ok_and(|mut c| c.cmd(&["PING"]).is_ok_and(|r| r == pong))
        {
            let gone = raw.0.try_wait().ok().flatten().is_some();
            assert!(!gone && Instant::now() < deadline, "no server in {dir:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
        raw
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A copy of the module in `dir` whose built-in library paths (the wheels
/// it was built against, the last candidates of src/backends/dylib.rs)
/// name files that do not exist. The copy has no `lib/` beside it, and
/// [`Raw`] clears TF_DYLIB_PATH and LITERT_DYLIB_PATH, so neither
/// TensorFlow nor LiteRT can be found. `None` when the paths are not there.
fn module_without_libraries(dir: &Path) -> Option<PathBuf> {
    let mut bin = std::fs::read(common::module_path()).expect("module");
    let renames = [
        ("/libtensorflow_cc.so.2", "/libtensorflow_xx.so.2"),
        ("/libLiteRt.so", "/libLiteXx.so"),
    ];
    for (from, to) in renames.map(|(f, t)| (f.as_bytes(), t.as_bytes())) {
        let at: Vec<usize> = (0..bin.len() - from.len())
            .filter(|&i| bin[i] == b'/' && bin[i..].starts_with(from))
            .collect();
        if at.is_empty() {
            return None;
        }
        for i in at {
            bin[i..i + to.len()].copy_from_slice(to);
        }
    }
    let path = dir.join("libredisai.so");
    std::fs::write(&path, bin).expect("write module copy");
    let exe = std::os::unix::fs::PermissionsExt::from_mode(0o755);
    std::fs::set_permissions(&path, exe).expect("chmod");
    Some(path)
}

/// Decision 11: an RDB with TF and TFLITE models loads on a host where
/// their libraries are missing; the keys keep their bytes, executing says
/// why, and the RDB saved there still runs where the libraries are.
#[test]
fn missing_backend_library_keeps_models() {
    if !common::available(&["tf", "tflite"], crate::test_name!()) {
        return;
    }
    let ms = Model::all();
    let mut s = Server::start();
    let mut c = s.conn();
    load(&mut c, &ms);
    let outs = runs(&mut c, &ms);
    let before = snapshot(&mut c, &ms);
    ok(&mut c, &["SAVE"]);
    let dir = s.dir.join("nolibs");
    std::fs::create_dir_all(&dir).expect("dir");
    let Some(module) = module_without_libraries(&dir) else {
        let why = "the module has no built-in library paths to hide";
        skipped(crate::test_name!(), why);
        return;
    };
    std::fs::copy(s.dir.join("dump.rdb"), dir.join("dump.rdb")).expect("copy rdb");
    let raw = Raw::start(&module, &dir);
    let mut rc = Conn::connect(raw.1, Duration::from_secs(60)).expect("connect");
    assert_eq!(rc.cmd(&["DBSIZE"]).expect("reply").int(), 5 + 6 + 8);
    for m in &ms {
        assert_eq!(mget(&mut rc, m.key), mget(&mut c, m.key), "{}", m.key);
        let r = execute(&mut rc, m.key, m);
        assert_eq!(r.err(), "ERR Could not load backend", "{}", m.key);
        let r = common::store_model(&mut rc, "new", m.backend, m.file, &m.extra);
        assert_eq!(r.err(), "ERR Could not load backend", "{}", m.key);
    }
    let log = std::fs::read_to_string(dir.join("log")).expect("log");
    assert!(log.contains("cannot run on this host"), "{log}");
    // Saved again where the libraries are missing: the blobs are intact.
    ok(&mut rc, &["DEBUG", "RELOAD"]);
    ok(&mut rc, &["SAVE"]);
    drop(rc);
    drop(raw);
    std::fs::copy(dir.join("dump.rdb"), s.dir.join("dump.rdb")).expect("copy rdb");
    s.restart("NOSAVE");
    let mut c = s.conn();
    assert_eq!(snapshot(&mut c, &ms), before);
    assert_eq!(runs(&mut c, &ms), outs);
}
