"""The large seed's fast path on PostgreSQL: ids reserved from the sequence, rows sent by COPY.

``INSERT … VALUES`` batches through the ORM cost ~0.4 ms of Python per row (parameter
conversion and query building for statements that are all different), which made 10,000
students (1 M rows) a nine-minute seed. ``COPY … FROM STDIN`` streams the rows instead. The
values go through each column's own bind processor (enums to their values, JSON to ``Jsonb``,
aware datetimes to UTC) and the columns a row leaves out get their Python-side default, as an
ORM insert would; the rows are then exactly what :class:`nexus.demo.large._Writer`'s portable
path writes. Runs in the caller's transaction, and so does the ``ANALYZE`` that ends the load:
without fresh statistics the planner costs a table it believes empty, and at 10,000 students
one student's bookings were read through every session by date (430 ms instead of 0.6 ms) until
autovacuum came by (PostgreSQL's manual, "Populating a Database": run ``ANALYZE`` afterwards).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from psycopg import sql
from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

Row = dict[str, Any]


def available(session: Session) -> bool:
    """COPY needs PostgreSQL through psycopg (SQLite takes the portable path)."""
    dialect = session.get_bind().dialect
    return dialect.name == "postgresql" and dialect.driver == "psycopg"


def _defaults(table: Table, given: set[str]) -> dict[str, Callable[[], Any]]:
    """Python-side defaults of the columns the rows leave out (not the primary key)."""
    found: dict[str, Callable[[], Any]] = {}
    for column in table.columns:
        default = column.default
        if column.name in given or column.primary_key or default is None:
            continue
        if getattr(default, "is_scalar", False):
            found[column.name] = _constant(getattr(default, "arg"))
        elif getattr(default, "is_callable", False):
            found[column.name] = _called(getattr(default, "arg"))
    return found


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def _called(function: Callable[[Any], Any]) -> Callable[[], Any]:
    """SQLAlchemy wraps a column's default callable to take the execution context."""
    return lambda: function(None)


class CopyWriter:
    """COPY rows into tables of the session's PostgreSQL connection."""

    def __init__(self, session: Session) -> None:
        self.connection = session.connection()
        self.dialect = self.connection.dialect

    def reserve_ids(self, table: Table, count: int) -> list[int]:
        """``count`` fresh values of ``table.id``'s sequence, as an insert would take them."""
        sequence = self.connection.scalar(select(func.pg_get_serial_sequence(table.name, "id")))
        statement = text("SELECT nextval(:sequence) FROM generate_series(1, :count)")
        ids = self.connection.scalars(statement, {"sequence": sequence, "count": count})
        return sorted(int(i) for i in ids)

    def copy(self, table: Table, rows: Sequence[Row]) -> None:
        if not rows:
            return
        given = list(rows[0])
        defaults = _defaults(table, set(given))
        names = given + list(defaults)
        processors = [
            table.c[name].type.dialect_impl(self.dialect).bind_processor(self.dialect)
            for name in names
        ]
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, names))
        )
        raw = self.connection.connection.driver_connection
        if raw is None:  # pragma: no cover - a live connection always has one
            raise RuntimeError("no driver connection to COPY through")
        with raw.cursor() as cursor, cursor.copy(statement) as stream:
            for row in rows:
                values = [row[name] for name in given] + [make() for make in defaults.values()]
                stream.write_row(
                    [
                        value if process is None else process(value)
                        for value, process in zip(values, processors, strict=True)
                    ]
                )

    def analyze(self, tables: Sequence[Table]) -> None:
        """Fresh planner statistics for ``tables`` (counts this transaction's own rows)."""
        if tables:
            names = sql.SQL(", ").join(sql.Identifier(table.name) for table in tables)
            raw = self.connection.connection.driver_connection
            if raw is None:  # pragma: no cover - a live connection always has one
                raise RuntimeError("no driver connection to ANALYZE through")
            with raw.cursor() as cursor:
                cursor.execute(sql.SQL("ANALYZE {}").format(names))
