"""Session reports (a teacher's "compte rendu" per booked student) and parent–teacher threads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nexus.accounts.models import User
from nexus.db import Base, utcnow
from nexus.scheduling.models import TutoringSession


class SessionReport(Base):
    """What one booked student did in one session, the homework set and an optional mark."""

    __tablename__ = "session_reports"
    __table_args__ = (
        UniqueConstraint("session_id", "student_id"),
        CheckConstraint("mark IS NULL OR (mark >= 0 AND mark <= 20)", name="mark_on_20"),
        Index("ix_session_reports_student_updated", "student_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("tutoring_sessions.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The session's teacher when it was written (kept if the session is ever reassigned).
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    work_done: Mapped[str] = mapped_column(Text)
    homework: Mapped[str] = mapped_column(Text, default="")
    mark: Mapped[float | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Every read of a report shows its session, student and teacher: loaded with it.
    session: Mapped[TutoringSession] = relationship(lazy="joined")
    student: Mapped[User] = relationship(foreign_keys=[student_id], lazy="joined")
    teacher: Mapped[User] = relationship(foreign_keys=[teacher_id], lazy="joined")


class Thread(Base):
    """A conversation a parent opens with one of their child's teachers, about that child.

    What each side has read is the id of the last message they saw: unread messages are the
    other side's messages with a greater id.
    """

    __tablename__ = "message_threads"
    __table_args__ = (
        Index("ix_message_threads_parent_last", "parent_id", "last_message_at"),
        Index("ix_message_threads_teacher_last", "teacher_id", "last_message_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(200))
    parent_read_id: Mapped[int] = mapped_column(default=0)
    teacher_read_id: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[User] = relationship(foreign_keys=[parent_id], lazy="joined")
    teacher: Mapped[User] = relationship(foreign_keys=[teacher_id], lazy="joined")
    student: Mapped[User] = relationship(foreign_keys=[student_id], lazy="joined")


class ThreadMessage(Base):
    __tablename__ = "thread_messages"
    __table_args__ = (Index("ix_thread_messages_thread_id_id", "thread_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_threads.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
