"""Teachers cancel sessions (refunds, notices) and record attendance after they start."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from nexus.accounts.roles import Role
from nexus.audit.models import AuditEntry
from nexus.notifications.models import Notification, NotificationKind
from nexus.scheduling.models import Booking, BookingStatus
from tests.factories.offers import EnrollmentFactory
from tests.factories.people import ParentLinkFactory
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.api import Actor, Api


def test_teacher_cancels_a_session_refunds_and_notifies(api: Api, session: Session) -> None:
    teacher = api.actor(Role.TEACHER, first_name="Karim", last_name="Haddad")
    lucas, emma, parent = api.actor(Role.STUDENT), api.actor(Role.STUDENT), api.actor(Role.PARENT)
    ParentLinkFactory(parent_id=parent.id, student_id=lucas.id)
    ts = TutoringSessionFactory(teacher_id=teacher.id, capacity=4, starts_in=timedelta(hours=3))
    enrollments = {s.id: EnrollmentFactory(student_id=s.id) for s in (lucas, emma)}
    for student in (lucas, emma):
        BookingFactory(session=ts, student_id=student.id, enrollment=enrollments[student.id])
    session.commit()

    response = api.post(
        f"/api/v1/sessions/{ts.id}/cancel", teacher, json={"reason": "Professeur malade"}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "cancelled"
    assert body["cancellation_reason"] == "Professeur malade"
    assert body["seats_taken"] == 0
    assert {b["status"] for b in body["bookings"]} == {"cancelled"}
    for enrollment in enrollments.values():
        session.refresh(enrollment)
        assert enrollment.minutes_used == 0
    notices = session.scalars(
        select(Notification).where(Notification.kind == NotificationKind.SESSION_CANCELLED)
    ).all()
    assert {n.user_id for n in notices} == {lucas.id, emma.id, parent.id}
    assert notices[0].title.startswith("Séance annulée : Mathématiques le ")
    assert "Karim Haddad a annulé la séance. Motif : Professeur malade." in notices[0].body

    twice = api.post(f"/api/v1/sessions/{ts.id}/cancel", teacher, json={})
    assert twice.get_json()["error"]["code"] == "already_cancelled"


def test_only_its_teacher_or_an_admin_cancels_a_session(api: Api, session: Session) -> None:
    teacher, colleague, admin = (
        api.actor(Role.TEACHER),
        api.actor(Role.TEACHER),
        api.actor(Role.ADMIN),
    )
    ts = TutoringSessionFactory(teacher_id=teacher.id)
    started = TutoringSessionFactory(teacher_id=teacher.id, starts_in=-timedelta(minutes=1))
    session.commit()
    assert api.post(f"/api/v1/sessions/{ts.id}/cancel", colleague, json={}).status_code == 404
    assert (
        api.post(f"/api/v1/sessions/{ts.id}/cancel", api.actor(Role.STUDENT), json={}).status_code
        == 403
    )
    refused = api.post(f"/api/v1/sessions/{started.id}/cancel", teacher, json={})
    assert refused.get_json()["error"]["code"] == "session_started"
    assert api.post(f"/api/v1/sessions/{ts.id}/cancel", admin, json={}).status_code == 200
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "session.cancel"))
    assert entry is not None and entry.target_id == ts.id and entry.actor_id == admin.id


def test_attendance_after_the_session_started(api: Api, session: Session) -> None:
    teacher = api.actor(Role.TEACHER)
    present, late, absent = (api.actor(Role.STUDENT) for _ in range(3))
    ts = TutoringSessionFactory(teacher_id=teacher.id, capacity=3, starts_in=-timedelta(hours=2))
    bookings = {s.id: BookingFactory(session=ts, student_id=s.id) for s in (present, late, absent)}
    session.commit()
    records = [
        {"booking_id": bookings[present.id].id, "attendance": "present", "note": "Très investi"},
        {"booking_id": bookings[late.id].id, "attendance": "late"},
        {"booking_id": bookings[absent.id].id, "attendance": "absent"},
    ]
    response = api.put(
        f"/api/v1/sessions/{ts.id}/attendance",
        teacher,
        json={"notes": "Chapitre des suites terminé.", "records": records},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "completed"
    assert body["teacher_notes"] == "Chapitre des suites terminé."
    by_student = {b["student"]["id"]: b for b in body["bookings"]}
    assert by_student[present.id]["attendance"] == "present"
    assert by_student[present.id]["teacher_note"] == "Très investi"
    assert by_student[late.id]["attendance"] == "late"
    assert by_student[absent.id]["attendance"] == "absent"
    # The student sees their attendance in their bookings.
    mine = api.get("/api/v1/students/me/bookings", present).get_json()["items"][0]
    assert mine["attendance"] == "present"


def test_attendance_rules(api: Api, session: Session) -> None:
    teacher, colleague, admin = (
        api.actor(Role.TEACHER),
        api.actor(Role.TEACHER),
        api.actor(Role.ADMIN),
    )
    student, stranger = api.actor(Role.STUDENT), api.actor(Role.STUDENT)
    future = TutoringSessionFactory(teacher_id=teacher.id)
    booked_future = BookingFactory(session=future, student_id=student.id)
    done = TutoringSessionFactory(teacher_id=teacher.id, starts_in=-timedelta(days=1))
    booking = BookingFactory(session=done, student_id=student.id)
    other = TutoringSessionFactory(teacher_id=colleague.id, starts_in=-timedelta(days=2))
    foreign = BookingFactory(session=other, student_id=stranger.id)
    session.commit()

    def put(actor: Actor, session_id: int, booking_id: int) -> TestResponse:
        return api.put(
            f"/api/v1/sessions/{session_id}/attendance",
            actor,
            json={"records": [{"booking_id": booking_id, "attendance": "present"}]},
        )

    early = put(teacher, future.id, booked_future.id)
    assert early.status_code == 409
    assert early.get_json()["error"]["code"] == "session_not_started"
    assert put(colleague, done.id, booking.id).status_code == 404
    wrong = put(teacher, done.id, foreign.id)
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["fields"][0]["field"] == "records.0.booking_id"
    assert put(admin, done.id, booking.id).status_code == 200
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "session.attendance"))
    duplicate = api.put(
        f"/api/v1/sessions/{done.id}/attendance",
        teacher,
        json={
            "records": [
                {"booking_id": booking.id, "attendance": "present"},
                {"booking_id": booking.id, "attendance": "absent"},
            ]
        },
    )
    assert duplicate.status_code == 422
    assert duplicate.get_json()["error"]["fields"][0]["field"] == "records"


def test_no_attendance_for_a_cancelled_session(api: Api, session: Session) -> None:
    teacher, student = api.actor(Role.TEACHER), api.actor(Role.STUDENT)
    ts = TutoringSessionFactory(teacher_id=teacher.id, starts_in=timedelta(hours=30))
    BookingFactory(session=ts, student_id=student.id)
    session.commit()
    assert api.post(f"/api/v1/sessions/{ts.id}/cancel", teacher, json={}).status_code == 200
    response = api.put(f"/api/v1/sessions/{ts.id}/attendance", teacher, json={"records": []})
    assert response.get_json()["error"]["code"] == "session_cancelled"
    stored = session.scalars(select(Booking).where(Booking.session_id == ts.id)).one()
    session.refresh(stored)
    assert stored.status is BookingStatus.CANCELLED
