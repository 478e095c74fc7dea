"""Throughput at saturation with ``wrk`` (a load generator outside Python), against a floor.

Each endpoint is driven by ``wrk`` for a fixed time with a fixed number of connections; the
floor is the same run against :mod:`tests.performance.bare_app` served with the same gunicorn
settings, measured once per ``make perf`` (before the app's server starts) and reused by every
ratio of the run, and each endpoint's requests/s is reported as a ratio to it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

_RPS = re.compile(r"Requests/sec:\s+([0-9.]+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_PERCENTILE = re.compile(r"^\s+(50|75|90|99)(?:\.000)?%\s+([0-9.]+)(us|ms|s)\s*$", re.M)
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class WrkResult:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int

    def as_dict(self, floor_rps: float) -> dict[str, object]:
        ratio = self.rps / floor_rps if floor_rps else 0.0
        return {**asdict(self), "ratio": round(ratio, 3)}


def parse(name: str, output: str) -> WrkResult:
    """Read ``wrk --latency`` output."""
    rps = _RPS.search(output)
    if rps is None:
        raise ValueError(f"wrk printed no Requests/sec for {name}:\n{output}")
    percentiles = {
        int(p): float(value) * _UNIT_MS[unit] for p, value, unit in _PERCENTILE.findall(output)
    }
    non_2xx = _NON_2XX.search(output)
    errors = _ERRORS.search(output)
    return WrkResult(
        name=name,
        rps=float(rps.group(1)),
        p50_ms=round(percentiles.get(50, 0.0), 2),
        p99_ms=round(percentiles.get(99, 0.0), 2),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError(
            "wrk is not installed: `apt-get install -y wrk` (bin/perf does it when run as root)"
        )
    return found


def run(
    name: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    connections: int = 32,
    threads: int = 2,
    duration: str = "10s",
) -> WrkResult:
    if not url.startswith(("http://127.", "http://localhost")):
        raise ValueError(f"saturation targets loopback only, not {url}")
    command = [wrk_binary(), f"-t{threads}", f"-c{connections}", f"-d{duration}", "--latency"]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    done = subprocess.run(command + [url], capture_output=True, text=True, check=True, timeout=600)
    return parse(name, done.stdout)


# The saturated endpoints: (name, path, signed in). Their targets: budgets.SATURATION_TARGETS.
SATURATED = (
    ("GET /health", "/health", False),
    ("GET /api/v1/offers", "/api/v1/offers", True),
    ("GET /api/v1/content?q=dérivée", "/api/v1/content?q=" + quote("dérivée"), True),
    ("GET /api/v1/content?subject=nsi", "/api/v1/content?subject=nsi", True),
    ("GET /api/v1/dashboards/student", "/api/v1/dashboards/student", True),
)


@dataclass(frozen=True)
class Options:
    connections: int
    duration: str

    @classmethod
    def from_environment(cls) -> Options:
        return cls(
            int(os.environ.get("WRK_CONNECTIONS") or 32), os.environ.get("WRK_DURATION") or "8s"
        )


def _best_of_two(
    name: str, url: str, headers: dict[str, str] | None, options: Options
) -> WrkResult:
    """The better of two runs: how wrk's connections spread over the gunicorn workers (each
    keeps the keep-alive connections it accepted) varies from run to run, and one unlucky
    spread halves the figure."""
    runs = [
        run(name, url, headers=headers, connections=options.connections, duration=options.duration)
        for _ in range(2)
    ]
    return max(runs, key=lambda r: r.rps)


def measure_floor(root: Path, log_path: Path, options: Options) -> WrkResult:
    """The bare Flask app under the app's gunicorn settings: the floor of every ratio."""
    from tests.performance.server import Gunicorn, production_env

    bare = Gunicorn(
        sys.executable,
        "tests.performance.bare_app:create_app()",
        production_env({"PYTHONPATH": str(root), "LOG_LEVEL": "WARNING"}),
        log_path,
    )
    bare.start()
    try:
        run("warm-up", f"{bare.url}/health", connections=options.connections, duration="3s")
        floor = _best_of_two("bare Flask GET /health", f"{bare.url}/health", None, options)
    finally:
        bare.stop()
    print(f"perf: floor (bare Flask) {floor.rps:.0f} req/s", flush=True)
    return floor


def sign_in(port: int, email: str, password: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"email": email, "password": password})
    connection.request(
        "POST", "/api/v1/auth/login", body=body, headers={"Content-Type": "application/json"}
    )
    response = connection.getresponse()
    payload = json.loads(response.read())
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"saturation: login {response.status}: {payload}")
    return str(payload["access_token"])


def measure_endpoints(
    base_url: str, token: str, floor: WrkResult, options: Options
) -> dict[str, Any]:
    """wrk against each saturated endpoint, as ratios to ``floor``."""
    headers = {"Authorization": f"Bearer {token}"}
    results = []
    for name, path, signed_in in SATURATED:
        url = f"{base_url}{path}"
        run("warm-up", url, headers=headers, connections=options.connections, duration="2s")
        results.append(_best_of_two(name, url, headers if signed_in else None, options))
        ratio = results[-1].rps / floor.rps if floor.rps else 0.0
        print(f"perf: saturation {name}: {results[-1].rps:.0f} req/s ({ratio:.3f})", flush=True)
    return {
        "tool": "wrk",
        "connections": options.connections,
        "duration": options.duration,
        "floor_rps": floor.rps,
        "floor": floor.as_dict(floor.rps),
        "endpoints": [r.as_dict(floor.rps) for r in results],
    }
