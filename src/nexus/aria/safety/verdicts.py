"""What the screen says about a message: its category and how serious it is."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    SELF_HARM = "self_harm"  # self-harm and distress
    VIOLENCE = "violence"
    SEXUAL = "sexual"
    HARASSMENT = "harassment"
    PERSONAL_DATA = "personal_data"


class Severity(StrEnum):
    LOW = "low"  # recorded; the student is reminded, no adult is notified
    MEDIUM = "medium"  # parents and teachers are notified
    HIGH = "high"  # parents, teachers and administrators are notified

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Screener(StrEnum):
    OPENAI = "openai"  # the moderation endpoint answered (the lexicon is read as well)
    LEXICON = "lexicon"  # offline, or the endpoint failed


# The categories whose disclosure naming the family keeps the parents out of the loop.
ABUSE = (Category.VIOLENCE, Category.SEXUAL)

# When two categories are as serious, the first of this order decides the answer.
PRIORITY = tuple(Category)


@dataclass(frozen=True)
class Finding:
    category: Category
    severity: Severity


@dataclass(frozen=True)
class Verdict:
    """The findings of one screen (empty: nothing to report) and who screened."""

    findings: tuple[Finding, ...]
    screener: Screener
    # Violence or sexual abuse disclosed with the family or home named: see ``lexicon.FAMILY``.
    family_involved: bool = False

    @property
    def flagged(self) -> bool:
        return bool(self.findings)

    @property
    def worst(self) -> Finding:
        """The finding that decides the answer: the most serious, then by ``PRIORITY``."""
        return min(self.findings, key=lambda f: (-f.severity.rank, PRIORITY.index(f.category)))

    @property
    def categories(self) -> list[str]:
        return sorted({f.category.value for f in self.findings}, key=lambda c: c)
