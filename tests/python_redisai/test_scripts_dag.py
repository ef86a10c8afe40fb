"""redisai-py 1.3.0 against redisai-rs: TorchScript scripts (store/set, get,
del, scan, execute/run, AI.INFO, the redis.execute extension), script and
model ops inside DAGs on both the deprecated DAGRUN path and the DAGEXECUTE
path, and pipelines.

Every call goes through the real client, so these tests also pin what
redisai-py sends (spec §4) and how it post-processes our replies."""
import pathlib
import warnings

import numpy as np
import pytest
import redis
from redisai import command_builder as builder

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "models"

# Entry points: each has the (List[Tensor], List[str], List[str]) signature.
# `helper` is not an entry point and may have any signature.
SCRIPT = (
    "def helper(a: Tensor, k: int):\n"
    "    return a * k\n"
    "\n"
    "def bar(tensors: List[Tensor], keys: List[str], args: List[str]):\n"
    "    return tensors[0] + tensors[1]\n"
    "\n"
    "def scaled(tensors: List[Tensor], keys: List[str], args: List[str]):\n"
    "    return helper(tensors[0], int(args[0])) + helper(tensors[1], int(args[1]))\n"
    "\n"
    "def both(tensors: List[Tensor], keys: List[str], args: List[str]):\n"
    "    return tensors[0] + tensors[1], tensors[0] - tensors[1]\n"
)

# Legacy script (AI.SCRIPTSET): no entry points, positional "best effort" calls.
LEGACY = (
    "def bar(a, b):\n"
    "    return a + b\n"
    "\n"
    "def bar_variadic(a, args: List[Tensor]):\n"
    "    return args[0] + args[1]\n"
    "\n"
    "def swap(a, b):\n"
    "    return b, a\n"
)

# redis.execute from a script (RedisAI 1.2.7's redis_scripts.py style).
REDIS_SCRIPT = (
    "def redis_string_int_to_tensor(redis_value: Any):\n"
    "    return torch.tensor(int(str(redis_value)))\n"
    "\n"
    "def int_set_get(tensors: List[Tensor], keys: List[str], args: List[str]):\n"
    "    redis.execute(\"SET\", [keys[0], args[0]])\n"
    "    v = redis.execute(\"GET\", [keys[0]])\n"
    "    return redis_string_int_to_tensor(v)\n"
    "\n"
    "def redis_error(tensors: List[Tensor], keys: List[str], args: List[str]):\n"
    "    redis.execute(\"SET\", [keys[0]])\n"
    "    return tensors[0]\n"
)

F32 = np.float32


def blob(name):
    return (FIXTURES / name).read_bytes()


def f32(*rows):
    return np.array(rows, dtype=F32)


def err(excinfo):
    return str(excinfo.value)


# --- store / get / del / scan -------------------------------------------------


def test_scriptstore_and_scriptget(con):
    assert con.scriptstore("s", "CPU", SCRIPT, ["bar", "scaled", "both"], tag="v1.0") == "OK"
    assert con.scriptget("s") == {
        "device": "CPU",
        "tag": "v1.0",
        # list2dict decodes only bytes values, not the nested array
        "entry points": [b"bar", b"scaled", b"both"],
        "source": SCRIPT,
    }
    assert con.scriptget("s", meta_only=True) == {
        "device": "CPU",
        "tag": "v1.0",
        "entry points": [b"bar", b"scaled", b"both"],
    }
    # The raw reply has the spec's exact key `Entry Points`, in this order.
    raw = con.execute_command("AI.SCRIPTGET", "s", "META", "SOURCE")
    assert raw[0::2] == [b"device", b"tag", b"Entry Points", b"source"]
    assert con.execute_command("AI.SCRIPTGET", "s", "SOURCE") == SCRIPT.encode()


def test_scriptstore_single_entry_point_no_tag_device_kept_as_sent(con):
    # redisai-py accepts a plain string for entry_points and lowercase devices.
    assert con.scriptstore("s", "cpu", SCRIPT, "bar") == "OK"
    assert con.scriptget("s", meta_only=True) == {
        "device": "cpu",
        "tag": "",
        "entry points": [b"bar"],
    }
    # Overwriting replaces source, entry points and tag.
    assert con.scriptstore("s", "CPU", SCRIPT, ["both"], tag="t2") == "OK"
    assert con.scriptget("s", meta_only=True) == {
        "device": "CPU",
        "tag": "t2",
        "entry points": [b"both"],
    }


def test_scriptstore_entry_point_errors(con):
    with pytest.raises(redis.ResponseError) as e:
        con.scriptstore("s", "CPU", SCRIPT, ["bar", "nope"])
    assert err(e) == "Function nope does not exist in the given script."
    with pytest.raises(redis.ResponseError) as e:
        con.scriptstore("s", "CPU", SCRIPT, "helper")
    assert err(e) == "Wrong number of inputs in function helper. Expected 3 but was 2"
    with pytest.raises(redis.ResponseError) as e:
        con.scriptstore("s", "CPU", LEGACY, "bar")
    assert err(e) == "Wrong number of inputs in function bar. Expected 3 but was 2"
    assert con.exists("s") == 0


def test_scriptset_scriptget(con):
    with pytest.warns(DeprecationWarning):
        assert con.scriptset("l", "CPU", LEGACY, tag="old") == "OK"
    assert con.scriptget("l") == {
        "device": "CPU",
        "tag": "old",
        "entry points": [],
        "source": LEGACY,
    }


def test_scriptdel(con):
    con.scriptstore("s", "CPU", SCRIPT, "bar")
    con.tensorset("a", f32(1, 2))
    assert con.scriptdel("s") == "OK"
    assert con.exists("s") == 0
    with pytest.raises(redis.ResponseError) as e:
        con.scriptget("s")
    assert err(e) == "script key is empty"
    with pytest.raises(redis.ResponseError) as e:
        con.scriptdel("s")
    assert err(e) == "script key is empty"
    with pytest.raises(redis.ResponseError) as e:
        con.scriptexecute("s", "bar", inputs=["a", "a"], outputs=["c"])
    assert err(e) == "script key is empty"
    # A tensor key is not a script.
    with pytest.raises(redis.ResponseError) as e:
        con.scriptdel("a")
    assert err(e) == "WRONGTYPE Operation against a key holding the wrong kind of value"


def test_scriptscan(con):
    with pytest.warns(UserWarning):
        assert con.scriptscan() == []
    con.scriptstore("s1", "CPU", SCRIPT, "bar", tag="v1")
    con.scriptstore("s2", "CPU", SCRIPT, "bar")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        con.scriptset("s3", "CPU", LEGACY, tag="legacy")
    # A model is not listed by _SCRIPTSCAN.
    con.modelstore("m", "TORCH", "CPU", blob("pt-minimal.pt"))
    with pytest.warns(UserWarning):
        got = con.scriptscan()
    assert sorted(got) == [["s1", "v1"], ["s2", ""], ["s3", "legacy"]]
    con.scriptdel("s2")
    with pytest.warns(UserWarning):
        assert sorted(con.scriptscan()) == [["s1", "v1"], ["s3", "legacy"]]


# --- execute / run --------------------------------------------------------------


def test_scriptexecute_keys_inputs_args_outputs(con):
    con.scriptstore("s", "CPU", SCRIPT, ["bar", "scaled", "both"])
    con.tensorset("a", f32([2, 3], [4, 5]))
    con.tensorset("b", f32([10, 20], [30, 40]))
    # KEYS, INPUTS, ARGS, OUTPUTS, in the client's fixed order.
    assert con.scriptexecute(
        "s", "scaled", keys=["a"], inputs=["a", "b"], args=["3", "-2"], outputs=["c"]
    ) == "OK"
    c = con.tensorget("c")
    assert c.dtype == F32 and c.shape == (2, 2)
    np.testing.assert_array_equal(c, f32([-14, -31], [-48, -65]))
    # INPUTS only, plain add.
    assert con.scriptexecute("s", "bar", inputs=["a", "b"], outputs="d") == "OK"
    np.testing.assert_array_equal(con.tensorget("d"), f32([12, 23], [34, 45]))
    # A tuple return fills two outputs, in order; TIMEOUT accepted.
    assert con.scriptexecute(
        "s", "both", inputs=["b", "a"], outputs=["sum", "diff"], timeout=5000
    ) == "OK"
    np.testing.assert_array_equal(con.tensorget("sum"), f32([12, 23], [34, 45]))
    np.testing.assert_array_equal(con.tensorget("diff"), f32([8, 17], [26, 35]))
    assert con.tensorget("diff", as_numpy=False) == {
        "dtype": "FLOAT",
        "shape": [2, 2],
        "values": [8.0, 17.0, 26.0, 35.0],
    }


def test_scriptexecute_errors(con):
    con.scriptstore("s", "CPU", SCRIPT, ["bar", "both"])
    con.tensorset("a", f32(1, 2))
    with pytest.raises(redis.ResponseError) as e:
        con.scriptexecute("s", "both", inputs=["a", "a"], outputs=["c"])
    assert err(e) == "Function returned unexpected number of outputs - both"
    with pytest.raises(redis.ResponseError) as e:
        con.scriptexecute("s", "bar", inputs=["a", "missing"], outputs=["c"])
    assert err(e) == "tensor key is empty or in a different shard"
    # redisai-py itself refuses a call with neither keys nor inputs.
    with pytest.raises(ValueError):
        con.scriptexecute("s", "bar", args=["1"], outputs=["c"])
    assert con.exists("c") == 0


def test_scriptset_scriptrun_legacy_positional(con):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert con.scriptset("l", "CPU", LEGACY) == "OK"
    con.tensorset("a", f32(1, 2, 3))
    con.tensorset("b", f32(10, 20, 30))
    con.tensorset("c", f32(100, 200, 300))
    with pytest.warns(DeprecationWarning):
        assert con.scriptrun("l", "bar", ["a", "b"], "out") == "OK"
    np.testing.assert_array_equal(con.tensorget("out"), f32(11, 22, 33))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        # A List[Tensor] parameter absorbs the remaining tensors (b, c).
        assert con.scriptrun("l", "bar_variadic", ["a", "b", "c"], ["v"]) == "OK"
        np.testing.assert_array_equal(con.tensorget("v"), f32(110, 220, 330))
        assert con.scriptrun("l", "swap", ["a", "b"], ["x", "y"]) == "OK"
        np.testing.assert_array_equal(con.tensorget("x"), f32(10, 20, 30))
        np.testing.assert_array_equal(con.tensorget("y"), f32(1, 2, 3))
        with pytest.raises(redis.ResponseError) as e:
            con.scriptrun("l", "bar", ["a"], ["z"])
        assert err(e) == "Wrong number of inputs provided to function: bar"
        with pytest.raises(redis.ResponseError) as e:
            con.scriptrun("l", "nope", ["a"], ["z"])
        assert err(e) == "Function does not exist: nope"
    # The same legacy functions through AI.SCRIPTEXECUTE (best effort).
    assert con.scriptexecute("l", "bar_variadic", inputs=["c", "a", "b"], outputs="w") == "OK"
    np.testing.assert_array_equal(con.tensorget("w"), f32(11, 22, 33))


def test_infoget_on_a_script(con):
    con.scriptstore("s", "CPU", SCRIPT, ["bar", "both"], tag="t")
    assert con.infoget("s") == {
        "key": "s",
        "type": "SCRIPT",
        "backend": "TORCH",
        "device": "CPU",
        "tag": "t",
        "duration": 0,
        "samples": -1,
        "calls": 0,
        "errors": 0,
    }
    con.tensorset("a", f32(1, 2))
    con.tensorset("b3", f32(1, 2, 3))
    con.scriptexecute("s", "bar", inputs=["a", "a"], outputs=["c"])
    con.scriptexecute("s", "bar", inputs=["a", "a"], outputs=["c"])
    with pytest.raises(redis.ResponseError) as e:  # [2] + [3]: a TorchScript runtime error
        con.scriptexecute("s", "bar", inputs=["a", "b3"], outputs=["c"])
    assert err(e).startswith("The following operation failed in the TorchScript interpreter.")
    info = con.infoget("s")
    assert (info["type"], info["backend"], info["samples"]) == ("SCRIPT", "TORCH", -1)
    assert (info["calls"], info["errors"]) == (3, 1)
    assert isinstance(info["duration"], int) and info["duration"] > 0
    assert con.inforeset("s") == "OK"
    info = con.infoget("s")
    assert (info["duration"], info["samples"], info["calls"], info["errors"]) == (0, -1, 0, 0)


def test_infoget_counts_wrong_output_count_as_an_error(con):
    con.scriptstore("s", "CPU", SCRIPT, ["bar", "both"])
    con.tensorset("a", f32(1, 2))
    with pytest.raises(redis.ResponseError) as e:
        con.scriptexecute("s", "both", inputs=["a", "a"], outputs=["c"])
    assert err(e) == "Function returned unexpected number of outputs - both"
    info = con.infoget("s")
    assert (info["duration"], info["calls"], info["errors"]) == (0, 1, 1)


def test_script_calls_redis_execute(con):
    con.scriptstore("r", "CPU", REDIS_SCRIPT, ["int_set_get", "redis_error"])
    con.tensorset("t", f32(1))
    assert con.scriptexecute("r", "int_set_get", keys=["x"], args=["42"], outputs=["y"]) == "OK"
    y = con.tensorget("y")
    # torch.tensor(int) is an INT64 scalar.
    assert y.dtype == np.int64 and y.shape == ()
    assert int(y) == 42
    # The SET ran in the caller's database and stays.
    assert con.get("x") == b"42"
    assert con.scriptexecute("r", "int_set_get", keys=["x"], args=["-7"], outputs=["y"]) == "OK"
    assert int(con.tensorget("y")) == -7
    assert con.get("x") == b"-7"
    # A failing Redis command surfaces as a script error.
    with pytest.raises(redis.ResponseError) as e:
        con.scriptexecute("r", "redis_error", keys=["x"], inputs=["t"], outputs=["z"])
    assert "Redis command returned an error: " in err(e)
    assert "wrong number of arguments" in err(e)
    assert con.exists("z") == 0


# --- DAGs ------------------------------------------------------------------------


def _dagrun_scriptrun(dag, key, fn, inputs, outputs):
    """redisai-py's Dag has no scriptrun; append AI.SCRIPTRUN the way its own
    modelrun does (builder args, then `|>`, reply decoded)."""
    dag.commands.extend(builder.scriptrun(key, fn, inputs, outputs))
    dag.commands.append("|>")
    dag.result_processors.append(bytes.decode)
    return dag


def test_dag_deprecated_dagrun_path(con):
    con.modelstore("m", "TORCH", "CPU", blob("pt-minimal.pt"))
    with pytest.warns(DeprecationWarning, match="AI.DAGRUN"):
        dag = con.dag()
    assert dag.commands[0] == "AI.DAGRUN"
    dag.tensorset("a", f32(1, 2, 3))
    dag.tensorset("b", [4, 5, 6], dtype="float")
    with pytest.warns(DeprecationWarning):
        dag.modelrun("m", ["a", "b"], ["c"])
    dag.tensorget("c")
    dag.tensorget("c", as_numpy=False)
    res = dag.execute()
    assert res[:3] == ["OK", "OK", "OK"]
    np.testing.assert_array_equal(res[3], f32(5, 7, 9))
    assert res[4] == {"dtype": "FLOAT", "shape": [3], "values": [5.0, 7.0, 9.0]}
    # Nothing is persisted without PERSIST.
    assert con.exists("a", "b", "c") == 0
    # The client refuses MODELEXECUTE / SCRIPTEXECUTE in DAGRUN mode.
    with pytest.warns(DeprecationWarning):
        dag = con.dag()
    with pytest.raises(RuntimeError):
        dag.modelexecute("m", ["a", "b"], ["c"])
    with pytest.raises(RuntimeError):
        dag.scriptexecute("s", "bar", inputs=["a", "b"], outputs=["c"])


def test_dag_dagrun_with_scriptrun_and_ro(con):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        con.scriptset("l", "CPU", LEGACY)
        con.modelstore("m", "TORCH", "CPU", blob("pt-minimal.pt"))
        for readonly in (False, True):
            dag = con.dag(readonly=readonly)
            assert dag.commands[0] == ("AI.DAGRUN_RO" if readonly else "AI.DAGRUN")
            dag.tensorset("a", f32(1, 2))
            dag.tensorset("b", f32(10, 20))
            _dagrun_scriptrun(dag, "l", "bar", ["a", "b"], ["c"])
            dag.modelrun("m", ["c", "a"], ["d"])
            _dagrun_scriptrun(dag, "l", "swap", ["d", "c"], ["e", "f"])
            dag.tensorget("e")
            dag.tensorget("f")
            res = dag.execute()
            assert res[:5] == ["OK"] * 5
            np.testing.assert_array_equal(res[5], f32(11, 22))
            np.testing.assert_array_equal(res[6], f32(12, 24))
            assert con.exists("c", "d", "e", "f") == 0


def test_dag_dagexecute_path(con):
    con.modelstore("m", "TORCH", "CPU", blob("pt-minimal.pt"))
    con.scriptstore("s", "CPU", SCRIPT, ["bar", "scaled", "both"])
    con.tensorset("x", f32([1, 2], [3, 4]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # not the deprecated path
        dag = con.dag(load=["x"], persist=["out", "diff"], routing="x", timeout=10000)
    assert dag.commands[0] == "AI.DAGEXECUTE"
    dag.tensorset("a", f32([10, 20], [30, 40]))
    dag.modelexecute("m", inputs=["x", "a"], outputs=["y"])
    dag.scriptexecute("s", "scaled", keys=["x"], inputs=["y", "x"], args=["2", "5"], outputs=["out"])
    dag.scriptexecute("s", "both", inputs=["out", "y"], outputs=["sum", "diff"])
    dag.tensorget("y")
    dag.tensorget("out")
    dag.tensorget("diff", as_numpy=False)
    res = dag.execute()
    assert res[:4] == ["OK", "OK", "OK", "OK"]
    y = f32([11, 22], [33, 44])
    out = 2 * y + 5 * f32([1, 2], [3, 4])  # [[27, 54], [81, 108]]
    np.testing.assert_array_equal(res[4], y)
    np.testing.assert_array_equal(res[5], out)
    assert res[6] == {"dtype": "FLOAT", "shape": [2, 2], "values": [16.0, 32.0, 48.0, 64.0]}
    # Only PERSISTed names reach the keyspace.
    np.testing.assert_array_equal(con.tensorget("out"), f32([27, 54], [81, 108]))
    np.testing.assert_array_equal(con.tensorget("diff"), f32([16, 32], [48, 64]))
    assert con.exists("a", "y", "sum") == 0
    np.testing.assert_array_equal(con.tensorget("x"), f32([1, 2], [3, 4]))


def test_dag_dagexecute_failing_script_op_persists_nothing(con):
    con.scriptstore("s", "CPU", SCRIPT, ["bar", "both"])
    con.tensorset("x", f32(1, 2))
    dag = con.dag(load="x", persist="c")
    dag.enable_postprocess = False  # the client's bytes.decode cannot take an error element
    dag.scriptexecute("s", "bar", inputs=["x", "x"], outputs=["c"])
    dag.scriptexecute("s", "both", inputs=["c", "x"], outputs=["d"])
    dag.tensorget("d")
    res = dag.execute()
    assert len(res) == 3
    assert res[0] == b"OK"
    assert isinstance(res[1], redis.ResponseError)
    assert str(res[1]) == "Function returned unexpected number of outputs - both"
    assert res[2] == b"NA"
    assert con.exists("c") == 0
    # An input that was neither LOADed nor produced in the DAG.
    dag = con.dag(routing="x")
    dag.scriptexecute("s", "bar", inputs=["x", "x"], outputs=["c"])
    with pytest.raises(redis.ResponseError) as e:
        dag.execute()
    assert err(e) == "INPUT key cannot be found in DAG"


def test_dag_readonly_dagexecute_ro(con):
    con.modelstore("m", "TORCH", "CPU", blob("pt-minimal.pt"))
    con.scriptstore("s", "CPU", SCRIPT, "bar")
    con.tensorset("x", f32(1, 2))
    # Model ops are fine in AI.DAGEXECUTE_RO.
    ro = con.dag(load=["x"], readonly=True)
    assert ro.commands[0] == "AI.DAGEXECUTE_RO"
    ro.tensorset("a", f32(5, 6))
    ro.modelexecute("m", ["x", "a"], ["y"])
    ro.tensorget("y")
    res = ro.execute()
    assert res[:2] == ["OK", "OK"]
    np.testing.assert_array_equal(res[2], f32(6, 8))
    assert con.exists("y") == 0
    # The client refuses SCRIPTEXECUTE in a read-only DAG on its own...
    ro = con.dag(load=["x"], readonly=True)
    with pytest.raises(RuntimeError):
        ro.scriptexecute("s", "bar", inputs=["x", "x"], outputs=["z"])
    # ...and the server refuses it too (client check bypassed).
    ro = con.dag(load=["x"], readonly=True)
    ro.readonly = False
    ro.scriptexecute("s", "bar", inputs=["x", "x"], outputs=["z"])
    ro.tensorget("z")
    assert ro.commands[0] == "AI.DAGEXECUTE_RO"
    with pytest.raises(redis.ResponseError) as e:
        ro.execute()
    assert err(e) == "AI.SCRIPTEXECUTE command cannot be specified in a read-only DAG"
    # PERSIST in a read-only DAG is refused by the client.
    with pytest.raises(RuntimeError):
        con.dag(load=["x"], persist=["z"], readonly=True)


# --- pipelines -------------------------------------------------------------------


def test_pipeline_with_scripts(con):
    con.scriptstore("s", "CPU", SCRIPT, ["bar", "both"])
    con.modelstore("m", "TORCH", "CPU", blob("pt-minimal.pt"))
    pipe = con.pipeline(transaction=False)
    pipe.tensorset("a", f32(1, 2))
    pipe.tensorset("b", np.array([3, 4], dtype=F32))
    # redisai-py's Pipeline only wraps tensorset/tensorget; the rest goes
    # through execute_command with the client's own builder.
    pipe.execute_command(*builder.scriptexecute("s", "both", None, ["a", "b"], None, ["s1", "d1"], None))
    pipe.execute_command(*builder.modelexecute("m", ["s1", "d1"], ["m1"], None))
    pipe.tensorget("s1")
    pipe.tensorget("d1")
    pipe.tensorget("m1", as_numpy=False)
    pipe.set("plain", "1")
    res = pipe.execute()
    assert res[0] in (b"OK", "OK") and res[1] in (b"OK", "OK")
    assert res[2] == b"OK" and res[3] == b"OK"
    np.testing.assert_array_equal(res[4], f32(4, 6))
    np.testing.assert_array_equal(res[5], f32(-2, -2))
    assert res[6] == {"dtype": "FLOAT", "shape": [2], "values": [2.0, 4.0]}
    assert res[7] is True


def test_transactional_pipeline_refuses_script_execution(con):
    con.scriptstore("s", "CPU", SCRIPT, "bar")
    con.tensorset("a", f32(1, 2))
    pipe = con.pipeline()  # MULTI/EXEC
    pipe.execute_command(*builder.scriptexecute("s", "bar", None, ["a", "a"], None, ["c"], None))
    with pytest.raises(redis.ResponseError) as e:
        pipe.execute()
    assert "Cannot run RedisAI command within a transaction or a LUA script" in err(e)
    assert con.exists("c") == 0
