"""ARIA's retention period: what is older goes, what is recent stays, by the real command."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from nexus.aria.cli import purge_aria_data
from nexus.aria.models import Conversation, Message, StudyPlan, UsageRecord
from nexus.db import utcnow
from tests.factories.aria import Bank
from tests.support.api import Actor, Api


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def _ask(api: Api, student: Actor, question: str) -> int:
    asked = api.post("/api/v1/aria/ask", student, json={"question": question})
    assert asked.status_code == 201, asked.get_json()
    conversation_id: int = asked.get_json()["conversation"]["id"]
    return conversation_id


def test_the_purge_deletes_what_is_older_than_the_period_only(
    api: Api, app: Flask, session: Session, student: Actor, bank: Bank
) -> None:
    del bank
    old = _ask(api, student, "Comment étudier une suite ?")
    assert api.post("/api/v1/aria/study-plans", student, json={"weeks": 2}).status_code == 201
    long_ago = utcnow() - timedelta(days=366)
    session.execute(update(Conversation).values(updated_at=long_ago))
    session.execute(update(StudyPlan).values(created_at=long_ago))
    session.execute(update(UsageRecord).values(created_at=long_ago))
    session.commit()
    almost = _ask(api, student, "Comment calculer une intégrale ?")
    session.execute(
        update(Conversation)
        .where(Conversation.id == almost)
        .values(updated_at=utcnow() - timedelta(days=364))
    )
    session.commit()
    fresh = _ask(api, student, "Qu'est-ce qu'une primitive ?")

    purged = app.test_cli_runner().invoke(purge_aria_data, [])
    assert purged.exit_code == 0, purged.output
    assert purged.output.strip() == (
        "purged 1 conversation(s), 1 study plan(s), 2 usage row(s) older than 365 days"
    )
    remaining = session.scalars(select(Conversation.id).order_by(Conversation.id)).all()
    assert old not in remaining and remaining == [almost, fresh]
    assert _count(session, StudyPlan) == 0
    assert _count(session, UsageRecord) == 2  # the two recent answers
    orphans = (
        select(func.count())
        .select_from(Message)
        .where(Message.conversation_id.not_in(select(Conversation.id)))
    )
    assert session.scalar(orphans) == 0
    # Run again: nothing more is due.
    again = app.test_cli_runner().invoke(purge_aria_data, ["--days", "365"])
    assert "purged 0 conversation(s), 0 study plan(s), 0 usage row(s)" in again.output
    # The recent conversations are still the student's.
    listed = api.get("/api/v1/aria/conversations", student).get_json()
    assert sorted(c["id"] for c in listed["items"]) == [almost, fresh]
