"""Database: declarative base, one engine per app, one session and one transaction per request.

Views never commit. ``after_request`` commits when the response is a success and rolls back
otherwise, so a request that fails half-way leaves nothing behind.

A request that cannot change anything (GET, HEAD, OPTIONS) reads without a transaction: on
PostgreSQL its connection is in autocommit, on SQLite no BEGIN is sent, which saves the BEGIN
and COMMIT round trips (two of the four statements of a one-query read) and, on SQLite, the
write lock a BEGIN IMMEDIATE would take. Nothing is lost: under PostgreSQL's READ COMMITTED
each statement already took its own snapshot inside a transaction. Such a session refuses to
write (``ReadOnlySession``): a safe method that wrote would commit statement by statement,
which is exactly what one transaction per request forbids.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import (
    JSON,
    CursorResult,
    DateTime,
    Delete,
    Enum,
    MetaData,
    TypeDecorator,
    create_engine,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    SessionTransaction,
    UOWTransaction,
    mapped_column,
    sessionmaker,
)
from sqlalchemy.pool import StaticPool

from nexus.config import Settings
from nexus.language import collation

logger = logging.getLogger("nexus.db")
_UNDO_KEY = "nexus.undo_on_rollback"
READ_ONLY_KEY = "nexus.read_only"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A pooled connection idle for longer than this is pinged (one SELECT 1) before it is handed
# out; a busy one is not: pinging every checkout (pool_pre_ping) was one round trip in four of a
# simple read. A connection that died while in use anyway (database restart) fails that request
# with a 503, and the pool then replaces every connection older than the failure.
PING_AFTER_IDLE_SECONDS = 10.0
_CHECKED_IN_AT = "nexus.checked_in_at"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):  # pylint: disable=too-many-ancestors
    """Timezone-aware datetimes on every backend (SQLite keeps no offset: we store UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, _dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


# JSON documents: JSONB on PostgreSQL, JSON text on SQLite.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def str_enum(cls: type, length: int = 24) -> Enum:
    """A portable enum column storing the members' values (no native PostgreSQL type)."""
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# How long a SQLite connection waits for the write lock before "database is locked" (a 503).
# Measured (2026-12, 2 cores, load average 11-12 from other processes plus two busy loops):
# gunicorn 2 workers x 4 threads, 12 clients signing in for 60 s, the wait in BEGIN IMMEDIATE
# was 8.6 s median, 31 s p95, 41 s max, because a sign-in holds the lock while argon2 runs.
# The former 5 s turned most of that burst into 503s. 30 s is gunicorn's worker timeout
# (GUNICORN_TIMEOUT): waiting longer is pointless, the worker would be recycled anyway.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_transactional(engine: Engine, immediate: bool) -> None:
    """Let SQLite honour BEGIN/SAVEPOINT like PostgreSQL (the pysqlite driver does not).

    ``immediate``: BEGIN IMMEDIATE. In WAL mode a deferred transaction that read, then writes
    after another connection committed, fails at once with SQLITE_BUSY (the busy timeout does
    not apply); taking the write lock up front makes concurrent writers queue instead.
    """
    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()
        dbapi_connection.create_collation(collation.NAME, collation.sqlite_compare)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if not conn.get_execution_options().get(READ_ONLY_KEY):
            conn.exec_driver_sql(begin)


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's pessimistic disconnect handling, for connections that sat idle only."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in_at = record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at < PING_AFTER_IDLE_SECONDS:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            # The driver opened a transaction for the ping: end it, or the connection is handed
            # out "in transaction" and a read-only request cannot switch it to autocommit.
            dbapi_connection.rollback()
        except Exception as error:  # the driver's own error types; any means "dead"
            # The pool discards this connection and checks out another (up to 3 times).
            raise DisconnectionError() from error


def build_engine(settings: Settings) -> Engine:
    url = settings.database_url
    if url.startswith("sqlite"):
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)
        _sqlite_transactional(engine, settings.sqlite_immediate_transactions)
        return engine
    connect_args: dict[str, Any] = {"connect_timeout": 5}
    if settings.db_statement_timeout_ms:
        connect_args["options"] = f"-c statement_timeout={settings.db_statement_timeout_ms}"
    engine = create_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
        pool_recycle=1800,
        connect_args=connect_args,
    )
    _ping_when_idle(engine)
    return engine


def _read_only_options(engine: Engine) -> dict[str, Any]:
    """Execution options of a read-only session's connections (see the module docstring)."""
    if engine.dialect.name == "sqlite":
        return {READ_ONLY_KEY: True}  # the "begin" listener sends no BEGIN
    return {READ_ONLY_KEY: True, "isolation_level": "AUTOCOMMIT"}


F = TypeVar("F", bound=Callable[..., object])
WRITES_ATTRIBUTE = "__nexus_writes_on_read__"


def writes(view: F) -> F:
    """Mark a GET view that may write (a record created on first use): it gets a transaction."""
    setattr(view, WRITES_ATTRIBUTE, True)
    return view


def _reads_only() -> bool:
    if not has_request_context() or request.method not in SAFE_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, WRITES_ATTRIBUTE, False)


class ReadOnlySession(Session):
    """The session of a GET/HEAD/OPTIONS request: reads in autocommit, refuses any write."""


class WriteInReadOnlyRequest(RuntimeError):
    """A request with a safe method tried to write: a bug in the view or service."""


def _refuse_flush(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise WriteInReadOnlyRequest(
            f"{request.method} {request.path} tried to write to the database"
        )


def _refuse_write_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise WriteInReadOnlyRequest(
            f"{request.method} {request.path} tried to write to the database"
        )


def on_rollback(session: Session, undo: Callable[[], None]) -> None:
    """Run ``undo`` if the session's transaction is rolled back; forget it once it commits.

    For what a request does outside the database (a Redis counter it spent): a request that
    ends in a 4xx/5xx, or whose commit fails, must leave nothing behind there either.
    """
    session.info.setdefault(_UNDO_KEY, []).append(undo)


def _forget_undos(session: Session) -> None:
    session.info.pop(_UNDO_KEY, None)


def _run_undos(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is not None:
        return  # a savepoint: the request's transaction goes on
    for undo in reversed(session.info.pop(_UNDO_KEY, [])):
        try:
            undo()
        except Exception:  # pylint: disable=broad-exception-caught
            # Best effort (Redis may be down): the rollback itself must still complete.
            logger.warning("could not undo a side effect on rollback", exc_info=True)


class Database:
    """Flask extension: ``db.session`` is the request's session, created on first use."""

    def __init__(self) -> None:
        self._engines: dict[int, Engine] = {}

    def init_app(self, app: Flask, settings: Settings, bind: Connection | None = None) -> None:
        engine = build_engine(settings) if bind is None else bind.engine
        factory = sessionmaker(
            bind=bind if bind is not None else engine,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
        )
        event.listen(factory, "after_commit", _forget_undos)
        event.listen(factory, "after_soft_rollback", _run_undos)
        # Under the tests' savepoint bind the connection is already in a transaction: reads
        # then keep it, but the refusal to write is the same.
        read_bind = (
            bind if bind is not None else engine.execution_options(**_read_only_options(engine))
        )
        read_factory = sessionmaker(
            bind=read_bind,
            class_=ReadOnlySession,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
        )
        event.listen(read_factory, "before_flush", _refuse_flush)
        event.listen(read_factory, "do_orm_execute", _refuse_write_statement)
        app.extensions["nexus.db"] = {
            "engine": engine,
            "session_factory": factory,
            "read_session_factory": read_factory,
        }
        app.after_request(self._finish_request)
        app.teardown_appcontext(self._close_session)

    @staticmethod
    def engine_for(app: Flask) -> Engine:
        engine: Engine = app.extensions["nexus.db"]["engine"]
        return engine

    @staticmethod
    def factory_for(app: Flask) -> sessionmaker[Session]:
        factory: sessionmaker[Session] = app.extensions["nexus.db"]["session_factory"]
        return factory

    @property
    def session(self) -> Session:
        session: Session | None = g.get("_nexus_db_session")
        if session is None:
            extension = current_app.extensions["nexus.db"]
            if _reads_only():
                session = extension["read_session_factory"]()
            else:
                session = extension["session_factory"]()
            setattr(g, "_nexus_db_session", session)
        return session

    @contextmanager
    def standalone_session(self, app: Flask) -> Iterator[Session]:
        """A session outside any request (CLI, streaming responses): commits on success."""
        session = self.factory_for(app)()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @staticmethod
    def _finish_request(response: Response) -> Response:
        session: Session | None = g.get("_nexus_db_session")
        if session is None:
            return response
        if response.status_code >= 400:
            session.rollback()
            return response
        try:
            session.commit()
        except SQLAlchemyError as exc:
            from nexus.errors import (
                CONCURRENTLY_DELETED,
                concurrently_deleted_response,
                conflict_response,
                error_response,
            )

            try:
                session.rollback()
            except SQLAlchemyError:
                pass  # the connection is gone; the pool discards it
            if isinstance(exc, (OperationalError, InterfaceError)):
                return error_response(
                    503,
                    "database_unavailable",
                    "The database is temporarily unavailable; nothing was saved. Retry shortly.",
                    headers={"Retry-After": "5"},
                )
            if isinstance(exc, CONCURRENTLY_DELETED):
                return concurrently_deleted_response()
            return conflict_response()
        return response

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("_nexus_db_session", None)
        if session is not None:
            session.rollback()
            session.close()


db = Database()


def deleted_rows(session: Session, statement: Delete) -> int:
    """Run a bulk DELETE and say how many rows it removed."""
    result = cast(CursorResult[Any], session.execute(statement))
    return int(result.rowcount)
