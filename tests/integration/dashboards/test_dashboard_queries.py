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
from nexus.content.vocabulary import Level, Subject
from nexus.scheduling.models import Attendance
from tests.factories import insights as f
from tests.support.query_counter import QueryCounter
from tests.support.api import Actor, Api

SUBJECTS = [Subject.MATHEMATIQUES, Subject.NSI, Subject.PHYSIQUE_CHIMIE]
CHAPTERS = ["Suites", "Probabilités", "Graphes", "Limites", "Mécanique"]
# The data queries each dashboard runs when it is not cached (the bearer-token revocation check
# included; the parent's reads the family's ids first: they key its cache entry).
BOUNDS = {"student": 5, "parent": 7, "teacher": 5, "admin": 5}


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
    f.profile(session, kid, Level.TERMINALE)
    sibling = f.student(session)
    f.link(session, world.parent.user, kid)
    f.link(session, world.parent.user, sibling)
    now = datetime.now(UTC)
    for i in range(n):
        past = i % 2 == 0
        starts = now + timedelta(days=(-1 - i) if past else (1 + i), hours=i % 5)
        ts = f.tutoring_session(
            session, world.teacher.id, starts, subject=SUBJECTS[i % 3], capacity=3
        )
        attendance = (Attendance.ABSENT if i % 4 == 0 else Attendance.PRESENT) if past else None
        f.booking(session, ts, kid.id, attendance=attendance)
        f.booking(session, ts, sibling.id)
        extra = f.student(session)
        f.booking(session, ts, extra.id)
        for student_id in (kid.id, sibling.id):
            f.assessment(
                session,
                student_id,
                world.teacher.id,
                subject=SUBJECTS[i % 3],
                chapter=CHAPTERS[i % 5],
                score=(i * 7) % 21,
                assessed_on=date.today() - timedelta(days=i),
            )
        f.content(session, f"Fiche {i}", subject=SUBJECTS[i % 3], chapter=CHAPTERS[i % 5])
        if i % 10 == 0:
            f.enrollment(session, kid.id, created_at=now - timedelta(days=20 * i))
            f.enrollment(session, extra.id, created_at=now - timedelta(days=9 * i))
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
