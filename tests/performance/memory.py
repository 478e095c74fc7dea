"""Memory growth over a long run: traced memory after N requests versus after 10 N.

The app runs in this process with the server's production settings (same database, Redis and
key prefix) and is driven through its WSGI interface (Flask's test client: no sockets, so
only the app's own allocations are measured) by one signed-in student cycling over the main
read endpoints. ``tracemalloc`` starts after a warm-up; after N requests and a full
collection its traced size is the reference, after 10 N requests it must not have grown by
more than the threshold. The biggest growth sites are reported.
"""

from __future__ import annotations

import contextlib
import gc
import os
import resource
import tracemalloc
from typing import Any

from tests.performance.environment import DOMAIN, PASSWORD, PerfEnvironment

SEARCHES = ("dérivée", "suites numériques", "listes chaînées", "énergie", "primitives", "tri")
PATHS = (
    "/api/v1/dashboards/student",
    "/api/v1/content?q={q}&page_size=10",
    "/api/v1/content?subject=mathematiques",
    "/api/v1/content/{content_id}",
    "/api/v1/offers",
    "/api/v1/notifications/unread-count",
    "/api/v1/auth/me",
    "/api/v1/sessions?available_only=true&page_size=20",
    "/health",
)


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure(env: PerfEnvironment, requests: int, max_growth_kib: float) -> dict[str, Any]:
    from nexus import create_app
    from nexus.config import Settings

    settings_env = env.server_env()
    settings = Settings(
        NEXUS_ENV="production",
        secret_key=settings_env["SECRET_KEY"],
        database_url=env.database_url,
        redis_url=env.redis_url,
        # A key prefix of its own: pages the load runs left in the response cache would let the
        # warm-up skip the queries, which would then be compiled (and SQLAlchemy's statement
        # cache filled) during the measured requests, once those pages expire.
        cache_key_prefix=f"{env.key_prefix}memory:",
        login_limit_per_address=settings_env["LOGIN_LIMIT_PER_ADDRESS"],
    )
    # The access log is written (as in production) to a sink that keeps nothing: a StringIO
    # would itself grow with every request.
    sink = open(os.devnull, "w", encoding="utf-8")  # pylint: disable=consider-using-with
    with contextlib.redirect_stdout(sink):
        app = create_app(settings)
    client = app.test_client()
    # The last student: the Locust users take theirs from the first.
    email = f"eleve{env.students:05d}@{DOMAIN}"
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    if login.status_code != 200:
        raise RuntimeError(
            f"memory check: login {login.status_code}: {login.get_data(as_text=True)}"
        )
    headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    listed = client.get("/api/v1/content?page_size=20", headers=headers).get_json()["items"]
    content_ids = [item["id"] for item in listed] or [1]

    def drive(count: int, offset: int) -> None:
        for i in range(offset, offset + count):
            path = PATHS[i % len(PATHS)].format(
                q=SEARCHES[i % len(SEARCHES)], content_id=content_ids[i % len(content_ids)]
            )
            response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"memory check: {path} -> {response.status_code}")

    drive(requests, 0)  # warm-up: imports, pools, caches
    gc.collect()
    tracemalloc.start(4)
    try:
        drive(requests, requests)
        gc.collect()
        after_n, rss_n = tracemalloc.take_snapshot(), _rss_mb()
        traced_n = tracemalloc.get_traced_memory()[0]
        drive(9 * requests, 2 * requests)
        gc.collect()
        after_10n, rss_10n = tracemalloc.take_snapshot(), _rss_mb()
        traced_10n = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
        sink.close()
    growth_kib = (traced_10n - traced_n) / 1024
    top = [
        f"{stat.size_diff / 1024:+.1f} KiB at "
        + " <- ".join(
            f"{frame.filename.rsplit('site-packages/', 1)[-1]}:{frame.lineno}"
            for frame in reversed(stat.traceback)  # most recent call first
        )
        for stat in after_10n.compare_to(after_n, "traceback")[:5]
        if stat.size_diff
    ]
    per_request = (traced_10n - traced_n) / (9 * requests)
    passed = growth_kib <= max_growth_kib
    return {
        "method": "tracemalloc (in-process WSGI), after a warm-up of N requests",
        "requests_n": requests,
        "traced_after_n_kib": round(traced_n / 1024, 1),
        "traced_after_10n_kib": round(traced_10n / 1024, 1),
        "growth_kib": round(growth_kib, 1),
        "growth_bytes_per_request": round(per_request, 1),
        "rss_after_n_mb": round(rss_n, 1),
        "rss_after_10n_mb": round(rss_10n, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "threshold_kib": max_growth_kib,
        "passed": passed,
        "top_growth": top,  # the biggest growth sites, for a failed check
        "description": (
            f"traced {traced_n / 1024:.0f} KiB after N={requests} requests, "
            f"{traced_10n / 1024:.0f} KiB after 10 N: {growth_kib:+.1f} KiB "
            f"({per_request:+.1f} B/request; limit {max_growth_kib:g} KiB); process RSS "
            f"{rss_n:.0f} -> {rss_10n:.0f} MB"
        ),
    }
