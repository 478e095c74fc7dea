"""Teachers schedule sessions; everyone signed in browses them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.content.vocabulary import Level, Subject
from nexus.db import utcnow
from nexus.scheduling.models import SessionStatus
from tests.factories import people, scheduling
from tests.support.api import Api


def _payload(start: datetime, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "kind": "group",
        "subject": "mathematiques",
        "level": "terminale",
        "title": "Suites et récurrence",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=90)).isoformat(),
        "online_url": "https://visio.nexus-reussite.fr/salle/maths",
        "capacity": 4,
    }
    values.update(overrides)
    # None leaves the field out: the contract refuses an explicit null where nothing is cleared.
    return {key: value for key, value in values.items() if value is not None}


def _next_winter_day() -> datetime:
    """A December 16:00 UTC (17:00 in Paris) far enough in the future."""
    year = utcnow().year + 1
    return datetime(year, 12, 1, 16, 0, tzinfo=UTC)


def test_teacher_schedules_a_group_session(api: Api) -> None:
    teacher = api.actor(Role.TEACHER, first_name="Sophie", last_name="Bernard")
    start = _next_winter_day()
    response = api.post("/api/v1/sessions", teacher, json=_payload(start))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["teacher"] == {"id": teacher.id, "first_name": "Sophie", "last_name": "Bernard"}
    assert datetime.fromisoformat(body["starts_at"]) == start
    assert body["starts_at_local"] == f"{start.year}-12-01T17:00:00+01:00"
    assert body["ends_at_local"] == f"{start.year}-12-01T18:30:00+01:00"
    assert (body["capacity"], body["seats_taken"], body["seats_left"]) == (4, 0, 4)
    assert body["duration_minutes"] == 90
    assert body["bookings"] == []
    assert body["status"] == "scheduled"


def test_summer_sessions_show_the_summer_offset(api: Api) -> None:
    teacher = api.actor(Role.TEACHER)
    start = datetime(utcnow().year + 1, 7, 1, 8, 0, tzinfo=UTC)
    body = api.post(
        "/api/v1/sessions", teacher, json=_payload(start, kind="individual", capacity=None)
    ).get_json()
    assert body["starts_at_local"].endswith("T10:00:00+02:00")
    assert body["capacity"] == 1


def test_schedule_validation_names_the_field(api: Api) -> None:
    teacher = api.actor(Role.TEACHER)
    start = _next_winter_day()
    past = utcnow() - timedelta(days=1)
    cases = [
        (_payload(past), "starts_at", "in_the_past"),
        (_payload(start, ends_at=start.isoformat()), "ends_at", "validation_error"),
        (
            _payload(start, ends_at=(start + timedelta(hours=5)).isoformat()),
            "ends_at",
            "validation_error",
        ),
        (_payload(start, starts_at="2030-12-01T16:00:00"), "starts_at", "validation_error"),
        (_payload(start, online_url=None), "online_url", "location_required"),
        (_payload(start, online_url="ftp://x"), "online_url", "validation_error"),
        (_payload(start, kind="individual", capacity=2), "capacity", "validation_error"),
        (_payload(start, capacity=1), "capacity", "validation_error"),
        (_payload(start, subject="alchimie"), "subject", "validation_error"),
    ]
    for payload, field, code in cases:
        response = api.post("/api/v1/sessions", teacher, json=payload)
        assert response.status_code == 422, (field, response.get_json())
        error = response.get_json()["error"]
        assert error["fields"][0]["field"] == field
        assert error["code"] == code


def test_a_room_is_enough(api: Api) -> None:
    teacher = api.actor(Role.TEACHER)
    payload = _payload(_next_winter_day(), online_url=None, room="B12")
    response = api.post("/api/v1/sessions", teacher, json=payload)
    assert response.status_code == 201
    assert response.get_json()["room"] == "B12"
    assert response.get_json()["capacity"] == 4


def test_a_teacher_cannot_overlap_their_own_sessions(api: Api) -> None:
    teacher, colleague = api.actor(Role.TEACHER), api.actor(Role.TEACHER)
    start = _next_winter_day()
    first = api.post("/api/v1/sessions", teacher, json=_payload(start))
    assert first.status_code == 201
    overlapping = _payload(start + timedelta(minutes=60))
    clash = api.post("/api/v1/sessions", teacher, json=overlapping)
    assert clash.status_code == 409
    error = clash.get_json()["error"]
    assert error["code"] == "teacher_overlap"
    assert f"séance {first.get_json()['id']}" in error["message"]
    assert "Mathématiques" in error["message"]
    # Back to back is fine, and another teacher may teach at the same time.
    after = _payload(start + timedelta(minutes=90))
    assert api.post("/api/v1/sessions", teacher, json=after).status_code == 201
    assert api.post("/api/v1/sessions", colleague, json=overlapping).status_code == 201


def test_only_teachers_schedule(api: Api) -> None:
    for role in (Role.STUDENT, Role.PARENT, Role.ADMIN):
        response = api.post("/api/v1/sessions", api.actor(role), json=_payload(_next_winter_day()))
        assert response.status_code == 403


def test_catalogue_filters_and_sorting(api: Api, session: Session) -> None:
    viewer = api.actor(Role.STUDENT)
    maths, nsi_teacher = api.actor(Role.TEACHER), api.actor(Role.TEACHER)
    base = _next_winter_day()
    a = scheduling.tutoring_session(session, maths.id, starts_at=base, capacity=3)
    b = scheduling.tutoring_session(
        session,
        nsi_teacher.id,
        starts_at=base + timedelta(days=2),
        subject=Subject.NSI,
        level=Level.PREMIERE,
    )
    full = scheduling.tutoring_session(session, maths.id, starts_at=base + timedelta(days=5))
    scheduling.booking(session, full, people.user(session, Role.STUDENT).id)
    cancelled = scheduling.tutoring_session(
        session, maths.id, starts_at=base + timedelta(days=6), status=SessionStatus.CANCELLED
    )
    past = scheduling.tutoring_session(session, maths.id, starts_in=-timedelta(days=2))
    session.commit()

    def ids(query: str) -> list[int]:
        response = api.get(f"/api/v1/sessions?page_size=100{query}", viewer)
        assert response.status_code == 200, response.get_json()
        return [s["id"] for s in response.get_json()["items"]]

    assert ids("") == [past.id, a.id, b.id, full.id, cancelled.id]
    assert ids("&sort=-starts_at")[:2] == [cancelled.id, full.id]
    assert ids("&subject=nsi") == [b.id]
    assert ids("&level=premiere") == [b.id]
    assert ids(f"&teacher_id={nsi_teacher.id}") == [b.id]
    assert ids("&available_only=true") == [a.id, b.id]
    assert ids("&status=cancelled") == [cancelled.id]
    day = base.date()
    assert ids(f"&from={day}&to={day}") == [a.id]
    assert ids(f"&from={day + timedelta(days=1)}") == [b.id, full.id, cancelled.id]
    bad = api.get(f"/api/v1/sessions?from={day}&to={day - timedelta(days=1)}", viewer)
    assert bad.status_code == 422
    assert bad.get_json()["error"]["fields"][0]["field"] == "to"
    bad_sort = api.get("/api/v1/sessions?sort=price", viewer)
    assert bad_sort.get_json()["error"]["fields"][0]["field"] == "sort"


def test_video_link_and_bookings_are_for_participants(api: Api, session: Session) -> None:
    teacher, other_teacher = api.actor(Role.TEACHER), api.actor(Role.TEACHER)
    booked, browsing, admin = (
        api.actor(Role.STUDENT),
        api.actor(Role.STUDENT),
        api.actor(Role.ADMIN),
    )
    ts = scheduling.tutoring_session(session, teacher.id, capacity=3)
    scheduling.booking(session, ts, booked.id)
    session.commit()
    path = f"/api/v1/sessions/{ts.id}"

    seen = api.get(path, browsing).get_json()
    assert seen["online_url"] is None
    assert seen["bookings"] is None and seen["teacher_notes"] is None
    assert seen["seats_left"] == 2
    assert api.get(path, booked).get_json()["online_url"] == ts.online_url
    assert api.get(path, other_teacher).get_json()["bookings"] is None
    for in_charge in (teacher, admin):
        detail = api.get(path, in_charge).get_json()
        assert detail["online_url"] == ts.online_url
        assert [b["student"]["id"] for b in detail["bookings"]] == [booked.id]
    listed = api.get("/api/v1/sessions", booked).get_json()["items"]
    assert listed[0]["online_url"] == ts.online_url
    assert api.get("/api/v1/sessions", browsing).get_json()["items"][0]["online_url"] is None
    assert api.get("/api/v1/sessions/999999", browsing).status_code == 404
