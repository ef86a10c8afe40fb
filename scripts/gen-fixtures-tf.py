#!/usr/bin/env python3
"""Generates the TensorFlow and TensorFlow Lite model fixtures under
tests/fixtures/models (tf-*.pb, tflite-*.tflite).

Run once by hand, with the full TensorFlow install (CI never runs this; the
small files it writes are committed), after scripts/gen-fixtures.py (which
rewrites expected.json with its own entries only):

    python3 -m venv /tmp/tfx
    /tmp/tfx/bin/pip install -r scripts/requirements/fixtures-tf.txt
    /tmp/tfx/bin/python scripts/gen-fixtures-tf.py

(from any directory; it writes into tests/fixtures/models/ next to this
script and prints each file's size, sha256 and input/output names, dtypes and
shapes). It loads expected.json, replaces only the entries of the files it
writes, keeps all the others, and writes it back in gen-fixtures.py's format.

Everything is deterministic: weights from seeded numpy RandomStates (and, for
MNIST, a closed-form float64 correction computed in numpy so that the two test
digits classify with a wide margin), fixed test inputs, and the same bytes on
every run. The .pb files are frozen GraphDefs built with tf.compat.v1 graph
building (placeholders, tf.constant weights, every op named), serialized with
deterministic=True. The .tflite files come from today's converter
(tf.compat.v1.lite.TFLiteConverter.from_session on a batch-1 copy of the same
graph, so the tensors keep the op names; shape == shape_signature, batch 1):

    tflite-graph / -two / -mnist / -fraud   float, default ops
    tflite-mnist-quant   dynamic-range (weights-only int8) quantisation,
                         optimizations=[Optimize.DEFAULT], no representative
                         dataset, per-tensor dense weights (the oldest hybrid
                         FULLY_CONNECTED it still writes, v9; the conv's 200
                         weights stay float, under the 1024 threshold);
                         outputs probs FLOAT [1,10], argmax INT64 [1]
    tflite-mnist-uint8   the old TOCO scheme: inference_type=uint8, uint8
                         input and output, per-tensor asymmetric, ranges from
                         FakeQuant ops in the graph (quantized_input_stats
                         x: mean 0, std 255, i.e. real = q / 255)

Every file is then loaded back and run (tf.compat.v1.Session on one intra-op
thread; tf.lite.Interpreter on one thread) and the entries in expected.json
have the layout of gen-fixtures.py's:

    {"<file>": {"input_names": [...], "output_names": [...],
                "inputs":  [{"name", "dtype", "shape", "values"}, ...],
                "outputs": [{"name", "dtype", "shape", "values"}, ...], ...}}

TF names are the op names (feed/fetch "<name>:0"); TFLite names are the
tensor names the interpreter reports, in its order. TFLite entries also hold
"op_versions" (builtin op name -> the highest version the model uses, read
from the flatbuffer's operator_codes) and "min_runtime_version" (the
converter's metadata); the uint8 model holds "quantization" (input/output
tensor name -> [scale, zero_point]) and "fake_quant_ranges" (the [min, max]
its graph gave x, relu and logits). The MNIST entries hold "argmax". tf-fraud.pb and
tflite-fraud.tflite have onnx-fraud.onnx's weights and match its outputs
within 1e-5. Float outputs of the matmul/conv models were computed on one
thread; other CPUs may differ in the last bits, so compare with a tolerance.
"""
import hashlib
import json
import math
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import warnings  # noqa: E402

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import tensorflow as tf  # noqa: E402
from onnx import numpy_helper  # noqa: E402
from tensorflow.lite.python import schema_py_generated as schema_fb  # noqa: E402

warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter is deprecated.*")
v1 = tf.compat.v1
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "models")
FILES = ["tf-graph.pb", "tf-two.pb", "tf-mnist.pb", "tf-string.pb", "tf-fraud.pb",
         "tflite-graph.tflite", "tflite-two.tflite", "tflite-mnist.tflite", "tflite-fraud.tflite",
         "tflite-mnist-quant.tflite", "tflite-mnist-uint8.tflite", "tf-loop.pb",
         "tf-dtypes.pb"]
expected = {}


def path(name):
    return os.path.join(OUT, name)


# ---------------------------------------------------------------- expected.json (as gen-fixtures.py)

DTYPES = {np.dtype(np.float32): "FLOAT", np.dtype(np.float64): "DOUBLE", np.dtype(np.int8): "INT8",
          np.dtype(np.int16): "INT16", np.dtype(np.int32): "INT32", np.dtype(np.int64): "INT64",
          np.dtype(np.uint8): "UINT8", np.dtype(np.uint16): "UINT16", np.dtype(np.bool_): "BOOL"}


def tensor_json(name, arr):
    arr = np.asarray(arr)
    if arr.dtype == object or arr.dtype.kind in "USa":
        dtype = "STRING"
        values = [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in arr.ravel()]
    else:
        dtype = DTYPES[arr.dtype]
        # BOOL as 0/1, as RedisAI's VALUES write it.
        values = [float(v) if arr.dtype.kind == "f" else int(v) for v in arr.ravel()]
    return {"name": name, "dtype": dtype, "shape": list(arr.shape), "values": values}


def record(file, input_names, output_names, inputs, outputs, **extra):
    entry = {"input_names": list(input_names), "output_names": list(output_names),
             "inputs": [tensor_json(n, v) for n, v in inputs],
             "outputs": [tensor_json(n, v) for n, v in outputs]}
    entry.update(extra)
    expected[file] = entry


def dump_json(obj, indent=0):
    """JSON with nesting indented but lists of scalars on one line (the same
    function as gen-fixtures.py's)."""
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(obj, dict) and obj:
        items = [f"{inner}{json.dumps(k)}: {dump_json(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        return "[\n" + ",\n".join(inner + dump_json(v, indent + 1) for v in obj) + "\n" + pad + "]"
    return json.dumps(obj)


def f32(values, shape):
    return np.array(values, dtype=np.float32).reshape(shape)


# ---------------------------------------------------------------- TF: build, save, run

def session(graph):
    cfg = v1.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
    return v1.Session(graph=graph, config=cfg)


def save_pb(graph, name):
    with open(path(name), "wb") as f:
        f.write(graph.as_graph_def().SerializeToString(deterministic=True))


def run_pb(file, input_names, output_names, feeds, **extra):
    """Loads the frozen GraphDef, runs it on feeds (in input order), records."""
    gd = v1.GraphDef()
    with open(path(file), "rb") as f:
        gd.ParseFromString(f.read())
    g = tf.Graph()
    with g.as_default():
        v1.import_graph_def(gd, name="")
    with session(g) as s:
        outs = s.run([f"{n}:0" for n in output_names], {f"{n}:0": v for n, v in zip(input_names, feeds)})
    record(file, input_names, output_names, zip(input_names, feeds), zip(output_names, outs), **extra)
    return outs


def graph_ab(batch, kind):
    g = tf.Graph()
    with g.as_default():
        a = v1.placeholder(tf.float32, [batch, 2], name="a")
        b = v1.placeholder(tf.float32, [batch, 2], name="b")
        if kind == "graph":
            outs = [tf.multiply(a, b, name="mul")]
        else:
            outs = [tf.add(a, b, name="sum"), tf.subtract(a, b, name="diff")]
    return g, [a, b], outs


def graph_loop():
    """x [1] -> y: 2^62 trips of v = sin(v) + 1, which runs "forever" (the
    MODEL_EXECUTION_TIMEOUT test). Not run here; only its names are recorded."""
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [1], name="x")
        i0 = tf.constant(0, dtype=tf.int64)
        _, y = tf.while_loop(lambda i, v: i < (1 << 62), lambda i, v: (i + 1, tf.sin(v) + 1.0), [i0, x])
        tf.identity(y, name="y")
    return g


# Every dtype TENSORSET knows, with the TF dtype and a test input of shape [2, 2].
DTYPE_CASES = [
    ("float", tf.float32, np.array([[1.5, -2.25], [0.0, 3e38]], dtype=np.float32)),
    ("double", tf.float64, np.array([[1.5, -2.25], [0.1, 1e300]], dtype=np.float64)),
    ("int8", tf.int8, np.array([[-128, 127], [0, -1]], dtype=np.int8)),
    ("int16", tf.int16, np.array([[-32768, 32767], [0, -1]], dtype=np.int16)),
    ("int32", tf.int32, np.array([[-2147483648, 2147483647], [0, -1]], dtype=np.int32)),
    ("int64", tf.int64, np.array([[-(2 ** 63), 2 ** 63 - 1], [0, -1]], dtype=np.int64)),
    ("uint8", tf.uint8, np.array([[0, 255], [1, 128]], dtype=np.uint8)),
    ("uint16", tf.uint16, np.array([[0, 65535], [1, 32768]], dtype=np.uint16)),
    ("bool", tf.bool, np.array([[True, False], [False, True]])),
    ("string", tf.string, np.array([["", "a"], ["bc", "x" * 40]], dtype=object)),
]


def graph_dtypes():
    """x_<dtype> [N,2] -> y_<dtype> = identity, for every dtype: each crosses
    the C API in both directions (STRING longer than TF_TString's inline 22)."""
    g = tf.Graph()
    with g.as_default():
        for name, dt, _ in DTYPE_CASES:
            x = v1.placeholder(dt, [None, 2], name=f"x_{name}")
            tf.identity(x, name=f"y_{name}")
    return g


def graph_string(batch):
    g = tf.Graph()
    with g.as_default():
        s = v1.placeholder(tf.string, [batch, 2], name="s")
        outs = [tf.strings.join([s, s], separator="-", name="joined"), tf.strings.length(s, name="len")]
    return g, [s], outs


def graph_fraud(batch, w):
    g = tf.Graph()
    with g.as_default():
        t = v1.placeholder(tf.float32, [batch, 30], name="transaction")
        r = v1.placeholder(tf.float32, [batch, 256], name="reference")
        x = tf.concat([t, r], axis=1, name="concat")
        h = tf.nn.relu(tf.add(tf.matmul(x, tf.constant(w["w1"], name="w1"), name="fc1"),
                              tf.constant(w["b1"], name="b1"), name="fc1_bias"), name="relu")
        z = tf.add(tf.matmul(h, tf.constant(w["w2"], name="w2"), name="fc2"), tf.constant(w["b2"], name="b2"),
                   name="fc2_bias")
        out = tf.nn.softmax(z, name="output")
    return g, [t, r], [out]


# ---------------------------------------------------------------- MNIST-size CNN

def digit_images():
    """A "1" and a "0" (a ring), NHWC [1,28,28,1] float32 in {0,1}, as in
    gen-fixtures.py's onnx-mnist."""
    one = np.zeros((1, 28, 28, 1), dtype=np.float32)
    one[0, 6:22, 13:15, 0] = 1.0
    one[0, 6:8, 11:15, 0] = 1.0
    zero = np.zeros((1, 28, 28, 1), dtype=np.float32)
    zero[0, 6:22, 9:19, 0] = 1.0
    zero[0, 8:20, 11:17, 0] = 0.0
    return one, zero


def np_features(img, conv_w, conv_b):
    """conv 5x5 SAME + bias + relu + maxpool 2, flattened HWC, in float64."""
    x = np.pad(img[0, :, :, 0].astype(np.float64), 2)
    acc = np.zeros((28, 28, conv_w.shape[3])) + conv_b.astype(np.float64)
    for dy in range(5):
        for dx in range(5):
            acc = acc + x[dy:dy + 28, dx:dx + 28, None] * conv_w[dy, dx, 0, :].astype(np.float64)
    r = np.maximum(acc, 0.0)
    return r.reshape(14, 2, 14, 2, -1).max(axis=(1, 3)).reshape(-1), r.max()


def mnist_weights():
    """Seeded random weights, plus the minimum-norm float64 correction D of the
    dense layer with F D = T for the test images' features F (2 x 1568): the
    "1" gets +10 on logit 1, the "0" +10 on logit 0, so both classify with a
    wide margin (also once quantised)."""
    rs = np.random.RandomState(28)
    conv_w = (rs.standard_normal((5, 5, 1, 8)) * 0.2).astype(np.float32)
    conv_b = (rs.standard_normal(8) * 0.05).astype(np.float32)
    fc_w = rs.standard_normal((14 * 14 * 8, 10)) * 0.01
    fc_b = (rs.standard_normal(10) * 0.1).astype(np.float32)
    feats = [np_features(img, conv_w, conv_b)[0] for img in digit_images()]
    gram = [[math.fsum(p * q) for q in feats] for p in feats]
    det = gram[0][0] * gram[1][1] - gram[0][1] * gram[1][0]
    inv = [[gram[1][1] / det, -gram[0][1] / det], [-gram[1][0] / det, gram[0][0] / det]]
    target = np.zeros((2, 10))
    target[0, 1] = target[1, 0] = 10.0
    for i in range(2):
        coef = inv[i][0] * target[0] + inv[i][1] * target[1]  # row i of (F F^T)^-1 T
        fc_w = fc_w + np.outer(feats[i], coef)
    return {"conv_w": conv_w, "conv_b": conv_b, "fc_w": fc_w.astype(np.float32), "fc_b": fc_b}


def mnist_ranges(w):
    """FakeQuant ranges for the uint8 model, from float64 numpy on the two test
    images, widened and rounded outward (so they are the same on any CPU)."""
    relu_max, logits = 0.0, []
    for img in digit_images():
        f, m = np_features(img, w["conv_w"], w["conv_b"])
        relu_max = max(relu_max, m)
        logits.extend(f @ w["fc_w"].astype(np.float64) + w["fc_b"])
    lo, hi = min(logits), max(logits)
    return math.ceil(relu_max * 1.25), math.floor(lo * 1.25) - 1.0, math.ceil(hi * 1.25) + 1.0


def graph_mnist(batch, w, outputs=("logits", "probs"), fake_quant=None):
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [batch, 28, 28, 1], name="x")
        inp = x
        if fake_quant:
            inp = tf.quantization.fake_quant_with_min_max_args(x, min=0.0, max=1.0, name="x_q")
        c = tf.nn.conv2d(inp, tf.constant(w["conv_w"], name="conv_w"), strides=[1, 1, 1, 1], padding="SAME",
                         name="conv")
        r = tf.nn.relu(tf.nn.bias_add(c, tf.constant(w["conv_b"], name="conv_b"), name="conv_bias"), name="relu")
        if fake_quant:
            r = tf.quantization.fake_quant_with_min_max_args(r, min=0.0, max=fake_quant[0], name="relu_q")
        p = tf.nn.max_pool2d(r, ksize=2, strides=2, padding="VALID", name="pool")
        f = tf.reshape(p, tf.constant([-1, 14 * 14 * 8], name="flatten_shape"), name="flatten")
        logits = tf.add(tf.matmul(f, tf.constant(w["fc_w"], name="fc_w"), name="fc"), tf.constant(w["fc_b"], name="fc_b"),
                        name="logits")
        if fake_quant:
            logits = tf.quantization.fake_quant_with_min_max_args(logits, min=fake_quant[1], max=fake_quant[2],
                                                                  name="logits_q")
        probs = tf.nn.softmax(logits, name="probs")
        argmax = tf.argmax(probs, axis=1, output_type=tf.int64, name="argmax")
        ops = {"logits": logits, "probs": probs, "argmax": argmax}
    return g, [x], [ops[o] for o in outputs]


# ---------------------------------------------------------------- TFLite: convert, inspect, run

OP_NAMES = {v: k for k, v in vars(schema_fb.BuiltinOperator).items() if not k.startswith("_")}


def op_versions(buf):
    """builtin op name (custom code for custom ops) -> highest version used,
    and the min_runtime_version metadata, from the flatbuffer."""
    m = schema_fb.Model.GetRootAsModel(buf, 0)
    ops = {}
    for i in range(m.OperatorCodesLength()):
        oc = m.OperatorCodes(i)
        code = max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode())
        name = OP_NAMES[code] if code != schema_fb.BuiltinOperator.CUSTOM else oc.CustomCode().decode()
        ops[name] = max(ops.get(name, 0), oc.Version())
    runtime = None
    for i in range(m.MetadataLength()):
        md = m.Metadata(i)
        if md.Name() == b"min_runtime_version":
            runtime = m.Buffers(md.Buffer()).DataAsNumpy().tobytes().rstrip(b"\0").decode()
    return dict(sorted(ops.items())), runtime


def convert(graph_fn, name, configure=None):
    """Converts the batch-1 graph with the compat.v1 converter (from_session)."""
    g, inputs, outputs = graph_fn()
    with session(g) as s:
        conv = v1.lite.TFLiteConverter.from_session(s, inputs, outputs)
        if configure:
            configure(conv)
        buf = conv.convert()
    with open(path(name), "wb") as f:
        f.write(buf)
    return buf


def run_tflite(file, feeds, **extra):
    """Loads file in tf.lite.Interpreter, runs it on feeds (in the
    interpreter's input order), records names, outputs and op versions."""
    with open(path(file), "rb") as f:
        buf = f.read()
    it = tf.lite.Interpreter(model_content=buf, num_threads=1)
    it.allocate_tensors()
    ins, outs = it.get_input_details(), it.get_output_details()
    for d, v in zip(ins, feeds):
        assert list(d["shape"]) == list(v.shape) == list(d["shape_signature"]) and d["dtype"] == v.dtype, (d, v)
        it.set_tensor(d["index"], v)
    it.invoke()
    results = [it.get_tensor(d["index"]).copy() for d in outs]
    ops, runtime = op_versions(buf)
    quant = {d["name"]: [float(d["quantization"][0]), int(d["quantization"][1])] for d in ins + outs
             if d["dtype"] in (np.uint8, np.int8)}
    if quant:
        extra["quantization"] = quant
    record(file, [d["name"] for d in ins], [d["name"] for d in outs], [(d["name"], v) for d, v in zip(ins, feeds)],
           [(d["name"], r) for d, r in zip(outs, results)], op_versions=ops, min_runtime_version=runtime, **extra)
    return results


def load_fraud_weights():
    """onnx-fraud.onnx: Concat -> Gemm(x, w1 [286,64], b1) -> Relu ->
    Gemm(hr, w2 [64,2], b2) -> Softmax; the Gemms have no transA/transB."""
    m = onnx.load(path("onnx-fraud.onnx"))
    for n in m.graph.node:
        if n.op_type == "Gemm":
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
            assert not attrs.get("transA") and not attrs.get("transB") and attrs.get("alpha", 1) == 1, attrs
    w = {i.name: numpy_helper.to_array(i).astype(np.float32) for i in m.graph.initializer}
    assert w["w1"].shape == (286, 64) and w["w2"].shape == (64, 2), {k: v.shape for k, v in w.items()}
    return w


# ---------------------------------------------------------------- fixtures

def tf_fixtures(fraud_w, mnist_w, old):
    a, b = f32([1, 2, 3, 4], [2, 2]), f32([10, 20, 30, 40], [2, 2])
    save_pb(graph_ab(None, "graph")[0], "tf-graph.pb")
    out = run_pb("tf-graph.pb", ["a", "b"], ["mul"], [a, b])
    assert (out[0] == a * b).all()
    save_pb(graph_ab(None, "two")[0], "tf-two.pb")
    out = run_pb("tf-two.pb", ["a", "b"], ["sum", "diff"], [a, b])
    assert (out[0] == a + b).all() and (out[1] == a - b).all()

    one, zero = digit_images()
    save_pb(graph_mnist(None, mnist_w)[0], "tf-mnist.pb")
    out = run_pb("tf-mnist.pb", ["x"], ["logits", "probs"], [np.concatenate([one, zero])])
    expected["tf-mnist.pb"]["argmax"] = [int(v) for v in out[1].argmax(axis=1)]
    assert expected["tf-mnist.pb"]["argmax"] == [1, 0], out
    assert (np.sort(out[0], axis=1)[:, -2] < out[0].max(axis=1) - 5).all(), out[0]

    save_pb(graph_string(None)[0], "tf-string.pb")
    s = np.array([["ab", "c"], ["", "xyz"]], dtype=object)
    out = run_pb("tf-string.pb", ["s"], ["joined", "len"], [s])
    assert [v.decode() for v in out[0].ravel()] == ["ab-ab", "c-c", "-", "xyz-xyz"] and out[1].dtype == np.int32

    save_pb(graph_loop(), "tf-loop.pb")
    expected["tf-loop.pb"] = {"input_names": ["x"], "output_names": ["y"], "inputs": [], "outputs": []}

    save_pb(graph_dtypes(), "tf-dtypes.pb")
    names = [n for n, _, _ in DTYPE_CASES]
    out = run_pb("tf-dtypes.pb", [f"x_{n}" for n in names], [f"y_{n}" for n in names],
                 [v for _, _, v in DTYPE_CASES])
    for (n, _, v), o in zip(DTYPE_CASES, out):
        if n == "string":
            assert [x.decode() for x in o.ravel()] == list(v.ravel()), (n, o)
        else:
            assert o.dtype == v.dtype and (o == v).all(), (n, o)

    save_pb(graph_fraud(None, fraud_w)[0], "tf-fraud.pb")
    out = run_pb("tf-fraud.pb", ["transaction", "reference"], ["output"], fraud_inputs(old))
    check_fraud("tf-fraud.pb", out[0], old)


def fraud_inputs(old):
    """onnx-fraud.onnx's test input (linspaces, batch 1), from expected.json."""
    return [np.array(t["values"], dtype=np.float32).reshape(t["shape"]) for t in old["onnx-fraud.onnx"]["inputs"]]


def check_fraud(file, out, old):
    want = np.array(old["onnx-fraud.onnx"]["outputs"][0]["values"], dtype=np.float64)
    diff = float(np.abs(out.ravel().astype(np.float64) - want).max())
    print(f"{file}: max |diff| to onnx-fraud.onnx's expected outputs: {diff:.3g}")
    assert diff <= 1e-5, (out, want)


def tflite_fixtures(fraud_w, mnist_w, old):
    convert(lambda: graph_ab(1, "graph"), "tflite-graph.tflite")
    a, b = f32([2, 3], [1, 2]), f32([4, 5], [1, 2])
    out = run_tflite("tflite-graph.tflite", [a, b])
    assert (out[0] == a * b).all()
    convert(lambda: graph_ab(1, "two"), "tflite-two.tflite")
    out = run_tflite("tflite-two.tflite", [a, b])
    assert expected["tflite-two.tflite"]["output_names"] == ["sum", "diff"], expected["tflite-two.tflite"]
    assert (out[0] == a + b).all() and (out[1] == a - b).all()

    one, zero = digit_images()
    convert(lambda: graph_mnist(1, mnist_w), "tflite-mnist.tflite")
    out = run_tflite("tflite-mnist.tflite", [one])
    names = expected["tflite-mnist.tflite"]["output_names"]
    probs = out[names.index("probs")]
    expected["tflite-mnist.tflite"]["argmax"] = int(probs.argmax())
    assert probs.argmax() == 1 and np.allclose(probs, expected["tf-mnist.pb"]["outputs"][1]["values"][:10], atol=1e-5)

    convert(lambda: graph_fraud(1, fraud_w), "tflite-fraud.tflite")
    out = run_tflite("tflite-fraud.tflite", fraud_inputs(old))
    check_fraud("tflite-fraud.tflite", out[0], old)

    def dynamic_range(conv):
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        # Per-tensor weight scales: FULLY_CONNECTED v9 (runtime 2.3), not the
        # per-channel hybrid v12 (runtime 2.17). The converter has no switch
        # for the older v3 kernel (it always asks for asymmetric inputs).
        conv._experimental_disable_per_channel_quantization_for_dense_layers = True

    convert(lambda: graph_mnist(1, mnist_w, ("probs", "argmax")), "tflite-mnist-quant.tflite", dynamic_range)
    out = run_tflite("tflite-mnist-quant.tflite", [zero])
    e = expected["tflite-mnist-quant.tflite"]
    res = dict(zip(e["output_names"], out))
    assert res["argmax"].dtype == np.int64 and res["argmax"].tolist() == [0] and res["probs"].max() > 0.99, res
    assert any(k in e["op_versions"] for k in ("FULLY_CONNECTED", "DEQUANTIZE")), e["op_versions"]
    e["argmax"] = int(res["argmax"][0])

    ranges = mnist_ranges(mnist_w)

    def legacy_uint8(conv):
        conv.inference_type = tf.uint8
        conv.inference_input_type = tf.uint8
        conv.quantized_input_stats = {"x": (0.0, 255.0)}

    convert(lambda: graph_mnist(1, mnist_w, ("probs",), ranges), "tflite-mnist-uint8.tflite", legacy_uint8)
    img = (one * 255).astype(np.uint8)
    out = run_tflite("tflite-mnist-uint8.tflite", [img], fake_quant_ranges={
        "x": [0.0, 1.0], "relu": [0.0, float(ranges[0])], "logits": [float(ranges[1]), float(ranges[2])]})
    e = expected["tflite-mnist-uint8.tflite"]
    assert out[0].dtype == np.uint8 and int(out[0].argmax()) == 1 and out[0].max() > 200, out
    assert all(n in e["quantization"] for n in e["input_names"] + e["output_names"]), e
    e["argmax"] = int(out[0].argmax())


def describe(name):
    with open(path(name), "rb") as f:
        data = f.read()
    e = expected[name]
    print(f"{len(data):>8}  {name}  sha256 {hashlib.sha256(data).hexdigest()}")
    for kind in ("inputs", "outputs"):
        print(f"          {kind:<7} " + ", ".join(f"{t['name']} {t['dtype']} {t['shape']}" for t in e[kind]))
    if "op_versions" in e:
        print(f"          ops     {e['op_versions']}  min_runtime_version {e['min_runtime_version']}")
    assert len(data) < 200_000, name  # gen-fixtures.py's limit for this folder


def main():
    tf.random.set_seed(0)
    with open(path("expected.json")) as f:
        old = json.load(f)
    fraud_w, mnist_w = load_fraud_weights(), mnist_weights()
    tf_fixtures(fraud_w, mnist_w, old)
    tflite_fixtures(fraud_w, mnist_w, old)
    assert sorted(expected) == sorted(FILES), sorted(expected)
    merged = dict(old)
    merged.update(expected)
    with open(path("expected.json"), "w") as f:
        f.write(dump_json({k: merged[k] for k in sorted(merged)}) + "\n")
    json.load(open(path("expected.json")))
    for name in FILES:
        describe(name)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        sys.exit(f"usage: {sys.argv[0]} (no arguments; writes {', '.join(FILES)})")
    main()
