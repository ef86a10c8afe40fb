"""Mixed-slot commands get Redis's own CROSSSLOT error, from every primary:
the module declares every key of AI.MODELEXECUTE, AI.SCRIPTEXECUTE, the DAG
commands and AI.VADD/AI.VSIM through getkeys-api (src/lib.rs, Keys::Dynamic),
and Redis checks the slots before it routes or runs the command.

The commands go over a plain connection to each primary, so redis-py's own
client-side slot check does not hide the server's reply."""
import pytest
import redis

A, B = "{a}", "{b}"  # slots 15495 and 3300: different primaries

CROSS = {
    "modelexecute_inputs": ["AI.MODELEXECUTE", f"{A}m", "INPUTS", 2, f"{A}x", f"{B}y", "OUTPUTS", 1, f"{A}z"],
    "modelexecute_output": ["AI.MODELEXECUTE", f"{A}m", "INPUTS", 1, f"{A}x", "OUTPUTS", 1, f"{B}z"],
    "modelexecute_model": ["AI.MODELEXECUTE", f"{B}m", "INPUTS", 1, f"{A}x", "OUTPUTS", 1, f"{A}z"],
    "modelrun": ["AI.MODELRUN", f"{A}m", "INPUTS", f"{A}x", f"{B}y", "OUTPUTS", f"{A}z"],
    "scriptexecute_keys": ["AI.SCRIPTEXECUTE", f"{A}s", "f", "KEYS", 2, f"{A}k", f"{B}k", "INPUTS", 1, f"{A}x"],
    "scriptexecute_inputs": ["AI.SCRIPTEXECUTE", f"{A}s", "f", "INPUTS", 2, f"{A}x", f"{B}y"],
    "scriptexecute_outputs": ["AI.SCRIPTEXECUTE", f"{A}s", "f", "INPUTS", 1, f"{A}x", "OUTPUTS", 1, f"{B}y"],
    "scriptexecute_after_args": ["AI.SCRIPTEXECUTE", f"{A}s", "f", "INPUTS", 1, f"{A}x", "ARGS", 1, f"{A}v", "KEYS", 1, f"{B}k"],
    "scriptexecute_timeout_first": ["AI.SCRIPTEXECUTE", f"{A}s", "f", "TIMEOUT", 5, "KEYS", 1, f"{B}k", "INPUTS", 1, f"{A}x"],
    "scriptrun": ["AI.SCRIPTRUN", f"{A}s", "f", "INPUTS", f"{A}x", f"{B}y", "OUTPUTS", f"{A}z"],
    "dag_load": ["AI.DAGEXECUTE", "LOAD", 2, f"{A}x", f"{B}y", "|>", "AI.TENSORGET", f"{A}x", "VALUES"],
    "dag_load_persist": ["AI.DAGEXECUTE", "load", 1, f"{A}x", "persist", 1, f"{B}y", "|>", "AI.TENSORGET", f"{A}x", "VALUES"],
    "dag_routing_persist": ["AI.DAGEXECUTE", "ROUTING", A, "PERSIST", 1, f"{B}q", "|>", "AI.TENSORSET", f"{B}q", "FLOAT", 1, "VALUES", 1],
    "dag_timeout_load_routing": ["AI.DAGEXECUTE", "TIMEOUT", 5, "LOAD", 1, f"{A}x", "ROUTING", B, "|>", "AI.TENSORGET", f"{A}x", "VALUES"],
    "dag_op_model": ["AI.DAGEXECUTE", "ROUTING", A, "|>", "AI.MODELEXECUTE", f"{B}m", "INPUTS", 1, "x", "OUTPUTS", 1, "y"],
    "dag_op_script_keys": ["AI.DAGEXECUTE", "ROUTING", A, "|>", "AI.TENSORSET", "t", "FLOAT", 1, "VALUES", 1,
                           "|>", "AI.SCRIPTEXECUTE", f"{A}s", "f", "KEYS", 1, f"{B}k", "INPUTS", 1, "t"],
    "dag_op_vsim": ["AI.DAGEXECUTE", "ROUTING", A, "|>", "AI.VSIM", f"{B}v", "TENSOR", "q", "COUNT", 1, "OUTPUTS", 2, "i", "s"],
    "dag_ro_op_script": ["AI.DAGEXECUTE_RO", "LOAD", 1, f"{A}x", "|>", "AI.SCRIPTEXECUTE", f"{B}s", "f", "INPUTS", 1, "x", "OUTPUTS", 1, "y"],
    "dagrun": ["AI.DAGRUN", "LOAD", 2, f"{A}x", f"{B}y", "|>", "AI.TENSORGET", f"{A}x", "VALUES"],
    "dagrun_ro": ["AI.DAGRUN_RO", "LOAD", 2, f"{A}x", f"{B}y", "|>", "AI.TENSORGET", f"{A}x", "VALUES"],
    "vadd_tensor": ["AI.VADD", f"{A}v", "TENSOR", f"{B}t", "e"],
    "vsim_tensor": ["AI.VSIM", f"{A}v", "TENSOR", f"{B}t", "COUNT", 1],
}

# The same commands with every key in one slot: no CROSSSLOT (they run, or
# are MOVED to the slot's primary, or fail on a missing key).
SAME = {name: [a.replace(B, A) if isinstance(a, str) else a for a in args] for name, args in CROSS.items()}


@pytest.fixture(scope="module")
def primaries(cluster):
    conns = []
    for p in cluster.ports:
        c = redis.Redis(port=p, socket_timeout=30)
        if c.execute_command("ROLE")[0] in (b"master", "master"):
            conns.append(c)
        else:
            c.close()
    assert len(conns) == 3
    yield conns
    for c in conns:
        c.close()


@pytest.mark.parametrize("name", sorted(CROSS))
def test_crossslot(primaries, name):
    for c in primaries:
        # redis-py maps a reply starting "CROSSSLOT" to ClusterCrossSlotError.
        with pytest.raises(redis.exceptions.ClusterCrossSlotError):
            c.execute_command(*CROSS[name])


@pytest.mark.parametrize("name", sorted(SAME))
def test_same_slot_is_not_crossslot(primaries, name):
    for c in primaries:
        try:
            c.execute_command(*SAME[name])
        except redis.exceptions.ClusterCrossSlotError:
            pytest.fail(f"{name}: CROSSSLOT with every key in one slot")
        except redis.exceptions.ResponseError:
            pass


def test_getkeys_lists_every_key(primaries):
    """COMMAND GETKEYS (what Redis and cluster clients see) lists every key."""
    c = primaries[0]
    keys = c.command_getkeys(*CROSS["dag_op_script_keys"])
    assert sorted(keys) == sorted([A, f"{A}s", f"{B}k"])
    keys = c.command_getkeys(*CROSS["modelexecute_inputs"])
    assert list(keys) == [f"{A}m", f"{A}x", f"{B}y", f"{A}z"]


def test_redis_py_refuses_cross_slot_before_sending(rc):
    """RedisCluster asks COMMAND GETKEYS for a module command's keys and
    refuses a mixed-slot one itself, before it reaches a primary."""
    with pytest.raises(redis.exceptions.RedisClusterException) as e:
        rc.execute_command(*CROSS["dag_load"])
    assert "slot" in str(e.value).lower()


INCR_SCRIPT = (
    "def inc(tensors: List[Tensor], keys: List[str], args: List[str]):\n"
    "    redis.execute('INCR', [args[0]])\n"
    "    return tensors[0]\n"
)


def owner_conn(cluster, rc, key):
    return redis.Redis(port=rc.get_node_from_key(key).port, socket_timeout=30)


def run_incr(cluster, rc, target):
    """AI.SCRIPTEXECUTE on slot {a}, whose script INCRs `target`, a key it
    did not declare in KEYS (passed in ARGS)."""
    rc.execute_command("AI.SCRIPTSTORE", f"{A}inc", "CPU", "ENTRY_POINTS", 1, "inc", "SOURCE", INCR_SCRIPT)
    rc.execute_command("AI.TENSORSET", f"{A}x", "FLOAT", 1, "VALUES", 1)
    with owner_conn(cluster, rc, A) as c:
        return c.execute_command("AI.SCRIPTEXECUTE", f"{A}inc", "inc", "INPUTS", 1, f"{A}x",
                                 "ARGS", 1, target, "OUTPUTS", 1, f"{A}y")


CROSS_SLOT_TEXT = "Script attempted to access keys that do not hash to the same slot"


def test_script_redis_execute_on_another_nodes_key_is_refused(cluster, rc):
    """redis.execute cannot reach a key whose slot another primary serves,
    and nothing is written anywhere."""
    rc.delete(f"{B}c")
    assert rc.get_node_from_key(f"{B}c").port != rc.get_node_from_key(A).port
    with pytest.raises(redis.exceptions.ResponseError) as e:
        run_incr(cluster, rc, f"{B}c")
    assert CROSS_SLOT_TEXT in str(e.value)
    assert rc.exists(f"{B}c") == 0


def same_node_other_slot(rc):
    here = rc.get_node_from_key(A).port
    return next(f"k{i}" for i in range(10000)
                if rc.keyslot(f"k{i}") != rc.keyslot(A) and rc.get_node_from_key(f"k{i}").port == here)


def test_script_redis_execute_undeclared_slot_on_same_node_is_refused(cluster, rc):
    """Regression: redis.execute wrote an undeclared key in another slot of
    the same node (RedisModule_Call checks only that the node serves the
    slot); Lua refuses it, and so do we now (src/ffi/script_call.rs,
    check_slot)."""
    other = same_node_other_slot(rc)
    rc.delete(other)
    with pytest.raises(redis.exceptions.ResponseError) as e:
        run_incr(cluster, rc, other)
    assert CROSS_SLOT_TEXT in str(e.value)
    assert rc.exists(other) == 0
    # A key in the script's own slot, declared or not, is fine.
    rc.delete(f"{A}c")
    run_incr(cluster, rc, f"{A}c")
    assert int(rc.get(f"{A}c")) == 1


def test_dag_script_op_redis_execute_undeclared_slot_is_refused(cluster, rc):
    """The same check for a script op inside a DAG (ROUTING pins the slot)."""
    other = same_node_other_slot(rc)
    rc.delete(other)
    rc.execute_command("AI.SCRIPTSTORE", f"{A}inc", "CPU", "ENTRY_POINTS", 1, "inc", "SOURCE", INCR_SCRIPT)
    with owner_conn(cluster, rc, A) as c:
        reply = c.execute_command("AI.DAGEXECUTE", "ROUTING", A,
                                  "|>", "AI.TENSORSET", "t", "FLOAT", 1, "VALUES", 1,
                                  "|>", "AI.SCRIPTEXECUTE", f"{A}inc", "inc", "INPUTS", 1, "t",
                                  "ARGS", 1, other, "OUTPUTS", 1, "u")
        # The op's error is its element of the DAG's reply.
        assert isinstance(reply[-1], redis.exceptions.ResponseError), reply
        assert CROSS_SLOT_TEXT in str(reply[-1])
    assert rc.exists(other) == 0
