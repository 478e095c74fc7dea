"""Subjects, levels and kinds shared by the content bank, tutoring and ARIA."""

from enum import StrEnum


class Subject(StrEnum):
    NSI = "nsi"
    MATHEMATIQUES = "mathematiques"
    PHYSIQUE_CHIMIE = "physique_chimie"
    SVT = "svt"
    FRANCAIS = "francais"
    PHILOSOPHIE = "philosophie"


class Level(StrEnum):
    SECONDE = "seconde"
    PREMIERE = "premiere"
    TERMINALE = "terminale"


class ContentKind(StrEnum):
    LESSON = "lesson"
    EXERCISE = "exercise"
    REVISION_SHEET = "revision_sheet"
