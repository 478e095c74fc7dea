"""Every ARIA route declares who may call it and appears in the OpenAPI contract."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from nexus.accounts.permissions import access_of
from nexus.accounts.roles import Role


def test_every_aria_route_is_signed_in_only(app: Flask) -> None:
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if "aria" in r.endpoint}
    assert len(endpoints) == 18
    for endpoint in endpoints:
        access = access_of(app, endpoint)
        assert access is not None and not access.public, endpoint
        if endpoint.startswith("aria_admin"):
            expected = {Role.ADMIN}
        elif endpoint == "aria_safety.set_family_access":
            expected = {Role.PARENT}
        elif endpoint.startswith(("aria_safety", "aria_flags")):
            expected = {Role.PARENT, Role.TEACHER, Role.ADMIN}
        else:
            expected = {Role.STUDENT, Role.TEACHER}
        assert access.roles == expected, endpoint


def test_the_contract_documents_the_aria_operations(client: FlaskClient) -> None:
    doc = client.get("/openapi.json").get_json()
    stream = doc["paths"]["/api/v1/aria/conversations/{conversation_id}/messages/stream"]["post"]
    assert stream["operationId"] == "aria_stream_message"
    assert "text/event-stream" in stream["responses"]["200"]["content"]
    assert {"401", "403", "404", "409", "422", "429"} <= set(stream["responses"])
    usage = doc["paths"]["/api/v1/admin/aria/usage"]["get"]
    assert [p["name"] for p in usage["parameters"]] == ["from", "to"]
