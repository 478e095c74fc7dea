"""OpenAI, or any OpenAI-compatible server (``OPENAI_BASE_URL``), through the official SDK."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

import openai

from nexus.aria.providers.base import (
    ChatTurn,
    Completion,
    Delta,
    ProviderError,
    StreamPart,
    Usage,
    estimate_usage,
)
from nexus.config import Settings

logger = logging.getLogger("nexus.aria.openai")


def build_client(settings: Settings) -> openai.OpenAI:
    assert settings.openai_api_key is not None  # nosec B101 - callers check aria_online
    return openai.OpenAI(
        api_key=settings.openai_api_key.get_secret_value(),
        base_url=settings.openai_base_url or None,
        timeout=settings.openai_timeout_seconds,
        max_retries=settings.openai_max_retries,
    )


class OpenAIProvider:
    def __init__(self, client: openai.OpenAI, model: str, max_completion_tokens: int) -> None:
        self.client = client
        self.model = model
        self.max_completion_tokens = max_completion_tokens

    def _messages(self, turns: Sequence[ChatTurn]) -> list[Any]:
        return [{"role": t.role, "content": t.content} for t in turns]

    def complete(self, turns: Sequence[ChatTurn]) -> Completion:
        try:
            response = self.client.chat.completions.create(
                model=self.model,
                messages=self._messages(turns),
                max_tokens=self.max_completion_tokens,
            )
        except openai.OpenAIError as exc:
            raise _provider_error(exc) from exc
        if not response.choices or not (response.choices[0].message.content or "").strip():
            raise ProviderError("the provider returned an empty answer")
        text = response.choices[0].message.content or ""
        if response.usage is None:
            return Completion(text, estimate_usage(turns, text))
        usage = Usage(response.usage.prompt_tokens, response.usage.completion_tokens)
        return Completion(text, usage)

    def stream(self, turns: Sequence[ChatTurn]) -> Iterator[StreamPart]:
        try:
            stream = self.client.chat.completions.create(
                model=self.model,
                messages=self._messages(turns),
                max_tokens=self.max_completion_tokens,
                stream=True,
                stream_options={"include_usage": True},
            )
        except openai.OpenAIError as exc:
            raise _provider_error(exc) from exc
        with stream:
            yield from _parts(stream, turns)


def _parts(stream: openai.Stream[Any], turns: Sequence[ChatTurn]) -> Iterator[StreamPart]:
    text: list[str] = []
    finished = False
    usage: Usage | None = None
    try:
        for chunk in stream:
            if chunk.usage is not None:
                usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
            for choice in chunk.choices:
                piece = choice.delta.content if choice.delta is not None else None
                if piece:
                    text.append(piece)
                    yield Delta(piece)
                finished = finished or choice.finish_reason is not None
    except openai.OpenAIError as exc:
        raise _provider_error(exc) from exc
    if not finished:
        raise ProviderError("the stream ended before the answer was finished")
    yield usage if usage is not None else estimate_usage(turns, "".join(text))


def _provider_error(exc: openai.OpenAIError) -> ProviderError:
    status = getattr(exc, "status_code", None)
    logger.warning(
        "ARIA provider failed", extra={"error_type": type(exc).__name__, "status": status}
    )
    return ProviderError(f"{type(exc).__name__}: status {status}")
