"""Fixtures of the deployment tests (the helpers live in deploy_harness.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from deploy_harness import DeployHarness, StandInApp, make_handler, require_kubectl


@pytest.fixture
def stand_in_app() -> Iterator[StandInApp]:
    app = StandInApp()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(app))
    server.daemon_threads = True
    app.port = server.server_address[1]
    app.url = f"http://127.0.0.1:{app.port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield app
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def deploy(tmp_path: Path) -> DeployHarness:
    """deploy.sh with the stand-in kubectl, rendering through the real one."""
    return DeployHarness(tmp_path=tmp_path, real_kubectl=require_kubectl())


@pytest.fixture
def deploy_without_render(tmp_path: Path) -> DeployHarness:
    """For runs that must stop before rendering anything (bad invocations, no cluster)."""
    return DeployHarness(tmp_path=tmp_path, real_kubectl="/nonexistent/kubectl")
