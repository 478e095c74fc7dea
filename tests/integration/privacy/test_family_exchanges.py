"""Session reports and parent–teacher threads under GDPR: in the family's export, gone after
its erasure (accounts are anonymised, so no ``ON DELETE CASCADE`` would ever remove them)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.families.models import SessionReport, Thread, ThreadMessage
from tests.factories.people import ParentLinkFactory, StudentProfileFactory
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.api import Api


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_reports_and_threads_are_exported_then_erased(api: Api, session: Session) -> None:
    teacher = api.actor(Role.TEACHER)
    parent = api.actor(Role.PARENT)
    child = api.actor(Role.STUDENT)
    StudentProfileFactory(user_id=child.id)  # a minor: the parent acts for the family
    ParentLinkFactory(parent_id=parent.id, student_id=child.id)
    lesson = TutoringSessionFactory(teacher_id=teacher.id, starts_in=-timedelta(hours=2))
    BookingFactory(session=lesson, student_id=child.id)
    session.commit()
    report = api.put(
        f"/api/v1/sessions/{lesson.id}/reports/{child.id}",
        teacher,
        json={"work_done": "Suites arithmétiques", "homework": "Exercices 3 à 5", "mark": 14.5},
    )
    assert report.status_code == 201, report.get_json()
    opened = api.post(
        "/api/v1/threads",
        parent,
        json={
            "teacher_id": teacher.id,
            "student_id": child.id,
            "subject": "Devoirs",
            "body": "Bonjour, une question sur les suites.",
        },
    )
    assert opened.status_code == 201, opened.get_json()
    thread_id = opened.get_json()["id"]
    reply = api.post(
        f"/api/v1/threads/{thread_id}/messages", teacher, json={"body": "Bien sûr, je vous écoute."}
    )
    assert reply.status_code == 201, reply.get_json()

    export = api.get("/api/v1/privacy/export", parent)
    assert export.status_code == 200, export.get_json()
    people = {p["account"]["id"]: p for p in export.get_json()["people"]}
    (exported_report,) = people[child.id]["session_reports"]
    assert (exported_report["work_done"], exported_report["mark"]) == ("Suites arithmétiques", 14.5)
    (thread,) = people[parent.id]["message_threads"]
    assert [m["body"] for m in thread["messages"]] == [
        "Bonjour, une question sur les suites.",
        "Bien sûr, je vous écoute.",
    ]

    erased = api.post("/api/v1/privacy/erasure", parent, json={"confirm": "SUPPRIMER"})
    assert erased.status_code == 200, erased.get_json()
    body = erased.get_json()
    assert (body["erased_session_reports"], body["erased_message_threads"]) == (1, 1)
    assert _count(session, SessionReport) == 0
    assert _count(session, Thread) == 0 and _count(session, ThreadMessage) == 0
