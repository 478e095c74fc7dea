"""``bin/ci-parity``: a workflow job's matrix entries run with runner parity; 1 on a failure."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from tests.support.ci_parity.job import EntryResult, Options, run_entry
from tests.support.ci_parity.workflow import load_job


def _matches(matrix: dict[str, Any], filters: list[str]) -> bool:
    for item in filters:
        key, _, value = item.partition("=")
        if str(matrix.get(key)) != value:
            return False
    return True


def report(results: list[EntryResult], out: Any) -> None:
    print("\n===== ci-parity summary =====", file=out)
    for result in results:
        print(
            f"{'PASS' if result.ok else 'FAIL'}  {result.name}  ({result.seconds:.0f}s)", file=out
        )
        if result.error:
            print(f"      error: {result.error}", file=out)
        for step in result.steps:
            print(f"      {step.outcome:<8} {step.label} ({step.seconds:.0f}s)", file=out)
            for line in step.diagnosis:
                print(f"                 | {line}", file=out)
        if result.denied:
            print(
                "      programs a step asked for that the runner image does not have: "
                + ", ".join(result.denied),
                file=out,
            )
        if result.absent_here and not result.ok:
            hints = ", ".join(f"{k} (Debian: {v})" for k, v in sorted(result.absent_here.items()))
            print(f"      note: the image has, this machine lacks: {hints}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ci-parity", description=__doc__)
    parser.add_argument("--workflow", type=Path, default=Path(".github/workflows/ci-cd.yml"))
    parser.add_argument("--job", default="test")
    parser.add_argument(
        "--entry",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="run only the matrix entries with these values (e.g. database=sqlite)",
    )
    parser.add_argument("--source", type=Path, default=Path.cwd(), help="repository to check out")
    parser.add_argument("--reports", type=Path, default=Path("reports/ci-parity"))
    parser.add_argument("--event", default="push")
    parser.add_argument("--keep", action="store_true", help="keep each entry's run directory")
    ns = parser.parse_args(argv)
    job = load_job(ns.workflow.resolve(), ns.job)
    if job.services and os.geteuid() != 0:
        print("ci-parity: services need root (network namespace, clusters)", file=sys.stderr)
        return 2
    entries = [m for m in job.matrix() if _matches(m, ns.entry)]
    if not entries:
        print(f"ci-parity: no matrix entry matches {ns.entry}", file=sys.stderr)
        return 2
    options = Options(
        source=ns.source.resolve(), reports=ns.reports.resolve(), event=ns.event, keep=ns.keep
    )
    # SIGTERM unwinds like Ctrl-C: every entry's finally stops its services and namespace.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    results = [run_entry(job, matrix, options) for matrix in entries]
    report(results, sys.stdout)
    print(
        f"ci-parity: {len(results)} entr{'y' if len(results) == 1 else 'ies'} in "
        f"{time.monotonic() - started:.0f}s; reports in {options.reports}"
    )
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
