"""gunicorn as the container runs it: the production refusal without shared rate-limit storage,
and gunicorn's own answers (request line, headers too large) in the API's error shape."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from nexus.cli.commands import GUNICORN_ARGS
from nexus.config import Settings
from nexus.ratelimit import refuse_unshared_storage
from tests.support.live_server import HOST, LiveServer, free_port

pytestmark = pytest.mark.slow


def _production_env(**extra: str) -> dict[str, str]:
    scrubbed = ("DATABASE_URL", "REDIS_URL", "NEXUS_ENV", "SECRET_KEY", "WEB_CONCURRENCY")
    return {
        **{k: v for k, v in os.environ.items() if k not in scrubbed},
        "NEXUS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        # Never connected to: the refusal comes first.
        "DATABASE_URL": "postgresql://nexus@127.0.0.1:9/nexus",
        "HOST": HOST,
        "PORT": str(free_port()),
        **extra,
    }


def test_production_refuses_several_workers_without_redis(tmp_path: Path) -> None:
    env = _production_env(WEB_CONCURRENCY="2", PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, *GUNICORN_ARGS],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("nexus: refusing to start: 2 worker processes")
    assert "REDIS_URL" in lines[0]


@pytest.mark.parametrize(("workers", "redis_url"), [(1, None), (2, "redis://127.0.0.1:6379/0")])
def test_production_accepts_one_worker_or_shared_storage(
    workers: int, redis_url: str | None
) -> None:
    settings = Settings(
        NEXUS_ENV="production",  # type: ignore[call-arg]
        NEXUS_WORKER_PROCESSES=workers,
        secret_key=secrets.token_urlsafe(48),
        database_url="postgresql://nexus@127.0.0.1:9/nexus",
        redis_url=redis_url,
    )
    refuse_unshared_storage(settings)  # returns: no SystemExit


def _raw(port: int, payload: bytes) -> bytes:
    with socket.create_connection((HOST, port), timeout=30) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_gunicorn_limits_answer_in_the_error_shape(tmp_path: Path) -> None:
    with LiveServer(tmp_path, workers=1, threads=2) as server:
        long_line = _raw(
            server.port, b"GET /api/v1/" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        big_header = _raw(
            server.port,
            b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n",
        )
    for raw, status, code in (
        (long_line, 414, "request_line_too_long"),
        (big_header, 431, "request_headers_too_large"),
    ):
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        assert lines[0].startswith(f"HTTP/1.1 {status} "), lines[0]
        assert headers["content-type"] == "application/json"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["cache-control"] == "no-store"
        assert "content-security-policy" in headers
        error = json.loads(body)["error"]
        assert (error["status"], error["code"]) == (status, code)
        assert set(error) == {"status", "code", "message", "fields", "request_id"}
