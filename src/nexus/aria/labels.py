"""French labels of the shared vocabulary, for what ARIA writes."""

from __future__ import annotations

from datetime import date

from nexus.content.vocabulary import ContentKind, Level, Subject

LEVELS = {Level.SECONDE: "Seconde", Level.PREMIERE: "Première", Level.TERMINALE: "Terminale"}
SUBJECTS = {
    Subject.NSI: "NSI",
    Subject.MATHEMATIQUES: "mathématiques",
    Subject.PHYSIQUE_CHIMIE: "physique-chimie",
    Subject.SVT: "SVT",
    Subject.FRANCAIS: "français",
    Subject.PHILOSOPHIE: "philosophie",
}
KINDS = {
    ContentKind.LESSON: "leçon",
    ContentKind.EXERCISE: "exercice",
    ContentKind.REVISION_SHEET: "fiche de révision",
}
MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
)


def french_date(day: date) -> str:
    """``15 juin 2027`` for a date."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
