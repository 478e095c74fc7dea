"""The security-issue path, executed: the scan job's steps run from the workflow file with a
`make` that dies at once (the earliest failure there is), then the issue job runs on the
artifact it left, with a stand-in `gh` that records what it was asked."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest

from .conftest import WORKFLOWS, load_yaml
from .job_runner import Context, JobResult, run_job

STAND_INS = {
    # Every make target fails before writing anything (e.g. `make install-tools` cannot
    # reach PyPI).
    "make": '#!/bin/sh\necho "make $*: Error 2 (stand-in)" >&2\nexit 2\n',
    # gh: records its arguments and the body it is given; no issue is open yet.
    "gh": """#!/bin/sh
printf '%s\\n' "$*" >> "$GH_LOG"
while [ $# -gt 0 ]; do
  if [ "$1" = --body-file ]; then cat "$2" >> "$GH_LOG"; fi
  shift
done
""",
}


def _context(tmp_path: Path, needs: dict[str, str] | None = None) -> Context:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, script in STAND_INS.items():
        (bin_dir / name).write_text(script)
        (bin_dir / name).chmod(0o755)
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir(exist_ok=True)
    return Context(
        workdir=work,
        artifacts=artifacts,
        needs=needs or {},
        env={"PATH": f"{bin_dir}:{os.environ['PATH']}", "GH_LOG": str(tmp_path / "gh.log")},
    )


def _scan_then_issue(
    tmp_path: Path, workflow: dict[str, Any], scan: str, issue: str
) -> tuple[JobResult, JobResult, str]:
    ctx = _context(tmp_path)
    scanned = run_job(workflow["jobs"][scan], ctx, workflow.get("env", {}))
    needs = workflow["jobs"][issue]["needs"]
    # The other jobs the issue job waits for (CodeQL) passed: only this scan failed.
    ctx.needs = {**{n: "success" for n in ([needs] if isinstance(needs, str) else needs)}}
    ctx.needs[scan] = scanned.result
    # The issue job runs on a fresh runner: same artifacts, empty workspace.
    fresh = tmp_path / "issue-runner"
    fresh.mkdir()
    ctx.workdir = fresh
    opened = run_job(workflow["jobs"][issue], ctx, workflow.get("env", {}))
    log = Path(ctx.env["GH_LOG"])
    return scanned, opened, log.read_text(encoding="utf-8") if log.exists() else ""


CASES = [
    ("ci-cd.yml", "security-scan", "security-issue"),
    ("security-audit.yml", "audit", "issue"),
]


@pytest.mark.parametrize(("workflow_file", "scan", "issue"), CASES)
def test_a_scan_that_dies_at_once_still_opens_the_issue(
    tmp_path: Path, workflow_file: str, scan: str, issue: str
) -> None:
    workflow = load_yaml(WORKFLOWS / workflow_file)
    scanned, opened, gh_calls = _scan_then_issue(tmp_path, workflow, scan, issue)

    assert scanned.result == "failure", scanned.log
    upload = next(name for name in scanned.outcomes if name.startswith("Upload the"))
    assert scanned.outcomes[upload] == "success", scanned.log
    assert opened.result == "success", opened.log
    assert "issue create --title Security" in gh_calls
    # The issue says what happened, though no tool got to write a report.
    assert "stopped before `make security` wrote its summary" in gh_calls


def test_without_the_reports_directory_first_no_issue_is_opened(tmp_path: Path) -> None:
    """The defect this guards against (issue 10): the check above fails on the old job."""
    workflow = copy.deepcopy(load_yaml(WORKFLOWS / "ci-cd.yml"))
    steps = workflow["jobs"]["security-scan"]["steps"]
    workflow["jobs"]["security-scan"]["steps"] = [
        s for s in steps if s.get("run") != "mkdir -p reports/security"
    ]
    scanned, opened, gh_calls = _scan_then_issue(
        tmp_path, workflow, "security-scan", "security-issue"
    )

    assert scanned.result == "failure"
    assert opened.result == "failure"  # no artifact to download
    assert "issue create" not in gh_calls


@pytest.mark.parametrize(("code_scanning", "uploads"), [("", "failure"), ("false", "skipped")])
def test_sarif_uploads_follow_the_code_scanning_variable(
    tmp_path: Path, code_scanning: str, uploads: str
) -> None:
    """CODE_SCANNING=false (a private repository without code scanning) skips only the SARIF
    uploads: the job still fails on the scan and still uploads its reports."""
    workflow = load_yaml(WORKFLOWS / "ci-cd.yml")
    ctx = _context(tmp_path)
    ctx.variables = {"CODE_SCANNING": code_scanning}
    scanned = run_job(workflow["jobs"]["security-scan"], ctx, workflow.get("env", {}))

    sarif = {
        name: o
        for name, o in scanned.outcomes.items()
        if name.endswith("SARIF") and "Upload" in name
    }
    # Default: attempted (and failing here, no SARIF was written); the registry one only
    # when its file exists.
    expected = {n: ("skipped" if "registry" in n else uploads) for n in sarif}
    assert sarif == expected
    assert scanned.result == "failure"
    assert scanned.outcomes["Upload the security reports"] == "success"
