"""The contract between ARIA and a language-model provider."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

ChatRole = Literal["system", "user", "assistant"]
CHARS_PER_TOKEN = 4


@dataclass(frozen=True)
class ChatTurn:
    role: ChatRole
    content: str


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Completion:
    text: str
    usage: Usage


@dataclass(frozen=True)
class Delta:
    """A piece of a streamed answer."""

    text: str


StreamPart = Delta | Usage


class ProviderError(Exception):
    """The provider failed, refused or timed out; ARIA falls back to its offline answer."""


class ChatProvider(Protocol):
    def complete(self, turns: Sequence[ChatTurn]) -> Completion:
        """The whole answer at once."""

    def stream(self, turns: Sequence[ChatTurn]) -> Iterator[StreamPart]:
        """Non-empty ``Delta`` pieces, then the ``Usage``; raises ``ProviderError`` mid-way."""


def estimate_tokens(text: str) -> int:
    """A rough count (about four characters per token) when the provider gives none."""
    return max(1, -(-len(text) // CHARS_PER_TOKEN)) if text else 0


def estimate_usage(turns: Sequence[ChatTurn], answer: str) -> Usage:
    prompt = sum(estimate_tokens(t.content) for t in turns)
    return Usage(prompt, estimate_tokens(answer), estimated=True)
