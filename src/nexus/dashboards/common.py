"""Queries shared by the dashboards. Each runs ONE statement whatever the number of rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from nexus.accounts.models import User
from nexus.assessments import progress
from nexus.assessments.labels import subject_label
from nexus.assessments.models import Assessment
from nexus.assessments.progress_schemas import SubjectSummary
from nexus.dashboards.clock import to_paris
from nexus.dashboards.schemas import UpcomingSession
from nexus.offers.models import Enrollment, EnrollmentStatus
from nexus.scheduling.models import Booking, BookingStatus, SessionStatus, TutoringSession

SCORE_ON_20 = Assessment.score * 20.0 / Assessment.max_score
Teacher = aliased(User, name="teacher")
Pupil = aliased(User, name="pupil")


RecentValues = dict[tuple[int, str], list[float]]


def subject_summaries(
    session: Session, student_ids: Sequence[int], recent: RecentValues | None = None
) -> dict[int, list[SubjectSummary]]:
    """Per student and subject: average, count, last date (1 query) and trend (1 query)."""
    if not student_ids:
        return {}
    totals = session.execute(
        select(
            Assessment.student_id,
            Assessment.subject,
            func.avg(SCORE_ON_20),
            func.count(),
            func.max(Assessment.assessed_on),
        )
        .where(Assessment.student_id.in_(student_ids))
        .group_by(Assessment.student_id, Assessment.subject)
        .order_by(Assessment.student_id, Assessment.subject)
    ).all()
    if recent is None:
        recent = recent_values(session, student_ids)
    result: dict[int, list[SubjectSummary]] = defaultdict(list)
    for student_id, subject, average, count, last in totals:
        trend = progress.trend_of(recent.get((student_id, str(subject)), []))
        result[student_id].append(
            SubjectSummary(
                subject=str(subject),
                subject_label=subject_label(subject),
                average=round(float(average), 2),
                count=count,
                last_assessed_on=last,
                trend=trend.direction,
                trend_delta=trend.delta,
            )
        )
    return result


def recent_values(session: Session, student_ids: Sequence[int]) -> RecentValues:
    """The last 2 × WINDOW marks of each (student, subject), oldest first, by a window query."""
    rank = (
        func.row_number()
        .over(
            partition_by=(Assessment.student_id, Assessment.subject),
            order_by=(Assessment.assessed_on.desc(), Assessment.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(Assessment.student_id, Assessment.subject, SCORE_ON_20.label("mark"), rank)
        .where(Assessment.student_id.in_(student_ids))
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.student_id, ranked.c.subject, ranked.c.mark)
        .where(ranked.c.rank <= 2 * progress.WINDOW)
        .order_by(ranked.c.student_id, ranked.c.subject, ranked.c.rank.desc())
    )
    values: RecentValues = defaultdict(list)
    for student_id, subject, mark in rows:
        values[(student_id, str(subject))].append(float(mark))
    return values


def remaining_minutes(session: Session, student_ids: Sequence[int]) -> dict[int, int]:
    if not student_ids:
        return {}
    rows = session.execute(
        select(
            Enrollment.student_id,
            func.sum(Enrollment.minutes_bought - Enrollment.minutes_used),
        )
        .where(
            Enrollment.student_id.in_(student_ids),
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
        .group_by(Enrollment.student_id)
    )
    return {student_id: int(total or 0) for student_id, total in rows}


def upcoming_sessions(
    session: Session, student_ids: Sequence[int], now: datetime, limit: int = 20
) -> list[UpcomingSession]:
    """The students' next booked sessions, with teacher and student names (1 query)."""
    if not student_ids:
        return []
    rows = session.execute(
        select(
            TutoringSession,
            Booking.student_id,
            Pupil.first_name,
            Teacher.first_name,
            Teacher.last_name,
        )
        .join(Booking, Booking.session_id == TutoringSession.id)
        .join(Pupil, Pupil.id == Booking.student_id)
        .join(Teacher, Teacher.id == TutoringSession.teacher_id)
        .where(*_upcoming_booked(student_ids, now))
        .order_by(TutoringSession.starts_at, TutoringSession.id, Booking.student_id)
        .limit(limit)
    )
    return [
        session_item(ts, f"{t_first} {t_last}", student_id=sid, student_name=pupil)
        for ts, sid, pupil, t_first, t_last in rows
    ]


def _upcoming_booked(student_ids: Sequence[int], now: datetime) -> list[ColumnElement[bool]]:
    return [
        Booking.student_id.in_(student_ids),
        Booking.status == BookingStatus.BOOKED,
        TutoringSession.status == SessionStatus.SCHEDULED,
        TutoringSession.starts_at >= now,
    ]


def session_item(
    ts: TutoringSession,
    teacher_name: str,
    *,
    student_id: int | None = None,
    student_name: str | None = None,
) -> UpcomingSession:
    return UpcomingSession(
        session_id=ts.id,
        title=ts.title,
        subject=ts.subject,
        subject_label=subject_label(ts.subject),
        level=ts.level,
        kind=ts.kind,
        starts_at=ts.starts_at,
        starts_at_local=to_paris(ts.starts_at),
        ends_at=ts.ends_at,
        teacher_id=ts.teacher_id,
        teacher_name=teacher_name,
        online_url=ts.online_url,
        room=ts.room,
        student_id=student_id,
        student_name=student_name,
    )
