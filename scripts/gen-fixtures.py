#!/usr/bin/env python3
"""Generates the model fixtures under tests/fixtures/models.

Run once, with the full torch install (CI never runs this; the few-KB files
it writes are committed):

    python3 -m venv /tmp/fx
    /tmp/fx/bin/pip install -r scripts/requirements/fixtures.txt
    /tmp/fx/bin/python scripts/gen-fixtures.py

Everything is deterministic (fixed seeds, fixed weights). ONNX graphs are
built with onnx.helper; TorchScript with torch.jit.script. The expected
outputs in expected.json come from onnxruntime and torch themselves.
"""
import json
import os
import time
from typing import List, Optional, Tuple

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "models")
OPSET = [helper.make_opsetid("", 17)]
ML_OPSET = OPSET + [helper.make_opsetid("ai.onnx.ml", 3)]
expected = {}


def path(name):
    return os.path.join(OUT, name)


# ---------------------------------------------------------------- TorchScript

class Minimal(torch.nn.Module):
    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return a + b


class BadBatch(torch.nn.Module):
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
    """About 0.7 s of CPU on one thread; returns its input."""

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
    """4 x (1024x1024 matmul + relu). The weights are built on the first call
    and cached, so the file stays small."""

    w: List[torch.Tensor]

    def __init__(self):
        super().__init__()
        self.w = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if len(self.w) == 0:
            for i in range(4):
                base = torch.arange(1024 * 1024, dtype=torch.float32).reshape(1024, 1024)
                self.w.append(torch.sin(base * (i + 1)) * 0.03)
        for w in self.w:
            x = torch.relu(x @ w)
        return x


def save_script(module, name):
    torch.jit.script(module).save(path(name))


def torch_fixtures():
    torch.manual_seed(0)
    save_script(Minimal(), "pt-minimal.pt")
    save_script(BadBatch(), "pt-minimal-bb.pt")
    save_script(TupleOut(), "pt-tuple.pt")
    save_script(Raise(), "pt-raise.pt")
    torch.set_num_threads(1)
    n = 40
    for _ in range(6):
        m = torch.jit.script(Slow(n))
        t = time.time()
        m(torch.ones(1, 1))
        took = time.time() - t
        if 0.5 <= took <= 1.0:
            break
        n = max(1, int(n * 0.7 / max(took, 1e-3)))
    torch.jit.script(Slow(n)).save(path("pt-slow.pt"))
    print(f"pt-slow.pt: {n} iterations, {took:.2f} s")
    fraud = Fraud().eval()
    save_script(fraud, "pt-fraud.pt")
    save_script(Mlp1024(), "pt-mlp1024.pt")
    return fraud


# ----------------------------------------------------------------------- ONNX

def save_onnx(graph, name, opsets=OPSET):
    model = helper.make_model(graph, opset_imports=opsets, producer_name="redisai-rs gen-fixtures")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path(name))
    return model


def tensor_vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def onnx_fixtures(fraud):
    # Linear regression: variable = float_input @ W + b.
    w = numpy_helper.from_array(np.array([[1.0], [2.0], [3.0], [4.0]], dtype=np.float32), "W")
    b = numpy_helper.from_array(np.array([0.5], dtype=np.float32), "B")
    g = helper.make_graph(
        [helper.make_node("MatMul", ["float_input", "W"], ["xw"]), helper.make_node("Add", ["xw", "B"], ["variable"])],
        "linear", [tensor_vi("float_input", TensorProto.FLOAT, ["N", 4])],
        [tensor_vi("variable", TensorProto.FLOAT, ["N", 1])], [w, b])
    save_onnx(g, "onnx-linear.onnx")

    # MNIST-like CNN.
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
    img = np.zeros((1, 1, 28, 28), dtype=np.float32)
    img[0, 0, 6:22, 13:15] = 1.0  # a "1"
    img[0, 0, 6:8, 11:15] = 1.0
    sess = ort.InferenceSession(path("onnx-mnist.onnx"))
    out = sess.run(None, {"Input3": img})[0]
    expected["onnx-mnist.onnx"] = {
        "inputs": [{"name": "Input3", "dtype": "FLOAT", "shape": [1, 1, 28, 28], "values": [float(v) for v in img.ravel()]}],
        "outputs": [{"name": "Plus214_Output_0", "dtype": "FLOAT", "shape": [1, 10], "values": [float(v) for v in out.ravel()]}],
        "argmax": int(out.argmax()),
    }

    # Classifier with an INT64 label and probabilities; and a ZipMap variant.
    cw = numpy_helper.from_array(np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.5], [-0.4, 0.2, 0.9], [0.1, 0.1, 0.1]], dtype=np.float32), "cw")
    common = [
        helper.make_node("MatMul", ["float_input", "cw"], ["logits"]),
        helper.make_node("ArgMax", ["logits"], ["label"], axis=1, keepdims=0),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
    ]
    g = helper.make_graph(common, "classifier", [tensor_vi("float_input", TensorProto.FLOAT, ["N", 4])],
                          [tensor_vi("label", TensorProto.INT64, ["N"]), tensor_vi("probabilities", TensorProto.FLOAT, ["N", 3])], [cw])
    save_onnx(g, "onnx-classifier.onnx")
    zip_node = helper.make_node("ZipMap", ["probabilities"], ["output_probability"], domain="ai.onnx.ml", classlabels_int64s=[0, 1, 2])
    seq_map = helper.make_sequence_type_proto(helper.make_map_type_proto(TensorProto.INT64, helper.make_tensor_type_proto(TensorProto.FLOAT, [])))
    g = helper.make_graph(common + [zip_node], "zipmap", [tensor_vi("float_input", TensorProto.FLOAT, ["N", 4])],
                          [tensor_vi("label", TensorProto.INT64, ["N"]), helper.make_value_info("output_probability", seq_map)], [cw])
    save_onnx(g, "onnx-zipmap.onnx", ML_OPSET)

    # STRING identity, square.
    g = helper.make_graph([helper.make_node("Identity", ["input"], ["output"])], "strings",
                          [tensor_vi("input", TensorProto.STRING, ["N", 2])], [tensor_vi("output", TensorProto.STRING, ["N", 2])])
    save_onnx(g, "onnx-string.onnx")
    g = helper.make_graph([helper.make_node("Mul", ["x", "x"], ["y"])], "square",
                          [tensor_vi("x", TensorProto.FLOAT, ["N", 2])], [tensor_vi("y", TensorProto.FLOAT, ["N", 2])])
    save_onnx(g, "onnx-square.onnx")

    # An (effectively) infinite Loop.
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Sin", ["v_in"], ["s"]),
         helper.make_node("Add", ["s", "one"], ["v_out"])],
        "body",
        [tensor_vi("i", TensorProto.INT64, []), tensor_vi("cond_in", TensorProto.BOOL, []), tensor_vi("v_in", TensorProto.FLOAT, [1])],
        [tensor_vi("cond_out", TensorProto.BOOL, []), tensor_vi("v_out", TensorProto.FLOAT, [1])],
        [numpy_helper.from_array(np.array([1.0], dtype=np.float32), "one")])
    g = helper.make_graph(
        [helper.make_node("Loop", ["trips", "cond", "x"], ["y"], body=body)], "loop",
        [tensor_vi("x", TensorProto.FLOAT, [1])], [tensor_vi("y", TensorProto.FLOAT, [1])],
        [numpy_helper.from_array(np.array(2 ** 62, dtype=np.int64), "trips"),
         numpy_helper.from_array(np.array(True), "cond")])
    save_onnx(g, "onnx-loop.onnx")

    # Fraud MLP with the TorchScript model's weights.
    sd = {k: v.detach().numpy() for k, v in fraud.state_dict().items()}
    inits = [numpy_helper.from_array(sd["l1.weight"].T.copy(), "w1"), numpy_helper.from_array(sd["l1.bias"], "b1"),
             numpy_helper.from_array(sd["l2.weight"].T.copy(), "w2"), numpy_helper.from_array(sd["l2.bias"], "b2")]
    nodes = [helper.make_node("Concat", ["transaction", "reference"], ["x"], axis=1),
             helper.make_node("Gemm", ["x", "w1", "b1"], ["h"]), helper.make_node("Relu", ["h"], ["hr"]),
             helper.make_node("Gemm", ["hr", "w2", "b2"], ["z"]), helper.make_node("Softmax", ["z"], ["output"], axis=1)]
    g = helper.make_graph(nodes, "fraud", [tensor_vi("transaction", TensorProto.FLOAT, ["N", 30]), tensor_vi("reference", TensorProto.FLOAT, ["N", 256])],
                          [tensor_vi("output", TensorProto.FLOAT, ["N", 2])], inits)
    save_onnx(g, "onnx-fraud.onnx")
    t = np.linspace(-1, 1, 30, dtype=np.float32).reshape(1, 30)
    r = np.linspace(0, 1, 256, dtype=np.float32).reshape(1, 256)
    ox = ort.InferenceSession(path("onnx-fraud.onnx")).run(None, {"transaction": t, "reference": r})[0]
    pt = torch.jit.load(path("pt-fraud.pt"))(torch.from_numpy(t), torch.from_numpy(r)).detach().numpy()
    assert np.allclose(ox, pt, atol=1e-5), (ox, pt)

    # CPU-bound MLP for P3: weights from ConstantOfShape, folded by ORT at load.
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

    # External-data initializer (weights.bin is deliberately absent).
    ext = TensorProto()
    ext.name = "w"
    ext.data_type = TensorProto.FLOAT
    ext.dims.extend([2])
    ext.data_location = TensorProto.EXTERNAL
    entry = ext.external_data.add()
    entry.key, entry.value = "location", "weights.bin"
    g = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "external",
                          [tensor_vi("x", TensorProto.FLOAT, [2])], [tensor_vi("y", TensorProto.FLOAT, [2])], [ext])
    model = helper.make_model(g, opset_imports=OPSET)
    model.ir_version = 8
    onnx.save(model, path("onnx-external.onnx"))


def main():
    os.makedirs(OUT, exist_ok=True)
    fraud = torch_fixtures()
    onnx_fixtures(fraud)
    rng = np.random.default_rng(150)
    with open(path("junk.bin"), "wb") as f:
        f.write(rng.integers(0, 256, 150, dtype=np.uint8).tobytes())
    # Smoke-check every model.
    for name in sorted(os.listdir(OUT)):
        if name.endswith(".onnx") and name not in ("onnx-external.onnx", "onnx-loop.onnx"):
            ort.InferenceSession(path(name))
        if name.endswith(".pt"):
            torch.jit.load(path(name))
    with open(path("expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    for name in sorted(os.listdir(OUT)):
        print(f"{os.path.getsize(path(name)):>8}  {name}")


if __name__ == "__main__":
    main()
