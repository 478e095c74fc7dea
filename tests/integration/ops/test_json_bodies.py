"""Hostile JSON bodies over real HTTP: deep nesting and oversize bodies are refused with the
error shape before authentication, never a 500 (every body goes through nexus.ops.json_body)."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask

from nexus.ops.json_body import MAX_JSON_DEPTH
from tests.support.threaded_server import serve_in_thread

LOGIN = "/api/v1/auth/login"
# One route per method that takes a body; all need authentication, which comes later.
PROTECTED = (("POST", "/api/v1/content"), ("PATCH", "/api/v1/content/1"), ("POST", LOGIN))


@pytest.fixture(name="base_url")
def _base_url(app: Flask) -> Iterator[str]:
    with serve_in_thread(app) as url:
        yield url


def _send(
    base_url: str, method: str, path: str, body: bytes, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, object]]:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request(
            method, path, body=body, headers={"Content-Type": "application/json", **(headers or {})}
        )
        response = connection.getresponse()
        raw = response.read()
        assert response.getheader("Content-Type", "").startswith("application/json"), raw[:200]
        payload: dict[str, object] = json.loads(raw)
        return response.status, payload
    finally:
        connection.close()


def _arrays(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _objects(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def _assert_too_deep(status: int, payload: dict[str, object]) -> None:
    assert status == 422, payload
    error = payload["error"]
    assert isinstance(error, dict)
    assert error["code"] == "json_too_deep"
    assert error["status"] == 422
    assert error["fields"][0]["field"] == "body"
    assert str(MAX_JSON_DEPTH) in str(error["message"])
    assert error["request_id"]


@pytest.mark.parametrize("body", [_arrays(2000), _objects(2000), _arrays(100_000)])
@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_deeply_nested_json_is_a_422_before_authentication(
    base_url: str, method: str, path: str, body: bytes
) -> None:
    _assert_too_deep(*_send(base_url, method, path, body))


def test_unclosed_deep_nesting_is_refused_too(base_url: str) -> None:
    _assert_too_deep(*_send(base_url, "POST", LOGIN, b"[" * 5000))


def test_brackets_inside_strings_do_not_count(base_url: str) -> None:
    email = "[" * 5000 + '\\"{' * 100
    body = json.dumps({"email": email, "password": "Wrong-pass-42"}).encode()
    status, payload = _send(base_url, "POST", LOGIN, body)
    assert status == 422, payload
    assert payload["error"]["code"] == "validation_error"  # type: ignore[index]


def test_the_depth_limit_is_exact(base_url: str) -> None:
    # At the limit the body is parsed and reaches validation (not an object: a 422 naming it).
    status, payload = _send(base_url, "POST", LOGIN, _objects(MAX_JSON_DEPTH))
    assert status == 422
    assert payload["error"]["code"] == "validation_error"  # type: ignore[index]
    status, payload = _send(base_url, "POST", LOGIN, _arrays(MAX_JSON_DEPTH))
    assert status == 422
    assert payload["error"]["code"] == "validation_error"  # type: ignore[index]
    _assert_too_deep(*_send(base_url, "POST", LOGIN, _arrays(MAX_JSON_DEPTH + 1)))
    _assert_too_deep(*_send(base_url, "POST", LOGIN, _objects(MAX_JSON_DEPTH + 1)))


def test_a_deep_body_on_a_delete_is_refused_too(base_url: str) -> None:
    _assert_too_deep(*_send(base_url, "DELETE", "/api/v1/content/1", _arrays(3000)))


def test_an_oversize_body_is_a_413_before_authentication(base_url: str) -> None:
    status, payload = _send(base_url, "POST", "/api/v1/content", b" " * (1_048_576 + 1))
    assert status == 413
    assert payload["error"]["code"] == "payload_too_large"  # type: ignore[index]


def test_an_oversize_chunked_body_is_a_413_not_a_truncated_parse(base_url: str) -> None:
    # Werkzeug stops reading a chunked body at MAX_CONTENT_LENGTH without saying so: a valid
    # document followed by padding would be parsed from its first megabyte.
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        login = json.dumps({"email": "a@nexus-reussite.fr", "password": "Wrong-pass-42"})
        chunks = iter([login.encode(), *(b" " * 65_536 for _ in range(20))])  # no length
        connection.request(
            "POST",
            LOGIN,
            body=chunks,
            headers={"Content-Type": "application/json"},
            encode_chunked=True,
        )
        response = connection.getresponse()
        payload = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == 413
    assert payload["error"]["code"] == "payload_too_large"
