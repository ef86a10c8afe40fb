"""The AI.* commands through redis-py's RedisCluster: every key of one
command shares a hash tag, so the command goes to the primary of that slot.
The tags below fall on different primaries (checked), so each test covers
more than one shard."""
import pathlib

import numpy as np
import pytest

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "models"
TAGS = ["{t0}", "{t1}", "{t2}", "{t3}", "{t4}", "{t5}"]

SCRIPT = (
    "def scale(tensors: List[Tensor], keys: List[str], args: List[str]):\n"
    "    redis.execute('INCR', [keys[0]])\n"
    "    return tensors[0] * float(args[0])\n"
)


def primary_of(rc, key):
    return rc.get_node_from_key(key).port


def floats(rc, key):
    return [float(x) for x in rc.execute_command("AI.TENSORGET", key, "VALUES")]


def test_tags_span_every_primary(rc):
    owners = {primary_of(rc, t) for t in TAGS}
    assert owners == {n.port for n in rc.get_primaries()}


def test_tensors_hash_tagged(rc):
    for i, tag in enumerate(TAGS):
        key = f"tensor:{tag}:a"
        assert rc.execute_command("AI.TENSORSET", key, "FLOAT", 2, 2, "VALUES", i, 2, 3, 4.5) in (b"OK", "OK", True)
        assert floats(rc, key) == [i, 2, 3, 4.5]
        blob = np.arange(6, dtype=np.int32).tobytes()
        rc.execute_command("AI.TENSORSET", f"blob:{tag}", "INT32", 2, 3, "BLOB", blob)
        assert rc.execute_command("AI.TENSORGET", f"blob:{tag}", "BLOB") == blob
    # The key lives on exactly one node: its primary (and that one's replica).
    key = f"tensor:{TAGS[0]}:a"
    node = rc.get_node_from_key(key)
    slot = rc.keyslot(key)
    assert rc.get_redis_connection(node).exists(key) == 1
    for n in rc.get_primaries():
        if n.port != node.port:
            assert rc.get_redis_connection(n).execute_command("CLUSTER", "COUNTKEYSINSLOT", slot) == 0


@pytest.mark.parametrize("backend,fixture", [("TORCH", "pt-minimal.pt"), ("ONNX", "onnx-square.onnx")])
def test_models(rc, backend, fixture):
    blob = (FIXTURES / fixture).read_bytes()
    for tag in TAGS[:3]:
        m = f"model:{backend}:{tag}"
        rc.execute_command("AI.MODELSTORE", m, backend, "CPU", "BLOB", blob)
        if backend == "TORCH":  # forward(a, b) = a + b
            rc.execute_command("AI.TENSORSET", f"a:{tag}", "FLOAT", 2, "VALUES", 2, 3)
            rc.execute_command("AI.TENSORSET", f"b:{tag}", "FLOAT", 2, "VALUES", 3, 5)
            rc.execute_command("AI.MODELEXECUTE", m, "INPUTS", 2, f"a:{tag}", f"b:{tag}",
                               "OUTPUTS", 1, f"c:{tag}")
            assert floats(rc, f"c:{tag}") == [5, 8]
        else:
            meta = rc.execute_command("AI.MODELGET", m, "META")
            assert meta
            rc.execute_command("AI.TENSORSET", f"x:{tag}", "FLOAT", 1, 2, "VALUES", 2, 3)
            rc.execute_command("AI.MODELEXECUTE", m, "INPUTS", 1, f"x:{tag}", "OUTPUTS", 1, f"y:{tag}")
            assert floats(rc, f"y:{tag}") == [4, 9]


def test_scripts(rc):
    for tag in TAGS[:3]:
        s = f"script:{tag}"
        rc.execute_command("AI.SCRIPTSTORE", s, "CPU", "ENTRY_POINTS", 1, "scale", "SOURCE", SCRIPT)
        rc.execute_command("AI.TENSORSET", f"in:{tag}", "FLOAT", 2, "VALUES", 1.5, 2)
        rc.delete(f"calls:{tag}")
        rc.execute_command("AI.SCRIPTEXECUTE", s, "scale", "KEYS", 1, f"calls:{tag}",
                           "INPUTS", 1, f"in:{tag}", "ARGS", 1, 10, "OUTPUTS", 1, f"out:{tag}")
        assert floats(rc, f"out:{tag}") == [15, 20]
        assert int(rc.get(f"calls:{tag}")) == 1


def test_dag_with_routing(rc):
    blob = (FIXTURES / "pt-minimal.pt").read_bytes()
    for tag in TAGS[:3]:
        m = f"dagmodel:{tag}"
        rc.execute_command("AI.MODELSTORE", m, "TORCH", "CPU", "BLOB", blob)
        rc.execute_command("AI.TENSORSET", f"da:{tag}", "FLOAT", 2, "VALUES", 1, 2)
        # ROUTING names the slot; LOAD and PERSIST keys share it.
        reply = rc.execute_command(
            "AI.DAGEXECUTE", "ROUTING", tag, "LOAD", 1, f"da:{tag}", "PERSIST", 1, f"dc:{tag}",
            "|>", "AI.TENSORSET", "t", "FLOAT", 2, "VALUES", 10, 20,
            "|>", "AI.MODELEXECUTE", m, "INPUTS", 2, f"da:{tag}", "t", "OUTPUTS", 1, f"dc:{tag}",
            "|>", "AI.TENSORGET", f"dc:{tag}", "VALUES")
        assert [float(x) for x in reply[-1]] == [11, 22]
        assert floats(rc, f"dc:{tag}") == [11, 22]
        # A read-only DAG routed by ROUTING alone (no key of its own).
        ro = rc.execute_command("AI.DAGEXECUTE_RO", "ROUTING", tag,
                                "|>", "AI.TENSORSET", "u", "FLOAT", 1, "VALUES", 7,
                                "|>", "AI.TENSORGET", "u", "VALUES")
        assert [float(x) for x in ro[-1]] == [7]


def test_vector_sets(rc):
    rng = np.random.default_rng(7)
    for tag in TAGS[:3]:
        key = f"vset:{tag}"
        rc.delete(key)
        vecs = rng.standard_normal((50, 8)).astype(np.float32)
        for i, v in enumerate(vecs):
            rc.execute_command("AI.VADD", key, "VALUES", 8, *v.tolist(), f"e{i}")
        assert rc.execute_command("AI.VCARD", key) == 50
        got = rc.execute_command("AI.VSIM", key, "ELE", "e3", "COUNT", 3, "TRUTH")
        assert [x.decode() if isinstance(x, bytes) else x for x in got][0] == "e3"
        # A TENSOR query: the tensor key shares the set's tag.
        rc.execute_command("AI.TENSORSET", f"q:{tag}", "FLOAT", 8, "VALUES", *vecs[9].tolist())
        got = rc.execute_command("AI.VSIM", key, "TENSOR", f"q:{tag}", "COUNT", 1)
        assert [x.decode() if isinstance(x, bytes) else x for x in got] == ["e9"]
