"""Conversations and messages: what the chat endpoints accept and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from nexus.api.schemas import InputModel, Page, PageQuery
from nexus.aria.models import MessageRole, MessageStatus, ProviderName

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
# The configurable limit (ARIA_MAX_MESSAGE_CHARS, 2,000 by default) is checked by the service;
# this bound only keeps absurd bodies out.
Content = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]

CITATION_EXAMPLE: dict[str, Any] = {
    "id": 12,
    "title": "Listes chaînées en Python",
    "kind": "lesson",
    "subject": "nsi",
    "level": "terminale",
    "chapter": "Structures de données",
}
USAGE_EXAMPLE: dict[str, Any] = {
    "prompt_tokens": 812,
    "completion_tokens": 164,
    "total_tokens": 976,
    "estimated": False,
}
MESSAGE_EXAMPLE: dict[str, Any] = {
    "id": 31,
    "conversation_id": 7,
    "role": "assistant",
    "content": "Une liste chaînée est une suite de maillons… (voir #12 « Listes chaînées »)",
    "provider": "openai",
    "offline": False,
    "status": "complete",
    "citations": [CITATION_EXAMPLE],
    "usage": USAGE_EXAMPLE,
    "created_at": "2026-11-26T17:05:00+00:00",
}
CONVERSATION_EXAMPLE: dict[str, Any] = {
    "id": 7,
    "title": "Les listes chaînées en Python",
    "message_count": 2,
    "created_at": "2026-11-26T17:04:58+00:00",
    "updated_at": "2026-11-26T17:05:00+00:00",
}


class ConversationPath(BaseModel):
    conversation_id: int = Field(ge=1, le=2**31 - 1)


class ConversationCreate(InputModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"title": "Révisions NSI"}]}
    )

    title: Title | None = Field(default=None, description="Defaults to 'Nouvelle conversation'")


class ConversationUpdate(InputModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"title": "Listes chaînées"}]}
    )

    title: Title


class ConversationQuery(PageQuery):
    sort: str = Field(
        default="-updated_at",
        description="updated_at, created_at or title; prefix with '-' for descending",
    )


class MessageCreate(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"content": "Peux-tu m'expliquer les listes chaînées ?"}]},
    )

    content: Content


class AskCreate(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"question": "Comment dériver un produit de fonctions ?"}]},
    )

    question: Content
    title: Title | None = None


class Citation(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [CITATION_EXAMPLE]})

    id: int
    title: str
    kind: str
    subject: str
    level: str
    chapter: str


class UsagePublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [USAGE_EXAMPLE]})

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    estimated: bool = Field(description="True for offline answers and interrupted streams")


class MessagePublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [MESSAGE_EXAMPLE]})

    id: int
    conversation_id: int
    role: MessageRole
    content: str
    provider: ProviderName | None = Field(description="Assistant messages: who answered")
    offline: bool = Field(description="True when ARIA answered from the bank, without a model")
    status: MessageStatus
    citations: list[Citation] = Field(description="Bank items the answer is grounded in")
    usage: UsagePublic
    created_at: datetime


class ConversationPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [CONVERSATION_EXAMPLE]})

    id: int
    title: str
    message_count: int
    created_at: datetime
    updated_at: datetime


class ConversationDetail(ConversationPublic):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**CONVERSATION_EXAMPLE, "messages": [MESSAGE_EXAMPLE]}]}
    )

    messages: list[MessagePublic]


class ConversationPage(Page[ConversationPublic]):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"items": [CONVERSATION_EXAMPLE], "page": 1, "page_size": 20, "total": 1}]
        }
    )


class AskPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"conversation": CONVERSATION_EXAMPLE, "message": MESSAGE_EXAMPLE}]
        }
    )

    conversation: ConversationPublic
    message: MessagePublic
