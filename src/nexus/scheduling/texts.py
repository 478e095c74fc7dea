"""Paris time and the French wording users read (notifications, messages)."""

from __future__ import annotations

from datetime import datetime

from nexus.clock import paris_day_bounds, to_paris
from nexus.content.labels import subject_label
from nexus.language import formats

__all__ = ["paris_day_bounds", "subject_label", "to_paris"]  # used with the wording below


def clock_fr(moment: datetime) -> str:
    """``17 h 00`` in Paris time."""
    return formats.clock(moment, "fr")


def date_fr(moment: datetime) -> str:
    """``mardi 3 décembre`` (``1er`` for the first of the month) in Paris time."""
    return formats.day(moment, "fr")


def when_fr(moment: datetime) -> str:
    """``mardi 3 décembre à 17 h 00`` in Paris time."""
    return formats.when(moment, "fr")


def hours_fr(minutes: int) -> str:
    """``1 h``, ``1,5 h``: French decimal comma."""
    return formats.hours(minutes, "fr")


def place_fr(online_url: str | None, room: str | None, place: str | None = None) -> str:
    """``en ligne``, ``salle B12`` (a room already called "Salle B12" is not a "salle Salle"),
    ``à domicile``."""
    if place == "at_home":
        return "à domicile"
    if online_url:
        return "en ligne"
    if not room or not room.strip():
        return "lieu à préciser"
    room = room.strip()
    return room[0].lower() + room[1:] if room.casefold().startswith("salle ") else f"salle {room}"
