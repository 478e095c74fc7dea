from __future__ import annotations

import importlib
import os

import pytest


def test_gunicorn_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "1")
    monkeypatch.setenv("GUNICORN_GRACEFUL_TIMEOUT", "12")
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    from nexus.ops import gunicorn_conf

    conf = importlib.reload(gunicorn_conf)
    assert conf.bind == "127.0.0.1:9000"
    assert conf.workers == 3
    assert conf.worker_class == "sync"
    assert conf.graceful_timeout == 12
    assert os.path.isdir(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    assert importlib.reload(gunicorn_conf).worker_class == "gthread"
