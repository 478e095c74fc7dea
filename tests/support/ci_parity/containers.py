"""Service containers of a job, stood up as the workflow declares them, in the job's network.

GitHub starts each ``services:`` container from its image with its ``env``, publishes its
``ports`` on the runner, and waits for its ``--health-cmd`` before the first step. Here there is
no container engine, so each image is emulated by the same server from this machine, in a
network namespace of the run's own: its loopback is where the job finds ``127.0.0.1:5432`` and
``127.0.0.1:6379`` exactly as declared, and the machine's shared servers are out of reach (a
test that falls back to them on the runner finds the service instead, as it would there).

``postgres:N``: a private cluster of PostgreSQL N initialised as the image's entrypoint does:
``POSTGRES_USER`` the superuser with ``POSTGRES_PASSWORD`` (required, as in the image),
``POSTGRES_DB`` created, connections from outside the container (the job's) authenticated by
scram-sha-256; the socket (the health command's way in) trusts, as in the image.
``redis:N``: this machine's redis-server, major version N, no persistence.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.ci_parity.workflow import Service

IP = shutil.which("ip", path="/usr/sbin:/usr/bin:/sbin:/bin") or "/usr/sbin/ip"


class ServiceError(RuntimeError):
    """A service the parity runner cannot stand up (or that never became healthy)."""


class Netns:
    """A named network namespace with its loopback up; every process in it is the run's."""

    def __init__(self, name: str) -> None:
        self.name = name

    def create(self) -> None:
        subprocess.run([IP, "netns", "add", self.name], check=True)
        subprocess.run([IP, "-n", self.name, "link", "set", "lo", "up"], check=True)

    def wrap(self, argv: list[str]) -> list[str]:
        return [IP, "netns", "exec", self.name, *argv]

    def delete(self) -> None:
        pids = subprocess.run(
            [IP, "netns", "pids", self.name], capture_output=True, text=True, check=False
        ).stdout.split()
        for pid in pids:  # only processes this run started live in its namespace
            try:
                os.kill(int(pid), 9)
            except ProcessLookupError:
                pass
        subprocess.run([IP, "netns", "delete", self.name], check=False)


@dataclass(frozen=True)
class Health:
    command: str | None
    interval: float
    timeout: float
    retries: int


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h)$")


def _seconds(text: str) -> float:
    match = _DURATION.match(text)
    if match is None:
        raise ServiceError(f"unsupported duration {text!r}")
    return float(match.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def parse_options(options: str) -> Health:
    """The ``options:`` the runner passes to ``docker create``: the health check ones only."""
    words = shlex.split(options)
    values = {"--health-interval": "30s", "--health-timeout": "30s", "--health-retries": "3"}
    command = None
    index = 0
    while index < len(words):
        word = words[index]
        key, _, inline = word.partition("=")
        if key not in (*values, "--health-cmd"):
            raise ServiceError(f"service option {word!r} is not emulated")
        value = inline if inline else words[index + 1]
        index += 1 if inline else 2
        if key == "--health-cmd":
            command = value
        else:
            values[key] = value
    return Health(
        command=command,
        interval=_seconds(values["--health-interval"]),
        timeout=_seconds(values["--health-timeout"]),
        retries=int(values["--health-retries"]),
    )


def host_port(service: Service) -> int:
    if len(service.ports) != 1:
        raise ServiceError(f"service {service.name}: exactly one published port is emulated")
    match = re.fullmatch(r"(\d+):(\d+)(/tcp)?", service.ports[0])
    if match is None:
        raise ServiceError(
            f"service {service.name}: port {service.ports[0]!r} is not emulated (HOST:CONTAINER)"
        )
    return int(match.group(1))


def image_major(image: str) -> tuple[str, int]:
    """``postgres:15@sha256:…`` -> ("postgres", 15): the repository and the tag's major."""
    reference = image.split("@", 1)[0]
    repository, _, tag = reference.rpartition(":")
    repository = repository.removeprefix("docker.io/").removeprefix("library/")
    match = re.match(r"(\d+)", tag)
    if not repository or match is None:
        raise ServiceError(f"image {image!r}: a repository:MAJOR tag is needed")
    return repository, int(match.group(1))


class RunningService:
    """A started service: its health environment and how to stop it."""

    def __init__(self, service: Service, netns: Netns, env: dict[str, str]) -> None:
        self.service = service
        self.netns = netns
        self.env = env
        self.port = host_port(service)
        self.health = parse_options(service.options)
        self.root = Path(tempfile.mkdtemp(prefix=f"ci-parity-{service.name}-"))
        self.health_env: dict[str, str] = {"PATH": "/usr/bin:/bin"}

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def wait_healthy(self) -> None:
        """Docker's health loop: healthy at the first success, unhealthy after N failures."""
        if self.health.command is None:
            return
        last = ""
        for _ in range(self.health.retries + 1):
            try:
                done = subprocess.run(
                    self.netns.wrap(["/bin/sh", "-c", self.health.command]),
                    env=self.health_env,
                    capture_output=True,
                    text=True,
                    timeout=self.health.timeout,
                    check=False,
                )
                if done.returncode == 0:
                    return
                last = (done.stdout + done.stderr).strip()
            except subprocess.TimeoutExpired:
                last = "timed out"
            time.sleep(self.health.interval)
        raise ServiceError(
            f"service {self.service.name} is unhealthy: {self.health.command!r}: {last}"
        )


class PostgresService(RunningService):
    def __init__(self, service: Service, netns: Netns, env: dict[str, str], major: int) -> None:
        super().__init__(service, netns, env)
        self.bin = Path(f"/usr/lib/postgresql/{major}/bin")
        if not (self.bin / "initdb").exists():
            raise ServiceError(
                f"service {service.name} ({service.image}): this machine has no PostgreSQL "
                f"{major} server ({self.bin}/initdb)"
            )
        self.user = env.get("POSTGRES_USER", "postgres")
        self.database = env.get("POSTGRES_DB", self.user)
        self.data = self.root / "data"
        self.health_env = {
            "PATH": f"{self.bin}:/usr/bin:/bin",
            "PGHOST": str(self.root),
            "PGPORT": str(self.port),
        }

    def _as_postgres(self, *argv: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *argv]
        done = subprocess.run(self.netns.wrap(command), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ServiceError(f"service {self.service.name}: {argv[0]}: {done.stderr.strip()}")

    def start(self) -> None:
        password = self.env.get("POSTGRES_PASSWORD", "")
        if not password and self.env.get("POSTGRES_HOST_AUTH_METHOD") != "trust":
            raise ServiceError(
                f"service {self.service.name}: the postgres image refuses to start without "
                "POSTGRES_PASSWORD"
            )
        shutil.chown(self.root, user="postgres", group="postgres")
        pwfile = self.root / "pwfile"
        pwfile.write_text(password + "\n", encoding="utf-8")
        shutil.chown(pwfile, user="postgres", group="postgres")
        pwfile.chmod(0o600)
        host_auth = self.env.get("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256")
        self._as_postgres(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            self.user,
            f"--pwfile={pwfile}",
            "--auth-local=trust",
            f"--auth-host={host_auth}",
            "-E",
            "UTF8",
        )
        pwfile.unlink()
        options = f"-c listen_addresses=* -p {self.port} -k {self.root} -c fsync=off"
        self._as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )
        if self.database != "postgres":
            self._as_postgres(
                str(self.bin / "psql"),
                "-h",
                str(self.root),
                "-p",
                str(self.port),
                "-U",
                self.user,
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                f'CREATE DATABASE "{self.database}"',
            )

    def stop(self) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.bin / "pg_ctl"), "-D", str(self.data)]
            + ["-m", "fast", "-w", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


class RedisService(RunningService):
    def __init__(self, service: Service, netns: Netns, env: dict[str, str], major: int) -> None:
        super().__init__(service, netns, env)
        server = shutil.which("redis-server", path="/usr/bin:/usr/local/bin:/usr/sbin")
        version = ""
        if server:
            version = subprocess.run(
                [server, "--version"], capture_output=True, text=True, check=False
            ).stdout
        match = re.search(r"v=(\d+)\.", version)
        if server is None or match is None or int(match.group(1)) != major:
            raise ServiceError(
                f"service {service.name} ({service.image}): this machine has no redis-server "
                f"{major}.x (found: {version.strip() or 'none'})"
            )
        self.server = server
        cli_dir = Path(shutil.which("redis-cli", path="/usr/bin:/usr/local/bin") or "/usr/bin")
        self.health_env = {"PATH": f"{cli_dir.parent}:/usr/bin:/bin"}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = [self.server, "--port", str(self.port), "--bind", "127.0.0.1 -::1"]
        argv += ["--save", "", "--appendonly", "no", "--dir", str(self.root)]
        # The server outlives this method: stop() terminates it.
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            self.netns.wrap(argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)


def start_service(service: Service, netns: Netns, env: dict[str, str]) -> RunningService:
    repository, major = image_major(service.image)
    kinds: dict[str, type[PostgresService] | type[RedisService]] = {
        "postgres": PostgresService,
        "redis": RedisService,
    }
    if repository not in kinds:
        raise ServiceError(f"service {service.name}: image {service.image!r} is not emulated")
    running = kinds[repository](service, netns, env, major)
    running.start()
    return running
