"""French full-text search that behaves the same on PostgreSQL and SQLite.

Words are lower-cased, stemmed with the Snowball French stemmer and stripped of accents, so
"dérivées", "dérivée" and "dériver" all become "deriv". Each item keeps its stems in
``search_terms``; a query matches items holding any of its stems and ranks them by weighted
matches (title and chapter count more than the body). The same code runs on both databases,
so results do not depend on the backend.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from nexus.content.models import ContentItem
from nexus.content.vocabulary import ContentKind, Level, Subject

_WORD = re.compile(r"[0-9a-zA-ZÀ-ÖØ-öø-ÿœŒæÆ]+")
STOP_WORDS = frozenset(
    "a au aux avec ce ces comment dans de des du elle en est et il je la le les leur lui ma mais "
    "me mes mon ne nos notre nous on ou par pas pour qu que qui quoi sa se ses son sur ta te tes "
    "toi ton tu un une vos votre vous y l d j m n s t c qu est-ce quel quelle quels quelles "
    "explique expliquer peux peut pourquoi".split()
)
TITLE_WEIGHT = 3.0
CHAPTER_WEIGHT = 2.0


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return snowballstemmer.stemmer("french")


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stems(text: str) -> list[str]:
    """The accent-free stems of the meaningful words of ``text``, in order."""
    words = [w.lower() for w in _WORD.findall(text.replace("’", "'"))]
    kept = [w for w in words if w not in STOP_WORDS and len(w) > 1]
    return [_strip_accents(s) for s in _stemmer().stemWords(kept)]


def index_terms(item: ContentItem) -> str:
    """What ``search_terms`` holds: stems of the weighted fields, de-duplicated, sorted."""
    text = " ".join([item.title, item.chapter, item.summary or "", item.body])
    return " " + " ".join(sorted(set(stems(text)))) + " "


def refresh_index(item: ContentItem) -> None:
    item.search_terms = index_terms(item)


@dataclass(frozen=True)
class SearchHit:
    item: ContentItem
    score: float


def _score(item: ContentItem, query_stems: Iterable[str]) -> float:
    title = set(stems(item.title))
    chapter = set(stems(item.chapter))
    body = set(item.search_terms.split())
    score = 0.0
    for stem in query_stems:
        if stem in title:
            score += TITLE_WEIGHT
        if stem in chapter:
            score += CHAPTER_WEIGHT
        if stem in body:
            score += 1.0
    return score


def matching_query(
    query: str,
    *,
    subject: Subject | None = None,
    level: Level | None = None,
    kinds: Iterable[ContentKind] | None = None,
) -> tuple[Select[ContentItem], list[str]]:
    """The SELECT of candidate items for ``query`` (any stem matches) and the query's stems."""
    query_stems = sorted(set(stems(query)))
    stmt = select(ContentItem)
    if query_stems:
        stmt = stmt.where(or_(*(ContentItem.search_terms.contains(f" {s} ") for s in query_stems)))
    if subject is not None:
        stmt = stmt.where(ContentItem.subject == subject)
    if level is not None:
        stmt = stmt.where(ContentItem.level == level)
    if kinds:
        stmt = stmt.where(ContentItem.kind.in_(list(kinds)))
    return stmt, query_stems


def search_content(
    session: Session,
    query: str,
    *,
    subject: Subject | None = None,
    level: Level | None = None,
    kinds: Iterable[ContentKind] | None = None,
    limit: int = 5,
) -> list[SearchHit]:
    """The ``limit`` best items for ``query``, best first (ties: easier, then older first)."""
    stmt, query_stems = matching_query(query, subject=subject, level=level, kinds=kinds)
    if not query_stems:
        return []
    hits = [SearchHit(item, _score(item, query_stems)) for item in session.scalars(stmt)]
    hits.sort(key=lambda h: (-h.score, h.item.difficulty, h.item.id))
    return hits[:limit]
