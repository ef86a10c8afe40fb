"""redisai-py 1.3.0 against redisai-rs: models, model execution, statistics,
and its Dag/Pipeline for tensor ops."""
import pathlib

import numpy as np

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "models"


def blob(name):
    return (FIXTURES / name).read_bytes()


def test_modelstore_get_execute(con):
    assert con.modelstore("m", "torch", "cpu", blob("pt-minimal.pt"), tag="v1.2") == "OK"
    meta = con.modelget("m", meta_only=True)
    assert meta["backend"] == "TORCH"
    assert meta["device"] == "cpu"  # kept as sent
    assert meta["tag"] == "v1.2"
    assert meta["inputs"] == ["a", "b"]
    assert meta["outputs"] == [""]
    assert con.modelget("m")["blob"] == blob("pt-minimal.pt")
    con.tensorset("a", np.array([[2, 3]], dtype=np.float32))
    con.tensorset("b", np.array([[3, 5]], dtype=np.float32))
    assert con.modelexecute("m", ["a", "b"], ["c"]) == "OK"
    np.testing.assert_array_equal(con.tensorget("c"), np.array([[5, 8]], dtype=np.float32))
    assert con.modelrun("m", ["a", "b"], ["d"]) == "OK"
    np.testing.assert_array_equal(con.tensorget("d"), np.array([[5, 8]], dtype=np.float32))


def test_chunked_modelstore_at_450(con):
    # redisai-py asks AI.CONFIG GET MODEL_CHUNK_SIZE and chunks the blob.
    assert con.config("MODEL_CHUNK_SIZE", 450) == "OK"
    data = blob("pt-minimal.pt")
    assert con.modelstore("m", "TORCH", "CPU", data) == "OK"
    got = con.modelget("m")["blob"]
    assert isinstance(got, list)
    assert len(got) == -(-len(data) // 450)
    assert b"".join(got) == data


def test_modelscan_info_and_reset(con):
    con.modelstore("pt_model", "TORCH", "CPU", blob("pt-minimal.pt"))
    con.modelstore("m", "TORCH", "CPU", blob("pt-minimal.pt"), tag="v1.2")
    assert sorted(con.modelscan()) == [["m", "v1.2"], ["pt_model", ""]]
    info = con.infoget("m")
    assert info["key"] == "m"
    assert info["type"] == "MODEL"
    assert (info["duration"], info["samples"], info["calls"], info["errors"]) == (0, 0, 0, 0)
    con.tensorset("a", np.ones((3, 2), dtype=np.float32))
    con.modelexecute("m", ["a", "a"], ["c"])
    info = con.infoget("m")
    assert (info["samples"], info["calls"], info["errors"]) == (3, 1, 0)
    assert con.inforeset("m") == "OK"
    assert con.infoget("m")["calls"] == 0
    assert con.modeldel("m") == "OK"


def test_onnx_linear_and_timeout_argument(con):
    con.modelstore("lin", "ONNX", "CPU", blob("onnx-linear.onnx"))
    con.tensorset("x", np.array([[1, 2, 3, 4]], dtype=np.float32))
    assert con.modelexecute("lin", ["x"], ["y"], timeout=1000) == "OK"
    np.testing.assert_array_equal(con.tensorget("y"), np.array([[30.5]], dtype=np.float32))


def test_pipeline_tensor_ops(con):
    pipe = con.pipeline(transaction=False)
    pipe.tensorset("p", np.array([1, 2, 3], dtype=np.int32))
    pipe.tensorget("p")
    res = pipe.execute()
    assert res[0] in (b"OK", "OK")
    np.testing.assert_array_equal(res[1], np.array([1, 2, 3], dtype=np.int32))


def test_dag_tensor_and_model_ops(con):
    con.modelstore("m", "TORCH", "CPU", blob("pt-minimal.pt"))
    con.tensorset("x", np.array([1, 2], dtype=np.float32))
    dag = con.dag(load=["x"], persist=["y"])
    dag.tensorset("a", np.array([10, 20], dtype=np.float32))
    dag.modelexecute("m", inputs=["x", "a"], outputs=["y"])
    dag.tensorget("y")
    res = dag.execute()
    assert res[0] == "OK" and res[1] == "OK"
    np.testing.assert_array_equal(res[2], np.array([11, 22], dtype=np.float32))
    np.testing.assert_array_equal(con.tensorget("y"), np.array([11, 22], dtype=np.float32))
    ro = con.dag(routing="x", readonly=True)
    ro.tensorset("t", [1, 2], dtype="int32")
    ro.tensorget("t")
    res = ro.execute()
    np.testing.assert_array_equal(res[1], np.array([1, 2], dtype=np.int32))
