"""A student's bookings, for them, their parents, their teachers (own sessions) and admins."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.api.pagination import fetch_counted_page
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
    order = (
        TutoringSession.starts_at.desc()
        if query.sort.startswith("-")
        else TutoringSession.starts_at
    )
    statement = (
        select(Booking)
        .join(TutoringSession, Booking.session_id == TutoringSession.id)
        .where(*conditions)
        .order_by(order, Booking.id)
    )
    return fetch_counted_page(session, statement, query)
