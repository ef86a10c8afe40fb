"""redisai-py 1.3.0 against redisai-rs's TF and TFLITE backends: MODELSTORE
with INPUTS/OUTPUTS, MODELGET metadata, execution with exact outputs, the
errors redisai-py raises itself and those the server replies."""
import json
import pathlib

import numpy as np
import pytest
import redis

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "models"


def blob(name):
    return (FIXTURES / name).read_bytes()


def expected(name):
    return json.loads((FIXTURES / "expected.json").read_text())[name]


def compiled_backends(con):
    """The backends the module was built with (INFO MODULES'
    `ai_backends_compiled`, a comma-separated list)."""
    info = con.execute_command("INFO", "MODULES")
    if isinstance(info, bytes):
        info = info.decode()
    if isinstance(info, str):
        line = [l for l in info.splitlines() if l.startswith("ai_backends_compiled:")]
        value = line[0].split(":", 1)[1] if line else ""
    else:
        value = info.get("ai_backends_compiled", "")
    if isinstance(value, (list, tuple)):
        value = ",".join(map(str, value))
    elif isinstance(value, dict):
        value = ",".join(value)
    return {v.strip().lower() for v in str(value).split(",") if v.strip()}


@pytest.fixture
def tf(con):
    if "tf" not in compiled_backends(con):
        pytest.skip("build has no TF backend")
    return con


@pytest.fixture
def tflite(con):
    if "tflite" not in compiled_backends(con):
        pytest.skip("build has no TFLITE backend")
    return con


def test_tf_modelstore_get_execute(tf):
    con = tf
    data = blob("tf-graph.pb")
    assert con.modelstore("m", "TF", "CPU", data, batch=4, minbatch=2, tag="v1",
                          inputs=["a", "b"], outputs=["mul"]) == "OK"
    meta = con.modelget("m", meta_only=True)
    assert meta["backend"] == "TF"
    assert meta["device"] == "CPU"
    assert meta["tag"] == "v1"
    assert (meta["batchsize"], meta["minbatchsize"], meta["minbatchtimeout"]) == (4, 2, 0)
    assert meta["inputs"] == ["a", "b"]
    assert meta["outputs"] == ["mul"]
    assert con.modelget("m")["blob"] == data
    con.tensorset("a", np.array([[1, 2], [3, 4]], dtype=np.float32))
    con.tensorset("b", np.array([[10, 20], [30, 40]], dtype=np.float32))
    assert con.modelexecute("m", inputs=["a", "b"], outputs=["c"]) == "OK"
    got = con.tensorget("c")
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, np.array([[10, 40], [90, 160]], dtype=np.float32))
    # Two outputs.
    assert con.modelstore("two", "TF", "CPU", blob("tf-two.pb"),
                          inputs=["a", "b"], outputs=["sum", "diff"]) == "OK"
    assert con.modelget("two", meta_only=True)["outputs"] == ["sum", "diff"]
    assert con.modelexecute("two", ["a", "b"], ["s", "d"]) == "OK"
    np.testing.assert_array_equal(con.tensorget("s"), [[11, 22], [33, 44]])
    np.testing.assert_array_equal(con.tensorget("d"), [[-9, -18], [-27, -36]])
    # Kept as stored through DEBUG RELOAD, still runnable.
    before = con.modelget("m")
    assert con.execute_command("DEBUG", "RELOAD")
    assert con.modelget("m") == before
    assert con.modelexecute("m", ["a", "b"], ["c2"]) == "OK"
    np.testing.assert_array_equal(con.tensorget("c2"), con.tensorget("c"))


def test_tf_single_names_and_int_output(tf):
    con = tf
    # redisai-py turns a plain string into a one-element list.
    assert con.modelstore("s", "TF", "CPU", blob("tf-string.pb"),
                          inputs="s", outputs=["joined", "len"]) == "OK"
    meta = con.modelget("s", meta_only=True)
    assert (meta["inputs"], meta["outputs"]) == (["s"], ["joined", "len"])
    con.execute_command("AI.TENSORSET", "in", "STRING", 2, 2, "VALUES", "ab", "c", "", "xyz")
    assert con.modelexecute("s", "in", ["j", "n"]) == "OK"
    n = con.tensorget("n")
    assert n.dtype == np.int32
    np.testing.assert_array_equal(n, np.array([[2, 1], [0, 3]], dtype=np.int32))
    joined = con.execute_command("AI.TENSORGET", "j", "VALUES")
    assert joined == [b"ab-ab", b"c-c", b"-", b"xyz-xyz"]


def test_tf_errors(tf):
    con = tf
    data = blob("tf-graph.pb")
    # redisai-py refuses TF without inputs and outputs before sending.
    with pytest.raises(ValueError, match="inputs and outputs"):
        con.modelstore("m", "TF", "CPU", data, inputs=["a", "b"])
    with pytest.raises(ValueError, match="inputs and outputs"):
        con.modelstore("m", "TF", "CPU", data)
    assert con.exists("m") == 0
    # The server's own replies.
    with pytest.raises(redis.exceptions.ResponseError, match="OUTPUTS not specified for TF"):
        con.execute_command("AI.MODELSTORE", "m", "TF", "CPU", "INPUTS", 2, "a", "b",
                            "BLOB", data)
    with pytest.raises(redis.exceptions.ResponseError, match="INPUTS not specified for TF"):
        con.execute_command("AI.MODELSTORE", "m", "TF", "CPU", "BLOB", data)
    with pytest.raises(redis.exceptions.ResponseError, match='"nope" not found in TF graph'):
        con.modelstore("m", "TF", "CPU", data, inputs=["a", "nope"], outputs=["mul"])
    with pytest.raises(redis.exceptions.ResponseError):
        con.modelstore("m", "TF", "CPU", blob("junk.bin"), inputs=["a", "b"], outputs=["mul"])
    assert con.exists("m") == 0
    # A run with the wrong number of inputs.
    con.modelstore("m", "TF", "CPU", data, inputs=["a", "b"], outputs=["mul"])
    con.tensorset("a", np.ones((1, 2), dtype=np.float32))
    with pytest.raises(redis.exceptions.ResponseError):
        con.modelexecute("m", ["a"], ["c"])
    assert con.exists("c") == 0


def test_tflite_modelstore_get_execute(tflite):
    con = tflite
    data = blob("tflite-graph.tflite")
    assert con.modelstore("m", "TFLITE", "CPU", data, tag="lite") == "OK"
    meta = con.modelget("m", meta_only=True)
    assert (meta["backend"], meta["device"], meta["tag"]) == ("TFLITE", "CPU", "lite")
    assert meta["inputs"] == ["a", "b"]
    assert meta["outputs"] == ["mul"]
    assert con.modelget("m")["blob"] == data
    con.tensorset("a", np.array([[2, 3]], dtype=np.float32))
    con.tensorset("b", np.array([[4, 5]], dtype=np.float32))
    assert con.modelexecute("m", inputs=["a", "b"], outputs=["c"]) == "OK"
    np.testing.assert_array_equal(con.tensorget("c"), np.array([[8, 15]], dtype=np.float32))
    # redisai-py refuses INPUTS/OUTPUTS for a non-TF backend.
    with pytest.raises(ValueError, match="should not be specified"):
        con.modelstore("x", "TFLITE", "CPU", data, inputs=["a", "b"], outputs=["mul"])
    with pytest.raises(redis.exceptions.ResponseError):
        con.modelstore("x", "TFLITE", "CPU", blob("junk.bin"))
    assert con.exists("x") == 0


def test_tflite_quantised_mnist(tflite):
    con = tflite
    want = expected("tflite-mnist-quant.tflite")
    assert con.modelstore("q", "TFLITE", "CPU", blob("tflite-mnist-quant.tflite")) == "OK"
    assert con.modelget("q", meta_only=True)["outputs"] == want["output_names"]
    x = want["inputs"][0]
    con.tensorset("x", np.array(x["values"], dtype=np.float32).reshape(x["shape"]))
    assert con.modelexecute("q", ["x"], ["probs", "argmax"]) == "OK"
    probs, argmax = (o["values"] for o in want["outputs"])
    top = con.tensorget("argmax")
    assert top.dtype == np.int64
    np.testing.assert_array_equal(top, np.array(argmax, dtype=np.int64))
    np.testing.assert_allclose(con.tensorget("probs").ravel(), probs, rtol=0, atol=1e-5)
