"""Parent–teacher threads over HTTP: who opens, reads and posts, unread counts, notices."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from nexus.accounts.roles import Role
from nexus.families.signals import message_posted
from nexus.notifications.models import Notification, NotificationKind
from nexus.scheduling.models import BookingStatus
from tests.factories.people import ParentLinkFactory
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.api import Actor, Api


@dataclass
class Family:
    teacher: Actor
    student: Actor
    parent: Actor

    def opening(self, **overrides: Any) -> dict[str, Any]:
        return {
            "teacher_id": self.teacher.id,
            "student_id": self.student.id,
            "subject": "Devoirs de mathématiques",
            "body": "Bonjour, Lucas peine sur les suites.",
            **overrides,
        }


@pytest.fixture()
def family(api: Api, session: Session) -> Family:
    teacher = api.actor(Role.TEACHER, first_name="Karim", last_name="Haddad")
    student = api.actor(Role.STUDENT, first_name="Lucas")
    parent = api.actor(Role.PARENT, first_name="Claire", last_name="Moreau")
    ParentLinkFactory(parent_id=parent.id, student_id=student.id)
    BookingFactory(session=TutoringSessionFactory(teacher_id=teacher.id), student_id=student.id)
    session.commit()
    return Family(teacher, student, parent)


@pytest.fixture()
def sent() -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def receiver(sender: Session, **kwargs: Any) -> None:
        calls.append({"sender": sender, **kwargs})

    message_posted.connect(receiver)
    yield calls
    message_posted.disconnect(receiver)


def _open(api: Api, family: Family, **overrides: Any) -> TestResponse:
    return api.post("/api/v1/threads", family.parent, json=family.opening(**overrides))


def _unread(api: Api, actor: Actor) -> int:
    response = api.get("/api/v1/threads/unread-count", actor)
    assert response.status_code == 200, response.get_json()
    count: int = response.get_json()["unread"]
    return count


def test_a_parent_and_a_teacher_talk(
    api: Api, session: Session, family: Family, sent: list[dict[str, Any]]
) -> None:
    opened = _open(api, family)
    assert opened.status_code == 201, opened.get_json()
    thread = opened.get_json()
    assert thread["subject"] == "Devoirs de mathématiques"
    assert thread["teacher"]["id"] == family.teacher.id
    assert thread["student"]["id"] == family.student.id
    assert [m["body"] for m in thread["messages"]] == ["Bonjour, Lucas peine sur les suites."]
    assert _unread(api, family.teacher) == 1
    assert _unread(api, family.parent) == 0

    listed = api.get("/api/v1/threads", family.teacher).get_json()
    assert listed["total"] == 1 and listed["unread"] == 1
    assert listed["items"][0]["unread"] == 1

    read = api.get(f"/api/v1/threads/{thread['id']}", family.teacher)
    assert read.status_code == 200
    assert read.get_json()["unread"] == 0
    assert _unread(api, family.teacher) == 0
    assert api.get("/api/v1/threads", family.teacher).get_json()["items"][0]["unread"] == 0

    url = f"/api/v1/threads/{thread['id']}/messages"
    for text in ("Bonjour, je lui donne des exercices.", "Nous en parlons jeudi."):
        reply = api.post(url, family.teacher, json={"body": text})
        assert reply.status_code == 201, reply.get_json()
        assert reply.get_json()["author_id"] == family.teacher.id
    assert _unread(api, family.parent) == 2
    assert _unread(api, family.teacher) == 0
    parent_list = api.get("/api/v1/threads", family.parent).get_json()
    assert parent_list["unread"] == 2 and parent_list["items"][0]["unread"] == 2

    messages = api.get(f"/api/v1/threads/{thread['id']}", family.parent).get_json()["messages"]
    assert [m["author_id"] for m in messages] == [
        family.parent.id,
        family.teacher.id,
        family.teacher.id,
    ]
    assert _unread(api, family.parent) == 0

    notices = session.scalars(
        select(Notification)
        .where(Notification.kind == NotificationKind.THREAD_MESSAGE)
        .order_by(Notification.id)
    ).all()
    assert [n.user_id for n in notices] == [family.teacher.id, family.parent.id, family.parent.id]
    assert notices[0].title == "Nouveau message : Devoirs de mathématiques"
    assert notices[0].body == (
        "Claire Moreau vous a écrit au sujet de Lucas : Bonjour, Lucas peine sur les suites."
    )
    assert notices[1].body.startswith("Karim Haddad vous a écrit au sujet de Lucas : ")
    assert notices[0].data["thread_id"] == thread["id"]

    assert [call["recipient_id"] for call in sent] == [
        family.teacher.id,
        family.parent.id,
        family.parent.id,
    ]
    assert sent[0]["thread"].id == thread["id"]
    assert sent[1]["message"].body == "Bonjour, je lui donne des exercices."


def test_only_a_teacher_of_the_child(api: Api, session: Session, family: Family) -> None:
    stranger = api.actor(Role.TEACHER)
    former = api.actor(Role.TEACHER)
    BookingFactory(
        session=TutoringSessionFactory(teacher_id=former.id),
        student_id=family.student.id,
        status=BookingStatus.CANCELLED,
    )
    other_child = api.actor(Role.STUDENT)
    session.commit()
    for teacher in (stranger, former):
        refused = _open(api, family, teacher_id=teacher.id)
        assert refused.status_code == 404, refused.get_json()
        assert refused.get_json()["error"]["code"] == "not_their_teacher"
    not_a_teacher = _open(api, family, teacher_id=family.parent.id)
    assert not_a_teacher.get_json()["error"]["code"] == "not_their_teacher"
    assert _open(api, family, teacher_id=999_999).status_code == 404
    not_mine = _open(api, family, student_id=other_child.id)
    assert not_mine.status_code == 404
    assert not_mine.get_json()["error"]["code"] == "not_found"
    assert api.post("/api/v1/threads", family.teacher, json=family.opening()).status_code == 403
    assert api.post("/api/v1/threads", family.student, json=family.opening()).status_code == 403
    assert session.scalars(select(Notification)).all() == []


def test_participants_only(api: Api, session: Session, family: Family) -> None:
    thread_id = _open(api, family).get_json()["id"]
    other_parent = api.actor(Role.PARENT)
    ParentLinkFactory(parent_id=other_parent.id, student_id=family.student.id)
    colleague = api.actor(Role.TEACHER)
    session.commit()
    # A second parent of the same child is not a participant of the first parent's thread.
    for outsider in (other_parent, colleague):
        assert api.get(f"/api/v1/threads/{thread_id}", outsider).status_code == 404
        posted = api.post(
            f"/api/v1/threads/{thread_id}/messages", outsider, json={"body": "Bonjour"}
        )
        assert posted.status_code == 404
        assert api.get("/api/v1/threads", outsider).get_json()["total"] == 0
        assert _unread(api, outsider) == 0
    assert api.get(f"/api/v1/threads/{thread_id}", family.student).status_code == 403
    assert api.get("/api/v1/threads/999999", family.parent).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "   \n "}, "body"),
        ({"body": "x" * 5001}, "body"),
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"teacher_id": "trois"}, "teacher_id"),
        ({"student_id": 0}, "student_id"),
        ({"extra": 1}, "extra"),
    ],
)
def test_opening_validation(
    api: Api, family: Family, overrides: dict[str, Any], field: str
) -> None:
    response = _open(api, family, **overrides)
    assert response.status_code == 422, response.get_json()
    fields = [f["field"] for f in response.get_json()["error"]["fields"]]
    assert any(f.split(".")[-1] == field for f in fields), fields


def test_message_validation(api: Api, family: Family) -> None:
    thread_id = _open(api, family).get_json()["id"]
    url = f"/api/v1/threads/{thread_id}/messages"
    for body in ({"body": ""}, {"body": "  "}, {"body": "x" * 5001}, {}, {"body": None}):
        response = api.post(url, family.teacher, json=body)
        assert response.status_code == 422, (body, response.get_json())
    assert api.post(url, family.teacher, json={"body": "x" * 5000}).status_code == 201
    stored = api.get(f"/api/v1/threads/{thread_id}", family.parent).get_json()["messages"]
    assert len(stored) == 2


def test_threads_are_paginated_latest_message_first(
    api: Api, session: Session, family: Family
) -> None:
    ids = [_open(api, family, subject=f"Sujet {n}").get_json()["id"] for n in range(3)]
    # A reply brings the first thread back to the top.
    reply = api.post(f"/api/v1/threads/{ids[0]}/messages", family.teacher, json={"body": "Oui"})
    assert reply.status_code == 201
    first = api.get("/api/v1/threads", family.parent, query_string={"page_size": 2}).get_json()
    assert first["total"] == 3
    assert [t["id"] for t in first["items"]] == [ids[0], ids[2]]
    assert first["unread"] == 1
    second = api.get(
        "/api/v1/threads", family.parent, query_string={"page_size": 2, "page": 2}
    ).get_json()
    assert [t["id"] for t in second["items"]] == [ids[1]]
    teacher_view = api.get("/api/v1/threads", family.teacher).get_json()
    assert teacher_view["unread"] == 2  # the two threads the teacher has not opened
    assert api.get("/api/v1/threads", family.parent, query_string={"page": 0}).status_code == 422


def test_teacher_of_a_past_session_counts(api: Api, session: Session, family: Family) -> None:
    past_teacher = api.actor(Role.TEACHER)
    BookingFactory(
        session=TutoringSessionFactory(teacher_id=past_teacher.id, starts_in=-timedelta(days=9)),
        student_id=family.student.id,
    )
    session.commit()
    assert _open(api, family, teacher_id=past_teacher.id).status_code == 201
