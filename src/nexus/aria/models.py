"""ARIA's tables: conversations and their messages, study plans, and the usage ledger."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nexus.db import Base, JSONType, str_enum, utcnow


class MessageRole(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"


class ProviderName(StrEnum):
    OPENAI = "openai"
    OFFLINE = "offline"


class MessageStatus(StrEnum):
    COMPLETE = "complete"
    # A streamed answer cut short by a provider error or a client that went away.
    INCOMPLETE = "incomplete"


class UsageKind(StrEnum):
    CHAT = "chat"
    HINT = "hint"
    STUDY_PLAN = "study_plan"


class Conversation(Base):
    __tablename__ = "aria_conversations"
    __table_args__ = (Index("ix_aria_conversations_user_updated", "user_id", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation",
        order_by="Message.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Message(Base):
    __tablename__ = "aria_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("aria_conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MessageRole] = mapped_column(str_enum(MessageRole, 16))
    content: Mapped[str] = mapped_column(Text)
    # Assistant messages only: who answered, and whether it is the offline fallback.
    provider: Mapped[ProviderName | None] = mapped_column(str_enum(ProviderName, 16), default=None)
    offline: Mapped[bool] = mapped_column(default=False)
    status: Mapped[MessageStatus] = mapped_column(
        str_enum(MessageStatus, 16), default=MessageStatus.COMPLETE
    )
    # [{"id", "title", "kind", "subject", "level", "chapter"}] of the bank items used.
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    # True when the counts are estimates (offline answers, interrupted streams).
    usage_estimated: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class StudyPlan(Base):
    __tablename__ = "aria_study_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    starts_on: Mapped[date]
    exam_date: Mapped[date | None] = mapped_column(default=None)
    # [{"week", "starts_on", "ends_on", "focus": [...], "items": [...], "sessions": [...],
    #   "tasks": [...]}], see nexus.aria.plans.
    weeks: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    provider: Mapped[ProviderName] = mapped_column(
        str_enum(ProviderName, 16), default=ProviderName.OFFLINE
    )
    offline: Mapped[bool] = mapped_column(default=True)
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UsageRecord(Base):
    """One ARIA answer (chat, hint, plan): the ledger behind quotas and the admin report.

    Kept apart from messages so that deleting a conversation does not erase what was spent.
    """

    __tablename__ = "aria_usage"
    __table_args__ = (Index("ix_aria_usage_user_day", "user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(index=True)  # Europe/Paris calendar day
    kind: Mapped[UsageKind] = mapped_column(str_enum(UsageKind, 16))
    provider: Mapped[ProviderName] = mapped_column(str_enum(ProviderName, 16))
    offline: Mapped[bool] = mapped_column(default=False)
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("aria_messages.id", ondelete="SET NULL"), default=None
    )
    # The model that answered (None offline) and what it cost, priced when written.
    model: Mapped[str | None] = mapped_column(String(64), default=None)
    cost_micro_euros: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
