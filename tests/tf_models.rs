//! TF and TFLITE models over the wire: every `tf-*`/`tflite-*` fixture's
//! exact outputs (expected.json), TF's node names and error texts (spec
//! §1.9), auto-batching across clients (§2.6), AI.INFO counts, and DAGs that
//! chain TF/TFLITE with TORCH and ONNX. TFLITE's own errors, its per-shape
//! compiled models and concurrent runs are in tflite_models.rs.

mod common;

use std::sync::OnceLock;
use std::time::Duration;

use common::{
    err_line, fixture, floats, line as cmd, ok_line, set_floats, shape, store_model, Conn, Reply,
    Server,
};
use serde_json::Value;

/// The expected.json entry of `file`.
fn expected(file: &str) -> &'static Value {
    static JSON: OnceLock<Value> = OnceLock::new();
    let all = JSON.get_or_init(|| {
        serde_json::from_slice(&fixture("expected.json")).expect("expected.json parses")
    });
    all.get(file)
        .unwrap_or_else(|| panic!("{file} is not in expected.json"))
}

fn names(e: &Value, field: &str) -> Vec<String> {
    e[field]
        .as_array()
        .unwrap_or_else(|| panic!("no {field}"))
        .iter()
        .map(|n| n.as_str().expect("a name").to_string())
        .collect()
}

/// TF's `INPUTS n names… OUTPUTS n names…`, from expected.json.
fn tf_io(file: &str) -> Vec<String> {
    let e = expected(file);
    let mut a = Vec::new();
    for (kw, field) in [("INPUTS", "input_names"), ("OUTPUTS", "output_names")] {
        let n = names(e, field);
        a.push(kw.to_string());
        a.push(n.len().to_string());
        a.extend(n);
    }
    a
}

/// MODELSTORE of a fixture; TF gets expected.json's names after `extra`.
fn store(c: &mut Conn, key: &str, backend: &str, file: &str, extra: &[&str]) -> Reply {
    let mut a: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    if backend == "TF" {
        a.extend(tf_io(file));
    }
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    store_model(c, key, backend, file, &a)
}

/// A tensor's values as TENSORSET's BLOB (STRING: NUL-terminated elements).
fn encode(dtype: &str, values: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    for v in values {
        let f = || v.as_f64().expect("a number");
        let i = || v.as_i64().expect("an integer");
        match dtype {
            "FLOAT" => out.extend((f() as f32).to_le_bytes()),
            "DOUBLE" => out.extend(f().to_le_bytes()),
            "INT8" => out.extend((i() as i8).to_le_bytes()),
            "INT16" => out.extend((i() as i16).to_le_bytes()),
            "INT32" => out.extend((i() as i32).to_le_bytes()),
            "INT64" => out.extend(i().to_le_bytes()),
            "UINT8" | "BOOL" => out.push(i() as u8),
            "UINT16" => out.extend((i() as u16).to_le_bytes()),
            "STRING" => {
                out.extend(v.as_str().expect("a string").as_bytes());
                out.push(0);
            }
            other => panic!("dtype {other}"),
        }
    }
    out
}

/// A numeric BLOB's elements as f64 (exact for every dtype used here).
fn decode(dtype: &str, b: &[u8]) -> Vec<f64> {
    let w = |n: usize| b.chunks_exact(n).map(|x| x.to_vec());
    match dtype {
        "FLOAT" => w(4)
            .map(|x| f32::from_le_bytes(x.try_into().unwrap()) as f64)
            .collect(),
        "DOUBLE" => w(8)
            .map(|x| f64::from_le_bytes(x.try_into().unwrap()))
            .collect(),
        "INT8" => b.iter().map(|&x| x as i8 as f64).collect(),
        "UINT8" | "BOOL" => b.iter().map(|&x| x as f64).collect(),
        "INT16" => w(2)
            .map(|x| i16::from_le_bytes(x.try_into().unwrap()) as f64)
            .collect(),
        "UINT16" => w(2)
            .map(|x| u16::from_le_bytes(x.try_into().unwrap()) as f64)
            .collect(),
        "INT32" => w(4)
            .map(|x| i32::from_le_bytes(x.try_into().unwrap()) as f64)
            .collect(),
        "INT64" => w(8)
            .map(|x| i64::from_le_bytes(x.try_into().unwrap()) as f64)
            .collect(),
        other => panic!("dtype {other}"),
    }
}

/// TENSORSET `key` to an expected.json tensor (BLOB; STRING via VALUES).
fn set_tensor(c: &mut Conn, key: &str, t: &Value) {
    let dtype = t["dtype"].as_str().expect("dtype");
    let mut a: Vec<Vec<u8>> = vec![b"AI.TENSORSET".to_vec(), key.into(), dtype.into()];
    for d in t["shape"].as_array().expect("shape") {
        a.push(d.to_string().into_bytes());
    }
    let values = t["values"].as_array().expect("values");
    if dtype == "STRING" {
        a.push(b"VALUES".to_vec());
        a.extend(values.iter().map(|v| v.as_str().expect("str").into()));
    } else {
        a.push(b"BLOB".to_vec());
        a.push(encode(dtype, values));
    }
    let r = c.cmd(&a).expect("reply");
    assert!(r.is_ok(), "TENSORSET {key}: {r:?}");
}

/// Checks `key` against an expected.json tensor: dtype, shape, values
/// (exact, or within `tol` relative/absolute); returns the values.
fn check_tensor(c: &mut Conn, key: &str, want: &Value, tol: Option<f64>, ctx: &str) -> Vec<f64> {
    let r = c
        .cmd(&["AI.TENSORGET", key, "META", "BLOB"])
        .expect("reply");
    let f = r.array();
    let dtype = want["dtype"].as_str().expect("dtype");
    assert_eq!(f[1].text(), dtype, "{ctx}: dtype of {key}");
    let shape: Vec<i64> = f[3].array().iter().map(Reply::int).collect();
    let want_shape: Vec<i64> = want["shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_i64().unwrap())
        .collect();
    assert_eq!(shape, want_shape, "{ctx}: shape of {key}");
    let values = want["values"].as_array().expect("values");
    if dtype == "STRING" {
        assert_eq!(
            f[5].text(),
            String::from_utf8(encode(dtype, values)).unwrap(),
            "{ctx}: {key}"
        );
        return Vec::new();
    }
    let got = decode(dtype, f[5].bulk());
    assert_eq!(got.len(), values.len(), "{ctx}: element count of {key}");
    for (i, (g, w)) in got.iter().zip(values).enumerate() {
        let w = w.as_f64().expect("number");
        let good = match tol {
            None if dtype == "FLOAT" => *g == (w as f32) as f64,
            None => *g == w,
            Some(t) => (g - w).abs() <= t * w.abs().max(1.0),
        };
        assert!(good, "{ctx}: {key}[{i}] = {g}, expected {w}");
    }
    got
}

fn execute(c: &mut Conn, model: &str, ins: &[String], outs: &[String]) -> Reply {
    let mut a = vec!["AI.MODELEXECUTE".to_string(), model.into(), "INPUTS".into()];
    a.push(ins.len().to_string());
    a.extend(ins.iter().cloned());
    a.push("OUTPUTS".into());
    a.push(outs.len().to_string());
    a.extend(outs.iter().cloned());
    c.cmd(&a).expect("reply")
}

fn bulks(names: &[String]) -> Reply {
    Reply::Array(
        names
            .iter()
            .map(|n| Reply::Bulk(n.clone().into_bytes()))
            .collect(),
    )
}

/// Stores `file`, runs it on expected.json's inputs and checks every output
/// and the META names.
fn run_fixture(c: &mut Conn, backend: &str, file: &str) {
    let e = expected(file);
    let r = store(c, file, backend, file, &[]);
    assert!(r.is_ok(), "MODELSTORE {file}: {r:?}");
    let meta = c.cmd(&["AI.MODELGET", file, "META"]).expect("reply");
    let m = meta.array();
    assert_eq!(m[1].text(), backend, "{file}: {meta:?}");
    assert_eq!(m[11], bulks(&names(e, "input_names")), "{file} inputs");
    assert_eq!(m[13], bulks(&names(e, "output_names")), "{file} outputs");
    let wants = e["outputs"].as_array().unwrap();
    if wants.is_empty() {
        // No test input (tf-loop.pb runs forever): stored and described only.
        return;
    }
    let mut ins = Vec::new();
    for (i, t) in e["inputs"].as_array().unwrap().iter().enumerate() {
        let key = format!("{file}:in{i}");
        set_tensor(c, &key, t);
        ins.push(key);
    }
    let outs: Vec<String> = (0..wants.len()).map(|i| format!("{file}:out{i}")).collect();
    let r = execute(c, file, &ins, &outs);
    assert!(r.is_ok(), "MODELEXECUTE {file}: {r:?}");
    let tol = (file.contains("mnist") || file.contains("fraud")).then_some(1e-4);
    for (key, want) in outs.iter().zip(wants) {
        let got = check_tensor(c, key, want, tol, file);
        if want["name"] == "probs" {
            // The classes the fixture script recorded, row by row.
            let argmax: Vec<u64> = match &e["argmax"] {
                Value::Array(a) => a.iter().map(|v| v.as_u64().unwrap()).collect(),
                v => vec![v.as_u64().expect("argmax")],
            };
            let got: Vec<u64> = got
                .chunks(10)
                .map(|r| (0..10).fold(0, |b, i| if r[i] > r[b] { i } else { b }) as u64)
                .collect();
            assert_eq!(got, argmax, "{file}: argmax");
        }
    }
}

/// Every `prefix*` fixture, sorted; `known` must be among them.
fn fixtures(prefix: &str, known: &[&str]) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models");
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    found.sort();
    for k in known {
        assert!(found.iter().any(|f| f == k), "{k} missing from {found:?}");
    }
    found
}

#[test]
fn tf_fixtures_give_the_expected_outputs() {
    skip_unless!("tf");
    let s = Server::start();
    let mut c = s.conn();
    let known = [
        "tf-fraud.pb",
        "tf-graph.pb",
        "tf-mnist.pb",
        "tf-string.pb",
        "tf-two.pb",
    ];
    for file in &fixtures("tf-", &known) {
        run_fixture(&mut c, "TF", file);
    }
}

#[test]
fn tflite_fixtures_give_the_expected_outputs() {
    skip_unless!("tflite");
    let s = Server::start();
    let mut c = s.conn();
    let known = [
        "tflite-fraud.tflite",
        "tflite-graph.tflite",
        "tflite-mnist-quant.tflite",
        "tflite-mnist-uint8.tflite",
        "tflite-mnist.tflite",
        "tflite-two.tflite",
    ];
    for file in &fixtures("tflite-", &known) {
        run_fixture(&mut c, "TFLITE", file);
    }
}

#[test]
fn tf_names_and_errors() {
    skip_unless!("tf");
    let s = Server::start();
    let mut c = s.conn();
    let io = |i: &str, o: &str| -> Vec<String> {
        format!("INPUTS 2 {i} OUTPUTS 1 {o}")
            .split(' ')
            .map(String::from)
            .collect()
    };
    let st = |c: &mut Conn, key: &str, device: &str, io: Vec<String>, file: &str| -> Reply {
        let mut a: Vec<Vec<u8>> = ["AI.MODELSTORE", key, "TF", device]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
        a.extend(io.into_iter().map(String::into_bytes));
        a.push(b"BLOB".to_vec());
        a.push(fixture(file));
        c.cmd(&a).expect("reply")
    };
    // `name:index`, kept in META as declared.
    assert!(st(&mut c, "m", "CPU", io("a:0 b", "mul:0"), "tf-graph.pb").is_ok());
    let meta = c.cmd(&["AI.MODELGET", "m", "META"]).expect("reply");
    assert_eq!(meta.array()[11], bulks(&["a:0".into(), "b".into()]));
    assert_eq!(meta.array()[13], bulks(&["mul:0".into()]));
    ok_line(&mut c, "AI.TENSORSET a FLOAT 1 2 VALUES 3 -4");
    ok_line(&mut c, "AI.TENSORSET b FLOAT 1 2 VALUES 5 6");
    ok_line(&mut c, "AI.MODELEXECUTE m INPUTS 2 a b OUTPUTS 1 y");
    assert_eq!(floats(&mut c, "y"), vec![15.0, -24.0]);

    let cases: Vec<(&str, &str, Vec<String>, &str, &str)> = vec![
        (
            "bad_in",
            "CPU",
            io("a zz", "mul"),
            "tf-graph.pb",
            "ERR Input node named \"zz\" not found in TF graph.",
        ),
        (
            "bad_out",
            "CPU",
            io("a b", "zz"),
            "tf-graph.pb",
            "ERR Output node named \"zz\" not found in TF graph.",
        ),
        (
            "junk",
            "CPU",
            io("a b", "mul"),
            "junk.bin",
            "Invalid GraphDef",
        ),
        (
            "gpu",
            "GPU",
            io("a b", "mul"),
            "tf-graph.pb",
            "ERR GPU requested but TF couldn't find CUDA",
        ),
    ];
    for (key, device, io, file, want) in cases {
        assert_eq!(
            st(&mut c, key, device, io, file),
            Reply::Error(want.into()),
            "{key}"
        );
        assert_eq!(c.cmd(&["EXISTS", key]).expect("reply").int(), 0, "{key}");
    }
    // Counts are checked against the declared names.
    assert_eq!(
        err_line(&mut c, "AI.MODELEXECUTE m INPUTS 1 a OUTPUTS 1 y2"),
        "Number of keys given as INPUTS here does not match model definition"
    );
    assert_eq!(
        err_line(&mut c, "AI.MODELEXECUTE m INPUTS 2 a b OUTPUTS 2 y2 y3"),
        "Number of keys given as OUTPUTS here does not match model definition"
    );
    // A shape error at run time: TF's text, and the server goes on.
    ok_line(&mut c, "AI.TENSORSET a3 FLOAT 3 VALUES 1 2 3");
    ok_line(&mut c, "AI.TENSORSET b22 FLOAT 2 2 VALUES 1 2 3 4");
    let e = err_line(&mut c, "AI.MODELEXECUTE m INPUTS 2 a3 b22 OUTPUTS 1 y2");
    assert!(e.starts_with("Incompatible shapes"), "{e}");
    assert!(!e.contains('\n') && !e.contains('\r'), "{e:?}");
    assert_eq!(cmd(&mut c, "PING"), Reply::Status("PONG".into()));
    assert_eq!(c.cmd(&["EXISTS", "y2", "y3"]).expect("reply").int(), 0);
    ok_line(&mut c, "AI.MODELEXECUTE m INPUTS 2 b a OUTPUTS 1 y");
    assert_eq!(floats(&mut c, "y"), vec![15.0, -24.0]);
    assert!(s.alive());
}

/// Two clients, batches of 1 and 2: the first waits for MINBATCHSIZE 2, then
/// both run as one batch of 3 and each gets its own rows.
fn two_clients_batch(backend: &str, file: &str) {
    let s = Server::start();
    let mut c = s.conn();
    let r = store(
        &mut c,
        "m",
        backend,
        file,
        &["BATCHSIZE", "4", "MINBATCHSIZE", "2"],
    );
    assert!(r.is_ok(), "{r:?}");
    let meta = c.cmd(&["AI.MODELGET", "m", "META"]).expect("reply");
    assert_eq!((meta.array()[7].int(), meta.array()[9].int()), (4, 2));
    set_floats(&mut c, "a1", &[1.0, 2.0]);
    set_floats(&mut c, "b1", &[3.0, 4.0]);
    set_floats(&mut c, "a2", &[1.0, 2.0, 3.0, 4.0]);
    set_floats(&mut c, "b2", &[5.0, 6.0, -7.0, 8.5]);
    let ex = |i: u32| -> Vec<String> {
        format!("AI.MODELEXECUTE m INPUTS 2 a{i} b{i} OUTPUTS 1 y{i}")
            .split(' ')
            .map(String::from)
            .collect()
    };
    let (mut a, mut b) = (s.conn(), s.conn());
    a.send(&ex(1)).expect("send");
    a.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        c.cmd(&["EXISTS", "y1"]).expect("reply").int(),
        0,
        "ran alone"
    );
    b.send(&ex(2)).expect("send");
    b.flush().expect("flush");
    assert_eq!(a.read().expect("reply"), Reply::Status("OK".into()));
    assert_eq!(b.read().expect("reply"), Reply::Status("OK".into()));
    assert_eq!(floats(&mut c, "y1"), vec![3.0, 8.0]);
    assert_eq!(shape(&mut c, "y1"), vec![1, 2]);
    assert_eq!(floats(&mut c, "y2"), vec![5.0, 12.0, -21.0, 34.0]);
    assert_eq!(shape(&mut c, "y2"), vec![2, 2]);
    let info = c.cmd(&["AI.INFO", "m"]).expect("reply");
    let f = info.array();
    assert_eq!(
        (f[13].int(), f[15].int(), f[17].int()),
        (3, 2, 0),
        "samples, calls, errors: {info:?}"
    );
}

#[test]
fn tf_two_clients_are_batched_into_one_run() {
    skip_unless!("tf");
    two_clients_batch("TF", "tf-graph.pb");
}

#[test]
fn tflite_two_clients_are_batched_into_one_run() {
    skip_unless!("tflite");
    two_clients_batch("TFLITE", "tflite-graph.tflite");
}

/// (duration, samples, calls, errors) of AI.INFO, after checking its header.
fn stats(c: &mut Conn, key: &str, backend: &str) -> (i64, i64, i64, i64) {
    let r = c.cmd(&["AI.INFO", key]).expect("reply");
    let f = r.array();
    assert_eq!(f.len(), 18, "{r:?}");
    let head: Vec<String> = [1, 3, 5, 7, 9].iter().map(|&i| f[i].text()).collect();
    assert_eq!(head, [key, "MODEL", backend, "CPU", ""], "{r:?}");
    (f[11].int(), f[13].int(), f[15].int(), f[17].int())
}

/// N runs, one backend failure (`bad` as input 2; its reply starts with
/// `fails`) and two parse errors, then RESETSTAT.
fn info_counts(backend: &str, file: &str, bad: &str, fails: &str) {
    let s = Server::start();
    let mut c = s.conn();
    assert!(store(&mut c, "m", backend, file, &[]).is_ok());
    assert_eq!(stats(&mut c, "m", backend), (0, 0, 0, 0));
    set_floats(&mut c, "a", &[1.0, 2.0, 3.0, 4.0]);
    set_floats(&mut c, "b1", &[1.0, 2.0]);
    ok_line(&mut c, bad);
    for _ in 0..5 {
        ok_line(&mut c, "AI.MODELEXECUTE m INPUTS 2 a a OUTPUTS 1 y");
    }
    ok_line(&mut c, "AI.MODELEXECUTE m INPUTS 2 b1 b1 OUTPUTS 1 y1");
    assert_eq!(floats(&mut c, "y"), vec![1.0, 4.0, 9.0, 16.0]);
    assert_eq!(floats(&mut c, "y1"), vec![1.0, 4.0]);
    // One run that fails in the backend, and parse errors (not counted).
    let e = err_line(&mut c, "AI.MODELEXECUTE m INPUTS 2 a bad OUTPUTS 1 z");
    assert!(e.starts_with(fails), "{e}");
    assert_eq!(
        err_line(&mut c, "AI.MODELEXECUTE m INPUTS 1 a OUTPUTS 1 z"),
        "Number of keys given as INPUTS here does not match model definition"
    );
    assert_eq!(
        err_line(&mut c, "AI.MODELEXECUTE m INPUTS 2 a missing OUTPUTS 1 z"),
        "ERR tensor key is empty or in a different shard"
    );
    let (duration, samples, calls, errors) = stats(&mut c, "m", backend);
    assert!(duration > 0, "duration {duration}");
    assert_eq!(
        (samples, calls, errors),
        (11, 7, 1),
        "samples, calls, errors"
    );
    ok_line(&mut c, "AI.INFO m RESETSTAT");
    assert_eq!(stats(&mut c, "m", backend), (0, 0, 0, 0));
    ok_line(&mut c, "AI.MODELEXECUTE m INPUTS 2 b1 b1 OUTPUTS 1 y1");
    let (duration, samples, calls, errors) = stats(&mut c, "m", backend);
    assert!(duration > 0);
    assert_eq!((samples, calls, errors), (1, 1, 0));
}

#[test]
fn tf_info_counts_and_resetstat() {
    skip_unless!("tf");
    let bad = "AI.TENSORSET bad FLOAT 3 VALUES 1 2 3";
    info_counts("TF", "tf-graph.pb", bad, "Incompatible shapes");
}

#[test]
fn tflite_info_counts_and_resetstat() {
    skip_unless!("tflite");
    let bad = "AI.TENSORSET bad INT32 2 2 VALUES 1 2 3 4";
    info_counts(
        "TFLITE",
        "tflite-graph.tflite",
        bad,
        "Input tensor type doesn't match",
    );
}

/// x → (TF or TFLITE) x·x → TORCH a+b → ONNX y·y, in one DAG.
fn mixed_dag(backend: &str, file: &str) {
    let s = Server::start();
    let mut c = s.conn();
    assert!(store(&mut c, "first", backend, file, &[]).is_ok());
    assert!(store_model(&mut c, "pt", "TORCH", "pt-minimal.pt", &[]).is_ok());
    assert!(store_model(&mut c, "sq", "ONNX", "onnx-square.onnx", &[]).is_ok());
    ok_line(&mut c, "AI.TENSORSET x FLOAT 1 2 VALUES 2 -3");
    let r = cmd(
        &mut c,
        "AI.DAGEXECUTE LOAD 1 x PERSIST 1 out \
         |> AI.MODELEXECUTE first INPUTS 2 x x OUTPUTS 1 x2 \
         |> AI.MODELEXECUTE pt INPUTS 2 x2 x2 OUTPUTS 1 dbl \
         |> AI.MODELEXECUTE sq INPUTS 1 dbl OUTPUTS 1 out \
         |> AI.TENSORGET out BLOB",
    );
    let want: Vec<u8> = [64f32, 324.0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let okr = Reply::Status("OK".into());
    assert_eq!(
        r,
        Reply::Array(vec![okr.clone(), okr.clone(), okr, Reply::Bulk(want)])
    );
    assert_eq!(floats(&mut c, "out"), vec![64.0, 324.0]);
    assert_eq!(shape(&mut c, "out"), vec![1, 2]);
    assert_eq!(c.cmd(&["EXISTS", "x2", "dbl"]).expect("reply").int(), 0);
    for (key, b) in [("first", backend), ("pt", "TORCH"), ("sq", "ONNX")] {
        let (_, samples, calls, errors) = stats(&mut c, key, b);
        assert_eq!((samples, calls, errors), (1, 1, 0), "{key}");
    }
}

#[test]
fn dag_chains_tf_torch_and_onnx() {
    skip_unless!("tf", "torch", "onnx");
    mixed_dag("TF", "tf-graph.pb");
}

#[test]
fn dag_chains_tflite_torch_and_onnx() {
    skip_unless!("tflite", "torch", "onnx");
    mixed_dag("TFLITE", "tflite-graph.tflite");
}
