"""A job of a workflow file, read from the YAML itself: matrix, env, defaults, services, steps."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped,unused-ignore]

from tests.support.ci_parity.expressions import ExpressionError

# Job keys the parity runner understands; any other key fails the run with its name.
_JOB_KEYS = frozenset(
    {
        "name",
        "needs",
        "runs-on",
        "timeout-minutes",
        "permissions",
        "strategy",
        "services",
        "steps",
        "env",
        "defaults",
        "if",
        "continue-on-error",
    }
)
_STEP_KEYS = frozenset(
    {
        "name",
        "id",
        "if",
        "uses",
        "with",
        "run",
        "shell",
        "env",
        "working-directory",
        "continue-on-error",
        "timeout-minutes",
    }
)
SUPPORTED_RUNNER = "ubuntu-24.04"


class WorkflowError(ValueError):
    """A workflow construct the parity runner does not emulate."""


@dataclass(frozen=True)
class Service:
    name: str
    image: str
    env: dict[str, Any]
    ports: list[str]
    options: str


@dataclass(frozen=True)
class Step:
    index: int
    raw: dict[str, Any]

    @property
    def label(self) -> str:
        name = self.raw.get("name")
        if name:
            return str(name)
        if "uses" in self.raw:
            return f"Run {self.raw['uses']}"
        first = str(self.raw.get("run", "")).strip().splitlines()
        return f"Run {first[0] if first else '?'}"


@dataclass(frozen=True)
class Job:
    workflow_path: Path
    job_id: str
    raw: dict[str, Any]
    workflow_env: dict[str, Any]
    defaults_run: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)

    @property
    def env(self) -> dict[str, Any]:
        return dict(self.raw.get("env") or {})

    @property
    def timeout_minutes(self) -> float:
        return float(self.raw.get("timeout-minutes", 360))

    def matrix(self) -> list[dict[str, Any]]:
        strategy = self.raw.get("strategy") or {}
        return expand_matrix(strategy.get("matrix"))


def _literal(value: Any, where: str) -> Any:
    if isinstance(value, str) and "${{" in value:
        raise ExpressionError(f"{where}: expressions in the matrix are not supported ({value!r})")
    return value


def expand_matrix(matrix: Any) -> list[dict[str, Any]]:
    """The matrix combinations, in GitHub's order (include/exclude as documented)."""
    if matrix is None:
        return [{}]
    if not isinstance(matrix, dict):
        raise ExpressionError(f"matrix must be a mapping, not {matrix!r}")
    include = list(matrix.get("include") or [])
    exclude = list(matrix.get("exclude") or [])
    axes = {k: v for k, v in matrix.items() if k not in ("include", "exclude")}
    for key, values in axes.items():
        if not isinstance(values, list):
            raise ExpressionError(f"matrix.{key} must be a list, not {values!r}")
        for value in values:
            _literal(value, f"matrix.{key}")
    combos: list[dict[str, Any]] = [
        dict(zip(axes, values)) for values in itertools.product(*axes.values())
    ]
    if not axes:
        combos = []
    combos = [
        combo
        for combo in combos
        if not any(all(combo.get(k) == v for k, v in rule.items()) for rule in exclude)
    ]
    originals = [dict(combo) for combo in combos]
    for entry in include:
        # Added to every combination whose original values it does not change; else its own.
        matched = False
        for combo, original in zip(combos, originals):
            if all(original[k] == v for k, v in entry.items() if k in original):
                combo.update(entry)
                matched = True
        if not matched:
            combos.append(dict(entry))
            originals.append(dict(entry))
    return combos or [{}]


def load_job(workflow_path: Path, job_id: str) -> Job:
    document = yaml.safe_load(workflow_path.read_text(encoding="utf-8"))
    jobs = document.get("jobs") or {}
    if job_id not in jobs:
        raise WorkflowError(f"{workflow_path}: no job {job_id!r} (jobs: {', '.join(jobs)})")
    raw = jobs[job_id]
    unknown = sorted(set(raw) - _JOB_KEYS)
    if unknown:
        raise WorkflowError(f"job {job_id}: keys not emulated: {', '.join(unknown)}")
    if raw.get("runs-on") != SUPPORTED_RUNNER:
        raise WorkflowError(
            f"job {job_id} runs on {raw.get('runs-on')!r}; the parity runner emulates "
            f"{SUPPORTED_RUNNER} only"
        )
    if "if" in raw:
        raise WorkflowError(f"job {job_id}: a job-level if: is not emulated")
    defaults: dict[str, Any] = {}
    for source in (document.get("defaults"), raw.get("defaults")):
        defaults.update(((source or {}).get("run")) or {})
    steps = []
    for index, step in enumerate(raw.get("steps") or []):
        unknown = sorted(set(step) - _STEP_KEYS)
        if unknown:
            raise WorkflowError(f"step {index + 1} of {job_id}: keys not emulated: {unknown}")
        if ("uses" in step) == ("run" in step):
            raise WorkflowError(f"step {index + 1} of {job_id}: exactly one of uses/run")
        steps.append(Step(index=index, raw=step))
    services = []
    for name, spec in (raw.get("services") or {}).items():
        unknown = sorted(set(spec) - {"image", "env", "ports", "options"})
        if unknown:
            raise WorkflowError(f"service {name}: keys not emulated: {', '.join(unknown)}")
        services.append(
            Service(
                name=name,
                image=str(spec["image"]),
                env=dict(spec.get("env") or {}),
                ports=[str(port) for port in spec.get("ports") or []],
                options=str(spec.get("options") or ""),
            )
        )
    return Job(
        workflow_path=workflow_path,
        job_id=job_id,
        raw=raw,
        workflow_env=dict(document.get("env") or {}),
        defaults_run=defaults,
        steps=steps,
        services=services,
    )


_HEREDOC = re.compile(r"^([^=<\s]+)<<(.+)$")


def parse_env_file(text: str, what: str) -> dict[str, str]:
    """``$GITHUB_ENV`` / ``$GITHUB_OUTPUT``: ``NAME=value`` lines and ``NAME<<DELIM`` blocks."""
    values: dict[str, str] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.strip() == "":
            continue
        heredoc = _HEREDOC.match(line)
        if heredoc:
            name, delimiter = heredoc.group(1), heredoc.group(2)
            body: list[str] = []
            while index < len(lines) and lines[index] != delimiter:
                body.append(lines[index])
                index += 1
            if index >= len(lines):
                raise WorkflowError(f"{what}: no closing {delimiter!r} for {name}")
            index += 1
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        else:
            raise WorkflowError(f"{what}: invalid line {line!r}")
    return values
