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


def _render_item(type_: str, obj: Any, _context: AutogenContext) -> str | Literal[False]:
    """Keep migrations free of application imports: UTCDateTime is a DateTime with a zone."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_item=_render_item,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
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


if context.is_offline_mode():
    raise SystemExit("Offline SQL generation is not supported: run against a database.")
run_migrations_online()
