from __future__ import annotations

import pytest

from nexus.billing.amounts import LineAmounts, line_amounts
from nexus.billing.models import DocumentKind
from nexus.billing.numbering import format_number


@pytest.mark.parametrize(
    ("unit", "quantity", "rate", "expected"),
    [
        (4000, 100, 0, LineAmounts(4000, 0, 4000)),
        (3333, 150, 0, LineAmounts(5000, 0, 5000)),  # 49.995 € rounds half-up to 50.00 €
        (1001, 50, 0, LineAmounts(501, 0, 501)),  # 5.005 € -> 5.01 €
        (2525, 100, 2000, LineAmounts(2525, 505, 3030)),
        (1234, 100, 550, LineAmounts(1234, 68, 1302)),  # 0.6787 € VAT -> 0.68 €
        (1010, 100, 550, LineAmounts(1010, 56, 1066)),  # 0.5555 € VAT -> 0.56 €
    ],
)
def test_line_amounts_round_half_up_per_line(
    unit: int, quantity: int, rate: int, expected: LineAmounts
) -> None:
    assert line_amounts(unit, quantity, rate) == expected


def test_numbers_are_prefixed_by_kind_and_year() -> None:
    assert format_number(DocumentKind.INVOICE, 2026, 42) == "F-2026-00042"
    assert format_number(DocumentKind.CREDIT_NOTE, 2027, 3) == "A-2027-00003"
