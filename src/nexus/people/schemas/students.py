"""Student profiles, invitation codes and parent ↔ child links."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from nexus.api.schemas import MAX_ID, NULLABLE, InputModel, PageQuery, examples
from nexus.clock import paris_today
from nexus.content.labels import level_label
from nexus.content.vocabulary import Level, Subject
from nexus.language import _, formats

EARLIEST_BIRTH_DATE = date(1900, 1, 1)
# The three academic zones of the French school holiday calendar.
AcademicZone = Literal["A", "B", "C"]

# A specialty count per level: three in Première, two kept in Terminale (French reform).
MAX_SPECIALTIES = {Level.SECONDE: 3, Level.PREMIERE: 3, Level.TERMINALE: 2}
PROFILE_EXAMPLE: dict[str, Any] = {
    "level": "terminale",
    "specialties": ["nsi", "mathematiques"],
    "goals": "Viser 16 au bac en NSI et intégrer une prépa MPSI.",
    "exam_date": "2027-06-15",
    "birth_date": "2009-03-14",
    "learning_preferences": {"format": "online", "pace": "intensive", "notes": "Le soir"},
}


class LearningPreferences(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples(PROFILE_EXAMPLE["learning_preferences"]),
    )

    format: Annotated[Literal["online", "in_person", "hybrid"] | None, NULLABLE] = None
    pace: Annotated[Literal["relaxed", "standard", "intensive"] | None, NULLABLE] = None
    notes: str = Field(default="", max_length=500)


class StudentProfileUpdate(InputModel):
    """Replaces every editable field of the profile (PUT semantics)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=examples(PROFILE_EXAMPLE))

    level: Level
    specialties: list[Subject] = Field(default_factory=list, max_length=3)
    goals: str = Field(default="", max_length=2000)
    exam_date: Annotated[date | None, NULLABLE] = None
    birth_date: Annotated[date | None, NULLABLE] = Field(
        default=None,
        description=f"From {EARLIEST_BIRTH_DATE.isoformat()} to today (JSON Schema cannot bound "
        "a date: the server does)",
    )
    learning_preferences: LearningPreferences = Field(default_factory=LearningPreferences)

    @field_validator("birth_date")
    @classmethod
    def _plausible_birth_date(cls, value: date | None) -> date | None:
        if value is not None and not EARLIEST_BIRTH_DATE <= value <= paris_today():
            raise ValueError(
                _(
                    "must be between %(earliest)s and today",
                    earliest=formats.short_date(EARLIEST_BIRTH_DATE),
                )
            )
        return value

    @field_validator("specialties")
    @classmethod
    def _specialties_fit_level(cls, value: list[Subject], info: ValidationInfo) -> list[Subject]:
        if len(set(value)) != len(value):
            raise ValueError(_("specialties must not repeat"))
        level = info.data.get("level")
        if level is not None and len(value) > MAX_SPECIALTIES[level]:
            raise ValueError(
                _(
                    "a student in %(level)s has at most %(count)s specialties",
                    level=level_label(level),
                    count=MAX_SPECIALTIES[level],
                )
            )
        return value


class StudentPublic(BaseModel):
    """A student as their parents, teachers and the admins see them."""

    model_config = ConfigDict(
        json_schema_extra=examples(
            {
                "id": 12,
                "first_name": "Lucas",
                "last_name": "Moreau",
                "email": "lucas@nexus-reussite.fr",
                **PROFILE_EXAMPLE,
            }
        )
    )

    id: int
    first_name: str
    last_name: str
    email: str
    level: Level
    specialties: list[Subject]
    goals: str
    exam_date: date | None
    birth_date: date | None
    learning_preferences: LearningPreferences
    academic_zone: AcademicZone | None = Field(
        default=None, description="The family's school holiday zone (set by a parent or admin)"
    )


class StudentProfilePublic(StudentPublic):
    """The student's own view: includes the invitation code to give a parent."""

    model_config = ConfigDict(
        json_schema_extra=examples(
            {
                "id": 12,
                "first_name": "Lucas",
                "last_name": "Moreau",
                "email": "lucas@nexus-reussite.fr",
                **PROFILE_EXAMPLE,
                "invitation_code": "K7M4-Q9PX",
            }
        )
    )

    invitation_code: str


class InvitationCodePublic(BaseModel):
    model_config = ConfigDict(json_schema_extra=examples({"invitation_code": "K7M4-Q9PX"}))

    invitation_code: str = Field(description="Single use; give it to a parent to link accounts")


InvitationCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=4, max_length=16)
]


class ChildLinkCreate(InputModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=examples({"invitation_code": "K7M4-Q9PX"})
    )

    invitation_code: InvitationCode


class ChildPublic(StudentPublic):
    model_config = ConfigDict(
        json_schema_extra=examples(
            {
                "id": 12,
                "first_name": "Lucas",
                "last_name": "Moreau",
                "email": "lucas@nexus-reussite.fr",
                **PROFILE_EXAMPLE,
                "linked_at": "2026-09-02T18:00:00+00:00",
            }
        )
    )

    linked_at: datetime


class AcademicZoneUpdate(InputModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=examples({"academic_zone": "C"}, {"academic_zone": None})
    )

    academic_zone: Annotated[AcademicZone | None, NULLABLE] = Field(
        description="A, B or C; null when unknown"
    )


class StudentPath(BaseModel):
    student_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 12})


class ParentLinkCreate(InputModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=examples({"parent_id": 5, "student_id": 12})
    )

    parent_id: int = Field(ge=1, le=MAX_ID)
    student_id: int = Field(ge=1, le=MAX_ID)


class ParentLinkPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra=examples(
            {
                "id": 3,
                "parent_id": 5,
                "student_id": 12,
                "created_by_id": 1,
                "created_at": "2026-09-02T18:00:00+00:00",
            }
        ),
    )

    id: int
    parent_id: int
    student_id: int
    created_by_id: int | None
    created_at: datetime


class ParentLinkQuery(PageQuery):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"parent_id": 5}))

    parent_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    student_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class ParentLinkPath(BaseModel):
    link_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 3})
