"""Billing documents as the API shows them (amounts in integer euro cents)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nexus.api.schemas import MAX_ID, PageQuery, examples
from nexus.billing.models import BillingDocument, DocumentKind, PaymentMethod
from nexus.billing.payments import Settlement, SettlementStatus

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
                "paid_cents": 20000,
                "outstanding_cents": 25000,
                "status": "partially_paid",
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
    paid_cents: int = Field(default=0, description="Payments net of reversals (invoices)")
    outstanding_cents: int = Field(
        default=0,
        description="TTC − credit notes − payments; negative when money is owed back",
    )
    status: SettlementStatus | None = Field(
        default=None, description="Invoices only: unpaid, partially_paid, paid or credited"
    )

    @classmethod
    def of(cls, document: BillingDocument, settled: Settlement | None) -> DocumentPublic:
        public = cls.model_validate(document)
        if settled is None:
            return public
        return public.model_copy(
            update={
                "paid_cents": settled.paid_cents,
                "outstanding_cents": settled.outstanding_cents,
                "status": settled.status,
            }
        )


class DocumentQuery(PageQuery):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"kind": "invoice"}))

    kind: DocumentKind | None = None


class DocumentPath(BaseModel):
    document_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 7})


PAYMENT_EXAMPLE: dict[str, Any] = {
    "id": 12,
    "document_id": 7,
    "family_id": 3,
    "amount_cents": 20000,
    "method": "transfer",
    "received_on": "2026-12-10",
    "reference": "VIR 2026-12-10 MARTIN",
    "reverses_id": None,
    "provider": None,
    "provider_reference": None,
    "recorded_by_id": 1,
}


class PaymentCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples(
            {"amount_cents": 20000, "method": "transfer", "received_on": "2026-12-10"}
        ),
    )

    amount_cents: int = Field(gt=0, le=100_000_000, description="Positive, in euro cents")
    method: PaymentMethod
    received_on: date | None = Field(default=None, description="Default: today (Paris)")
    reference: str = Field(default="", max_length=200, description="Cheque or transfer number")


class PaymentReversalCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=examples({"reference": "Chèque rejeté", "received_on": "2026-12-12"}),
    )

    received_on: date | None = Field(default=None, description="Default: today (Paris)")
    reference: str = Field(default="", max_length=200, description="Why it is reversed")


class PaymentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra=examples(PAYMENT_EXAMPLE))

    id: int
    document_id: int
    family_id: int | None
    amount_cents: int = Field(description="Negative for a reversal")
    method: PaymentMethod
    received_on: date
    reference: str
    reverses_id: int | None = Field(description="The payment a reversal undoes")
    provider: str | None
    provider_reference: str | None
    recorded_by_id: int | None


class PaymentList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=examples(
            {"items": [PAYMENT_EXAMPLE], "paid_cents": 20000, "outstanding_cents": 25000}
        )
    )

    items: list[PaymentPublic]
    paid_cents: int
    outstanding_cents: int
    status: SettlementStatus | None


class PaymentPath(BaseModel):
    document_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 7})
    payment_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 12})


class StatementLinePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    on: date = Field(description="Issue date, or the day the payment was received")
    kind: str = Field(description="invoice, credit_note, payment or reversal")
    label: str
    document_id: int
    payment_id: int | None
    amount_cents: int = Field(description="+ what the family owes more, − what it owes less")
    balance_cents: int = Field(description="Running balance after this line")


class StatementPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra=examples(
            {
                "family_id": 3,
                "family_name": "Claire Martin",
                "lines": [
                    {
                        "on": "2026-11-02",
                        "kind": "invoice",
                        "label": "Facture F-2026-00007",
                        "document_id": 7,
                        "payment_id": None,
                        "amount_cents": 45000,
                        "balance_cents": 45000,
                    }
                ],
                "invoiced_cents": 45000,
                "credited_cents": 0,
                "paid_cents": 0,
                "balance_cents": 45000,
            }
        ),
    )

    family_id: int
    family_name: str
    lines: list[StatementLinePublic]
    invoiced_cents: int
    credited_cents: int
    paid_cents: int
    balance_cents: int = Field(description="What the family owes (negative: owed to it)")


class FamilyPath(BaseModel):
    family_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 3})


class StatementQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"format": "pdf"}))

    format: Literal["json", "pdf"] = "json"


class RevenueQuery(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=examples({"from": "2026-01-01", "to": "2026-12-31"})
    )

    date_from: date | None = Field(
        default=None,
        alias="from",
        description="First day (default: 1st of the month, 11 months ago)",
    )
    date_to: date | None = Field(default=None, alias="to", description="Last day (default: today)")


class RevenueFigures(BaseModel):
    invoiced_cents: int = Field(description="TTC of the invoices issued")
    credited_cents: int = Field(description="TTC of the credit notes issued")
    net_invoiced_cents: int
    collected_cents: int = Field(description="Payments received, net of reversals")
    collected_by_method: dict[PaymentMethod, int]
    outstanding_cents: int = Field(description="What the invoices issued still owe today")


class RevenueMonth(RevenueFigures):
    month: str = Field(examples=["2026-11"])


_FIGURES_EXAMPLE = {
    "invoiced_cents": 180000,
    "credited_cents": 15000,
    "net_invoiced_cents": 165000,
    "collected_cents": 120000,
    "collected_by_method": {"transfer": 90000, "cesu_prefinanced": 30000},
    "outstanding_cents": 45000,
}


class RevenueReport(RevenueFigures):
    model_config = ConfigDict(
        populate_by_name=True,
        serialize_by_alias=True,
        json_schema_extra=examples(
            {
                "from": "2026-11-01",
                "to": "2026-11-30",
                **_FIGURES_EXAMPLE,
                "months": [{"month": "2026-11", **_FIGURES_EXAMPLE}],
            }
        ),
    )

    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")
    months: list[RevenueMonth]
