"""The workflows' policy (pins, least privilege, strict shell, no softened gate, the single
required check) and their step scripts executed under the runner's conditions. Triggers,
stage order and exact strings are not restated here: actionlint/zizmor check the YAML,
tests/pipeline/job_runner.py runs the reporting paths, and make ci-parity the test job."""

from __future__ import annotations

import base64
import json
import os
import re
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, WORKFLOWS, load_yaml, needs_of, steps_using, triggers

ALL_WORKFLOWS = sorted(WORKFLOWS.glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"@[0-9a-f]{40} # v\d+(\.\d+){0,2}\b")


def _step(job: dict[str, Any], *, name: str | None = None, step_id: str | None = None) -> str:
    for step in job["steps"]:
        if (step_id and step.get("id") == step_id) or (name and name in step.get("name", "")):
            script: str = step["run"]
            return script
    raise AssertionError(f"no step {step_id or name}")


def run_step(script: str, tmp_path: Path, **env: str) -> tuple[int, str, dict[str, str]]:
    """A `run:` block as the runner runs it (bash -eo pipefail), with GITHUB_ENV/OUTPUT files;
    returns the exit code, the output and what the step wrote to $GITHUB_ENV and $GITHUB_OUTPUT."""
    files = {
        k: tmp_path / k.lower() for k in ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")
    }
    for file in files.values():
        file.write_text("")
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=tmp_path,
        env={
            **os.environ,
            "RUNNER_TEMP": str(tmp_path),
            **{k: str(v) for k, v in files.items()},
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    written = {}
    for key in ("GITHUB_ENV", "GITHUB_OUTPUT"):
        for line in files[key].read_text().splitlines():
            name, _, value = line.partition("=")
            written[name] = value
    return done.returncode, done.stdout + done.stderr, written


# --- ci-cd.yml: policy ----------------------------------------------------------------------


def test_ci_gate_needs_every_stage_and_fails_on_a_red_one(
    ci_cd: dict[str, Any], tmp_path: Path
) -> None:
    jobs = ci_cd["jobs"]
    gate = jobs["ci-gate"]
    assert gate["if"] == "always()"
    # Policy: the one required check covers every job but the deploys and the issue opener,
    # so it cannot be green with a red stage.
    expected = set(jobs) - {"ci-gate", "security-issue", "deploy-staging", "deploy-production"}
    assert needs_of(gate) == expected
    script = gate["steps"][-1]["run"]
    needs = {name: {"result": "success"} for name in expected}
    assert run_step(script, tmp_path, NEEDS=json.dumps(needs))[0] == 0
    needs["build-image-merge"] = {"result": "skipped"}  # pull requests push nothing
    assert run_step(script, tmp_path, NEEDS=json.dumps(needs))[0] == 0
    for result in ("failure", "cancelled"):
        code, output, _ = run_step(
            script, tmp_path, NEEDS=json.dumps({**needs, "test": {"result": result}})
        )
        assert code == 1 and "failed or cancelled: test" in output


def test_deploys_are_never_cancelled_half_way(ci_cd: dict[str, Any]) -> None:
    assert (
        ci_cd["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    )
    for deploy in ("deploy-staging", "deploy-production"):
        assert ci_cd["jobs"][deploy]["concurrency"]["cancel-in-progress"] is False


def test_test_job_service_images_are_pinned_by_digest(ci_cd: dict[str, Any]) -> None:
    # Policy: what the services run is checked by make ci-parity; here only that it is pinned.
    services = ci_cd["jobs"]["test"]["services"]
    assert re.fullmatch(r"postgres:15@sha256:[0-9a-f]{64}", services["postgres"]["image"])
    assert re.fullmatch(r"redis:7@sha256:[0-9a-f]{64}", services["redis"]["image"])


def test_only_codecov_gets_an_oidc_token(ci_cd: dict[str, Any]) -> None:
    jobs = ci_cd["jobs"]
    assert steps_using(jobs["codecov"], "codecov/codecov-action")[0]["with"]["use_oidc"] is True
    assert jobs["codecov"]["permissions"]["id-token"] == "write"
    others = [name for name, job in jobs.items() if name != "codecov"]
    assert all("id-token" not in jobs[name].get("permissions", {}) for name in others)


# --- ci-cd.yml: step scripts, executed ------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "ref_name", "pr", "expected"),
    [
        ("refs/tags/v1.4.2", "v1.4.2", "", "1.4.2"),
        ("refs/heads/main", "main", "", "main-3f2a9c1"),
        ("refs/pull/12/merge", "12/merge", "12", "pr-12-3f2a9c1"),
    ],
)
def test_build_version(
    ci_cd: dict[str, Any], tmp_path: Path, ref: str, ref_name: str, pr: str, expected: str
) -> None:
    script = _step(ci_cd["jobs"]["build-image"], step_id="version")
    code, output, written = run_step(
        script,
        tmp_path,
        GITHUB_REF=ref,
        GITHUB_REF_NAME=ref_name,
        PR_NUMBER=pr,
        GITHUB_SHA="3f2a9c1d" * 5,
    )
    assert code == 0, output
    assert written["version"] == expected


@pytest.mark.parametrize(
    ("ref", "ref_name", "expected"),
    [
        ("refs/tags/v1.4.2", "v1.4.2", "v1.4.2"),
        ("refs/heads/develop", "develop", "develop-3f2a9c1"),
    ],
)
def test_the_deploy_tag_is_immutable_and_pushed(
    ci_cd: dict[str, Any], tmp_path: Path, ref: str, ref_name: str, expected: str
) -> None:
    script = _step(ci_cd["jobs"]["build-image-merge"], step_id="tag")
    repository = "ghcr.io/owner/repo"
    env = {
        "GITHUB_REF": ref,
        "GITHUB_REF_NAME": ref_name,
        "GITHUB_SHA": "3f2a9c1d" * 5,
        "IMAGE_REPOSITORY": repository,
    }
    pushed = json.dumps({"tags": [f"{repository}:{expected}", f"{repository}:latest"]})
    code, output, written = run_step(script, tmp_path, DOCKER_METADATA_OUTPUT_JSON=pushed, **env)
    assert code == 0, output
    assert written["deploy-tag"] == expected
    # A tag that metadata-action would not push is refused rather than deployed.
    missing = json.dumps({"tags": [f"{repository}:latest"]})
    code, output, _ = run_step(script, tmp_path, DOCKER_METADATA_OUTPUT_JSON=missing, **env)
    assert code == 1 and "is not among the image tags" in output


@pytest.mark.parametrize("job_name", ["deploy-staging", "deploy-production"])
def test_the_kubeconfig_step(ci_cd: dict[str, Any], tmp_path: Path, job_name: str) -> None:
    script = _step(ci_cd["jobs"][job_name], name="Kubeconfig")
    code, output, _ = run_step(script, tmp_path, KUBE_CONFIG_B64="")
    assert code == 1 and "::error::" in output
    config = "apiVersion: v1\nkind: Config\n"
    encoded = base64.b64encode(config.encode()).decode()
    code, output, written = run_step(
        script, tmp_path, KUBE_CONFIG_B64=encoded, GITHUB_REPOSITORY="Some-Owner/Nexus-Backend"
    )
    assert code == 0, output
    kubeconfig = Path(written["KUBECONFIG"])
    assert kubeconfig.read_text(encoding="utf-8") == config
    assert stat.S_IMODE(kubeconfig.stat().st_mode) == 0o600
    # The repository build-image pushes to: GHCR wants lower case.
    assert written["IMAGE_REPOSITORY"] == "ghcr.io/some-owner/nexus-backend"


# --- performance-test.yml -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("users", "duration", "ok"),
    [("100", "2m", True), ("0", "2m", False), ("100; rm -rf /", "2m", False), ("5", "2 m", False)],
)
def test_performance_inputs_are_checked(
    performance_test: dict[str, Any], tmp_path: Path, users: str, duration: str, ok: bool
) -> None:
    script = _step(performance_test["jobs"]["perf"], name="Check the inputs")
    code, output, _ = run_step(script, tmp_path, PERF_USERS=users, PERF_DURATION=duration)
    assert (code == 0) is ok, output


# --- Every workflow --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    workflow = load_yaml(path)
    for job_name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            uses = step.get("uses")
            if uses is None or uses.startswith("./"):
                continue
            assert PINNED.match(uses), f"{path.name}:{job_name}: {uses} is not pinned to a SHA"
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if re.search(r"^\s*(- )?uses: ", line):
            assert VERSION_COMMENT.search(line), f"{path.name}: no `# vX.Y.Z` comment: {line}"


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_permissions(path: Path) -> None:
    workflow = load_yaml(path)
    assert workflow["permissions"] == {}, "top-level permissions must be empty"
    for job_name, job in workflow["jobs"].items():
        assert "permissions" in job, f"{path.name}:{job_name} has no permissions block"
        for scope, level in job["permissions"].items():
            assert level in ("read", "write"), f"{job_name}: {scope}: {level}"
            assert scope != "contents" or level == "read", f"{job_name} writes to the repository"


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_concurrency_timeouts_and_strict_shell(path: Path) -> None:
    workflow = load_yaml(path)
    assert workflow["concurrency"]["group"]
    assert workflow["defaults"]["run"]["shell"] == "bash"
    for job_name, job in workflow["jobs"].items():
        assert job.get("timeout-minutes"), f"{path.name}:{job_name} has no timeout"


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_do_not_persist_credentials(path: Path) -> None:
    workflow = load_yaml(path)
    for job in workflow["jobs"].values():
        for step in steps_using(job, "actions/checkout"):
            assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_pip_caches_are_keyed_per_stage_on_the_lock_files(path: Path) -> None:
    workflow = load_yaml(path)
    stages = []
    for job in workflow["jobs"].values():
        for step in steps_using(job, "actions/cache"):
            key = step["with"]["key"]
            match = re.fullmatch(
                r"\$\{\{ runner\.os \}\}-pip-([a-z-]+)-\$\{\{ hashFiles\((.+)\) \}\}", key
            )
            assert match, f"{path.name}: unexpected cache key {key}"
            assert "requirements/" in match.group(2)
            stages.append(match.group(1))
    assert len(stages) == len(set(stages)), f"{path.name}: two jobs share a pip cache key"


def test_no_gate_is_softened() -> None:
    for path in ALL_WORKFLOWS:
        text = path.read_text(encoding="utf-8")
        assert "continue-on-error" not in text, path.name
        assert "|| true" not in text, path.name


def test_every_repository_variable_used_is_documented() -> None:
    docs = (ROOT / "docs" / "ci-cd.md").read_text(encoding="utf-8")
    used = set()
    for path in ALL_WORKFLOWS:
        used |= set(re.findall(r"vars\.([A-Z0-9_]+)", path.read_text(encoding="utf-8")))
    missing = sorted(v for v in used if f"`{v}`" not in docs)
    assert not missing, f"repository variables used but not in docs/ci-cd.md: {missing}"


def test_every_secret_used_is_documented() -> None:
    docs = (ROOT / "docs" / "ci-cd.md").read_text(encoding="utf-8")
    used = set()
    for path in ALL_WORKFLOWS:
        used |= set(re.findall(r"secrets\.([A-Z_]+)", path.read_text(encoding="utf-8")))
    assert used >= {"KUBE_CONFIG_STAGING", "KUBE_CONFIG_PRODUCTION", "SMOKE_EMAIL"}
    missing = sorted(s for s in used if s not in docs)
    assert not missing, f"secrets used by the workflows but not in docs/ci-cd.md: {missing}"


def test_documented_schedules_match_the_workflows(
    security_audit: dict[str, Any], performance_test: dict[str, Any]
) -> None:
    docs = (ROOT / "docs" / "ci-cd.md").read_text(encoding="utf-8")
    for workflow in (security_audit, performance_test):
        for entry in triggers(workflow)["schedule"]:
            assert f"`{entry['cron']}`" in docs
