"""Session reports over HTTP: who writes and reads them, validation, notices and signals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.families.signals import report_written
from nexus.notifications.models import Notification, NotificationKind
from nexus.scheduling.models import BookingStatus, SessionStatus, TutoringSession
from tests.factories.people import ParentLinkFactory
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.api import Actor, Api

REPORT = {
    "work_done": "Suites géométriques : deux exercices du bac.",
    "homework": "Exercices 12 et 14 p. 87.",
    "mark": 14.5,
}


@dataclass
class Family:
    teacher: Actor
    student: Actor
    parent: Actor
    session: TutoringSession

    def url(self, student: Actor | None = None) -> str:
        return f"/api/v1/sessions/{self.session.id}/reports/{(student or self.student).id}"


@pytest.fixture()
def family(api: Api, session: Session) -> Family:
    teacher = api.actor(Role.TEACHER, first_name="Karim", last_name="Haddad")
    student = api.actor(Role.STUDENT, first_name="Lucas")
    parent = api.actor(Role.PARENT)
    ParentLinkFactory(parent_id=parent.id, student_id=student.id)
    ts = TutoringSessionFactory(teacher_id=teacher.id, capacity=3, starts_in=-timedelta(hours=2))
    BookingFactory(session=ts, student_id=student.id)
    session.commit()
    return Family(teacher, student, parent, ts)


@pytest.fixture()
def sent() -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def receiver(sender: Session, **kwargs: Any) -> None:
        calls.append({"sender": sender, **kwargs})

    report_written.connect(receiver)
    yield calls
    report_written.disconnect(receiver)


def test_teacher_writes_then_edits_a_report(
    api: Api, session: Session, family: Family, sent: list[dict[str, Any]]
) -> None:
    created = api.put(family.url(), family.teacher, json=REPORT)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["work_done"] == REPORT["work_done"]
    assert body["homework"] == REPORT["homework"]
    assert body["mark"] == 14.5
    assert body["student"]["id"] == family.student.id
    assert body["teacher"]["id"] == family.teacher.id
    assert body["session_id"] == family.session.id

    edited = api.put(family.url(), family.teacher, json={"work_done": "Corrigé : suites."})
    assert edited.status_code == 200, edited.get_json()
    again = edited.get_json()
    assert again["id"] == body["id"]
    assert again["homework"] == "" and again["mark"] is None
    assert again["created_at"] == body["created_at"]
    assert again["updated_at"] > body["updated_at"]

    notices = session.scalars(
        select(Notification)
        .where(Notification.kind == NotificationKind.SESSION_REPORT)
        .order_by(Notification.id)
    ).all()
    assert [n.user_id for n in notices] == [family.parent.id, family.parent.id]
    assert notices[0].title.startswith("Compte rendu de séance : Mathématiques du ")
    assert notices[0].body.startswith("Karim Haddad a rédigé le compte rendu de la séance de Lucas")
    assert "Travail à faire : Exercices 12 et 14 p. 87." in notices[0].body
    assert notices[1].title.startswith("Compte rendu mis à jour : ")
    assert notices[0].data["report_id"] == body["id"]

    assert [call["created"] for call in sent] == [True, False]
    assert sent[0]["report"].id == body["id"]
    assert sent[0]["parent_ids"] == [family.parent.id]


def test_notices_are_french_whatever_the_teacher_reads(
    api: Api, session: Session, family: Family
) -> None:
    response = api.put(family.url(), family.teacher, json=REPORT, headers={"Accept-Language": "en"})
    assert response.status_code == 201
    notice = session.scalar(
        select(Notification).where(Notification.kind == NotificationKind.SESSION_REPORT)
    )
    assert notice is not None and notice.title.startswith("Compte rendu de séance")


def test_who_may_write(api: Api, session: Session, family: Family) -> None:
    colleague = api.actor(Role.TEACHER)
    stranger = api.actor(Role.STUDENT)
    BookingFactory(session=family.session, student_id=stranger.id, status=BookingStatus.CANCELLED)
    session.commit()
    other = api.put(family.url(), colleague, json=REPORT)
    assert other.status_code == 404, other.get_json()
    assert api.put(family.url(), family.parent, json=REPORT).status_code == 403
    assert api.put(family.url(), family.student, json=REPORT).status_code == 403
    cancelled_booking = api.put(family.url(stranger), family.teacher, json=REPORT)
    assert cancelled_booking.status_code == 404
    assert cancelled_booking.get_json()["error"]["code"] == "not_booked"
    missing = api.put(
        f"/api/v1/sessions/999999/reports/{family.student.id}", family.teacher, json=REPORT
    )
    assert missing.status_code == 404
    assert session.scalars(select(Notification)).all() == []


def test_not_before_the_session_starts_nor_once_cancelled(
    api: Api, session: Session, family: Family
) -> None:
    future = TutoringSessionFactory(teacher_id=family.teacher.id, starts_in=timedelta(hours=3))
    BookingFactory(session=future, student_id=family.student.id)
    cancelled = TutoringSessionFactory(
        teacher_id=family.teacher.id,
        starts_in=-timedelta(days=2),
        status=SessionStatus.CANCELLED,
    )
    BookingFactory(session=cancelled, student_id=family.student.id)
    session.commit()
    early = api.put(
        f"/api/v1/sessions/{future.id}/reports/{family.student.id}", family.teacher, json=REPORT
    )
    assert early.status_code == 409
    assert early.get_json()["error"]["code"] == "session_not_started"
    late = api.put(
        f"/api/v1/sessions/{cancelled.id}/reports/{family.student.id}",
        family.teacher,
        json=REPORT,
    )
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "session_cancelled"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"homework": "x"}, "work_done"),
        ({"work_done": "   "}, "work_done"),
        ({"work_done": "x" * 5001}, "work_done"),
        ({"work_done": "ok", "homework": "x" * 3001}, "homework"),
        ({"work_done": "ok", "mark": 20.5}, "mark"),
        ({"work_done": "ok", "mark": -1}, "mark"),
        ({"work_done": "ok", "mark": 12.345}, "mark"),
        ({"work_done": "ok", "mark": True}, "mark"),
        ({"work_done": "ok", "mark": "12"}, "mark"),
        ({"work_done": "ok", "grade": 12}, "grade"),
    ],
)
def test_validation(api: Api, family: Family, payload: dict[str, Any], field: str) -> None:
    response = api.put(family.url(), family.teacher, json=payload)
    assert response.status_code == 422, response.get_json()
    fields = [f["field"] for f in response.get_json()["error"]["fields"]]
    assert any(f.split(".")[-1] == field for f in fields), fields


def test_edge_marks_are_accepted(api: Api, family: Family) -> None:
    for mark in (0, 20, 12.25):
        response = api.put(family.url(), family.teacher, json={"work_done": "ok", "mark": mark})
        assert response.status_code in (200, 201), response.get_json()
        assert response.get_json()["mark"] == mark


def test_who_may_read(api: Api, session: Session, family: Family) -> None:
    assert api.put(family.url(), family.teacher, json=REPORT).status_code == 201
    other_parent = api.actor(Role.PARENT)
    other_student = api.actor(Role.STUDENT)
    colleague = api.actor(Role.TEACHER)
    # The colleague teaches Lucas too: still not their report.
    taught = TutoringSessionFactory(teacher_id=colleague.id, starts_in=-timedelta(days=1))
    BookingFactory(session=taught, student_id=family.student.id)
    session.commit()
    admin = api.actor(Role.ADMIN)
    for reader in (family.teacher, family.student, family.parent, admin):
        response = api.get(family.url(), reader)
        assert response.status_code == 200, (reader.user.role, response.get_json())
        assert response.get_json()["work_done"] == REPORT["work_done"]
    for outsider in (other_parent, other_student, colleague):
        assert api.get(family.url(), outsider).status_code == 404, outsider.user.role

    url = f"/api/v1/students/{family.student.id}/session-reports"
    for reader in (family.teacher, family.student, family.parent):
        page = api.get(url, reader).get_json()
        assert page["total"] == 1, reader.user.role
        assert page["items"][0]["homework"] == REPORT["homework"]
    # The colleague may see Lucas, not the report another teacher wrote.
    assert api.get(url, colleague).get_json()["total"] == 0
    for outsider in (other_parent, other_student):
        assert api.get(url, outsider).status_code == 404


def test_a_colleague_lists_only_the_reports_they_wrote(
    api: Api, session: Session, family: Family
) -> None:
    colleague = api.actor(Role.TEACHER)
    taught = TutoringSessionFactory(teacher_id=colleague.id, starts_in=-timedelta(days=1))
    BookingFactory(session=taught, student_id=family.student.id)
    session.commit()
    assert api.put(family.url(), family.teacher, json=REPORT).status_code == 201
    url = f"/api/v1/students/{family.student.id}/session-reports"
    assert api.get(url, colleague).get_json()["total"] == 0
    theirs = api.put(
        f"/api/v1/sessions/{taught.id}/reports/{family.student.id}",
        colleague,
        json={"work_done": "Probabilités."},
    )
    assert theirs.status_code == 201
    page = api.get(url, colleague).get_json()
    assert [r["work_done"] for r in page["items"]] == ["Probabilités."]
    assert api.get(url, family.parent).get_json()["total"] == 2


def test_reports_are_paginated_latest_session_first(
    api: Api, session: Session, family: Family
) -> None:
    older = []
    for days in (3, 2):
        ts = TutoringSessionFactory(teacher_id=family.teacher.id, starts_in=-timedelta(days=days))
        BookingFactory(session=ts, student_id=family.student.id)
        older.append(ts)
    session.commit()
    for ts in (family.session, *older):
        url = f"/api/v1/sessions/{ts.id}/reports/{family.student.id}"
        assert (
            api.put(url, family.teacher, json={"work_done": f"Séance {ts.id}"}).status_code == 201
        )
    url = f"/api/v1/students/{family.student.id}/session-reports"
    first = api.get(url, family.parent, query_string={"page_size": 2}).get_json()
    assert first["total"] == 3
    assert [r["session_id"] for r in first["items"]] == [family.session.id, older[1].id]
    second = api.get(url, family.parent, query_string={"page_size": 2, "page": 2}).get_json()
    assert [r["session_id"] for r in second["items"]] == [older[0].id]
    assert api.get(url, family.parent, query_string={"page_size": 0}).status_code == 422


def test_dashboards_show_recent_reports(api: Api, family: Family) -> None:
    # Read first: a cached board must still show a report written afterwards.
    assert api.get("/api/v1/dashboards/student", family.student).get_json()["recent_reports"] == []
    assert api.get("/api/v1/dashboards/parent", family.parent).get_json()["recent_reports"] == []
    assert api.put(family.url(), family.teacher, json=REPORT).status_code == 201
    for actor, board in ((family.student, "student"), (family.parent, "parent")):
        shown = api.get(f"/api/v1/dashboards/{board}", actor).get_json()["recent_reports"]
        assert [r["work_done"] for r in shown] == [REPORT["work_done"]], board
        assert shown[0]["mark"] == 14.5 and shown[0]["teacher"]["last_name"] == "Haddad"
    edited = {"work_done": "Corrigé.", "homework": "Rien."}
    assert api.put(family.url(), family.teacher, json=edited).status_code == 200
    shown = api.get("/api/v1/dashboards/parent", family.parent).get_json()["recent_reports"]
    assert [(r["work_done"], r["mark"]) for r in shown] == [("Corrigé.", None)]
