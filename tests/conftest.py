"""Suite-wide fixtures.

The backend under test follows the environment: ``DATABASE_URL`` pointing at PostgreSQL makes
the suite create (and drop) its own database on that server; otherwise it runs on a SQLite
file. ``REDIS_URL`` switches caches, rate limits and revocation to Redis. The schema is built
once per session by the real Alembic migrations; each test runs inside a transaction that is
rolled back at teardown (requests commit SAVEPOINTs), so tests never see each other's data.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from nexus import create_app
from nexus.config import Environment, Settings
from nexus.db import build_engine
from nexus.migrations import runner
from tests import factories
from tests.support import services
from tests.support.api import Api
from tests.support.query_counter import QueryCounter
from tests.support.redis_keys import forget_prefix

USES_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
USES_REDIS = bool(os.environ.get("REDIS_URL"))


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "NEXUS_ENV": Environment.TEST,
        "database_url": database_url,
        "redis_url": services.redis_server_url() if USES_REDIS else None,
        "secret_key": "test-secret-key-" + uuid.uuid4().hex,
        "cache_key_prefix": f"nexus-test-{uuid.uuid4().hex[:10]}:",
        "argon2_time_cost": 1,
        "argon2_memory_cost_kib": 64,
        "argon2_parallelism": 1,
        "refresh_token_ttl_seconds": 3600,
        "log_level": "WARNING",
        # In-process tests read what was logged right after the request that logged it.
        "log_flush_seconds": 0,
        # The shared test database is opened by several connections while a test's outer
        # transaction is open; apps on their own database (live servers) use the default.
        "sqlite_immediate_transactions": False,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if USES_POSTGRES:
        server = services.require_postgres()
        with services.scratch_database(server) as url:
            yield url
        return
    path: Path = tmp_path_factory.mktemp("db") / "nexus-test.db"
    yield f"sqlite:///{path}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    if USES_REDIS:
        services.require_redis()
    settings = make_settings(database_url)
    runner.upgrade(settings)
    engine = build_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture()
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture()
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture()
def app(settings: Settings, connection: Connection) -> Iterator[Flask]:
    app = create_app(settings, bind=connection)
    app.testing = True
    yield app
    _forget_redis_keys(app, settings)


def _forget_redis_keys(app: Flask, settings: Settings) -> None:
    from nexus import redis_ext

    client = redis_ext.get_redis(app)
    if client is None:
        return
    try:
        forget_prefix(client, settings.cache_key_prefix)
    finally:
        client.close()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def session(app: Flask, connection: Connection) -> Iterator[Session]:
    """A session on the test's connection, for arranging data and checking what was stored."""
    from nexus.db import Database

    # No app context is held open here: requests must each push their own.
    sess = Database.factory_for(app)()
    # The factories (tests/factories/) add their rows to this session.
    with factories.bound(sess):
        yield sess
    sess.close()


@pytest.fixture()
def api(client: FlaskClient, app: Flask, session: Session) -> Api:
    return Api(client, app, session)


@pytest.fixture()
def fresh_engine_factory() -> Iterator[object]:
    """Engines created by a test are disposed at its end."""
    created: list[Engine] = []

    def make(url: str) -> Engine:
        eng = create_engine(url)
        created.append(eng)
        return eng

    yield make
    for eng in created:
        eng.dispose()


@pytest.fixture()
def query_counter(connection: Connection) -> QueryCounter:
    return QueryCounter(connection)
