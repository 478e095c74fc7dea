"""The parent's dashboard: a fixed number of queries, whatever the family's history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.tokens import Principal
from nexus.assessments.models import Assessment
from nexus.assessments.progress import falling, general_average
from nexus.clock import paris_midnight, to_paris
from nexus.content.labels import subject_label, subject_name
from nexus.dashboards.common import (
    Pupil,
    RecentValues,
    Teacher,
    remaining_minutes,
    subject_summaries,
    upcoming_sessions,
)
from nexus.dashboards.schemas.family import Alert, ChildSummary, ParentDashboard, RecentAssessment
from nexus.db import utcnow
from nexus.families.reports import recent_reports
from nexus.language import formats
from nexus.language.collation import french
from nexus.people.access import children_of
from nexus.people.models import StudentProfile
from nexus.scheduling.models import Attendance, Booking, TutoringSession

RECENT_ASSESSMENTS = 10
RECENT_REPORTS = 10
ABSENCE_LOOKBACK = timedelta(days=30)


def parent_dashboard(
    session: Session,
    principal: Principal,
    now: datetime | None = None,
    children_ids: Sequence[int] | None = None,
) -> ParentDashboard:
    """The board of ``principal``'s children (``children_ids``, read here if not given)."""
    now = now or utcnow()
    if children_ids is None:
        children_ids = children_of(session, principal.user_id)
    children = (
        session.execute(
            select(User, StudentProfile.level, remaining_minutes(User.id))
            .outerjoin(StudentProfile, StudentProfile.user_id == User.id)
            .where(User.id.in_(children_ids))
            .order_by(french(User.first_name), User.id)
        ).all()
        if children_ids
        else []
    )
    ids = [child.id for child, _level, _minutes in children]
    names = {child.id: child.first_name for child, _level, _minutes in children}
    progress, recent = subject_summaries(session, ids)
    summaries = []
    for child, level, minutes in children:
        subjects = progress.get(child.id, [])
        summaries.append(
            ChildSummary(
                student_id=child.id,
                student_name=child.full_name,
                level=level,
                overall_average=general_average(s.average for s in subjects),
                remaining_minutes=int(minutes),
                progress=subjects,
            )
        )
    return ParentDashboard(
        children=summaries,
        upcoming_sessions=upcoming_sessions(session, ids, now),
        recent_assessments=_recent_assessments(session, ids),
        recent_reports=recent_reports(session, ids, RECENT_REPORTS),
        alerts=_falling_alerts(recent, names, summaries) + _absences(session, ids, now),
    )


def changes_at(board: ParentDashboard) -> list[datetime]:
    """When time alone changes the board: a listed session starts, an absence gets too old
    (counted from the start of its day: never later than the real moment)."""
    moments = [s.starts_at for s in board.upcoming_sessions]
    moments += [
        paris_midnight(alert.on) + ABSENCE_LOOKBACK
        for alert in board.alerts
        if alert.kind == "missed_session"
    ]
    return moments


def _recent_assessments(session: Session, ids: list[int]) -> list[RecentAssessment]:
    if not ids:
        return []
    rows = session.execute(
        select(Assessment, Pupil.first_name, Teacher.first_name, Teacher.last_name)
        .join(Pupil, Pupil.id == Assessment.student_id)
        .outerjoin(Teacher, Teacher.id == Assessment.teacher_id)
        .where(Assessment.student_id.in_(ids))
        .order_by(Assessment.assessed_on.desc(), Assessment.id.desc())
        .limit(RECENT_ASSESSMENTS)
    )
    return [
        RecentAssessment(
            assessment_id=a.id,
            student_id=a.student_id,
            student_name=pupil,
            subject=a.subject,
            subject_label=subject_label(a.subject),
            chapter=a.chapter,
            score_on_20=a.score_on_20,
            assessed_on=a.assessed_on,
            comment=a.comment,
            teacher_name=f"{t_first} {t_last}" if t_first is not None else None,
        )
        for a, pupil, t_first, t_last in rows
    ]


def _falling_alerts(
    recent: RecentValues, names: dict[int, str], children: list[ChildSummary]
) -> list[Alert]:
    last_dates = {
        (c.student_id, s.subject): s.last_assessed_on for c in children for s in c.progress
    }
    alerts = []
    for (student_id, subject), values in sorted(recent.items()):
        pair = falling(values)
        if pair is None:
            continue
        name, label = names[student_id], subject_name(subject)
        alerts.append(
            Alert(
                kind="falling_average",
                student_id=student_id,
                student_name=name,
                subject=subject,
                on=last_dates[(student_id, subject)],
                message=f"La moyenne {formats.of(name)} en {label} baisse : "
                f"{formats.number(pair[0], 1, 'fr')}/20 sur les 3 dernières notes contre "
                f"{formats.number(pair[1], 1, 'fr')}/20 sur les précédentes.",
            )
        )
    return alerts


def _absences(session: Session, ids: list[int], now: datetime) -> list[Alert]:
    if not ids:
        return []
    rows = session.execute(
        select(TutoringSession, Booking.student_id, Pupil.first_name)
        .join(Booking, Booking.session_id == TutoringSession.id)
        .join(Pupil, Pupil.id == Booking.student_id)
        .where(
            Booking.student_id.in_(ids),
            Booking.attendance == Attendance.ABSENT,
            TutoringSession.starts_at >= now - ABSENCE_LOOKBACK,
            TutoringSession.starts_at < now,
        )
        .order_by(TutoringSession.starts_at.desc(), TutoringSession.id)
    )
    alerts = []
    for ts, student_id, name in rows:
        local = to_paris(ts.starts_at)
        alerts.append(
            Alert(
                kind="missed_session",
                student_id=student_id,
                student_name=name,
                subject=ts.subject,
                on=local.date(),
                message=f"Absence {formats.of(name)} à la séance de {subject_name(ts.subject)} "
                f"du {formats.short_date(local.date(), 'fr')} à {formats.clock(local, 'fr')}.",
            )
        )
    return alerts
