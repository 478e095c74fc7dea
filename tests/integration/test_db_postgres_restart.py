"""PostgreSQL restarted under load: 503 JSON with Retry-After meanwhile, then recovery by itself.

Runs on a private cluster (tests/support/postgres_server.py) so the shared server is untouched.
Traffic: bounded loops from a few threads over real HTTP to a live server on loopback.
"""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import create_engine, select

from nexus import create_app
from nexus.accounts.models import User
from nexus.db import Database
from nexus.migrations import runner
from tests.conftest import make_settings
from tests.support.http import HttpResponse, request
from tests.support.postgres_server import private_postgres
from tests.support.threaded_server import serve_in_thread

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
PASSWORD = "Révisions2026!"


def _register(base_url: str, email: str) -> HttpResponse:
    payload = {
        "email": email,
        "password": PASSWORD,
        "role": "student",
        "first_name": "A",
        "last_name": "B",
    }
    return request("POST", f"{base_url}/api/v1/auth/register", payload)


def test_requests_during_a_restart_get_503_and_the_app_recovers() -> None:
    with private_postgres() as pg:
        settings = make_settings(
            pg.url,
            redis_url=None,
            db_pool_timeout_seconds=2.0,
            # One client address registers hundreds of accounts here, on purpose.
            register_limit_per_address="100000 per minute",
        )
        runner.upgrade(settings)
        app = create_app(settings)
        outcomes: list[tuple[str, int, dict[str, object], str | None]] = []
        lock = threading.Lock()
        stop = threading.Event()

        with serve_in_thread(app) as base_url:

            def writer() -> None:
                for _ in range(400):  # bounded: ends by itself
                    if stop.is_set():
                        return
                    email = f"charge-{uuid.uuid4().hex[:10]}@example.fr"
                    response = _register(base_url, email)
                    with lock:
                        outcomes.append(
                            (
                                email,
                                response.status_code,
                                response.json(),
                                response.headers.get("Retry-After"),
                            )
                        )
                    time.sleep(0.01)

            threads = [threading.Thread(target=writer) for _ in range(3)]
            for thread in threads:
                thread.start()
            time.sleep(0.5)
            pg.stop()
            during = request("GET", f"{base_url}/ready")
            outage_write = _register(base_url, "pendant-la-panne@example.fr")
            time.sleep(0.8)
            pg.start()
            recovered_at = None
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                if request("GET", f"{base_url}/ready").status_code == 200:
                    recovered_at = time.monotonic()
                    break
                time.sleep(0.1)
            after = _register(base_url, "apres-la-panne@example.fr")
            time.sleep(0.3)
            stop.set()
            for thread in threads:
                thread.join(timeout=30)

        Database.engine_for(app).dispose()
        engine = create_engine(settings.database_url)
        try:
            with engine.connect() as conn:
                emails = set(conn.scalars(select(User.email)))
        finally:
            engine.dispose()

    assert during.status_code == 503
    assert during.json()["error"]["fields"][0]["field"] == "database"
    assert outage_write.status_code == 503
    assert outage_write.headers["Retry-After"] == "5"
    assert outage_write.json()["error"]["code"] == "database_unavailable"
    assert recovered_at is not None, "the app did not recover by itself"
    assert after.status_code == 202

    statuses = {status for _, status, _, _ in outcomes}
    assert statuses <= {202, 503}, statuses
    assert 202 in statuses
    for _, status, body, retry_after in outcomes:
        if status == 503:
            assert body["error"]["code"] == "database_unavailable"
            assert retry_after == "5"

    # Nothing lost, nothing half-written: exactly the acknowledged accounts exist.
    acknowledged = {email for email, status, _, _ in outcomes if status == 202}
    refused = {email for email, status, _, _ in outcomes if status == 503}
    assert acknowledged <= emails
    assert not refused & emails
    assert "pendant-la-panne@example.fr" not in emails
    assert "apres-la-panne@example.fr" in emails
