"""Streaming answers as Server-Sent Events.

Events: ``meta`` (provider, offline flag, citations) → ``delta`` ({"text"}) … → ``done``
(message id, usage) or ``error``. The question was stored and committed with the request,
before the stream starts; the answer is stored whole, in its own transaction, when the stream
ends. Failure before the first piece of text: ARIA silently switches to the offline answer
(the ``meta`` event says so). Failure after text was sent (we cannot take it back): the text
received so far is stored with status ``incomplete`` and the stream ends with an ``error``
event naming that message; the circuit breaker counts the failure. A client that goes away
also leaves an ``incomplete`` message.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response
from sqlalchemy.exc import SQLAlchemyError

from nexus.aria.chat import Exchange, compose, store_answer
from nexus.aria.models import MessageStatus, ProviderName
from nexus.aria.providers.base import (
    Completion,
    Delta,
    ProviderError,
    StreamPart,
    Usage,
    estimate_usage,
)
from nexus.aria.providers.offline import offline_stream
from nexus.aria.runtime import AriaRuntime
from nexus.aria.services import usage_public
from nexus.db import db

logger = logging.getLogger("nexus.aria.stream")
INTERRUPTED = (
    "La réponse d'ARIA a été interrompue par le service d'IA. Le début de la réponse est "
    "conservé ; repose ta question pour obtenir une réponse complète."
)
NOT_SAVED = "La réponse d'ARIA n'a pas pu être enregistrée ; repose ta question."


def sse_response(events: Iterator[str]) -> Response:
    """The HTTP response carrying a stream: never stored (``no-store``, like every API answer),
    and proxies must pass the chunks on as they come instead of holding them back."""
    response = Response(events, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _open(
    runtime: AriaRuntime, exchange: Exchange
) -> tuple[ProviderName, Iterator[StreamPart], ProviderName]:
    """The model's stream once its first piece of text arrived, else the offline answer; and
    whose tokens it costs. When the student pasted an exercise with a hidden solution or asked
    ARIA to do it, the whole answer is composed and checked first (nexus.aria.homework), then
    sent; otherwise each piece is checked before it goes (see :func:`stream_answer`)."""
    if exchange.solution_guard is not None and exchange.solution_guard.guided is not None:
        said = compose(runtime, exchange)
        return said.provider, offline_stream(Completion(said.text, said.usage)), said.billed
    provider = runtime.provider() if exchange.model_allowed else None
    if provider is not None:
        parts = provider.stream(exchange.turns)
        try:
            first = next(parts)
            if isinstance(first, Delta):
                return ProviderName.OPENAI, _prepend(first, parts), ProviderName.OPENAI
        except (ProviderError, StopIteration):
            pass
        _close(parts)
        runtime.breaker.record_failure()
    return ProviderName.OFFLINE, offline_stream(exchange.offline()), ProviderName.OFFLINE


def _close(parts: Iterator[StreamPart]) -> None:
    close = getattr(parts, "close", None)
    if close is not None:
        close()


def _prepend(first: StreamPart, rest: Iterator[StreamPart]) -> Iterator[StreamPart]:
    yield first
    yield from rest


def _store(
    app: Flask,
    runtime: AriaRuntime,
    exchange: Exchange,
    text: str,
    provider: ProviderName,
    usage: Usage,
    status: MessageStatus,
    billed: ProviderName | None = None,
) -> int | None:
    try:
        with db.standalone_session(app) as session:
            message = store_answer(
                session, runtime, exchange, text, provider, usage, status, billed=billed
            )
            return message.id
    except SQLAlchemyError:
        logger.exception("could not store a streamed ARIA answer")
        return None


def stream_answer(app: Flask, runtime: AriaRuntime, exchange: Exchange) -> Iterator[str]:
    provider, parts, billed = _open(runtime, exchange)
    yield sse(
        "meta",
        {
            "conversation_id": exchange.conversation_id,
            "user_message_id": exchange.user_message_id,
            "provider": provider.value,
            "offline": provider is ProviderName.OFFLINE,
            "citations": exchange.citations,
        },
    )
    pieces: list[str] = []
    if exchange.notice is not None:  # a safety reminder opens the answer (nexus.aria.safety)
        pieces.append(f"{exchange.notice}\n\n")
        yield sse("delta", {"text": pieces[0]})
    usage: Usage | None = None
    checks = exchange.solution_guard if provider is ProviderName.OPENAI else None
    try:
        for part in parts:
            if (
                isinstance(part, Delta)
                and checks is not None
                and checks.given_away("".join(pieces) + part.text)
            ):
                # The model is giving a hidden solution away: nothing more of it is sent, the
                # student gets ARIA's offline answer after what was said (checked) so far.
                logger.info("a streamed answer gave a hidden solution away: cut, offline follows")
                _close(parts)
                rest = f"\n\n{exchange.offline().text}"
                pieces.append(rest)
                yield sse("delta", {"text": rest})
                usage = estimate_usage(exchange.turns, "".join(pieces))
                break
            if isinstance(part, Delta):
                pieces.append(part.text)
                yield sse("delta", {"text": part.text})
            else:
                usage = part
    except ProviderError:
        runtime.breaker.record_failure()
        text = "".join(pieces)
        partial = estimate_usage(exchange.turns, text)
        message_id = _store(
            app, runtime, exchange, text, provider, partial, MessageStatus.INCOMPLETE
        )
        yield sse(
            "error",
            {"code": "provider_interrupted", "message": INTERRUPTED, "message_id": message_id},
        )
        return
    except GeneratorExit:
        # The client went away: keep what was said, flagged as incomplete.
        text = "".join(pieces)
        partial = estimate_usage(exchange.turns, text)
        _store(app, runtime, exchange, text, provider, partial, MessageStatus.INCOMPLETE)
        raise
    finally:
        _close(parts)
    if provider is ProviderName.OPENAI:
        runtime.breaker.record_success()
    text = "".join(pieces)
    final = usage if usage is not None else estimate_usage(exchange.turns, text)
    message_id = _store(
        app, runtime, exchange, text, provider, final, MessageStatus.COMPLETE, billed
    )
    if message_id is None:
        yield sse("error", {"code": "storage_failed", "message": NOT_SAVED, "message_id": None})
        return
    yield sse(
        "done",
        {
            "message_id": message_id,
            "status": MessageStatus.COMPLETE.value,
            "provider": provider.value,
            "offline": provider is ProviderName.OFFLINE,
            "usage": usage_public(final).model_dump(),
        },
    )
