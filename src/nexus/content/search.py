"""French full-text search over the content bank, identical on PostgreSQL and SQLite.

Each item stores the forms (see :mod:`nexus.content.analysis`) of all its text in
``search_terms`` and those of its title and chapter in ``title_terms`` / ``chapter_terms``
(space-separated, padded with spaces), kept current by :func:`refresh_index` on every write.

A query matches the items holding a form of any of its words, and everything is ranked in SQL
with integer arithmetic, so both databases give the same hits in the same order:

    score = Σ over query words  idf(word) × (3 if in title + 2 if in chapter + 1 if anywhere)

``idf`` is an integer inverse document frequency, counted by a first statement over the
matching items, so rare words weigh more than "fonction"; a second one scores, sorts and
pages. Ties go to lessons, then revision sheets, then easier, then older items. Which items
hold a word is the only thing backends do their own way: PostgreSQL looks it up in a GIN index
(``search_vector``, a ``tsvector`` of the same forms), other backends scan with ``LIKE``
(:func:`_holds`); ``tests/performance/search_scale.py`` holds the p95 on 10,000 items.

Scores grow with the query's length and the bank's size, so each hit also says where it
stands on a 0–1 scale: its ``relevance`` (the score over the best attainable, Σ idf × 6) and
its ``coverage`` (the share of the query's idf mass it holds, words found nowhere included).
ARIA's retrieval (:mod:`nexus.aria.retrieval`) sets its cut-offs on those.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.orm import InstrumentedAttribute, Session

from nexus.content.analysis import STOP_WORDS, index_columns, query_groups, stems, word_forms
from nexus.content.models import ContentItem
from nexus.content.vocabulary import ContentKind, Level, Subject

__all__ = [
    "STOP_WORDS",
    "Ranked",
    "SearchHit",
    "index_columns",
    "Scoring",
    "query_groups",
    "scoring",
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
_KIND_ORDER = case(
    *((ContentItem.kind == kind, order) for kind, order in KIND_RANK.items()), else_=9
)
# PostgreSQL only (migration 0011), so not mapped: the model is the same on every backend.
_VECTOR = literal_column("content_items.search_vector", TSVECTOR)
_VECTOR_PREFIX = {"title_terms": "T", "chapter_terms": "C", "search_terms": ""}


def refresh_index(item: ContentItem) -> None:
    """Recompute the item's search columns; call it after any change to its text."""
    columns = index_columns(item.title, item.chapter, item.summary or "", item.body)
    item.search_terms = columns["search_terms"]
    item.title_terms = columns["title_terms"]
    item.chapter_terms = columns["chapter_terms"]


def _holds(
    dialect: str, field: InstrumentedAttribute[str], forms: frozenset[str]
) -> ColumnElement[bool]:
    """Whether the item holds one of ``forms`` in ``field``.

    PostgreSQL asks the GIN-indexed ``search_vector`` (migration 0011: the lexemes of
    ``search_terms``, and those of the title and chapter prefixed with ``T`` / ``C``); other
    backends scan the padded column with ``LIKE``. Both hold the same forms, so they agree.
    """
    if dialect == "postgresql":
        prefix = _VECTOR_PREFIX[field.key]
        query = " | ".join(prefix + form for form in sorted(forms))
        return _VECTOR.op("@@", is_comparison=True)(literal(query, TSQUERY))
    # Forms are [0-9a-z] only, so they never contain a LIKE wildcard (nor a tsquery operator).
    return or_(*(field.contains(f" {form} ") for form in sorted(forms)))


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


@dataclass(frozen=True)
class Scoring:
    """A query's ranking as SQL: which items, their integer score and covered idf mass.

    ``total`` is how many items match and pass the filters; ``order`` ranks them best first
    (score, then lessons before sheets before exercises, easier, older).
    """

    where: ColumnElement[bool]
    score: ColumnElement[int]
    covered: ColumnElement[int]
    query_weight: int
    total: int

    @property
    def order(self) -> tuple[Any, ...]:
        return (self.score.desc(), _KIND_ORDER, ContentItem.difficulty, ContentItem.id)


def scoring(
    session: Session,
    groups: Sequence[frozenset[str]],
    filters: Sequence[ColumnElement[bool]] = (),
) -> Scoring | None:
    """The SQL ranking of the items matching a query word and passing ``filters``; None
    without a word. One statement counts each word's document frequency, over all matches,
    filtered or not, so an item's score does not depend on the filters of the request."""
    if not groups:
        return None
    dialect = session.get_bind().dialect.name
    held = [[_holds(dialect, field, forms) for field in _FIELDS] for forms in groups]
    anywhere = or_(*(fields[-1] for fields in held))
    passes = and_(*filters) if filters else true()
    stats = (
        select(
            select(func.count()).select_from(ContentItem).scalar_subquery(),
            func.coalesce(func.sum(case((passes, 1), else_=0)), 0),
            *(func.coalesce(func.sum(case((fields[-1], 1), else_=0)), 0) for fields in held),
        )
        .select_from(ContentItem)
        .where(anywhere)
    )
    bank, total, *frequencies = session.execute(stats).one()
    weights = [idf_weight(int(bank), int(frequency)) for frequency in frequencies]
    score = sum(
        (
            weight * factor * case((flag, 1), else_=0)
            for weight, fields in zip(weights, held, strict=True)
            for factor, flag in zip(_FACTORS, fields, strict=True)
        ),
        literal(0),
    )
    covered = sum(
        (
            weight * case((fields[-1], 1), else_=0)
            for weight, fields in zip(weights, held, strict=True)
        ),
        literal(0),
    )
    return Scoring(and_(anywhere, passes), score, covered, sum(weights), int(total))


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
    found = scoring(session, query_groups(query), filters)
    if found is None or not found.total:
        return []
    stmt = select(ContentItem, found.score, found.covered).where(found.where)
    hits = []
    for item, score, covered in session.execute(stmt.order_by(*found.order).limit(limit)):
        ranked = Ranked(item.id, int(score), int(covered), found.query_weight)
        hits.append(
            SearchHit(item, float(score), ranked.relevance, ranked.coverage, ranked.body_only)
        )
    return hits
