"""Image policy that only the text can show, and the pod-contract translation of image-check.

What the image does (entry point on the pod's mounts, probes, metrics, HEALTHCHECK, SIGTERM,
no pip, the migration Job) is executed by `make image-check` (tests/image/check.py), which
needs a Docker engine and is run by .ci/run, not here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.image.check import render
from tests.image.contract import ContractError, configmaps_of, find, pod_contract

from .conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_production_base_is_python_312_alpine_for_every_stage() -> None:
    # The stand-in of image-check comes in through PYTHON_BASE only; what CI builds is Alpine.
    (default,) = re.findall(r"^ARG PYTHON_BASE=(\S+)$", DOCKERFILE, re.M)
    assert default.split("@")[0] == "python:3.12-alpine"
    bases = re.findall(r"^FROM (\S+)", DOCKERFILE, re.M)
    assert len(bases) >= 2 and set(bases) == {"${PYTHON_BASE}"}


def test_final_user_is_numeric() -> None:
    # runAsNonRoot can only be verified by the kubelet on a numeric uid.
    users = re.findall(r"^USER (\S+)$", DOCKERFILE, re.M)
    assert users and re.fullmatch(r"[1-9]\d*:[1-9]\d*", users[-1])


def test_dockerignore_is_an_allow_list() -> None:
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"  # nothing (.env, .git, venvs) reaches the context unless listed


def rendered_production() -> list[dict[str, Any]]:
    return render("app")


SECRETS = {
    "nexus-backend-secrets": {
        k: "x" for k in ("database-url", "redis-url", "secret-key", "openai-api-key")
    }
}


def test_rendered_deployment_becomes_docker_options() -> None:
    docs = rendered_production()
    contract = pod_contract(find(docs, "Deployment", "nexus-backend"), configmaps_of(docs), SECRETS)
    options = " ".join(contract.options)
    for expected in (
        "--user 10001:10001",
        "--read-only",
        "--security-opt no-new-privileges",
        "--cap-drop ALL",
        "--tmpfs /tmp:",
        "--tmpfs /tmp/prometheus:",
    ):
        assert expected in options
    assert contract.env["PROMETHEUS_MULTIPROC_DIR"] == "/tmp/prometheus"  # from the ConfigMap
    assert contract.env["SECRET_KEY"] == "x"  # from the Secret
    assert contract.probes["readiness"].port == contract.ports["http"]


def _pod(**container: Any) -> dict[str, Any]:
    base = {"name": "c", "image": "i", **container}
    return {"spec": {"template": {"spec": {"containers": [base]}}}}


@pytest.mark.parametrize(
    ("container", "message"),
    [
        ({"securityContext": {"procMount": "Unmasked"}}, "procMount"),
        ({"volumeMounts": [{"name": "v", "mountPath": "/v"}]}, "names no volume"),
        ({"env": [{"name": "A", "value": "$(B)"}]}, "references"),
        ({"env": [{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "x"}}}]}, "only values"),
    ],
)
def test_what_cannot_be_reproduced_fails_the_check(container: dict[str, Any], message: str) -> None:
    with pytest.raises(ContractError, match=message):
        pod_contract(_pod(**container), {}, {})


def test_a_volume_other_than_empty_dir_fails_the_check() -> None:
    pod = _pod(volumeMounts=[{"name": "cfg", "mountPath": "/etc/cfg"}])
    pod["spec"]["template"]["spec"]["volumes"] = [{"name": "cfg", "configMap": {"name": "c"}}]
    with pytest.raises(ContractError, match="only whole emptyDir"):
        pod_contract(pod, {}, {})
