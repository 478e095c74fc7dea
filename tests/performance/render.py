"""``summary.md``, ``summary.json`` and the console table of a ``make perf`` run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.performance.report import Summary, group_verdict, saturation_target


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.0f} %"


def _groups(summary: Summary) -> list[str]:
    lines = [
        "| Endpoint group | Requests | Failed | p50 ms | p95 ms | p99 ms | req/s "
        "| p95 vs 200 / 50 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for g in [*summary.groups, summary.total]:
        lines.append(
            f"| {g.name} | {g.requests} | {g.failures} | {g.p50_ms:.0f} | {g.p95_ms:.0f} | "
            f"{g.p99_ms:.0f} | {g.rps:.1f} | {group_verdict(g.p95_ms, g.name)} |"
        )
    return lines


def _capacity(capacity: dict[str, Any]) -> list[str]:
    if not capacity:
        return []
    cores = capacity.get("locust_cores")
    offered = capacity.get("offered_rps")
    headroom = capacity.get("headroom")
    return [
        "",
        f"Capacity (closed loop, the same mix, {capacity['users']} users, no think time): "
        f"**{capacity['rps']:.0f} req/s**, {capacity['ratio']:.3f} of the floor "
        f"({capacity['floor_rps']:.0f} req/s); p50 {capacity['p50_ms']:.0f} ms, p95 "
        f"{capacity['p95_ms']:.0f} ms; {capacity['failures']} failed of "
        f"{capacity['requests']}. Locust's own CPU: "
        + (f"{cores:.2f} cores" if cores is not None else "not measured")
        + f" ({capacity.get('locust_cpu_seconds')} s of CPU in "
        f"{capacity.get('locust_wall_seconds')} s). Offered load of the "
        f"{capacity['scenario_users']}-user scenario: "
        + (f"{offered:.0f} req/s" if offered is not None else "unknown")
        + f" (measured {capacity['scenario_rps']:.1f} req/s, mean "
        f"{capacity['scenario_mean_ms']:.0f} ms; {capacity['offered_method']}): headroom "
        + (f"{headroom:.2f} x" if headroom is not None else "unknown")
        + f" (required {capacity['headroom_required']:g} x).",
    ]


def _saturation(saturation: dict[str, Any]) -> list[str]:
    if not saturation.get("endpoints"):
        return []
    lines = [
        "",
        f"Saturation (wrk, {saturation.get('connections')} connections, "
        f"{saturation.get('duration')} each, best of two); floor = bare Flask JSON endpoint, "
        f"same gunicorn settings: {saturation.get('floor_rps', 0.0):.0f} req/s",
        "",
        "| Endpoint | req/s | ratio to floor | target | p50 ms | p99 ms | non-2xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for e in saturation["endpoints"]:
        target = saturation_target(e["name"])
        shown = "—" if target is None else f"≥ {target:.2f}"
        lines.append(
            f"| {e['name']} | {e['rps']:.0f} | {e['ratio']:.3f} | {shown} | "
            f"{e['p50_ms']:.1f} | {e['p99_ms']:.1f} | {e['non_2xx']} |"
        )
    return lines


def _scale(scale: dict[str, Any]) -> list[str]:
    if not scale:
        return []
    if scale.get("skipped"):
        return ["", f"Scale phase: **skipped** ({scale.get('reason', '')}): not a pass."]
    small, large = scale["main_students"], scale["students"]
    lines = [
        "",
        f"{small:,} vs {large:,} students (the larger data set seeded in "
        f"{scale['seed_seconds']:.0f} s; same server settings, same scenario; limit "
        f"{scale['factor']:g} x, p95 also within + {scale['p95_floor_ms']:g} ms); peak PSS "
        f"{scale.get('memory', {}).get('peak_pss_mb', 'n/a')} MB at {large:,}",
        "",
        f"| Figure | {small:,} | {large:,} | x | Verdict |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for row in scale["p95"]:
        lines.append(
            f"| p95 {row['name']} | {row['main']:.0f} ms | {row['scale']:.0f} ms | "
            f"{_times(row['factor'])} | {'PASS' if row['passed'] else 'FAIL'} |"
        )
    for row in scale["saturation"]:
        lines.append(
            f"| saturation {row['name']} | {row['main']:.3f} | {row['scale']:.3f} | "
            f"{_times(row['factor'])} | {'PASS' if row['passed'] else 'FAIL'} |"
        )
    return lines


def _times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _regression(regression: dict[str, Any]) -> list[str]:
    lines = []
    if regression.get("ratios"):
        lines += [
            "",
            f"| Regression: ratio to the floor | Baseline | Now | Change (gate: "
            f"-{regression['drop_pct']:g} %) |",
            "| --- | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {d['name']} | {d['baseline']:.3f} | {d['current']:.3f} | "
            f"{_pct(d['change_pct'])}{' FAIL' if d['dropped'] else ''} |"
            for d in regression["ratios"]
        ]
    if regression.get("p95"):
        lines += [
            "",
            "| p95 against the baseline (reported, not gated) | Baseline ms | Now ms | Change |",
            "| --- | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {d['name']} | {d['baseline_p95_ms']:.0f} | {d['current_p95_ms']:.0f} | "
            f"{d['change_ms']:+.0f} ms ({_pct(d['change_pct'])}) |"
            for d in regression["p95"]
        ]
    return lines


def headline(summary: Summary) -> str:
    verdict = "PASS" if summary.passed else "FAIL"
    if summary.scale.get("skipped"):
        verdict += " (incomplete: the scale phase was skipped)"
    return verdict


def markdown(summary: Summary) -> str:
    lines = [
        f"## Performance: {headline(summary)}",
        "",
        f"{summary.users} users for {summary.duration} at {summary.students:,} students; "
        f"{summary.total.requests} requests, {summary.total.failures} failed, "
        f"{summary.total.rps:.1f} requests/s overall.",
        "",
        *_groups(summary),
        *_capacity(summary.capacity),
        *_saturation(summary.saturation),
        *_scale(summary.scale),
    ]
    if summary.memory:
        lines += ["", f"Memory: {summary.memory.get('description', '')}"]
    if summary.memory_growth:
        lines += [f"Memory growth: {summary.memory_growth.get('description', '')}"]
    lines += _regression(summary.regression)
    lines += ["", "| Check | Verdict | Detail |", "| --- | --- | --- |"]
    lines += [f"| {c.name} | {c.verdict} | {c.detail} |" for c in summary.checks]
    lines += [""] + [f"Note: {note}" for note in summary.notes]
    return "\n".join(lines) + "\n"


def write(summary: Summary, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "summary.json").write_text(
        json.dumps(summary.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (directory / "summary.md").write_text(markdown(summary), encoding="utf-8")


def table(summary: Summary) -> str:
    """The console table: one line per group, then the figures and the checks."""
    width = max([len(g.name) for g in summary.groups] + [len("Aggregated")]) + 2
    header = (
        f"{'endpoint group':<{width}}{'reqs':>7}{'fail':>6}{'p50':>7}{'p95':>7}{'p99':>7}"
        f"{'req/s':>8}  verdict"
    )
    rows = [header, "-" * len(header)]
    for g in [*summary.groups, summary.total]:
        rows.append(
            f"{g.name:<{width}}{g.requests:>7}{g.failures:>6}{g.p50_ms:>7.0f}{g.p95_ms:>7.0f}"
            f"{g.p99_ms:>7.0f}{g.rps:>8.1f}  {group_verdict(g.p95_ms, g.name)}"
        )
    capacity = summary.capacity
    if capacity:
        rows.append("")
        rows.append(
            f"capacity: {capacity['rps']:.0f} req/s closed loop ({capacity['users']} users), "
            f"x{capacity['ratio']:.3f} of the floor, headroom {capacity.get('headroom')} x "
            f"over {capacity.get('offered_rps')} req/s offered; Locust "
            f"{capacity.get('locust_cores')} cores"
        )
    if summary.saturation.get("endpoints"):
        rows.append("")
        rows.append(
            f"saturation (wrk): floor {summary.saturation['floor_rps']:.0f} req/s (bare Flask)"
        )
        for e in summary.saturation["endpoints"]:
            target = saturation_target(e["name"])
            wanted = "" if target is None else f" (target {target:.2f})"
            rows.append(
                f"  {e['name']:<40}{e['rps']:>8.0f} req/s  x{e['ratio']:.3f} of the floor{wanted}"
            )
    scale = summary.scale
    if scale and not scale.get("skipped"):
        rows.append("")
        rows.append(f"scale: {scale['main_students']:,} -> {scale['students']:,} students")
        for row in scale["p95"] + scale["saturation"]:
            if row["kind"] == "p95_ms":
                figures = f"p95 {row['main']:>7.0f} ms -> {row['scale']:.0f} ms"
            else:
                figures = f"ratio {row['main']:>6.3f} -> {row['scale']:.3f}"
            verdict = "PASS" if row["passed"] else "FAIL"
            rows.append(f"  {row['name']:<40}{figures}  {verdict}")
    if summary.memory:
        rows.append(f"memory: {summary.memory.get('description', '')}")
    if summary.memory_growth:
        rows.append(f"memory growth: {summary.memory_growth.get('description', '')}")
    rows.append("")
    rows += [f"{c.verdict:<5} {c.name}: {c.detail}" for c in summary.checks]
    rows += [f"note: {note}" for note in summary.notes]
    rows.append(f"RESULT: {headline(summary)}")
    return "\n".join(rows)
