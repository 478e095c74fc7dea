"""gunicorn settings, all from the environment (the container and ``nexus serve`` share them)."""

# gunicorn reads these lower-case module attributes by name.
# pylint: disable=invalid-name

from __future__ import annotations

import gc
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

# prometheus_client decides at import whether its metrics live in this process or in
# PROMETHEUS_MULTIPROC_DIR's files: the directory must be in the environment before the first
# import, in the master, so that every worker forked from it writes its samples there. An
# earlier import would leave each worker counting alone and /metrics showing only the
# scraped worker's requests (or none at all).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    if "prometheus_client" in sys.modules:
        raise RuntimeError(
            "prometheus_client was imported before nexus.ops.gunicorn_conf could set "
            "PROMETHEUS_MULTIPROC_DIR: set it in the environment, or keep the import out of "
            "the nexus package's import chain (nexus/__init__.py imports nexus.ops.metrics lazily)"
        )
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="nexus-prometheus-")

from prometheus_client import multiprocess  # noqa: E402  # pylint: disable=wrong-import-position

from nexus.ops import gunicorn_worker  # noqa: E402  # pylint: disable=wrong-import-position

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # nosec B104
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# gthread that accepts only with a thread free and no listening sibling holding fewer connections
# (nexus.ops.gunicorn_worker): connections spread over the workers, not on whichever wakes first.
worker_class = "nexus.ops.gunicorn_worker.BalancedThreadWorker" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM gunicorn stops accepting and lets in-flight requests finish for this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "0"))
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", tempfile.gettempdir())
accesslog = None  # the app writes one structured access line per request
errorlog = "-"
# gunicorn 27's control socket would be created under $HOME: read-only in the container.
control_socket_disable = True
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# The app sees how many processes serve it: without Redis it then keeps no in-process cache
# that the other workers could not invalidate (nexus.cache).
os.environ["NEXUS_WORKER_PROCESSES"] = str(workers)


# The app is built once, in the master, and the workers are forked from it: the code, the
# OpenAPI document, the mappers and schemas are shared copy-on-write instead of built once per
# worker (PSS of master + 2 workers at start: 273 -> 149 MB, docs/performance.md "Memory").
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"


def pre_fork(server: Any, worker: Any) -> None:
    """Move what the master built out of the collector's reach: a collection in a worker would
    otherwise write to (and so copy) every page holding one of those objects. The worker gets
    its slot on the board that spreads connections (nexus.ops.gunicorn_worker)."""
    gc.freeze()
    gunicorn_worker.assign_slot(server, worker)


def post_fork(server: Any, _worker: Any) -> None:
    """A worker must not share the master's database connections (SQLAlchemy's rule for forked
    processes); Redis clients check the process id themselves."""
    # pylint: disable=import-outside-toplevel  # the package only once gunicorn forks
    from nexus.db import Database

    app = getattr(server.app, "callable", None)
    if app is not None and "nexus.db" in getattr(app, "extensions", {}):
        Database.engine_for(app).dispose(close=False)


def on_starting(_server: Any) -> None:
    """Drop the samples of an earlier run (before any worker exists): counters start at 0."""
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(_server: Any, worker: Any) -> None:
    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
    gunicorn_worker.release_slot(worker)


# Request-size limits, explicit (docs/api-contract.md). gunicorn answers them itself, before
# the app; nexus.ops.gunicorn_errors gives those answers the API's JSON shape and headers.
limit_request_line = int(os.environ.get("GUNICORN_LIMIT_REQUEST_LINE", "8190"))
limit_request_fields = int(os.environ.get("GUNICORN_LIMIT_REQUEST_FIELDS", "100"))
limit_request_field_size = int(os.environ.get("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", "8190"))


def _refuse_or_prepare() -> None:
    """Refuse a bad configuration once, with one line, before gunicorn logs or forks anything
    (this file is read by the master first); then JSON answers for gunicorn's own errors."""
    # pylint: disable=import-outside-toplevel  # the package only when gunicorn reads this file
    from nexus.config import load_settings
    from nexus.ops import gunicorn_errors
    from nexus.ops.malloc import return_large_blocks
    from nexus.ratelimit import refuse_unshared_storage

    refuse_unshared_storage(load_settings())
    gunicorn_errors.install()
    # Before the workers fork: they inherit the allocator's settings (nexus.ops.malloc).
    return_large_blocks()


_refuse_or_prepare()
