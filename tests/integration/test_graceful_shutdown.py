"""SIGTERM lets in-flight requests finish.

Kubernetes sends SIGTERM after the preStop pause; gunicorn must then stop accepting, let its
workers finish what they are serving (within GUNICORN_GRACEFUL_TIMEOUT) and exit 0. Here a
real gunicorn is loaded with concurrent real requests (sign-ins, which hash with argon2, and
readiness checks, which hit the database), SIGTERM arrives while they are being served, and
every one of them must complete with a proper answer.

On a busy machine everything is slower, never wrong: startup, migrations and each request get
waits bounded by the graceful timeout rather than fixed short ones, and sign-ins hash with cheap
argon2 parameters (the shutdown is under test, not the hash's cost; with the production cost a
sign-in holds SQLite's write lock for a whole hash and the queue is what the busy timeout in
nexus.db is sized for).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

try:
    from tests.support.live_server import LiveServer
except ModuleNotFoundError:  # pytest started without the repository root on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.support.live_server import LiveServer

CLIENTS = 12  # more than the server's 2 workers x 4 threads: some requests queue in the workers
WARM_UP_REQUESTS = CLIENTS
GRACEFUL_TIMEOUT = 25  # GUNICORN_GRACEFUL_TIMEOUT in the Deployment
# A request may wait its turn for the whole graceful period, and then be served.
REQUEST_TIMEOUT = GRACEFUL_TIMEOUT + 30
STARTUP_TIMEOUT = 300  # migrations and gunicorn's boot on a machine whose cores are all busy
# Between the last request sent and SIGTERM, so that every connection sent has been accepted
# by a worker: the preStop pause plays this part in the cluster.
SETTLE_SECONDS = 0.05
ATTEMPTS = 3


@dataclass(frozen=True)
class Outcome:
    path: str
    sent_at: float
    done_at: float
    status: int | None  # None: the request failed at the connection level
    error: str = ""


def _client(server: LiveServer, index: int, stop: threading.Event, out: list[Outcome]) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        method, body, headers = "GET", None, None
        if n % 2:
            # An unknown account: a real argon2 verification (burn_time), then 401.
            method, path = "POST", "/api/v1/auth/login"
            email = f"shutdown-{index}-{n}@nexus-reussite.fr"
            body = json.dumps({"email": email, "password": "Wrong-pass-42"}).encode()
            headers = {"Content-Type": "application/json"}
        else:
            path = "/ready"
        sent_at = time.monotonic()
        try:
            status, _ = server.request(method, path, body, headers, timeout=REQUEST_TIMEOUT)
        except Exception as exc:  # noqa: BLE001  # pylint: disable=broad-exception-caught
            # Any failure (reset, refused, timeout) is what this test looks for.
            out.append(Outcome(path, sent_at, time.monotonic(), None, repr(exc)))
        else:
            out.append(Outcome(path, sent_at, time.monotonic(), status))


def _one_shutdown(tmp_path: Path) -> int:
    """Serve a load, SIGTERM in the middle of it; check what must always hold. Returns how
    many requests were in flight when the signal landed (how much the run proved)."""
    tmp_path.mkdir()
    server = LiveServer(
        tmp_path,
        {
            # Sign-in throttling would answer the flood with quick 429s instead of real work.
            "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
            "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_COST_KIB": "1024",
            "ARGON2_PARALLELISM": "1",
        },
        graceful_timeout=GRACEFUL_TIMEOUT,
    )
    server.cli("db", "upgrade", timeout=STARTUP_TIMEOUT)
    server.start(timeout=STARTUP_TIMEOUT)
    try:
        outcomes: list[Outcome] = []
        stop = threading.Event()
        clients = [
            threading.Thread(target=_client, args=(server, i, stop, outcomes), daemon=True)
            for i in range(CLIENTS)
        ]
        for thread in clients:
            thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while len(outcomes) < WARM_UP_REQUESTS and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(outcomes) >= WARM_UP_REQUESTS, f"no steady load:\n{server.log()}"

        stop.set()  # each client finishes the request it has in flight, and sends no more
        time.sleep(SETTLE_SECONDS)
        signalled_at = time.monotonic()
        server.terminate()
        for thread in clients:
            thread.join(timeout=REQUEST_TIMEOUT)
        exit_code = server.wait(timeout=GRACEFUL_TIMEOUT + 5)
        stopped_after = time.monotonic() - signalled_at

        assert not any(thread.is_alive() for thread in clients)
        # Every request sent completed with its real answer, however slow the machine.
        failed = [o for o in outcomes if o.status is None or o.status >= 500]
        assert failed == [], f"{len(failed)} request(s) failed:\n{failed[:5]}\n{server.log()}"
        assert {o.status for o in outcomes if o.path == "/ready"} == {200}
        assert {o.status for o in outcomes if o.path == "/api/v1/auth/login"} == {401}
        assert exit_code == 0, server.log()
        assert stopped_after < GRACEFUL_TIMEOUT
        # And it no longer listens.
        with pytest.raises(OSError):
            server.get("/health", timeout=2)
        return len([o for o in outcomes if o.sent_at < signalled_at < o.done_at])
    finally:
        server.stop()


@pytest.mark.slow
def test_sigterm_lets_in_flight_requests_finish(tmp_path: Path) -> None:
    # What must hold is checked on every run. Whether the signal caught requests in flight
    # depends on the scheduler (a fast machine may answer them all within the settle pause):
    # a run that caught none proved nothing and is done again, up to ATTEMPTS times.
    caught = []
    for attempt in range(ATTEMPTS):
        caught.append(_one_shutdown(tmp_path / f"run-{attempt}"))
        if caught[-1] > 0:
            return
    pytest.fail(f"SIGTERM never landed while a request was in flight ({caught})")
