"""The cluster the tests run against: scripts/cluster in a temporary
directory. A module of its own (not conftest) so that test files can import
it even when pytest also collects tests/python, whose conftest has the same
module name."""
import os
import pathlib
import subprocess
import sys
import tempfile
import time

from redis.cluster import ClusterNode, RedisCluster

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "clients" / "python"))
sys.path.insert(0, str(ROOT / "tests" / "python"))

LONG = os.environ.get("REDISAI_CLUSTER_LONG", "") not in ("", "0")


class Cluster:
    """scripts/cluster start in its own directory; `ports` are the six
    client ports (bus ports are +10000)."""

    def __init__(self, node_timeout_ms=3000):
        self.dir = tempfile.mkdtemp(prefix="redisai-cluster-")
        # Spread concurrent sessions over 3000..8999; scripts/cluster checks
        # every port and bus port and moves up past taken ones.
        base = 3000 + (os.getpid() * 6) % 5400
        env = dict(os.environ, REDISAI_CLUSTER_DIR=self.dir,
                   REDISAI_CLUSTER_PORT=str(base),
                   REDISAI_CLUSTER_NODE_TIMEOUT=str(node_timeout_ms))
        t0 = time.monotonic()
        out = subprocess.run([str(ROOT / "scripts" / "cluster"), "start"], env=env,
                             capture_output=True, text=True, timeout=180)
        self.start_s = time.monotonic() - t0
        self.env = env
        if out.returncode != 0:
            raise RuntimeError(f"scripts/cluster start failed:\n{out.stdout}\n{out.stderr}")
        self.ports = [int(p) for p in pathlib.Path(self.dir, "ports").read_text().split()]
        print(f"cluster up in {self.start_s:.1f}s on ports {self.ports}", file=sys.stderr)

    def pid(self, port):
        return int(pathlib.Path(self.dir, str(port), "pid").read_text())

    def log(self, port):
        try:
            return pathlib.Path(self.dir, str(port), "redis.log").read_text()
        except OSError:
            return ""

    def client(self, **kw):
        nodes = [ClusterNode("127.0.0.1", p) for p in self.ports]  # any live one will do
        return RedisCluster(startup_nodes=nodes, socket_timeout=60, **kw)

    def stop(self):
        subprocess.run([str(ROOT / "scripts" / "cluster"), "stop"], env=self.env,
                       capture_output=True, timeout=60)
