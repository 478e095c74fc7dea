"""SIGTERM lets in-flight requests finish.

Kubernetes sends SIGTERM after the preStop pause; gunicorn must then stop accepting, let its
workers finish what they are serving (within GUNICORN_GRACEFUL_TIMEOUT) and exit 0. Here a
real gunicorn is loaded with concurrent real requests (sign-ins, which hash with argon2, and
readiness checks, which hit the database), SIGTERM arrives while they are being served, and
every one of them must complete with a proper answer.
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
# Between the last request sent and SIGTERM, so that every connection sent has been accepted
# by a worker: the preStop pause plays this part in the cluster.
SETTLE_SECONDS = 0.05


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
            status, _ = server.request(method, path, body, headers)
        except Exception as exc:  # noqa: BLE001  # pylint: disable=broad-exception-caught
            # Any failure (reset, refused, timeout) is what this test looks for.
            out.append(Outcome(path, sent_at, time.monotonic(), None, repr(exc)))
        else:
            out.append(Outcome(path, sent_at, time.monotonic(), status))


@pytest.mark.slow
def test_sigterm_lets_in_flight_requests_finish(tmp_path: Path) -> None:
    server = LiveServer(
        tmp_path,
        # Sign-in throttling would answer the flood with quick 429s instead of real work.
        {"LOGIN_LIMIT_PER_ADDRESS": "100000 per minute"},
        graceful_timeout=GRACEFUL_TIMEOUT,
    )
    with server:
        outcomes: list[Outcome] = []
        stop = threading.Event()
        clients = [
            threading.Thread(target=_client, args=(server, i, stop, outcomes), daemon=True)
            for i in range(CLIENTS)
        ]
        for thread in clients:
            thread.start()
        deadline = time.monotonic() + 30
        while len(outcomes) < WARM_UP_REQUESTS and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(outcomes) >= WARM_UP_REQUESTS, f"no steady load:\n{server.log()}"

        stop.set()  # each client finishes the request it has in flight, and sends no more
        time.sleep(SETTLE_SECONDS)
        signalled_at = time.monotonic()
        server.terminate()
        for thread in clients:
            thread.join(timeout=GRACEFUL_TIMEOUT)
        exit_code = server.wait(timeout=GRACEFUL_TIMEOUT + 5)
        stopped_after = time.monotonic() - signalled_at

        assert not any(thread.is_alive() for thread in clients)
        failed = [o for o in outcomes if o.status is None or o.status >= 500]
        assert failed == [], f"{len(failed)} request(s) failed:\n{failed[:5]}\n{server.log()}"
        assert {o.status for o in outcomes if o.path == "/ready"} == {200}
        assert {o.status for o in outcomes if o.path == "/api/v1/auth/login"} == {401}
        # The signal did land in the middle of the load: requests were answered after it.
        in_flight = [o for o in outcomes if o.sent_at < signalled_at < o.done_at]
        assert len(in_flight) >= 4, f"only {len(in_flight)} request(s) in flight at SIGTERM"
        assert exit_code == 0, server.log()
        assert stopped_after < GRACEFUL_TIMEOUT
        # And it no longer listens.
        with pytest.raises(OSError):
            server.get("/health", timeout=2)
