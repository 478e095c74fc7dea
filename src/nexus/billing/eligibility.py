"""Which services open the "services à la personne" tax credit (CGI art. 199 sexdecies).

The legal rule for tutoring (Code du travail D7231-1, "soutien scolaire ou cours à domicile"):
the service must be given at the family's home. Online lessons and lessons at the centre are
not eligible, nor are group lessons outside the home. Offers do not yet say where their
lessons happen, so an offer is eligible when it is individual tutoring (the house's individual
lessons are given at home); ARIA, small groups and holiday courses are not.
"""

from __future__ import annotations

from nexus.offers.models import Offer, OfferKind

ELIGIBLE_OFFER_KINDS = frozenset({OfferKind.INDIVIDUAL})


def offer_is_eligible(offer: Offer) -> bool:
    return offer.kind in ELIGIBLE_OFFER_KINDS
