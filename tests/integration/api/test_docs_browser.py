"""/docs renders in headless Chromium with every non-loopback host unreachable."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from flask import Flask

from tests.support.services import unavailable
from tests.support.threaded_server import serve_in_thread

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Any host but loopback fails to resolve: a CDN asset would break the page.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--virtual-time-budget=15000",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    unavailable("Chromium", "install Debian's chromium package")
    raise AssertionError("unreachable")


def test_docs_render_from_local_assets(app: Flask, tmp_path: Path) -> None:
    browser = _chromium()
    with serve_in_thread(app) as base_url:
        dom = subprocess.run(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={tmp_path / 'profile'}",
                "--dump-dom",
                f"{base_url}/docs",
            ],
            capture_output=True,
            text=True,
            timeout=300,  # a bound: Chromium took over 90 s to start with both cores busy
            check=False,
        ).stdout
        screenshot = tmp_path / "docs.png"
        subprocess.run(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={tmp_path / 'profile2'}",
                f"--screenshot={screenshot}",
                "--window-size=1280,1600",
                f"{base_url}/docs",
            ],
            capture_output=True,
            timeout=300,  # a bound: Chromium took over 90 s to start with both cores busy
            check=False,
        )
    # Swagger UI built the page from /openapi.json: title and operations are in the DOM.
    assert "Nexus Réussite API" in dom
    assert "opblock" in dom
    assert "/api/v1/auth/login" in dom
    assert screenshot.stat().st_size > 10_000
    reports = Path("reports")
    reports.mkdir(exist_ok=True)
    shutil.copy(screenshot, reports / "docs-screenshot.png")
