"""Screening a student's message: OpenAI's moderation endpoint when ARIA is online, and the
French lexicon always (it reads students' spelling, and covers personal data, which the
endpoint does not); the lexicon alone offline or when the endpoint fails."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache
from typing import Any

import openai

from nexus.aria.redaction import redact
from nexus.aria.runtime import AriaRuntime
from nexus.aria.safety.lexicon import CONTRACTIONS, FAMILY, PATTERNS
from nexus.aria.safety.verdicts import ABUSE, Category, Finding, Screener, Severity, Verdict

logger = logging.getLogger("nexus.aria.safety")
MODERATION_MODEL = "omni-moderation-latest"

# OpenAI's categories (by their wire names) → ours; the others (hate, illicit) are not ours.
OPENAI_CATEGORIES: dict[str, Finding] = {
    "self-harm/intent": Finding(Category.SELF_HARM, Severity.HIGH),
    "self-harm/instructions": Finding(Category.SELF_HARM, Severity.HIGH),
    "self-harm": Finding(Category.SELF_HARM, Severity.MEDIUM),
    "sexual/minors": Finding(Category.SEXUAL, Severity.HIGH),
    "sexual": Finding(Category.SEXUAL, Severity.MEDIUM),
    "violence": Finding(Category.VIOLENCE, Severity.MEDIUM),
    "violence/graphic": Finding(Category.VIOLENCE, Severity.MEDIUM),
    "harassment/threatening": Finding(Category.VIOLENCE, Severity.HIGH),
    "harassment": Finding(Category.HARASSMENT, Severity.MEDIUM),
}

_REPEATS = re.compile(r"([a-z])\1+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def squeeze(text: str) -> str:
    """Every run of a repeated letter as one letter (``mourrrir`` and ``personne`` too)."""
    return _REPEATS.sub(r"\1", text)


def normalise(text: str) -> str:
    """Lower case, unaccented, words separated by single spaces, SMS spellings spelled out,
    repeated letters squeezed: the form the lexicon's patterns are matched against."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("œ", "oe"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = _NOT_WORD.sub(" ", plain).split()
    spelled = " ".join(CONTRACTIONS.get(w, w) for w in words)
    return " ".join(CONTRACTIONS.get(w, w) for w in squeeze(spelled).split())


@cache
def _compiled() -> tuple[tuple[Finding, re.Pattern[str]], ...]:
    return tuple(
        (Finding(category, severity), re.compile(squeeze(pattern)))
        for category, severity, pattern in PATTERNS
    )


def lexicon_findings(text: str) -> tuple[Finding, ...]:
    normalised = normalise(text)
    found = [finding for finding, pattern in _compiled() if pattern.search(normalised)]
    if redact(text) != text:
        found.append(Finding(Category.PERSONAL_DATA, Severity.LOW))
    return tuple(dict.fromkeys(found))


def family_involved(text: str, findings: tuple[Finding, ...]) -> bool:
    """Whether the message discloses violence or sexual abuse naming the family or home."""
    abuse = any(f.category in ABUSE and f.severity is Severity.HIGH for f in findings)
    return abuse and _family().search(normalise(text)) is not None


@cache
def _family() -> re.Pattern[str]:
    return re.compile(squeeze(FAMILY))


def moderation_findings(client: openai.OpenAI, text: str) -> tuple[Finding, ...]:
    """What the moderation endpoint flags; raises ``openai.OpenAIError`` when it fails."""
    # Personal data never leaves, for moderation either (its finding is the lexicon's).
    response = client.moderations.create(model=MODERATION_MODEL, input=redact(text))
    found: list[Finding] = []
    for result in response.results:
        if not result.flagged:
            continue
        categories: dict[str, Any] = result.categories.model_dump(by_alias=True)
        found.extend(f for name, f in OPENAI_CATEGORIES.items() if categories.get(name))
    return tuple(dict.fromkeys(found))


def screen(runtime: AriaRuntime, text: str) -> Verdict:
    """The verdict on a student's message; never raises because the endpoint failed."""
    findings, screener = _findings(runtime, text)
    return Verdict(findings, screener, family_involved(text, findings))


def _findings(runtime: AriaRuntime, text: str) -> tuple[tuple[Finding, ...], Screener]:
    lexicon = lexicon_findings(text)
    client = runtime.moderation_client()
    if client is None:
        return lexicon, Screener.LEXICON
    try:
        online = moderation_findings(client, text)
    except openai.OpenAIError as exc:
        logger.warning(
            "moderation endpoint failed, the lexicon screens alone",
            extra={"error_type": type(exc).__name__, "status": getattr(exc, "status_code", None)},
        )
        return lexicon, Screener.LEXICON
    return tuple(dict.fromkeys(online + lexicon)), Screener.OPENAI
