"""A free slot asked of the teacher directory: a Paris day and time, and how long.

A weekday name means its next occurrence (today when the time is still ahead); an ISO date
that day. Availability is weekly (``TeacherProfile.weekly_availability``, Paris wall time);
what else fills a teacher's time (their sessions) is said by the domains above this one and
given at app set-up (``nexus.routes.teacher_schedule``), as in :mod:`nexus.people.access`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeAlias

from sqlalchemy import Select

from nexus.clock import PARIS
from nexus.errors import Unprocessable
from nexus.language import _

DEFAULT_MINUTES = 60
WEEKDAYS: dict[str, int] = {
    **{n: i for i, n in enumerate(("lundi", "mardi", "mercredi", "jeudi", "vendredi"))},
    "samedi": 5,
    "dimanche": 6,
    **{
        n: i
        for i, n in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}

# The teachers busy between two UTC instants: the ids they give.
BusyTeachers: TypeAlias = Callable[[datetime, datetime], Select[int]]
_busy: list[BusyTeachers] = []


def busy_through(*sources: BusyTeachers) -> None:
    """What keeps a teacher busy at a given time (replaces what was set before)."""
    _busy[:] = sources


def busy_sources() -> tuple[BusyTeachers, ...]:
    if not _busy:
        raise RuntimeError("No teacher schedule: create_app calls slots.busy_through(...).")
    return tuple(_busy)


@dataclass(frozen=True)
class Slot:
    weekday: int  # Monday = 0
    start: str  # HH:MM, Paris
    end: str  # HH:MM, Paris
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC

    def within(self, availability: list[dict[str, Any]]) -> bool:
        """One availability window of that weekday covers the whole slot."""
        return any(
            window.get("weekday") == self.weekday
            and window.get("start", "99:99") <= self.start
            and self.end <= window.get("end", "")
            for window in availability
        )


def _day(text: str, clock: time, now: datetime) -> date:
    today = now.astimezone(PARIS).date()
    name = text.strip().casefold()
    if name in WEEKDAYS:
        ahead = (WEEKDAYS[name] - today.weekday()) % 7
        day = today + timedelta(days=ahead)
        if ahead == 0 and datetime.combine(day, clock, tzinfo=PARIS) <= now:
            day += timedelta(days=7)
        return day
    try:
        return date.fromisoformat(name)
    except ValueError:
        raise Unprocessable(
            _("day is a weekday (lundi … dimanche) or a date (YYYY-MM-DD)."), field="day"
        ) from None


def parse_slot(
    day: str | None, clock: str | None, duration: int | None, now: datetime
) -> Slot | None:
    """The slot the query asks for (``None`` without one); 422 when it is incomplete, in the
    past or runs past midnight."""
    if day is None and clock is None:
        if duration is not None:
            raise Unprocessable(_("duration needs day and time."), field="duration")
        return None
    if day is None or clock is None:
        missing = "day" if day is None else "time"
        raise Unprocessable(_("Give both day and time."), field=missing)
    start = time.fromisoformat(clock)
    on = _day(day, start, now)
    minutes = duration or DEFAULT_MINUTES
    local_start = datetime.combine(on, start, tzinfo=PARIS)
    if local_start <= now:
        raise Unprocessable(_("This slot is in the past."), field="day", code="in_the_past")
    end_of_day = start.hour * 60 + start.minute + minutes
    if end_of_day > 24 * 60 - 1:
        raise Unprocessable(_("The slot must end before midnight."), field="duration")
    end = f"{end_of_day // 60:02d}:{end_of_day % 60:02d}"
    local_end = datetime.combine(on, time.fromisoformat(end), tzinfo=PARIS)
    return Slot(
        weekday=on.weekday(),
        start=clock,
        end=end,
        starts_at=local_start.astimezone(UTC),
        ends_at=local_end.astimezone(UTC),
    )
