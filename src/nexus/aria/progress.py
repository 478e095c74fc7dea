"""A student's chapters, weakest first (their bank items: :mod:`nexus.assessments.recommendations`).

The averages, the chapter key and the weak/strong thresholds are
:mod:`nexus.assessments.progress`'s: ARIA names the chapters the dashboard and the report name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from nexus.assessments import progress
from nexus.content.vocabulary import Subject


@dataclass(frozen=True)
class ChapterScore:
    subject: Subject
    chapter: str
    average_on_20: float
    assessments: int
    weak: bool  # a weakness by the progress rules


def _score(chapter: progress.ChapterStats) -> ChapterScore:
    return ChapterScore(
        Subject(chapter.subject),
        chapter.chapter,
        chapter.average,
        chapter.count,
        chapter.status == "weakness",
    )


def chapter_scores(
    session: Session, student_id: int, since: date | None = None
) -> list[ChapterScore]:
    """Average mark /20 per chapter, weakest first."""
    marks = progress.load_marks(session, [student_id], since)
    return [_score(c) for c in progress.by_chapter(marks)]


def chapters_to_work_on(session: Session, student_id: int, limit: int) -> list[ChapterScore]:
    """The chapters the student's dashboard calls the weakest (the same rule); for a student
    with none, the lowest chapter, so that there is always something to work on."""
    chapters = progress.by_chapter(progress.load_marks(session, [student_id]))
    return [_score(c) for c in progress.weakest_chapters(chapters, limit) or chapters[:1]]
