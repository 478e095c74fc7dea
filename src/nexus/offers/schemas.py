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


TAX_CREDIT_EXAMPLE: dict[str, Any] = {
    "rate_bp": 5000,
    "credit_cents": 22500,
    "after_credit_cents": 22500,
    "after_credit_per_hour_cents": 2250,
    "note": (
        "Crédit d'impôt de 50 % (art. 199 sexdecies du CGI) sur les sommes effectivement "
        "payées, sous conditions"
    ),
}
PRICES_EXAMPLE: dict[str, Any] = {
    "total_ht_cents": 45000,
    "total_vat_cents": 0,
    "total_ttc_cents": 45000,
    "per_hour_ht_cents": 4500,
    "per_hour_ttc_cents": 4500,
    "vat_rate_bp": 0,
    "vat_exemption_mention": "TVA non applicable, art. 293 B du CGI",
    "tax_credit": TAX_CREDIT_EXAMPLE,
}


class TaxCreditPublic(BaseModel):
    """The services-à-la-personne tax credit, shown apart from the price."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra=examples(TAX_CREDIT_EXAMPLE))

    rate_bp: int = Field(description="50 % = 5000")
    credit_cents: int = Field(description="50 % of the TTC, rounded down to the cent")
    after_credit_cents: int = Field(description="TTC minus the credit")
    after_credit_per_hour_cents: int | None = Field(description="null for an offer of 0 hours")
    note: str = Field(description="The legal conditions, in French")


class PricesPublic(BaseModel):
    """Integer cents, computed by ``nexus.billing.prices`` (given at app set-up,
    ``nexus.offers.pricing``); the TTC is what the invoice charges (docs/billing.md)."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra=examples(PRICES_EXAMPLE))

    total_ht_cents: int
    total_vat_cents: int
    total_ttc_cents: int
    per_hour_ht_cents: int | None = Field(description="null for an offer of 0 hours")
    per_hour_ttc_cents: int | None = Field(description="null for an offer of 0 hours")
    vat_rate_bp: int = Field(description="VAT rate in basis points (10 % = 1000)")
    vat_exemption_mention: str | None = Field(description="When no VAT is charged: why")
    tax_credit: TaxCreditPublic | None = Field(
        description="Only for offers eligible to the services-à-la-personne tax credit"
    )


class OfferPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra=examples(
            {
                "id": 1,
                **OFFER_EXAMPLE,
                "created_at": "2026-09-01T08:00:00+00:00",
                "prices": PRICES_EXAMPLE,
            }
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
    prices: PricesPublic


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
