"""Who the platform serves: student and teacher profiles, parent ↔ child links."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nexus.accounts.models import User
from nexus.content.vocabulary import Level
from nexus.db import Base, JSONType, str_enum, utcnow


class StudentProfile(Base):
    __tablename__ = "student_profiles"
    __table_args__ = (
        CheckConstraint("academic_zone IN ('A', 'B', 'C')", name="academic_zone_known"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[Level] = mapped_column(str_enum(Level), index=True)
    # Subject values (nexus.content.vocabulary.Subject), e.g. ["nsi", "mathematiques"].
    specialties: Mapped[list[str]] = mapped_column(JSONType, default=list)
    goals: Mapped[str] = mapped_column(Text, default="")
    exam_date: Mapped[date | None] = mapped_column(default=None)
    # Free-form preferences, e.g. {"format": "online", "pace": "soutenu"}.
    learning_preferences: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Given by the student to a parent, who links with it (single use, then rotated).
    invitation_code: Mapped[str] = mapped_column(String(16), unique=True)
    birth_date: Mapped[date | None] = mapped_column(default=None)
    # The family's academic zone (school holidays A, B or C), set by a parent or an admin.
    academic_zone: Mapped[str | None] = mapped_column(String(1), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class TeacherProfile(Base):
    __tablename__ = "teacher_profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    subjects: Mapped[list[str]] = mapped_column(JSONType, default=list)
    levels: Mapped[list[str]] = mapped_column(JSONType, default=list)
    bio: Mapped[str] = mapped_column(Text, default="")
    # [{"weekday": 0..6 (Monday = 0), "start": "17:00", "end": "19:00"}] in Europe/Paris time.
    weekly_availability: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class ParentLink(Base):
    __tablename__ = "parent_links"
    __table_args__ = (UniqueConstraint("parent_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    # While the child is a minor, this parent may read all of the child's ARIA conversations
    # (flagged ones are always theirs to read); the parent may switch it off (docs/aria.md).
    reads_aria_conversations: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
