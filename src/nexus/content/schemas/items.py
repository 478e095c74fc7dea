"""Content bank item schemas: create, update, path and the full item (``ContentPublic``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from nexus.api.schemas import NULLABLE, InputModel, examples
from nexus.content.models import ContentItem
from nexus.content.slugs import SLUG_MAX_LENGTH, SLUG_PATTERN
from nexus.content.vocabulary import ContentKind, Level, Subject
from nexus.language import _

TEXT_MAX_LENGTH = 20_000
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
Chapter = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Markdown = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_MAX_LENGTH)
]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH)]
Difficulty = Annotated[int, Field(ge=1, le=5, description="1 (easy) … 5 (hard)")]


ITEM_EXAMPLE: dict[str, Any] = {
    "kind": "exercise",
    "title": "Dériver un produit de fonctions",
    "subject": "mathematiques",
    "level": "premiere",
    "chapter": "Dérivation",
    "difficulty": 2,
    "summary": "Appliquer la formule (uv)' = u'v + uv' à un produit polynôme × racine.",
    "body": "Soit f(x) = (3x² + 1)√x sur ]0 ; +∞[. Calculer f'(x).",
    "solution": "On pose u(x) = 3x² + 1 et v(x) = √x … f'(x) = (15x² + 1) / (2√x).",
}


class ContentCreate(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples({**ITEM_EXAMPLE, "slug": "deriver-un-produit"}),
    )

    slug: Slug | None = Field(
        default=None, description="Stable key; derived from the title when omitted"
    )
    kind: ContentKind
    title: Title
    subject: Subject
    level: Level
    chapter: Chapter = Field(description="Curriculum chapter, e.g. « Dérivation »")
    difficulty: Difficulty = 2
    summary: Summary = Field(default="", description="One or two sentences")
    body: Markdown = Field(description="Markdown; formulas in plain text or LaTeX ($…$)")
    solution: Annotated[Markdown | None, NULLABLE] = Field(
        default=None, description="Exercises only (Markdown); `null`: none"
    )
    solution_published: bool = Field(
        default=False, description="Whether students and parents may read the solution"
    )


class ContentUpdate(InputModel):
    """Only the fields sent are changed; ``solution`` may be set to null to remove it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples({"difficulty": 3, "summary": "Version plus exigeante."}),
    )

    slug: Slug | None = None
    kind: ContentKind | None = None
    title: Title | None = None
    subject: Subject | None = None
    level: Level | None = None
    chapter: Chapter | None = None
    difficulty: Difficulty | None = None
    summary: Summary | None = None
    body: Markdown | None = None
    solution: Annotated[Markdown | None, NULLABLE] = Field(
        default=None, description="`null` removes the solution (and unpublishes it)"
    )

    @field_validator(
        "slug", "kind", "title", "subject", "level", "chapter", "difficulty", "summary", "body"
    )
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError(_("may not be null"))
        return value


class ContentPath(BaseModel):
    content_id: int = Field(
        ge=1, le=2**31 - 1, description="Content item id", json_schema_extra={"example": 12}
    )


class ContentPublic(BaseModel):
    """One item. ``solution`` is null when there is none or the caller may not see it yet."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra=examples(
            {
                "id": 12,
                "slug": "deriver-un-produit",
                **ITEM_EXAMPLE,
                "has_solution": True,
                "solution_published": False,
                "solution_visible": True,
                "author_id": 3,
                "created_at": "2026-09-01T08:30:00+00:00",
                "updated_at": "2026-09-01T08:30:00+00:00",
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
    body: str
    has_solution: bool
    solution_published: bool
    solution_visible: bool = Field(
        default=False, description="Whether `solution` is shown to this caller"
    )
    solution: str | None
    author_id: int | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, item: ContentItem, *, show_solution: bool) -> ContentPublic:
        visible = show_solution and item.has_solution
        return cls.model_validate(item).model_copy(
            update={"solution_visible": visible, "solution": item.solution if visible else None}
        )
