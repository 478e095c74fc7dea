"""A production start as the container does it (``nexus serve``): a guessable SECRET_KEY or a
SQLite URL, whatever its case, stops the process with exit 2 and ONE line on stderr; a key
from ``secrets.token_urlsafe(48)`` starts gunicorn."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import services
from tests.support.live_server import HOST, free_port

NEXUS = str(Path(sys.executable).with_name("nexus"))
# The keys and a keyboard walk; tests/unit/test_config.py tries more.
WEAK_KEYS = [
    "changeme" * 8,
    "password" * 8,
    "abcdefghijklmnopqrstuvwxyz012345",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9",
]


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "SSL_CERT_FILE", "SYSTEMROOT")
    return {
        **{k: v for k, v in os.environ.items() if k in keep},
        "NEXUS_ENV": "production",
        # The servers the suite was given (a GitHub runner's services have passwords).
        "DATABASE_URL": services.postgres_server_url(),
        "REDIS_URL": services.redis_server_url(),
        "HOST": HOST,
        "PORT": str(free_port()),
        "WEB_CONCURRENCY": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        **values,
    }


def _refused(env: dict[str, str]) -> str:
    result = subprocess.run(
        [NEXUS, "serve"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("nexus: refusing to start: "), lines
    return lines[0]


@pytest.mark.parametrize("key", WEAK_KEYS)
def test_a_guessable_secret_key_stops_a_production_start(key: str, tmp_path: Path) -> None:
    line = _refused(_env(tmp_path, SECRET_KEY=key))
    assert "SECRET_KEY is weak" in line
    assert key not in line  # the key itself is never printed


@pytest.mark.parametrize("url", ["SQLITE:///instance/nexus.db", "Sqlite:////tmp/x.db"])
def test_a_sqlite_url_in_any_case_stops_a_production_start(url: str, tmp_path: Path) -> None:
    line = _refused(_env(tmp_path, SECRET_KEY=secrets.token_urlsafe(48), DATABASE_URL=url))
    assert "SQLite" in line


def test_a_generated_secret_key_starts_production(tmp_path: Path) -> None:
    services.require_postgres()
    env = _env(tmp_path, SECRET_KEY=secrets.token_urlsafe(48))
    # Ends by SIGTERM below; the log is read after it exits.
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [NEXUS, "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    status = 0
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None and status != 200:
            connection = http.client.HTTPConnection(HOST, int(env["PORT"]), timeout=2)
            try:
                connection.request("GET", "/health")
                status = connection.getresponse().status
            except OSError:
                time.sleep(0.2)
            finally:
                connection.close()
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    assert status == 200, output.decode(errors="replace")
    assert process.returncode == 0, output.decode(errors="replace")
