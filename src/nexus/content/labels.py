"""The French names of the shared vocabulary (subjects, levels, kinds of content): one table.

Each name is written as it reads mid-sentence ("en mathématiques", "en NSI"); titles and
table cells take it capitalised (``subject_label``), which keeps acronyms whole.
"""

from __future__ import annotations

from nexus.content.vocabulary import ContentKind, Level, Subject

SUBJECTS: dict[str, str] = {
    Subject.NSI: "NSI",
    Subject.MATHEMATIQUES: "mathématiques",
    Subject.PHYSIQUE_CHIMIE: "physique-chimie",
    Subject.SVT: "SVT",
    Subject.FRANCAIS: "français",
    Subject.PHILOSOPHIE: "philosophie",
}
LEVELS: dict[str, str] = {
    Level.SECONDE: "Seconde",
    Level.PREMIERE: "Première",
    Level.TERMINALE: "Terminale",
}
KINDS: dict[str, str] = {
    ContentKind.LESSON: "leçon",
    ContentKind.EXERCISE: "exercice",
    ContentKind.REVISION_SHEET: "fiche de révision",
}


def subject_name(subject: str) -> str:
    """``mathématiques``, ``NSI``: a subject as it reads mid-sentence ("en mathématiques")."""
    return SUBJECTS.get(subject, subject)


def subject_label(subject: str) -> str:
    """``Mathématiques``, ``Physique-chimie``, ``NSI``: French capitalises the first word only."""
    name = SUBJECTS.get(subject)
    return name[:1].upper() + name[1:] if name else subject


def level_label(level: str | None) -> str:
    return LEVELS.get(level, level) if level else "—"
