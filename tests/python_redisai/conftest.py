import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python"))

from harness import Server  # noqa: E402


@pytest.fixture
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture
def con(server):
    import redisai

    c = redisai.Client(port=server.port)
    yield c
    c.close()
