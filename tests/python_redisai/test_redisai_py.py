"""redisai-py 1.3.0 (the RedisAI client) against redisai-rs: tensors."""
import numpy as np
import pytest
import redis


@pytest.mark.parametrize(
    "dtype", ["float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "bool"]
)
def test_numpy_round_trip(con, dtype):
    rng = np.random.default_rng(7)
    if dtype == "bool":
        arr = rng.integers(0, 2, size=(3, 4)).astype(bool)
    elif dtype.startswith("float"):
        arr = rng.standard_normal((3, 4)).astype(dtype)
    else:
        info = np.iinfo(dtype)
        arr = rng.integers(info.min, info.max, size=(3, 4), dtype=dtype)
    assert con.tensorset("t", arr) == "OK"
    back = con.tensorget("t")
    assert back.dtype == arr.dtype
    assert back.shape == arr.shape
    np.testing.assert_array_equal(back, arr)
    meta = con.tensorget("t", meta_only=True)
    assert meta["shape"] == [3, 4]


def test_scalar_numpy(con):
    con.tensorset("s", np.array(2.5, dtype=np.float32))
    back = con.tensorget("s")
    assert back.shape == ()
    assert float(back) == 2.5


def test_string_array(con):
    arr = np.array([["a", "bc"], ["", "def"]])
    con.tensorset("s", arr)
    np.testing.assert_array_equal(con.tensorget("s"), arr)


def test_list_input(con):
    con.tensorset("l", [1, 2, 3, 4], shape=(2, 2), dtype="float")
    got = con.tensorget("l", as_numpy=False)
    assert got["dtype"] == "FLOAT"
    assert got["shape"] == [2, 2]
    assert got["values"] == [1.0, 2.0, 3.0, 4.0]
    con.tensorset("n", (-1, 5), dtype="int8")
    assert con.tensorget("n", as_numpy=False)["values"] == [-1, 5]
    np.testing.assert_array_equal(con.tensorget("n"), np.array([-1, 5], dtype=np.int8))


def test_unsupported_numpy_dtypes_are_refused_by_the_server(con):
    with pytest.raises(redis.ResponseError) as e:
        con.tensorset("u", np.array([1, 2], dtype=np.uint32))
    assert str(e.value) == "invalid data type"


def test_config(con):
    assert con.config("MODEL_CHUNK_SIZE") == 511 * 1024 * 1024
    assert con.config("MODEL_CHUNK_SIZE", 450) == "OK"
    assert con.config("MODEL_CHUNK_SIZE") == 450
    assert con.loadbackend("TORCH", "redisai_torch/redisai_torch.so") == "OK"


def test_pipeline_tensors(con):
    pipe = con.pipeline(transaction=False)
    pipe.tensorset("a", np.array([1, 2], dtype=np.float32))
    pipe.tensorget("a")
    res = pipe.execute()
    assert res[0] in (b"OK", "OK")
    np.testing.assert_array_equal(res[1], np.array([1, 2], dtype=np.float32))
