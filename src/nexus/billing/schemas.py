"""Billing documents as the API shows them (amounts in integer euro cents)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from nexus.api.schemas import MAX_ID, PageQuery, examples
from nexus.billing.models import DocumentKind

LINE_EXAMPLE: dict[str, Any] = {
    "position": 1,
    "designation": "Coaching individuel — 10 h",
    "quantity_hundredths": 1000,
    "unit_price_ht_cents": 4500,
    "vat_rate_bp": 0,
    "total_ht_cents": 45000,
    "total_vat_cents": 0,
    "total_ttc_cents": 45000,
    "eligible_cents": 45000,
}


class DocumentLinePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra=examples(LINE_EXAMPLE))

    position: int
    designation: str
    quantity_hundredths: int = Field(description="Quantity in hundredths (1.5 h = 150)")
    unit_price_ht_cents: int
    vat_rate_bp: int = Field(description="VAT rate in basis points (10 % = 1000)")
    total_ht_cents: int
    total_vat_cents: int
    total_ttc_cents: int
    eligible_cents: int = Field(description="Part opening the 50 % tax credit (SAP)")


class DocumentPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra=examples(
            {
                "id": 7,
                "kind": "invoice",
                "number": "F-2026-00007",
                "credits_id": None,
                "family_id": 3,
                "enrollment_id": 4,
                "buyer_name": "Claire Martin",
                "issued_on": "2026-12-03",
                "due_on": "2027-01-02",
                "total_ht_cents": 45000,
                "total_vat_cents": 0,
                "total_ttc_cents": 45000,
                "eligible_cents": 45000,
                "lines": [LINE_EXAMPLE],
            }
        ),
    )

    id: int
    kind: DocumentKind
    number: str
    credits_id: int | None
    family_id: int | None
    enrollment_id: int | None
    buyer_name: str
    issued_on: date
    due_on: date
    total_ht_cents: int
    total_vat_cents: int
    total_ttc_cents: int
    eligible_cents: int
    lines: list[DocumentLinePublic]


class DocumentQuery(PageQuery):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"kind": "invoice"}))

    kind: DocumentKind | None = None


class DocumentPath(BaseModel):
    document_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 7})
