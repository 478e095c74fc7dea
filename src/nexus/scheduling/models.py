"""Tutoring sessions scheduled by teachers and the students' bookings."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nexus.accounts.models import User
from nexus.content.vocabulary import Level, Subject
from nexus.db import Base, JSONType, str_enum, utcnow


class SessionKind(StrEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"


class SessionPlace(StrEnum):
    """Where a session happens; with ``kind`` it decides the SAP tax credit (docs/billing.md)."""

    AT_HOME = "at_home"  # at the family's home
    ONLINE = "online"
    CENTRE = "centre"


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class Attendance(StrEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"


class SessionSeries(Base):
    """A weekly series: its sessions carry ``series_id``; the closed days it skipped are kept."""

    __tablename__ = "session_series"
    __table_args__ = (CheckConstraint("zone IN ('A', 'B', 'C')", name="zone_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    # The academic zone whose school holidays are skipped; public holidays always are.
    zone: Mapped[str | None] = mapped_column(String(1), default=None)
    until: Mapped[date | None] = mapped_column(default=None)
    count: Mapped[int | None] = mapped_column(default=None)
    # [{"date": "2026-10-19", "kind": "school_holiday", "reason": "Vacances de la Toussaint"}]
    skipped: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TutoringSession(Base):
    __tablename__ = "tutoring_sessions"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint(
            "seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"
        ),
        Index("ix_tutoring_sessions_teacher_start", "teacher_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    kind: Mapped[SessionKind] = mapped_column(str_enum(SessionKind))
    subject: Mapped[Subject] = mapped_column(str_enum(Subject))
    level: Mapped[Level] = mapped_column(str_enum(Level))
    title: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)  # UTC
    ends_at: Mapped[datetime]  # UTC
    online_url: Mapped[str | None] = mapped_column(String(500), default=None)
    room: Mapped[str | None] = mapped_column(String(120), default=None)
    place: Mapped[SessionPlace] = mapped_column(
        str_enum(SessionPlace, 16), default=SessionPlace.CENTRE, server_default="centre"
    )
    capacity: Mapped[int] = mapped_column(default=1)
    # Maintained with conditional UPDATEs so concurrent bookings never exceed capacity.
    seats_taken: Mapped[int] = mapped_column(default=0)
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus), default=SessionStatus.SCHEDULED
    )
    teacher_notes: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    # Shown to the booked students in the cancellation notice.
    cancellation_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Raised by every change calendars must see (time, place, cancellation): the iCalendar
    # SEQUENCE; ``revised_at`` is when that last happened (LAST-MODIFIED). See ``revise``.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    revised_at: Mapped[datetime | None] = mapped_column(default=None)
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("session_series.id", ondelete="SET NULL"), default=None, index=True
    )

    teacher: Mapped[User] = relationship(lazy="joined")
    # Loaded explicitly (selectinload) where a view needs them: never lazily, never N+1.
    bookings: Mapped[list[Booking]] = relationship(
        back_populates="session", lazy="raise", order_by="Booking.id"
    )

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def revise(self, now: datetime) -> None:
        """Record a change subscribers' calendars must pick up (time, place, cancellation)."""
        self.sequence = (self.sequence or 0) + 1
        self.revised_at = now


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("session_id", "student_id"),
        Index("ix_bookings_student_status", "student_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("tutoring_sessions.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrollments.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[BookingStatus] = mapped_column(
        str_enum(BookingStatus), default=BookingStatus.BOOKED
    )
    attendance: Mapped[Attendance | None] = mapped_column(str_enum(Attendance), default=None)
    minutes_charged: Mapped[int] = mapped_column(default=0)
    # The teacher's note on this student's participation, written with the attendance.
    teacher_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)

    session: Mapped[TutoringSession] = relationship(back_populates="bookings", lazy="joined")
    student: Mapped[User] = relationship(lazy="joined")


class CalendarFeed(Base):
    """A user's secret calendar (iCalendar) address: only the token's SHA-256 is stored; a new
    token replaces the old one, deleting the row revokes the address."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
