"""Which services open the "services à la personne" tax credit (CGI art. 199 sexdecies).

The legal rule for tutoring (Code du travail D7231-1, "soutien scolaire ou cours à domicile"):
the service must be given at the family's home. Online lessons and lessons at the centre are
not eligible, nor are group lessons outside the home. Offers do not yet say where their
lessons happen, so an offer is eligible when it is individual tutoring (the house's individual
lessons are given at home); ARIA, small groups and holiday courses are not.
"""

from __future__ import annotations

from enum import StrEnum

from nexus.offers.models import Offer, OfferKind

ELIGIBLE_OFFER_KINDS = frozenset({OfferKind.INDIVIDUAL})


def offer_is_eligible(offer: Offer) -> bool:
    return offer.kind in ELIGIBLE_OFFER_KINDS


class LineKind(StrEnum):
    """What a custom line (quote or ad-hoc invoice) bills, for the tax-credit rules."""

    # Individual tutoring given at the family's home (D7231-1): eligible.
    HOME_TUTORING = "home_tutoring"
    # Any other lesson (online, at the centre, in a group): not eligible.
    SERVICE = "service"
    # Travel costs ("frais de déplacement"): eligible only when billed with an eligible
    # service on the same document (they are then part of the service at home).
    TRAVEL = "travel"
    # Material, books, fees and anything else: never eligible.
    MATERIAL = "material"
    OTHER = "other"


def lines_eligibility(kinds: list[LineKind]) -> list[bool]:
    """Whether each line of one document opens the tax credit, in order."""
    with_eligible_service = LineKind.HOME_TUTORING in kinds
    return [
        kind is LineKind.HOME_TUTORING or (kind is LineKind.TRAVEL and with_eligible_service)
        for kind in kinds
    ]
