"""What strangers may read: offers with their prices, teachers by first name and initial."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nexus.api.schemas import PageQuery, examples
from nexus.billing.prices import TAX_CREDIT_NOTE, OfferPrices
from nexus.content.vocabulary import Level, Subject
from nexus.offers.models import Offer, OfferKind

TAX_CREDIT_EXAMPLE: dict[str, Any] = {
    "rate_bp": 5000,
    "credit_cents": 22500,
    "after_credit_cents": 22500,
    "after_credit_per_hour_cents": 2250,
    "note": TAX_CREDIT_NOTE,
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
    """Integer cents; the TTC is what the invoice charges (docs/billing.md)."""

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


CATALOGUE_OFFER_EXAMPLE: dict[str, Any] = {
    "id": 1,
    "code": "coaching-individuel-10h",
    "name": "Coaching individuel — 10 h",
    "kind": "individual",
    "description": "Dix heures de cours particuliers avec un professeur attitré.",
    "hours": 10,
    "max_group_size": 1,
    "prices": PRICES_EXAMPLE,
}


class CatalogueOffer(BaseModel):
    model_config = ConfigDict(json_schema_extra=examples(CATALOGUE_OFFER_EXAMPLE))

    id: int
    code: str
    name: str
    kind: OfferKind
    description: str
    hours: int
    max_group_size: int
    prices: PricesPublic

    @classmethod
    def of(cls, offer: Offer, prices: OfferPrices) -> CatalogueOffer:
        return cls(
            id=offer.id,
            code=offer.code,
            name=offer.name,
            kind=offer.kind,
            description=offer.description,
            hours=offer.hours,
            max_group_size=offer.max_group_size,
            prices=PricesPublic.model_validate(prices),
        )


class CatalogueOfferQuery(PageQuery):
    """Offers carry no subject or level: they are filtered by kind."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"kind": "individual"}))

    kind: OfferKind | None = None
    sort: Literal["price_cents", "-price_cents", "name", "created_at"] = "price_cents"


class CatalogueTeacher(BaseModel):
    """No identifier, no e-mail, no full last name, no availability."""

    model_config = ConfigDict(
        json_schema_extra=examples(
            {
                "first_name": "Sophie",
                "last_name_initial": "B.",
                "subjects": ["mathematiques"],
                "levels": ["premiere", "terminale"],
                "bio": "Agrégée de mathématiques, 12 ans d'expérience en lycée.",
            }
        )
    )

    first_name: str
    last_name_initial: str
    subjects: list[Subject]
    levels: list[Level]
    bio: str = Field(description="The first sentences of the teacher's biography")
