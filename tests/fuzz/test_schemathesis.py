"""Property-based fuzzing of the whole API from /openapi.json (Schemathesis).

Every operation gets generated valid (positive) and invalid (negative) requests, signed in as
a parent and as an administrator (the role that reaches the deepest code). Every check
Schemathesis has but one (tests/fuzz/checks.py). Runs in-process through the WSGI app on
the test database (rolled back afterwards). Bounded: MAX_EXAMPLES per operation and mode.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

from nexus.accounts.roles import Role
from tests.fuzz.checks import CHECKS, SKIPPED
from tests.support.api import Api

MAX_EXAMPLES = 6


def _fuzz(
    operation: Any, mode: GenerationMode, headers: dict[str, str], calls: list[int]
) -> list[str]:
    failures: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case: schemathesis.Case) -> None:
        calls.append(1)
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()  # pylint: disable=no-value-for-parameter  # hypothesis supplies ``case``
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            failures.append(f"{operation.method.upper()} {operation.path}: no valid input")
        # An operation without inputs has no invalid request to generate.
    except Exception as exc:  # pylint: disable=broad-exception-caught
        failures.append(f"{operation.method.upper()} {operation.path} [{mode.value}]: {exc}")
    return failures


@pytest.mark.parametrize("role", [Role.PARENT, Role.ADMIN], ids=lambda role: role.value)
def test_every_operation_conforms_to_its_schema(app: Flask, api: Api, role: Role) -> None:
    assert len(CHECKS) >= 12, [check.__name__ for check in CHECKS]
    headers = api.actor(role).headers
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    failures: list[str] = []
    operations = 0
    calls: list[int] = []
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures.extend(_fuzz(operation, mode, headers, calls))
    elapsed = time.monotonic() - started
    print(
        f"\nstateless ({role.value}): {operations} operations, {len(calls)} requests, "
        f"{elapsed:.0f} s, {len(failures)} failures"
    )
    assert operations >= 7
    assert not failures, "\n\n".join(failures)
