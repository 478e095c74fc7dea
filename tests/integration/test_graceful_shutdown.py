"""SIGTERM lets in-flight requests finish.

Kubernetes sends SIGTERM after the preStop pause; gunicorn must then stop accepting, let its
workers finish what they are serving (within GUNICORN_GRACEFUL_TIMEOUT) and exit 0.

Here a real gunicorn first serves a steady load (sign-ins, which hash with argon2, and
readiness checks, which hit the database). Then the test holds SQLite's write lock, the way a
long transaction would, and sends more sign-ins than the server has threads: each one stops in
its BEGIN IMMEDIATE, so all of them are surely in flight, whatever the machine's speed, when
SIGTERM arrives. The server must keep running while they wait, answer every one of them once
the lock is released — those the saturated workers left in the listening socket's queue
included — exit 0 within the graceful timeout, and no longer listen.

On a busy machine everything is slower, never wrong: startup, migrations and each request get
waits bounded by the graceful timeout rather than fixed short ones, and sign-ins hash with cheap
argon2 parameters (the shutdown is under test, not the hash's cost).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

try:
    from tests.support.live_server import HOST, LiveServer
except ModuleNotFoundError:  # pytest started without the repository root on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.support.live_server import HOST, LiveServer

CLIENTS = 12  # more than the server's 2 workers x 4 threads: some requests queue
QUEUED = CLIENTS - 2 * 4  # left in the listening socket's queue by the saturated workers
WARM_UP_REQUESTS = 2 * CLIENTS
GRACEFUL_TIMEOUT = 25  # GUNICORN_GRACEFUL_TIMEOUT in the Deployment
# A request may wait its turn for the whole graceful period, and then be served.
REQUEST_TIMEOUT = GRACEFUL_TIMEOUT + 30
STARTUP_TIMEOUT = 300  # migrations and gunicorn's boot on a machine whose cores are all busy
# How long the held requests stay blocked after SIGTERM: the server must not exit meanwhile.
HELD_AFTER_SIGNAL = 1.0
LOGIN = "/api/v1/auth/login"


@dataclass(frozen=True)
class Outcome:
    path: str
    sent_at: float
    done_at: float
    status: int | None  # None: the request failed at the connection level
    error: str = ""


def _sign_in_body(tag: str) -> bytes:
    # An unknown account: a real argon2 verification (burn_time), then 401.
    return json.dumps(
        {"email": f"shutdown-{tag}@nexus-reussite.fr", "password": "Wrong-42"}
    ).encode()


def _send(
    server: LiveServer, method: str, path: str, body: bytes | None, sent: threading.Semaphore
) -> Outcome:
    """One request on its own connection; ``sent`` is released once the request is written."""
    sent_at = time.monotonic()
    connection = http.client.HTTPConnection(HOST, server.port, timeout=REQUEST_TIMEOUT)
    try:
        headers = {"Connection": "close", "Content-Type": "application/json"}
        connection.request(method, path, body=body, headers=headers)
        sent.release()
        response = connection.getresponse()
        response.read()
    except Exception as exc:  # noqa: BLE001  # pylint: disable=broad-exception-caught
        # Any failure (reset, refused, timeout) is what this test looks for.
        return Outcome(path, sent_at, time.monotonic(), None, repr(exc))
    finally:
        connection.close()
    return Outcome(path, sent_at, time.monotonic(), response.status)


def _steady(server: LiveServer, index: int, stop: threading.Event, out: list[Outcome]) -> None:
    n, sent = 0, threading.Semaphore(0)
    while not stop.is_set():
        n += 1
        if n % 2:
            out.append(_send(server, "POST", LOGIN, _sign_in_body(f"{index}-{n}"), sent))
        else:
            out.append(_send(server, "GET", "/ready", None, sent))


def _accept_queue(port: int) -> int:
    """Connections the kernel completed on ``port`` that no worker has accepted yet (the
    rx_queue of a LISTEN socket in /proc/net/tcp is its accept queue's length)."""
    queued = 0
    for line in Path("/proc/net/tcp").read_text(encoding="ascii").splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
            queued += int(fields[4].split(":")[1], 16)
    return queued


def _assert_answered(outcomes: list[Outcome], server: LiveServer) -> None:
    failed = [o for o in outcomes if o.status is None or o.status >= 500]
    assert failed == [], f"{len(failed)} request(s) failed:\n{failed[:5]}\n{server.log()}"
    assert {o.status for o in outcomes if o.path == "/ready"} <= {200}
    assert {o.status for o in outcomes if o.path == LOGIN} == {401}


def _warm_up(server: LiveServer) -> None:
    """A steady mixed load, every request answered: the workers are booted and serving."""
    outcomes: list[Outcome] = []
    stop = threading.Event()
    threads = [
        threading.Thread(target=_steady, args=(server, i, stop, outcomes), daemon=True)
        for i in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while len(outcomes) < WARM_UP_REQUESTS and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT)
    assert len(outcomes) >= WARM_UP_REQUESTS, f"no steady load:\n{server.log()}"
    _assert_answered(outcomes, server)


def _signal_with_requests_held(server: LiveServer, database: Path) -> tuple[list[Outcome], float]:
    """Hold the write lock, the way a long transaction holds it, so that every sign-in waits;
    send CLIENTS of them, SIGTERM once the workers have them all, release the lock a little
    later. Returns their outcomes and when the signal was sent."""
    assert server.process is not None
    held: list[Outcome] = []
    sent = threading.Semaphore(0)
    clients = [
        threading.Thread(
            target=lambda i=i: held.append(
                _send(server, "POST", LOGIN, _sign_in_body(f"held-{i}"), sent)
            ),
            daemon=True,
        )
        for i in range(CLIENTS)
    ]
    with contextlib.closing(
        sqlite3.connect(database, isolation_level=None, timeout=STARTUP_TIMEOUT)
    ) as lock:
        lock.execute("BEGIN IMMEDIATE")
        for thread in clients:
            thread.start()
        for _ in range(CLIENTS):  # each release is a request written, nothing to give back
            # pylint: disable-next=consider-using-with
            assert sent.acquire(timeout=STARTUP_TIMEOUT), "a request could not be sent"
        # Every thread holds a sign-in; the others wait in the kernel's queue, where a saturated
        # worker leaves them (nexus.ops.gunicorn_worker): a graceful stop must serve those too.
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while _accept_queue(server.port) > QUEUED and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _accept_queue(server.port) == QUEUED, "the workers never accepted the connections"
        assert not held, f"sign-ins were answered with the write lock held: {held}"

        signalled_at = time.monotonic()
        server.terminate()
        time.sleep(HELD_AFTER_SIGNAL)
        assert server.process.poll() is None, f"gunicorn exited under load:\n{server.log()}"
        assert not held, f"requests ended before the lock was released: {held}"
        lock.rollback()
    for thread in clients:
        thread.join(timeout=REQUEST_TIMEOUT)
    assert not any(thread.is_alive() for thread in clients)
    return held, signalled_at


@pytest.mark.slow
def test_sigterm_lets_in_flight_requests_finish(tmp_path: Path) -> None:
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
        _warm_up(server)
        held, signalled_at = _signal_with_requests_held(server, tmp_path / "live.db")
        exit_code = server.wait(timeout=GRACEFUL_TIMEOUT + 5)
        stopped_after = time.monotonic() - signalled_at

        # Every request in flight completed with its real answer, however slow the machine.
        assert len(held) == CLIENTS
        _assert_answered(held, server)
        assert all(o.done_at > signalled_at for o in held)
        assert exit_code == 0, server.log()
        assert stopped_after < GRACEFUL_TIMEOUT
        # And it no longer listens.
        with pytest.raises(OSError):
            server.get("/health", timeout=2)
    finally:
        server.stop()
