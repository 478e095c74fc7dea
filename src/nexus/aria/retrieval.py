"""What ARIA knows about the asker, and the bank items that ground each answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.content.models import ContentItem
from nexus.content.search import SearchHit, search_content, stems
from nexus.content.vocabulary import Level, Subject
from nexus.people.models import StudentProfile

LEVEL_BOOST = 1.5
SPECIALTY_BOOST = 1.0
# Items scoring under this share of the best match are noise (a shared word in the body).
RELEVANCE_FLOOR = 0.4
# One shared word in the body ("capitale" ~ "capital") is a coincidence, not a source: a hit
# needs a title/chapter match or two body matches.
MIN_SCORE = 2.0
CANDIDATES_PER_RESULT = 5
# Sentence ends (. ! ? or a new line), but not the "1." of a numbered question.
_SENTENCE = re.compile(r"(?<=[.!?])(?<!\b\d\.)\s+|\n+")


@dataclass(frozen=True)
class Learner:
    """Who asks: role, and for a student the level, specialties and exam date."""

    user_id: int
    role: Role
    level: Level | None = None
    specialties: tuple[Subject, ...] = ()
    exam_date: date | None = None


def known_subjects(values: list[str]) -> tuple[Subject, ...]:
    """The valid subjects of a free-form list (profiles store plain strings)."""
    known = {s.value for s in Subject}
    return tuple(Subject(v) for v in values if v in known)


def load_learner(session: Session, principal: Principal) -> Learner:
    profile = session.get(StudentProfile, principal.user_id)
    if profile is None:
        return Learner(principal.user_id, Role(principal.role))
    specialties = known_subjects(profile.specialties)
    return Learner(
        principal.user_id, Role(principal.role), profile.level, specialties, profile.exam_date
    )


def retrieve(session: Session, question: str, learner: Learner, limit: int) -> list[SearchHit]:
    """The ``limit`` most relevant bank items, nudged towards the learner's level/specialties."""
    hits = search_content(session, question, limit=limit * CANDIDATES_PER_RESULT)
    if not hits:
        return []
    floor = max(MIN_SCORE, hits[0].score * RELEVANCE_FLOOR)
    boosted = [
        SearchHit(hit.item, hit.score + _boost(hit.item, learner))
        for hit in hits
        if hit.score >= floor
    ]
    boosted.sort(key=lambda h: (-h.score, h.item.difficulty, h.item.id))
    return boosted[:limit]


def _boost(item: ContentItem, learner: Learner) -> float:
    boost = 0.0
    if learner.level is not None and item.level == learner.level:
        boost += LEVEL_BOOST
    if item.subject in learner.specialties:
        boost += SPECIALTY_BOOST
    return boost


def citation(item: ContentItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "kind": item.kind.value,
        "subject": item.subject.value,
        "level": item.level.value,
        "chapter": item.chapter,
    }


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def excerpt(text: str, query: str, max_chars: int = 280) -> str:
    """The sentences of ``text`` sharing most words with ``query``, in their original order."""
    wanted = set(stems(query))
    parts = sentences(text)
    ranked = sorted(
        range(len(parts)), key=lambda i: (-len(wanted.intersection(stems(parts[i]))), i)
    )
    chosen: list[int] = []
    length = 0
    for index in ranked:
        if length + len(parts[index]) > max_chars and chosen:
            break
        chosen.append(index)
        length += len(parts[index]) + 1
    text = " ".join(parts[i] for i in sorted(chosen))
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"
