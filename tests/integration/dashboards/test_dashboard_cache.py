"""The student's dashboard is cached per student, the parent's per family
(nexus.dashboards.freshness): every write it shows is seen on the next request, whoever made
it; writes it does not show leave it cached; an entry ends when the first session it lists
starts, or an absence it shows gets too old.

Runs on the suite's backend: SQLite + in-process cache, or PostgreSQL + Redis.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.assessments.models import Assessment
from nexus.clock import paris_midnight
from nexus.content.vocabulary import ContentKind, Level, Subject
from nexus.dashboards.freshness import lifetime
from nexus.dashboards.parent import ABSENCE_LOOKBACK, changes_at
from nexus.dashboards.schemas.family import Alert, ParentDashboard
from nexus.scheduling.models import Attendance
from tests.factories.accounts import UserFactory
from tests.factories.assessments import AssessmentFactory
from tests.factories.content import ContentItemFactory
from tests.factories.offers import EnrollmentFactory
from tests.factories.people import ParentLinkFactory, StudentProfileFactory
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.api import Api

URL = "/api/v1/dashboards/student"
PARENT_URL = "/api/v1/dashboards/parent"


def board(api: Api, kid: Any) -> dict[str, Any]:
    response = api.get(URL, kid)
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def upcoming(api: Api, kid: Any) -> list[int]:
    return [s["session_id"] for s in board(api, kid)["upcoming_sessions"]]


def maths_count(api: Api, kid: Any) -> int:
    progress = board(api, kid)["progress"]
    return next((p["count"] for p in progress if p["subject"] == "mathematiques"), 0)


def hide_a_mark_behind_the_orms_back(connection: Connection, student_id: int) -> None:
    """A change no session flushes: the cache is not told, so a cached board keeps the mark."""
    connection.execute(
        update(Assessment).where(Assessment.student_id == student_id).values(score=0)
    )


def _in(days: float) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def test_bookings_and_cancellations_show_on_the_next_request(api: Api, session: Session) -> None:
    kid = api.actor(Role.STUDENT)
    teacher = UserFactory(role=Role.TEACHER, first_name="Sophie", last_name="Bernard")
    ts = TutoringSessionFactory(
        teacher_id=teacher.id, starts_at=_in(3), capacity=4, duration=timedelta(minutes=90)
    )
    EnrollmentFactory(student_id=kid.id, offer__hours=10)
    session.commit()
    assert upcoming(api, kid) == [] and board(api, kid)["remaining_minutes"] == 600

    booked = api.post(f"/api/v1/sessions/{ts.id}/bookings", kid, json={})
    assert booked.status_code == 201, booked.get_json()
    after = board(api, kid)
    assert [s["session_id"] for s in after["upcoming_sessions"]] == [ts.id]
    assert after["remaining_minutes"] == 510

    cancelled = api.post(f"/api/v1/bookings/{booked.get_json()['id']}/cancel", kid, json={})
    assert cancelled.status_code == 200, cancelled.get_json()
    after = board(api, kid)
    assert after["upcoming_sessions"] == [] and after["remaining_minutes"] == 600


def test_writes_of_staff_show_on_the_next_request(api: Api, session: Session) -> None:
    kid = api.actor(Role.STUDENT)
    admin = api.actor(Role.ADMIN)
    teacher = UserFactory(role=Role.TEACHER, first_name="Sophie", last_name="Bernard")
    ts = TutoringSessionFactory(teacher_id=teacher.id, starts_at=_in(2))
    BookingFactory(session=ts, student_id=kid.id)
    bought = EnrollmentFactory(student_id=kid.id)
    session.commit()
    first = board(api, kid)
    assert first["upcoming_sessions"][0]["teacher_name"] == "Sophie Bernard"
    assert maths_count(api, kid) == 0

    mark = {"student_id": kid.id, "teacher_id": teacher.id, "subject": "mathematiques"}
    mark |= {"chapter": "Suites", "score": 8, "assessed_on": str(date.today())}
    assert api.post("/api/v1/assessments", admin, json=mark).status_code == 201
    assert maths_count(api, kid) == 1

    renamed = api.patch(f"/api/v1/admin/users/{teacher.id}", admin, json={"last_name": "Martin"})
    assert renamed.status_code == 200, renamed.get_json()
    assert board(api, kid)["upcoming_sessions"][0]["teacher_name"] == "Sophie Martin"

    offer = api.patch(f"/api/v1/offers/{bought.offer_id}", admin, json={"name": "Stage renommé"})
    assert offer.status_code == 200, offer.get_json()
    assert board(api, kid)["enrollments"][0]["offer_name"] == "Stage renommé"

    gone = api.post(f"/api/v1/sessions/{ts.id}/cancel", admin, json={"reason": "Malade"})
    assert gone.status_code == 200, gone.get_json()
    assert upcoming(api, kid) == []


def test_new_bank_items_and_a_new_level_show_on_the_next_request(
    api: Api, session: Session
) -> None:
    kid = api.actor(Role.STUDENT)
    teacher = UserFactory(role=Role.TEACHER)
    StudentProfileFactory(user_id=kid.id, level=Level.PREMIERE)
    AssessmentFactory(student_id=kid.id, teacher_id=teacher.id, chapter="Probabilités", score=5)
    session.commit()
    assert board(api, kid)["recommended_content"] == []

    item = ContentItemFactory(
        title="Arbres", chapter="Probabilités", level=Level.PREMIERE, kind=ContentKind.EXERCISE
    )
    session.commit()
    assert [r["content_id"] for r in board(api, kid)["recommended_content"]] == [item.id]
    assert board(api, kid)["level"] == "premiere"


def test_the_board_is_served_from_the_cache_until_a_write_it_shows(
    api: Api, session: Session, connection: Connection
) -> None:
    kid, other = api.actor(Role.STUDENT), api.actor(Role.STUDENT)
    teacher = UserFactory(role=Role.TEACHER)
    ts = TutoringSessionFactory(teacher_id=teacher.id, starts_at=_in(3), capacity=4)
    EnrollmentFactory(student_id=other.id)
    AssessmentFactory(student_id=kid.id, teacher_id=teacher.id, score=12)
    session.commit()
    assert board(api, kid)["progress"][0]["average"] == 12

    hide_a_mark_behind_the_orms_back(connection, kid.id)
    assert board(api, kid)["progress"][0]["average"] == 12  # cached
    # Another student's booking, and the session's seat counter it moves, change nothing here.
    assert api.post(f"/api/v1/sessions/{ts.id}/bookings", other, json={}).status_code == 201
    assert board(api, kid)["progress"][0]["average"] == 12  # still cached
    # One of this student's own writes: the board is read again, with the hidden change.
    AssessmentFactory(student_id=kid.id, teacher_id=teacher.id, subject=Subject.NSI, score=20)
    session.commit()
    assert board(api, kid)["progress"][0]["average"] == 0


def test_an_entry_ends_when_its_first_session_starts(api: Api, session: Session) -> None:
    kid = api.actor(Role.STUDENT)
    teacher = UserFactory(role=Role.TEACHER)
    starting = TutoringSessionFactory(
        teacher_id=teacher.id, starts_at=datetime.now(UTC) + timedelta(seconds=2)
    )
    later = TutoringSessionFactory(teacher_id=teacher.id, starts_at=_in(1))
    BookingFactory(session=starting, student_id=kid.id)
    BookingFactory(session=later, student_id=kid.id)
    session.commit()
    assert upcoming(api, kid) == [starting.id, later.id]
    time.sleep(max(0.0, (starting.starts_at - datetime.now(UTC)).total_seconds()) + 0.2)
    assert upcoming(api, kid) == [later.id]


def test_lifetime_is_the_time_left_before_the_first_session() -> None:
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert lifetime([], now) is None
    starts = [now + timedelta(minutes=30), now + timedelta(minutes=5)]
    assert lifetime(starts, now) == 300.0
    assert lifetime([now - timedelta(seconds=1)], now) == 0.0


def family(api: Api, parent: Any) -> dict[int, dict[str, Any]]:
    """The parent's board, child by child: their summary plus their upcoming session ids."""
    response = api.get(PARENT_URL, parent)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    children = {c["student_id"]: c for c in body["children"]}
    for child in children.values():
        child["upcoming"] = [
            s["session_id"]
            for s in body["upcoming_sessions"]
            if s["student_id"] == child["student_id"]
        ]
    return children


def test_a_parents_board_follows_each_childs_writes_and_the_links(
    api: Api, session: Session, connection: Connection
) -> None:
    parent, admin = api.actor(Role.PARENT), api.actor(Role.ADMIN)
    kid, sibling, stranger = (api.actor(Role.STUDENT) for _ in range(3))
    teacher = UserFactory(role=Role.TEACHER)
    ts = TutoringSessionFactory(
        teacher_id=teacher.id, starts_at=_in(3), capacity=4, duration=timedelta(minutes=90)
    )
    ParentLinkFactory(parent_id=parent.id, student_id=kid.id)
    for child in (kid, sibling, stranger):
        EnrollmentFactory(student_id=child.id, offer__hours=10)
    AssessmentFactory(student_id=kid.id, teacher_id=teacher.id, score=12)
    session.commit()
    assert family(api, parent)[kid.id]["overall_average"] == 12

    hide_a_mark_behind_the_orms_back(connection, kid.id)
    # Another family's booking changes nothing here: the board stays cached.
    assert api.post(f"/api/v1/sessions/{ts.id}/bookings", stranger, json={}).status_code == 201
    assert family(api, parent)[kid.id]["overall_average"] == 12

    # The child's own booking: read again, with the hidden change and the new session.
    assert api.post(f"/api/v1/sessions/{ts.id}/bookings", kid, json={}).status_code == 201
    board_now = family(api, parent)
    assert board_now[kid.id]["overall_average"] == 0
    assert board_now[kid.id]["upcoming"] == [ts.id]
    assert board_now[kid.id]["remaining_minutes"] == 510

    linked = api.post(
        "/api/v1/admin/parent-links", admin, json={"parent_id": parent.id, "student_id": sibling.id}
    )
    assert linked.status_code == 201, linked.get_json()
    assert set(family(api, parent)) == {kid.id, sibling.id}
    # A write of the new child's shows too.
    assert api.post(f"/api/v1/sessions/{ts.id}/bookings", sibling, json={}).status_code == 201
    assert family(api, parent)[sibling.id]["upcoming"] == [ts.id]

    unlinked = api.delete(f"/api/v1/admin/parent-links/{linked.get_json()['id']}", admin)
    assert unlinked.status_code == 204
    assert set(family(api, parent)) == {kid.id}


def test_a_parents_board_ends_when_an_absence_gets_too_old() -> None:
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    day = date(2026, 11, 20)
    absence = Alert(
        kind="missed_session", student_id=1, student_name="Léa", subject="nsi", on=day, message="…"
    )
    falling = absence.model_copy(update={"kind": "falling_average"})
    board_ = ParentDashboard(
        children=[], upcoming_sessions=[], recent_assessments=[], recent_reports=[], alerts=[]
    )
    assert changes_at(board_) == []
    board_.alerts = [absence, falling]
    assert changes_at(board_) == [paris_midnight(day) + ABSENCE_LOOKBACK]
    # Never later than the real moment: the session started at or after its day's midnight.
    assert (
        lifetime(changes_at(board_), now)
        == (paris_midnight(day) + ABSENCE_LOOKBACK - now).total_seconds()
    )


def test_an_absence_leaves_the_cached_board_when_its_session_is_marked(
    api: Api, session: Session
) -> None:
    parent, teacher_actor = api.actor(Role.PARENT), api.actor(Role.TEACHER)
    kid = api.actor(Role.STUDENT)
    ParentLinkFactory(parent_id=parent.id, student_id=kid.id)
    past = TutoringSessionFactory(teacher_id=teacher_actor.id, starts_at=_in(-2))
    booked = BookingFactory(session=past, student_id=kid.id)
    session.commit()
    assert api.get(PARENT_URL, parent).get_json()["alerts"] == []
    booked.attendance = Attendance.ABSENT
    session.commit()
    alerts = api.get(PARENT_URL, parent).get_json()["alerts"]
    assert [a["kind"] for a in alerts] == ["missed_session"]
