"""The API-compatibility gate: the differ on two small specs, and bin/api-compat run for real
against a v* tag of a temporary repository built from this checkout."""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from nexus.api.compat import breaking_changes

from .conftest import ROOT

BASE: dict[str, Any] = {
    "openapi": "3.0.3",
    "paths": {
        "/api/v1/items": {
            "get": {
                "parameters": [
                    {"in": "query", "name": "page", "schema": {"type": "integer", "minimum": 1}}
                ],
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}
                        }
                    }
                },
            },
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["title"],
                                "properties": {
                                    "title": {"type": "string", "maxLength": 200},
                                    "level": {"type": "string", "enum": ["a", "b"]},
                                },
                            }
                        }
                    },
                },
                "responses": {"201": {"description": "created"}},
            },
        },
        "/health": {"get": {"responses": {"200": {"description": "ok"}}}},
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["id", "title"],
                "properties": {
                    "id": {"type": "integer"},
                    "title": {"type": "string"},
                    "status": {"type": "string", "enum": ["draft", "published"]},
                },
            }
        }
    },
}


def _changed(edit: Any) -> dict[str, Any]:
    spec = copy.deepcopy(BASE)
    edit(spec)
    return spec


def _post_body(spec: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = spec["paths"]["/api/v1/items"]["post"]["requestBody"]
    return body["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


def _item(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["components"]["schemas"]["Item"]  # type: ignore[no-any-return]


def test_non_breaking_changes_pass() -> None:
    def grow(spec: dict[str, Any]) -> None:
        spec["paths"]["/api/v1/new"] = {"get": {"responses": {"200": {"description": "ok"}}}}
        _item(spec)["properties"]["extra"] = {"type": "string"}  # a new response field
        _post_body(spec)["properties"]["note"] = {"type": "string"}  # a new optional field
        _post_body(spec)["properties"]["title"]["maxLength"] = 500  # widened
        _post_body(spec)["properties"]["level"]["enum"].append("c")  # accepts more
        spec["paths"]["/api/v1/items"]["get"]["responses"]["404"] = {"description": "gone"}

    assert not breaking_changes(BASE, _changed(grow))


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda s: s["paths"].pop("/health"), "/health: path removed"),
        (
            lambda s: s["paths"]["/api/v1/items"].pop("post"),
            "POST /api/v1/items: operation removed",
        ),
        (
            lambda s: _item(s)["properties"].pop("title"),
            "GET /api/v1/items 200.title: response property removed",
        ),
        (
            lambda s: _post_body(s)["required"].append("level"),
            "POST /api/v1/items request body.level: new required request property",
        ),
        (
            lambda s: _post_body(s)["properties"]["level"]["enum"].remove("b"),
            "POST /api/v1/items request body.level: enum narrowed (no longer accepted: ['b'])",
        ),
        (
            lambda s: _post_body(s)["properties"]["title"].update(maxLength=50),
            "POST /api/v1/items request body.title: maxLength 200 -> 50",
        ),
        (
            lambda s: _item(s)["properties"]["id"].update(type="string"),
            "GET /api/v1/items 200.id: type ['integer'] changed to ['string']",
        ),
        (
            lambda s: _item(s)["properties"]["status"]["enum"].append("archived"),
            "GET /api/v1/items 200.status: enum gained ['archived']",
        ),
        (
            lambda s: s["paths"]["/api/v1/items"]["get"]["parameters"][0].update(required=True),
            "GET /api/v1/items query parameter 'page': required now",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_breaking_changes_are_named(edit: Any, expected: str) -> None:
    assert breaking_changes(BASE, _changed(edit)) == [expected]


# --- bin/api-compat against a real tag ----------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def _gate(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(repo / "bin" / "api-compat")],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(repo.parent),
            "VENV": str(ROOT / ".venv"),
        },
        timeout=300,
        check=False,
    )


def test_the_gate_against_a_tag_of_a_real_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    for part in ("src", "requirements", "bin"):
        shutil.copytree(ROOT / part, repo / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", repo)
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "ci@example.com")
    _git(repo, "config", "user.name", "CI")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "release")
    _git(repo, "tag", "v1.0.0")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "no API change")

    unchanged = _gate(repo)
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    assert "no breaking change since v1.0.0" in unchanged.stdout

    health = repo / "src" / "nexus" / "probes.py"
    health.write_text(health.read_text().replace('@bp.get("/ready"', '@bp.get("/readiness"'))
    _git(repo, "commit", "-qam", "Rename /ready")
    broken = _gate(repo)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "/ready: path removed" in broken.stdout
    assert "API-Breaking: <reason>" in broken.stdout

    _git(repo, "commit", "-q", "--amend", "-m", "Rename /ready\n\nAPI-Breaking: probes renamed")
    accepted = _gate(repo)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "accepted by the commit message (API-Breaking: probes renamed)" in accepted.stdout
