"""The student's dashboard: 6 queries, whatever the number of sessions and marks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.tokens import Principal
from nexus.assessments.labels import fr_number, subject_label
from nexus.assessments.models import Assessment
from nexus.assessments.progress import ChapterStats, weakest_chapters
from nexus.assessments.progress_schemas import ChapterProgress
from nexus.content.models import ContentItem
from nexus.content.vocabulary import Level
from nexus.dashboards.common import SCORE_ON_20, subject_summaries, upcoming_sessions
from nexus.dashboards.schemas import EnrollmentSummary, RecommendedContent, StudentDashboard
from nexus.db import utcnow
from nexus.errors import NotFound
from nexus.offers.models import Enrollment, EnrollmentStatus
from nexus.people.models import StudentProfile

RECOMMENDATIONS = 6


def student_dashboard(
    session: Session, principal: Principal, now: datetime | None = None
) -> StudentDashboard:
    now = now or utcnow()
    found = session.execute(
        select(User, StudentProfile.level)
        .outerjoin(StudentProfile, StudentProfile.user_id == User.id)
        .where(User.id == principal.user_id)
    ).first()
    if found is None:
        raise NotFound("Student not found.")
    student, level = found
    enrollments = list(
        session.scalars(
            select(Enrollment)
            .where(
                Enrollment.student_id == student.id,
                Enrollment.status == EnrollmentStatus.ACTIVE,
            )
            .order_by(Enrollment.created_at, Enrollment.id)
        )
    )
    remaining = sum(e.minutes_remaining for e in enrollments)
    weakest = weakest_chapters(chapter_stats(session, student.id))
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
        progress=subject_summaries(session, [student.id]).get(student.id, []),
        weakest_chapters=[ChapterProgress.of(c) for c in weakest],
        recommended_content=recommend(session, level, weakest),
    )


def chapter_stats(session: Session, student_id: int) -> list[ChapterStats]:
    rows = session.execute(
        select(
            Assessment.subject,
            func.min(Assessment.chapter),
            func.avg(SCORE_ON_20),
            func.count(),
        )
        .where(Assessment.student_id == student_id)
        .group_by(Assessment.subject, func.lower(Assessment.chapter))
    )
    return [
        ChapterStats(str(subject), chapter, round(float(average), 2), count)
        for subject, chapter, average, count in rows
    ]


def recommend(
    session: Session, level: Level | None, weakest: Sequence[ChapterStats]
) -> list[RecommendedContent]:
    """Bank items on the weakest chapters first, then on the same subjects (same level)."""
    if not weakest:
        return []
    subjects = sorted({c.subject for c in weakest})
    by_chapter = {(c.subject, c.chapter.lower()): c for c in weakest}
    # SQLite's lower() folds ASCII only: compare the exact label too.
    same_chapter = or_(
        *(
            (ContentItem.subject == c.subject)
            & (
                (ContentItem.chapter == c.chapter)
                | (func.lower(ContentItem.chapter) == c.chapter.lower())
            )
            for c in weakest
        )
    )
    query = select(ContentItem).where(ContentItem.subject.in_(subjects))
    if level is not None:
        query = query.where(ContentItem.level == level)
    items = session.scalars(
        query.order_by(
            case((same_chapter, 0), else_=1), ContentItem.difficulty, ContentItem.id
        ).limit(RECOMMENDATIONS)
    )
    result = []
    for item in items:
        match = by_chapter.get((str(item.subject), item.chapter.lower()))
        reason = (
            f"Chapitre à retravailler : {match.chapter} ({fr_number(match.average)}/20)"
            if match is not None
            else f"Pour progresser en {subject_label(item.subject)}"
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
