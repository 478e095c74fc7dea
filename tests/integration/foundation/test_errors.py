"""Bad input gets a clear JSON error naming the problem; never a 500 page or a stack trace."""

from __future__ import annotations

from flask import Flask

from nexus.accounts.permissions import public
from tests.support.api import Api

REGISTER = "/api/v1/auth/register"


def _error(response: object) -> dict:
    body = response.get_json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message", "fields", "request_id"}
    return body["error"]


def test_malformed_json_is_a_400_naming_the_body(api: Api) -> None:
    response = api.post(REGISTER, data='{"email": ', content_type="application/json")
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "malformed_json"
    assert error["fields"][0]["field"] == "body"


def test_wrong_types_name_each_field(api: Api) -> None:
    response = api.post(
        REGISTER,
        json={
            "email": 12,
            "password": ["x"],
            "role": "parent",
            "first_name": "A",
            "last_name": "B",
        },
    )
    assert response.status_code == 422
    fields = {f["field"] for f in _error(response)["fields"]}
    assert {"email", "password"} <= fields


def test_missing_fields_are_all_listed(api: Api) -> None:
    response = api.post(REGISTER, json={"email": "x@example.fr"})
    assert response.status_code == 422
    error = _error(response)
    assert {f["field"] for f in error["fields"]} == {"password", "role", "first_name", "last_name"}
    assert "password" in error["message"]


def test_unknown_fields_are_refused(api: Api) -> None:
    response = api.post(
        "/api/v1/auth/login", json={"email": "a@b.fr", "password": "x", "admin": True}
    )
    assert response.status_code == 422
    assert _error(response)["fields"][0]["field"] == "admin"


def test_a_body_that_is_not_an_object(api: Api) -> None:
    response = api.post(REGISTER, json=["not", "an", "object"])
    assert response.status_code == 422
    assert _error(response)["code"] == "validation_error"


def test_a_two_megabyte_body_is_a_413(api: Api) -> None:
    response = api.post(REGISTER, data="x" * (2 * 1024 * 1024), content_type="application/json")
    assert response.status_code == 413
    error = _error(response)
    assert error["code"] == "payload_too_large"
    assert "1048576 octets" in error["message"]


def test_unknown_route_and_wrong_method_answer_json(api: Api) -> None:
    missing = api.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert _error(missing)["code"] == "not_found"
    wrong = api.get("/api/v1/auth/login")
    assert wrong.status_code == 405
    assert "POST" in wrong.headers["Allow"]
    assert _error(wrong)["code"] == "method_not_allowed"


def test_an_unexpected_error_is_a_500_without_details(app: Flask, api: Api) -> None:
    @public
    def explode() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    app.add_url_rule("/test-explode", "test_explode", explode)
    response = api.get("/test-explode", headers={"X-Request-ID": "req-500-check"})
    assert response.status_code == 500
    error = _error(response)
    assert error["code"] == "internal_error"
    assert error["request_id"] == "req-500-check"
    assert "hunter2" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_database_outage_is_a_503_with_retry_after(app: Flask, api: Api) -> None:
    from sqlalchemy.exc import OperationalError

    @public
    def db_down() -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    app.add_url_rule("/test-db-down", "test_db_down", db_down)
    response = api.get("/test-db-down")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert _error(response)["code"] == "database_unavailable"


def test_a_route_without_access_policy_is_refused(app: Flask, api: Api) -> None:
    app.add_url_rule("/test-unguarded", "test_unguarded", lambda: "open")
    response = api.get("/test-unguarded")
    assert response.status_code == 403
    assert _error(response)["code"] == "no_access_policy"


def test_role_checks_answer_403_naming_the_allowed_roles(app: Flask, api: Api) -> None:
    from nexus.accounts.permissions import allow
    from nexus.accounts.roles import Role

    @allow(Role.ADMIN)
    def admin_only() -> str:
        return "ok"

    app.add_url_rule("/test-admin-only", "test_admin_only", admin_only)
    student = api.actor(Role.STUDENT)
    admin = api.actor(Role.ADMIN)
    refused = api.get("/test-admin-only", student)
    assert refused.status_code == 403
    assert "admin" in _error(refused)["message"]
    assert api.get("/test-admin-only", admin).status_code == 200


def test_values_the_database_cannot_hold_are_a_422(app: Flask, api: Api) -> None:
    @public
    def overflow() -> None:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    app.add_url_rule("/test-overflow", "test_overflow", overflow)
    response = api.get("/test-overflow")
    assert response.status_code == 422
    assert _error(response)["code"] == "value_out_of_range"


def test_huge_identifiers_are_refused_by_validation(api: Api) -> None:
    from nexus.accounts.roles import Role

    admin = api.actor(Role.ADMIN)
    response = api.get("/api/v1/offers/39337123972072417001472", admin)
    assert response.status_code == 422
    assert _error(response)["fields"][0]["field"] == "offer_id"


def test_a_boolean_is_not_a_number(api: Api) -> None:
    """Fuzzing finding: pydantic read ``"hours": false`` as 0 and created the offer."""
    from nexus.accounts.roles import Role

    admin = api.actor(Role.ADMIN)
    offer = {
        "code": "stage-hiver",
        "name": "Stage d'hiver",
        "kind": "holiday_intensive",
        "price_cents": 30000,
        "hours": False,
        "max_group_size": 6,
    }
    response = api.post("/api/v1/offers", admin, json=offer)
    assert response.status_code == 422
    assert _error(response)["fields"][0]["field"] == "hours"
    assert api.post("/api/v1/offers", admin, json={**offer, "hours": 12}).status_code == 201
