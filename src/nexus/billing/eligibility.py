"""Which services open the "services à la personne" tax credit (CGI art. 199 sexdecies).

The rule is ``BILLING_BUSINESS.tax_credit_rule`` (:class:`nexus.config.TaxCreditRule`); its
default is the legal rule for tutoring (Code du travail D7231-1, "soutien scolaire ou cours à
domicile"): individual lessons given at the family's home. Online lessons, lessons at the
centre and group lessons are not eligible. Offers do not say where their lessons happen, so
an enrollment's invoice line is eligible when its offer's kind is listed (by default
individual tutoring, which the house gives at home); the attestation fiscale then lists only
the sessions whose kind and place are both eligible.
"""

from __future__ import annotations

from enum import StrEnum

from nexus.config import TaxCreditRule
from nexus.offers.models import Offer, OfferKind

DEFAULT_RULE = TaxCreditRule()
ELIGIBLE_OFFER_KINDS = frozenset(OfferKind(kind) for kind in DEFAULT_RULE.offer_kinds)


def offer_is_eligible(offer: Offer, rule: TaxCreditRule = DEFAULT_RULE) -> bool:
    return offer.kind.value in rule.offer_kinds


def session_is_eligible(kind: str, place: str, rule: TaxCreditRule = DEFAULT_RULE) -> bool:
    """``kind`` and ``place`` are a tutoring session's (``SessionKind``, ``SessionPlace``)."""
    return kind in rule.session_kinds and place in rule.places


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
