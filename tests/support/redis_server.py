"""A private redis-server the test can stop and start again (the shared one stays untouched)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from flask import Flask

from tests.support.services import free_port, unavailable


class PrivateRedis:
    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server", "the binary is not installed")
        # The process outlives this method: stop() terminates it.
        self._process = subprocess.Popen(  # pylint: disable=consider-using-with
            [
                str(binary),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, decode_responses=True)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


def close_redis_clients(app: Flask) -> None:
    """Close what an app opened to a private server: its client and the rate limiter's (the
    limiter is process-wide: the next app replaces its storage and would drop it unclosed)."""
    from nexus import redis_ext
    from nexus.ratelimit import limiter

    client = redis_ext.get_redis(app)
    if client is not None:
        client.close()
    storage = getattr(limiter, "_storage", None)
    if storage is not None and hasattr(storage, "get_connection"):
        storage.get_connection().close()


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
