"""What strangers may read: offers with their prices, teachers by first name and initial."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nexus.api.schemas import PageQuery, examples
from nexus.content.vocabulary import Level, Subject
from nexus.offers.models import Offer, OfferKind
from nexus.offers.schemas import PRICES_EXAMPLE, PricesPublic

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
    def of(cls, offer: Offer, prices: PricesPublic) -> CatalogueOffer:
        return cls(
            id=offer.id,
            code=offer.code,
            name=offer.name,
            kind=offer.kind,
            description=offer.description,
            hours=offer.hours,
            max_group_size=offer.max_group_size,
            prices=prices,
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
