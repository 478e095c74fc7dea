"""docs/deployment.md stays true: its deploy.sh commands are valid invocations, the files it
names exist, and the defaults it documents are the script's."""

from __future__ import annotations

import re
import shlex

import pytest
from deploy_harness import DEPLOY_SH, REPO_ROOT, DeployHarness

DOC = REPO_ROOT / "docs" / "deployment.md"


def _code_lines() -> list[str]:
    """Shell lines of the fenced code blocks, continuation lines joined."""
    lines, in_block, pending = [], False, ""
    for raw in DOC.read_text().splitlines():
        stripped = raw.strip()
        if stripped.startswith("```"):
            in_block = not in_block
            continue
        if not in_block:
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    return lines


def _deploy_commands() -> list[list[str]]:
    commands = []
    for line in _code_lines():
        if line.startswith(".github/deploy/deploy.sh "):
            argv = shlex.split(line, comments=True)
            if "ENV" not in argv:  # the usage line itself
                commands.append(argv[1:])
    return commands


def test_the_doc_shows_every_action() -> None:
    actions = {args[2] if len(args) == 3 else "deploy" for args in _deploy_commands()}
    assert actions == {"deploy", "status", "logs", "rollback"}


@pytest.mark.parametrize("args", _deploy_commands(), ids=" ".join)
def test_documented_commands_are_valid_invocations(
    deploy_without_render: DeployHarness, args: list[str]
) -> None:
    # Arguments accepted (not exit 2): the script goes on to the cluster, which is unreachable.
    deploy_without_render.scenario["reachable"] = False
    run = deploy_without_render.run(*args)

    assert run.returncode == 1, run.stderr
    assert "cannot reach the cluster" in run.stderr


def test_named_files_exist() -> None:
    text = DOC.read_text()
    paths = set(re.findall(r"(?<![\w/.-])((?:\.github|bin|tests|docs|mk)/[\w./-]*\w)", text))
    paths |= {
        f".github/deploy/{p}"
        for p in re.findall(r"(?<![\w/.-])((?:base|overlays|cluster)/[\w./-]*\w)", text)
    }
    assert ".github/deploy/deploy.sh" in paths
    missing = sorted(p for p in paths if not (REPO_ROOT / p).exists())
    assert missing == []


def test_documented_defaults_are_the_scripts() -> None:
    script = DEPLOY_SH.read_text()
    defaults = dict(re.findall(r"^(\w+)=\$\{\1:-([^}]*)\}$", script, flags=re.MULTILINE))
    table = {
        row.split("|")[1].strip(): row.split("|")[2].strip()
        for row in DOC.read_text().splitlines()
        if row.startswith("| `")
    }
    for name in ("ROLLOUT_TIMEOUT", "MIGRATION_TIMEOUT", "KUBECTL_REQUEST_TIMEOUT", "LOG_TAIL"):
        assert table[f"`{name}`"] == f"`{defaults[name]}`", name
    assert table["`SMOKE_RETRIES`, `SMOKE_RETRY_DELAY`"] == (
        f"`{defaults['SMOKE_RETRIES']}`, `{defaults['SMOKE_RETRY_DELAY']}`"
    )
    assert "`ghcr.io/nexus-reussite/nexus-backend`" == table["`IMAGE_REPOSITORY`"]
