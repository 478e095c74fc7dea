"""The CronJobs of the rendered overlays: each runs a real `nexus` command, on the release's
image, with the Deployment's settings and security context."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from deploy_harness import by_kind, one, render

Doc = dict[str, Any]
TAG = "v2.0.1"


def _pod(doc: Doc) -> Doc:
    spec: Doc = (
        doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        if doc["kind"] == "CronJob"
        else doc["spec"]["template"]["spec"]
    )
    return spec


@pytest.fixture(name="docs", params=["staging", "production"])
def fixture_docs(request: pytest.FixtureRequest) -> list[Doc]:
    return render(request.param, tag=TAG)


def test_every_cronjob_runs_the_release_like_the_deployment(docs: list[Doc]) -> None:
    deployment = one(docs, "Deployment", "nexus-backend")
    cronjobs = by_kind(docs, "CronJob")
    assert sorted(c["metadata"]["name"] for c in cronjobs) == [
        "nexus-backend-billing-reminders",
        "nexus-backend-purge-aria-data",
        "nexus-backend-send-reminders",
        "nexus-backend-tax-certificates",
    ]
    app_pod = _pod(deployment)
    (app,) = app_pod["containers"]
    for cronjob in cronjobs:
        spec = cronjob["spec"]
        pod = _pod(cronjob)
        (container,) = pod["containers"]
        assert spec["concurrencyPolicy"] == "Forbid"
        assert spec["timeZone"] == "Europe/Paris"
        assert spec["jobTemplate"]["spec"]["activeDeadlineSeconds"] > 0
        # The image deploy.sh/render.sh set for the release, the same as the Deployment's.
        assert container["image"] == app["image"] == f"ghcr.io/nexus-reussite/nexus-backend:{TAG}"
        assert container["envFrom"] == app["envFrom"]  # the hashed ConfigMap name included
        assert pod["securityContext"] == app_pod["securityContext"]
        assert container["securityContext"] == app["securityContext"]
        assert pod["serviceAccountName"] == app_pod["serviceAccountName"]
        assert pod["automountServiceAccountToken"] is False
        secrets = {e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"]}
        assert secrets == {"nexus-backend-secrets"}
        assert container["resources"]["limits"]
        # Its own NetworkPolicy selects its pods.
        labels = spec["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
        policies = [
            p
            for p in by_kind(docs, "NetworkPolicy")
            if p["spec"]["podSelector"]["matchLabels"].items() <= labels.items()
        ]
        assert len(policies) == 1


def test_the_cronjob_commands_run(docs: list[Doc], tmp_path: Path) -> None:
    """Each CronJob's command, run with its ConfigMap's settings on a fresh database."""
    (configmap,) = by_kind(docs, "ConfigMap")
    settings = {k: v for k, v in configmap["data"].items() if k != "NEXUS_ENV"}
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        **settings,
        "NEXUS_ENV": "development",  # production would refuse the SQLite file
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cron.db'}",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR")
    nexus = Path(sys.executable).with_name("nexus")
    subprocess.run([str(nexus), "db", "upgrade"], env=env, check=True, capture_output=True)
    said = {
        "send-reminders": "0 reminder(s) sent",
        "billing-reminders": "0 overdue invoice(s) reminded",
        # Last year's, whatever the day of the run (a fresh database: none to issue).
        "tax-certificates": "0 tax certificate(s) issued for",
        "purge-aria-data": "purged 0 conversation(s), 0 study plan(s), 0 usage row(s) older "
        "than 365 days",
    }
    for cronjob in by_kind(docs, "CronJob"):
        (container,) = _pod(cronjob)["containers"]
        program, *args = container["command"]
        assert program == "nexus"
        run = subprocess.run(
            [str(nexus), *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert run.returncode == 0, run.stderr
        assert said.pop(args[0]) in run.stdout
    assert not said, f"no CronJob runs {sorted(said)}"
