"""The attestation fiscale as the API shows it (amounts in integer euro cents)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from nexus.api.schemas import MAX_ID, examples

FIGURES_EXAMPLE = {
    "family_id": 3,
    "year": 2025,
    "client_name": "Claire Martin",
    "client_address": "",
    "amount_cents": 22500,
    "excluded_cents": 5000,
    "minutes": 180,
    "invoices": [
        {
            "document_id": 7,
            "number": "F-2025-00004",
            "total_ttc_cents": 45000,
            "eligible_cents": 45000,
            "paid_in_year_cents": 22500,
            "excluded_cents": 5000,
            "eligible_paid_cents": 22500,
        }
    ],
    "interventions": [
        {"on": "2025-03-12", "teacher": "Hélène Dubois", "student": "Léa Martin", "minutes": 90}
    ],
    "issued": True,
    "issued_on": "2026-01-15",
    "sha256": "9f2c…",
}


class CertificatePath(BaseModel):
    family_id: int = Field(ge=1, le=MAX_ID, json_schema_extra={"example": 3})
    year: int = Field(ge=2000, le=2100, json_schema_extra={"example": 2025})


class InvoiceSharePublic(BaseModel):
    document_id: int
    number: str
    total_ttc_cents: int
    eligible_cents: int = Field(description="The invoice's part opening the tax credit")
    paid_in_year_cents: int = Field(
        description="Received in the year, net of reversals, CESU préfinancé and avance "
        "immédiate excluded"
    )
    excluded_cents: int = Field(description="CESU préfinancé and avance immédiate of the year")
    eligible_paid_cents: int = Field(description="paid_in_year pro rata of the eligible share")


class InterventionPublic(BaseModel):
    on: date
    teacher: str
    student: str
    minutes: int


class CertificatePublic(BaseModel):
    """Computed until issued (``issued`` false); once issued, the stored figures."""

    model_config = ConfigDict(json_schema_extra=examples(FIGURES_EXAMPLE))

    family_id: int
    year: int
    client_name: str
    client_address: str
    amount_cents: int = Field(description="Paid in the year for eligible services")
    excluded_cents: int
    minutes: int
    invoices: list[InvoiceSharePublic]
    interventions: list[InterventionPublic]
    issued: bool
    issued_on: date | None
    sha256: str | None
