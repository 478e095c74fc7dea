"""Queries shared by the dashboards. Each runs ONE statement whatever the number of rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, Subquery, func, label, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from nexus.accounts.models import User
from nexus.assessments import progress
from nexus.assessments.models import Assessment
from nexus.assessments.schemas.progress import SubjectSummary
from nexus.clock import to_paris
from nexus.content.labels import subject_label
from nexus.dashboards.schemas.family import UpcomingSession
from nexus.offers.models import Enrollment, EnrollmentStatus
from nexus.scheduling.models import Booking, BookingStatus, SessionStatus, TutoringSession

Teacher = aliased(User, name="teacher")
Pupil = aliased(User, name="pupil")


RecentValues = dict[tuple[int, str], list[float]]
Summaries = dict[int, list[SubjectSummary]]


def ranked_marks(student_ids: Sequence[int]) -> Subquery:
    """Each mark of these students with its (student, subject) partition's figures.

    ``rank`` counts from the latest mark (1); ``average``, ``count`` and ``last`` are the whole
    partition's, computed in the same pass as the rank: one scan of the students' marks gives
    both the averages and the recent marks the trends need.
    """
    partition = (Assessment.student_id, Assessment.subject)
    return (
        select(
            Assessment.student_id,
            Assessment.subject,
            label("mark", Assessment.on_20),
            func.row_number()
            .over(
                partition_by=partition,
                order_by=(Assessment.assessed_on.desc(), Assessment.id.desc()),
            )
            .label("rank"),
            func.avg(Assessment.on_20).over(partition_by=partition).label("average"),
            func.count().over(partition_by=partition).label("count"),
            func.max(Assessment.assessed_on).over(partition_by=partition).label("last"),
        )
        .where(Assessment.student_id.in_(student_ids))
        .subquery("ranked")
    )


def recent_marks(ranked: Subquery) -> Select[Any]:
    """The last 2 × WINDOW marks of each (student, subject), oldest first, with its figures."""
    return (
        select(
            ranked.c.student_id,
            ranked.c.subject,
            ranked.c.mark,
            ranked.c.average,
            ranked.c.count,
            ranked.c.last,
        )
        .where(ranked.c.rank <= 2 * progress.WINDOW)
        .order_by(ranked.c.student_id, ranked.c.subject, ranked.c.rank.desc())
    )


def summaries_of(rows: Iterable[Sequence[Any]]) -> tuple[Summaries, RecentValues]:
    """Per student, subject by subject: average, count, last date and trend; the marks used."""
    recent: RecentValues = defaultdict(list)
    figures: dict[tuple[int, str], tuple[float, int, date]] = {}
    for student_id, subject, mark, average, count, last in rows:
        key = (student_id, str(subject))
        recent[key].append(float(mark))
        figures[key] = (float(average), int(count), last)
    result: Summaries = defaultdict(list)
    for (student_id, subject), (average, count, last) in figures.items():
        trend = progress.trend_of(recent[(student_id, subject)])
        result[student_id].append(
            SubjectSummary(
                subject=subject,
                subject_label=subject_label(subject),
                average=round(average, 2),
                count=count,
                last_assessed_on=last,
                trend=trend.direction,
                trend_delta=trend.delta,
            )
        )
    return result, recent


def subject_summaries(
    session: Session, student_ids: Sequence[int]
) -> tuple[Summaries, RecentValues]:
    """Per student and subject: average, count, last date and trend, in one query."""
    if not student_ids:
        return {}, {}
    return summaries_of(session.execute(recent_marks(ranked_marks(student_ids))))


def remaining_minutes(
    student_id: ColumnElement[int] | InstrumentedAttribute[int],
) -> ScalarSelect[int]:
    """The minutes left on the student's active enrollments (0 without any), correlated."""
    return (
        select(func.coalesce(func.sum(Enrollment.minutes_bought - Enrollment.minutes_used), 0))
        .where(
            Enrollment.student_id == student_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
        .scalar_subquery()
    )


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
