"""The workflows do what docs/ci-cd.md says: triggers, order, images, pins, permissions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, WORKFLOWS, load_yaml, needs_of, steps_using, triggers

ALL_WORKFLOWS = sorted(WORKFLOWS.glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"@[0-9a-f]{40} # v\d+(\.\d+){0,2}\b")


def test_the_three_documented_workflows_exist() -> None:
    assert {p.name for p in ALL_WORKFLOWS} == {
        "ci-cd.yml",
        "security-audit.yml",
        "performance-test.yml",
    }


# --- ci-cd.yml ----------------------------------------------------------------------------------


def test_ci_cd_triggers(ci_cd: dict[str, Any]) -> None:
    on = triggers(ci_cd)
    assert set(on) == {"push", "pull_request"}
    assert on["push"]["branches"] == ["main", "develop"]
    assert on["push"]["tags"] == ["v*"]
    assert on["pull_request"]["branches"] == ["main", "develop"]


def test_ci_cd_stage_order(ci_cd: dict[str, Any]) -> None:
    jobs = ci_cd["jobs"]
    assert needs_of(jobs["lint"]) == set()
    assert needs_of(jobs["test"]) == {"lint"}
    assert needs_of(jobs["codecov"]) == {"test"}
    assert needs_of(jobs["build-image"]) == {"test"}
    assert needs_of(jobs["build-image-merge"]) == {"build-image"}
    assert needs_of(jobs["security-scan"]) == {"build-image"}
    assert needs_of(jobs["security-issue"]) == {"security-scan"}
    for deploy in ("deploy-staging", "deploy-production"):
        assert needs_of(jobs[deploy]) == {"build-image-merge", "security-scan"}


def test_ci_gate_is_the_single_always_running_check(ci_cd: dict[str, Any]) -> None:
    jobs = ci_cd["jobs"]
    gate = jobs["ci-gate"]
    assert gate["if"] == "always()"
    assert needs_of(gate) == {
        "lint",
        "test",
        "codecov",
        "build-image",
        "build-image-merge",
        "security-scan",
    }
    script = gate["steps"][-1]["run"]
    assert '"failure"' in script and '"cancelled"' in script and "exit 1" in script
    # Every job a deploy depends on feeds the gate, so the gate cannot be green with a red stage.
    upstream = set().union(*(needs_of(jobs[d]) for d in ("deploy-staging", "deploy-production")))
    assert upstream <= needs_of(gate)


def test_ci_cd_concurrency_cancels_superseded_pull_request_runs(ci_cd: dict[str, Any]) -> None:
    concurrency = ci_cd["concurrency"]
    assert "github.event.pull_request.number || github.ref" in concurrency["group"]
    assert concurrency["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    for deploy in ("deploy-staging", "deploy-production"):
        job_concurrency = ci_cd["jobs"][deploy]["concurrency"]
        assert job_concurrency == {"group": deploy, "cancel-in-progress": False}


def test_lint_job_runs_make_lint_and_the_pipeline_tests(ci_cd: dict[str, Any]) -> None:
    runs = [s.get("run", "") for s in ci_cd["jobs"]["lint"]["steps"]]
    assert "make install install-tools" in runs
    assert "make lint" in runs
    assert "make test-pipeline" in runs


def test_test_job_services_and_matrix(ci_cd: dict[str, Any]) -> None:
    job = ci_cd["jobs"]["test"]
    assert job["strategy"]["matrix"]["database"] == ["sqlite", "postgres"]
    assert job["strategy"]["fail-fast"] is False
    services = job["services"]
    # Policy: the service images are pinned by digest (what runs is checked by make ci-parity).
    assert re.fullmatch(r"postgres:15@sha256:[0-9a-f]{64}", services["postgres"]["image"])
    assert re.fullmatch(r"redis:7@sha256:[0-9a-f]{64}", services["redis"]["image"])
    assert "--health-cmd" in services["postgres"]["options"]
    assert "pg_isready" in services["postgres"]["options"]
    assert "--health-cmd" in services["redis"]["options"]
    assert "redis-cli ping" in services["redis"]["options"]
    python = steps_using(job, "actions/setup-python")[0]["with"]["python-version"]
    assert python == "${{ env.PYTHON_VERSION }}" and ci_cd["env"]["PYTHON_VERSION"] == "3.12"


def test_test_job_order_of_steps_and_coverage_floor(ci_cd: dict[str, Any]) -> None:
    job = ci_cd["jobs"]["test"]
    runs = [s.get("run", "") for s in job["steps"]]
    migrations = runs.index("make migrations-check")
    unit = next(i for i, r in enumerate(runs) if r.startswith("bin/test tests/unit"))
    integration = next(i for i, r in enumerate(runs) if r.startswith("bin/test tests --ignore"))
    floor = runs.index(".venv/bin/python -m coverage report --precision=1")
    assert migrations < unit < integration < floor
    assert "--cov-append" in runs[integration]
    assert "--ignore=tests/unit --ignore=tests/pipeline" in runs[integration]
    # The floor comes from pyproject.toml (fail_under), not from a number in the workflow.
    assert re.search(r"^fail_under = 90$", (ROOT / "pyproject.toml").read_text(), re.M)
    checkout = steps_using(job, "actions/checkout")[0]["with"]
    assert checkout["fetch-depth"] == 0, "the upgrade check needs the release tags"


def test_test_artifacts_are_unique_per_matrix_entry(ci_cd: dict[str, Any]) -> None:
    uploads = steps_using(ci_cd["jobs"]["test"], "actions/upload-artifact")
    names = {u["with"]["name"] for u in uploads}
    assert names == {"junit-${{ matrix.database }}", "coverage-${{ matrix.database }}"}
    paths = "\n".join(u["with"]["path"] for u in uploads)
    for report in ("reports/junit-*.xml", "reports/coverage.xml", "reports/coverage-html/"):
        assert report in paths
    summary = ci_cd["jobs"]["test"]["steps"][-1]
    assert "GITHUB_STEP_SUMMARY" in summary["run"]


def test_codecov_uses_oidc_on_its_own_job(ci_cd: dict[str, Any]) -> None:
    jobs = ci_cd["jobs"]
    upload = steps_using(jobs["codecov"], "codecov/codecov-action")[0]["with"]
    assert upload["use_oidc"] is True
    assert upload["fail_ci_if_error"] is True
    assert jobs["codecov"]["permissions"]["id-token"] == "write"
    others = [name for name, job in jobs.items() if name != "codecov"]
    assert all("id-token" not in jobs[name].get("permissions", {}) for name in others)


def test_images_are_built_natively_per_platform(ci_cd: dict[str, Any]) -> None:
    job = ci_cd["jobs"]["build-image"]
    assert job["runs-on"] == "${{ matrix.runner }}"
    include = job["strategy"]["matrix"]["include"]
    assert {(e["platform"], e["runner"]) for e in include} == {
        ("linux/amd64", "ubuntu-24.04"),
        ("linux/arm64", "ubuntu-24.04-arm"),
    }
    build = steps_using(job, "docker/build-push-action")[0]["with"]
    assert build["platforms"] == "${{ matrix.platform }}"
    assert "push-by-digest=true" in build["outputs"]
    assert "push=${{ github.event_name != 'pull_request' }}" in build["outputs"]
    assert build["cache-from"] == "type=gha,scope=build-image-${{ matrix.slug }}"
    assert build["cache-to"] == "type=gha,mode=max,scope=build-image-${{ matrix.slug }}"
    assert build["provenance"] == "mode=max"
    assert build["sbom"] is True
    login = steps_using(job, "docker/login-action")[0]
    assert login["if"] == "github.event_name != 'pull_request'"
    assert login["with"]["registry"] == "ghcr.io"


def test_manifest_list_tags(ci_cd: dict[str, Any]) -> None:
    job = ci_cd["jobs"]["build-image-merge"]
    assert job["if"] == "github.event_name != 'pull_request'"
    meta = steps_using(job, "docker/metadata-action")[0]["with"]
    tags = [line.strip() for line in meta["tags"].strip().splitlines()]
    assert tags == [
        "type=raw,value=latest,enable=${{ github.ref == 'refs/heads/main' }}",
        "type=raw,value=develop,enable=${{ github.ref == 'refs/heads/develop' }}",
        "type=sha,prefix={{branch}}-,enable=${{ startsWith(github.ref, 'refs/heads/') }}",
        "type=semver,pattern=v{{version}}",
        "type=semver,pattern={{major}}.{{minor}}",
    ]
    assert meta["flavor"] == "latest=false", "a v* tag must not move `latest`"
    merge = "\n".join(s.get("run", "") for s in job["steps"])
    assert "docker buildx imagetools create" in merge


def test_security_scan(ci_cd: dict[str, Any]) -> None:
    job = ci_cd["jobs"]["security-scan"]
    runs = [s.get("run", "") for s in job["steps"]]
    assert "make security" in runs
    assert job["env"]["SECURITY_REQUIRE_NETWORK"] == "1"
    assert job["env"]["SEMGREP_REGISTRY_CONFIGS"]
    gate, sarif = steps_using(job, "aquasecurity/trivy-action")
    assert gate["with"]["severity"] == "HIGH,CRITICAL"
    assert gate["with"]["exit-code"] == "1"
    assert gate["with"]["cache"] == "true"
    assert sarif["with"]["format"] == "sarif"
    uploads = steps_using(job, "github/codeql-action/upload-sarif")
    assert {u["with"]["category"] for u in uploads} >= {"bandit", "semgrep", "trivy-image"}
    fork_guard = "github.event.pull_request.head.repo.full_name == github.repository"
    assert all(fork_guard in u["if"] for u in uploads)
    assert job["permissions"]["security-events"] == "write"


def test_security_issue_is_opened_or_updated_never_duplicated(ci_cd: dict[str, Any]) -> None:
    job = ci_cd["jobs"]["security-issue"]
    assert job["permissions"] == {"issues": "write"}
    assert "needs.security-scan.result == 'failure'" in job["if"]
    script = job["steps"][-1]["run"]
    assert "gh issue list --state open --label" in script
    assert "gh issue comment" in script and "gh issue create" in script


@pytest.mark.parametrize(
    ("job_name", "environment", "secret", "url", "condition"),
    [
        (
            "deploy-staging",
            "staging",
            "KUBE_CONFIG_STAGING",
            "https://staging-api.nexus-reussite.com",
            "github.event_name == 'push' && github.ref == 'refs/heads/develop'",
        ),
        (
            "deploy-production",
            "production",
            "KUBE_CONFIG_PRODUCTION",
            "https://api.nexus-reussite.com",
            "github.event_name == 'push' && (github.ref == 'refs/heads/main' || "
            "startsWith(github.ref, 'refs/tags/v'))",
        ),
    ],
)
def test_deploy_jobs(
    ci_cd: dict[str, Any], job_name: str, environment: str, secret: str, url: str, condition: str
) -> None:
    job = ci_cd["jobs"][job_name]
    assert job["if"] == condition
    assert job["environment"] == {"name": environment, "url": url}
    assert job["env"]["SMOKE_BASE_URL"] == url
    assert job["env"]["DEPLOY_TAG"] == "${{ needs.build-image-merge.outputs.deploy-tag }}"
    steps = job["steps"]
    kubeconfig = next(s for s in steps if secret in str(s.get("env", {})))
    assert "base64 --decode" in kubeconfig["run"] and "chmod 600" in kubeconfig["run"]
    deploy = next(s for s in steps if ".github/deploy/deploy.sh" in s.get("run", ""))
    assert deploy["run"] == f'.github/deploy/deploy.sh {environment} "$DEPLOY_TAG"'
    assert set(deploy["env"]) == {"SMOKE_EMAIL", "SMOKE_PASSWORD"}
    assert any("GITHUB_STEP_SUMMARY" in s.get("run", "") for s in steps)


def test_deploy_tag_is_immutable(ci_cd: dict[str, Any]) -> None:
    job = ci_cd["jobs"]["build-image-merge"]
    script = next(s["run"] for s in job["steps"] if s.get("id") == "tag")
    assert 'tag="$GITHUB_REF_NAME"' in script  # v<version> on a tag push
    assert 'tag="${GITHUB_REF_NAME}-${GITHUB_SHA::7}"' in script  # main-<sha> / develop-<sha>


# --- security-audit.yml and performance-test.yml ----------------------------------------------


def test_security_audit_triggers(security_audit: dict[str, Any]) -> None:
    on = triggers(security_audit)
    assert on["schedule"] == [{"cron": "0 2 * * *"}]
    assert on["push"]["paths"] == [
        "requirements/**",
        "pyproject.toml",
        "package*.json",
        "Dockerfile",
    ]
    assert "workflow_dispatch" in on


def test_security_audit_tools(security_audit: dict[str, Any]) -> None:
    jobs = security_audit["jobs"]
    assert "make security" in [s.get("run", "") for s in jobs["audit"]["steps"]]
    init = steps_using(jobs["codeql"], "github/codeql-action/init")[0]["with"]
    assert init["languages"] == "python"
    assert steps_using(jobs["codeql"], "github/codeql-action/analyze")
    assert steps_using(jobs["audit"], "github/codeql-action/upload-sarif")
    assert needs_of(jobs["issue"]) == {"audit", "codeql"}
    assert jobs["issue"]["permissions"] == {"issues": "write"}


def test_performance_test_triggers(performance_test: dict[str, Any]) -> None:
    on = triggers(performance_test)
    assert on["schedule"] == [{"cron": "0 3 * * 0"}]
    assert on["push"] == {
        "branches": ["main"],
        "paths": ["src/**", "requirements/**", "pyproject.toml"],
    }
    assert set(on["workflow_dispatch"]["inputs"]) == {"duration", "users"}


def test_performance_test_runs_make_perf(performance_test: dict[str, Any]) -> None:
    job = performance_test["jobs"]["perf"]
    assert job["services"]["postgres"]["image"] == "postgres:15"
    assert job["services"]["redis"]["image"] == "redis:7"
    runs = [s.get("run", "") for s in job["steps"]]
    assert 'make perf PERF_USERS="$PERF_USERS" PERF_DURATION="$PERF_DURATION"' in runs
    uploads = "\n".join(str(u["with"]["path"]) for u in steps_using(job, "actions/upload-artifact"))
    assert "reports/perf/*.html" in uploads and "reports/perf/*.csv" in uploads
    assert any("cat reports/perf/summary.md" in r for r in runs)


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
