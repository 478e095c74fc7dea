"""The price of an offer as the law wants it shown and as its invoice will charge it.

One owner: :func:`offer_prices` is what the public catalogue shows *and* what
:mod:`nexus.billing.subscriptions` invoices, so the displayed TTC is the invoiced TTC.

Rounding (integer cents, ``decimal.ROUND_HALF_UP`` unless said otherwise):

- the offer's ``price_cents`` is the TTC the admin asks for; the unit price HT of one hour is
  derived from it at the seller's VAT rate and rounded to the cent
  (:func:`nexus.billing.amounts.ht_from_ttc`);
- the totals HT, TVA and TTC are the invoice line's (:func:`nexus.billing.amounts.line_amounts`:
  hours × unit HT, VAT on that HT rounded once). With VAT, or when the hours do not divide the
  price, the invoiced TTC may differ from ``price_cents`` by a few cents: the catalogue shows
  the invoiced figure, never the requested one;
- per-hour figures are the totals divided by the hours, rounded half-up (``None`` for an offer
  of 0 hours, such as ARIA alone);
- the tax credit is 50 % of the TTC rounded *down* to the cent, and the price after it is the
  TTC minus that credit: the net cost shown is never lower than the real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app

from nexus.billing.amounts import ht_from_ttc, line_amounts
from nexus.billing.eligibility import offer_is_eligible
from nexus.config import BusinessIdentity, Settings
from nexus.offers.models import Offer
from nexus.offers.pricing import Pricer
from nexus.offers.schemas import PricesPublic

TAX_CREDIT_RATE_BP = 5000
# A legal mention in French whatever the reader's language (like the invoice's mentions).
TAX_CREDIT_NOTE = (
    "Crédit d'impôt de 50 % (art. 199 sexdecies du CGI) sur les sommes effectivement payées, "
    "sous conditions"
)


@dataclass(frozen=True)
class TaxCredit:
    rate_bp: int
    credit_cents: int
    after_credit_cents: int
    after_credit_per_hour_cents: int | None
    note: str


@dataclass(frozen=True)
class OfferPrices:
    hours: int
    # The invoice line: quantity in hundredths of an hour (at least one unit) and its unit HT.
    quantity_hundredths: int
    unit_price_ht_cents: int
    vat_rate_bp: int
    vat_exemption_mention: str | None
    total_ht_cents: int
    total_vat_cents: int
    total_ttc_cents: int
    per_hour_ht_cents: int | None
    per_hour_ttc_cents: int | None
    tax_credit: TaxCredit | None


def _per_hour(total_cents: int, hours: int) -> int | None:
    if hours <= 0:
        return None
    return int((Decimal(total_cents) / Decimal(hours)).quantize(Decimal(1), ROUND_HALF_UP))


def offer_prices(offer: Offer, seller: BusinessIdentity) -> OfferPrices:
    """HT, VAT, TTC (total and per hour) and, for an eligible offer, the price after the
    services-à-la-personne tax credit, shown apart from the price (arrêté du 17 mars 2015)."""
    rate = seller.vat_rate_bp
    quantity = max(offer.hours, 1) * 100
    unit_ht = ht_from_ttc(offer.price_cents, quantity, rate)
    line = line_amounts(unit_ht, quantity, rate)
    tax_credit = None
    if offer_is_eligible(offer, seller.tax_credit_rule):
        credit = line.total_ttc_cents * TAX_CREDIT_RATE_BP // 10_000
        after = line.total_ttc_cents - credit
        tax_credit = TaxCredit(
            TAX_CREDIT_RATE_BP, credit, after, _per_hour(after, offer.hours), TAX_CREDIT_NOTE
        )
    return OfferPrices(
        hours=offer.hours,
        quantity_hundredths=quantity,
        unit_price_ht_cents=unit_ht,
        vat_rate_bp=rate,
        vat_exemption_mention=seller.vat_exemption_mention if rate == 0 else None,
        total_ht_cents=line.total_ht_cents,
        total_vat_cents=line.total_vat_cents,
        total_ttc_cents=line.total_ttc_cents,
        per_hour_ht_cents=_per_hour(line.total_ht_cents, offer.hours),
        per_hour_ttc_cents=_per_hour(line.total_ttc_cents, offer.hours),
        tax_credit=tax_credit,
    )


def _seller() -> BusinessIdentity:
    settings: Settings = current_app.extensions["settings"]
    return settings.billing_business


def public_prices(offer: Offer) -> PricesPublic:
    """:func:`offer_prices` at this app's seller's settings, as every offer's JSON shows it."""
    return PricesPublic.model_validate(offer_prices(offer, _seller()))


def variant() -> str:
    seller = _seller()
    return f"vat={seller.vat_rate_bp}:{seller.vat_exemption_mention}"


PRICER = Pricer(prices=public_prices, variant=variant)
