"""The teacher's dashboard: their schedule and their students' progress (4 queries)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.tokens import Principal
from nexus.assessments.progress import general_average
from nexus.dashboards.common import session_item, subject_summaries
from nexus.dashboards.schemas.staff import TeacherDashboard, TeacherSession, TeacherStudent
from nexus.db import utcnow
from nexus.language.collation import french
from nexus.people.access import teacher_student_ids
from nexus.people.models import StudentProfile
from nexus.scheduling.models import Booking, BookingStatus, SessionStatus, TutoringSession

UPCOMING = 20


def teacher_dashboard(
    session: Session, principal: Principal, now: datetime | None = None
) -> TeacherDashboard:
    now = now or utcnow()
    booked = (
        select(func.count())
        .where(Booking.session_id == TutoringSession.id, Booking.status == BookingStatus.BOOKED)
        .correlate(TutoringSession)
        .scalar_subquery()
    )
    schedule = session.execute(
        select(TutoringSession, booked)
        .where(
            TutoringSession.teacher_id == principal.user_id,
            TutoringSession.status == SessionStatus.SCHEDULED,
            TutoringSession.starts_at >= now,
        )
        .order_by(TutoringSession.starts_at, TutoringSession.id)
        .limit(UPCOMING)
    )
    # TutoringSession.teacher is eagerly joined: the teacher's name comes with the schedule.
    sessions = [
        TeacherSession(
            **session_item(ts, ts.teacher.full_name).model_dump(),
            capacity=ts.capacity,
            booked_count=count,
        )
        for ts, count in schedule
    ]
    # The ids first, then the accounts by primary key: joined to the union in one statement,
    # PostgreSQL hashes the whole users table (a scan that grows with every student).
    ids = cast(list[int], list(session.scalars(teacher_student_ids(principal.user_id))))
    students = (
        session.execute(
            select(User, StudentProfile.level)
            .outerjoin(StudentProfile, StudentProfile.user_id == User.id)
            .where(User.id.in_(ids))
            .order_by(french(User.last_name), french(User.first_name), User.id)
        ).all()
        if ids
        else []
    )
    progress, _recent = subject_summaries(session, ids)
    rows = []
    for student, level in students:
        subjects = progress.get(student.id, [])
        rows.append(
            TeacherStudent(
                student_id=student.id,
                student_name=student.full_name,
                level=level,
                overall_average=general_average(s.average for s in subjects),
                progress=subjects,
            )
        )
    return TeacherDashboard(upcoming_sessions=sessions, students=rows)
