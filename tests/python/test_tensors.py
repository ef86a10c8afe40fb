"""AI.TENSORSET/TENSORGET through redis-py 8, in RESP2 and RESP3."""
import struct

import pytest
import redis


def test_meta_values_float(r):
    assert r.execute_command("AI.TENSORSET", "t", "FLOAT", 1, 2, "VALUES", 5, 0.1) in (b"OK", True, "OK")
    reply = r.execute_command("AI.TENSORGET", "t", "META", "VALUES")
    assert reply[:4] == [b"dtype", b"FLOAT", b"shape", [1, 2]]
    assert reply[4] == b"values"
    if r.protocol == 2:
        assert reply[5] == [b"5", b"0.10000000149011612"]
    else:
        assert reply[5] == [5.0, struct.unpack("f", struct.pack("f", 0.1))[0]]


@pytest.mark.parametrize(
    "dtype,fmt",
    [("FLOAT", "f"), ("DOUBLE", "d"), ("INT8", "b"), ("INT16", "h"), ("INT32", "i"),
     ("INT64", "q"), ("UINT8", "B"), ("UINT16", "H")],
)
def test_blob_round_trip(r, dtype, fmt):
    values = [1, 2, 3, 4, 5, 6]
    blob = struct.pack("<" + fmt * 6, *values)
    r.execute_command("AI.TENSORSET", "t", dtype, 2, 3, "BLOB", blob)
    assert r.execute_command("AI.TENSORGET", "t", "BLOB") == blob
    meta = r.execute_command("AI.TENSORGET", "t", "META")
    assert meta == [b"dtype", dtype.encode(), b"shape", [2, 3]]
    got = r.execute_command("AI.TENSORGET", "t", "VALUES")
    assert [float(v) for v in got] == values


def test_string_and_bool(r):
    r.execute_command("AI.TENSORSET", "s", "STRING", 3, "VALUES", "a", "", "xyz")
    assert r.execute_command("AI.TENSORGET", "s", "VALUES") == [b"a", b"", b"xyz"]
    assert r.execute_command("AI.TENSORGET", "s", "BLOB") == b"a\x00\x00xyz\x00"
    r.execute_command("AI.TENSORSET", "b", "BOOL", 2, "BLOB", b"\x01\x00")
    assert r.execute_command("AI.TENSORGET", "b", "VALUES") == [1, 0]


@pytest.mark.parametrize(
    "args,text",
    [
        (("AI.TENSORSET", "t", "FLOAT"), "wrong number of arguments for 'AI.TENSORSET' command"),
        (("AI.TENSORSET", "t", "UINT32", 1), "invalid data type"),
        (("AI.TENSORSET", "t", "FLOAT", 0), "invalid or negative value found in tensor shape"),
        (("AI.TENSORSET", "t", "FLOAT", 2, "BLOB", b"abc"), "data length does not match tensor shape and type"),
        (("AI.TENSORSET", "t", "FLOAT", 2, "VALUES", 1), "wrong number of values was given in 'AI.TENSORSET' command"),
        (("AI.TENSORGET", "nothere"), "tensor key is empty or in a different shard"),
    ],
)
def test_errors(r, args, text):
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command(*args)
    assert str(e.value) == text  # redis-py strips the leading "ERR "


def test_wrongtype(r):
    r.set("plain", "x")
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("AI.TENSORSET", "plain", "junk", -1)
    assert str(e.value).endswith("Operation against a key holding the wrong kind of value")


def test_persistence_through_the_client(r):
    r.execute_command("AI.TENSORSET", "t", "INT32", 2, 1, "VALUES", 1, 2)
    dump = r.dump("t")
    r.restore("copy", 0, dump)
    assert r.execute_command("AI.TENSORGET", "copy", "VALUES") == [1, 2]
    r.execute_command("DEBUG", "RELOAD")
    assert r.execute_command("AI.TENSORGET", "t", "VALUES") == [1, 2]
    assert r.type("t") in (b"AI_TENSOR", "AI_TENSOR")


def test_config_get(r):
    assert r.execute_command("AI.CONFIG", "GET", "MODEL_CHUNK_SIZE") == 511 * 1024 * 1024
    assert r.execute_command("AI.CONFIG", "GET", "NOPE") is None


def test_info_modules_is_parsed_by_redis_py(r):
    info = r.info("modules")
    assert info["ai_rdb_version"] == 4
    assert "ai_threads_per_queue" in info
