"""The mail worker's Deployment (docs/mail.md): the API's image, settings and hardening, the
SMTP credentials from the Secret, a heartbeat liveness probe, and egress to port 587 only
beyond DNS and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from deploy_harness import one, render


@pytest.fixture(name="env", params=["production", "staging"])
def fixture_env(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def test_worker_runs_the_release_image_hardened_like_the_api(env: str) -> None:
    docs = render(env, tag="v1.2.3")
    api = one(docs, "Deployment", "nexus-backend")["spec"]["template"]["spec"]
    worker = one(docs, "Deployment", "nexus-backend-worker")["spec"]["template"]["spec"]
    (api_container,) = api["containers"]
    (container,) = worker["containers"]
    assert container["image"] == api_container["image"]
    assert container["image"].endswith(":v1.2.3")
    assert container["command"] == ["nexus", "worker"]
    assert worker["securityContext"] == api["securityContext"]
    assert container["securityContext"] == api_container["securityContext"]
    assert container["envFrom"] == api_container["envFrom"]
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if "valueFrom" in e}
    assert refs["SMTP_URL"] == {"name": "nexus-backend-secrets", "key": "smtp-url"}
    assert "optional" not in refs["SMTP_URL"]  # no silent .eml fallback in a cluster
    assert "ports" not in container and "readinessProbe" not in container


def test_worker_liveness_probe_reads_the_heartbeat_it_writes(env: str, tmp_path: Path) -> None:
    container = one(render(env), "Deployment", "nexus-backend-worker")["spec"]["template"]["spec"][
        "containers"
    ][0]
    env_values = {e["name"]: e.get("value") for e in container["env"]}
    heartbeat = env_values["MAIL_HEARTBEAT_FILE"]
    command: list[str] = container["livenessProbe"]["exec"]["command"]
    assert heartbeat in command[-1]
    # Run the probe's own code against a fresh and a stale file.
    local = tmp_path / "heartbeat"
    code = command[-1].replace(heartbeat, str(local))
    local.touch()
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
    stale = time.time() - 3600
    import os

    os.utime(local, (stale, stale))
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 1


def test_worker_network_policy_allows_smtp_submission_and_no_ingress(env: str) -> None:
    policy: dict[str, Any] = one(render(env), "NetworkPolicy", "nexus-backend-worker")
    assert policy["spec"]["podSelector"]["matchLabels"] == {"app": "nexus-backend-worker"}
    assert "ingress" not in policy["spec"] and "Ingress" in policy["spec"]["policyTypes"]
    ports = {(p["protocol"], p["port"]) for rule in policy["spec"]["egress"] for p in rule["ports"]}
    assert ports == {("UDP", 53), ("TCP", 53), ("TCP", 5432), ("TCP", 587)}
