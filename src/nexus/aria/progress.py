"""A student's weakest chapters (from their assessments) and the bank items that match them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.assessments.models import Assessment
from nexus.content.models import ContentItem
from nexus.content.search import search_content
from nexus.content.vocabulary import ContentKind, Level, Subject

WEAK_BELOW = 12.0  # /20: under this average a chapter needs work


@dataclass(frozen=True)
class ChapterScore:
    subject: Subject
    chapter: str
    average_on_20: float
    assessments: int
    last_assessed_on: date


def chapter_scores(
    session: Session, student_id: int, since: date | None = None
) -> list[ChapterScore]:
    """Average mark /20 per (subject, chapter), weakest first."""
    on_20 = Assessment.score * 20.0 / Assessment.max_score
    stmt = (
        select(
            Assessment.subject,
            Assessment.chapter,
            func.avg(on_20),
            func.count(Assessment.id),
            func.max(Assessment.assessed_on),
        )
        .where(Assessment.student_id == student_id)
        .group_by(Assessment.subject, Assessment.chapter)
    )
    if since is not None:
        stmt = stmt.where(Assessment.assessed_on >= since)
    scores = [
        ChapterScore(Subject(subject), chapter, round(float(avg), 2), int(count), last)
        for subject, chapter, avg, count, last in session.execute(stmt)
    ]
    scores.sort(key=lambda s: (s.average_on_20, s.subject.value, s.chapter))
    return scores


def bank_items_for(
    session: Session,
    subject: Subject,
    chapter: str,
    level: Level | None,
    limit: int = 3,
    kinds: tuple[ContentKind, ...] = (ContentKind.LESSON, ContentKind.EXERCISE),
) -> list[ContentItem]:
    """Items of that chapter (same level first), else the best search matches in the subject."""
    level_first = (ContentItem.level == level).desc() if level is not None else ContentItem.id
    exact = list(
        session.scalars(
            select(ContentItem)
            .where(
                ContentItem.subject == subject,
                func.lower(ContentItem.chapter) == chapter.lower(),
                ContentItem.kind.in_(kinds),
            )
            .order_by(level_first, ContentItem.kind, ContentItem.difficulty, ContentItem.id)
            .limit(limit)
        )
    )
    if exact:
        return exact
    hits = search_content(session, chapter, subject=subject, kinds=kinds, limit=limit)
    return [hit.item for hit in hits]
