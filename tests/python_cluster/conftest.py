"""A fresh 3-primary / 3-replica cluster (scripts/cluster) per test session,
on free ports, in a temporary directory; stopped at the end.

REDISAI_CLUSTER_LONG=1 selects the long form (more writes, more failovers).
"""
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from clusterlib import Cluster  # noqa: E402


@pytest.fixture(scope="session")
def cluster():
    c = Cluster()
    yield c
    c.stop()


@pytest.fixture(params=[2, 3], ids=["resp2", "resp3"])
def rc(cluster, request):
    client = cluster.client(protocol=request.param)
    yield client
    client.close()
