"""The Dockerfile keeps its promises: multi-stage, Alpine 3.12, non-root, healthcheck, signals.

No Docker engine is needed: the Dockerfile is read as text (hadolint lints it in `make lint`).
"""

from __future__ import annotations

import json
import re

from .conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def instructions(name: str) -> list[str]:
    """The arguments of every NAME instruction, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [
        line.split(None, 1)[1].strip() if " " in line.strip() else ""
        for line in joined.splitlines()
        if line.strip().upper().startswith(name + " ")
    ]


def test_multi_stage_on_python_312_alpine() -> None:
    stages = instructions("FROM")
    assert len(stages) >= 2
    assert all(s.split()[0] == "python:3.12-alpine" for s in stages)
    assert stages[0].endswith("AS build") and stages[-1].endswith("AS runtime")
    assert "COPY --from=build /opt/venv /opt/venv" in DOCKERFILE


def test_wheels_come_from_the_hash_locked_requirements() -> None:
    wheel = next(r for r in instructions("RUN") if "pip wheel" in r)
    assert "--require-hashes" in wheel and "-r requirements/main.txt" in wheel
    # The runtime stage gets no compiler, and no pip in the application's environment.
    runtime = DOCKERFILE.split("AS runtime", 1)[1]
    assert not re.search(r"apk add|build-base|gcc", runtime)
    assert "venv --without-pip" in DOCKERFILE


def test_runs_as_uid_10001() -> None:
    users = instructions("USER")
    assert users, "no USER instruction"
    final = users[-1]
    assert final.split(":")[0] == "10001"
    assert "adduser -S -D -H -u 10001" in DOCKERFILE


def test_healthcheck_uses_python_against_health_on_port() -> None:
    (check,) = instructions("HEALTHCHECK")
    command = json.loads(check.split("CMD", 1)[1].strip())
    assert command[:2] == ["python", "-c"]
    assert "urllib.request" in command[2]
    assert "http://127.0.0.1:%s/health" in command[2] and "PORT" in command[2]
    assert "curl" not in DOCKERFILE


def test_gunicorn_entry_point_with_graceful_stop() -> None:
    assert instructions("STOPSIGNAL") == ["SIGTERM"]
    (entrypoint,) = instructions("ENTRYPOINT")
    (cmd,) = instructions("CMD")
    assert json.loads(entrypoint) == ["/usr/local/bin/nexus-entrypoint"]  # exec form
    assert json.loads(cmd) == ["nexus", "serve"]
    env = " ".join(instructions("ENV"))
    for setting in (
        "NEXUS_ENV=production",
        "PORT=8000",
        "PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus",
    ):
        assert setting in env


def test_entrypoint_prepares_tmp_and_execs() -> None:
    script = (ROOT / "docker" / "entrypoint.sh").read_text(encoding="utf-8")
    assert script.startswith("#!/bin/sh\n")
    assert 'mkdir -p "$PROMETHEUS_MULTIPROC_DIR"' in script
    assert script.rstrip().endswith('exec "$@"')


def test_dockerignore_is_an_allow_list() -> None:
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"
    allowed = {line[1:] for line in lines if line.startswith("!")}
    copied = {"pyproject.toml", "requirements/main.txt", "requirements/build.txt", "src/"}
    assert copied | {"docker/entrypoint.sh"} == allowed
