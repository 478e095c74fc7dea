"""The safety screen over real HTTP: distress answered with care and the adults around the
student told, flagged conversations readable by them (and audited), by no one else."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.aria.safety.models import SafetyFlag
from nexus.audit.models import AuditEntry
from nexus.notifications.models import Notification, NotificationKind
from tests.factories.people import ParentLinkFactory, StudentProfileFactory
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.integration.aria.sse import events
from tests.support.api import Actor, Api
from tests.support.fake_openai import FakeOpenAI, Moderation

DISTRESS = "jveux mourir, personne ne m'aime"
HELPLINES = ("3114", "119", "Fil Santé Jeunes", "0 800 235 236")


class Circle:
    """A student, their parent and teacher, an administrator, and two strangers."""

    def __init__(self, api: Api, session: Session, birth_date: date | None = None) -> None:
        self.student = api.actor(Role.STUDENT, first_name="Léa")
        StudentProfileFactory(user_id=self.student.id, birth_date=birth_date)
        self.parent = api.actor(Role.PARENT)
        ParentLinkFactory(parent_id=self.parent.id, student_id=self.student.id)
        self.teacher = api.actor(Role.TEACHER)
        BookingFactory(
            session=TutoringSessionFactory(teacher_id=self.teacher.id), student_id=self.student.id
        )
        self.admin = api.actor(Role.ADMIN)
        self.other_parent = api.actor(Role.PARENT)
        self.other_teacher = api.actor(Role.TEACHER)
        session.commit()


@pytest.fixture(name="circle")
def circle_fixture(api: Api, session: Session) -> Circle:
    return Circle(api, session)


def _conversation(api: Api, actor: Actor) -> int:
    response = api.post("/api/v1/aria/conversations", actor, json={})
    assert response.status_code == 201, response.get_json()
    conversation_id: int = response.get_json()["id"]
    return conversation_id


def _ask(api: Api, actor: Actor, conversation_id: int, content: str) -> dict:
    response = api.post(
        f"/api/v1/aria/conversations/{conversation_id}/messages", actor, json={"content": content}
    )
    assert response.status_code == 201, response.get_json()
    body: dict = response.get_json()
    return body


def _notified(session: Session, user_id: int) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification).where(
                Notification.user_id == user_id, Notification.kind == NotificationKind.ARIA_SAFETY
            )
        )
    )


def _url(student_id: int, conversation_id: int | None = None) -> str:
    base = f"/api/v1/aria/students/{student_id}/conversations"
    return base if conversation_id is None else f"{base}/{conversation_id}"


def test_distress_is_answered_with_care_and_the_adults_are_told(
    api: Api, circle: Circle, session: Session, fake_openai: FakeOpenAI
) -> None:
    conversation_id = _conversation(api, circle.student)

    answer = _ask(api, circle.student, conversation_id, DISTRESS)

    for number in HELPLINES:
        assert number in answer["content"]
    assert answer["citations"] == [] and answer["offline"] is True
    # No tutoring: the model was never asked, only the moderation endpoint.
    assert fake_openai.requests == []
    assert [r.body["input"] for r in fake_openai.moderation_requests] == [DISTRESS]
    flag = session.scalars(select(SafetyFlag)).one()
    assert (flag.student_id, flag.conversation_id) == (circle.student.id, conversation_id)
    assert (flag.category.value, flag.severity.value) == ("self_harm", "high")
    for adult in (circle.parent, circle.teacher, circle.admin):
        (notice,) = _notified(session, adult.id)
        assert "Léa" in notice.title and "détresse" in notice.body
        assert "mourir" not in notice.title + notice.body  # the student's words stay private
        assert notice.data["conversation_id"] == conversation_id
    for stranger in (circle.other_parent, circle.other_teacher):
        assert not _notified(session, stranger.id)

    read = api.get(_url(circle.student.id, conversation_id), circle.parent)
    assert read.status_code == 200, read.get_json()
    body = read.get_json()
    assert [m["content"] for m in body["messages"]][0] == DISTRESS
    assert body["flags"][0]["severity"] == "high" and body["flags"][0]["screener"] == "openai"
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "aria.conversation_read")
    ).one()
    assert (entry.actor_id, entry.target_id) == (circle.parent.id, conversation_id)
    assert entry.details["student_id"] == circle.student.id

    teacher_list = api.get(_url(circle.student.id), circle.teacher).get_json()
    assert [c["id"] for c in teacher_list["items"]] == [conversation_id]
    assert teacher_list["items"][0]["flag_count"] == 1
    assert api.get(_url(circle.student.id, conversation_id), circle.admin).status_code == 200
    for stranger in (circle.other_parent, circle.other_teacher):
        response = api.get(_url(circle.student.id, conversation_id), stranger)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
        assert api.get(_url(circle.student.id), stranger).status_code == 404


def test_a_teacher_sees_nothing_of_a_student_without_a_flag(
    api: Api, circle: Circle, session: Session
) -> None:
    conversation_id = _conversation(api, circle.student)
    answer = _ask(api, circle.student, conversation_id, "Comment tuer un processus en NSI ?")
    assert "3114" not in answer["content"]
    assert session.scalars(select(SafetyFlag)).all() == []
    assert not _notified(session, circle.teacher.id)

    listed = api.get(_url(circle.student.id), circle.teacher)
    assert listed.status_code == 200
    assert listed.get_json()["items"] == [] and listed.get_json()["total"] == 0
    assert api.get(_url(circle.student.id, conversation_id), circle.teacher).status_code == 404
    # The listing itself is audited: it shows conversation titles.
    listing = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "aria.conversations_listed")
    ).one()
    assert listing.actor_id == circle.teacher.id and listing.details["conversation_ids"] == []


def test_the_parent_of_a_minor_reads_everything_until_they_switch_it_off(
    api: Api, circle: Circle
) -> None:
    clean = _conversation(api, circle.student)
    _ask(api, circle.student, clean, "La dérivée d'un produit ?")
    flagged = _conversation(api, circle.student)
    _ask(api, circle.student, flagged, "je me sens nul et seul")

    listed = api.get(_url(circle.student.id), circle.parent).get_json()
    assert {c["id"] for c in listed["items"]} == {clean, flagged} and listed["total"] == 2
    assert api.get(_url(circle.student.id, clean), circle.parent).status_code == 200

    switched = api.put(
        f"/api/v1/aria/students/{circle.student.id}/family-access",
        circle.parent,
        json={"reads_aria_conversations": False},
    )
    assert switched.status_code == 200, switched.get_json()
    assert switched.get_json() == {
        "student_id": circle.student.id,
        "reads_aria_conversations": False,
        "applies": True,
    }
    assert api.get(_url(circle.student.id, clean), circle.parent).status_code == 404
    assert api.get(_url(circle.student.id, flagged), circle.parent).status_code == 200
    other = api.put(
        f"/api/v1/aria/students/{circle.student.id}/family-access",
        circle.other_parent,
        json={"reads_aria_conversations": True},
    )
    assert other.status_code == 404


def test_the_parent_of_an_adult_reads_only_flagged_conversations(
    api: Api, session: Session
) -> None:
    adult = Circle(api, session, birth_date=date(2000, 1, 1))
    clean = _conversation(api, adult.student)
    _ask(api, adult.student, clean, "La dérivée d'un produit ?")
    assert api.get(_url(adult.student.id), adult.parent).get_json()["total"] == 0
    assert api.get(_url(adult.student.id, clean), adult.parent).status_code == 404


def test_the_moderation_endpoint_flags_what_the_lexicon_does_not_know(
    api: Api, circle: Circle, session: Session, fake_openai: FakeOpenAI
) -> None:
    fake_openai.moderate(Moderation.of("self-harm", "self-harm/intent"))
    conversation_id = _conversation(api, circle.student)

    answer = _ask(api, circle.student, conversation_id, "I want to end it all tonight")

    assert "3114" in answer["content"] and fake_openai.requests == []
    sent = fake_openai.moderation_requests[0]
    assert sent.path == "/v1/moderations" and sent.body["model"] == "omni-moderation-latest"
    flag = session.scalars(select(SafetyFlag)).one()
    assert (flag.screener.value, flag.severity.value) == ("openai", "high")


def test_the_lexicon_screens_alone_when_the_moderation_endpoint_fails(
    api: Api, circle: Circle, session: Session, fake_openai: FakeOpenAI
) -> None:
    fake_openai.moderate(Moderation.error(500))
    conversation_id = _conversation(api, circle.student)

    answer = _ask(api, circle.student, conversation_id, DISTRESS)

    assert "3114" in answer["content"] and fake_openai.requests == []
    assert len(fake_openai.moderation_requests) == 1
    assert session.scalars(select(SafetyFlag.screener)).one().value == "lexicon"


def test_a_clean_message_is_screened_then_tutored_online(
    api: Api, circle: Circle, session: Session, fake_openai: FakeOpenAI
) -> None:
    conversation_id = _conversation(api, circle.student)
    answer = _ask(api, circle.student, conversation_id, "Comment tuer un processus en NSI ?")
    assert answer["provider"] == "openai"
    assert len(fake_openai.moderation_requests) == 1 and len(fake_openai.requests) == 1
    assert session.scalars(select(SafetyFlag)).all() == []


def test_a_streamed_question_and_a_one_shot_question_are_screened_too(
    api: Api, circle: Circle, session: Session, fake_openai: FakeOpenAI
) -> None:
    conversation_id = _conversation(api, circle.student)
    response = api.client.post(
        f"/api/v1/aria/conversations/{conversation_id}/messages/stream",
        headers=circle.student.headers,
        json={"content": DISTRESS},
        buffered=False,
    )
    assert response.status_code == 200
    stream = list(events(response))
    meta = stream[0][1]
    assert meta["offline"] is True and meta["citations"] == []
    text = "".join(data["text"] for name, data in stream if name == "delta")
    assert all(number in text for number in HELPLINES)
    assert stream[-1][0] == "done"
    stored = api.get(f"/api/v1/aria/conversations/{conversation_id}", circle.student).get_json()
    assert stored["messages"][-1]["content"] == text

    asked = api.post("/api/v1/aria/ask", circle.student, json={"question": "je vais tuer mon prof"})
    assert asked.status_code == 201, asked.get_json()
    assert "17" in asked.get_json()["message"]["content"]
    assert fake_openai.requests == []
    severities = sorted(f.category.value for f in session.scalars(select(SafetyFlag)))
    assert severities == ["self_harm", "violence"]


def test_personal_data_gets_a_reminder_then_the_answer_and_no_adult_is_told(
    api: Api, circle: Circle, session: Session, fake_openai: FakeOpenAI
) -> None:
    conversation_id = _conversation(api, circle.student)
    question = "La dérivée d'un produit ? Écris-moi sur lea@example.fr"
    answer = _ask(api, circle.student, conversation_id, question)
    assert answer["content"].startswith("Attention : ne partage pas")
    assert answer["content"].endswith("Voici ma réponse.") and answer["provider"] == "openai"
    # Neither the moderation endpoint nor the model saw the address.
    assert "lea@example.fr" not in str(fake_openai.moderation_requests[0].body)
    assert "lea@example.fr" not in str(fake_openai.requests[0].body)
    flag = session.scalars(select(SafetyFlag)).one()
    assert (flag.category.value, flag.severity.value) == ("personal_data", "low")
    assert not _notified(session, circle.parent.id)
    # A low flag opens nothing to the adults.
    assert api.get(_url(circle.student.id), circle.teacher).get_json()["total"] == 0
    assert api.get(_url(circle.student.id, conversation_id), circle.teacher).status_code == 404


def test_abuse_naming_the_family_reaches_the_team_and_never_the_parents(
    api: Api, circle: Circle, session: Session
) -> None:
    conversation_id = _conversation(api, circle.student)
    ordinary = _conversation(api, circle.student)
    _ask(api, circle.student, ordinary, "c'est quoi une dérivée ?")

    answer = _ask(api, circle.student, conversation_id, "mon beau-père me frappe quand il boit")

    assert "119" in answer["content"] and "Tes parents ne recevront pas" in answer["content"]
    assert "tes parents, tes professeurs" not in answer["content"]
    flag = session.scalars(select(SafetyFlag)).one()
    assert flag.family_involved and flag.category.value == "violence"
    assert not _notified(session, circle.parent.id)
    for adult in (circle.teacher, circle.admin):
        (notice,) = _notified(session, adult.id)
        assert "parents n'ont pas été prévenus" in notice.body and "119" in notice.body
    # The parent of a minor reads every other conversation, never this one.
    listed = api.get(_url(circle.student.id), circle.parent).get_json()
    assert [c["id"] for c in listed["items"]] == [ordinary]
    assert api.get(_url(circle.student.id, conversation_id), circle.parent).status_code == 404
    assert api.get(_url(circle.student.id, conversation_id), circle.teacher).status_code == 200
    # Not in what the parent exports of the family either.
    exported = api.get("/api/v1/privacy/export", circle.parent)
    assert exported.status_code == 200, exported.get_json()
    (child,) = [p for p in exported.get_json()["people"] if p["account"]["id"] == circle.student.id]
    assert [c["id"] for c in child["aria_conversations"]] == [ordinary]
    assert child["aria_safety_flags"] == []


def test_violence_outside_the_family_still_tells_the_parents(
    api: Api, circle: Circle, session: Session
) -> None:
    conversation_id = _conversation(api, circle.student)
    answer = _ask(api, circle.student, conversation_id, "je vais le tuer ce mec du lycée")
    assert "tes parents, tes professeurs" in answer["content"]
    assert not session.scalars(select(SafetyFlag)).one().family_involved
    assert len(_notified(session, circle.parent.id)) == 1


def test_the_flags_inbox_lists_what_each_adult_was_told_of(
    api: Api, circle: Circle, session: Session
) -> None:
    worry = _conversation(api, circle.student)
    _ask(api, circle.student, worry, DISTRESS)
    _ask(api, circle.student, worry, "mon père me frappe")
    _ask(api, circle.student, worry, "mon mail c'est lea@example.org")  # low: nobody told

    def inbox(actor: Actor, **query: object) -> list[tuple[str, bool]]:
        response = api.get("/api/v1/aria/flags", actor, query_string=query)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["total"] == len(body["items"])
        return [(f["category"], f["family_involved"]) for f in body["items"]]

    newest_first = [("violence", True), ("self_harm", False)]
    assert inbox(circle.teacher) == newest_first and inbox(circle.admin) == newest_first
    assert inbox(circle.parent) == [("self_harm", False)]
    assert inbox(circle.admin, severity="high", student_id=circle.student.id) == newest_first
    items = api.get("/api/v1/aria/flags", circle.teacher).get_json()["items"]
    assert items[0]["student_name"].startswith("Léa") and "frappe" not in str(items)
    for stranger in (circle.other_parent, circle.other_teacher):
        assert inbox(stranger) == []
        scoped = api.get(
            "/api/v1/aria/flags", stranger, query_string={"student_id": circle.student.id}
        )
        assert scoped.status_code == 404 and scoped.get_json()["error"]["code"] == "not_found"
    assert api.get("/api/v1/aria/flags", circle.student).status_code == 403
    bad = api.get("/api/v1/aria/flags", circle.admin, query_string={"severity": "grave"})
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"][0]["field"] == "severity"
