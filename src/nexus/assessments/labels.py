"""French wording shared by notifications, dashboards and the PDF report."""

from __future__ import annotations

from datetime import date

from nexus.content.vocabulary import Level, Subject

SUBJECT_LABELS: dict[str, str] = {
    Subject.NSI: "NSI",
    Subject.MATHEMATIQUES: "Mathématiques",
    Subject.PHYSIQUE_CHIMIE: "Physique-chimie",
    Subject.SVT: "SVT",
    Subject.FRANCAIS: "Français",
    Subject.PHILOSOPHIE: "Philosophie",
}

LEVEL_LABELS: dict[str, str] = {
    Level.SECONDE: "Seconde",
    Level.PREMIERE: "Première",
    Level.TERMINALE: "Terminale",
}


# Words before which "de" becomes "d'" (vowels, and the mute h of first names like Hugo).
_ELIDING = tuple("aeiouyàâäéèêëîïôöùûüœh")


def of(word: str) -> str:
    """``de Lucas``, ``d'Emma``, ``d'Inès``: "de" with the elision French requires."""
    return f"d'{word}" if word[:1].casefold() in _ELIDING else f"de {word}"


def subject_label(subject: str) -> str:
    return SUBJECT_LABELS.get(subject, subject)


def level_label(level: str | None) -> str:
    return LEVEL_LABELS.get(level, level) if level else "—"


def fr_number(value: float, digits: int = 1) -> str:
    """``12.5`` → ``"12,5"``, ``14.0`` → ``"14"`` (French decimal comma)."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def fr_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")
