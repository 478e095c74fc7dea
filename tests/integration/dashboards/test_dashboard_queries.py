"""Dashboards run a bounded number of SQL queries, whatever the history (no N+1).

Each dashboard is requested for a small world (2 sessions, 2 assessments…) and a large one
(40 of each); the statements sent on the test connection's engine are counted with a
``before_cursor_execute`` listener: the counts must be equal and under a fixed bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.content.vocabulary import ContentKind, Level, Subject
from nexus.scheduling.models import Attendance
from tests.factories.assessments import AssessmentFactory
from tests.factories.content import ContentItemFactory
from tests.factories.families import SessionReportFactory
from tests.factories.offers import EnrollmentFactory
from tests.factories.people import ParentLinkFactory, StudentProfileFactory, new_student
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.api import Actor, Api
from tests.support.query_counter import QueryCounter

SUBJECTS = [Subject.MATHEMATIQUES, Subject.NSI, Subject.PHYSIQUE_CHIMIE]
CHAPTERS = ["Suites", "Probabilités", "Graphes", "Limites", "Mécanique"]
# The data queries each dashboard runs when it is not cached (the bearer-token revocation check
# included; the parent's reads the family's ids first: they key its cache entry).
BOUNDS = {"student": 6, "parent": 8, "teacher": 5, "admin": 5}


@dataclass
class World:
    student: Actor
    parent: Actor
    teacher: Actor
    admin: Actor


def _world(api: Api, session: Session, n: int) -> World:
    world = World(
        student=api.actor(Role.STUDENT),
        parent=api.actor(Role.PARENT),
        teacher=api.actor(Role.TEACHER),
        admin=api.actor(Role.ADMIN),
    )
    kid = world.student.user
    StudentProfileFactory(user_id=kid.id, level=Level.TERMINALE)
    sibling = new_student()
    ParentLinkFactory(parent_id=world.parent.id, student_id=kid.id)
    ParentLinkFactory(parent_id=world.parent.id, student_id=sibling.id)
    now = datetime.now(UTC)
    for i in range(n):
        past = i % 2 == 0
        starts = now + timedelta(days=(-1 - i) if past else (1 + i), hours=i % 5)
        ts = TutoringSessionFactory(
            teacher_id=world.teacher.id, starts_at=starts, subject=SUBJECTS[i % 3], capacity=3
        )
        attendance = (Attendance.ABSENT if i % 4 == 0 else Attendance.PRESENT) if past else None
        BookingFactory(session=ts, student_id=kid.id, attendance=attendance)
        BookingFactory(session=ts, student_id=sibling.id)
        if past:
            for student_id in (kid.id, sibling.id):
                SessionReportFactory(session=ts, student_id=student_id)
        extra = new_student()
        BookingFactory(session=ts, student_id=extra.id)
        for student_id in (kid.id, sibling.id):
            AssessmentFactory(
                student_id=student_id,
                teacher_id=world.teacher.id,
                subject=SUBJECTS[i % 3],
                chapter=CHAPTERS[i % 5],
                score=(i * 7) % 21,
                assessed_on=date.today() - timedelta(days=i),
            )
        ContentItemFactory(
            title=f"Fiche {i}",
            subject=SUBJECTS[i % 3],
            chapter=CHAPTERS[i % 5],
            kind=ContentKind.EXERCISE,
            level=Level.TERMINALE,
        )
        if i % 10 == 0:
            EnrollmentFactory(student_id=kid.id, created_at=now - timedelta(days=20 * i))
            EnrollmentFactory(student_id=extra.id, created_at=now - timedelta(days=9 * i))
    session.commit()
    return world


def _count(api: Api, counter: QueryCounter, path: str, actor: Actor) -> tuple[int, int]:
    with counter.count():
        response = api.get(path, actor)
    assert response.status_code == 200, response.get_json()
    return len(counter.queries()), len(counter.statements)


@pytest.mark.parametrize("role", ["student", "parent", "teacher", "admin"])
def test_dashboard_query_count_does_not_grow_with_history(
    api: Api, session: Session, query_counter: QueryCounter, role: str
) -> None:
    small, large = _world(api, session, 2), _world(api, session, 40)
    path = f"/api/v1/dashboards/{role}"
    small_queries, small_statements = _count(api, query_counter, path, getattr(small, role))
    large_queries, large_statements = _count(api, query_counter, path, getattr(large, role))
    assert large_queries == small_queries, query_counter.queries()
    assert large_statements == small_statements
    assert large_queries <= BOUNDS[role], query_counter.queries()
    # Record the figure in the test output (pytest -rA / the final report).
    print(f"{role} dashboard: {large_queries} queries ({large_statements} statements)")


def test_the_large_world_really_is_larger(api: Api, session: Session) -> None:
    """Guard against a world builder that silently builds the same thing twice."""
    small, large = _world(api, session, 2), _world(api, session, 40)
    sizes = []
    for world in (small, large):
        body = api.get("/api/v1/dashboards/parent", world.parent).get_json()
        sizes.append(sum(p["count"] for c in body["children"] for p in c["progress"]))
    assert sizes == [4, 80]
