"""Shared helpers for the pipeline's own tests: the repository root and its YAML files.

These tests read files only (no network, no Docker); the ones that run the security tools
need `make install-tools` (.venv-tools) and fail in CI, skip loudly elsewhere, without it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped,unused-ignore]

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
TOOLS_BIN = ROOT / ".venv-tools" / "bin"


def load_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path} is not a YAML mapping"
    return data


def triggers(workflow: Mapping[Any, Any]) -> dict[str, Any]:
    """The `on:` block. YAML 1.1 reads the bare key `on` as the boolean True."""
    block = workflow.get("on", workflow.get(True))
    assert isinstance(block, dict), "the workflow has no `on:` mapping"
    return block


def needs_of(job: dict[str, Any]) -> set[str]:
    needs = job.get("needs", [])
    return {needs} if isinstance(needs, str) else set(needs)


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    """The steps of a job whose `uses:` is the given action (any pinned ref)."""
    return [s for s in job.get("steps", []) if str(s.get("uses", "")).startswith(action + "@")]


@pytest.fixture(scope="session")
def ci_cd() -> dict[str, Any]:
    return load_yaml(WORKFLOWS / "ci-cd.yml")


@pytest.fixture(scope="session")
def security_audit() -> dict[str, Any]:
    return load_yaml(WORKFLOWS / "security-audit.yml")


@pytest.fixture(scope="session")
def performance_test() -> dict[str, Any]:
    return load_yaml(WORKFLOWS / "performance-test.yml")


@pytest.fixture(scope="session")
def tools_bin() -> Path:
    """.venv-tools/bin, or a failure in CI / a loud skip elsewhere when it is missing."""
    if not (TOOLS_BIN / "semgrep").exists() or not (TOOLS_BIN / "bandit").exists():
        message = ".venv-tools is missing: run `make install-tools`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return TOOLS_BIN
