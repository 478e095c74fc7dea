"""Stateful fuzzing (Schemathesis state machine) where the API has real chains of calls.

Schemathesis infers the links between operations from the schema (a POST returning an
``id``, operations taking ``{content_id}``, ``{offer_id}``…): it creates content and offers,
then reads, edits, publishes and deletes *those* items, instead of random ids that 404.
Signed in as an administrator (every operation of these resources is open to them).
Each sequence runs in a savepoint rolled back after it. Bounded: MAX_EXAMPLES sequences of at
most STEPS calls, derandomized.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.engine import Connection

from nexus.accounts.roles import Role
from tests.support.api import Api

MAX_EXAMPLES = 40
STEPS = 10
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
)


def test_content_and_offer_lifecycles_hold_together(
    app: Flask, api: Api, connection: Connection
) -> None:
    headers = api.actor(Role.ADMIN).headers
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app).include(
        path_regex=r"^/api/v1/(content|offers)"
    )
    base = schema.as_state_machine()
    calls: list[str] = []

    class Lifecycles(base):  # type: ignore[misc, valid-type]
        # Each sequence starts from the same data (a savepoint rolled back after it): what
        # Hypothesis replays must behave the same, or it reports flaky generation.
        def setup(self) -> None:
            self.savepoint = connection.begin_nested()

        def teardown(self) -> None:
            self.savepoint.rollback()

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(
            self,
            response: Any,
            case: schemathesis.Case,
            additional_checks: Any = None,
            **kwargs: Any,
        ) -> None:
            calls.append(f"{case.method} {case.formatted_path} -> {response.status_code}")
            case.validate_response(response, checks=CHECKS)

    links = sum(1 for _ in base.bundles)  # resources Schemathesis chains calls through
    assert links >= 1, "no link inferred between the content/offer operations"
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
    chained = [c for c in calls if c.split()[0] in ("PATCH", "DELETE") and "-> 404" not in c]
    print(f"\nstateful: {len(calls)} calls; {len(chained)} edits of created items")
    assert chained, "no PATCH/DELETE reached an item created in the same sequence"
