"""The Schemathesis checks both fuzz tests apply: every check Schemathesis registers, but one.

``positive_data_acceptance`` is not applied: business rules the schema cannot carry (the
password policy beyond its lengths, booking rules, a score above the stored maximum…) rightly
refuse some schema-valid requests with 409/422; each operation's description says which.
"""

from __future__ import annotations

from schemathesis.checks import CHECKS as REGISTRY
from schemathesis.checks import load_all_checks

NOT_APPLIED = frozenset({"positive_data_acceptance"})
load_all_checks()
CHECKS = [check for check in REGISTRY.get_all() if check.__name__ not in NOT_APPLIED]
# Logging out would revoke the token every other case uses; covered by the auth tests.
SKIPPED = {("POST", "/api/v1/auth/logout")}
