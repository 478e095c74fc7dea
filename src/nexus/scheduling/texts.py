"""Paris time and the French wording users read (notifications, messages)."""

from __future__ import annotations

from datetime import datetime

from nexus.assessments.labels import subject_label
from nexus.clock import paris_day_bounds, to_paris

__all__ = ["paris_day_bounds", "subject_label", "to_paris"]  # used with the wording below
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def clock_fr(moment: datetime) -> str:
    """``17 h 00`` in Paris time."""
    local = to_paris(moment)
    return f"{local.hour} h {local.minute:02d}"


def date_fr(moment: datetime) -> str:
    """``mardi 3 décembre`` (``1er`` for the first of the month) in Paris time."""
    local = to_paris(moment)
    day = "1er" if local.day == 1 else str(local.day)
    return f"{WEEKDAYS[local.weekday()]} {day} {MONTHS[local.month - 1]}"


def when_fr(moment: datetime) -> str:
    """``mardi 3 décembre à 17 h 00`` in Paris time."""
    return f"{date_fr(moment)} à {clock_fr(moment)}"


def hours_fr(minutes: int) -> str:
    """``1 h``, ``1,5 h``: French decimal comma."""
    hours = round(minutes / 60, 2)
    text = f"{hours:g}".replace(".", ",")
    return f"{text} h"


def place_fr(online_url: str | None, room: str | None) -> str:
    """``en ligne``, ``salle B12`` (a room already called "Salle B12" is not a "salle Salle")."""
    if online_url:
        return "en ligne"
    if not room or not room.strip():
        return "lieu à préciser"
    room = room.strip()
    return room[0].lower() + room[1:] if room.casefold().startswith("salle ") else f"salle {room}"
