"""Paris time: the business runs on French days and months. The one home of the time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def paris_today(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(PARIS).date()


def paris_midnight(day: date) -> datetime:
    """The UTC instant at which ``day`` starts in Paris."""
    return datetime.combine(day, time.min, tzinfo=PARIS).astimezone(UTC)


def paris_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants where a Paris calendar day starts and ends (DST-aware)."""
    return paris_midnight(day), paris_midnight(day + timedelta(days=1))


def month_starts(count: int, now: datetime | None = None) -> list[date]:
    """The first days of the last ``count`` months, oldest first, the current month last."""
    today = paris_today(now)
    year, month = today.year, today.month
    starts: list[date] = []
    for _ in range(count):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(starts))


def next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def to_paris(value: datetime) -> datetime:
    return value.astimezone(PARIS)
