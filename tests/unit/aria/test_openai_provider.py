"""The real ``openai`` client, over HTTP, against the local OpenAI-compatible test server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nexus.aria.providers.base import ChatTurn, Delta, ProviderError, Usage
from nexus.aria.providers.openai_provider import OpenAIProvider, build_client
from nexus.aria.runtime import AriaRuntime
from nexus.config import Settings
from tests.support.fake_openai import FakeOpenAI, Reply

TURNS = [ChatTurn("system", "Tu es ARIA."), ChatTurn("user", "Bonjour")]


@pytest.fixture()
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture()
def provider(server: FakeOpenAI) -> Iterator[OpenAIProvider]:
    settings = Settings(
        openai_api_key="sk-unit",
        openai_base_url=server.base_url,
        openai_timeout_seconds=2,
        openai_max_retries=0,
        openai_model="modele-test",
    )
    client = build_client(settings)
    yield OpenAIProvider(client, settings.openai_model, 300)
    client.close()


def test_complete_returns_the_text_and_the_providers_usage(
    provider: OpenAIProvider, server: FakeOpenAI
) -> None:
    server.script(Reply.answer("Salut !", prompt_tokens=11, completion_tokens=3))
    completion = provider.complete(TURNS)
    assert completion.text == "Salut !"
    assert completion.usage == Usage(11, 3, estimated=False)
    body = server.requests[0].body
    assert body["model"] == "modele-test" and body["max_tokens"] == 300
    assert body["messages"] == [
        {"role": "system", "content": "Tu es ARIA."},
        {"role": "user", "content": "Bonjour"},
    ]


def test_without_usage_the_tokens_are_estimated(
    provider: OpenAIProvider, server: FakeOpenAI
) -> None:
    server.script(Reply.answer("Salut !", with_usage=False))
    assert provider.complete(TURNS).usage.estimated is True
    server.script(Reply(chunks=("Sa", "lut"), with_usage=False))
    parts = list(provider.stream(TURNS))
    assert parts[-1] == Usage(prompt_tokens=5, completion_tokens=2, estimated=True)


def test_an_empty_answer_is_a_provider_error(provider: OpenAIProvider, server: FakeOpenAI) -> None:
    server.script(Reply.answer("   "))
    with pytest.raises(ProviderError):
        provider.complete(TURNS)


def test_stream_yields_pieces_then_usage(provider: OpenAIProvider, server: FakeOpenAI) -> None:
    server.script(Reply(chunks=("Bon", "jour", " !"), prompt_tokens=8, completion_tokens=3))
    parts = list(provider.stream(TURNS))
    assert parts == [Delta("Bon"), Delta("jour"), Delta(" !"), Usage(8, 3)]
    assert server.requests[0].body["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize("reply", [Reply.error(500), Reply.error(401, "bad key")])
def test_http_errors_become_provider_errors(
    provider: OpenAIProvider, server: FakeOpenAI, reply: Reply
) -> None:
    server.script(reply, reply)
    with pytest.raises(ProviderError):
        provider.complete(TURNS)
    with pytest.raises(ProviderError):
        list(provider.stream(TURNS))


def test_a_broken_stream_raises_after_the_pieces_it_delivered(
    provider: OpenAIProvider, server: FakeOpenAI
) -> None:
    server.script(Reply(chunks=("a", "b", "c"), break_after=1))
    received = []
    with pytest.raises(ProviderError):
        for part in provider.stream(TURNS):
            received.append(part)
    assert received == [Delta("a")]


def test_the_runtime_reuses_one_client_and_closes_it(server: FakeOpenAI) -> None:
    settings = Settings(openai_api_key="sk-unit", openai_base_url=server.base_url)
    runtime = AriaRuntime(settings, None)
    first, second = runtime.provider(), runtime.provider()
    assert isinstance(first, OpenAIProvider) and isinstance(second, OpenAIProvider)
    assert first.client is second.client
    runtime.close()
    runtime.close()  # idempotent
    assert AriaRuntime(Settings(openai_api_key=None), None).provider() is None  # offline
