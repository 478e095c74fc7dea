"""Students book and cancel seats; hours move with them; everyone concerned is told."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from nexus.accounts.roles import Role
from nexus.language import formats
from nexus.notifications.models import Notification
from nexus.offers.models import Enrollment, EnrollmentStatus
from nexus.scheduling.models import SessionStatus, TutoringSession
from tests.factories import offers, people, scheduling
from tests.support.api import Actor, Api


def _book(api: Api, student: Actor, session_id: int, **body: object) -> TestResponse:
    return api.post(f"/api/v1/sessions/{session_id}/bookings", student, json=body)


def _minutes_used(session: Session, enrollment: Enrollment) -> int:
    session.refresh(enrollment)
    return enrollment.minutes_used


def test_booking_charges_hours_and_notifies_student_parents_and_teacher(
    api: Api, session: Session
) -> None:
    teacher = api.actor(Role.TEACHER, first_name="Sophie", last_name="Bernard")
    student = api.actor(Role.STUDENT, first_name="Lucas", last_name="Moreau")
    parent = api.actor(Role.PARENT)
    people.link(session, parent.id, student.id)
    enrollment = offers.enrollment(session, student.id, hours=10)
    ts = scheduling.tutoring_session(session, teacher.id, duration=timedelta(minutes=90))
    session.commit()

    response = _book(api, student, ts.id)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "booked"
    assert body["hours_charged"] == 1.5
    assert body["enrollment_id"] == enrollment.id
    assert body["session"]["seats_taken"] == 1
    assert body["session"]["online_url"] == ts.online_url
    assert _minutes_used(session, enrollment) == 90

    for actor in (student, parent, teacher):
        items = api.get("/api/v1/notifications", actor).get_json()["items"]
        assert len(items) == 1, actor.user.role
        assert items[0]["kind"] == "session_booked"
        assert items[0]["title"].startswith("Séance réservée : Mathématiques le ")
        assert " à " in items[0]["title"] and " h " in items[0]["title"]
        # Each reader is spoken to as themselves: the student's booking, the parent's child,
        # the teacher's session.
        if actor is student:
            assert items[0]["body"].startswith("Vous avez réservé la séance avec Sophie Bernard")
        elif actor is parent:
            assert items[0]["body"].startswith("Lucas Moreau a réservé la séance avec Sophie")
        else:
            assert items[0]["body"] == "Lucas Moreau a réservé votre séance (en ligne)."
        assert items[0]["data"]["booking_id"] == body["id"]


def test_a_full_session_is_refused(api: Api, session: Session) -> None:
    teacher, first, second = (
        api.actor(Role.TEACHER),
        api.actor(Role.STUDENT),
        api.actor(Role.STUDENT),
    )
    ts = scheduling.tutoring_session(session, teacher.id, capacity=1)
    for student in (first, second):
        offers.enrollment(session, student.id)
    session.commit()
    assert _book(api, first, ts.id).status_code == 201
    refused = _book(api, second, ts.id)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "session_full"
    again = _book(api, first, ts.id)
    assert again.get_json()["error"]["code"] == "already_booked"


def test_hours_are_required(api: Api, session: Session) -> None:
    teacher, student = api.actor(Role.TEACHER), api.actor(Role.STUDENT)
    ts = scheduling.tutoring_session(session, teacher.id, duration=timedelta(hours=2))
    almost = offers.enrollment(session, student.id, hours=2, minutes_used=61)
    session.commit()
    refused = _book(api, student, ts.id)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "insufficient_hours"
    assert "2 h" in error["message"]
    explicit = _book(api, student, ts.id, enrollment_id=almost.id)
    assert explicit.get_json()["error"]["code"] == "insufficient_hours"
    session.refresh(ts)
    assert ts.seats_taken == 0  # nothing kept from a refused booking


def test_the_oldest_enrollment_with_enough_hours_is_charged(api: Api, session: Session) -> None:
    teacher, student = api.actor(Role.TEACHER), api.actor(Role.STUDENT)
    nearly_spent = offers.enrollment(session, student.id, hours=1, minutes_used=30)
    older = offers.enrollment(session, student.id, hours=10)
    newer = offers.enrollment(session, student.id, hours=10)
    first = scheduling.tutoring_session(session, teacher.id)
    second = scheduling.tutoring_session(session, teacher.id, starts_in=timedelta(days=4))
    session.commit()
    assert _book(api, student, first.id).get_json()["enrollment_id"] == older.id
    chosen = _book(api, student, second.id, enrollment_id=newer.id)
    assert chosen.get_json()["enrollment_id"] == newer.id
    assert _minutes_used(session, nearly_spent) == 30


def test_an_enrollment_must_be_the_students_and_active(api: Api, session: Session) -> None:
    teacher, student, other = (
        api.actor(Role.TEACHER),
        api.actor(Role.STUDENT),
        api.actor(Role.STUDENT),
    )
    theirs = offers.enrollment(session, other.id)
    cancelled = offers.enrollment(session, student.id, status=EnrollmentStatus.CANCELLED)
    ts = scheduling.tutoring_session(session, teacher.id)
    session.commit()
    foreign = _book(api, student, ts.id, enrollment_id=theirs.id)
    assert foreign.status_code == 404
    assert foreign.get_json()["error"]["fields"][0]["field"] == "enrollment_id"
    inactive = _book(api, student, ts.id, enrollment_id=cancelled.id)
    assert inactive.status_code == 409
    assert inactive.get_json()["error"]["code"] == "enrollment_inactive"


def test_a_student_cannot_hold_two_overlapping_sessions(api: Api, session: Session) -> None:
    maths, nsi, student = api.actor(Role.TEACHER), api.actor(Role.TEACHER), api.actor(Role.STUDENT)
    offers.enrollment(session, student.id)
    first = scheduling.tutoring_session(session, maths.id, duration=timedelta(hours=2))
    clash = scheduling.tutoring_session(
        session, nsi.id, starts_at=first.starts_at + timedelta(hours=1)
    )
    after = scheduling.tutoring_session(session, nsi.id, starts_at=first.ends_at)
    session.commit()
    assert _book(api, student, first.id).status_code == 201
    refused = _book(api, student, clash.id)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "student_overlap"
    assert error["message"] == (
        f"Vous avez déjà une séance à cette heure-là : séance {first.id} "
        f"(Mathématiques, {formats.when(first.starts_at, 'fr')})."
    )
    # One language per message: in English, the date is English too.
    english = api.post(
        f"/api/v1/sessions/{clash.id}/bookings",
        student,
        json={},
        headers={"Accept-Language": "en"},
    ).get_json()["error"]
    assert english["code"] == "student_overlap"
    assert f"session {first.id} (" in english["message"] and " à " not in english["message"]
    assert formats.when(first.starts_at, "en") in english["message"]
    assert _book(api, student, after.id).status_code == 201


def test_sessions_that_cannot_be_booked(api: Api, session: Session) -> None:
    teacher, student = api.actor(Role.TEACHER), api.actor(Role.STUDENT)
    offers.enrollment(session, student.id)
    cancelled = scheduling.tutoring_session(session, teacher.id, status=SessionStatus.CANCELLED)
    started = scheduling.tutoring_session(session, teacher.id, starts_in=-timedelta(minutes=5))
    session.commit()
    assert _book(api, student, cancelled.id).get_json()["error"]["code"] == "session_not_bookable"
    assert _book(api, student, started.id).get_json()["error"]["code"] == "session_started"
    assert _book(api, student, 999999).status_code == 404
    assert _book(api, api.actor(Role.PARENT), started.id).status_code == 403


def test_cancelling_in_time_refunds_and_frees_the_seat(api: Api, session: Session) -> None:
    teacher, student = api.actor(Role.TEACHER), api.actor(Role.STUDENT)
    enrollment = offers.enrollment(session, student.id)
    ts = scheduling.tutoring_session(session, teacher.id, starts_in=timedelta(hours=25))
    session.commit()
    booking_id = _book(api, student, ts.id).get_json()["id"]
    cancelled = api.post(f"/api/v1/bookings/{booking_id}/cancel", student)
    assert cancelled.status_code == 200, cancelled.get_json()
    body = cancelled.get_json()
    assert body["status"] == "cancelled" and body["cancelled_at"]
    assert body["session"]["seats_taken"] == 0
    assert body["session"]["online_url"] is None
    assert _minutes_used(session, enrollment) == 0
    titles = [n.title for n in session.scalars(select(Notification).order_by(Notification.id))]
    assert any(t.startswith("Réservation annulée : Mathématiques le ") for t in titles)
    told = {
        n.user_id: n.body
        for n in session.scalars(
            select(Notification).where(Notification.kind == "session_cancelled")
        )
    }
    assert told[student.id].startswith("Votre réservation de la séance avec ")
    assert told[teacher.id] == f"{student.user.full_name} ne participera pas à votre séance."
    again = api.post(f"/api/v1/bookings/{booking_id}/cancel", student)
    assert again.get_json()["error"]["code"] == "already_cancelled"
    # The same seat can be booked again afterwards.
    rebooked = _book(api, student, ts.id)
    assert rebooked.status_code == 201
    assert rebooked.get_json()["id"] == booking_id
    assert _minutes_used(session, enrollment) == 60


def test_cancelling_less_than_24_hours_before_is_refused(api: Api, session: Session) -> None:
    teacher, student, admin = (
        api.actor(Role.TEACHER),
        api.actor(Role.STUDENT),
        api.actor(Role.ADMIN),
    )
    enrollment = offers.enrollment(session, student.id)
    ts = scheduling.tutoring_session(session, teacher.id, starts_in=timedelta(hours=23))
    session.commit()
    booking_id = _book(api, student, ts.id).get_json()["id"]
    late = api.post(f"/api/v1/bookings/{booking_id}/cancel", student)
    assert late.status_code == 409
    error = late.get_json()["error"]
    assert error["code"] == "cancellation_too_late"
    assert "jusqu'à 24 heures avant" in error["message"]
    assert f"celle-ci commence le {formats.when(ts.starts_at, 'fr')}." in error["message"]
    # One language per message: the English error gives the day and time in English.
    english = api.post(
        f"/api/v1/bookings/{booking_id}/cancel", student, headers={"Accept-Language": "en"}
    ).get_json()["error"]
    assert "24 hours" in english["message"]
    starts = ts.starts_at.astimezone(ZoneInfo("Europe/Paris"))
    assert f"starts on {formats.day(ts.starts_at, 'en')} at {starts:%H:%M} (Paris time)" in (
        english["message"]
    )
    assert _minutes_used(session, enrollment) == 60
    # An administrator may still cancel (e.g. a medical certificate).
    assert api.post(f"/api/v1/bookings/{booking_id}/cancel", admin).status_code == 200
    assert _minutes_used(session, enrollment) == 0


def test_a_started_session_cannot_be_cancelled_by_anyone(api: Api, session: Session) -> None:
    teacher, student, admin = (
        api.actor(Role.TEACHER),
        api.actor(Role.STUDENT),
        api.actor(Role.ADMIN),
    )
    ts = scheduling.tutoring_session(session, teacher.id, starts_in=-timedelta(minutes=10))
    booking = scheduling.booking(session, ts, student.id)
    session.commit()
    for actor in (student, admin):
        response = api.post(f"/api/v1/bookings/{booking.id}/cancel", actor)
        assert response.get_json()["error"]["code"] == "session_started"


def test_someone_elses_booking_does_not_exist(api: Api, session: Session) -> None:
    teacher, owner, other = (
        api.actor(Role.TEACHER),
        api.actor(Role.STUDENT),
        api.actor(Role.STUDENT),
    )
    ts = scheduling.tutoring_session(session, teacher.id)
    booking = scheduling.booking(session, ts, owner.id)
    session.commit()
    assert api.get(f"/api/v1/bookings/{booking.id}", other).status_code == 404
    assert api.post(f"/api/v1/bookings/{booking.id}/cancel", other).status_code == 404
    assert api.get(f"/api/v1/bookings/{booking.id}", owner).get_json()["id"] == booking.id
    assert api.post(f"/api/v1/bookings/{booking.id}/cancel", teacher).status_code == 403


def test_booking_lists_for_the_student_their_parent_and_teachers(
    api: Api, session: Session
) -> None:
    maths, nsi = api.actor(Role.TEACHER), api.actor(Role.TEACHER)
    student, parent, stranger = (
        api.actor(Role.STUDENT),
        api.actor(Role.PARENT),
        api.actor(Role.PARENT),
    )
    people.link(session, parent.id, student.id)
    past = scheduling.tutoring_session(session, maths.id, starts_in=-timedelta(days=7))
    soon = scheduling.tutoring_session(session, nsi.id, starts_in=timedelta(days=2))
    later = scheduling.tutoring_session(session, maths.id, starts_in=timedelta(days=9))
    for ts in (past, soon, later):
        scheduling.booking(session, ts, student.id)
    session.commit()

    def session_ids(actor: Actor, path: str) -> list[int]:
        response = api.get(path, actor)
        assert response.status_code == 200, response.get_json()
        return [b["session"]["id"] for b in response.get_json()["items"]]

    mine = "/api/v1/students/me/bookings"
    assert session_ids(student, mine) == [past.id, soon.id, later.id]
    assert session_ids(student, f"{mine}?when=upcoming&sort=-starts_at") == [later.id, soon.id]
    assert session_ids(student, f"{mine}?when=past") == [past.id]
    assert session_ids(student, f"{mine}?status=cancelled") == []
    theirs = f"/api/v1/students/{student.id}/bookings"
    assert session_ids(parent, theirs) == [past.id, soon.id, later.id]
    assert session_ids(maths, theirs) == [past.id, later.id]
    assert api.get(theirs, stranger).status_code == 404
    assert api.get(mine, parent).status_code == 403


def test_teacher_schedule_lists_sessions_with_bookings(api: Api, session: Session) -> None:
    teacher, other = api.actor(Role.TEACHER), api.actor(Role.TEACHER)
    student = api.actor(Role.STUDENT, first_name="Inès")
    mine = scheduling.tutoring_session(session, teacher.id, capacity=4)
    scheduling.booking(session, mine, student.id)
    scheduling.tutoring_session(session, other.id)
    session.commit()
    body = api.get("/api/v1/teachers/me/sessions", teacher).get_json()
    assert body["total"] == 1
    assert body["items"][0]["id"] == mine.id
    assert body["items"][0]["bookings"][0]["student"]["first_name"] == "Inès"
    assert api.get("/api/v1/teachers/me/sessions", student).status_code == 403
    day = mine.starts_at.date()
    filtered = api.get(
        f"/api/v1/teachers/me/sessions?status=scheduled&from={day - timedelta(days=1)}"
        f"&to={day + timedelta(days=1)}&sort=-starts_at",
        teacher,
    ).get_json()
    assert [s["id"] for s in filtered["items"]] == [mine.id]
    none = api.get("/api/v1/teachers/me/sessions?status=cancelled", teacher).get_json()
    assert none["total"] == 0
    empty = api.get("/api/v1/sessions?subject=philosophie", student).get_json()
    assert empty == {"items": [], "page": 1, "page_size": 20, "total": 0}
    stored = session.get(TutoringSession, mine.id)
    assert stored is not None and stored.seats_taken == 1
