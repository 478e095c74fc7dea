"""Study plans, exercise hints and recommendations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from nexus.api.schemas import InputModel, Page, PageQuery
from nexus.aria.models import ProviderName
from nexus.aria.schemas.conversations import CITATION_EXAMPLE, USAGE_EXAMPLE, Citation, UsagePublic

WEEK_EXAMPLE: dict[str, Any] = {
    "week": 1,
    "starts_on": "2026-11-26",
    "ends_on": "2026-12-02",
    "theme": "Priorité : Suites numériques",
    "focus": [{"subject": "mathematiques", "chapter": "Suites numériques", "average_on_20": 8.5}],
    "items": [{"id": 21, "title": "Suites arithmétiques et géométriques", "kind": "lesson"}],
    "sessions": [],
    "tasks": ["Relire « Suites arithmétiques et géométriques » (#21) et en faire une fiche."],
}
PLAN_EXAMPLE: dict[str, Any] = {
    "id": 3,
    "student_id": 6,
    "created_by_id": 6,
    "starts_on": "2026-11-26",
    "exam_date": "2027-06-15",
    "summary": "Planning de 29 semaines jusqu'à ton examen du 15 juin 2027…",
    "weeks": [WEEK_EXAMPLE],
    "provider": "offline",
    "offline": True,
    "created_at": "2026-11-26T17:00:00+00:00",
}


class StudyPlanCreate(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{}, {"student_id": 6, "weeks": 6}]},
    )

    student_id: int | None = Field(
        default=None, ge=1, description="Teachers: the student (one they teach). Students: omit."
    )
    weeks: int | None = Field(
        default=None, ge=1, le=26, description="Horizon; default: until the exam date, or 8"
    )
    exam_date: date | None = Field(default=None, description="Overrides the profile's exam date")


class StudyPlanPath(BaseModel):
    plan_id: int = Field(ge=1, le=2**31 - 1)


class StudyPlanQuery(PageQuery):
    student_id: int | None = Field(default=None, ge=1, description="Teachers: filter by student")


class PlanWeek(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [WEEK_EXAMPLE]})

    week: int
    starts_on: date
    ends_on: date
    theme: str
    focus: list[dict[str, Any]]
    items: list[dict[str, Any]]
    sessions: list[dict[str, Any]]
    tasks: list[str]


class StudyPlanPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [PLAN_EXAMPLE]})

    id: int
    student_id: int
    created_by_id: int | None
    starts_on: date
    exam_date: date | None
    summary: str
    weeks: list[PlanWeek]
    provider: ProviderName
    offline: bool
    created_at: datetime


class StudyPlanPage(Page[StudyPlanPublic]):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"items": [PLAN_EXAMPLE], "page": 1, "page_size": 20, "total": 1}]
        }
    )


class HintPath(BaseModel):
    content_id: int = Field(ge=1, le=2**31 - 1)


class HintCreate(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"level": 1}, {"level": 2, "attempt": "J'ai écrit une boucle for…"}]
        },
    )

    level: int = Field(default=1, ge=1, le=3, description="1 = general lead … 3 = first step")
    attempt: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
        | None
    ) = Field(default=None, description="What the student tried (optional)")


class HintPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "exercise_id": 34,
                    "exercise_title": "Dériver un produit de fonctions",
                    "level": 1,
                    "hint": "Indice 1/3 — Cet exercice porte sur le chapitre « Dérivation »…",
                    "provider": "offline",
                    "offline": True,
                    "citations": [CITATION_EXAMPLE],
                    "usage": USAGE_EXAMPLE,
                }
            ]
        }
    )

    exercise_id: int
    exercise_title: str
    level: int
    hint: str
    provider: ProviderName
    offline: bool
    citations: list[Citation]
    usage: UsagePublic


class RecommendationQuery(InputModel):
    model_config = ConfigDict(extra="forbid")

    student_id: int | None = Field(default=None, ge=1, description="Teachers: the student")


class Recommendation(BaseModel):
    subject: str
    chapter: str
    average_on_20: float
    assessments: int
    reason: str
    items: list[Citation]


class RecommendationList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "student_id": 6,
                    "items": [
                        {
                            "subject": "nsi",
                            "chapter": "Structures de données",
                            "average_on_20": 7.5,
                            "assessments": 2,
                            "reason": "Moyenne de 7,5/20 sur 2 évaluations : à retravailler.",
                            "items": [CITATION_EXAMPLE],
                        }
                    ],
                }
            ]
        }
    )

    student_id: int
    items: list[Recommendation]
