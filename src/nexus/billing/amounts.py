"""Line arithmetic in integer cents.

Rounding rule: each line is computed from its unit price HT and quantity, then rounded once
to the cent, half-up, with :class:`decimal.Decimal` (``ROUND_HALF_UP``); VAT is computed per
line on the rounded HT total and rounded the same way; document totals are the sums of the
rounded lines, so the printed lines always add up to the printed totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class LineAmounts:
    total_ht_cents: int
    total_vat_cents: int
    total_ttc_cents: int


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_amounts(
    unit_price_ht_cents: int, quantity_hundredths: int, vat_rate_bp: int
) -> LineAmounts:
    ht = _half_up(Decimal(unit_price_ht_cents) * Decimal(quantity_hundredths) / Decimal(100))
    vat = _half_up(Decimal(ht) * Decimal(vat_rate_bp) / Decimal(10000))
    return LineAmounts(ht, vat, ht + vat)


def ht_from_ttc(total_ttc_cents: int, quantity_hundredths: int, vat_rate_bp: int) -> int:
    """The unit price HT, to the cent (half-up), of a TTC total spread over a quantity."""
    unit_ttc = Decimal(total_ttc_cents) * Decimal(100) / Decimal(quantity_hundredths)
    return _half_up(unit_ttc * Decimal(10000) / Decimal(10000 + vat_rate_bp))
