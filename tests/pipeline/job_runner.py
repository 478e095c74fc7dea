"""Run one job of a workflow file the way the runner sequences it: its `run:` steps executed
by bash (`-eo pipefail`, as `shell: bash` does) in order, read from the YAML itself; its
`if:` conditions evaluated (status functions, `steps.*.outcome`, `github.event_name`,
`hashFiles`); the artifact actions emulated on a local store with their real failure modes.
Other `uses:` steps (setup-*, caches, scanners) are recorded as skipped stand-ins: a test
that depends on one of them is not a test of this runner.

Good enough for the control flow of the reporting paths (what runs after a failure, what
gets uploaded, what the next job sees); not a GitHub Actions emulator.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class Context:
    """What a job's expressions can see, and the artifacts its steps upload and download."""

    workdir: Path
    artifacts: Path
    event_name: str = "push"
    repository: str = "owner/repo"
    needs: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)  # the repository's `vars`


@dataclass
class JobResult:
    result: str  # success | failure | skipped
    outcomes: dict[str, str]  # step name -> success | failure | skipped
    log: str


def _expression(text: str, ctx: Context, outcomes: dict[str, str], failed: bool) -> str:
    """A GitHub expression rewritten as Python (the subset the workflows use)."""
    expr = text.strip()
    if expr.startswith("${{") and expr.endswith("}}"):
        expr = expr[3:-2].strip()

    def hash_files(match: re.Match[str]) -> str:
        return repr("h" if list(ctx.workdir.glob(match.group(1))) else "")

    replacements: list[tuple[str, Any]] = [
        (r"hashFiles\('([^']*)'\)", hash_files),
        (r"!\s*cancelled\(\)", "True"),
        (r"always\(\)", "True"),
        (r"failure\(\)", repr(failed)),
        (r"success\(\)", repr(not failed)),
        (r"steps\.([\w-]+)\.outcome", lambda m: repr(outcomes.get(m.group(1), ""))),
        (r"needs\.([\w-]+)\.result", lambda m: repr(ctx.needs.get(m.group(1), ""))),
        (r"vars\.(\w+)", lambda m: repr(ctx.variables.get(m.group(1), ""))),
        (r"github\.event_name", repr(ctx.event_name)),
        (r"github\.event\.pull_request\.head\.repo\.full_name", repr("")),
        (r"github\.repository", repr(ctx.repository)),
        (r"&&", " and "),
        (r"\|\|", " or "),
        (r"!(?!=)", " not "),
    ]
    for pattern, replacement in replacements:
        expr = re.sub(pattern, replacement, expr)
    return expr


def condition(text: str | None, ctx: Context, outcomes: dict[str, str], failed: bool) -> bool:
    if text is None:
        return not failed
    source = str(text)
    python = _expression(source, ctx, outcomes, failed)
    # Without a status function GitHub adds `success() &&`.
    if not re.search(r"\b(always|cancelled|failure|success)\(\)", source):
        python = f"({not failed}) and ({python})"
    return bool(eval(python, {"__builtins__": {}}, {}))  # pylint: disable=eval-used  # nosec B307


def _value(text: Any, ctx: Context, outcomes: dict[str, str]) -> str:
    """An `env:`/`with:` value: expressions of steps' outcomes resolved, others left empty."""

    def resolve(match: re.Match[str]) -> str:
        found = re.fullmatch(r"steps\.([\w-]+)\.outcome", match.group(1))
        if found:
            return outcomes.get(found.group(1), "")
        if match.group(1) == "runner.temp":
            return str(ctx.workdir / "runner-temp")
        return ""

    return _EXPRESSION.sub(resolve, str(text))


def _upload(step: dict[str, Any], ctx: Context, outcomes: dict[str, str]) -> bool:
    """upload-artifact: files kept relative to the paths' least common ancestor."""
    with_ = step.get("with", {})
    name = _value(with_["name"], ctx, outcomes)
    matched = [
        path
        for line in _value(with_["path"], ctx, outcomes).splitlines()
        if line.strip()
        for path in ctx.workdir.glob(line.strip().rstrip("/"))
    ]
    files = [f for p in matched for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file()]
    if not files:
        return with_.get("if-no-files-found", "warn") != "error"
    roots = [p if p.is_dir() else p.parent for p in matched]
    root = Path(os.path.commonpath(roots))
    for file in files:
        destination = ctx.artifacts / name / file.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(file, destination)
    return True


def _download(step: dict[str, Any], ctx: Context) -> bool:
    """download-artifact: by name into path, or by pattern each into path/<name>."""
    with_ = step.get("with", {})
    target = ctx.workdir / with_.get("path", ".")
    if "name" in with_:
        source = ctx.artifacts / with_["name"]
        if not source.is_dir():
            return False  # "Artifact not found": the step fails
        shutil.copytree(source, target, dirs_exist_ok=True)
        return True
    pattern = re.escape(with_["pattern"]).replace(r"\*", ".*")
    names = [p.name for p in ctx.artifacts.iterdir() if re.fullmatch(pattern, p.name)]
    for name in names:
        shutil.copytree(ctx.artifacts / name, target / name, dirs_exist_ok=True)
    return True


def run_job(job: dict[str, Any], ctx: Context, defaults_env: dict[str, str]) -> JobResult:
    """Run ``job`` in ``ctx.workdir``; ``ctx.env`` comes first on PATH and in the environment."""
    if not condition(job.get("if"), ctx, {}, failed=False):
        return JobResult("skipped", {}, "")
    summary = ctx.workdir / "step-summary.md"
    (ctx.workdir / "runner-temp").mkdir(exist_ok=True)
    outcomes: dict[str, str] = {}
    by_name: dict[str, str] = {}
    failed = False
    log: list[str] = []
    job_env = {
        k: _value(v, ctx, outcomes) for k, v in {**defaults_env, **job.get("env", {})}.items()
    }
    for number, step in enumerate(job.get("steps", []), start=1):
        name = step.get("name", f"step {number}")
        key = step.get("id", f"_{number}")
        if not condition(step.get("if"), ctx, outcomes, failed):
            outcomes[key] = by_name[name] = "skipped"
            continue
        ok = True
        if "run" in step:
            env = {
                **os.environ,
                **job_env,
                **{k: _value(v, ctx, outcomes) for k, v in step.get("env", {}).items()},
                "GITHUB_STEP_SUMMARY": str(summary),
                "GITHUB_ENV": str(ctx.workdir / "github-env"),
                "GITHUB_OUTPUT": str(ctx.workdir / "github-output"),
                "RUNNER_TEMP": str(ctx.workdir / "runner-temp"),
                **ctx.env,
            }
            script = _EXPRESSION.sub("", step["run"])
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                cwd=ctx.workdir,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            log.append(f"--- {name} (exit {done.returncode})\n{done.stdout}{done.stderr}")
            ok = done.returncode == 0
        else:
            action = str(step["uses"]).split("@", 1)[0]
            if action == "actions/upload-artifact":
                ok = _upload(step, ctx, outcomes)
            elif action == "actions/download-artifact":
                ok = _download(step, ctx)
            elif action == "github/codeql-action/upload-sarif":
                sarif = _value(step["with"]["sarif_file"], ctx, outcomes)
                ok = (ctx.workdir / sarif).exists()
            else:
                log.append(f"--- {name} ({action}: not run here)")
                outcomes[key] = by_name[name] = "skipped"
                continue
            log.append(f"--- {name} ({action}: {'ok' if ok else 'failed'})")
        outcomes[key] = by_name[name] = "success" if ok else "failure"
        failed = failed or not ok
    return JobResult("failure" if failed else "success", by_name, "\n".join(log))
