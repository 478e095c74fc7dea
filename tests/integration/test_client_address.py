"""The client address behind proxies (issue 10, defect 5), over real HTTP to gunicorn.

With TRUSTED_PROXY_HOPS=1 (the overlays: ingress-nginx in front) the login limit per account
and address, and the access log, use the address the proxy appended to X-Forwarded-For;
entries a client wrote before it are ignored. With 0 (the default) the header changes nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from itertools import count

import pytest

from tests.support.live_server import LiveServer

LIMIT = 2  # failed sign-ins per account and address and minute in these servers
_accounts = count()


def _serve(tmp_path_factory: pytest.TempPathFactory, hops: int) -> Iterator[LiveServer]:
    live = LiveServer(
        tmp_path_factory.mktemp(f"proxy-{hops}"),
        {
            "TRUSTED_PROXY_HOPS": str(hops),
            "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS": f"{LIMIT} per minute",
            "LOG_LEVEL": "INFO",
        },
        # One process: without Redis the limiter counts in process memory.
        workers=1,
    )
    live.migrate()
    live.start(timeout=120)
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def one_hop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from _serve(tmp_path_factory, 1)


@pytest.fixture(scope="module")
def no_hops(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from _serve(tmp_path_factory, 0)


def new_account() -> str:
    """An e-mail no other test signs in with (the servers are shared by the module)."""
    return f"owner{next(_accounts)}@example.com"


def login(server: LiveServer, email: str, forwarded_for: str | None) -> int:
    """A failed sign-in to ``email``: the per account+address limit is the one that bites."""
    body = json.dumps({"email": email, "password": "x" * 12})
    headers = {"Content-Type": "application/json"}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    return server.request("POST", "/api/v1/auth/login", body.encode(), headers)[0]


def logged_addresses(server: LiveServer, since: int, expected: int) -> list[str]:
    """remote_addr of the access-log lines of the login attempts, from line ``since`` on: the
    server writes its log in batches (nexus.ops.log_buffer), so wait for ``expected`` lines."""
    deadline = time.monotonic() + 10
    lines: list[str] = []
    while time.monotonic() < deadline:
        lines = server.log().splitlines()[since:]
        if sum('"path": "/api/v1/auth/login"' in line for line in lines) >= expected:
            break
        time.sleep(0.1)
    records = [json.loads(line) for line in lines if line.startswith("{")]
    return [
        r["remote_addr"]
        for r in records
        if r.get("logger") == "nexus.access" and r.get("path") == "/api/v1/auth/login"
    ]


def log_length(server: LiveServer) -> int:
    return len(server.log().splitlines())


def test_one_trusted_hop_limits_and_logs_each_client_apart(one_hop: LiveServer) -> None:
    server = one_hop
    start = log_length(server)
    email = new_account()
    first = [login(server, email, "203.0.113.7") for _ in range(LIMIT + 1)]
    # Another client through the same proxy keeps its own allowance for the same account.
    second = [login(server, email, "198.51.100.9") for _ in range(LIMIT)]

    assert first == [401] * LIMIT + [429]
    assert second == [401] * LIMIT
    assert (
        logged_addresses(server, start, 2 * LIMIT + 1)
        == ["203.0.113.7"] * (LIMIT + 1) + ["198.51.100.9"] * LIMIT
    )


def test_one_trusted_hop_believes_only_the_last_entry(one_hop: LiveServer) -> None:
    server = one_hop
    start = log_length(server)
    # A client prepends made-up addresses; the proxy appends the one it saw (192.0.2.44).
    email = new_account()
    statuses = [login(server, email, f"10.9.8.{n}, 192.0.2.44") for n in range(LIMIT + 1)]

    assert statuses == [401] * LIMIT + [429]
    assert logged_addresses(server, start, LIMIT + 1) == ["192.0.2.44"] * (LIMIT + 1)


def test_without_trusted_hops_a_forged_header_changes_nothing(no_hops: LiveServer) -> None:
    server = no_hops
    start = log_length(server)
    # A new made-up address on every attempt: still one client, 127.0.0.1, one allowance.
    email = new_account()
    statuses = [login(server, email, f"203.0.113.{n}") for n in range(LIMIT + 1)]

    assert statuses == [401] * LIMIT + [429]
    assert logged_addresses(server, start, LIMIT + 1) == ["127.0.0.1"] * (LIMIT + 1)
