"""French full-text search over the content bank, identical on PostgreSQL and SQLite.

Each item stores the forms (see :mod:`nexus.content.analysis`) of all its text in
``search_terms`` and those of its title and chapter in ``title_terms`` / ``chapter_terms``
(space-separated, padded with spaces), set by :func:`refresh_index` on every write. From them
the inverted index ``content_terms`` (:class:`~nexus.content.models.ContentTerm`) holds a row
per (item, form), rewritten after every flush that changes an item (:func:`sync_terms`).

A query matches the items holding a form of any of its words, and everything is ranked in SQL
with integer arithmetic, so both databases give the same hits in the same order:

    score = Σ over query words  idf(word) × (3 if in title + 2 if in chapter + 1 if anywhere)

``idf`` is an integer inverse document frequency, counted by a first statement over the
index, so rare words weigh more than "fonction"; a second one scores, sorts and pages. Ties go
to lessons, then revision sheets, then easier, then older items. Both statements read only the
index of ``content_terms`` (every column they need is in it); the items themselves are read
for the page shown. ``tests/performance/search_scale.py`` holds the p95 on 10,000 items.

Scores grow with the query's length and the bank's size, so each hit also says where it
stands on a 0–1 scale: its ``relevance`` (the score over the best attainable, Σ idf × 6) and
its ``coverage`` (the share of the query's idf mass it holds, words found nowhere included).
ARIA's retrieval (:mod:`nexus.aria.retrieval`) sets its cut-offs on those.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Unpack

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    Subquery,
    case,
    delete,
    distinct,
    event,
    func,
    insert,
    inspect,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session, UOWTransaction

from nexus.content.analysis import STOP_WORDS, index_columns, query_groups, stems, word_forms
from nexus.content.models import FORM_MAX_LENGTH, ContentItem, ContentTerm
from nexus.content.vocabulary import ContentKind, Level, Subject

__all__ = [
    "STOP_WORDS",
    "Ranked",
    "SearchFilters",
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
MAX_FACTOR = TITLE_WEIGHT + CHAPTER_WEIGHT + ANYWHERE_WEIGHT
KIND_RANK = {ContentKind.LESSON: 0, ContentKind.REVISION_SHEET: 1, ContentKind.EXERCISE: 2}
# What an item's postings copy from it: a change to any of them rewrites the postings.
_INDEXED = ("search_terms", "title_terms", "chapter_terms", "subject", "level", "kind")
_INDEXED_KEYS = (*_INDEXED, "difficulty")


def refresh_index(item: ContentItem) -> None:
    """Recompute the item's search columns; call it after any change to its text."""
    columns = index_columns(item.title, item.chapter, item.summary or "", item.body)
    item.search_terms = columns["search_terms"]
    item.title_terms = columns["title_terms"]
    item.chapter_terms = columns["chapter_terms"]


def term_rows(item: ContentItem) -> list[dict[str, Any]]:
    """The ``content_terms`` rows of a flushed item."""
    in_title = set(item.title_terms.split())
    in_chapter = set(item.chapter_terms.split())
    return [
        {
            "item_id": item.id,
            "form": form,
            "in_title": int(form in in_title),
            "in_chapter": int(form in in_chapter),
            "subject": item.subject,
            "level": item.level,
            "kind": item.kind,
            "difficulty": item.difficulty,
        }
        for form in sorted(set(item.search_terms.split()))
        if len(form) <= FORM_MAX_LENGTH
    ]


def reindex(session: Session, items: Iterable[ContentItem]) -> None:
    """Rewrite the postings of ``items`` (flushed) in the session's transaction."""
    chosen = list(items)
    if not chosen:
        return
    session.execute(delete(ContentTerm).where(ContentTerm.item_id.in_([i.id for i in chosen])))
    rows = [row for item in chosen for row in term_rows(item)]
    if rows:
        session.execute(insert(ContentTerm), rows)


def _changed(item: ContentItem) -> bool:
    state = inspect(item)
    return any(state.attrs[name].history.has_changes() for name in _INDEXED_KEYS)


@event.listens_for(Session, "after_flush")
def sync_terms(session: Session, _flush: UOWTransaction) -> None:
    """Every flush that adds an item or changes what its postings copy rewrites them (rows of
    deleted items go with them: ``ON DELETE CASCADE``). Bulk inserts call :func:`reindex`."""
    items = [obj for obj in session.new if isinstance(obj, ContentItem)]
    items += [obj for obj in session.dirty if isinstance(obj, ContentItem) and _changed(obj)]
    reindex(session, items)


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
class SearchFilters:
    """What a search keeps: the columns the postings copy are filtered in the index itself,
    the chapter and the author through the items."""

    subject: Subject | None = None
    level: Level | None = None
    kinds: tuple[ContentKind, ...] = ()
    difficulty_min: int | None = None
    difficulty_max: int | None = None
    chapter: str | None = None
    author_id: int | None = None

    def on_terms(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.subject is not None:
            conditions.append(ContentTerm.subject == self.subject)
        if self.level is not None:
            conditions.append(ContentTerm.level == self.level)
        if self.kinds:
            conditions.append(ContentTerm.kind.in_(self.kinds))
        if self.difficulty_min is not None:
            conditions.append(ContentTerm.difficulty >= self.difficulty_min)
        if self.difficulty_max is not None:
            conditions.append(ContentTerm.difficulty <= self.difficulty_max)
        on_items: list[ColumnElement[bool]] = []
        if self.chapter is not None:
            on_items.append(ContentItem.chapter == self.chapter)
        if self.author_id is not None:
            on_items.append(ContentItem.author_id == self.author_id)
        if on_items:
            conditions.append(ContentTerm.item_id.in_(select(ContentItem.id).where(*on_items)))
        return conditions


def _kind_order(kind: Any) -> ColumnElement[int]:
    return case(*((kind == k, order) for k, order in KIND_RANK.items()), else_=9)


@dataclass(frozen=True)
class Scoring:
    """A query's ranking as SQL: ``ranked`` has a row per matching item that passes the
    filters (``item_id``, ``score``, ``covered``, ``kind``, ``difficulty``); ``order`` ranks
    them best first (score, then lessons before sheets before exercises, easier, older)."""

    ranked: Subquery
    query_weight: int

    @property
    def order(self) -> tuple[Any, ...]:
        return _order(self.ranked)

    def page(self, offset: int, limit: int) -> Select[Unpack[tuple[Any, ...]]]:
        """One page by relevance: (item, score, covered, total matching), best first. The
        page is cut from the index's ranking before the items are read."""
        best = (
            select(self.ranked, func.count().over().label("total"))
            .order_by(*self.order)
            .offset(offset)
            .limit(limit)
            .subquery("best")
        )
        return (
            select(ContentItem, best.c.score, best.c.covered, best.c.total)
            .join(best, best.c.item_id == ContentItem.id)
            .order_by(*_order(best))
        )

    def total(self, session: Session) -> int:
        """How many items match and pass the filters (a page past the end has no row)."""
        return int(session.scalar(select(func.count()).select_from(self.ranked)) or 0)


def _order(ranked: Subquery) -> tuple[Any, ...]:
    columns = ranked.c
    return (columns.score.desc(), _kind_order(columns.kind), columns.difficulty, columns.item_id)


def _frequency(forms: frozenset[str]) -> Any:
    """How many items hold a form of the word: one form is unique per item (the key)."""
    if len(forms) == 1:
        counted = select(func.count()).where(ContentTerm.form == next(iter(forms)))
    else:
        counted = select(func.count(distinct(ContentTerm.item_id))).where(
            ContentTerm.form.in_(sorted(forms))
        )
    return counted.scalar_subquery()


def _word_scores(
    weight: int, forms: frozenset[str], kept: Sequence[ColumnElement[bool]]
) -> Select[Unpack[tuple[Any, ...]]]:
    """Each item holding the word, with its share of the score and of the covered idf."""
    keys = (ContentTerm.item_id, ContentTerm.kind, ContentTerm.difficulty)
    title: SQLColumnExpression[int] = ContentTerm.in_title
    chapter: SQLColumnExpression[int] = ContentTerm.in_chapter
    several = len(forms) > 1
    if several:  # a field holds the word when it holds one of its forms
        title, chapter = func.max(title), func.max(chapter)
    factor = TITLE_WEIGHT * title + CHAPTER_WEIGHT * chapter + ANYWHERE_WEIGHT
    stmt = select(*keys, (weight * factor).label("score"), literal(weight).label("covered")).where(
        ContentTerm.form.in_(sorted(forms)), *kept
    )
    return stmt.group_by(*keys) if several else stmt


def scoring(
    session: Session, groups: Sequence[frozenset[str]], filters: SearchFilters = SearchFilters()
) -> Scoring | None:
    """The SQL ranking of the items matching a query word and passing ``filters``; None
    without a word or when no word is in the bank. A first statement counts each word's
    document frequency over the whole bank, filtered or not, so an item's score does not
    depend on the filters of the request."""
    if not groups:
        return None
    stats = select(
        select(func.count()).select_from(ContentItem).scalar_subquery(),
        *(_frequency(forms) for forms in groups),
    )
    bank, *frequencies = session.execute(stats).one()
    if not any(frequencies):
        return None
    weights = [idf_weight(int(bank), int(frequency)) for frequency in frequencies]
    kept = filters.on_terms()
    per_word = union_all(
        *(
            _word_scores(weight, forms, kept)
            for weight, forms, frequency in zip(weights, groups, frequencies, strict=True)
            if frequency
        )
    ).subquery("per_word")
    columns = per_word.c
    ranked = (
        select(
            columns.item_id,
            columns.kind,
            columns.difficulty,
            func.sum(columns.score).label("score"),
            func.sum(columns.covered).label("covered"),
        )
        .group_by(columns.item_id, columns.kind, columns.difficulty)
        .subquery("ranked")
    )
    return Scoring(ranked, sum(weights))


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
    filters = SearchFilters(subject=subject, level=level, kinds=tuple(kinds or ()))
    found = scoring(session, query_groups(query), filters)
    if found is None:
        return []
    hits = []
    for item, score, covered, _total in session.execute(found.page(0, limit)):
        ranked = Ranked(item.id, int(score), int(covered), found.query_weight)
        hits.append(
            SearchHit(item, float(score), ranked.relevance, ranked.coverage, ranked.body_only)
        )
    return hits
