"""`nexus serve` on a plain machine (no PROMETHEUS_MULTIPROC_DIR in the environment): gunicorn
with 2 workers, real requests, and /metrics aggregates every worker's request counts and
latency histograms (issue 10, defect 4: they used to be missing altogether)."""

from __future__ import annotations

import json
import re
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from itertools import count
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from tests.support.live_server import LiveServer

REQUESTS_PER_ROUND = 60
# Sign-ins with unknown e-mails hash a password (argon2id, ~0.1 s): while one sync worker hashes,
# the other must accept the next connections, so both workers serve requests whatever the
# kernel's accept order or the machine's speed.
SLOW_PER_ROUND = 6
_emails = count()


def _samples(exposition: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def _health_count(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float]) -> float:
    key = (
        "nexus_http_requests_total",
        (("endpoint", "/health"), ("method", "GET"), ("status", "200")),
    )
    return samples.get(key, 0.0)


def _served_count(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float]) -> float:
    """Every request counted, whatever its endpoint (the scrape itself left out)."""
    return sum(
        value
        for (name, labels), value in samples.items()
        if name == "nexus_http_requests_total" and ("endpoint", "/metrics") not in labels
    )


def _multiproc_dir(pid: int) -> Path:
    """The directory the gunicorn master chose, read from its environment."""
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    values = dict(item.decode().split("=", 1) for item in environ if b"=" in item)
    return Path(values["PROMETHEUS_MULTIPROC_DIR"])


def _per_worker_health_counts(directory: Path, scratch: Path) -> dict[str, float]:
    """Each worker's own count of served requests, read from its files alone."""
    pids = {
        match.group(1)
        for file in directory.glob("counter_*.db")
        if (match := re.search(r"_(\d+)\.db$", file.name))
    }
    counts = {}
    for pid in pids:
        alone = scratch / pid
        alone.mkdir()
        for file in directory.glob(f"*_{pid}.db"):
            shutil.copy(file, alone / file.name)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(alone))  # type: ignore[no-untyped-call]
        counts[pid] = _served_count(_samples(generate_latest(registry).decode()))
    return counts


def _failed_sign_in(server: LiveServer) -> int:
    body = json.dumps({"email": f"nobody{next(_emails)}@example.com", "password": "x" * 12})
    headers = {"Content-Type": "application/json"}
    return server.request("POST", "/api/v1/auth/login", body.encode(), headers)[0]


def test_nexus_serve_metrics_aggregate_every_worker(tmp_path: Path) -> None:
    server = LiveServer(
        tmp_path,
        workers=2,
        threads=1,  # sync workers: a busy worker cannot take the next connection
        command=[sys.executable, "-c", "from nexus.cli import main; main()", "serve"],
    )
    # As on a developer's machine: nothing tells the server where to keep the samples.
    server.env.pop("PROMETHEUS_MULTIPROC_DIR")
    server.env["LOG_LEVEL"] = "WARNING"
    server.migrate()
    # Generous: on a loaded 2-core machine the workers' imports alone take several seconds.
    server.start(timeout=120)
    try:
        assert server.process is not None
        directory = _multiproc_dir(server.process.pid)
        counts: dict[str, float] = {}
        health_requests = 0
        # The start-up wait polled /health too: count from here.
        _, before = server.get("/metrics")
        with ThreadPoolExecutor(max_workers=8) as pool:
            for round_number in range(5):  # bounded: the kernel decides which worker accepts
                slow = [pool.submit(_failed_sign_in, server) for _ in range(SLOW_PER_ROUND)]
                statuses = list(
                    pool.map(lambda _: server.get("/health")[0], range(REQUESTS_PER_ROUND))
                )
                assert set(statuses) == {200}
                assert {future.result() for future in slow} == {401}
                health_requests += REQUESTS_PER_ROUND
                scratch = tmp_path / "scratch" / str(round_number)
                scratch.mkdir(parents=True)
                counts = _per_worker_health_counts(directory, scratch)
                if sum(1 for value in counts.values() if value > 0) >= 2:
                    break
        status, body = server.get("/metrics")
    finally:
        server.stop()

    assert status == 200
    samples = _samples(body.decode())
    served = {pid: value for pid, value in counts.items() if value > 0}
    assert len(served) >= 2, f"every request went to one worker: {counts}"
    # The scraped worker reports the sum of all workers, not only its own share.
    assert _served_count(samples) == sum(served.values())
    assert _served_count(samples) > max(served.values())
    total = _health_count(samples)
    assert total - _health_count(_samples(before.decode())) == health_requests
    histogram_count = samples[
        (
            "nexus_http_request_duration_seconds_count",
            (("endpoint", "/health"), ("method", "GET")),
        )
    ]
    assert histogram_count == total
    bucket = (
        "nexus_http_request_duration_seconds_bucket",
        (("endpoint", "/health"), ("le", "+Inf"), ("method", "GET")),
    )
    assert samples[bucket] == total
