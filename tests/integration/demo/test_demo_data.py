"""``nexus seed-demo`` (demo marks) and ``nexus seed-demo --large`` with small numbers."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.assessments.models import Assessment
from nexus.demo import large_plan
from nexus.demo.large import EMAIL_DOMAIN, LargeOptions, planned_rows, seed_large
from nexus.offers.models import Enrollment
from nexus.people.access import teacher_has_student
from nexus.people.models import ParentLink, StudentProfile
from nexus.scheduling.models import Booking, BookingStatus, SessionStatus, TutoringSession

SMALL = LargeOptions(students=30, sessions=120, assessments=300, seed=7, batch_size=50)


def _count(session: Session, model: type, *where: object) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_large_seed_inserts_consistent_data(session: Session) -> None:
    progressed: list[int] = []
    result = seed_large(session, "!test-hash", SMALL, progressed.append)
    session.commit()
    assert not result.skipped
    assert sum(progressed) == result.rows
    assert planned_rows(SMALL) > 0
    generated = User.email.like(f"%@{EMAIL_DOMAIN}")
    assert _count(session, User, generated, User.role == Role.STUDENT) == 30
    assert _count(session, User, generated, User.role == Role.TEACHER) == 3
    parents = _count(session, User, generated, User.role == Role.PARENT)
    assert 1 <= parents <= 30 and result.created["users"] == 33 + parents
    assert _count(session, StudentProfile) == 30 and _count(session, ParentLink) == 30
    assert _count(session, TutoringSession) == 120
    assert _count(session, Assessment) == 300
    assert result.created["bookings"] == _count(session, Booking) >= 120

    live = (
        select(func.count())
        .where(Booking.session_id == TutoringSession.id, Booking.status == BookingStatus.BOOKED)
        .scalar_subquery()
    )
    assert _count(session, TutoringSession, TutoringSession.seats_taken != live) == 0
    cancelled = TutoringSession.status == SessionStatus.CANCELLED
    assert _count(session, TutoringSession, cancelled, TutoringSession.seats_taken > 0) == 0
    assert _count(session, Enrollment, Enrollment.minutes_used > Enrollment.minutes_bought) == 0
    charged = session.scalar(select(func.sum(Booking.minutes_charged)))
    assert charged == session.scalar(select(func.sum(Enrollment.minutes_used))) > 0
    # Every mark is by one of the student's teachers, so the access rules see it.
    for student_id, teacher_id in session.execute(
        select(Assessment.student_id, Assessment.teacher_id).limit(20)
    ):
        assert teacher_has_student(session, teacher_id, student_id)
    assert session.scalar(select(func.count()).where(Assessment.comment != "")) > 0

    again = seed_large(session, "!test-hash", SMALL)
    assert again.skipped and again.rows == 0


def test_large_plans_are_deterministic() -> None:
    now = datetime(2026, 11, 26, 9, tzinfo=UTC)

    def plan(seed: int) -> tuple[object, ...]:
        rng = random.Random(seed)
        people = large_plan.plan_people(rng, 12, "x.test", "!h", now)
        ids = (list(range(1, 4)), list(range(100, 112)))
        marks = large_plan.plan_assessments(rng, 40, ids, people, now.date())
        return people.students, people.links, marks

    assert plan(3) == plan(3)
    assert plan(3) != plan(4)


def test_cli_seed_demo_large(app: Flask, session: Session) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    demo_sessions = _count(session, TutoringSession)
    args = ["seed-demo", "--large", "--students", "6", "--sessions", "15", "--assessments", "25"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "demo data ready" in first.output
    assert "large data set: " in first.output and "assessments 25" in first.output
    assert _count(session, TutoringSession) == demo_sessions + 15
    second = runner.invoke(args=args)
    assert second.exit_code == 0, second.output
    assert "already loaded" in second.output
    assert _count(session, TutoringSession) == demo_sessions + 15
    bad = runner.invoke(args=["seed-demo", "--large", "--students", "0"])
    assert bad.exit_code != 0


def test_demo_marks_for_the_demo_children(app: Flask, session: Session) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    lucas = session.scalar(select(User).where(User.email == "lucas@nexus-reussite.fr"))
    marks = session.scalars(select(Assessment).where(Assessment.student_id == lucas.id)).all()
    assert len(marks) == 8
    assert any("récurrence" in m.comment for m in marks)
    total = _count(session, Assessment)
    assert total == 16  # Lucas 8, Emma 5, Inès 3
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert _count(session, Assessment) == total
