"""The catalogue of packages ("formules") and the enrollments that buy hours from it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nexus.db import Base, str_enum, utcnow


class OfferKind(StrEnum):
    INDIVIDUAL = "individual"
    SMALL_GROUP = "small_group"
    HOLIDAY_INTENSIVE = "holiday_intensive"
    ARIA_ONLINE = "aria_online"


class EnrollmentStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_positive"),
        CheckConstraint("hours >= 0", name="hours_positive"),
        CheckConstraint("max_group_size >= 1", name="group_size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[OfferKind] = mapped_column(str_enum(OfferKind))
    description: Mapped[str] = mapped_column(Text, default="")
    price_cents: Mapped[int]
    hours: Mapped[int]
    max_group_size: Mapped[int] = mapped_column(default=1)
    is_active: Mapped[bool] = mapped_column(default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Enrollment(Base):
    """Hours are kept in minutes so that bookings of any length add up exactly."""

    __tablename__ = "enrollments"
    __table_args__ = (
        CheckConstraint("minutes_used >= 0", name="used_positive"),
        CheckConstraint("minutes_used <= minutes_bought", name="used_within_bought"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="RESTRICT"), index=True)
    enrolled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[EnrollmentStatus] = mapped_column(
        str_enum(EnrollmentStatus), default=EnrollmentStatus.ACTIVE
    )
    minutes_bought: Mapped[int]
    minutes_used: Mapped[int] = mapped_column(default=0)
    price_paid_cents: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    offer: Mapped[Offer] = relationship(lazy="joined")

    @property
    def minutes_remaining(self) -> int:
        return self.minutes_bought - self.minutes_used
