"""Latency, memory and saturation verdicts, and the summary of a ``make perf`` run.

Reads Locust's ``*_stats.csv``, the server's memory samples and the saturation figures and
decides PASS/FAIL against :mod:`tests.performance.budgets`; the capacity, scale and
regression verdicts live in their own modules, the rendering in
:mod:`tests.performance.render`. Standard library only; unit-tested in
``tests/unit/performance``.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.performance import budgets
from tests.performance.budgets import (
    DOCUMENTED_MEMORY_MB,
    DOCUMENTED_P95_MS,
    LOGIN_GROUP,
    LOGIN_P95_MS,
    TARGET_MEMORY_MB,
    TARGET_P95_MS,
)


@dataclass(frozen=True)
class Group:
    """One endpoint group of the Locust run (``GET /api/v1/content?q=``)."""

    name: str
    requests: int
    failures: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rps: float
    mean_ms: float = 0.0


def read_locust_stats(path: Path) -> tuple[list[Group], Group]:
    """The endpoint groups and the aggregated row of a Locust ``*_stats.csv``."""
    groups: list[Group] = []
    total: Group | None = None
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            count = int(row["Request Count"])

            def percentile(key: str, row: dict[str, str] = row) -> float:
                value = row.get(key, "N/A")
                return float(value) if value not in ("", "N/A") else 0.0

            group = Group(
                name=f"{row['Type']} {row['Name']}".strip(),
                requests=count,
                failures=int(row["Failure Count"]),
                p50_ms=percentile("50%"),
                p95_ms=percentile("95%"),
                p99_ms=percentile("99%"),
                rps=round(float(row["Requests/s"]), 2),
                mean_ms=round(float(row.get("Average Response Time") or 0.0), 2),
            )
            if row["Name"] == "Aggregated":
                total = group
            else:
                groups.append(group)
    if total is None:
        raise ValueError(f"{path}: no Aggregated row (did Locust run?)")
    return groups, total


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (what Locust reports, without its rounding)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return float(ordered[rank - 1])


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str
    gate: bool  # a failed gate fails the run; a failed target is only reported

    @property
    def verdict(self) -> str:
        return "PASS" if self.passed else ("FAIL" if self.gate else "MISS")


def latency_checks(
    groups: list[Group], total: Group, login_p95_ms: float = LOGIN_P95_MS
) -> list[Check]:
    failed = [f"{g.name} ({g.failures})" for g in groups if g.failures]
    login = next((g for g in groups if g.name == LOGIN_GROUP), None)
    groups = [g for g in groups if g.name != LOGIN_GROUP]
    worst = max(groups, key=lambda g: g.p95_ms) if groups else total
    slow_doc = [g.name for g in groups if g.p95_ms >= DOCUMENTED_P95_MS]
    slow_target = [g.name for g in groups if g.p95_ms > TARGET_P95_MS]
    login_checks = []
    if login is not None:
        login_checks.append(
            Check(
                f"login p95 < {login_p95_ms:.0f} ms (argon2id; reported against 200 ms: "
                f"{'PASS' if login.p95_ms < DOCUMENTED_P95_MS else 'over'})",
                login.p95_ms < login_p95_ms,
                f"{login.requests} logins: p50 {login.p50_ms:.0f} ms, p95 {login.p95_ms:.0f} ms",
                gate=True,
            )
        )
    return [
        Check(
            "no failed request",
            total.failures == 0,
            "none" if not failed else ", ".join(failed),
            gate=True,
        ),
        Check(
            f"p95 < {DOCUMENTED_P95_MS:.0f} ms for every API group (documented objective)",
            not slow_doc,
            f"worst {worst.name}: {worst.p95_ms:.0f} ms" + listed(slow_doc),
            gate=True,
        ),
        Check(
            f"p95 <= {TARGET_P95_MS:.0f} ms for every API group (our target)",
            not slow_target,
            f"worst {worst.name}: {worst.p95_ms:.0f} ms" + listed(slow_target),
            gate=budgets.TARGET_P95_GATED,
        ),
        *login_checks,
    ]


def listed(names: list[str]) -> str:
    return f"; over: {', '.join(names)}" if names else ""


def memory_checks(peak_pss_mb: float, peak_rss_mb: float) -> list[Check]:
    """Checked on the PSS sum: each physical page counted once, as the pod's cgroup does."""
    detail = f"peak PSS sum {peak_pss_mb:.0f} MB (VmRSS sum {peak_rss_mb:.0f} MB)"
    return [
        Check(
            f"server memory < {DOCUMENTED_MEMORY_MB:.0f} MB (documented)",
            peak_pss_mb < DOCUMENTED_MEMORY_MB,
            detail,
            gate=True,
        ),
        Check(
            f"server memory <= {TARGET_MEMORY_MB:.0f} MB (our target)",
            peak_pss_mb <= TARGET_MEMORY_MB,
            detail,
            gate=budgets.TARGET_MEMORY_GATED,
        ),
    ]


def saturation_target(name: str) -> float | None:
    return budgets.SATURATION_TARGETS.get(name)


def saturation_checks(saturation: dict[str, Any]) -> list[Check]:
    """One check per saturated endpoint: its ratio to the floor against its target."""
    checks = []
    floor = float(saturation.get("floor_rps") or 0.0)
    for endpoint in saturation.get("endpoints", []):
        target = saturation_target(endpoint["name"])
        if target is None:
            continue
        ratio = float(endpoint["ratio"])
        checks.append(
            Check(
                f"saturation {endpoint['name']} >= {target:.2f} of the floor (our target)",
                ratio >= target,
                f"{endpoint['rps']:.0f} req/s = {ratio:.2f} x {floor:.0f} req/s",
                gate=budgets.SATURATION_TARGETS_GATED,
            )
        )
    return checks


@dataclass
class Summary:
    """Everything ``summary.json`` holds; ``checks`` decide the exit code.

    The top-level groups, memory and saturation are the main phase's (``PERF_STUDENTS``);
    ``capacity`` is the closed-loop run of the same phase, ``scale`` the phase at
    ``PERF_SCALE_STUDENTS`` and its comparison with the main one.
    """

    users: int
    duration: str
    groups: list[Group]
    total: Group
    students: int = 0
    memory: dict[str, Any] = field(default_factory=dict)
    memory_growth: dict[str, Any] = field(default_factory=dict)
    saturation: dict[str, Any] = field(default_factory=dict)
    capacity: dict[str, Any] = field(default_factory=dict)
    scale: dict[str, Any] = field(default_factory=dict)
    regression: dict[str, Any] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks if c.gate)

    def to_json(self) -> dict[str, Any]:
        return {
            "users": self.users,
            "duration": self.duration,
            "students": self.students,
            "passed": self.passed,
            "total": asdict(self.total),
            "groups": [asdict(g) for g in self.groups],
            "memory": self.memory,
            "memory_growth": self.memory_growth,
            "saturation": self.saturation,
            "capacity": self.capacity,
            "scale": self.scale,
            "regression": self.regression,
            "checks": [{**asdict(c), "verdict": c.verdict} for c in self.checks],
            "notes": self.notes,
        }


def group_verdict(p95: float, name: str = "") -> str:
    if name == LOGIN_GROUP:
        return f"{'PASS' if p95 < LOGIN_P95_MS else 'FAIL'} (login budget {LOGIN_P95_MS:.0f} ms)"
    if p95 >= DOCUMENTED_P95_MS:
        return "FAIL"
    return "PASS" if p95 <= TARGET_P95_MS else "PASS (target missed)"


@dataclass(frozen=True)
class Rampup:
    """What the locustfile recorded over a whole run: every login, every failure, and its own
    CPU time during the steady state."""

    login_ms: list[float]
    failures: dict[str, int]
    locust_cpu_seconds: float | None
    locust_wall_seconds: float | None

    @property
    def locust_cores(self) -> float | None:
        if not self.locust_cpu_seconds or not self.locust_wall_seconds:
            return None
        return self.locust_cpu_seconds / self.locust_wall_seconds


def read_rampup(path: Path) -> Rampup | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    steady = data.get("locust_steady") or {}
    return Rampup(
        login_ms=[float(v) for v in data.get("login_ms", [])],
        failures={str(k): int(v) for k, v in data.get("failures", {}).items()},
        locust_cpu_seconds=_float_or_none(steady.get("cpu_seconds")),
        locust_wall_seconds=_float_or_none(steady.get("wall_seconds")),
    )


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def merge_rampup(
    groups: list[Group], total: Group, rampup: Rampup
) -> tuple[list[Group], Group, str]:
    """Add the ramp-up's logins as a group and its failures to the total (both were reset)."""
    steady = {g.name: g.failures for g in groups}
    extra = {k: n - steady.get(k, 0) for k, n in rampup.failures.items() if n > steady.get(k, 0)}
    groups = [g for g in groups if g.name != LOGIN_GROUP]
    logins = rampup.login_ms
    if logins:
        groups.insert(
            0,
            Group(
                name=LOGIN_GROUP,
                requests=len(logins),
                failures=rampup.failures.get(LOGIN_GROUP, 0),
                p50_ms=percentile(logins, 0.50),
                p95_ms=percentile(logins, 0.95),
                p99_ms=percentile(logins, 0.99),
                rps=0.0,
            ),
        )
    if extra:
        total = Group(
            total.name,
            total.requests,
            total.failures + sum(extra.values()),
            total.p50_ms,
            total.p95_ms,
            total.p99_ms,
            total.rps,
            total.mean_ms,
        )
    note = (
        f"the {len(logins)} logins (all of them, ramp-up included) are the login group; "
        f"failures over the whole run: {sum(rampup.failures.values())}"
    )
    return groups, total, note
