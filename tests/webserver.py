"""A real `sxcheck serve` process on a free loopback port, for the web tests (always stopped)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``with Server(tmp_path, "--max-upload-mb", "1") as srv: srv.url`` — the server's stderr
    goes to a file in ``tmp`` (shown when it fails to start)."""

    def __init__(self, tmp: Path, *args: str, env: dict | None = None):
        self.tmp, self.args = Path(tmp), list(args)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(self.tmp), **(env or {})}
        self.proc = None
        self.started_in = None

    def __enter__(self):
        self.log = open(self.tmp / "serve.log", "wb")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-c", "import cli; cli.main()", "serve", "--port",
                                      str(self.port), *self.args], cwd=ROOT, env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = t0 + 20
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status in (200, 401):
                        self.started_in = time.perf_counter() - t0
                        return self
            except urllib.error.HTTPError as e:
                if e.code == 401:
                    self.started_in = time.perf_counter() - t0
                    return self
            except OSError:
                time.sleep(0.05)
        self.__exit__(None, None, None)
        raise RuntimeError("sxcheck serve did not start: " + (self.tmp / "serve.log").read_text(errors="replace"))

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()

    def get_json(self, path: str, headers: dict | None = None):
        req = urllib.request.Request(self.url + path, headers=headers or {})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.load(r)
