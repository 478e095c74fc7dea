"""Content bank lists: filtered, searched, sorted and paginated items; chapter facets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from nexus.content.models import ContentItem
from nexus.content.schemas.listing import ChapterQuery, ContentListQuery
from nexus.content.search import SearchFilters, query_groups, scoring
from nexus.content.vocabulary import Level, Subject
from nexus.language.collation import french

SORT_COLUMNS = {
    "title": french(ContentItem.title),
    "chapter": french(ContentItem.chapter),
    "difficulty": ContentItem.difficulty,
    "created_at": ContentItem.created_at,
    "updated_at": ContentItem.updated_at,
}


@dataclass(frozen=True)
class ItemRow:
    item: ContentItem
    score: float | None


@dataclass(frozen=True)
class ChapterRow:
    subject: Subject
    level: Level
    chapter: str
    items: int


def _filters(query: ContentListQuery) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = []
    if query.subject is not None:
        filters.append(ContentItem.subject == query.subject)
    if query.level is not None:
        filters.append(ContentItem.level == query.level)
    if query.chapter is not None:
        filters.append(ContentItem.chapter == query.chapter)
    if query.kind is not None:
        filters.append(ContentItem.kind == query.kind)
    if query.difficulty_min is not None:
        filters.append(ContentItem.difficulty >= query.difficulty_min)
    if query.difficulty_max is not None:
        filters.append(ContentItem.difficulty <= query.difficulty_max)
    if query.author_id is not None:
        filters.append(ContentItem.author_id == query.author_id)
    return filters


def _search_filters(query: ContentListQuery) -> SearchFilters:
    return SearchFilters(
        subject=query.subject,
        level=query.level,
        kinds=(query.kind,) if query.kind is not None else (),
        difficulty_min=query.difficulty_min,
        difficulty_max=query.difficulty_max,
        chapter=query.chapter,
        author_id=query.author_id,
    )


def _count(session: Session, stmt: Select[Any]) -> int:
    return int(session.scalar(stmt) or 0)


def list_items(session: Session, query: ContentListQuery) -> tuple[list[ItemRow], int]:
    """One page of items and the total; with ``q``, only matching items, with their score."""
    filters = _filters(query)
    if query.q is None:
        total = _count(session, select(func.count()).select_from(ContentItem).where(*filters))
        return _sorted_page(session, query, filters, query.sort or "title"), total
    found = scoring(session, query_groups(query.q), _search_filters(query))
    if found is None:  # only stop words, or no word in the bank
        return [], 0
    sort = query.sort or "relevance"
    if sort == "relevance":
        stmt = found.page(query.offset, query.page_size)
    else:
        column = SORT_COLUMNS[sort.lstrip("-")]
        order = (column.desc() if sort.startswith("-") else column.asc(), ContentItem.id)
        ranked = found.ranked
        stmt = (
            select(ContentItem, ranked.c.score, func.count().over())
            .join(ranked, ranked.c.item_id == ContentItem.id)
            .order_by(*order)
            .offset(query.offset)
            .limit(query.page_size)
        )
    page = session.execute(stmt).all()
    if not page:  # nothing passes the filters, or a page past the end
        return [], found.total(session) if query.offset else 0
    return [ItemRow(row[0], float(row[1])) for row in page], int(page[0][-1])


def _sorted_page(
    session: Session, query: ContentListQuery, filters: list[ColumnElement[bool]], sort: str
) -> list[ItemRow]:
    column = SORT_COLUMNS[sort.lstrip("-")]
    order = column.desc() if sort.startswith("-") else column.asc()
    stmt = select(ContentItem).where(*filters).order_by(order, ContentItem.id)
    page = stmt.offset(query.offset).limit(query.page_size)
    return [ItemRow(item, None) for item in session.scalars(page)]


def list_chapters(session: Session, query: ChapterQuery) -> tuple[list[ChapterRow], int]:
    """Distinct (subject, level, chapter) with their item counts, in that order."""
    filters: list[ColumnElement[bool]] = []
    if query.subject is not None:
        filters.append(ContentItem.subject == query.subject)
    if query.level is not None:
        filters.append(ContentItem.level == query.level)
    if query.kind is not None:
        filters.append(ContentItem.kind == query.kind)
    keys = (ContentItem.subject, ContentItem.level, ContentItem.chapter)
    grouped = select(*keys, func.count().label("items")).where(*filters).group_by(*keys)
    total = _count(session, select(func.count()).select_from(grouped.subquery()))
    order = (
        ContentItem.subject,
        ContentItem.level,
        french(ContentItem.chapter),
        ContentItem.chapter,
    )
    page = grouped.order_by(*order).offset(query.offset).limit(query.page_size)
    rows = [ChapterRow(s, lv, c, int(n)) for s, lv, c, n in session.execute(page)]
    return rows, total
