"""One way to read a page of rows: the filtered total plus the requested slice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from nexus.api.schemas import PageQuery
from nexus.errors import Unprocessable

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
        raise Unprocessable(f"Unknown sort '{sort}'; use one of: {', '.join(sorts)}.", field="sort")
    return sorts[sort]
