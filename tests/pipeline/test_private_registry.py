"""The image-pull-secret component (docs/deployment.md, "Private repository"), enabled the way
the doc says in a copy of the deployment directory, rendered by render.sh and validated.

In tests/pipeline (the lint job, which installs .venv-tools): the validator is not on the test
job's runner, as make ci-parity showed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.deploy_harness import DEPLOY_DIR, REPO_ROOT, require_kubectl

TOOLS_BIN = Path(os.environ.get("TOOLS_BIN", REPO_ROOT / ".venv-tools" / "bin"))
PULL_SECRETS = [{"name": "ghcr-pull"}]


def _pods(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    pods = {}
    for doc in docs:
        if doc["kind"] in ("Deployment", "Job"):
            pods[f"{doc['kind']}/{doc['metadata']['name']}"] = doc["spec"]["template"]["spec"]
        elif doc["kind"] == "CronJob":
            pods[f"CronJob/{doc['metadata']['name']}"] = doc["spec"]["jobTemplate"]["spec"][
                "template"
            ]["spec"]
    return pods


def _render(deploy_dir: Path, what: str) -> str:
    return subprocess.run(
        [str(deploy_dir / "render.sh"), "staging", "v1.2.3", what],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, "IMAGE_REPOSITORY": "ghcr.io/owner/private-repo"},
    ).stdout


@pytest.mark.parametrize("enabled", [True, False], ids=["enabled", "default"])
def test_the_component_adds_the_pull_secret_to_every_pod(tmp_path: Path, enabled: bool) -> None:
    require_kubectl()
    copy = tmp_path / "deploy"
    shutil.copytree(DEPLOY_DIR, copy)
    overlay = copy / "overlays" / "staging" / "kustomization.yaml"
    if enabled:  # the two lines the doc tells you to add
        overlay.write_text(
            overlay.read_text() + "\ncomponents:\n  - ../../components/image-pull-secret\n"
        )
    app, migrate = _render(copy, "app"), _render(copy, "migrate")
    docs = [d for d in yaml.safe_load_all(app + "\n---\n" + migrate) if d]

    pods = _pods(docs)
    scheduled = {
        f"CronJob/nexus-backend-{p.stem.removeprefix('cronjob-')}"
        for p in (DEPLOY_DIR / "base").glob("cronjob-*.yaml")
    }
    assert set(pods) == {
        "Deployment/nexus-backend",
        "Deployment/nexus-backend-worker",
        "Job/nexus-backend-migrate",
        *scheduled,
    }
    for name, pod in pods.items():
        assert pod.get("imagePullSecrets") == (PULL_SECRETS if enabled else None), name
    if enabled:
        validator = TOOLS_BIN / "kubernetes-validate"
        if not validator.exists():
            message = f"{validator} is missing: run `make install-tools`"
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(f"SKIPPED LOUDLY: {message}")
        rendered = tmp_path / "workloads.yaml"
        rendered.write_text(
            yaml.safe_dump_all([d for d in docs if d["kind"] in ("Deployment", "CronJob", "Job")])
        )
        subprocess.run(
            [str(validator), "--strict", "--quiet", str(rendered)], check=True, timeout=120
        )
