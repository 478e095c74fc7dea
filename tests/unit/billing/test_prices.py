"""The one price computation: exempt and VAT-registered sellers, the tax credit shown apart."""

from __future__ import annotations

from nexus.billing.prices import TAX_CREDIT_NOTE, TaxCredit, offer_prices
from nexus.config import BusinessIdentity
from nexus.offers.models import Offer, OfferKind

EXEMPT = BusinessIdentity()
VAT_10 = BusinessIdentity(vat_rate_bp=1000, vat_number="FR40732829320")
VAT_20 = BusinessIdentity(vat_rate_bp=2000, vat_number="FR40732829320")


def _offer(kind: OfferKind, price_cents: int, hours: int) -> Offer:
    return Offer(code="x", name="x", kind=kind, price_cents=price_cents, hours=hours)


def test_an_exempt_seller_shows_ht_equal_to_ttc_and_the_exemption_mention() -> None:
    prices = offer_prices(_offer(OfferKind.INDIVIDUAL, 45_000, 10), EXEMPT)
    assert (prices.total_ht_cents, prices.total_vat_cents, prices.total_ttc_cents) == (
        45_000,
        0,
        45_000,
    )
    assert (prices.per_hour_ht_cents, prices.per_hour_ttc_cents) == (4_500, 4_500)
    assert prices.vat_rate_bp == 0
    assert prices.vat_exemption_mention == "TVA non applicable, art. 293 B du CGI"
    assert prices.tax_credit == TaxCredit(5000, 22_500, 22_500, 2_250, TAX_CREDIT_NOTE)


def test_a_vat_registered_seller_shows_the_invoiced_ttc() -> None:
    prices = offer_prices(_offer(OfferKind.INDIVIDUAL, 45_000, 10), VAT_10)
    # 45.00 € TTC an hour is 40.909… € HT, rounded half-up to 40.91 €; 10 h of it invoice
    # 409.10 € HT + 40.91 € TVA = 450.01 € TTC, which is what the catalogue shows.
    assert prices.unit_price_ht_cents == 4_091
    assert (prices.total_ht_cents, prices.total_vat_cents, prices.total_ttc_cents) == (
        40_910,
        4_091,
        45_001,
    )
    assert (prices.per_hour_ht_cents, prices.per_hour_ttc_cents) == (4_091, 4_500)
    assert prices.vat_rate_bp == 1000 and prices.vat_exemption_mention is None
    # The credit is rounded down (225.00 €), the net cost is the rest (225.01 €).
    assert prices.tax_credit == TaxCredit(5000, 22_500, 22_501, 2_250, TAX_CREDIT_NOTE)


def test_hours_that_do_not_divide_the_price_round_half_up_per_hour() -> None:
    prices = offer_prices(_offer(OfferKind.INDIVIDUAL, 45_000, 7), EXEMPT)
    assert prices.unit_price_ht_cents == 6_429  # 64.2857… €
    assert prices.total_ttc_cents == 45_003
    assert prices.tax_credit is not None
    assert (prices.tax_credit.credit_cents, prices.tax_credit.after_credit_cents) == (
        22_501,
        22_502,
    )
    assert prices.tax_credit.after_credit_per_hour_cents == 3_215  # 32.145… € -> 32.15 €


def test_ineligible_offers_have_no_tax_credit_and_zero_hours_no_hourly_price() -> None:
    aria = offer_prices(_offer(OfferKind.ARIA_ONLINE, 2_900, 0), VAT_20)
    assert aria.tax_credit is None
    assert (aria.per_hour_ht_cents, aria.per_hour_ttc_cents) == (None, None)
    assert (aria.total_ht_cents, aria.total_vat_cents, aria.total_ttc_cents) == (2_417, 483, 2_900)
    group = offer_prices(_offer(OfferKind.SMALL_GROUP, 32_000, 15), VAT_20)
    assert group.tax_credit is None
    assert (group.unit_price_ht_cents, group.total_ttc_cents) == (1_778, 32_004)
    assert group.per_hour_ttc_cents == 2_134  # 21.336 € -> 21.34 €
