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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, module_args=(), extra=(), deadline=20.0):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="redisai-py-")
        self.logfile = os.path.join(self.dir, "redis.log")
        cmd = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", self.dir, "--logfile", self.logfile, "--save", "",
            "--enable-debug-command", "local", "--enable-module-command", "local",
            "--loadmodule", module_path(), *module_args, *extra,
        ]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.monotonic() + deadline
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > end:
                log = self.log()
                self.stop()
                raise RuntimeError(f"redis-server did not start\n{log}")
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
