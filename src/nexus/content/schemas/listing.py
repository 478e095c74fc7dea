"""Content bank list schemas: list and chapter queries, summaries, pages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from nexus.api.schemas import Page, PageQuery, examples
from nexus.content.models import ContentItem
from nexus.content.schemas.items import ITEM_EXAMPLE
from nexus.content.vocabulary import ContentKind, Level, Subject
from nexus.language import _

ContentSort = Literal[
    "relevance",
    "title",
    "-title",
    "chapter",
    "-chapter",
    "difficulty",
    "-difficulty",
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
]


class ContentListQuery(PageQuery):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples(
            {"q": "dérivée d'un produit", "subject": "mathematiques", "kind": "lesson"}
        ),
    )

    q: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="French full-text query (accents optional; plurals and verb forms match)",
        json_schema_extra={"example": "dérivée d'un produit"},
    )
    subject: Subject | None = None
    level: Level | None = None
    chapter: str | None = Field(
        default=None, min_length=1, max_length=120, description="Exact chapter name"
    )
    kind: ContentKind | None = None
    difficulty_min: int | None = Field(default=None, ge=1, le=5)
    difficulty_max: int | None = Field(
        default=None, ge=1, le=5, description="At least `difficulty_min` when both are given"
    )
    author_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    sort: ContentSort | None = Field(
        default=None,
        description="`-` = descending. Default: `relevance` with `q` (best first), else `title`. "
        "`relevance` needs `q`",
    )

    @field_validator("difficulty_max")
    @classmethod
    def _range(cls, value: int | None, info: ValidationInfo) -> int | None:
        low = info.data.get("difficulty_min")
        if value is not None and low is not None and value < low:
            raise ValueError(_("must be greater than or equal to difficulty_min"))
        return value

    @field_validator("sort")
    @classmethod
    def _relevance_needs_q(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value == "relevance" and not info.data.get("q"):
            raise ValueError(_("sorting by relevance needs a q"))
        return value


class ChapterQuery(PageQuery):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=examples({"subject": "nsi", "level": "terminale"})
    )

    subject: Subject | None = None
    level: Level | None = None
    kind: ContentKind | None = Field(default=None, description="Count only items of this kind")


class ContentSummary(BaseModel):
    """An item in a list: everything but the body and the solution."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra=examples(
            {
                "id": 12,
                "slug": "deriver-un-produit",
                **{k: v for k, v in ITEM_EXAMPLE.items() if k not in ("body", "solution")},
                "has_solution": True,
                "solution_published": False,
                "author_id": 3,
                "created_at": "2026-09-01T08:30:00+00:00",
                "updated_at": "2026-09-01T08:30:00+00:00",
                "score": 76.0,
            }
        ),
    )

    id: int
    slug: str
    kind: ContentKind
    title: str
    subject: Subject
    level: Level
    chapter: str
    difficulty: int
    summary: str
    has_solution: bool
    solution_published: bool
    author_id: int | None
    created_at: datetime
    updated_at: datetime
    score: float | None = Field(
        default=None, description="Relevance to `q` (higher is better); null without `q`"
    )

    @classmethod
    def of(cls, item: ContentItem, score: float | None = None) -> ContentSummary:
        return cls.model_validate(item).model_copy(update={"score": score})


class ContentPage(Page[ContentSummary]):
    """A page of content items."""

    model_config = ConfigDict(
        json_schema_extra=examples(
            {
                "items": [ContentSummary.model_json_schema()["example"]],
                "page": 1,
                "page_size": 20,
                "total": 1,
            }
        )
    )


class ChapterFacet(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=examples(
            {"subject": "nsi", "level": "terminale", "chapter": "Structures de données", "items": 9}
        )
    )

    subject: Subject
    level: Level
    chapter: str
    items: int = Field(description="Number of items in the chapter")


class ChapterPage(Page[ChapterFacet]):
    """A page of chapters with their item counts."""
