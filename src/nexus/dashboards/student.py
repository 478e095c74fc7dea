"""The student's dashboard: 4 queries, whatever the number of sessions and marks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Float, Integer, String, cast, literal, null, select, union_all
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.tokens import Principal
from nexus.assessments.models import Assessment
from nexus.assessments.progress import (
    WINDOW,
    ChapterStats,
    Mark,
    by_chapter,
    chapter_key,
    weakest_chapters,
)
from nexus.assessments.recommendations import items_for_chapters
from nexus.assessments.schemas.progress import ChapterProgress, SubjectSummary
from nexus.content.labels import subject_name
from nexus.content.vocabulary import Level
from nexus.dashboards.common import ranked_marks, summaries_of, upcoming_sessions
from nexus.dashboards.schemas.family import EnrollmentSummary, RecommendedContent, StudentDashboard
from nexus.db import utcnow
from nexus.errors import NotFound
from nexus.families.reports import recent_reports
from nexus.language import _, formats
from nexus.offers.models import Enrollment, EnrollmentStatus
from nexus.people.models import StudentProfile

RECOMMENDATIONS = 6
RECENT_REPORTS = 5


def student_dashboard(
    session: Session, principal: Principal, now: datetime | None = None
) -> StudentDashboard:
    now = now or utcnow()
    found = session.execute(
        select(User, StudentProfile.level, Enrollment)
        .outerjoin(StudentProfile, StudentProfile.user_id == User.id)
        .outerjoin(
            Enrollment,
            (Enrollment.student_id == User.id) & (Enrollment.status == EnrollmentStatus.ACTIVE),
        )
        .where(User.id == principal.user_id)
        .order_by(Enrollment.created_at, Enrollment.id)
    ).all()
    if not found:
        raise NotFound(_("Student not found."))
    student, level, _first = found[0]
    enrollments = [e for _user, _level, e in found if e is not None]
    remaining = sum(e.minutes_remaining for e in enrollments)
    summaries, chapters = marks_overview(session, student.id)
    weakest = weakest_chapters(chapters)
    return StudentDashboard(
        student_id=student.id,
        student_name=student.full_name,
        level=level,
        upcoming_sessions=upcoming_sessions(session, [student.id], now, limit=10),
        remaining_minutes=remaining,
        remaining_hours=round(remaining / 60, 2),
        enrollments=[
            EnrollmentSummary(
                enrollment_id=e.id,
                offer_name=e.offer.name,
                minutes_bought=e.minutes_bought,
                minutes_used=e.minutes_used,
                minutes_remaining=e.minutes_remaining,
            )
            for e in enrollments
        ],
        progress=summaries,
        weakest_chapters=[ChapterProgress.of(c) for c in weakest],
        recommended_content=recommend(session, level, weakest),
        recent_reports=recent_reports(session, [student.id], RECENT_REPORTS),
    )


def marks_overview(
    session: Session, student_id: int
) -> tuple[list[SubjectSummary], list[ChapterStats]]:
    """The student's subject summaries and chapter averages, in one statement.

    The subjects' rows (their last 2 × WINDOW marks with the subject's figures, as in
    :func:`~nexus.dashboards.common.recent_marks`) and every mark, for the chapters' averages
    (:func:`~nexus.assessments.progress.by_chapter`, the rules the report and ARIA use), are
    the two SELECTs of one ``UNION ALL``, told apart by ``kind``.
    """
    ranked = ranked_marks([student_id])
    as_subject = select(
        literal("subject").label("kind"),
        ranked.c.subject,
        cast(null(), String).label("chapter"),
        ranked.c.mark,
        ranked.c.average,
        ranked.c.count,
        ranked.c.last,
        ranked.c.rank,
    ).where(ranked.c.rank <= 2 * WINDOW)
    as_mark = select(
        literal("mark"),
        Assessment.subject,
        Assessment.chapter,
        Assessment.on_20,
        cast(null(), Float),
        cast(null(), Integer),
        Assessment.assessed_on,
        Assessment.id,
    ).where(Assessment.student_id == student_id)
    both = union_all(as_subject, as_mark).subquery("marks")
    rows = session.execute(select(both).order_by(both.c.kind, both.c.subject, both.c.rank.desc()))
    subject_rows, marks = [], []
    for kind, subject, chapter, mark, average, count, last, rank in rows:
        if kind == "subject":
            subject_rows.append((student_id, subject, mark, average, count, last))
        else:
            marks.append(Mark(rank, student_id, str(subject), chapter, last, float(mark)))
    summaries, _recent = summaries_of(subject_rows)
    return summaries.get(student_id, []), by_chapter(marks)


def recommend(
    session: Session, level: Level | None, weakest: Sequence[ChapterStats]
) -> list[RecommendedContent]:
    """The first :data:`RECOMMENDATIONS` items the recommender gives for the weakest chapters
    (:mod:`nexus.assessments.recommendations`: ARIA's, chapter by chapter)."""
    picked = items_for_chapters(session, [(c.subject, c.chapter) for c in weakest], level)
    weak = {(c.subject, chapter_key(c.chapter)): c for c in weakest}
    result = []
    for item in [item for chapter in picked for item in chapter.items][:RECOMMENDATIONS]:
        match = weak.get((str(item.subject), chapter_key(item.chapter)))
        reason = (
            f"Chapitre à retravailler : {match.chapter} "
            f"({formats.number(match.average, 1, 'fr')}/20)"
            if match is not None
            else f"Pour progresser en {subject_name(item.subject)}"
        )
        result.append(
            RecommendedContent(
                content_id=item.id,
                kind=item.kind,
                title=item.title,
                subject=item.subject,
                level=item.level,
                chapter=item.chapter,
                difficulty=item.difficulty,
                summary=item.summary,
                reason=reason,
            )
        )
    return result
