"""FT indexes and vector sets over the cluster, and the cross-shard search
helper (clients/python/redisai_cluster.py): its top-K equals a single-node
index built from the same data, with exact search on both sides (FLAT /
TRUTH) and with HNSW at a high EF."""
import numpy as np
import pytest
import redis

import redisai_cluster as rac
from harness import Server

DIM, N, K, QUERIES = 16, 1000, 10, 20
SCHEMA = ["SCHEMA", "tag", "TAG",
          "v", "VECTOR", "FLAT", 6, "TYPE", "FLOAT32", "DIM", DIM, "DISTANCE_METRIC", "L2",
          "h", "VECTOR", "HNSW", 8, "TYPE", "FLOAT32", "DIM", DIM, "DISTANCE_METRIC", "COSINE",
          "EF_CONSTRUCTION", 400]
INDEX = ["FT.CREATE", "cidx", "ON", "HASH", "PREFIX", 1, "doc:"] + SCHEMA


def data():
    rng = np.random.default_rng(2026)
    X = rng.standard_normal((N, DIM)).astype(np.float32)
    Q = rng.standard_normal((QUERIES, DIM)).astype(np.float32)
    return X, Q


def s(x):
    return x.decode() if isinstance(x, bytes) else x


@pytest.fixture(scope="module")
def loaded(cluster):
    X, Q = data()
    rc = cluster.client()
    rac.on_every_primary(rc, *INDEX)
    pipe = rc.pipeline(transaction=False)
    for i, v in enumerate(X):
        pipe.hset(f"doc:{i}", mapping={"v": v.tobytes(), "h": v.tobytes(), "tag": "even" if i % 2 == 0 else "odd"})
    pipe.execute()
    vs = rac.ShardedVectorSet(rc, "vs", shards=16, metric="COSINE")
    for i, v in enumerate(X):
        vs.add(f"e{i}", v.tolist(), "EF", 400)
    single = Server()
    r1 = redis.Redis(port=single.port, socket_timeout=60, protocol=2)
    r1.execute_command(*INDEX)
    p1 = r1.pipeline(transaction=False)
    for i, v in enumerate(X):
        p1.hset(f"doc:{i}", mapping={"v": v.tobytes(), "h": v.tobytes(), "tag": "even" if i % 2 == 0 else "odd"})
        p1.execute_command("AI.VADD", "vs", "VALUES", DIM, *v.tolist(), f"e{i}", "METRIC", "COSINE", "EF", 400)
    p1.execute()
    yield rc, r1, vs, X, Q
    r1.close()
    single.stop()
    rc.close()


def test_index_on_every_primary_and_docs_spread(loaded, cluster):
    rc = loaded[0]
    counts = []
    for c in rac.primaries(rc):
        assert b"cidx" in c.execute_command("FT._LIST")
        info = c.ft("cidx").info()  # a plain client: this primary's index
        counts.append(int(s(info["num_docs"])))
    assert sum(counts) == N
    assert all(0 < n < N for n in counts), counts  # every shard holds some


def test_redis_py_ft_goes_to_one_primary(loaded):
    """redis-py sends FT.* to ONE random primary (keyless policy): the
    result covers that shard only. Hence the helper."""
    rc = loaded[0]
    total = rc.ft("cidx").search("@tag:{even|odd}").total
    assert 0 < total < N


def ids_single(r1, q, field, ef=None):
    ef_q = " EF_RUNTIME $ef" if ef else ""
    params = ["vec", q.tobytes()] + (["ef", ef] if ef else [])
    reply = r1.execute_command("FT.SEARCH", "cidx", f"(*)=>[KNN {K} @{field} $vec{ef_q} AS __dist]",
                               "PARAMS", len(params), *params, "SORTBY", "__dist", "ASC",
                               "LIMIT", 0, K, "RETURN", 1, "__dist", "DIALECT", 2)
    return [s(k) for k in reply[1::2]]


def exact_l2(X, q):
    return [f"doc:{i}" for i in np.argsort(((X - q) ** 2).sum(axis=1), kind="stable")[:K]]


@pytest.mark.parametrize("field,ef", [("v", None), ("h", 1000)], ids=["flat-l2", "hnsw-cosine-ef1000"])
def test_ft_knn_helper_equals_single_node(loaded, rc, field, ef):
    _, r1, _, X, Q = loaded
    recall = []
    for q in Q:
        got = rac.ft_knn(rc, "cidx", field, q.tobytes(), K, ef_runtime=ef)
        want = ids_single(r1, q, field, ef)
        assert [h.key for h in got] == want
        assert all(a.distance <= b.distance for a, b in zip(got, got[1:]))
        if field == "v":
            assert want == exact_l2(X, q)
        recall.append(len({h.key for h in got} & set(want)) / K)
    print(f"FT.SEARCH KNN {field}: recall@{K} vs single node = {np.mean(recall):.3f} over {len(Q)} queries")


def test_ft_knn_helper_with_filter_and_fields(loaded, rc):
    _, r1, _, X, Q = loaded
    got = rac.ft_knn(rc, "cidx", "v", Q[0].tobytes(), K, filter="@tag:{even}", return_fields=["tag"])
    assert len(got) == K and all(h.fields["tag"] == "even" for h in got)
    even = X[0::2]
    want = [f"doc:{2 * i}" for i in np.argsort(((even - Q[0]) ** 2).sum(axis=1), kind="stable")[:K]]
    assert [h.key for h in got] == want


@pytest.mark.parametrize("mode", ["truth", "ef1000"])
def test_vsim_helper_equals_single_node(loaded, rc, mode):
    _, r1, vs, X, Q = loaded
    vs = rac.ShardedVectorSet(rc, vs.name, shards=vs.shards, metric=vs.metric)
    owners = {rc.get_node_from_key(k).port for k in vs.keys}
    assert owners == {n.port for n in rc.get_primaries()}, "shards must span every primary"
    recall = []
    for q in Q:
        kw = {"truth": True} if mode == "truth" else {"ef": 1000}
        got = vs.search(q.tolist(), K, **kw)
        args = ["TRUTH"] if mode == "truth" else ["EF", 1000]
        reply = r1.execute_command("AI.VSIM", "vs", "VALUES", DIM, *q.tolist(), "COUNT", K, "WITHSCORES", *args)
        want = [s(e) for e in reply[0::2]]
        assert [e for e, _ in got] == want
        assert all(a[1] >= b[1] for a, b in zip(got, got[1:]))  # COSINE: higher is closer
        recall.append(len({e for e, _ in got} & set(want)) / K)
    print(f"AI.VSIM {mode}: recall@{K} vs single node = {np.mean(recall):.3f} over {len(Q)} queries")
