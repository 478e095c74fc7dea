"""What /openapi.json says is what the server enforces (docs/api-contract.md): lengths,
nullability, strict booleans, integers and dates, NUL characters, plausible dates, and the
cross-field rules JSON Schema cannot express written where a client reads them."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from nexus.accounts import passwords
from nexus.accounts.roles import Role
from nexus.offers.schemas import OFFER_EXAMPLE
from tests.support.api import Api

REGISTER = "/api/v1/auth/register"


@pytest.fixture(name="spec")
def _spec(client: FlaskClient) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/openapi.json").get_json()
    return body


def _component(spec: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec["components"]["schemas"][name]
    return schema


def _fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.get_json()
    return [field["field"] for field in response.get_json()["error"]["fields"]]


def _registration(**overrides: Any) -> dict[str, Any]:
    return {
        "email": "camille.martin@example.fr",
        "password": "Révisions2026!",
        "role": "parent",
        "first_name": "Camille",
        "last_name": "Martin",
        **overrides,
    }


def test_password_lengths_are_the_policys(api: Api, spec: dict[str, Any]) -> None:
    password = _component(spec, "RegisterIn")["properties"]["password"]
    assert (password["minLength"], password["maxLength"]) == (
        passwords.MIN_LENGTH,
        passwords.MAX_LENGTH,
    )
    for length in (passwords.MIN_LENGTH - 1, passwords.MAX_LENGTH + 1):
        too = api.post(
            REGISTER, json=_registration(password="a1" * (length // 2) + "b" * (length % 2))
        )
        assert _fields(too) == ["password"], length


def test_patch_schemas_allow_null_only_where_the_server_takes_it(
    api: Api, spec: dict[str, Any]
) -> None:
    for name in ("ContentUpdate", "AssessmentUpdate", "OfferUpdate", "AdminUserUpdate"):
        for prop, schema in _component(spec, name)["properties"].items():
            allows_null = {"type": "null"} in schema.get("anyOf", [])
            assert allows_null == ((name, prop) == ("ContentUpdate", "solution")), (name, prop)
    admin = api.actor(Role.ADMIN)
    offer = api.post(
        "/api/v1/offers",
        admin,
        json={**OFFER_EXAMPLE, "code": "stage-null"},
    )
    assert offer.status_code == 201, offer.get_json()
    null = api.patch(f"/api/v1/offers/{offer.get_json()['id']}", admin, json={"hours": None})
    assert _fields(null) == ["hours"]


def test_booleans_integers_and_dates_are_strict(api: Api) -> None:
    admin = api.actor(Role.ADMIN)
    other = api.actor(Role.PARENT)
    assert _fields(api.patch(f"/api/v1/admin/users/{other.id}", admin, json={"is_active": 0})) == [
        "is_active"
    ]
    assert _fields(api.get("/api/v1/admin/users?is_active=1", admin)) == ["is_active"]
    assert _fields(api.get("/api/v1/admin/users?page=1.0", admin)) == ["page"]
    progress = f"/api/v1/students/{other.id}/progress"
    assert _fields(api.get(f"{progress}?to=0", admin)) == ["to"]
    assert api.get(f"{progress}?to=2026-01-31", admin).status_code != 422


def test_a_nul_character_is_a_422_naming_the_field(api: Api) -> None:
    response = api.post(REGISTER, json=_registration(first_name="Cam\u0000ille"))
    assert _fields(response) == ["first_name"]
    assert "NUL" in response.get_json()["error"]["message"]


def test_birth_dates_are_plausible(api: Api, spec: dict[str, Any]) -> None:
    student = api.actor(Role.STUDENT)
    profile = {"level": "terminale", "specialties": []}
    for day in ("0001-01-01", "1899-12-31", "9999-12-31"):
        response = api.put(
            "/api/v1/students/me/profile", student, json={**profile, "birth_date": day}
        )
        assert _fields(response) == ["birth_date"], day
    fine = api.put(
        "/api/v1/students/me/profile", student, json={**profile, "birth_date": "2009-03-14"}
    )
    assert fine.status_code == 200, fine.get_json()
    cleared = api.put("/api/v1/students/me/profile", student, json={**profile, "birth_date": None})
    assert cleared.get_json()["birth_date"] is None
    described = _component(spec, "StudentProfileUpdate")["properties"]["birth_date"]["description"]
    assert "1900-01-01" in described


def test_cross_field_rules_are_written_in_the_contract(spec: dict[str, Any]) -> None:
    content = {p["name"]: p for p in spec["paths"]["/api/v1/content"]["get"]["parameters"]}
    assert "difficulty_min" in content["difficulty_max"]["description"]
    assert "`relevance` needs `q`" in content["sort"]["description"]
    report = spec["paths"]["/api/v1/students/{student_id}/report.pdf"]["get"]
    assert "731 days" in report["description"]
    progress = spec["paths"]["/api/v1/students/{student_id}/progress"]["get"]["parameters"]
    assert "`from`" in next(p for p in progress if p["name"] == "to")["description"]
    score = _component(spec, "AssessmentCreate")["properties"]["score"]["description"]
    assert "max_score" in score
