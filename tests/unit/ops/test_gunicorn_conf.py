"""nexus.ops.gunicorn_conf, imported the way gunicorn's master imports it: in a fresh
interpreter, through the nexus package (``-c python:nexus.ops.gunicorn_conf``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, os
import nexus.ops.gunicorn_conf as conf
from prometheus_client import values
print(json.dumps({
    "bind": conf.bind, "workers": conf.workers, "worker_class": conf.worker_class,
    "graceful_timeout": conf.graceful_timeout,
    "multiproc_dir": os.environ.get("PROMETHEUS_MULTIPROC_DIR"),
    "value_class": values.ValueClass.__name__,
}))
"""


def _import_conf(env: dict[str, str], code: str = PROBE) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_settings_come_from_the_environment() -> None:
    env = {"HOST": "127.0.0.1", "PORT": "9000", "WEB_CONCURRENCY": "3", "GUNICORN_THREADS": "1"}
    run = _import_conf({**env, "GUNICORN_GRACEFUL_TIMEOUT": "12"})
    assert run.returncode == 0, run.stderr
    conf = json.loads(run.stdout)
    assert conf["bind"] == "127.0.0.1:9000"
    assert conf["workers"] == 3
    assert conf["worker_class"] == "sync"
    assert conf["graceful_timeout"] == 12
    run = _import_conf({"GUNICORN_THREADS": "4"})
    assert (
        json.loads(run.stdout)["worker_class"] == "nexus.ops.gunicorn_worker.BalancedThreadWorker"
    )


def test_without_a_directory_one_is_made_before_prometheus_client_is_imported() -> None:
    run = _import_conf({})
    assert run.returncode == 0, run.stderr
    conf = json.loads(run.stdout)
    assert Path(conf["multiproc_dir"]).is_dir()
    # The multi-process value class: samples go to files every worker's /metrics reads.
    assert conf["value_class"] == "MmapedValue"


def test_an_earlier_import_of_prometheus_client_is_refused() -> None:
    run = _import_conf({}, code="import prometheus_client\nimport nexus.ops.gunicorn_conf")
    assert run.returncode != 0
    assert "prometheus_client was imported before" in run.stderr


def test_stale_samples_of_an_earlier_run_are_dropped_on_start(tmp_path: Path) -> None:
    (tmp_path / "counter_1.db").write_bytes(b"stale")
    (tmp_path / "keep.txt").write_text("not a sample file")
    code = "import nexus.ops.gunicorn_conf as conf\nconf.on_starting(None)"
    run = _import_conf({"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}, code=code)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
