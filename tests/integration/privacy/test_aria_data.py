"""ARIA's rows in the GDPR export and erasure: what ARIA kept about a family, for real."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from nexus.accounts.roles import Role
from nexus.aria.models import Conversation, Message, StudyPlan, UsageRecord
from nexus.aria.safety.models import SafetyFlag
from tests.factories.aria import starter_bank
from tests.factories.people import ParentLinkFactory, StudentProfileFactory
from tests.support.api import Actor, Api

EXPORT = "/api/v1/privacy/export"
ERASE = "/api/v1/privacy/erasure"


def _talks_to_aria(api: Api, student: Actor) -> None:
    """A one-shot question, a conversation of two messages and a study plan: all offline."""
    asked = api.post("/api/v1/aria/ask", student, json={"question": "Comment dériver un produit ?"})
    assert asked.status_code == 201, asked.get_json()
    chat = api.post("/api/v1/aria/conversations", student, json={})
    assert chat.status_code == 201
    said = api.post(
        f"/api/v1/aria/conversations/{chat.get_json()['id']}/messages",
        student,
        json={"content": "Peux-tu m'expliquer les listes chaînées ?"},
    )
    assert said.status_code == 201, said.get_json()
    plan = api.post("/api/v1/aria/study-plans", student, json={"weeks": 2})
    assert plan.status_code == 201, plan.get_json()


def _rows(session: Session, model: type, column: InstrumentedAttribute[int], ids: list[int]) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(column.in_(ids))) or 0


def _family(api: Api, session: Session) -> tuple[Actor, Actor]:
    parent = api.actor(Role.PARENT)
    child = api.actor(Role.STUDENT)
    StudentProfileFactory(user_id=child.id)  # no birth date: a minor, the parent acts
    ParentLinkFactory(parent_id=parent.id, student_id=child.id)
    session.commit()
    return parent, child


def test_the_export_holds_every_aria_row_of_the_family_and_erasure_removes_them(
    api: Api, session: Session
) -> None:
    starter_bank(session)
    parent, child = _family(api, session)
    stranger = api.actor(Role.STUDENT)
    StudentProfileFactory(user_id=stranger.id)
    session.commit()
    _talks_to_aria(api, child)
    _talks_to_aria(api, stranger)
    worry = api.post("/api/v1/aria/conversations", child, json={}).get_json()["id"]
    flagged = api.post(
        f"/api/v1/aria/conversations/{worry}/messages", child, json={"content": "jveux mourir"}
    )
    assert flagged.status_code == 201, flagged.get_json()

    export = api.get(EXPORT, parent)
    assert export.status_code == 200, export.get_json()
    person = {p["account"]["id"]: p for p in export.get_json()["people"]}[child.id]
    conversations = person["aria_conversations"]
    assert len(conversations) == 3
    (flag,) = person["aria_safety_flags"]
    assert (flag["conversation_id"], flag["category"]) == (worry, "self_harm")
    contents = [m["content"] for c in conversations for m in c["messages"]]
    assert "Comment dériver un produit ?" in contents
    assert "Peux-tu m'expliquer les listes chaînées ?" in contents
    assert [m["role"] for m in conversations[1]["messages"]] == ["user", "assistant"]
    assert len(person["aria_study_plans"]) == 1 and person["aria_study_plans"][0]["weeks"]
    assert {u["kind"] for u in person["aria_usage"]} == {"chat", "study_plan"}
    ids = [parent.id, child.id]
    counted = {
        "conversations": _rows(session, Conversation, Conversation.user_id, ids),
        "plans": _rows(session, StudyPlan, StudyPlan.student_id, ids),
        "usage": _rows(session, UsageRecord, UsageRecord.user_id, ids),
    }
    assert counted == {
        "conversations": len(conversations),
        "plans": 1,
        "usage": len(person["aria_usage"]),
    }
    # Someone else's data is never in the family's export.
    assert stranger.id not in {p["account"]["id"] for p in export.get_json()["people"]}

    erased = api.post(ERASE, parent, json={"confirm": "SUPPRIMER"})
    assert erased.status_code == 200, erased.get_json()
    body = erased.get_json()
    assert body["erased_aria_conversations"] == counted["conversations"]
    assert body["erased_aria_study_plans"] == 1
    assert body["erased_aria_usage"] == counted["usage"]
    assert _rows(session, Conversation, Conversation.user_id, ids) == 0
    assert _rows(session, StudyPlan, StudyPlan.student_id, ids) == 0
    assert _rows(session, UsageRecord, UsageRecord.user_id, ids) == 0
    assert _rows(session, SafetyFlag, SafetyFlag.student_id, ids) == 0
    orphans = (
        select(func.count())
        .select_from(Message)
        .where(Message.conversation_id.not_in(select(Conversation.id)))
    )
    assert session.scalar(orphans) == 0
    # The stranger's conversations, plan and ledger are untouched.
    assert _rows(session, Conversation, Conversation.user_id, [stranger.id]) == 2
    assert _rows(session, StudyPlan, StudyPlan.student_id, [stranger.id]) == 1
    assert _rows(session, UsageRecord, UsageRecord.user_id, [stranger.id]) >= 3
