"""A student's bookings, for them, their parents, their teachers (own sessions) and admins."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.db import utcnow
from nexus.people import access
from nexus.scheduling.models import Booking, TutoringSession
from nexus.scheduling.schemas import BookingQuery


def list_bookings(
    session: Session, principal: Principal, student_id: int, query: BookingQuery
) -> tuple[list[Booking], int]:
    """Bookings with their sessions, sorted by session start; a teacher sees only theirs."""
    access.ensure_can_view_student(session, principal, student_id)
    conditions: list[Any] = [Booking.student_id == student_id]
    if principal.role is Role.TEACHER:
        conditions.append(TutoringSession.teacher_id == principal.user_id)
    if query.status is not None:
        conditions.append(Booking.status == query.status)
    now = utcnow()
    if query.when == "upcoming":
        conditions.append(TutoringSession.starts_at > now)
    elif query.when == "past":
        conditions.append(TutoringSession.starts_at <= now)
    base = select(Booking).join(TutoringSession, Booking.session_id == TutoringSession.id)
    total = session.scalar(select(func.count()).select_from(base.where(*conditions).subquery()))
    order = (
        TutoringSession.starts_at.desc()
        if query.sort.startswith("-")
        else TutoringSession.starts_at
    )
    bookings = session.scalars(
        base.where(*conditions)
        .order_by(order, Booking.id)
        .offset(query.offset)
        .limit(query.page_size)
    ).all()
    return list(bookings), total or 0
