"""Quotes (devis) and ad-hoc invoices as the API takes and shows them (integer euro cents)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nexus.api.schemas import MAX_ID, InputModel, examples
from nexus.billing.charges import ChargeLine
from nexus.billing.eligibility import LineKind
from nexus.billing.models import Quote
from nexus.billing.schemas import DocumentLinePublic
from nexus.language import _

MAX_PRICE_CENTS = 10_000_000
CHARGE_EXAMPLE: dict[str, Any] = {
    "designation": "Frais de déplacement",
    "kind": "travel",
    "quantity_hundredths": 400,
    "unit_price_ttc_cents": 500,
}


class ChargeLineCreate(InputModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples(CHARGE_EXAMPLE))

    designation: str = Field(min_length=1, max_length=300)
    kind: LineKind = Field(
        description="home_tutoring (eligible), service, travel (eligible with an eligible "
        "service on the same document), material, other (never eligible)"
    )
    quantity_hundredths: int = Field(gt=0, le=1_000_000, description="1.5 = 150")
    unit_price_ht_cents: int | None = Field(default=None, ge=0, le=MAX_PRICE_CENTS)
    unit_price_ttc_cents: int | None = Field(
        default=None, ge=0, le=MAX_PRICE_CENTS, description="HT derived at the seller's rate"
    )

    @model_validator(mode="after")
    def _one_price(self) -> ChargeLineCreate:
        if (self.unit_price_ht_cents is None) == (self.unit_price_ttc_cents is None):
            raise ValueError(_("give exactly one of unit_price_ht_cents and unit_price_ttc_cents"))
        return self

    def to_line(self) -> ChargeLine:
        return ChargeLine(
            self.designation,
            self.kind,
            self.quantity_hundredths,
            self.unit_price_ht_cents,
            self.unit_price_ttc_cents,
        )


class InvoiceCreate(InputModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=examples({"family_id": 3, "lines": [CHARGE_EXAMPLE]})
    )

    family_id: int = Field(ge=1, le=MAX_ID, description="The parent account billed")
    lines: list[ChargeLineCreate] = Field(min_length=1, max_length=50)


class QuoteCreate(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples(
            {"family_id": 3, "student_id": 12, "offer_id": 1, "valid_until": "2027-01-03"}
        ),
    )

    family_id: int = Field(ge=1, le=MAX_ID, description="The parent account the quote is for")
    student_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="Required with offer_id: a child of the family"
    )
    offer_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    lines: list[ChargeLineCreate] | None = Field(default=None, min_length=1, max_length=50)
    valid_until: date | None = Field(default=None, description="Default: 30 days from today")

    @model_validator(mode="after")
    def _offer_or_lines(self) -> QuoteCreate:
        if (self.offer_id is None) == (self.lines is None):
            raise ValueError(_("give exactly one of offer_id and lines"))
        if self.offer_id is not None and self.student_id is None:
            raise ValueError(_("a quote for an offer needs the student_id it is for"))
        return self


class QuoteLinePublic(DocumentLinePublic):
    kind: LineKind


class QuotePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=examples(
            {
                "id": 2,
                "number": "D-2026-00002",
                "family_id": 3,
                "student_id": 12,
                "offer_id": 1,
                "buyer_name": "Claire Martin",
                "issued_on": "2026-12-04",
                "valid_until": "2027-01-03",
                "status": "issued",
                "total_ht_cents": 45000,
                "total_vat_cents": 0,
                "total_ttc_cents": 45000,
                "eligible_cents": 45000,
                "lines": [],
                "free_of_charge": True,
                "decided_at": None,
                "enrollment_id": None,
                "invoice_id": None,
            }
        ),
    )

    id: int
    number: str
    family_id: int
    student_id: int | None
    offer_id: int | None
    buyer_name: str
    issued_on: date
    valid_until: date = Field(description="Last day it can be accepted")
    status: str = Field(description="issued, accepted, declined or expired")
    total_ht_cents: int
    total_vat_cents: int
    total_ttc_cents: int
    eligible_cents: int
    lines: list[QuoteLinePublic]
    free_of_charge: bool = Field(default=True, description="A quote is free (« Devis gratuit »)")
    decided_at: datetime | None
    enrollment_id: int | None = Field(description="Created by accepting a quote for an offer")
    invoice_id: int | None = Field(description="The invoice issued on acceptance")

    @classmethod
    def of(cls, quote: Quote, status: str) -> QuotePublic:
        decision = quote.decision
        return cls(
            id=quote.id,
            number=quote.number,
            family_id=quote.family_id,
            student_id=quote.student_id,
            offer_id=quote.offer_id,
            buyer_name=quote.buyer_name,
            issued_on=quote.issued_on,
            valid_until=quote.valid_until,
            status=status,
            total_ht_cents=quote.total_ht_cents,
            total_vat_cents=quote.total_vat_cents,
            total_ttc_cents=quote.total_ttc_cents,
            eligible_cents=quote.eligible_cents,
            lines=[QuoteLinePublic.model_validate(line) for line in quote.lines],
            decided_at=decision.decided_at if decision else None,
            enrollment_id=decision.enrollment_id if decision else None,
            invoice_id=decision.invoice_id if decision else None,
        )


class QuotePath(BaseModel):
    quote_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 2})
