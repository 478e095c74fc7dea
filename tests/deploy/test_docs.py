"""docs/deployment.md stays true: its deploy.sh commands are valid invocations, the files it
names exist, and the defaults it documents are the script's."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from deploy_harness import DEPLOY_SH, REPO_ROOT, DeployHarness, StandInApp

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
    assert table["`IMAGE_REPOSITORY`"] == "`ghcr.io/<owner>/<repo>`"


@pytest.mark.parametrize(
    "args", [a for a in _deploy_commands() if len(a) == 2 or a[2] == "deploy"], ids=" ".join
)
def test_documented_deploys_pull_what_ci_pushes(
    deploy: DeployHarness, stand_in_app: StandInApp, tmp_path: Path, args: list[str]
) -> None:
    """Each documented deploy, run as written from a clone of the GitHub repository."""
    clone = tmp_path / "Nexus-Backend"
    shutil.copytree(REPO_ROOT / ".github" / "deploy", clone / ".github" / "deploy")
    for command in (
        ["init", "-q"],
        ["remote", "add", "origin", "https://github.com/Some-Owner/Nexus-Backend.git"],
    ):
        subprocess.run(["git", "-C", str(clone), *command], check=True, capture_output=True)
    run = deploy.run(
        *args,
        script=clone / ".github" / "deploy" / "deploy.sh",
        cwd=clone,
        # Not in a workflow: the repository comes from the clone's remote.
        env={"GITHUB_REPOSITORY": "", "SMOKE_BASE_URL": stand_in_app.url},
    )

    assert run.returncode == 0, run.stderr
    # ci-cd.yml pushes to ghcr.io/${GITHUB_REPOSITORY,,}.
    image = f"ghcr.io/some-owner/nexus-backend:{args[1]}"
    workloads = [
        doc
        for manifest in run.applied()
        for doc in yaml.safe_load_all(manifest)
        if doc and doc["kind"] in ("Deployment", "Job", "CronJob")
    ]
    # The migration Job, the API and mail worker Deployments, four CronJobs (reminders, ARIA
    # purge, billing reminders, tax certificates).
    assert len(workloads) == 7
    assert all(f"image: {image}" in yaml.safe_dump(doc) for doc in workloads)


def test_without_a_github_remote_the_deploy_asks_for_the_repository(
    deploy_without_render: DeployHarness, tmp_path: Path
) -> None:
    clone = tmp_path / "elsewhere"
    shutil.copytree(REPO_ROOT / ".github" / "deploy", clone / ".github" / "deploy")
    subprocess.run(["git", "-C", str(clone), "init", "-q"], check=True)
    run = deploy_without_render.run(
        "staging",
        "v1.0.0",
        script=clone / ".github" / "deploy" / "deploy.sh",
        env={"GITHUB_REPOSITORY": ""},
    )

    assert run.returncode == 2
    assert "set IMAGE_REPOSITORY" in run.stderr
    assert run.calls == []
