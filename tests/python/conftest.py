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


@pytest.fixture(params=[2, None], ids=["resp2", "resp3"])
def client(server, request):
    """A client as redisvl and langchain-redis get one: RESP2, or redis-py 8's
    default (RESP3 on the wire, replies parsed into the legacy objects those
    libraries expect; an explicit protocol=3 gives raw maps they cannot read)."""
    kw = {} if request.param is None else {"protocol": request.param}
    c = redis.Redis(port=server.port, socket_timeout=60, **kw)
    c.protocol = request.param or 3
    yield c
    c.close()
