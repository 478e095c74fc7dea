"""French full-text search over the content bank, identical on PostgreSQL and SQLite.

Each item stores the forms (see :mod:`nexus.content.analysis`) of all its text in
``search_terms`` and those of its title and chapter in ``title_terms`` / ``chapter_terms``
(space-separated, padded with spaces), kept current by :func:`refresh_index` on every write.

A query matches the items holding a form of any of its words. One SQL statement (plain
``LIKE`` and ``CASE``, nothing backend-specific) returns, for every matching item, which query
word it holds in its title, its chapter and anywhere; Python then scores and sorts them with
integer arithmetic, so both databases give the same hits in the same order:

    score = Σ over query words  idf(word) × (3 if in title + 2 if in chapter + 1 if anywhere)

``idf`` is an integer inverse document frequency, computed from those same rows (an item
holding a word is always a match), so rare words weigh more than "fonction". Ties go to
lessons, then revision sheets, then easier, then older items.

Scores grow with the query's length and the bank's size, so each hit also says where it
stands on a 0–1 scale: its ``relevance`` (the score over the best attainable, Σ idf × 6) and
its ``coverage`` (the share of the query's idf mass it holds, words found nowhere included).
ARIA's retrieval (:mod:`nexus.aria.retrieval`) sets its cut-offs on those.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from nexus.content.analysis import STOP_WORDS, index_columns, query_groups, stems, word_forms
from nexus.content.models import ContentItem
from nexus.content.vocabulary import ContentKind, Level, Subject

__all__ = [
    "STOP_WORDS",
    "Ranked",
    "SearchHit",
    "index_columns",
    "matches",
    "query_groups",
    "rank",
    "refresh_index",
    "search_content",
    "stems",
    "word_forms",
]

TITLE_WEIGHT = 3
CHAPTER_WEIGHT = 2
ANYWHERE_WEIGHT = 1
KIND_RANK = {ContentKind.LESSON: 0, ContentKind.REVISION_SHEET: 1, ContentKind.EXERCISE: 2}
_FIELDS = (ContentItem.title_terms, ContentItem.chapter_terms, ContentItem.search_terms)
_FACTORS = (TITLE_WEIGHT, CHAPTER_WEIGHT, ANYWHERE_WEIGHT)
MAX_FACTOR = sum(_FACTORS)


def refresh_index(item: ContentItem) -> None:
    """Recompute the item's search columns; call it after any change to its text."""
    columns = index_columns(item.title, item.chapter, item.summary or "", item.body)
    item.search_terms = columns["search_terms"]
    item.title_terms = columns["title_terms"]
    item.chapter_terms = columns["chapter_terms"]


def _holds(column: InstrumentedAttribute[str], forms: frozenset[str]) -> ColumnElement[bool]:
    # Forms are [0-9a-z] only, so they never contain a LIKE wildcard.
    return or_(*(column.contains(f" {form} ") for form in sorted(forms)))


def matches(groups: Sequence[frozenset[str]]) -> ColumnElement[bool]:
    """Items holding a form of any of the query words."""
    return or_(*(_holds(ContentItem.search_terms, g) for g in groups))


def idf_weight(total: int, frequency: int) -> int:
    """Integer inverse document frequency (integer scores are exact on every backend)."""
    return max(1, round(10 * math.log((total + 1) / (frequency + 0.5))))


@dataclass(frozen=True)
class Ranked:
    """A matching item: its score, and how much of the query's weight it holds at all."""

    item_id: int
    score: int
    # Σ idf of the query words the item holds anywhere, and Σ idf of all the query's words
    # (found in the bank or not): their ratio is the share of the query the item speaks of.
    covered: int = 0
    query_weight: int = 0

    @property
    def relevance(self) -> float:
        """The score on a 0–1 scale: its share of the best attainable, Σ idf × (3 + 2 + 1)."""
        return self.score / (self.query_weight * MAX_FACTOR) if self.query_weight else 0.0

    @property
    def coverage(self) -> float:
        """The share of the query's idf mass this item holds (in any field)."""
        return self.covered / self.query_weight if self.query_weight else 0.0

    @property
    def body_only(self) -> bool:
        """No query word in the title or chapter (each would add to the score beyond ×1)."""
        return self.score == self.covered


def rank(
    session: Session,
    groups: Sequence[frozenset[str]],
    filters: Sequence[ColumnElement[bool]] = (),
) -> list[Ranked]:
    """Every item matching a query word and passing ``filters``, best first.

    Document frequencies are counted over all matches, filtered or not, so an item's score
    does not depend on the filters of the request.
    """
    if not groups:
        return []
    total = select(func.count()).select_from(ContentItem).scalar_subquery()
    passes = case((and_(*filters), 1), else_=0) if filters else literal(1)
    flags = [case((_holds(f, g), 1), else_=0) for g in groups for f in _FIELDS]
    stmt = select(ContentItem.id, ContentItem.kind, ContentItem.difficulty, total, passes, *flags)
    rows = session.execute(stmt.where(matches(groups))).all()
    if not rows:
        return []
    width = len(_FIELDS)
    held = [[row[5 + i * width : 5 + (i + 1) * width] for i in range(len(groups))] for row in rows]
    weights = [
        idf_weight(int(rows[0][3]), sum(int(item[i][-1]) for item in held))
        for i in range(len(groups))
    ]
    query_weight = sum(weights)
    ranked: list[tuple[int, int, int, int, int]] = []
    for row, item in zip(rows, held, strict=True):
        if not row[4]:
            continue
        score = sum(
            weight * sum(factor * int(flag) for factor, flag in zip(_FACTORS, fields, strict=True))
            for weight, fields in zip(weights, item, strict=True)
        )
        covered = sum(w for w, fields in zip(weights, item, strict=True) if int(fields[-1]))
        ranked.append((-score, KIND_RANK[row[1]], row[2], row[0], covered))
    ranked.sort()
    return [
        Ranked(item_id, -score, covered, query_weight) for score, _, _, item_id, covered in ranked
    ]


def load(session: Session, ids: Sequence[int]) -> dict[int, ContentItem]:
    if not ids:
        return {}
    return {i.id: i for i in session.scalars(select(ContentItem).where(ContentItem.id.in_(ids)))}


@dataclass(frozen=True)
class SearchHit:
    """A found item; ``relevance``, ``coverage`` and ``body_only`` are its :class:`Ranked`'s
    (the defaults, a full match, describe a hit built by hand for an item chosen otherwise)."""

    item: ContentItem
    score: float
    relevance: float = 1.0
    coverage: float = 1.0
    body_only: bool = False


def search_content(
    session: Session,
    query: str,
    *,
    subject: Subject | None = None,
    level: Level | None = None,
    kinds: Iterable[ContentKind] | None = None,
    limit: int = 5,
) -> list[SearchHit]:
    """The ``limit`` best items for ``query``, best first (no meaningful word: none)."""
    filters: list[ColumnElement[bool]] = []
    if subject is not None:
        filters.append(ContentItem.subject == subject)
    if level is not None:
        filters.append(ContentItem.level == level)
    kind_list = list(kinds or ())
    if kind_list:
        filters.append(ContentItem.kind.in_(kind_list))
    best = rank(session, query_groups(query), filters)[:limit]
    items = load(session, [r.item_id for r in best])
    return [
        SearchHit(items[r.item_id], float(r.score), r.relevance, r.coverage, r.body_only)
        for r in best
    ]
