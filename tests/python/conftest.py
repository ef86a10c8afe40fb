import pytest
import redis

from harness import Server


@pytest.fixture
def server(request):
    s = Server()
    yield s
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        print(f"--- redis-server log (port {s.port}) ---\n{s.log()}")
    s.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


@pytest.fixture(params=[2, 3], ids=["resp2", "resp3"])
def r(server, request):
    client = redis.Redis(port=server.port, protocol=request.param, socket_timeout=60)
    client.protocol = request.param
    yield client
    client.close()
