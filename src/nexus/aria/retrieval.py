"""What ARIA knows about the asker, and the bank items that ground each answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.content.models import ContentItem
from nexus.content.search import SearchHit, search_content, stems
from nexus.content.vocabulary import Level, Subject
from nexus.people.models import StudentProfile

# Every cut-off and preference works on one 0–1 scale, an item's *match*: the share of the
# query's best attainable score it reaches (Σ idf × (3 title + 2 chapter + 1 anywhere)),
# times the share of the query's idf mass it holds at all (the idf-weighted coordination
# factor of classic Lucene scoring: an item speaking of every word of the question beats one
# repeating a single word in its title). Words found nowhere in the bank ("Australie") count
# in the query's mass: a question mostly about something else matches little.
#
# A match under this is a coincidence, not a source: on tests/evaluation/aria_retrieval.yaml
# the topical questions match an expected item at 0.068 or more (but one, which shares a
# single common word with it), the off-topic ones match anything at 0.032 at most.
MIN_MATCH = 0.04
# A hit holding the query's words only in its body needs most of the query's weight: one
# shared body word ("capital" for "la capitale de l'Australie") is not what the question is
# about.
MIN_BODY_ONLY_COVERAGE = 0.5
# Items scoring under this share of the best item's score are noise next to it (on the score,
# not the match: an exercise on linked lists that does not say "Python" still belongs with
# the lesson for "les listes chaînées en Python").
RELEVANCE_FLOOR = 0.4
# Preferences, proportional to the match: an item of the learner's level outranks another
# level's item unless that one matches 30 % better; a specialty subject, 10 % better.
LEVEL_PREFERENCE = 0.3
SPECIALTY_PREFERENCE = 0.1
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


def match(hit: SearchHit) -> float:
    """How well ``hit`` answers its query, from 0 to 1 (see ``MIN_MATCH``'s comment)."""
    return hit.relevance * hit.coverage


def retrieve(session: Session, question: str, learner: Learner, limit: int) -> list[SearchHit]:
    """The ``limit`` best-matching bank items, the learner's level and specialties preferred.

    Each hit's ``score`` is its preferred match (a 0–1 match times the preferences). A message
    of several sentences that matches nothing as a whole ("Bonjour ! J'ai un contrôle demain.
    Comment parcourir une liste chaînée ?": its chat outweighs its question) is answered from
    its best-matching sentence.
    """
    hits = _best_items(session, question, learner, limit)
    parts = sentences(question)
    if hits or len(parts) < 2:
        return hits
    by_sentence = [_best_items(session, part, learner, limit) for part in parts]
    return max(by_sentence, key=lambda found: found[0].score if found else 0.0)


def _best_items(session: Session, question: str, learner: Learner, limit: int) -> list[SearchHit]:
    candidates = search_content(session, question, limit=limit * CANDIDATES_PER_RESULT)
    sources = [
        hit
        for hit in candidates
        if match(hit) >= MIN_MATCH and not (hit.body_only and hit.coverage < MIN_BODY_ONLY_COVERAGE)
    ]
    if not sources:
        return []
    floor = max(hit.relevance for hit in sources) * RELEVANCE_FLOOR
    preferred = [
        replace(hit, score=match(hit) * _preference(hit.item, learner))
        for hit in sources
        if hit.relevance >= floor
    ]
    preferred.sort(key=lambda h: -h.score)  # stable: ties keep the search's order
    return preferred[:limit]


def _preference(item: ContentItem, learner: Learner) -> float:
    factor = 1.0
    if learner.level is not None and item.level == learner.level:
        factor += LEVEL_PREFERENCE
    if item.subject in learner.specialties:
        factor += SPECIALTY_PREFERENCE
    return factor


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
