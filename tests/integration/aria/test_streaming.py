"""Streaming answers through the Flask SSE endpoint, stored whole once the stream ends."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from nexus.aria.models import Message, MessageRole
from nexus.aria.providers.offline import OFFLINE_LABEL
from nexus.aria.streaming import INTERRUPTED
from tests.factories.aria import Bank
from tests.integration.aria.sse import events
from tests.support.api import Actor, Api
from tests.support.fake_openai import FakeOpenAI, Reply

ANSWER_PIECES = (
    "La dérivée ",
    "d'un produit ",
    "se calcule ",
    "avec (uv)' = u'v + uv' ",
    "(voir la leçon #4).",
)


def _stream(api: Api, actor: Actor, conversation_id: int, content: str) -> TestResponse:
    return api.client.post(
        f"/api/v1/aria/conversations/{conversation_id}/messages/stream",
        headers=actor.headers,
        json={"content": content},
        buffered=False,
    )


def _assistant(session: Session, conversation_id: int) -> list[Message]:
    session.expire_all()
    rows = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.role == MessageRole.ASSISTANT)
        .order_by(Message.id)
    ).all()
    session.commit()
    return list(rows)


def test_chunks_arrive_one_by_one_and_the_answer_is_stored_whole_at_the_end(
    api: Api,
    bank: Bank,
    student: Actor,
    conversation_id: int,
    fake_openai: FakeOpenAI,
    session: Session,
) -> None:
    fake_openai.script(
        Reply(chunks=ANSWER_PIECES, gate_after=2, prompt_tokens=400, completion_tokens=25)
    )
    response = _stream(api, student, conversation_id, "La dérivée d'un produit ?")
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-store"

    stream = events(response)
    name, meta = next(stream)
    assert name == "meta"
    assert meta["provider"] == "openai" and meta["offline"] is False
    assert meta["citations"][0]["id"] == bank.product_lesson.id

    # Two pieces arrive while the model is still "writing" (the server holds the rest back
    # until the test opens the gate): the answer is not stored yet.
    received = [next(stream), next(stream)]
    assert received == [
        ("delta", {"text": ANSWER_PIECES[0]}),
        ("delta", {"text": ANSWER_PIECES[1]}),
    ]
    assert not _assistant(session, conversation_id)

    fake_openai.gate.set()
    rest = list(stream)
    deltas = [data["text"] for name, data in received + rest if name == "delta"]
    assert deltas == list(ANSWER_PIECES)
    print(f"\nSSE delta events in the streaming test: {len(deltas)}")
    name, done = rest[-1]
    assert name == "done"
    assert done["usage"] == {
        "prompt_tokens": 400,
        "completion_tokens": 25,
        "total_tokens": 425,
        "estimated": False,
    }
    assert fake_openai.gate_timeouts == 0
    assert fake_openai.requests[0].body["stream"] is True

    (stored,) = _assistant(session, conversation_id)
    assert stored.id == done["message_id"]
    assert stored.content == "".join(ANSWER_PIECES)
    assert stored.status.value == "complete" and stored.provider.value == "openai"
    assert (stored.prompt_tokens, stored.completion_tokens) == (400, 25)
    assert stored.citations[0]["id"] == bank.product_lesson.id


def test_a_stream_broken_half_way_ends_with_an_error_and_an_incomplete_message(
    api: Api,
    bank: Bank,
    student: Actor,
    conversation_id: int,
    fake_openai: FakeOpenAI,
    session: Session,
) -> None:
    fake_openai.script(Reply(chunks=ANSWER_PIECES, break_after=2))
    received = list(events(_stream(api, student, conversation_id, "La dérivée d'un produit ?")))
    names = [name for name, _ in received]
    assert names == ["meta", "delta", "delta", "error"]
    error = received[-1][1]
    assert error["code"] == "provider_interrupted" and error["message"] == INTERRUPTED

    (stored,) = _assistant(session, conversation_id)
    assert stored.id == error["message_id"]
    assert stored.status.value == "incomplete"
    assert stored.content == "La dérivée d'un produit "
    assert stored.provider.value == "openai" and stored.offline is False
    assert stored.usage_estimated is True


def test_a_dropped_connection_mid_stream_is_an_interruption_too(
    api: Api,
    bank: Bank,
    student: Actor,
    conversation_id: int,
    fake_openai: FakeOpenAI,
    session: Session,
) -> None:
    fake_openai.script(Reply(chunks=ANSWER_PIECES, break_after=3, break_with="drop"))
    received = list(events(_stream(api, student, conversation_id, "La dérivée d'un produit ?")))
    assert [name for name, _ in received] == ["meta", "delta", "delta", "delta", "error"]
    assert _assistant(session, conversation_id)[0].status.value == "incomplete"


def test_a_provider_failing_before_the_first_word_streams_the_offline_answer(
    api: Api,
    bank: Bank,
    student: Actor,
    conversation_id: int,
    fake_openai: FakeOpenAI,
    session: Session,
) -> None:
    fake_openai.script(Reply.error(500))
    received = list(events(_stream(api, student, conversation_id, "les listes chaînées")))
    meta = received[0][1]
    assert meta["provider"] == "offline" and meta["offline"] is True
    text = "".join(data["text"] for name, data in received if name == "delta")
    assert text.startswith(OFFLINE_LABEL) and "Listes chaînées en Python" in text
    assert received[-1][0] == "done" and received[-1][1]["usage"]["estimated"] is True
    (stored,) = _assistant(session, conversation_id)
    assert stored.content == text and stored.offline and stored.status.value == "complete"


def test_without_a_key_the_stream_is_the_offline_answer(
    api: Api, bank: Bank, student: Actor, conversation_id: int
) -> None:
    received = list(events(_stream(api, student, conversation_id, "les listes chaînées")))
    assert received[0][1]["offline"] is True
    assert len([n for n, _ in received if n == "delta"]) > 3
    assert received[-1][0] == "done"


def test_checks_answer_json_errors_before_any_stream(
    api: Api, bank: Bank, student: Actor, conversation_id: int
) -> None:
    other = api.actor(student.user.role)
    response = _stream(api, other, conversation_id, "les listes chaînées")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    too_long = _stream(api, student, conversation_id, "x" * 2001)
    assert too_long.status_code == 422
    assert too_long.get_json()["error"]["fields"][0]["field"] == "content"


def test_a_client_that_goes_away_leaves_an_incomplete_message(
    api: Api,
    bank: Bank,
    student: Actor,
    conversation_id: int,
    fake_openai: FakeOpenAI,
    session: Session,
) -> None:
    fake_openai.script(Reply(chunks=ANSWER_PIECES))
    response = _stream(api, student, conversation_id, "La dérivée d'un produit ?")
    stream = events(response)
    _ = (next(stream), next(stream))  # meta, first delta
    response.close()  # the browser tab is closed
    (stored,) = _assistant(session, conversation_id)
    assert stored.status.value == "incomplete" and stored.content == ANSWER_PIECES[0]


def test_an_answer_that_cannot_be_stored_ends_with_an_error_event(
    api: Api,
    bank: Bank,
    student: Actor,
    conversation_id: int,
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.script(Reply(chunks=ANSWER_PIECES, gate_after=1))
    stream = events(_stream(api, student, conversation_id, "La dérivée d'un produit ?"))
    _ = (next(stream), next(stream))  # meta, first delta
    # The conversation is deleted (another tab) while ARIA is still writing.
    deleted = api.delete(f"/api/v1/aria/conversations/{conversation_id}", student)
    assert deleted.status_code == 204
    fake_openai.gate.set()
    rest = list(stream)
    assert rest[-1] == (
        "error",
        {
            "code": "storage_failed",
            "message": "La réponse d'ARIA n'a pas pu être enregistrée ; repose ta question.",
            "message_id": None,
        },
    )


def test_an_empty_streamed_answer_is_replaced_by_the_offline_one(
    api: Api, bank: Bank, student: Actor, conversation_id: int, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script(Reply(chunks=("",)))
    received = list(events(_stream(api, student, conversation_id, "les listes chaînées")))
    assert received[0][1]["provider"] == "offline"
    assert received[-1][0] == "done"
