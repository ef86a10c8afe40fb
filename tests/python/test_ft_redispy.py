"""FT.* through redis-py 8's ft() helpers, in RESP2 and RESP3 (the `r`
fixture), against expectations computed here with numpy."""
import time

import numpy as np
import pytest
import redis
from redis.commands.search.aggregation import AggregateRequest, Asc, Desc
from redis.commands.search.field import NumericField, TagField, TextField, VectorField
from redis.commands.search.index_definition import IndexDefinition, IndexType
from redis.commands.search.query import Query

from fthelp import (
    agg_rows, blob, cast, distances, ft_list, has_phrase, hits, info_dict, make_docs,
    raw_info, tokens, wait_indexed,
)

DIM = 8
N = 60
DOCS = make_docs(N, DIM, seed=7)
VECS = np.array([cast(d["vec"]) for d in DOCS])
Q = np.random.default_rng(99).normal(size=DIM)
QB = blob(Q)


def key(i):
    return f"doc:{i}"


def fields():
    return [
        TextField("t"),
        TagField("tag"),
        NumericField("n", sortable=True),
        VectorField("v", "FLAT", {"TYPE": "FLOAT32", "DIM": DIM, "DISTANCE_METRIC": "L2"}),
        VectorField("vh", "HNSW", {"TYPE": "FLOAT32", "DIM": DIM, "DISTANCE_METRIC": "COSINE",
                                   "M": 16, "EF_CONSTRUCTION": 200, "EF_RUNTIME": 200}),
    ]


def load(r, docs=DOCS):
    p = r.pipeline(transaction=False)
    for d in docs:
        m = {"t": d["t"], "tag": d["tag"], "n": d["n"], "v": blob(d["vec"]), "vh": blob(d["vec"])}
        if d["i"] % 2 == 0:
            m["extra"] = f"x{d['i']}"  # not in the schema; only even docs have it
        p.hset(key(d["i"]), mapping=m)
    p.execute()


def create(r, name="idx", prefix="doc:"):
    r.ft(name).create_index(
        fields(), definition=IndexDefinition(prefix=[prefix], index_type=IndexType.HASH))


@pytest.fixture
def idx(r):
    create(r)
    load(r)
    return r.ft("idx")


def ids_where(pred):
    return {key(d["i"]) for d in DOCS if pred(d)}


def knn_expect(pred, k, metric="L2"):
    sel = [d["i"] for d in DOCS if pred(d)]
    dist = distances(metric, cast(Q), VECS[sel])
    order = np.lexsort((sel, dist))[:k]
    return [key(sel[j]) for j in order], [float(dist[j]) for j in order]


# ── FT.CREATE / FT.INFO / FT._LIST ────────────────────────────────────────

def test_info_shape(r, idx):
    # protocol=3 gives the raw map (bytes keys); RESP2 and legacy parse to str.
    norm = info_dict(idx.info())
    for k in ("index_name", "index_definition", "attributes", "num_docs"):
        assert k in norm, f"{k} missing from FT.INFO: {sorted(norm)}"
    assert norm["index_name"] == "idx"
    assert str(norm["index_definition"]["key_type"]).upper() == "HASH"
    assert list(norm["index_definition"]["prefixes"]) == ["doc:"]
    assert int(norm["num_docs"]) == N
    attrs = {a["identifier"]: a for a in norm["attributes"]}
    assert set(attrs) == {"t", "tag", "n", "v", "vh"}
    for name, typ in [("t", "TEXT"), ("tag", "TAG"), ("n", "NUMERIC"), ("v", "VECTOR"), ("vh", "VECTOR")]:
        assert attrs[name]["attribute"] == name and attrs[name]["type"] == typ
    assert float(attrs["t"]["WEIGHT"]) == 1.0
    assert attrs["tag"]["SEPARATOR"] == ","
    assert "SORTABLE" in attrs["n"]["flags"]
    v = attrs["v"]
    assert (v["algorithm"], v["data_type"], int(v["dim"]), v["distance_metric"]) == ("FLAT", "FLOAT32", DIM, "L2")
    h = {k.lower(): val for k, val in attrs["vh"].items()}
    assert (h["algorithm"], h["data_type"], int(h["dim"]), h["distance_metric"]) == ("HNSW", "FLOAT32", DIM, "COSINE")
    assert (int(h["m"]), int(h["ef_construction"]), int(h["ef_runtime"])) == (16, 200, 200)
    if r.protocol == 2:
        # redisvl reads positions 0..5 of each attribute literally.
        raw = r.execute_command("FT.INFO", "idx")
        raw = dict(zip(raw[::2], raw[1::2]))
        for a in raw[b"attributes"]:
            assert [a[0], a[2], a[4]] == [b"identifier", b"attribute", b"type"], a


def test_list_and_existing_keys_scanned(r):
    load(r)
    bad = {"t": "red", "tag": "a", "n": 1, "v": b"\x00" * 7, "vh": blob(Q)}
    r.hset("doc:bad", mapping=bad)  # wrong blob length: not indexed, counted
    create(r)
    create(r, "other", "nothing:")
    assert ft_list(r) == {"idx", "other"}
    info = wait_indexed(r, "idx")
    assert int(info["num_docs"]) == N
    assert int(info["hash_indexing_failures"]) == 1
    res = hits(r.ft("idx").search(Query("*").no_content().paging(0, 1000)))
    assert res.total == N and set(res.ids) == ids_where(lambda d: True)
    with pytest.raises(redis.ResponseError, match="Index already exists"):
        create(r)


# ── KNN and hybrid KNN ────────────────────────────────────────────────────

def test_knn_flat(r, idx):
    q = Query("*=>[KNN 3 @v $vec AS score]").return_fields("t", "n", "score").sort_by("score").dialect(2)
    res = hits(idx.search(q, query_params={"vec": QB}))
    want_ids, want_d = knn_expect(lambda d: True, 3)
    assert res.total == 3
    assert res.ids == want_ids
    np.testing.assert_allclose([float(d["score"]) for d in res.docs], want_d, rtol=1e-5, atol=1e-6)
    by_key = {key(d["i"]): d for d in DOCS}
    for d in res.docs:
        assert d["t"] == by_key[d["id"]]["t"] and int(d["n"]) == by_key[d["id"]]["n"]
        assert set(d) == {"id", "t", "n", "score"}


def test_knn_hnsw_default_score_field_and_limit(r, idx):
    # Default yield name __vh_score; LIMIT defaults to 10 even when K is 15.
    q = Query("*=>[KNN 15 @vh $vec]").sort_by("__vh_score").dialect(2)
    res = hits(idx.search(q, query_params={"vec": QB}))
    want_ids, want_d = knn_expect(lambda d: True, 15, "COSINE")
    assert res.total == 15
    assert res.ids == want_ids[:10]
    np.testing.assert_allclose([float(d["__vh_score"]) for d in res.docs], want_d[:10], rtol=1e-5, atol=1e-6)
    # No RETURN: every hash field comes back, the unindexed one included.
    first = res.docs[0]
    assert {"t", "tag", "n", "__vh_score"} <= set(first)
    assert ("extra" in first) == (int(first["id"].split(":")[1]) % 2 == 0)


@pytest.mark.parametrize("filt,pred", [
    ("@tag:{a|b}", lambda d: d["tag"] in ("a", "b")),
    ("@n:[(20 +inf]", lambda d: d["n"] > 20),
    ("@n:[-inf (15]", lambda d: d["n"] < 15),
    ('@t:("quick fox")', lambda d: has_phrase(d["t"], "quick fox")),
    ("@tag:{c} @n:[10 50]", lambda d: d["tag"] == "c" and 10 <= d["n"] <= 50),
    ("@t:(owl) | @tag:{d}", lambda d: "owl" in tokens(d["t"]) or d["tag"] == "d"),
    ("-@tag:{a} @t:(red)", lambda d: d["tag"] != "a" and "red" in tokens(d["t"])),
], ids=["tag-or", "num-excl-inf", "num-inf-excl", "phrase", "tag-and-num", "text-or-tag", "not-and-text"])
def test_hybrid_knn(r, idx, filt, pred):
    k = 5
    q = Query(f"({filt})=>[KNN {k} @v $vec AS dist]").return_fields("n", "dist").sort_by("dist").paging(0, k).dialect(2)
    res = hits(idx.search(q, query_params={"vec": QB}))
    want_ids, want_d = knn_expect(pred, k)
    assert len(want_ids) > 0, "the data should give this filter some matches"
    assert res.total == len(want_ids)
    assert res.ids == want_ids
    np.testing.assert_allclose([float(d["dist"]) for d in res.docs], want_d, rtol=1e-5, atol=1e-6)
    # The same filter alone gives the whole filtered set.
    plain = hits(idx.search(Query(filt).no_content().paging(0, 1000)))
    assert plain.total == len(ids_where(pred)) and set(plain.ids) == ids_where(pred)


def test_knn_count_only_and_k_zero(r, idx):
    res = hits(idx.search(Query("*=>[KNN 5 @v $vec]").paging(0, 0).dialect(2), query_params={"vec": QB}))
    assert (res.total, res.docs) == (5, [])
    res = hits(idx.search(Query("*=>[KNN 0 @v $vec]").dialect(2), query_params={"vec": QB}))
    assert (res.total, res.docs) == (0, [])


# ── VECTOR_RANGE ──────────────────────────────────────────────────────────

def test_vector_range(r, idx):
    dist = distances("L2", cast(Q), VECS)
    srt = np.sort(dist)
    radius = float((srt[6] + srt[7]) / 2)  # exactly 7 inside
    q = (Query("@v:[VECTOR_RANGE $r $vec]=>{$YIELD_DISTANCE_AS: dist}")
         .return_fields("dist", "n").sort_by("dist").paging(0, 100).dialect(2))
    res = hits(idx.search(q, query_params={"vec": QB, "r": radius}))
    want_ids, want_d = knn_expect(lambda d: True, 7)
    assert res.total == 7 and res.ids == want_ids
    np.testing.assert_allclose([float(d["dist"]) for d in res.docs], want_d, rtol=1e-5, atol=1e-6)
    # With a filter after it (redisvl 0.28's form), and a larger radius.
    radius = float((srt[29] + srt[30]) / 2)
    q = (Query("@v:[VECTOR_RANGE $r $vec]=>{$YIELD_DISTANCE_AS: dist} @tag:{a|c}")
         .return_fields("dist").sort_by("dist").paging(0, 100).dialect(2))
    res = hits(idx.search(q, query_params={"vec": QB, "r": radius}))
    inside = {key(i) for i in range(N) if dist[i] <= radius}
    want = [k for k in knn_expect(lambda d: d["tag"] in ("a", "c"), N)[0] if k in inside]
    assert res.total == len(want) and res.ids == want


# ── options: NOCONTENT, LIMIT 0 0, RETURN, SORTBY, WITHSCORES ─────────────

def test_nocontent_and_count(r, idx):
    want = ids_where(lambda d: d["tag"] == "a")
    res = hits(idx.search(Query("@tag:{a}").no_content().paging(0, 100)))
    assert res.total == len(want) and set(res.ids) == want
    assert all(set(d) == {"id"} for d in res.docs)
    # TAG is case-insensitive unless CASESENSITIVE.
    assert set(hits(idx.search(Query("@tag:{A}").no_content().paging(0, 100))).ids) == want
    res = hits(idx.search(Query("@tag:{a|b}").paging(0, 0)))
    assert res.total == len(ids_where(lambda d: d["tag"] in ("a", "b"))) and res.docs == []
    res = hits(idx.search(Query("@tag:{nosuchtag}").paging(0, 10)))
    assert (res.total, res.docs) == (0, [])


def test_return_missing_field_is_omitted(r, idx):
    res = hits(idx.search(Query("@tag:{b}").return_fields("extra", "n", "nosuchfield").paging(0, 100)))
    want = ids_where(lambda d: d["tag"] == "b")
    assert set(res.ids) == want and len(want) > 2
    for d in res.docs:
        i = int(d["id"].split(":")[1])
        if i % 2 == 0:
            assert set(d) == {"id", "extra", "n"} and d["extra"] == f"x{i}"
        else:
            assert set(d) == {"id", "n"}


def test_sortby_and_paging(r, idx):
    want = sorted((d for d in DOCS if d["tag"] != "a"), key=lambda d: d["n"])
    res = hits(idx.search(Query("-@tag:{a}").sort_by("n", asc=True).return_fields("n").paging(3, 10)))
    assert res.total == len(want)
    assert res.ids == [key(d["i"]) for d in want[3:13]]
    assert [int(d["n"]) for d in res.docs] == [d["n"] for d in want[3:13]]
    res = hits(idx.search(Query("*").sort_by("n", asc=False).no_content().paging(0, 5)))
    assert res.ids == [key(d["i"]) for d in sorted(DOCS, key=lambda d: -d["n"])[:5]]


def test_withscores(r, idx):
    want = ids_where(lambda d: "fox" in tokens(d["t"]))
    res = hits(idx.search(Query("@t:(fox)").with_scores().paging(0, 100)))
    assert res.total == len(want) and set(res.ids) == want
    scores = [d["score"] for d in res.docs]
    assert all(isinstance(x, float) and x > 0 for x in scores)
    assert scores == sorted(scores, reverse=True), "text results come by score"


def test_text_search(r, idx):
    for q, pred in [("fox", lambda d: "fox" in tokens(d["t"])),
                    ("fox owl", lambda d: {"fox", "owl"} <= set(tokens(d["t"]))),
                    ('"big cat"', lambda d: has_phrase(d["t"], "big cat")),
                    ("@t:(slow|small)", lambda d: {"slow", "small"} & set(tokens(d["t"])))]:
        res = hits(idx.search(Query(q).no_content().paging(0, 100)))
        assert set(res.ids) == ids_where(pred), q
        assert res.total == len(ids_where(pred)), q


# ── keyspace tracking ─────────────────────────────────────────────────────

def test_keyspace_updates(r, idx):
    def tag_a():
        return set(hits(idx.search(Query("@tag:{a}").no_content().paging(0, 100))).ids)

    before = ids_where(lambda d: d["tag"] == "a")
    assert tag_a() == before
    moved = next(key(d["i"]) for d in DOCS if d["tag"] == "b")
    r.hset(moved, "tag", "a")
    assert tag_a() == before | {moved}
    gone = sorted(before)[0]
    r.delete(gone)
    assert tag_a() == before - {gone} | {moved}
    r.pexpire(moved, 30)
    time.sleep(0.3)
    assert tag_a() == before - {gone}
    r.rename(sorted(before)[1], "elsewhere")  # out of the prefix
    assert tag_a() == before - {gone, sorted(before)[1]}
    assert int(raw_info(r, "idx")["num_docs"]) == N - 3


def test_debug_reload_keeps_index(r, idx):
    q = Query("(@tag:{a|b})=>[KNN 5 @vh $vec AS dist]").return_fields("dist").sort_by("dist").dialect(2)
    before = hits(idx.search(q, query_params={"vec": QB}))
    assert before.ids == knn_expect(lambda d: d["tag"] in ("a", "b"), 5, "COSINE")[0]
    r.execute_command("DEBUG", "RELOAD")
    info = wait_indexed(r, "idx")
    assert int(info["num_docs"]) == N and ft_list(r) == {"idx"}
    after = hits(idx.search(q, query_params={"vec": QB}))
    assert after.ids == before.ids
    assert [d["dist"] for d in after.docs] == [d["dist"] for d in before.docs]
    r.hset("doc:new", mapping={"t": "fox", "tag": "a", "n": 1000, "v": QB, "vh": QB})
    top = hits(idx.search(Query("*=>[KNN 1 @v $vec AS d]").dialect(2), query_params={"vec": QB}))
    assert top.ids == ["doc:new"] and float(top.docs[0]["d"]) == 0


# ── FT.AGGREGATE ──────────────────────────────────────────────────────────

def test_aggregate_filter(r, idx):
    req = (AggregateRequest("@tag:{a}").load("@n", "@t").apply(double="@n*2")
           .sort_by(Desc("@double")).limit(0, 5))
    rows = agg_rows(idx.aggregate(req))
    want = sorted((d for d in DOCS if d["tag"] == "a"), key=lambda d: -d["n"])[:5]
    assert [float(x["double"]) for x in rows] == [2.0 * d["n"] for d in want]
    assert [int(x["n"]) for x in rows] == [d["n"] for d in want]
    assert [x["t"] for x in rows] == [d["t"] for d in want]


def test_aggregate_knn(r, idx):
    req = (AggregateRequest("(@tag:{a|b})=>[KNN 6 @v $vec AS dist]").load("@n")
           .apply(sim="1 - @dist").sort_by(Asc("@dist")).limit(0, 4).dialect(2))
    rows = agg_rows(idx.aggregate(req, query_params={"vec": QB}))
    want_ids, want_d = knn_expect(lambda d: d["tag"] in ("a", "b"), 6)
    by_key = {key(d["i"]): d for d in DOCS}
    assert len(rows) == 4
    np.testing.assert_allclose([float(x["dist"]) for x in rows], want_d[:4], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose([float(x["sim"]) for x in rows], [1 - x for x in want_d[:4]], rtol=1e-5, atol=1e-6)
    assert [int(x["n"]) for x in rows] == [by_key[k]["n"] for k in want_ids[:4]]


# ── FT.DROPINDEX and missing indexes ──────────────────────────────────────

def test_dropindex_keep_and_delete_documents(r, idx):
    idx.dropindex(delete_documents=False)
    assert ft_list(r) == set()
    assert r.exists(*[key(d["i"]) for d in DOCS]) == N
    with pytest.raises(redis.ResponseError, match="Unknown index name"):
        idx.search(Query("*"))
    create(r)  # the kept hashes are indexed again by the scan
    assert int(wait_indexed(r, "idx")["num_docs"]) == N
    r.set("doc:string", "not a hash")  # under the prefix but never indexed
    r.hset("unrelated", "t", "fox")
    r.ft("idx").dropindex(delete_documents=True)
    assert r.exists(*[key(d["i"]) for d in DOCS]) == 0
    assert r.exists("doc:string", "unrelated") == 2
    assert ft_list(r) == set()


def test_missing_index(r):
    ft = r.ft("nope")
    with pytest.raises(redis.ResponseError, match="Unknown index name"):
        ft.search(Query("*"))
    with pytest.raises(redis.ResponseError, match="Unknown index name"):
        ft.info()
    with pytest.raises(redis.ResponseError, match="Unknown index name"):
        ft.aggregate(AggregateRequest("*"))
    with pytest.raises(redis.ResponseError, match="(?i)Unknown index name"):
        ft.dropindex()
