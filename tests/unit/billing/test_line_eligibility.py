"""Custom lines' tax-credit eligibility: travel follows an eligible service, material never."""

from __future__ import annotations

from nexus.billing.eligibility import LineKind, lines_eligibility


def test_travel_is_eligible_only_with_an_eligible_service_on_the_document() -> None:
    kinds = [LineKind.HOME_TUTORING, LineKind.TRAVEL, LineKind.MATERIAL, LineKind.OTHER]
    assert lines_eligibility(kinds) == [True, True, False, False]
    assert lines_eligibility([LineKind.SERVICE, LineKind.TRAVEL]) == [False, False]
    assert lines_eligibility([LineKind.TRAVEL]) == [False]
    assert lines_eligibility([]) == []
