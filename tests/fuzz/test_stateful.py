"""Stateful fuzzing (Schemathesis state machine) over the whole API, as a parent and as an admin.

Schemathesis infers the links between operations from the schema (a POST returning an
``id``, operations taking ``{content_id}``, ``{offer_id}``…): it creates items, then reads,
edits and deletes *those* items, instead of random ids that 404. Every check of
tests/fuzz/checks.py applies, including the stateful ones (``use_after_free``: a deleted item
stays gone; ``ensure_resource_availability``: a created item can be read back).
Each sequence runs in a savepoint rolled back after it. Bounded: MAX_EXAMPLES sequences of at
most STEPS calls, derandomized. 60 × 12: at 30 × 10 the API grown to ~150 operations left
some runs (another worker's order, Python 3.12) with no edit of a created item at all.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from sqlalchemy.engine import Connection

from nexus.accounts.roles import Role
from tests.fuzz.checks import CHECKS, SKIPPED
from tests.support.api import Api

MAX_EXAMPLES = 60
STEPS = 12


@pytest.mark.parametrize("role", [Role.PARENT, Role.ADMIN], ids=lambda role: role.value)
def test_api_lifecycles_hold_together(
    app: Flask, api: Api, connection: Connection, role: Role
) -> None:
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    # Configured, not passed per call: the auth checks then know the token is a real one.
    schema.config.update(headers=api.actor(role).headers)
    for method, path in SKIPPED:
        schema = schema.exclude(method=method, path=path)
    base = schema.as_state_machine()
    calls: list[str] = []
    started = time.monotonic()

    class Lifecycles(base):  # type: ignore[misc, valid-type]
        # Each sequence starts from the same data (a savepoint rolled back after it): what
        # Hypothesis replays must behave the same, or it reports flaky generation.
        def setup(self) -> None:
            self.savepoint = connection.begin_nested()

        def teardown(self) -> None:
            self.savepoint.rollback()

        def validate_response(
            self,
            response: Any,
            case: schemathesis.Case,
            additional_checks: Any = None,
            **kwargs: Any,
        ) -> None:
            calls.append(f"{case.method} {case.formatted_path} -> {response.status_code}")
            case.validate_response(
                response,
                checks=CHECKS,
                transport_kwargs=kwargs or None,
                recorder=getattr(self, "recorder", None),
            )

    links = sum(1 for _ in base.bundles)  # resources Schemathesis chains calls through
    assert links >= 1, "no link inferred between operations"
    Lifecycles.run(  # pylint: disable=no-member  # APIStateMachine.run
        settings=settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    chained = [c for c in calls if c.split()[0] in ("PATCH", "PUT", "DELETE") and "-> 404" not in c]
    print(
        f"\nstateful ({role.value}): {len(calls)} requests, {len(chained)} edits of created "
        f"items, {time.monotonic() - started:.0f} s, 0 failures"
    )
    assert chained, "no PATCH/PUT/DELETE reached an item created in the same sequence"
