from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nexus.db import Base, JSONType, str_enum, utcnow


class NotificationKind(StrEnum):
    SESSION_BOOKED = "session_booked"
    SESSION_CANCELLED = "session_cancelled"
    # Moved or its place changed (nexus.scheduling.changes).
    SESSION_CHANGED = "session_changed"
    SESSION_REMINDER = "session_reminder"
    NEW_ASSESSMENT = "new_assessment"
    ALERT = "alert"
    # A student's message to ARIA was flagged by the safety screen (nexus.aria.safety).
    ARIA_SAFETY = "aria_safety"
    # A teacher wrote or updated a session report (nexus.families.reports).
    SESSION_REPORT = "session_report"
    # A message in a parent–teacher thread (nexus.families.threads).
    THREAD_MESSAGE = "thread_message"
    # An invoice is past due with money outstanding (nexus.billing.reminders).
    INVOICE_OVERDUE = "invoice_overdue"
    # A yearly attestation fiscale was issued (nexus.billing.certificates).
    TAX_CERTIFICATE = "tax_certificate"


class Notification(Base):
    """An in-app notification; ``title`` and ``body`` are French, shown as is."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(str_enum(NotificationKind, 32))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Makes reminders idempotent: one notification per (user, dedupe_key).
    dedupe_key: Mapped[str | None] = mapped_column(String(120), default=None, unique=True)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class NotificationPreference(Base):
    """A user's choice for one category on one channel (``nexus.notifications.preferences``);
    only choices that differ from the default (on) are stored."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(24), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
