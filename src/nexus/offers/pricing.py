"""An offer's public JSON with its prices, whose rule billing owns.

Billing (a higher layer: VAT, the tax credit) gives its pricer at app set-up
(``nexus.routes.offer_pricer``), like the teaching relations of ``nexus.people.access``: the
offers show the prices, billing computes them, and offers does not import billing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nexus.offers.models import Offer
from nexus.offers.schemas import OfferPublic, PricesPublic


@dataclass(frozen=True)
class Pricer:
    prices: Callable[[Offer], PricesPublic]
    # What the prices depend on besides the offer (the seller's VAT settings): part of the
    # key of every cached answer that shows prices.
    variant: Callable[[], str]


_pricer: list[Pricer] = []


def price_with(pricer: Pricer) -> None:
    """The one pricer (replaces what was set before)."""
    _pricer[:] = [pricer]


def _current() -> Pricer:
    if not _pricer:
        raise RuntimeError("no offer pricer: nexus.create_app gives it (nexus.routes)")
    return _pricer[0]


def prices_of(offer: Offer) -> PricesPublic:
    return _current().prices(offer)


def price_variant() -> str:
    return _current().variant()


def to_public(offer: Offer) -> OfferPublic:
    return OfferPublic(
        id=offer.id,
        code=offer.code,
        name=offer.name,
        kind=offer.kind,
        description=offer.description,
        price_cents=offer.price_cents,
        hours=offer.hours,
        max_group_size=offer.max_group_size,
        is_active=offer.is_active,
        created_at=offer.created_at,
        prices=prices_of(offer),
    )
