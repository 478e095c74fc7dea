"""The administrator's dashboard: 4 aggregate queries, portable to SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.clock import month_starts, next_month, paris_midnight
from nexus.dashboards.schemas.staff import AdminDashboard, MonthRevenue, Occupancy
from nexus.db import utcnow
from nexus.offers.models import Enrollment, EnrollmentStatus
from nexus.scheduling.models import SessionStatus, TutoringSession

MONTHS = 12
OCCUPANCY_LOOKBACK = timedelta(days=30)


def admin_dashboard(session: Session, now: datetime | None = None) -> AdminDashboard:
    now = now or utcnow()
    students_total, active_students = session.execute(
        select(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.STUDENT, User.is_active.is_(True))
            .scalar_subquery(),
            select(func.count(func.distinct(Enrollment.student_id)))
            .where(Enrollment.status == EnrollmentStatus.ACTIVE)
            .scalar_subquery(),
        )
    ).one()
    by_status: dict[str, int] = {status.value: 0 for status in EnrollmentStatus}
    active_remaining = 0
    for status, count, remaining in session.execute(
        select(
            Enrollment.status,
            func.count(),
            func.sum(Enrollment.minutes_bought - Enrollment.minutes_used),
        ).group_by(Enrollment.status)
    ):
        by_status[str(status)] = count
        if status is EnrollmentStatus.ACTIVE:
            active_remaining = int(remaining or 0)
    revenue = revenue_by_month(session, now)
    return AdminDashboard(
        students_total=students_total,
        active_students=active_students,
        enrollments_by_status=by_status,
        active_minutes_remaining=active_remaining,
        revenue_by_month=revenue,
        revenue_last_12_months_cents=sum(m.revenue_cents for m in revenue),
        **occupancy(session, now),
    )


def revenue_by_month(session: Session, now: datetime) -> list[MonthRevenue]:
    """Enrollments' price_paid_cents per Paris calendar month, the last 12 months.

    Months are bucketed with a CASE over precomputed boundaries (no strftime/to_char), so the
    same SQL runs on SQLite and PostgreSQL; grouping happens on a subquery column.
    """
    starts = month_starts(MONTHS, now)
    bounds = [paris_midnight(day) for day in starts] + [paris_midnight(next_month(starts[-1]))]
    bucket = case(
        *(
            (and_(Enrollment.created_at >= bounds[i], Enrollment.created_at < bounds[i + 1]), i)
            for i in range(MONTHS)
        ),
        else_=-1,
    ).label("bucket")
    inner = (
        select(bucket, Enrollment.price_paid_cents.label("price"))
        .where(Enrollment.created_at >= bounds[0], Enrollment.created_at < bounds[-1])
        .subquery()
    )
    totals = {
        index: (int(total or 0), count)
        for index, total, count in session.execute(
            select(inner.c.bucket, func.sum(inner.c.price), func.count()).group_by(inner.c.bucket)
        )
    }
    return [
        MonthRevenue(
            month=f"{day:%Y-%m}",
            revenue_cents=totals.get(i, (0, 0))[0],
            enrollments=totals.get(i, (0, 0))[1],
        )
        for i, day in enumerate(starts)
    ]


def occupancy(session: Session, now: datetime) -> dict[str, Occupancy]:
    """Seats taken over capacity of the non-cancelled sessions, past 30 days and upcoming."""
    past = and_(
        TutoringSession.starts_at >= now - OCCUPANCY_LOOKBACK, TutoringSession.starts_at < now
    )
    upcoming = and_(
        TutoringSession.starts_at >= now, TutoringSession.status == SessionStatus.SCHEDULED
    )

    def sums(condition: ColumnElement[bool]) -> list[ColumnElement[int]]:
        return [
            func.sum(case((condition, 1), else_=0)),
            func.sum(case((condition, TutoringSession.seats_taken), else_=0)),
            func.sum(case((condition, TutoringSession.capacity), else_=0)),
        ]

    row = session.execute(
        select(*sums(past), *sums(upcoming)).where(
            TutoringSession.status != SessionStatus.CANCELLED,
            TutoringSession.starts_at >= now - OCCUPANCY_LOOKBACK,
        )
    ).one()
    values = [int(v or 0) for v in row]
    return {
        "occupancy_past_30_days": _occupancy(*values[:3]),
        "occupancy_upcoming": _occupancy(*values[3:]),
    }


def _occupancy(sessions: int, seats: int, capacity: int) -> Occupancy:
    return Occupancy(
        sessions=sessions,
        seats_taken=seats,
        capacity=capacity,
        rate=round(seats / capacity, 4) if capacity else None,
    )
