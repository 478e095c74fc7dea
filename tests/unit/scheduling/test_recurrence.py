"""The weekly recurrence around public holidays and school holidays (pure calendar logic)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from nexus.clock import PARIS
from nexus.scheduling.recurrence import (
    MAX_OCCURRENCES,
    BeyondCalendar,
    ClosureKind,
    TooManyOccurrences,
    Zone,
    closure,
    school_data_last_day,
    weekly,
)


def _paris(day: date, hour: int = 17) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=PARIS)


def _days(occurrences: list) -> list[date]:
    return [o.starts_at.astimezone(PARIS).date() for o in occurrences]


def test_a_weekly_series_across_the_toussaint_holidays_of_zone_c_skips_them() -> None:
    # Zone C, 2026: the data holds 17 Oct – 1 Nov (classes resume on Monday 2 Nov).
    start = _paris(date(2026, 10, 5))
    occurrences, skipped = weekly(
        start, start + timedelta(hours=1), until=date(2026, 11, 16), zone=Zone.C
    )
    assert _days(occurrences) == [
        date(2026, 10, 5),
        date(2026, 10, 12),
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
    ]
    assert [(s.day, s.kind, s.reason) for s in skipped] == [
        (date(2026, 10, 19), ClosureKind.SCHOOL_HOLIDAY, "Vacances de la Toussaint"),
        (date(2026, 10, 26), ClosureKind.SCHOOL_HOLIDAY, "Vacances de la Toussaint"),
    ]


def test_without_a_zone_school_holidays_are_kept() -> None:
    start = _paris(date(2026, 10, 19))
    occurrences, skipped = weekly(start, start + timedelta(hours=1), count=2)
    assert _days(occurrences) == [date(2026, 10, 19), date(2026, 10, 26)]
    assert not skipped


def test_a_public_holiday_is_skipped_in_every_zone_and_without_one() -> None:
    start = _paris(date(2026, 11, 4))  # a Wednesday; 11 Nov is the Armistice
    for zone in (None, Zone.A, Zone.B, Zone.C):
        occurrences, skipped = weekly(start, start + timedelta(hours=1), count=3, zone=zone)
        assert _days(occurrences) == [date(2026, 11, 4), date(2026, 11, 18), date(2026, 11, 25)]
        assert [(s.day, s.kind, s.reason) for s in skipped] == [
            (date(2026, 11, 11), ClosureKind.PUBLIC_HOLIDAY, "Armistice")
        ]


def test_the_weekly_step_keeps_paris_wall_time_across_dst() -> None:
    start = _paris(date(2027, 10, 20))  # CEST; DST ends on 31 Oct 2027
    occurrences, _ = weekly(start, start + timedelta(minutes=90), count=3)
    local = [(o.starts_at.astimezone(PARIS), o.ends_at.astimezone(PARIS)) for o in occurrences]
    assert [(s.hour, s.minute, e.hour, e.minute) for s, e in local] == [(17, 0, 18, 30)] * 3
    assert [o.starts_at.astimezone(UTC).hour for o in occurrences] == [15, 15, 16]


def test_count_counts_real_sessions_until_is_inclusive() -> None:
    start = _paris(date(2026, 10, 12))
    by_count, skipped = weekly(start, start + timedelta(hours=1), count=3, zone=Zone.C)
    assert _days(by_count) == [date(2026, 10, 12), date(2026, 11, 2), date(2026, 11, 9)]
    assert len(skipped) == 2
    by_until, _ = weekly(start, start + timedelta(hours=1), until=date(2026, 11, 9), zone=Zone.C)
    assert by_until == by_count


def test_a_zone_past_the_known_data_is_refused() -> None:
    last = school_data_last_day()
    start = _paris(last - timedelta(days=14))
    with pytest.raises(BeyondCalendar) as caught:
        weekly(start, start + timedelta(hours=1), count=5, zone=Zone.A)
    assert caught.value.last_known == last
    with pytest.raises(BeyondCalendar):
        closure(last + timedelta(days=1), Zone.B)
    # Public holidays are computed, not listed: no zone, no limit.
    occurrences, _ = weekly(start, start + timedelta(hours=1), count=5)
    assert len(occurrences) == 5


def test_until_may_not_give_more_than_the_maximum() -> None:
    start = _paris(date(2026, 1, 5))
    with pytest.raises(TooManyOccurrences):
        weekly(start, start + timedelta(hours=1), until=date(2027, 12, 31))
    occurrences, _ = weekly(start, start + timedelta(hours=1), count=MAX_OCCURRENCES)
    assert len(occurrences) == MAX_OCCURRENCES


def test_until_and_count_are_exclusive() -> None:
    start = _paris(date(2026, 1, 5))
    with pytest.raises(ValueError):
        weekly(start, start, until=date(2026, 2, 1), count=2)
    with pytest.raises(ValueError):
        weekly(start, start)
