"""A slow or failing provider never costs more than its timeout, and never a 500.

No wall-clock budget is asserted beyond what the behaviour itself proves (the suite must hold
on a busy machine): a timeout is shown by a reply that would have taken far longer than the
request did, an open circuit by the provider not being called, and the breaker's reset by its
own clock, driven by the test.
"""

from __future__ import annotations

import time

import pytest
from flask import Flask

from nexus.aria.runtime import get_runtime
from tests.factories.aria import Bank
from tests.support.api import Actor, Api
from tests.support.fake_openai import FakeOpenAI, Reply
from tests.support.services import free_port

QUESTION = {"content": "Comment dériver un produit de deux fonctions ?"}


def _timed_answer(api: Api, actor: Actor, conversation_id: int) -> tuple[float, dict]:
    started = time.perf_counter()
    response = api.post(
        f"/api/v1/aria/conversations/{conversation_id}/messages", actor, json=QUESTION
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.get_json()
    body: dict = response.get_json()
    return elapsed, body


class SteppedClock:
    """A monotonic clock the test moves forward by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.aria_settings(openai_timeout_seconds=0.5, openai_max_retries=0)
def test_a_timeout_falls_back_to_the_offline_answer_within_timeout_plus_one_second(
    api: Api, bank: Bank, student: Actor, conversation_id: int, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script(Reply.slow(30.0))
    elapsed, answer = _timed_answer(api, student, conversation_id)
    print(f"\ntimeout fallback elapsed: {elapsed * 1000:.0f} ms (timeout 500 ms)")
    # The timeout was waited for, and the 30-second reply was not.
    assert 0.45 <= elapsed < 15.0
    assert answer["offline"] is True and answer["provider"] == "offline"
    cited = {c["id"] for c in answer["citations"]}
    assert {bank.product_lesson.id, bank.product_exercise.id} <= cited
    assert fake_openai.request_count == 1


@pytest.mark.parametrize("status", [429, 500, 503])
def test_provider_errors_fall_back_to_the_offline_answer(
    api: Api,
    bank: Bank,
    student: Actor,
    conversation_id: int,
    fake_openai: FakeOpenAI,
    status: int,
) -> None:
    fake_openai.script(Reply.error(status, "Rate limit reached" if status == 429 else "down"))
    _, answer = _timed_answer(api, student, conversation_id)
    assert answer["offline"] is True
    assert "Dérivée d'un produit" in answer["content"]


@pytest.mark.aria_settings(
    openai_timeout_seconds=0.5,
    aria_circuit_failure_threshold=2,
    aria_circuit_reset_seconds=60,
)
def test_after_repeated_failures_the_circuit_opens_and_answers_come_at_once(
    api: Api, bank: Bank, student: Actor, conversation_id: int, fake_openai: FakeOpenAI
) -> None:
    fake_openai.default = Reply.slow(5.0)
    first, _ = _timed_answer(api, student, conversation_id)
    second, _ = _timed_answer(api, student, conversation_id)
    assert fake_openai.request_count == 2
    assert first >= 0.45 and second >= 0.45

    open_times = []
    for _ in range(3):
        elapsed, answer = _timed_answer(api, student, conversation_id)
        open_times.append(elapsed)
        assert answer["offline"] is True
    print(f"\ncircuit-open answer times: {', '.join(f'{t * 1000:.0f} ms' for t in open_times)}")
    assert fake_openai.request_count == 2  # the dead provider is left alone: nothing waited


@pytest.mark.aria_settings(aria_circuit_failure_threshold=1, aria_circuit_reset_seconds=30)
def test_the_circuit_lets_a_trial_through_after_the_reset_time_and_closes_on_success(
    app: Flask,
    api: Api,
    bank: Bank,
    student: Actor,
    conversation_id: int,
    fake_openai: FakeOpenAI,
) -> None:
    clock = SteppedClock()
    get_runtime(app).breaker._clock = clock  # pylint: disable=protected-access
    fake_openai.script(Reply.error(500))
    _timed_answer(api, student, conversation_id)
    clock.now += 29.9
    _, while_open = _timed_answer(api, student, conversation_id)
    assert while_open["offline"] is True and fake_openai.request_count == 1
    clock.now += 0.2
    _, trial = _timed_answer(api, student, conversation_id)
    assert trial["provider"] == "openai" and fake_openai.request_count == 2
    _, after = _timed_answer(api, student, conversation_id)
    assert after["provider"] == "openai" and fake_openai.request_count == 3


@pytest.mark.aria_settings(
    openai_api_key="sk-test-not-a-real-key",
    # A loopback port nobody listens on: the provider refuses the connection.
    openai_base_url=f"http://127.0.0.1:{free_port()}/v1",
    openai_max_retries=0,
    openai_timeout_seconds=30.0,
)
def test_a_provider_refusing_connections_gets_offline_answers_at_once(
    api: Api, bank: Bank, student: Actor, conversation_id: int
) -> None:
    elapsed, answer = _timed_answer(api, student, conversation_id)
    assert elapsed < 15.0  # refused at once: the 30-second timeout is not waited for
    assert answer["offline"] is True and answer["provider"] == "offline"
    assert "Dérivée d'un produit" in answer["content"]
    asked = api.post("/api/v1/aria/ask", student, json={"question": QUESTION["content"]})
    assert asked.status_code == 201, asked.get_json()
    assert asked.get_json()["message"]["offline"] is True
