"""`make security` (bin/security) fails on a shell injection and passes on clean code.

Runs the real tools from .venv-tools on a scratch module, offline (--code-only: Bandit and
the committed Semgrep rules, no dependency database).
"""

from __future__ import annotations

import os
import shutil
import subprocess  # nosec B404 - runs the repository's own scripts with fixed arguments
from pathlib import Path

from .conftest import ROOT

SHELL_INJECTION = """\
import subprocess
import sys


def run(cmd: str) -> int:
    return subprocess.call(cmd, shell=True)


run(sys.argv[1])
"""

CLEAN = """\
import subprocess
import sys


def run(pattern: str) -> int:
    return subprocess.call(["grep", "--", pattern, "/etc/hosts"])


run(sys.argv[1])
"""


def security(target: Path, reports: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SECURITY_REPORTS": str(reports)}
    env.pop("SEMGREP_REGISTRY_CONFIGS", None)
    return subprocess.run(  # nosec B603 - fixed command, no shell
        [str(ROOT / "bin" / "security"), "--code-only", str(target)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_security_gate_fails_on_shell_injection(tmp_path: Path, tools_bin: Path) -> None:
    assert tools_bin.is_dir()
    scratch = tmp_path / "scratch.py"
    scratch.write_text(SHELL_INJECTION, encoding="utf-8")
    result = security(scratch, tmp_path / "reports")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "B602" in output  # Bandit: subprocess call with shell=True
    assert "nexus-subprocess-shell-true" in output  # the committed Semgrep rule
    summary = (tmp_path / "reports" / "summary.md").read_text(encoding="utf-8")
    assert "| FAIL | Bandit" in summary and "| FAIL | Semgrep" in summary
    assert (tmp_path / "reports" / "bandit.sarif").is_file()


def test_security_gate_passes_on_clean_code(tmp_path: Path, tools_bin: Path) -> None:
    assert tools_bin.is_dir()
    scratch = tmp_path / "scratch.py"
    scratch.write_text(CLEAN, encoding="utf-8")
    result = security(scratch, tmp_path / "reports")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "security: no blocking finding" in result.stdout


def test_semgrep_rules_match_their_examples(tmp_path: Path, tools_bin: Path) -> None:
    # `semgrep --test` skips hidden directories, so the rules and examples go to a plain one.
    for name in ("nexus.yml", "nexus.py"):
        shutil.copy(ROOT / ".semgrep" / name, tmp_path / name)
    result = subprocess.run(  # nosec B603 - fixed command, no shell
        [
            str(tools_bin / "semgrep"),
            "scan",
            "--test",
            "--metrics=off",
            "--disable-version-check",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "All tests passed" in output
