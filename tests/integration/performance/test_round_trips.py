"""Round trips as a budget: each request of the load scenario, counted at the wire, against
its pin in tests/performance/round_trips.json (docs/performance.md, "Round trips").

A count that grows is a regression; one that shrinks is progress the pin must record: both
fail, with the whole measured table and the JSON to paste into the pins file (or run
``bin/perf round-trips --pin``). Needs PostgreSQL and Redis: fails in CI when either is missing.
"""

from __future__ import annotations

import json

import pytest

from tests.performance import round_trips
from tests.support import services

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def test_every_request_of_the_scenario_makes_exactly_its_pinned_round_trips() -> None:
    results = round_trips.measure(services.require_postgres(), services.require_redis())
    measured = round_trips.budgets(results)
    pinned = json.loads(round_trips.PINS.read_text(encoding="utf-8"))

    assert pinned["seed"] == round_trips.SEED, "the pins were taken on another seed"
    problems = round_trips.differences(measured, pinned["groups"])
    assert not problems, "\n".join(
        [
            "round trips differ from tests/performance/round_trips.json:",
            *problems,
            "",
            round_trips.table(measured, pinned["groups"]),
            "",
            "the measured figures, to paste into the pins file if the change is deliberate:",
            round_trips.dump(round_trips.pins_document(results)),
        ]
    )
