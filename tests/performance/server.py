"""A gunicorn server for the load test, and the memory of its whole process tree.

Started exactly as the container starts it (``-c python:nexus.ops.gunicorn_conf``) on a free
loopback port. Memory is read from ``/proc``: ``VmRSS`` of ``/proc/<pid>/status`` summed over
the master and its workers (counts a page shared by several processes once in each: an upper
bound, reported), and ``Pss`` of ``/proc/<pid>/smaps_rollup`` summed (shared
pages split between the processes sharing them: each physical page once, as the pod's memory
cgroup counts it; the budget is checked against this one).
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def get(port: int, path: str, headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers=dict(headers or {}))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Gunicorn:
    """``python -m gunicorn -c python:nexus.ops.gunicorn_conf APP`` in a child process."""

    def __init__(self, python: str, app: str, env: Mapping[str, str], log_path: Path) -> None:
        self.python, self.app, self.log_path = python, app, log_path
        self.port = free_port()
        self.env = {**env, "HOST": HOST, "PORT": str(self.port)}
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, health_path: str = "/health", timeout: float = 60) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [self.python, "-m", "gunicorn", "-c", "python:nexus.ops.gunicorn_conf", self.app],
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                if get(self.port, health_path)[0] == 200 and self._all_workers_up():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(
            f"gunicorn did not answer {health_path} in {timeout:.0f} s; see {self.log_path}"
        )

    def _all_workers_up(self) -> bool:
        """/health answers as soon as one worker is up; a measurement needs all of them."""
        wanted = int(self.env.get("WEB_CONCURRENCY", "2"))
        return self.process is not None and len(children(self.process.pid)) >= wanted

    def pids(self) -> list[int]:
        """The master and its workers."""
        if self.process is None:
            return []
        return [self.process.pid, *children(self.process.pid)]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _kib(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass(frozen=True)
class MemorySample:
    at: float
    processes: int
    rss_mb: float
    pss_mb: float


def sample(pids: list[int]) -> MemorySample:
    rss = sum(_kib(Path(f"/proc/{pid}/status"), "VmRSS:") for pid in pids)
    pss = sum(_kib(Path(f"/proc/{pid}/smaps_rollup"), "Pss:") for pid in pids)
    return MemorySample(time.monotonic(), len(pids), rss / 1024, pss / 1024)


class MemoryWatch:
    """Samples a server's process tree every ``interval`` seconds in a background thread."""

    def __init__(self, server: Gunicorn, interval: float = 1.0) -> None:
        self.server, self.interval = server, interval
        self.samples: list[MemorySample] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(sample(self.server.pids()))
            self._stop.wait(self.interval)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.samples.append(sample(self.server.pids()))

    def summary(self) -> dict[str, object]:
        if not self.samples:
            return {}
        peak_rss = max(s.rss_mb for s in self.samples)
        peak_pss = max(s.pss_mb for s in self.samples)
        first, last = self.samples[0], self.samples[-1]
        return {
            "measure": "PSS (smaps_rollup) summed over the gunicorn master and workers; "
            "VmRSS sum beside it (counts shared pages once per process)",
            "processes": last.processes,
            "peak_rss_mb": round(peak_rss, 1),
            "peak_pss_mb": round(peak_pss, 1),
            "start_pss_mb": round(first.pss_mb, 1),
            "end_pss_mb": round(last.pss_mb, 1),
            "start_rss_mb": round(first.rss_mb, 1),
            "end_rss_mb": round(last.rss_mb, 1),
            "description": (
                f"{last.processes} processes; peak PSS sum {peak_pss:.0f} MB (VmRSS sum "
                f"{peak_rss:.0f} MB); PSS sum at start {first.pss_mb:.0f} MB, at end "
                f"{last.pss_mb:.0f} MB"
            ),
        }


def production_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The parent environment without what would point the server elsewhere, plus ``extra``."""
    scrubbed = ("DATABASE_URL", "REDIS_URL", "NEXUS_ENV", "SECRET_KEY", "OPENAI_API_KEY", "PORT")
    return {**{k: v for k, v in os.environ.items() if k not in scrubbed}, **extra}
