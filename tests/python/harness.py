"""A real redis-server with the module, for the Python client tests.

Each server gets a free port, a temporary directory and a start deadline,
and is killed when the test's fixture ends; its log is printed on failure.
"""
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]


def module_path() -> str:
    if os.environ.get("REDISAI_MODULE"):
        return os.environ["REDISAI_MODULE"]
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    return str(pathlib.Path(target) / "release" / "libredisai.so")


_LOW, _SPAN = 10000, 10000
_next = [os.getpid() * 7919]


def free_port() -> int:
    """A port nobody listens on, from 10000..20000: below Linux's ephemeral
    range, so no outgoing connection can take it before the server binds it
    (the Rust harness uses 20000..32000, so the two never meet)."""
    for _ in range(_SPAN):
        _next[0] += 1
        port = _LOW + _next[0] % _SPAN
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


class Server:
    def __init__(self, module_args=(), extra=(), deadline=20.0):
        self.dir = tempfile.mkdtemp(prefix="redisai-py-")
        self.logfile = os.path.join(self.dir, "redis.log")
        for _ in range(5):
            self.port = free_port()
            if self._launch(module_args, extra, deadline):
                return
            if "Address already in use" not in self.log():
                break
            os.remove(self.logfile)
        log = self.log()
        self.stop()
        raise RuntimeError(f"redis-server did not start\n{log}")

    def _launch(self, module_args, extra, deadline) -> bool:
        """Starts the server; True once our own process answers PONG."""
        cmd = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", self.dir, "--logfile", self.logfile, "--save", "",
            "--enable-debug-command", "local", "--enable-module-command", "local",
            "--loadmodule", module_path(), *module_args, *extra,
        ]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.monotonic() + deadline
        ours = f"process_id:{self.proc.pid}".encode()
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\nINFO server\r\n")
                    s.settimeout(2)
                    data = b""
                    while ours not in data and len(data) < 65536:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    if data.startswith(b"+PONG") and ours in data:
                        return True
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > end:
                if self.proc.poll() is None:
                    self.proc.kill()
                self.proc.wait(timeout=10)
                return False
            time.sleep(0.02)

    def log(self) -> str:
        try:
            with open(self.logfile) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)
