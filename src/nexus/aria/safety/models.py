"""A flagged student message: what the screen found, for the adults who follow the student."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from nexus.aria.safety.verdicts import Category, Screener, Severity
from nexus.db import Base, JSONType, str_enum, utcnow


class SafetyFlag(Base):
    """One flagged message. Deleted with its conversation (and so by GDPR erasure)."""

    __tablename__ = "aria_safety_flags"
    __table_args__ = (Index("ix_aria_safety_flags_student_created", "student_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("aria_conversations.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[int] = mapped_column(
        ForeignKey("aria_messages.id", ondelete="CASCADE"), index=True
    )
    # The most serious finding (it chose ARIA's answer) and every category found.
    category: Mapped[Category] = mapped_column(str_enum(Category, 24))
    severity: Mapped[Severity] = mapped_column(str_enum(Severity, 16))
    categories: Mapped[list[str]] = mapped_column(JSONType, default=list)
    screener: Mapped[Screener] = mapped_column(str_enum(Screener, 16))
    # The student named their family or home in a disclosure of abuse: the parents are neither
    # notified nor shown the conversation (``nexus.aria.safety.oversight``).
    family_involved: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
