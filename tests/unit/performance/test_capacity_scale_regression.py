"""The verdicts of ``make perf`` beyond the budgets: capacity, 1,000 vs 10,000, regression."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.performance import capacity, regression, render, report, scale
from tests.performance.budgets import CAPACITY_HEADROOM

SCENARIO = report.Group("Aggregated", 6000, 0, 8, 40, 90, 120.0, mean_ms=12.0)


def _capacity(rps: float, failures: int = 0) -> capacity.Capacity:
    total = report.Group("Aggregated", int(rps * 45), failures, 20, 80, 150, rps, mean_ms=25.0)
    rampup = report.Rampup([], {}, locust_cpu_seconds=27.0, locust_wall_seconds=45.0)
    return capacity.Capacity.measured(32, total, 3000.0, rampup)


def test_the_offered_load_is_what_the_thinking_users_send() -> None:
    # 120 req/s at 12 ms: 1.44 requests in flight, 98.56 of 100 users thinking.
    assert capacity.offered_load(SCENARIO, 100) == pytest.approx(120.0 * 100 / 98.56)
    # A saturated run serves less than its users offer: 65 req/s at 900 ms mean.
    saturated = report.Group("Aggregated", 3900, 0, 600, 1300, 4700, 65.0, mean_ms=900.0)
    assert capacity.offered_load(saturated, 100) == pytest.approx(65.0 / (1 - 0.585))


@pytest.mark.parametrize(
    "total",
    [
        report.Group("Aggregated", 0, 0, 0, 0, 0, 0.0),
        report.Group("Aggregated", 100, 0, 0, 0, 0, 100.0, mean_ms=1000.0),  # nobody thinking
    ],
)
def test_an_offered_load_without_thinking_users_is_refused(total: report.Group) -> None:
    with pytest.raises(ValueError):
        capacity.offered_load(total, 100)


def test_capacity_passes_at_three_times_the_offered_load_and_reports_locust_cpu() -> None:
    offered = capacity.offered_load(SCENARIO, 100)
    record, (headroom, failures) = capacity.evaluate(
        _capacity(CAPACITY_HEADROOM * offered + 1), SCENARIO, 100
    )
    assert headroom.passed and headroom.gate and failures.passed
    assert record["locust_cores"] == 0.6 and record["ratio"] == pytest.approx(0.122, abs=1e-3)
    assert "Locust itself used 0.60 cores" in headroom.detail
    record, (headroom, _) = capacity.evaluate(
        _capacity(CAPACITY_HEADROOM * offered - 1), SCENARIO, 100
    )
    assert not headroom.passed and record["headroom"] < CAPACITY_HEADROOM


def test_capacity_fails_on_failed_requests_and_on_an_unknown_offered_load() -> None:
    _, (_, failures) = capacity.evaluate(_capacity(1000.0, failures=3), SCENARIO, 100)
    assert not failures.passed and failures.detail.startswith("3 of ")
    broken = report.Group("Aggregated", 100, 0, 0, 0, 0, 100.0, mean_ms=1000.0)
    record, (headroom, _) = capacity.evaluate(_capacity(1000.0), broken, 100)
    assert not headroom.passed and "offered load unknown" in headroom.detail
    assert record["offered_rps"] is None and record["headroom"] is None


def _group(name: str, p95: float) -> report.Group:
    return report.Group(name, 100, 0, p95 / 2, p95, p95 * 2, 1.0)


def test_scale_p95_within_the_factor_or_the_floor() -> None:
    main = [_group("A", 100.0), _group("B", 100.0), _group("C", 5.0), _group("D", 5.0)]
    large = [_group("A", 120.0), _group("B", 121.0), _group("C", 15.0), _group("D", 16.0)]
    rows = scale.p95_rows(main, large, factor=1.2, floor_ms=10.0)
    assert [(r.name, r.passed) for r in rows] == [
        ("A", True),  # exactly 1.2 x
        ("B", False),  # 1.21 x and + 21 ms
        ("C", True),  # 3 x, but only + 10 ms
        ("D", False),
    ]
    assert rows[1].factor == pytest.approx(1.21)


def test_a_group_without_requests_after_the_reset_is_not_compared_but_missing() -> None:
    idle = report.Group("E", 0, 0, 0, 0, 0, 0.0)
    assert not scale.p95_rows([_group("E", 30.0)], [idle])
    assert scale.missing([_group("E", 30.0), idle], [idle]) == ["E"]


def test_scale_saturation_ratio_may_drop_by_the_factor_at_most() -> None:
    main = [{"name": "x", "ratio": 0.60}, {"name": "y", "ratio": 0.60}, {"name": "z", "ratio": 1}]
    large = [{"name": "x", "ratio": 0.50}, {"name": "y", "ratio": 0.49}]
    rows = scale.saturation_rows(main, large, factor=1.2)
    assert [(r.name, r.passed) for r in rows] == [("x", True), ("y", False)]
    assert rows[1].factor == pytest.approx(0.60 / 0.49)


def test_scale_checks_name_what_grew_and_what_is_missing() -> None:
    p95 = scale.p95_rows([_group("A", 10.0), _group("B", 10.0)], [_group("A", 50.0)])
    sat = scale.saturation_rows([{"name": "x", "ratio": 0.5}], [{"name": "x", "ratio": 0.5}])
    absent = scale.missing([_group("A", 10.0), _group("B", 10.0)], [_group("A", 50.0)])
    latency, throughput = scale.checks((1000, 10000), p95, sat, absent)
    assert not latency.passed and latency.gate
    assert "A 10 -> 50 ms" in latency.detail and "missing at 10,000: B" in latency.detail
    assert "10,000 students" in latency.name and throughput.passed
    # No saturation figure at all is not a pass.
    assert not scale.checks((1000, 10000), [], [], [])[1].passed


def test_a_skipped_scale_phase_is_reported_and_is_not_a_pass() -> None:
    check = scale.skipped_check("PERF_SCALE=0")
    assert not check.passed and not check.gate and check.verdict == "MISS"


def _baseline(connections: int = 32, users: int = 32) -> dict[str, Any]:
    return {
        "users": 100,
        "groups": [{"name": "GET /a", "p95_ms": 10.0}],
        "saturation": {
            "connections": connections,
            "endpoints": [{"name": "GET /health", "ratio": 0.80}, {"name": "GET /x", "ratio": 0.5}],
        },
        "capacity": {"users": users, "ratio": 0.10},
    }


def _now(health: float, capacity_ratio: float) -> tuple[dict[str, Any], dict[str, Any]]:
    saturation = {"connections": 32, "endpoints": [{"name": "GET /health", "ratio": health}]}
    return saturation, {"users": 32, "ratio": capacity_ratio}


def test_ratio_regression_fails_on_a_drop_beyond_the_threshold_only() -> None:
    deltas, notes = regression.ratio_deltas(_baseline(), *_now(0.65, 0.081))
    assert not notes and [d.name for d in deltas] == ["GET /health", "capacity (closed-loop mix)"]
    assert regression.ratio_check(deltas, pct=20.0).passed  # -18.75 %, -19 %
    deltas, _ = regression.ratio_deltas(_baseline(), *_now(0.63, 0.2))
    check = regression.ratio_check(deltas, pct=20.0)
    assert not check.passed and "GET /health 0.800 -> 0.630 (-21 %)" in check.detail
    faster, _ = regression.ratio_deltas(_baseline(), *_now(2.0, 0.5))
    assert regression.ratio_check(faster, pct=20.0).passed


def test_ratios_measured_differently_are_not_compared_and_nothing_compared_fails() -> None:
    deltas, notes = regression.ratio_deltas(_baseline(connections=64, users=16), *_now(0.1, 0.01))
    assert not deltas and len(notes) == 2 and "64 wrk connections" in notes[0]
    check = regression.ratio_check(deltas)
    assert not check.passed and check.gate and "nothing comparable" in check.detail


def test_p95_deltas_are_listed_at_the_same_load_only() -> None:
    groups = [report.Group("GET /a", 10, 0, 5, 30, 40, 1.0), _group("GET /new", 9.0)]
    deltas = regression.p95_deltas(_baseline(), groups, users=100)
    assert [(d.name, d.change_ms, d.change_pct) for d in deltas] == [("GET /a", 20.0, 200.0)]
    assert not regression.p95_deltas(_baseline(), groups, users=50)
    record = regression.record([], deltas, 20.0)
    assert record["p95"][0]["change_pct"] == 200.0


def test_the_summary_shows_capacity_scale_and_regression(tmp_path: Path) -> None:
    summary = report.Summary(100, "60s", [_group("GET /a", 12.0)], SCENARIO, students=1000)
    summary.capacity, checks = capacity.evaluate(_capacity(1200.0), SCENARIO, 100)
    summary.checks += checks
    p95 = scale.p95_rows([_group("GET /a", 12.0)], [_group("GET /a", 13.0)])
    sat = scale.saturation_rows([{"name": "x", "ratio": 0.5}], [{"name": "x", "ratio": 0.3}])
    summary.scale = scale.record((1000, 10000), 95.0, p95, sat)
    summary.checks += scale.checks((1000, 10000), p95, sat, [])
    deltas, _ = regression.ratio_deltas(_baseline(), *_now(0.5, 0.4))
    summary.regression = regression.record(deltas, [], 20.0)
    summary.checks.append(regression.ratio_check(deltas, 20.0))
    render.write(summary, tmp_path)
    markdown = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "Capacity (closed loop, the same mix, 32 users, no think time): **1200 req/s**" in (
        markdown
    )
    assert "Locust's own CPU: 0.60 cores" in markdown
    assert "| p95 GET /a | 12 ms | 13 ms | 1.08 | PASS |" in markdown
    assert "| saturation x | 0.500 | 0.300 | 1.67 | FAIL |" in markdown
    assert "| GET /health | 0.800 | 0.500 | -38 % FAIL |" in markdown
    assert markdown.startswith("## Performance: FAIL")
    data = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert data["capacity"]["rps"] == 1200.0 and data["scale"]["seed_seconds"] == 95.0
    assert data["regression"]["ratios"][0]["dropped"] is True
    text = render.table(summary)
    assert "capacity: 1200 req/s closed loop (32 users)" in text
    assert "scale: 1,000 -> 10,000 students" in text


def test_a_skipped_scale_phase_is_said_in_the_summary() -> None:
    summary = report.Summary(100, "60s", [], SCENARIO, students=1000)
    summary.scale = {"skipped": True, "reason": "PERF_SCALE=0"}
    summary.checks.append(scale.skipped_check("PERF_SCALE=0"))
    markdown = render.markdown(summary)
    assert markdown.startswith("## Performance: PASS (incomplete: the scale phase was skipped)")
    assert "Scale phase: **skipped** (PERF_SCALE=0): not a pass." in markdown
    assert "| cost as the data grows (scale phase) | MISS | skipped: PERF_SCALE=0 |" in markdown
