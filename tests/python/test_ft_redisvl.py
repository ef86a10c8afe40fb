"""redisvl 0.28 unchanged against the FT.* layer: SemanticCache and
SearchIndex with its query builders (HybridQuery's FT.HYBRID included).
Embeddings come from a CustomVectorizer over sha256-seeded vectors;
expectations (KNN, BM25, the fusion) are recomputed with numpy."""
import math
import time
import warnings

import numpy as np
import pytest
from redisvl.extensions.cache.llm import SemanticCache
from redisvl.index import SearchIndex
import redis
from redisvl.query import (
    AggregateHybridQuery, CountQuery, FilterQuery, HybridQuery, TextQuery, VectorQuery,
    VectorRangeQuery,
)
from redisvl.query.filter import Num, Tag, Text
from redisvl.utils.vectorize import CustomVectorizer

from fthelp import (
    Monitor, cast, distances, ft_list, has_phrase, pairs, raw_info, s, text_vector, tokens,
)

# ── SemanticCache ─────────────────────────────────────────────────────────

CDIM = 16
# Paraphrases share a base vector and differ by a small text-seeded nudge.
PARAPHRASE = {
    "What is the capital of France?": "capital-fr",
    "what's the capital city of France": "capital-fr",
    "Which city is France's capital?": "capital-fr",
    "What is the capital of Spain?": "capital-es",
}


def cache_embed(text, dim=CDIM):
    base = PARAPHRASE.get(text)
    if base is None:
        v = text_vector(text, dim)
    else:
        v = text_vector(base, dim) + 0.15 * text_vector(text, dim, salt="nudge")
    return [float(x) for x in v]


def vectorizer(dim=CDIM):
    return CustomVectorizer(embed=lambda t: cache_embed(t, dim))


def cos_dist(a, b):
    return float(distances("COSINE", cast(a), cast(b)[None, :])[0])


P1, P2, P3 = "What is the capital of France?", "what's the capital city of France", "Which city is France's capital?"
SPAIN = "What is the capital of Spain?"
USERS = [{"name": "user_id", "type": "tag"}]


def cache_keys(client, name="llmcache"):
    return sorted(k.decode() for k in client.scan_iter(match=f"{name}:*"))


def test_semantic_cache_hit_miss_threshold(client):
    cache = SemanticCache(name="llmcache", vectorizer=vectorizer(), redis_client=client,
                          distance_threshold=0.1)
    assert "llmcache" in ft_list(client)
    key = cache.store(prompt=P1, response="Paris", metadata={"src": "test"})
    assert cache_keys(client) == [key]
    d12, d13, d_es = cos_dist(cache_embed(P1), cache_embed(P2)), cos_dist(cache_embed(P1), cache_embed(P3)), \
        cos_dist(cache_embed(P1), cache_embed(SPAIN))
    assert 0.005 < d12 < 0.1 and d_es > 0.3, "test data: paraphrase close, Spain far"

    exact = cache.check(prompt=P1)
    assert len(exact) == 1
    assert exact[0]["response"] == "Paris" and exact[0]["prompt"] == P1
    assert exact[0]["metadata"] == {"src": "test"}
    assert abs(float(exact[0]["vector_distance"])) < 1e-5

    near = cache.check(prompt=P2)
    assert [h["response"] for h in near] == ["Paris"]
    assert float(near[0]["vector_distance"]) == pytest.approx(d12, abs=1e-5)

    # Per call threshold: just under the distance misses, just over hits.
    assert cache.check(prompt=P2, distance_threshold=d12 - 1e-3) == []
    assert len(cache.check(prompt=P2, distance_threshold=d12 + 1e-3)) == 1
    assert cache.check(prompt=SPAIN) == []
    assert cache.check(prompt="unrelated question about owls") == []

    # Two entries, num_results and order by distance.
    cache.store(prompt=SPAIN, response="Madrid")
    both = cache.check(prompt=P3, num_results=2, distance_threshold=2.0)
    assert [h["response"] for h in both] == ["Paris", "Madrid"]
    assert float(both[0]["vector_distance"]) == pytest.approx(cos_dist(cache_embed(P3), cache_embed(P1)), abs=1e-5)
    assert float(both[1]["vector_distance"]) == pytest.approx(cos_dist(cache_embed(P3), cache_embed(SPAIN)), abs=1e-5)
    # A stored vector is found by vector too.
    assert [h["response"] for h in cache.check(vector=cache_embed(SPAIN))] == ["Madrid"]


def test_semantic_cache_wire_commands(client, server):
    """The commands the spec's §3.2 lists for SemanticCache are what goes out."""
    with Monitor(server.port) as mon:
        cache = SemanticCache(name="llmcache", vectorizer=vectorizer(), redis_client=client,
                              filterable_fields=USERS)
        cache.store(prompt=P1, response="Paris", filters={"user_id": "u1"})
        assert len(cache.check(prompt=P2, filter_expression=Tag("user_id") == "u1")) == 1
        creates = mon.commands("FT.CREATE")
        searches = mon.commands("FT.SEARCH")
        infos = mon.commands("FT.INFO")
    assert infos and infos[0][1] == "llmcache"
    assert len(creates) == 1
    assert " ".join(creates[0][:9]) == "FT.CREATE llmcache ON HASH PREFIX 1 llmcache SCORE 1.0"
    assert " ".join(creates[0][9:]).startswith(
        "SCHEMA prompt TEXT WEIGHT 1 response TEXT WEIGHT 1 inserted_at NUMERIC updated_at NUMERIC "
        f"prompt_vector VECTOR FLAT 6 TYPE FLOAT32 DIM {CDIM} DISTANCE_METRIC COSINE user_id TAG SEPARATOR ,")
    q = searches[-1]
    assert q[1] == "llmcache"
    assert q[2] == ("@prompt_vector:[VECTOR_RANGE $distance_threshold $vector]"
                    "=>{$YIELD_DISTANCE_AS: vector_distance} (@user_id:{u1})")
    opts = " ".join(q[3:q.index("PARAMS") + 2])
    assert opts == ("RETURN 8 entry_id prompt response inserted_at updated_at metadata user_id "
                    "vector_distance SORTBY vector_distance ASC DIALECT 2 LIMIT 0 1 PARAMS 4")
    params = q[q.index("PARAMS") + 2:]
    assert params[0] == "vector" and len(params[1].encode("latin-1")) == 4 * CDIM
    assert params[2:] == ["distance_threshold", "0.1"]


def test_semantic_cache_filterable_fields(client):
    cache = SemanticCache(name="llmcache", vectorizer=vectorizer(), redis_client=client,
                          filterable_fields=USERS)
    cache.store(prompt=P1, response="Paris for u1", filters={"user_id": "u1"})
    cache.store(prompt=P1, response="Paris for u2", filters={"user_id": "u2"})
    cache.store(prompt=SPAIN, response="Madrid for u1", filters={"user_id": "u1"})
    assert len(cache_keys(client)) == 3
    for user in ("u1", "u2"):
        hit = cache.check(prompt=P2, filter_expression=Tag("user_id") == user)
        assert [h["response"] for h in hit] == [f"Paris for {user}"]
        assert hit[0]["user_id"] == user
    assert cache.check(prompt=P2, filter_expression=Tag("user_id") == "u3") == []
    assert cache.check(prompt=SPAIN, filter_expression=Tag("user_id") == "u2") == []
    both = cache.check(prompt=P2, num_results=5)
    assert sorted(h["response"] for h in both) == ["Paris for u1", "Paris for u2"]
    # Punctuation in a tag value is escaped by redisvl and must still match.
    cache.store(prompt=P1, response="Paris for alice", filters={"user_id": "alice@example.com"})
    hit = cache.check(prompt=P2, filter_expression=Tag("user_id") == "alice@example.com")
    assert [h["response"] for h in hit] == ["Paris for alice"]


def test_semantic_cache_ttl_expiry(client):
    cache = SemanticCache(name="ttlcache", vectorizer=vectorizer(), redis_client=client, ttl=1)
    key = cache.store(prompt=P1, response="Paris")
    assert 0 < client.pttl(key) <= 1000
    assert [h["response"] for h in cache.check(prompt=P2)] == ["Paris"]
    assert int(raw_info(client, "ttlcache")["num_docs"]) == 1
    time.sleep(2.2)
    assert cache.check(prompt=P2) == []
    assert client.exists(key) == 0
    assert int(raw_info(client, "ttlcache")["num_docs"]) == 0
    # A per-entry ttl overrides the cache's.
    key = cache.store(prompt=SPAIN, response="Madrid", ttl=100)
    assert 90 < client.ttl(key) <= 100


def test_semantic_cache_second_instance_uses_existing_index(client):
    first = SemanticCache(name="llmcache", vectorizer=vectorizer(), redis_client=client,
                          filterable_fields=USERS)
    first.store(prompt=P1, response="Paris", filters={"user_id": "u1"})
    # Same schema: from_existing (FT.INFO) must round-trip to an equal schema,
    # or the constructor raises.
    second = SemanticCache(name="llmcache", vectorizer=vectorizer(), redis_client=client,
                           filterable_fields=USERS)
    assert [h["response"] for h in second.check(prompt=P2)] == ["Paris"]
    assert second.index.schema.to_dict() == first.index.schema.to_dict()
    # A different dimension or field set is detected as a mismatch.
    with pytest.raises(ValueError):
        SemanticCache(name="llmcache", vectorizer=vectorizer(8), redis_client=client,
                      filterable_fields=USERS)
    with pytest.raises(ValueError):
        SemanticCache(name="llmcache", vectorizer=vectorizer(), redis_client=client)
    # overwrite=True recreates it with the new schema.
    third = SemanticCache(name="llmcache", vectorizer=vectorizer(8), redis_client=client, overwrite=True)
    info = raw_info(client, "llmcache")
    vec = next(a for a in info["attributes"] if a["identifier"] == "prompt_vector")
    assert int(vec["dim"]) == 8
    assert third.check(prompt=P1) == []


def test_semantic_cache_clear_drop_delete(client):
    cache = SemanticCache(name="llmcache", vectorizer=vectorizer(), redis_client=client)
    k1 = cache.store(prompt=P1, response="Paris")
    cache.store(prompt=SPAIN, response="Madrid")
    cache.store(prompt="What is an owl?", response="A bird")
    client.hset("other:1", "prompt", "untouched")
    assert len(cache_keys(client)) == 3
    cache.drop(keys=[k1])
    assert cache.check(prompt=P1) == []
    assert [h["response"] for h in cache.check(prompt=SPAIN)] == ["Madrid"]
    cache.clear()
    assert cache_keys(client) == []
    assert cache.check(prompt=SPAIN) == []
    assert cache.index.exists() and "llmcache" in ft_list(client)
    cache.store(prompt=P1, response="Paris again")
    assert [h["response"] for h in cache.check(prompt=P2)] == ["Paris again"]
    cache.delete()
    assert not cache.index.exists()
    assert "llmcache" not in ft_list(client)
    assert cache_keys(client) == []
    assert client.exists("other:1") == 1


# ── SearchIndex and the query builders ────────────────────────────────────

DIM = 8
N = 80
BRANDS = ["acme", "globex", "initech", "umbrella"]
WORDS = ["red", "blue", "quick", "fox", "lazy", "dog", "small", "owl"]


def products():
    rng = np.random.default_rng(11)
    out = []
    for i in range(N):
        out.append({
            "pid": f"p{i:03d}",
            "title": " ".join(rng.choice(WORDS, 3)),
            "brand": BRANDS[int(rng.integers(len(BRANDS)))],
            "price": float(int(rng.integers(1, 200))) + 0.5,
            "rating": int(rng.integers(0, 6)),
            "embedding": cast(rng.normal(size=DIM)),
        })
    return out


PRODUCTS = products()
BY_PID = {p["pid"]: p for p in PRODUCTS}
QV = [float(x) for x in np.random.default_rng(12).normal(size=DIM)]


def schema(alg, metric="cosine"):
    attrs = {"dims": DIM, "distance_metric": metric, "algorithm": alg, "datatype": "float32"}
    if alg == "hnsw":
        attrs.update({"m": 24, "ef_construction": 150, "ef_runtime": 200})
    return {
        "index": {"name": "products", "prefix": "prod", "storage_type": "hash"},
        "fields": [
            {"name": "pid", "type": "tag"},
            {"name": "title", "type": "text"},
            {"name": "brand", "type": "tag"},
            {"name": "price", "type": "numeric"},
            {"name": "rating", "type": "numeric", "attrs": {"sortable": True}},
            {"name": "embedding", "type": "vector", "attrs": attrs},
        ],
    }


def make_index(client, alg="flat", metric="cosine"):
    index = SearchIndex.from_dict(schema(alg, metric), redis_client=client)
    index.create(overwrite=True, drop=True)
    recs = [{**{k: v for k, v in p.items() if k != "embedding"},
             "embedding": p["embedding"].astype(np.float32).tobytes()} for p in PRODUCTS]
    keys = index.load(recs, id_field="pid")
    assert len(keys) == N and keys[0] == "prod:p000"
    return index


def exact(pred, metric="cosine"):
    sel = [p["pid"] for p in PRODUCTS if pred(p)]
    X = np.array([BY_PID[s]["embedding"] for s in sel])
    d = distances(metric.upper(), cast(QV), X)
    order = np.lexsort((sel, d))
    return [sel[j] for j in order], [float(d[j]) for j in order]


def pids(results):
    return [r["id"].split(":", 1)[1] for r in results]


@pytest.fixture(params=["flat", "hnsw"])
def index(client, request):
    return make_index(client, request.param)


def test_vector_query(client, index):
    for filt, pred in [
        (None, lambda p: True),
        (Tag("brand") == ["acme", "globex"], lambda p: p["brand"] in ("acme", "globex")),
        ((Num("price") > 50) & (Num("rating") <= 3), lambda p: p["price"] > 50 and p["rating"] <= 3),
        (Text("title") == "quick fox", lambda p: has_phrase(p["title"], "quick fox")),
        ((Tag("brand") != "acme") | (Text("title") % "owl"),
         lambda p: p["brand"] != "acme" or "owl" in tokens(p["title"])),
    ]:
        want_ids, want_d = exact(pred)
        assert want_ids, f"test data: {filt} matches nothing"
        q = VectorQuery(vector=QV, vector_field_name="embedding", return_fields=["pid", "brand", "price"],
                        filter_expression=filt, num_results=6)
        res = index.query(q)
        assert pids(res) == want_ids[:6], str(filt)
        np.testing.assert_allclose([float(r["vector_distance"]) for r in res], want_d[:6], rtol=1e-5, atol=1e-6)
        for r in res:
            p = BY_PID[r["pid"]]
            assert r["brand"] == p["brand"] and float(r["price"]) == p["price"]
    # Runtime knobs pass through: EF_RUNTIME $EF (HNSW), HYBRID_POLICY with a filter.
    if index.schema.fields["embedding"].attrs.algorithm.value.lower() == "hnsw":
        q = VectorQuery(vector=QV, vector_field_name="embedding", num_results=4, ef_runtime=150)
        assert pids(index.query(q)) == exact(lambda p: True)[0][:4]
    q = VectorQuery(vector=QV, vector_field_name="embedding", num_results=4,
                    filter_expression=Tag("brand") == "initech", hybrid_policy="ADHOC_BF")
    assert pids(index.query(q)) == exact(lambda p: p["brand"] == "initech")[0][:4]


def test_vector_range_query(client, index):
    all_ids, all_d = exact(lambda p: True)
    thr = (all_d[11] + all_d[12]) / 2
    q = VectorRangeQuery(vector=QV, vector_field_name="embedding", return_fields=["pid"],
                         distance_threshold=thr, num_results=50)
    res = index.query(q)
    assert pids(res) == all_ids[:12]
    np.testing.assert_allclose([float(r["vector_distance"]) for r in res], all_d[:12], rtol=1e-5, atol=1e-6)
    f_ids, _ = exact(lambda p: p["rating"] >= 3)
    q = VectorRangeQuery(vector=QV, vector_field_name="embedding", return_fields=["pid"],
                         distance_threshold=thr, num_results=50, filter_expression=Num("rating") >= 3)
    assert pids(index.query(q)) == [i for i in all_ids[:12] if i in f_ids]


def test_filter_count_and_text_queries(client):
    index = make_index(client)
    cases = [
        ((Tag("brand") == ["acme", "umbrella"]) & (Num("price") > 100),
         lambda p: p["brand"] in ("acme", "umbrella") and p["price"] > 100),
        ((Tag("brand") == "globex") | (Text("title") == "lazy dog"),
         lambda p: p["brand"] == "globex" or has_phrase(p["title"], "lazy dog")),
        (Num("rating").between(2, 4) & (Tag("brand") != "initech"),
         lambda p: 2 <= p["rating"] <= 4 and p["brand"] != "initech"),
        ((Num("price") < 40) & (Text("title") % "owl"),
         lambda p: p["price"] < 40 and "owl" in tokens(p["title"])),
    ]
    for filt, pred in cases:
        want = sorted(p["pid"] for p in PRODUCTS if pred(p))
        assert want, f"test data: {filt} matches nothing"
        res = index.query(FilterQuery(filter_expression=filt, return_fields=["pid", "price"], num_results=100))
        assert sorted(r["pid"] for r in res) == want, str(filt)
        assert index.query(CountQuery(filter_expression=filt)) == len(want), str(filt)
    # Sorted and paged FilterQuery.
    q = FilterQuery(filter_expression=Tag("brand") == "acme", return_fields=["pid", "rating"],
                    sort_by=("rating", "DESC"), num_results=100)
    got = [int(r["rating"]) for r in index.query(q)]
    assert got == sorted((p["rating"] for p in PRODUCTS if p["brand"] == "acme"), reverse=True)
    assert index.query(CountQuery(filter_expression="*")) == N
    # TextQuery: the matching documents rank first; the text clause is
    # optional (`~`), so with num_results = #matches exactly those come back.
    match = sorted(p["pid"] for p in PRODUCTS if {"fox", "owl"} & set(tokens(p["title"])))
    res = index.query(TextQuery(text="the fox and an owl", text_field_name="title",
                                return_fields=["pid", "title"], num_results=len(match)))
    assert sorted(r["pid"] for r in res) == match
    scores = [float(r["score"]) for r in res]
    assert scores == sorted(scores, reverse=True) and min(scores) > 0
    res = index.query(TextQuery(text="fox", text_field_name="title", return_fields=["pid"],
                                filter_expression=Tag("brand") == "acme", num_results=100))
    acme = [p for p in PRODUCTS if p["brand"] == "acme"]
    assert {r["pid"] for r in res} <= {p["pid"] for p in acme}
    n_fox = sum("fox" in tokens(p["title"]) for p in acme)
    assert {r["pid"] for r in res[:n_fox]} == {p["pid"] for p in acme if "fox" in tokens(p["title"])}


def bm25(words):
    """BM25STD of each product's title for a query of these words (OR'ed):
    for each word in the title, idf · tf·(k1+1) / (tf + k1·(1 − b + b·len/avg)),
    idf = ln(1 + (N − df + 0.5)/(df + 0.5)), k1 = 1.2, b = 0.75. For words
    that stem to themselves (not "lazy": the engine counts a word found as
    itself and by its stem both ways); no title word is a stopword."""
    toks = {p["pid"]: tokens(p["title"]) for p in PRODUCTS}
    n = len(toks)
    avg = sum(len(t) for t in toks.values()) / n
    out = {}
    for pid, t in toks.items():
        score = 0.0
        for w in words:
            tf = t.count(w)
            if tf:
                df = sum(w in u for u in toks.values())
                idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                score += idf * tf * 2.2 / (tf + 1.2 * (1 - 0.75 + 0.75 * len(t) / avg))
        out[pid] = score
    return out


def test_aggregate_hybrid_query(client):
    """AggregateHybridQuery is FT.AGGREGATE "(~@title:(…))=>[KNN 10 …]" SCORER
    BM25STD ADDSCORES LOAD … APPLY (2 - @vector_distance)/2 … APPLY @__score
    … SORTBY 2 @hybrid_score DESC MAX 10. The rows are the exact KNN 10 (the
    text clause is optional, so every document is a candidate); text_score is
    the BM25 of the title (0 without fox or owl) and hybrid_score
    0.3·text_score + 0.7·vector_similarity, best first."""
    index = make_index(client)
    q = AggregateHybridQuery(text="fox owl", text_field_name="title", vector=QV,
                             vector_field_name="embedding", alpha=0.7, num_results=10,
                             return_fields=["pid", "title", "vector_distance"])
    res = index.query(q)
    knn_ids, knn_d = exact(lambda p: True)
    dist = dict(zip(knn_ids, knn_d))
    ts = bm25(["fox", "owl"])
    assert sorted(r["pid"] for r in res) == sorted(knn_ids[:10])
    hybrid = []
    for r in res:
        assert r["title"] == BY_PID[r["pid"]]["title"]
        assert float(r["vector_distance"]) == pytest.approx(dist[r["pid"]], abs=1e-5)
        sim = (2 - float(r["vector_distance"])) / 2
        assert float(r["vector_similarity"]) == pytest.approx(sim, abs=1e-5)
        assert float(r["text_score"]) == pytest.approx(ts[r["pid"]], rel=1e-9, abs=1e-12)
        want = 0.3 * ts[r["pid"]] + 0.7 * (2 - dist[r["pid"]]) / 2
        assert float(r["hybrid_score"]) == pytest.approx(want, abs=1e-5)
        hybrid.append(float(r["hybrid_score"]))
    assert hybrid == sorted(hybrid, reverse=True)
    assert any(ts[r["pid"]] > 0 for r in res) and any(ts[r["pid"]] == 0 for r in res), \
        "test data: the KNN 10 has titles with and without fox/owl"
    # ADDSCORES without text terms scores 0; another SCORER is refused.
    rows = client.execute_command("FT.AGGREGATE", "products", "@brand:{acme}", "ADDSCORES",
                                  "LOAD", "1", "@pid", "LIMIT", "0", "100")
    got = [pairs(row) for row in (rows[1:] if isinstance(rows, list) else
                                  [pairs(x)["extra_attributes"] for x in pairs(rows)["results"]])]
    assert len(got) == sum(p["brand"] == "acme" for p in PRODUCTS)
    assert all(s(row["__score"]) == "0" for row in got)
    with pytest.raises(redis.ResponseError, match="SCORER TFIDF is not supported"):
        client.execute_command("FT.AGGREGATE", "products", "fox", "SCORER", "TFIDF", "ADDSCORES")


def hybrid_expect(words, pred, rrf=True, k=10, radius=None, window=20, constant=60.0,
                  alpha=0.3, beta=0.7):
    """FT.HYBRID's fused scores, recomputed: the SEARCH list is every product
    passing pred (the text clause is optional) by BM25 best first, ties in
    indexing (pid) order, cut to the window; the VSIM list is the exact KNN k
    (or all within radius) among them, nearest first, cut to the window; RRF
    sums 1/(constant + rank), LINEAR alpha·bm25 + beta·(2 − d)/2.
    Returns {pid: (score, bm25 or None, similarity or None)}."""
    ts = bm25(words)
    sel = [p["pid"] for p in PRODUCTS if pred(p)]
    text = sorted(sel, key=lambda i: -ts[i])[:window]
    ids, d = exact(pred)
    vec = list(zip(ids, d))
    vec = (vec[:k] if radius is None else [(i, x) for i, x in vec if x <= radius])[:window]
    out = {}
    for rank, i in enumerate(text, 1):
        out[i] = [1 / (constant + rank) if rrf else alpha * ts[i], ts[i], None]
    for rank, (i, x) in enumerate(vec, 1):
        sim = (2 - x) / 2
        part = 1 / (constant + rank) if rrf else beta * sim
        entry = out.setdefault(i, [0.0, None, None])
        entry[0] += part
        entry[2] = sim
    return {i: tuple(v) for i, v in out.items()}


def assert_fused(got, want, n, tol):
    """got: [(pid, score)] as the server ranked them; want: hybrid_expect's.
    The first n of the expected order, each score within tol, in order up to
    scores closer than tol (ties go by pid, i.e. indexing order)."""
    order = sorted(want, key=lambda i: (-want[i][0], i))
    assert len(got) == min(n, len(order)), (got, order)
    assert len({i for i, _ in got}) == len(got)
    for (g, score), e in zip(got, order):
        assert g in want, f"{g} is in neither list"
        assert score == pytest.approx(want[g][0], abs=tol), g
        if g != e:
            assert abs(want[g][0] - want[e][0]) <= tol, (g, e, got, order[:n])


def hybrid(index, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # redis-py marks hybrid search experimental
        return index.query(HybridQuery(vector=QV, vector_field_name="embedding",
                                       text_field_name="title", **kw))


def test_hybrid_query(client, index, server):
    """HybridQuery is FT.HYBRID; its results are checked against the fusion
    recomputed from the BM25 formula and the exact distances."""
    everything = lambda p: True  # noqa: E731
    # Defaults: RRF (constant 60, window 20) over BM25 and the KNN 10, LIMIT 10;
    # rows carry __key and __score.
    with Monitor(server.port) as mon:
        res = hybrid(index, text="the fox and an owl")
        sent = mon.commands("FT.HYBRID")
    assert len(sent) == 1
    assert sent[0][:15] == ["FT.HYBRID", "products", "SEARCH", "(~@title:(fox | owl))", "SCORER",
                            "BM25STD", "VSIM", "@embedding", "$vector", "LIMIT", "0", "10",
                            "PARAMS", "2", "vector"]
    assert len(sent[0][15].encode("latin-1")) == 4 * DIM
    want = hybrid_expect(["fox", "owl"], everything)
    assert all(set(r) == {"__key", "__score"} for r in res)
    assert_fused([(r["__key"].split(":", 1)[1], float(r["__score"])) for r in res], want, 10, 1e-12)

    # LINEAR with every score yielded, KNN 8 with EF_RUNTIME, a filter on both
    # halves, and LOADed fields.
    brands = lambda p: p["brand"] in ("acme", "globex")  # noqa: E731
    res = hybrid(index, text="fox owl", vector_search_method="KNN", num_results=8,
                 combination_method="LINEAR", linear_alpha=0.3,
                 filter_expression=Tag("brand") == ["acme", "globex"],
                 yield_text_score_as="text_score", yield_vsim_score_as="vector_similarity",
                 yield_combined_score_as="hybrid_score", return_fields=["pid", "title", "brand"])
    want = hybrid_expect(["fox", "owl"], brands, rrf=False, k=8)
    for r in res:
        p = BY_PID[r["pid"]]
        assert r["title"] == p["title"] and brands(p)
        _, ts, sim = want[r["pid"]]
        assert ("text_score" in r) == (ts is not None) and ("vector_similarity" in r) == (sim is not None)
        if ts is not None:
            assert float(r["text_score"]) == pytest.approx(ts, rel=1e-9, abs=1e-12)
        if sim is not None:
            assert float(r["vector_similarity"]) == pytest.approx(sim, abs=1e-5)
        assert float(r["hybrid_score"]) == pytest.approx(0.3 * (ts or 0) + 0.7 * (sim or 0), abs=1e-5)
    assert_fused([(r["pid"], float(r["hybrid_score"])) for r in res], want, 8, 1e-5)
    assert any(want[r["pid"]][1] and want[r["pid"]][2] for r in res), "test data: some in both halves"

    # RRF with its own constant and window, VSIM by RANGE.
    _, all_d = exact(everything)
    radius = (all_d[11] + all_d[12]) / 2
    res = hybrid(index, text="quick dog", vector_search_method="RANGE", range_radius=radius,
                 combination_method="RRF", rrf_window=30, rrf_constant=10,
                 yield_combined_score_as="hybrid_score", num_results=15)
    want = hybrid_expect(["quick", "dog"], everything, radius=radius, window=30, constant=10.0)
    assert all(r["hybrid_score"] == r["__score"] for r in res)
    assert_fused([(r["__key"].split(":", 1)[1], float(r["__score"])) for r in res], want, 15, 1e-12)


def test_hybrid_raw_reply_and_refusals(client):
    """The reply's shape (total_results counts the fused documents) and what
    FT.HYBRID refuses."""
    make_index(client)
    blob = np.asarray(QV, dtype=np.float32).tobytes()
    head = ["FT.HYBRID", "products", "SEARCH", "@title:(fox)", "VSIM", "@embedding", "$v"]
    raw = pairs(client.execute_command(*head, "COMBINE", "RRF", "2", "WINDOW", "5",
                                       "LIMIT", "0", "3", "PARAMS", "2", "v", blob))
    assert set(raw) == {"total_results", "results", "warnings", "execution_time"}
    ts = bm25(["fox"])
    text = sorted((i for i in ts if ts[i] > 0), key=lambda i: -ts[i])[:5]
    knn = exact(lambda p: True)[0][:5]
    assert int(raw["total_results"]) == len(set(text) | set(knn))
    assert len(raw["results"]) == 3 and list(raw["warnings"]) == []
    assert float(s(raw["execution_time"])) >= 0
    for args, err in [
        (["SCORER", "TFIDF"], "SCORER TFIDF is not supported"),
        (["GROUPBY", "1", "@brand"], "GROUPBY is not supported"),
        (["WITHCURSOR"], "WITHCURSOR is not supported"),
        (["COMBINE", "MAX", "0"], "COMBINE MAX is not supported"),
        (["KNN", "2", "TOP", "3"], "KNN: TOP is not supported"),
        (["KNN", "2", "K", "99999999999"], "K must be a whole number"),
        (["COMBINE", "RRF", "2", "WINDOW", "0"], "WINDOW must be at least 1"),
    ]:
        at = 4 if args[0] == "SCORER" else len(head)
        cmd = head[:at] + args + head[at:] + ["PARAMS", "2", "v", blob]
        with pytest.raises(redis.ResponseError, match=err):
            client.execute_command(*cmd)


def test_from_existing_and_lifecycle(client):
    for alg, metric in [("flat", "cosine"), ("hnsw", "l2"), ("flat", "ip")]:
        index = make_index(client, alg, metric)
        assert index.exists()
        again = SearchIndex.from_existing("products", redis_client=client)
        got, want = again.schema.to_dict(), index.schema.to_dict()
        # redisvl 0.28's FT.INFO parser reads m/ef_construction/epsilon but not
        # ef_runtime (the server's own report of it is checked in test_ft_redispy).
        for sch in (got, want):
            sch["fields"][-1]["attrs"].pop("ef_runtime", None)
        assert got == want, (alg, metric)
        # The rebuilt index queries the same data.
        q = VectorQuery(vector=QV, vector_field_name="embedding", return_fields=["pid"], num_results=5)
        assert pids(again.query(q)) == exact(lambda p: True, metric)[0][:5]
        assert int(again.info()["num_docs"]) == N
        assert "products" in index.listall()
    # clear() empties the index and keeps it; delete() drops it and its keys.
    assert index.clear() == N
    assert index.exists() and index.query(CountQuery("*")) == 0
    index.load([{**{k: v for k, v in PRODUCTS[0].items() if k != "embedding"},
                 "embedding": PRODUCTS[0]["embedding"].astype(np.float32).tobytes()}], id_field="pid")
    index.delete(drop=True)
    assert not index.exists()
    assert client.exists("prod:p000") == 0
    with pytest.raises(Exception, match="Unknown index name|[Nn]o such index|[Ii]ndex not found"):
        SearchIndex.from_existing("products", redis_client=client)
