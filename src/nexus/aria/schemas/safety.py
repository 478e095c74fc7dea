"""What adults read of a student's ARIA conversations (``/api/v1/aria/students/…``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from nexus.api.schemas import InputModel, Page, PageQuery
from nexus.aria.safety.verdicts import Category, Screener, Severity
from nexus.aria.schemas.conversations import CONVERSATION_EXAMPLE, MessagePublic

FLAG_EXAMPLE: dict[str, Any] = {
    "id": 3,
    "conversation_id": 7,
    "message_id": 30,
    "category": "self_harm",
    "severity": "high",
    "categories": ["self_harm"],
    "screener": "lexicon",
    "created_at": "2026-11-26T17:05:00+00:00",
}


class StudentPath(BaseModel):
    student_id: int = Field(ge=1, le=2**31 - 1)


class StudentConversationPath(StudentPath):
    conversation_id: int = Field(ge=1, le=2**31 - 1)


class StudentConversationQuery(PageQuery):
    pass


class FlagPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [FLAG_EXAMPLE]})

    id: int
    conversation_id: int
    message_id: int
    category: Category = Field(description="The most serious concern (it chose ARIA's answer)")
    severity: Severity
    categories: list[str] = Field(description="Every concern found in the message")
    screener: Screener = Field(description="openai: the moderation endpoint answered")
    created_at: datetime


class InboxFlag(FlagPublic):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **FLAG_EXAMPLE,
                    "student_id": 12,
                    "student_name": "Léa Martin",
                    "family_involved": False,
                }
            ]
        }
    )

    student_id: int
    student_name: str
    family_involved: bool = Field(
        description="The student named their family or home: never shown to parents"
    )


class FlagInboxPage(Page[InboxFlag]):
    pass


class FlagInboxQuery(PageQuery):
    student_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    severity: Severity | None = Field(default=None, description="medium or high")


class WatchedConversation(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**CONVERSATION_EXAMPLE, "flag_count": 1}]}
    )

    id: int
    title: str
    message_count: int
    flag_count: int = Field(description="How many of its messages were flagged")
    created_at: datetime
    updated_at: datetime


class WatchedConversationPage(Page[WatchedConversation]):
    pass


class WatchedConversationDetail(WatchedConversation):
    messages: list[MessagePublic]
    flags: list[FlagPublic]


class FamilyAccessUpdate(InputModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reads_aria_conversations": False}]}
    )

    reads_aria_conversations: bool = Field(
        description="While the child is a minor: read all of their ARIA conversations"
    )


class FamilyAccessPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"student_id": 5, "reads_aria_conversations": True, "applies": True}]
        }
    )

    student_id: int
    reads_aria_conversations: bool
    applies: bool = Field(
        description="False once the child is an adult: then only flagged conversations"
    )
