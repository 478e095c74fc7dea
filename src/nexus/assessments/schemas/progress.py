"""Progress views of a student's marks (all /20)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nexus.api.schemas import InputModel
from nexus.assessments.progress import ChapterStats, Mark, SubjectStats
from nexus.content.labels import subject_label

TrendName = Literal["up", "down", "stable", "insufficient_data"]

GENERAL_AVERAGE = (
    "The general average (moyenne générale) /20: the mean of the subject averages, each subject "
    "counting the same; null without any mark"
)


class StudentPath(BaseModel):
    student_id: int = Field(ge=1, le=2**31 - 1)


class PeriodQuery(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra={"examples": [{"from": "2026-09-01", "to": "2026-12-20"}]},
    )

    from_: date | None = Field(default=None, alias="from", description="First day (inclusive)")
    to: date | None = Field(default=None, description="Last day (inclusive), on or after `from`")


class MarkPoint(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "assessment_id": 41,
                    "assessed_on": "2026-11-20",
                    "score_on_20": 15.5,
                    "chapter": "Suites numériques",
                }
            ]
        }
    )

    assessment_id: int
    assessed_on: date
    score_on_20: float
    chapter: str

    @classmethod
    def of(cls, mark: Mark) -> MarkPoint:
        return cls(
            assessment_id=mark.assessment_id,
            assessed_on=mark.assessed_on,
            score_on_20=round(mark.on_20, 2),
            chapter=mark.chapter,
        )


SUBJECT_EXAMPLE: dict[str, Any] = {
    "subject": "mathematiques",
    "subject_label": "Mathématiques",
    "average": 13.25,
    "count": 6,
    "last_assessed_on": "2026-11-20",
    "trend": "up",
    "trend_delta": 1.83,
}


class SubjectSummary(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [SUBJECT_EXAMPLE]})

    subject: str
    subject_label: str
    average: float = Field(description="Mean of the marks brought to /20")
    count: int
    last_assessed_on: date
    trend: TrendName = Field(
        description="Last 3 marks against the 3 before: ±1 point → up/down; < 4 marks → "
        "insufficient_data"
    )
    trend_delta: float | None = Field(description="Recent mean − previous mean, in points /20")

    @classmethod
    def fields_of(cls, stats: SubjectStats) -> dict[str, object]:
        return {
            "subject": stats.subject,
            "subject_label": subject_label(stats.subject),
            "average": stats.average,
            "count": stats.count,
            "last_assessed_on": stats.last_assessed_on,
            "trend": stats.trend.direction,
            "trend_delta": stats.trend.delta,
        }


class SubjectProgress(SubjectSummary):
    model_config = ConfigDict(json_schema_extra={"examples": [{**SUBJECT_EXAMPLE, "series": []}]})

    series: list[MarkPoint] = Field(description="Every mark, oldest first")

    @classmethod
    def of(cls, stats: SubjectStats) -> SubjectProgress:
        return cls.model_validate(
            {**cls.fields_of(stats), "series": [MarkPoint.of(m) for m in stats.marks]}
        )


class ChapterProgress(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "subject": "mathematiques",
                    "subject_label": "Mathématiques",
                    "chapter": "Probabilités conditionnelles",
                    "average": 8.5,
                    "count": 2,
                    "status": "weakness",
                }
            ]
        }
    )

    subject: str
    subject_label: str
    chapter: str
    average: float
    count: int
    status: Literal["strength", "weakness", "neutral"] = Field(
        description="strength: average ≥ 14/20; weakness: < 10/20"
    )

    @classmethod
    def of(cls, stats: ChapterStats) -> ChapterProgress:
        return cls(
            subject=stats.subject,
            subject_label=subject_label(stats.subject),
            chapter=stats.chapter,
            average=stats.average,
            count=stats.count,
            status=stats.status,
        )


class StudentProgress(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "student_id": 12,
                    "student_name": "Lucas Moreau",
                    "from": None,
                    "to": None,
                    "overall_average": 12.9,
                    "subjects": [],
                    "chapters": [],
                    "strengths": [],
                    "weaknesses": [],
                }
            ]
        },
        populate_by_name=True,
        serialize_by_alias=True,
    )

    student_id: int
    student_name: str
    from_: date | None = Field(alias="from")
    to: date | None
    overall_average: float | None = Field(description=GENERAL_AVERAGE)
    subjects: list[SubjectProgress]
    chapters: list[ChapterProgress] = Field(description="Weakest first")
    strengths: list[ChapterProgress] = Field(description="Chapters averaging ≥ 14/20, best first")
    weaknesses: list[ChapterProgress] = Field(description="Chapters averaging < 10/20, worst first")
