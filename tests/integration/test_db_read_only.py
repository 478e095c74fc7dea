"""GET/HEAD/OPTIONS requests read outside any transaction and cannot write (nexus.db).

An app on a database of its own (no savepoint bind: the production path), on the suite's
backend. The statements themselves (no BEGIN/COMMIT on a read) are counted at the wire by
tests/integration/performance/test_round_trips.py.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from sqlalchemy import event, update

from nexus import create_app
from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.db import Database, ReadOnlySession, WriteInReadOnlyRequest, db
from nexus.migrations import runner
from tests.conftest import USES_POSTGRES, make_settings
from tests.support import services
from tests.support.api import Api


@pytest.fixture()
def own_database(tmp_path: Path) -> Iterator[str]:
    if USES_POSTGRES:
        with services.scratch_database(services.require_postgres(), "nexus_reads") as url:
            yield url
        return
    yield f"sqlite:///{tmp_path / 'reads.db'}"


@pytest.fixture()
def own_app(own_database: str) -> Iterator[Flask]:
    settings = make_settings(
        own_database, sqlite_immediate_transactions=True, db_pool_size=1, db_max_overflow=0
    )
    runner.upgrade(settings)
    app = create_app(settings)
    yield app
    Database.engine_for(app).dispose()


def _api(app: Flask) -> Api:
    return Api(app.test_client(), app, Database.factory_for(app)())


def test_a_get_session_is_read_only_and_a_post_session_is_not(own_app: Flask) -> None:
    with own_app.test_request_context("/api/v1/auth/me", method="GET"):
        assert isinstance(db.session, ReadOnlySession)
    with own_app.test_request_context("/api/v1/auth/login", method="POST"):
        assert not isinstance(db.session, ReadOnlySession)


def test_a_get_that_writes_is_refused_before_anything_is_stored(own_app: Flask) -> None:
    api = _api(own_app)
    actor = api.actor(Role.STUDENT)
    with own_app.test_request_context("/api/v1/auth/me", method="GET"):
        user = db.session.get_one(User, actor.user.id)
        user.first_name = "Changé"
        with pytest.raises(WriteInReadOnlyRequest, match="GET /api/v1/auth/me"):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(WriteInReadOnlyRequest):
            db.session.execute(update(User).where(User.id == user.id).values(first_name="Non"))
    api.session.expire_all()
    assert api.session.get_one(User, actor.user.id).first_name == actor.user.first_name


def test_after_a_read_the_pooled_connection_writes_in_a_transaction_again(
    own_app: Flask,
) -> None:
    """One pooled connection serves a read (no BEGIN), then a sign-in (a write: BEGIN)."""
    api = _api(own_app)
    actor = api.actor(Role.STUDENT)
    engine = Database.engine_for(own_app)
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement.split()[0].upper())

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert api.get("/api/v1/auth/me", actor).status_code == 200
        read = list(statements)
        if USES_POSTGRES:
            raw = engine.raw_connection()
            try:  # back in the pool: no longer in autocommit
                assert raw.driver_connection.autocommit is False  # type: ignore[union-attr]
            finally:
                raw.close()
        statements.clear()
        assert api.login(actor.user.email, actor.password).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert "SELECT" in read and "BEGIN" not in read
    if not USES_POSTGRES:  # on PostgreSQL psycopg sends BEGIN itself, below these events
        assert statements[0] == "BEGIN", statements
    assert "UPDATE" in statements  # last_login_at, inside that transaction


@pytest.mark.skipif(USES_POSTGRES, reason="SQLite's write lock; PostgreSQL has no such lock")
def test_on_sqlite_a_read_does_not_wait_for_the_write_lock(
    own_app: Flask, own_database: str
) -> None:
    api = _api(own_app)
    actor = api.actor(Role.PARENT)
    holder = sqlite3.connect(own_database.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process writing, for the whole request
        response = api.get("/api/v1/auth/me", actor)
        assert response.status_code == 200, response.get_json()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.skipif(not USES_POSTGRES, reason="a server connection to terminate")
def test_a_connection_that_died_while_idle_is_replaced_without_an_error(
    own_app: Flask, own_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = _api(own_app)
    actor = api.actor(Role.TEACHER)
    assert api.get("/api/v1/auth/me", actor).status_code == 200
    name = own_database.rsplit("/", 1)[1]
    with psycopg.connect(services.postgres_server_url(), autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
    monkeypatch.setattr(sys.modules["nexus.db"], "PING_AFTER_IDLE_SECONDS", 0.0)
    response = api.get("/api/v1/auth/me", actor)
    assert response.status_code == 200, response.get_json()


@pytest.mark.skipif(not USES_POSTGRES, reason="the idle ping is PostgreSQL's")
def test_a_live_connection_pinged_after_idleness_serves_reads_and_writes(
    own_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ping's own transaction is ended: a read then switches the connection to autocommit."""
    api = _api(own_app)
    actor = api.actor(Role.TEACHER)
    assert api.get("/api/v1/auth/me", actor).status_code == 200
    monkeypatch.setattr(sys.modules["nexus.db"], "PING_AFTER_IDLE_SECONDS", 0.0)
    for _ in range(3):
        response = api.get("/api/v1/auth/me", actor)
        assert response.status_code == 200, response.get_json()
    response = api.put("/api/v1/teachers/me/profile", actor, json={"bio": "Pinged, then written."})
    assert response.status_code == 200, response.get_json()
    profile = api.get("/api/v1/teachers/me/profile", actor).get_json()
    assert profile["bio"] == "Pinged, then written."
