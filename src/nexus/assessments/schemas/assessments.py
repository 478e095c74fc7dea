"""Assessments: what recording, correcting and listing marks accept and answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from nexus.api.schemas import InputModel, PageQuery
from nexus.clock import paris_today
from nexus.content.vocabulary import Subject
from nexus.language import _, formats

Chapter = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Score = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False, examples=[15.5])]
MaxScore = Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False, examples=[20])]

EXAMPLE: dict[str, Any] = {
    "student_id": 12,
    "subject": "mathematiques",
    "chapter": "Suites numériques",
    "max_score": 20,
    "score": 15.5,
    "assessed_on": "2026-11-20",
    "comment": "Bonne maîtrise du raisonnement par récurrence ; soigner la rédaction.",
}


def _not_in_future(value: date | None) -> date | None:
    if value is not None and value > paris_today():
        raise ValueError(_("the assessment date cannot be in the future"))
    return value


class AssessmentCreate(InputModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    student_id: int = Field(ge=1, examples=[12])
    teacher_id: int | None = Field(
        default=None, ge=1, description="Administrators only: the teacher who gave the mark"
    )
    subject: Subject
    chapter: Chapter = Field(examples=["Suites numériques"])
    max_score: MaxScore = 20.0
    score: Score = Field(description="At most `max_score`")
    assessed_on: date = Field(description="Day of the assessment (not in the future)")
    comment: Comment = ""

    @field_validator("score")
    @classmethod
    def _score_within_max(cls, value: float, info: ValidationInfo) -> float:
        maximum = info.data.get("max_score")
        if maximum is not None and value > maximum:
            raise ValueError(
                _(
                    "the score cannot exceed the maximum (%(maximum)s)",
                    maximum=formats.number(maximum, 2),
                )
            )
        return value

    _date = field_validator("assessed_on")(_not_in_future)


class AssessmentUpdate(InputModel):
    """Only the fields sent are changed (``null`` is refused: leave a field out instead).
    The score may not exceed the maximum, the one sent or the one stored."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"score": 16, "comment": "Copie reprise : très bien."}]},
    )

    subject: Subject | None = None
    chapter: Chapter | None = None
    max_score: MaxScore | None = None
    score: Score | None = Field(default=None, description="At most `max_score` (sent or stored)")
    assessed_on: date | None = None
    comment: Comment | None = None

    _date = field_validator("assessed_on")(_not_in_future)


class AssessmentPath(BaseModel):
    assessment_id: int = Field(ge=1, le=2**31 - 1)


class AssessmentQuery(PageQuery):
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra={
            "examples": [{"student_id": 12, "subject": "mathematiques", "sort": "-assessed_on"}]
        },
    )

    student_id: int | None = Field(default=None, ge=1)
    teacher_id: int | None = Field(default=None, ge=1)
    subject: Subject | None = None
    chapter: str | None = Field(default=None, max_length=120, description="Exact, any case")
    from_: date | None = Field(default=None, alias="from", description="Assessed on or after")
    to: date | None = Field(default=None, description="Assessed on or before; on or after `from`")
    sort: str = Field(
        default="-assessed_on",
        description="assessed_on, created_at, score_on_20 or subject; prefix '-' for descending",
    )


class AssessmentPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **EXAMPLE,
                    "id": 41,
                    "student_name": "Lucas Moreau",
                    "teacher_id": 3,
                    "teacher_name": "Sophie Bernard",
                    "subject_label": "Mathématiques",
                    "score_on_20": 15.5,
                    "created_at": "2026-11-20T17:12:00+00:00",
                }
            ]
        }
    )

    id: int
    student_id: int
    student_name: str
    teacher_id: int | None
    teacher_name: str | None
    subject: Subject
    subject_label: str
    chapter: str
    score: float
    max_score: float
    score_on_20: float
    assessed_on: date
    comment: str
    created_at: datetime
