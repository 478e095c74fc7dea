"""Bank items for a student's chapters: the one recommender behind the student's dashboard
(``recommended_content``), ARIA's recommendations and its study plans.

For each chapter, in the order given (weakest first, as
:func:`nexus.assessments.progress.weakest_chapters` names them): up to ``per_chapter`` items of
that chapter (told apart by :func:`~nexus.assessments.progress.chapter_key`), the student's level
first, then by kind, easiest first; a chapter the bank lacks gets the best search matches in its
subject instead. Every surface shows these items in this order: the dashboard shows the first
:data:`~nexus.dashboards.student.RECOMMENDATIONS` of them, ARIA all of them, chapter by chapter.

One statement finds the items of every chapter (a window ranks them chapter by chapter); only a
chapter with no item of its own costs a search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session

from nexus.assessments.progress import chapter_key
from nexus.content.models import ContentItem
from nexus.content.search import search_content
from nexus.content.vocabulary import ContentKind, Level, Subject

PER_CHAPTER = 3
ALL_KINDS = tuple(ContentKind)


@dataclass(frozen=True)
class ChapterItems:
    subject: str
    chapter: str
    items: list[ContentItem]


def _same_chapter(subject: str, chapter: str) -> ColumnElement[bool]:
    # SQLite's lower() folds ASCII only: compare the exact label too.
    return (ContentItem.subject == subject) & (
        (ContentItem.chapter == chapter.strip())
        | (func.lower(func.trim(ContentItem.chapter)) == chapter_key(chapter))
    )


def items_for_chapters(
    session: Session,
    chapters: Sequence[tuple[str, str]],
    level: Level | None,
    *,
    per_chapter: int = PER_CHAPTER,
    kinds: Sequence[ContentKind] = ALL_KINDS,
) -> list[ChapterItems]:
    """For each ``(subject, chapter)``, in order, the items to work on (see the module)."""
    if not chapters:
        return []
    pairs = [(str(subject), chapter) for subject, chapter in chapters]
    keys = list(dict.fromkeys((subject, chapter_key(chapter)) for subject, chapter in pairs))
    index = case(
        *(
            (_same_chapter(subject, chapter), keys.index((subject, chapter_key(chapter))))
            for subject, chapter in pairs
        )
    )
    order: tuple[Any, ...] = (
        ContentItem.kind,
        ContentItem.difficulty,
        ContentItem.id,
    )
    if level is not None:
        order = (case((ContentItem.level == level, 0), else_=1), *order)
    ranked = (
        select(
            ContentItem.id,
            index.label("chapter_index"),
            func.row_number()
            .over(
                partition_by=index,
                order_by=order,
            )
            .label("rank"),
        )
        .where(
            ContentItem.subject.in_(sorted({subject for subject, _key in keys})),
            ContentItem.kind.in_(list(kinds)),
            or_(*(_same_chapter(subject, chapter) for subject, chapter in pairs)),
        )
        .subquery("ranked")
    )
    rows = session.execute(
        select(ContentItem, ranked.c.chapter_index)
        .join(ranked, ranked.c.id == ContentItem.id)
        .where(ranked.c.rank <= per_chapter)
        .order_by(ranked.c.chapter_index, ranked.c.rank)
    )
    found: dict[int, list[ContentItem]] = {}
    for item, chapter_index in rows:
        found.setdefault(chapter_index, []).append(item)
    result = []
    for subject, chapter in pairs:
        items = found.get(keys.index((subject, chapter_key(chapter))), [])
        if not items:
            hits = search_content(
                session, chapter, subject=Subject(subject), kinds=kinds, limit=per_chapter
            )
            items = [hit.item for hit in hits]
        result.append(ChapterItems(subject, chapter, items))
    return result
