"""Two processes (two apps on one database and one Redis): a logout in one is seen by the
other once its ``revocation_cache_seconds`` has passed, and at once by the one that logged
out. Runs on the suite's backend (the revocation is then read from Redis or the database)."""

from __future__ import annotations

import sys
import time

import pytest
from flask import Flask
from sqlalchemy.engine import Connection

from nexus import create_app
from nexus.accounts.roles import Role
from nexus.db import Database
from tests.conftest import make_settings
from tests.support.api import Api


def worker(app: Flask, connection: Connection, seconds: float) -> Api:
    settings = app.extensions["settings"]
    other = create_app(
        make_settings(
            settings.database_url,
            secret_key=settings.secret_key,
            cache_key_prefix=settings.cache_key_prefix,
            revocation_cache_seconds=seconds,
        ),
        bind=connection,
    )
    return Api(other.test_client(), other, Database.factory_for(other)())


class SteppedClock:
    """The revocation check's clock, moved by the test: a slow machine cannot stretch the
    documented window past what the test expects."""

    def __init__(self) -> None:
        self.now = time.monotonic()

    def monotonic(self) -> float:
        return self.now


def test_a_logout_elsewhere_is_seen_within_the_revocation_cache_time(
    app: Flask, connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = SteppedClock()
    monkeypatch.setattr(sys.modules["nexus.accounts.revocation"], "time", clock)
    first, second = worker(app, connection, 0.3), worker(app, connection, 0.3)
    actor = first.actor(Role.STUDENT)
    assert first.get("/api/v1/auth/me", actor).status_code == 200
    assert second.get("/api/v1/auth/me", actor).status_code == 200  # remembered as valid

    assert first.post("/api/v1/auth/logout", actor).status_code == 200
    assert first.get("/api/v1/auth/me", actor).status_code == 401  # its own: at once
    assert second.get("/api/v1/auth/me", actor).status_code == 200  # the documented window
    clock.now += 0.35
    assert second.get("/api/v1/auth/me", actor).status_code == 401


def test_without_the_cache_a_logout_elsewhere_is_seen_at_once(
    app: Flask, connection: Connection
) -> None:
    first, second = worker(app, connection, 0), worker(app, connection, 0)
    actor = first.actor(Role.PARENT)
    assert second.get("/api/v1/auth/me", actor).status_code == 200
    assert first.post("/api/v1/auth/logout", actor).status_code == 200
    assert second.get("/api/v1/auth/me", actor).status_code == 401
