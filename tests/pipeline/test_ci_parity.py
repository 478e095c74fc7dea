"""The runner-parity tool (tests/support/ci_parity): expressions, PATH allowlist, one real run."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.ci_parity.containers import ServiceError, image_major, parse_options
from tests.support.ci_parity.expressions import (
    Evaluation,
    ExpressionError,
    SecretsContext,
    StrictContext,
    condition,
    substitute,
)
from tests.support.ci_parity.job import Options, run_entry
from tests.support.ci_parity.runner_image import Sandbox, load_image_list
from tests.support.ci_parity.workflow import expand_matrix, load_job, parse_env_file


def _evaluation(status: str = "success", **contexts: Any) -> Evaluation:
    base: dict[str, Any] = {
        "matrix": {"database": "postgres"},
        "env": {"PYTHON_VERSION": "3.12"},
        "runner": StrictContext("runner", {"os": "Linux"}),
        "secrets": SecretsContext(),
    }
    return Evaluation(contexts={**base, **contexts}, status=status)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${{ matrix.database }}-unit", "postgres-unit"),
        ("${{ env.PYTHON_VERSION }}", "3.12"),
        ("${{ runner.os }}-pip-${{ matrix.database == 'POSTGRES' }}", "Linux-pip-true"),
        ("[${{ secrets.CODECOV_TOKEN }}]", "[]"),
        ("${{ env.MISSING }}|${{ matrix.database != 'sqlite' && 'yes' || 'no' }}", "|yes"),
        ("${{ format('{0}-{1}', matrix.database, 3) }}", "postgres-3"),
        ('${{ contains(fromJSON(\'["a", "postgres"]\'), matrix.database) }}', "true"),
        ("no expression", "no expression"),
    ],
)
def test_substitution(text: str, expected: str) -> None:
    assert substitute(text, _evaluation()) == expected


@pytest.mark.parametrize(
    ("text", "status", "runs"),
    [
        (None, "success", True),
        (None, "failure", False),
        ("matrix.database == 'postgres'", "success", True),
        ("matrix.database == 'sqlite'", "success", False),
        # No status function: success() && (…), so a failed job skips it.
        ("matrix.database == 'postgres'", "failure", False),
        ("${{ !cancelled() }}", "failure", True),
        ("${{ !cancelled() }}", "cancelled", False),
        ("always()", "failure", True),
        ("failure() && matrix.database == 'postgres'", "failure", True),
    ],
)
def test_if_conditions(text: str | None, status: str, runs: bool) -> None:
    assert condition(text, _evaluation(status)) is runs


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${{ runner.hostname }}", "runner.hostname is not emulated"),
        ("${{ vars.X }}", "'vars' context is not emulated"),
        ("${{ toLower('A') }}", r"toLower\(\) is not supported"),
        ("${{ github.event.*.x }}", "object filters"),
    ],
)
def test_unsupported_expressions_fail_loudly(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        substitute(text, _evaluation(github=StrictContext("github", {})))


def test_matrix_include_and_exclude() -> None:
    combos = expand_matrix(
        {
            "database": ["sqlite", "postgres"],
            "python": ["3.12"],
            "exclude": [{"database": "sqlite"}],
            "include": [{"database": "postgres", "extra": "x"}, {"database": "mysql"}],
        }
    )
    assert combos == [
        {"database": "postgres", "python": "3.12", "extra": "x"},
        {"database": "mysql"},
    ]


def test_env_file_lines_and_heredocs() -> None:
    text = "A=1\nB=x=y\nMULTI<<EOF\nline 1\nline 2\nEOF\n"
    assert parse_env_file(text, "GITHUB_ENV") == {"A": "1", "B": "x=y", "MULTI": "line 1\nline 2"}


def test_service_options_and_images() -> None:
    health = parse_options(
        '--health-cmd "pg_isready -U nexus" --health-interval 5s --health-retries 20'
    )
    assert (health.command, health.interval, health.retries) == ("pg_isready -U nexus", 5.0, 20)
    assert image_major("postgres:15@sha256:" + "0" * 64) == ("postgres", 15)
    assert image_major("docker.io/library/redis:7.4") == ("redis", 7)
    with pytest.raises(ServiceError, match="--tmpfs"):
        parse_options("--tmpfs /x")


def test_the_sandbox_path_holds_the_image_programs_only(tmp_path: Path) -> None:
    sandbox = Sandbox(root=tmp_path, image=load_image_list())
    sandbox.build(proxy_url=None)
    path = str(sandbox.bin_dir)
    for program in ("bash", "git", "make", "sed", "sudo", "apt-get"):
        assert shutil.which(program, path=path), program
    # Installed on this machine maybe, never on the runner image.
    for program in ("redis-server", "redis-cli", "promtool", "initdb", "pg_ctl"):
        assert shutil.which(program, path=path) is None, program


def test_the_image_list_names_its_source() -> None:
    image = load_image_list()
    assert image.name == "ubuntu-24.04"
    assert "actions/runner-images" in image.readme and "Ubuntu2404-Readme.md" in image.readme
    assert image.read_on and image.image_version


FIXTURE_WORKFLOW = """
name: fixture
on: push
defaults:
  run:
    shell: bash
env:
  GREETING: hello
jobs:
  test:
    name: test (${{ matrix.flavour }})
    runs-on: ubuntu-24.04
    strategy:
      matrix:
        flavour: [plain, fancy]
    env:
      JOB_VALUE: job-${{ matrix.flavour }}
    steps:
      - uses: actions/checkout@0000000000000000000000000000000000000000
        with:
          fetch-depth: 0
      - name: Only fancy
        if: matrix.flavour == 'fancy'
        run: |
          echo "FROM_STEP=set-by-step" >> "$GITHUB_ENV"
          mkdir -p "$RUNNER_TEMP/extra" && echo "$RUNNER_TEMP/extra" >> "$GITHUB_PATH"
      - name: Check
        env:
          STEP_VALUE: ${{ env.GREETING }}-${{ runner.os }}
        run: |
          test -f marker.txt
          echo "values: $JOB_VALUE $STEP_VALUE ${FROM_STEP:-unset} CI=$CI"
          python3 -c "import shutil; print('redis-server:', shutil.which('redis-server'))"
          echo "### ${{ matrix.flavour }}" >> "$GITHUB_STEP_SUMMARY"
      - name: Not on the image
        if: matrix.flavour == 'fancy'
        run: redis-server --version
      - name: After a failure
        if: ${{ !cancelled() }}
        run: echo "still ran"
"""


def test_a_fixture_job_runs_as_on_the_runner(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "workflow.yml").write_text(FIXTURE_WORKFLOW)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@localhost"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-qm", "fixture"], check=True)
    (repo / "marker.txt").write_text("uncommitted, yet checked out\n")
    job = load_job(repo / "workflow.yml", "test")
    results = {}
    logs = {}
    for matrix in job.matrix():
        stream = io.StringIO()
        options = Options(source=repo, reports=tmp_path / "reports", stream=stream)
        results[matrix["flavour"]] = run_entry(job, matrix, options)
        logs[matrix["flavour"]] = stream.getvalue()

    plain, fancy = results["plain"], results["fancy"]
    assert plain.ok and plain.name == "test (plain)"
    assert [s.outcome for s in plain.steps] == [
        "success",
        "skipped",
        "success",
        "skipped",
        "success",
    ]
    assert "values: job-plain hello-Linux unset CI=true" in logs["plain"]
    assert "redis-server: None" in logs["plain"]
    assert (tmp_path / "reports" / "plain" / "job-summary.md").read_text() == "### plain\n"

    assert not fancy.ok
    assert [s.outcome for s in fancy.steps] == ["success"] * 3 + ["failure", "success"]
    assert "values: job-fancy hello-Linux set-by-step CI=true" in logs["fancy"]
    assert fancy.denied == ["redis-server"]
    assert any(
        "redis-server: not a program of the ubuntu-24.04" in d for d in fancy.steps[3].diagnosis
    )
