"""Locust runs of ``make perf``: the 100-user scenario and the closed-loop capacity run.

Locust runs from ``.venv-perf`` as a child process (``tests/performance/locustfile.py``), with
the accounts of the seeded data set; its statistics, HTML report and ramp-up record land in
``reports/perf/<name>*``.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.performance import report
from tests.performance.environment import DOMAIN, PASSWORD, PerfEnvironment
from tests.performance.server import Gunicorn

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "reports" / "perf"
LOCUST = Path(os.environ.get("PERF_VENV", ROOT / ".venv-perf")) / "bin" / "locust"
SCENARIO_USERS = ("Student", "Parent", "Teacher")  # the locustfile's think-time classes
CLOSED_LOOP_USERS = ("ClosedStudent", "ClosedParent", "ClosedTeacher")  # the same, no think


@dataclass(frozen=True)
class LocustRun:
    """One Locust run: which classes, how many users, how fast, how long after the spawn."""

    name: str  # file prefix under reports/perf/
    classes: tuple[str, ...]
    users: int
    spawn_rate: float
    steady: str
    steady_from: str = "spawn"  # or "signed-in": once every user has also signed in

    def spawn_seconds(self) -> float:
        return self.users / self.spawn_rate


@dataclass
class LocustResult:
    groups: list[report.Group]
    total: report.Group
    rampup: report.Rampup | None
    notes: list[str] = field(default_factory=list)


def run_locust(env: PerfEnvironment, server: Gunicorn, run: LocustRun) -> LocustResult:
    if not LOCUST.exists():
        raise SystemExit(f"perf: {LOCUST} is missing: run `make install-perf`")
    prefix = REPORTS / run.name
    steady = _seconds(run.steady)
    # The locustfile stops the run `steady` seconds after the steady state starts; the
    # run-time limit only guards against a spawn (or sign-ins) that never complete.
    limit = int(run.spawn_seconds() + steady + 300)
    command = [
        str(LOCUST),
        "-f",
        str(ROOT / "tests" / "performance" / "locustfile.py"),
        "--headless",
        "--host",
        server.url,
        "--users",
        str(run.users),
        "--spawn-rate",
        f"{run.spawn_rate:g}",
        "--run-time",
        f"{limit}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(prefix),
        "--html",
        str(REPORTS / f"{run.name}.html"),
        "--only-summary",
        "--reset-stats",
        "--loglevel",
        "WARNING",
        *run.classes,
    ]
    rampup_file = REPORTS / f"{run.name}-rampup.json"
    locust_env = {
        **os.environ,
        "PERF_ACCOUNT_DOMAIN": DOMAIN,
        "PERF_ACCOUNT_PASSWORD": PASSWORD,
        # The last student is kept for the memory and saturation steps.
        "PERF_STUDENT_ACCOUNTS": str(max(1, env.students - 1)),
        "PERF_PARENT_ACCOUNTS": str(env.parents),
        "PERF_TEACHER_ACCOUNTS": str(env.teachers),
        "PERF_RAMPUP_FILE": str(rampup_file),
        "PERF_STEADY_SECONDS": str(steady),
        "PERF_STEADY_FROM": run.steady_from,
    }
    print(
        f"perf: Locust {run.name}: {run.users} users ({', '.join(run.classes)}), "
        f"{run.steady} after the {'sign-ins' if run.steady_from == 'signed-in' else 'spawn'}, "
        f"against {server.url}",
        flush=True,
    )
    # Locust exits 1 when a request failed: the budgets below decide instead.
    subprocess.run(command, env=locust_env, check=False, timeout=limit + 300)
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise SystemExit("perf: Locust wrote no statistics")
    groups, total = report.read_locust_stats(stats)
    rampup = report.read_rampup(rampup_file)
    result = LocustResult(groups, total, rampup)
    result.notes.append(
        f"{run.name}: statistics reset once all {run.users} users were "
        f"{'spawned and signed in' if run.steady_from == 'signed-in' else 'spawned'}, then "
        f"{run.steady} of steady state"
    )
    if rampup is None:
        result.notes.append(f"{run.name}: Locust wrote no ramp-up record: logins not measured")
    else:
        result.groups, result.total, note = report.merge_rampup(groups, total, rampup)
        result.notes.append(f"{run.name}: {note}")
    return result


def _seconds(duration: str) -> int:
    unit = {"s": 1, "m": 60, "h": 3600}.get(duration[-1], 1)
    number = duration[:-1] if duration[-1] in "smh" else duration
    return int(float(number) * unit)
