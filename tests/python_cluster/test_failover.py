"""Failover: writes acknowledged with WAIT 1 survive kill -9 of their primary.

A writer thread stores tensors, vector-set elements and FT-indexed hashes on
one primary's slots, each batch followed by WAIT 1 on the same connection
(a pipeline), and records the batches a replica acknowledged. The primary is
killed with kill -9 while the writer runs; its replica must be promoted
within the deadline, and every acknowledged write must be on the new
primary, served by AI.TENSORGET, AI.VSIM/AI.VEMB and FT.SEARCH.

Short form: one failover, about 300 writes of each kind. Long form
(REDISAI_CLUSTER_LONG=1): 3 failovers, each killed node restarted as a
replica before the next, about 3000 writes of each kind per round.
"""
import os
import signal
import subprocess
import threading
import time

import numpy as np
import pytest
import redis

import redisai_cluster as rac
from clusterlib import LONG, ROOT, Cluster

ROUNDS = 3 if LONG else 1
WRITES = 3000 if LONG else 300
BATCH = 10
DIM = 8
PROMOTE_DEADLINE = 30.0
WAIT_MS = 2000


def vec(i):
    return np.random.default_rng(i).standard_normal(DIM).astype(np.float32)


def s(x):
    return x.decode() if isinstance(x, bytes) else x


@pytest.fixture(scope="module")
def fcluster():
    c = Cluster(node_timeout_ms=1000)
    yield c
    c.stop()


def cluster_state_ok(port):
    with redis.Redis(port=port, socket_timeout=2) as c:
        return b"cluster_state:ok" in c.execute_command("CLUSTER", "INFO")


def role(port):
    try:
        with redis.Redis(port=port, socket_timeout=2) as c:
            return c.execute_command("ROLE")
    except redis.exceptions.RedisError:
        return None


def owned_tags(rc, port, n=8):
    """Hash tags whose slots the primary on `port` serves."""
    tags = [f"fo{i}" for i in range(2000)]
    return [t for t in tags if rc.get_node_from_key("{" + t + "}").port == port][:n]


class Writer(threading.Thread):
    """Writes batches to one primary, each closed by WAIT 1; `acked` holds
    the indexes of writes a replica acknowledged."""

    def __init__(self, port, tags, start, count):
        super().__init__(daemon=True)
        self.port, self.tags, self.start_i, self.count = port, tags, start, count
        self.acked, self.sent, self.unacked_batches = [], 0, 0
        self.error = None
        self.enough = threading.Event()  # set once half the writes are acked

    def run(self):
        c = redis.Redis(port=self.port, socket_timeout=5, protocol=2)
        try:
            for b in range(self.start_i, self.start_i + self.count, BATCH):
                pipe = c.pipeline(transaction=False)
                idx = list(range(b, min(b + BATCH, self.start_i + self.count)))
                for i in idx:
                    tag = self.tags[i % len(self.tags)]
                    v = vec(i)
                    pipe.execute_command("AI.TENSORSET", f"t:{{{tag}}}:{i}", "FLOAT", 2, "VALUES", i, i + 0.5)
                    pipe.execute_command("AI.VADD", f"vs:{{{tag}}}", "VALUES", DIM, *v.tolist(), f"e{i}")
                    pipe.hset(f"doc:{{{tag}}}:{i}", mapping={"v": v.tobytes(), "n": i})
                pipe.execute_command("WAIT", 1, WAIT_MS)
                self.sent += len(idx)
                replies = pipe.execute()
                if int(replies[-1]) >= 1:
                    self.acked.extend(idx)
                else:
                    self.unacked_batches += 1
                if len(self.acked) >= self.count // 2:
                    self.enough.set()
        except (redis.exceptions.RedisError, OSError) as e:
            self.error = e  # the primary died under us: expected
        finally:
            self.enough.set()
            c.close()


def check_acked(port, tags, acked):
    """Every acknowledged write, read back from the node on `port`."""
    c = redis.Redis(port=port, socket_timeout=30, protocol=2)
    missing = []
    for i in acked:
        tag = tags[i % len(tags)]
        t = c.execute_command("AI.TENSORGET", f"t:{{{tag}}}:{i}", "VALUES") if c.exists(f"t:{{{tag}}}:{i}") else None
        if t is None or [float(x) for x in t] != [i, i + 0.5]:
            missing.append(("tensor", i))
        emb = c.execute_command("AI.VEMB", f"vs:{{{tag}}}", f"e{i}") \
            if c.execute_command("AI.VISMEMBER", f"vs:{{{tag}}}", f"e{i}") else None
        if emb is None or not np.allclose([float(x) for x in emb], vec(i), atol=1e-6):
            missing.append(("vector", i))
        if not c.exists(f"doc:{{{tag}}}:{i}"):
            missing.append(("hash", i))
    # The new primary serves similarity search and FT.SEARCH over them.
    for i in acked[:20]:
        tag = tags[i % len(tags)]
        got = c.execute_command("AI.VSIM", f"vs:{{{tag}}}", "VALUES", DIM, *vec(i).tolist(), "COUNT", 1, "TRUTH")
        assert [s(x) for x in got] == [f"e{i}"]
    n_docs = int(s(c.ft("fidx").info()["num_docs"]))
    assert n_docs >= len(acked)
    q = vec(acked[0]).tobytes()
    hits = c.execute_command("FT.SEARCH", "fidx", "(*)=>[KNN 1 @v $q AS d]", "PARAMS", 2, "q", q,
                             "RETURN", 1, "d", "DIALECT", 2)
    tag = tags[acked[0] % len(tags)]
    assert s(hits[1]) == f"doc:{{{tag}}}:{acked[0]}"
    c.close()
    return missing


def test_acknowledged_writes_survive_failover(fcluster):
    rc = fcluster.client()
    rac.on_every_primary(rc, "FT.CREATE", "fidx", "ON", "HASH", "PREFIX", 1, "doc:", "SCHEMA",
                         "v", "VECTOR", "FLAT", 6, "TYPE", "FLOAT32", "DIM", DIM, "DISTANCE_METRIC", "L2",
                         "n", "NUMERIC")
    rc.close()
    report = []
    start = 0
    for rnd in range(ROUNDS):
        rc = fcluster.client()
        victim = sorted(n.port for n in rc.get_primaries())[rnd % 3]
        tags = owned_tags(rc, victim)
        rc.close()
        r = role(victim)
        replicas = [int(x[1]) for x in r[2]]
        assert replicas, f"primary {victim} has no replica"

        w = Writer(victim, tags, start, WRITES)
        w.start()
        assert w.enough.wait(120), "the writer did not get half its writes acknowledged"
        t_kill = time.monotonic()
        os.kill(fcluster.pid(victim), signal.SIGKILL)
        w.join(60)
        assert not w.is_alive()

        promoted, end = None, t_kill + PROMOTE_DEADLINE
        while promoted is None and time.monotonic() < end:
            for p in replicas:
                r = role(p)
                if r and s(r[0]) == "master":
                    promoted = p
            time.sleep(0.05)
        assert promoted, f"no replica of {victim} promoted within {PROMOTE_DEADLINE}s"
        t_promoted = time.monotonic() - t_kill
        while True:  # the cluster sees it too
            if cluster_state_ok(promoted):
                break
            assert time.monotonic() < end, "cluster_state not ok after the promotion"
            time.sleep(0.05)

        missing = check_acked(promoted, tags, w.acked)
        line = (f"round {rnd + 1}: killed primary {victim}, replica {promoted} promoted in "
                f"{t_promoted:.2f}s; writes sent {w.sent} x3 (tensor, vector, hash), "
                f"acknowledged by WAIT 1: {len(w.acked)} x3, lost: {len(missing)}")
        print(line)
        report.append(line)
        assert missing == [], f"acknowledged writes lost: {missing[:10]} ({len(missing)} in all)"

        # Through the cluster client as well: routed to the new primary.
        rc = fcluster.client()
        i = w.acked[-1]
        key = f"t:{{{tags[i % len(tags)]}}}:{i}"
        assert rc.get_node_from_key(key).port == promoted
        assert [float(x) for x in rc.execute_command("AI.TENSORGET", key, "VALUES")] == [i, i + 0.5]
        rc.close()

        if rnd + 1 < ROUNDS:  # the killed node comes back as a replica
            subprocess.run([str(ROOT / "scripts" / "cluster"), "restart", str(victim)],
                           env=fcluster.env, check=True, capture_output=True, timeout=60)
            end = time.monotonic() + 60
            while True:
                r = role(victim)
                if r and s(r[0]) == "slave" and s(r[3]) == "connected":
                    break
                assert time.monotonic() < end, f"{victim} did not rejoin as a replica"
                time.sleep(0.1)
        start += WRITES
