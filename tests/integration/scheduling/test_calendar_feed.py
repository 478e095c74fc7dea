"""Secret iCalendar feeds: who sees which sessions, revisions, cancellation, revocation."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.demo import seed_demo
from nexus.notifications.models import Notification, NotificationKind
from nexus.scheduling.models import BookingStatus, CalendarFeed, TutoringSession
from tests.factories.accounts import UserFactory
from tests.factories.people import ParentLinkFactory
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.api import Actor, Api


def _feed_path(api: Api, actor: Actor) -> str:
    response = api.post("/api/v1/me/calendar-feed", actor)
    assert response.status_code == 201, response.get_json()
    url = response.get_json()["url"]
    assert url.startswith("http://localhost/api/v1/calendar/") and url.endswith(".ics")
    return urlsplit(url).path


def _events(api: Api, path: str) -> dict[str, object]:
    response = api.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.get_data())
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def _uid(ts: TutoringSession) -> str:
    return f"session-{ts.id}@nexus-reussite.fr"


def test_a_parent_sees_both_childrens_sessions(api: Api, session: Session) -> None:
    parent = api.actor(Role.PARENT)
    emma = UserFactory(role=Role.STUDENT, first_name="Emma", last_name="Moreau")
    lucas = UserFactory(role=Role.STUDENT, first_name="Lucas", last_name="Moreau")
    teacher = UserFactory(role=Role.TEACHER, first_name="Sophie", last_name="Bernard")
    for child in (emma, lucas):
        ParentLinkFactory(parent_id=parent.id, student_id=child.id)
    maths = TutoringSessionFactory(teacher_id=teacher.id, title="Suites")
    nsi = TutoringSessionFactory(
        teacher_id=teacher.id,
        subject="nsi",
        starts_in=timedelta(days=4),
        online_url=None,
        room="B12",
    )
    group = TutoringSessionFactory(
        teacher_id=teacher.id, capacity=4, starts_in=timedelta(days=5), title=""
    )
    stranger_session = TutoringSessionFactory(teacher_id=teacher.id, starts_in=timedelta(days=6))
    old = TutoringSessionFactory(teacher_id=teacher.id, starts_in=-timedelta(days=120))
    BookingFactory(session=maths, student_id=emma.id)
    BookingFactory(session=nsi, student_id=lucas.id)
    BookingFactory(session=group, student_id=emma.id)
    BookingFactory(session=group, student_id=lucas.id)
    BookingFactory(session=stranger_session)
    BookingFactory(session=old, student_id=emma.id)
    session.commit()

    events = _events(api, _feed_path(api, parent))
    assert set(events) == {_uid(maths), _uid(nsi), _uid(group)}
    assert events[_uid(maths)]["SUMMARY"] == "Emma : Mathématiques — Suites"
    assert events[_uid(nsi)]["SUMMARY"] == "Lucas : NSI — Séance de test"
    assert events[_uid(group)]["SUMMARY"] == "Emma et Lucas : Mathématiques"
    start = events[_uid(maths)]["DTSTART"]
    assert start.params["TZID"] == "Europe/Paris"
    assert start.dt == maths.starts_at
    description = str(events[_uid(nsi)]["DESCRIPTION"])
    assert "Professeur : Sophie Bernard" in description and "Lieu : salle B12" in description
    assert "Pour : Lucas Moreau" in description
    # A parent is not given the video link (as in the API).
    assert "URL" not in events[_uid(maths)] and events[_uid(maths)]["LOCATION"] == "En ligne"
    assert events[_uid(maths)]["STATUS"] == "CONFIRMED"


def test_teacher_and_student_feeds(api: Api, session: Session) -> None:
    teacher, student = api.actor(Role.TEACHER), api.actor(Role.STUDENT)
    mine = TutoringSessionFactory(teacher_id=teacher.id, capacity=3)
    recent = TutoringSessionFactory(teacher_id=teacher.id, starts_in=-timedelta(days=80))
    other = TutoringSessionFactory()
    dropped = TutoringSessionFactory(starts_in=timedelta(days=8))
    BookingFactory(session=mine, student_id=student.id)
    BookingFactory(session=other, student_id=student.id)
    BookingFactory(session=dropped, student_id=student.id, status=BookingStatus.CANCELLED)
    session.commit()

    taught = _events(api, _feed_path(api, teacher))
    assert set(taught) == {_uid(mine), _uid(recent)}
    assert "Places réservées : 1 sur 3" in str(taught[_uid(mine)]["DESCRIPTION"])
    booked = _events(api, _feed_path(api, student))
    assert set(booked) == {_uid(mine), _uid(other)}
    assert str(booked[_uid(mine)]["URL"]) == mine.online_url
    assert api.get(_feed_path(api, api.actor(Role.ADMIN))).status_code == 200


def test_sequence_rises_on_a_move_and_a_cancellation_stays(api: Api, session: Session) -> None:
    teacher, student = api.actor(Role.TEACHER), api.actor(Role.STUDENT)
    parent = UserFactory(role=Role.PARENT)
    ParentLinkFactory(parent_id=parent.id, student_id=student.id)
    ts = TutoringSessionFactory(teacher_id=teacher.id)
    BookingFactory(session=ts, student_id=student.id)
    session.commit()
    path = _feed_path(api, student)
    first = _events(api, path)[_uid(ts)]
    assert first["SEQUENCE"] == 0

    later = (ts.starts_at + timedelta(days=1)).isoformat()
    moved = api.patch(f"/api/v1/sessions/{ts.id}", teacher, json={"starts_at": later})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["duration_minutes"] == 60
    after_move = _events(api, path)[_uid(ts)]
    assert after_move["SEQUENCE"] == 1
    assert after_move["DTSTART"].dt == ts.starts_at + timedelta(days=1)
    assert after_move["LAST-MODIFIED"].dt >= first["LAST-MODIFIED"].dt
    told = session.scalars(
        select(Notification).where(Notification.kind == NotificationKind.SESSION_CHANGED)
    ).all()
    assert {n.user_id for n in told} == {student.id, parent.id}
    assert told[0].title.startswith("Séance déplacée : Mathématiques le ")
    assert "La réservation est conservée." in told[0].body
    same = api.patch(f"/api/v1/sessions/{ts.id}", teacher, json={"starts_at": later})
    assert same.status_code == 200
    assert _events(api, path)[_uid(ts)]["SEQUENCE"] == 1  # nothing changed

    placed = api.patch(f"/api/v1/sessions/{ts.id}", teacher, json={"room": "B12"})
    assert placed.status_code == 200
    assert (
        session.scalar(select(Notification).where(Notification.title.startswith("Lieu modifié")))
        is not None
    )
    assert _events(api, path)[_uid(ts)]["SEQUENCE"] == 2

    cancelled = api.post(f"/api/v1/sessions/{ts.id}/cancel", teacher, json={"reason": "Grève"})
    assert cancelled.status_code == 200
    event = _events(api, path)[_uid(ts)]
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 3
    assert str(event["SUMMARY"]).startswith("Annulée : ")
    assert "Séance annulée. Motif : Grève" in str(event["DESCRIPTION"])


def test_changing_a_session_is_checked(api: Api, session: Session) -> None:
    teacher = api.actor(Role.TEACHER)
    ts = TutoringSessionFactory(teacher_id=teacher.id)
    busy = TutoringSessionFactory(teacher_id=teacher.id, starts_in=timedelta(days=4))
    started = TutoringSessionFactory(teacher_id=teacher.id, starts_in=-timedelta(minutes=5))
    session.commit()
    url = f"/api/v1/sessions/{ts.id}"
    clash = api.patch(url, teacher, json={"starts_at": busy.starts_at.isoformat()})
    assert clash.status_code == 409 and clash.get_json()["error"]["code"] == "teacher_overlap"
    past = api.patch(url, teacher, json={"starts_at": "2020-01-01T10:00:00Z"})
    assert past.status_code == 422 and past.get_json()["error"]["code"] == "in_the_past"
    nowhere = api.patch(url, teacher, json={"online_url": None})
    assert nowhere.get_json()["error"]["code"] == "location_required"
    long = api.patch(
        url, teacher, json={"ends_at": (ts.starts_at + timedelta(hours=5)).isoformat()}
    )
    assert long.status_code == 422 and long.get_json()["error"]["fields"][0]["field"] == "ends_at"
    assert api.patch(url, api.actor(Role.TEACHER), json={"room": "A1"}).status_code == 404
    assert api.patch(url, api.actor(Role.STUDENT), json={"room": "A1"}).status_code == 403
    begun = api.patch(f"/api/v1/sessions/{started.id}", teacher, json={"room": "A1"})
    assert begun.status_code == 409 and begun.get_json()["error"]["code"] == "session_started"


def test_rotation_and_revocation(api: Api, session: Session) -> None:
    student = api.actor(Role.STUDENT)
    first = _feed_path(api, student)
    second = _feed_path(api, student)
    assert first != second
    gone = api.get(first)
    assert gone.status_code == 404
    assert gone.get_json()["error"]["code"] == "feed_not_found"
    assert api.get(second).status_code == 200
    # Only the token's hash is stored.
    stored = session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == student.id))
    token = second.rsplit("/", 1)[1].removesuffix(".ics")
    assert stored is not None and len(stored.token_hash) == 64 and token not in stored.token_hash

    assert api.delete("/api/v1/me/calendar-feed", student).status_code == 204
    assert api.get(second).status_code == 404
    assert api.delete("/api/v1/me/calendar-feed", student).status_code == 204
    assert api.post("/api/v1/me/calendar-feed").status_code == 401


def test_unknown_tokens_are_not_found_and_throttled(api: Api) -> None:
    stranger = api.get("/api/v1/calendar/not-a-real-token.ics")
    assert stranger.status_code == 404 and stranger.get_json()["error"]["status"] == 404
    for _ in range(29):
        api.get("/api/v1/calendar/still-not-a-token.ics")
    throttled = api.get("/api/v1/calendar/another-guess.ics")
    assert throttled.status_code == 429
    assert throttled.get_json()["error"]["code"] == "rate_limited"


def test_a_deactivated_users_feed_is_gone(api: Api, session: Session) -> None:
    student = api.actor(Role.STUDENT)
    path = _feed_path(api, student)
    account = session.get_one(User, student.id)
    account.is_active = False
    session.commit()
    assert api.get(path).status_code == 404


def test_the_demo_parents_feed_lists_both_children(app: Flask, api: Api, session: Session) -> None:
    with app.app_context():
        seed_demo(session)
        session.commit()
    tokens = api.login("parent@nexus-reussite.fr", "Famille2026!demo").get_json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    created = api.post("/api/v1/me/calendar-feed", headers=headers)
    assert created.status_code == 201
    events = _events(api, urlsplit(created.get_json()["url"]).path)
    summaries = [str(e["SUMMARY"]) for e in events.values()]
    assert any(s.startswith("Emma") for s in summaries)
    assert any(s.startswith("Lucas") or " et Lucas" in s for s in summaries)
    assert events and all(e["SEQUENCE"] == 0 for e in events.values())
