"""Throughput at saturation with ``wrk`` (a load generator outside Python), against a floor.

Each endpoint is driven by ``wrk`` for a fixed time with a fixed number of connections; the
floor is the same run against :mod:`tests.performance.bare_app` served with the same gunicorn
settings, and each endpoint's requests/s is reported as a ratio to it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import asdict, dataclass

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
