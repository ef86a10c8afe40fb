"""langchain-redis 0.2.6 RedisVectorStore unchanged against the FT.* layer,
with a deterministic offline Embeddings; expectations from numpy."""
import numpy as np
import pytest
from langchain_core.embeddings import Embeddings
from langchain_redis import RedisVectorStore
from redisvl.query.filter import Num, Tag

from fthelp import cast, distances, ft_list, raw_info, text_vector

DIM = 12


class HashEmbeddings(Embeddings):
    """sha256-seeded unit vectors: the same text always gives the same vector."""

    def embed_documents(self, texts):
        return [self.embed_query(t) for t in texts]

    def embed_query(self, text):
        return [float(x) for x in text_vector(text, DIM, salt="lc")]


EMB = HashEmbeddings()
CATS = ["news", "sport", "tech"]
TEXTS = [f"document number {i} about {CATS[i % 3]}" for i in range(40)]
METAS = [{"category": CATS[i % 3], "year": 2000 + (i * 7) % 25} for i in range(40)]
META_SCHEMA = [{"name": "category", "type": "tag"}, {"name": "year", "type": "numeric"}]
QUERY = "what happened in sport this year"


def exact(pred=lambda m: True, q=QUERY):
    sel = [i for i, m in enumerate(METAS) if pred(m)]
    X = np.array([cast(EMB.embed_query(TEXTS[i])) for i in sel])
    d = distances("COSINE", cast(EMB.embed_query(q)), X)
    order = np.lexsort((sel, d))
    return [TEXTS[sel[j]] for j in order], [float(d[j]) for j in order]


def store(client, name="docs", **kw):
    return RedisVectorStore(EMB, index_name=name, redis_client=client, metadata_schema=META_SCHEMA, **kw)


@pytest.fixture
def vs(client):
    vs = store(client)
    ids = vs.add_texts(TEXTS, metadatas=METAS)
    assert len(ids) == len(TEXTS)
    vs.test_ids = ids
    return vs


def test_create_and_add(client, vs):
    assert "docs" in ft_list(client)
    info = raw_info(client, "docs")
    assert int(info["num_docs"]) == len(TEXTS)
    types = {a["identifier"]: a["type"] for a in info["attributes"]}
    assert types == {"text": "TEXT", "embedding": "VECTOR", "_index_name": "TEXT",
                     "_metadata_json": "TEXT", "category": "TAG", "year": "NUMERIC"}
    cat = next(a for a in info["attributes"] if a["identifier"] == "category")
    assert cat["SEPARATOR"] == "|"


def test_similarity_search(client, vs):
    want, _ = exact()
    docs = vs.similarity_search(QUERY, k=4)
    assert [d.page_content for d in docs] == want[:4]
    i = TEXTS.index(docs[0].page_content)
    assert docs[0].metadata == METAS[i]


def test_similarity_search_with_score(client, vs):
    want, want_d = exact()
    got = vs.similarity_search_with_score(QUERY, k=6)
    assert [d.page_content for d, _ in got] == want[:6]
    np.testing.assert_allclose([s for _, s in got], want_d[:6], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("filt,pred", [
    (Tag("category") == "tech", lambda m: m["category"] == "tech"),
    (Tag("category") == ["news", "sport"], lambda m: m["category"] in ("news", "sport")),
    (Num("year") >= 2015, lambda m: m["year"] >= 2015),
    ((Tag("category") == "sport") & (Num("year") < 2012), lambda m: m["category"] == "sport" and m["year"] < 2012),
    ((Tag("category") != "news") & Num("year").between(2005, 2020),
     lambda m: m["category"] != "news" and 2005 <= m["year"] <= 2020),
], ids=["tag", "tag-or", "num-ge", "tag-and-num-lt", "not-tag-and-between"])
def test_metadata_filters(client, vs, filt, pred):
    want, want_d = exact(pred)
    assert len(want) >= 3, "test data: the filter should match several texts"
    got = vs.similarity_search_with_score(QUERY, k=5, filter=filt)
    assert [d.page_content for d, _ in got] == want[:5]
    np.testing.assert_allclose([s for _, s in got], want_d[:5], rtol=1e-5, atol=1e-6)
    for d, _ in got:
        assert pred(d.metadata)


def test_distance_threshold(client, vs):
    want, want_d = exact()
    thr = (want_d[4] + want_d[5]) / 2
    got = vs.similarity_search_with_score(QUERY, k=20, distance_threshold=thr)
    assert [d.page_content for d, _ in got] == want[:5]


def test_delete(client, vs):
    first_two = [vs.test_ids[0], vs.test_ids[1]]
    assert vs.delete(first_two) is True
    assert int(raw_info(client, "docs")["num_docs"]) == len(TEXTS) - 2
    gone = {TEXTS[0], TEXTS[1]}
    for q in (TEXTS[0], TEXTS[1], QUERY):
        docs = vs.similarity_search(q, k=len(TEXTS))
        assert len(docs) == len(TEXTS) - 2
        assert not gone & {d.page_content for d in docs}
    assert vs.delete(["no-such-id"]) is False


def test_from_existing_index(client, vs):
    again = RedisVectorStore.from_existing_index("docs", EMB, redis_client=client)
    want, want_d = exact(lambda m: m["category"] == "news")
    got = again.similarity_search_with_score(QUERY, k=3, filter=Tag("category") == "news")
    assert [d.page_content for d, _ in got] == want[:3]
    np.testing.assert_allclose([s for _, s in got], want_d[:3], rtol=1e-5, atol=1e-6)
    assert got[0][0].metadata == METAS[TEXTS.index(got[0][0].page_content)]
    # It writes into the same index.
    again.add_texts(["a late addition about sport"], metadatas=[{"category": "sport", "year": 2024}])
    assert int(raw_info(client, "docs")["num_docs"]) == len(TEXTS) + 1
    top = vs.similarity_search("a late addition about sport", k=1)
    assert top[0].page_content == "a late addition about sport"


def test_index_names_are_phrase_filters(client):
    """Every query carries @_index_name:("<name>"). A default ULID name and a
    name with punctuation (tokenised into two words) must both match; two
    stores sharing one key prefix see only their own documents."""
    a = RedisVectorStore(EMB, redis_client=client, metadata_schema=META_SCHEMA, key_prefix="shared")
    b = RedisVectorStore(EMB, index_name="lc-docs.v2", redis_client=client,
                         metadata_schema=META_SCHEMA, key_prefix="shared")
    a.add_texts(TEXTS[:10], metadatas=METAS[:10])
    b.add_texts(TEXTS[10:20], metadatas=METAS[10:20])
    assert {a.config.index_name, "lc-docs.v2"} <= ft_list(client)
    got_a = {d.page_content for d in a.similarity_search(QUERY, k=40)}
    got_b = {d.page_content for d in b.similarity_search(QUERY, k=40)}
    assert got_a == set(TEXTS[:10])
    assert got_b == set(TEXTS[10:20])
