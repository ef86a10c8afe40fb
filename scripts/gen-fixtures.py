#!/usr/bin/env python3
"""Generates the model fixtures under tests/fixtures/models.

Run once by hand, with the full torch install (CI never runs this; the small
files it writes are committed):

    python3 -m venv /tmp/fx
    /tmp/fx/bin/pip install -r scripts/requirements/fixtures.txt
    /tmp/fx/bin/python scripts/gen-fixtures.py

(from any directory; it writes into tests/fixtures/models/ next to this
script and prints each file's size, and the measured time of pt-slow.pt).
With file names as arguments (only `pt-embed.pt` so far), it writes just
those files and leaves the others and expected.json as they are:

    /tmp/fx/bin/python scripts/gen-fixtures.py pt-embed.pt

Everything is deterministic: fixed seeds, fixed weights, fixed test inputs,
and the same bytes on every run and in every checkout (see `relaunch` for the
TorchScript source path). ONNX graphs are built directly with onnx.helper
(opset 17, ai.onnx.ml opset 3, ir_version 8); TorchScript with
torch.jit.script. Every model is then loaded back and run (torch.jit.load,
onnxruntime.InferenceSession), and the inputs, outputs and input/output names
that torch and onnxruntime report go into expected.json:

    {"<file>": {"input_names": [...], "output_names": [...],
                "inputs":  [{"name", "dtype", "shape", "values"}, ...],
                "outputs": [{"name", "dtype", "shape", "values"}, ...], ...}}

dtype is the RedisAI name (FLOAT, INT64, STRING, ...); values are flattened in
row-major order, floats as the exact value of the float32 (a Python float).
TorchScript inputs are named after forward()'s arguments; its outputs have no
names, so output_names holds one "" per returned tensor. The float outputs of
the matmul models (fraud, mlp1024, mnist) were computed with one intra-op
thread; other thread counts or CPUs may differ in the last bits, so compare
those with a tolerance.
"""
import json
import os
import sys
import threading
import time
from typing import List, Tuple

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import TensorProto, helper, numpy_helper

SCRIPT = "scripts/gen-fixtures.py"
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "models")
OPSET = [helper.make_opsetid("", 17)]
ML_OPSET = OPSET + [helper.make_opsetid("ai.onnx.ml", 3)]
SLOW_ITERATIONS = 1200  # ~0.6 ms each on one thread: ~0.7 s per call
expected = {}


def path(name):
    return os.path.join(OUT, name)


# ---------------------------------------------------------------- TorchScript

class Minimal(torch.nn.Module):
    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return a + b


class BadBatch(torch.nn.Module):
    """The second output always has dim0 = 1, whatever the batch."""

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        return a + b, torch.ones(1)


class TupleOut(torch.nn.Module):
    def forward(self, a: torch.Tensor, b: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        return a + b, a - b


class Raise(torch.nn.Module):
    def forward(self, a: torch.Tensor) -> torch.Tensor:
        if bool(a.sum() < 0):
            raise Exception("negative input")
        return a * 2


class Slow(torch.nn.Module):
    """About 0.7 s of CPU on one thread (n chained 256x256 matmuls on a
    tensor made inside forward); returns its input unchanged."""

    def __init__(self, n: int):
        super().__init__()
        self.n = n

    def forward(self, a: torch.Tensor) -> torch.Tensor:
        m = torch.full((256, 256), 0.001)
        acc = m
        for _ in range(self.n):
            acc = torch.tanh(acc @ m)
        return a + acc.sum() * 0.0


class Fraud(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = torch.nn.Linear(286, 64)
        self.l2 = torch.nn.Linear(64, 2)

    def forward(self, transaction: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
        x = torch.cat([transaction, reference], dim=1)
        return torch.softmax(self.l2(torch.relu(self.l1(x))), dim=1)


class Mlp1024(torch.nn.Module):
    """4 x (1024x1024 matmul + relu); weight i is full(0.0005 * (i + 1)), the
    same as onnx-mlp1024.onnx.

    The weights are not in the file: __getstate__ saves only the training
    flag and __setstate__ (which torch.jit.load runs) rebuilds them, so they
    are made once per load, forward only reads them (no lazy first-call
    initialisation, which would race when two threads run the model), and
    each call costs the 4 matmuls."""

    w: List[torch.Tensor]

    def __init__(self):
        super().__init__()
        self.w = self.weights()

    def weights(self) -> List[torch.Tensor]:
        return [torch.full((1024, 1024), 0.0005 * (i + 1)) for i in range(4)]

    @torch.jit.export
    def __getstate__(self) -> bool:
        return self.training

    @torch.jit.export
    def __setstate__(self, state: bool) -> None:
        self.training = state
        self.w = self.weights()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for w in self.w:
            x = torch.relu(x @ w)
        return x


class Embed(torch.nn.Module):
    """A toy text embedder for the DAG benchmark (P7): x [N,64] ->
    Linear(64,128) -> rows scaled to unit length [N,128]."""

    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(64, 128)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.normalize(self.proj(x), p=2.0, dim=1)


# ---------------------------------------------------------------- expected.json

DTYPES = {np.dtype(np.float32): "FLOAT", np.dtype(np.float64): "DOUBLE", np.dtype(np.int64): "INT64",
          np.dtype(np.int32): "INT32", np.dtype(np.bool_): "BOOL", np.dtype(np.uint8): "UINT8"}


def tensor_json(name, arr):
    arr = np.asarray(arr)
    if arr.dtype == object or arr.dtype.kind in "US":
        dtype, values = "STRING", [str(v) for v in arr.ravel()]
    else:
        dtype = DTYPES[arr.dtype]
        values = [float(v) if arr.dtype.kind == "f" else (bool(v) if arr.dtype.kind == "b" else int(v))
                  for v in arr.ravel()]
    return {"name": name, "dtype": dtype, "shape": list(arr.shape), "values": values}


def record(file, input_names, output_names, inputs, outputs, **extra):
    entry = {"input_names": list(input_names), "output_names": list(output_names),
             "inputs": [tensor_json(n, v) for n, v in inputs]}
    if outputs is not None:
        entry["outputs"] = [tensor_json(n, v) for n, v in outputs]
    entry.update(extra)
    expected[file] = entry


def dump_json(obj, indent=0):
    """JSON with nesting indented but lists of scalars on one line."""
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(obj, dict) and obj:
        items = [f"{inner}{json.dumps(k)}: {dump_json(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        return "[\n" + ",\n".join(inner + dump_json(v, indent + 1) for v in obj) + "\n" + pad + "]"
    return json.dumps(obj)


def run_torch(file, *inputs):
    """Loads file, runs it on inputs, records the result."""
    m = torch.jit.load(path(file))
    names = [a.name for a in m.forward.schema.arguments[1:]]
    out = m(*[torch.from_numpy(x) for x in inputs])
    outs = list(out) if isinstance(out, tuple) else [out]
    record(file, names, [""] * len(outs), zip(names, inputs), [("", o.detach().numpy()) for o in outs])
    return m, [o.detach().numpy() for o in outs]


def run_onnx(file, feeds, **extra):
    """Loads file in onnxruntime, runs it on feeds (a list of arrays in input
    order), records the tensor outputs and returns all outputs."""
    sess = ort.InferenceSession(path(file), providers=["CPUExecutionProvider"])
    in_names = [i.name for i in sess.get_inputs()]
    out_names = [o.name for o in sess.get_outputs()]
    outs = sess.run(None, dict(zip(in_names, feeds)))
    tensors = [(n, o) for n, o in zip(out_names, outs) if isinstance(o, np.ndarray)]
    record(file, in_names, out_names, zip(in_names, feeds), tensors, **extra)
    return outs


def f32(values, shape):
    return np.array(values, dtype=np.float32).reshape(shape)


# ---------------------------------------------------------------- TorchScript fixtures

def torch_fixtures():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    modules = [("pt-minimal.pt", Minimal()), ("pt-minimal-bb.pt", BadBatch()), ("pt-tuple.pt", TupleOut()),
               ("pt-raise.pt", Raise()), ("pt-slow.pt", Slow(SLOW_ITERATIONS))]
    fraud = Fraud().eval()
    modules += [("pt-fraud.pt", fraud), ("pt-mlp1024.pt", Mlp1024())]
    for name, module in modules:
        torch.jit.script(module).save(path(name))

    a, b = f32([1, 2, 3, 4], [2, 2]), f32([10, 20, 30, 40], [2, 2])
    _, out = run_torch("pt-minimal.pt", a, b)
    assert (out[0] == a + b).all()
    _, out = run_torch("pt-minimal-bb.pt", a, b)
    assert out[1].shape == (1,)
    _, out = run_torch("pt-tuple.pt", a, b)
    assert (out[1] == a - b).all()

    m, out = run_torch("pt-raise.pt", f32([1, 2], [2]))
    neg = f32([-1, -2], [2])
    try:
        m(torch.from_numpy(neg))
        raise AssertionError("pt-raise.pt did not raise")
    except torch.jit.Error as e:
        assert "negative input" in str(e), e
    expected["pt-raise.pt"]["error_inputs"] = [tensor_json("a", neg)]
    expected["pt-raise.pt"]["error"] = "negative input"

    m, out = run_torch("pt-slow.pt", f32([3], [1, 1]))
    assert (out[0] == 3).all()
    took = []
    for _ in range(3):
        t = time.perf_counter()
        m(torch.ones(1, 1))
        took.append(time.perf_counter() - t)
    print(f"pt-slow.pt: {SLOW_ITERATIONS} iterations, {min(took):.3f}-{max(took):.3f} s per call on one thread")

    t = np.linspace(-1, 1, 30, dtype=np.float32).reshape(1, 30)
    r = np.linspace(0, 1, 256, dtype=np.float32).reshape(1, 256)
    run_torch("pt-fraud.pt", t, r)

    x = ((np.arange(1024) % 8) / 8.0 - 0.25).astype(np.float32).reshape(1, 1024)
    m, _ = run_torch("pt-mlp1024.pt", x)
    assert len(m.w) == 4 and float(m.w[3][0, 0]) == float(np.float32(0.002))
    return fraud, (t, r), x


def embed_fixture():
    """pt-embed.pt, with weights from its own seed, so that it does not
    depend on (or change) the other fixtures' random state. Benchmark only:
    it is not in expected.json."""
    torch.manual_seed(64)
    torch.jit.script(Embed().eval()).save(path("pt-embed.pt"))
    m = torch.jit.load(path("pt-embed.pt"))
    x = torch.from_numpy(np.linspace(-1, 1, 2 * 64, dtype=np.float32).reshape(2, 64))
    y = m(x)
    assert y.shape == (2, 128) and torch.allclose(y.norm(dim=1), torch.ones(2)), y.norm(dim=1)


# ---------------------------------------------------------------- ONNX fixtures

def save_onnx(graph, name, opsets=OPSET):
    model = helper.make_model(graph, opset_imports=opsets, producer_name="redisai-rs gen-fixtures")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path(name))
    return model


def tensor_vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def onnx_fixtures(fraud, fraud_inputs, mlp_input):
    # Linear regression: variable = float_input @ W + b.
    w = numpy_helper.from_array(np.array([[1.0], [2.0], [3.0], [4.0]], dtype=np.float32), "W")
    b = numpy_helper.from_array(np.array([0.5], dtype=np.float32), "B")
    g = helper.make_graph(
        [helper.make_node("MatMul", ["float_input", "W"], ["xw"]), helper.make_node("Add", ["xw", "B"], ["variable"])],
        "linear", [tensor_vi("float_input", TensorProto.FLOAT, ["N", 4])],
        [tensor_vi("variable", TensorProto.FLOAT, ["N", 1])], [w, b])
    save_onnx(g, "onnx-linear.onnx")
    out = run_onnx("onnx-linear.onnx", [f32([1, 2, 3, 4, 0.5, -1, 0.25, 2], [2, 4])])
    assert out[0].ravel().tolist() == [30.5, 7.75]

    # MNIST-like CNN, batch 1 and batch N.
    rng = np.random.default_rng(7)
    conv_w = numpy_helper.from_array((rng.standard_normal((4, 1, 5, 5)) * 0.2).astype(np.float32), "conv_w")
    conv_b = numpy_helper.from_array(np.zeros(4, dtype=np.float32), "conv_b")
    fc_w = numpy_helper.from_array((rng.standard_normal((4 * 14 * 14, 10)) * 0.05).astype(np.float32), "fc_w")
    fc_b = numpy_helper.from_array((rng.standard_normal(10) * 0.1).astype(np.float32), "fc_b")
    for name, batch in (("onnx-mnist.onnx", 1), ("onnx-mnist-batch.onnx", "N")):
        nodes = [
            helper.make_node("Conv", ["Input3", "conv_w", "conv_b"], ["c"], kernel_shape=[5, 5], pads=[2, 2, 2, 2]),
            helper.make_node("Relu", ["c"], ["r"]),
            helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
            helper.make_node("Flatten", ["p"], ["f"], axis=1),
            helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["Plus214_Output_0"]),
        ]
        g = helper.make_graph(nodes, "mnist", [tensor_vi("Input3", TensorProto.FLOAT, [batch, 1, 28, 28])],
                              [tensor_vi("Plus214_Output_0", TensorProto.FLOAT, [batch, 10])],
                              [conv_w, conv_b, fc_w, fc_b])
        save_onnx(g, name)
    one = np.zeros((1, 1, 28, 28), dtype=np.float32)
    one[0, 0, 6:22, 13:15] = 1.0  # a "1"
    one[0, 0, 6:8, 11:15] = 1.0
    zero = np.zeros((1, 1, 28, 28), dtype=np.float32)
    zero[0, 0, 6:22, 9:19] = 1.0  # a "0": a ring
    zero[0, 0, 8:20, 11:17] = 0.0
    out = run_onnx("onnx-mnist.onnx", [one])[0]
    expected["onnx-mnist.onnx"]["argmax"] = int(out.argmax())
    outb = run_onnx("onnx-mnist-batch.onnx", [np.concatenate([one, zero])])[0]
    assert np.allclose(outb[0], out[0], atol=1e-5)
    expected["onnx-mnist-batch.onnx"]["argmax"] = [int(v) for v in outb.argmax(axis=1)]

    # Classifier with an INT64 label and probabilities; and a ZipMap variant.
    cw = numpy_helper.from_array(np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.5], [-0.4, 0.2, 0.9], [0.1, 0.1, 0.1]],
                                          dtype=np.float32), "cw")
    common = [
        helper.make_node("MatMul", ["float_input", "cw"], ["logits"]),
        helper.make_node("ArgMax", ["logits"], ["label"], axis=1, keepdims=0),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
    ]
    g = helper.make_graph(common, "classifier", [tensor_vi("float_input", TensorProto.FLOAT, ["N", 4])],
                          [tensor_vi("label", TensorProto.INT64, ["N"]),
                           tensor_vi("probabilities", TensorProto.FLOAT, ["N", 3])], [cw])
    save_onnx(g, "onnx-classifier.onnx")
    cls_in = f32([1, 2, 3, 4, 4, 3, -2, 1], [2, 4])
    out = run_onnx("onnx-classifier.onnx", [cls_in])
    assert out[0].dtype == np.int64 and out[1].shape == (2, 3)
    zip_node = helper.make_node("ZipMap", ["probabilities"], ["output_probability"], domain="ai.onnx.ml",
                                classlabels_int64s=[0, 1, 2])
    seq_map = helper.make_sequence_type_proto(
        helper.make_map_type_proto(TensorProto.INT64, helper.make_tensor_type_proto(TensorProto.FLOAT, [])))
    g = helper.make_graph(common + [zip_node], "zipmap", [tensor_vi("float_input", TensorProto.FLOAT, ["N", 4])],
                          [tensor_vi("label", TensorProto.INT64, ["N"]),
                           helper.make_value_info("output_probability", seq_map)], [cw])
    save_onnx(g, "onnx-zipmap.onnx", ML_OPSET)
    out = run_onnx("onnx-zipmap.onnx", [cls_in])
    maps = out[1]
    assert isinstance(maps, list) and set(maps[0]) == {0, 1, 2}
    expected["onnx-zipmap.onnx"]["non_tensor_outputs"] = [{
        "name": "output_probability", "type": "seq(map(int64,tensor(float)))",
        "values": [[[int(k), float(v)] for k, v in sorted(m.items())] for m in maps]}]

    # STRING identity, square.
    g = helper.make_graph([helper.make_node("Identity", ["input"], ["output"])], "strings",
                          [tensor_vi("input", TensorProto.STRING, ["N", 2])],
                          [tensor_vi("output", TensorProto.STRING, ["N", 2])])
    save_onnx(g, "onnx-string.onnx")
    out = run_onnx("onnx-string.onnx", [np.array([["a", "bc"], ["", "def"]], dtype=object)])
    assert out[0].ravel().tolist() == ["a", "bc", "", "def"]
    g = helper.make_graph([helper.make_node("Mul", ["x", "x"], ["y"])], "square",
                          [tensor_vi("x", TensorProto.FLOAT, ["N", 2])], [tensor_vi("y", TensorProto.FLOAT, ["N", 2])])
    save_onnx(g, "onnx-square.onnx")
    out = run_onnx("onnx-square.onnx", [f32([1, -2, 0.5, 3], [2, 2])])
    assert out[0].ravel().tolist() == [1, 4, 0.25, 9]

    # An (effectively) infinite Loop: 2^62 trips of v = sin(v) + 1.
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Sin", ["v_in"], ["s"]),
         helper.make_node("Add", ["s", "one"], ["v_out"])],
        "body",
        [tensor_vi("i", TensorProto.INT64, []), tensor_vi("cond_in", TensorProto.BOOL, []),
         tensor_vi("v_in", TensorProto.FLOAT, [1])],
        [tensor_vi("cond_out", TensorProto.BOOL, []), tensor_vi("v_out", TensorProto.FLOAT, [1])],
        [numpy_helper.from_array(np.array([1.0], dtype=np.float32), "one")])
    g = helper.make_graph(
        [helper.make_node("Loop", ["trips", "cond", "x"], ["y"], body=body)], "loop",
        [tensor_vi("x", TensorProto.FLOAT, [1])], [tensor_vi("y", TensorProto.FLOAT, [1])],
        [numpy_helper.from_array(np.array(2 ** 62, dtype=np.int64), "trips"),
         numpy_helper.from_array(np.array(True), "cond")])
    save_onnx(g, "onnx-loop.onnx")
    check_loop_runs_forever()

    # Fraud MLP with the TorchScript model's weights.
    sd = {k: v.detach().numpy() for k, v in fraud.state_dict().items()}
    inits = [numpy_helper.from_array(sd["l1.weight"].T.copy(), "w1"), numpy_helper.from_array(sd["l1.bias"], "b1"),
             numpy_helper.from_array(sd["l2.weight"].T.copy(), "w2"), numpy_helper.from_array(sd["l2.bias"], "b2")]
    nodes = [helper.make_node("Concat", ["transaction", "reference"], ["x"], axis=1),
             helper.make_node("Gemm", ["x", "w1", "b1"], ["h"]), helper.make_node("Relu", ["h"], ["hr"]),
             helper.make_node("Gemm", ["hr", "w2", "b2"], ["z"]), helper.make_node("Softmax", ["z"], ["output"], axis=1)]
    g = helper.make_graph(nodes, "fraud", [tensor_vi("transaction", TensorProto.FLOAT, ["N", 30]),
                                           tensor_vi("reference", TensorProto.FLOAT, ["N", 256])],
                          [tensor_vi("output", TensorProto.FLOAT, ["N", 2])], inits)
    save_onnx(g, "onnx-fraud.onnx")
    ox = run_onnx("onnx-fraud.onnx", list(fraud_inputs))[0]
    pt = expected["pt-fraud.pt"]["outputs"][0]["values"]
    assert np.allclose(ox.ravel(), pt, atol=1e-6), (ox, pt)

    # CPU-bound MLP (same weights as pt-mlp1024.pt): the weights come from
    # ConstantOfShape, which ORT folds once at load.
    nodes, inits = [], []
    prev = "x"
    for i in range(4):
        inits.append(numpy_helper.from_array(np.array([1024, 1024], dtype=np.int64), f"shape{i}"))
        nodes.append(helper.make_node("ConstantOfShape", [f"shape{i}"], [f"w{i}"],
                                      value=numpy_helper.from_array(np.array([0.0005 * (i + 1)], dtype=np.float32))))
        nodes.append(helper.make_node("MatMul", [prev, f"w{i}"], [f"m{i}"]))
        out = "y" if i == 3 else f"r{i}"
        nodes.append(helper.make_node("Relu", [f"m{i}"], [out]))
        prev = out
    g = helper.make_graph(nodes, "mlp1024", [tensor_vi("x", TensorProto.FLOAT, ["N", 1024])],
                          [tensor_vi("y", TensorProto.FLOAT, ["N", 1024])], inits)
    save_onnx(g, "onnx-mlp1024.onnx")
    oy = run_onnx("onnx-mlp1024.onnx", [mlp_input])[0]
    assert np.allclose(oy.ravel(), expected["pt-mlp1024.pt"]["outputs"][0]["values"], rtol=1e-4)

    # External-data initializer (weights.bin is deliberately absent), so
    # onnx.checker is not run on it and onnxruntime must refuse it.
    ext = TensorProto()
    ext.name = "w"
    ext.data_type = TensorProto.FLOAT
    ext.dims.extend([2])
    ext.data_location = TensorProto.EXTERNAL
    entry = ext.external_data.add()
    entry.key, entry.value = "location", "weights.bin"
    g = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "external",
                          [tensor_vi("x", TensorProto.FLOAT, [2])], [tensor_vi("y", TensorProto.FLOAT, [2])], [ext])
    model = helper.make_model(g, opset_imports=OPSET, producer_name="redisai-rs gen-fixtures")
    model.ir_version = 8
    onnx.save(model, path("onnx-external.onnx"))
    for source in (path("onnx-external.onnx"), model.SerializeToString()):
        try:
            ort.InferenceSession(source, providers=["CPUExecutionProvider"])
            raise AssertionError("onnx-external.onnx loaded")
        except (ort.capi.onnxruntime_pybind11_state.Fail, ort.capi.onnxruntime_pybind11_state.InvalidArgument,
                ort.capi.onnxruntime_pybind11_state.NoSuchFile, RuntimeError):
            pass
    expected["onnx-external.onnx"] = {"input_names": ["x"], "output_names": ["y"], "loads": False}


def check_loop_runs_forever():
    """onnx-loop.onnx must still be running after 3 s; RunOptions.terminate
    then stops it."""
    sess = ort.InferenceSession(path("onnx-loop.onnx"), providers=["CPUExecutionProvider"])
    opts = ort.RunOptions()
    result = {}

    def run():
        try:
            result["out"] = sess.run(None, {"x": f32([0], [1])}, opts)
        except Exception as e:  # the terminate error
            result["err"] = str(e)

    th = threading.Thread(target=run)
    th.start()
    th.join(3.0)
    assert th.is_alive() and not result, "onnx-loop.onnx finished within 3 s"
    opts.terminate = True
    th.join(30.0)
    assert not th.is_alive(), "onnx-loop.onnx ignored RunOptions.terminate"
    assert "err" in result, result
    print(f"onnx-loop.onnx: still running after 3 s; terminated: {result['err'][:80]}")
    expected["onnx-loop.onnx"] = {"input_names": [i.name for i in sess.get_inputs()],
                                  "output_names": [o.name for o in sess.get_outputs()],
                                  "inputs": [tensor_json("x", f32([0], [1]))], "runs_forever": True}


# Fixtures that can be written on their own (see the header).
SINGLE = {"pt-embed.pt": embed_fixture}


def main(only):
    os.makedirs(OUT, exist_ok=True)
    if only:
        for name in only:
            if name not in SINGLE:
                sys.exit(f"{name}: not one of {sorted(SINGLE)}")
            SINGLE[name]()
            print(f"{os.path.getsize(path(name)):>8}  {name}")
        return
    fraud, fraud_inputs, mlp_input = torch_fixtures()
    onnx_fixtures(fraud, fraud_inputs, mlp_input)
    embed_fixture()
    rng = np.random.default_rng(150)
    with open(path("junk.bin"), "wb") as f:
        f.write(rng.integers(0, 256, 150, dtype=np.uint8).tobytes())
    with open(path("expected.json"), "w") as f:
        f.write(dump_json({k: expected[k] for k in sorted(expected)}) + "\n")
    json.load(open(path("expected.json")))
    for name in sorted(os.listdir(OUT)):
        size = os.path.getsize(path(name))
        assert size < 200_000, name
        print(f"{size:>8}  {name}")


def relaunch():
    """TorchScript stores the path of the source file it compiled in each .pt
    (code/*.debug_pkl), Python gives a script run from the command line an
    absolute one, and the order of a module's constants in the saved code
    follows string hashes. So run the script again, from the repository root
    under its relative path and with PYTHONHASHSEED=0, so that the .pt files
    are the same bytes on every run and in every checkout."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    code = f"import runpy; runpy.run_path({SCRIPT!r}, run_name='__main__')"
    os.chdir(ROOT)
    os.execve(sys.executable, [sys.executable, "-c", code] + sys.argv[1:], env)


if __name__ == "__main__":
    if os.path.isabs(__file__) or os.environ.get("PYTHONHASHSEED") != "0":
        relaunch()
    else:
        main(sys.argv[1:])
