"""The outbox: every e-mail the platform means to send, written in the sender's transaction."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nexus.db import Base, str_enum, utcnow


class MailStatus(StrEnum):
    PENDING = "pending"  # waiting for (another) attempt at ``next_attempt_at``
    SENT = "sent"  # accepted by the SMTP server (or written as an .eml file)
    DEAD = "dead"  # gave up after ``mail_max_attempts``; an admin may retry it
    SUPPRESSED = "suppressed"  # the recipient opted out of this category: never sent


class OutboxMessage(Base):
    """One rendered e-mail. ``message_id`` is fixed at enqueue so that every attempt sends the
    same message: a retry after a crash is a duplicate the receiver can recognise, never a
    second distinct e-mail."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_next_attempt", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(320))
    to_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    template: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[MailStatus] = mapped_column(str_enum(MailStatus, 16), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When the row is next due: a claim moves it forward by the lease, a failure by the backoff.
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    # A notice given once (a reminder) is e-mailed once: the notice's dedupe key.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), default=None, unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
