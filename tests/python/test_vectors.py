"""AI.V* through redis-py's execute_command, in RESP2 and RESP3."""
import json
import struct

import pytest
import redis


def fp32(v):
    return struct.pack(f"<{len(v)}f", *v)


def add(r, key, name, v, *extra):
    return r.execute_command("AI.VADD", key, "FP32", fp32(v), name, *extra)


def test_add_search_and_attributes(r):
    assert add(r, "v", "a", [1, 0, 0], "SETATTR", json.dumps({"year": 1999})) in (1, True)
    assert add(r, "v", "b", [0, 1, 0]) in (1, True)
    assert add(r, "v", "b", [0, 2, 0]) in (0, False)
    assert r.execute_command("AI.VCARD", "v") == 2
    assert r.execute_command("AI.VDIM", "v") == 3
    names = r.execute_command("AI.VSIM", "v", "VALUES", 3, 1, 0, 0)
    assert names == [b"a", b"b"]
    scored = r.execute_command("AI.VSIM", "v", "ELE", "a", "WITHSCORES")
    if r.protocol == 3:
        assert scored[b"a"] == pytest.approx(1.0)
        assert scored[b"b"] == pytest.approx(0.5)
    else:
        assert scored[0] == b"a" and float(scored[1]) == pytest.approx(1.0)
    hits = r.execute_command("AI.VSIM", "v", "ELE", "b", "FILTER", ".year < 2000")
    assert hits == [b"a"]
    assert json.loads(r.execute_command("AI.VGETATTR", "v", "a")) == {"year": 1999}
    emb = r.execute_command("AI.VEMB", "v", "b")
    assert [float(x) for x in emb] == [0.0, 2.0, 0.0]
    info = r.execute_command("AI.VINFO", "v")
    if isinstance(info, list):
        info = dict(zip(info[::2], info[1::2]))
    assert info[b"vector-dim"] == 3 and info[b"size"] == 2


def test_missing_key_and_errors(r):
    assert r.execute_command("AI.VCARD", "none") == 0
    assert r.execute_command("AI.VSIM", "none", "VALUES", 1, 1) == []
    assert r.execute_command("AI.VEMB", "none", "x") is None
    with pytest.raises(redis.ResponseError, match="key does not exist"):
        r.execute_command("AI.VDIM", "none")
    add(r, "v", "a", [1, 0])
    with pytest.raises(redis.ResponseError, match="Vector dimension mismatch - got 3 but set has 2"):
        add(r, "v", "b", [1, 0, 0])


def test_persistence_through_the_client(r):
    for i in range(50):
        add(r, "p", f"e{i}", [i, 1, -i])
    before = r.execute_command("AI.VSIM", "p", "ELE", "e3", "WITHSCORES", "COUNT", 5)
    r.execute_command("DEBUG", "RELOAD")
    assert r.execute_command("AI.VSIM", "p", "ELE", "e3", "WITHSCORES", "COUNT", 5) == before
