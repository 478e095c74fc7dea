"""Every budget, target and tolerance ``make perf`` judges against, in one place.

docs/performance.md ("Budgets and verdicts") explains each one; the checks in
:mod:`tests.performance.report`, :mod:`tests.performance.capacity`,
:mod:`tests.performance.scale` and :mod:`tests.performance.regression` read them from here, and
their messages are built from these values. Gates fail the run; ``gate=False`` only reports.
"""

from __future__ import annotations

# Latency of the 100-user scenario, per API endpoint group.
DOCUMENTED_P95_MS = 200.0  # docs: 100 users at p95 < 200 ms: a gate
TARGET_P95_MS = 50.0  # our own target (issue 12): reported
TARGET_P95_GATED = False
# A login is one argon2id verification: its group has its own budget (PERF_LOGIN_P95_MS).
LOGIN_GROUP = "POST /api/v1/auth/login"
LOGIN_P95_MS = 1000.0

# Server memory: peak PSS sum of the gunicorn master and workers.
DOCUMENTED_MEMORY_MB = 500.0  # docs: < 500 MB per pod: a gate
TARGET_MEMORY_MB = 250.0  # issue 12's "done when": a gate too
TARGET_MEMORY_GATED = True

# Saturation (wrk): each endpoint's requests/s as a fraction of the bare-Flask floor measured
# in the same run (issue 12's table). Keyed by the endpoint's name in the saturation step.
SATURATION_TARGETS: dict[str, float] = {
    "GET /health": 0.80,
    "GET /api/v1/offers": 0.50,
    "GET /api/v1/content?q=dérivée": 0.35,
    "GET /api/v1/content?subject=nsi": 0.40,
    "GET /api/v1/dashboards/student": 0.15,
}
SATURATION_TARGETS_GATED = True

# Capacity: the closed-loop mix must sustain this many times the 100-user scenario's offered
# load (see capacity.offered_load).
CAPACITY_HEADROOM = 3.0

# Cost as the data grows: at PERF_SCALE_STUDENTS, each group's p95 and each saturation figure
# within this factor of the PERF_STUDENTS figures. A p95 also passes when it grew by no more
# than the floor (PERF_SCALE_FLOOR_MS): a p95 of a few ms moves by a few ms from run to run
# (integer milliseconds, a few hundred samples, 2 shared cores), which is no growth with data.
SCALE_FACTOR = 1.2
SCALE_P95_FLOOR_MS = 10.0

# Regression against tests/performance/baseline.json: a ratio to the floor (each saturated
# endpoint, the capacity mix) that dropped by more than this (PERF_REGRESSION_PCT) fails.
REGRESSION_DROP_PCT = 20.0

# Content search and ARIA retrieval, in process, on a bank of 10,000 generated items
# (tests/performance/search_scale.py, `make perf-search`): the ARIA issue's target, a gate.
SEARCH_P95_BUDGET_MS = 20.0
