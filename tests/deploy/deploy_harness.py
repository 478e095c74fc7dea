"""Helpers of the deployment tests: real renders of the overlays, a stand-in of the app served
on loopback (so that deploy.sh's real curl runs its smoke tests), and deploy.sh driven end to
end against a stand-in ``kubectl`` (stand_in_kubectl.py) that records its calls.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY_DIR = REPO_ROOT / ".github" / "deploy"
DEPLOY_SH = DEPLOY_DIR / "deploy.sh"
# One CronJob per scheduled command (base/cronjob-<command>.yaml).
SCHEDULED_COMMANDS = sorted(
    p.stem.removeprefix("cronjob-") for p in DEPLOY_DIR.glob("base/cronjob-*.yaml")
)
RENDER_SH = DEPLOY_DIR / "render.sh"
STAND_IN_KUBECTL = Path(__file__).with_name("stand_in_kubectl.py")

SMOKE_EMAIL = "smoke.test@nexus-reussite.com"
SMOKE_PASSWORD = 'Sm0ke-"quoted"\\pass'  # JSON-escaping is part of what is tested
ACCESS_TOKEN = "eyJhbGciOiJIUzI1NiJ9.smoke.signature"
SECRET_KEYS = ["database-url", "openai-api-key", "redis-url", "secret-key", "smtp-url"]


def require_kubectl() -> str:
    """The real kubectl (for `kubectl kustomize`): a failure in CI, a loud skip elsewhere."""
    path = shutil.which("kubectl")
    if path is None:
        reason = (
            "kubectl is not installed: the deployment tests render the overlays with "
            "`kubectl kustomize` (install kubectl >= 1.27)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(f"SKIPPED LOUDLY: {reason}")
    return path


@cache
def _render_cached(env: str, tag: str, what: str) -> str:
    result = subprocess.run(
        [str(RENDER_SH), env, tag, what],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "IMAGE_REPOSITORY": "ghcr.io/nexus-reussite/nexus-backend"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def render(env: str, tag: str = "v1.2.3", what: str = "app") -> list[dict[str, Any]]:
    require_kubectl()
    return [doc for doc in yaml.safe_load_all(_render_cached(env, tag, what)) if doc]


def by_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [doc for doc in docs if doc["kind"] == kind]


def one(docs: list[dict[str, Any]], kind: str, name: str | None = None) -> dict[str, Any]:
    found = [d for d in by_kind(docs, kind) if name is None or d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


# --- the stand-in app -----------------------------------------------------------------------


@dataclass
class StandInApp:
    """What the stand-in answers, and what it was asked."""

    ready_status: int = 200
    password: str = SMOKE_PASSWORD
    requests: list[tuple[str, str]] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)
    url: str = ""
    port: int = 0


def make_handler(app: StandInApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            """Keep the test output clean."""

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _authorized(self) -> bool:
            header = self.headers.get("Authorization", "")
            app.authorizations.append(header)
            return header == f"Bearer {ACCESS_TOKEN}"

        def do_GET(self) -> None:  # noqa: N802  # pylint: disable=invalid-name
            app.requests.append(("GET", self.path))
            if self.path == "/health":
                self._send(200, {"status": "ok", "version": "1.2.3"})
            elif self.path == "/ready":
                if app.ready_status == 200:
                    self._send(200, {"status": "ready", "checks": {}})
                else:
                    self._send(app.ready_status, {"error": {"code": "not_ready"}})
            elif self.path == "/api/v1/auth/me" and self._authorized():
                self._send(200, {"id": 7, "email": SMOKE_EMAIL.upper(), "role": "student"})
            else:
                self._send(401 if self.path == "/api/v1/auth/me" else 404, {"error": {}})

        def do_POST(self) -> None:  # noqa: N802  # pylint: disable=invalid-name
            app.requests.append(("POST", self.path))
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            if self.path == "/api/v1/auth/login":
                body = json.loads(raw)
                if body == {"email": SMOKE_EMAIL, "password": app.password}:
                    self._send(
                        200,
                        {
                            "access_token": ACCESS_TOKEN,
                            "refresh_token": "r" * 32,
                            "expires_in": 900,
                        },
                    )
                else:
                    self._send(401, {"error": {"code": "invalid_credentials"}})
            elif self.path == "/api/v1/auth/logout" and self._authorized():
                self._send(200, {"message": "Signed out."})
            else:
                self._send(404, {"error": {}})

    return Handler


# --- deploy.sh with the stand-in kubectl ------------------------------------------------------


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    calls: list[dict[str, Any]]

    @property
    def argvs(self) -> list[list[str]]:
        return [call["argv"] for call in self.calls]

    def index(self, *prefix: str) -> int:
        """Position of the first call whose argv starts with ``prefix``."""
        for i, argv in enumerate(self.argvs):
            if argv[: len(prefix)] == list(prefix):
                return i
        raise AssertionError(f"no `kubectl {' '.join(prefix)}` call in {self.argvs}")

    def called(self, *prefix: str) -> bool:
        return any(argv[: len(prefix)] == list(prefix) for argv in self.argvs)

    def applied(self) -> list[str]:
        """The manifests of each `kubectl apply`, in order."""
        return [call["stdin"] for call in self.calls if call["argv"][0] == "apply"]

    def applied_kinds(self) -> list[list[str]]:
        return [
            [doc["kind"] for doc in yaml.safe_load_all(stdin) if doc] for stdin in self.applied()
        ]


@dataclass
class DeployHarness:
    tmp_path: Path
    real_kubectl: str
    scenario: dict[str, Any] = field(default_factory=dict)

    def run(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        timeout: float = 90,
        script: Path = DEPLOY_SH,
        cwd: Path | None = None,
    ) -> Run:
        bin_dir = self.tmp_path / "bin"
        bin_dir.mkdir(exist_ok=True)
        scenario_file = self.tmp_path / "scenario.json"
        log = self.tmp_path / "kubectl-calls.jsonl"
        scenario = {
            "real_kubectl": self.real_kubectl,
            "log": str(log),
            "state": str(self.tmp_path / "kubectl-state.json"),
            "reachable": True,
            "secret_keys": SECRET_KEYS,
            "migration": "complete",
            "rollout": "ok",
            "revision": "4",
            "template_changes": True,
            "port_forward_port": None,
            **self.scenario,
        }
        scenario_file.write_text(json.dumps(scenario))
        log.unlink(missing_ok=True)  # calls of this run only; the cluster state carries over
        launcher = bin_dir / "kubectl"
        launcher.write_text(
            f'#!/bin/sh\nexec "{sys.executable}" "{STAND_IN_KUBECTL}" "{scenario_file}" "$@"\n'
        )
        launcher.chmod(0o755)
        work_tmp = self.tmp_path / "tmp"
        work_tmp.mkdir(exist_ok=True)
        full_env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(self.tmp_path),
            "TMPDIR": str(work_tmp),
            "LANG": "C.UTF-8",
            "SMOKE_EMAIL": SMOKE_EMAIL,
            "SMOKE_PASSWORD": SMOKE_PASSWORD,
            "SMOKE_RETRIES": "2",
            "SMOKE_RETRY_DELAY": "0",
            "MIGRATION_POLL_SECONDS": "1",
            "ROLLOUT_TIMEOUT": "2m",
            "MIGRATION_TIMEOUT": "1m",
            # As in the workflow: the image repository is ghcr.io/<owner>/<repo>, lower-cased.
            "GITHUB_REPOSITORY": "Nexus-Reussite/Nexus-Backend",
            **(env or {}),
        }
        result = subprocess.run(
            [str(script), *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        # Leftover renders or credentials in TMPDIR would mean the cleanup trap did not run.
        assert not list(work_tmp.iterdir()), "deploy.sh left files in TMPDIR"
        return Run(result.returncode, result.stdout, result.stderr, calls)
