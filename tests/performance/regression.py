"""The regression gate against ``tests/performance/baseline.json``, machine-independent.

What is compared is what does not depend on the day: each saturated endpoint's requests/s as
a ratio to the bare-Flask floor measured in the same run, and the capacity mix's ratio to
that floor. A ratio that dropped by more than ``REGRESSION_DROP_PCT`` % fails. Latencies are
judged against budgets instead (:mod:`tests.performance.report`); their change against the
baseline's p95 in milliseconds -- which moves with the machine -- is listed, not gated.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tests.performance.budgets import REGRESSION_DROP_PCT
from tests.performance.report import Check, Group, listed


@dataclass(frozen=True)
class RatioDelta:
    """A ratio to the floor, in the baseline and now."""

    name: str
    baseline: float
    current: float

    @property
    def change_pct(self) -> float | None:
        if self.baseline <= 0:
            return None
        return 100.0 * (self.current - self.baseline) / self.baseline

    def dropped(self, pct: float) -> bool:
        change = self.change_pct
        return change is not None and change < -pct


@dataclass(frozen=True)
class Delta:
    """A group's p95 in the baseline and now (reported only)."""

    name: str
    baseline_p95_ms: float
    current_p95_ms: float

    @property
    def change_ms(self) -> float:
        return self.current_p95_ms - self.baseline_p95_ms

    @property
    def change_pct(self) -> float | None:
        if self.baseline_p95_ms <= 0:
            return None
        return 100.0 * self.change_ms / self.baseline_p95_ms


def ratio_deltas(
    baseline: dict[str, Any], saturation: dict[str, Any], capacity: dict[str, Any]
) -> tuple[list[RatioDelta], list[str]]:
    """The comparable ratios, and a note for each part that is not comparable."""
    deltas: list[RatioDelta] = []
    notes: list[str] = []
    before = baseline.get("saturation") or {}
    if saturation.get("endpoints") and before.get("endpoints"):
        if before.get("connections") != saturation.get("connections"):
            notes.append(
                f"saturation baseline at {before.get('connections')} wrk connections, this run "
                f"at {saturation.get('connections')}: saturation ratios not compared"
            )
        else:
            old = {e["name"]: float(e["ratio"]) for e in before["endpoints"]}
            deltas += [
                RatioDelta(e["name"], old[e["name"]], float(e["ratio"]))
                for e in saturation["endpoints"]
                if e["name"] in old
            ]
    old_capacity = baseline.get("capacity") or {}
    if capacity and old_capacity.get("ratio"):
        if old_capacity.get("users") != capacity.get("users"):
            notes.append(
                f"capacity baseline at {old_capacity.get('users')} users, this run at "
                f"{capacity.get('users')}: capacity ratio not compared"
            )
        else:
            deltas.append(
                RatioDelta("capacity (closed-loop mix)", old_capacity["ratio"], capacity["ratio"])
            )
    return deltas, notes


def ratio_check(deltas: list[RatioDelta], pct: float = REGRESSION_DROP_PCT) -> Check:
    dropped = [
        f"{d.name} {d.baseline:.3f} -> {d.current:.3f} ({d.change_pct:+.0f} %)"
        for d in deltas
        if d.dropped(pct)
    ]
    return Check(
        f"no ratio to the floor more than {pct:g} % below the baseline",
        bool(deltas) and not dropped,
        (f"{len(deltas)} ratios compared" if deltas else "nothing comparable in the baseline")
        + listed(dropped),
        gate=True,
    )


def p95_deltas(baseline: dict[str, Any], groups: list[Group], users: int) -> list[Delta]:
    """Per-group p95 against the baseline's, when it was recorded at the same load."""
    if int(baseline.get("users", 0)) != users:
        return []
    before = {g["name"]: float(g["p95_ms"]) for g in baseline.get("groups", [])}
    return [Delta(g.name, before[g.name], g.p95_ms) for g in groups if g.name in before]


def record(ratios: list[RatioDelta], p95: list[Delta], pct: float) -> dict[str, Any]:
    return {
        "drop_pct": pct,
        "ratios": [
            {**asdict(d), "change_pct": _round(d.change_pct), "dropped": d.dropped(pct)}
            for d in ratios
        ],
        "p95": [
            {**asdict(d), "change_ms": round(d.change_ms, 1), "change_pct": _round(d.change_pct)}
            for d in p95
        ],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
