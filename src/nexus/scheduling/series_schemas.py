"""Weekly session series: creation, the series as shown, cancelling the rest, booking it all."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from nexus.api.schemas import MAX_ID, InputModel, examples
from nexus.clock import to_paris
from nexus.language import _
from nexus.scheduling.recurrence import MAX_OCCURRENCES, ClosureKind, Zone
from nexus.scheduling.schemas import (
    SESSION_IN,
    BookingPublic,
    PersonRef,
    SessionCreate,
    SessionDetail,
)

SKIPPED: dict[str, Any] = {
    "date": "2027-10-25",
    "kind": "school_holiday",
    "reason": "Vacances de la Toussaint",
}


class SeriesCreate(SessionCreate):
    """The first session's fields; the series repeats it every week, same Paris wall time."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples(
            {**SESSION_IN, "until": "2027-01-31", "zone": "C"}, {**SESSION_IN, "count": 10}
        ),
    )

    until: date | None = Field(
        default=None,
        description="Last day (Paris), inclusive, not before the first start; exactly one of until "
        "and count",
    )
    count: int | None = Field(
        default=None,
        ge=1,
        le=MAX_OCCURRENCES,
        description="Sessions actually held (skipped weeks do not count); exactly one of until and "
        "count",
    )
    zone: Zone | None = Field(
        default=None, description="Skip this academic zone's school holidays too"
    )
    teacher_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="Admins: the teacher; teachers: themselves"
    )

    @model_validator(mode="after")
    def _until_or_count(self) -> SeriesCreate:
        if (self.until is None) == (self.count is None):
            raise ValueError(_("give exactly one of until and count"))
        if self.until is not None and self.until < to_paris(self.starts_at).date():
            raise ValueError(_("until must not be before starts_at"))
        return self


class SeriesSkipped(BaseModel):
    model_config = ConfigDict(json_schema_extra=examples(SKIPPED))

    date: dt.date
    kind: ClosureKind
    reason: str = Field(description="Why no session that week, in French")


class SeriesPublic(BaseModel):
    """Occurrences in start order; their bookings show to the teacher and admins only."""

    model_config = ConfigDict(
        json_schema_extra=examples(
            {
                "id": 5,
                "teacher": {"id": 3, "first_name": "Sophie", "last_name": "Bernard"},
                "zone": "C",
                "until": "2027-11-15",
                "count": None,
                "occurrences": [],
                "skipped": [SKIPPED],
            }
        )
    )

    id: int
    teacher: PersonRef
    zone: Zone | None
    until: date | None
    count: int | None
    occurrences: list[SessionDetail]
    skipped: list[SeriesSkipped]


class SeriesPath(BaseModel):
    series_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 5})


class OccurrencePath(SeriesPath):
    session_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 12})


class OccurrenceMove(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples(
            {"starts_at": "2027-11-10T16:00:00Z", "ends_at": "2027-11-10T17:00:00Z"}
        ),
    )

    starts_at: AwareDatetime
    ends_at: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> OccurrenceMove:
        if self.ends_at <= self.starts_at:
            raise ValueError(_("ends_at must be after starts_at"))
        return self


class SeriesCancel(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra=examples({"from": "2027-11-15", "reason": "Fin du stage"}),
    )

    from_day: date = Field(alias="from", description="This occurrence (Paris day) and the rest")
    reason: str = Field(default="", max_length=300, description="Shown to the booked students")


class SeriesBookingCreate(InputModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=examples({"student_id": 12}, {"enrollment_id": 4})
    )

    student_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="Parents and admins: the student"
    )
    enrollment_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class SeriesBookings(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=examples({"series_id": 5, "student_id": 12, "bookings": []})
    )

    series_id: int
    student_id: int
    bookings: list[BookingPublic]
