"""The verdicts of ``make perf``: latency and memory budgets, ramp-up, rendering, wrk parsing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.performance import budgets, render, report, saturation

STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,\
90%,95%,98%,99%,99.9%,99.99%,100%
GET,/api/v1/offers,1200,0,4,5.1,2,80,900,20.0,0.0,4,5,5,6,8,12,20,31,70,80,80
GET,/api/v1/dashboards/student,900,2,9,11.0,4,400,3000,15.0,0.03,9,10,12,14,20,60,120,210,390,400,400
,Aggregated,2100,2,6,7.5,2,400,1800,35.0,0.03,6,7,8,9,15,40,90,150,390,400,400
"""


def stats_file(tmp_path: Path) -> Path:
    path = tmp_path / "locust_stats.csv"
    path.write_text(STATS, encoding="utf-8")
    return path


def test_locust_stats_are_read_per_group_with_the_aggregate(tmp_path: Path) -> None:
    groups, total = report.read_locust_stats(stats_file(tmp_path))
    assert [g.name for g in groups] == ["GET /api/v1/offers", "GET /api/v1/dashboards/student"]
    assert groups[1] == report.Group(
        "GET /api/v1/dashboards/student", 900, 2, 9, 60, 210, 15.0, 11.0
    )
    assert total.name == "Aggregated" and total.requests == 2100 and total.failures == 2


def test_a_stats_file_without_aggregate_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(STATS.splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Aggregated"):
        report.read_locust_stats(path)


def test_latency_checks_gate_on_the_documented_objective_and_report_the_target(
    tmp_path: Path,
) -> None:
    groups, total = report.read_locust_stats(stats_file(tmp_path))
    failures, documented, target = report.latency_checks(groups, total)
    assert not failures.passed and failures.gate
    assert "dashboards/student (2)" in failures.detail
    assert documented.passed and documented.gate  # worst p95 is 60 ms < 200 ms
    assert not target.passed and not target.gate and target.verdict == "MISS"
    assert "over: GET /api/v1/dashboards/student" in target.detail


def test_memory_is_judged_on_the_pss_sum() -> None:
    documented, target = report.memory_checks(peak_pss_mb=300.0, peak_rss_mb=620.0)
    assert documented.passed and not target.passed
    assert documented.detail == "peak PSS sum 300 MB (VmRSS sum 620 MB)"
    assert not report.memory_checks(peak_pss_mb=500.0, peak_rss_mb=500.0)[0].passed


def test_rampup_logins_become_the_login_group_and_failures_count(tmp_path: Path) -> None:
    groups, total = report.read_locust_stats(stats_file(tmp_path))
    path = tmp_path / "rampup.json"
    failures = {"GET /api/v1/dashboards/student": 2, "POST /api/v1/auth/login": 1}
    login_ms = [float(v) for v in range(1, 101)]
    steady = {"cpu_seconds": 9.0, "wall_seconds": 45.0}
    path.write_text(
        json.dumps({"login_ms": login_ms, "failures": failures, "locust_steady": steady})
    )
    rampup = report.read_rampup(path)
    assert rampup is not None and rampup.locust_cores == pytest.approx(0.2)
    groups, total, note = report.merge_rampup(groups, total, rampup)
    login = groups[0]
    assert (login.name, login.requests, login.failures) == ("POST /api/v1/auth/login", 100, 1)
    assert (login.p50_ms, login.p95_ms, login.p99_ms) == (50.0, 95.0, 99.0)
    assert total.failures == 3  # the steady state's 2 + the ramp-up's login
    assert "failures over the whole run: 3" in note
    assert report.read_rampup(tmp_path / "missing.json") is None


def test_a_rampup_record_without_cpu_figures_reports_no_locust_cores(tmp_path: Path) -> None:
    path = tmp_path / "rampup.json"
    path.write_text(json.dumps({"login_ms": [], "failures": {}}))
    rampup = report.read_rampup(path)
    assert rampup is not None and rampup.locust_cores is None


def test_each_saturated_endpoint_is_gated_on_its_target_ratio() -> None:
    saturation_record = {
        "floor_rps": 4000.0,
        "endpoints": [
            saturation.WrkResult("GET /health", 3300.0, 1.0, 5.0, 0, 0).as_dict(4000.0),
            saturation.WrkResult("GET /api/v1/offers", 1900.0, 1.0, 5.0, 0, 0).as_dict(4000.0),
            saturation.WrkResult("GET /elsewhere", 10.0, 1.0, 5.0, 0, 0).as_dict(4000.0),
        ],
    }
    checks = report.saturation_checks(saturation_record)
    assert len(checks) == 2  # no target, no check
    health, offers = checks[0], checks[1]
    assert health.passed and health.gate and "0.80" in health.name  # 0.825 >= 0.80
    assert not offers.passed and offers.verdict == "FAIL"  # 0.475 < 0.50
    assert offers.detail == "1900 req/s = 0.47 x 4000 req/s"


def test_every_saturated_endpoint_has_a_target() -> None:
    assert [name for name, _path, _auth in saturation.SATURATED] == list(budgets.SATURATION_TARGETS)


def test_summary_files_and_table_show_every_verdict(tmp_path: Path) -> None:
    groups, total = report.read_locust_stats(stats_file(tmp_path))
    summary = report.Summary(100, "60s", groups, total, students=1000)
    summary.checks = report.latency_checks(groups, total)
    summary.saturation = {
        "connections": 32,
        "duration": "10s",
        "floor_rps": 4000.0,
        "endpoints": [saturation.WrkResult("GET /health", 2000.0, 1.0, 5.0, 0, 0).as_dict(4000.0)],
    }
    summary.checks += report.saturation_checks(summary.saturation)
    summary.memory = {"description": "3 processes"}
    render.write(summary, tmp_path / "out")
    data = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert data["passed"] is False  # a request failed
    assert data["saturation"]["endpoints"][0]["ratio"] == 0.5
    assert data["groups"][0]["mean_ms"] == 5.1
    markdown = (tmp_path / "out" / "summary.md").read_text()
    assert markdown.startswith("## Performance: FAIL")
    assert "| GET /api/v1/offers | 1200 | 0 | 4 | 12 | 31 | 20.0 | PASS |" in markdown
    assert "| GET /health | 2000 | 0.500 | ≥ 0.80 |" in markdown
    assert "| saturation GET /health >= 0.80 of the floor (our target) | FAIL |" in markdown
    text = render.table(summary)
    assert "PASS (target missed)" in text and text.endswith("RESULT: FAIL")
    assert "x0.500 of the floor (target 0.80)" in text


WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/health
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.10ms    1.20ms  40.00ms   90.00%
  Latency Distribution
     50%    4.80ms
     75%    5.50ms
     90%    6.70ms
     99%   12.30ms
  30000 requests in 10.00s, 5.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec:   3000.12
Transfer/sec:    512.00KB
"""


def test_wrk_output_is_parsed() -> None:
    result = saturation.parse("GET /health", WRK_OUTPUT)
    assert result == saturation.WrkResult("GET /health", 3000.12, 4.8, 12.3, 7, 3)
    micro = saturation.parse("x", WRK_OUTPUT.replace("4.80ms", "480.00us"))
    assert micro.p50_ms == 0.48


def test_wrk_without_a_result_and_remote_targets_are_refused() -> None:
    with pytest.raises(ValueError, match="Requests/sec"):
        saturation.parse("x", "unable to connect")
    with pytest.raises(ValueError, match="loopback"):
        saturation.run("x", "http://10.0.0.1/health")


def test_logins_have_their_own_budget_and_stay_reported_against_200_ms() -> None:
    login = report.Group(report.LOGIN_GROUP, 100, 0, 350, 620, 750, 0.0)
    api = report.Group("GET /api/v1/offers", 300, 0, 3, 18, 51, 7.0)
    total = report.Group("Aggregated", 400, 0, 5, 40, 70, 100.0)
    checks = {c.name.split(" (")[0]: c for c in report.latency_checks([login, api], total)}
    assert checks["p95 < 200 ms for every API group"].passed  # the login is not in it
    assert checks["login p95 < 1000 ms"].passed and checks["login p95 < 1000 ms"].gate
    assert "over" in next(c.name for c in checks.values() if c.name.startswith("login"))
    slow = report.Group(report.LOGIN_GROUP, 100, 0, 900, 1200, 1300, 0.0)
    assert not report.latency_checks([slow], total)[-1].passed
    assert report.latency_checks([slow], total, login_p95_ms=2000)[-1].passed
