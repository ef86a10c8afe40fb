"""KNN and VECTOR_RANGE answers equal an exact numpy search over the filtered
set, for every metric and vector type, FLAT and HNSW (a high EF_RUNTIME on a
small set), under TAG/NUMERIC/TEXT pre-filters, in RESP2 and RESP3.

Distances are recomputed here in float64 from the vectors as stored (rounded
to the field's type), and compared with a tolerance set by that type
(fthelp.rel_tol)."""
import numpy as np
import pytest
import redis
from redis.commands.search.query import Query

from fthelp import (
    FILTERS, rel_tol, assert_knn, blob, cast, dist_scale, distances, hits, knn_query,
    make_docs,
)
from harness import Server

DIM = 8
N = 120
K = 7
DOCS = make_docs(N, DIM, seed=2024)
QUERIES = np.random.default_rng(5).normal(size=(3, DIM))


@pytest.fixture(scope="module")
def srv():
    s = Server()
    yield s
    s.stop()


@pytest.fixture(params=[2, 3], ids=["resp2", "resp3"])
def rc(srv, request):
    c = redis.Redis(port=srv.port, protocol=request.param, socket_timeout=60)
    yield c
    c.close()


def build(rc, alg, metric, vtype):
    name = f"ex_{alg}_{metric}_{vtype}".lower()
    attrs = {"TYPE": vtype, "DIM": DIM, "DISTANCE_METRIC": metric}
    if alg == "HNSW":
        attrs.update({"M": 8, "EF_CONSTRUCTION": 200, "EF_RUNTIME": 400})
    if name.encode() not in [bytes(x) for x in rc.execute_command("FT._LIST")]:
        args = ["FT.CREATE", name, "ON", "HASH", "PREFIX", 1, f"{name}:", "SCHEMA",
                "t", "TEXT", "tag", "TAG", "n", "NUMERIC", "v", "VECTOR", alg, 2 * len(attrs)]
        for k, v in attrs.items():
            args += [k, v]
        rc.execute_command(*args)
        p = rc.pipeline(transaction=False)
        for d in DOCS:
            p.hset(f"{name}:{d['i']}", mapping={"t": d["t"], "tag": d["tag"], "n": d["n"],
                                                "v": blob(d["vec"], vtype)})
        p.execute()
    return name


COMBOS = [(alg, metric, vtype)
          for alg in ("FLAT", "HNSW")
          for metric in ("L2", "IP", "COSINE")
          for vtype in ("FLOAT32", "FLOAT64", "FLOAT16", "BFLOAT16")]


@pytest.mark.parametrize("alg,metric,vtype", COMBOS, ids=["-".join(c) for c in COMBOS])
def test_knn_exact(rc, alg, metric, vtype):
    name = build(rc, alg, metric, vtype)
    X = np.array([cast(d["vec"], vtype) for d in DOCS])
    for q in QUERIES:
        qc = cast(q, vtype)
        dist = distances(metric, qc, X)
        tol = rel_tol(metric, vtype) * dist_scale(metric, qc, X) + 1e-9
        for filt, pred in FILTERS:
            sel = [d["i"] for d in DOCS if pred(d)]
            query = Query(knn_query(filt, K)).return_fields("dist").sort_by("dist").paging(0, K).dialect(2)
            res = hits(rc.ft(name).search(query, query_params={"vec": blob(q, vtype)}))
            assert res.total == min(K, len(sel)), (filt, res.total)
            got_ids = [int(i.split(":")[1]) for i in res.ids]
            got_d = [float(d["dist"]) for d in res.docs]
            try:
                assert_knn(got_ids, got_d, sel, dist[sel], K, tol[sel])
            except AssertionError as e:
                raise AssertionError(f"{name} filter {filt!r}: {e}") from None


@pytest.mark.parametrize("alg,metric,vtype", COMBOS, ids=["-".join(c) for c in COMBOS])
def test_range_exact(rc, alg, metric, vtype):
    name = build(rc, alg, metric, vtype)
    X = np.array([cast(d["vec"], vtype) for d in DOCS])
    q = QUERIES[0]
    qc = cast(q, vtype)
    dist = distances(metric, qc, X)
    tol = rel_tol(metric, vtype) * dist_scale(metric, qc, X) + 1e-9
    srt = np.sort(dist)
    # A radius in the middle of the widest gap between 15 and N-15 docs (and
    # past 0: a negative radius is an error, and IP distances go below 0), so
    # that which documents are inside does not depend on rounding.
    order = np.argsort(dist)
    cands = [j for j in range(15, N - 15) if srt[j] > 0]
    j = max(cands, key=lambda j: srt[j + 1] - srt[j])
    assert srt[j + 1] - srt[j] > tol[order[j]] + tol[order[j + 1]], "test data: no clear gap"
    radius = float((srt[j] + srt[j + 1]) / 2)
    for filt, pred in FILTERS:
        sel = [d["i"] for d in DOCS if pred(d) and dist[d["i"]] <= radius]
        rng = "@v:[VECTOR_RANGE $r $vec]=>{$YIELD_DISTANCE_AS: dist}"
        qs = rng if filt == "*" else f"{rng} ({filt})"
        query = Query(qs).return_fields("dist").sort_by("dist").paging(0, N).dialect(2)
        res = hits(rc.ft(name).search(query, query_params={"vec": blob(q, vtype), "r": radius}))
        assert res.total == len(sel), (name, filt, res.total, len(sel))
        got_ids = [int(i.split(":")[1]) for i in res.ids]
        got_d = [float(d["dist"]) for d in res.docs]
        try:
            assert_knn(got_ids, got_d, sel, dist[sel], N, tol[sel])
        except AssertionError as e:
            raise AssertionError(f"{name} range filter {filt!r}: {e}") from None
