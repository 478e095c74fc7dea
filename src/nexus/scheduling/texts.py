"""Paris time and the French wording users read (notifications, messages)."""

from __future__ import annotations

from datetime import datetime

from nexus.clock import paris_day_bounds, to_paris

__all__ = ["paris_day_bounds", "to_paris"]  # used with the wording that follows
SUBJECT_LABELS = {
    "nsi": "NSI",
    "mathematiques": "Mathématiques",
    "physique_chimie": "Physique-Chimie",
    "svt": "SVT",
    "francais": "Français",
    "philosophie": "Philosophie",
}
LEVEL_LABELS = {"seconde": "Seconde", "premiere": "Première", "terminale": "Terminale"}
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


def subject_label(subject: str) -> str:
    return SUBJECT_LABELS.get(subject, subject)


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
    if online_url:
        return "en ligne"
    return f"salle {room}" if room else "lieu à préciser"
