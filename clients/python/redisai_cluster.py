"""Cross-shard search for redisai-rs on Redis Cluster, for redis-py clients.

redisai-rs has no search coordinator: every primary holds its own FT indexes
(over the hashes in its slots) and its own vector sets. A query over the
whole data set therefore goes to every primary, and the client merges the
replies by distance and keeps the top K. This module does that, with
nothing beyond redis-py (>= 5): copy it into a project, or put
`clients/python` on PYTHONPATH.

    from redis.cluster import RedisCluster
    import redisai_cluster as rac

    rc = RedisCluster(host="127.0.0.1", port=7100)
    rac.on_every_primary(rc, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", 1,
                         "doc:", "SCHEMA", "v", "VECTOR", "FLAT", 6, "TYPE",
                         "FLOAT32", "DIM", 4, "DISTANCE_METRIC", "L2")
    hits = rac.ft_knn(rc, "idx", "v", query_bytes, k=10)   # [Hit(key, distance, fields)]

    vs = rac.ShardedVectorSet(rc, "films", shards=16)
    vs.add("heat", [0.9, 0.1, 0.0])
    vs.search([0.1, 0.2, 0.9], count=10)                     # [(element, score)]

Why not `rc.ft("idx")`: redis-py sends FT.CREATE, FT.SEARCH and the other
FT.* commands to ONE random primary (its request policy for them is
"keyless", written for a server-side coordinator). Here that would create
the index on one shard and search one shard.
"""
from __future__ import annotations

import heapq
import zlib
from typing import Any, Iterable, List, NamedTuple, Optional, Sequence, Tuple

__all__ = ["Hit", "primaries", "on_every_primary", "ft_knn", "merge_top_k", "ShardedVectorSet"]


class Hit(NamedTuple):
    key: str
    distance: float
    fields: dict


def _s(x: Any) -> Any:
    return x.decode() if isinstance(x, (bytes, bytearray)) else x


def primaries(rc) -> list:
    """A plain redis.Redis client for each primary of the cluster, in a
    stable order (by host and port)."""
    nodes = sorted(rc.get_primaries(), key=lambda n: (n.host, n.port))
    return [rc.get_redis_connection(n) for n in nodes]


def on_every_primary(rc, *args) -> list:
    """Runs one command on every primary (FT.CREATE, FT.DROPINDEX,
    FT.ALTER…) and returns the replies; an error on any primary raises."""
    return [c.execute_command(*args) for c in primaries(rc)]


def merge_top_k(lists: Iterable[Iterable[Any]], k: int, key) -> list:
    """The k smallest items of all the lists by `key` (ties by the item)."""
    return heapq.nsmallest(k, (x for l in lists for x in l), key=lambda x: (key(x), x))


def _parse_search(reply, dist_field: str) -> List[Hit]:
    hits = []
    if isinstance(reply, dict):  # RESP3 map (protocol=3)
        for r in reply.get(b"results", reply.get("results", [])):
            r = {_s(k): v for k, v in r.items()}
            attrs = {_s(k): _s(v) for k, v in (r.get("extra_attributes") or {}).items()}
            hits.append(Hit(_s(r["id"]), float(attrs.pop(dist_field)), attrs))
        return hits
    # RESP2: [total, key, [field, value, …], key, […], …]
    items = list(reply[1:])
    for key, flat in zip(items[0::2], items[1::2]):
        attrs = {_s(f): _s(v) for f, v in zip(flat[0::2], flat[1::2])}
        hits.append(Hit(_s(key), float(attrs.pop(dist_field)), attrs))
    return hits


def ft_knn(rc, index: str, field: str, vector: bytes, k: int, *,
           filter: str = "*", return_fields: Sequence[str] = (),
           ef_runtime: Optional[int] = None, dist_field: str = "__dist",
           dialect: int = 2) -> List[Hit]:
    """FT.SEARCH KNN over every primary, merged: the k nearest documents of
    the whole cluster, nearest first (smaller distance is closer for L2, IP
    and COSINE alike in FT.SEARCH). `vector` is the query blob in the
    field's type (e.g. numpy float32 .tobytes())."""
    ef = " EF_RUNTIME $ef" if ef_runtime else ""
    query = f"({filter})=>[KNN {k} @{field} $vec{ef} AS {dist_field}]"
    params = ["vec", vector] + (["ef", ef_runtime] if ef_runtime else [])
    args = ["FT.SEARCH", index, query, "PARAMS", len(params), *params,
            "SORTBY", dist_field, "ASC", "LIMIT", 0, k,
            "RETURN", 1 + len(return_fields), dist_field, *return_fields,
            "DIALECT", dialect]
    per_shard = [_parse_search(c.execute_command(*args), dist_field) for c in primaries(rc)]
    return merge_top_k(per_shard, k, key=lambda h: h.distance)


class ShardedVectorSet:
    """One logical vector set spread over `shards` AI.V* keys
    `<name>:{<name>:<i>}`, whose slots fall on different primaries.
    An element lives in shard crc32(element) % shards, so an update or a
    removal finds it again. `shards` is fixed for the set's life; take it
    well above the number of primaries (16 by default) so every primary
    gets some, and keep it when primaries are added (slots move, keys
    follow)."""

    def __init__(self, rc, name: str, shards: int = 16, metric: str = "COSINE"):
        if shards < 1:
            raise ValueError("shards must be >= 1")
        self.rc, self.name, self.shards = rc, name, shards
        self.metric = metric.upper()
        self.keys = [f"{name}:{{{name}:{i}}}" for i in range(shards)]

    def key_of(self, element: str) -> str:
        return self.keys[zlib.crc32(element.encode()) % self.shards]

    def add(self, element: str, vector: Sequence[float], *options) -> Any:
        """AI.VADD into the element's shard; `options` go after the vector
        and element (SETATTR, M, EF…). METRIC is given on every add."""
        return self.rc.execute_command(
            "AI.VADD", self.key_of(element), "VALUES", len(vector),
            *[float(x) for x in vector], element, "METRIC", self.metric, *options)

    def remove(self, element: str) -> Any:
        return self.rc.execute_command("AI.VREM", self.key_of(element), element)

    def search(self, vector: Sequence[float], count: int = 10, *,
               ef: Optional[int] = None, truth: bool = False,
               filter: Optional[str] = None) -> List[Tuple[str, float]]:
        """AI.VSIM on every shard, merged: the `count` most similar elements
        as (element, score), best first. For COSINE a higher score is closer
        (1 − d/2); for L2 and IP a lower one."""
        args = ["VALUES", len(vector), *[float(x) for x in vector],
                "COUNT", count, "WITHSCORES"]
        if ef:
            args += ["EF", ef]
        if truth:
            args.append("TRUTH")
        if filter:
            args += ["FILTER", filter]
        sign = -1.0 if self.metric == "COSINE" else 1.0
        per_shard = []
        for key in self.keys:
            reply = self.rc.execute_command("AI.VSIM", key, *args)
            if isinstance(reply, dict):
                pairs = [(_s(e), float(s)) for e, s in reply.items()]
            else:
                pairs = [(_s(e), float(s)) for e, s in zip(reply[0::2], reply[1::2])]
            per_shard.append(pairs)
        return merge_top_k(per_shard, count, key=lambda p: sign * p[1])
