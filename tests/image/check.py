"""Run the built image under the rendered production pod contract and check what the cluster
will rely on (docs/ci-cd.md, "image-check"). Called by bin/image-check:

    python -m tests.image.check IMAGE

The Deployment and the migration Job come from .github/deploy/render.sh (kustomize), the
Secret from a local env file generated from .github/deploy/secrets.example.env, pointing at a
private PostgreSQL and Redis started for the run. Two deviations, both forced by running with
`--network host` (the engine here has no bridge): PORT is a free port instead of 8000, and
HOST is 127.0.0.1 so nothing listens beyond this machine.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml  # type: ignore[import-untyped,unused-ignore]
from alembic.script import ScriptDirectory
from prometheus_client.parser import text_string_to_metric_families

from tests.image.contract import Contract, configmaps_of, find, pod_contract, read_env_file
from tests.support.postgres_server import PrivatePostgres, private_postgres
from tests.support.redis_server import private_redis
from tests.support.services import free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET_NAME = "nexus-backend-secrets"
BURST_CLIENTS = 8
SLOW_CLIENTS = 4


class CheckFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"image-check: {message}", flush=True)


def docker(
    *argv: str, timeout: float = 120, check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603
        ["docker", *argv], capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        raise CheckFailed(f"docker {argv[0]} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def render(what: str) -> list[dict[str, Any]]:
    """The objects deploy.sh would apply (render.sh wraps `kubectl kustomize`). The image
    reference is replaced by the locally built tag, so its repository is a placeholder."""
    out = subprocess.run(  # noqa: S603
        [str(ROOT / ".github/deploy/render.sh"), "production", "image-check", what],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, "IMAGE_REPOSITORY": "image-check.invalid/nexus-backend"},
    ).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def secret_env_file(path: Path, database_url: str, redis_url: str) -> dict[str, str]:
    """The Secret's keys as the example lists them, each filled for this run; an example key
    this check does not know fails the run rather than reaching the pod empty."""
    example = read_env_file((ROOT / ".github/deploy/secrets.example.env").read_text("utf-8"))
    known = {
        "database-url": database_url,
        "redis-url": redis_url,
        "secret-key": secrets.token_urlsafe(48),
        # Never called: no request of this check reaches ARIA, and no network would let it.
        "openai-api-key": "sk-image-check-" + secrets.token_hex(16),
        # The worker's (it runs in its own Deployment); the API never connects to it.
        "smtp-url": "smtp://image-check:" + secrets.token_hex(8) + "@127.0.0.1:2525",
    }
    missing = set(example) - set(known)
    if missing:
        raise CheckFailed(f"secrets.example.env has keys this check cannot fill: {sorted(missing)}")
    path.touch(mode=0o600)
    path.write_text("".join(f"{k}={known[k]}\n" for k in example), "utf-8")
    return read_env_file(path.read_text("utf-8"))


def write_docker_env(path: Path, env: dict[str, str]) -> str:
    path.touch(mode=0o600)  # secrets: a file, not the process list
    path.write_text("".join(f"{k}={v}\n" for k, v in env.items()), "utf-8")
    return str(path)


def get(
    port: int, path: str, timeout: float, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Connection": "close", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def container_state(name: str) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(
        docker("inspect", "--format", "{{json .State}}", name).stdout
    )
    return state


def logs(name: str) -> str:
    result = docker("logs", "--tail", "30", name, check=False)
    return (result.stdout + result.stderr).strip()


def migrate(contract: Contract, image: str, env_file: str, dsn: str) -> None:
    started = time.monotonic()
    run = docker(
        "run", "--rm", "--network", "host", *contract.docker_run(image, env_file),
        timeout=contract.deadline_seconds or 600, check=False,
    )  # fmt: skip
    if run.returncode != 0:
        raise CheckFailed(
            f"migration Job exited {run.returncode}: {(run.stdout + run.stderr)[-2000:]}"
        )
    heads = set(ScriptDirectory(str(ROOT / "src/nexus/migrations")).get_heads())
    with psycopg.connect(dsn) as conn:
        applied = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
    if applied != heads:
        raise CheckFailed(f"after the migration Job the database is at {applied}, not {heads}")
    say(f"ok: migration Job ({' '.join(contract.entrypoint or [])}) upgraded a fresh database "
        f"to {', '.join(sorted(heads))} in {time.monotonic() - started:.1f}s")  # fmt: skip


def entrypoint_on_mounts(contract: Contract, image: str, env_file: str) -> None:
    """The entry point alone, on the pod's mounts: it must prepare them and exec the command."""
    run = docker("run", "--rm", "--network", "host", *contract.docker_run(image, env_file), "true",
                 check=False)  # fmt: skip
    if run.returncode != 0:
        raise CheckFailed(
            f"the entrypoint exits {run.returncode} on the pod's emptyDir mounts "
            f"({', '.join(contract.tmpfs)}): {run.stderr.strip() or run.stdout.strip()}"
        )
    say(f"ok: entrypoint prepares the emptyDir mount points {', '.join(contract.tmpfs)}")


def wait_for_probe(name: str, port: int, contract: Contract, kind: str) -> float:
    """Poll like the kubelet: every period, each try within the timeout, until the budget."""
    probe = contract.probes[kind]
    started = time.monotonic()
    time.sleep(probe.initial_delay)
    for _ in range(probe.failure_threshold):
        tried = time.monotonic()
        try:
            status, _ = get(port, probe.path, probe.timeout)
            if status == 200:
                return time.monotonic() - started
        except OSError:
            pass
        if not container_state(name)["Running"]:
            raise CheckFailed(f"the container exited before {probe.path} answered:\n{logs(name)}")
        time.sleep(max(0.0, probe.period - (time.monotonic() - tried)))
    raise CheckFailed(
        f"{kind} probe {probe.path}: no 200 within {probe.budget:.0f}s:\n{logs(name)}"
    )


def probes(name: str, port: int, contract: Contract) -> None:
    if "startup" in contract.probes:
        took = wait_for_probe(name, port, contract, "startup")
        say(f"ok: startup probe {contract.probes['startup'].path} answered 200 after {took:.1f}s "
            f"(budget {contract.probes['startup'].budget:.0f}s)")  # fmt: skip
    for kind in ("liveness", "readiness"):
        probe = contract.probes[kind]
        for _ in range(max(3, probe.success_threshold)):
            tried = time.monotonic()
            status, body = get(port, probe.path, probe.timeout)
            took = time.monotonic() - tried
            if status != 200 or took > probe.timeout:
                raise CheckFailed(
                    f"{kind} probe {probe.path}: {status} in {took:.2f}s: {body[:300]!r}"
                )
        say(f"ok: {kind} probe {probe.path} answers 200 within {probe.timeout}s")


def metrics(port: int) -> None:
    """Request counts are summed over the gunicorn workers (multiprocess directory)."""
    calls = 12
    for _ in range(calls):
        get(port, "/health", 5)
    status, body = get(port, "/metrics", 5)
    if status != 200:
        raise CheckFailed(f"/metrics answered {status}")
    counts = {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body.decode())
        if family.name == "nexus_http_requests"
        for sample in family.samples
        if sample.name == "nexus_http_requests_total"
    }
    health = sum(
        v for k, v in counts.items() if ("endpoint", "/health") in k and ("status", "200") in k
    )
    if health < calls:
        raise CheckFailed(
            f"/metrics counts {health} GET /health, expected at least {calls}: {counts}"
        )
    say(f"ok: /metrics has nexus_http_requests_total ({health:.0f} GET /health counted)")


def languages(port: int) -> None:
    """The image ships the compiled French catalogue: errors are French unless asked English."""
    expected = {None: "Rien n'existe à cette adresse.", "en": "Nothing exists at this address."}
    for language, message in expected.items():
        headers = {"Accept-Language": language} if language else {}
        status, body = get(port, "/api/v1/no-such-route", 5, headers)
        error = json.loads(body)["error"]
        if (status, error["code"], error["message"]) != (404, "not_found", message):
            raise CheckFailed(f"Accept-Language {language}: {status} {error}")
    say("ok: errors in French by default, in English with Accept-Language: en")


def healthcheck(name: str, image: str) -> None:
    config = json.loads(
        docker("image", "inspect", "--format", "{{json .Config.Healthcheck}}", image).stdout
    )
    if not config or not config.get("Test"):
        raise CheckFailed("the image has no HEALTHCHECK")
    kind, *command = config["Test"]
    if kind == "CMD-SHELL":
        command = ["/bin/sh", "-c", *command]
    timeout = config.get("Timeout", 30 * 10**9) / 10**9
    run = docker("exec", name, *command, timeout=timeout + 5, check=False)
    if run.returncode != 0:
        raise CheckFailed(f"HEALTHCHECK {command} exited {run.returncode}: {run.stderr.strip()}")
    say(f"ok: the image's HEALTHCHECK command succeeds (within {timeout:.0f}s)")


def no_pip(name: str) -> None:
    run = docker(
        "exec", name, "sh", "-c", "command -v pip pip3; python -m pip --version", check=False
    )
    if run.returncode == 0 or run.stdout.strip():
        raise CheckFailed(f"pip is available in the runtime image: {run.stdout.strip()}")
    say("ok: no pip in the runtime image (neither on PATH nor importable)")


def idle_memory(name: str) -> str:
    time.sleep(3)
    usage = docker("stats", "--no-stream", "--format", "{{.MemUsage}}", name).stdout.strip()
    say(f"idle memory: {usage}")
    return usage


class Burst:
    """Concurrent clients: fast ones loop on /health and /ready until told to stop; slow ones
    trickle a login body for a few seconds, so that requests are in flight when SIGTERM lands."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.started = 0
        self.completed = 0
        self.lost: list[str] = []
        self.finished_at: list[float] = []  # when each slow request got its whole response
        self.fast: list[threading.Thread] = []
        self.slow: list[threading.Thread] = []

    def _one(self, send: Callable[[http.client.HTTPConnection], None]) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.connect()
        except OSError:
            return False  # never started: the listener is closed
        with self.lock:
            self.started += 1
        try:
            send(conn)
            response = conn.getresponse()
            response.read()  # IncompleteRead when the body is cut short
            with self.lock:
                self.completed += 1
            return True
        except (OSError, http.client.HTTPException) as error:
            with self.lock:
                self.lost.append(repr(error))
            return False
        finally:
            conn.close()

    def _fast(self, index: int) -> None:
        path = "/ready" if index % 2 else "/health"
        while not self.stop.is_set():
            self._one(lambda c: c.request("GET", path, headers={"Connection": "close"}))

    def _slow(self, seconds: float) -> None:
        body = json.dumps({"email": "nobody@example.com", "password": "x" * 16}).encode()

        def send(conn: http.client.HTTPConnection) -> None:
            conn.putrequest("POST", "/api/v1/auth/login")
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Content-Length", str(len(body)))
            conn.putheader("Connection", "close")
            conn.endheaders()
            for i, byte in enumerate(body):
                conn.send(bytes([byte]))
                time.sleep(seconds / len(body) if i < len(body) - 1 else 0)

        if self._one(send):
            self.finished_at.append(time.monotonic())

    def start(self, slow_seconds: float) -> None:
        self.stop.clear()
        self.fast = [threading.Thread(target=self._fast, args=(i,)) for i in range(BURST_CLIENTS)]
        self.slow = [
            threading.Thread(target=self._slow, args=(slow_seconds,)) for _ in range(SLOW_CLIENTS)
        ]
        for thread in self.fast + self.slow:
            thread.start()

    def stop_fast(self) -> None:
        """No new request (the endpoint is out of the Service); the current ones finish."""
        self.stop.set()
        for thread in self.fast:
            thread.join(timeout=60)

    def join(self) -> None:
        self.stop_fast()
        for thread in self.slow:
            thread.join(timeout=120)


def graceful_stop(name: str, port: int, contract: Contract) -> None:
    """The kubelet's stop: preStop hook, then SIGTERM, then SIGKILL at the grace period."""
    burst = Burst(port)
    stop_at = time.monotonic()
    if contract.pre_stop:
        # During the hook the pod still serves: a full burst, nothing may fail.
        burst.start(slow_seconds=3.0)
        time.sleep(1.0)
        hook = docker("exec", name, *contract.pre_stop, timeout=contract.grace_seconds, check=False)
        if hook.returncode != 0:
            raise CheckFailed(
                f"preStop {contract.pre_stop} exited {hook.returncode}: {hook.stderr.strip()}"
            )
        burst.join()
    # Then SIGTERM, with the endpoint gone (no new request) and slow requests in flight. They
    # trickle their body for 10 s (well inside gunicorn's 25 s graceful timeout) so that a busy
    # machine, slow to stop the fast clients, still sends SIGTERM while they are in flight.
    burst.start(slow_seconds=10.0)
    time.sleep(1.5)
    burst.stop_fast()
    sigterm_at = time.monotonic()
    docker("kill", "--signal", "TERM", name)
    left = contract.grace_seconds - (sigterm_at - stop_at)
    waited = docker("wait", name, timeout=max(left, 1), check=False)
    burst.join()
    took = time.monotonic() - sigterm_at
    state = container_state(name)
    if waited.returncode != 0 or state["Running"]:
        raise CheckFailed(
            f"still running {took:.0f}s after SIGTERM (grace {contract.grace_seconds}s)"
        )
    if state["ExitCode"] != 0:
        raise CheckFailed(f"exit code {state['ExitCode']} after SIGTERM:\n{logs(name)}")
    if burst.lost or burst.completed != burst.started:
        lost = burst.started - burst.completed
        raise CheckFailed(f"SIGTERM lost {lost} of {burst.started} requests: {burst.lost[:5]}")
    # Every request started was answered in full (above); this proves some were in flight.
    drained = sum(1 for t in burst.finished_at if t > sigterm_at)
    if drained == 0:
        raise CheckFailed(
            f"none of the {SLOW_CLIENTS} slow requests was in flight at SIGTERM: nothing was shown"
        )
    say(f"ok: preStop + SIGTERM under {BURST_CLIENTS + SLOW_CLIENTS} concurrent clients: "
        f"{burst.completed}/{burst.started} requests answered in full ({drained} in flight at "
        f"SIGTERM), exit 0 {took:.1f}s after SIGTERM (grace {contract.grace_seconds}s, "
        f"preStop {sigterm_at - stop_at:.0f}s)")  # fmt: skip


def fresh_database(pg: PrivatePostgres, name: str) -> str:
    with psycopg.connect(
        f"postgresql://postgres@127.0.0.1:{pg.port}/postgres", autocommit=True
    ) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://postgres@127.0.0.1:{pg.port}/{name}"


@contextmanager
def container(name: str) -> Iterator[str]:
    try:
        yield name
    finally:
        docker("rm", "--force", name, check=False)


def check_image(image: str) -> None:
    app_docs, job_docs = render("app"), render("migrate")
    configmaps = configmaps_of(app_docs)
    size = int(docker("image", "inspect", "--format", "{{.Size}}", image).stdout)
    say(f"image {image}: {size / 2**20:.0f} MiB")
    with (
        private_postgres() as pg,
        private_redis() as redis_server,
        tempfile.TemporaryDirectory(prefix="nexus-image-check-") as scratch,
    ):
        work = Path(scratch)
        dsn = fresh_database(pg, "nexus_image_check")
        secret = secret_env_file(work / "secrets.env", dsn, redis_server.url)
        deployment = pod_contract(
            find(app_docs, "Deployment", "nexus-backend"), configmaps, {SECRET_NAME: secret}
        )
        job = pod_contract(find(job_docs, "Job"), configmaps, {SECRET_NAME: secret})
        say(f"pod contract: {' '.join(deployment.options)}")
        port = free_port()
        http_port = deployment.ports.get("http")
        if deployment.env.get("PORT") != str(http_port):
            raise CheckFailed(
                f"the pod sets PORT={deployment.env.get('PORT')}, its probes use {http_port}"
            )
        # --network host: the container's port 8000 is this free port (see the module docstring).
        deployment.env.update(PORT=str(port), HOST="127.0.0.1")
        for probe_name, probe in list(deployment.probes.items()):
            deployment.probes[probe_name] = replace(probe, port=port)
        app_env = write_docker_env(work / "app.env", deployment.env)
        migrate(job, image, write_docker_env(work / "job.env", job.env), dsn)
        entrypoint_on_mounts(deployment, image, app_env)
        with container(f"nexus-image-check-{os.getpid()}") as name:
            docker("run", "--detach", "--name", name, "--network", "host",
                   *deployment.docker_run(image, app_env))  # fmt: skip
            probes(name, port, deployment)
            idle_memory(name)
            metrics(port)
            languages(port)
            healthcheck(name, image)
            no_pip(name)
            graceful_stop(name, port, deployment)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.image.check IMAGE", file=sys.stderr)
        return 2
    try:
        check_image(argv[0])
    # A missing server binary raises pytest's skip/fail outcome (tests.support): a failure here.
    except (CheckFailed, OSError, subprocess.SubprocessError, pytest.skip.Exception,
            pytest.fail.Exception) as error:  # fmt: skip
        print(f"image-check: FAILED: {error}", file=sys.stderr)
        return 1
    say("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
