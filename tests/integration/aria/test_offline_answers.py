"""With no API key ARIA answers from the bank: relevant, in French, citing items, labelled."""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.aria.models import Message, UsageRecord
from nexus.aria.providers.offline import OFFLINE_LABEL
from tests.factories.aria import LINKED_LIST_SOLUTION, Bank
from tests.support.api import Actor, Api


def test_linked_lists_question_cites_the_nsi_items(
    api: Api, bank: Bank, student: Actor, conversation_id: int, session: Session
) -> None:
    started = time.perf_counter()
    response = api.post(
        f"/api/v1/aria/conversations/{conversation_id}/messages",
        student,
        json={"content": "Peux-tu m'expliquer les listes chaînées en Python ?"},
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["role"] == "assistant"
    assert answer["provider"] == "offline" and answer["offline"] is True
    assert answer["content"].startswith(OFFLINE_LABEL)
    cited = [c["id"] for c in answer["citations"]]
    assert cited[0] == bank.linked_list_lesson.id
    assert bank.linked_list_exercise.id in cited
    assert bank.product_lesson.id not in cited
    assert "« Listes chaînées en Python »" in answer["content"]
    assert "maillon" in answer["content"]
    assert f"#{bank.linked_list_lesson.id}" in answer["content"]
    assert "Conseil" in answer["content"]
    # The exercise is cited by its statement, never its solution.
    assert "n = n + 1" not in answer["content"]
    assert LINKED_LIST_SOLUTION[:40] not in answer["content"]
    assert answer["usage"]["estimated"] is True and answer["usage"]["completion_tokens"] > 0
    # Latency is a benchmark's business (make perf), not a test's: only reported here.
    print(f"\noffline answer latency: {elapsed * 1000:.1f} ms")

    stored = session.scalars(
        select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
    ).all()
    assert [m.role.value for m in stored] == ["user", "assistant"]
    assert stored[1].offline and stored[1].citations[0]["title"] == "Listes chaînées en Python"
    ledger = session.scalars(select(UsageRecord).where(UsageRecord.user_id == student.id)).all()
    assert len(ledger) == 1 and ledger[0].offline and ledger[0].message_id == stored[1].id


def test_product_derivative_question_cites_the_maths_items(
    api: Api, bank: Bank, student: Actor
) -> None:
    response = api.post(
        "/api/v1/aria/ask", student, json={"question": "Comment calculer la dérivée d'un produit ?"}
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["conversation"]["title"] == "Comment calculer la dérivée d'un produit ?"
    assert body["conversation"]["message_count"] == 2
    message = body["message"]
    assert message["offline"] is True
    assert message["citations"][0]["id"] == bank.product_lesson.id
    assert {c["subject"] for c in message["citations"]} == {"mathematiques"}
    assert "(uv)' = u'v + uv'" in message["content"]
    assert "9x² − 4x + 3" not in message["content"]  # the exercise's solution


def test_nothing_in_the_bank_says_so_in_french(api: Api, bank: Bank, student: Actor) -> None:
    response = api.post(
        "/api/v1/aria/ask", student, json={"question": "Qui a gagné la coupe du monde de rugby ?"}
    )
    message = response.get_json()["message"]
    assert message["citations"] == []
    assert "Je n'ai trouvé aucune leçon" in message["content"]


def test_a_follow_up_question_leans_on_the_previous_one(
    api: Api, bank: Bank, student: Actor, conversation_id: int
) -> None:
    url = f"/api/v1/aria/conversations/{conversation_id}/messages"
    api.post(url, student, json={"content": "Les listes chaînées en Python"})
    follow_up = api.post(url, student, json={"content": "Et ensuite ?"}).get_json()
    assert bank.linked_list_lesson.id in [c["id"] for c in follow_up["citations"]]


def test_the_students_level_breaks_ties_between_equally_good_items(
    api: Api, session: Session, student: Actor
) -> None:
    from nexus.content.vocabulary import Level, Subject
    from tests.factories.content import ContentItemFactory

    seconde = ContentItemFactory(
        title="Les fonctions",
        subject=Subject.NSI,
        level=Level.SECONDE,
        chapter="Divers",
        body="Fonctions.",
    )
    terminale = ContentItemFactory(
        title="Les fonctions",
        subject=Subject.NSI,
        level=Level.TERMINALE,
        chapter="Divers",
        body="Fonctions.",
    )
    session.commit()
    answer = api.post("/api/v1/aria/ask", student, json={"question": "les fonctions"}).get_json()
    assert [c["id"] for c in answer["message"]["citations"]][:2] == [terminale.id, seconde.id]
