"""The layers contract (pyproject.toml, ``[tool.importlinter]``), run by ``lint-imports`` the way
``make lint`` runs it: it holds on this tree, and an upward import added to a copy breaks it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(name="tree")
def fixture_tree(tmp_path: Path) -> Path:
    """A copy of the sources and of the contract, nothing else."""
    shutil.copytree(ROOT / "src" / "nexus", tmp_path / "src" / "nexus")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_layers_hold(tree: Path) -> None:
    result = _lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("cache.py", "from nexus.content import models as _content"),  # infrastructure -> domain
        ("content/services.py", "import nexus.dashboards.views"),  # domain -> read model
        ("accounts/roles.py", "from nexus.scheduling import models as _scheduling"),
    ],
)
def test_an_upward_import_breaks_them(tree: Path, module: str, upward: str) -> None:
    path = tree / "src" / "nexus" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{upward}  # noqa\n", encoding="utf-8")
    result = _lint_imports(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and upward.split()[1] in result.stdout, result.stdout
