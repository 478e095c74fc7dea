"""bin/migrations-lint, run for real: squawk on every revision's offline PostgreSQL SQL, with
the exceptions file as the only way to waive a finding."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

import pytest

from .conftest import ROOT

CONFIG = ROOT / "src" / "nexus" / "migrations" / "lint.toml"


def lint(config: Path | None = None) -> subprocess.CompletedProcess[str]:
    squawk = ROOT / ".venv-tools" / "bin" / "squawk"
    if not squawk.exists():
        message = f"{squawk} is missing: run `make install-tools`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(f"SKIPPED LOUDLY: {message}")
    env = {**os.environ, "MIGRATIONS_LINT_CONFIG": str(config or CONFIG)}
    return subprocess.run(
        [str(ROOT / "bin" / "migrations-lint")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def _toml(rules: list[dict[str, str]], revisions: list[dict[str, object]]) -> str:
    out = []
    for rule in rules:
        out.append(f'[[rule]]\nname = "{rule["name"]}"\nreason = """{rule["reason"]}"""\n')
    for rev in revisions:
        names = ", ".join(f'"{r}"' for r in rev["rules"])  # type: ignore[attr-defined]
        out.append(
            f'[[revision]]\nid = "{rev["id"]}"\nrules = [{names}]\nreason = "{rev["reason"]}"\n'
        )
    return "\n".join(out)


def test_the_committed_migrations_pass() -> None:
    run = lint()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "revision(s) clean" in run.stdout


def test_a_hazard_without_a_written_exception_fails(tmp_path: Path) -> None:
    committed = tomllib.loads(CONFIG.read_text())
    config = tmp_path / "lint.toml"
    config.write_text(_toml(committed["rule"], []))  # the 0005 exception removed
    run = lint(config)

    assert run.returncode == 1
    assert "revision 0005" in run.stdout
    assert "require-concurrent-index-creation" in run.stdout
    assert "disallowed-unique-constraint" in run.stdout


def test_a_stale_exception_fails(tmp_path: Path) -> None:
    committed = tomllib.loads(CONFIG.read_text())
    stale = {"id": "0004", "rules": ["ban-drop-column"], "reason": "nothing drops a column here"}
    config = tmp_path / "lint.toml"
    config.write_text(_toml(committed["rule"], [*committed["revision"], stale]))
    run = lint(config)

    assert run.returncode == 1
    assert "revision 0004 waives ban-drop-column, which no longer fires" in run.stdout
