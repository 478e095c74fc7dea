"""Teacher profiles: subjects, levels, biography and weekly availability (Paris time)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from nexus.api.schemas import MAX_ID, InputModel, PageQuery, examples
from nexus.content.vocabulary import Level, Subject
from nexus.language import _, formats

Clock = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
AVAILABILITY_EXAMPLE: list[Any] = [
    {"weekday": 1, "start": "17:00", "end": "20:00"},
    {"weekday": 2, "start": "14:00", "end": "18:00"},
]
TEACHER_EXAMPLE: dict[str, Any] = {
    "subjects": ["mathematiques"],
    "levels": ["premiere", "terminale"],
    "bio": "Agrégée de mathématiques, 12 ans d'expérience en lycée.",
    "weekly_availability": AVAILABILITY_EXAMPLE,
}


class AvailabilitySlot(InputModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples(*AVAILABILITY_EXAMPLE))

    weekday: int = Field(ge=0, le=6, description="Monday = 0 … Sunday = 6")
    start: Clock = Field(description="HH:MM, Europe/Paris")
    end: Clock = Field(description="HH:MM, Europe/Paris, after start")

    @field_validator("end")
    @classmethod
    def _after_start(cls, value: str, info: ValidationInfo) -> str:
        start = info.data.get("start")
        if start is not None and value <= start:
            raise ValueError(_("end must be after start"))
        return value


class TeacherProfileUpdate(InputModel):
    """Replaces every editable field of the profile (PUT semantics)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=examples(TEACHER_EXAMPLE))

    subjects: list[Subject] = Field(default_factory=list, max_length=6)
    levels: list[Level] = Field(default_factory=list, max_length=3)
    bio: str = Field(default="", max_length=2000)
    weekly_availability: list[AvailabilitySlot] = Field(default_factory=list, max_length=42)

    @field_validator("subjects", "levels")
    @classmethod
    def _distinct(cls, value: list[Subject] | list[Level]) -> list[Subject] | list[Level]:
        if len(set(value)) != len(value):
            raise ValueError(_("values must not repeat"))
        return value

    @field_validator("weekly_availability")
    @classmethod
    def _no_overlap(cls, value: list[AvailabilitySlot]) -> list[AvailabilitySlot]:
        ordered = sorted(value, key=lambda s: (s.weekday, s.start))
        for before, after in zip(ordered, ordered[1:]):
            if before.weekday == after.weekday and after.start < before.end:
                raise ValueError(_("slots overlap on %(day)s", day=formats.weekday(after.weekday)))
        return ordered


class TeacherPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=examples(
            {"id": 3, "first_name": "Sophie", "last_name": "Bernard", **TEACHER_EXAMPLE}
        )
    )

    id: int
    first_name: str
    last_name: str
    subjects: list[Subject]
    levels: list[Level]
    bio: str
    weekly_availability: list[AvailabilitySlot]


class TeacherQuery(PageQuery):
    """``day`` and ``time`` together ask for a free slot: the teacher's weekly availability
    covers it and none of their sessions overlaps it (see docs/teachers.md)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples(
            {"subject": "nsi", "level": "terminale"},
            {"subject": "mathematiques", "day": "mardi", "time": "17:30", "duration": 90},
        ),
    )

    subject: Subject | None = Field(default=None, description="Teachers of this subject")
    level: Level | None = Field(default=None, description="Teachers of this level")
    day: str | None = Field(
        default=None,
        max_length=20,
        description="A weekday (lundi … dimanche, or monday … sunday: the next one) or an "
        "ISO date (YYYY-MM-DD), Europe/Paris; with time",
    )
    time: Clock | None = Field(default=None, description="HH:MM, Europe/Paris; with day")
    duration: int | None = Field(
        default=None, ge=15, le=240, description="Minutes (default 60); with day and time"
    )


class TeacherPath(BaseModel):
    teacher_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 3})
