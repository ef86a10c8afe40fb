//! TFLITE-specific behaviour over the wire (the fixtures' exact outputs,
//! batching, AI.INFO and DAGs are in tf_models.rs): load/device/type
//! errors, the per-shape compiled models, and concurrent TF and TFLITE runs.

mod common;

use common::{
    err, err_line, fixture, floats, ok_line, set_floats, shape, store_model, Conn, Reply, Server,
};

/// MODELSTORE of tflite-graph.tflite, or of tf-graph.pb for "TF".
fn store(c: &mut Conn, key: &str, backend: &str) -> Reply {
    match backend {
        "TF" => store_model(
            c,
            key,
            "TF",
            "tf-graph.pb",
            &["INPUTS", "2", "a", "b", "OUTPUTS", "1", "mul"],
        ),
        _ => store_model(c, key, "TFLITE", "tflite-graph.tflite", &[]),
    }
}

/// (samples, calls, errors) of AI.INFO.
fn counts(c: &mut Conn, key: &str) -> (i64, i64, i64) {
    let r = c.cmd(&["AI.INFO", key]).expect("reply");
    let f = r.array();
    (f[13].int(), f[15].int(), f[17].int())
}

#[test]
fn tflite_errors() {
    skip_unless!("tflite");
    let s = Server::start();
    let mut c = s.conn();
    let r = store_model(&mut c, "junk", "TFLITE", "junk.bin", &[]);
    assert_eq!(r, Reply::Error("Failed to load model from buffer".into()));
    let mut a: Vec<Vec<u8>> = ["AI.MODELSTORE", "gpu", "TFLITE", "GPU", "BLOB"]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
    a.push(fixture("tflite-graph.tflite"));
    assert_eq!(
        c.cmd(&a).expect("reply"),
        Reply::Error("ERR Unsupported device".into())
    );
    assert_eq!(c.cmd(&["EXISTS", "junk", "gpu"]).expect("reply").int(), 0);

    assert!(store(&mut c, "m", "TFLITE").is_ok());
    ok_line(&mut c, "AI.TENSORSET a FLOAT 1 2 VALUES 2 3");
    ok_line(&mut c, "AI.TENSORSET d DOUBLE 1 2 VALUES 2 3");
    ok_line(&mut c, "AI.TENSORSET i INT32 1 2 VALUES 2 3");
    assert_eq!(
        err_line(&mut c, "AI.MODELEXECUTE m INPUTS 1 a OUTPUTS 1 y"),
        "Number of keys given as INPUTS here does not match model definition"
    );
    assert_eq!(
        err_line(&mut c, "AI.MODELEXECUTE m INPUTS 2 a a OUTPUTS 2 y z"),
        "Number of keys given as OUTPUTS here does not match model definition"
    );
    for bad in ["d", "i"] {
        assert_eq!(
            err(
                &mut c,
                &[
                    "AI.MODELEXECUTE",
                    "m",
                    "INPUTS",
                    "2",
                    "a",
                    bad,
                    "OUTPUTS",
                    "1",
                    "y"
                ]
            ),
            "Input tensor type doesn't match the type expected by the model definition",
            "{bad}"
        );
    }
    assert_eq!(c.cmd(&["EXISTS", "y", "z"]).expect("reply").int(), 0);
    ok_line(&mut c, "AI.MODELEXECUTE m INPUTS 2 a a OUTPUTS 1 y");
    assert_eq!(floats(&mut c, "y"), vec![4.0, 9.0]);
    assert!(s.alive());
}

#[test]
fn tflite_resizes_the_batch_both_ways() {
    skip_unless!("tflite");
    let s = Server::start();
    let mut c = s.conn();
    assert!(store(&mut c, "m", "TFLITE").is_ok());
    for (step, n) in [1usize, 3, 1, 2].into_iter().enumerate() {
        let a: Vec<f32> = (0..2 * n).map(|i| (i + step) as f32 + 0.5).collect();
        let b: Vec<f32> = (0..2 * n).map(|i| 2.0 - i as f32).collect();
        set_floats(&mut c, "a", &a);
        set_floats(&mut c, "b", &b);
        ok_line(&mut c, "AI.MODELEXECUTE m INPUTS 2 a b OUTPUTS 1 y");
        let want: Vec<f32> = a.iter().zip(&b).map(|(x, y)| x * y).collect();
        assert_eq!(floats(&mut c, "y"), want, "batch {n} (step {step})");
        assert_eq!(shape(&mut c, "y"), vec![n as i64, 2], "batch {n}");
    }
}

#[test]
fn concurrent_runs_of_tf_and_tflite() {
    skip_unless!("tf", "tflite");
    let s = Server::with(&["THREADS_PER_QUEUE", "4"], &[]);
    let mut c = s.conn();
    assert!(store(&mut c, "tf", "TF").is_ok());
    assert!(store(&mut c, "tl", "TFLITE").is_ok());
    let threads: Vec<_> = (0..4usize)
        .map(|t| {
            let mut c = s.conn();
            std::thread::spawn(move || {
                let mut samples = [0i64; 2];
                for j in 0..100usize {
                    let (m, model) = (j % 2, ["tf", "tl"][j % 2]);
                    let n = 1 + (t + j / 2) % 4;
                    let a: Vec<f32> = (0..2 * n).map(|k| (t * 1000 + j * 7 + k) as f32).collect();
                    let b: Vec<f32> = (0..2 * n).map(|k| k as f32 - 3.0).collect();
                    let (ka, kb, ky) = (format!("a{t}"), format!("b{t}"), format!("y{t}"));
                    set_floats(&mut c, &ka, &a);
                    set_floats(&mut c, &kb, &b);
                    let r = c
                        .cmd(&[
                            "AI.MODELEXECUTE",
                            model,
                            "INPUTS",
                            "2",
                            &ka,
                            &kb,
                            "OUTPUTS",
                            "1",
                            &ky,
                        ])
                        .expect("reply");
                    assert!(r.is_ok(), "{model} thread {t} run {j}: {r:?}");
                    let want: Vec<f32> = a.iter().zip(&b).map(|(x, y)| x * y).collect();
                    assert_eq!(floats(&mut c, &ky), want, "{model} thread {t} run {j}");
                    samples[m] += n as i64;
                }
                samples
            })
        })
        .collect();
    let mut samples = [0i64; 2];
    for t in threads {
        let s = t.join().expect("client thread");
        samples[0] += s[0];
        samples[1] += s[1];
    }
    let (ts, tc, te) = counts(&mut c, "tf");
    assert_eq!(
        (ts, tc, te),
        (samples[0], 200, 0),
        "TF samples, calls, errors"
    );
    let (ls, lc, le) = counts(&mut c, "tl");
    assert_eq!(
        (ls, lc, le),
        (samples[1], 200, 0),
        "TFLITE samples, calls, errors"
    );
    assert!(s.alive());
}
