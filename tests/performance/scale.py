"""Cost as the data grows: the phase at ``PERF_SCALE_STUDENTS`` against the main phase.

Both phases run the same server settings, the same 100-user scenario and the same saturated
endpoints; only the data set differs (``PERF_STUDENTS`` vs ``PERF_SCALE_STUDENTS`` students,
with as much history per student). Each group's p95 and each saturated endpoint's requests/s
at the larger size must stay within ``SCALE_FACTOR`` of the smaller size's (both saturation
figures are divided by the same floor, so their ratios compare as their requests/s do).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tests.performance.budgets import SCALE_FACTOR, SCALE_P95_FLOOR_MS
from tests.performance.report import Check, Group, listed


@dataclass(frozen=True)
class Row:
    """One figure at both sizes; ``kind`` is ``p95_ms`` (lower is better) or ``ratio``."""

    name: str
    kind: str
    main: float
    scale: float
    passed: bool

    @property
    def factor(self) -> float | None:
        """How many times worse at the larger size (> 1: worse)."""
        if self.kind == "p95_ms":
            return self.scale / self.main if self.main else None
        return self.main / self.scale if self.scale else None


def p95_rows(
    main: list[Group],
    scale: list[Group],
    factor: float = SCALE_FACTOR,
    floor_ms: float = SCALE_P95_FLOOR_MS,
) -> list[Row]:
    """Groups of both runs: passed when ``scale <= factor x main`` or within ``floor_ms``."""
    larger = {g.name: g for g in scale if g.requests}
    rows = []
    for group in main:
        other = larger.get(group.name)
        if other is None or not group.requests:
            continue
        ok = other.p95_ms <= factor * group.p95_ms or other.p95_ms - group.p95_ms <= floor_ms
        rows.append(Row(group.name, "p95_ms", group.p95_ms, other.p95_ms, ok))
    return rows


def saturation_rows(
    main: list[dict[str, Any]], scale: list[dict[str, Any]], factor: float = SCALE_FACTOR
) -> list[Row]:
    """Saturated endpoints of both runs: passed when ``scale >= main / factor``."""
    larger = {e["name"]: e for e in scale}
    rows = []
    for endpoint in main:
        other = larger.get(endpoint["name"])
        if other is None:
            continue
        before, after = float(endpoint["ratio"]), float(other["ratio"])
        rows.append(Row(endpoint["name"], "ratio", before, after, after * factor >= before))
    return rows


def missing(main: list[Group], scale: list[Group]) -> list[str]:
    """Groups measured at the smaller size and not at the larger one (no request there)."""
    measured = {g.name for g in scale if g.requests}
    return [g.name for g in main if g.requests and g.name not in measured]


def checks(
    students: tuple[int, int],
    p95: list[Row],
    saturation: list[Row],
    absent: list[str],
    factor: float = SCALE_FACTOR,
    floor_ms: float = SCALE_P95_FLOOR_MS,
) -> list[Check]:
    small, large = students
    slow = [f"{r.name} {r.main:.0f} -> {r.scale:.0f} ms" for r in p95 if not r.passed]
    slower = [f"{r.name} {r.main:.3f} -> {r.scale:.3f}" for r in saturation if not r.passed]
    gone = f"; missing at {large:,}: {', '.join(absent)}" if absent else ""
    return [
        Check(
            f"p95 at {large:,} students <= {factor:g} x the {small:,} figure "
            f"(or + {floor_ms:g} ms) for every group",
            not slow and not absent,
            f"{len(p95)} groups compared" + listed(slow) + gone,
            gate=True,
        ),
        Check(
            f"saturation at {large:,} students >= the {small:,} figure / {factor:g}",
            bool(saturation) and not slower,
            f"{len(saturation)} endpoints compared" + listed(slower),
            gate=True,
        ),
    ]


def record(
    students: tuple[int, int], seed_seconds: float, p95: list[Row], sat: list[Row]
) -> dict[str, Any]:
    def as_dict(row: Row) -> dict[str, Any]:
        factor = row.factor
        return {**asdict(row), "factor": None if factor is None else round(factor, 2)}

    return {
        "skipped": False,
        "students": students[1],
        "main_students": students[0],
        "seed_seconds": round(seed_seconds, 1),
        "factor": SCALE_FACTOR,
        "p95_floor_ms": SCALE_P95_FLOOR_MS,
        "p95": [as_dict(r) for r in p95],
        "saturation": [as_dict(r) for r in sat],
    }


def skipped_check(reason: str) -> Check:
    """A skipped scale phase is reported as not passed (``MISS``), never as a pass."""
    return Check("cost as the data grows (scale phase)", False, f"skipped: {reason}", gate=False)
