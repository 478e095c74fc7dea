"""Alembic environment: the URL comes from Settings (or a connection the caller hands over)."""

# alembic.context is a proxy filled in at run time.
# pylint: disable=no-member

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from nexus.config import Settings
from nexus.db import UTCDateTime, build_engine
from nexus.models import Base

config = context.config
target_metadata = Base.metadata
LOCK_TIMEOUT = "5s"


def _render_item(type_: str, obj: Any, _context: AutogenContext) -> str | Literal[False]:
    """Keep migrations free of application imports: UTCDateTime is a DateTime with a zone."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _set_timeouts(dialect: str, settings: Settings | None) -> None:
    """PostgreSQL: a migration waiting for a lock gives up after LOCK_TIMEOUT instead of
    queueing every request of the live version behind it; statements keep the app's limit.
    Emitted in the offline SQL too, where bin/migrations-lint (squawk) checks for them."""
    if dialect != "postgresql":
        return
    context.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    statement_ms = (settings or Settings()).db_statement_timeout_ms
    context.execute(f"SET statement_timeout = {int(statement_ms)}")


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_item=_render_item,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        _set_timeouts(connection.dialect.name, config.attributes.get("settings"))
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    settings = config.attributes.get("settings") or Settings()
    engine = build_engine(settings)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


def run_migrations_offline() -> None:
    """The SQL a range of revisions would run (``alembic upgrade A:B --sql``), for review and
    for the migration linter (bin/migrations-lint): no connection, values rendered inline."""
    settings = config.attributes.get("settings") or Settings()
    context.configure(
        url=settings.database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        _set_timeouts(settings.database_url.split(":", 1)[0].split("+", 1)[0], settings)
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
