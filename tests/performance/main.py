"""``bin/perf run|saturation|memory|baseline``: the steps of ``make perf`` (docs/performance.md).

Runs with the application's interpreter (``.venv``); Locust runs from ``.venv-perf``. A full
run: the bare-Flask floor (measured once, reused by every ratio); the main phase at
``PERF_STUDENTS`` (100-user scenario, closed-loop capacity run, wrk saturation, memory
growth); the scale phase at ``PERF_SCALE_STUDENTS`` on a database of its own (100-user
scenario, saturation); then the checks, ``summary.json`` and ``summary.md``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from tests.performance import budgets, capacity, memory, regression, render, report, saturation
from tests.performance import scale as scale_check
from tests.performance.environment import DOMAIN, PASSWORD, PerfEnvironment, prepared, settle
from tests.performance.load import (
    CLOSED_LOOP_USERS,
    REPORTS,
    ROOT,
    SCENARIO_USERS,
    LocustResult,
    LocustRun,
    run_locust,
)
from tests.performance.server import Gunicorn, MemoryWatch, production_env

BASELINE = Path(os.environ.get("PERF_BASELINE", ROOT / "tests" / "performance" / "baseline.json"))
FULL_RUN = frozenset({"load", "capacity", "saturation", "memory", "scale"})


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


@dataclass(frozen=True)
class Plan:
    """What a run does, from the environment (docs/performance.md, "Variables")."""

    steps: frozenset[str]
    scenario: LocustRun
    closed_loop: LocustRun
    students: int
    scale_students: int
    wrk: saturation.Options

    @classmethod
    def from_environment(cls, steps: frozenset[str]) -> Plan:
        if _env("PERF_SCALE", "1") == "0":
            steps = steps - {"scale"}
        return cls(
            steps=steps,
            scenario=LocustRun(
                "locust",
                SCENARIO_USERS,
                int(_env("PERF_USERS", "100")),
                float(_env("PERF_SPAWN_RATE", "5")),
                _env("PERF_DURATION", "60s"),
            ),
            closed_loop=LocustRun(
                "locust-capacity",
                CLOSED_LOOP_USERS,
                int(_env("PERF_CAPACITY_USERS", "32")),
                float(_env("PERF_CAPACITY_SPAWN_RATE", "8")),
                _env("PERF_CAPACITY_DURATION", "45s"),
                steady_from="signed-in",
            ),
            students=int(_env("PERF_STUDENTS", "1000")),
            scale_students=int(_env("PERF_SCALE_STUDENTS", "10000")),
            wrk=saturation.Options.from_environment(),
        )


@dataclass
class Phase:
    """One data set's measurements."""

    students: int
    seed_seconds: float
    load: LocustResult | None = None
    memory: dict[str, Any] = field(default_factory=dict)
    closed_loop: LocustResult | None = None
    closed_loop_memory: dict[str, Any] = field(default_factory=dict)
    saturation: dict[str, Any] = field(default_factory=dict)


def _app_server(env: PerfEnvironment, log_name: str) -> Gunicorn:
    return Gunicorn(
        sys.executable, "nexus:create_app()", production_env(env.server_env()), REPORTS / log_name
    )


def run_phase(
    env: PerfEnvironment, plan: Plan, floor: saturation.WrkResult | None, name: str
) -> Phase:
    """The app's server on ``env``: the 100-user scenario, the capacity run (main phase only)
    and the saturated endpoints, as the plan's steps say."""
    phase = Phase(env.students, env.seed_seconds)
    suffix = "" if name == "main" else f"-{name}"
    server = _app_server(env, f"server{suffix}.log")
    server.start()
    try:
        if "load" in plan.steps:
            scenario = replace(plan.scenario, name=f"locust{suffix}")
            with MemoryWatch(server) as watch:
                phase.load = run_locust(env, server, scenario)
            phase.memory = watch.summary()
        if "capacity" in plan.steps and name == "main":
            with MemoryWatch(server) as watch:
                phase.closed_loop = run_locust(env, server, plan.closed_loop)
            phase.closed_loop_memory = watch.summary()
        if "saturation" in plan.steps and floor is not None:
            if phase.load is not None or phase.closed_loop is not None:  # their writes
                print(f"perf: VACUUM (ANALYZE) + CHECKPOINT in {settle(env.database_url):.1f} s")
            token = saturation.sign_in(server.port, f"eleve{env.students:05d}@{DOMAIN}", PASSWORD)
            phase.saturation = saturation.measure_endpoints(server.url, token, floor, plan.wrk)
    finally:
        server.stop()
    return phase


def _main_checks(summary: report.Summary, plan: Plan, phase: Phase, floor_rps: float) -> None:
    if phase.load is not None:
        summary.groups, summary.total = phase.load.groups, phase.load.total
        summary.notes += phase.load.notes
        login_budget = float(_env("PERF_LOGIN_P95_MS", str(budgets.LOGIN_P95_MS)))
        summary.checks += report.latency_checks(summary.groups, summary.total, login_budget)
        summary.memory = phase.memory
    if phase.closed_loop is not None and phase.load is not None:
        measured = capacity.Capacity.measured(
            plan.closed_loop.users, phase.closed_loop.total, floor_rps, phase.closed_loop.rampup
        )
        summary.capacity, checks = capacity.evaluate(measured, phase.load.total, summary.users)
        summary.capacity["steady"] = plan.closed_loop.steady
        summary.capacity["groups"] = [asdict(g) for g in phase.closed_loop.groups]
        summary.capacity["memory"] = phase.closed_loop_memory
        summary.checks += checks
        summary.notes += phase.closed_loop.notes
    peaks = [m for m in (phase.memory, phase.closed_loop_memory) if m]
    if peaks:
        summary.checks += report.memory_checks(
            max(float(m["peak_pss_mb"]) for m in peaks),
            max(float(m["peak_rss_mb"]) for m in peaks),
        )
    if phase.saturation:
        summary.saturation = phase.saturation
        summary.checks += report.saturation_checks(phase.saturation)
    _regression(summary)


def _regression(summary: report.Summary) -> None:
    if not summary.saturation and not summary.capacity:
        return
    if not BASELINE.exists():
        summary.notes.append(f"no baseline at {BASELINE}: regression not checked")
        return
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    pct = float(_env("PERF_REGRESSION_PCT", str(budgets.REGRESSION_DROP_PCT)))
    ratios, notes = regression.ratio_deltas(baseline, summary.saturation, summary.capacity)
    p95 = regression.p95_deltas(baseline, summary.groups, summary.users)
    summary.regression = regression.record(ratios, p95, pct)
    summary.checks.append(regression.ratio_check(ratios, pct))
    summary.notes += notes


def _scale_checks(summary: report.Summary, main: Phase, large: Phase) -> None:
    floor_ms = float(_env("PERF_SCALE_FLOOR_MS", str(budgets.SCALE_P95_FLOOR_MS)))
    students = (main.students, large.students)
    p95: list[scale_check.Row] = []
    absent: list[str] = []
    if main.load is not None and large.load is not None:
        p95 = scale_check.p95_rows(main.load.groups, large.load.groups, floor_ms=floor_ms)
        absent = scale_check.missing(main.load.groups, large.load.groups)
        summary.checks.append(
            report.Check(
                f"no failed request at {large.students:,} students",
                large.load.total.failures == 0,
                f"{large.load.total.failures} of {large.load.total.requests}",
                gate=True,
            )
        )
        summary.notes += large.load.notes
    sat = scale_check.saturation_rows(
        main.saturation.get("endpoints", []), large.saturation.get("endpoints", [])
    )
    summary.checks += scale_check.checks(students, p95, sat, absent, floor_ms=floor_ms)
    summary.scale = scale_check.record(students, large.seed_seconds, p95, sat)
    summary.scale.update(
        main_seed_seconds=round(main.seed_seconds, 1),
        memory=large.memory,
        groups=[asdict(g) for g in large.load.groups] if large.load else [],
        total=asdict(large.load.total) if large.load else {},
        saturation_endpoints=large.saturation.get("endpoints", []),
    )


def _memory_growth(env: PerfEnvironment) -> dict[str, Any]:
    requests = int(_env("PERF_MEMORY_REQUESTS", "200"))
    limit = float(_env("PERF_MEMORY_MAX_GROWTH_KIB", "512"))
    print(f"perf: memory growth, N={requests} then 10 N requests (tracemalloc)", flush=True)
    return memory.measure(env, requests, limit)


def _growth_check(growth: dict[str, Any]) -> report.Check:
    return report.Check(
        f"no memory growth from N to 10 N requests (<= {growth['threshold_kib']:g} KiB)",
        bool(growth["passed"]),
        f"{growth['growth_kib']:+.1f} KiB ({growth['growth_bytes_per_request']:+.1f} B/request)",
        gate=True,
    )


def command_run(steps: frozenset[str]) -> int:
    plan = Plan.from_environment(steps)
    REPORTS.mkdir(parents=True, exist_ok=True)
    for stale in REPORTS.glob("*"):
        if stale.is_file():
            stale.unlink()
    started = time.monotonic()
    summary = report.Summary(
        plan.scenario.users,
        plan.scenario.steady,
        [],
        report.Group("Aggregated", 0, 0, 0, 0, 0, 0),
    )
    floor = None
    if steps & {"saturation", "capacity"}:
        floor = saturation.measure_floor(ROOT, REPORTS / "bare-server.log", plan.wrk)
    with prepared(plan.students) as env:
        summary.students = env.students
        main = run_phase(env, plan, floor, "main")
        if "memory" in plan.steps:
            summary.memory_growth = _memory_growth(env)
            summary.checks.append(_growth_check(summary.memory_growth))
    _main_checks(summary, plan, main, floor.rps if floor else 0.0)
    summary.notes.append(
        f"data set of {main.students:,} students seeded in {main.seed_seconds:.0f} s"
    )
    if "scale" in plan.steps:
        with prepared(plan.scale_students, own_database=True) as env:
            large = run_phase(env, plan, floor, "scale")
        _scale_checks(summary, main, large)
    elif "scale" in steps:
        summary.scale = {"skipped": True, "reason": "PERF_SCALE=0"}
        summary.checks.append(scale_check.skipped_check("PERF_SCALE=0"))
    summary.notes.append(f"whole run {time.monotonic() - started:.0f} s")
    render.write(summary, REPORTS)
    print(render.table(summary))
    print(f"perf: reports in {REPORTS.relative_to(ROOT)}/")
    return 0 if summary.passed else 1


def command_baseline() -> int:
    status = command_run(FULL_RUN)
    data = json.loads((REPORTS / "summary.json").read_text(encoding="utf-8"))
    baseline = {
        "recorded": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} CPUs, {os.uname().machine}, {os.uname().sysname}",
        "users": data["users"],
        "duration": data["duration"],
        "students": data["students"],
        "groups": [
            {k: g[k] for k in ("name", "p50_ms", "p95_ms", "p99_ms", "rps")} for g in data["groups"]
        ],
        "total": data["total"],
        "saturation": data["saturation"],
        "capacity": {
            k: data["capacity"].get(k)
            for k in ("users", "steady", "rps", "floor_rps", "ratio", "locust_cores", "headroom")
        },
    }
    BASELINE.write_text(json.dumps(baseline, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"perf: baseline written to {BASELINE}")
    return status


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    if command == "run":
        return command_run(FULL_RUN)
    if command == "saturation":
        return command_run(frozenset({"saturation"}))
    if command == "memory":
        return command_run(frozenset({"memory"}))
    if command == "baseline":
        return command_baseline()
    print("usage: python -m tests.performance.main run|saturation|memory|baseline", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
