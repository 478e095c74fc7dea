"""The free slot a directory query asks for: weekday names, dates, Paris time, DST."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nexus.errors import Unprocessable
from nexus.people.slots import parse_slot

# Friday 4 December 2026, 18:00 in Paris (UTC+1).
NOW = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)


def test_a_weekday_name_is_its_next_occurrence() -> None:
    slot = parse_slot("Mardi", "17:30", 90, NOW)
    assert slot is not None
    assert (slot.weekday, slot.start, slot.end) == (1, "17:30", "19:00")
    assert slot.starts_at == datetime(2026, 12, 8, 16, 30, tzinfo=UTC)
    # Today's name: today while the time is ahead, else a week later.
    today = parse_slot("vendredi", "19:00", None, NOW)
    past = parse_slot("friday", "17:00", None, NOW)
    assert today is not None and past is not None
    assert today.starts_at == datetime(2026, 12, 4, 18, 0, tzinfo=UTC)
    assert past.starts_at == datetime(2026, 12, 11, 16, 0, tzinfo=UTC)


def test_an_iso_date_in_summer_time() -> None:
    slot = parse_slot("2027-06-15", "10:00", 45, NOW)
    assert slot is not None
    assert slot.weekday == 1 and slot.end == "10:45"
    assert slot.starts_at == datetime(2027, 6, 15, 8, 0, tzinfo=UTC)
    assert slot.within([{"weekday": 1, "start": "09:00", "end": "10:45"}])
    assert not slot.within([{"weekday": 1, "start": "10:15", "end": "12:00"}])
    assert not slot.within([{"weekday": 2, "start": "09:00", "end": "12:00"}])


def test_no_slot_and_bad_slots() -> None:
    assert parse_slot(None, None, None, NOW) is None
    for day, clock, duration, field in (
        (None, None, 30, "duration"),
        ("mardi", None, None, "time"),
        (None, "10:00", None, "day"),
        ("2026-12-03", "10:00", None, "day"),
        ("bientôt", "10:00", None, "day"),
        ("mardi", "23:30", 60, "duration"),
    ):
        with pytest.raises(Unprocessable) as caught:
            parse_slot(day, clock, duration, NOW)
        assert caught.value.fields[0].field == field
