"""One way to read a page of rows: the filtered total plus the requested slice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from nexus.api.schemas import PageQuery
from nexus.errors import Unprocessable
from nexus.language import _

M = TypeVar("M")
S = TypeVar("S")


def fetch_page(
    session: Session,
    model: type[M],
    conditions: Sequence[ColumnElement[bool]],
    order_by: Sequence[ColumnElement[Any]],
    page: PageQuery,
) -> tuple[list[M], int]:
    """``(rows of this page, total matching rows)`` for ``model`` filtered by ``conditions``."""
    total = session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
    rows = session.scalars(
        select(model)
        .where(*conditions)
        .order_by(*order_by)
        .offset(page.offset)
        .limit(page.page_size)
    ).all()
    return list(rows), total


def sort_order(sorts: Mapping[str, S], sort: str) -> S:
    """The ORDER BY of an allowed ``sort`` value; a 422 naming ``sort`` otherwise."""
    if sort not in sorts:
        raise Unprocessable(
            _("Unknown sort '%(sort)s'; use one of: %(sorts)s.", sort=sort, sorts=", ".join(sorts)),
            field="sort",
        )
    return sorts[sort]


def fetch_counted_page(
    session: Session, statement: Select[Any], page: PageQuery
) -> tuple[list[Any], int]:
    """``(first entity of each row of this page, total)`` in one statement where it can.

    ``count(*) OVER ()`` is computed before LIMIT/OFFSET, so every row of the page carries the
    filtered total: one round trip instead of two. Only a page past the end (no row to carry
    it) needs a second statement, the plain count. For per-user lists (one student's
    bookings, one teacher's sessions): the window makes the database read every matching
    row, which a catalogue-wide list should not do (use :func:`fetch_page` there).
    """
    rows = session.execute(
        statement.add_columns(func.count().over().label("total"))
        .offset(page.offset)
        .limit(page.page_size)
    ).all()
    if rows:
        return [row[0] for row in rows], int(rows[0][-1])
    if page.offset == 0:
        return [], 0
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    return [], session.scalar(counted) or 0
