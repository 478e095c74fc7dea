"""Weekly recurrence around French closures: public holidays and a zone's school holidays.

Pure calendar logic, no database. The weekly step is taken in Europe/Paris wall time, so a
17:00 lesson stays at 17:00 across a DST change (its UTC instant moves by an hour). The school
holiday data (``vacances-scolaires-france``) covers known school years only: a series that runs
past its last day raises :class:`BeyondCalendar` rather than guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import cache

from jours_feries_france.compute import JoursFeries  # type: ignore[import-untyped]
from vacances_scolaires_france import SchoolHolidayDates  # type: ignore[import-untyped]

from nexus.clock import PARIS

MAX_OCCURRENCES = 52
WEEK = timedelta(days=7)


class Zone(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class ClosureKind(StrEnum):
    PUBLIC_HOLIDAY = "public_holiday"
    SCHOOL_HOLIDAY = "school_holiday"


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC


@dataclass(frozen=True)
class Skipped:
    day: date
    kind: ClosureKind
    reason: str  # French, from the data: "Armistice", "Vacances de la Toussaint"


class BeyondCalendar(Exception):
    """The series reaches past the last day the school holiday data knows."""

    def __init__(self, last_known: date) -> None:
        super().__init__(last_known.isoformat())
        self.last_known = last_known


class TooManyOccurrences(Exception):
    """An ``until`` that would give more than :data:`MAX_OCCURRENCES` sessions."""


@cache
def _school_holidays() -> SchoolHolidayDates:
    return SchoolHolidayDates()  # reads its CSV once per process


def school_data_last_day() -> date:
    last: date = max(_school_holidays().data)
    return last


@cache
def _public_holidays(year: int) -> dict[date, str]:
    return {day: name for name, day in JoursFeries.for_year(year).items()}


def closure(day: date, zone: Zone | None) -> Skipped | None:
    """Why no lesson is held on ``day`` (a public holiday first), or ``None``."""
    name = _public_holidays(day.year).get(day)
    if name is not None:
        return Skipped(day, ClosureKind.PUBLIC_HOLIDAY, name)
    if zone is None:
        return None
    if day > school_data_last_day():
        raise BeyondCalendar(school_data_last_day())
    entry = _school_holidays().data.get(day)
    if entry is not None and entry[f"vacances_zone_{zone.value.lower()}"]:
        return Skipped(day, ClosureKind.SCHOOL_HOLIDAY, str(entry["nom_vacances"]))
    return None


def weekly(
    first_start: datetime,
    first_end: datetime,
    *,
    until: date | None = None,
    count: int | None = None,
    zone: Zone | None = None,
) -> tuple[list[Occurrence], list[Skipped]]:
    """The weekly occurrences from ``first_start`` (aware) and the closed days skipped.

    Exactly one of ``until`` (last Paris day, inclusive) and ``count`` (real sessions: skipped
    weeks do not count) is given."""
    if (until is None) == (count is None):
        raise ValueError("give until or count")
    local_start = first_start.astimezone(PARIS)
    local_end = first_end.astimezone(PARIS)
    start_time, length = local_start.timetz().replace(tzinfo=None), local_end - local_start
    occurrences: list[Occurrence] = []
    skipped: list[Skipped] = []
    day = local_start.date()
    while True:
        if until is not None and day > until:
            break
        if count is not None and len(occurrences) == count:
            break
        closed = closure(day, zone)
        if closed is not None:
            skipped.append(closed)
        else:
            if len(occurrences) == MAX_OCCURRENCES:
                raise TooManyOccurrences
            wall = datetime.combine(day, start_time, tzinfo=PARIS)
            occurrences.append(Occurrence(wall.astimezone(UTC), (wall + length).astimezone(UTC)))
        day += WEEK
    return occurrences, skipped
