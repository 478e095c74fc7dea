"""French wording and Paris time."""

from __future__ import annotations

from datetime import UTC, date, datetime

from nexus.language import formats
from nexus.scheduling.texts import (
    date_fr,
    hours_fr,
    paris_day_bounds,
    place_fr,
    subject_label,
    when_fr,
)


def test_when_is_written_the_french_way_in_paris_time() -> None:
    # 3 December 2024 was a Tuesday; 16:00 UTC is 17:00 in Paris (winter, UTC+1).
    assert when_fr(datetime(2024, 12, 3, 16, 0, tzinfo=UTC)) == "mardi 3 décembre à 17 h 00"
    # Summer time (UTC+2), and "1er" for the first of the month.
    assert when_fr(datetime(2025, 7, 1, 7, 5, tzinfo=UTC)) == "mardi 1er juillet à 9 h 05"
    # Late evening in UTC is already the next day in Paris.
    assert date_fr(datetime(2025, 2, 28, 23, 30, tzinfo=UTC)) == "samedi 1er mars"


def test_paris_days_follow_daylight_saving_time() -> None:
    winter = paris_day_bounds(date(2025, 1, 15))
    assert winter == (
        datetime(2025, 1, 14, 23, 0, tzinfo=UTC),
        datetime(2025, 1, 15, 23, 0, tzinfo=UTC),
    )
    # 30 March 2025 lasted 23 hours in Paris (clocks went forward).
    start, end = paris_day_bounds(date(2025, 3, 30))
    assert (end - start).total_seconds() == 23 * 3600


def test_hours_places_and_subjects() -> None:
    assert hours_fr(60) == "1 h"
    assert hours_fr(90) == "1,5 h"
    assert hours_fr(100) == "1,67 h"
    assert place_fr("https://visio.example/x", "B12") == "en ligne"
    assert place_fr(None, "B12") == "salle B12"
    assert place_fr(None, "Salle B12") == "salle B12"  # not "salle Salle B12"
    assert place_fr(None, "  ") == "lieu à préciser"
    assert place_fr(None, None) == "lieu à préciser"
    # One label everywhere (nexus.assessments.labels): French capitalises the first word only.
    assert subject_label("physique_chimie") == "Physique-chimie"
    assert subject_label("latin") == "latin"


def test_de_elides_before_a_vowel_or_a_mute_h() -> None:
    assert formats.of("Lucas") == "de Lucas"
    assert formats.of("Emma") == "d'Emma"
    assert formats.of("Inès") == "d'Inès"
    assert formats.of("Élodie") == "d'Élodie"
    assert formats.of("Hugo") == "d'Hugo"
