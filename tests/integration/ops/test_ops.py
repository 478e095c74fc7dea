from __future__ import annotations

import re

from flask import Flask

from nexus.accounts.roles import Role
from tests.conftest import USES_REDIS
from tests.support.api import Api


def test_health_touches_no_dependency(api: Api) -> None:
    response = api.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "version": "0.1.0"}


def test_ready_checks_the_database_and_redis_when_configured(api: Api) -> None:
    response = api.get("/ready")
    assert response.status_code == 200
    checks = response.get_json()["checks"]
    assert checks["database"]["ok"] is True
    assert ("redis" in checks) is USES_REDIS


def test_request_id_is_accepted_or_generated(api: Api) -> None:
    echoed = api.get("/health", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    generated = api.get("/health", headers={"X-Request-ID": "bad id with spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["X-Request-ID"])


def test_security_headers_on_api_and_docs(api: Api) -> None:
    response = api.get("/health")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    docs = api.get("/docs")
    assert "script-src 'self'" in docs.headers["Content-Security-Policy"]
    me = api.get("/api/v1/auth/me")
    assert me.headers["Cache-Control"] == "no-store"


def test_metrics_expose_requests_latency_pool_and_build(api: Api) -> None:
    api.get("/health")
    api.get("/api/v1/auth/me")
    text = api.get("/metrics").get_data(as_text=True)
    assert 'nexus_http_requests_total{endpoint="/health",method="GET",status="200"}' in text
    assert 'nexus_http_requests_total{endpoint="/api/v1/auth/me",method="GET",status="401"}' in text
    assert "nexus_http_request_duration_seconds_bucket" in text
    assert 'nexus_build_info{commit="unknown",version="0.1.0"} 1.0' in text
    assert "nexus_db_pool_size" in text


def test_metrics_under_gunicorn_multiprocess_mode(
    api: Api, monkeypatch: object, tmp_path: object
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # type: ignore[attr-defined]
    text = api.get("/metrics").get_data(as_text=True)
    assert "nexus_build_info" in text


def test_cors_only_for_configured_origins(app: Flask) -> None:
    from nexus import create_app
    from tests.conftest import make_settings

    settings = make_settings(
        app.extensions["settings"].database_url, cors_origins=["https://app.nexus-reussite.com"]
    )
    client = create_app(settings).test_client()
    allowed = client.get("/health", headers={"Origin": "https://app.nexus-reussite.com"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.nexus-reussite.com"
    refused = client.get("/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers
    plain = client.get("/health")
    assert not [name for name in plain.headers.keys() if name.startswith("Access-Control-")]
    preflight = client.options(
        "/api/v1/offers",
        headers={
            "Origin": "https://app.nexus-reussite.com",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.nexus-reussite.com"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Max-Age"] == "600"


def test_every_route_declares_an_access_policy(app: Flask) -> None:
    from nexus.accounts.permissions import access_of, is_framework_endpoint

    missing = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if not is_framework_endpoint(rule.endpoint) and access_of(app, rule.endpoint) is None
    ]
    assert missing == []


def test_openapi_documents_every_operation(api: Api) -> None:
    spec = api.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    operation_ids = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            operation_ids.append(operation["operationId"])
            assert operation.get("summary"), f"{method} {path} has no summary"
            assert any(code.startswith("2") for code in operation["responses"]), (method, path)
            if "requestBody" in operation:
                schema_ref = operation["requestBody"]["content"]["application/json"]["schema"][
                    "$ref"
                ]
                schema = spec["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
                assert schema.get("examples") or all(
                    p.get("examples") for p in schema["properties"].values()
                ), f"{method} {path} has no request example"
    assert len(operation_ids) == len(set(operation_ids))
    me = spec["paths"]["/api/v1/auth/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}]
    assert "401" in me["responses"]


def test_me_requires_a_role_agnostic_sign_in(api: Api) -> None:
    for role in Role:
        actor = api.actor(role)
        assert api.get("/api/v1/auth/me", actor).get_json()["role"] == role.value
