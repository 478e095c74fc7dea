"""The catalogue of packages ("formules") and enrollments (hours exposed, minutes stored)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from nexus.api.schemas import MAX_ID, InputModel, PageQuery, examples
from nexus.offers.models import EnrollmentStatus, OfferKind

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]
OfferName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]
OFFER_EXAMPLE: dict[str, Any] = {
    "code": "coaching-individuel-10h",
    "name": "Coaching individuel — 10 h",
    "kind": "individual",
    "description": "Dix heures de cours particuliers avec un professeur attitré.",
    "price_cents": 45000,
    "hours": 10,
    "max_group_size": 1,
    "is_active": True,
}


class OfferCreate(InputModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples(OFFER_EXAMPLE))

    code: Code = Field(description="Stable slug, unique")
    name: OfferName
    kind: OfferKind
    description: str = Field(default="", max_length=4000)
    price_cents: int = Field(ge=0, le=10_000_000, description="Price in euro cents")
    hours: int = Field(ge=0, le=1000, description="Tutoring hours included (0 for ARIA only)")
    max_group_size: int = Field(default=1, ge=1, le=50)
    is_active: bool = True


class OfferUpdate(InputModel):
    """Only the fields sent change."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=examples({"price_cents": 42000, "is_active": False})
    )

    name: OfferName | None = None
    description: str | None = Field(default=None, max_length=4000)
    price_cents: int | None = Field(default=None, ge=0, le=10_000_000)
    hours: int | None = Field(default=None, ge=0, le=1000)
    max_group_size: int | None = Field(default=None, ge=1, le=50)
    is_active: bool | None = None


class OfferPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra=examples(
            {"id": 1, **OFFER_EXAMPLE, "created_at": "2026-09-01T08:00:00+00:00"}
        ),
    )

    id: int
    code: str
    name: str
    kind: OfferKind
    description: str
    price_cents: int
    hours: int
    max_group_size: int
    is_active: bool
    created_at: datetime


class OfferQuery(PageQuery):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"kind": "individual"}))

    kind: OfferKind | None = None
    include_inactive: bool = Field(
        default=False, description="Admins only: list inactive offers too"
    )
    sort: Literal["price_cents", "-price_cents", "name", "created_at"] = "price_cents"


class OfferPath(BaseModel):
    offer_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 1})


class EnrollmentCreate(InputModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=examples({"student_id": 12, "offer_id": 1})
    )

    student_id: int = Field(
        ge=1, le=MAX_ID, description="A linked child (parents) or any student (admins)"
    )
    offer_id: int = Field(ge=1, le=MAX_ID)


class OfferSummary(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra=examples(
            {"id": 1, "name": "Coaching individuel — 10 h", "kind": "individual"}
        ),
    )

    id: int
    name: str
    kind: OfferKind


class EnrollmentPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=examples(
            {
                "id": 4,
                "student_id": 12,
                "offer": {"id": 1, "name": "Coaching individuel — 10 h", "kind": "individual"},
                "status": "active",
                "hours_bought": 10.0,
                "hours_used": 1.5,
                "hours_remaining": 8.5,
                "price_paid_cents": 45000,
                "enrolled_by_id": 5,
                "created_at": "2026-09-03T19:00:00+00:00",
            }
        )
    )

    id: int
    student_id: int
    offer: OfferSummary
    status: EnrollmentStatus
    hours_bought: float
    hours_used: float
    hours_remaining: float
    price_paid_cents: int
    enrolled_by_id: int | None
    created_at: datetime


class EnrollmentQuery(PageQuery):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=examples({"student_id": 12, "status": "active"})
    )

    student_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    status: EnrollmentStatus | None = None


class EnrollmentPath(BaseModel):
    enrollment_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 4})
