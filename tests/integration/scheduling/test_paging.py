"""Per-user lists read their page and its total in one statement; past the end, a count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.api import Actor, Api
from tests.support.query_counter import QueryCounter


def _page(
    api: Api, counter: QueryCounter, actor: Actor, path: str
) -> tuple[dict[str, object], int]:
    with counter.count():
        response = api.get(path, actor)
    assert response.status_code == 200, response.get_json()
    return response.get_json(), len(counter.queries())


# The teacher's sessions load their bookings in a second query, for pages with rows only.
@pytest.mark.parametrize(
    ("path", "extra_past_the_end"),
    [("/api/v1/students/me/bookings", 1), ("/api/v1/teachers/me/sessions", 0)],
)
def test_totals_on_every_page_and_past_the_end(
    api: Api, session: Session, connection: Connection, path: str, extra_past_the_end: int
) -> None:
    teacher, student = api.actor(Role.TEACHER), api.actor(Role.STUDENT)
    for day in range(5):
        ts = TutoringSessionFactory(teacher_id=teacher.id, starts_in=timedelta(days=2 + day))
        BookingFactory(session=ts, student_id=student.id)
    session.commit()
    actor = student if "students" in path else teacher
    counter = QueryCounter(connection)

    first, first_queries = _page(api, counter, actor, f"{path}?page_size=2")
    last, last_queries = _page(api, counter, actor, f"{path}?page_size=2&page=3")
    beyond, beyond_queries = _page(api, counter, actor, f"{path}?page_size=2&page=4")

    assert (first["total"], len(first["items"])) == (5, 2)  # type: ignore[arg-type]
    assert (last["total"], len(last["items"])) == (5, 1)  # type: ignore[arg-type]
    assert (beyond["total"], beyond["items"]) == (5, [])
    # The page with rows carries the total: no separate count. Past the end, one count.
    assert last_queries == first_queries
    assert beyond_queries == first_queries + extra_past_the_end


def test_an_empty_list_needs_no_count(api: Api, connection: Connection) -> None:
    student = api.actor(Role.STUDENT)
    counter = QueryCounter(connection)
    body, queries = _page(api, counter, student, "/api/v1/students/me/bookings")
    assert body == {"items": [], "page": 1, "page_size": 20, "total": 0}
    _, later_queries = _page(api, counter, student, "/api/v1/students/me/bookings?page=2")
    assert later_queries == queries + 1
