"""Helpers for the FT.* client tests: reply normalisation across RESP2/RESP3
and redis-py's parsers, deterministic data, and exact numpy references.

Nothing here talks to a model or the network: vectors come from seeded numpy
generators (or a hash of the text), so every expectation is recomputed
independently of the server.
"""
import hashlib
import re
import sys
import time

import ml_dtypes
import numpy as np

# ── vectors ───────────────────────────────────────────────────────────────

DTYPES = {
    "FLOAT32": np.float32,
    "FLOAT64": np.float64,
    "FLOAT16": np.float16,
    "BFLOAT16": ml_dtypes.bfloat16,
}

# Relative tolerance of a returned distance (times dist_scale). The stored
# vector is exactly the type's rounding of what the client sent, so L2 and IP
# over FLOAT16/BFLOAT16 are exact up to float32 arithmetic. COSINE also allows
# an engine that normalises a vector and stores it back in the type (as
# RediSearch's VecSim does): about 4 ulps of the element type.
def rel_tol(metric, vtype):
    if vtype == "FLOAT64":
        return 1e-9
    if metric == "COSINE" and vtype in ("FLOAT16", "BFLOAT16"):
        return {"FLOAT16": 2e-3, "BFLOAT16": 1.6e-2}[vtype]
    return 1e-5


def cast(v, vtype="FLOAT32"):
    """The vector as the server stores it (rounded to the type), in float64."""
    return np.asarray(np.asarray(v, dtype=np.float64).astype(DTYPES[vtype]), dtype=np.float64)


def blob(v, vtype="FLOAT32"):
    """Little-endian bytes of the vector in the given type, like a client sends."""
    assert sys.byteorder == "little"
    return np.asarray(v, dtype=np.float64).astype(DTYPES[vtype]).tobytes()


def distances(metric, q, X):
    """RediSearch's distances in float64: squared L2, 1 - ip, 1 - cos."""
    q = np.asarray(q, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    if metric == "L2":
        return ((X - q) ** 2).sum(axis=1)
    if metric == "IP":
        return 1.0 - X @ q
    if metric == "COSINE":
        return 1.0 - (X @ q) / (np.linalg.norm(X, axis=1) * np.linalg.norm(q))
    raise ValueError(metric)


def dist_scale(metric, q, X):
    """The magnitude a distance's rounding error scales with."""
    q = np.asarray(q, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    if metric == "L2":
        return (X ** 2).sum(axis=1) + (q ** 2).sum()
    if metric == "IP":
        return np.linalg.norm(X, axis=1) * np.linalg.norm(q) + 1.0
    return np.ones(len(X))


def text_vector(text, dim, salt=""):
    """A deterministic unit vector for a text (sha256-seeded normal)."""
    seed = int.from_bytes(hashlib.sha256((salt + text).encode()).digest()[:8], "little")
    v = np.random.default_rng(seed).normal(size=dim)
    return v / np.linalg.norm(v)


# ── a small document set ──────────────────────────────────────────────────

# No English stopwords, no two words with one stem.
VOCAB = ["red", "green", "blue", "quick", "slow", "fox", "owl", "cat", "big", "small"]
TAGS = ["a", "b", "c", "d"]


def make_docs(n, dim, seed):
    """n documents: id, t (4 words), tag, n (a distinct integer), vec (normal)."""
    rng = np.random.default_rng(seed)
    nums = rng.permutation(n)
    docs = []
    for i in range(n):
        docs.append({
            "i": i,
            "t": " ".join(rng.choice(VOCAB, 4)),
            "tag": TAGS[int(rng.integers(len(TAGS)))],
            "n": int(nums[i]),
            "vec": rng.normal(size=dim),
        })
    return docs


def tokens(text):
    return [w for w in re.split(r"[^0-9a-z]+", text.lower()) if w]


def has_phrase(text, phrase):
    toks, ph = tokens(text), tokens(phrase)
    return any(toks[i:i + len(ph)] == ph for i in range(len(toks) - len(ph) + 1))


# Pre-filters and the Python predicate each one means (TAG, NUMERIC with "("
# and inf, TEXT term and phrase, AND, OR, NOT).
FILTERS = [
    ("*", lambda d: True),
    ("@tag:{a|b}", lambda d: d["tag"] in ("a", "b")),
    ("@n:[(20 +inf]", lambda d: d["n"] > 20),
    ("@n:[-inf 35]", lambda d: d["n"] <= 35),
    ('@t:("quick fox")', lambda d: has_phrase(d["t"], "quick fox")),
    ("@tag:{c|d} @n:[10 (80]", lambda d: d["tag"] in ("c", "d") and 10 <= d["n"] < 80),
    ("@t:(owl) | @tag:{a}", lambda d: "owl" in tokens(d["t"]) or d["tag"] == "a"),
    ("-@tag:{a} @n:[5 60] @t:(red)",
     lambda d: d["tag"] != "a" and 5 <= d["n"] <= 60 and "red" in tokens(d["t"])),
]


def knn_query(filt, k, field="v", dist="dist"):
    pre = "*" if filt == "*" else f"({filt})"
    return f"{pre}=>[KNN {k} @{field} $vec AS {dist}]"


# ── reply normalisation ───────────────────────────────────────────────────

def s(x):
    """bytes -> str, recursively (dict keys too); other values unchanged."""
    if isinstance(x, bytes):
        return x.decode("utf-8", "replace")
    if isinstance(x, dict):
        return {s(k): s(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [s(v) for v in x]
    if isinstance(x, set):
        return {s(v) for v in x}
    return x


def pairs(x):
    """A RESP2 flat [k, v, k, v…] list or a RESP3 map -> dict with str keys."""
    if isinstance(x, dict):
        return {s(k): v for k, v in x.items()}
    x = list(x)
    return {s(x[i]): x[i + 1] for i in range(0, len(x) - 1, 2)}


class Hits:
    """An FT.SEARCH reply as total + [{"id": …, ["score": …,] field: str…}]."""

    def __init__(self, total, docs):
        self.total = total
        self.docs = docs

    @property
    def ids(self):
        return [d["id"] for d in self.docs]

    def __repr__(self):
        return f"Hits(total={self.total}, docs={self.docs})"


def hits(res):
    """Normalises redis-py's search() result: a Result (RESP2, or RESP3 wire
    with legacy parsing) or the native RESP3 dict (protocol=3)."""
    if isinstance(res, dict):
        res = pairs(res)
        docs = []
        for item in res.get("results", []):
            item = pairs(item)
            d = {"id": s(item["id"])}
            if "score" in item:
                d["score"] = float(s(item["score"]))
            for k, v in pairs(item.get("extra_attributes") or {}).items():
                d[k] = s(v)
            docs.append(d)
        return Hits(int(res["total_results"]), docs)
    docs = []
    for doc in res.docs:
        d = {k: v for k, v in doc.__dict__.items() if k != "payload"}
        if d.get("score", 0) is None:
            del d["score"]
        docs.append(s(d))
    return Hits(int(res.total), docs)


def agg_rows(res):
    """FT.AGGREGATE rows as dicts of str, from an AggregateResult (RESP2 and
    legacy RESP3) or the native RESP3 map (protocol=3)."""
    if isinstance(res, dict):
        res = pairs(res)
        return [s(pairs(pairs(item).get("extra_attributes") or {})) for item in res["results"]]
    return [s(pairs(row)) for row in res.rows]


FLAGS = {"SORTABLE", "UNF", "NOSTEM", "NOINDEX", "WITHSUFFIXTRIE", "INDEXEMPTY",
         "INDEXMISSING", "CASESENSITIVE"}


def attr_dict(a):
    """One FT.INFO attribute (RESP2 flat list, or RESP3 map with `flags`) ->
    dict with a `flags` set."""
    a = s(a)
    if isinstance(a, dict):
        out = dict(a)
        out["flags"] = set(out.get("flags") or [])
        return out
    out, flags, i = {}, set(), 0
    while i < len(a):
        if isinstance(a[i], str) and a[i].upper() in FLAGS:
            flags.add(a[i])
            i += 1
        else:
            out[a[i]] = a[i + 1]
            i += 2
    out["flags"] = flags
    return out


def info_dict(info):
    """FT.INFO (redis-py's info() in any protocol, or a raw reply) -> dict with
    str keys; index_definition as a dict; attributes as a list of dicts."""
    info = s(pairs(info))
    out = dict(info)
    out["index_definition"] = pairs(info["index_definition"])
    out["attributes"] = [attr_dict(a) for a in info["attributes"]]
    return out


def raw_info(r, name):
    return info_dict(r.execute_command("FT.INFO", name))


def wait_indexed(r, name, timeout=20.0):
    """Waits until the index's initial scan is over; returns FT.INFO."""
    end = time.monotonic() + timeout
    while True:
        info = raw_info(r, name)
        if int(info["indexing"]) == 0 and float(info["percent_indexed"]) == 1.0:
            return info
        if time.monotonic() > end:
            raise AssertionError(f"index {name} still indexing after {timeout}s: {info}")
        time.sleep(0.02)


def ft_list(r):
    return set(s(list(r.execute_command("FT._LIST"))))


# ── exact KNN checks ──────────────────────────────────────────────────────

def assert_knn(got_ids, got_d, ids, true_d, k, tol, ordered=True):
    """got_* is the server's answer; ids/true_d/tol are the filtered set with
    exact distances and per-document tolerances. The answer must be the exact
    top k by distance, in order; where two true distances are closer than the
    tolerance either order (and, at the k-th place, either document) passes."""
    ids = list(ids)
    true = dict(zip(ids, true_d))
    tols = dict(zip(ids, tol))
    order = sorted(ids, key=lambda i: (true[i], i))
    kk = min(k, len(order))
    assert len(got_ids) == kk, f"expected {kk} results, got {len(got_ids)}: {got_ids}"
    assert len(set(got_ids)) == kk, f"duplicate ids: {got_ids}"
    for gid, gd in zip(got_ids, got_d):
        assert gid in true, f"{gid} is not in the filtered set"
        assert abs(gd - true[gid]) <= tols[gid], \
            f"{gid}: distance {gd} != exact {true[gid]} (tol {tols[gid]})"
    if kk == 0:
        return
    if ordered:
        for a, b in zip(got_d, got_d[1:]):
            assert a <= b + 1e-12 + max(tols.values()), f"distances not ascending: {got_d}"
    expect = order[:kk]
    gaps_clear = all(
        true[order[j + 1]] - true[order[j]] > tols[order[j]] + tols[order[j + 1]]
        for j in range(min(kk, len(order) - 1)))
    if gaps_clear:
        if ordered:
            assert got_ids == expect, f"ids {got_ids} != exact {expect}"
        else:
            assert set(got_ids) == set(expect), f"ids {sorted(got_ids)} != exact {sorted(expect)}"
        return
    dk = true[order[kk - 1]]
    for gid in got_ids:
        assert true[gid] <= dk + 2 * tols[gid], f"{gid} ({true[gid]}) is beyond the k-th distance {dk}"
    for i in ids:
        if true[i] < dk - 2 * tols[i]:
            assert i in got_ids, f"{i} ({true[i]}) is closer than the k-th ({dk}) but missing"


# ── what a client sent (MONITOR) ──────────────────────────────────────────

class Monitor:
    """MONITOR on a raw socket: `with Monitor(port) as m: …; m.commands("FT.SEARCH")`
    gives each matching command as a list of its (escaped) arguments."""

    def __init__(self, port):
        import socket
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.sendall(b"MONITOR\r\n")
        assert self.sock.recv(5) == b"+OK\r\n"
        self.buf = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def commands(self, name, settle=0.2):
        self.sock.sendall(b"")
        end = time.monotonic() + settle
        self.sock.settimeout(0.05)
        while time.monotonic() < end:
            try:
                chunk = self.sock.recv(1 << 20)
            except OSError:
                continue
            if not chunk:
                break
            self.buf += chunk
        out = []
        for line in self.buf.decode("latin-1").split("\r\n"):
            args = [a.encode("latin-1").decode("unicode_escape") for a in re.findall(r'"((?:[^"\\]|\\.)*)"', line)]
            if args and args[0].upper() == name.upper():
                out.append(args)
        return out
