"""A real gunicorn serving ``nexus:create_app()`` on a free loopback port, started the way the
container starts it (``-c python:nexus.ops.gunicorn_conf``), for tests that need the server as
production runs it: worker processes, sockets, signals.

    with LiveServer(tmp_path) as server:       # migrates a fresh SQLite database, starts, waits
        status, body = server.get("/health")    # for /health; stops with SIGTERM on exit
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from nexus.cli.commands import GUNICORN_ARGS

HOST = "127.0.0.1"
# Settings that would point the server somewhere else than its own SQLite file.
_SCRUBBED = ("DATABASE_URL", "REDIS_URL", "NEXUS_ENV", "SECRET_KEY", "OPENAI_API_KEY", "PORT")


def free_port() -> int:
    """A TCP port nobody listens on right now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    """gunicorn in a child process with its own SQLite database under ``tmp_path``."""

    def __init__(
        self,
        tmp_path: Path,
        env: Mapping[str, str] | None = None,
        *,
        workers: int = 2,
        threads: int = 4,
        graceful_timeout: int = 25,
        command: list[str] | None = None,
    ) -> None:
        self.tmp_path = tmp_path
        # What starts the server (default: gunicorn as the container starts it).
        self.command = command or [sys.executable, *GUNICORN_ARGS]
        self.port = free_port()
        self.graceful_timeout = graceful_timeout
        self.log_path = tmp_path / "gunicorn.log"
        prometheus_dir = tmp_path / "prometheus"
        prometheus_dir.mkdir(exist_ok=True)
        base = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
        self.env: dict[str, str] = {
            **base,
            "NEXUS_ENV": "development",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}",
            "HOST": HOST,
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": str(threads),
            "GUNICORN_GRACEFUL_TIMEOUT": str(graceful_timeout),
            "PROMETHEUS_MULTIPROC_DIR": str(prometheus_dir),
            "LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def cli(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run ``nexus ARGS…`` (the console script's code) with the server's environment."""
        return subprocess.run(
            [sys.executable, "-c", "from nexus.cli import main; main()", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )

    def migrate(self) -> None:
        self.cli("db", "upgrade")

    def start(self, timeout: float = 120) -> None:
        """Start gunicorn and wait until /health answers 200. The bound is generous: the app
        takes ~3 s to start on a quiet machine and was seen taking 30 s with both cores busy
        (a slow start is not what these tests are about)."""
        # Both outlive this method: stop() closes the log and reaps the process.
        self._log = self.log_path.open("wb")  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            self.command,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                status = self.get("/health", timeout=1)[0]
            except OSError:  # not listening yet
                status = 0
            if status == 200:
                return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer /health within {timeout} s:\n{self.log()}")

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, bytes]:
        """One request on a fresh connection (``Connection: close``); OSError on failure."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            connection.request(
                method, path, body=body, headers={"Connection": "close", **(headers or {})}
            )
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def get(self, path: str, timeout: float = 30) -> tuple[int, bytes]:
        return self.request("GET", path, timeout=timeout)

    def terminate(self) -> None:
        """Send SIGTERM to the gunicorn master (what the kubelet does after preStop)."""
        assert self.process is not None, "not started"
        self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> int:
        assert self.process is not None, "not started"
        return self.process.wait(timeout=timeout)

    def log(self) -> str:
        if self._log is not None:
            self._log.flush()
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        """SIGTERM, then SIGKILL past the graceful timeout; always reaps the process."""
        if self.process is not None and self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(timeout=self.graceful_timeout + 5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        self.migrate()
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
