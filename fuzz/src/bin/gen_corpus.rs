//! Writes the seed corpora: valid inputs for every target, the RDB ones
//! made by the project's own encoders. Run by scripts/fuzz-targets
//! `--seeds` (built with `--cfg fuzzing`, so that the crate uses the system
//! allocator):
//!
//!   gen-corpus [DIR]   (default fuzz/corpus)
//!
//! Files are named `seed-<label>`; rerunning overwrites them and leaves
//! what the fuzzer found alone. The text seeds harvested from the unit
//! tests (filters, queries, schemas) are in `seeds/*.txt`, one per line.

use std::fs;
use std::path::{Path, PathBuf};

use redisai::backends::BackendKind;
use redisai::model::ModelMeta;
use redisai::persistence::{model_codec, script_codec, tensor_codec, vecset_codec};
use redisai::persistence::{Item, Items};
use redisai::script::ScriptMeta;
use redisai::search::codec as ft_codec;
use redisai::search::index::Index;
use redisai::search::schema::parse_create;
use redisai::tensor::{DType, Tensor};
use redisai::vector::{Metric, NewVector, Quant, Spec, VecIndex, VecSet};
use redisai_fuzz::{join_argv, to_bytes};

struct Out {
    root: PathBuf,
    count: usize,
}

impl Out {
    fn put(&mut self, target: &str, label: &str, data: &[u8]) {
        let dir = self.root.join(target);
        if let Err(e) = fs::create_dir_all(&dir) {
            eprintln!("{}: {e}", dir.display());
            std::process::exit(1);
        }
        let path = dir.join(format!("seed-{label}"));
        if let Err(e) = fs::write(&path, data) {
            eprintln!("{}: {e}", path.display());
            std::process::exit(1);
        }
        self.count += 1;
    }

    /// An argv seed, `which` (the command selector byte) first if given.
    fn argv(&mut self, target: &str, label: &str, which: Option<u8>, line: &[&[u8]]) {
        let Some(body) = join_argv(line) else {
            eprintln!("seed {target}/{label} has a newline in an argument");
            std::process::exit(1);
        };
        let mut data: Vec<u8> = which.into_iter().collect();
        data.extend_from_slice(&body);
        self.put(target, label, &data);
    }

    /// An argv seed written as one space-separated line.
    fn words(&mut self, target: &str, label: &str, which: Option<u8>, line: &str) {
        let args: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
        self.argv(target, label, which, &args);
    }

    fn items(&mut self, target: &str, label: &str, encver: i32, items: &Items) {
        self.put(target, label, &to_bytes(encver, &items.items));
    }
}

fn f32s(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn tensor_args(o: &mut Out) {
    let t = "tensor_args";
    o.words(t, "float-values", None, "FLOAT 2 2 VALUES 1 2.5 -3 4e10");
    o.words(t, "double-values", None, "DOUBLE 1 2 VALUES inf -0");
    o.argv(
        t,
        "double-blob",
        None,
        &[b"DOUBLE", b"1", b"BLOB", &1.5f64.to_le_bytes()],
    );
    o.argv(
        t,
        "float-blob",
        None,
        &[b"FLOAT", b"2", b"BLOB", &f32s(&[1.0, -2.0])],
    );
    o.words(t, "int8-blob", None, "INT8 3 BLOB abc");
    o.words(t, "int16", None, "INT16 2 VALUES -1 32767");
    o.words(t, "int32", None, "int32 1 VALUES -5");
    o.words(
        t,
        "int64",
        None,
        "INT64 2 VALUES 9223372036854775807 -9223372036854775808",
    );
    o.words(t, "uint8", None, "UINT8 4 VALUES 0 1 2 255");
    o.words(t, "uint16", None, "UINT16 1 1 VALUES 65535");
    o.words(t, "bool", None, "BOOL 3 VALUES 0 1 1");
    o.words(t, "string-values", None, "STRING 2 VALUES hello world");
    o.argv(
        t,
        "string-blob",
        None,
        &[b"STRING", b"2", b"BLOB", b"a\0bc\0"],
    );
    o.words(t, "zeros", None, "FLOAT 3 4");
    o.words(t, "scalar", None, "FLOAT VALUES 1.5");
    o.words(t, "get-options", None, "META BLOB VALUES");
}

fn model_args(o: &mut Out) {
    let t = "model_args";
    o.words(t, "store-torch", Some(0), "AI.MODELSTORE m TORCH CPU TAG v1 BATCHSIZE 4 MINBATCHSIZE 2 MINBATCHTIMEOUT 100 INPUTS 2 a b OUTPUTS 1 c BLOB xyz");
    o.words(
        t,
        "store-tf",
        Some(0),
        "AI.MODELSTORE m TF GPU:0 INPUTS 1 x OUTPUTS 1 y BLOB p1 p2",
    );
    o.words(t, "store-onnx", Some(0), "AI.MODELSTORE m ONNX cpu BLOB b");
    o.words(
        t,
        "store-tflite",
        Some(0),
        "AI.MODELSTORE m TFLITE CPU:1 TAG t BLOB b",
    );
    o.words(
        t,
        "set",
        Some(1),
        "AI.MODELSET m TF CPU INPUTS a b OUTPUTS c BLOB xyz",
    );
    o.words(t, "get", Some(2), "AI.MODELGET m META BLOB");
    o.words(
        t,
        "execute",
        Some(3),
        "AI.MODELEXECUTE m INPUTS 2 a b OUTPUTS 1 c TIMEOUT 100",
    );
    o.words(
        t,
        "run",
        Some(4),
        "AI.MODELRUN m TIMEOUT 5 INPUTS a b OUTPUTS c",
    );
    o.words(t, "device", Some(5), "GPU:1");
}

fn script_args(o: &mut Out) {
    let t = "script_args";
    let src: &[u8] =
        b"def f(tensors: List[Tensor], keys: List[str], args: List[str]):\r    return tensors[0]";
    o.argv(
        t,
        "store",
        Some(0),
        &[
            b"AI.SCRIPTSTORE",
            b"s",
            b"CPU",
            b"TAG",
            b"t",
            b"ENTRY_POINTS",
            b"2",
            b"f",
            b"g",
            b"SOURCE",
            src,
        ],
    );
    o.argv(
        t,
        "set",
        Some(1),
        &[b"AI.SCRIPTSET", b"s", b"GPU", b"TAG", b"t", b"SOURCE", src],
    );
    o.words(t, "get", Some(2), "AI.SCRIPTGET s META SOURCE");
    o.words(
        t,
        "execute",
        Some(3),
        "AI.SCRIPTEXECUTE s f KEYS 1 k INPUTS 2 a b ARGS 2 x y OUTPUTS 1 o TIMEOUT 10",
    );
    o.words(
        t,
        "execute-dag",
        Some(4),
        "AI.SCRIPTEXECUTE s f OUTPUTS 1 o INPUTS 1 a",
    );
    o.words(
        t,
        "run",
        Some(5),
        "AI.SCRIPTRUN s f TIMEOUT 5 INPUTS a $ b OUTPUTS o",
    );
}

fn vector_args(o: &mut Out) {
    let t = "vector_args";
    o.argv(
        t,
        "vadd-values",
        Some(0),
        &[
            b"AI.VADD",
            b"k",
            b"VALUES",
            b"3",
            b"1",
            b"2",
            b"3",
            b"e1",
            b"METRIC",
            b"L2",
            b"QUANT",
            b"F16",
            b"M",
            b"16",
            b"EF",
            b"200",
            b"SETATTR",
            br#"{"a":1,"s":"x"}"#,
            b"CAS",
        ],
    );
    let blob = f32s(&[0.5, 1.0, -1.0]);
    o.argv(
        t,
        "vadd-fp32",
        Some(0),
        &[b"AI.VADD", b"k", b"FP32", &blob, b"e2", b"Q8"],
    );
    o.argv(
        t,
        "vadd-raw",
        Some(1),
        &[b"AI.VADD", b"k", b"RAW", &blob, b"1.0", b"e3", b"NOQUANT"],
    );
    o.words(
        t,
        "vadd-tensor",
        Some(1),
        "AI.VADD k TENSOR t e4 METRIC IP QUANT BF16",
    );
    o.argv(
        t,
        "vsim-ele",
        Some(2),
        &[
            b"AI.VSIM",
            b"k",
            b"ELE",
            b"e1",
            b"COUNT",
            b"5",
            b"EF",
            b"100",
            b"EPSILON",
            b"0.5",
            b"WITHSCORES",
            b"WITHATTRIBS",
            b"FILTER",
            b".a > 1 and .s == \"x\"",
            b"FILTER-EF",
            b"10",
            b"TRUTH",
            b"NOTHREAD",
        ],
    );
    o.words(t, "vsim-values", Some(2), "AI.VSIM k VALUES 2 1 2 COUNT 3");
    o.argv(t, "vsim-fp32", Some(2), &[b"AI.VSIM", b"k", b"FP32", &blob]);
    o.words(t, "vsim-tensor", Some(2), "AI.VSIM k TENSOR t WITHSCORES");
    o.words(t, "metric", Some(3), "COSINE");
}

fn dag_parse(o: &mut Out) {
    let t = "dag_parse";
    o.words(t, "execute-model", Some(0), "AI.DAGEXECUTE LOAD 1 t1 PERSIST 1 out |> AI.TENSORSET a FLOAT 2 VALUES 1 2 |> AI.MODELEXECUTE m1 INPUTS 2 t1 a OUTPUTS 1 out |> AI.TENSORGET out VALUES");
    o.words(t, "execute-script", Some(0), "AI.DAGEXECUTE ROUTING t1 TIMEOUT 100 |> AI.SCRIPTEXECUTE s1 f KEYS 1 k INPUTS 1 t1 ARGS 1 x OUTPUTS 1 o |> AI.TENSORGET o META");
    o.words(t, "execute-ro-vsim", Some(1), "AI.DAGEXECUTE_RO LOAD 1 t1 |> AI.VSIM v1 TENSOR t1 COUNT 2 EF 10 FILTER .a>1 FILTER-EF 5 EPSILON 0.5 TRUTH OUTPUTS 2 ids scores |> AI.TENSORGET ids VALUES |> AI.TENSORGET scores BLOB");
    o.words(
        t,
        "run-model",
        Some(2),
        "AI.DAGRUN LOAD 2 t1 t2 PERSIST 1 o |> AI.MODELRUN m1 INPUTS t1 t2 OUTPUTS o",
    );
    o.words(
        t,
        "run-ro-script",
        Some(3),
        "AI.DAGRUN_RO |> AI.TENSORSET a INT8 1 VALUES 3 |> AI.SCRIPTRUN s1 f INPUTS a OUTPUTS o",
    );
    o.words(t, "chain", Some(0), "AI.DAGEXECUTE KEYS 1 k LOAD 1 t1 |> AI.MODELEXECUTE m1 INPUTS 2 t1 t1 OUTPUTS 1 x |> AI.MODELEXECUTE m1 INPUTS 2 x x OUTPUTS 1 y |> AI.SCRIPTEXECUTE s1 g INPUTS 2 x y OUTPUTS 2 p q");
}

/// Seeds listed one per line in `seeds/<file>` (harvested from the unit
/// tests). `\n` and `\0` in a line stand for those bytes.
fn from_list(o: &mut Out, dir: &Path, file: &str, target: &str) {
    let path = dir.join(file);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            std::process::exit(1);
        }
    };
    for (i, line) in text.lines().filter(|l| !l.is_empty()).enumerate() {
        let data = line.replace("\\n", "\n").replace("\\0", "\0");
        o.put(target, &format!("{i:03}"), data.as_bytes());
    }
}

fn tensor_rdb(o: &mut Out) {
    let t = "tensor_rdb";
    let samples: Vec<(&str, DType, Vec<i64>, Vec<u8>)> = vec![
        (
            "float",
            DType::Float,
            vec![2, 2],
            f32s(&[1.0, 2.0, 3.0, 4.0]),
        ),
        (
            "double",
            DType::Double,
            vec![1],
            2.5f64.to_le_bytes().to_vec(),
        ),
        ("int8", DType::Int8, vec![3], vec![1, 255, 3]),
        ("int16", DType::Int16, vec![1], vec![1, 2]),
        ("int32", DType::Int32, vec![1, 1], vec![1, 2, 3, 4]),
        ("int64", DType::Int64, vec![1], vec![9; 8]),
        ("uint8", DType::Uint8, vec![2], vec![0, 255]),
        ("uint16", DType::Uint16, vec![1], vec![255, 255]),
        ("bool", DType::Bool, vec![3], vec![0, 1, 1]),
        ("string", DType::String, vec![3], b"ab\0\0xyz\0".to_vec()),
        ("scalar", DType::Float, vec![], f32s(&[7.0])),
    ];
    for (label, dtype, shape, data) in samples {
        let tensor = match Tensor::from_parts(dtype, shape.clone(), data.clone()) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("tensor seed {label}: {}", e.reply_text());
                std::process::exit(1);
            }
        };
        let mut items = Items::default();
        tensor_codec::encode(&tensor, &mut items);
        o.items(t, &format!("v4-{label}"), tensor_codec::ENCVER, &items);
        // The RedisAI 1.0 DLPack layout (encver 0-3).
        let (code, bits) = dtype.dlpack();
        let mut legacy = vec![
            Item::Unsigned(1),
            Item::Unsigned(0),
            Item::Unsigned(bits),
            Item::Unsigned(code),
            Item::Unsigned(1),
            Item::Unsigned(shape.len() as u64),
        ];
        legacy.extend(shape.iter().map(|&d| Item::Unsigned(d as u64)));
        legacy.extend(shape.iter().map(|_| Item::Unsigned(1)));
        legacy.push(Item::Unsigned(0));
        legacy.push(Item::Bytes(data));
        if dtype != DType::String {
            o.items(t, &format!("v2-{label}"), 2, &Items::new(legacy));
        }
    }
}

fn model_meta(backend: BackendKind) -> ModelMeta {
    ModelMeta {
        backend,
        device: b"CPU".to_vec(),
        tag: b"v1".to_vec(),
        batchsize: 4,
        minbatchsize: 2,
        minbatchtimeout: 100,
        inputs: vec!["a".into(), "b".into()],
        outputs: vec!["c".into()],
    }
}

fn model_rdb(o: &mut Out) {
    let t = "model_rdb";
    let blob = b"PK\x03\x04 a model blob in a few chunks".to_vec();
    for (label, b) in [
        ("tf", BackendKind::Tf),
        ("tflite", BackendKind::Tflite),
        ("torch", BackendKind::Torch),
        ("onnx", BackendKind::Onnx),
    ] {
        let mut items = Items::default();
        model_codec::encode(&model_meta(b), &blob, 8, &mut items);
        o.items(t, &format!("v4-{label}"), model_codec::ENCVER, &items);
    }
    // encver 0: a NUL-terminated tag and the blob as one string, no
    // MINBATCHTIMEOUT.
    let v0 = Items::new(vec![
        Item::Unsigned(2),
        Item::Bytes(b"CPU\0".to_vec()),
        Item::Bytes(b"tag\0".to_vec()),
        Item::Unsigned(0),
        Item::Unsigned(0),
        Item::Unsigned(1),
        Item::Bytes(b"a\0".to_vec()),
        Item::Unsigned(1),
        Item::Bytes(b"b\0".to_vec()),
        Item::Bytes(blob),
    ]);
    o.items(t, "v0-torch", 0, &v0);
}

fn script_rdb(o: &mut Out) {
    let t = "script_rdb";
    let meta = ScriptMeta {
        device: b"CPU".to_vec(),
        tag: b"t".to_vec(),
        entry_points: vec!["f".into(), "g".into()],
    };
    let src =
        b"def f(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0]";
    let mut items = Items::default();
    script_codec::encode(&meta, src, &mut items);
    o.items(t, "v4", script_codec::ENCVER, &items);
    let old = ScriptMeta {
        entry_points: Vec::new(),
        ..meta
    };
    let mut items = Items::default();
    script_codec::encode(&old, src, &mut items);
    o.items(t, "v2", 2, &items);
}

fn spec(dim: usize, metric: Metric, quant: Quant) -> Spec {
    Spec {
        dim,
        metric,
        quant,
        m: 8,
        ef_construction: 16,
    }
}

fn fail(what: &str, e: impl std::fmt::Display) -> ! {
    eprintln!("{what}: {e}");
    std::process::exit(1)
}

fn vecset_rdb(o: &mut Out) {
    let t = "vecset_rdb";
    let cases = [
        ("f32-cosine", Metric::Cosine, Quant::F32, true),
        ("f16-l2", Metric::L2, Quant::F16, false),
        ("bf16-ip", Metric::Ip, Quant::Bf16, true),
        ("i8-cosine", Metric::Cosine, Quant::I8, false),
    ];
    for (label, metric, quant, attrs) in cases {
        let set = VecSet::new(spec(3, metric, quant)).unwrap_or_else(|e| fail(label, e));
        {
            let mut d = set.write();
            for i in 0..8u32 {
                let v = NewVector::Floats(vec![i as f32, 1.0, -(i as f32) / 2.0]);
                let a = (attrs && i % 2 == 0).then(|| format!("{{\"i\":{i}}}").into_boxed_str());
                let name = format!("e{i}");
                d.add(name.as_bytes(), &v, Some(a), 0)
                    .unwrap_or_else(|e| fail(label, e));
            }
            d.remove(b"e3").unwrap_or_else(|e| fail(label, e));
        }
        let mut items = Items::default();
        vecset_codec::encode(&set.read(), &mut items).unwrap_or_else(|e| fail(label, e));
        o.items(t, label, vecset_codec::ENCVER, &items);
    }
}

fn vecset_graph(o: &mut Out) {
    let t = "vecset_graph";
    let cases = [
        ("f32-l2", 4usize, Metric::L2, Quant::F32, 0u8, 0u8, 6u64),
        ("f16-cos", 2, Metric::Cosine, Quant::F16, 1, 0, 3),
        ("i8-cos", 3, Metric::Cosine, Quant::I8, 0, 3, 5),
        ("bf16-l2-empty", 2, Metric::L2, Quant::Bf16, 1, 2, 0),
    ];
    for (label, dim, metric, quant, mcode, qcode, n) in cases {
        let s = spec(dim, metric, quant);
        let mut ix = VecIndex::new(s).unwrap_or_else(|e| fail(label, e));
        for id in 0..n {
            let v: Vec<f32> = (0..dim).map(|j| (id as f32) - j as f32 * 0.5).collect();
            ix.add(id * 2, &v, 16).unwrap_or_else(|e| fail(label, e));
        }
        let graph = ix.save().unwrap_or_else(|e| fail(label, e));
        // The target's header: dim-1, metric, quant, m-4, count.
        let mut data = vec![(dim - 1) as u8, mcode, qcode, 4, n as u8];
        data.extend_from_slice(&graph);
        o.put(t, label, &data);
    }
}

fn ftidx_rdb(o: &mut Out) {
    let t = "ftidx_rdb";
    let schemas: [(&str, &str); 3] = [
        ("hnsw", "idx ON HASH PREFIX 1 doc: SCHEMA t TEXT n NUMERIC SORTABLE g TAG v VECTOR HNSW 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2"),
        ("flat", "idx2 PREFIX 2 a: b: SCHEMA v VECTOR FLAT 6 TYPE FLOAT64 DIM 2 DISTANCE_METRIC COSINE t TEXT NOSTEM"),
        ("text", "idx3 STOPWORDS 0 SCHEMA body TEXT WEIGHT 2 tag TAG SEPARATOR ;"),
    ];
    let mut all = Vec::new();
    for (label, line) in schemas {
        let args: Vec<&str> = line.split(' ').collect();
        let def = parse_create(&args).unwrap_or_else(|e| fail(label, e.reply_text()));
        let mut ix = Index::new(def.clone()).unwrap_or_else(|e| fail(label, e));
        for i in 0..5u32 {
            let key = format!("doc:{i}");
            let text = format!("hello world {i}");
            let num = format!("{i}");
            let f32v = f32s(&[i as f32, 1.0]);
            let f64v: Vec<u8> = [f64::from(i), -1.0]
                .iter()
                .flat_map(|x| x.to_le_bytes())
                .collect();
            let values: Vec<Option<&[u8]>> = def
                .fields
                .iter()
                .map(|f| match f.name.as_str() {
                    "t" | "body" => Some(text.as_bytes()),
                    "n" => Some(num.as_bytes()),
                    "g" | "tag" => Some(&b"red,blue"[..]),
                    "v" if label == "flat" => Some(&f64v[..]),
                    "v" => Some(&f32v[..]),
                    _ => None,
                })
                .collect();
            if let Err(e) = ix.upsert(key.as_bytes(), &values) {
                fail(label, format!("{e:?}"));
            }
        }
        let mut items = Items::default();
        ft_codec::encode(std::iter::once(&ix), &mut items);
        o.items(t, label, ft_codec::ENCVER, &items);
        all.push(ix);
    }
    let mut items = Items::default();
    ft_codec::encode(all.iter(), &mut items);
    o.items(t, "three", ft_codec::ENCVER, &items);
}

fn main() {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/corpus".into()),
    );
    let seeds = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut o = Out { root, count: 0 };
    tensor_args(&mut o);
    model_args(&mut o);
    script_args(&mut o);
    vector_args(&mut o);
    dag_parse(&mut o);
    from_list(&mut o, &seeds, "filters.txt", "vector_filter");
    from_list(&mut o, &seeds, "queries.txt", "ft_query");
    from_list(&mut o, &seeds, "schemas.txt", "ft_schema");
    tensor_rdb(&mut o);
    model_rdb(&mut o);
    script_rdb(&mut o);
    vecset_rdb(&mut o);
    vecset_graph(&mut o);
    ftidx_rdb(&mut o);
    println!("wrote {} seeds under {}", o.count, o.root.display());
}
