"""Round trips as a budget: what ONE request of the load scenario says to PostgreSQL and Redis.

``bin/perf round-trips`` (``make perf-round-trips``) prints the table; the integration test
``tests/integration/performance/test_round_trips.py`` holds the counts to the pins in
``tests/performance/round_trips.json``. Both run :func:`measure`: the app behind the counting
proxies (``round_trips_rig.py``), every request of the scenario warm-up first, then measured
(``round_trips_scenario.py``); counted at the wire (``tests/support/wire_count.py``).

    python -m tests.performance.round_trips [--compare FILE] [--json OUT] [--pin]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from tests.performance.round_trips_rig import (
    DEFAULT_POSTGRES,
    DEFAULT_REDIS,
    SEED,
    SERVICES,
    JsonDict,
    Measured,
)
from tests.performance.round_trips_scenario import COLD, measure, scenario_groups

__all__ = ["COLD", "SEED", "measure", "scenario_groups"]  # with the report's own functions


ROOT = Path(__file__).resolve().parents[2]
PINS = ROOT / "tests" / "performance" / "round_trips.json"


def budgets(results: dict[str, Measured]) -> JsonDict:
    """The pins' format: group -> {"postgres": {...}, "redis": {...}}."""
    return {group: m.budget() for group, m in results.items()}


def dump(document: JsonDict) -> str:
    """The pins file's text: one line per group and service, so that a diff reads as a table."""
    head = {k: v for k, v in document.items() if k != "groups"}
    lines = [json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ",", '  "groups": {']
    rows = []
    for group, figures in document["groups"].items():
        inner = ",\n".join(f"      {json.dumps(s)}: {json.dumps(figures[s])}" for s in SERVICES)
        rows.append(f"    {json.dumps(group, ensure_ascii=False)}: {{\n{inner}\n    }}")
    lines += [",\n".join(rows), "  }", "}"]
    return "\n".join(lines) + "\n"


def pins_document(results: dict[str, Measured]) -> JsonDict:
    return {
        "about": "Statements and commands ONE request of the load scenario sends, at the wire "
        "(tests/performance/round_trips.py; docs/performance.md, Round trips). Regenerate with "
        "bin/perf round-trips --pin.",
        "seed": SEED,
        "groups": budgets(results),
    }


# --- The report ----------------------------------------------------------------------------


def _by_kind(figures: JsonDict) -> str:
    return ", ".join(f"{k} {v}" for k, v in figures.items() if k != "round trips") or "—"


def _figures(entry: JsonDict) -> dict[str, int]:
    """A group's four headline figures."""
    pg, rd = entry["postgres"], entry["redis"]
    return {
        "pg": sum(v for k, v in pg.items() if k != "round trips"),
        "pg_rt": pg["round trips"],
        "redis": sum(v for k, v in rd.items() if k != "round trips"),
        "redis_rt": rd["round trips"],
    }


def _cell(now: int, before: int | None) -> str:
    return str(now) if before is None or before == now else f"{before} → {now}"


def _kinds(entry: JsonDict, old: JsonDict | None, service: str) -> str:
    now = _by_kind(entry[service])
    if old is not None and _by_kind(old[service]) != now:
        return f"{now} (was {_by_kind(old[service])})"
    return now


HEADER = (
    "| group | PG statements | PG round trips | PG by kind "
    "| Redis commands | Redis round trips | Redis by name |\n"
    "| --- | ---: | ---: | --- | ---: | ---: | --- |"
)


def table(
    groups: JsonDict, before: JsonDict | None = None, upkeep: dict[str, str] | None = None
) -> str:
    """Markdown: per group, PostgreSQL statements and Redis commands (total, round trips, by kind).

    With ``before`` (a pins document's groups), each figure that changed reads ``before → now``;
    the last row sums the groups (a group missing from ``before`` counts as unchanged).
    """
    lines = [HEADER]
    sums = {"pg": 0, "pg_rt": 0, "redis": 0, "redis_rt": 0}
    old_sums = dict(sums)
    for group, entry in groups.items():
        old = (before or {}).get(group)
        now, was = _figures(entry), None if old is None else _figures(old)
        for key, value in now.items():
            sums[key] += value
            old_sums[key] += value if was is None else was[key]
        cells = {k: _cell(v, None if was is None else was[k]) for k, v in now.items()}
        redis_kinds = _kinds(entry, old, "redis")
        if upkeep and upkeep.get(group):
            redis_kinds += f"; upkeep: {upkeep[group]}"
        lines.append(
            f"| `{group}` | {cells['pg']} | {cells['pg_rt']} | {_kinds(entry, old, 'postgres')} "
            f"| {cells['redis']} | {cells['redis_rt']} | {redis_kinds} |"
        )
    total = {k: _cell(v, old_sums[k] if before else None) for k, v in sums.items()}
    lines.append(
        f"| **all {len(groups)} groups** | {total['pg']} | {total['pg_rt']} | "
        f"| {total['redis']} | {total['redis_rt']} | |"
    )
    return "\n".join(lines)


def differences(measured: JsonDict, pinned: JsonDict) -> list[str]:
    """Each figure that differs from its pin: ``group: service kind pinned -> measured``."""
    found = []
    for group in sorted(set(measured) | set(pinned)):
        if group not in pinned or group not in measured:
            found.append(
                f"{group}: {'not pinned' if group in measured else 'pinned, not measured'}"
            )
            continue
        for service in SERVICES:
            now, pin = measured[group][service], pinned[group][service]
            for kind in sorted(set(now) | set(pin)):
                new, old = now.get(kind, 0), pin.get(kind, 0)
                if new != old:
                    verdict = "GREW (regression)" if new > old else "shrank: update the pin"
                    found.append(f"{group}: {service} {kind} {old} -> {new} {verdict}")
    return found


def _upkeep(results: dict[str, Measured]) -> dict[str, str]:
    shown = {}
    for group, m in results.items():
        parts = [f"{k} {v}" for k, v in sorted((m.postgres.upkeep + m.redis.upkeep).items())]
        opened = m.postgres.connections + m.redis.connections
        if opened:
            parts.append(f"{opened} connection(s) opened")
        if parts:
            shown[group] = ", ".join(parts)
    return shown


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="bin/perf round-trips", description=(__doc__ or "").split("\n", maxsplit=1)[0]
    )
    parser.add_argument(
        "--compare", type=Path, help="a JSON written by --json or --pin: before → now"
    )
    parser.add_argument("--json", type=Path, help="write the measured figures (the pins' format)")
    parser.add_argument("--pin", action="store_true", help=f"rewrite {PINS.relative_to(ROOT)}")
    options = parser.parse_args(argv)
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith(("postgres://", "postgresql")):  # unset or SQLite: the default
        given = os.environ.get("PERF_POSTGRES_SERVER") or DEFAULT_POSTGRES
    server = "postgresql://" + given.split("://", 1)[1]
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    results = measure(server, redis_url)
    document = pins_document(results)
    before = None
    if options.compare:
        before = json.loads(options.compare.read_text(encoding="utf-8"))["groups"]
    print(f"Round trips per request (seed: {SEED}; warm unless marked cold)\n")
    print(table(document["groups"], before, _upkeep(results)))
    for path in filter(None, (options.json, PINS if options.pin else None)):
        path.write_text(dump(document), encoding="utf-8")
        print(f"\nround trips: written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
