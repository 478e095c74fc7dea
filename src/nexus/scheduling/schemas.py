"""Tutoring sessions: scheduling (teachers), the catalogue, bookings and attendance.

Instants are exchanged in UTC (``starts_at``) with their Europe/Paris rendering alongside
(``starts_at_local``); inputs must carry an offset.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationInfo,
    field_validator,
)

from nexus.api.schemas import MAX_ID, NULLABLE, InputModel, PageQuery, examples
from nexus.content.vocabulary import Level, Subject
from nexus.language import _
from nexus.scheduling.models import (
    Attendance,
    BookingStatus,
    SessionKind,
    SessionPlace,
    SessionStatus,
)

MAX_DURATION = timedelta(hours=4)
SESSION_IN: dict[str, Any] = {
    "kind": "group",
    "subject": "mathematiques",
    "level": "terminale",
    "title": "Suites et récurrence",
    "starts_at": "2026-12-01T16:00:00Z",
    "ends_at": "2026-12-01T17:30:00Z",
    "online_url": "https://visio.nexus-reussite.fr/salle/maths-tle",
    "room": None,
    "place": "online",
    "capacity": 4,
}
PERSON: dict[str, Any] = {"id": 3, "first_name": "Sophie", "last_name": "Bernard"}
SESSION_OUT: dict[str, Any] = {
    "id": 12,
    "teacher": PERSON,
    **SESSION_IN,
    "starts_at": "2026-12-01T16:00:00Z",
    "starts_at_local": "2026-12-01T17:00:00+01:00",
    "ends_at": "2026-12-01T17:30:00Z",
    "ends_at_local": "2026-12-01T18:30:00+01:00",
    "duration_minutes": 90,
    "seats_taken": 1,
    "seats_left": 3,
    "status": "scheduled",
    "cancelled_at": None,
    "cancellation_reason": "",
}
SESSION_BOOKING: dict[str, Any] = {
    "id": 31,
    "student": {"id": 12, "first_name": "Lucas", "last_name": "Moreau"},
    "status": "booked",
    "attendance": "present",
    "teacher_note": "Bonne maîtrise du raisonnement par récurrence.",
    "hours_charged": 1.5,
    "created_at": "2026-11-20T18:00:00+00:00",
    "cancelled_at": None,
}


class SessionCreate(InputModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples(SESSION_IN))

    kind: SessionKind
    subject: Subject
    level: Level
    title: str = Field(default="", max_length=200)
    starts_at: AwareDatetime = Field(description="With an offset; must be in the future")
    ends_at: AwareDatetime = Field(description="After starts_at, at most 4 hours later")
    online_url: HttpUrl | None = Field(default=None, description="Video link (or a room)")
    room: str | None = Field(default=None, min_length=1, max_length=120)
    place: SessionPlace | None = Field(
        default=None,
        description="at_home (no room or link needed), online (needs online_url), centre "
        "(needs room); by default online with a link, else centre with a room",
    )
    capacity: int | None = Field(
        default=None, ge=1, le=30, description="Individual: 1 (default); group: default 6"
    )

    @field_validator("ends_at")
    @classmethod
    def _after_start(cls, value: datetime, info: ValidationInfo) -> datetime:
        start = info.data.get("starts_at")
        if start is not None and value <= start:
            raise ValueError(_("ends_at must be after starts_at"))
        if start is not None and value - start > MAX_DURATION:
            raise ValueError(_("a session lasts at most 4 hours"))
        return value


class PersonRef(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra=examples(PERSON))

    id: int
    first_name: str
    last_name: str


class SessionPublic(BaseModel):
    """``online_url`` is shown to the session's participants, teacher and admins only."""

    model_config = ConfigDict(json_schema_extra=examples(SESSION_OUT))

    id: int
    teacher: PersonRef
    kind: SessionKind
    subject: Subject
    level: Level
    title: str
    starts_at: datetime
    starts_at_local: datetime = Field(description="starts_at in Europe/Paris")
    ends_at: datetime
    ends_at_local: datetime = Field(description="ends_at in Europe/Paris")
    duration_minutes: int
    online_url: str | None
    room: str | None
    place: SessionPlace
    capacity: int
    seats_taken: int
    seats_left: int
    status: SessionStatus
    cancelled_at: datetime | None
    cancellation_reason: str


class SessionBooking(BaseModel):
    model_config = ConfigDict(json_schema_extra=examples(SESSION_BOOKING))

    id: int
    student: PersonRef
    status: BookingStatus
    attendance: Attendance | None
    teacher_note: str
    hours_charged: float
    created_at: datetime
    cancelled_at: datetime | None


class SessionDetail(SessionPublic):
    """``teacher_notes`` and ``bookings`` are null unless you teach the session or are an admin."""

    model_config = ConfigDict(
        json_schema_extra=examples(
            {
                **SESSION_OUT,
                "teacher_notes": "Revoir les suites géométriques.",
                "bookings": [SESSION_BOOKING],
            }
        )
    )

    teacher_notes: str | None
    bookings: list[SessionBooking] | None


class SessionQuery(PageQuery):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples(
            {"subject": "nsi", "from": "2026-12-01", "available_only": True}
        ),
    )

    subject: Subject | None = None
    level: Level | None = None
    teacher_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    date_from: date | None = Field(
        default=None, alias="from", description="Starting on or after this day (Paris)"
    )
    date_to: date | None = Field(
        default=None, alias="to", description="Starting on or before this day (Paris)"
    )
    available_only: bool = Field(
        default=False, description="Scheduled, in the future, with a seat left"
    )
    status: SessionStatus | None = None
    sort: Literal["starts_at", "-starts_at"] = "starts_at"


class TeacherSessionQuery(PageQuery):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=examples({"from": "2026-12-01", "to": "2026-12-07"})
    )

    date_from: date | None = Field(default=None, alias="from")
    date_to: date | None = Field(default=None, alias="to")
    status: SessionStatus | None = None
    sort: Literal["starts_at", "-starts_at"] = "starts_at"


class SessionPath(BaseModel):
    session_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 12})


class SessionChange(InputModel):
    """Move a session or change its place: the fields sent replace the stored ones (a start
    alone keeps the duration). Booked seats stay booked."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples(
            {"starts_at": "2026-12-02T16:00:00Z"},
            {"room": "B12", "online_url": None},
        ),
    )

    starts_at: AwareDatetime | None = Field(default=None, description="With an offset; future")
    ends_at: AwareDatetime | None = Field(default=None, description="At most 4 hours after start")
    online_url: Annotated[HttpUrl | None, NULLABLE] = Field(
        default=None, description="Video link; null removes it (a room must then remain)"
    )
    room: Annotated[str | None, NULLABLE] = Field(
        default=None, min_length=1, max_length=120, description="null removes it"
    )
    place: SessionPlace | None = Field(
        default=None,
        description="at_home, online (needs a link) or centre (needs a room); when not sent, "
        "an at-home session stays at home, another follows its link or room",
    )


class SessionCancel(InputModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=examples({"reason": "Professeur malade"})
    )

    reason: str = Field(default="", max_length=300, description="Shown to the booked students")


class BookingCreate(InputModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"enrollment_id": 4}, {}))

    enrollment_id: int | None = Field(
        default=None,
        ge=1,
        description="The enrollment to charge; by default the oldest active one with enough hours",
    )


class BookingPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=examples(
            {
                "id": 31,
                "student_id": 12,
                "enrollment_id": 4,
                "status": "booked",
                "attendance": None,
                "teacher_note": "",
                "hours_charged": 1.5,
                "created_at": "2026-11-20T18:00:00+00:00",
                "cancelled_at": None,
                "cancellable_until": "2026-11-30T16:00:00+00:00",
                "session": SESSION_OUT,
            }
        )
    )

    id: int
    student_id: int
    enrollment_id: int | None
    status: BookingStatus
    attendance: Attendance | None
    teacher_note: str
    hours_charged: float
    created_at: datetime
    cancelled_at: datetime | None
    cancellable_until: datetime = Field(description="Cancellation refused after this instant")
    session: SessionPublic


class BookingQuery(PageQuery):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=examples({"when": "upcoming", "status": "booked"})
    )

    status: BookingStatus | None = None
    when: Literal["upcoming", "past", "all"] = "all"
    sort: Literal["starts_at", "-starts_at"] = "starts_at"


class BookingPath(BaseModel):
    booking_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 31})


class AttendanceRecord(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples({"booking_id": 31, "attendance": "late", "note": ""}),
    )

    booking_id: int = Field(ge=1, le=MAX_ID)
    attendance: Attendance
    note: str = Field(default="", max_length=1000)


class AttendanceUpdate(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples(
            {
                "notes": "Séance centrée sur les suites arithmético-géométriques.",
                "records": [{"booking_id": 31, "attendance": "present", "note": "Très bien"}],
            }
        ),
    )

    notes: str | None = Field(default=None, max_length=4000, description="Session notes")
    records: list[AttendanceRecord] = Field(default_factory=list, max_length=50)

    @field_validator("records")
    @classmethod
    def _one_per_booking(cls, value: list[AttendanceRecord]) -> list[AttendanceRecord]:
        ids = [r.booking_id for r in value]
        if len(set(ids)) != len(ids):
            raise ValueError(_("each booking appears at most once"))
        return value


class CalendarFeedPublic(BaseModel):
    """Shown once: only a hash of the token is kept, a lost address is replaced by a new one."""

    model_config = ConfigDict(
        json_schema_extra=examples(
            {
                "url": "https://api.nexus-reussite.fr/api/v1/calendar/Zk3…q8.ics",
                "created_at": "2026-12-04T18:00:00+00:00",
            }
        )
    )

    url: str = Field(description="The secret address to subscribe to (iCalendar)")
    created_at: datetime


class CalendarTokenPath(BaseModel):
    token: str = Field(max_length=200, json_schema_extra={"example": "Zk3…q8"})
