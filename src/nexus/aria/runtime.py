"""ARIA's per-worker state: the circuit breaker and the provider client, one per app."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import openai
from flask import Flask
from redis import Redis

from nexus import redis_ext
from nexus.aria.circuit import CircuitBreaker, CircuitState
from nexus.aria.models import ProviderName
from nexus.aria.providers.base import ChatProvider, ChatTurn, Completion, ProviderError
from nexus.aria.providers.openai_provider import OpenAIProvider, build_client
from nexus.config import Settings

EXTENSION_KEY = "nexus.aria"
logger = logging.getLogger("nexus.aria")
_CREATE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Answer:
    completion: Completion
    provider: ProviderName

    @property
    def offline(self) -> bool:
        return self.provider is ProviderName.OFFLINE


class AriaRuntime:
    def __init__(self, settings: Settings, redis: Redis | None) -> None:
        self.settings = settings
        self.redis = redis
        self.breaker = CircuitBreaker(
            settings.aria_circuit_failure_threshold, settings.aria_circuit_reset_seconds
        )
        self._client: openai.OpenAI | None = None
        self._lock = threading.Lock()

    def redis_key(self, name: str) -> str:
        return f"{self.settings.cache_key_prefix}{name}"

    def provider(self) -> ChatProvider | None:
        """The model to call now, or ``None`` (offline: no key, or the circuit is open)."""
        if not self.settings.aria_online or not self.breaker.allow_request():
            return None
        return OpenAIProvider(
            self._shared_client(),
            self.settings.openai_model,
            self.settings.aria_max_completion_tokens,
        )

    def moderation_client(self) -> openai.OpenAI | None:
        """The client for the safety screen, or ``None`` offline. Only a closed circuit lets
        it through: it does not take the half-open trial, which belongs to the answer."""
        if not self.settings.aria_online or self.breaker.state is not CircuitState.CLOSED:
            return None
        return self._shared_client()

    def _shared_client(self) -> openai.OpenAI:
        with self._lock:
            if self._client is None:
                self._client = build_client(self.settings)
            return self._client

    def complete(
        self,
        turns: Sequence[ChatTurn],
        fallback: Callable[[], Completion],
        *,
        allow_model: bool = True,
    ) -> Answer:
        """The model's answer, or the offline ``fallback`` when the model cannot answer (or
        may not: ``allow_model`` is false once the monthly budget is spent)."""
        provider = self.provider() if allow_model else None
        if provider is not None:
            try:
                completion = provider.complete(turns)
            except ProviderError:
                self.breaker.record_failure()
            else:
                self.breaker.record_success()
                return Answer(completion, ProviderName.OPENAI)
        return Answer(fallback(), ProviderName.OFFLINE)

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None


def get_runtime(app: Flask) -> AriaRuntime:
    runtime: AriaRuntime | None = app.extensions.get(EXTENSION_KEY)
    if runtime is None:
        with _CREATE_LOCK:
            runtime = app.extensions.get(EXTENSION_KEY)
            if runtime is None:
                runtime = AriaRuntime(app.extensions["settings"], redis_ext.get_redis(app))
                app.extensions[EXTENSION_KEY] = runtime
    return runtime
