"""Quotas, message size, conversation length: clear 4xx answers, nothing half-stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from nexus.aria.models import Message
from nexus.aria.quotas import PARIS
from tests.factories.aria import Bank
from tests.support.api import Actor, Api
from tests.support.fake_openai import FakeOpenAI, Reply


def _post(
    api: Api, actor: Actor, conversation_id: int, content: str = "les listes chaînées"
) -> TestResponse:
    return api.post(
        f"/api/v1/aria/conversations/{conversation_id}/messages", actor, json={"content": content}
    )


def _messages(session: Session, conversation_id: int) -> int:
    count = session.scalar(
        select(func.count(Message.id)).where(Message.conversation_id == conversation_id)
    )
    session.commit()
    return int(count or 0)


def _seconds_to_paris_midnight() -> float:
    now = datetime.now(UTC)
    tomorrow = now.astimezone(PARIS).date() + timedelta(days=1)
    midnight = datetime.combine(tomorrow, datetime.min.time(), PARIS)
    return (midnight.astimezone(UTC) - now).total_seconds()


@pytest.mark.aria_settings(aria_daily_message_quota=2)
def test_the_daily_message_quota_answers_429_until_paris_midnight(
    api: Api, bank: Bank, student: Actor, conversation_id: int, session: Session
) -> None:
    assert _post(api, student, conversation_id).status_code == 201
    hint = api.post(
        f"/api/v1/aria/exercises/{bank.product_exercise.id}/hints", student, json={"level": 1}
    )
    assert hint.status_code == 200  # hints count too
    refused = _post(api, student, conversation_id)
    assert refused.status_code == 429
    error = refused.get_json()["error"]
    assert error["code"] == "aria_quota_exceeded" and error["status"] == 429
    assert "quota quotidien de 2 messages ARIA" in error["message"]
    assert "minuit (heure de Paris)" in error["message"]
    assert set(error) == {"status", "code", "message", "fields", "request_id"}
    retry_after = int(refused.headers["Retry-After"])
    assert abs(retry_after - _seconds_to_paris_midnight()) < 5
    assert _messages(session, conversation_id) == 2  # the refused question is not kept

    # Another student has their own quota.
    other = api.actor(student.user.role)
    assert api.post("/api/v1/aria/ask", other, json={"question": "Piles"}).status_code == 201


@pytest.mark.aria_settings(aria_daily_token_quota=1000)
def test_the_daily_token_quota_counts_provider_tokens(
    api: Api, bank: Bank, student: Actor, conversation_id: int, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script(Reply.answer("Réponse.", prompt_tokens=700, completion_tokens=400))
    assert _post(api, student, conversation_id).status_code == 201
    refused = _post(api, student, conversation_id)
    assert refused.status_code == 429
    assert "1000 jetons" in refused.get_json()["error"]["message"]
    assert fake_openai.request_count == 1


@pytest.mark.aria_settings(aria_daily_token_quota=1)
def test_offline_answers_cost_no_provider_tokens(
    api: Api, bank: Bank, student: Actor, conversation_id: int
) -> None:
    for _ in range(3):
        assert _post(api, student, conversation_id).status_code == 201


def test_a_message_over_the_size_limit_is_422_naming_the_field(
    api: Api, bank: Bank, student: Actor, conversation_id: int, session: Session
) -> None:
    response = _post(api, student, conversation_id, "é" * 2001)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["fields"][0]["field"] == "content"
    assert "2000" in error["message"]
    assert _messages(session, conversation_id) == 0
    assert _post(api, student, conversation_id, "é" * 2000).status_code == 201
    ask = api.post("/api/v1/aria/ask", student, json={"question": "x" * 2001})
    assert ask.status_code == 422
    assert ask.get_json()["error"]["fields"][0]["field"] == "question"
    empty = _post(api, student, conversation_id, "   ")
    assert empty.status_code == 422 and empty.get_json()["error"]["fields"][0]["field"] == "content"


@pytest.mark.aria_settings(aria_max_conversation_messages=4)
def test_a_full_conversation_is_409_with_a_clear_reason(
    api: Api, bank: Bank, student: Actor, conversation_id: int, session: Session
) -> None:
    assert _post(api, student, conversation_id).status_code == 201
    assert _post(api, student, conversation_id).status_code == 201
    full = _post(api, student, conversation_id)
    assert full.status_code == 409
    error = full.get_json()["error"]
    assert error["code"] == "conversation_full"
    assert "a atteint 4 messages" in error["message"] and "nouvelle" in error["message"]
    assert _messages(session, conversation_id) == 4


def test_parents_and_admins_cannot_chat(api: Api, bank: Bank) -> None:
    from nexus.accounts.roles import Role

    for role in (Role.PARENT, Role.ADMIN):
        actor = api.actor(role)
        response = api.post("/api/v1/aria/ask", actor, json={"question": "les listes"})
        assert response.status_code == 403
    assert api.post("/api/v1/aria/ask", json={"question": "les listes"}).status_code == 401


def test_teachers_chat_with_a_teachers_prompt(
    api: Api, bank: Bank, fake_openai: FakeOpenAI
) -> None:
    from nexus.accounts.roles import Role

    teacher = api.actor(Role.TEACHER)
    response = api.post("/api/v1/aria/ask", teacher, json={"question": "les listes chaînées"})
    assert response.status_code == 201
    assert "un professeur de Nexus Réussite" in fake_openai.requests[0].contents("system")[0]
