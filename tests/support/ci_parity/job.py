"""One matrix entry of a job, run as a GitHub-hosted ubuntu-24.04 runner would run it.

Order, as on the runner: services started and healthy, then each step in order with
``if:`` evaluated against the job status, ``env`` = workflow < job < ``$GITHUB_ENV`` < step,
``$GITHUB_PATH`` entries first on PATH, ``$GITHUB_OUTPUT`` as ``steps.<id>.outputs``,
``$GITHUB_STEP_SUMMARY`` appended to the job summary, then the actions' post steps.
Differences from the runner that remain are listed in docs/ci-cd.md ("Runner parity").
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from tests.support.ci_parity import actions, containers
from tests.support.ci_parity.expressions import (
    Evaluation,
    ExpressionError,
    SecretsContext,
    StrictContext,
    condition,
    substitute,
    substitute_value,
)
from tests.support.ci_parity.runner_image import Sandbox, load_image_list
from tests.support.ci_parity.workflow import Job, Step, WorkflowError, parse_env_file

PROXY_PORT = 3128
# This machine's way to trust its TLS-intercepting egress: plumbing the runner does not need,
# passed through so that pip and git reach PyPI here. Nothing else of the caller's environment
# reaches the job.
MACHINE_PASSTHROUGH = (
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "PIP_CERT",
    "CURL_CA_BUNDLE",
    "GIT_SSL_CAINFO",
    "PIP_DEFAULT_TIMEOUT",
)
_SHELLS = {
    "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"],
    "sh": ["sh", "-e", "{0}"],
    "python": ["python", "{0}"],
}
_DIAGNOSIS = re.compile(
    r"^(FAILED |ERROR )|command not found|not a program of the ubuntu|is not reachable|"
    r"fe_sendauth|error:",
)


@dataclass
class StepResult:
    label: str
    outcome: str  # success | failure | skipped
    seconds: float = 0.0
    diagnosis: list[str] = field(default_factory=list)


@dataclass
class EntryResult:
    name: str
    matrix: dict[str, Any]
    steps: list[StepResult] = field(default_factory=list)
    error: str | None = None
    denied: list[str] = field(default_factory=list)
    absent_here: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and all(s.outcome != "failure" for s in self.steps)


@dataclass
class Options:
    source: Path
    reports: Path
    event: str = "push"
    keep: bool = False
    stream: TextIO = sys.stdout


class EntryRun:  # pylint: disable=too-many-instance-attributes
    """The state of one matrix entry's run."""

    def __init__(self, job: Job, matrix: dict[str, Any], options: Options) -> None:
        self.job = job
        self.matrix = matrix
        self.options = options
        self.root = Path(tempfile.mkdtemp(prefix="ci-parity-"))
        repo = options.source.name
        self.workspace = self.root / "work" / repo / repo
        self.home = self.root / "home"
        self.temp = self.root / "temp"
        self.tool_cache = self.root / "hostedtoolcache"
        # The workspace exists (empty) before any checkout, as on the runner.
        for path in (self.workspace, self.home, self.temp, self.tool_cache):
            path.mkdir(parents=True)
        self.status = "success"
        self.env_context: dict[str, str] = {}
        self.paths: list[str] = []
        self.outputs: dict[str, dict[str, str]] = {}
        self.summary = self.root / "job-summary.md"
        self.netns: containers.Netns | None = None
        self.services: list[containers.RunningService] = []
        self.proxies: list[subprocess.Popen[bytes]] = []
        self._post_steps: list[Any] = []
        self.sandbox = Sandbox(root=self.root / "sandbox", image=load_image_list())
        self.name = substitute(str(job.raw.get("name", job.job_id)), self.evaluation())
        slug = "-".join(str(v) for v in matrix.values()) or job.job_id
        self.reports = options.reports / re.sub(r"[^A-Za-z0-9_.-]", "_", slug)
        self.runner_env = self._runner_env()

    # --- contexts -------------------------------------------------------------------------
    def evaluation(self, extra_env: dict[str, str] | None = None) -> Evaluation:
        runner = StrictContext(
            "runner",
            {
                "os": "Linux",
                "arch": "X64",
                "name": "ci-parity",
                "temp": str(self.temp),
                "tool_cache": str(self.tool_cache),
                "environment": "github-hosted",
                "debug": "",
            },
        )
        github = StrictContext(
            "github",
            {
                "event_name": self.options.event,
                "workspace": str(self.workspace),
                "job": self.job.job_id,
                "ref": os.environ.get("CI_PARITY_REF", "refs/heads/main"),
                "sha": self.env_context.get("GITHUB_SHA", ""),
                "repository": f"local/{self.options.source.name}",
                "run_id": "1",
                "run_number": "1",
                "run_attempt": "1",
                "actor": "ci-parity",
                "server_url": "https://github.com",
            },
        )
        return Evaluation(
            contexts={
                "matrix": dict(self.matrix),
                "env": {**self.env_context, **(extra_env or {})},
                "runner": runner,
                "github": github,
                "secrets": SecretsContext(),
                "steps": {k: {"outputs": v} for k, v in self.outputs.items()},
                "strategy": {"fail-fast": False, "job-index": 0, "job-total": 1},
                "job": {"status": self.status},
            },
            status=self.status,
            workspace=self.workspace,
        )

    def _runner_env(self) -> dict[str, str]:
        env = {name: os.environ[name] for name in MACHINE_PASSTHROUGH if name in os.environ}
        env.update(
            {
                "HOME": str(self.home),
                "LANG": "C.UTF-8",
                "CI": "true",
                "GITHUB_ACTIONS": "true",
                "GITHUB_WORKSPACE": str(self.workspace),
                "GITHUB_EVENT_NAME": self.options.event,
                "GITHUB_JOB": self.job.job_id,
                "GITHUB_REPOSITORY": f"local/{self.options.source.name}",
                "GITHUB_REF": os.environ.get("CI_PARITY_REF", "refs/heads/main"),
                "GITHUB_RUN_ID": "1",
                "GITHUB_RUN_NUMBER": "1",
                "RUNNER_OS": "Linux",
                "RUNNER_ARCH": "X64",
                "RUNNER_NAME": "ci-parity",
                "RUNNER_ENVIRONMENT": "github-hosted",
                "RUNNER_TEMP": str(self.temp),
                "RUNNER_TOOL_CACHE": str(self.tool_cache),
                "ImageOS": "ubuntu24",
                "ImageVersion": self.sandbox.image.image_version,
                # /etc/pip.conf of this machine points at local wheel stores the runner lacks.
                "PIP_CONFIG_FILE": os.devnull,
                "BASH_ENV": str(self.sandbox.bash_env),
            }
        )
        return env

    # --- environment state ----------------------------------------------------------------
    def add_path(self, entry: str) -> None:
        self.paths.insert(0, entry)

    def export(self, name: str, value: str) -> None:
        self.env_context[name] = value

    def log(self, text: str) -> None:
        print(text, file=self.options.stream, flush=True)

    # --- lifecycle ------------------------------------------------------------------------
    def run(self) -> EntryResult:
        result = EntryResult(name=self.name, matrix=dict(self.matrix))
        started = time.monotonic()
        self.log(f"\n===== ci-parity: {self.job.workflow_path.name} / {self.name} =====")
        try:
            self._start()
            for step in self.job.steps:
                result.steps.append(self._step(step))
            for post in reversed(self._post_steps):
                post(self.status)
        except (
            ExpressionError,
            WorkflowError,
            containers.ServiceError,
            actions.ActionError,
            OSError,
            subprocess.SubprocessError,
        ) as exc:
            result.error = str(exc)
            self.log(f"ci-parity: error: {exc}")
        finally:
            result.denied = self.sandbox.denied()
            result.absent_here = dict(self.sandbox.absent_here)
            self._stop()
            result.seconds = time.monotonic() - started
        return result

    def _start(self) -> None:
        base = Evaluation(contexts={"matrix": dict(self.matrix), "secrets": SecretsContext()})
        for source in (self.job.workflow_env, self.job.env):
            for key, value in source.items():
                self.env_context[key] = substitute_value(value, self.evaluation())
        proxy_url = None
        if self.job.services:
            self.netns = containers.Netns(f"ci-parity-{os.getpid()}-{uuid.uuid4().hex[:6]}")
            self.netns.create()
            proxy_url = self._start_proxy()
            self.runner_env["PIP_PROXY"] = proxy_url
        self.sandbox.build(proxy_url)
        for service in self.job.services:
            env = {k: substitute_value(v, base) for k, v in service.env.items()}
            assert self.netns is not None
            self.log(f"ci-parity: starting service {service.name} ({service.image})")
            running = containers.start_service(service, self.netns, env)
            self.services.append(running)
            running.wait_healthy()
            self.log(f"ci-parity: service {service.name} is healthy on port {running.port}")

    def _start_proxy(self) -> str:
        assert self.netns is not None
        socket_path = self.root / "proxy.sock"
        package_root = str(Path(__file__).resolve().parents[3])
        python = [sys.executable, "-P", "-m", "tests.support.ci_parity.proxy"]
        env = {**os.environ, "PYTHONPATH": package_root}
        # Both outlive this method: _stop() terminates them.
        server = subprocess.Popen(  # pylint: disable=consider-using-with
            [*python, "serve", str(socket_path)], env=env
        )
        self.proxies.append(server)
        deadline = time.monotonic() + 10
        while not socket_path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        bridge = subprocess.Popen(  # pylint: disable=consider-using-with
            self.netns.wrap([*python, "bridge", str(PROXY_PORT), str(socket_path)]), env=env
        )
        self.proxies.append(bridge)
        return f"http://127.0.0.1:{PROXY_PORT}"

    def _stop(self) -> None:
        for service in self.services:
            service.stop()
        for process in self.proxies:
            process.terminate()
            process.wait(timeout=10)
        if self.netns is not None:
            self.netns.delete()
        self.reports.mkdir(parents=True, exist_ok=True)
        if self.summary.exists():
            shutil.copy2(self.summary, self.reports / "job-summary.md")
        if not self.options.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    # --- steps ----------------------------------------------------------------------------
    def _step(self, step: Step) -> StepResult:
        raw = step.raw
        label = substitute(step.label, self.evaluation())
        if not condition(raw.get("if"), self.evaluation()):
            self.log(f"\n--- skipped: {label}")
            return StepResult(label, "skipped")
        self.log(f"\n--- {label}")
        step_env = {
            str(k): substitute_value(v, self.evaluation())
            for k, v in (raw.get("env") or {}).items()
        }
        started = time.monotonic()
        log_path = self.root / f"step-{step.index + 1}.log"
        try:
            if "uses" in raw:
                code = self._uses(step, step_env)
            else:
                code = self._run(step, step_env, log_path)
        except actions.ActionError as exc:
            self.log(f"ci-parity: error: {exc}")
            code = 1
            log_path.write_text(f"error: {exc}\n", encoding="utf-8")
        seconds = time.monotonic() - started
        if code == 0:
            self.log(f"--- ok: {label} ({seconds:.0f}s)")
            return StepResult(label, "success", seconds)
        diagnosis = []
        if log_path.exists():
            lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
            # pytest's summary lines first (they name the test and the cause), then the rest.
            hits = [line for line in lines if _DIAGNOSIS.search(line)]
            ranked = [h for h in hits if h.startswith(("FAILED ", "ERROR "))] + hits
            diagnosis = list(dict.fromkeys(ranked))[:25]
        self.log(f"--- FAILED: {label} (exit {code}, {seconds:.0f}s)")
        if not raw.get("continue-on-error"):
            self.status = "failure"
        return StepResult(label, "failure", seconds, diagnosis)

    def _uses(self, step: Step, step_env: dict[str, str]) -> int:
        inputs = {
            str(k): substitute_value(v, self.evaluation(step_env))
            for k, v in (step.raw.get("with") or {}).items()
        }
        ctx = actions.ActionContext(
            source=self.options.source,
            workspace=self.workspace,
            home=self.home,
            tool_cache=self.tool_cache,
            artifacts=self.reports / "artifacts",
            add_path=self.add_path,
            export=self.export,
        )
        actions.run_action(str(step.raw["uses"]), ctx, inputs)
        self._post_steps.extend(ctx.post_steps)
        return 0

    def _process_env(self, step_env: dict[str, str], files: dict[str, Path]) -> dict[str, str]:
        env = dict(self.runner_env)
        env.update(self.env_context)
        env.update(step_env)
        env.update({name: str(path) for name, path in files.items()})
        env["PATH"] = ":".join([*self.paths, str(self.sandbox.bin_dir)])
        return env

    def _run(self, step: Step, step_env: dict[str, str], log_path: Path) -> int:
        raw = step.raw
        script = substitute(str(raw["run"]), self.evaluation(step_env))
        shell = str(raw.get("shell") or self.job.defaults_run.get("shell") or "")
        template = _SHELLS.get(shell or "bash")
        if template is None:
            raise WorkflowError(f"shell {shell!r} is not emulated")
        if not shell:
            template = ["bash", "-e", "{0}"]
        script_path = self.temp / f"{uuid.uuid4()}.sh"
        script_path.write_text(script, encoding="utf-8")
        files = {
            name: self.temp / f"{name.lower()}_{uuid.uuid4().hex}"
            for name in ("GITHUB_ENV", "GITHUB_PATH", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")
        }
        for path in files.values():
            path.touch()
        env = self._process_env(step_env, files)
        argv = [part.replace("{0}", str(script_path)) for part in template]
        resolved = shutil.which(argv[0], path=env["PATH"])
        if resolved is None:
            raise WorkflowError(f"shell {argv[0]} is not on the runner's PATH")
        argv[0] = resolved
        directory = raw.get("working-directory") or self.job.defaults_run.get("working-directory")
        cwd = self.workspace / str(directory) if directory else self.workspace
        if self.netns is not None:
            argv = self.netns.wrap(argv)
        timeout = float(raw.get("timeout-minutes", self.job.timeout_minutes)) * 60
        code = self._execute(argv, env, cwd, log_path, timeout)
        self._apply_files(files, step)
        return code

    def _execute(
        self, argv: list[str], env: dict[str, str], cwd: Path, log_path: Path, timeout: float
    ) -> int:
        with log_path.open("w", encoding="utf-8") as log:
            # The step's process group: killed as a whole on timeout, like the runner does.
            with subprocess.Popen(
                argv,
                env=env,
                cwd=cwd,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                text=True,
                errors="replace",
            ) as process:
                # The runner kills the step's process tree at its timeout.
                timer = threading.Timer(timeout, os.killpg, (process.pid, signal.SIGKILL))
                timer.start()
                assert process.stdout is not None
                try:
                    for line in process.stdout:
                        self.options.stream.write(line)
                        log.write(line)
                except BaseException:
                    # Interrupted (Ctrl-C, SIGTERM): the step's processes go first, then the
                    # caller's cleanup stops the services and deletes the namespace.
                    os.killpg(process.pid, signal.SIGKILL)
                    raise
                finally:
                    timer.cancel()
                self.options.stream.flush()
                return process.wait()

    def _apply_files(self, files: dict[str, Path], step: Step) -> None:
        for name, value in parse_env_file(files["GITHUB_ENV"].read_text(), "GITHUB_ENV").items():
            self.export(name, value)
        for line in files["GITHUB_PATH"].read_text().splitlines():
            if line.strip():
                self.add_path(line.strip())
        outputs = parse_env_file(files["GITHUB_OUTPUT"].read_text(), "GITHUB_OUTPUT")
        if step.raw.get("id"):
            self.outputs[str(step.raw["id"])] = outputs
        summary = files["GITHUB_STEP_SUMMARY"].read_text()
        if summary:
            with self.summary.open("a", encoding="utf-8") as handle:
                handle.write(summary)


def run_entry(job: Job, matrix: dict[str, Any], options: Options) -> EntryResult:
    return EntryRun(job, matrix, options).run()
