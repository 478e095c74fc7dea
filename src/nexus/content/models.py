from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nexus.content.vocabulary import ContentKind, Level, Subject
from nexus.db import Base, str_enum, utcnow

# Longer "words" (a pasted URL, a formula) are not worth an index entry.
FORM_MAX_LENGTH = 60


class ContentItem(Base):
    """A lesson, an exercise or a revision sheet of the content bank (French text)."""

    __tablename__ = "content_items"
    __table_args__ = (Index("ix_content_items_subject_level", "subject", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable, human-readable key ("derivee-d-un-produit"): the demo seeder matches on it.
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[ContentKind] = mapped_column(str_enum(ContentKind), index=True)
    title: Mapped[str] = mapped_column(String(200))
    subject: Mapped[Subject] = mapped_column(str_enum(Subject))
    level: Mapped[Level] = mapped_column(str_enum(Level))
    chapter: Mapped[str] = mapped_column(String(120), index=True)
    difficulty: Mapped[int] = mapped_column(default=2)  # 1 (easy) … 5 (hard)
    summary: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text)
    # Exercises only; students and parents see it once ``solution_published`` is true.
    solution: Mapped[str | None] = mapped_column(Text, default=None)
    solution_published: Mapped[bool] = mapped_column(default=False)
    # Search index (see search.py): " stem1 stem2 … " of every field, and of the title and the
    # chapter alone, kept so that ranking needs no stemming at query time.
    search_terms: Mapped[str] = mapped_column(Text, default="")
    title_terms: Mapped[str] = mapped_column(Text, default="")
    chapter_terms: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def has_solution(self) -> bool:
        return bool(self.solution)


class ContentTerm(Base):
    """One form an item is found under: the search's inverted index (``search.py``).

    A row per (item, form) of ``search_terms``, saying whether the form is also in the title or
    the chapter, with the item's filter and tie-break columns copied, so a search reads this
    table's index alone until it fetches the page it shows. Rewritten by ``refresh_index``.
    """

    __tablename__ = "content_terms"
    # Every column in the index: searches are index-only scans on PostgreSQL and SQLite alike.
    __table_args__ = (
        Index(
            "ix_content_terms_lookup",
            "form",
            "item_id",
            "in_title",
            "in_chapter",
            "subject",
            "level",
            "kind",
            "difficulty",
        ),
    )

    item_id: Mapped[int] = mapped_column(
        ForeignKey("content_items.id", ondelete="CASCADE"), primary_key=True
    )
    form: Mapped[str] = mapped_column(String(FORM_MAX_LENGTH), primary_key=True)
    in_title: Mapped[int] = mapped_column(SmallInteger)  # 1 or 0: MAX() works on both
    in_chapter: Mapped[int] = mapped_column(SmallInteger)
    subject: Mapped[Subject] = mapped_column(str_enum(Subject))
    level: Mapped[Level] = mapped_column(str_enum(Level))
    kind: Mapped[ContentKind] = mapped_column(str_enum(ContentKind))
    difficulty: Mapped[int] = mapped_column(SmallInteger)
